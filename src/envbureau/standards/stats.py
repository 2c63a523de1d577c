"""Period statistics with validity: HJ 663 percentiles, monthly/quarterly/annual means.

Arrays have days on the **last axis** (``[..., n_days]``, NaN = invalid day) with a 1-D
``dates`` array (datetime64[D]) for that axis.

Validity (GB 3095 表4, HJ 663): an annual statistic needs ≥ 324 valid daily values and ≥ 27
in every month (February ≥ 25).  A monthly statistic needs ≥ 27 (February ≥ 25).  Our rules
for other periods (documented choices, not in the standards): a quarter or any multi-month
period needs every month to meet its monthly minimum; a partially covered month needs
``ceil(min_month × covered_days / days_in_month)``; the 324-day minimum applies only to periods
of a full calendar year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .averaging import INSUFFICIENT_DAYS, INSUFFICIENT_MONTH, NO_DATA, OK, REASONS, Validated

__all__ = ["percentile", "percentile_hj663", "period_validity", "period_mean", "period_percentile",
           "period_groups", "MIN_DAYS_YEAR", "min_days_month", "REASONS"]

MIN_DAYS_YEAR = 324


def min_days_month(month: int) -> int:
    """Minimum valid daily values in a month: 27, February 25 (GB 3095 表4)."""
    return 25 if month == 2 else 27


def percentile_hj663(values, p: float) -> float:
    """HJ 663-2013 appendix A percentile of one series (NaN ignored; NaN if empty).

    k = 1 + (n − 1)·p/100, s = int(k), m = X(s) + (X(s+1) − X(s))·(k − s).
    >>> percentile_hj663([3, 4, 8, 2, 5, 4], 90)
    6.5
    """
    return float(percentile(np.asarray(values, dtype=np.float64), p))


def percentile(values, p: float, axis: int = -1) -> np.ndarray:
    """Vectorised HJ 663 percentile along ``axis`` ignoring NaN (= numpy 'linear' method).

    The rank is computed in exact integer arithmetic, so P90 of 1…365 is exactly 328.6.
    """
    x = np.moveaxis(np.asarray(values, dtype=np.float64), axis, -1)
    if not 0 <= p <= 100:
        raise ValueError("p must be within 0..100")
    fr = Fraction(p).limit_denominator(10**6)
    num, den = fr.numerator, fr.denominator * 100
    xs = np.sort(x, axis=-1)  # NaN sorts last
    n = (~np.isnan(x)).sum(axis=-1)
    r = (np.maximum(n - 1, 0).astype(np.int64)) * num  # (n−1)·p in units of 1/den
    s = r // den                                          # 0-based integer part
    rem = r % den
    s1 = np.minimum(s + 1, np.maximum(n - 1, 0))
    lo = np.take_along_axis(xs, s[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(xs, s1[..., None], axis=-1)[..., 0]
    out = lo + (hi - lo) * rem / den  # multiply before dividing: exact for integer-valued data
    return np.where(n > 0, out, np.nan)


def _months(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[M]")


def period_validity(valid_days, dates, *, annual: bool | None = None,
                    min_year: int = MIN_DAYS_YEAR) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validity of a period statistic from the per-day validity mask ``[..., n_days]``.

    ``annual``: apply the ≥ 324-day rule (default: when ``dates`` span a full calendar year).
    Returns (valid bool [...], n_valid int [...], reason int8 [...]).
    """
    v = np.asarray(valid_days, dtype=bool)
    d = np.asarray(dates, dtype="datetime64[D]")
    if d.ndim != 1 or d.shape[0] != v.shape[-1]:
        raise ValueError(f"dates must be 1-D with the length of the day axis ({v.shape[-1]}), got {d.shape}")
    n = v.sum(axis=-1)
    if annual is None:
        annual = _is_full_year(d)
    labels, starts, need = _month_plan(d)
    if starts is not None:  # days sorted by month: one reduceat for every month at once
        counts = np.add.reduceat(v.astype(np.int16), starts, axis=-1) if len(starts) else v[..., :0]
        ok = (counts >= need).all(axis=-1)
    else:
        months = _months(d)
        ok = np.ones(v.shape[:-1], dtype=bool)
        for m, nd in zip(labels, need):
            ok &= v[..., months == m].sum(axis=-1) >= nd
    reason = np.where(ok, OK, INSUFFICIENT_MONTH)
    if annual:
        enough = n >= min_year
        reason = np.where(~enough, INSUFFICIENT_DAYS, reason)
        ok &= enough
    reason = np.where(n == 0, NO_DATA, reason).astype(np.int8)
    return ok, n, reason


def _month_plan(d: np.ndarray):
    """Months of a day axis, the first index of each (None if the days are not grouped by month) and the
    minimum valid days required in each (partially covered months scaled, see the module docstring)."""
    months = _months(d)
    if len(d) and np.all(months[1:] >= months[:-1]):
        starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
        labels = months[starts]
        covered = np.diff(np.r_[starts, len(d)])
    else:
        starts = None
        labels, covered = np.unique(months, return_counts=True)
    need = []
    for m, cov in zip(labels, covered):
        base = min_days_month(int(str(m)[5:7]))
        dim = _days_in_month(m)
        need.append(base if cov >= dim else math.ceil(base * int(cov) / dim))
    return labels, starts, np.array(need, dtype=np.int16)


def _days_in_month(m: np.datetime64) -> int:
    return int(((m + 1).astype("datetime64[D]") - m.astype("datetime64[D]")).astype(int))


def _is_full_year(d: np.ndarray) -> bool:
    if len(d) == 0:
        return False
    first, last = d.min(), d.max()
    y0 = first.astype("datetime64[Y]")
    return (first == y0.astype("datetime64[D]") and last == (y0 + 1).astype("datetime64[D]") - 1
            and len(np.unique(d)) == int((last - first).astype(np.int64)) + 1)


def period_mean(daily, dates, *, annual: bool | None = None) -> Validated:
    """Arithmetic mean of the valid daily values of a period, with validity."""
    x = np.asarray(daily, dtype=np.float64)
    ok = ~np.isnan(x)
    valid, n, reason = period_validity(ok, dates, annual=annual)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(ok, x, 0.0).sum(axis=-1) / np.maximum(n, 1)
    return Validated(np.where(valid, m, np.nan), n, valid, reason)


def period_percentile(daily, dates, p: float, *, annual: bool | None = None) -> Validated:
    """HJ 663 percentile of the valid daily values of a period, with validity."""
    x = np.asarray(daily, dtype=np.float64)
    ok = ~np.isnan(x)
    valid, n, reason = period_validity(ok, dates, annual=annual)
    return Validated(np.where(valid, percentile(x, p), np.nan), n, valid, reason)


def period_groups(dates, kind: str) -> list[tuple[str, np.ndarray]]:
    """Split a day axis into periods: kind in month / quarter / year → [(label, bool mask)]."""
    d = np.asarray(dates, dtype="datetime64[D]")
    if kind == "month":
        keys = np.array([str(x) for x in d.astype("datetime64[M]")])
    elif kind == "year":
        keys = np.array([str(x) for x in d.astype("datetime64[Y]")])
    elif kind == "quarter":
        mm = d.astype("datetime64[M]").astype(int) % 12
        yy = d.astype("datetime64[Y]").astype(int) + 1970
        keys = np.array([f"{y}-Q{m // 3 + 1}" for y, m in zip(yy, mm)])
    else:
        raise ValueError("kind must be month, quarter or year")
    return [(k, keys == k) for k in dict.fromkeys(keys.tolist())]


@dataclass
class GroupStats:
    labels: list[str]
    stats: list[Validated]


def grouped(daily, dates, kind: str, statistic: str = "mean", p: float | None = None) -> GroupStats:
    """Monthly / quarterly / annual statistic of a daily array (one Validated per period)."""
    x = np.asarray(daily, dtype=np.float64)
    d = np.asarray(dates, dtype="datetime64[D]")
    labels, out = [], []
    for label, sel in period_groups(d, kind):
        if statistic == "mean":
            out.append(period_mean(x[..., sel], d[sel], annual=None))
        elif statistic == "percentile":
            if p is None:
                raise ValueError("p required")
            out.append(period_percentile(x[..., sel], d[sel], p, annual=None))
        else:
            raise ValueError("statistic must be mean or percentile")
        labels.append(label)
    return GroupStats(labels, out)
