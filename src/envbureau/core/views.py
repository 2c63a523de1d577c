from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from pathlib import Path

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
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import audit, importing, lockout
from .clientip import client_ip
from .excel import FileFormatError, xlsx_response
from .filters import AuditFilter
from .forms import ImportUploadForm
from .models import AuditEntry, ImportJob, User
from .permissions import has_perm
from .scoping import get_scoped_object, is_city_wide

logger = logging.getLogger(__name__)


class ThrottleMixin:
    """Sign-in tries are counted per (account, client address) and per account before the password is
    checked (core.lockout); past the limits the form refuses without checking it."""

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        addr = client_ip(self.request) if self.request is not None else None
        if username and not lockout.reserve(username, addr):
            raise self.get_invalid_login_error_locked()
        result = super().clean()  # a wrong password raises: the try stays counted
        if username:
            lockout.succeeded(username, addr)
        return result

    def get_invalid_login_error_locked(self):
        from django import forms

        return forms.ValidationError(lockout.locked_message(), code="locked")


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.get_user().must_change_password:
            return redirect("core:password_change")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"

    def get_success_url(self):
        return reverse("core:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("密码已修改"))
        return response


@login_required
def home(request):
    from .kit_views import task_rows
    from .notify import tasks_for

    mine = request.user.assignments.select_related("role", "jurisdiction")
    first = tasks_for(request.user).select_related("assignee_unit", "assignee_user")[:5]
    overdue = overdue_in_scope(request.user)
    return render(request, "core/home.html", {
        "cards": home_cards(request), "my_assignments": mine, "my_tasks": task_rows(request.user, first),
        # a leader (or anyone reading beyond their own inbox) sees what has run past its deadline in their area
        "overdue": task_rows(request.user, overdue.select_related("assignee_unit", "assignee_user")[:8]),
        "overdue_total": overdue.count()})


def overdue_in_scope(user):
    """Open steps past their deadline anywhere the user may read that module (their area, or their
    enterprise), other people's included; the user's own inbox is shown apart."""
    from django.db.models import Q

    from .models import Task
    from .permissions import grants_for
    from .workflow import REGISTRY

    q = Q(pk__in=[])
    modules = sorted({w.module for w in REGISTRY.values()})
    for g in grants_for(user):
        mods = [m for m in modules if g.allows(f"{m}.view")]
        if not mods or g.kind == "enterprise" and g.enterprise_id is None:
            continue
        if g.enterprise_id is not None:
            q |= Q(module__in=mods, enterprise_id=g.enterprise_id)
        elif g.jurisdiction_path is None:
            q |= Q(module__in=mods)
        else:
            # the stored prefix at the grant's depth (as the tasks query): an indexed equality, not a LIKE
            depth = min(max(g.jurisdiction_path.count("/") - 1, 1), 4)
            q |= Q(module__in=mods, **{f"path_{depth}": g.jurisdiction_path})
    return (Task.objects.filter(q, is_open=True, lead=True, due_date__lt=timezone.localdate())
            .order_by("due_date", "id"))


HOME_CARDS = []  # callables(request) -> dict(title, value, url, note, icon?) or None; apps append in ready()


def core_card(request):
    """Core's own card: the platform's accounts (admins) or today's changes (audit readers)."""
    if has_perm(request.user, "core.change") and is_city_wide(request.user, "core", "change"):
        return {"title": _("用户"), "value": User.objects.filter(is_active=True).count(), "icon": "people",
                "url": reverse("core:admin-area-users-list"), "note": _("启用的账号")}
    return None


def home_cards(request):
    out = []
    for fn in [*HOME_CARDS, core_card]:
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


def _changes_text(entry, memo: dict | None = None) -> str:
    """An entry's changes as a person reads them (fields by label, values by theirs, times local), not a dict."""
    from .humanize import change_rows

    return ";".join(f"{r['field']}: {r['before']} → {r['after']}" if r["pair"] else f"{r['field']}: {r['other']}"
                    for r in change_rows(entry.changes, entry.model, memo))


@login_required
def audit_list(request):
    if not has_perm(request.user, "audit.view"):
        raise PermissionDenied
    qs = AuditEntry.objects.restrict(request.user, "view")
    f = AuditFilter(request.GET, queryset=qs)
    qs = f.qs
    header = [_("时间"), _("操作人"), _("来源"), _("操作"), _("对象类型"), _("对象ID"), _("对象"), _("变更")]
    from .humanize import audit_labels

    if request.GET.get("export") == "xlsx":
        # The object type and the object in words, as on the page (labels looked up a chunk of entries at a time).
        rows, memo = [], {}  # memo: each record a change refers to, looked up once for the whole export
        entries = qs[:100000].iterator(chunk_size=2000)
        while chunk := list(itertools.islice(entries, 2000)):
            for e in audit_labels(chunk):
                rows.append([e.time, e.actor_name or _("系统"), e.get_source_display(), e.get_action_display(),
                             e.model_verbose, e.object_id, e.label + (f" ({_('已删除')})" if e.gone else ""),
                             _changes_text(e, memo)])
        return xlsx_response("审计日志.xlsx", [(_("审计日志"), header, rows)], request=request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))

    audit_labels(page)  # each object by its label in the UI language (entries of any age)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "core/audit_list.html", {"page": page, "filterset": f, "query": params.urlencode()})


