"""Period assessment of jurisdictions from the stored daily results, through
envbureau.standards.assessment (nothing is computed here that the library computes).

``assess_air(j, start, end)`` → the dict printed by ``envbureau assess air --json`` and shown by the
assessment page; ``assess_many`` assesses several jurisdictions in one vectorised call (rankings).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from envbureau.standards import assessment as std_assessment
from envbureau.standards import tables
from envbureau.standards.rounding import format_fixed, round_half_even

from .derived import INDICATOR_COLUMN, day_offsets, day_rows

CATEGORY_NAMES = {1: "优", 2: "良", 3: "轻度污染", 4: "中度污染", 5: "重度污染", 6: "严重污染"}
KEY_STATS = {"pm25_mean": ("pm25", "mean"), "pm10_mean": ("pm10", "mean"), "so2_mean": ("so2", "mean"),
             "no2_mean": ("no2", "mean"), "co_p95": ("co", "p95"), "o3_8h_p90": ("o3", "p90")}
STAT_LABELS = {"pm25_mean": "PM2.5平均浓度", "pm10_mean": "PM10平均浓度", "so2_mean": "SO2平均浓度",
               "no2_mean": "NO2平均浓度", "co_p95": "CO日均值第95百分位浓度", "o3_8h_p90": "O3日最大8小时平均第90百分位浓度"}
STAT_UNITS = {"co_p95": "毫克/立方米"}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shifted_year(self, years: int = -1) -> "Period":
        def sh(d):
            try:
                return d.replace(year=d.year + years)
            except ValueError:  # 29 February
                return d.replace(year=d.year + years, day=28)
        return Period(sh(self.start), sh(self.end), f"{self.start.year + years}年同期")

    def previous(self) -> "Period":
        """The period just before (环比): previous month/quarter/year when this is one, else the same length."""
        s, e = self.start, self.end
        if s.day == 1 and (e + dt.timedelta(days=1)).day == 1:
            months = (e.year - s.year) * 12 + e.month - s.month + 1
            m = s.month - months
            y = s.year + (m - 1) // 12
            m = (m - 1) % 12 + 1
            ps = dt.date(y, m, 1)
            return Period(ps, s - dt.timedelta(days=1), "上期")
        return Period(s - dt.timedelta(days=self.days), s - dt.timedelta(days=1), "上期")


def make_period(year: int | None = None, month: int | None = None, start=None, end=None, quarter=None,
                half=None) -> Period:
    if start or end:
        s = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))
        e = end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end))
        if e < s:
            raise ValueError("end before start")
        return Period(s, e, f"{s:%Y年%-m月%-d日}—{e:%Y年%-m月%-d日}")
    if year is None:
        raise ValueError("year or start/end required")
    if month:
        s = dt.date(year, month, 1)
        e = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
        return Period(s, e, f"{year}年{month}月")
    if half:
        if half not in (1, 2):
            raise ValueError("half must be 1 or 2")
        return Period(dt.date(year, 1 if half == 1 else 7, 1), dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31),
                      f"{year}年{'上' if half == 1 else '下'}半年")
    if quarter:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("quarter must be 1 to 4")
        s = dt.date(year, 3 * (quarter - 1) + 1, 1)
        e = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
        return Period(s, e, f"{year}年第{'一二三四'[quarter - 1]}季度")
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")


def load_daily(jurisdiction_ids: list[int], period: Period, memo: dict | None = None
               ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Stored jurisdiction daily values as arrays [C, D] over every calendar day of the period.
    ``memo``: a dict kept for one request, so pages that need the same days twice read them once."""
    if memo is not None:
        key = (tuple(jurisdiction_ids), period.start, period.end)
        if key not in memo:
            memo[key] = load_daily(jurisdiction_ids, period)
        dates, daily = memo[key]
        return dates, {k: v.copy() for k, v in daily.items()}
    from .models import CityDaily

    return _daily_arrays(CityDaily, "jurisdiction_id", jurisdiction_ids, period)


