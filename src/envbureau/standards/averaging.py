"""Hourly → daily averaging with the GB 3095 data-validity rules (GB 3095-2012/2026 table 4).

Hour convention: hourly arrays are shaped ``[..., n_days, 24]`` with hour index h = 0..23 of the
local natural day, the value at index h covering h:00–(h+1):00 ("hour starting", as the
Beijing PRSA files label them).  CNEMC labels the same value "h+1时" (hour ending); convert at
the import boundary by shifting one index.  A natural day is therefore indices 0..23.

NaN = missing.  Negative values raise ValueError.  Every result carries the count of valid inputs,
a validity mask and a reason code (:data:`REASONS`); invalid results are NaN, never computed from
too little data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .rounding import SCALE, round_half_even_scaled, to_scaled

# reason codes (int8) used by every validity mask in the package
OK = 0
INSUFFICIENT_HOURS = 1
INSUFFICIENT_WINDOWS = 2
INSUFFICIENT_DAYS = 3
INSUFFICIENT_MONTH = 4
NO_DATA = 5
INSUFFICIENT_STATIONS = 6

REASONS: dict[int, str] = {
    OK: "有效",
    INSUFFICIENT_HOURS: "有效小时数不足 (GB 3095 表4: 日均值至少20个小时平均浓度值; 8小时至少6个)",
    INSUFFICIENT_WINDOWS: "有效8小时滑动平均值不足14个且最大值未超标 (HJ 663 §6.1.2)",
    INSUFFICIENT_DAYS: "有效日数不足 (GB 3095 表4: 每年至少324个日平均浓度值)",
    INSUFFICIENT_MONTH: "某月有效日数不足 (GB 3095 表4: 每月至少27个, 二月至少25个)",
    NO_DATA: "无有效数据",
    INSUFFICIENT_STATIONS: "有效点位数不足",
}

#: daily-mean pollutants (GB 3095 table 4: ≥ 20 hourly values)
DAILY_MEAN_POLLUTANTS = ("so2", "no2", "pm10", "co", "pm25")
N_MDA8_WINDOWS = 17


def _check_hourly(name: str, a) -> np.ndarray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim < 2 or arr.shape[-1] != 24:
        raise ValueError(f"{name}: hourly array must be shaped [..., n_days, 24], got {arr.shape}")
    if np.any(arr < 0):
        idx = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise ValueError(f"{name}: negative concentration at index {idx} (NaN = missing)")
    return arr


@dataclass
class Validated:
    """A statistic with its validity: ``value`` is NaN where ``valid`` is False."""

    value: np.ndarray
    n_valid: np.ndarray   # number of valid inputs (hours, windows, days …)
    valid: np.ndarray     # bool
    reason: np.ndarray    # int8 reason code, see REASONS

    def reasons_text(self) -> np.ndarray:
        return np.vectorize(REASONS.get, otypes=[object])(self.reason)


def daily_mean(hourly, *, min_hours: int = 20, name: str = "hourly") -> Validated:
    """24-h mean of a natural day: valid with ≥ ``min_hours`` valid hours (GB 3095 表4)."""
    x = _check_hourly(name, hourly)
    ok = ~np.isnan(x)
    n = ok.sum(axis=-1, dtype=np.int16)
    s = np.where(ok, x, 0.0).sum(axis=-1)
    valid = n >= min_hours
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, s / np.maximum(n, 1), np.nan)
    reason = np.where(valid, OK, np.where(n == 0, NO_DATA, INSUFFICIENT_HOURS)).astype(np.int8)
    return Validated(mean, n, valid, reason)


def daily_max_1h(hourly, *, min_hours: int = 20, limit: float | None = None,
                 name: str = "o3") -> Validated:
    """Daily maximum 1-h value (2012 daily AQI uses the O3 daily max 1-h).

    Valid with ≥ ``min_hours`` valid hours [our default, by analogy with the daily mean], or, as for
    MDA8, with fewer hours if the maximum exceeds ``limit``.
    """
    x = _check_hourly(name, hourly)
    ok = ~np.isnan(x)
    n = ok.sum(axis=-1, dtype=np.int16)
    mx = np.where(ok, x, -np.inf).max(axis=-1)
    valid = n >= min_hours
    if limit is not None:
        valid |= (n > 0) & (_rounded_int(mx) > limit)
    reason = np.where(valid, OK, np.where(n == 0, NO_DATA, INSUFFICIENT_HOURS)).astype(np.int8)
    return Validated(np.where(valid, mx, np.nan), n, valid, reason)


def _rounded_int(v: np.ndarray) -> np.ndarray:
    """GB/T 8170 integer rounding for comparisons (修约值比较); -inf/NaN → -1."""
    v = np.asarray(v, dtype=np.float64)
    bad = ~np.isfinite(v)
    r = round_half_even_scaled(to_scaled(np.where(bad, 0.0, v)), 0) // SCALE
    return np.where(bad, -1, r)


def o3_8h_windows(hourly, *, min_hours: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """The 17 within-day 8-h moving means of each day: window k covers hour indices k..k+7
    (k = 0 → 00:00–08:00, k = 16 → 16:00–24:00; CNEMC labels 8时 … 24时).

    Returns ``(means [..., n_days, 17], valid [..., n_days, 17])``; a window is valid with ≥ 6 valid
    hours (GB 3095 表4), invalid windows are NaN.
    """
    x = _check_hourly("o3", hourly)
    ok = ~np.isnan(x)
    xf = np.where(ok, x, 0.0)
    s = np.zeros(x.shape[:-1] + (N_MDA8_WINDOWS,))
    n = np.zeros(x.shape[:-1] + (N_MDA8_WINDOWS,), dtype=np.int8)
    for k in range(8):  # direct 8-term sums: no cumsum cancellation
        s += xf[..., k:k + N_MDA8_WINDOWS]
        n += ok[..., k:k + N_MDA8_WINDOWS]
    valid = n >= min_hours
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(valid, s / np.maximum(n, 1), np.nan)
    return means, valid


def mda8(hourly, *, limit: float = 160.0, min_windows: int = 14, min_hours: int = 6) -> Validated:
    """O3 daily maximum 8-h mean (MDA8) over the 17 windows of the natural day.

    Valid with ≥ 14 valid windows; with fewer it is still valid if the maximum exceeds ``limit``
    (GB 3095 Grade II 8-h limit, 160 µg/m³; compared after GB/T 8170 integer rounding) — HJ 663
    §6.1.2 ("still valid if it exceeds").  ``n_valid`` = number of valid windows.
    """
    means, wvalid = o3_8h_windows(hourly, min_hours=min_hours)
    nw = wvalid.sum(axis=-1, dtype=np.int8)
    mx = np.where(wvalid, means, -np.inf).max(axis=-1)
    valid = (nw >= min_windows) | ((nw > 0) & (_rounded_int(mx) > limit))
    reason = np.where(valid, OK, np.where(nw == 0, NO_DATA, INSUFFICIENT_WINDOWS)).astype(np.int8)
    return Validated(np.where(valid, mx, np.nan), nw, valid, reason)


def moving_mean(series, window: int, *, min_valid: int) -> Validated:
    """Trailing moving mean along the last axis (a continuous hourly series ``[..., n_hours]``):
    value at t covers t−window+1 … t (crosses midnight; used by the 2012 hourly report for the
    PM 24-h and O3 8-h moving means).  Valid with ≥ ``min_valid`` valid hours in the window;
    the first window−1 positions only see the hours available.
    """
    x = np.asarray(series, dtype=np.float64)
    if np.any(x < 0):
        raise ValueError("negative concentration in hourly series (NaN = missing)")
    ok = ~np.isnan(x)
    cs = np.cumsum(np.where(ok, x, 0.0), axis=-1)
    cn = np.cumsum(ok, axis=-1, dtype=np.int32)
    pad_s = np.zeros(x.shape[:-1] + (1,))
    cs = np.concatenate([pad_s, cs], axis=-1)
    cn = np.concatenate([pad_s.astype(np.int32), cn], axis=-1)
    t = np.arange(1, x.shape[-1] + 1)
    start = np.maximum(t - window, 0)
    s = cs[..., t] - cs[..., start]
    n = cn[..., t] - cn[..., start]
    valid = n >= min_valid
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(valid, s / np.maximum(n, 1), np.nan)
    # cumsum differences carry ~1e-13 noise; snap to the 1e-9 grid so printed values stay clean
    m = np.round(m, 9)
    reason = np.where(valid, OK, np.where(n == 0, NO_DATA, INSUFFICIENT_HOURS)).astype(np.int8)
    return Validated(m, n, valid, reason)


@dataclass
class DailySeries:
    """Daily concentrations computed from hourly data, keyed by indicator code.

    ``values[code]`` is [..., n_days] with NaN where invalid; ``validity[code]`` holds counts/reasons.
    Codes: so2_24h no2_24h co_24h pm10_24h pm25_24h (24-h means), o3_8h (MDA8), o3_1h (daily max 1-h).
    """

    values: dict[str, np.ndarray]
    validity: dict[str, Validated]

    def valid_mask(self, codes=None) -> np.ndarray:
        codes = list(self.values) if codes is None else codes
        return np.logical_and.reduce([self.validity[c].valid for c in codes])


_HOURLY_KEYS = {"so2": "so2", "no2": "no2", "co": "co", "pm10": "pm10", "pm25": "pm25", "pm2_5": "pm25",
                "o3": "o3"}


def daily_from_hourly(hourly: Mapping[str, object], *, min_hours: int = 20, o3_limit: float = 160.0,
                      o3_1h_limit: float | None = 200.0, mda8_min_windows: int = 14,
                      with_o3_1h: bool = True) -> DailySeries:
    """Daily values of a whole station-year (or many) in one call.

    ``hourly``: pollutant (so2 no2 co pm10 pm25 o3) → array [..., n_days, 24].  Returns 24-h means
    (≥ 20 valid hours), O3 MDA8 (17 windows, ≥ 14 valid or exceeding ``o3_limit``) and, if
    ``with_o3_1h``, the O3 daily max 1-h value (needed by the 2012 daily AQI).
    """
    values: dict[str, np.ndarray] = {}
    validity: dict[str, Validated] = {}
    for k, arr in hourly.items():
        pol = _HOURLY_KEYS.get(k.lower())
        if pol is None:
            raise ValueError(f"unknown pollutant code {k!r}; known: so2 no2 co pm10 pm25 o3")
        if pol == "o3":
            v = mda8(arr, limit=o3_limit, min_windows=mda8_min_windows)
            values["o3_8h"], validity["o3_8h"] = v.value, v
            if with_o3_1h:
                v1 = daily_max_1h(arr, min_hours=min_hours, limit=o3_1h_limit)
                values["o3_1h"], validity["o3_1h"] = v1.value, v1
        else:
            v = daily_mean(arr, min_hours=min_hours, name=k)
            values[f"{pol}_24h"], validity[f"{pol}_24h"] = v.value, v
    return DailySeries(values, validity)
