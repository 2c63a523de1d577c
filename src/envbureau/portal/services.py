"""What the public portal shows, read from the modules' own published figures. The portal writes nothing.

Published means: environmental-quality results (air days, water classes, noise compliance — disclosed by
law, each with the rule set that produced it), issued reports of the archive (not those waiting for
sign-off), and each module's own public pages (ledger notices, enforcement draws/results/penalties, the
complaint form), which the portal links to instead of copying."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_noop

from envbureau.core.models import Jurisdiction

# The GB 3095 limit stages as the standards library labels them (standards.rules.LimitStage.label; that library
# has no Django): marked here for the catalogue, shown through {% translate %} (the figures are cached).
LIMIT_STAGES = (gettext_noop("GB 3095-2012 二级"), gettext_noop("GB 3095-2026 过渡阶段"),
                gettext_noop("GB 3095-2026 最终阶段"))
RULES = {"2012": "HJ 633-2012 / GB 3095-2012", "2026": "HJ 633-2026 / GB 3095-2026"}
CATEGORY = {1: "优", 2: "良", 3: "轻度污染", 4: "中度污染", 5: "重度污染", 6: "严重污染"}
COLOURS = {1: "#00E400", 2: "#FFFF00", 3: "#FF7E00", 4: "#FF0000", 5: "#99004C", 6: "#7E0023"}
#: open-data parameters (OpenAQ-like names) → (daily field, unit)
PARAMETERS = {"pm25": ("pm25", "µg/m³"), "pm10": ("pm10", "µg/m³"), "so2": ("so2", "µg/m³"), "no2": ("no2", "µg/m³"),
              "co": ("co", "mg/m³"), "o3_8h": ("o3_8h", "µg/m³"), "o3": ("o3_1h", "µg/m³"), "aqi": ("aqi", "")}


CACHE_SECONDS = 300


def cached(key: str, fn):
    """The figures behind a public page, kept CACHE_SECONDS in the cache (REDIS_URL shares it between servers)."""
    from django.core.cache import cache

    return cache.get_or_set(f"portal:{key}"[:200], fn, CACHE_SECONDS)


def city() -> Jurisdiction | None:
    code = settings.ENVBUREAU.get("CITY_CODE", "")
    return Jurisdiction.objects.filter(code=code).first() or Jurisdiction.objects.filter(parent__isnull=True).first()


def primary_text(codes: str) -> str:
    from envbureau.quality.views import _primary_text

    return _primary_text(codes or "")


def day_row(d) -> dict:
    return {"date": d.date, "aqi": d.aqi, "level": d.level, "category": CATEGORY.get(d.level, "—"),
            "colour": COLOURS.get(d.level, "#ccc"), "ink": "#fff" if d.level >= 4 else "#000",
            "primary": primary_text(d.primary) or "—",
            "rules": RULES.get(d.rules, d.rules), "pm25": d.pm25, "pm10": d.pm10}


def air_now() -> dict:
    """The city's latest day and each station's latest valid day (StationLatest, kept by every import)."""
    from envbureau.quality.models import AirStation, CityDaily, StationLatest

    c = city()
    latest = CityDaily.objects.filter(jurisdiction=c).order_by("-date").first() if c else None
    stations = []
    for s in (StationLatest.objects.filter(last_valid_date__isnull=False, station__active=True)
              .select_related("station__jurisdiction").order_by("station__jurisdiction__path", "station__code")):
        stations.append({"code": s.station.code, "name": s.station.name, "district": s.station.jurisdiction.name,
                         "date": s.last_valid_date, "aqi": s.aqi, "category": CATEGORY.get(s.level, "—"),
                         "colour": COLOURS.get(s.level, "#ccc"), "ink": "#fff" if s.level >= 4 else "#000",
                         "primary": primary_text(s.primary) or "—"})
    return {"city": c, "today": day_row(latest) if latest else None, "stations": stations,
            "n_stations": AirStation.objects.filter(active=True).count()}


def air_days(location: str | None = None, days: int = 30) -> dict:
    """The last `days` days of a station (code) or a jurisdiction (code; default the city)."""
    from envbureau.quality.models import AirDaily, AirStation, CityDaily

    station = AirStation.objects.filter(code=location).select_related("jurisdiction").first() if location else None
    if station is not None:
        qs, name = AirDaily.objects.filter(station=station), station.name
    else:
        j = Jurisdiction.objects.filter(code=location).first() if location else city()
        if j is None:
            return {"name": "", "rows": [], "found": False}
        qs, name = CityDaily.objects.filter(jurisdiction=j), j.name
    last = qs.order_by("-date").values_list("date", flat=True).first()
    if last is None:
        return {"name": name, "rows": [], "found": True}
    rows = [day_row(d) for d in qs.filter(date__gt=last - dt.timedelta(days=days)).order_by("-date")]
    return {"name": name, "rows": rows, "found": True}


def locations() -> list[dict]:
    """Air stations and the jurisdictions with air results (the `location` of the open data)."""
    from envbureau.quality.models import AirStation, CityDaily

    out = [{"location": s.code, "name": s.name, "kind": "station", "jurisdiction": s.jurisdiction.name,
            "longitude": s.longitude, "latitude": s.latitude}
           for s in AirStation.objects.filter(active=True).select_related("jurisdiction").order_by("code")]
    ids = CityDaily.objects.values_list("jurisdiction_id", flat=True).distinct()
    out += [{"location": j.code, "name": j.name, "kind": "jurisdiction", "jurisdiction": j.name,
             "longitude": None, "latitude": None} for j in Jurisdiction.objects.filter(pk__in=set(ids)).order_by("path")]
    return out


def measurements(location: str, parameter: str, start: dt.date, end: dt.date) -> list[dict] | None:
    """Daily values, OpenAQ-like: location, parameter, unit, period (a local calendar day), value, rule set.
    None when the location is unknown."""
    from envbureau.quality.models import AirDaily, AirStation, CityDaily

    field, unit = PARAMETERS[parameter]
    station = AirStation.objects.filter(code=location).first()
    if station is not None:
        qs, name = AirDaily.objects.filter(station=station), station.name
    else:
        j = Jurisdiction.objects.filter(code=location).first()
        if j is None:
            return None
        qs, name = CityDaily.objects.filter(jurisdiction=j), j.name
    rows = qs.filter(date__gte=start, date__lte=end).order_by("date").values_list("date", field, "rules")
    return [{"location": location, "location_name": name, "parameter": parameter, "unit": unit,
             "period": {"label": "1 day", "from": d.isoformat(), "to": (d + dt.timedelta(days=1)).isoformat(),
                        "timezone": "Asia/Shanghai"},
             "value": None if v is None else (round(v, 1) if field == "co" else round(v)), "rules": RULES.get(r, r)}
            for d, v, r in rows]


def water_months(year: int) -> dict:
    """Each section's class by month of a year (SectionPeriodClass, GB 3838-2002)."""
    from envbureau.quality.models import SectionPeriodClass, WaterSection
    from envbureau.quality.water import WATER_RULES
    from envbureau.standards import water as std_water

    secs = list(WaterSection.objects.filter(active=True).select_related("jurisdiction").order_by("code"))
    classes = {}
    for sid, start, cls, meets in SectionPeriodClass.objects.filter(
            section__in=secs, period="month", start__year=year).values_list("section_id", "start", "water_class",
                                                                            "meets_target"):
        classes[(sid, start.month)] = (std_water.class_name(cls) if cls else "—", meets)
    rows = [{"code": s.code, "name": s.name, "river": s.river, "district": s.jurisdiction.name,
             "target": std_water.class_name(s.target_class), "synthetic": s.synthetic,
             "months": [classes.get((s.pk, m), ("", None)) for m in range(1, 13)]} for s in secs]
    return {"year": year, "rows": rows, "rules": WATER_RULES, "years": water_years(),
            "synthetic": any(r["synthetic"] for r in rows)}


