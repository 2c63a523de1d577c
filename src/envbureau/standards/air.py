"""Air quality index (HJ 633-2012 / HJ 633-2026): IAQI, AQI, categories, primary and
exceeding pollutants — scalar helpers and vectorised numpy functions.

Indicator codes (concentration units µg/m³, CO mg/m³):

===========  =========================================================
``so2_24h``   SO2 24-h (daily) mean           ``so2_1h``  SO2 1-h mean
``no2_24h``   NO2 24-h mean                   ``no2_1h``  NO2 1-h mean
``co_24h``    CO 24-h mean (mg/m³)            ``co_1h``   CO 1-h mean (mg/m³)
``pm10_24h``  PM10 24-h mean                  ``pm10_1h`` PM10 1-h (2026 hourly only)
``pm25_24h``  PM2.5 24-h mean                 ``pm25_1h`` PM2.5 1-h (2026 hourly only)
``o3_8h``     O3 8-h mean (daily: MDA8)       ``o3_1h``   O3 1-h mean (2012 daily: daily max)
===========  =========================================================

Short keys ``so2 no2 co pm10 pm25`` mean the 24-h indicator in a daily report and the 1-h one
in an hourly report (2012 hourly: PM keys mean the 24-h *moving* mean, as HJ 633-2012 table 4
requires); ``o3`` means ``o3_8h`` (day) or ``o3_1h`` (hour).

Exactness: concentrations are taken to 6 decimals as integers C·10⁶ (held in float64, exact below
2⁵³) and the IAQI is ``IAQI_lo + ceil((IAQI_hi − IAQI_lo)·(C − BP_lo) / (BP_hi − BP_lo))`` on those
integers: the numerator and denominator are exact, so an integer quotient is exact and any other
quotient is ≥ 1/(BP_hi − BP_lo) away from an integer — the ceiling cannot flip.  CO 2.2 mg/m³ gives
55, not 56.  The 2026 rules first round C by GB/T 8170 (integers; CO to 0.1).

Missing data: NaN = missing (counts against completeness); an absent key = not monitored.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from . import tables
from .rounding import SCALE, round_half_even_scaled, to_scaled_float
from .rules import (
    RULE_SETS,
    RULES_2012,
    RULES_2026,
    SWITCH_DATE,
    LimitStage,
    RuleSet,
    get_rules,
    rule_codes_for,
    rules_for,
)

if TYPE_CHECKING:
    from .averaging import DailySeries

__all__ = [
    "RULES_2012", "RULES_2026", "RULE_SETS", "RuleSet", "LimitStage", "rules_for", "rule_codes_for",
    "get_rules", "SWITCH_DATE", "POLLUTANTS", "INDICATORS", "Category", "category", "category_level",
    "CATEGORIES", "iaqi", "iaqi_array", "aqi", "aqi_arrays", "AQIReport", "AQIResult",
    "VALID_DAY_RULES", "normalize_keys", "indicator_limit", "round_concentration", "aqi_by_date",
    "AQIByDate", "daily_aqi_from_hourly", "DailyAQI", "keys_in_report", "hourly_aqi_from_hourly",
    "standard_to_reference", "standard_to_actual",
]

POLLUTANTS: tuple[str, ...] = ("so2", "no2", "pm10", "co", "o3", "pm25")
INDICATORS: tuple[str, ...] = tuple(tables.POLLUTANT_OF)

#: How a day/hour with missing indicators is treated (an open doubt while HJ 663-2026's text is not in hand):
#: "in_force"   — the rule of the day's own rule set (``RuleSet.missing_data_rule``): "available" for
#:                days under HJ 633-2012 (no missing-data clause; AQI from what was monitored),
#:                "hj633_2026" for days under HJ 633-2026.  Default.
#: "hj633_2026" — AQI from the available indicators; published (valid) only if all are present or the
#:                AQI of the present ones is > 100 (HJ 633-2026 §5.3).
#: "complete"   — valid only if every indicator of the report is present.
#: "available"  — valid if at least one indicator is present.
VALID_DAY_RULES = ("in_force", "hj633_2026", "complete", "available")


# ---------------------------------------------------------------------------
# categories
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Category:
    level: int            # 1..6
    level_name: str       # 一级 …
    name: str             # 优 …
    name_en: str
    colour: str           # 绿色 …
    hex: str              # #00E400

    @property
    def rgb(self) -> tuple[int, int, int]:
        h = self.hex.lstrip("#")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


CATEGORIES: tuple[Category, ...] = tuple(
    Category(lv, lvn, zh, en, col, hx) for lv, _ub, lvn, zh, en, col, hx in tables.AQI_CATEGORIES
)
_CAT_BOUNDS = np.array([50, 100, 150, 200, 300], dtype=np.float64)


def category_level(aqi_values) -> np.ndarray:
    """AQI → category level 1..6 (int8); 0 where AQI is NaN (HJ 633 table 2 / 2026 table 1)."""
    a = np.asarray(aqi_values, dtype=np.float64)
    lv = (np.searchsorted(_CAT_BOUNDS, a, side="left") + 1).astype(np.int8)
    return np.where(np.isnan(a), np.int8(0), lv).astype(np.int8)


def category(aqi_value: float | int | None) -> Category | None:
    """Category of one AQI value (None for missing)."""
    if aqi_value is None or (isinstance(aqi_value, float) and np.isnan(aqi_value)):
        return None
    if aqi_value < 0:
        raise ValueError(f"AQI cannot be negative: {aqi_value}")
    return CATEGORIES[int(category_level(aqi_value)) - 1]


# ---------------------------------------------------------------------------
# input handling
# ---------------------------------------------------------------------------
def normalize_keys(keys: Sequence[str], rules: RuleSet, period: str = "day") -> dict[str, str]:
    """Map user keys (``pm25``, ``o3_8h`` …) to indicator codes of ``rules``/``period``.

    Raises ValueError for an unknown code or one that the rule set does not use in that report.
    """
    if period not in ("day", "hour"):
        raise ValueError(f"period must be 'day' or 'hour', not {period!r}")
    allowed = rules.daily_indicators if period == "day" else rules.hourly_indicators
    out: dict[str, str] = {}
    for k in keys:
        kk = k.strip().lower().replace(".", "").replace("-", "_")
        kk = {"pm2_5": "pm25", "o3_8": "o3_8h", "o3_1": "o3_1h"}.get(kk, kk)
        if kk in tables.POLLUTANT_OF:
            code = kk
        elif kk in POLLUTANTS:
            if kk == "o3":
                code = "o3_8h" if period == "day" else "o3_1h"
            elif period == "day":
                code = f"{kk}_24h"
            else:
                code = next(c for c in allowed if tables.POLLUTANT_OF[c] == kk)
        else:
            raise ValueError(
                f"unknown pollutant code {k!r}; known: {', '.join(POLLUTANTS)} or indicators "
                f"{', '.join(INDICATORS)}")
        if code not in allowed and not (
            period == "hour" and code == "so2_24h" and rules.so2_1h_over_800 == "use_24h"
        ):
            raise ValueError(f"{k!r} ({code}) is not an indicator of the {rules.name} {period} report; "
                             f"it uses {', '.join(allowed)}")
        if code in out.values():
            raise ValueError(f"{k!r} duplicates another key for {code}")
        out[k] = code
    return out


def _check_array(name: str, a) -> np.ndarray:
    arr = np.asarray(a, dtype=np.float64)
    if np.any(arr < 0):
        bad = np.argwhere(arr < 0)[0] if arr.ndim else ()
        raise ValueError(f"negative concentration for {name} at index {tuple(int(i) for i in bad)}: "
                         "concentrations must be ≥ 0 (NaN = missing)")
    if np.any(np.isinf(arr)):
        raise ValueError(f"infinite concentration for {name}")
    return arr


def round_concentration(values, pollutant: str):
    """GB/T 8170 rounding of a concentration to its reported precision (integers; CO 0.1)."""
    from .rounding import round_half_even

    pol = tables.POLLUTANT_OF.get(pollutant, pollutant)
    if pol not in tables.REPORT_DECIMALS:
        raise ValueError(f"unknown pollutant {pollutant!r}")
    return round_half_even(values, tables.REPORT_DECIMALS[pol])


def _scaled_input(indicator: str, arr: np.ndarray, round_inputs: bool) -> np.ndarray:
    """Concentrations × 10⁶ as integer-valued float64 (exact below 2⁵³), optionally GB/T 8170-rounded."""
    s = to_scaled_float(arr)
    if round_inputs:
        s = round_half_even_scaled(s, tables.REPORT_DECIMALS[tables.POLLUTANT_OF[indicator]])
    return s


_LEVELS = np.array(tables.IAQI_LEVELS, dtype=np.float64)


def _iaqi_from_scaled(bp: np.ndarray, cs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact ceiling IAQI of scaled concentrations; returns (iaqi float64, over-top-breakpoint mask).

    Exact in float64: C, BP are integers (scaled by 10⁶) and (IAQI_hi − IAQI_lo)·(C − BP_lo) < 2⁵³, so
    the quotient is correctly rounded; an integer quotient is then exact, and a non-integer one is at
    least 1/(BP_hi − BP_lo) ≥ 4·10⁻¹⁰ away from any integer, far beyond the rounding error (~10⁻¹³),
    so the ceiling is the exact one.
    """
    n = len(bp)
    # index of the first breakpoint ≥ C (= searchsorted 'left'), by counting: faster for ≤ 8 breakpoints
    idx = np.zeros(np.shape(cs), dtype=np.intp)
    for b in bp:
        idx += cs > b
    over = idx >= n
    seg = np.clip(idx, 1, n - 1)
    lo, hi = bp[seg - 1], bp[seg]
    il, ih = _LEVELS[seg - 1], _LEVELS[seg]
    val = il + np.ceil((ih - il) * (cs - lo) / (hi - lo))
    val = np.where(over, _LEVELS[n - 1], val)
    return val, over


