"""Pages of the soil module. Every query is scoped; every change goes through services / the workflow."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from envbureau.core import workflow as wf
from envbureau.core.params import year_param
from envbureau.core.scoping import get_scoped_object, may_view_module

from . import stats
from .choices import ReviewKind, ReviewOutcome
from .models import Duty, Plot


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return ";".join(m for msgs in exc.message_dict.values() for m in msgs)
    return ";".join(exc.messages)


@login_required
def index(request):
    return redirect("soil:plots-list")


def plot_extra(request, obj) -> dict:
    samples = list(obj.samples.all())
    return {"actions": wf.allowed(request.user, obj), "action_url": "soil:plot-action", "samples": samples,
            "exceedances": [s for s in samples if s.exceeds], "reviews": obj.reviews.all(),
            "review_kinds": ReviewKind.choices, "review_outcomes": ReviewOutcome.choices,
            "sensitive_warning": obj.land_class == 1 and obj.state in ("risk", "listed", "effect")}


def farmland_extra(request, obj) -> dict:
    """A farmland unit's samples with their GB 15618 class, and how many fall in each class."""
    from .choices import FARMLAND_CATEGORIES

    samples = list(obj.samples.all())
    counts = [(label, sum(1 for s in samples if s.category == code)) for code, label in FARMLAND_CATEGORIES.items()]
    return {"farmland_samples": samples, "category_counts": counts}


def farmland_sample_extra(request, obj) -> dict:
    return {"item_rows": obj.rows}


def duty_extra(request, obj) -> dict:
    return {"actions": wf.allowed(request.user, obj), "action_url": "soil:duty-action"}


def _act(request, model, pk, verb, fields, detail):
    obj = get_scoped_object(model, request.user, "view", pk=pk)
    data = {k: request.POST.get(k) for k in fields if request.POST.get(k) not in (None, "")}
    try:
        wf.apply(request.user, obj, verb, note=request.POST.get("note", ""), **data)
        messages.success(request, _("已办理"))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(detail, pk=pk)


@login_required
@require_POST
def plot_action(request, pk, verb):
    fields = {"review": ("kind", "outcome", "reviewed_on", "author"), "enlist": ("listed_on",),
              "remove": ("removed_on",)}.get(verb, ())
    return _act(request, Plot, pk, verb, fields, "soil:plots-detail")


plot_action.scoped_model = Plot


@login_required
@require_POST
def duty_action(request, pk, verb):
    return _act(request, Duty, pk, verb, ("done_on",), "soil:duties-detail")


duty_action.scoped_model = Duty


@login_required
def indicators(request):
    if not may_view_module(request.user, Plot):
        raise PermissionDenied
    year = year_param(request.GET, "year", timezone.localdate().year)
    return render(request, "soil/indicators.html", {"title": _("土壤指标"), "s": stats.indicators(request.user, year)})


@login_required
def plot_map(request):
    """The plots with coordinates as map points (ECharts scatter, offline), coloured by state."""
    if not may_view_module(request.user, Plot):
        raise PermissionDenied
    from envbureau.core.scoping import restrict

    pts = [{"name": str(p), "value": [p.longitude, p.latitude], "state": p.get_state_display(),
            "url": f"/soil/plots/{p.pk}/"}
           for p in restrict(Plot.objects.exclude(longitude=None).exclude(latitude=None), request.user, "view")]
    return render(request, "soil/map.html", {"title": _("地块分布图"), "points": pts})
