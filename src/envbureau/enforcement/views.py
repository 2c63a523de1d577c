"""Pages of enforcement. Every query is scoped; every change goes through services / the workflow."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object, may_view_module, restrict

from . import drawing, services
from .choices import CheckResult, InspectionResult
from .forms import DrawForm, InspectionForm
from .models import Draw, DrawPlan, Inspection, Inspector


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return ";".join(m for msgs in exc.message_dict.values() for m in msgs)
    return ";".join(exc.messages)


def _module(request, model=Inspection):
    if not may_view_module(request.user, model):
        raise PermissionDenied


@login_required
def index(request):
    return redirect("enforcement:inspections-list")


def inspection_extra(request, obj) -> dict:
    actions = [t for t in wf.allowed(request.user, obj)]
    return {"actions": actions, "checklist": obj.checklist_rows(), "check_results": CheckResult.choices,
            "results": InspectionResult.choices,
            "can_add": has_perm(request.user, "enforcement.inspect")}


@login_required
@require_http_methods(["GET", "POST"])
def inspection_add(request):
    if not has_perm(request.user, "enforcement.inspect"):
        raise PermissionDenied
    form = InspectionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            insp = services.create_inspection(
                request.user, source=d["source"], enterprise_id=d["enterprise"].enterprise_id,
                enterprise_name=d["enterprise"].name, jurisdiction_id=d["enterprise"].jurisdiction_id,
                team=list(d["team"]), items=list(d["items"]), kind=d["kind"], method=d["method"],
                planned_on=d["planned_on"], source_ref=d["source_ref"])
            messages.success(request, _("已登记执法检查 %(c)s") % {"c": insp.code})
            return redirect("enforcement:inspections-detail", pk=insp.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "enforcement/form.html", {"form": form, "title": _("登记执法检查")},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def inspection_action(request, pk, verb):
    insp = get_scoped_object(Inspection, request.user, "view", pk=pk)
    data = {}
    p = request.POST
    if verb == "record":
        checklist = {}
        for i in range(len(insp.checklist or [])):
            if p.get(f"check_{i}"):
                checklist[str(i)] = (p.get(f"check_{i}"), p.get(f"check_note_{i}", ""))
        data = {"checklist": checklist, "result": p.get("result", ""), "findings": p.get("findings", ""),
                "party_present": p.get("party_present", ""), "inspected_on": p.get("inspected_on") or None}
    elif verb == "to_problem":
        data = {"category": p.get("category") or "other"}
    try:
        wf.apply(request.user, insp, verb, note=p.get("note", ""), **data)
        messages.success(request, _("已办理"))
    except ValueError:
        messages.error(request, _("检查日期格式应为 YYYY-MM-DD"))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("enforcement:inspections-detail", pk=pk)
    return redirect("enforcement:inspections-detail", pk=pk)


inspection_action.scoped_model = Inspection


# ---------------------------------------------------------------- draws

@login_required
def draw_list(request):
    _module(request, Draw)
    qs = restrict(Draw.objects.select_related("plan", "jurisdiction"), request.user, "view")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    plans = restrict(DrawPlan.objects.filter(active=True), request.user, "view")
    return render(request, "enforcement/draw_list.html", {
        "title": _("双随机抽取记录"), "page": page, "plans": plans,
        "can_draw": has_perm(request.user, "enforcement.draw")})


@login_required
@require_http_methods(["GET", "POST"])
def draw_run(request, pk):
    plan = get_scoped_object(DrawPlan, request.user, "view", pk=pk)
    if not has_perm(request.user, "enforcement.draw"):
        raise PermissionDenied
    form = DrawForm(request.POST or None)
    reasons = []
    if request.method == "POST" and form.is_valid():
        try:
            d = services.run_draw(request.user, plan, form.cleaned_data["seed"],
                                  witnesses=form.cleaned_data["witnesses"])
            messages.success(request, _("抽取完成:%(n)s 家企业") % {"n": len(d.pairs)})
            return redirect("enforcement:draw-detail", pk=d.pk)
        except drawing.Unsatisfiable as exc:
            reasons = exc.reasons
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "enforcement/draw_run.html", {"form": form, "plan": plan, "reasons": reasons,
                                                         "title": _("双随机抽取")},
                  status=400 if request.method == "POST" else 200)


draw_run.scoped_model = DrawPlan


@login_required
def draw_detail(request, pk):
    d = get_scoped_object(Draw.objects.select_related("plan", "jurisdiction"), request.user, "view", pk=pk)
    ok, problems = services.verify_draw(d)
    insp = {i.enterprise_id: i for i in d.inspections.all()}
    names = dict(Inspector.objects.filter(pk__in={m for _e, t in d.pairs for m in t}).values_list("pk", "name"))
    rows = [{"enterprise_id": e, "inspection": insp.get(e), "team": [names.get(m, m) for m in team]}
            for e, team in d.pairs]
    return render(request, "enforcement/draw_detail.html", {
        "title": d.code, "d": d, "rows": rows, "verified": ok, "problems": problems,
        "can_publish": d.status != "published" and has_perm(request.user, "enforcement.publish")})


draw_detail.scoped_model = Draw


@login_required
@require_POST
def draw_publish(request, pk):
    d = get_scoped_object(Draw, request.user, "view", pk=pk)
    services.publish_draw(request.user, d)
    messages.success(request, _("已公开抽取结果"))
    return redirect("enforcement:draw-detail", pk=pk)


draw_publish.scoped_model = Draw


@login_required
def draw_inputs(request, pk):
    """The frozen inputs (pools, recusals, previous pairs, parameters) to re-run the draw elsewhere."""
    d = get_scoped_object(Draw, request.user, "view", pk=pk)
    if not has_perm(request.user, "enforcement.draw"):
        raise PermissionDenied
    resp = HttpResponse(json.dumps(d.inputs, ensure_ascii=False), content_type="application/json")
    resp["Content-Disposition"] = f'attachment; filename="{d.code}-inputs.json"'
    return resp


draw_inputs.scoped_model = Draw


@login_required
@require_POST
def pool_sync(request):
    n = services.sync_pool(request.user)
    messages.success(request, _("已同步:新增 %(a)s 家,更新 %(u)s 家") % {"a": n["added"], "u": n["updated"]})
    return redirect(reverse("enforcement:pool-list"))