def iaqi_array(indicator: str, concentrations, rules: RuleSet | str = RULES_2026, *,
               round_inputs: bool | None = None) -> np.ndarray:
    """Vectorised IAQI of one indicator → float64 array of integers, NaN where missing.

    Above the top breakpoint the IAQI is capped at 500 (HJ 633 defines no higher value).
    Special rules: ``so2_1h`` > 800 → NaN under 2012 (use the 24-h IAQI: :func:`aqi_arrays` does
    that), 200 under 2026; ``o3_8h`` > 800 → NaN under 2012 (O3 is reported by its 1-h IAQI),
    300 under 2026.
    """
    rs = get_rules(rules)
    if indicator not in rs.breakpoints:
        raise ValueError(f"unknown indicator {indicator!r} for {rs.name}; known: {', '.join(rs.breakpoints)}")
    arr = _check_array(indicator, concentrations)
    rnd = rs.round_inputs if round_inputs is None else round_inputs
    cs = _scaled_input(indicator, arr, rnd)
    bp = rs.scaled_breakpoints(indicator)
    val, over = _iaqi_from_scaled(bp, cs)
    out = val.astype(np.float64)
    if indicator == "so2_1h":
        out = np.where(over, 200.0 if rs.so2_1h_over_800 == "fixed_200" else np.nan, out)
    elif indicator == "o3_8h":
        out = np.where(over, 300.0 if rs.o3_8h_over_800 == "fixed_300" else np.nan, out)
    return np.where(np.isnan(arr), np.nan, out)


