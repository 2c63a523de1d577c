"""Surface water and noise on top of envbureau.standards.water / .noise: section classes per month,
quarter and year (stored, with the deciding items), the period assessment of a jurisdiction's
sections, water-target warnings and noise compliance by zone."""

from __future__ import annotations

import datetime as dt
import warnings as _warnings

import numpy as np
from django.db import transaction
from django.utils import timezone

from envbureau.standards import noise as std_noise
from envbureau.standards import water as std_water

WATER_RULES = "GB 3838-2002; 地表水环境质量评价办法(试行)(环办〔2011〕22号)"


def _period_starts(d: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    m0 = dt.date(d.year, d.month, 1)
    m1 = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1) - dt.timedelta(days=1)
    q = (d.month - 1) // 3
    q0 = dt.date(d.year, 3 * q + 1, 1)
    q1 = dt.date(d.year + (q == 3), (3 * q + 3) % 12 + 1, 1) - dt.timedelta(days=1)
    return [("month", m0, m1), ("quarter", q0, q1), ("year", dt.date(d.year, 1, 1), dt.date(d.year, 12, 31))]


def _values(sample) -> dict:
    vals = dict(sample.values)
    for k in sample.invalid or []:
        vals.pop(k, None)
    return vals


def classify_samples(section, samples) -> std_water.WaterResult | None:
    if not samples:
        return None
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        means = std_water.section_means([_values(s) for s in samples])
        return std_water.classify(means, section.water_body_type, target=section.target_class)


@transaction.atomic
def rebuild_section_classes(section_dates: dict[int, set]) -> int:
    """Recompute the month, quarter and year classes containing the given sample dates.

    Per section: one read of the samples of the years touched (grouped by local date here, as `time__date` groups
    them), one delete of the periods touched and one insert (the classes are derived and audit-exempt) — not three
    queries per period, which made a year of a city's samples cost seconds."""
    from django.db.models import Q

    from .models import SectionPeriodClass, WaterSample, WaterSection

    sections = WaterSection.objects.in_bulk(list(section_dates))
    n = 0
    for sid, dates in section_dates.items():
        section = sections[sid]
        periods = sorted({p for d in dates for p in _period_starts(d)})
        if not periods:
            continue
        first, last = min(p[1] for p in periods), max(p[2] for p in periods)
        by_day: dict[dt.date, list] = {}
        for smp in WaterSample.objects.filter(section_id=sid, time__date__gte=first, time__date__lte=last):
            by_day.setdefault(timezone.localtime(smp.time).date(), []).append(smp)
        gone = Q()
        for kind, start, _end in periods:
            gone |= Q(period=kind, start=start)
        SectionPeriodClass.objects.filter(gone, section_id=sid).delete()
        rows, days = [], sorted(by_day)
        for kind, start, end in periods:
            samples = [smp for day in days if start <= day <= end for smp in by_day[day]]
            r = classify_samples(section, samples)
            if r is None:
                continue
            with _warnings.catch_warnings():
                _warnings.simplefilter("ignore")
                cwqi = std_water.cwqi_section(r.values, section.water_body_type)
            rows.append(SectionPeriodClass(
                section_id=sid, period=kind, start=start, water_class=r.water_class or None,
                deciding=(r.main_pollutants or [std_water.ITEMS[k][0] for k in r.deciding_items]),
                values={k: v for k, v in r.values.items() if v == v}, n_samples=len(samples),
                meets_target=bool(r.compliant), cwqi=cwqi, rules=WATER_RULES))
        SectionPeriodClass.objects.bulk_create(rows)
        n += len(rows)
    return n


#: control-level scope "this level and above" (国考 ⊂ 国省考 ⊂ 市考及以上 ⊂ 县控及以上 = all sections)
WATER_SCOPES = {
    "national": ("国考断面", ("national",)),
    "provincial": ("国省考断面", ("national", "provincial")),
    "city": ("市考及以上断面", ("national", "provincial", "city")),
    "county": ("县控及以上断面", ("national", "provincial", "city", "county")),
}


