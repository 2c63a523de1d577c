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

import os
from concurrent.futures import ThreadPoolExecutor
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
_CHUNK = 8192  # station-days per block: the work on a block stays in the CPU cache


def _check_hourly(name: str, a) -> np.ndarray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim < 2 or arr.shape[-1] != 24:
        raise ValueError(f"{name}: hourly array must be shaped [..., n_days, 24], got {arr.shape}")
    if arr.size and np.fmin.reduce(arr, axis=None) < 0:  # one pass, no temporary; NaN ignored
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


def _count_true_last(m: np.ndarray) -> np.ndarray:
    """Count of True along the last axis (fast path for a contiguous last axis of 24: bytes summed
    eight at a time inside uint64 words)."""
    if m.shape[-1] == 24 and m.flags.c_contiguous and m.dtype == np.bool_:
        v = m.reshape(-1, 3, 8).view(np.uint64)[..., 0]
        c = ((v * np.uint64(0x0101010101010101)) >> np.uint64(56)).sum(axis=-1)
        return c.astype(np.int16).reshape(m.shape[:-1])
    return m.sum(axis=-1, dtype=np.int16)


def _daily_sums(x: np.ndarray, miss: np.ndarray) -> np.ndarray:
    """Sums of the valid hours of each day, block by block in the CPU cache (zero-fill + sum; exact for
    integer-valued data)."""
    X = x.reshape(-1, 24)
    M = miss.reshape(-1, 24)
    out = np.empty(X.shape[0])
    for a in range(0, X.shape[0], _CHUNK):
        b = min(X.shape[0], a + _CHUNK)
        # no BLAS here: OpenBLAS threads spinning beside our own threads cost more than they save
        out[a:b] = np.where(M[a:b], 0.0, X[a:b]).sum(axis=1)
    return out.reshape(x.shape[:-1])


def _daily_mean_core(x: np.ndarray, miss: np.ndarray, min_hours: int) -> Validated:
    n = (24 - _count_true_last(miss)).astype(np.int16)
    s = _daily_sums(x, miss)
    valid = n >= min_hours
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, s / np.maximum(n, 1), np.nan)
    reason = np.where(valid, OK, np.where(n == 0, NO_DATA, INSUFFICIENT_HOURS)).astype(np.int8)
    return Validated(mean, n, valid, reason)


def daily_mean(hourly, *, min_hours: int = 20, name: str = "hourly") -> Validated:
    """24-h mean of a natural day: valid with ≥ ``min_hours`` valid hours (GB 3095 表4)."""
    x = _check_hourly(name, hourly)
    return _daily_mean_core(x, np.isnan(x), min_hours)


def daily_max_1h(hourly, *, min_hours: int = 20, limit: float | None = None,
                 name: str = "o3") -> Validated:
    """Daily maximum 1-h value (2012 daily AQI uses the O3 daily max 1-h).

    Valid with ≥ ``min_hours`` valid hours [our default, by analogy with the daily mean], or, as for
    MDA8, with fewer hours if the maximum exceeds ``limit``.
    """
    x = _check_hourly(name, hourly)
    return _daily_max_core(x, np.isnan(x), min_hours, limit)


def _daily_max_core(x, miss, min_hours, limit) -> Validated:
    n = (24 - _count_true_last(miss)).astype(np.int16)
    mx = np.fmax.reduce(x, axis=-1)  # NaN-ignoring; all-NaN → NaN
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


def _windows_chunk(xc: np.ndarray, mc: np.ndarray, min_hours: int) -> tuple[np.ndarray, np.ndarray]:
    """8-h window means of a block [c, 24] → (means [c, 17] (garbage where invalid), valid [c, 17]).

    Sums of ≤ 8 values by shifted slices: exact for integer-valued data.
    """
    xz = np.where(mc, 0.0, xc)
    ok = np.logical_not(mc).view(np.int8)
    s = xz[:, 0:N_MDA8_WINDOWS].copy()
    n = ok[:, 0:N_MDA8_WINDOWS].copy()
    for k in range(1, 8):
        s += xz[:, k:k + N_MDA8_WINDOWS]
        n += ok[:, k:k + N_MDA8_WINDOWS]
    valid = n >= min_hours
    with np.errstate(invalid="ignore", divide="ignore"):
        means = s / n
    return means, valid