def iaqi(indicator: str, concentration: float | None, rules: RuleSet | str = RULES_2026, *,
         round_inputs: bool | None = None) -> int | None:
    """IAQI of one value (None if missing or not computed under the rule set's special rules).

    >>> iaqi("co_24h", 2.2, "2012")
    55
    >>> iaqi("pm25_24h", 75, "2026")
    114
    """
    if concentration is None:
        return None
    v = iaqi_array(indicator, np.array([concentration], dtype=np.float64), rules, round_inputs=round_inputs)[0]
    return None if np.isnan(v) else int(v)


def indicator_limit(indicator: str, stage: LimitStage, grade: int = 2) -> float | None:
    """GB 3095 limit for the averaging time of an indicator (None where GB 3095 has none)."""
    pol = tables.POLLUTANT_OF[indicator]
    avg = indicator.split("_", 1)[1]
    try:
        return stage.limit(pol, avg, grade)
    except KeyError:
        return None


# ---------------------------------------------------------------------------
# AQI over arrays
# ---------------------------------------------------------------------------
@dataclass
class AQIResult:
    """Vectorised AQI result; arrays share the input shape ``S`` (e.g. [n_stations, n_days]).

    ``iaqi``, ``primary``, ``exceeding``, ``over_range`` have shape ``S + (n_indicators,)`` with the
    last axis ordered as ``indicators``.
    """

    rules: RuleSet
    period: str
    indicators: tuple[str, ...]
    iaqi: np.ndarray        # float64, NaN = missing / not computed
    aqi: np.ndarray         # float64, NaN where not valid under valid_day_rule
    aqi_partial: np.ndarray  # float64 max of available IAQIs (NaN if none)
    complete: np.ndarray    # bool: every indicator present
    valid: np.ndarray       # bool: aqi is published
    level: np.ndarray       # int8 1..6, 0 where aqi is NaN
    primary: np.ndarray     # bool, only where aqi > 50; ties kept
    exceeding: np.ndarray   # bool: 2012 IAQI > 100; 2026 concentration > Grade II limit of stage
    over_range: np.ndarray  # bool: concentration above the top breakpoint (IAQI capped at 500)
    stage: LimitStage | None = None
    valid_day_rule: str = "in_force"
    notes: list[str] = field(default_factory=list)

    def iaqi_of(self, indicator: str) -> np.ndarray:
        return self.iaqi[..., self.indicators.index(indicator)]

    def primary_codes(self, index=()) -> list[str]:
        """Primary indicators at one position (``index`` into the leading shape)."""
        row = self.primary[index]
        return [c for c, p in zip(self.indicators, row) if p]

    def exceeding_codes(self, index=()) -> list[str]:
        row = self.exceeding[index]
        return [c for c, p in zip(self.indicators, row) if p]


