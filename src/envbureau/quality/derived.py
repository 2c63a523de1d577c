"""Derived air results: station daily and jurisdiction daily values, computed in batch with
envbureau.standards (each day under its own rule set, stored with the rule set's code) and rebuilt
incrementally for the station-days whose raw data or reviews changed.
"""

from __future__ import annotations

import time as _time

import numpy as np
from django.db import connection

from envbureau.standards import air
from envbureau.standards.assessment import city_daily

from .airdata import LOCAL_OFFSET, _time_strings, epoch_sql, insert_rows
from .choices import POLLUTANT_BIT, POLLUTANTS

# indicator code (standards) → column of AirDaily/CityDaily
INDICATOR_COLUMN = {"so2_24h": "so2", "no2_24h": "no2", "co_24h": "co", "pm10_24h": "pm10",
                    "pm25_24h": "pm25", "o3_8h": "o3_8h", "o3_1h": "o3_1h"}
IAQI_COLUMN = {"so2_24h": "iaqi_so2", "no2_24h": "iaqi_no2", "co_24h": "iaqi_co", "pm10_24h": "iaqi_pm10",
               "pm25_24h": "iaqi_pm25", "o3_8h": "iaqi_o3_8h", "o3_1h": "iaqi_o3_1h"}
DAILY_COLUMNS = [*INDICATOR_COLUMN.values(), *IAQI_COLUMN.values(), "aqi", "level", "primary", "exceeding",
                 "valid", "complete", "rules", "computed_at"]


def _day_str(days: np.ndarray) -> list[str]:
    return np.asarray(days, dtype="datetime64[D]").astype(str).tolist()


def _now_str() -> str:
    return str(_time_strings(np.array([int(_time.time())]))[0])


def load_hourly(station_ids: list[int], d0: int, d1: int) -> dict[str, np.ndarray]:
    """Hourly values [S, D, 24] (NaN = missing or reviewed invalid) for local days d0..d1."""
    from .models import AirHourly

    S, D = len(station_ids), d1 - d0 + 1
    out = {p: np.full((S, D, 24), np.nan) for p in POLLUTANTS}
    if not S:
        return out
    t0, t1 = _time_strings(np.array([d0 * 86400 - LOCAL_OFFSET, (d1 + 1) * 86400 - LOCAL_OFFSET - 1]))
    ids = ",".join(str(int(s)) for s in station_ids)
    sql = (f"SELECT station_id, {epoch_sql('time')}, {', '.join(POLLUTANTS)}, invalid_mask "
           f"FROM {AirHourly._meta.db_table} WHERE station_id IN ({ids}) AND time >= %s AND time <= %s")
    with connection.cursor() as cur:
        cur.execute(sql, [str(t0), str(t1)])
        rows = cur.fetchall()
    if not rows:
        return out
    arr = np.array(rows, dtype=np.float64)  # None → nan
    mask = np.nan_to_num(arr[:, 8]).astype(np.int64)
    values = {}
    for j, p in enumerate(POLLUTANTS):
        v = arr[:, 2 + j].copy()
        v[(mask & POLLUTANT_BIT[p]) != 0] = np.nan
        values[p] = v
    return scatter_hours(out, station_ids, d0, arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), values)


