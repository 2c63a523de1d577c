"""Lifecycles declared on the kit (core.workflow).

Project: 计划实施 → 实施中 (monthly reports by the owner unit) → 已完工 → 已验收 → 已绩效评价 (or 已撤销).
Fund: 储备库申报 → 已入库(批准) → 已下达 → 已支出完毕 (or 未入库)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core import workflow as wf

from . import services as s
from .choices import FUND_COLOURS, PROJECT_COLOURS, FundState, ProjectState

T = wf.Transition
P = ProjectState


def _owner(project):
    return [wf.Assignee(unit=project.owner_unit)]


PROJECT = wf.register(wf.Workflow(
    "projects.project", module="projects", name=_("工程项目"),
    states=[
        wf.State(P.PLANNED, P.PLANNED.label, PROJECT_COLOURS["planned"],
                 task=wf.TaskSpec(_("开工实施"), "projects.report", assignees=_owner, due=lambda p: p.planned_start)),
        wf.State(P.IN_PROGRESS, P.IN_PROGRESS.label, PROJECT_COLOURS["in_progress"],
                 task=wf.TaskSpec(_("按期完工"), "projects.report", assignees=_owner, due=lambda p: p.planned_finish)),
        wf.State(P.FINISHED, P.FINISHED.label, PROJECT_COLOURS["finished"],
                 task=wf.TaskSpec(_("完工验收"), "projects.accept")),
        wf.State(P.ACCEPTED, P.ACCEPTED.label, PROJECT_COLOURS["accepted"],
                 task=wf.TaskSpec(_("资金绩效评价"), "projects.evaluate")),
        wf.State(P.EVALUATED, P.EVALUATED.label, PROJECT_COLOURS["evaluated"], terminal=True),
        wf.State(P.CANCELLED, P.CANCELLED.label, PROJECT_COLOURS["cancelled"], terminal=True),
    ],
    transitions=[
        T("start", (P.PLANNED,), P.IN_PROGRESS, "projects.report", _("开工"), params=("started_on",),
          handler=s.h_start, button="primary"),
        T("report", (P.IN_PROGRESS,), None, "projects.report", _("填报月度进展"), required=("month",),
          params=("investment_completed", "stage"), note_required=True, handler=s.h_report,
          button="outline-primary"),
        T("finish", (P.IN_PROGRESS,), P.FINISHED, "projects.report", _("报告完工"),
          params=("finished_on", "investment_completed"), handler=s.h_finish, button="success"),
        T("accept", (P.FINISHED,), P.ACCEPTED, "projects.accept", _("验收通过"), params=("accepted_on",),
          note_required=True, handler=s.h_accept, after=s.after_accept, button="success"),
        T("reject", (P.FINISHED,), P.IN_PROGRESS, "projects.accept", _("验收不通过(退回整改)"), note_required=True,
          button="outline-danger"),
        T("evaluate", (P.ACCEPTED,), P.EVALUATED, "projects.evaluate", _("绩效评价"), params=("scores",),
          handler=s.h_evaluate, button="dark"),
        T("cancel", (P.PLANNED, P.IN_PROGRESS), P.CANCELLED, "projects.change", _("撤销项目"), note_required=True,
          button="outline-danger"),
    ],
    title=lambda p: f"{p.code} {p.name}",
    url=lambda p: reverse("projects:projects-detail", args=[p.pk]),
    verb_labels={"open": _("登记项目")},
))

F = FundState
FUND = wf.register(wf.Workflow(
    "projects.fund", module="projects", name=_("专项资金"),
    states=[
        wf.State(F.RESERVE, F.RESERVE.label, FUND_COLOURS["reserve"], task=wf.TaskSpec(_("审核入库"), "projects.fund")),
        wf.State(F.APPROVED, F.APPROVED.label, FUND_COLOURS["approved"],
                 task=wf.TaskSpec(_("下达资金"), "projects.fund")),
        wf.State(F.ALLOCATED, F.ALLOCATED.label, FUND_COLOURS["allocated"]),
        wf.State(F.SPENT, F.SPENT.label, FUND_COLOURS["spent"], terminal=True),
        wf.State(F.REJECTED, F.REJECTED.label, FUND_COLOURS["rejected"], terminal=True),
    ],
    transitions=[
        T("approve", (F.RESERVE,), F.APPROVED, "projects.fund", _("批准入库"), params=("approved", "reserve_batch"),
          handler=s.h_approve, button="success"),
        T("reject", (F.RESERVE,), F.REJECTED, "projects.fund", _("不予入库"), note_required=True,
          button="outline-danger"),
        T("allocate", (F.APPROVED,), F.ALLOCATED, "projects.fund", _("下达资金"),
          params=("allocated", "allocation_doc", "allocated_on"), handler=s.h_allocate, button="primary"),
        T("spend", (F.ALLOCATED,), None, "projects.fund", _("登记支出"), required=("amount",), handler=s.h_spend,
          button="outline-primary"),
    ],
    title=lambda f: str(f),
    url=lambda f: reverse("projects:funds-detail", args=[f.pk]),
    verb_labels={"open": _("申报储备库")},
))


# ---- river outfalls: 查 → 测 → 溯 → 治 → 销号 ---------------------------------------------------------------
from . import outfalls as o  # noqa: E402
from .choices import OUTFALL_COLOURS, OutfallState  # noqa: E402

OS = OutfallState


def _ostate(value, action=None, terminal=False):
    return wf.State(value, OS(value).label, OUTFALL_COLOURS[value], terminal=terminal,
                    task=None if terminal else wf.TaskSpec(action, "projects.change", due=lambda x: x.step_due))


OUTFALL = wf.register(wf.Workflow(
    "projects.outfall", module="projects", name=_("入河排污口"),
    states=[
        _ostate(OS.SUSPECTED, _("现场核查确认")),
        _ostate(OS.CONFIRMED, _("开展监测")),
        _ostate(OS.MONITORED, _("溯源排查")),
        _ostate(OS.TRACED, _("确定整治方式")),
        _ostate(OS.RECTIFYING, _("完成整治并销号")),
        _ostate(OS.CLOSED_OUT, terminal=True),
        _ostate(OS.DISMISSED, terminal=True),
    ],
    transitions=[
        T("confirm", (OS.SUSPECTED,), OS.CONFIRMED, "projects.change", _("核查确认(命名编码、立牌)"),
          fields=("name", "type2", "type3", "longitude", "latitude"), params=("due",), evidence_required=True,
          handler=o.h_confirm, after=o.after_files, button="primary"),
        T("dismiss", (OS.SUSPECTED,), OS.DISMISSED, "projects.change", _("核查排除(非排污口)"), note_required=True,
          handler=o.h_dismiss, after=o.after_files, button="outline-secondary"),
        T("monitor", (OS.CONFIRMED, OS.MONITORED, OS.TRACED, OS.RECTIFYING), None, "projects.change", _("录入监测"),
          required=("values",), params=("sampled_on", "dry_weather", "due"), handler=o.h_monitor,
          after=o.after_files, button="outline-primary"),
        T("trace", (OS.MONITORED,), OS.TRACED, "projects.change", _("溯源完成(明确责任主体)"),
          required=("trace_result",), fields=("trace_result", "responsible_unit"), params=("enterprise_id", "due"),
          handler=o.h_trace, after=o.after_dossier, button="warning"),
        T("rectify", (OS.TRACED,), OS.RECTIFYING, "projects.change", _("确定整治方式(一口一策)"),
          required=("outcome", "due"), fields=("outcome", "merged_into", "measures"), params=("due",),
          handler=o.h_rectify, after=o.after_files, button="danger"),
        T("close_out", (OS.RECTIFYING,), OS.CLOSED_OUT, "projects.change", _("整治验收销号"), params=("closed_out_on",),
          note_required=True, evidence_required=True, handler=o.h_close_out, after=o.after_dossier,
          button="success"),
    ],
    title=lambda x: f"{x.code} {x.name}",
    url=lambda x: reverse("projects:outfalls-detail", args=[x.pk]),
    verb_labels={"open": _("排查发现(疑似)")},
))


# ---- grids: the next patrol is the officers' task ---------------------------------------------------------
from . import grids as g  # noqa: E402
from .choices import GridState  # noqa: E402

GRID = wf.register(wf.Workflow(
    "projects.grid", module="projects", name=_("网格"),
    states=[
        wf.State(GridState.ACTIVE, GridState.ACTIVE.label, "primary",
                 task=wf.TaskSpec(_("网格巡查"), "projects.patrol", assignees=g.officers, due=lambda x: x.next_due())),
        wf.State(GridState.RETIRED, GridState.RETIRED.label, "light", terminal=True),
    ],
    transitions=[
        T("patrol", (GridState.ACTIVE,), None, "projects.patrol", _("填报巡查记录"),
          params=("patrol_on", "started_at", "ended_at", "longitude", "latitude", "visited", "findings", "to_ledger",
                  "category", "complaint"),
          guard=g.guard_patrol, handler=g.h_patrol, after=g.after_patrol, reassign=True, button="primary"),
        T("retire", (GridState.ACTIVE,), GridState.RETIRED, "projects.change", _("撤销网格"), note_required=True,
          button="outline-danger"),
    ],
    title=lambda x: f"{x.code} {x.name}",
    url=lambda x: reverse("projects:grid-patrol", args=[x.pk]),
    verb_labels={"open": _("设立网格")},
))


# ---- red/yellow cards: propose → issue → re-check → remove (摘牌), or raise yellow to red -------------------
from . import cards as k  # noqa: E402
from .choices import CardState as KS  # noqa: E402

CARD_COLOURS = {KS.PROPOSED: "secondary", KS.ISSUED: "danger", KS.REMOVED: "success", KS.WITHDRAWN: "light"}


def _kstate(value, action=None, terminal=False):
    task = wf.TaskSpec(action, "projects.change", due=lambda x: x.rectify_due) if action else None
    return wf.State(value, KS(value).label, CARD_COLOURS[value], terminal=terminal, task=task)


CARD = wf.register(wf.Workflow(
    "projects.card", module="projects", name=_("红黄牌警示"),
    states=[
        _kstate(KS.PROPOSED, _("审核发布警示")),
        _kstate(KS.ISSUED, _("复查整改(摘牌或升级)")),
        _kstate(KS.REMOVED, terminal=True),
        _kstate(KS.WITHDRAWN, terminal=True),
    ],
    transitions=[
        T("issue", (KS.PROPOSED,), KS.ISSUED, "projects.change", _("发布警示"), params=("issued_on", "rectify_due"),
          handler=k.h_issue, after=k.after_issue, button="danger"),
        T("withdraw", (KS.PROPOSED,), KS.WITHDRAWN, "projects.change", _("撤销"), note_required=True,
          button="outline-secondary"),
        T("remove", (KS.ISSUED,), KS.REMOVED, "projects.change", _("复查合格,摘牌"), params=("removed_on",),
          note_required=True, handler=k.h_remove, after=k.after_remove, button="success"),
        T("escalate", (KS.ISSUED,), KS.ISSUED, "projects.change", _("逾期未改,升级为红牌"), params=("rectify_due",),
          note_required=True, handler=k.h_escalate, after=k.after_escalate, reassign=True, button="outline-danger"),
    ],
    title=lambda x: f"{x.enterprise_name} {x.get_colour_display()}",
    url=lambda x: reverse("projects:cards-detail", args=[x.pk]),
    due=lambda x: x.rectify_due,
    verb_labels={"open": _("提出警示")},
))