def _resolve_stage(rs: RuleSet, stage, date) -> LimitStage:
    if isinstance(stage, LimitStage):
        return stage
    if isinstance(stage, str):
        return rs.stage(stage)
    return rs.stage_for(date) if date is not None else rs.stages[0]


def aqi_arrays(concentrations: Mapping[str, object], rules: RuleSet | str = RULES_2026, *,
               period: str = "day", date=None, stage: LimitStage | str | None = None,
               valid_day_rule: str = "in_force", round_inputs: bool | None = None) -> AQIResult:
    """AQI of many days (or hours) at once.

    ``concentrations``: indicator or short key → array (all the same shape S; NaN = missing).
    ``rules``: one rule set for every element (use :func:`aqi_by_date` for mixed dates).
    ``stage``/``date``: GB 3095 limit stage for the 2026 exceedance test (default: transitional).
    """
    rs = get_rules(rules)
    if valid_day_rule not in VALID_DAY_RULES:
        raise ValueError(f"valid_day_rule must be one of {VALID_DAY_RULES}")
    if valid_day_rule == "in_force":
        valid_day_rule = rs.missing_data_rule
    if not concentrations:
        raise ValueError("no concentrations given")
    keymap = normalize_keys(list(concentrations), rs, period)
    arrays = {keymap[k]: _check_array(k, v) for k, v in concentrations.items()}
    shapes = {a.shape for a in arrays.values()}
    if len(shapes) != 1:
        raise ValueError(f"all concentration arrays must have the same shape, got {sorted(shapes)}")
    shape = shapes.pop()
    report = rs.daily_indicators if period == "day" else rs.hourly_indicators
    inds = tuple(c for c in report if c in arrays)
    st = _resolve_stage(rs, stage, date)
    notes: list[str] = []

    n = len(inds)
    rnd = rs.round_inputs if round_inputs is None else round_inputs
    # work on one [S] array per indicator (reductions over a short last axis are slow in numpy)
    iaqis: list[np.ndarray] = []
    overs: list[np.ndarray] = []
    excs: list[np.ndarray] = []
    for code in inds:
        arr = arrays[code]
        missing = np.isnan(arr)
        cs = _scaled_input(code, arr, rnd)
        val, over = _iaqi_from_scaled(rs.scaled_breakpoints(code), cs)
        v = val
        any_over = bool(over.any()) and bool((over & ~missing).any())
        if code == "so2_1h" and any_over:
            if rs.so2_1h_over_800 == "fixed_200":
                v = np.where(over, 200.0, v)
                notes.append("SO2 1小时浓度>800 µg/m³: IAQI按200计 (HJ 633-2026)")
            else:
                if "so2_24h" in arrays:
                    v24 = iaqi_array("so2_24h", arrays["so2_24h"], rs, round_inputs=rnd)
                    v = np.where(over, v24, v)
                else:
                    v = np.where(over, np.nan, v)
                notes.append("SO2 1小时浓度>800 µg/m³: 按24小时平均浓度计算分指数 (HJ 633-2012 表1注)")
            over = np.zeros_like(over)
        elif code == "o3_8h" and any_over:
            if rs.o3_8h_over_800 == "fixed_300":
                v = np.where(over, 300.0, v)
                notes.append("O3 8小时浓度>800 µg/m³: IAQI按300计 (HJ 633-2026)")
            else:
                v = np.where(over, np.nan, v)
                notes.append("O3 8小时浓度>800 µg/m³: 不计算8小时分指数，按1小时分指数报告 (HJ 633-2012 表1注)")
            over = np.zeros_like(over)
        elif any_over:
            notes.append(f"{code} 浓度超过最高浓度限值，IAQI按500计")
        np.copyto(v, np.nan, where=missing)
        iaqis.append(v)
        overs.append(over & ~missing)
        if rs.defines_exceeding_pollutant:
            excs.append(v > 100)  # NaN compares False
        else:
            lim = indicator_limit(code, st)
            if lim is not None:
                # 修约值比较: the rounded concentration is compared with the limit.
                lim_s = int(round(lim * SCALE))
                cr = cs if rnd else round_half_even_scaled(cs, tables.REPORT_DECIMALS[tables.POLLUTANT_OF[code]])
                excs.append((cr > lim_s) & ~missing)
            else:
                excs.append(np.zeros(shape, dtype=bool))
    if n:
        presents = [~np.isnan(v) for v in iaqis]
        any_present = np.logical_or.reduce(presents)
        complete = np.logical_and.reduce(presents)
        # a 2012 O3-8h value left out by the >800 rule is not "missing"
        if "o3_8h" in inds and rs.o3_8h_over_800 == "use_1h":
            j = inds.index("o3_8h")
            skipped = ~np.isnan(arrays["o3_8h"]) & ~presents[j]
            others = [p for i, p in enumerate(presents) if i != j]
            complete = complete | (skipped & (np.logical_and.reduce(others) if others else True))
        partial = np.fmax.reduce(iaqis)          # NaN-ignoring max; all NaN → NaN
    else:
        any_present = np.zeros(shape, dtype=bool)
        complete = np.zeros(shape, dtype=bool)
        partial = np.full(shape, np.nan)
    if valid_day_rule == "complete":
        valid = complete
    elif valid_day_rule == "available":
        valid = any_present
    else:
        valid = complete | (partial > 100)
    aqi_v = np.where(valid, partial, np.nan)
    level = category_level(aqi_v)
    gt50 = aqi_v > 50
    def stack(xs, dt):
        return np.stack(xs, axis=-1) if xs else np.zeros(shape + (0,), dtype=dt)

    iaqi_st = stack(iaqis, np.float64)
    primary = stack([(v == aqi_v) & gt50 for v in iaqis], bool)
    exc_st = stack(excs, bool)
    over_st = stack(overs, bool)
    return AQIResult(rs, period, inds, iaqi_st, aqi_v, partial, complete, valid, level, primary, exc_st,
                     over_st, st, valid_day_rule, sorted(set(notes)))