def o3_8h_windows(hourly, *, min_hours: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """The 17 within-day 8-h moving means of each day: window k covers hour indices k..k+7
    (k = 0 → 00:00–08:00, k = 16 → 16:00–24:00; CNEMC labels 8时 … 24时).

    Returns ``(means [..., n_days, 17], valid [..., n_days, 17])``; a window is valid with ≥ 6 valid
    hours (GB 3095 表4), invalid windows are NaN.
    """
    x = _check_hourly("o3", hourly)
    X = x.reshape(-1, 24)
    M = np.isnan(X)
    means = np.empty((X.shape[0], N_MDA8_WINDOWS))
    valid = np.empty((X.shape[0], N_MDA8_WINDOWS), dtype=bool)
    for a in range(0, X.shape[0], _CHUNK):
        b = min(X.shape[0], a + _CHUNK)
        m, v = _windows_chunk(X[a:b], M[a:b], min_hours)
        means[a:b] = np.where(v, m, np.nan)
        valid[a:b] = v
    shape = x.shape[:-1] + (N_MDA8_WINDOWS,)
    return means.reshape(shape), valid.reshape(shape)


def mda8(hourly, *, limit: float = 160.0, min_windows: int = 14, min_hours: int = 6) -> Validated:
    """O3 daily maximum 8-h mean (MDA8) over the 17 windows of the natural day.

    Valid with ≥ 14 valid windows; with fewer it is still valid if the maximum exceeds ``limit``
    (GB 3095 Grade II 8-h limit, 160 µg/m³; compared after GB/T 8170 integer rounding) — HJ 663
    §6.1.2 ("still valid if it exceeds").  ``n_valid`` = number of valid windows.
    """
    x = _check_hourly("o3", hourly)
    return _mda8_core(x, np.isnan(x), limit, min_windows, min_hours)


def _mda8_core(x, miss, limit, min_windows, min_hours) -> Validated:
    X = x.reshape(-1, 24)
    M = miss.reshape(-1, 24)
    mx = np.empty(X.shape[0])
    nw = np.empty(X.shape[0], dtype=np.int8)
    for a in range(0, X.shape[0], _CHUNK):
        b = min(X.shape[0], a + _CHUNK)
        means, wvalid = _windows_chunk(X[a:b], M[a:b], min_hours)
        nw[a:b] = wvalid.sum(axis=-1, dtype=np.int8)
        mx[a:b] = np.max(means, axis=-1, where=wvalid, initial=-np.inf)
    mx = mx.reshape(x.shape[:-1])
    nw = nw.reshape(x.shape[:-1])
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
                      with_o3_1h: bool = True, workers: int | None = None) -> DailySeries:
    """Daily values of a whole station-year (or many) in one call.

    ``hourly``: pollutant (so2 no2 co pm10 pm25 o3) → array [..., n_days, 24].  Returns 24-h means
    (≥ 20 valid hours), O3 MDA8 (17 windows, ≥ 14 valid or exceeding ``o3_limit``) and, if
    ``with_o3_1h``, the O3 daily max 1-h value (needed by the 2012 daily AQI).  ``workers``: threads
    (default: one per pollutant up to the number of CPUs; 1 = no threads).
    """
    jobs = []
    for k, arr in hourly.items():
        pol = _HOURLY_KEYS.get(k.lower())
        if pol is None:
            raise ValueError(f"unknown pollutant code {k!r}; known: so2 no2 co pm10 pm25 o3")
        jobs.append((k, pol, arr))

    def one(job):
        k, pol, arr = job
        x = _check_hourly(k, arr)
        miss = np.isnan(x)
        if pol == "o3":
            out = [("o3_8h", _mda8_core(x, miss, o3_limit, mda8_min_windows, 6))]
            if with_o3_1h:
                out.append(("o3_1h", _daily_max_core(x, miss, min_hours, o3_1h_limit)))
            return out
        return [(f"{pol}_24h", _daily_mean_core(x, miss, min_hours))]

    big = sum(np.size(j[2]) for j in jobs) > 1_000_000  # threads only pay off on large inputs
    n_workers = (min(len(jobs), os.cpu_count() or 1) if big else 1) if workers is None else max(1, workers)
    if n_workers > 1:
        # numpy releases the GIL in these kernels: one thread per pollutant uses every core
        with ThreadPoolExecutor(max_workers=n_workers) as ex:
            results = list(ex.map(one, jobs))
    else:
        results = [one(j) for j in jobs]
    validity = {code: v for res in results for code, v in res}
    values = {code: v.value for code, v in validity.items()}
    return DailySeries(values, validity)
