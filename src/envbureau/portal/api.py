"""Open data (/api/v1/public/data/): anonymous reads of the published figures, JSON or CSV (?format=csv).

Measurements follow the OpenAQ shape: location, parameter, unit, period, value (one row per local day)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, renderers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services

MAX_DAYS = 366


class CSVRenderer(renderers.BaseRenderer):
    """Rows of the answer's `results` as CSV (UTF-8 with BOM so Excel opens Chinese names); nested
    objects are flattened with dotted keys (period.from)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results", []) if isinstance(data, dict) else []
        if isinstance(data, dict) and "error" in data:
            rows = [{"error": data["error"].get("message", "")}]
        flat = [self._flat(r) for r in rows]
        keys: list[str] = []
        for r in flat:
            keys += [k for k in r if k not in keys]
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=keys)
        w.writeheader()
        w.writerows(flat)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")

    def _flat(self, row, prefix=""):
        out = {}
        for k, v in row.items():
            if isinstance(v, dict):
                out.update(self._flat(v, f"{prefix}{k}."))
            elif isinstance(v, list):
                out[f"{prefix}{k}"] = "、".join(str(x) for x in v)
            else:
                out[f"{prefix}{k}"] = "" if v is None else v
        return out


class PublicView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]


def _date(params, name, default):
    v = params.get(name)
    if not v:
        return default
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        raise ValidationError({name: f"日期格式应为 YYYY-MM-DD: {v[:20]}"}) from None


class LocationsView(PublicView):
    """GET locations/: air stations and jurisdictions with air results."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response({"results": services.locations()})


class MeasurementsView(PublicView):
    """GET measurements/?location=CODE&parameter=pm25&date_from=&date_to= (≤ 366 days; default the last 30
    days of data): daily values of a station or a jurisdiction."""

    @extend_schema(parameters=[OpenApiParameter("location", str, required=True),
                               OpenApiParameter("parameter", str, enum=list(services.PARAMETERS)),
                               OpenApiParameter("date_from", OpenApiTypes.DATE), OpenApiParameter("date_to", OpenApiTypes.DATE)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        from envbureau.quality.models import CityDaily

        p = request.query_params
        location = (p.get("location") or "").strip()
        if not location:
            raise ValidationError({"location": "必填:站点编码或区划代码(见 locations/)"})
        parameter = p.get("parameter") or "pm25"
        if parameter not in services.PARAMETERS:
            raise ValidationError({"parameter": f"应为 {', '.join(services.PARAMETERS)} 之一"})
        last = CityDaily.objects.order_by("-date").values_list("date", flat=True).first() or dt.date.today()
        end = _date(p, "date_to", last)
        start = _date(p, "date_from", end - dt.timedelta(days=29))
        if start > end:
            raise ValidationError({"date_from": "不能晚于 date_to"})
        if (end - start).days >= MAX_DAYS:
            raise ValidationError({"date_from": f"一次最多 {MAX_DAYS} 天"})
        rows = services.measurements(location, parameter, start, end)
        if rows is None:
            raise NotFound(f"未知的站点或区划: {location[:40]}")
        return Response({"meta": {"found": len(rows), "license": "CC BY 4.0 (演示空气数据: UCI 501)"},
                         "results": rows})


class WaterView(PublicView):
    """GET water/?year=Y: each section's class by month."""

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        from envbureau.core.params import year_param

        years = services.water_years()
        year = year_param(request.query_params, default=years[0] if years else dt.date.today().year)
        w = services.water_months(year)
        results = [{"location": r["code"], "name": r["name"], "river": r["river"], "target": r["target"],
                    "period": {"label": "1 month", "from": f"{year}-{m:02d}-01"}, "parameter": "water_class",
                    "value": cls, "meets_target": meets, "rules": w["rules"], "synthetic": r["synthetic"]}
                   for r in w["rows"] for m, (cls, meets) in enumerate(r["months"], 1) if cls]
        return Response({"meta": {"year": year, "found": len(results)}, "results": results})


class NoiseView(PublicView):
    """GET noise/?year=Y: day and night compliance per zone class (GB 3096-2008), as /public/noise/ shows it."""

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        from envbureau.core.params import year_param

        year = year_param(request.query_params, default=services.cached("year", services.last_full_year)
                          or dt.date.today().year)
        rows = services.cached(f"noise-data:{year}", lambda: services.noise_open_data(year))
        return Response({"meta": {"year": year, "found": len(rows), "rules": services.NOISE_RULES}, "results": rows})