#: union of the daily indicators of both rule sets, in the order used by :class:`AQIByDate`
DAILY_UNION: tuple[str, ...] = ("so2_24h", "no2_24h", "pm10_24h", "co_24h", "o3_1h", "o3_8h", "pm25_24h")
HOURLY_UNION: tuple[str, ...] = ("so2_1h", "no2_1h", "pm10_24h", "pm10_1h", "co_1h", "o3_1h", "o3_8h",
                                 "pm25_24h", "pm25_1h")


@dataclass
class AQIByDate:
    """AQI over arrays whose last axis is days, each day under its own rule set.

    Arrays: ``aqi``, ``level``, ``valid``, ``complete`` [..., D]; ``iaqi``, ``primary``, ``exceeding``
    [..., D, k] with k = ``indicators`` (union of both rule sets' indicators; an indicator that a
    day's rule set does not use is NaN/False on that day).  ``rules_code`` [D] says which rule set
    each day used; ``rules_used`` maps rule-set name → number of days.
    """

    dates: np.ndarray
    indicators: tuple[str, ...]
    aqi: np.ndarray
    level: np.ndarray
    valid: np.ndarray
    complete: np.ndarray
    iaqi: np.ndarray
    primary: np.ndarray
    exceeding: np.ndarray
    rules_code: np.ndarray
    rules_used: dict[str, int]
    notes: list[str]

    @property
    def mixed(self) -> bool:
        return len(self.rules_used) > 1

    def primary_codes(self, index) -> list[str]:
        row = self.primary[index]
        return [c for c, p in zip(self.indicators, row) if p]