def scatter_hours(out: dict, station_ids: list[int], d0: int, station: np.ndarray, epoch: np.ndarray,
                  values: dict) -> dict:
    """Put hourly rows (station id, UTC epoch of the hour start, values) into the [S, D, 24] arrays of ``out``."""
    ids = np.asarray(station_ids, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    si = order[np.searchsorted(ids, station, sorter=order)]
    local = epoch + LOCAL_OFFSET
    di = local // 86400 - d0
    hi = (local % 86400) // 3600
    for p in POLLUTANTS:
        out[p][si, di, hi] = values[p]
    return out


def _rows(keys: list, dates: list[str], values: dict, res, sel: np.ndarray, extra=None) -> list[tuple]:
    """Rows for insert_rows from [N, D] arrays where sel [N, D] is True."""
    n_idx, d_idx = np.nonzero(sel)
    now = _now_str()
    union = res.indicators
    cols = []
    for ind in INDICATOR_COLUMN:
        a = values.get(ind)
        cols.append([None] * len(n_idx) if a is None else _none(a[n_idx, d_idx]))
    for ind in IAQI_COLUMN:
        j = union.index(ind)
        cols.append(_none(res.iaqi[n_idx, d_idx, j]))
    aqi = res.aqi[n_idx, d_idx]
    cols.append([None if x != x else int(x) for x in aqi.tolist()])
    cols.append(res.level[n_idx, d_idx].astype(int).tolist())
    cols.append(_codes(res.primary[n_idx, d_idx], union))
    cols.append(_codes(res.exceeding[n_idx, d_idx], union))
    cols.append(res.valid[n_idx, d_idx].tolist())
    cols.append(res.complete[n_idx, d_idx].tolist())
    cols.append([str(c) for c in res.rules_code[d_idx]])
    cols.append([now] * len(n_idx))
    lead = [[keys[i] for i in n_idx.tolist()], [dates[i] for i in d_idx.tolist()]]
    if extra is not None:
        cols.append([int(x) for x in extra[n_idx, d_idx]])
    return list(zip(*lead, *cols))


def _none(a: np.ndarray) -> list:
    return [None if x != x else float(x) for x in a.tolist()]


def _codes(flags: np.ndarray, union) -> list[str]:
    """Each row's flagged indicator codes joined by ",": each distinct combination joined once."""
    names = np.array(union)
    flags = np.asarray(flags, dtype=bool)
    if not len(flags):
        return []
    key = flags.astype(np.int64) @ (np.int64(1) << np.arange(flags.shape[1], dtype=np.int64))  # one bit a code
    combos, first, inv = np.unique(key, return_index=True, return_inverse=True)
    text = [",".join(names[flags[i]]) for i in first.tolist()]
    return [text[i] for i in np.asarray(inv).reshape(-1).tolist()]


def rebuild_station_daily(station_days: dict[int, np.ndarray], cache=None) -> tuple[int, int, int]:
    """Recompute AirDaily for each station over the span of its affected days. Returns (rows, d0, d1).
    ``cache`` (airdata.HourCache): the hours an import just inserted, used instead of reading them back when they
    are all the stored hours of these stations and days."""
    from .models import AirDaily

    if not station_days:
        return 0, 0, -1
    stations = sorted(station_days)
    d0 = int(min(int(np.min(v)) for v in station_days.values()))
    d1 = int(max(int(np.max(v)) for v in station_days.values()))
    hourly = cache.hourly(stations, d0, d1) if cache is not None else None
    if hourly is None:
        hourly = load_hourly(stations, d0, d1)
    apply_corrections(hourly, stations, d0, d1)  # sensor correction factors: raw hourly kept, daily corrected
    dates = np.arange(d0, d1 + 1).astype("datetime64[D]")
    res = air.daily_aqi_from_hourly(hourly, dates)
    has_data = np.zeros((len(stations), len(dates)), dtype=bool)
    for p in POLLUTANTS:
        has_data |= ~np.isnan(hourly[p]).all(axis=-1)
    # write only each station's own span (the others' days did not change)
    span = np.zeros_like(has_data)
    for i, s in enumerate(stations):
        a, b = int(np.min(station_days[s])) - d0, int(np.max(station_days[s])) - d0
        span[i, a:b + 1] = True
    table = AirDaily._meta.db_table
    with connection.cursor() as cur:
        for i, s in enumerate(stations):
            a, b = np.nonzero(span[i])[0][[0, -1]]
            cur.execute(f"DELETE FROM {table} WHERE station_id = %s AND date >= %s AND date <= %s",
                        [s, str(dates[a]), str(dates[b])])
    rows = _rows(stations, _day_str(dates), res.daily.values, res.aqi, has_data & span)
    insert_rows(table, ["station_id", "date", *DAILY_COLUMNS], rows)
    return len(rows), d0, d1


def apply_corrections(hourly: dict, station_ids: list[int], d0: int, d1: int) -> int:
    """Multiply the hourly values [S, D, 24] by the correction factors (SensorCorrection) on the days each covers.
    Returns how many factors applied."""
    import datetime as dt

    from django.db.models import Q

    from .models import SensorCorrection

    epoch = dt.date(1970, 1, 1)
    first, last = epoch + dt.timedelta(days=d0), epoch + dt.timedelta(days=d1)
    pos = {s: i for i, s in enumerate(station_ids)}
    n = 0
    for c in (SensorCorrection.objects.filter(station_id__in=station_ids, start__lte=last)
              .filter(Q(end__isnull=True) | Q(end__gte=first))):
        a = max((c.start - epoch).days, d0) - d0
        b = min((c.end - epoch).days if c.end else d1, d1) - d0
        hourly[c.pollutant][pos[c.station_id], a:b + 1, :] *= c.factor
        n += 1
    return n


def corrections_changed(station_id: int, windows) -> dict:
    """Rebuild a station's days in the (start, end) windows of a correction before and after a change."""
    import datetime as dt

    span = station_span(station_id)
    if span is None:
        return {}
    epoch = dt.date(1970, 1, 1)
    days = set()
    for a, b in windows:
        lo = max((a - epoch).days, span[0]) if a else span[0]
        hi = min((b - epoch).days, span[1]) if b else span[1]
        days.update(range(lo, hi + 1))
    return rebuild({station_id: np.array(sorted(days))}) if days else {}


def network_stations():
    """Stations in any network (see networks.py), with the path of their jurisdiction."""
    from .models import AirStation
    from .networks import member_stations

    return list(AirStation.objects.filter(pk__in=member_stations()).values_list("id", "jurisdiction__path"))


def rebuild_jurisdiction_daily(station_ids, d0: int, d1: int, extra_paths=()) -> int:
    """Recompute CityDaily of every jurisdiction containing one of ``station_ids`` (and of the
    jurisdictions on ``extra_paths``, e.g. where a moved station used to be) for days d0..d1:
    the mean of the valid daily values of the stations in the network of its level's purpose on
    each day (HJ 663; networks.py), then the AQI of those means."""
    from envbureau.core.models import Jurisdiction

    from .choices import PURPOSE_OF_LEVEL
    from .models import AirDaily, CityDaily
    from .networks import membership

    if d1 < d0:
        return 0
    members = network_stations()
    path_of = dict(members)
    codes = set()
    for s in station_ids:
        if s in path_of:
            codes.update(c for c in path_of[s].split("/") if c)
    for p in extra_paths:
        codes.update(c for c in p.split("/") if c)
    if not codes:
        return 0
    juris = list(Jurisdiction.objects.filter(code__in=codes).values_list("id", "level", "path"))
    # a path is "/code/…/code/": a station lies in a jurisdiction when the jurisdiction's path is one of the
    # prefixes of its own path ending at a "/" (what startswith says, found by lookup instead of a loop over pairs)
    prefixes = {s: _path_prefixes(p) for s, p in members}
    juris_paths = {jp for _i, _lv, jp in juris}
    stations = [s for s, _p in members if not juris_paths.isdisjoint(prefixes[s])]
    S, D = len(stations), d1 - d0 + 1
    dates = np.arange(d0, d1 + 1).astype("datetime64[D]")
    pos = {s: i for i, s in enumerate(stations)}
    station_vals = {ind: np.full((S, D), np.nan) for ind in INDICATOR_COLUMN}
    cols = list(INDICATOR_COLUMN.values())
    rows = day_rows(AirDaily.objects.filter(station_id__in=stations, date__gte=str(dates[0]),
                                            date__lte=str(dates[-1])), "station_id", cols)
    if rows:
        ids, days, *vals = zip(*rows)
        i = np.fromiter((pos[s] for s in ids), dtype=np.int64, count=len(rows))
        j = day_offsets(days, d0)
        for k, ind in enumerate(INDICATOR_COLUMN):
            station_vals[ind][i, j] = np.array(vals[k], dtype=np.float64)  # None → NaN, as never written
    counts_in = membership(stations, dates)
    # one city_daily call per depth and purpose: a station maps to at most one jurisdiction at a depth
    by_depth: dict[tuple, list] = {}
    for jid, level, path in juris:
        by_depth.setdefault((path.count("/"), PURPOSE_OF_LEVEL.get(level, "ranking")), []).append((jid, path))
    keys, values, counts = [], {ind: [] for ind in INDICATOR_COLUMN}, []
    for (_depth, purpose), js in sorted(by_depth.items()):
        owner = np.full(S, -1)
        ci_of = {path: ci for ci, (_jid, path) in enumerate(js)}  # the last of equal paths, as the loop gave
        for s in stations:
            hits = [ci_of[p] for p in prefixes[s] if p in ci_of]
            if hits:
                owner[pos[s]] = max(hits)
        sel = owner >= 0
        inside = counts_in[purpose][sel]  # [s, D]: the station counts in this purpose's network that day
        vals = {k: np.where(inside, v[sel], np.nan) for k, v in station_vals.items()}
        cd = city_daily(vals, owner[sel], len(js))
        keys += [jid for jid, _p in js]
        for ind in INDICATOR_COLUMN:
            values[ind].append(cd.values[ind])
        counts.append(np.max(np.stack(list(cd.n_stations.values())), axis=0))
    vals = {ind: np.concatenate(v) for ind, v in values.items()}
    n = np.concatenate(counts)
    res = air.aqi_by_date(vals, dates)
    table = CityDaily._meta.db_table
    with connection.cursor() as cur:
        ids = ",".join(str(k) for k in keys)
        cur.execute(f"DELETE FROM {table} WHERE jurisdiction_id IN ({ids}) AND date >= %s AND date <= %s",
                    [str(dates[0]), str(dates[-1])])
    rows = _rows(keys, _day_str(dates), vals, res, n > 0, extra=n)
    insert_rows(table, ["jurisdiction_id", "date", *DAILY_COLUMNS, "n_stations"], rows)
    rebuild_period_stats(keys, d0, d1)
    return len(rows)


def _path_prefixes(path: str) -> list[str]:
    """"/a/b/c/" → ["/a/", "/a/b/", "/a/b/c/"] (the jurisdiction paths a path starts with)."""
    cuts = [i for i, ch in enumerate(path) if ch == "/"][1:]
    return [path[:i + 1] for i in cuts]


def day_rows(qs, key: str, fields) -> list[tuple]:
    """Rows (key, date, *fields) of a queryset read through the cursor, the date as 'YYYY-MM-DD' text (no per-row
    conversion by Django or by the SQLite driver's date converter); ``day_offsets`` turns them into day numbers."""
    from django.core.exceptions import EmptyResultSet
    from django.db.models import CharField
    from django.db.models.functions import Cast

    try:
        sql, params = qs.values_list(key, Cast("date", output_field=CharField()), *fields).query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an empty IN list): no rows, no query
        return []
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def day_offsets(days, d0) -> np.ndarray:
    """Dates (ISO text, or date objects) → days after ``d0`` (days since the epoch, or a date), as an int array."""
    import datetime as dt

    base = (d0 - dt.date(1970, 1, 1)).days if isinstance(d0, dt.date) else int(d0)
    if len(days) and isinstance(days[0], str):
        return np.array([d[:10] for d in days], dtype="datetime64[D]").astype(np.int64) - base
    epoch = dt.date(1970, 1, 1).toordinal()
    return np.fromiter((d.toordinal() - epoch - base for d in days), dtype=np.int64, count=len(days))


