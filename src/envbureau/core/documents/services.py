"""Issuing documents from objects, replacing templates, and the PDF renditions.

`issue(user, obj, kind_code)` checks the user's scope for the kind's permission on the object, refuses
while a required field is empty (naming it), takes the next 文号 of the kind and year under a row lock,
fills the current template and stores the .docx in one transaction (no gaps, no duplicates), then makes
the PDF synchronously with a timeout. A failed conversion leaves the document issued with its .docx and
the reason; `envbureau documents_pdf` (a scheduled job) retries it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..permissions import is_platform_admin
from ..scoping import get_scoped_object, is_city_wide, restrict
from .models import DocumentCounter, DocumentTemplate, DocumentType, IssuedDocument
from .registry import BUILTIN_FIELDS, DocumentKind, get_kind, kinds
from .render import ConversionError, TemplateError, fill, template_variables, to_pdf

log = logging.getLogger(__name__)

# Sent after a document is issued (inside the issuing transaction): apps and the workflow kit link it
# on the object's timeline. kwargs: document, obj, user.
document_issued = Signal()


def cn_date(value) -> str:
    """2026年12月31日 (local date), "" for none."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def today() -> dt.date:
    """The issue date (local): the 文号 year is this date's year."""
    return timezone.localdate()


def model_label(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _default_signing_unit() -> str:
    from ..models import Jurisdiction

    city = Jurisdiction.objects.filter(code=settings.ENVBUREAU.get("CITY_CODE", "")).first()
    return f"{city.name}生态环境局" if city else "生态环境局"


def kind_or_404(code: str) -> DocumentKind:
    from django.http import Http404

    kind = get_kind(code)
    if kind is None:
        raise Http404
    return kind


def type_for(kind: DocumentKind) -> DocumentType:
    """The kind's settings row, created with the shipped template as version 1 on first use."""
    t = DocumentType.objects.filter(code=kind.code).first()
    if t is not None:
        return t
    data = kind.template.read_bytes()
    try:
        with transaction.atomic():
            t = DocumentType.objects.create(code=kind.code, name=str(kind.label), number_prefix=kind.number_prefix,
                                            signing_unit=_default_signing_unit())
            tpl = DocumentTemplate(doc_type=t, version=1, file_name=kind.template.name, sha256=_sha(data),
                                   note=gettext_noop("随系统提供的初始模板"))  # worded by the page
            tpl.file.save(kind.template.name, ContentFile(data), save=False)
            tpl.save()
    except IntegrityError:  # created meanwhile by a concurrent first use
        t = DocumentType.objects.get(code=kind.code)
    return t


def ensure_types() -> list[DocumentType]:
    return [type_for(k) for k in kinds()]


def refresh_shipped(kinds_, *, type_model=None, template_model=None, create_missing: bool = True) -> list[str]:
    """Bring a database made before up to the templates the system ships for `kinds_` (for data migrations;
    pass the migration's historical models): a kind without its settings row gets it with the shipped file as
    version 1; a kind whose current template is one the system shipped (no uploader, the shipped file name) and
    differs from the file shipped now gets that file as a new version — documents issued keep theirs, and a
    template a user uploaded is never replaced. `create_missing=False` leaves absent kinds to be created on first
    use (type_for). Idempotent. Returns the codes it added or updated."""
    type_model = type_model or DocumentType
    template_model = template_model or DocumentTemplate
    touched = []
    for kind in kinds_:
        data = kind.template.read_bytes()
        sha = _sha(data)
        t = type_model.objects.filter(code=kind.code).first()
        if t is None and not create_missing:
            continue
        if t is None:
            t = type_model.objects.create(code=kind.code, name=str(kind.label), number_prefix=kind.number_prefix,
                                          signing_unit=_default_signing_unit())
            version, note = 1, "随系统提供的初始模板"
        else:
            current = template_model.objects.filter(doc_type=t).order_by("-version").first()
            if current is not None and (current.sha256 == sha or current.uploaded_by_id is not None
                                        or current.file_name != kind.template.name):
                continue
            version, note = (current.version + 1 if current else 1), "系统升级随附的新版模板"
        tpl = template_model(doc_type=t, version=version, file_name=kind.template.name, sha256=sha, note=note)
        tpl.file.save(kind.template.name, ContentFile(data), save=False)
        tpl.save()
        touched.append(kind.code)
    return touched


# ---- who may do what ------------------------------------------------------------------------------

def can_issue(user, obj, kind: DocumentKind) -> bool:
    from ..scoping import can

    return can(user, obj, kind.action)


def can_manage(user, kind: DocumentKind) -> bool:
    """Templates, prefix and signing unit: platform admins, or whoever may change the module city-wide."""
    return is_platform_admin(user) or is_city_wide(user, kind.module, "change")


def sees_internal(user, kind: DocumentKind) -> bool:
    """Whether `user` reads `kind` when it is an internal form: staff of its module (a grant not tied to one
    enterprise), never an enterprise account or the public."""
    from envbureau.core.permissions import grants_for

    if not kind.internal:
        return True
    return is_platform_admin(user) or any(g.enterprise_id is None and g.allows(f"{kind.module}.view")
                                          for g in grants_for(user))


def hidden_internal(user, docs) -> set[int]:
    """Ids of the documents among `docs` (IssuedDocument rows or timeline links {"id": …}) `user` may not read
    because they are internal forms."""
    ids = [i for i in (d.get("id") if isinstance(d, dict) else d.pk for d in docs) if i]
    if not ids or not any(k.internal for k in kinds()):
        return set()
    codes = dict(IssuedDocument.objects.filter(pk__in=ids).values_list("pk", "doc_type__code"))
    return {pk for pk, code in codes.items() if (k := get_kind(code)) is not None and not sees_internal(user, k)}


def visible_to(user):
    """Issued documents the user may read: those whose object the user may view (internal forms: staff only)."""
    q = Q(pk__in=[])
    for kind in kinds():
        if not sees_internal(user, kind):
            continue
        model = kind.model_class()
        ids = restrict(model._default_manager.all(), user, "view").values("pk")
        q |= Q(doc_type__code=kind.code, object_id__in=ids)
    return IssuedDocument.objects.filter(q).select_related("doc_type", "template")


def get_visible(user, pk) -> IssuedDocument:
    """One document, 404 unless the user may view its object."""
    from django.http import Http404

    doc = IssuedDocument.objects.select_related("doc_type", "template").filter(pk=pk).first()
    kind = get_kind(doc.doc_type.code) if doc else None
    if doc is None or kind is None or not sees_internal(user, kind):
        raise Http404
    get_scoped_object(kind.model_class(), user, "view", pk=doc.object_id)
    return doc


def documents_for(obj):
    return (IssuedDocument.objects.filter(object_model=model_label(obj), object_id=obj.pk)
            .select_related("doc_type", "template").order_by("issued_at", "id"))


# ---- issuing ------------------------------------------------------------------------------------

def missing_fields(kind: DocumentKind, values: dict) -> list[str]:
    return [f.name for f in kind.fields if f.required and values.get(f.name) in (None, "", [])]


def _values(kind: DocumentKind, obj, overrides: dict | None) -> dict:
    values = {k: ("" if v is None else v) for k, v in kind.context(obj).items()}
    declared = {f.name for f in kind.fields}
    for k, v in (overrides or {}).items():
        if k not in declared:
            raise ValidationError({k: _("“%(k)s”不是“%(d)s”的字段") % {"k": k, "d": kind.label}})
        values[k] = v
    return values


def check_ready(kind: DocumentKind, obj, overrides: dict | None = None) -> dict:
    """The values to fill, or ValidationError naming every required field still empty."""
    values = _values(kind, obj, overrides)
    missing = missing_fields(kind, values)
    if missing:
        labels = {f.name: str(f.label) for f in kind.fields}
        raise ValidationError({m: _("缺少必填项“%(f)s”,不能签发%(d)s") % {"f": labels[m], "d": kind.label}
                               for m in missing})
    return values


def _next_seq(doc_type: DocumentType, year: int) -> int:
    """Next number of the kind and year. The UPDATE takes the row lock (PostgreSQL) / the write lock
    (SQLite, IMMEDIATE transactions) and holds it until the issuing transaction ends: a rolled-back issue
    gives its number back, two issues never share one."""
    counter, _created = DocumentCounter.objects.get_or_create(doc_type=doc_type, year=year)
    DocumentCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return DocumentCounter.objects.values_list("last", flat=True).get(pk=counter.pk)


def issue(user, obj, kind_code: str, values: dict | None = None, *, pdf: bool = True,
          timeline: bool = True) -> IssuedDocument:
    """Issue a document of `kind_code` from `obj` as `user` (None = trusted system path). `timeline=False`
    when the caller puts it on a line of its own (a workflow transition that issues it: core.workflow.apply)."""
    kind = get_kind(kind_code)
    if kind is None or kind.model != model_label(obj):
        raise ValidationError({"kind": _("该对象不能签发此类文书:%(k)s") % {"k": kind_code}})
    if not kind.applies(obj):
        raise ValidationError({"kind": _("该对象不能签发此类文书:%(k)s") % {"k": kind.label}})
    if user is not None:
        obj = get_scoped_object(kind.model_class(), user, "view", pk=obj.pk)
        if not can_issue(user, obj, kind):
            raise PermissionDenied(_("您无权签发%(d)s") % {"d": kind.label})
    filled = check_ready(kind, obj, values)
    doc_type = type_for(kind)
    day = today()
    with _as_actor(user), transaction.atomic():
        template = doc_type.current_template()
        seq = _next_seq(doc_type, day.year)
        number = f"{doc_type.number_prefix}〔{day.year}〕{seq}号"
        filled.update(number=number, signing_unit=doc_type.signing_unit, issue_date=cn_date(day),
                      issued_by=(getattr(user, "display_name", "") or getattr(user, "username", "")) if user else "")
        with template.file.open("rb") as fh:
            data = fill(fh.read(), filled)
        doc = IssuedDocument(doc_type=doc_type, template=template, object_model=kind.model, object_id=obj.pk,
                             object_repr=str(obj)[:200], year=day.year, seq=seq, number=number,
                             signing_unit=doc_type.signing_unit, values=_jsonable(filled), docx_sha256=_sha(data),
                             issued_by=user if user is not None and user.pk else None,
                             issued_by_name=str(user)[:150] if user else "")
        doc.docx.save("document.docx", ContentFile(data), save=False)
        try:
            doc.save()
            if timeline:
                _on_timeline(doc, obj, user)
            document_issued.send(sender=DocumentKind, document=doc, obj=obj, user=user)
        except Exception:
            doc.docx.delete(save=False)  # nothing half-written: no file without its record
            raise
    if pdf:
        with _as_actor(user):
            make_pdf(doc)
    return doc


def _as_actor(user):
    """Audit as `user` when the caller (a service call outside a request) set no actor."""
    import contextlib

    from ..audit import audit_context, current

    ctx = current()
    if user is None or ctx.resolve_actor() is not None:
        return contextlib.nullcontext()
    return audit_context(ctx.source, actor=user)


def _on_timeline(doc: IssuedDocument, obj, user) -> None:
    """One line on the object's timeline (core.workflow), linking both files."""
    from ..workflow import record_event

    record_event(obj, user, "document", note=f"{doc.doc_type.name} {doc.number}", data={"document_id": doc.pk},
                 documents=[timeline_link(doc)])


def timeline_link(doc: IssuedDocument) -> dict:
    """How a timeline line links a document: its name, number and both files."""
    from django.urls import reverse

    return {"id": doc.pk, "title": doc.doc_type.name, "number": doc.number,
            "url": reverse("core:document-download", args=[doc.pk, "docx"]),
            "pdf_url": reverse("core:document-download", args=[doc.pk, "pdf"])}


def make_pdf_after_commit(doc: IssuedDocument) -> None:
    """The PDF rendition once the issuing transaction is committed (a converter can take seconds; a failure
    is recorded in pdf_error and retried by `envbureau documents_pdf`)."""
    def run():
        with _as_actor(doc.issued_by):
            make_pdf(doc)

    transaction.on_commit(run)


def _jsonable(values: dict) -> dict:
    """What the document was filled with, as JSON (table rows stay lists; pictures and dates as text)."""
    import json

    return json.loads(json.dumps(values, default=str, ensure_ascii=False))


def make_pdf(doc: IssuedDocument) -> bool:
    """Make (or remake) the PDF rendition; on failure record why and keep the .docx."""
    try:
        with doc.docx.open("rb") as fh:
            data = to_pdf(fh.read())
    except ConversionError as exc:
        log.warning("PDF for document %s failed: %s", doc.pk, exc)
        doc.pdf_error = str(exc)[:500]
        doc.save(update_fields=["pdf_error"])
        return False
    doc.pdf.save("document.pdf", ContentFile(data), save=False)
    doc.pdf_sha256 = _sha(data)
    doc.pdf_error = ""
    doc.save(update_fields=["pdf", "pdf_sha256", "pdf_error"])
    return True


# ---- templates ----------------------------------------------------------------------------------

def check_template(kind: DocumentKind, data: bytes) -> set[str]:
    """Placeholders of an uploaded template; TemplateError when it uses a name the kind does not fill."""
    used = template_variables(data)
    known = {f.name for f in kind.all_fields}
    unknown = sorted(used - known)
    if unknown:
        raise TemplateError(_("模板中有本类文书没有的占位符:%(u)s;可用的有:%(k)s") % {
            "u": "、".join(unknown), "k": "、".join(f"{f.name}({f.label})" for f in kind.all_fields)})
    return used


@transaction.atomic
def replace_template(user, kind: DocumentKind, data: bytes, file_name: str, note: str = "") -> DocumentTemplate:
    """Add a new template version; documents issued before keep the version they were made from."""
    if user is not None and not can_manage(user, kind):
        raise PermissionDenied(_("只有平台管理员或全市范围的模块管理人员可以更换文书模板"))
    if not file_name.lower().endswith(".docx"):
        raise TemplateError(_("模板必须是 Word 文档(.docx)"))
    check_template(kind, data)
    doc_type = DocumentType.objects.select_for_update().get(pk=type_for(kind).pk)
    last = doc_type.templates.order_by("-version").values_list("version", flat=True).first() or 0
    tpl = DocumentTemplate(doc_type=doc_type, version=last + 1, file_name=file_name[:200], sha256=_sha(data),
                           uploaded_by=user if user is not None and user.pk else None, note=note[:300])
    tpl.file.save(file_name, ContentFile(data), save=False)
    tpl.save()
    return tpl


@transaction.atomic
def update_type(user, kind: DocumentKind, *, number_prefix: str | None = None,
                signing_unit: str | None = None) -> DocumentType:
    if user is not None and not can_manage(user, kind):
        raise PermissionDenied(_("只有平台管理员或全市范围的模块管理人员可以修改文书设置"))
    t = DocumentType.objects.select_for_update().get(pk=type_for(kind).pk)
    if number_prefix is not None:
        t.number_prefix = number_prefix.strip()[:40]
    if signing_unit is not None:
        if not signing_unit.strip():
            raise ValidationError({"signing_unit": _("签发单位不能为空")})
        t.signing_unit = signing_unit.strip()[:200]
    t.save()
    return t


def builtin_field_names() -> set[str]:
    return {f.name for f in BUILTIN_FIELDS}
