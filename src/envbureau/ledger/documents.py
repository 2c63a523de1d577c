"""Documents the ledger issues (core.documents): the 交办单 and the 整改情况报告 sheet of one problem."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core.documents import DocumentKind, Field, register

TEMPLATES = Path(__file__).with_name("doc_templates")


def _cn_date(d) -> str:
    from envbureau.core.documents.services import cn_date

    return cn_date(d)


def _common(p) -> dict:
    return {
        "code": p.code, "title": p.title, "source": p.get_source_display(), "batch": p.batch,
        "category": p.get_category_display(), "jurisdiction": p.jurisdiction.name, "location": p.location,
        "enterprise": p.enterprise_name, "description": p.description,
        "lead_unit": p.lead_unit, "co_units": "、".join(p.responsible_units[1:]),
        "responsible_person": p.responsible_person, "responsible_phone": p.responsible_phone,
        "received_on": _cn_date(p.received_on),
        "deadline": str(_("需长期坚持")) if p.long_term and not p.deadline else _cn_date(p.deadline),
        "target": p.target, "measures": p.measures,
    }


def assignment_context(p) -> dict:
    return _common(p)


def report_context(p) -> dict:
    from .models import SignOff

    signs = SignOff.objects.filter(problem=p, round=p.closure_round).select_related("signed_by") \
        if p.closure_round else []
    lines = [f"{s.step_name}:{s.signed_by or ''} {_cn_date(s.signed_at)}" for s in signs]
    return {**_common(p), "progress": p.progress, "state": p.get_state_display(), "sign_offs": "\n".join(lines),
            "closed_out_on": _cn_date(p.closed_out_at)}


def _url(p) -> str:
    return reverse("ledger:problem-detail", args=[p.pk])


COMMON_FIELDS = (
    Field("code", _("问题编号"), True), Field("title", _("问题标题"), True), Field("source", _("问题来源")),
    Field("batch", _("批次")), Field("category", _("问题类型")), Field("jurisdiction", _("属地"), True),
    Field("location", _("位置")), Field("enterprise", _("涉及企业")),
)

ASSIGNMENT = register(DocumentKind(
    code="ledger.assignment", label=_("交办单"), model="ledger.problem", permission="ledger.assign",
    fields=COMMON_FIELDS + (
        Field("description", _("问题描述"), True), Field("lead_unit", _("牵头单位"), True),
        Field("co_units", _("配合单位")), Field("responsible_person", _("责任人")),
        Field("responsible_phone", _("联系电话")), Field("received_on", _("交办日期"), True),
        Field("deadline", _("整改时限"), True), Field("target", _("整改目标")), Field("measures", _("整改措施")),
    ),
    context=assignment_context, template=TEMPLATES / "assignment.docx", number_prefix="环督交", detail_url=_url,
    description=_("向责任单位交办一个问题"),
))

REPORT = register(DocumentKind(
    code="ledger.report", label=_("整改情况报告"), model="ledger.problem", permission="ledger.rectify",
    fields=COMMON_FIELDS + (
        Field("description", _("问题描述")), Field("lead_unit", _("责任单位"), True), Field("co_units", _("配合单位")),
        Field("responsible_person", _("责任人")), Field("responsible_phone", _("联系电话")),
        Field("received_on", _("交办日期")), Field("deadline", _("整改时限")), Field("target", _("整改目标")),
        Field("measures", _("整改措施"), True), Field("progress", _("整改进展"), True),
        Field("state", _("当前状态")), Field("sign_offs", _("验收情况")), Field("closed_out_on", _("销号日期")),
    ),
    context=report_context, template=TEMPLATES / "report.docx", number_prefix="环督报", detail_url=_url,
    description=_("一个问题的整改情况报告表"),
))
