"""Hourly air data in bulk: parse → validate every row (row/column messages) → all-or-nothing write (per call,
or per file with ``per_file``) → incremental rebuild of the affected station-days.

Files are read column-wise (pandas/numpy); rows are written with one executemany (SQLite) or COPY
(PostgreSQL), never one ORM save per row. Re-importing the same file changes nothing: rows equal
to the stored ones are skipped, changed rows are updated, new rows inserted, and only the
station-days that really changed are recomputed.

Hour convention: a stored ``time`` is the START of the hour the value covers (h:00–h+1:00 local
time), as envbureau.standards.averaging expects. The Beijing PRSA files use this convention
(``hour`` 0–23). Files stamped by hour END (CNEMC "h时" = (h−1, h]) are imported with
``hour_ending=True``, which shifts them back by one hour.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import audit, texts

from . import plausibility
from .choices import POLLUTANT_BIT, POLLUTANT_LABELS, POLLUTANTS, UNITS

LOCAL_OFFSET = 8 * 3600  # Asia/Shanghai, no DST since 1991
MAX_ERRORS = 200
CHUNK_ROWS = 50_000  # rows read, validated and written at a time: memory stays bounded whatever the file size

PRSA_COLUMNS = {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "CO": "co", "O3": "o3"}
# Standard template (CSV/Excel): header label → key; also accepts the keys themselves.
STANDARD_COLUMNS = {
    "站点编码": "station", "站点": "station", "station": "station",
    "监测时间": "time", "时间": "time", "time": "time",
    "PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "CO": "co", "O3": "o3",
}


class ImportFailed(Exception):
    def __init__(self, errors: list[dict], total_errors: int):
        super().__init__(f"{total_errors} errors")
        self.errors = errors
        self.total_errors = total_errors
        self.committed: list[str] = []  # per_file: the files written before the bad one (they stay)
        self.not_read: list[str] = []  # per_file: the files after it


@dataclass
class Batch:
    """Columnar hourly rows: station id, UTC epoch seconds of the hour start, six values, flags."""

    station: np.ndarray
    epoch: np.ndarray
    values: dict[str, np.ndarray]
    flags: np.ndarray

    def __len__(self):
        return len(self.station)

    @staticmethod
    def concat(batches: list["Batch"]) -> "Batch":
        if not batches:
            return Batch(np.zeros(0, np.int64), np.zeros(0, np.int64), {p: np.zeros(0) for p in POLLUTANTS},
                         np.zeros(0, np.int16))
        return Batch(np.concatenate([b.station for b in batches]), np.concatenate([b.epoch for b in batches]),
                     {p: np.concatenate([b.values[p] for b in batches]) for p in POLLUTANTS},
                     np.concatenate([b.flags for b in batches]))


@dataclass
class Errors:
    items: list = field(default_factory=list)
    total: int = 0

    def add_mask(self, mask: np.ndarray, rownums: np.ndarray, column: str, message, file: str = ""):
        """Record an error for every row where mask is True (message: str or callable(index))."""
        idx = np.nonzero(mask)[0]
        self.total += len(idx)
        for i in idx[: max(0, MAX_ERRORS - len(self.items))]:
            msg = message(i) if callable(message) else message
            self.items.append({"file": file, "row": int(rownums[i]), "column": column, "message": msg})

    def __bool__(self):
        return self.total > 0


def station_lookup(user=None):
    """Map of every way a file may name a station (code, Chinese name, English name) → id; with a
    user, only the stations that user may change (others read as unknown)."""
    from .models import AirStation

    qs = AirStation.objects.all() if user is None else AirStation.objects.restrict(user, "change")
    out = {}
    for s in qs:
        for key in (s.code, s.name, s.name_en):
            if key:
                out[key.strip().lower()] = s.id
    return out


# ---------------------------------------------------------------------------
# parsing
# ---------------------------------------------------------------------------
NA_STRINGS = {"", "NA", "NAN", "NULL", "—", "-", "NONE"}
# the spellings of NA_STRINGS a CSV reader takes as missing in a numeric column (others, e.g. ' na ', reach the same
# verdict through _numeric)
CSV_NA = ["", "NA", "na", "NaN", "nan", "NAN", "NULL", "null", "Null", "—", "-", "None", "NONE", "none"]


def _numeric(col: pd.Series, unit: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Column → (float values with NaN for missing, bool mask of cells that are not numbers). Cells pandas
    cannot read go through the import framework's number parser (1,234.5, full-width digits, the unit)."""
    if pd.api.types.is_bool_dtype(col.dtype):  # a CSV column of True/False only: text, so refused as not a number
        col = col.astype(str)
    elif pd.api.types.is_numeric_dtype(col.dtype):
        return col.to_numpy(dtype=np.float64), np.zeros(len(col), dtype=bool)
    v = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)
    bad = np.zeros(len(col), dtype=bool)
    nan_idx = np.nonzero(np.isnan(v))[0]
    if len(nan_idx):  # only the cells that are not plain numbers need the (slow) string check
        cells = col.to_numpy(dtype=object)[nan_idx]
        # empty cells and cells the reader took as missing (CSV_NA): most missing values, without a strip per cell
        nan_idx = nan_idx[(cells != "") & ~pd.isna(cells)]
    if len(nan_idx):
        raw = col.iloc[nan_idx].astype(str).str.strip().str.upper()
        odd = nan_idx[~raw.isin(NA_STRINGS).to_numpy()]
        if len(odd):
            from envbureau.core.importing import parse_number

            v = v.copy()  # to_numpy may hand back a read-only view
            for i, cell in zip(odd, col.iloc[odd]):
                num = parse_number(cell, unit)
                if num is None:
                    bad[i] = True
                else:
                    v[i] = float(num)
    return v, bad


