"""Period assessment of air quality for stations and cities (HJ 663, GB 3095, 城市环境空气质量排名技术规定).

Inputs are daily arrays ``[..., n_days]`` keyed by indicator code (``so2_24h no2_24h pm10_24h
pm25_24h co_24h o3_8h`` and, for days under the 2012 rules, ``o3_1h`` = O3 daily max 1-h) with a
1-D ``dates`` array; the leading axes are stations or cities, so a whole network is assessed
in one call.

Decisions on the open doubts (HJ 663-2026's text not in hand; rules resting on one source or on memory) are configuration (:class:`AssessmentConfig`)
with documented defaults:

- valid day for the good-day ratio: ``valid_day_rule="in_force"``: each day under its own rule set's
  missing-data rule (HJ 633-2012 days: AQI from the indicators available; HJ 633-2026 days: §5.3, AQI
  published if complete or > 100); "hj633_2026", "complete", "available" force one rule;
- city MDA8: ``city_mda8="mean_of_station_mda8"`` (what most code does) or ``"max_of_city_8h"``;
- composite index: 2018 rule, S_i = GB 3095-2012 Grade II, unweighted; ``composite_si`` and
  ``composite_weights`` can be changed (e.g. the unconfirmed 2026 weights PM2.5×3, NO2×2, O3×2);
- limits for period compliance: ``limits="period_end"`` = the GB 3095 stage in force on the
  period's last day (stated in the result); or a stage name ("gb3095-2012", "transitional", "final");
- exceptional events (dust): pass ``excluded`` days; they are removed from the concentration
  statistics and the composite index but kept in the good-day ratio (环办监测〔2016〕120号 practice).

Compliance compares the GB/T 8170-rounded statistic with the limit (修约值比较); the composite
index sums unrounded single indices of the reported (rounded) concentrations.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from . import tables
from .air import AQIByDate, aqi_by_date
from .averaging import NO_DATA, OK, REASONS, Validated, mda8
from .rounding import format_fixed, format_percent, round_half_even
from .rules import RULE_SETS, LimitStage, RuleSet, get_rules, rules_for
from .stats import percentile, period_validity

__all__ = ["AssessmentConfig", "PeriodAssessment", "assess_period", "city_daily", "CityDaily",
           "composite_index", "change_rate", "year_on_year", "assess_year_on_year", "STATISTICS", "rank"]

#: statistics of a period per pollutant: (pollutant, statistic, source indicator, limit averaging)
STATISTICS: tuple[tuple[str, str, str, str], ...] = (
    ("so2", "mean", "so2_24h", "annual"), ("so2", "p98", "so2_24h", "24h"),
    ("no2", "mean", "no2_24h", "annual"), ("no2", "p98", "no2_24h", "24h"),
    ("pm10", "mean", "pm10_24h", "annual"), ("pm10", "p95", "pm10_24h", "24h"),
    ("pm25", "mean", "pm25_24h", "annual"), ("pm25", "p95", "pm25_24h", "24h"),
    ("co", "p95", "co_24h", "24h"),
    ("o3", "p90", "o3_8h", "8h"),
)
#: the statistic that enters the composite index for each pollutant
COMPOSITE_STAT = {"so2": "mean", "no2": "mean", "pm10": "mean", "pm25": "mean", "co": "p95", "o3": "p90"}
STAT_NAMES = {"mean": "平均浓度", "p98": "日均值第98百分位", "p95": "日均值第95百分位",
              "p90": "日最大8小时平均第90百分位"}


@dataclass(frozen=True)
class AssessmentConfig:
    valid_day_rule: str = "in_force"
    composite_si: Mapping[str, str | float] = field(default_factory=lambda: dict(tables.COMPOSITE_SI_2018))
    composite_weights: Mapping[str, float] | None = None
    composite_use_reported: bool = True
    city_mda8: str = "mean_of_station_mda8"
    city_min_stations: int = 1
    limits: str = "period_end"
    heavy_level: int = 5            # 重度污染 (AQI > 200) and worse
    change_from_reported: bool = True
    min_year_days: int = 324
    # validity is judged per pollutant; None = GB 3095 table 4 rule via stats.period_validity


def change_rate(now, base):
    """(now − base) / base as a fraction (−0.1 = "下降10.0%"); NaN if base is 0 or missing."""
    now = np.asarray(now, dtype=np.float64)
    base = np.asarray(base, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(base != 0, (now - base) / base, np.nan)
    return float(r) if r.ndim == 0 else r


def composite_index(concentrations: Mapping[str, object], si: Mapping[str, object] | None = None,
                    weights: Mapping[str, float] | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Composite index I = Σ w_i · C_i / S_i over the six pollutants (2018 rule: w_i = 1).

    ``concentrations``: pollutant (so2 no2 pm10 pm25 co o3) → value(s) (CO = P95, O3 = MDA8 P90).
    Returns (total, single indices).  Round the total to 2 decimals only when presenting
    (vector 17: 3.0571 → 3.06; summing rounded singles would give 3.07).
    """
    si = dict(tables.COMPOSITE_SI_2018) if si is None else dict(si)
    singles: dict[str, np.ndarray] = {}
    total = None
    for pol, c in concentrations.items():
        if pol not in si:
            raise ValueError(f"unknown pollutant {pol!r} for the composite index; known: {', '.join(si)}")
        w = 1.0 if weights is None else float(weights.get(pol, 1.0))
        v = np.asarray(c, dtype=np.float64) / float(si[pol])
        singles[pol] = v
        total = w * v if total is None else total + w * v
    return total, singles