def scope_label(scope: str | None) -> str:
    return WATER_SCOPES[scope][0] if scope else "全部断面"


def check_scope(scope: str | None) -> str | None:
    if scope in (None, ""):
        return None
    if scope not in WATER_SCOPES:
        raise ValueError(f"scope must be one of {', '.join(WATER_SCOPES)}")
    return scope


def sections_of(jurisdiction, user=None, scope: str | None = None):
    from .models import WaterSection

    qs = WaterSection.objects.filter(jurisdiction__path__startswith=jurisdiction.path, active=True)
    if scope:
        qs = qs.filter(control_level__in=WATER_SCOPES[check_scope(scope)][1])
    if user is not None:
        qs = qs.restrict(user, "view")
    return list(qs.select_related("jurisdiction").order_by("code"))


def _share(k: int, n: int):
    return round(100 * k / n, 1) if n else None


def assess_water(jurisdiction, period, user=None, *, scope: str | None = None, compare: bool = False,
                 drinking_level: str | None = None) -> dict:
    """Class of each section over the period (means of its samples), shares of Ⅰ–Ⅱ, Ⅰ–Ⅲ and worse than
    Ⅴ (count and %), sections meeting their target and the rate, city CWQI — all by
    envbureau.standards.water.  ``scope``: control level "and above" (WATER_SCOPES).  ``compare``:
    add ``yoy``, the same period last year (each section's class then, changes in percentage points)."""
    from .models import WaterSample

    secs = sections_of(jurisdiction, user, scope)
    rows, means, wbs = [], [], []
    samples = {}
    for s in WaterSample.objects.filter(section__in=secs, time__date__gte=period.start, time__date__lte=period.end):
        samples.setdefault(s.section_id, []).append(s)
    for sec in secs:
        r = classify_samples(sec, samples.get(sec.pk, []))
        cls = r.water_class if r else 0
        rows.append({"code": sec.code, "name": sec.name, "river": sec.river, "control_level": sec.get_control_level_display(),
                     "target": std_water.class_name(sec.target_class), "class": std_water.class_name(cls) if cls else None,
                     "class_number": cls or None, "meets_target": bool(r and r.compliant),
                     "deciding": "、".join(r.main_pollutants or ([] if cls <= 3 else r.deciding_items)) if r else "",
                     "target_exceedance": ({std_water.ITEMS[k][0]: round(v, 1) for k, v in r.target_exceedance.items()}
                                           if r else {}),
                     "n_samples": len(samples.get(sec.pk, [])), "synthetic": sec.synthetic})
        if r:
            means.append(r.values)
            wbs.append(sec.water_body_type)
    classed = [r for r in rows if r["class_number"]]
    n = len(classed)
    n12 = sum(1 for r in classed if r["class_number"] <= 2)
    n13 = sum(1 for r in classed if r["class_number"] <= 3)
    n6 = sum(1 for r in classed if r["class_number"] == 6)
    n_meet = sum(1 for r in classed if r["meets_target"])
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        cwqi = std_water.cwqi_city(means, wbs) if means else None
    drinking = drinking_compliance(jurisdiction, period, user, drinking_level)
    out = {"jurisdiction": {"code": jurisdiction.code, "name": jurisdiction.name}, "drinking": drinking,
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
            "scope": scope, "scope_label": scope_label(scope),
            "n_sections": n, "n_sections_listed": len(rows),
            "n_class_1_2": n12, "class_1_2_share": _share(n12, n),
            "n_class_1_3": n13, "class_1_3_share": _share(n13, n),
            "n_worse_v": n6, "worse_v_share": _share(n6, n),
            # 达标率 = sections meeting their target class ÷ sections assessed (with a class this period)
            "n_meeting_target": n_meet, "meeting_target_rate": _share(n_meet, n),
            "class_counts": {std_water.class_name(c): sum(1 for r in classed if r["class_number"] == c) for c in range(1, 7)},
            "grade": std_water.set_grade(n, n13, n6) if n >= 5 else None,
            "cwqi": None if cwqi is None else round(cwqi, 2), "sections": rows, "rules": WATER_RULES,
            "synthetic": any(r["synthetic"] for r in rows)}
    if compare:
        base_p = period.shifted_year(-1)
        out["yoy"] = water_changes(out, assess_water(jurisdiction, base_p, user, scope=scope,
                                                     drinking_level=drinking_level), base_p)
    return out


