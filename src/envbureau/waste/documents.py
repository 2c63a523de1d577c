"""Documents waste issues through the kit (core.documents): the cross-province transfer approval (跨省转移批复),
issued by the application's approve step."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core.documents import DocumentKind, Field, register

TEMPLATES = Path(__file__).with_name("doc_templates")


def _cn_date(d) -> str:
    from envbureau.core.documents.services import cn_date

    return cn_date(d) if d else ""


def approval_context(a) -> dict:
    """Filled only once the application is approved (its approval issued): a refused or pending one lacks the
    required 文号 and validity, so the document cannot be issued for it."""
    ap = a.approval
    return {"producer": a.producer.name, "receiver": a.receiver.name, "receiver_province": a.receiver.province,
            "waste_code": a.waste_code, "waste_name": a.waste_name, "tonnes": f"{a.tonnes.normalize():f}吨",
            "method": a.method, "submitted_on": _cn_date(a.submitted_on), "reply_on": _cn_date(a.reply_on),
            "approval_number": ap.number if ap else "", "decided_on": _cn_date(ap.approved_on) if ap else "",
            "valid_until": _cn_date(ap.valid_until) if ap else ""}


CROSS_PROVINCE_APPROVAL = register(DocumentKind(
    code="waste.cross_province_approval", label=_("跨省转移危险废物批复"), model="waste.crossprovinceapplication",
    permission="waste.approve",
    fields=(Field("producer", _("移出单位"), True), Field("receiver", _("接受单位"), True),
            Field("receiver_province", _("接受地省份代码"), True), Field("waste_code", _("废物代码"), True),
            Field("waste_name", _("废物名称"), True), Field("tonnes", _("批准转移量"), True),
            Field("method", _("利用处置方式")), Field("submitted_on", _("申请提交日期"), True),
            Field("reply_on", _("接受地省级部门回复日期"), True), Field("approval_number", _("审批文号"), True),
            Field("decided_on", _("批准日期"), True), Field("valid_until", _("有效期至"), True)),
    context=approval_context, template=TEMPLATES / "cross_province_approval.docx", number_prefix="环危跨批",
    detail_url=lambda a: reverse("waste:applications-detail", args=[a.pk]),
    description=_("批准危险废物跨省转移申请的批复;未批准的申请不能出具"),
    extra={"applies": lambda a: a.state == "approved"},
))
