"""Each report type is a core.documents kind issued from an archived Report: the bureau edits its Word
template under 系统管理 → 文书模板; numbering and the PDF are the kit's."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from envbureau.core.documents import DocumentKind, register

from . import registry

TEMPLATES = Path(__file__).with_name("doc_templates")


def _context_for(t: registry.ReportType):
    def context(rep) -> dict:
        from .services import build_for_report

        return build_for_report(rep).values
    return context


def register_all() -> None:
    for t in registry.types():
        register(DocumentKind(
            code=f"reports.{t.code}", label=t.label, model="reports.report", permission="reports.issue",
            fields=t.fields, context=_context_for(t), template=TEMPLATES / t.template,
            number_prefix=t.number_prefix, description=t.description,
            detail_url=lambda rep: reverse("reports:archive-detail", args=[rep.pk])))
