"""pandas / polars wrappers around the array functions.

A frame goes in, a frame of the same library comes out (pandas or polars, detected by duck typing;
neither is imported unless the caller's frame needs it).

- :func:`daily_aqi_frame` — long hourly table (station, hour-start time, pollutant columns) →
  one row per station-day with daily concentrations, validity and AQI.
- :func:`aqi_frame` — one report per row (daily concentrations and a date) → the same rows with the
  AQI, category, primary/exceeding pollutants and the rule set used.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import air
from .tables import AQI_CATEGORIES

POLLUTANT_COLUMNS = ("so2", "no2", "co", "pm10", "pm25", "o3")


def _is_polars(df) -> bool:
    return type(df).__module__.split(".")[0] == "polars"


def _column(df, name: str) -> np.ndarray:
    if name not in df.columns:
        raise ValueError(f"missing column {name!r}; columns: {list(df.columns)}")
    col = df[name]
    return col.to_numpy()


def _make_frame(like, data: dict[str, Any]):
    if _is_polars(like):
        import polars as pl

        return pl.DataFrame(data)
    import pandas as pd

    return pd.DataFrame(data)


def daily_aqi_frame(df, *, station: str = "station", time: str = "time", rules=None,
                    columns: dict[str, str] | None = None):
    """Daily AQI of every station-day of a long hourly table.

    ``time``: hour-start timestamps (local time; the value covers time … time + 1 h).  ``columns``:
    pollutant code → column name (default: the codes so2 no2 co pm10 pm25 o3 themselves; CO in mg/m³).
    Missing rows and NaN are missing hours.
    """
    cols = columns or {p: p for p in POLLUTANT_COLUMNS if p in df.columns}
    if not cols:
        raise ValueError(f"no pollutant columns found; expected some of {POLLUTANT_COLUMNS}")
    st = _column(df, station)
    t = _column(df, time).astype("datetime64[h]")
    st_codes, st_idx = np.unique(st, return_inverse=True)
    day = t.astype("datetime64[D]")
    d0, d1 = day.min(), day.max()
    dates = np.arange(d0, d1 + 1, dtype="datetime64[D]")
    di = (day - d0).astype(np.int64)
    hi = (t - day.astype("datetime64[h]")).astype(np.int64)
    S, D = len(st_codes), len(dates)
    hourly = {}
    for pol, name in cols.items():
        a = np.full((S, D, 24), np.nan)
        a[st_idx, di, hi] = np.asarray(_column(df, name), dtype=np.float64)
        hourly[pol] = a
    r = air.daily_aqi_from_hourly(hourly, dates, rules=rules)
    out: dict[str, Any] = {
        station: np.repeat(st_codes, D),
        "date": np.tile(dates, S),
    }
    for code, v in r.daily.values.items():
        out[code] = v.reshape(-1)
        out[f"{code}_n"] = r.daily.validity[code].n_valid.reshape(-1)
    out.update(_aqi_columns(r.aqi, S * D))
    return _make_frame(df, out)


def _aqi_columns(res: air.AQIByDate, n: int) -> dict[str, Any]:
    level = res.level.reshape(-1)
    names = np.array([""] + [c[3] for c in AQI_CATEGORIES], dtype=object)
    hexes = np.array([""] + [c[6] for c in AQI_CATEGORIES], dtype=object)
    prim = res.primary.reshape(n, -1)
    exc = res.exceeding.reshape(n, -1)
    inds = np.array(res.indicators, dtype=object)
    rules_code = np.broadcast_to(res.rules_code, res.aqi.shape).reshape(-1)
    return {
        "aqi": res.aqi.reshape(-1), "level": level, "category": names[level], "colour": hexes[level],
        "primary_pollutants": [";".join(inds[row]) for row in prim],
        "exceeding_pollutants": [";".join(inds[row]) for row in exc],
        "rules": rules_code,
    }


def aqi_frame(df, *, date: str | None = "date", rules=None, period: str = "day"):
    """AQI of one report per row.  Columns named by pollutant/indicator codes (pm25, o3_8h …);
    ``date`` column picks each row's rule set (or pass ``rules``)."""
    keys = [c for c in df.columns if c != date and c.lower() in set(air.INDICATORS) | set(air.POLLUTANTS)]
    if not keys:
        raise ValueError("no pollutant columns found")
    n = len(df)
    conc = {k: np.asarray(_column(df, k), dtype=np.float64) for k in keys}
    if date is not None and date in df.columns:
        dates = _column(df, date).astype("datetime64[D]")
    elif rules is not None:
        dates = np.full(n, np.datetime64("2026-03-01" if air.get_rules(rules).code == "2026" else "2025-01-01"))
    else:
        raise ValueError("give a date column or rules")
    res = air.aqi_by_date(conc, dates, rules=rules, period=period)
    out = {c: _column(df, c) for c in df.columns}
    out.update(_aqi_columns(res, n))
    return _make_frame(df, out)