@dataclass
class PeriodAssessment:
    """Assessment of one period for every station/city of the leading shape."""

    dates: np.ndarray
    config: AssessmentConfig
    aqi: AQIByDate
    rules_used: dict[str, int]
    limits_stage: LimitStage
    notes: list[str]
    valid_days: np.ndarray
    good_days: np.ndarray
    good_ratio: np.ndarray
    days_by_level: np.ndarray       # [..., 7]: index = level 1..6; index 0 = days without a valid AQI
    heavy_days: np.ndarray
    primary_days: dict[str, np.ndarray]
    exceeding_days: dict[str, np.ndarray]
    statistics: dict[tuple[str, str], Validated]
    reported: dict[tuple[str, str], np.ndarray]
    limits: dict[tuple[str, str], float]
    compliant: dict[tuple[str, str], np.ndarray]
    exceedance_multiple: dict[tuple[str, str], np.ndarray]
    pollutant_compliant: dict[str, np.ndarray]
    all_compliant: np.ndarray
    single_index: dict[str, np.ndarray]
    composite: np.ndarray
    composite_valid: np.ndarray

    @property
    def mixed_rules(self) -> bool:
        return len(self.rules_used) > 1

    def summary(self, index=()) -> dict:
        """Plain values for one station/city, rounded for presentation (GB/T 8170)."""
        def at(a):
            v = np.asarray(a)[index]
            return v.item() if hasattr(v, "item") else v

        stats = {}
        for (pol, st), val in self.statistics.items():
            dp = tables.REPORT_DECIMALS[pol]
            rep = at(self.reported[(pol, st)])
            ok = bool(at(val.valid))
            stats[f"{pol}_{st}"] = {
                "value": None if np.isnan(rep) else float(rep),
                "text": format_fixed(rep, dp) if not np.isnan(rep) else "",
                "raw": None if np.isnan(at(val.value)) else float(at(val.value)),
                "n_days": int(at(val.n_valid)), "valid": ok, "reason": int(at(val.reason)),
                "reason_text": "" if ok else REASONS[int(at(val.reason))],
                # an invalid or missing statistic gets no verdict (None), never 超标
                "limit": self.limits[(pol, st)], "compliant": bool(at(self.compliant[(pol, st)])) if ok else None,
                "exceedance_multiple": (None if np.isnan(at(self.exceedance_multiple[(pol, st)]))
                                        else format_fixed(at(self.exceedance_multiple[(pol, st)]), 2)),
            }
        gr = at(self.good_ratio)
        comp = at(self.composite)
        # three-valued verdicts: False if any statistic exceeds, None if any is unknown, else True
        pol_verdict: dict[str, bool | None] = {}
        for key, sd in stats.items():
            pol = key.split("_")[0]
            v, prev = sd["compliant"], pol_verdict.get(pol, True)
            pol_verdict[pol] = False if (v is False or prev is False) else (None if (v is None or prev is None) else True)
        verdicts = list(pol_verdict.values())
        all_verdict = (False if False in verdicts else None if (None in verdicts or len(verdicts) < 6) else True)
        missing = [f"{tables.POLLUTANT_NAMES[pol][1]}{STAT_NAMES[st]}：{stats[f'{pol}_{st}']['reason_text']}"
                   if f"{pol}_{st}" in stats else f"{tables.POLLUTANT_NAMES[pol][1]}：未监测"
                   for pol, st in COMPOSITE_STAT.items()
                   if f"{pol}_{st}" not in stats or not stats[f"{pol}_{st}"]["valid"]]
        return {
            "rules_used": self.rules_used, "mixed_rules": self.mixed_rules,
            "limits": self.limits_stage.label, "notes": self.notes,
            "valid_days": int(at(self.valid_days)), "good_days": int(at(self.good_days)),
            "good_ratio": None if np.isnan(gr) else gr, "good_ratio_text": format_percent(gr, 1),
            "days_by_level": {lv: int(at(self.days_by_level[..., lv])) for lv in range(7)},
            "heavy_days": int(at(self.heavy_days)),
            "statistics": stats,
            "pollutant_compliant": pol_verdict,
            "all_compliant": all_verdict,
            "single_index": {p: float(at(v)) for p, v in self.single_index.items()},
            "composite_index": None if np.isnan(comp) else float(comp),
            "composite_index_text": format_fixed(comp, 2) if not np.isnan(comp) else "",
            "composite_valid": bool(at(self.composite_valid)),
            # why the composite index is missing: each statistic it needs that is invalid, with its reason
            "composite_reason": "；".join(missing) if np.isnan(comp) else "",
            "good_ratio_reason": REASONS[NO_DATA] if np.isnan(gr) else "",
        }