def _validate_values(df: pd.DataFrame, rownums: np.ndarray, errors: Errors, file: str,
                     scale: dict | None = None) -> tuple[dict, np.ndarray]:
    values, flags = {}, np.zeros(len(df), dtype=np.int16)
    bounds, _rule = plausibility.config()
    for p in POLLUTANTS:
        if p not in df:
            values[p] = np.full(len(df), np.nan)
            continue
        v, bad = _numeric(df[p], UNITS[p])
        if scale and p in scale:
            v = v * scale[p]
        label = f"{POLLUTANT_LABELS[p]}({UNITS[p]})"
        errors.add_mask(bad, rownums, label, lambda i, s=df[p].to_numpy(): _("不是数值:“%(v)s”") % {"v": s[i]}, file)
        neg = v < 0
        errors.add_mask(neg, rownums, label, lambda i, v=v: _("负值 %(v)s") % {"v": f"{v[i]:g}"}, file)
        hi, suspicious = plausibility.range_checks(p, v, bounds)
        errors.add_mask(hi, rownums, label, lambda i, v=v, p=p: plausibility.range_error_message(p, v[i], bounds), file)
        flags |= np.where(suspicious, POLLUTANT_BIT[p], 0).astype(np.int16)
        values[p] = np.where(bad | neg | hi, np.nan, v)
    return values, flags


def _station_ids(names: pd.Series, lookup: dict, rownums, errors: Errors, file: str) -> np.ndarray:
    # a file names a few hundred stations over hundreds of thousands of rows: each distinct name is looked up once
    codes, uniques = pd.factorize(names, use_na_sentinel=False)
    keys = pd.Series(np.asarray(uniques, dtype=object)).astype(str).str.strip().str.lower()
    per_name = keys.map(lookup).fillna(-1).to_numpy(dtype=np.int64)
    ids = per_name[codes]
    unknown = ids < 0
    errors.add_mask(unknown, rownums, _("站点"), lambda i, s=names.to_numpy(): _("未知站点“%(s)s”(或不在您的权限范围内)") % {"s": s[i]}, file)
    return ids


def _epochs_local(ts: pd.Series) -> np.ndarray:
    """Naive local timestamps → UTC epoch seconds (NaT → minimum int)."""
    ns = ts.to_numpy(dtype="datetime64[s]").astype(np.int64)
    return ns - LOCAL_OFFSET


def parse_prsa(data: bytes | str | Path, lookup: dict, errors: Errors, file: str = "") -> Batch:
    """Adapter for the UCI Beijing PRSA files: year,month,day,hour (hour starting, UTC+8), CO µg/m³."""
    return Batch.concat(list(iter_prsa(data, lookup, errors, file, chunk_rows=10**9)))


def iter_prsa(data, lookup: dict, errors: Errors, file: str = "", chunk_rows: int = 0):
    """PRSA file → Batches of at most chunk_rows rows (row numbers as in the file)."""
    src = io.BytesIO(data) if isinstance(data, bytes) else data
    reader = pd.read_csv(src, compression="infer" if not isinstance(data, bytes) else None,
                         dtype={"station": str, "wd": str}, na_values=["NA", ""], keep_default_na=False,
                         chunksize=chunk_rows or CHUNK_ROWS)
    first = 2  # line 1 is the header
    for df in reader:
        b = _prsa_frame(df, first, lookup, errors, file)
        first += len(df)
        if b is None:
            return
        yield b


