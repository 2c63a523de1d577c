"""The complaint loop on the kit (core.workflow): 登记 → 受理 → 交办 (to a unit) → 调查核实 → 答复 → 回访 →
归档, with 不予受理, 重复件, 延期 and 复查/复核. services.py keeps the verbs as thin wrappers."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core import workflow as wf

from . import services as s
from .choices import STATE_COLOURS, EventKind, State

HANDLING = (State.ACCEPTED, State.ASSIGNED, State.INVESTIGATED)


def handlers(c) -> list:
    """The unit the complaint was handed to (every member) and the local officers holding complaints.handle."""
    out = [wf.Assignee(permission="complaints.handle")]
    if c.unit_id:
        out.insert(0, wf.Assignee(unit=c.unit))
    return out


def due(c):
    if c.state == State.REGISTERED:
        return c.accept_due
    if c.state == State.REVIEWING:
        return c.review_due
    return c.finish_due


def _st(value, task=None, terminal=False):
    return wf.State(value, State(value).label, STATE_COLOURS[value], terminal=terminal, task=task)


T = wf.Transition
COMPLAINT = wf.register(wf.Workflow(
    "complaints.complaint", module="complaints", name=_("信访投诉"),
    states=[
        _st(State.REGISTERED, wf.TaskSpec(_("受理"), "complaints.accept")),
        _st(State.ACCEPTED, wf.TaskSpec(_("交办"), "complaints.assign")),
        _st(State.DECLINED, terminal=True),
        _st(State.ASSIGNED, wf.TaskSpec(_("调查核实"), assignees=handlers)),
        _st(State.INVESTIGATED, wf.TaskSpec(_("答复"), "complaints.reply")),
        _st(State.REPLIED, wf.TaskSpec(_("回访"), "complaints.visit")),
        _st(State.VISITED, wf.TaskSpec(_("归档"), "complaints.close")),
        _st(State.REVIEWING, wf.TaskSpec(_("复查/复核答复"), "complaints.reply")),
        _st(State.CLOSED, terminal=True),
    ],
    transitions=[
        T("accept", (State.REGISTERED,), State.ACCEPTED, "complaints.accept", EventKind.ACCEPT.label,
          params=("track",), handler=s.h_accept, after=s.after_refresh, button="success"),
        T("decline", (State.REGISTERED,), State.DECLINED, "complaints.accept", EventKind.DECLINE.label,
          params=("decline_reason",), handler=s.h_decline, after=s.after_refresh, button="outline-danger"),
        T("answer_repeat", (State.REGISTERED, State.ACCEPTED), State.REPLIED, "complaints.accept",
          EventKind.ANSWER_REPEAT.label, params=("original",), handler=s.h_answer_repeat, after=s.after_refresh),
        # Re-assigning to another unit stays in ASSIGNED and hands the task over.
        T("assign", (State.ACCEPTED, State.ASSIGNED), State.ASSIGNED, "complaints.assign", EventKind.ASSIGN.label,
          params=("unit", "assignee"), handler=s.h_assign, after=s.after_refresh, reassign=True),
        T("investigate", (State.ASSIGNED,), State.INVESTIGATED, "complaints.handle", EventKind.INVESTIGATE.label,
          params=("finding", "investigation"), handler=s.h_investigate, after=s.after_refresh),
        T("measures", (State.INVESTIGATED,), None, "complaints.handle", EventKind.MEASURES.label,
          params=("measures", "ordered_rectification", "case_filed", "fine_amount"), handler=s.h_measures,
          after=s.after_refresh, button="outline-primary"),
        T("request_extension", HANDLING, None, "complaints.handle", EventKind.REQUEST_EXTENSION.label,
          params=("days", "reason"), handler=s.h_request_extension, after=s.after_request_extension,
          button="outline-secondary"),
        T("approve_extension", HANDLING, None, "complaints.extend_approve", EventKind.APPROVE_EXTENSION.label,
          handler=s.h_approve_extension, after=s.after_extension_decided, button="outline-success"),
        T("refuse_extension", HANDLING, None, "complaints.extend_approve", EventKind.REFUSE_EXTENSION.label,
          handler=s.h_refuse_extension, after=s.after_extension_decided, button="outline-danger"),
        # Replying issues the 答复意见书 (complaints/documents.py) on the reply's own timeline line.
        T("reply", (State.INVESTIGATED,), State.REPLIED, "complaints.reply", EventKind.REPLY.label,
          params=("reply_text", "method"), handler=s.h_reply, after=s.after_refresh, button="success",
          document="complaints.reply"),
        T("visit", (State.REPLIED,), State.VISITED, "complaints.visit", EventKind.VISIT.label,
          params=("satisfaction", "method", "fixed"), handler=s.h_visit, after=s.after_refresh),
        T("request_review", (State.REPLIED, State.VISITED, State.CLOSED), State.REVIEWING, "complaints.reply",
          EventKind.REQUEST_REVIEW.label, params=("on",), handler=s.h_request_review, after=s.after_refresh,
          button="outline-danger"),
        T("answer_review", (State.REVIEWING,), State.REPLIED, "complaints.reply", EventKind.ANSWER_REVIEW.label,
          params=("reply_text",), handler=s.h_answer_review, after=s.after_refresh),
        T("close", (State.REPLIED, State.VISITED), State.CLOSED, "complaints.close", EventKind.CLOSE.label,
          handler=s.h_close, after=s.after_refresh, button="secondary"),
        T("spawn_problem", (State.ACCEPTED, State.ASSIGNED, State.INVESTIGATED, State.REPLIED, State.VISITED,
                            State.CLOSED), None, "complaints.handle", EventKind.PROBLEM.label,
          params=("description", "deadline", "responsible_units"), handler=s.h_spawn_problem, after=s.after_refresh,
          button="outline-dark"),
    ],
    title=lambda c: f"{c.number} {c.title}",
    url=lambda c: reverse("complaints:detail", args=[c.pk]),
    due=due,
    verb_labels={k.value: k.label for k in EventKind},
    remind=False,  # complaints_overdue flags and announces the statutory limits
))


def transition_table() -> dict:
    """{verb: (from-states, to-state or None, permission action)} — the shape choices.TRANSITIONS always had;
    confirming a duplicate is open from any state to holders of complaints.accept."""
    out = {t.verb: (tuple(str(x) for x in t.sources), t.target and str(t.target), t.permission.split(".", 1)[1])
           for t in COMPLAINT.transitions}
    out["confirm_duplicate"] = (tuple(State.values), None, "accept")
    return out


TRANSITIONS = transition_table()
