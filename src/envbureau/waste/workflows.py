"""Lifecycles on the kit (core.workflow).
Manifest: 待运出 → 运输中 (the carrier confirms pickup, then handover) → 已接收待确认 (confirm within 5 working
days) → 已确认; rejection → 已拒收 → 已退回.
Declaration: 待申报 → 已申报 (task due on the HJ 1259 date). Alert: 待处理 → 已处理."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core import workflow as wf

from . import services as s
from .choices import (
    APPLICATION_COLOURS,
    MANIFEST_COLOURS,
    AlertState,
    ApplicationState,
    DeclarationState,
    ManifestState,
)

T = wf.Transition
M = ManifestState


def _receiver(m):
    return m.receiver_enterprise_id


def _producer(m):
    return m.producer_enterprise_id


MANIFEST = wf.register(wf.Workflow(
    "waste.manifest", module="waste", name=_("危险废物转移联单"),
    states=[
        wf.State(M.CREATED, M.CREATED.label, MANIFEST_COLOURS["created"],
                 task=wf.TaskSpec(_("运出危险废物"), "waste.ship", enterprise=_producer)),
        wf.State(M.SHIPPED, M.SHIPPED.label, MANIFEST_COLOURS["shipped"],
                 task=wf.TaskSpec(_("接收危险废物"), "waste.receive", enterprise=_receiver)),
        wf.State(M.RECEIVED, M.RECEIVED.label, MANIFEST_COLOURS["received"],
                 task=wf.TaskSpec(_("确认转移联单"), "waste.receive", enterprise=_receiver,
                                  due=lambda m: m.confirm_due)),
        wf.State(M.CONFIRMED, M.CONFIRMED.label, MANIFEST_COLOURS["confirmed"], terminal=True),
        wf.State(M.REJECTED, M.REJECTED.label, MANIFEST_COLOURS["rejected"],
                 task=wf.TaskSpec(_("接回被拒收的危险废物"), "waste.ship", enterprise=_producer)),
        wf.State(M.RETURNED, M.RETURNED.label, MANIFEST_COLOURS["returned"], terminal=True),
        wf.State(M.CANCELLED, M.CANCELLED.label, MANIFEST_COLOURS["cancelled"], terminal=True),
    ],
    transitions=[
        T("ship", (M.CREATED,), M.SHIPPED, "waste.ship", _("运出"), params=("carried_tonnes", "vehicle_no", "shipped_on"),
          handler=s.h_ship, guard=s.party_guard("producer"), button="primary"),
        T("cancel", (M.CREATED,), M.CANCELLED, "waste.ship", _("作废联单"), note_required=True,
          guard=s.party_guard("producer"), button="outline-danger"),
        T("receive", (M.SHIPPED,), M.RECEIVED, "waste.receive", _("接收"), required=("received_tonnes",),
          params=("received_on",), handler=s.h_receive, after=s.after_receive, guard=s.party_guard("receiver"),
          button="primary"),
        T("confirm", (M.RECEIVED,), M.CONFIRMED, "waste.receive", _("确认联单"), params=("confirmed_on", "method"),
          handler=s.h_confirm, after=s.after_confirm, guard=s.party_guard("receiver"), button="success"),
        T("reject", (M.SHIPPED, M.RECEIVED), M.REJECTED, "waste.receive", _("拒收"), note_required=True,
          handler=s.h_reject, after=s.after_reject, guard=s.party_guard("receiver"), button="outline-danger"),
        T("take_back", (M.REJECTED,), M.RETURNED, "waste.ship", _("已接回"), guard=s.party_guard("producer"),
          button="dark"),
        # The carrier's own steps while the waste is on the road (the state stays 运输中): pickup with the tonnes
        # it loaded, then handover to the receiver. Only the manifest's carrier (or the bureau) does them.
        T("pick_up", (M.SHIPPED,), None, "waste.carry", _("确认提货"), params=("carried_tonnes", "vehicle_no",
                                                                               "picked_up_on"),
          handler=s.h_pick_up, after=s.after_carry, guard=s.party_guard("transporter", s.can_pick_up),
          button="primary"),
        T("hand_over", (M.SHIPPED,), None, "waste.carry", _("确认交付"), params=("handed_over_on",),
          handler=s.h_hand_over, after=s.after_carry, guard=s.party_guard("transporter", s.can_hand_over),
          button="success"),
    ],
    title=lambda m: f"{m.number} {m.waste_name}",
    verb_labels={"open": _("填报联单")},
    url=lambda m: reverse("waste:manifests-detail", args=[m.pk]),
))

DECLARATION = wf.register(wf.Workflow(
    "waste.declaration", module="waste", name=_("危废申报"),
    states=[
        wf.State(DeclarationState.DUE, DeclarationState.DUE.label, "warning",
                 task=wf.TaskSpec(_("提交危废申报"), "waste.declare", due=lambda d: d.due)),
        wf.State(DeclarationState.SUBMITTED, DeclarationState.SUBMITTED.label, "success", terminal=True),
    ],
    transitions=[
        T("submit", (DeclarationState.DUE,), DeclarationState.SUBMITTED, "waste.declare", _("提交申报"),
          required=("generated_tonnes",), params=("transferred_tonnes", "submitted_on"), handler=s.h_submit,
          after=s.after_submit, button="success"),
    ],
    title=lambda d: str(d),
    verb_labels={"open": _("生成应申报")},
    url=lambda d: reverse("waste:declarations-detail", args=[d.pk]),
))

ALERT = wf.register(wf.Workflow(
    "waste.alert", module="waste", name=_("危废预警"),
    states=[
        wf.State(AlertState.OPEN, AlertState.OPEN.label, "danger",
                 task=wf.TaskSpec(_("处理危废预警"), "waste.handle", due=lambda a: a.due)),
        wf.State(AlertState.HANDLED, AlertState.HANDLED.label, "success", terminal=True),
    ],
    transitions=[
        T("handle", (AlertState.OPEN,), AlertState.HANDLED, "waste.handle", _("处理完毕"), note_required=True,
          button="success"),
    ],
    title=lambda a: str(a),
    verb_labels={"open": _("触发预警")},
    url=lambda a: reverse("waste:alerts-detail", args=[a.pk]),
))


A = ApplicationState


def _app_producer(a):
    return a.producer.enterprise_id


def _step_due(a):
    return a.step_due


APPLICATION = wf.register(wf.Workflow(
    "waste.crossprovinceapplication", module="waste", name=_("跨省转移申请"),
    states=[
        wf.State(A.SUBMITTED, A.SUBMITTED.label, APPLICATION_COLOURS["submitted"],
                 task=wf.TaskSpec(_("受理跨省转移申请"), "waste.approve", due=_step_due)),
        wf.State(A.RETURNED, A.RETURNED.label, APPLICATION_COLOURS["returned"],
                 task=wf.TaskSpec(_("补正跨省转移申请材料"), "waste.ship", enterprise=_app_producer)),
        wf.State(A.ACCEPTED, A.ACCEPTED.label, APPLICATION_COLOURS["accepted"],
                 task=wf.TaskSpec(_("出具初审意见并函商接受地"), "waste.approve", due=_step_due)),
        wf.State(A.CONSULTING, A.CONSULTING.label, APPLICATION_COLOURS["consulting"],
                 task=wf.TaskSpec(_("登记接受地省级部门回复"), "waste.approve", due=_step_due)),
        wf.State(A.REPLIED, A.REPLIED.label, APPLICATION_COLOURS["replied"],
                 task=wf.TaskSpec(_("作出跨省转移审批决定"), "waste.approve", due=_step_due)),
        wf.State(A.APPROVED, A.APPROVED.label, APPLICATION_COLOURS["approved"], terminal=True),
        wf.State(A.REFUSED, A.REFUSED.label, APPLICATION_COLOURS["refused"], terminal=True),
        wf.State(A.WITHDRAWN, A.WITHDRAWN.label, APPLICATION_COLOURS["withdrawn"], terminal=True),
    ],
    transitions=[
        T("accept", (A.SUBMITTED,), A.ACCEPTED, "waste.approve", _("受理"), params=("accepted_on",),
          handler=s.h_app_accept, button="primary"),
        T("return_for_more", (A.SUBMITTED,), A.RETURNED, "waste.approve", _("告知补正"), note_required=True,
          handler=s.h_app_return, button="outline-secondary"),
        T("resubmit", (A.RETURNED,), A.SUBMITTED, "waste.ship", _("补正后重新提交"), params=("submitted_on",),
          handler=s.h_app_resubmit, guard=s.party_guard("producer"), button="primary"),
        T("consult", (A.ACCEPTED,), A.CONSULTING, "waste.approve", _("出具初审意见并函商"), params=("letter_on",),
          note_required=True, handler=s.h_app_consult, button="primary"),
        T("record_reply", (A.CONSULTING,), A.REPLIED, "waste.approve", _("登记接受地回复"), required=("agreed",),
          params=("reply_on",), handler=s.h_app_reply, button="primary"),
        T("approve", (A.REPLIED,), A.APPROVED, "waste.approve", _("批准"), required=("number",),
          params=("decided_on",), document="waste.cross_province_approval", handler=s.h_app_approve, after=s.after_app_decision, button="success"),
        T("refuse", (A.SUBMITTED, A.ACCEPTED, A.REPLIED), A.REFUSED, "waste.approve", _("不予批准"),
          note_required=True, params=("decided_on",), handler=s.h_app_refuse, after=s.after_app_decision,
          button="outline-danger"),
        T("withdraw", (A.SUBMITTED, A.RETURNED), A.WITHDRAWN, "waste.ship", _("撤回申请"),
          handler=s.h_app_withdraw, guard=s.party_guard("producer"), button="outline-dark"),
    ],
    # 行政许可法 art. 32: no 补正 notice within the limit → accepted from the day the materials arrived
    lapses=[wf.Lapse(A.SUBMITTED, s.STEP_CLOCK, "accept", _("逾期未告知补正,依法自收到申请材料之日起视为受理"),
                     data=lambda a, clock: {"accepted_on": clock.start})],
    title=lambda a: str(a),
    verb_labels={"open": _("提出申请")},
    url=lambda a: reverse("waste:applications-detail", args=[a.pk]),
))