def _prsa_frame(df: pd.DataFrame, first: int, lookup: dict, errors: Errors, file: str) -> Batch | None:
    missing = [c for c in ("year", "month", "day", "hour", "station", *PRSA_COLUMNS) if c not in df.columns]
    if missing:
        errors.total += 1
        errors.items.append({"file": file, "row": 1, "column": "、".join(missing), "message": _("缺少列")})
        return None
    df = df.reset_index(drop=True)
    rownums = np.arange(len(df)) + first
    df = df.rename(columns=PRSA_COLUMNS)
    parts = {k: pd.to_numeric(df[k], errors="coerce") for k in ("year", "month", "day", "hour")}
    ts = pd.to_datetime(pd.DataFrame({"year": parts["year"], "month": parts["month"], "day": parts["day"]}),
                        errors="coerce") + pd.to_timedelta(parts["hour"], unit="h")
    bad_ts = (ts.isna() | ~parts["hour"].between(0, 23)).to_numpy()
    errors.add_mask(bad_ts, rownums, "year/month/day/hour",
                    lambda i: _("无效时间 %(y)s-%(m)s-%(d)s %(h)s时") % {k: df[c].iat[i] for k, c in
                                                                    (("y", "year"), ("m", "month"), ("d", "day"), ("h", "hour"))}, file)
    # PRSA reports CO in µg/m³; the platform stores mg/m³ (GB 3095).
    values, flags = _validate_values(df, rownums, errors, file, scale={"co": 0.001})
    station = _station_ids(df["station"], lookup, rownums, errors, file)
    epoch = np.where(bad_ts, np.iinfo(np.int64).min, _epochs_local(ts.fillna(pd.Timestamp(0))))
    ok = ~bad_ts & (station >= 0)
    b = Batch(station[ok], epoch[ok], {p: v[ok] for p, v in values.items()}, flags[ok])
    b.rownums = rownums[ok]
    return b


def read_standard_frame(data: bytes, filename: str) -> pd.DataFrame:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        from envbureau.core.excel import read_table

        header, body = read_table(data, filename)
        return pd.DataFrame([list(r) for _n, r in body], columns=header, dtype=object)
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                       compression="gzip" if name.endswith(".gz") else None)


def local_times(raw: pd.Series) -> pd.Series:
    """Time cells → naive local timestamps (NaT where unreadable): pandas for the common spellings at speed,
    then the import framework's parser (core.importing.parse_local_datetime) for the rest - Excel serials,
    2026年11月30日 8时, offsets mixed with local times - so import_air reads what every importer reads.
    Each distinct cell is parsed once (a month of 600 stations holds 744 distinct hours in 430,000 rows)."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=False)
    if len(uniques) == len(raw):
        return _local_times(raw)
    parsed = _local_times(pd.Series(np.asarray(uniques, dtype=object)))
    return pd.Series(parsed.to_numpy()[codes], index=raw.index)


def _local_times(raw: pd.Series) -> pd.Series:
    from envbureau.core.importing import parse_local_datetime

    try:
        ts = pd.to_datetime(raw.astype(str).str.strip(), errors="coerce", format="mixed")
        if getattr(ts.dt, "tz", None) is not None:
            ts = ts.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    except (ValueError, TypeError):  # e.g. offsets in some cells only: every cell through the parser below
        ts = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    nat = np.nonzero(ts.isna().to_numpy())[0]
    if len(nat):
        fixed = [parse_local_datetime(v) if v is not None and str(v).strip() else None for v in raw.iloc[nat]]
        ts = ts.copy()
        ts.iloc[nat] = pd.to_datetime(pd.Series(fixed, dtype=object), errors="coerce").to_numpy()
    return ts


def parse_standard(data: bytes, filename: str, lookup: dict, errors: Errors, *, hour_ending: bool = False) -> Batch:
    """The platform's template: 站点编码, 监测时间 (YYYY-MM-DD HH:MM, local), PM2.5 … O3 (CO mg/m³)."""
    return Batch.concat(list(iter_standard(data, filename, lookup, errors, hour_ending=hour_ending,
                                           chunk_rows=10**9)))


def iter_standard(data: bytes | Path, filename: str, lookup: dict, errors: Errors, *, hour_ending: bool = False,
                  chunk_rows: int = 0):
    """Template file → Batches of at most chunk_rows rows. CSV (also .gz) is read in chunks straight from
    the file; Excel is read whole (a sheet holds at most ~1 M rows) and then cut into chunks."""
    n = chunk_rows or CHUNK_ROWS
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        raw = data if isinstance(data, bytes) else Path(data).read_bytes()
        whole = read_standard_frame(raw, filename)
        frames = (whole.iloc[i: i + n] for i in range(0, max(len(whole), 1), n))
    else:
        comp = "gzip" if name.endswith(".gz") else None
        header = pd.read_csv(io.BytesIO(data) if isinstance(data, bytes) else data, nrows=0, dtype=str,
                             compression=comp).columns
        # value columns straight to numbers (most files hold nothing else there); a chunk where a value column holds
        # anything else (units, 1,234, full-width digits, 'NA' spellings) keeps that column as text for _numeric
        values = [c for c in header if _column_key(c) in POLLUTANTS]
        src = io.BytesIO(data) if isinstance(data, bytes) else data
        frames = pd.read_csv(src, dtype={c: str for c in header if c not in values}, keep_default_na=False,
                             na_values={c: CSV_NA for c in values}, chunksize=n, compression=comp)
    first = 2
    for df in frames:
        b = _standard_frame(df, first, filename, lookup, errors, hour_ending)
        first += len(df)
        if b is None:
            return
        yield b