def _daily_arrays(model, key: str, ids: list[int], period: Period) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    dates = np.arange(np.datetime64(period.start, "D"), np.datetime64(period.end, "D") + 1)
    C, D = len(ids), len(dates)
    out = {ind: np.full((C, D), np.nan) for ind in INDICATOR_COLUMN}
    pos = {j: i for i, j in enumerate(ids)}
    cols = list(INDICATOR_COLUMN.values())
    # through the cursor, dates to day numbers by their ordinal (a year of 311 jurisdictions is 113 k rows: Django's
    # per-row conversion and numpy's parsing of date objects were most of the read)
    rows = day_rows(model.objects.filter(**{f"{key}__in": ids}, date__gte=period.start, date__lte=period.end),
                    key, cols)
    if rows:
        jids, days, *vals = zip(*rows)
        ji = np.fromiter((pos[j] for j in jids), dtype=np.int64, count=len(rows))
        di = day_offsets(days, period.start)
        for k, ind in enumerate(INDICATOR_COLUMN):
            out[ind][ji, di] = np.array(vals[k], dtype=np.float64)
    return dates, out


def assess_many(jurisdiction_ids: list[int], period: Period, memo: dict | None = None):
    dates, daily = load_daily(jurisdiction_ids, period, memo)
    return std_assessment.assess_period(daily, dates)


def assess_stations(station_ids: list[int], period: Period):
    """The period assessment of single stations, from their own valid daily values (AirDaily): what a
    district bulletin's per-station table prints (HJ 663 statistics of one station's days)."""
    from .models import AirDaily

    dates, daily = _daily_arrays(AirDaily, "station_id", station_ids, period)
    return std_assessment.assess_period(daily, dates)


def assess_station(station, period: Period, *, change_basis: str = "unrounded") -> dict:
    """One station's assessment with the same period last year (`envbureau assess air --station CODE`)."""
    if change_basis not in CHANGE_BASES:
        raise ValueError(f"change_basis must be one of {', '.join(CHANGE_BASES)}")
    out = summary(assess_stations([station.pk], period), 0, period)
    out["station"] = {"code": station.code, "name": station.name, "jurisdiction": station.jurisdiction.code}
    out["change_basis"] = change_basis
    other = period.shifted_year(-1)
    base = summary(assess_stations([station.pk], other), 0, other)
    out["yoy"] = {"period": base["period"], "valid_days": base["valid_days"],
                  "changes": changes(out, base, change_basis) if base["valid_days"] else None,
                  "base": {k: base[k] for k in (*KEY_STATS, "good_days", "good_day_ratio", "heavy_days",
                                                "composite_index")}}
    return out


def _f(x):
    if x is None:
        return None
    x = float(x)
    return None if np.isnan(x) else x


#: reporting precision of the µg/m³ concentrations: 0 = integers (GB 3095 compliance, bulletins),
#: 1 = one decimal (work reports, e.g. "35.5微克/立方米"). CO keeps 1 decimal, the index 2, ratios 1.
PRECISIONS = (0, 1)
#: how changes are computed: "unrounded" (default, issue 18: "下降4.2微克/立方米(10.7%)" as Jingjiang
#: printed it) or "reported" (from the printed values, as MEE bulletins do)
CHANGE_BASES = ("unrounded", "reported")


def check_precision(value) -> int:
    p = 0 if value in (None, "") else int(value)
    if p not in PRECISIONS:
        raise ValueError("precision must be 0 or 1")
    return p


