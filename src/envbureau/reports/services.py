"""Building, rendering and issuing reports. The numbers come from the modules' own services (see each
type's module); this app writes only its archive (Report) and, through core.documents, the issued files."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.models import Jurisdiction

from . import periods, registry
from .models import Report

FORMATS = ("docx", "pdf")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_type(code: str) -> registry.ReportType:
    t = registry.get(code or "")
    if t is None:
        raise ValidationError({"type": _("未知的报告类型“%(t)s”;可用的有:%(k)s") % {
            "t": code, "k": "、".join(x.code for x in registry.types())}})
    return t


def jurisdictions_for(user, t: registry.ReportType):
    """Where the user may make this type of report (reports.view in scope, and data of the type there)."""
    from envbureau.core.scoping import allowed_jurisdictions

    if t.jurisdictions is not None:
        return t.jurisdictions(user)
    qs = Jurisdiction.objects.all() if user is None else allowed_jurisdictions(user, "reports", "view")
    return qs.order_by("path")


def resolve(user, code: str, jurisdiction, period_text: str):
    """(type, jurisdiction, kind, Period) or ValidationError naming the bad parameter; a jurisdiction
    outside the user's reports scope answers 404 as elsewhere."""
    if user is not None:
        from envbureau.core.permissions import has_perm

        if not has_perm(user, "reports.view"):
            raise PermissionDenied(_("您无权查看报告"))
    t = report_type(code)
    if isinstance(jurisdiction, Jurisdiction):
        j = jurisdiction
    else:
        j = Jurisdiction.objects.filter(code=str(jurisdiction or "").strip()).first()
        if j is None:
            raise ValidationError({"jurisdiction": _("行政区代码“%(c)s”不存在") % {"c": jurisdiction}})
    if user is not None:
        if not jurisdictions_for(user, t).filter(pk=j.pk).exists():
            raise Http404
    kind, period = periods.parse(period_text)
    if kind not in t.periods:
        raise ValidationError({"period": _("“%(t)s”不按此期间编制") % {"t": t.label}})
    return t, j, kind, period


def build(user, code: str, jurisdiction, period_text: str) -> tuple:
    t, j, kind, period = resolve(user, code, jurisdiction, period_text)
    return t, j, kind, period, t.build(user, j, kind, period)


def build_for_report(rep: Report):
    t = report_type(rep.kind)
    kind, period = periods.parse(rep.period_key)
    return t.build(None, rep.jurisdiction, kind, period)


def render(user, code: str, jurisdiction, period_text: str, fmt: str = "docx") -> tuple[str, bytes, str]:
    """A draft (not numbered, not archived) from the type's current template: (file name, bytes, type)."""
    from envbureau.core.documents import get_kind
    from envbureau.core.documents.render import fill, to_pdf
    from envbureau.core.documents.services import cn_date, today, type_for

    if fmt not in FORMATS:
        raise ValidationError({"output": _("格式只能是 docx 或 pdf")})
    t, j, kind, period, built = build(user, code, jurisdiction, period_text)
    doc_type = type_for(get_kind(f"reports.{t.code}"))
    values = {**built.values, "number": _("(草稿,未编号)"), "signing_unit": doc_type.signing_unit,
              "issue_date": cn_date(today()), "issued_by": ""}
    with doc_type.current_template().file.open("rb") as fh:
        data = fill(fh.read(), values)
    name = f"{built.title}(草稿)"
    if fmt == "pdf":
        return f"{name}.pdf", to_pdf(data), "application/pdf"
    return f"{name}.docx", data, DOCX_TYPE


@transaction.atomic
def create_report(user, code: str, jurisdiction, period_text: str, *, scheduled: bool = False) -> Report:
    """The archive row waiting for sign-off (its 签发报告 task opens); an existing one is returned as is."""
    t, j, kind, period = resolve(user, code, jurisdiction, period_text)
    key = periods.key_of(kind, period)
    rep = Report.objects.filter(kind=t.code, jurisdiction=j, period_key=key).first()
    if rep is not None:
        return rep
    rep = Report.objects.create(kind=t.code, jurisdiction=j, period_key=key, period_start=period.start,
                                period_end=period.end, period_label=period.label,
                                title=f"{j.name}{period.label}{t.label.split('(')[0]}"[:200], scheduled=scheduled,
                                created_by=user if user is not None and user.pk else None)
    if user is not None:
        from envbureau.core.scoping import check_created

        check_created(user, rep)
    wf.record_event(rep, user, "open", to_state="pending", note=texts.sentence(gettext_noop("定时生成")) if scheduled else "")
    wf.sync_tasks(rep)
    return rep


def issue_report(user, rep: Report):
    """Sign off: the numbered .docx (core.documents), then its PDF; the task closes."""
    from envbureau.core.documents.services import documents_for, make_pdf

    wf.apply(user, rep, "issue")
    doc = documents_for(rep).last()
    if doc is not None and not doc.pdf:
        make_pdf(doc)
    return doc


def issue_now(user, code: str, jurisdiction, period_text: str):
    rep = create_report(user, code, jurisdiction, period_text)
    if rep.state != "pending":
        raise ValidationError({"period": _("该报告已签发:%(t)s") % {"t": rep.title}})
    return rep, issue_report(user, rep)
