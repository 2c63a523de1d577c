"""The two generations of air rules as explicit, named objects.

``RULES_2012``: HJ 633-2012 + GB 3095-2012 (and its 2018 amendment), in force
2016-01-01 … 2026-02-28.  ``RULES_2026``: HJ 633-2026 + GB 3095-2026 from 2026-03-01, with the
GB 3095-2026 §4.4 limit stages "transitional" (to 2030-12-31) and "final" (from 2031-01-01).
:func:`rules_for` picks one by date; nothing mixes them silently.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np

from . import tables
from .rounding import SCALE_DIGITS, scaled_constant

SWITCH_DATE = _dt.date(2026, 3, 1)
FINAL_STAGE_DATE = _dt.date(2031, 1, 1)


@dataclass(frozen=True)
class LimitStage:
    """One set of GB 3095 limits with its validity window."""

    name: str                       # "gb3095-2012", "transitional", "final"
    label: str                      # human label, Chinese
    effective_from: _dt.date
    effective_to: _dt.date | None   # inclusive; None = open
    limits: Mapping[tuple[str, str], tuple[str, str]]

    def limit(self, pollutant: str, averaging: str, grade: int = 2) -> float:
        """Limit as float (µg/m³, CO mg/m³). ``averaging`` in annual/24h/8h/1h/quarterly."""
        try:
            g1, g2 = self.limits[(pollutant, averaging)]
        except KeyError:
            raise KeyError(f"no GB 3095 limit for {pollutant} {averaging} in stage {self.name}") from None
        if grade not in (1, 2):
            raise ValueError("grade must be 1 or 2")
        return float(g1 if grade == 1 else g2)

    def limit_str(self, pollutant: str, averaging: str, grade: int = 2) -> str:
        g1, g2 = self.limits[(pollutant, averaging)]
        return g1 if grade == 1 else g2


@dataclass(frozen=True)
class RuleSet:
    """A complete, named air rule set (HJ 633 + GB 3095 generation)."""

    code: str                                   # "2012" | "2026"
    name: str                                   # "HJ 633-2012 / GB 3095-2012"
    effective_from: _dt.date
    effective_to: _dt.date | None               # inclusive
    breakpoints: Mapping[str, tuple[str, ...]]  # indicator → concentration breakpoints
    iaqi_levels: tuple[int, ...]
    daily_indicators: tuple[str, ...]           # indicators entering the daily AQI
    hourly_indicators: tuple[str, ...]          # indicators entering the hourly AQI
    round_inputs: bool                          # GB/T 8170 rounding of concentrations before IAQI
    defines_exceeding_pollutant: bool           # 2012 "超标污染物" = IAQI > 100
    so2_1h_over_800: str                        # "use_24h" (2012) | "fixed_200" (2026)
    o3_8h_over_800: str                         # "use_1h" (2012) | "fixed_300" (2026)
    aqi_min: int                                # category table lower bound (0 in 2012, 1 in 2026)
    stages: tuple[LimitStage, ...]
    # a day/hour with a missing indicator: "available" (2012 practice: AQI of the indicators present)
    # or "hj633_2026" (HJ 633-2026 §5.3: published only if complete or > 100); see air.VALID_DAY_RULES
    missing_data_rule: str = "hj633_2026"
    clauses: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # short, for logs and stored results
        return f"<RuleSet {self.name}>"

    def stage_for(self, date: _dt.date | str | None = None) -> LimitStage:
        """Limit stage in force on ``date`` (first stage if None)."""
        if date is None:
            return self.stages[0]
        d = _as_date(date)
        for st in self.stages:
            if st.effective_from <= d and (st.effective_to is None or d <= st.effective_to):
                return st
        # dates outside the rule set's own window: nearest stage
        return self.stages[0] if d < self.stages[0].effective_from else self.stages[-1]

    def stage(self, name: str) -> LimitStage:
        for st in self.stages:
            if st.name == name:
                return st
        raise KeyError(f"{self.name} has no limit stage {name!r}; stages: {[s.name for s in self.stages]}")

    def scaled_breakpoints(self, indicator: str) -> np.ndarray:
        return _scaled_bp(self.code, indicator)

    def covers(self, date) -> bool:
        d = _as_date(date)
        return self.effective_from <= d and (self.effective_to is None or d <= self.effective_to)


_STAGE_2012 = LimitStage(
    "gb3095-2012", "GB 3095-2012 二级", _dt.date(2016, 1, 1), _dt.date(2026, 2, 28),
    tables.LIMITS_GB3095_2012,
)
_STAGE_TRANSITIONAL = LimitStage(
    "transitional", "GB 3095-2026 过渡阶段", SWITCH_DATE, _dt.date(2030, 12, 31),
    tables.LIMITS_GB3095_2026_TRANSITIONAL,
)
_STAGE_FINAL = LimitStage(
    "final", "GB 3095-2026 最终阶段", FINAL_STAGE_DATE, None, tables.LIMITS_GB3095_2026_FINAL,
)

RULES_2012 = RuleSet(
    code="2012",
    name="HJ 633-2012 / GB 3095-2012",
    effective_from=_dt.date(2016, 1, 1),
    effective_to=_dt.date(2026, 2, 28),
    breakpoints=tables.BREAKPOINTS_2012,
    iaqi_levels=tables.IAQI_LEVELS,
    # HJ 633-2012 §5.1.3 table 3: daily AQI uses O3 daily max 1h AND MDA8.
    daily_indicators=("so2_24h", "no2_24h", "pm10_24h", "co_24h", "o3_1h", "o3_8h", "pm25_24h"),
    # §5.1.2 table 4: hourly AQI; PM from 24-h moving means, O3 also from the 8-h moving mean.
    hourly_indicators=("so2_1h", "no2_1h", "pm10_24h", "co_1h", "o3_1h", "o3_8h", "pm25_24h"),
    round_inputs=False,
    defines_exceeding_pollutant=True,
    so2_1h_over_800="use_24h",
    o3_8h_over_800="use_1h",
    aqi_min=0,
    stages=(_STAGE_2012,),
    # HJ 633-2012 has no missing-data clause; the AQI was computed from the indicators monitored
    missing_data_rule="available",
    clauses=MappingProxyType({
        "breakpoints": "HJ 633-2012 表1", "ceiling": "HJ 633-2012 §6.2 全部进位取整数",
        "primary": "HJ 633-2012 §3.3, §4.4.2", "exceeding": "HJ 633-2012 §3.4",
    }),
)

RULES_2026 = RuleSet(
    code="2026",
    name="HJ 633-2026 / GB 3095-2026",
    effective_from=SWITCH_DATE,
    effective_to=None,
    breakpoints=tables.BREAKPOINTS_2026,
    iaqi_levels=tables.IAQI_LEVELS,
    # HJ 633-2026 §4.2.3 table 5: six daily indicators, O3 by MDA8 only.
    daily_indicators=("so2_24h", "no2_24h", "pm10_24h", "co_24h", "o3_8h", "pm25_24h"),
    # §4.2.2 table 4: six 1-h values; PM evaluated on the daily breakpoints.
    hourly_indicators=("so2_1h", "no2_1h", "pm10_1h", "co_1h", "o3_1h", "pm25_1h"),
    round_inputs=True,
    defines_exceeding_pollutant=False,
    so2_1h_over_800="fixed_200",
    o3_8h_over_800="fixed_300",
    aqi_min=1,
    stages=(_STAGE_TRANSITIONAL, _STAGE_FINAL),
    missing_data_rule="hj633_2026",
    clauses=MappingProxyType({
        "breakpoints": "HJ 633-2026 表3", "ceiling": "HJ 633-2026 §4.2.6 全部向上进位取整数",
        "input_rounding": "HJ 633-2026 §4.2.2 (GB/T 8170)", "primary": "HJ 633-2026 §3.3, §4.3.1",
        "missing": "HJ 633-2026 §5.3", "stages": "GB 3095-2026 §4.4",
    }),
)

RULE_SETS: Mapping[str, RuleSet] = MappingProxyType({"2012": RULES_2012, "2026": RULES_2026})


def _as_date(d) -> _dt.date:
    if isinstance(d, _dt.datetime):
        return d.date()
    if isinstance(d, _dt.date):
        return d
    if isinstance(d, np.datetime64):
        return _dt.date.fromisoformat(str(d.astype("datetime64[D]")))
    if isinstance(d, str):
        return _dt.date.fromisoformat(d[:10])
    raise TypeError(f"not a date: {d!r}")


def get_rules(rules: "RuleSet | str | int") -> RuleSet:
    """RuleSet from an object or a code ("2012", "2026", 2012, 2026)."""
    if isinstance(rules, RuleSet):
        return rules
    key = str(rules)
    if key not in RULE_SETS:
        raise ValueError(f"unknown rule set {rules!r}; use one of {sorted(RULE_SETS)}")
    return RULE_SETS[key]


def rules_for(date) -> RuleSet:
    """Rule set in force on ``date`` (local calendar date of the data): 2026 from 2026-03-01.

    Dates before 2016-01-01 get RULES_2012 too (the only earlier AQI rules are the same HJ 633-2012,
    applied in the first-phase cities from 2013).
    """
    return RULES_2026 if _as_date(date) >= SWITCH_DATE else RULES_2012


def rule_codes_for(dates) -> np.ndarray:
    """Vectorised :func:`rules_for`: array of "2012"/"2026" codes for datetime64 dates."""
    d = np.asarray(dates, dtype="datetime64[D]")
    return np.where(d >= np.datetime64(SWITCH_DATE.isoformat(), "D"), "2026", "2012")


_BP_CACHE: dict[tuple[str, str], np.ndarray] = {}


def _scaled_bp(code: str, indicator: str) -> np.ndarray:
    key = (code, indicator)
    if key not in _BP_CACHE:
        rs = RULE_SETS[code]
        if indicator not in rs.breakpoints:
            raise KeyError(indicator)
        _BP_CACHE[key] = np.array([scaled_constant(b, SCALE_DIGITS) for b in rs.breakpoints[indicator]],
                                  dtype=np.float64)  # integer-valued, exact
    return _BP_CACHE[key]