def _limits_stage(config: AssessmentConfig, dates: np.ndarray) -> LimitStage:
    if config.limits == "period_end":
        last = _dt.date.fromisoformat(str(dates.max()))
        return rules_for(last).stage_for(last)
    if config.limits == "period_start":
        first = _dt.date.fromisoformat(str(dates.min()))
        return rules_for(first).stage_for(first)
    for rs in RULE_SETS.values():
        for st in rs.stages:
            if st.name == config.limits:
                return st
    raise ValueError(f"unknown limits setting {config.limits!r}")


def assess_period(daily: Mapping[str, object], dates, *, rules: RuleSet | str | None = None,
                  config: AssessmentConfig | None = None, excluded=None,
                  aqi: AQIByDate | None = None) -> PeriodAssessment:
    """Assess one period (a year, a quarter, a month, any run of days) for all leading rows at once.

    ``daily``: indicator → [..., D] (NaN = invalid day).  ``dates``: datetime64[D] [D].
    ``rules``: force one rule set for every day (e.g. recompute last year under this year's rules);
    default: each day under its own (``rules_for``), and ``notes`` say so when the period is mixed.
    ``excluded``: bool [..., D] or [D], days affected by exceptional events (dust): removed from the
    concentration statistics and the composite index, kept in the AQI day counts.
    ``aqi``: the :class:`AQIByDate` of these same days if already computed (e.g. by
    ``air.daily_aqi_from_hourly``), to avoid computing it twice.
    """
    cfg = config or AssessmentConfig()
    d = np.asarray(dates).astype("datetime64[D]")
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in daily.items()}
    for k in arrays:
        if k not in tables.POLLUTANT_OF:
            raise ValueError(f"unknown indicator {k!r}; use indicator codes such as pm25_24h, o3_8h")
    if aqi is not None:
        if aqi.aqi.shape != next(iter(arrays.values())).shape or not np.array_equal(aqi.dates, d):
            raise ValueError("aqi was computed for other days or another shape")
        res = aqi
    else:
        res = aqi_by_date(arrays, d, rules=rules, valid_day_rule=cfg.valid_day_rule)
    notes = list(res.notes)
    if res.mixed:
        parts = "，".join(f"{name} {n}天" for name, n in res.rules_used.items())
        notes.append(f"本期跨越2026-03-01，逐日按当日适用标准评价：{parts}")
    if rules is not None:
        notes.append(f"全部日期按指定标准 {get_rules(rules).name} 计算")

    valid = res.valid
    valid_days = valid.sum(axis=-1)
    good = valid & (res.level >= 1) & (res.level <= 2)
    good_days = good.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        good_ratio = np.where(valid_days > 0, good_days / np.maximum(valid_days, 1), np.nan)
    lv = np.where(valid, res.level, 0)
    days_by_level = np.stack([(lv == i).sum(axis=-1) for i in range(7)], axis=-1)
    heavy = (valid & (res.level >= cfg.heavy_level)).sum(axis=-1)
    primary_days = {c: (res.primary[..., j] & valid).sum(axis=-1) for j, c in enumerate(res.indicators)}
    exceeding_days = {c: (res.exceeding[..., j] & valid).sum(axis=-1) for j, c in enumerate(res.indicators)}

    stage = _limits_stage(cfg, d)
    notes.append(f"达标评价采用 {stage.label} 限值")
    exc = None if excluded is None else np.broadcast_to(np.asarray(excluded, dtype=bool),
                                                        next(iter(arrays.values())).shape)
    statistics: dict[tuple[str, str], Validated] = {}
    reported: dict[tuple[str, str], np.ndarray] = {}
    limits: dict[tuple[str, str], float] = {}
    compliant: dict[tuple[str, str], np.ndarray] = {}
    mult: dict[tuple[str, str], np.ndarray] = {}
    lead_shape = res.aqi.shape[:-1]
    validity_cache: dict[str, tuple] = {}
    for pol, st, ind, avg in STATISTICS:
        if ind not in arrays:
            continue
        x = arrays[ind]
        ok_count = ~np.isnan(x)
        if exc is not None and pol in ("pm10", "pm25"):
            x = np.where(exc, np.nan, x)
        if ind not in validity_cache:
            validity_cache[ind] = period_validity(ok_count, d, min_year=cfg.min_year_days)
        pv, n, reason = validity_cache[ind]
        if st == "mean":
            okx = ~np.isnan(x)
            with np.errstate(invalid="ignore", divide="ignore"):
                val = np.where(okx, x, 0.0).sum(axis=-1) / okx.sum(axis=-1)
        else:
            val = percentile(x, int(st[1:]))
        val = np.where(pv, val, np.nan)
        statistics[(pol, st)] = Validated(val, n, pv, reason)
        rep = round_half_even(val, tables.REPORT_DECIMALS[pol])
        reported[(pol, st)] = rep
        lim = stage.limit(pol, avg)
        limits[(pol, st)] = lim
        with np.errstate(invalid="ignore"):
            compliant[(pol, st)] = pv & (rep <= lim)
            mult[(pol, st)] = np.where(pv & (rep > lim), (rep - lim) / lim, np.nan)
    pollutant_compliant: dict[str, np.ndarray] = {}
    for (pol, _st), c in compliant.items():
        pollutant_compliant[pol] = c if pol not in pollutant_compliant else (pollutant_compliant[pol] & c)
    all_compliant = (np.logical_and.reduce(list(pollutant_compliant.values()))
                     if len(pollutant_compliant) == 6 else np.zeros(lead_shape, dtype=bool))

    comp_in = {}
    comp_valid = np.ones(lead_shape, dtype=bool)
    for pol, st in COMPOSITE_STAT.items():
        if (pol, st) not in statistics:
            comp_valid = np.zeros(lead_shape, dtype=bool)
            continue
        src = reported[(pol, st)] if cfg.composite_use_reported else statistics[(pol, st)].value
        comp_in[pol] = src
        comp_valid &= statistics[(pol, st)].valid
    total, singles = composite_index(comp_in, cfg.composite_si, cfg.composite_weights)
    if total is None:
        total = np.full(lead_shape, np.nan)
    total = np.where(comp_valid, total, np.nan)
    return PeriodAssessment(d, cfg, res, res.rules_used, stage, notes, valid_days, good_days, good_ratio,
                            days_by_level, heavy, primary_days, exceeding_days, statistics, reported, limits,
                            compliant, mult, pollutant_compliant, all_compliant, singles, total, comp_valid)


