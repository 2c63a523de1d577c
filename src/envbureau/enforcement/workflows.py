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
    title=lambda i: f"{i.code} {i.enterprise_name}",
    url=lambda i: reverse("enforcement:inspections-detail", args=[i.pk]),
    due=lambda i: i.planned_on,
))