def water_years() -> list[int]:
    from envbureau.quality.models import SectionPeriodClass

    return sorted({d.year for d in SectionPeriodClass.objects.filter(period="month").dates("start", "year")},
                  reverse=True)


def noise(year: int) -> list[dict]:
    from envbureau.quality.assessment import make_period
    from envbureau.quality.water import noise_compliance

    c = city()
    return [r for r in noise_compliance(c, make_period(year)) if r["day"]["n"] or r["night"]["n"]] if c else []


NOISE_RULES = "GB 3096-2008"


def noise_synthetic() -> bool:
    from envbureau.quality.models import NoiseStation

    return NoiseStation.objects.filter(active=True, synthetic=True).exists()


def noise_open_data(year: int) -> list[dict]:
    """The noise page's figures as open data: one row per zone class and time of day (昼间/夜间), the
    share of monitored days within the zone's limit (quality's noise_compliance, GB 3096-2008)."""
    synthetic = noise_synthetic()
    c = city()
    out = []
    for r in noise(year):
        for per, label in (("day", "昼间"), ("night", "夜间")):
            d = r[per]
            if not d["n"]:
                continue
            out.append({"location": c.code, "location_name": c.name, "zone": r["zone"], "time_of_day": per,
                        "time_of_day_label": label, "parameter": "noise_compliance_rate", "unit": "%",
                        "period": {"label": "1 year", "from": f"{year}-01-01", "to": f"{year + 1}-01-01",
                                   "timezone": "Asia/Shanghai"},
                        "value": d["rate"], "days": d["n"], "compliant_days": d["compliant"],
                        "limit": d["limit"], "limit_unit": "dB(A)", "mean_leq": d["mean_leq"],
                        "stations": r["n_stations"], "rules": NOISE_RULES, "synthetic": synthetic})
    return out