STAT_FIELDS = ("pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95", "o3_8h_p90", "good_days", "valid_days",
               "good_day_ratio", "heavy_days", "composite_index")


def rebuild_period_stats(jurisdiction_ids: list[int], d0: int, d1: int) -> int:
    """Monthly, quarterly and annual assessments (AirPeriodStat) of the periods touching days d0..d1,
    one vectorised assess_period call per period for all the jurisdictions."""
    import datetime as dt

    from .assessment import assess_many, headline_values, make_period
    from .models import AirPeriodStat

    first = dt.date.fromisoformat(str(np.datetime64(d0, "D")))
    last = dt.date.fromisoformat(str(np.datetime64(d1, "D")))
    periods = []
    for y in range(first.year, last.year + 1):
        periods.append(("year", make_period(y)))
        for m in range(1, 13):
            p = make_period(y, m)
            if p.end >= first and p.start <= last:
                periods.append(("month", p))
        for q in range(1, 5):
            p = make_period(y, quarter=q)
            if p.end >= first and p.start <= last:
                periods.append(("quarter", p))
    import json

    # rows written as insert_rows writes the daily results (bulk_create prepared every field of every object: a fifth
    # of a second per imported month); the JSON as the JSONField writes it (json.dumps with its encoder)
    enc = {f: AirPeriodStat._meta.get_field(f).encoder for f in ("category_days", "rules")}
    columns = ["jurisdiction_id", "period", "start", *STAT_FIELDS, "category_days", "rules", "computed_at"]
    table, now = AirPeriodStat._meta.db_table, _now_str()
    n = 0
    for kind, p in periods:
        pa = assess_many(jurisdiction_ids, p)
        AirPeriodStat.objects.filter(jurisdiction_id__in=jurisdiction_ids, period=kind, start=p.start).delete()
        rows = []
        for jid, s in zip(jurisdiction_ids, headline_values(pa)):  # = summary(pa, i, p) for these keys
            if not s["valid_days"]:
                continue
            rows.append((jid, kind, p.start.isoformat(), *[s[k] for k in STAT_FIELDS],
                         json.dumps(s["category_days"], cls=enc["category_days"]),
                         json.dumps(s["rules"], cls=enc["rules"]), now))
        insert_rows(table, columns, rows)
        n += len(rows)
    return n