def points_words(points) -> str:
    """A change of a share in percentage points (as bulletins word a share's change): "上升2.5个百分点";
    a change that rounds to 0.0 is "与上年同期持平" (no significant change)."""
    if points is None:
        return ""
    txt = f"{abs(points):.1f}"
    if txt == "0.0":
        return "与上年同期持平"
    return f"同比{'上升' if points > 0 else '下降'}{txt}个百分点"


def class_change_words(now: int | None, base: int | None) -> str:
    """"由Ⅳ类好转至Ⅲ类" / "由Ⅱ类变差为Ⅲ类" / "持平" (as water reports word a class change)."""
    if not now or not base:
        return ""
    if now == base:
        return "持平"
    a, b = std_water.class_name(base), std_water.class_name(now)
    return f"由{a}类好转至{b}类" if now < base else f"由{a}类变差为{b}类"


def water_changes(cur: dict, base: dict, base_period) -> dict:
    """Year on year: each section's class last year and the change in words; shares and the target
    rate in percentage points, from the reported (one-decimal) shares."""
    last = {s["code"]: s["class_number"] for s in base["sections"]}
    for s in cur["sections"]:
        s["class_last_year"] = std_water.class_name(last[s["code"]]) if last.get(s["code"]) else None
        s["class_change"] = class_change_words(s["class_number"], last.get(s["code"]))
        s["class_number_last_year"] = last.get(s["code"])
    out = {"period": base["period"], "n_sections": base["n_sections"]}
    for key in ("class_1_2_share", "class_1_3_share", "worse_v_share", "meeting_target_rate"):
        a, b = cur[key], base[key]
        pts = None if a is None or b is None else round(a - b, 1)
        out[key] = {"now": a, "base": b, "points": pts, "text": points_words(pts)}
    return out


DRINKING_LEVELS = {"county": "县级及以上", "township": "乡镇级", "rural": "农村"}


def drinking_compliance(jurisdiction, period, user=None, level: str | None = None) -> dict:
    """Drinking-water sources meet the standard when their monitoring section is Ⅲ or better (GB 3838
    Ⅲ类), judged two ways and labelled: on the period mean of each source's samples (``rate``: sources
    meeting ÷ sources assessed) and per sampling event (``event_rate``: samples meeting ÷ samples, what
    bureaus print as "达标率"). ``level``: only sources of that level (DRINKING_LEVELS)."""
    from .models import DrinkingWaterSource, WaterSample

    if level and level not in DRINKING_LEVELS:
        raise ValueError(f"level must be one of {', '.join(DRINKING_LEVELS)}")
    qs = DrinkingWaterSource.objects.filter(jurisdiction__path__startswith=jurisdiction.path, active=True)
    if level:
        qs = qs.filter(level=level)
    if user is not None:
        qs = qs.restrict(user, "view")
    sources = list(qs.select_related("section").order_by("code"))
    samples: dict[int, list] = {}
    for smp in WaterSample.objects.filter(section_id__in={d.section_id for d in sources if d.section_id},
                                          time__date__gte=period.start, time__date__lte=period.end).order_by("time"):
        samples.setdefault(smp.section_id, []).append(smp)
    items = []
    for d in sources:
        smps = samples.get(d.section_id, []) if d.section_id else []
        r = classify_samples(d.section, smps) if smps else None
        cls = r.water_class if r else 0
        events = []
        for smp in smps:
            one = classify_samples(d.section, [smp])
            events.append(bool(one and one.water_class and one.water_class <= 3))
        items.append({"name": d.name, "code": d.code, "level": d.get_level_display(),
                      "section": d.section.name if d.section_id else "",
                      "class": std_water.class_name(cls) if cls else None, "compliant": bool(cls and cls <= 3),
                      "n_events": len(events), "n_events_compliant": sum(events)})
    n = sum(1 for i in items if i["class"])
    ok = sum(1 for i in items if i["compliant"])
    ne = sum(i["n_events"] for i in items)
    nok = sum(i["n_events_compliant"] for i in items)
    return {"level": level, "level_label": DRINKING_LEVELS.get(level, "全部"),
            "n_sources": len(items), "n_assessed": n, "n_compliant": ok,
            "rate": round(100 * ok / n, 1) if n else None, "rate_basis": "按各水源地本期监测均值评价",
            "n_events": ne, "n_events_compliant": nok, "event_rate": round(100 * nok / ne, 1) if ne else None,
            "event_rate_basis": "按每次采样评价", "sources": items}


