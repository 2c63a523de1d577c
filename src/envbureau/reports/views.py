"""Pages: pick a type, jurisdiction and period → HTML preview (each number links to the records it came
from), Word/PDF drafts, 签发 (archive with a number); the archive list and a report's page."""

from __future__ import annotations

import base64
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import can, get_scoped_object, restrict

from . import registry, services
from .filters import ReportFilter
from .models import Report


def _need_view(request):
    if not has_perm(request.user, "reports.view"):
        raise PermissionDenied


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


def _default_period(t) -> str:
    if t.default_period is not None:
        return t.default_period()
    from django.utils import timezone

    return str(timezone.localdate().year)


def _blocks(built):
    out = []
    for b in built.blocks:
        if b[0] == "img":
            out.append(("img", b[1], "data:image/png;base64," + base64.b64encode(b[2]).decode()))
        else:
            out.append(b)
    return out


@login_required
def index(request):
    _need_view(request)
    types = registry.types()
    g = request.GET
    t = registry.get(g.get("type") or types[0].code) or types[0]
    choices = list(services.jurisdictions_for(request.user, t))
    j_code = g.get("j") or (choices[0].code if choices else "")
    period = g.get("period") or _default_period(t)
    ctx = {"types": types, "t": t, "choices": choices, "j_code": j_code, "period": period,
           "title": _("生成报告"), "can_issue": has_perm(request.user, "reports.issue")}
    if g.get("type") and j_code:
        try:
            _t, j, _kind, p, built = services.build(request.user, t.code, j_code, period)
            ctx.update(built=built, blocks=_blocks(built), j=j, p=p,
                       query=urlencode({"type": t.code, "j": j.code, "period": period}))
        except ValidationError as exc:
            ctx["error"] = _errors(exc)
            return render(request, "reports/index.html", ctx, status=400)
    return render(request, "reports/index.html", ctx)


@login_required
def download(request):
    _need_view(request)
    g = request.GET
    try:
        name, data, ctype = services.render(request.user, g.get("type", ""), g.get("j", ""), g.get("period", ""),
                                            g.get("format", "docx"))
    except ValidationError as exc:
        return render(request, "reports/index.html", {"types": registry.types(), "error": _errors(exc),
                                                      "title": _("生成报告")}, status=400)
    resp = HttpResponse(data, content_type=ctype)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


@login_required
@require_POST
def issue(request):
    _need_view(request)
    p = request.POST
    try:
        rep, _doc = services.issue_now(request.user, p.get("type", ""), p.get("j", ""), p.get("period", ""))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(reverse("reports:index") + "?" + urlencode(
            {"type": p.get("type", ""), "j": p.get("j", ""), "period": p.get("period", "")}))
    messages.success(request, _("已签发:%(t)s") % {"t": rep.title})
    return redirect("reports:archive-detail", pk=rep.pk)


@login_required
def archive(request):
    _need_view(request)
    qs = restrict(Report.objects.select_related("jurisdiction"), request.user, "view")
    qs = ReportFilter(request.GET, queryset=qs, request=request).qs
    kind, state = request.GET.get("type", ""), request.GET.get("state", "")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    from .choices import REPORT_STATES

    query = urlencode({k: v for k, v in (("type", kind), ("state", state)) if v})
    return render(request, "reports/archive.html", {"page": page, "types": registry.types(), "kind": kind,
                                                    "state": state, "query": query, "states": REPORT_STATES, "title": _("报告归档")})


@login_required
def archive_detail(request, pk):
    _need_view(request)
    rep = get_scoped_object(Report.objects.select_related("jurisdiction"), request.user, "view", pk=pk)
    if request.method == "POST":
        if not can(request.user, rep, "issue"):
            raise PermissionDenied
        try:
            services.issue_report(request.user, rep)
            messages.success(request, _("已签发:%(t)s") % {"t": rep.title})
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("reports:archive-detail", pk=rep.pk)
    from envbureau.core.documents.services import documents_for

    return render(request, "reports/detail.html", {
        "rep": rep, "title": rep.title, "issuer": wf.actor_name(rep.issued_by) if rep.issued_by_id else "", "docs": documents_for(rep), "state_label": wf.workflow_for(rep).state_label(rep.state),
        "may_issue": rep.state == "pending" and can(request.user, rep, "issue"),
        "preview": reverse("reports:index") + "?" + urlencode({"type": rep.kind, "j": rep.jurisdiction.code,
                                                              "period": rep.period_key})})


archive_detail.scoped_model = Report