# ---------------------------------------------------------------------------
# stations → city (HJ 663: arithmetic mean of the valid station values of the same statistic)
# ---------------------------------------------------------------------------
@dataclass
class CityDaily:
    values: dict[str, np.ndarray]      # indicator → [C, D]
    n_stations: dict[str, np.ndarray]  # indicator → [C, D] valid stations that entered the mean


def city_daily(station_daily: Mapping[str, object], city_of_station, n_cities: int | None = None, *,
               hourly_o3=None, config: AssessmentConfig | None = None) -> CityDaily:
    """City daily values from station daily values ``[S, D]``.

    ``city_of_station``: int array [S] with the city index (0..C−1) of each assessment station.
    A city day is valid with ≥ ``config.city_min_stations`` valid stations (default 1).
    City MDA8: ``config.city_mda8 = "mean_of_station_mda8"`` (default) averages the station MDA8s;
    ``"max_of_city_8h"`` needs ``hourly_o3`` [S, D, 24] and takes the MDA8 of the city-mean hourly series.
    """
    cfg = config or AssessmentConfig()
    if cfg.city_mda8 not in ("mean_of_station_mda8", "max_of_city_8h"):
        raise ValueError("city_mda8 must be 'mean_of_station_mda8' or 'max_of_city_8h'")
    cos = np.asarray(city_of_station, dtype=np.int64)
    C = int(cos.max()) + 1 if n_cities is None else int(n_cities)
    if cos.ndim != 1 or (cos < 0).any() or (cos >= C).any():
        raise ValueError("city_of_station must be a 1-D array of city indices 0..n_cities-1")
    S = cos.shape[0]
    # group stations by city: sort once, then one add.reduceat per indicator (no Python loop, no BLAS)
    order = np.argsort(cos, kind="stable")
    per_city = np.bincount(cos, minlength=C)
    present = np.nonzero(per_city)[0]
    starts = np.concatenate([[0], np.cumsum(per_city)[:-1]])[present]

    def group_mean(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a = a[order]
        ok = ~np.isnan(a)
        s = np.add.reduceat(np.where(ok, a, 0.0), starts, axis=0)
        n = np.add.reduceat(ok.astype(np.int32), starts, axis=0)
        S_out = np.zeros((C,) + a.shape[1:])
        N_out = np.zeros((C,) + a.shape[1:], dtype=np.int32)
        S_out[present], N_out[present] = s, n
        with np.errstate(invalid="ignore", divide="ignore"):
            m = np.where(N_out >= max(cfg.city_min_stations, 1), S_out / np.maximum(N_out, 1), np.nan)
        return m, N_out

    values: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    for k, v in station_daily.items():
        a = np.asarray(v, dtype=np.float64)
        if a.ndim != 2 or a.shape[0] != S:
            raise ValueError(f"{k}: station daily array must be [n_stations={S}, n_days], got {a.shape}")
        values[k], counts[k] = group_mean(a)
    if cfg.city_mda8 == "max_of_city_8h" and "o3_8h" in values:
        if hourly_o3 is None:
            raise ValueError("city_mda8='max_of_city_8h' needs hourly_o3 [S, D, 24]")
        h = np.asarray(hourly_o3, dtype=np.float64)
        if h.ndim != 3 or h.shape[0] != S or h.shape[-1] != 24:
            raise ValueError(f"hourly_o3 must be [n_stations={S}, n_days, 24], got {h.shape}")
        ch, _n = group_mean(h)
        values["o3_8h"] = mda8(ch).value
    return CityDaily(values, counts)


# ---------------------------------------------------------------------------
# year on year
# ---------------------------------------------------------------------------
def _rules_text(pa: PeriodAssessment) -> str:
    return "；".join(f"{name}（{n}天）" for name, n in pa.rules_used.items())


def year_on_year(current: PeriodAssessment, previous: PeriodAssessment, index=(), *,
                 from_reported: bool | None = None) -> dict:
    """Change and change rate of the main indicators against the same period of the previous year.

    States the rules each side used.  Change rates are computed from the reported (rounded) values
    by default (as MEE bulletins print them; vector 18: 3.06 vs 3.40 → −10.0 %).
    """
    fr = current.config.change_from_reported if from_reported is None else from_reported
    cur, prev = current.summary(index), previous.summary(index)
    out: dict = {"rules_current": _rules_text(current), "rules_previous": _rules_text(previous),
                 "limits_current": current.limits_stage.label, "limits_previous": previous.limits_stage.label,
                 "rules_identical": current.rules_used.keys() == previous.rules_used.keys(), "items": {}}
    for key, c in cur["statistics"].items():
        p = prev["statistics"].get(key)
        if p is None:
            continue
        a, b = (c["value"], p["value"]) if fr else (c["raw"], p["raw"])
        out["items"][key] = _change(a, b)
    a, b = cur["composite_index"], prev["composite_index"]
    if fr and a is not None and b is not None:
        a, b = float(round_half_even(a, 2)), float(round_half_even(b, 2))
    out["items"]["composite_index"] = _change(a, b)
    a, b = cur["good_ratio"], prev["good_ratio"]
    if a is None or b is None:
        points = None
    elif fr:
        points = float(round_half_even(a * 100, 1)) - float(round_half_even(b * 100, 1))
    else:
        points = (a - b) * 100
    out["items"]["good_ratio"] = {"now": a, "base": b, "change_points": points}
    return out


def _change(a, b) -> dict:
    if a is None or b is None:
        return {"now": a, "base": b, "change": None, "change_rate": None, "text": ""}
    rate = change_rate(a, b)
    txt = "持平" if (not np.isnan(rate) and format_percent(abs(rate), 1) == "0.0") else (
        "" if np.isnan(rate) else f"{'上升' if rate > 0 else '下降'}{format_percent(abs(rate), 1)}%")
    return {"now": a, "base": b, "change": a - b, "change_rate": None if np.isnan(rate) else rate, "text": txt}


def assess_year_on_year(cur_daily: Mapping[str, object], cur_dates, prev_daily: Mapping[str, object],
                        prev_dates, *, config: AssessmentConfig | None = None,
                        recompute_previous_under_current: bool = False, index=()) -> dict:
    """Assess both periods and compare.  With ``recompute_previous_under_current`` the previous
    period is also assessed under the rule set (and limit stage) of the current period's last day,
    and both comparisons are returned (``"as_published"`` and ``"same_rules"``).
    """
    cfg = config or AssessmentConfig()
    cur = assess_period(cur_daily, cur_dates, config=cfg)
    prev = assess_period(prev_daily, prev_dates, config=cfg)
    out = {"as_published": year_on_year(cur, prev, index)}
    if recompute_previous_under_current:
        last = _dt.date.fromisoformat(str(np.asarray(cur_dates).astype("datetime64[D]").max()))
        rs = rules_for(last)
        cfg2 = AssessmentConfig(**{**cfg.__dict__, "limits": cur.limits_stage.name})
        prev2 = assess_period(prev_daily, prev_dates, rules=rs, config=cfg2)
        out["same_rules"] = year_on_year(cur, prev2, index)
        out["same_rules"]["note"] = f"上年同期按 {rs.name}（{cur.limits_stage.label}）重新计算"
    return out


_ = OK  # re-exported reason code kept for callers


def rank(values, *, ascending: bool = True, decimals: int | None = 2) -> np.ndarray:
    """Competition ranking ("1, 2, 2, 4"): equal values share a rank (城市空气质量排名: composite index and
    its change rate ascending, good-day ratio descending).  Values are compared after GB/T 8170
    rounding to ``decimals`` (the published precision; None = raw).  NaN gets rank 0 (not ranked)."""
    v = np.asarray(values, dtype=np.float64)
    if decimals is not None:
        v = np.asarray(round_half_even(v, decimals))
    key = v if ascending else -v
    ok = ~np.isnan(key)
    ranks = np.zeros(v.shape, dtype=np.int64)
    k = key[ok]
    # rank = 1 + number of strictly better values
    ranks[ok] = 1 + np.searchsorted(np.sort(k), k, side="left")
    return ranks