@login_required
def audit_detail(request, pk):
    if not has_perm(request.user, "audit.view"):
        raise PermissionDenied
    entry = get_scoped_object(AuditEntry, request.user, "view", pk=pk)
    from .humanize import audit_labels, change_rows

    audit_labels([entry])
    rows = change_rows(entry.changes, entry.model)
    return render(request, "core/audit_detail.html", {"e": entry, "rows": rows})


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
    if request.method == "POST" and _declared_length(request) > imp.limits["max_bytes"] + (64 << 10):
        # Refused from the request's declared size, before the body is read and spooled to disk.
        try:
            imp.check_size(_declared_length(request))
        except FileFormatError as exc:
            return render(request, "core/import_upload.html", {"form": ImportUploadForm(), "imp": imp,
                                                               "limits": imp.limits, "file_error": str(exc)},
                          status=413)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imp.check_size(upload.size)  # before anything is read
        except FileFormatError as exc:
            form.add_error("file", str(exc))
        else:
            clear_empty = bool(form.cleaned_data.get("clear_empty"))
            job = ImportJob.objects.create(kind=kind, file_name=upload.name[:255], created_by=request.user,
                                           status="running", result={"stage": "validate", "clear_empty": clear_empty})
            stored = importing.upload_dir() / f"job-{job.pk}-{Path(upload.name).name}"
            with stored.open("wb") as f:  # in chunks: the file is never whole in memory
                for chunk in upload.chunks():
                    f.write(chunk)
            ImportJob.objects.filter(pk=job.pk).update(stored_file=str(stored))
            audit.record_batch("update", ImportJob, [job.pk], {"stored_file": [None, str(stored)]})
            lang = translation.get_language() or settings.LANGUAGE_CODE
            if upload.size >= settings.ENVBUREAU.get("IMPORT_BACKGROUND_BYTES", 1 << 20):
                _start_background(run_job, job.pk, request.user.pk, lang, client_ip(request), False)
                messages.info(request, _("文件较大,正在后台校验,请稍候"))
                return redirect("core:import-job", pk=job.pk)
            run_job(job.pk, request.user.pk, lang, client_ip(request), False)
            job.refresh_from_db()
            file_error = job.result.get("file_error")
            if file_error:  # not a table we can read: say so on the form, keep no job
                job.delete()
                form.add_error("file", file_error)
            else:
                return redirect("core:import-job", pk=job.pk)
    return render(request, "core/import_upload.html", {"form": form, "imp": imp, "limits": imp.limits},
                  status=400 if request.method == "POST" else 200)


def _declared_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _progress_path(job_id) -> Path:
    return importing.upload_dir() / f"job-{job_id}.progress.json"


def _errors_path(job_id) -> Path:
    return importing.upload_dir() / f"job-{job_id}-errors.xlsx"


def read_progress(job) -> dict:
    try:
        return json.loads(_progress_path(job.pk).read_text())
    except (FileNotFoundError, ValueError):
        return {"phase": "validate", "done": 0, "total": job.total_rows}


