"""Documents approvals issues through the kit (core.documents): 受理通知书 and 环评批复."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core.documents import DocumentKind, Field, register

TEMPLATES = Path(__file__).with_name("doc_templates")


def _cn_date(d) -> str:
    from envbureau.core.documents.services import cn_date

    return cn_date(d)


def _url(a) -> str:
    return reverse("approvals:eia-detail", args=[a.pk])


def _limit(a) -> str:
    if not a.limit_days:
        return ""
    from . import config

    kind = "个工作日" if a.commitment or config.get("eia_day_kind") == "working" else "日"
    return f"{a.limit_days}{kind}({a.limit_source})"


def acceptance_context(a) -> dict:
    from envbureau.core import deadlines as dl

    c = dl.clock(a, "review")
    accepted = a.state not in ("submitted", "correction", "withdrawn", "filed")
    return {"code": a.code, "builder": a.builder, "project": a.project_name, "category": a.get_category_display(),
            "submitted_on": _cn_date(a.submitted_on), "accepted_on": _cn_date(a.accepted_on) if accepted else "",
            "limit": _limit(a), "due": _cn_date(c.due) if c else "",
            "notice_until": _cn_date(a.acceptance_notice_until)}


def approval_context(a) -> dict:
    approved = a.state in ("approved", "completed")
    inv = "" if a.investment is None else f"{a.investment:,.2f}万元"
    env = "" if a.env_investment is None else f"{a.env_investment:,.2f}万元"
    return {"code": a.code, "builder": a.builder, "project": a.project_name, "location": a.location,
            "category": a.get_category_display(), "investment": inv, "env_investment": env,
            "expert_opinion": a.expert_opinion,
            "decision": "原则同意该项目按照报告所列性质、规模、地点和拟采取的环境保护措施建设" if approved else "",
            "conditions": a.conditions if approved else "", "decided_on": _cn_date(a.decided_on) if approved else ""}


EIA_ACCEPTANCE = register(DocumentKind(
    code="approvals.eia_acceptance", label=_("环评受理通知书"), model="approvals.eiaapplication",
    permission="approvals.accept",
    fields=(Field("code", _("申请编号"), True), Field("builder", _("建设单位"), True), Field("project", _("项目名称"), True),
            Field("category", _("环评类别"), True), Field("submitted_on", _("申请日期"), True),
            Field("accepted_on", _("受理日期"), True), Field("limit", _("审批时限"), True), Field("due", _("应办结日期")),
            Field("notice_until", _("受理公示截止"))),
    context=acceptance_context, template=TEMPLATES / "eia_acceptance.docx", number_prefix="环受",
    detail_url=_url, description=_("受理建设项目环境影响评价文件的通知"),
))

EIA_APPROVAL = register(DocumentKind(
    code="approvals.eia_approval", label=_("环境影响评价批复"), model="approvals.eiaapplication",
    permission="approvals.decide",
    fields=(Field("code", _("申请编号"), True), Field("builder", _("建设单位"), True), Field("project", _("项目名称"), True),
            Field("location", _("建设地点"), True), Field("category", _("环评类别"), True),
            Field("investment", _("总投资")), Field("env_investment", _("环保投资")),
            Field("expert_opinion", _("技术评估意见")), Field("decision", _("审批意见"), True),
            Field("conditions", _("批复意见及要求"), True), Field("decided_on", _("审批日期"), True)),
    context=approval_context, template=TEMPLATES / "eia_approval.docx", number_prefix="环审",
    detail_url=_url, description=_("建设项目环境影响报告书(表)的批复;未批准的申请不能出具"),
))
