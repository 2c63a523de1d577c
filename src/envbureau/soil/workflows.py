"""Lifecycles on the kit. Plot: 疑似污染地块 → (调查报告评审通过) 调查未超筛选值 | 风险评估 → 名录内管控修复 →
效果评估 → 已移出名录; reviews are recorded at any open step. Duty: 待完成 → 已完成 (task due on its date)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core import workflow as wf

from . import services as s
from .choices import PLOT_COLOURS, DutyState, PlotState

T = wf.Transition
P = PlotState
OPEN = (P.SUSPECTED, P.RISK, P.LISTED, P.EFFECT)


def _state(value, action=None, perm="soil.review", terminal=False):
    return wf.State(value, P(value).label, PLOT_COLOURS[value], terminal=terminal,
                    task=None if terminal else wf.TaskSpec(action, perm))


PLOT = wf.register(wf.Workflow(
    "soil.plot", module="soil", name=_("建设用地地块"),
    states=[
        _state(P.SUSPECTED, _("组织土壤污染状况调查报告评审")),
        _state(P.CLEAN, terminal=True),
        _state(P.RISK, _("组织风险评估报告评审")),
        _state(P.LISTED, _("监督风险管控或修复"), "soil.manage"),
        _state(P.EFFECT, _("组织效果评估报告评审")),
        _state(P.REMOVED, terminal=True),
    ],
    transitions=[
        T("review", OPEN, None, "soil.review", _("登记报告评审"), required=("kind", "outcome"),
          params=("reviewed_on", "author"), handler=s.h_review, button="outline-primary"),
        T("conclude_survey", (P.SUSPECTED,), P.RISK, "soil.review", _("调查结论"), handler=s.h_conclude_survey,
          after=s.after_step),
        T("enlist", (P.RISK,), P.LISTED, "soil.review", _("列入管控修复名录"), params=("listed_on",), handler=s.h_list,
          after=s.after_step, button="danger"),
        T("finish_works", (P.LISTED,), P.EFFECT, "soil.manage", _("管控/修复完成"), handler=s.h_finish_works,
          after=s.after_step),
        T("remove", (P.EFFECT,), P.REMOVED, "soil.review", _("移出名录"), params=("removed_on",), handler=s.h_remove,
          after=s.after_step, button="success"),
    ],
    title=lambda p: str(p),
    url=lambda p: reverse("soil:plots-detail", args=[p.pk]),
    verb_labels={"open": _("登记地块")},
))

DUTY = wf.register(wf.Workflow(
    "soil.duty", module="soil", name=_("重点监管单位义务"),
    states=[
        wf.State(DutyState.DUE, DutyState.DUE.label, "warning",
                 task=wf.TaskSpec(_("履行土壤污染防治义务"), "soil.report", due=lambda d: d.due)),
        wf.State(DutyState.DONE, DutyState.DONE.label, "success", terminal=True),
    ],
    transitions=[
        T("done", (DutyState.DUE,), DutyState.DONE, "soil.report", _("已完成"), params=("done_on",), handler=s.h_done,
          after=s.after_done, button="success"),
    ],
    title=lambda d: str(d),
    url=lambda d: reverse("soil:duties-detail", args=[d.pk]),
    verb_labels={"open": _("生成义务")},
))