def run_job(job_id: int, user_id: int, language: str, remote_addr=None, commit: bool = True) -> None:
    """Validate (commit=False: the full save inside a rolled-back transaction) or commit an import job;
    runs in the request or in a background thread. Validation lists every row error and writes them
    beside the rows into an .xlsx; a commit refuses nothing new but saves all or nothing.

    Progress goes to a small file next to the upload, not to the database: the commit holds one
    transaction open, and progress written inside it would stay invisible until the end.
    """
    from .models import User

    progress_file = _progress_path(job_id)
    last = [0.0]

    def progress(done, total, phase="validate"):
        now = time.monotonic()
        if now - last[0] < 0.3 and done < total:
            return
        last[0] = now
        tmp = progress_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"phase": phase, "done": done, "total": total}))
        tmp.replace(progress_file)

    job = ImportJob.objects.get(pk=job_id)
    keep_file = False
    result_data, errors, total = {**job.result}, [], job.total_rows
    try:
        with translation.override(language):
            user = User.objects.get(pk=user_id)
            imp = importing.get_importer(job.kind)
            try:
                result = imp.run(job.stored_file, job.file_name, user, commit=commit, progress=progress,
                                 remote_addr=remote_addr, clear_empty=bool(job.result.get("clear_empty")))
            except FileFormatError as exc:
                status, errors = "failed", [{"row": None, "column": "", "value": "", "message": str(exc)}]
                result_data["file_error"] = str(exc)
            else:
                total, errors = result.total, result.errors
                result_data.update(notices=[str(n) for n in result.notices], warnings=result.warnings)
                if not commit:
                    result_data["preview"] = result.preview
                    result_data["would_save"] = result.saved
                    if result.ok:
                        status, keep_file = "validated", True
                    else:
                        status = "failed"
                        _errors_path(job_id).write_bytes(
                            importing.errors_workbook(imp, job.stored_file, job.file_name, errors))
                elif result.ok:
                    status, result_data["saved"] = "committed", result.saved
                else:
                    status = "failed"
    except Exception as exc:  # the transaction rolled back; say why on the job page (and in the log)
        logger.exception("import job %s failed", job_id)
        status = "failed"
        errors = [{"row": None, "column": "", "value": "", "message": f"{type(exc).__name__}: {exc}"[:500]}]
    finally:
        progress_file.unlink(missing_ok=True)
    result_data.pop("stage", None)
    # The uploaded file may hold secrets (initial passwords): it is not kept once the job has run.
    stored = job.stored_file
    if stored and not keep_file:
        Path(stored).unlink(missing_ok=True)
        stored = ""
    # What importers return may hold dates or decimals: store it as JSON can.
    result_data, errors = json.loads(json.dumps(result_data, default=str)), json.loads(json.dumps(errors, default=str))
    ImportJob.objects.filter(pk=job_id).update(status=status, result=result_data, errors=errors, stored_file=stored,
                                               total_rows=total)
    audit.record_batch("update", ImportJob, [job_id], {"status": status, "total_rows": total,
                                                       "errors": len(errors or [])})


def commit_job(job_id: int, user_id: int, language: str, remote_addr=None) -> None:
    run_job(job_id, user_id, language, remote_addr, commit=True)


def _in_background(fn, *args):
    from django.db import connection as conn

    try:
        fn(*args)
    finally:
        conn.close()


def _start_background(fn, job_id, *args):
    t = threading.Thread(target=_in_background, args=(fn, job_id, *args), name=f"import-{job_id}", daemon=True)
    t.start()
    return t


@login_required
@require_http_methods(["GET", "POST"])
def import_job(request, pk):
    job = get_scoped_object(ImportJob.objects.all(), request.user, "view", pk=pk)
    if job.created_by_id != request.user.pk and not has_perm(request.user, "core.view"):
        raise PermissionDenied
    imp = _get_importer(request, job.kind)
    if request.method == "POST":
        # Claim the job with a conditional update: a double click or a second tab commits nothing twice,
        # and a job with errors (status failed) is never committed.
        claimed = ImportJob.objects.filter(pk=job.pk, status="validated").exclude(stored_file="") \
            .update(status="running")
        if claimed:
            audit.record_batch("update", ImportJob, [job.pk], {"status": ["validated", "running"]})
        if not claimed:
            messages.error(request, _("该导入任务不能提交"))
            return redirect("core:import-job", pk=job.pk)
        lang = translation.get_language() or settings.LANGUAGE_CODE
        try:
            size = Path(job.stored_file).stat().st_size
        except OSError:
            size = 0  # run_job reports the missing file on the job page
        background = (job.total_rows >= settings.ENVBUREAU.get("IMPORT_BACKGROUND_ROWS", 500)
                      or size >= settings.ENVBUREAU.get("IMPORT_BACKGROUND_BYTES", 1 << 20)) \
            and not request.POST.get("sync")
        if background:
            _start_background(run_job, job.pk, request.user.pk, lang, client_ip(request), True)
            messages.info(request, _("正在后台提交,请稍候"))
        else:
            commit_job(job.pk, request.user.pk, lang, client_ip(request))
            job.refresh_from_db()
            if job.status == "committed":
                messages.success(request, _("导入完成: %(n)d 行") % {"n": job.total_rows})
            else:
                messages.error(request, _("导入失败,未写入任何数据"))
        return redirect("core:import-job", pk=job.pk)
    shown = settings.ENVBUREAU.get("IMPORT_ERRORS_SHOWN", 500)
    return render(request, "core/import_job.html", {
        "job": job, "imp": imp, "progress": _progress_view(job), "preview": job.result.get("preview", []),
        "errors": job.errors[:shown], "more_errors": max(0, len(job.errors) - shown),
        "has_errors_file": job.status == "failed" and _errors_path(job.pk).exists(),
        "validating": job.status == "running" and job.result.get("stage") == "validate"})