def _column_key(header) -> str | None:
    """A template header ('PM2.5(µg/m³)', '站点编码*', 'station') → its key, or None."""
    key = STANDARD_COLUMNS.get(str(header).split("(")[0].split("（")[0].rstrip("*").strip())
    return key if key is not None else STANDARD_COLUMNS.get(str(header).strip().lower())


def _standard_frame(df: pd.DataFrame, first: int, filename: str, lookup: dict, errors: Errors,
                    hour_ending: bool) -> Batch | None:
    df = df.reset_index(drop=True)
    cols = {}
    for c in df.columns:
        key = _column_key(c)
        if key:
            cols[c] = key
    df = df.rename(columns=cols)
    missing = [lbl for lbl, k in (("站点编码", "station"), ("监测时间", "time")) if k not in df.columns]
    if missing:
        errors.total += 1
        errors.items.append({"file": filename, "row": 1, "column": "、".join(missing), "message": _("缺少必填列")})
        return None
    rownums = np.arange(len(df)) + first
    raw_t = df["time"]
    ts = local_times(raw_t)
    bad_ts = ts.isna().to_numpy().copy()
    not_hour = ~bad_ts & ((ts.dt.minute.fillna(0) != 0) | (ts.dt.second.fillna(0) != 0)).to_numpy()
    errors.add_mask(bad_ts, rownums, _("监测时间"), lambda i: _("无效时间“%(v)s”") % {"v": raw_t.iat[i]}, filename)
    errors.add_mask(not_hour, rownums, _("监测时间"), lambda i: _("时间“%(v)s”不是整点") % {"v": raw_t.iat[i]}, filename)
    bad_ts |= not_hour
    if hour_ending:
        ts = ts - pd.Timedelta(hours=1)
    values, flags = _validate_values(df, rownums, errors, filename)
    station = _station_ids(df["station"], lookup, rownums, errors, filename)
    epoch = np.where(bad_ts, np.iinfo(np.int64).min, _epochs_local(ts.fillna(pd.Timestamp(0))))
    ok = ~bad_ts & (station >= 0)
    b = Batch(station[ok], epoch[ok], {p: v[ok] for p, v in values.items()}, flags[ok])
    b.rownums = rownums[ok]
    return b


def check_duplicates(batch: Batch, errors: Errors, rownums: np.ndarray | None = None, file: str = ""):
    key = batch.station * 10**11 + batch.epoch
    order = np.argsort(key, kind="stable")
    ks = key[order]
    dup = np.zeros(len(ks), dtype=bool)
    dup[1:] = ks[1:] == ks[:-1]
    if dup.any():
        rn = rownums[order] if rownums is not None else order + 2
        t = batch.epoch[order]
        errors.add_mask(dup, rn, _("监测时间"), lambda i: _("与前面的行重复(同一站点同一时间 %(t)s)")
                        % {"t": _fmt_local(t[i])}, file)


def _fmt_local(epoch: int) -> str:
    return dt.datetime.fromtimestamp(int(epoch) + LOCAL_OFFSET, tz=dt.timezone.utc).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------------------
# database I/O
# ---------------------------------------------------------------------------
def _vendor():
    return connection.vendor


def epoch_sql(col: str) -> str:
    if _vendor() == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {col}) AS BIGINT)"
    return f"CAST(strftime('%%s', {col}) AS INTEGER)"  # %% : queries always pass params


def _time_strings(epoch: np.ndarray) -> np.ndarray:
    s = epoch.astype("datetime64[s]").astype(str)  # 'YYYY-MM-DDTHH:MM:SS'
    s = np.char.replace(s, "T", " ")
    if _vendor() == "postgresql":
        s = np.char.add(s, "+00:00")
    return s


def insert_rows(table: str, columns: list[str], rows) -> None:
    """Fast insert of many rows (a list, or an iterator of tuples): COPY on PostgreSQL, executemany elsewhere."""
    if isinstance(rows, (list, tuple)) and not rows:
        return
    q = connection.ops.quote_name
    columns = [q(c) for c in columns]
    with connection.cursor() as cur:
        if _vendor() == "postgresql":
            raw = cur.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(r)
        else:
            _sqlite_insert(cur, f"INSERT INTO {table} ({', '.join(columns)}) VALUES ", len(columns), rows)


SQLITE_ROWS_PER_INSERT = 500