REBUILD_WINDOW_DAYS = 31  # days rebuilt at a time: the hourly block in memory is stations × 31 × 24 values


def _windows(station_days: dict[int, np.ndarray]):
    """The affected days cut into windows of REBUILD_WINDOW_DAYS: (k, number of windows, {station: days inside})
    for the windows holding a touched day."""
    d_lo = int(min(int(np.min(v)) for v in station_days.values()))
    d_hi = int(max(int(np.max(v)) for v in station_days.values()))
    windows = range(d_lo, d_hi + 1, REBUILD_WINDOW_DAYS)
    for k, w0 in enumerate(windows):
        w1 = w0 + REBUILD_WINDOW_DAYS - 1
        part = {}
        for s, days in station_days.items():
            days = np.asarray(days)
            inside = days[(days >= w0) & (days <= w1)]
            if len(inside):
                part[s] = inside
        yield k, len(windows), part


def rebuild_station_days(station_days: dict[int, np.ndarray], progress=None, cache=None) -> int:
    """Station daily results (AirDaily) of the affected station-days, window by window."""
    n = 0
    for k, total, part in _windows(station_days) if station_days else ():
        if part:
            n += rebuild_station_daily(part, cache=cache)[0]
        if progress:
            progress("daily", k + 1, total)
    return n