def aqi_by_date(concentrations: Mapping[str, object], dates, *, period: str = "day",
                rules: RuleSet | str | None = None, valid_day_rule: str = "in_force",
                stage: str | None = None, round_inputs: bool | None = None) -> AQIByDate:
    """Daily (or hourly) AQI over arrays whose **last axis is time** (``dates``: datetime64 of that axis).

    Each element is computed under the rule set in force on its date (``rules_for``) unless ``rules``
    names one.  Under 2026 the exceedance test uses the GB 3095-2026 stage of each day unless
    ``stage`` names one.  Indicators a rule set does not use (``o3_1h`` in a 2026 daily report) are
    ignored on those days.
    """
    d_in = np.asarray(dates)
    d = d_in.astype("datetime64[D]")
    if not concentrations:
        raise ValueError("no concentrations given")
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in concentrations.items()}
    shape = next(iter(arrays.values())).shape
    if any(a.shape != shape for a in arrays.values()):
        raise ValueError("all concentration arrays must have the same shape")
    if d.ndim != 1 or len(shape) == 0 or d.shape[0] != shape[-1]:
        raise ValueError(f"dates must be 1-D with the length of the last axis ({shape[-1] if shape else 0})")
    codes = rule_codes_for(d) if rules is None else np.full(d.shape, get_rules(rules).code)
    union = DAILY_UNION if period == "day" else HOURLY_UNION
    k = len(union)
    out_iaqi = out_pri = out_exc = aqi_out = level = valid = complete = None

    def alloc():
        return (np.full(shape + (k,), np.nan), np.zeros(shape + (k,), dtype=bool),
                np.zeros(shape + (k,), dtype=bool), np.full(shape, np.nan), np.zeros(shape, dtype=np.int8),
                np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool))

    used: dict[str, int] = {}
    notes: list[str] = []
    for code in ("2012", "2026"):
        sel_code = codes == code
        if not sel_code.any():
            continue
        rs = RULE_SETS[code]
        keys = keys_in_report(list(arrays), rs, period)
        if code == "2026" and stage is None:
            fin = d >= np.datetime64("2031-01-01")
            parts = [(sel_code & ~fin, "transitional"), (sel_code & fin, "final")]
        else:
            parts = [(sel_code, stage)]
        for sel, st in parts:
            if not sel.any():
                continue
            full = sel.all()
            sub = {kk: (arrays[kk] if full else arrays[kk][..., sel]) for kk in keys}
            res = aqi_arrays(sub, rs, period=period, stage=st if code == "2026" else None,
                             valid_day_rule=valid_day_rule, round_inputs=round_inputs)
            cols = [union.index(c) for c in res.indicators]
            if full and res.indicators == union:
                # one rule set, indicators already in the union order: no copies
                aqi_out, level, valid, complete = res.aqi, res.level, res.valid, res.complete
                out_iaqi, out_pri, out_exc = res.iaqi, res.primary, res.exceeding
            elif full:
                out_iaqi, out_pri, out_exc, *_ = alloc()
                aqi_out, level, valid, complete = res.aqi, res.level, res.valid, res.complete
                out_iaqi[..., cols] = res.iaqi
                out_pri[..., cols] = res.primary
                out_exc[..., cols] = res.exceeding
            else:
                if out_iaqi is None:
                    out_iaqi, out_pri, out_exc, aqi_out, level, valid, complete = alloc()
                aqi_out[..., sel] = res.aqi
                level[..., sel] = res.level
                valid[..., sel] = res.valid
                complete[..., sel] = res.complete
                idx = np.nonzero(sel)[0]
                for j, c in enumerate(cols):
                    out_iaqi[..., idx, c] = res.iaqi[..., j]
                    out_pri[..., idx, c] = res.primary[..., j]
                    out_exc[..., idx, c] = res.exceeding[..., j]
            notes += res.notes
        used[rs.name] = int(sel_code.sum())
    if aqi_out is None:  # no days at all
        out_iaqi, out_pri, out_exc, aqi_out, level, valid, complete = alloc()
    return AQIByDate(d_in if period == "hour" else d, union, aqi_out, level, valid, complete, out_iaqi, out_pri,
                     out_exc, codes, used, sorted(set(notes)))


@dataclass
class DailyAQI:
    """Result of :func:`daily_aqi_from_hourly`: the daily concentrations (with validity) and the AQI."""

    daily: "DailySeries"
    aqi: AQIByDate


