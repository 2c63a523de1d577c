"""Lifecycles declared on the kit (core.workflow): EIA applications, discharge permits, execution reports."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core import workflow as wf

from . import eia as e
from . import emergency as em
from . import permits as p
from . import prereview as pr
from . import supervision as sv
from .choices import (
    EIA_COLOURS,
    INCIDENT_COLOURS,
    PERMIT_COLOURS,
    PLAN_COLOURS,
    PREREVIEW_COLOURS,
    REPORT_COLOURS,
    EIAState,
    IncidentState,
    PermitState,
    PlanState,
    PreReviewState,
    ReportState,
)

T = wf.Transition
S = EIAState
OPEN = (S.SUBMITTED, S.CORRECTION, S.ACCEPTED, S.REVIEWING, S.REVIEWED, S.PROPOSED)


def _state(value, action=None, perm="", terminal=False):
    return wf.State(value, S(value).label, EIA_COLOURS[value], terminal=terminal,
                    task=None if terminal or action is None else wf.TaskSpec(action, perm))


EIA = wf.register(wf.Workflow(
    "approvals.eiaapplication", module="approvals", name=_("环评审批"),
    states=[
        _state(S.SUBMITTED, _("受理审查"), "approvals.accept"),
        _state(S.CORRECTION, _("补正材料"), "approvals.apply"),
        _state(S.ACCEPTED, _("组织技术评估"), "approvals.review"),
        _state(S.REVIEWING, _("完成技术评估"), "approvals.review"),
        _state(S.REVIEWED, _("拟批准公示或不予批准"), "approvals.decide"),
        _state(S.PROPOSED, _("作出审批决定"), "approvals.decide"),
        _state(S.APPROVED, _("竣工环保验收"), "approvals.apply"),
        _state(S.REFUSED, terminal=True),
        _state(S.FILED, terminal=True),
        _state(S.WITHDRAWN, terminal=True),
        _state(S.COMPLETED, terminal=True),
    ],
    transitions=[
        T("request_correction", (S.SUBMITTED,), S.CORRECTION, "approvals.accept", _("一次性告知补正"),
          required=("missing_materials",), fields=("missing_materials",), params=("on",), handler=e.h_correction,
          button="warning"),
        T("resubmit", (S.CORRECTION,), S.SUBMITTED, "approvals.apply", _("提交补正材料"), params=("on",),
          handler=e.h_resubmit),
        T("accept", (S.SUBMITTED,), S.ACCEPTED, "approvals.accept", _("受理"), params=("accepted_on",),
          handler=e.h_accept, after=e._after_dossier(gettext_noop("环评申请已受理:%(p)s")), button="success"),
        T("start_review", (S.ACCEPTED,), S.REVIEWING, "approvals.review", _("开始技术评估(期限中止)"),
          params=("on",), handler=e.h_start_review),
        T("finish_review", (S.REVIEWING,), S.REVIEWED, "approvals.review", _("技术评估完成(恢复计时)"),
          required=("expert_opinion",), fields=("expert_opinion",), params=("on",), handler=e.h_finish_review),
        T("propose", (S.REVIEWED,), S.PROPOSED, "approvals.decide", _("拟批准公示"), params=("on",),
          handler=e.h_propose),
        T("approve", (S.ACCEPTED, S.PROPOSED), S.APPROVED, "approvals.decide", _("批准"),
          required=("conditions",), fields=("conditions",), params=("decided_on",), handler=e.h_approve,
          after=e._after_dossier(gettext_noop("环评批复:%(p)s 予以批准")), button="success"),
        T("refuse", (S.ACCEPTED, S.REVIEWING, S.REVIEWED, S.PROPOSED), S.REFUSED, "approvals.decide", _("不予批准"),
          required=("decision_reasons",), fields=("decision_reasons",), params=("decided_on",),
          handler=e.h_refuse, after=e._after_dossier(gettext_noop("环评审批:%(p)s 不予批准")), button="outline-danger"),
        T("withdraw", OPEN, S.WITHDRAWN, "approvals.apply", _("撤回申请"), note_required=True,
          handler=e.h_withdraw, button="outline-secondary"),
        T("complete", (S.APPROVED,), S.COMPLETED, "approvals.apply", _("登记竣工环保验收"),
          required=("completion_note",), fields=("completion_note",), params=("completed_on",),
          handler=e.h_complete, after=e._after_dossier(gettext_noop("竣工环境保护验收:%(p)s")), button="dark"),
    ],
    # 行政许可法 art. 32: no 补正 notice within the limit → accepted from the day the materials arrived
    lapses=[wf.Lapse(S.SUBMITTED, e.ACCEPTANCE, "accept", _("逾期未告知补正,依法自收到申请材料之日起视为受理"),
                     data=lambda a, clock: {"accepted_on": clock.start})],
    title=lambda a: f"{a.code} {a.project_name}",
    url=lambda a: reverse("approvals:eia-detail", args=[a.pk]),
    due=e.workflow_due,
    verb_labels={"submit": _("提交申请"), "material": _("上传材料")},
))

P = PermitState
PERMIT = wf.register(wf.Workflow(
    "approvals.permit", module="approvals", name=_("排污许可证"),
    states=[
        wf.State(P.VALID, P.VALID.label, PERMIT_COLOURS["valid"],
                 task=wf.TaskSpec(_("申请延续(到期前60日)"), "approvals.apply")),
        wf.State(P.RENEWING, P.RENEWING.label, PERMIT_COLOURS["renewing"],
                 task=wf.TaskSpec(_("审查延续申请"), "approvals.permit")),
        wf.State(P.REVOKED, P.REVOKED.label, PERMIT_COLOURS["revoked"], terminal=True),
        wf.State(P.EXPIRED, P.EXPIRED.label, PERMIT_COLOURS["expired"], terminal=True),
    ],
    transitions=[
        T("change", (P.VALID, P.RENEWING), None, "approvals.permit", _("变更"),
          params=("limits", "report_frequency", "monitoring_duties", "record_keeping"),
          fields=("monitoring_duties", "record_keeping"), note_required=True, handler=p.h_change,
          after=p.after_change, button="outline-primary"),
        T("apply_renewal", (P.VALID,), P.RENEWING, "approvals.apply", _("申请延续"), params=("on",),
          handler=p.h_apply_renewal, button="warning"),
        T("renew", (P.RENEWING,), P.VALID, "approvals.permit", _("准予延续"), params=("valid_until",),
          handler=p.h_renew, after=p.after_renew, button="success"),
        T("revoke", (P.VALID, P.RENEWING), P.REVOKED, "approvals.permit", _("撤销"), params=("on",),
          note_required=True, handler=p.h_revoke, after=p.after_revoke, button="outline-danger"),
        T("expire", (P.VALID, P.RENEWING), P.EXPIRED, "approvals.permit", _("到期失效"), params=("on",),
          handler=p.h_expire, after=p.after_expire, button="outline-secondary"),
        T("supervise", (P.VALID, P.RENEWING), None, "approvals.permit", _("登记证后监管处理"), params=("task",),
          note_required=True, handler=sv.h_supervise, button="outline-dark"),
    ],
    title=lambda x: f"{x.number} {x.enterprise_name}",
    url=lambda x: reverse("approvals:permits-detail", args=[x.pk]),
    due=p.workflow_due,
    verb_labels={"issue": _("核发"), "supervise_open": _("证后监管事项")},
))

R = ReportState
REPORT = wf.register(wf.Workflow(
    "approvals.executionreport", module="approvals", name=_("排污许可执行报告"),
    states=[
        wf.State(R.DUE, R.DUE.label, REPORT_COLOURS["due"], task=wf.TaskSpec(_("提交执行报告"), "approvals.report")),
        wf.State(R.SUBMITTED, R.SUBMITTED.label, REPORT_COLOURS["submitted"],
                 task=wf.TaskSpec(_("审核执行报告"), "approvals.permit")),
        wf.State(R.ACCEPTED, R.ACCEPTED.label, REPORT_COLOURS["accepted"], terminal=True),
    ],
    transitions=[
        T("submit", (R.DUE,), R.SUBMITTED, "approvals.report", _("提交执行报告"), required=("content",),
          fields=("content",), params=("emissions", "submitted_on"), handler=p.h_submit_report,
          after=p.after_report, button="success"),
        T("accept", (R.SUBMITTED,), R.ACCEPTED, "approvals.permit", _("审核通过"), fields=("review_note",),
          button="success"),
        T("send_back", (R.SUBMITTED,), R.DUE, "approvals.permit", _("退回修改"), note_required=True,
          button="outline-danger"),
    ],
    title=lambda r: f"{r.permit.enterprise_name} {r.period_label}",
    url=lambda r: reverse("approvals:reports-detail", args=[r.pk]),
    due=lambda r: r.due_on if r.state == "due" else None,
    verb_labels={"open": _("列入应报清单")},
))

L = PlanState
PLAN = wf.register(wf.Workflow(
    "approvals.emergencyplan", module="approvals", name=_("应急预案备案"),
    states=[
        wf.State(L.SUBMITTED, L.SUBMITTED.label, PLAN_COLOURS["submitted"],
                 task=wf.TaskSpec(_("应急预案备案审查"), "approvals.emergency")),
        wf.State(L.RETURNED, L.RETURNED.label, PLAN_COLOURS["returned"],
                 task=wf.TaskSpec(_("修改应急预案后重新提交"), "approvals.apply")),
        wf.State(L.FILED, L.FILED.label, PLAN_COLOURS["filed"],
                 task=wf.TaskSpec(_("回顾性评估与修订(至少每三年)"), "approvals.apply", due=lambda x: x.revision_due)),
        wf.State(L.SUPERSEDED, L.SUPERSEDED.label, PLAN_COLOURS["superseded"], terminal=True),
    ],
    transitions=[
        T("file", (L.SUBMITTED,), L.FILED, "approvals.emergency", _("予以备案"), params=("filed_on",),
          handler=em.h_file, after=em.after_file, button="success"),
        T("send_back", (L.SUBMITTED,), L.RETURNED, "approvals.emergency", _("退回修改"), note_required=True,
          button="outline-danger"),
        T("resubmit", (L.RETURNED,), L.SUBMITTED, "approvals.apply", _("重新提交备案")),
        T("drill", (L.FILED,), None, "approvals.apply", _("登记应急演练"), params=("drilled_on",), note_required=True,
          handler=em.h_drill, after=em.after_drill),
        T("supersede", (L.FILED,), L.SUPERSEDED, "approvals.emergency", _("修订替代"), note_required=True,
          button="outline-secondary"),
    ],
    title=lambda x: f"{x.code} {x.enterprise_name} {x.title}",
    url=lambda x: reverse("approvals:plans-detail", args=[x.pk]),
    due=lambda x: x.filing_due if x.state == "submitted" else (x.revision_due if x.state == "filed" else None),
    verb_labels={"submit": _("提交备案"), "material": _("上传材料")},
))

INC = IncidentState
INCIDENT = wf.register(wf.Workflow(
    "approvals.incident", module="approvals", name=_("突发环境事件"),
    states=[
        wf.State(INC.REPORTED, INC.REPORTED.label, INCIDENT_COLOURS["reported"],
                 task=wf.TaskSpec(lambda x: em.initial_task(x) or _("启动应急响应"), "approvals.emergency")),
        wf.State(INC.RESPONDING, INC.RESPONDING.label, INCIDENT_COLOURS["responding"],
                 task=wf.TaskSpec(lambda x: em.initial_task(x) or _("应急处置与结案"), "approvals.emergency")),
        wf.State(INC.CLOSED, INC.CLOSED.label, INCIDENT_COLOURS["closed"], terminal=True),
    ],
    transitions=[
        T("respond", (INC.REPORTED,), INC.RESPONDING, "approvals.emergency", _("启动应急响应"), note_required=True,
          button="danger"),
        T("log", (INC.REPORTED, INC.RESPONDING), None, "approvals.emergency", _("记录处置情况"), note_required=True,
          button="outline-primary"),
        T("relevel", (INC.REPORTED, INC.RESPONDING), None, "approvals.emergency", _("调整事件等级"), params=("level",),
          note_required=True, handler=em.h_relevel, after=em.after_relevel, button="outline-warning"),
        T("report_up", (INC.REPORTED, INC.RESPONDING), None, "approvals.emergency", _("初报"), params=("at",),
          note_required=True, handler=em.h_report_up, reassign=True, button="danger"),
        T("follow_up", (INC.REPORTED, INC.RESPONDING), None, "approvals.emergency", _("续报"), note_required=True,
          handler=em.h_follow_up, button="outline-danger"),
        T("close", (INC.RESPONDING,), INC.CLOSED, "approvals.emergency", _("结案(处理结果报告)"), required=("summary",),
          fields=("summary",), handler=em.h_close, button="dark"),
    ],
    title=lambda x: f"{x.code} {x.title}",
    url=lambda x: reverse("approvals:incidents-detail", args=[x.pk]),
    due=lambda x: (timezone.localtime(x.initial_report_due).date()
                   if x.initial_reported_at is None and x.initial_report_due else None),
    verb_labels={"submit": _("事件报告"), "overdue": _("初报超时")},
))

PR = PreReviewState
PREREVIEW = wf.register(wf.Workflow(
    "approvals.prereview", module="approvals", name=_("项目预审"),
    states=[
        wf.State(PR.SUBMITTED, PR.SUBMITTED.label, PREREVIEW_COLOURS["submitted"],
                 task=wf.TaskSpec(_("出具项目预审意见"), "approvals.decide")),
        wf.State(PR.CONCLUDED, PR.CONCLUDED.label, PREREVIEW_COLOURS["concluded"], terminal=True),
        wf.State(PR.WITHDRAWN, PR.WITHDRAWN.label, PREREVIEW_COLOURS["withdrawn"], terminal=True),
    ],
    transitions=[
        T("conclude", (PR.SUBMITTED,), PR.CONCLUDED, "approvals.decide", _("出具预审意见"),
          required=("conclusion",), fields=("reasons",), params=("concluded_on",),
          handler=pr.h_conclude, after=pr.after_conclude, button="success"),
        T("withdraw", (PR.SUBMITTED,), PR.WITHDRAWN, "approvals.add", _("撤回预审"), note_required=True,
          handler=pr.h_withdraw, button="outline-secondary"),
    ],
    title=lambda x: f"{x.code} {x.project_name}",
    url=lambda x: reverse("approvals:prereviews-detail", args=[x.pk]),
    due=pr.workflow_due,
    verb_labels={"submit": _("登记预审")},
))
