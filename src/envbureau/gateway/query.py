"""One consistent series for a point across the packet log (recent) and Parquet partitions (older).

Consistency with a compaction running at the same time: the log is read *first*, then the
partitions.  Compaction writes partitions before it removes a segment, so a value is either in
what we read from the log or already in a partition when we read those; both copies are merged
by the dedup key (ts, pno, code, field), keeping the partition copy.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import polars as pl

from envbureau.hj212 import CHINA_TZ

from .compact import SCHEMA, mn_of_path, partition_path, rows_from_frames
from .store import iter_log, iter_records, list_segments, online_dir, read_segment, segment_path

KEY = ["ts", "pno", "code", "field"]
OUT_COLUMNS = ["ts", "pno", "code", "factor", "field", "value", "flag", "mant", "exp"]


def _days(start: datetime, end: datetime) -> list[date]:
    a = start.astimezone(CHINA_TZ).date()
    b = end.astimezone(CHINA_TZ).date()
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


def _log_frames(root: Path, mn: str) -> list[bytes]:
    needle = f"MN={mn};".encode()
    out = []
    log_dir = root / "log"
    for seq in list_segments(log_dir):
        data = read_segment(segment_path(log_dir, seq))
        if needle not in data:
            continue
        for _, _, frame in iter_records(data):
            if needle in frame:
                out.append(frame)
    return out


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def read_series(mn: str, kind: str, start: datetime, end: datetime, *, factors=None, fields=None,
                data_dir: str | Path | None = None, root: Path | None = None) -> pl.DataFrame:
    """Values of point ``mn`` for data kind rtd|minute|hour|day with start <= ts < end.

    Returns columns ts (UTC), pno, code, factor, field, value (float64), flag, mant, exp — sorted by ts.
    ``factors`` / ``fields`` filter by normalised factor code and field name (e.g. ["Avg"]).
    """
    root = root or online_dir(data_dir)
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    lo = start.astimezone(timezone.utc)
    hi = end.astimezone(timezone.utc)

    def narrow(lf: pl.LazyFrame) -> pl.LazyFrame:
        cond = (pl.col("ts") >= lo) & (pl.col("ts") < hi)
        if factors is not None:
            cond &= pl.col("factor").is_in(list(factors))
        if fields is not None:
            cond &= pl.col("field").is_in(list(fields))
        return lf.filter(cond)

    # 1. the log first (see module docstring)
    groups = rows_from_frames(_log_frames(root, mn))
    recent = [cols.frame() for (k, _, m), cols in groups.items() if k == kind and m == mn]
    # 2. then the partitions of the days in range (one file per day, each sorted and deduplicated)
    files = [p for d in _days(start, end) if (p := partition_path(root, kind, d.isoformat(), mn)).exists()]
    older = _read_partitions(files, narrow)
    if recent:
        new = narrow(pl.concat(recent, how="vertical_relaxed").lazy()).collect()
        new = new.unique(subset=KEY, keep="first", maintain_order=True)
        # values already compacted win; the log copy only fills what partitions lack
        new = new.join(older.select(KEY), on=KEY, how="anti", nulls_equal=True)
        df = pl.concat([older, new], how="vertical_relaxed").sort(["ts", "factor", "field"])
    else:
        df = older
    return df.with_columns(exact_value().alias("value")).select(OUT_COLUMNS)


#: 10**k is exact in a double up to k = 22, so one division (or product) rounds mant × 10^exp once
_POW10 = {k: 10.0 ** abs(k) for k in range(-22, 23)}


def exact_value() -> pl.Expr:
    """The double nearest to the decimal the device sent (``3.3`` reads back as 3.3, not as
    33 × 0.1 = 3.3000000000000003): mant / 10^-exp is one correctly rounded IEEE division."""
    mant = pl.col("mant").cast(pl.Float64)
    scale = pl.col("exp").cast(pl.Int32).replace_strict(_POW10, default=None, return_dtype=pl.Float64)
    fallback = mant * pl.lit(10.0).pow(pl.col("exp").cast(pl.Float64))  # beyond 10^±22: never sent in practice
    return (pl.when(scale.is_null()).then(fallback)
            .when(pl.col("exp") < 0).then(mant / scale)
            .otherwise(mant * scale))


def _read_partitions(files: list[Path], narrow) -> pl.DataFrame:
    for attempt in range(5):
        present = [f for f in files if f.exists()]
        if not present:
            return _empty()
        try:
            return narrow(pl.scan_parquet(present)).collect()
        except (FileNotFoundError, OSError, pl.exceptions.ComputeError):
            if attempt == 4:
                raise
            continue  # a file was replaced under us by a compaction: list again
    return _empty()


def wide(df: pl.DataFrame, field: str = "Avg") -> pl.DataFrame:
    """One row per timestamp, one column per factor — what a chart wants."""
    sub = df.filter(pl.col("field") == field)
    if sub.is_empty():
        return pl.DataFrame({"ts": []})
    return sub.pivot(on="factor", index="ts", values="value", aggregate_function="first").sort("ts")


def downsample(df: pl.DataFrame, every: str = "1h") -> pl.DataFrame:
    """Per factor and field, buckets of ``every`` (polars duration: "15m", "1h", "1d") with min, mean,
    max and count — what a chart of a year of minute data needs (a few thousand points, not 500 k).
    Buckets follow China local time."""
    if df.is_empty():
        return pl.DataFrame(schema={"ts": df.schema["ts"], "factor": pl.String, "field": pl.String,
                                    "min": pl.Float64, "mean": pl.Float64, "max": pl.Float64, "n": pl.UInt32})
    local = df.with_columns(pl.col("ts").dt.convert_time_zone("Asia/Shanghai")).sort("ts")
    out = (local.group_by_dynamic("ts", every=every, group_by=["factor", "field"])
           .agg(pl.col("value").min().alias("min"), pl.col("value").mean().alias("mean"),
                pl.col("value").max().alias("max"), pl.len().cast(pl.UInt32).alias("n")))
    return out.with_columns(pl.col("ts").dt.convert_time_zone("UTC")).sort(["factor", "field", "ts"])


def read_window(kind: str, start: datetime, end: datetime, *, fields=None, root: Path | None = None,
                data_dir: str | Path | None = None) -> pl.DataFrame:
    """Every point's values of one data kind with start <= ts < end (a restart's look-back, not a chart):
    columns mn, ts, pno, code, factor, field, value, flag — log and partitions merged, each value once."""
    root = root or online_dir(data_dir)
    lo = start.astimezone(timezone.utc)
    hi = end.astimezone(timezone.utc)

    def narrow(lf: pl.LazyFrame) -> pl.LazyFrame:
        cond = (pl.col("ts") >= lo) & (pl.col("ts") < hi)
        if fields is not None:
            cond &= pl.col("field").is_in(list(fields))
        return lf.filter(cond)

    frames = [f for _, _, _, f in iter_log(root)]
    parts = [cols.frame().with_columns(pl.lit(m).alias("mn"))
             for (k, _, m), cols in rows_from_frames(frames).items() if k == kind]
    files = [f for d in _days(start, end) for f in sorted((root / "parquet" / kind / f"day={d.isoformat()}").glob("*.parquet"))]
    for f in files:
        try:
            df = narrow(pl.scan_parquet(f)).collect()
        except (FileNotFoundError, OSError, pl.exceptions.ComputeError):
            continue  # replaced by a compaction under us: its rows are in the log we read first
        parts.append(df.with_columns(pl.lit(mn_of_path(f)).alias("mn")))
    columns = ["mn", "ts", "pno", "code", "factor", "field", "mant", "exp", "flag"]
    if not parts:
        return pl.DataFrame(schema={"mn": pl.String, **SCHEMA}).with_columns(exact_value().alias("value")).select(
            ["mn", "ts", "pno", "code", "factor", "field", "value", "flag"])
    df = narrow(pl.concat([x.select(columns) for x in parts], how="vertical_relaxed").lazy()).collect()
    df = df.unique(subset=["mn", *KEY], keep="first", maintain_order=True).sort(["mn", "ts", "factor", "field"])
    return df.with_columns(exact_value().alias("value")).select(
        ["mn", "ts", "pno", "code", "factor", "field", "value", "flag"])
