"""Documents complaints issue (core.documents): the 答复意见书 to the complainant."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core.documents import DocumentKind, Field, register

TEMPLATES = Path(__file__).with_name("doc_templates")


def reply_context(c) -> dict:
    from envbureau.core.documents.services import cn_date

    # The letter is readable by everyone who may view the complaint, so the complainant's name is
    # masked as for a user without complaints.view_identity (张**); anonymous complaints get "举报人".
    addressee = str(_("举报人")) if c.anonymous or not c.complainant_name else c.masked("complainant_name")
    return {
        "complaint_number": c.number, "addressee": addressee, "received_on": cn_date(c.received_at),
        "title": c.title, "content": c.content, "location": c.location, "enterprise_name": c.enterprise_name,
        "finding": c.get_finding_display() if c.finding else "", "investigation": c.investigation,
        "measures": c.measures, "reply_text": c.reply_text,
    }


REPLY = register(DocumentKind(
    code="complaints.reply", label=_("答复意见书"), model="complaints.complaint", permission="complaints.reply",
    fields=(
        Field("complaint_number", _("受理编号"), True), Field("addressee", _("称谓"), True),
        Field("received_on", _("收件日期"), True), Field("title", _("事项摘要"), True), Field("content", _("举报内容")),
        Field("location", _("地址")), Field("enterprise_name", _("被反映对象")),
        Field("finding", _("核实结论"), True), Field("investigation", _("调查核实情况"), True),
        Field("measures", _("处理措施")), Field("reply_text", _("答复意见"), True),
    ),
    context=reply_context, template=TEMPLATES / "reply.docx", number_prefix="环信复",
    detail_url=lambda c: reverse("complaints:detail", args=[c.pk]),
    description=_("对举报人的答复意见书"),
))