def summary(pa, index, period: Period, jurisdiction=None, precision: int = 0) -> dict:
    s = pa.summary(index)
    out = {}
    if jurisdiction is not None:
        out["jurisdiction"] = {"code": jurisdiction.code, "name": jurisdiction.name}
    out["period"] = {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label,
                     "days": period.days}
    reasons = {}
    raw = {}
    for key, (pol, st) in KEY_STATS.items():
        sd = s["statistics"].get(f"{pol}_{st}")
        out[key] = sd["value"] if sd else None
        raw[key] = sd["raw"] if sd and sd["valid"] else None
        if precision and key != "co_p95" and raw[key] is not None:
            out[key] = float(round_half_even(raw[key], precision))
        if out[key] is None:
            reasons[key] = sd["reason_text"] if sd else "未监测"
    if s["composite_index"] is None:
        reasons["composite_index"] = s["composite_reason"]
    if s["good_ratio"] is None:
        reasons["good_day_ratio"] = s["good_ratio_reason"]
    gr = s["good_ratio"]
    out.update({
        "good_days": s["good_days"], "valid_days": s["valid_days"],
        "good_day_ratio": None if gr is None else float(round_half_even(gr * 100, 1)),
        "heavy_days": s["heavy_days"],
        "composite_index": None if s["composite_index"] is None else float(round_half_even(s["composite_index"], 2)),
        "category_days": {CATEGORY_NAMES[lv]: s["days_by_level"][lv] for lv in range(1, 7)},
        "days_without_aqi": period.days - s["valid_days"],
        "primary_pollutant_days": {tables.POLLUTANT_NAMES[tables.POLLUTANT_OF[c]][1] + ("(8h)" if c == "o3_8h" else "(1h)" if c == "o3_1h" else ""): int(np.asarray(v)[index])
                                   for c, v in pa.primary_days.items() if int(np.asarray(v)[index])},
        "rules": s["rules_used"], "limits": s["limits"], "notes": s["notes"],
        "all_compliant": s["all_compliant"],
        # a missing or invalid figure is None here and "—" in print, with its reason (never a verdict)
        "reasons": reasons,
        "statistics": s["statistics"],
        "raw": {"good_day_ratio": gr, "composite_index": s["composite_index"]},
        "raw_values": {**raw, "composite_index": s["composite_index"],
                       "good_day_ratio": None if gr is None else gr * 100},
        "precision": precision,
    })
    return out


def assess_air(jurisdiction, period: Period, *, compare: bool = True, memo: dict | None = None,
               precision: int = 0, change_basis: str = "unrounded") -> dict:
    """Assessment of one jurisdiction for a period, with the same period last year and the previous period.
    ``precision``: decimals of the µg/m³ concentrations (PRECISIONS); ``change_basis``: CHANGE_BASES."""
    if change_basis not in CHANGE_BASES:
        raise ValueError(f"change_basis must be one of {', '.join(CHANGE_BASES)}")
    pa = assess_many([jurisdiction.pk], period, memo)
    out = summary(pa, 0, period, jurisdiction, precision)
    out["change_basis"] = change_basis
    if compare:
        from .networks import describe

        out["network"] = describe(jurisdiction, period)  # which stations these figures came from
        from .alerts import alert_counts

        # issued heavy-pollution alerts, counted apart from the automatic data warnings
        out["alerts"] = alert_counts(jurisdiction, period)
        from .peers import peer_ranks

        out["peer_ranks"] = peer_ranks(jurisdiction, period, out)
        for key, other in (("yoy", period.shifted_year(-1)), ("pop", period.previous())):
            pb = assess_many([jurisdiction.pk], other, memo)
            base = summary(pb, 0, other, precision=precision)
            out[key] = {"period": base["period"], "valid_days": base["valid_days"],
                        "changes": changes(out, base, change_basis) if base["valid_days"] else None,
                        "rules": base["rules"], "base": {k: base[k] for k in (*KEY_STATS, "good_days", "good_day_ratio",
                                                                              "heavy_days", "composite_index")}}
    return out


def changes(cur: dict, base: dict, basis: str = "reported") -> dict:
    """Change of each headline number: concentrations and the composite index as an absolute change
    and a rate, ratios in percentage points, days as days.  ``basis="reported"``: from the printed
    (rounded) values (as MEE bulletins do); ``"unrounded"``: from the unrounded statistics where both
    summaries carry them (``raw_values``), else from the printed values.  ``now``/``base`` are the
    printed values either way."""
    cr, br = cur.get("raw_values") or {}, base.get("raw_values") or {}

    def pair(key):
        if basis == "unrounded" and cr.get(key) is not None and br.get(key) is not None:
            return cr[key], br[key]
        return cur.get(key), base.get(key)

    out = {}
    for key in (*KEY_STATS, "composite_index"):
        a, b = pair(key)
        rate = None if a is None or b is None or b == 0 else std_assessment.change_rate(a, b)
        out[key] = {"now": cur.get(key), "base": base.get(key), "change": None if a is None or b is None else a - b,
                    "rate": None if rate is None or np.isnan(rate) else float(rate)}
    a, b = pair("good_day_ratio")
    out["good_day_ratio"] = {"now": cur.get("good_day_ratio"), "base": base.get("good_day_ratio"),
                             "points": None if a is None or b is None else round(a - b, 1)}
    for key in ("good_days", "heavy_days"):
        a, b = cur.get(key), base.get(key)
        out[key] = {"now": a, "base": b, "change": None if a is None or b is None else a - b}
    return out