def rebuild_jurisdiction_days(station_days: dict[int, np.ndarray], progress=None) -> int:
    """Jurisdiction daily results (CityDaily, then the periods) of the days the affected stations count in."""
    n = 0
    for k, total, part in _windows(station_days) if station_days else ():
        if part:
            d0 = int(min(int(np.min(v)) for v in part.values()))
            d1 = int(max(int(np.max(v)) for v in part.values()))
            n += rebuild_jurisdiction_daily(list(part), d0, d1)
        if progress:
            progress("jurisdiction", k + 1, total)
    return n


def rebuild(station_days: dict[int, np.ndarray], progress=None) -> dict:
    """Station daily, then jurisdiction daily, for the affected station-days, window by window of days so
    memory does not grow with the length of the import (only windows holding a touched day are rebuilt)."""
    if not station_days:
        return {"station_days": 0, "jurisdiction_days": 0}
    n_station = rebuild_station_days(station_days, progress)
    n_city = rebuild_jurisdiction_days(station_days)
    refresh_latest(list(station_days))
    return {"station_days": n_station, "jurisdiction_days": n_city}


def refresh_latest(station_ids) -> None:
    """StationLatest of these stations: their last hour with data and their last valid day, kept as data at write
    time so pages never search the history. Two set-based reads (each station's newest hour and newest valid day are
    correlated MAX subqueries answered from the (station, time) and (station, date) indexes, not GROUP BYs over the
    history), then the rows of these stations replaced in one delete and one batched insert."""
    from .models import AirDaily, AirHourly, AirStation, StationLatest

    ids = sorted({int(s) for s in station_ids})
    if not ids:
        return
    q = connection.ops.quote_name
    st, hourly, daily = AirStation._meta.db_table, AirHourly._meta.db_table, AirDaily._meta.db_table
    latest = StationLatest._meta.db_table
    rows = []
    with connection.cursor() as cur:
        for k in range(0, len(ids), 500):
            part = ",".join(str(i) for i in ids[k:k + 500])
            cur.execute(f"SELECT s.id, (SELECT MAX(h.time) FROM {hourly} h WHERE h.station_id = s.id), "
                        f"d.date, d.aqi, d.level, d.{q('primary')} FROM {st} s LEFT JOIN {daily} d "
                        f"ON d.station_id = s.id AND d.date = (SELECT MAX(x.date) FROM {daily} x "
                        f"WHERE x.station_id = s.id AND x.valid) WHERE s.id IN ({part})", [])
            rows += cur.fetchall()
        for k in range(0, len(ids), 500):
            cur.execute(f"DELETE FROM {latest} WHERE station_id IN ({','.join(str(i) for i in ids[k:k + 500])})", [])
    # values go back as read: the database's own representation of its times and dates
    insert_rows(latest, ["station_id", "last_hour", "last_valid_date", "aqi", "level", "primary"],
                [(s, h, d, aqi, level if level is not None else 0, prim or "") for s, h, d, aqi, level, prim in rows])


