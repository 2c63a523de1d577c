"""Acoustic environment: GB 3096-2008 limits, day/night split and compliance.

Zone classes ``0 1 2 3 4a 4b`` (table 1).  Day = 06:00–22:00, night = 22:00–06:00 (§3.1.6–3.1.7;
county-level governments may redefine: pass ``day_start``/``night_start``).  Levels in dB(A).

Hourly arrays are ``[..., n_days, 24]`` with hour index h covering h:00–(h+1):00 local time
(same convention as the air module).  The night of day D is 22:00 D → 06:00 D+1 (``night="following"``,
default) or the hours 00–06 and 22–24 of the same calendar day (``night="same_day"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from . import tables

__all__ = ["LIMITS", "limit", "energy_average", "day_night", "compliance", "Compliance", "ZONES",
           "night_burst_compliance"]

LIMITS: Mapping[str, tuple[int, int]] = tables.NOISE_LIMITS
ZONES = tuple(LIMITS)
#: Night burst noise: Lmax may exceed the night limit by at most 15 dB(A) (GB 3096-2008 §5.4, [M]).
NIGHT_BURST_ALLOWANCE = 15


def _zone(zone) -> str:
    z = str(zone).strip().lower().replace("类", "")
    if z not in LIMITS:
        raise ValueError(f"unknown noise zone {zone!r}; use one of {', '.join(ZONES)}")
    return z


def limit(zone, period: str) -> int:
    """Leq limit in dB(A) for ``period`` "day" or "night"."""
    z = _zone(zone)
    if period not in ("day", "night"):
        raise ValueError("period must be 'day' or 'night'")
    return LIMITS[z][0 if period == "day" else 1]


def energy_average(levels, axis=-1, weights=None):
    """Energy (logarithmic) mean 10·lg(mean 10^(L/10)) along ``axis``, NaN ignored (NaN if none)."""
    L = np.asarray(levels, dtype=np.float64)
    e = 10.0 ** (L / 10.0)
    ok = ~np.isnan(e)
    if weights is None:
        w = ok.astype(np.float64)
    else:
        w = np.where(ok, np.broadcast_to(np.asarray(weights, dtype=np.float64), L.shape), 0.0)
    s = np.where(ok, e, 0.0) * w
    ws = w.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ws > 0, 10.0 * np.log10(s.sum(axis=axis) / np.where(ws > 0, ws, 1)), np.nan)


@dataclass
class DayNight:
    ld: np.ndarray        # [..., n_days] day Leq
    ln: np.ndarray        # [..., n_days] night Leq
    n_day_hours: np.ndarray
    n_night_hours: np.ndarray


def day_night(hourly_leq, *, day_start: int = tables.NOISE_DAY_START_HOUR,
              night_start: int = tables.NOISE_NIGHT_START_HOUR, night: str = "following") -> DayNight:
    """Day Leq (Ld) and night Leq (Ln) per day from hourly Leq ``[..., n_days, 24]``."""
    x = np.asarray(hourly_leq, dtype=np.float64)
    if x.ndim < 2 or x.shape[-1] != 24:
        raise ValueError(f"hourly Leq must be shaped [..., n_days, 24], got {x.shape}")
    if np.any(x < 0):
        raise ValueError("negative sound level")
    hours = np.arange(24)
    is_day = (hours >= day_start) & (hours < night_start)
    day = x[..., is_day]
    ld = energy_average(day)
    nd = (~np.isnan(day)).sum(axis=-1)
    if night == "same_day":
        nx = x[..., ~is_day]
    elif night == "following":
        late = x[..., hours >= night_start]
        early = x[..., hours < day_start]
        early_next = np.concatenate([early[..., 1:, :], np.full(early[..., :1, :].shape, np.nan)], axis=-2)
        nx = np.concatenate([late, early_next], axis=-1)
    else:
        raise ValueError("night must be 'following' or 'same_day'")
    ln = energy_average(nx)
    nn = (~np.isnan(nx)).sum(axis=-1)
    return DayNight(ld, ln, nd, nn)


@dataclass
class Compliance:
    zone: str
    period: str
    leq: np.ndarray
    limit: int
    exceedance: np.ndarray   # dB over the limit (0 where compliant, NaN where missing)
    compliant: np.ndarray    # bool


def compliance(leq, zone, period: str, *, decimals: int | None = 1) -> Compliance:
    """Compliance of Leq with the zone limit: exceedance = Leq − limit (dB).

    ``decimals``: Leq is rounded half-even to this many decimals before the comparison
    (修约值比较; None = compare unrounded).
    """
    from .rounding import round_half_even

    lim = limit(zone, period)
    L = np.asarray(leq, dtype=np.float64)
    if np.any(L < 0):
        raise ValueError("negative sound level")
    Lr = L if decimals is None else np.asarray(round_half_even(L, decimals))
    exc = np.where(np.isnan(Lr), np.nan, np.maximum(Lr - lim, 0.0))
    return Compliance(_zone(zone), period, Lr, lim, exc, ~np.isnan(Lr) & (Lr <= lim))


def night_burst_compliance(lmax, zone) -> Compliance:
    """Night burst (sudden) noise: Lmax may exceed the night limit by at most 15 dB(A)
    (GB 3096-2008 §5.4; this clause is recalled, not read [M])."""
    z = _zone(zone)
    lim = LIMITS[z][1] + NIGHT_BURST_ALLOWANCE
    L = np.asarray(lmax, dtype=np.float64)
    if np.any(L < 0):
        raise ValueError("negative sound level")
    exc = np.where(np.isnan(L), np.nan, np.maximum(L - lim, 0.0))
    return Compliance(z, "night_burst", L, lim, exc, ~np.isnan(L) & (L <= lim))