def competition_rank(values, better="lower") -> list[int | None]:
    """Ties share a rank and the next rank skips ("1224", as MEE, Anhui and Sichuan rank); None values last, unranked."""
    vals = [None if v is None else (v if better == "lower" else -v) for v in values]
    present = sorted(w for w in vals if w is not None)
    if any(w != w for w in present):  # NaN: no order to search, count as before
        return [None if v is None else 1 + sum(1 for w in vals if w is not None and w < v) for v in vals]
    # 1 + how many are strictly better: a binary search in the sorted values (150 streets ranked six times a
    # page made the count per street ~10 ms)
    return [None if v is None else 1 + bisect_left(present, v) for v in vals]


def fmt(value, key, precision: int = 0) -> str:
    if value is None:
        return "—"
    if key == "co_p95":
        return format_fixed(value, 1)
    if key == "composite_index":
        return format_fixed(value, 2)
    if key == "good_day_ratio":
        return format_fixed(value, 1)
    return format_fixed(value, precision)


def in_language(lang: str | None):
    """The language words are written in: a code ("zh-hans", what reports and documents print) or None for the
    reader's (the active language)."""
    from contextlib import nullcontext

    from django.utils import translation

    return nullcontext() if lang is None else translation.override(lang)


def change_text(c: dict | None, key: str, precision: int = 0, *, lang: str | None = "zh-hans") -> str:
    """Absolute change and rate together, as work reports print them: "下降4.2微克/立方米(10.7%)";
    "持平" when the rate rounds to 0.0 %. ``lang=None``: in the reader's language ("down 4.2 µg/m³ (10.7%)")."""
    from django.utils.translation import pgettext

    if not c or c.get("change") is None:
        return ""
    with in_language(lang):
        rate = c.get("rate")
        if rate is not None and f"{abs(rate) * 100:.1f}" == "0.0":
            return pgettext("工作报告", "持平")
        unit = "" if key == "composite_index" else (pgettext("工作报告", "毫克/立方米") if key == "co_p95"
                                                    else pgettext("工作报告", "微克/立方米"))
        pct = "" if rate is None else f"({abs(rate) * 100:.1f}%)"
        words = pgettext("工作报告", "上升%(v)s%(u)s%(r)s") if c["change"] > 0 else pgettext("工作报告", "下降%(v)s%(u)s%(r)s")
        return words % {"v": fmt(abs(c["change"]), key, precision), "u": unit, "r": pct}


def change_words(value, kind: str, *, lang: str | None = "zh-hans") -> str:
    """Words for a change (as MEE and provincial bulletins word it): rate → %, points → 个百分点, days → 天; 0 → 持平. Chinese as
    reports print them, or with ``lang=None`` in the reader's language."""
    from django.utils.translation import pgettext

    with in_language(lang):
        if kind in ("rate", "points"):
            txt = f"{abs(value) * 100:.1f}" if kind == "rate" else f"{abs(value):.1f}"
            if txt == "0.0":
                return pgettext("工作报告", "持平")
            if kind == "rate":
                return (pgettext("工作报告", "上升%(v)s%%") if value > 0 else pgettext("工作报告", "下降%(v)s%%")) % {"v": txt}
            return ((pgettext("工作报告", "上升%(v)s个百分点") if value > 0 else pgettext("工作报告", "下降%(v)s个百分点"))
                    % {"v": txt})
        if value == 0:
            return pgettext("工作报告", "持平")
        return (pgettext("工作报告", "增加%(v)s天") if value > 0 else pgettext("工作报告", "减少%(v)s天")) % {"v": abs(int(value))}


def period_label(period: Period, *, lang: str | None = None) -> str:
    """The period as a language writes it: make_period's Chinese label ("2016年1月", "上期", printed by reports
    and documents), or in other languages the year, month, quarter or half it covers (else its dates).
    ``lang=None``: the reader's language."""
    from django.utils.translation import get_language

    if (lang or get_language() or "zh").startswith("zh"):
        return period.label
    s, e = period.start, period.end
    whole = s.day == 1 and (e + dt.timedelta(days=1)).day == 1 and s.year == e.year
    if whole and s.month == 1 and e.month == 12:
        return str(s.year)
    if whole and s.month == e.month:
        return f"{s:%Y-%m}"
    if whole and (s.month - 1) % 3 == 0 and e.month == s.month + 2:
        return f"{s.year} Q{(s.month - 1) // 3 + 1}"
    if whole and s.month in (1, 7) and e.month == s.month + 5:
        return f"{s.year} H{1 if s.month == 1 else 2}"
    if whole:
        return f"{s:%Y-%m} – {e:%Y-%m}"
    return f"{s.isoformat()} – {e.isoformat()}"


