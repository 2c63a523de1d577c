"""Micro-station data quality (issue 17): each micro station (微站) compared with its nearest reference station
(national, provincial or city station, by distance), for PM2.5 over a period of days.

- drift: the median of the daily ratio micro / reference (both with ≥ 20 valid hours) is off 1 by more than
  ``DRIFT_LIMIT`` (judged on the corrected values where a correction factor applies);
- step change: the median ratio of one 7-day block differs from the block before by more than ``STEP_LIMIT``;
- implausible PM2.5/PM10: more than ``PM_SHARE_LIMIT`` of the days with both have a daily PM2.5/PM10 above 1 or
  below 0.1 (raw values);
- a suggested factor = 1 / (raw median ratio), for staff to record as a SensorCorrection (audited).
Raw hourly values are never changed; the factors apply to the derived daily results."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from django.utils.translation import gettext as _

from .choices import AirControlLevel

DRIFT_LIMIT = 0.30     # |ratio − 1| above this is drift ("超过30%")
STEP_LIMIT = 0.25      # change of the 7-day median ratio above this is a step change
PM_SHARE_LIMIT = 0.10  # share of hours with an implausible PM2.5/PM10 above this is flagged
PM_RATIO_RANGE = (0.1, 1.0)
MIN_PAIRED_DAYS = 5    # days with both daily means needed before a ratio is stated
BLOCK_DAYS = 7
EPOCH = dt.date(1970, 1, 1)


def distance_km(lon1, lat1, lon2, lat2) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def nearest_reference(micro, references):
    """(reference station, km) nearest to ``micro``, or (None, None) without coordinates."""
    if micro.longitude is None or micro.latitude is None:
        return None, None
    best = None
    for r in references:
        if r.longitude is None or r.latitude is None:
            continue
        d = distance_km(micro.longitude, micro.latitude, r.longitude, r.latitude)
        if best is None or d < best[1]:
            best = (r, d)
    return best or (None, None)


def nearest_references(micros, references) -> list[tuple]:
    """nearest_reference of every micro station at once (one numpy distance matrix, the same haversine: 528 × 72
    pairs in Python cost the micro-station page ~40 ms CPU); ties go to the first reference, as in the loop."""
    refs = [r for r in references if r.longitude is not None and r.latitude is not None]
    out = [(None, None)] * len(micros)
    have = [i for i, m in enumerate(micros) if m.longitude is not None and m.latitude is not None]
    if not refs or not have:
        return out
    lon1 = np.radians([micros[i].longitude for i in have])[:, None]
    lat1 = np.radians([micros[i].latitude for i in have])[:, None]
    lon2 = np.radians([r.longitude for r in refs])[None, :]
    lat2 = np.radians([r.latitude for r in refs])[None, :]
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    d = 2 * 6371.0 * np.arcsin(np.sqrt(a))
    best = np.argmin(d, axis=1)
    for k, i in enumerate(have):
        out[i] = (refs[int(best[k])], float(d[k, best[k]]))
    return out


def drift_flag(ratio: float | None) -> bool:
    """Drift when the ratio is off 1 by more than DRIFT_LIMIT (strictly: 1.30 is not drift, 1.31 is)."""
    return ratio is not None and round(abs(ratio - 1), 6) > DRIFT_LIMIT


def _daily(station_ids: list[int], start: dt.date, end: dt.date) -> dict[str, np.ndarray]:
    """Stored daily PM2.5 and PM10 [S, D] (NaN = no valid day: fewer than 20 hours, GB 3095) with the raw values
    recovered where a correction factor applied (stored = raw × factor). The station-days are read through the
    cursor into arrays (no date conversion per row: 16 k station-days a month for 528 micro stations)."""
    from django.db import connection

    from .derived import day_offsets
    from .models import AirDaily, SensorCorrection

    S, D = len(station_ids), (end - start).days + 1
    out = {k: np.full((S, D), np.nan) for k in ("pm25", "pm10")}
    if S:
        # the station ids (integers from the database) written into the query: an IN list of 528 parameters cost
        # Django ~5 ms to prepare, for each of the page's queries
        ids_sql = ",".join(str(int(s)) for s in station_ids)
        day = "%s::date" if connection.vendor == "postgresql" else "%s"  # SQLite stores dates as ISO text
        with connection.cursor() as cur:
            cur.execute(f"SELECT station_id, CAST(date AS varchar(10)), pm25, pm10 FROM {AirDaily._meta.db_table} "
                        f"WHERE station_id IN ({ids_sql}) AND date >= {day} AND date <= {day}",
                        [start.isoformat(), end.isoformat()])
            rows = cur.fetchall()
        if rows:
            sids, days, pm25, pm10 = zip(*rows)
            ids = np.asarray(station_ids, dtype=np.int64)
            order = np.argsort(ids, kind="stable")
            si = order[np.searchsorted(ids, np.fromiter(sids, dtype=np.int64, count=len(rows)), sorter=order)]
            dj = day_offsets(days, start)
            out["pm25"][si, dj] = np.array(pm25, dtype=np.float64)  # None → NaN
            out["pm10"][si, dj] = np.array(pm10, dtype=np.float64)
    pos = {s: i for i, s in enumerate(station_ids)}
    factor = {k: np.ones((S, D)) for k in ("pm25", "pm10")}
    # the corrections of the period (a short table), kept for these stations
    for c in SensorCorrection.objects.filter(pollutant__in=("pm25", "pm10"), start__lte=end):
        if c.station_id not in pos or (c.end is not None and c.end < start):
            continue
        a = max((c.start - start).days, 0)
        b = min(((c.end or end) - start).days, D - 1)
        factor[c.pollutant][pos[c.station_id], a:b + 1] = c.factor
    out["pm25_raw"] = out["pm25"] / factor["pm25"]
    out["pm10_raw"] = out["pm10"] / factor["pm10"]
    return out


def _median(x: np.ndarray) -> float | None:
    """The median of one station's ratios, None with fewer than MIN_PAIRED_DAYS (the definition; ``medians`` is
    the same over many rows at once)."""
    x = x[~np.isnan(x)]
    return float(np.median(x)) if len(x) >= MIN_PAIRED_DAYS else None


def medians(a: np.ndarray, min_n: int) -> np.ndarray:
    """np.median of the non-NaN values along the last axis, NaN where fewer than ``min_n``: the same figures as
    np.median row by row (the middle value, or the mean (a + b) / 2 of the two middle ones, taken after sorting)."""
    s = np.sort(a, axis=-1)  # NaN last
    n = (~np.isnan(a)).sum(axis=-1)
    hi = np.take_along_axis(s, np.clip(n // 2, 0, a.shape[-1] - 1)[..., None], axis=-1)[..., 0]
    lo = np.take_along_axis(s, np.clip((n - 1) // 2, 0, a.shape[-1] - 1)[..., None], axis=-1)[..., 0]
    with np.errstate(invalid="ignore"):
        med = np.where(n % 2 == 1, lo, (lo + hi) / 2)
    return np.where(n >= max(min_n, 1), med, np.nan)


def _floats(a: np.ndarray) -> list:
    return [None if x != x else x for x in a.tolist()]


def check(stations, start: dt.date, end: dt.date) -> list[dict]:
    """One row per micro station in ``stations`` (an iterable of AirStation) for days start..end, from the stored
    daily values (one indexed read of station-days, not of hours: the page stays fast with 500+ micro stations).
    Ratios, medians and 7-day blocks are computed for all the stations at once (a median per station and block
    cost the page ~100 ms at 528 micro stations); the figures are those of ``_median`` and ``_step``."""
    from .models import AirStation, SensorCorrection

    micro = [s for s in stations if s.control_level == AirControlLevel.MICRO]
    refs = list(AirStation.objects.exclude(control_level=AirControlLevel.MICRO).filter(active=True))
    factors = {}
    micro_ids = {m.pk for m in micro}
    for c in SensorCorrection.objects.filter(pollutant="pm25", start__lte=end):  # a short table: no IN list of ids
        if c.station_id in micro_ids and (c.end is None or c.end >= start):
            factors.setdefault(c.station_id, []).append(c)
    pairs = [(m, *near) for m, near in zip(micro, nearest_references(micro, refs))]
    ref_ids = sorted({r.pk for _m, r, _d in pairs if r is not None})
    ids = [m.pk for m in micro]
    mine, theirs = _daily(ids, start, end), _daily(ref_ids, start, end)
    rpos = {r: i for i, r in enumerate(ref_ids)}
    S, D = len(micro), (end - start).days + 1
    has_ref = np.array([r is not None for _m, r, _d in pairs], dtype=bool)
    rd = np.full((S, D), np.nan)
    if has_ref.any():
        rd[has_ref] = theirs["pm25"][[rpos[r.pk] for _m, r, _d in pairs if r is not None]]
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = ~np.isnan(mine["pm25"]) & ~np.isnan(rd) & (rd > 0)
        q_raw = np.where(ok, mine["pm25_raw"] / rd, np.nan)
        q_cor = np.where(ok, mine["pm25"] / rd, np.nan)
        pm_ratio = mine["pm25_raw"] / mine["pm10_raw"]
    paired = ok.sum(axis=-1).tolist()
    ratio_raw, ratio = _floats(medians(q_raw, MIN_PAIRED_DAYS)), _floats(medians(q_cor, MIN_PAIRED_DAYS))
    nb = -(-D // BLOCK_DAYS)
    blocks = np.full((S, nb * BLOCK_DAYS), np.nan)
    blocks[:, :D] = q_cor
    bm = medians(blocks.reshape(S, nb, BLOCK_DAYS), 4)
    block_meds = bm.tolist()
    # rows that may hold a step (a change over STEP_LIMIT less a margin; NaN compares False): only those are put into
    # words by _step_text, which alone decides (its exact rounding)
    with np.errstate(invalid="ignore"):
        may_step = (np.abs(np.diff(bm, axis=-1)) > STEP_LIMIT - 1e-5).any(axis=-1).tolist() if nb > 1 else [False] * S
    both = ~np.isnan(pm_ratio) & ~np.isinf(pm_ratio)
    with np.errstate(invalid="ignore"):
        bad = both & ((pm_ratio > PM_RATIO_RANGE[1]) | (pm_ratio < PM_RATIO_RANGE[0]))
    n_both, n_bad = both.sum(axis=-1), bad.sum(axis=-1)
    out = []
    for i, (m, ref, km) in enumerate(pairs):
        row = {"station": m, "reference": ref, "distance_km": None if km is None else round(km, 2),
               "paired_days": 0, "ratio_raw": None, "ratio": None, "suggested_factor": None,
               "factors": factors.get(m.pk, []), "flags": []}
        if ref is not None:
            row["paired_days"] = int(paired[i])
            row["ratio_raw"], row["ratio"] = ratio_raw[i], ratio[i]
            if row["ratio_raw"]:
                row["suggested_factor"] = round(1 / row["ratio_raw"], 2)
            if drift_flag(row["ratio"]):
                pct = f"{abs(row['ratio'] - 1) * 100:.0f}"
                text = (_("与参比站相比偏高%(p)s%%") if row["ratio"] > 1 else _("与参比站相比偏低%(p)s%%")) % {"p": pct}
                row["flags"].append({"kind": "drift", "text": text})
            step = may_step[i] and _step_text([(b * BLOCK_DAYS, None if x != x else x)
                                               for b, x in enumerate(block_meds[i])], start)
            if step:
                row["flags"].append({"kind": "step", "text": step})
        if n_both[i]:
            share = n_bad[i] / n_both[i]
            row["pm_bad_share"] = round(float(share) * 100, 1)
            if share > PM_SHARE_LIMIT:
                row["flags"].append({"kind": "pm_ratio", "text": _("PM2.5/PM10 日均值比值不合理的天数占%(p)s%%")
                                     % {"p": f"{share * 100:.1f}"}})
        out.append(row)
    return out


def _step(q: np.ndarray, start: dt.date) -> str:
    """The largest change of the 7-day median ratio between consecutive blocks, in words, when over STEP_LIMIT
    (the definition for one station; ``check`` takes the block medians of all stations at once)."""
    meds = []
    for b in range(0, len(q), BLOCK_DAYS):
        x = q[b:b + BLOCK_DAYS]
        x = x[~np.isnan(x)]
        meds.append((b, float(np.median(x)) if len(x) >= 4 else None))
    return _step_text(meds, start)


def _step_text(meds: list[tuple], start: dt.date) -> str:
    """Words for the largest step between consecutive (first day, median or None) blocks over STEP_LIMIT."""
    best = None
    for (_b0, a), (b1, c) in zip(meds, meds[1:]):
        if a is not None and c is not None and round(abs(c - a), 6) > STEP_LIMIT:
            if best is None or abs(c - a) > abs(best[2] - best[1]):
                best = (b1, a, c)
    if best is None:
        return ""
    day = start + dt.timedelta(days=best[0])
    return _("%(d)s起比值由%(a)s突变为%(b)s") % {"d": f"{day:%Y-%m-%d}", "a": f"{best[1]:.2f}", "b": f"{best[2]:.2f}"}


def data_basis(station_ids, start: dt.date, end: dt.date) -> str:
    """How the results of these stations were made, for rankings: corrected or raw."""
    from django.db.models import Q, QuerySet

    from .models import SensorCorrection

    # a queryset of ids stays a subquery (not 600 ids read, then sent back as parameters)
    ids = station_ids if isinstance(station_ids, QuerySet) else list(station_ids)
    n = (SensorCorrection.objects.filter(station_id__in=ids, start__lte=end)
         .filter(Q(end__isnull=True) | Q(end__gte=start)).values("station_id").distinct().count())
    if n:
        return _("数据:%(n)s个站点按校准系数修正后的数据(原始小时数据另存,未改动)") % {"n": n}
    return _("数据:原始监测数据(本时段无校准系数)")