def scan_water_warnings(since: dt.datetime | None = None) -> int:
    """Automatic-station samples worse than the section's target class raise water-target warnings."""
    from .models import WaterSample
    from .services import _facts, _raise

    qs = WaterSample.objects.filter(kind="automatic", section__automatic=True).select_related("section__jurisdiction")
    if since:
        qs = qs.filter(time__gte=since)
    created = 0
    for s in qs.order_by("time"):
        sec = s.section
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            r = std_water.classify(_values(s), sec.water_body_type, target=sec.target_class)
        if r.compliant is False:
            msg = _facts("water", s=sec.name, t=f"{timezone.localtime(s.time):%Y-%m-%d %H:%M}", c=int(r.water_class),
                         g=int(sec.target_class), i=[[k, f"{v:.1f}"] for k, v in r.target_exceedance.items()])
            _w, new = _raise("water_target", sec.jurisdiction, f"quality.watersection:{sec.pk}", sec.name, s.time,
                             s.time, msg, value=float(r.water_class), threshold=float(sec.target_class))
            created += new
    return created


# ---------------------------------------------------------------------------
# noise
# ---------------------------------------------------------------------------
def noise_compliance(jurisdiction, period, user=None) -> list[dict]:
    """Day and night compliance per zone class (GB 3096-2008), from daily Ld/Ln."""
    from .models import NoiseLeq, NoiseStation

    stations = NoiseStation.objects.filter(jurisdiction__path__startswith=jurisdiction.path, active=True)
    if user is not None:
        stations = stations.restrict(user, "view")
    zone_of = dict(stations.values_list("id", "zone"))
    data: dict[tuple[str, str], list[float]] = {}
    for sid, per, leq in NoiseLeq.objects.filter(station_id__in=zone_of, date__gte=period.start,
                                                 date__lte=period.end).values_list("station_id", "period", "leq"):
        data.setdefault((zone_of[sid], per), []).append(leq)
    out = []
    for zone in std_noise.ZONES:
        row = {"zone": zone, "n_stations": sum(1 for z in zone_of.values() if z == zone)}
        for per in ("day", "night"):
            vals = np.array(data.get((zone, per), []), dtype=np.float64)
            c = std_noise.compliance(vals, zone, per)
            n = int((~np.isnan(c.leq)).sum())
            row[per] = {"limit": c.limit, "n": n, "compliant": int(c.compliant.sum()),
                        "rate": round(100 * c.compliant.sum() / n, 1) if n else None,
                        "mean_leq": None if not n else round(float(std_noise.energy_average(vals)), 1)}
        if row["n_stations"]:
            out.append(row)
    return out