def daily_aqi_from_hourly(hourly: Mapping[str, object], dates, *, rules: RuleSet | str | None = None,
                          valid_day_rule: str = "in_force", min_hours: int = 20,
                          mda8_min_windows: int = 14) -> DailyAQI:
    """Daily AQI of a whole station-year (or ``[n_stations, n_days, 24]``) in one call.

    ``hourly``: pollutant (so2 no2 co pm10 pm25 o3) → array ``[..., n_days, 24]`` (hour index h covers
    h:00–h+1:00 local time; NaN = missing).  ``dates``: datetime64[D] of the day axis.  Daily means
    need ≥ 20 valid hours, MDA8 ≥ 14 valid 8-h windows (or exceeding 160), GB 3095 表4 / HJ 663.
    """
    from .averaging import daily_from_hourly

    d = np.asarray(dates).astype("datetime64[D]")
    codes = rule_codes_for(d) if rules is None else np.full(d.shape, get_rules(rules).code)
    need_1h = bool((codes == "2012").any())
    ds = daily_from_hourly(hourly, min_hours=min_hours, mda8_min_windows=mda8_min_windows,
                           with_o3_1h=need_1h)
    res = aqi_by_date(ds.values, d, rules=rules, valid_day_rule=valid_day_rule)
    return DailyAQI(ds, res)


def keys_in_report(keys: Sequence[str], rules: RuleSet, period: str = "day") -> list[str]:
    """The keys whose indicator enters ``rules``' report; known indicators that the rule set does not
    use (e.g. ``o3_1h`` in a 2026 daily report) are dropped, unknown codes still raise."""
    out = []
    for k in keys:
        try:
            normalize_keys([k], rules, period)
        except ValueError as e:
            if "unknown pollutant code" in str(e):
                raise
            continue
        out.append(k)
    return out


# ---------------------------------------------------------------------------
# scalar report
# ---------------------------------------------------------------------------
@dataclass
class AQIReport:
    """One AQI report (a station-day or station-hour)."""

    rules: str
    period: str
    concentrations: dict[str, float | None]
    iaqi: dict[str, int | None]
    aqi: int | None
    aqi_partial: int | None
    category: Category | None
    primary: list[str]
    exceeding: list[str]
    over_range: list[str]
    stage: str | None
    notes: list[str]
    rules_code: str = ""

    def as_dict(self) -> dict:
        c = self.category
        return {
            "rules": self.rules, "rules_code": self.rules_code, "period": self.period, "stage": self.stage,
            "concentrations": self.concentrations, "iaqi": self.iaqi, "aqi": self.aqi,
            "aqi_partial": self.aqi_partial,
            "category": None if c is None else {
                "level": c.level, "level_name": c.level_name, "name": c.name, "name_en": c.name_en,
                "colour": c.colour, "hex": c.hex},
            "primary_pollutants": self.primary, "exceeding_pollutants": self.exceeding,
            "exceeding_basis": ("IAQI > 100 (HJ 633-2012 §3.4)" if self.rules == RULES_2012.name
                                else f"concentration > Grade II limit ({self.stage})"),
            "over_range": self.over_range, "notes": self.notes,
        }


def aqi(concentrations: Mapping[str, float | None], rules: RuleSet | str | None = None, *,
        period: str = "day", date=None, stage: str | None = None,
        valid_day_rule: str = "in_force") -> AQIReport:
    """AQI report for one day or hour.

    ``rules`` defaults to the rule set in force on ``date`` (today if both are None).

    >>> r = aqi({"pm25": 80, "pm10": 120, "so2": 10, "no2": 40, "co": 0.8, "o3_8h": 100}, "2012")
    >>> (r.aqi, r.category.name, r.primary)
    (107, '轻度污染', ['pm25_24h'])
    """
    if rules is None:
        rules = rules_for(date if date is not None else _dt.date.today())
    rs = get_rules(rules)
    conc = {k: (np.nan if v is None else float(v)) for k, v in concentrations.items()}
    res = aqi_arrays({k: np.array(v) for k, v in conc.items()}, rs, period=period, date=date,
                     stage=stage, valid_day_rule=valid_day_rule)
    keymap = normalize_keys(list(conc), rs, period)
    iaqis = {}
    for j, code in enumerate(res.indicators):
        v = res.iaqi[..., j]
        iaqis[code] = None if np.isnan(v) else int(v)
    a = None if np.isnan(res.aqi) else int(res.aqi)
    ap = None if np.isnan(res.aqi_partial) else int(res.aqi_partial)
    notes = list(res.notes)
    if a is None and ap is not None:
        notes.append("数据不全且分指数最大值≤100: AQI、类别、首要污染物发布为NA (HJ 633-2026 §5.3)")
    concs = {keymap[k]: (None if np.isnan(v) else v) for k, v in conc.items()}
    return AQIReport(rs.name, period, concs, iaqis, a, ap, category(a),
                     res.primary_codes(), res.exceeding_codes(),
                     [c for c, o in zip(res.indicators, res.over_range) if o],
                     None if rs.defines_exceeding_pollutant else res.stage.name, notes, rs.code)