def period_kind(period: Period) -> str | None:
    """"month", "quarter" or "year" when the period is exactly one calendar month, quarter or year (stored
    statistics, AirPeriodStat)."""
    s, e = period.start, period.end
    if s.day != 1 or (e + dt.timedelta(days=1)).day != 1 or s.year != e.year:
        return None
    if s.month == 1 and e.month == 12:
        return "year"
    if s.month == e.month:
        return "month"
    if s.month % 3 == 1 and e.month == s.month + 2:
        return "quarter"
    return None


def headline_values(pa) -> list[dict]:
    """The stored headline numbers (derived.STAT_FIELDS, ``rules`` and ``category_days``) of every row of a
    PeriodAssessment at once: exactly what ``summary(pa, i, period)`` gives for those keys (the same arrays, the
    same float conversions and GB/T 8170 roundings), without building every row's full summary (its statistics,
    verdicts and texts). A week's all-city street ranking made 450 summaries a request (~50 ms per period);
    the stored periods are written with it too."""
    n = int(np.asarray(pa.valid_days).shape[0])
    out = [{} for _i in range(n)]
    for key, (pol, st) in KEY_STATS.items():
        rep = pa.reported.get((pol, st))
        vals = [None] * n if rep is None else [None if x != x else x for x in np.asarray(rep, dtype=float).tolist()]
        for row, v in zip(out, vals):
            row[key] = v
    gr = np.asarray(pa.good_ratio, dtype=float).tolist()
    comp = np.asarray(pa.composite, dtype=float).tolist()
    good, valid, heavy = (np.asarray(a).astype(int).tolist() for a in (pa.good_days, pa.valid_days, pa.heavy_days))
    levels = np.asarray(pa.days_by_level).astype(int).tolist()
    for i, row in enumerate(out):
        row.update({
            "good_days": good[i], "valid_days": valid[i],
            "good_day_ratio": None if gr[i] != gr[i] else float(round_half_even(gr[i] * 100, 1)),
            "heavy_days": heavy[i],
            "composite_index": None if comp[i] != comp[i] else float(round_half_even(comp[i], 2)),
            "rules": pa.rules_used,
            "category_days": {CATEGORY_NAMES[lv]: levels[i][lv] for lv in range(1, 7)},
        })
    return out


def summaries(jurisdiction_ids: list[int], period: Period, brief: bool = False) -> list[dict]:
    """Headline numbers of several jurisdictions for a period: from the stored AirPeriodStat when the
    period is a calendar month, quarter or year (kept in step with the daily results), else assessed now.
    ``brief``: a period assessed now gives only what a stored one gives (``headline_values``: the numbers and
    ``rules``), not each jurisdiction's full summary (rankings of many jurisdictions)."""
    from .models import AirPeriodStat

    kind = period_kind(period)
    if kind:
        from .derived import STAT_FIELDS

        # the values only (no model instances, no category_days decoded): 450 rows a street-ranking page
        rows = {r[0]: dict(zip((*STAT_FIELDS, "rules"), r[1:])) for r in AirPeriodStat.objects.filter(
            jurisdiction_id__in=jurisdiction_ids, period=kind, start=period.start).values_list(
            "jurisdiction_id", *STAT_FIELDS, "rules")}
        empty = {k: None for k in STAT_FIELDS} | {"good_days": 0, "valid_days": 0, "heavy_days": 0}
        return [rows[j] if j in rows else dict(empty, rules={}) for j in jurisdiction_ids]
    pa = assess_many(jurisdiction_ids, period)
    if brief:
        from .derived import STAT_FIELDS

        return [{k: v[k] for k in (*STAT_FIELDS, "rules")} for v in headline_values(pa)]
    return [summary(pa, i, period) for i in range(len(jurisdiction_ids))]
