"""Pages of issued documents: issue from an object (POST), download (scoped like the object), and the
template pages (系统管理 → 文书模板) where an admin uploads a replacement template."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..scoping import get_scoped_object
from . import services
from .models import DocumentTemplate
from .registry import kinds
from .render import TemplateError


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return ";".join(m for msgs in exc.message_dict.values() for m in msgs)
    return ";".join(exc.messages)


def file_response(fieldfile, filename: str, content_type: str):
    resp = FileResponse(fieldfile.open("rb"), content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_POST
def issue(request, kind, object_id):
    k = services.kind_or_404(kind)
    obj = get_scoped_object(k.model_class(), request.user, "view", pk=object_id)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or (k.detail_url(obj) if k.detail_url else "/")
    try:
        doc = services.issue(request.user, obj, k.code)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(back)
    if doc.pdf_error:
        messages.warning(request, _("已签发%(d)s %(n)s;PDF 暂未生成:%(e)s") % {
            "d": k.label, "n": doc.number, "e": doc.pdf_error})
    else:
        messages.success(request, _("已签发%(d)s %(n)s") % {"d": k.label, "n": doc.number})
    return redirect(back)


@login_required
def download(request, pk, fmt):
    doc = services.get_visible(request.user, pk)
    if fmt == "docx":
        return file_response(doc.docx, f"{doc.file_stem}.docx", DOCX)
    if fmt == "pdf" and doc.pdf:
        return file_response(doc.pdf, f"{doc.file_stem}.pdf", "application/pdf")
    raise Http404


def _managed(user):
    return [k for k in kinds() if services.can_manage(user, k)]


@login_required
def type_list(request):
    managed = _managed(request.user)
    if not managed:
        raise PermissionDenied
    rows = [{"kind": k, "type": services.type_for(k)} for k in managed]
    return render(request, "core/documents/type_list.html", {"title": _("文书模板"), "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def type_detail(request, code):
    k = services.kind_or_404(code)
    if not services.can_manage(request.user, k):
        raise PermissionDenied
    t = services.type_for(k)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("part") == "settings":
                services.update_type(request.user, k, number_prefix=request.POST.get("number_prefix", ""),
                                     signing_unit=request.POST.get("signing_unit", ""))
                messages.success(request, _("已保存"))
                return redirect("core:document-type", code=k.code)
            f = request.FILES.get("file")
            if f is None:
                raise TemplateError(_("请选择要上传的模板文件(.docx)"))
            tpl = services.replace_template(request.user, k, f.read(), f.name, request.POST.get("note", ""))
            messages.success(request, _("已上传模板第 %(v)d 版;此后签发的文书使用新模板") % {"v": tpl.version})
            return redirect("core:document-type", code=k.code)
        except TemplateError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        status = 400
        t.refresh_from_db()
    return render(request, "core/documents/type_detail.html", {
        "title": t.name, "kind": k, "type": t, "templates": t.templates.select_related("uploaded_by"),
        "fields": k.all_fields, "issued": t.documents.count(),
    }, status=status)


@login_required
def template_download(request, pk):
    tpl = DocumentTemplate.objects.select_related("doc_type").filter(pk=pk).first()
    k = services.kind_or_404(tpl.doc_type.code) if tpl else None
    if tpl is None or not services.can_manage(request.user, k):
        raise Http404
    return file_response(tpl.file, f"{tpl.doc_type.name}-v{tpl.version}.docx", DOCX)
