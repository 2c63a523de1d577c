"""Registry figures of a work report: monitoring sites and pollution-source monitoring points built
(commissioned) in a period — "新建空气自动监测站3个" is a count of records with a commissioning date."""

from __future__ import annotations

from envbureau.core.permissions import has_perm

REGISTRY_LABELS = {"air_stations": "空气自动监测站", "water_automatic_stations": "水质自动监测站",
                   "water_sections": "水质监测断面", "noise_stations": "噪声监测点",
                   "monitoring_points": "污染源在线监测点"}


def commissioned(jurisdiction, period, user=None) -> dict:
    """Counts of records commissioned within the period (dates inclusive), in the jurisdiction and below;
    ``None`` for a kind the user may not see. ``without_date``: records in scope with no date yet."""
    from envbureau.sources.models import MonitoringPoint

    from .models import AirStation, NoiseStation, WaterSection

    def qs(model, path_field="jurisdiction__path", module="quality"):
        if user is not None and not has_perm(user, f"{module}.view"):
            return None
        q = model.objects.filter(**{f"{path_field}__startswith": jurisdiction.path})
        return q if user is None else q.restrict(user, "view")

    sets = {"air_stations": qs(AirStation), "water_automatic_stations": None, "water_sections": qs(WaterSection),
            "noise_stations": qs(NoiseStation),
            "monitoring_points": qs(MonitoringPoint, "enterprise__jurisdiction__path", "sources")}
    if sets["water_sections"] is not None:
        sets["water_automatic_stations"] = sets["water_sections"].filter(automatic=True)
    counts, without = {}, {}
    for key, q in sets.items():
        if q is None:
            counts[key] = without[key] = None
            continue
        counts[key] = q.filter(commissioned_on__gte=period.start, commissioned_on__lte=period.end).count()
        without[key] = q.filter(commissioned_on__isnull=True).count()
    return {"jurisdiction": {"code": jurisdiction.code, "name": jurisdiction.name},
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
            "commissioned": counts, "without_date": without, "labels": REGISTRY_LABELS}


def registry_sentence(r: dict) -> str:
    parts = [f"{REGISTRY_LABELS[k]}{v}个" for k, v in r["commissioned"].items() if v]
    if not parts:
        return ""
    return f"{r['period']['label']}新建成投运" + "、".join(parts) + "。"
