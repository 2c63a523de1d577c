"""Plausibility of raw hourly air values: per-pollutant ranges and consistency checks.

A failed check is either an **error** (the row is refused, the import names file/row/column) where
the value cannot be real, or a **flag** (``AirHourly.flags``) where it may be real: the value is kept,
counts in the statistics unless a reviewer marks it invalid, and the data review page lists it.

Defaults below; the operator overrides them with the ``QUALITY_PLAUSIBILITY`` environment variable
(JSON, e.g. ``{"co": {"error_above": 60}, "pm25_above_pm10": "error"}``), read into
``settings.QUALITY_PLAUSIBILITY``.  Comparisons are strict ("超过"): a value equal to a bound passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from .choices import POLLUTANT_BIT, POLLUTANT_LABELS, POLLUTANTS, UNITS


@dataclass(frozen=True)
class Bounds:
    error_above: float   # above: refused (unit mistakes, instrument garbage)
    flag_above: float    # above: kept and flagged for review (spikes, reporting caps)


#: µg/m³, CO mg/m³.  Error bounds lie far above any ambient hourly value (the real Beijing demo data
#: reach PM2.5 999, PM10 999, SO2 500, NO2 290, CO 10, O3 1071); CO 80 mg/m³ is refused (issue 9).
DEFAULT_BOUNDS = {
    "pm25": Bounds(3000.0, 999.0), "pm10": Bounds(5000.0, 999.0), "so2": Bounds(5000.0, 1000.0),
    "no2": Bounds(3000.0, 1000.0), "co": Bounds(50.0, 10.0), "o3": Bounds(2000.0, 500.0),
}
#: PM2.5 above PM10 at the same station-hour: impossible in one instrument, but 5 % of the real
#: Beijing hours show it (two analysers, each within its uncertainty), so a flag by default.
DEFAULT_PM25_ABOVE_PM10 = "flag"     # "flag" | "error" | "off"
#: bit of AirHourly.flags for the consistency check (bits 0–5 are the pollutants' range flags)
FLAG_PM25_ABOVE_PM10 = 1 << len(POLLUTANTS)


def config() -> tuple[dict[str, Bounds], str]:
    """The bounds and the PM2.5/PM10 rule in force (defaults overridden by settings)."""
    over = getattr(settings, "QUALITY_PLAUSIBILITY", None) or {}
    bounds = {}
    for p, b in DEFAULT_BOUNDS.items():
        o = over.get(p) or {}
        bounds[p] = Bounds(float(o.get("error_above", b.error_above)), float(o.get("flag_above", b.flag_above)))
    rule = over.get("pm25_above_pm10", DEFAULT_PM25_ABOVE_PM10)
    if rule not in ("flag", "error", "off"):
        raise ValueError(f"QUALITY_PLAUSIBILITY pm25_above_pm10 must be flag, error or off, not {rule!r}")
    return bounds, rule


def range_checks(p: str, v: np.ndarray, bounds: dict[str, Bounds]) -> tuple[np.ndarray, np.ndarray]:
    """(error mask, flag mask) of one pollutant's values (NaN passes both)."""
    b = bounds[p]
    return v > b.error_above, v > b.flag_above


def range_error_message(p: str, value: float, bounds: dict[str, Bounds]) -> str:
    return _("数值 %(v)s 超出合理范围(上限 %(max)s %(u)s),请检查单位") % {
        "v": f"{value:g}", "max": f"{bounds[p].error_above:g}", "u": UNITS[p]}


def consistency(values: dict[str, np.ndarray], rule: str) -> np.ndarray:
    """Rows where PM2.5 exceeds PM10 (strictly), under an active rule."""
    if rule == "off":
        return np.zeros(len(next(iter(values.values()))), dtype=bool)
    with np.errstate(invalid="ignore"):
        return values["pm25"] > values["pm10"]


def check_batch(batch, errors, rownums, file: str, now_epoch: int) -> None:
    """Checks across columns and against the clock, after parsing: a time in the future is an
    error; PM2.5 above PM10 is a flag or an error (config).  Adds flags to ``batch.flags``."""
    if not len(batch):
        return
    rn = rownums if rownums is not None else np.zeros(len(batch), dtype=np.int64)
    # the hour must have started: a stored hour h covers h:00–h+1:00 local time
    future = batch.epoch > now_epoch
    errors.add_mask(future, rn, _("监测时间"), _("监测时间在将来"), file)
    _bounds, rule = config()
    both = consistency(batch.values, rule)
    if rule == "error":
        errors.add_mask(both, rn, "PM2.5/PM10", lambda i: _("PM2.5 %(a)s 大于 PM10 %(b)s") % {
            "a": f"{batch.values['pm25'][i]:g}", "b": f"{batch.values['pm10'][i]:g}"}, file)
    elif rule == "flag":
        batch.flags = batch.flags | np.where(both, FLAG_PM25_ABOVE_PM10, 0).astype(batch.flags.dtype)


def flag_texts(flags: int, values: dict) -> list[str]:
    """Human reasons of one hour's flags, pollutants by name and unit."""
    bounds, _rule = config()
    out = []
    for p in POLLUTANTS:
        if flags & POLLUTANT_BIT[p]:
            v = values.get(p)
            out.append(_("%(p)s %(v)s %(u)s 高于 %(max)s(可疑高值)") % {
                "p": POLLUTANT_LABELS[p], "v": "—" if v is None else f"{v:g}", "u": UNITS[p],
                "max": f"{bounds[p].flag_above:g}"})
    if flags & FLAG_PM25_ABOVE_PM10:
        out.append(_("PM2.5 %(a)s 大于 PM10 %(b)s µg/m³") % {
            "a": f"{values.get('pm25') or 0:g}", "b": f"{values.get('pm10') or 0:g}"})
    return out


FLAGGED_COUNT_CAP = 10_000  # the page says "10000+" beyond this instead of counting years of flagged hours


def flagged_hours(user, limit: int = 200) -> tuple[int, list[dict]]:
    """The flagged raw hours the user may see, newest first: (total up to FLAGGED_COUNT_CAP + 1, first ``limit``
    rows). A city-wide reader's query has no station list, so it reads the newest flagged hours from their index."""
    from django.utils import timezone

    from envbureau.core.scoping import scope_q

    from .models import AirHourly, AirStation

    qs = AirHourly.objects.exclude(flags=0)
    if scope_q(AirStation, user, "view") is not None:
        qs = qs.filter(station__in=_stations(user))
    total = qs[:FLAGGED_COUNT_CAP + 1].count()
    rows = []
    for h in qs.select_related("station").order_by("-time")[:limit]:
        vals = {p: getattr(h, p) for p in POLLUTANTS}
        rows.append({"station": h.station, "time": timezone.localtime(h.time), "reasons": flag_texts(h.flags, vals),
                     "invalid": bool(h.invalid_mask)})
    return total, rows


def _stations(user):
    from envbureau.core.scoping import restrict

    from .models import AirStation

    return restrict(AirStation.objects.all(), user, "view")
