"""The problem ledger's loop, declared once on the kit (core.workflow): 登记 → 交办 → 签收整改 → 申请销号 →
验收 (sign-off chain) → 销号 → 公示, with 退回 and 反弹. services.py keeps the verbs as thin wrappers."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core import workflow as wf

from . import services as s
from .choices import STATE_COLOURS, State, Verb


def _units(p) -> list:
    return [wf.Assignee(unit=u) for u in p.units.filter(active=True)]


def rectifiers(p) -> list:
    """Local officers and the enterprise holding ledger.rectify, and every member of the responsible units."""
    return [wf.Assignee(permission="ledger.rectify"), *_units(p)]


def signer(p) -> list:
    step = s.pending_step(p)
    if step is None:
        return []
    return [wf.Assignee(permission=step.permission, level=step.level or "")]


def _sign_action(p) -> str:
    step = s.pending_step(p)
    return step.name if step is not None else str(_("验收"))


T = wf.Transition
PROBLEM = wf.register(wf.Workflow(
    "ledger.problem", module="ledger", name=_("问题台账"),
    states=[
        wf.State(State.REGISTERED, State.REGISTERED.label, STATE_COLOURS[State.REGISTERED],
                 task=wf.TaskSpec(_("交办"), "ledger.assign")),
        wf.State(State.ASSIGNED, State.ASSIGNED.label, STATE_COLOURS[State.ASSIGNED],
                 task=wf.TaskSpec(_("签收整改"), assignees=rectifiers)),
        wf.State(State.IN_RECTIFICATION, State.IN_RECTIFICATION.label, STATE_COLOURS[State.IN_RECTIFICATION],
                 task=wf.TaskSpec(_("整改并申请销号"), assignees=rectifiers)),
        wf.State(State.RETURNED, State.RETURNED.label, STATE_COLOURS[State.RETURNED],
                 task=wf.TaskSpec(_("重新整改"), assignees=rectifiers)),
        wf.State(State.CLOSURE_REQUESTED, State.CLOSURE_REQUESTED.label, STATE_COLOURS[State.CLOSURE_REQUESTED],
                 # enterprises never sign acceptance (services.can_sign): the step is not theirs to see or be told of
                 task=wf.TaskSpec(_sign_action, assignees=signer, enterprise=lambda p: None)),
        wf.State(State.VERIFIED, State.VERIFIED.label, STATE_COLOURS[State.VERIFIED],
                 task=wf.TaskSpec(_("销号"), "ledger.close_out")),
        # Closed loops: no step waits (公示 and 反弹 stay possible).
        wf.State(State.CLOSED_OUT, State.CLOSED_OUT.label, STATE_COLOURS[State.CLOSED_OUT], terminal=True),
        wf.State(State.NOTICED, State.NOTICED.label, STATE_COLOURS[State.NOTICED], terminal=True),
    ],
    transitions=[
        T(Verb.ASSIGN, (State.REGISTERED,), State.ASSIGNED, "ledger.assign", _("交办"),
          params=("responsible_units", "responsible_person", "responsible_phone", "deadline", "measures"),
          handler=s.h_assign, after=s.after_assign),
        T(Verb.START, (State.ASSIGNED,), State.IN_RECTIFICATION, "ledger.rectify", _("签收整改")),
        T(Verb.PROGRESS, (State.IN_RECTIFICATION, State.RETURNED), None, "ledger.rectify", _("填报整改进展"),
          note_required=True, handler=s.h_progress, after=s.after_files, button="outline-primary"),
        T(Verb.REQUEST_CLOSE, (State.IN_RECTIFICATION, State.RETURNED), State.CLOSURE_REQUESTED,
          "ledger.request_close", _("申请销号"), note_required=True, evidence_required=True,
          handler=s.h_request_close, after=s.after_files, button="success"),
        # Stays in CLOSURE_REQUESTED until the chain's last step is signed (the handler sets VERIFIED then);
        # each signature moves the task to the next step's signers.
        T(Verb.SIGN_OFF, (State.CLOSURE_REQUESTED,), None, "ledger.verify", _("验收通过"), guard=s._sign_guard,
          handler=s.h_sign_off, after=s.after_sign_off, reassign=True, button="success"),
        T(Verb.RETURN, (State.CLOSURE_REQUESTED,), State.RETURNED, "ledger.verify", _("退回整改"),
          note_required=True, guard=s._sign_guard, handler=s.h_return, button="outline-danger"),
        T(Verb.CLOSE_OUT, (State.VERIFIED,), State.CLOSED_OUT, "ledger.close_out", _("销号"),
          handler=s.h_close_out, button="success"),
        T(Verb.NOTICE, (State.CLOSED_OUT,), State.NOTICED, "ledger.notice", _("公示"),
          params=("public_summary", "days"), handler=s.h_notice, button="dark"),
        T(Verb.REOPEN, (State.VERIFIED, State.CLOSED_OUT, State.NOTICED), State.IN_RECTIFICATION, "ledger.reopen",
          _("重新打开(问题反弹)"), note_required=True, handler=s.h_reopen, button="outline-danger"),
    ],
    title=lambda p: f"{p.code} {p.shown_title}",
    url=lambda p: reverse("ledger:problem-detail", args=[p.pk]),
    due=lambda p: p.deadline,
    verb_labels={v.value: v.label for v in Verb},
    remind=False,  # ledger_reminders announces near and past deadlines (and flags overdue problems)
))

TRANSITIONS = PROBLEM.transition_map