def hourly_aqi_from_hourly(hourly: Mapping[str, object], times, *, rules: RuleSet | str | None = None,
                           valid_day_rule: str = "in_force") -> AQIByDate:
    """Hourly (real-time) AQI over continuous hourly series ``[..., n_hours]``.

    ``hourly``: pollutant (so2 no2 co pm10 pm25 o3) → array; ``times``: datetime64[h] of the hour
    *start* (index t covers t … t+1 h, as in the rest of the package).  Each hour uses the rule set of
    its local date unless ``rules`` names one.
    2012 (HJ 633-2012 table 4): SO2, NO2, CO, O3 1-h values; O3 8-h moving mean (hours t−7…t, ≥ 6
    valid); PM10/PM2.5 24-h moving means (hours t−23…t, ≥ 20 valid); SO2 1-h > 800 → the SO2 24-h
    moving mean's IAQI.  2026 (HJ 633-2026 table 4): six 1-h values, PM on the daily breakpoints.
    Moving means cross midnight freely.
    """
    from .averaging import moving_mean

    t = np.asarray(times).astype("datetime64[h]")
    arrays = {}
    for k, v in hourly.items():
        kk = k.lower().replace(".", "")
        if kk not in POLLUTANTS:
            raise ValueError(f"unknown pollutant code {k!r}; known: {', '.join(POLLUTANTS)}")
        a = np.asarray(v, dtype=np.float64)
        if a.ndim == 0 or a.shape[-1] != t.shape[0]:
            raise ValueError(f"{k}: last axis must be hours, length {t.shape[0]}")
        arrays[kk] = _check_array(k, a)
    days = t.astype("datetime64[D]")
    codes = rule_codes_for(days) if rules is None else np.full(days.shape, get_rules(rules).code)
    conc: dict[str, np.ndarray] = {}
    for pol, a in arrays.items():
        if pol in ("so2", "no2", "co"):
            conc[f"{pol}_1h"] = a
        if pol == "o3":
            conc["o3_1h"] = a
        if (codes == "2012").any():
            if pol in ("pm10", "pm25"):
                conc[f"{pol}_24h"] = moving_mean(a, 24, min_valid=20).value
            if pol == "o3":
                conc["o3_8h"] = moving_mean(a, 8, min_valid=6).value
            if pol == "so2":
                conc["so2_24h"] = moving_mean(a, 24, min_valid=20).value
        if (codes == "2026").any() and pol in ("pm10", "pm25"):
            conc[f"{pol}_1h"] = a
    return aqi_by_date(conc, t, period="hour", rules=rules, valid_day_rule=valid_day_rule)


# ---------------------------------------------------------------------------
# reference state (GB 3095-2012 amendment 2018, GB 3095-2026 §3.14/§4.3)
# ---------------------------------------------------------------------------
REFERENCE_STATE_DATE = _dt.date(2018, 9, 1)


def standard_to_reference(concentration, temperature_k: float = 273.15):
    """Gas concentration at the 273.15 K standard state → the 298.15 K reference state (same
    pressure): C_ref = C_std × 273.15 / 298.15 (≈ −8.4 %).  For SO2, NO2, CO, O3, NOx data before
    2018-09-01.  Vector 24: 100 → 91.6."""
    c = np.asarray(concentration, dtype=np.float64)
    if np.any(c < 0):
        raise ValueError("negative concentration")
    out = c * temperature_k / 298.15
    return float(out) if out.ndim == 0 else out


def standard_to_actual(concentration, pressure_kpa, temperature_k):
    """Particle concentration at the standard state → actual conditions (from 2018-09-01):
    C_act = C_std × (P / 101.325 kPa) × (273.15 / T)."""
    c = np.asarray(concentration, dtype=np.float64)
    if np.any(c < 0):
        raise ValueError("negative concentration")
    t = np.asarray(temperature_k, dtype=np.float64)
    if np.any(t <= 0):
        raise ValueError("temperature must be in kelvin (> 0)")
    out = c * (np.asarray(pressure_kpa, dtype=np.float64) / 101.325) * (273.15 / t)
    return float(out) if out.ndim == 0 else out
