"""Documents enforcement issues through the kit (core.documents)."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core.documents import DocumentKind, Field, register

TEMPLATES = Path(__file__).with_name("doc_templates")


def _cn_date(d) -> str:
    from envbureau.core.documents.services import cn_date

    return cn_date(d)


def inspection_context(i) -> dict:
    rows = i.checklist_rows()
    return {
        "code": i.code, "enterprise": i.enterprise_name, "jurisdiction": i.jurisdiction.name,
        "method": i.get_method_display(), "source": i.get_source_display(),
        "inspected_on": _cn_date(i.inspected_on), "team": "、".join(f"{m.name}(执法证号 {m.badge_no})"
                                                                    for m in i.team.all()),
        "party_present": i.party_present,
        "checklist": "\n".join(f"{n}. {r['point']}:{r['result_label']}{(' ' + r['note']) if r.get('note') else ''}"
                               for n, r in enumerate(rows, 1)),
        "findings": i.findings, "result": i.get_result_display() if i.result else "",
    }


INSPECTION_RECORD = register(DocumentKind(
    code="enforcement.inspection_record", label=_("现场检查(勘察)笔录"), model="enforcement.inspection",
    permission="enforcement.inspect",
    fields=(Field("code", _("检查编号"), True), Field("enterprise", _("被检查单位"), True),
            Field("jurisdiction", _("属地"), True), Field("method", _("检查方式")), Field("source", _("检查来源")),
            Field("inspected_on", _("检查日期"), True), Field("team", _("执法人员"), True),
            Field("party_present", _("在场当事人"), True), Field("checklist", _("检查情况"), True),
            Field("findings", _("检查发现")), Field("result", _("检查结果"), True)),
    context=inspection_context, template=TEMPLATES / "inspection_record.docx", number_prefix="环检录",
    detail_url=lambda i: reverse("enforcement:inspections-detail", args=[i.pk]),
    description=_("一次执法检查的现场检查(勘察)笔录"),
))