def rebuild_all() -> dict:
    """Full recompute from raw data (e.g. after changing which stations count)."""
    from .models import AirHourly

    out = {"station_days": 0, "jurisdiction_days": 0}
    t = AirHourly._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"SELECT station_id, MIN({epoch_sql('time')}), MAX({epoch_sql('time')}) FROM {t} GROUP BY station_id", [])
        spans = cur.fetchall()
    sd = {}
    for s, a, b in spans:
        a, b = (int(a) + LOCAL_OFFSET) // 86400, (int(b) + LOCAL_OFFSET) // 86400
        sd[int(s)] = np.arange(a, b + 1)  # every day: rebuild() works on the windows holding touched days
    if sd:
        out = rebuild(sd)
    return out


def station_span(station_id: int) -> tuple[int, int] | None:
    """First and last local day with hourly data of a station."""
    from .models import AirHourly

    t = AirHourly._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"SELECT MIN({epoch_sql('time')}), MAX({epoch_sql('time')}) FROM {t} WHERE station_id = %s",
                    [station_id])
        a, b = cur.fetchone()
    if a is None:
        return None
    return (int(a) + LOCAL_OFFSET) // 86400, (int(b) + LOCAL_OFFSET) // 86400


def station_moved(station, old_path: str) -> int:
    """A station changed jurisdiction: rebuild the jurisdiction days of both places."""
    span = station_span(station.pk)
    if span is None:
        return 0
    return rebuild_jurisdiction_daily([station.pk], span[0], span[1],
                                      extra_paths=[old_path, station.jurisdiction.path])