def _sqlite_insert(cur, head: str, ncols: int, rows=None, columns: list[list] | None = None) -> None:
    """Many rows per INSERT statement (``VALUES (…), (…), …``, up to SQLITE_ROWS_PER_INSERT or SQLite's limit of
    bound parameters) instead of executemany's one statement per row: SQLite opens its cursors on the table and every
    index (and the foreign key's parent, AUTOINCREMENT's counter) once per statement execution, which was two thirds
    of the insert's CPU (issue 17: a month of 600 stations, 432,674 hours, 3.2 s with executemany, 1.0 s with 200+
    rows a statement). Same rows in the same order, so the same ids. ``rows``: an iterable of tuples, or
    ``columns``: one list per column (interleaved into the statements' parameters without a tuple per row)."""
    import itertools

    try:
        limit = connection.connection.getlimit(9)  # sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER (Python ≥ 3.11)
    except (AttributeError, TypeError):
        limit = connection.features.max_query_params
    k = max(1, min(SQLITE_ROWS_PER_INSERT, limit // ncols))
    one = "(" + ", ".join(["%s"] * ncols) + ")"
    if columns is not None:
        n = len(columns[0]) if columns else 0
        flat = [None] * (n * ncols)
        for j, col in enumerate(columns):
            flat[j::ncols] = col
        step, full_end = k * ncols, (n // k) * k * ncols
        statements = (flat[a: a + step] for a in range(0, full_end, step))
        tail_params = flat[full_end:]
    else:
        it, tail = iter(rows), []

        def full_statements():  # the parameters of each statement of k rows; a last, shorter one is kept in tail
            while True:
                part = list(itertools.islice(it, k))
                if len(part) < k:
                    tail.extend(part)
                    return
                yield list(itertools.chain.from_iterable(part))

        statements, tail_params = full_statements(), None
    # executemany of the k-row statement: the query is converted from %s to ? once, not once per statement
    cur.executemany(head + ", ".join([one] * k), statements)
    if tail_params is None:
        tail_params = list(itertools.chain.from_iterable(tail))
    if tail_params:
        cur.execute(head + ", ".join([one] * (len(tail_params) // ncols)), tail_params)


def _nan_to_none(a: np.ndarray) -> list:
    return [None if (x != x) else float(x) for x in a.tolist()]


def load_existing(station_ids, epoch_min: int, epoch_max: int) -> pd.DataFrame:
    """Stored hourly rows of some stations in a time range, as a frame keyed like a Batch."""
    from .models import AirHourly

    t = AirHourly._meta.db_table
    if len(station_ids) == 0:
        return pd.DataFrame(columns=["id", "station", "epoch", *POLLUTANTS, "flags", "invalid_mask"])
    ids = ",".join(str(int(s)) for s in station_ids)
    t0, t1 = _time_strings(np.array([epoch_min, epoch_max]))
    sql = (f"SELECT id, station_id, {epoch_sql('time')}, {', '.join(POLLUTANTS)}, flags, invalid_mask FROM {t} "
           f"WHERE station_id IN ({ids}) AND time >= %s AND time <= %s")
    with connection.cursor() as cur:
        cur.execute(sql, [str(t0), str(t1)])
        rows = cur.fetchall()
    df = pd.DataFrame(rows, columns=["id", "station", "epoch", *POLLUTANTS, "flags", "invalid_mask"])
    for p in POLLUTANTS:
        df[p] = pd.to_numeric(df[p], errors="coerce").astype(np.float64)
    return df


@dataclass
class WriteResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    station_days: dict = field(default_factory=dict)  # station id → sorted array of local day numbers

    def as_dict(self):
        return {"inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "station_days": int(sum(len(v) for v in self.station_days.values()))}


class HourCache:
    """The hours an import inserted (station, hour, values; at most MAX_ROWS), so the station-days of a file are
    computed without reading back what was just written. A window of days is served from the cache only when the
    database holds exactly as many hours of those stations and days as the cache (the cached hours were inserted by
    this import, which refuses a station-hour given twice, so equal counts mean the same hours); otherwise
    (hours stored before, updated hours, more than MAX_ROWS) ``hourly`` answers None and the caller reads them."""

    MAX_ROWS = 1_500_000  # 8 columns of 8 bytes: ~100 MB at most (a month of 600 stations is ~430,000 hours)

    def __init__(self):
        self.clear()

    def clear(self):
        self.parts: list[tuple] = []
        self.rows = 0
        self.full = False
        self._joined = None

    def add(self, station: np.ndarray, epoch: np.ndarray, values: dict) -> None:
        if self.full:
            return
        self.rows += len(station)
        if self.rows > self.MAX_ROWS:
            self.parts, self.full, self._joined = [], True, None  # bounded: the rebuild reads from the database
            return
        self.parts.append((np.asarray(station, np.int64), np.asarray(epoch, np.int64),
                           {p: np.asarray(values[p], np.float64) for p in POLLUTANTS}))
        self._joined = None

    def _join(self):
        if self._joined is None:
            self._joined = (np.concatenate([a for a, _e, _v in self.parts]),
                            np.concatenate([e for _a, e, _v in self.parts]),
                            {p: np.concatenate([v[p] for _a, _e, v in self.parts]) for p in POLLUTANTS})
            self.parts = [self._joined]
        return self._joined

    def hourly(self, station_ids: list[int], d0: int, d1: int) -> dict | None:
        """Hourly values [S, D, 24] of local days d0..d1 as load_hourly gives them, or None (read the database)."""
        from .derived import scatter_hours
        from .models import AirHourly

        if self.full or not self.parts:
            return None
        station, epoch, values = self._join()
        lo, hi = d0 * 86400 - LOCAL_OFFSET, (d1 + 1) * 86400 - LOCAL_OFFSET - 1
        sel = (epoch >= lo) & (epoch <= hi) & np.isin(station, np.asarray(station_ids, dtype=np.int64))
        t0, t1 = _time_strings(np.array([lo, hi]))
        ids = ",".join(str(int(s)) for s in station_ids)
        with connection.cursor() as cur:
            cur.execute(f"SELECT COUNT(*) FROM {AirHourly._meta.db_table} WHERE station_id IN ({ids}) "
                        f"AND time >= %s AND time <= %s", [str(t0), str(t1)])
            stored = cur.fetchone()[0]
        if stored != int(sel.sum()):
            return None
        S, D = len(station_ids), d1 - d0 + 1
        out = {p: np.full((S, D, 24), np.nan) for p in POLLUTANTS}
        return scatter_hours(out, station_ids, d0, station[sel], epoch[sel], {p: v[sel] for p, v in values.items()})


def write_batch(batch: Batch, cache: HourCache | None = None) -> WriteResult:
    """Insert new rows, update changed rows, skip equal rows (call inside a transaction). Inserted hours go to
    ``cache`` too."""
    from .models import AirHourly

    res = WriteResult()
    if len(batch) == 0:
        return res
    table = AirHourly._meta.db_table
    new = pd.DataFrame({"station": batch.station, "epoch": batch.epoch, "flags": batch.flags,
                        **{p: batch.values[p] for p in POLLUTANTS}})
    old = load_existing(np.unique(batch.station), int(batch.epoch.min()), int(batch.epoch.max()))
    if len(old) == 0:  # hours never stored (a new month): nothing to compare
        _insert_hours(table, new)
        if cache is not None:
            cache.add(batch.station, batch.epoch, batch.values)
        res.inserted = len(new)
        res.station_days = station_days_of(batch.station, batch.epoch)
        return res
    merged = new.merge(old, on=["station", "epoch"], how="left", suffixes=("", "_old"))
    is_new = merged["id"].isna().to_numpy()
    same = ~is_new
    for p in POLLUTANTS:
        a, b = merged[p].to_numpy(), merged[f"{p}_old"].to_numpy(dtype=np.float64)
        same &= (a == b) | (np.isnan(a) & np.isnan(b))
    same &= (merged["flags"].to_numpy() == merged["flags_old"].fillna(-1).to_numpy())
    changed = ~is_new & ~same
    res.unchanged = int(same.sum())
    ins = merged[is_new]
    if len(ins):
        _insert_hours(table, ins)
        if cache is not None:
            cache.add(ins["station"].to_numpy(), ins["epoch"].to_numpy(), {p: ins[p].to_numpy() for p in POLLUTANTS})
        res.inserted = len(ins)
    upd = merged[changed]
    if len(upd):
        sets = ", ".join(f"{p} = %s" for p in POLLUTANTS)
        rows = list(zip(*[_nan_to_none(upd[p].to_numpy()) for p in POLLUTANTS], upd["flags"].astype(int).tolist(),
                        upd["id"].astype(np.int64).tolist()))
        with connection.cursor() as cur:
            cur.executemany(f"UPDATE {table} SET {sets}, flags = %s WHERE id = %s", rows)
        res.updated = len(upd)
    touched = merged[is_new | changed]
    res.station_days = station_days_of(touched["station"].to_numpy(dtype=np.int64),
                                       touched["epoch"].to_numpy(dtype=np.int64))
    return res


def _time_list(epoch: np.ndarray) -> list[str]:
    """_time_strings(epoch).tolist(), each distinct hour formatted once (a month of 600 stations holds 744 distinct
    hours in 430,000 rows; the rows share the hour's string)."""
    if not len(epoch):
        return []
    hours, inv = np.unique(epoch, return_inverse=True)
    text = _time_strings(hours).tolist()
    return [text[i] for i in inv.tolist()]


def _insert_hours(table: str, frame: pd.DataFrame) -> None:
    """New hourly rows (columns station, epoch, flags and the pollutants) in one executemany or COPY. SQLite stores a
    bound NaN as NULL, so the value columns go to it as plain float lists (no per-value None test)."""
    ts = _time_list(frame["epoch"].to_numpy(dtype=np.int64))
    conv = (lambda a: a.tolist()) if _vendor() == "sqlite" else _nan_to_none
    cols = [frame["station"].to_numpy(dtype=np.int64).tolist(), ts]
    cols += [conv(frame[p].to_numpy(dtype=np.float64)) for p in POLLUTANTS]
    zeros = [0] * len(frame)
    cols += [zeros, frame["flags"].to_numpy(dtype=np.int64).tolist()]
    names = ["station_id", "time", *POLLUTANTS, "invalid_mask", "flags"]
    if _vendor() == "sqlite":  # the parameters straight from the columns (no tuple per row)
        with connection.cursor() as cur:
            _sqlite_insert(cur, f"INSERT INTO {table} ({', '.join(names)}) VALUES ", len(names), columns=cols)
    else:
        insert_rows(table, names, zip(*cols))  # rows made as written


def station_days_of(station: np.ndarray, epoch: np.ndarray) -> dict:
    day = (epoch + LOCAL_OFFSET) // 86400
    out = {}
    if len(station) == 0:
        return out
    key = np.unique(station * 100000 + day)
    for s in np.unique(key // 100000):
        out[int(s)] = key[key // 100000 == s] % 100000
    return out


# ---------------------------------------------------------------------------
# the one entry point used by the CLI, the demo and the web upload of hourly files
# ---------------------------------------------------------------------------
class SeenHours:
    """Which station-hours this import has already read (one bool per station and hour, grown as needed), so a
    station-hour given twice - in two chunks or two files - is refused in bounded memory (600 stations × 5 years
    ≈ 26 MB)."""

    def __init__(self):
        self.spans: dict[int, tuple[int, np.ndarray]] = {}  # station → (first hour, seen flags)

    def check(self, batch: Batch, rownums, errors: Errors, file: str) -> None:
        if not len(batch):
            return
        hour = batch.epoch // 3600
        order = np.argsort(batch.station, kind="stable")
        st, hr = batch.station[order], hour[order]
        cuts = np.nonzero(np.diff(st))[0] + 1
        dup = np.zeros(len(batch), dtype=bool)
        for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(st)]):
            s, h = int(st[a]), hr[a:b]
            lo, hi = int(h.min()), int(h.max())
            base, seen = self.spans.get(s, (lo, np.zeros(0, dtype=bool)))
            new_base = min(base, lo)
            size = max(base + len(seen), hi + 1) - new_base
            if new_base != base or size != len(seen):
                grown = np.zeros(size, dtype=bool)
                grown[base - new_base: base - new_base + len(seen)] = seen
                base, seen = new_base, grown
            again = seen[h - base].copy()
            first = np.zeros(len(h), dtype=bool)
            first[np.unique(h, return_index=True)[1]] = True  # rows are in file order within a station
            dup[order[a:b]] = again | ~first
            seen[h - base] = True
            self.spans[s] = (base, seen)
        if dup.any():
            rn = rownums if rownums is not None else np.arange(len(batch)) + 2
            errors.add_mask(dup, rn, _("监测时间"), lambda i: _("与前面的行或文件重复(同一站点同一时间 %(t)s)")
                            % {"t": _fmt_local(int(batch.epoch[i]))}, file)


def _merge_days(acc: dict, more: dict) -> None:
    for s, days in more.items():
        acc[s] = np.union1d(acc[s], days) if s in acc else days


def mark_for_scan(station_days: dict) -> None:
    """Hours imported before where the warning scan stands are scanned again next time (from their day)."""
    from .models import WarningScan

    if not station_days:
        return
    day = int(min(int(np.min(v)) for v in station_days.values()))
    since = dt.datetime.fromtimestamp(day * 86400 - LOCAL_OFFSET, tz=dt.timezone.utc)
    state = WarningScan.objects.filter(name="air").first()
    if state is not None and state.scanned_until is not None and since <= state.scanned_until \
            and (state.dirty_from is None or since < state.dirty_from):
        state.dirty_from = since
        state.save(update_fields=["dirty_from"])


def import_files(files: list[tuple[str, bytes | Path]], *, fmt: str = "auto", user=None, hour_ending: bool = False,
                 progress=None, rebuild: bool = True, source: str = "import", chunk_rows: int = 0,
                 per_file: bool = False) -> dict:
    """Read, validate and write every file in chunks of ``chunk_rows`` rows (bounded memory), all-or-nothing per
    declared batch. By default the batch is all the files of one call, in one transaction: if any row of any file is
    invalid, nothing is written and ImportFailed lists the errors. With ``per_file`` every file is its own batch and
    transaction (years of monthly files: each commit stays the size of one file): the files before a bad one stay
    written (ImportFailed.committed names them), the bad file writes nothing and the files after it are not read.
    The station-days a file changed are recomputed after the file (from the hours it inserted when they are all
    there is, HourCache), the jurisdiction days and periods at the end of each batch, window by window.
    ``progress(stage, done, total)``: "rows" after each chunk (total None, counting from the first file),
    "daily" per window of a file's station-days, then "jurisdiction" per window."""
    with _sqlite_cache():
        return _import_files(files, fmt=fmt, user=user, hour_ending=hour_ending, progress=progress, rebuild=rebuild,
                             source=source, chunk_rows=chunk_rows, per_file=per_file)


SQLITE_IMPORT_CACHE_KIB = 65536


class _sqlite_cache:
    """A larger SQLite page cache (64 MB) for the length of an import. Hourly rows arrive sorted by station and
    time, so the (time) index takes them at scattered places of the month; with SQLite's default 2 MB cache those
    index pages are evicted and re-read for nearly every row (measured: 1.5 × the CPU time of the whole insert).
    The cache is per connection; the previous size is put back afterwards."""

    def __enter__(self):
        self.old = None
        if _vendor() == "sqlite":
            with connection.cursor() as cur:
                cur.execute("PRAGMA cache_size")
                self.old = cur.fetchone()[0]
                if self.old is not None and abs(int(self.old)) * (1024 if int(self.old) < 0 else 4096) \
                        < SQLITE_IMPORT_CACHE_KIB * 1024:
                    cur.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
                else:
                    self.old = None
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            with connection.cursor() as cur:
                cur.execute(f"PRAGMA cache_size = {int(self.old)}")


def _import_files(files, *, fmt, user, hour_ending, progress, rebuild, source, chunk_rows, per_file) -> dict:
    lookup = station_lookup(user)
    seen = SeenHours()  # across batches too: a station-hour given twice in one call is refused either way
    now_epoch = int(now().timestamp())
    batches = [[f] for f in files] if per_file else [list(files)]
    total = {"rows": 0, "inserted": 0, "updated": 0, "unchanged": 0, "station_days": 0,
             "rebuilt": {"station_days": 0, "jurisdiction_days": 0}}
    committed: list[str] = []
    for batch in batches:
        try:
            out = _import_batch(batch, fmt=fmt, user=user, hour_ending=hour_ending, progress=progress,
                                rebuild=rebuild, source=source, chunk_rows=chunk_rows, lookup=lookup, seen=seen,
                                now_epoch=now_epoch, rows_before=total["rows"])
        except ImportFailed as e:
            e.committed = committed
            e.not_read = [Path(n).name for n, _d in files[len(committed) + len(batch):]]
            raise
        for k in ("rows", "inserted", "updated", "unchanged", "station_days"):
            total[k] += out[k]
        for k, v in out["rebuilt"].items():
            total["rebuilt"][k] = total["rebuilt"].get(k, 0) + v
        committed += [Path(n).name for n, _d in batch]
    if not rebuild or not total["station_days"]:
        total["rebuilt"] = {}
    return total


def _import_batch(files, *, fmt, user, hour_ending, progress, rebuild, source, chunk_rows, lookup, seen, now_epoch,
                  rows_before) -> dict:
    """One declared batch (some files) in one transaction: written whole or not at all."""
    from . import derived

    errors = Errors()
    res = WriteResult()
    cache = HourCache()
    total_rows = n_station = 0
    with audit.audit_context(source, actor=user, note="import_air"):
        with transaction.atomic():
            for name, data in files:
                f = fmt
                if f == "auto":
                    f = "prsa" if Path(name).name.upper().startswith("PRSA_") else "standard"
                short = Path(name).name
                if f == "prsa":
                    chunks = iter_prsa(data, lookup, errors, short, chunk_rows)
                else:
                    chunks = iter_standard(data, short, lookup, errors, hour_ending=hour_ending, chunk_rows=chunk_rows)
                file_days: dict = {}
                for b in chunks:
                    rn = getattr(b, "rownums", None)
                    seen.check(b, rn, errors, short)
                    plausibility.check_batch(b, errors, rn, short, now_epoch)
                    total_rows += len(b)
                    if not errors:  # after the first error only validate, so every error is reported
                        r = write_batch(b, cache if rebuild else None)
                        res.inserted += r.inserted
                        res.updated += r.updated
                        res.unchanged += r.unchanged
                        _merge_days(file_days, r.station_days)
                    if progress:
                        progress("rows", rows_before + total_rows, None)
                # the station-days of this file, while its inserted hours are at hand (a day that a later file of
                # the same call touches again is computed again then, from everything stored)
                if rebuild and not errors and file_days:
                    n_station += derived.rebuild_station_days(file_days, progress=progress, cache=cache)
                cache.clear()
                _merge_days(res.station_days, file_days)
            if errors:
                raise ImportFailed(errors.items, errors.total)  # rolls the whole batch back
            if progress:
                progress("write", 1, 1)
            mark_for_scan(res.station_days)
            rebuilt = {}
            if rebuild and res.station_days:
                n_city = derived.rebuild_jurisdiction_days(res.station_days, progress=progress)
                derived.refresh_latest(list(res.station_days))
                rebuilt = {"station_days": n_station, "jurisdiction_days": n_city}
            audit.record("create", model_label="quality.airhourly", object_id="import",
                         object_repr=texts.sentence(gettext_noop("导入空气小时数据 %(n)s 行"), n=total_rows),
                         changes={"files": [Path(n).name for n, _d in files], **res.as_dict(), "rebuilt": rebuilt})
    return {"rows": total_rows, **res.as_dict(), "rebuilt": rebuilt}


def now():
    """The clock plausibility checks run against (a seam: tests set it to a fixed instant)."""
    return timezone.now()



