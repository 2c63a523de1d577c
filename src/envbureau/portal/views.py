"""Public portal pages (/public/): anonymous, cached, phone width. Links to each module's own public pages
(complaint form and status lookup, rectification notices, enforcement draws/results/penalties)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from envbureau.core.params import year_param

from . import services

# The figures are cached (services.cached), not the pages: a page carries the visitor's own CSRF token
# (the language menu) and language, so it is rendered per request from the cached figures.


def home(request):
    year = services.cached("year", services.last_full_year)
    return render(request, "portal/home.html", {
        "title": _("生态环境信息公开"), "now": services.cached("now", services.air_now), "year": year,
        "figures": services.cached(f"figures:{year}", lambda: services.key_figures(year)) if year else None,
        "reports": services.published_reports(10)})


def air(request):
    location = (request.GET.get("location") or "").strip()[:40]
    if location and not location.replace("-", "").replace("_", "").isalnum():
        raise Http404  # codes only (it is part of a cache key)
    data = services.cached(f"air:{location}", lambda: services.air_days(location or None))
    if location and not data["found"]:
        raise Http404
    return render(request, "portal/air.html", {"title": _("空气质量(近30天)"), "data": data, "location": location,
                                               "locations": services.cached("locations", services.locations)})


def water(request):
    years = services.cached("water-years", services.water_years)
    year = year_param(request.GET, default=years[0] if years else dt.date.today().year)
    w = services.cached(f"water:{year}", lambda: services.water_months(year))
    return render(request, "portal/water.html", {"title": _("地表水断面水质(按月)"), "w": w,
                                                 "months": range(1, 13)})


def noise(request):
    year = year_param(request.GET, default=services.cached("year", services.last_full_year) or dt.date.today().year)
    rows = services.cached(f"noise:{year}", lambda: services.noise(year))
    synthetic = services.cached("noise-synthetic", services.noise_synthetic)
    return render(request, "portal/noise.html", {"title": _("声环境功能区达标情况"), "rows": rows,
                                                 "year": year, "synthetic": synthetic})


def report_file(request, pk, fmt):
    if fmt not in ("pdf", "docx"):
        raise Http404
    found = services.published_report_file(pk, fmt)
    if found is None:
        raise Http404
    name, f = found
    resp = FileResponse(f.open("rb"), content_type="application/pdf" if fmt == "pdf" else
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp
