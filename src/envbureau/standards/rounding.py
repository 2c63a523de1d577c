"""Exact decimal helpers: GB/T 8170 rounding (四舍六入五成双) and scaled-integer arithmetic.

Floats are interpreted as the decimal they print as, to ``SCALE_DIGITS`` (6) decimal places:
``to_scaled(2.2)`` is exactly 2 200 000.  All comparisons with limits and the IAQI ceiling are
then done on these integers (int64, or integer-valued float64 where that is exact and faster), so a
result that is exactly an integer never flips to the next one
(HJ 633 "全部进位取整数"; plain floats give 56 for CO 2.2 mg/m³).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

import numpy as np

SCALE_DIGITS = 6
SCALE = 10**SCALE_DIGITS


def dec(value: str | int | float | Decimal) -> Decimal:
    """Decimal from a table string or a float (floats via their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def scaled_constant(value: str | int | float | Decimal, digits: int = SCALE_DIGITS) -> int:
    """Exact scaled integer of a table constant ("0.025" → 25 000 at 6 digits)."""
    d = dec(value) * (Decimal(10) ** digits)
    if d != d.to_integral_value():
        raise ValueError(f"{value} has more than {digits} decimal places")
    return int(d)


def to_scaled(values, digits: int = SCALE_DIGITS) -> np.ndarray:
    """float array → int64 array of value × 10**digits (NaN becomes 0; mask it yourself)."""
    a = np.asarray(values, dtype=np.float64)
    t = np.multiply(a, 10.0**digits, out=np.empty(a.shape))
    np.rint(t, out=t)
    np.copyto(t, 0.0, where=np.isnan(t))
    return t.astype(np.int64)


def to_scaled_float(values, digits: int = SCALE_DIGITS) -> np.ndarray:
    """Like :func:`to_scaled` but integer-valued float64 (exact up to 2⁵³; NaN becomes 0)."""
    a = np.asarray(values, dtype=np.float64)
    t = np.multiply(a, 10.0**digits, out=np.empty(a.shape))
    np.rint(t, out=t)
    np.copyto(t, 0.0, where=np.isnan(t))
    return t


def round_half_even_scaled(scaled: np.ndarray, decimals: int, digits: int = SCALE_DIGITS) -> np.ndarray:
    """GB/T 8170 rounding of scaled integers (int64 or integer-valued float64) to ``decimals`` places;
    the result stays scaled."""
    unit = 10 ** (digits - decimals)
    if unit == 1:
        return scaled
    if np.asarray(scaled).dtype.kind == "f":
        # integer-valued floats: s/unit is correctly rounded, an exact tie is exactly x.5 and any other
        # value is ≥ 1/unit away from x.5, so rint (which rounds ties to even) is exact
        return np.rint(scaled / unit) * unit
    q, r = np.divmod(scaled, unit)
    up = (2 * r > unit) | ((2 * r == unit) & (q % 2 == 1))
    return (q + up) * unit


def round_half_even(values, decimals: int = 0):
    """GB/T 8170 (四舍六入五成双) rounding of a float or array, decimal-exact.

    ``round_half_even(115.5) == 116``, ``round_half_even(114.5) == 114``,
    ``round_half_even(0.25, 1) == 0.2``, ``round_half_even(0.35, 1) == 0.4``.
    Scalars (Python float, int, Decimal) use :mod:`decimal`; arrays go through scaled int64
    (values are taken to 6 decimal places first).  NaN stays NaN.
    """
    if isinstance(values, (int, float, Decimal)) and not isinstance(values, bool):
        if isinstance(values, float) and (math.isnan(values) or math.isinf(values)):
            return values
        q = Decimal(1).scaleb(-decimals)
        r = dec(values).quantize(q, rounding=ROUND_HALF_EVEN)
        return float(r)
    a = np.asarray(values, dtype=np.float64)
    if decimals > SCALE_DIGITS:
        raise ValueError("at most 6 decimals")
    s = round_half_even_scaled(to_scaled(a), decimals)
    out = s / float(SCALE)
    return np.where(np.isnan(a), np.nan, out)


def format_fixed(value, decimals: int) -> str:
    """Half-even rounded value as a string with exactly ``decimals`` places ("3.06"); "" for NaN."""
    if value is None:
        return ""
    try:
        if isinstance(value, float) and math.isnan(value):
            return ""
        d = dec(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    except InvalidOperation:
        return ""
    return f"{d:.{decimals}f}"


def format_percent(ratio, decimals: int = 1) -> str:
    """Ratio 0.9450… → "94.5" (half-even on the percentage)."""
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return ""
    return format_fixed(dec(ratio) * 100, decimals)


def ceil_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Exact ceiling of num/den for int64 arrays with den > 0."""
    return -((-num) // den)