def key_figures(year: int) -> dict | None:
    """The year's headline air and water figures (quality's assessments), as the annual bulletin prints them."""
    from envbureau.quality import assessment as A
    from envbureau.quality.water import assess_water

    c = city()
    if c is None:
        return None
    p = A.make_period(year)
    r = A.assess_air(c, p, compare=False)
    if not r["valid_days"]:
        return None
    w = assess_water(c, p)
    return {"year": year, "good_days": r["good_days"], "good_day_ratio": A.fmt(r["good_day_ratio"], "good_day_ratio"),
            "pm25": A.fmt(r["pm25_mean"], "pm25_mean"), "composite_index": A.fmt(r["composite_index"], "composite_index"),
            "heavy_days": r["heavy_days"], "rules": "；".join(r["rules"]), "limits": r["limits"],
            "water_sections": w["n_sections"], "class_1_3_share": w["class_1_3_share"],
            "worse_v_share": w["worse_v_share"], "water_rules": w["rules"], "water_synthetic": w["synthetic"]}


def last_full_year() -> int | None:
    from envbureau.quality.models import CityDaily

    c = city()
    last = CityDaily.objects.filter(jurisdiction=c).order_by("-date").values_list("date", flat=True).first() if c else None
    if last is None:
        return None
    return last.year if (last.month, last.day) == (12, 31) else last.year - 1


def public_kinds() -> list[str]:
    """Report types published once issued (bulletins, ranking notices); internal ones (rectification progress,
    complaint analysis, work-summary figures) never reach the portal."""
    from envbureau.reports import registry

    return [t.code for t in registry.types() if t.public]


def published_reports(limit: int = 20):
    """Issued reports of the public types only (a report waiting for sign-off is not published)."""
    from envbureau.reports.models import Report

    return (Report.objects.filter(state="issued", kind__in=public_kinds()).select_related("jurisdiction")
            .order_by("-issued_at")[:limit])


def published_report_file(pk: int, fmt: str):
    """(name, FieldFile) of an issued report's document, or None."""
    from envbureau.core.documents.services import documents_for
    from envbureau.reports.models import Report

    rep = Report.objects.filter(pk=pk, state="issued", kind__in=public_kinds()).first()
    doc = documents_for(rep).last() if rep else None
    if doc is None:
        return None
    f = doc.pdf if fmt == "pdf" else doc.docx
    return (f"{rep.title}.{fmt}", f) if f else None
