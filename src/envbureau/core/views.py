from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import importing
from .excel import FileFormatError, xlsx_response
from .filters import AuditFilter
from .forms import ImportUploadForm
from .models import AuditEntry, ImportJob, LoginAttempt
from .permissions import has_perm
from .scoping import get_scoped_object


def client_ip(request):
    return request.META.get("REMOTE_ADDR")


def login_locked(username: str) -> bool:
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    return LoginAttempt.objects.filter(username=username.lower(), time__gte=since).count() >= settings.LOGIN_MAX_FAILURES


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if username and login_locked(username):
            raise self.get_invalid_login_error_locked()
        try:
            return super().clean()
        except Exception:
            if username:
                LoginAttempt.objects.create(username=username.lower(), remote_addr=client_ip(self.request))
            raise

    def get_invalid_login_error_locked(self):
        from django import forms

        return forms.ValidationError(_("登录失败次数过多,账号已临时锁定,请%(m)d分钟后再试。")
                                     % {"m": settings.LOGIN_LOCKOUT_SECONDS // 60}, code="locked")


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        LoginAttempt.objects.filter(username=form.get_user().username.lower()).delete()
        response = super().form_valid(form)
        if form.get_user().must_change_password:
            return redirect("core:password_change")
        return response


@login_required
def home(request):
    return render(request, "core/home.html", {"cards": home_cards(request)})


HOME_CARDS = []  # callables(request) -> dict(title, value, url, note) or None; apps append in ready()


def home_cards(request):
    out = []
    for fn in HOME_CARDS:
        try:
            card = fn(request)
        except PermissionDenied:
            card = None
        if card:
            out.append(card)
    return out


def healthz(request):
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception as exc:  # the point is to report any database failure
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def audit_list(request):
    if not has_perm(request.user, "audit.view"):
        raise PermissionDenied
    qs = AuditEntry.objects.restrict(request.user, "view")
    f = AuditFilter(request.GET, queryset=qs)
    qs = f.qs
    header = [_("时间"), _("操作人"), _("来源"), _("操作"), _("对象类型"), _("对象ID"), _("对象"), _("变更")]
    if request.GET.get("export") == "xlsx":
        rows = [[e.time, e.actor_name, e.get_source_display(), e.get_action_display(), e.model, e.object_id,
                 e.object_repr, str(e.changes)] for e in qs[:100000]]
        return xlsx_response("审计日志.xlsx", [(_("审计日志"), header, rows)])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "core/audit_list.html", {"page": page, "filterset": f, "query": params.urlencode()})


@login_required
def audit_detail(request, pk):
    if not has_perm(request.user, "audit.view"):
        raise PermissionDenied
    entry = get_scoped_object(AuditEntry, request.user, "view", pk=pk)
    return render(request, "core/audit_detail.html", {"e": entry})


audit_detail.scoped_model = AuditEntry  # lets the authorization matrix pick real objects


# ---- imports -----------------------------------------------------------------------------

def _importers_for(user):
    out = []
    for _kind, cls in sorted(importing.REGISTRY.items()):
        if has_perm(user, f"{cls.module}.add") or has_perm(user, f"{cls.module}.change"):
            out.append(cls())
    return out


@login_required
def import_index(request):
    importers = _importers_for(request.user)
    if not importers:
        raise PermissionDenied
    jobs = ImportJob.objects.restrict(request.user, "view")[:30]
    return render(request, "core/import_index.html", {"importers": importers, "jobs": jobs})


def _get_importer(request, kind):
    try:
        imp = importing.get_importer(kind)
    except KeyError:
        from django.http import Http404

        raise Http404 from None
    if not (has_perm(request.user, f"{imp.module}.add") or has_perm(request.user, f"{imp.module}.change")):
        raise PermissionDenied
    return imp


@login_required
def import_template(request, kind):
    imp = _get_importer(request, kind)
    from urllib.parse import quote

    resp = HttpResponse(imp.template_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(str(imp.label) + '导入模板.xlsx')}"
    return resp


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind):
    imp = _get_importer(request, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        job = ImportJob(kind=kind, file_name=upload.name, created_by=request.user, status="failed")
        try:
            result = imp.run(data, upload.name, request.user, commit=False)
        except FileFormatError as exc:
            form.add_error("file", str(exc))
        else:
            job.total_rows = result.total
            job.errors = result.errors
            job.result = {"preview": result.preview}
            job.status = "validated" if result.ok else "failed"
            job.save()
            if result.ok:
                stored = importing.upload_dir() / f"job-{job.pk}-{upload.name.replace('/', '_')}"
                stored.write_bytes(data)
                ImportJob.objects.filter(pk=job.pk).update(stored_file=str(stored))
            return redirect("core:import-job", pk=job.pk)
    return render(request, "core/import_upload.html", {"form": form, "imp": imp}, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def import_job(request, pk):
    job = get_scoped_object(ImportJob.objects.all(), request.user, "view", pk=pk)
    if job.created_by_id != request.user.pk and not has_perm(request.user, "core.view"):
        raise PermissionDenied
    imp = _get_importer(request, job.kind)
    if request.method == "POST":
        if job.status != "validated" or not job.stored_file:
            messages.error(request, _("该导入任务不能提交"))
        else:
            from pathlib import Path

            data = Path(job.stored_file).read_bytes()
            result = imp.run(data, job.file_name, request.user, commit=True)
            if result.ok:
                job.status = "committed"
                job.result = {**job.result, "saved": result.saved}
                messages.success(request, _("导入完成: %(n)d 行") % {"n": result.total})
            else:
                job.status = "failed"
                job.errors = result.errors
                messages.error(request, _("导入失败,未写入任何数据"))
            ImportJob.objects.filter(pk=job.pk).update(status=job.status, result=job.result, errors=job.errors)
        return redirect("core:import-job", pk=job.pk)
    return render(request, "core/import_job.html", {"job": job, "imp": imp,
                                                     "preview": job.result.get("preview", [])})


import_job.scoped_model = ImportJob


@login_required
def profile(request):
    return render(request, "core/profile.html", {"assignments": request.user.assignments.select_related("role", "jurisdiction")})


def set_language_redirect(request):
    return redirect(request.META.get("HTTP_REFERER") or reverse("core:home"))