@login_required
def import_errors(request, pk):
    """The uploaded rows with the errors beside them (.xlsx)."""
    job = get_scoped_object(ImportJob.objects.all(), request.user, "view", pk=pk)
    if job.created_by_id != request.user.pk and not has_perm(request.user, "core.view"):
        raise PermissionDenied
    path = _errors_path(job.pk)
    if not path.exists():
        from django.http import Http404

        raise Http404
    from urllib.parse import quote

    resp = HttpResponse(path.read_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"{Path(job.file_name).stem}-{_('错误')}.xlsx"
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


import_errors.scoped_model = ImportJob


def _progress_view(job) -> dict | None:
    if job.status != "running":
        return None
    p = read_progress(job)
    total = max(int(p.get("total") or job.total_rows or 1), 1)
    done = min(int(p.get("done") or 0), total)
    # Validation is the first half of the bar, saving the second.
    percent = int((done / total) * 50 + (50 if p.get("phase") == "save" else 0))
    return {"phase": p.get("phase"), "done": done, "total": total, "percent": percent}


@login_required
def import_progress(request, pk):
    """htmx fragment polled by the job page while a commit runs; reloads the page when it ends."""
    job = get_scoped_object(ImportJob.objects.all(), request.user, "view", pk=pk)
    if job.status != "running":
        resp = HttpResponse("")
        resp["HX-Refresh"] = "true"
        return resp
    return render(request, "core/_import_progress.html", {"job": job, "progress": _progress_view(job)})


import_progress.scoped_model = ImportJob
import_job.scoped_model = ImportJob


@login_required
def profile(request):
    return render(request, "core/profile.html", {"assignments": request.user.assignments.select_related("role", "jurisdiction")})


# ---- user page: role assignments ---------------------------------------------------------

def user_detail_context(request, obj):
    """Extra context of the user detail page: their role assignments and the assign form."""
    from .forms import AssignRoleForm
    from .scoping import can

    may_change = can(request.user, obj, "change") if obj.assignments.exists() else has_perm(request.user, "core.add")
    return {
        "assignments": obj.assignments.select_related("role", "jurisdiction").prefetch_related("departments"),
        "assign_form": AssignRoleForm(actor=request.user) if may_change and has_perm(request.user, "core.add") else None,
        "target": obj if isinstance(obj, User) else None,
    }


@login_required
@require_http_methods(["POST"])
def user_assign(request, pk):
    from django.core.exceptions import ValidationError

    from . import services
    from .forms import AssignRoleForm

    target = get_scoped_object(User, request.user, "change", pk=pk) if User.objects.filter(
        pk=pk, assignments__isnull=False).exists() else _new_user_for_assign(request, pk)
    form = AssignRoleForm(request.POST, actor=request.user)
    if form.is_valid():
        a = form.save(commit=False)
        a.user = target
        try:
            services.create_object(request.user, a, {"departments": form.cleaned_data["departments"]})
        except PermissionDenied as e:
            messages.error(request, str(e) or _("超出您的权限范围"))
        except ValidationError as e:
            messages.error(request, "; ".join(e.messages))
        else:
            messages.success(request, _("已授予角色“%(r)s”") % {"r": a.role})
    else:
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errs)}" if label else " ".join(errs))
    return redirect("core:admin-area-users-detail", pk=target.pk)


def _new_user_for_assign(request, pk):
    """A user without any assignment yet (just created): only those who may add users reach them."""
    from django.http import Http404

    if not is_city_wide(request.user, "core", "add"):
        raise Http404
    try:
        return User.objects.get(pk=pk, is_superuser=False)
    except User.DoesNotExist:
        raise Http404 from None


user_assign.scoped_model = User
