"""Lifecycles declared on the kit (core.workflow). Inspection: 待检查 → 已检查 (笔录, findings) → 已公开;
findings go on to the ledger (open_problem) or a case."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core import workflow as wf

from . import services as s
from .choices import INSPECTION_COLOURS, InspectionState

T = wf.Transition
INSPECTION = wf.register(wf.Workflow(
    "enforcement.inspection", module="enforcement", name=_("执法检查"),
    states=[
        wf.State(InspectionState.PLANNED, InspectionState.PLANNED.label, INSPECTION_COLOURS["planned"],
                 task=wf.TaskSpec(_("实施检查"), "enforcement.inspect")),
        wf.State(InspectionState.RECORDED, InspectionState.RECORDED.label, INSPECTION_COLOURS["recorded"],
                 task=wf.TaskSpec(_("公开检查结果"), "enforcement.publish", due=lambda i: i.publish_due)),
        wf.State(InspectionState.PUBLISHED, InspectionState.PUBLISHED.label, INSPECTION_COLOURS["published"],
                 terminal=True),
        wf.State(InspectionState.CANCELLED, InspectionState.CANCELLED.label, INSPECTION_COLOURS["cancelled"],
                 terminal=True),
    ],
    transitions=[
        T("record", (InspectionState.PLANNED,), InspectionState.RECORDED, "enforcement.inspect", _("记录检查结果"),
          required=("result",), fields=("findings", "result", "party_present", "follow_up"),
          params=("checklist", "inspected_on"), handler=s.h_record, after=s.after_record, button="success"),
        T("publish", (InspectionState.RECORDED,), InspectionState.PUBLISHED, "enforcement.publish", _("公开结果"),
          handler=s.h_publish, button="dark"),
        T("to_problem", (InspectionState.RECORDED, InspectionState.PUBLISHED), None, "enforcement.inspect",
          _("转问题台账"), params=("category", "deadline"), handler=s.h_open_problem, button="outline-primary"),
        T("cancel", (InspectionState.PLANNED,), InspectionState.CANCELLED, "enforcement.inspect", _("取消检查"),
          note_required=True, button="outline-danger"),
    ],
    verb_labels={"photo": _("上传现场照片"), "sign": _("签名"), "monitoring": _("调取在线监控数据")},
    title=lambda i: f"{i.code} {i.enterprise_name}",
    url=lambda i: reverse("enforcement:inspections-detail", args=[i.pk]),
    due=lambda i: i.planned_on,
))


# ---- penalty cases -------------------------------------------------------------------------------
from . import cases as c  # noqa: E402
from . import transfers as tr  # noqa: E402
from .choices import CASE_COLOURS, CaseState  # noqa: E402

S = CaseState
OPEN = (S.FILED, S.INVESTIGATING, S.REVIEWING, S.NOTIFIED)


def _state(value, action, perm, terminal=False):
    return wf.State(value, S(value).label, CASE_COLOURS[value], terminal=terminal,
                    task=None if terminal else wf.TaskSpec(action, perm))


CASE = wf.register(wf.Workflow(
    "enforcement.case", module="enforcement", name=_("行政处罚案件"),
    states=[
        _state(S.FILED, _("调查取证"), "enforcement.case"),
        _state(S.INVESTIGATING, _("调查终结,提交案审"), "enforcement.case"),
        _state(S.REVIEWING, _("案件审查"), "enforcement.review"),
        _state(S.NOTIFIED, _("作出处罚决定"), "enforcement.decide"),
        _state(S.DECIDED, _("送达处罚决定书"), "enforcement.case"),
        _state(S.SERVED, _("督促缴款"), "enforcement.case"),
        _state(S.EXECUTED, _("结案"), "enforcement.decide"),
        _state(S.CLOSED, None, "", terminal=True),
    ],
    transitions=[
        T("investigate", (S.FILED,), S.INVESTIGATING, "enforcement.case", _("开始调查取证")),
        T("submit_review", (S.INVESTIGATING,), S.REVIEWING, "enforcement.case", _("调查终结,提交案审"),
          note_required=True),
        T("notify", (S.REVIEWING,), S.NOTIFIED, "enforcement.review", _("事先告知"),
          params=("outcome", "levels", "fine", "notified_on"), handler=c.h_notify, button="warning"),
        T("no_penalty", (S.REVIEWING,), S.CLOSED, "enforcement.review", _("不予处罚"),
          params=("outcome", "decided_on"), note_required=True, handler=c.h_no_penalty, after=c.after_no_penalty,
          button="outline-secondary"),
        T("statement", (S.NOTIFIED,), None, "enforcement.case", _("陈述申辩/听证(期限中止)"),
          params=("kind", "on"), note_required=True, handler=c.h_pause, button="outline-warning"),
        T("resume", (S.NOTIFIED,), None, "enforcement.case", _("陈述申辩/听证结束(恢复计时)"),
          params=("on",), note_required=True, handler=c.h_resume, button="outline-warning"),
        T("extend", OPEN, None, "enforcement.decide", _("批准延长办案期限"), params=("days",),
          note_required=True, handler=c.h_extend, button="outline-danger"),
        T("decide", (S.NOTIFIED,), S.DECIDED, "enforcement.decide", _("作出处罚决定"),
          params=("decided_on", "fine", "levels"), handler=c.h_decide, after=c.after_decide, button="success"),
        T("serve", (S.DECIDED,), S.SERVED, "enforcement.case", _("送达"), params=("served_on",),
          handler=c.h_serve),
        T("pay", (S.SERVED,), S.EXECUTED, "enforcement.case", _("缴款/执行完毕"), params=("paid_on",),
          handler=c.h_pay, button="success"),
        T("close", (S.EXECUTED,), S.CLOSED, "enforcement.decide", _("结案"), params=("closed_on",),
          handler=c.h_close, button="dark"),
        T("publish", (S.DECIDED, S.SERVED, S.EXECUTED, S.CLOSED), None, "enforcement.publish", _("公开处罚决定"),
          params=("published_on",), handler=c.h_publish, guard=c.g_publish, button="dark"),
        T("transfer", (S.REVIEWING, S.NOTIFIED, S.DECIDED, S.SERVED, S.EXECUTED, S.CLOSED), None, "enforcement.decide",
          _("移送公安"),
          params=("transfer_kind", "transferred_on", "authority", "persons", "reason"), handler=tr.h_transfer,
          button="outline-danger"),
    ],
    title=lambda x: f"{x.code} {x.party}",
    url=lambda x: reverse("enforcement:cases-detail", args=[x.pk]),
    due=c.workflow_due,
))


# ---- orders, coercive measures and the daily penalty -----------------------------------------------
from . import measures as m  # noqa: E402
from .choices import MEASURE_COLOURS, MeasureKind, MeasureState  # noqa: E402

M = MeasureState
K = MeasureKind
MEASURE = wf.register(wf.Workflow(
    "enforcement.measure", module="enforcement", name=_("行政命令与强制措施"),
    states=[
        wf.State(M.PENDING, M.PENDING.label, MEASURE_COLOURS["pending"],
                 task=wf.TaskSpec(m.pending_task, "enforcement.decide")),
        wf.State(M.DECIDED, M.DECIDED.label, MEASURE_COLOURS["decided"],
                 task=wf.TaskSpec(_("送达决定书"), "enforcement.case")),
        wf.State(M.IN_FORCE, M.IN_FORCE.label, MEASURE_COLOURS["in_force"],
                 task=wf.TaskSpec(m.in_force_task, "enforcement.case")),
        wf.State(M.ENDED, M.ENDED.label, MEASURE_COLOURS["ended"], terminal=True),
    ],
    transitions=[
        T("approve", (M.PENDING,), M.IN_FORCE, "enforcement.decide", _("负责人补办批准"), params=("approved_at",),
          handler=m.h_approve, guard=m.only(K.SEIZURE), button="success"),
        T("serve", (M.DECIDED,), M.IN_FORCE, "enforcement.case", _("送达/执行"), params=("served_on",),
          handler=m.h_serve, button="success"),
        T("recheck", (M.IN_FORCE,), M.ENDED, "enforcement.inspect", _("复查"),
          params=("rechecked_on", "recheck_result", "inspection"), handler=m.h_recheck, after=m.after_recheck,
          guard=m.only(K.CORRECTION), button="primary"),
        T("extend", (M.DECIDED, M.IN_FORCE), None, "enforcement.decide", _("批准延长期限"), params=("days",),
          note_required=True, handler=m.h_extend, after=m.after_same_state, guard=m.only(K.SEIZURE, K.LIMIT),
          button="outline-danger"),
        T("release", (M.PENDING, M.DECIDED, M.IN_FORCE), M.ENDED, "enforcement.decide", _("解除"),
          params=("released_on",), note_required=True, handler=m.h_release, guard=m.only(K.SEIZURE, K.LIMIT, K.STOP),
          button="dark"),
        T("dispose", (M.IN_FORCE,), M.ENDED, "enforcement.decide", _("作出处理决定"),
          params=("disposal", "disposed_on"), note_required=True, handler=m.h_dispose, guard=m.only(K.SEIZURE),
          button="outline-dark"),
        T("pay", (M.IN_FORCE,), M.ENDED, "enforcement.case", _("缴款/执行完毕"), params=("paid_on",),
          handler=m.h_pay, guard=m.only(K.DAILY), button="success"),
        T("file_plan", (M.IN_FORCE,), None, "enforcement.case", _("整改方案备案"), params=("plan_filed_on",),
          handler=m.h_file_plan, after=m.after_same_state, guard=m.only(K.LIMIT, K.STOP, when=m.plan_open), button="primary"),
        T("request_release", (M.DECIDED, M.IN_FORCE), None, "enforcement.case", _("当事人申请解除"),
          params=("release_requested_on",), handler=m.h_request_release, after=m.after_same_state,
          guard=m.only(K.SEIZURE, when=m.may_request_release), button="outline-primary"),
        T("keep", (M.DECIDED, M.IN_FORCE), None, "enforcement.decide", _("维持查封、扣押"), params=("kept_on",),
          note_required=True, handler=m.h_keep, after=m.after_same_state, guard=m.only(K.SEIZURE, when=m.release_pending),
          button="outline-danger"),
        T("serve_release", (M.ENDED,), None, "enforcement.case", _("送达解除决定"), params=("release_served_on",),
          handler=m.h_serve_release, guard=m.only(K.SEIZURE, when=m.release_unserved), button="success"),
        T("publish", (M.PENDING, M.DECIDED, M.IN_FORCE, M.ENDED), None, "enforcement.publish",
          _("公开查封、扣押决定"), params=("published_on",), handler=m.h_publish,
          guard=m.only(K.SEIZURE, when=m.not_published), button="dark"),
        T("follow_up", (M.ENDED,), None, "enforcement.inspect", _("跟踪检查"), params=("followed_up_on",),
          handler=m.h_follow_up, guard=m.only(K.LIMIT, K.STOP, when=m.follow_up_open), button="primary"),
    ],
    verb_labels={"open": _("作出决定")},
    title=lambda x: f"{x.code} {x.get_kind_display()} {x.party}",
    url=lambda x: reverse("enforcement:measures-detail", args=[x.pk]),
    due=m.workflow_due,
))


# ---- clues: decide within 15 days whether to file a case -------------------------------------------------
from . import clues as cl  # noqa: E402
from .choices import CLUE_COLOURS, ClueState  # noqa: E402

CS = ClueState
CLUE = wf.register(wf.Workflow(
    "enforcement.clue", module="enforcement", name=_("案件线索"),
    states=[
        wf.State(CS.PENDING, CS.PENDING.label, CLUE_COLOURS["pending"],
                 task=wf.TaskSpec(_("决定是否立案"), "enforcement.case")),
        wf.State(CS.FILED, CS.FILED.label, CLUE_COLOURS["filed"], terminal=True),
        wf.State(CS.NOT_FILED, CS.NOT_FILED.label, CLUE_COLOURS["not_filed"], terminal=True),
    ],
    transitions=[
        T("file", (CS.PENDING,), CS.FILED, "enforcement.case", _("立案"), params=("case", "decided_on"),
          handler=cl.h_file, button="success"),
        T("not_file", (CS.PENDING,), CS.NOT_FILED, "enforcement.review", _("不予立案"), params=("decided_on",),
          note_required=True, handler=cl.h_not_file, button="outline-secondary"),
        T("extend", (CS.PENDING,), None, "enforcement.decide", _("批准延长立案期限"), params=("days",),
          note_required=True, handler=cl.h_extend, after=cl.after_extend, button="outline-danger"),
    ],
    verb_labels={"open": _("登记线索")},
    title=lambda x: f"{x.code} {x.party}",
    url=cl.detail_url,
    due=cl.workflow_due,
))


# ---- transfers to the police: approved → files sent → the police's answer recorded ----------------------------
from .choices import TRANSFER_COLOURS, TransferState  # noqa: E402

TS = TransferState
TRANSFER = wf.register(wf.Workflow(
    "enforcement.transfer", module="enforcement", name=_("移送公安"),
    states=[
        wf.State(TS.APPROVED, TS.APPROVED.label, TRANSFER_COLOURS["approved"],
                 task=wf.TaskSpec(_("向公安机关移送案卷"), "enforcement.decide")),
        wf.State(TS.SENT, TS.SENT.label, TRANSFER_COLOURS["sent"],
                 task=wf.TaskSpec(_("登记公安机关处理结果"), "enforcement.case")),
        wf.State(TS.CONCLUDED, TS.CONCLUDED.label, TRANSFER_COLOURS["concluded"], terminal=True),
    ],
    transitions=[
        T("send", (TS.APPROVED,), TS.SENT, "enforcement.decide", _("移送案卷"), params=("sent_on",),
          handler=tr.h_send, button="success"),
        T("conclude", (TS.SENT,), TS.CONCLUDED, "enforcement.case", _("登记处理结果"),
          params=("outcome", "outcome_on", "detention_days"), handler=tr.h_conclude, after=tr.after_conclude,
          button="primary"),
    ],
    verb_labels={"open": _("批准移送")},
    title=lambda x: f"{x.code} {x.get_kind_display()} {x.party}",
    url=tr.detail_url,
    due=tr.workflow_due,
))


# ---- credit repair: application → decision ---------------------------------------------------------
from . import credit as cr  # noqa: E402
from .choices import REPAIR_COLOURS, RepairState  # noqa: E402

R = RepairState
CREDIT_REPAIR = wf.register(wf.Workflow(
    "enforcement.creditrepair", module="enforcement", name=_("信用修复申请"),
    states=[
        wf.State(R.APPLIED, R.APPLIED.label, REPAIR_COLOURS["applied"],
                 task=wf.TaskSpec(_("审核信用修复申请"), "enforcement.rate")),
        # 准予修复 publicised on the public pages; the grade rises when the publicity ends (Lapse below)
        wf.State(R.PUBLICITY, R.PUBLICITY.label, REPAIR_COLOURS["publicity"]),
        wf.State(R.APPROVED, R.APPROVED.label, REPAIR_COLOURS["approved"], terminal=True),
        wf.State(R.REFUSED, R.REFUSED.label, REPAIR_COLOURS["refused"], terminal=True),
        wf.State(R.OBJECTED, R.OBJECTED.label, REPAIR_COLOURS["objected"], terminal=True),
    ],
    transitions=[
        T("approve", (R.APPLIED,), R.PUBLICITY, "enforcement.rate", _("准予修复"), params=("decided_on",),
          note_required=True, handler=cr.h_approve, button="success"),
        T("refuse", (R.APPLIED,), R.REFUSED, "enforcement.rate", _("不予修复"), params=("decided_on",),
          note_required=True, handler=cr.h_refuse, button="outline-danger"),
        T("objection", (R.PUBLICITY,), R.OBJECTED, "enforcement.rate", _("公示期异议成立"), params=("objected_on",),
          note_required=True, handler=cr.h_object, button="outline-danger"),
        T("take_effect", (R.PUBLICITY,), R.APPROVED, "enforcement.rate", _("公示期满,修复生效"),
          params=("effective_on",), handler=cr.h_take_effect, button="success"),
    ],
    lapses=[wf.Lapse(R.PUBLICITY, cr.PUBLICITY, "take_effect", _("公示期满无异议,信用修复生效"),
                     data=cr.effective_on_after)],
    verb_labels={"open": _("提交申请")},
    title=lambda x: f"{x.enterprise_name} {x.rating.year} {_('信用修复申请')}",
    url=lambda x: reverse("enforcement:repairs-detail", args=[x.pk]),
))
