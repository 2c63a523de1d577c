"""Compaction: sealed log segments → Parquet partitions by data kind, day and point; retention.

Partition file: ``parquet/<kind>/day=YYYY-MM-DD/mn=<quoted MN>.parquet`` (kind: rtd, minute, hour, day;
day = China-local calendar day of DataTime).  One row per value, columns::

    ts     timestamp[ms, UTC]  DataTime
    pno    int16 (null)        split-packet number
    code   str                 factor code as received (2005 codes kept)
    factor str                 normalised 2017 code
    field  str                 Rtd / Avg / Min / Max / Cou / ZsAvg …
    mant   int64, exp int8     the exact decimal the device sent: value = mant × 10^exp
    flag   str (null)          data flag as received

Sorted by (ts, factor, field); dictionary + zstd make everything but ``mant`` nearly free, which is
what keeps a stored value under 10 bytes.  Merging into an existing file deduplicates on
(ts, pno, code, field) keeping the first, so re-running a compaction (after a crash) is harmless.
Run as ``python -m envbureau.gateway.compact --data-dir D --below SEQ``; the gateway starts it in
a separate process so the event loop never waits on it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, unquote

import polars as pl

from envbureau.hj212 import CHINA_TZ, HJ212Error, parse_segment
from envbureau.hj212.codes import VALUE_FIELDS, normalise_factor

from .store import archive_segment, fsync_dir, iter_records, list_segments, read_segment, segment_path

KINDS = ("rtd", "minute", "hour", "day")
KEY_COLUMNS = ["ts", "pno", "code", "field"]
SCHEMA = {"ts": pl.Datetime("ms", "UTC"), "pno": pl.Int16, "code": pl.String, "factor": pl.String,
          "field": pl.String, "mant": pl.Int64, "exp": pl.Int8, "flag": pl.String}


def mant_exp(text: str) -> tuple[int, int] | None:
    """'12.340' -> (12340, -3) without Decimal on the common path."""
    t = text.strip()
    whole, dot, frac = t.partition(".")
    digits = whole + frac
    body = digits[1:] if digits[:1] in "+-" else digits
    if body.isdigit() and body.isascii() and (frac.isdigit() or not dot) and len(body) <= 18:
        return int(digits), -len(frac)
    from envbureau.hj212 import decimal_parts

    parts = decimal_parts(t)
    if parts is None or abs(parts[0]) >= 1 << 62 or not -128 <= parts[1] <= 127:
        return None
    return parts


def partition_path(root: Path, kind: str, day: date | str, mn: str) -> Path:
    return root / "parquet" / kind / f"day={day}" / f"mn={quote(mn, safe='')}.parquet"


def mn_of_path(path: Path) -> str:
    return unquote(path.stem[3:])


class _Columns:
    __slots__ = ("ts", "pno", "code", "factor", "field", "mant", "exp", "flag")

    def __init__(self) -> None:
        for name in self.__slots__:
            setattr(self, name, [])

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame({name: getattr(self, name) for name in self.__slots__},
                            schema={**SCHEMA, "ts": pl.Int64}).with_columns(
            pl.col("ts").cast(pl.Datetime("ms", "UTC")))


def rows_from_frames(frames) -> dict[tuple[str, str, str], _Columns]:
    """Group the values of frames into columns per (kind, day, MN)."""
    groups: dict[tuple[str, str, str], _Columns] = defaultdict(_Columns)
    norm_cache: dict[str, str] = {}
    for frame in frames:
        try:
            p = parse_segment(frame[6:-6], 6)
            kind = p.kind
            if kind is None or not p.mn:
                continue
            dt = p.data_time
        except HJ212Error:
            continue
        if dt is None:
            continue
        ts = int(dt.timestamp() * 1000)
        day = dt.date().isoformat()
        cols = groups[(kind, day, p.mn)]
        pno = p.pno
        for code, fields in p.factors.items():
            flag = fields.get("Flag")
            norm = norm_cache.get(code)
            if norm is None:
                norm = norm_cache[code] = normalise_factor(code)
            for name, text in fields.items():
                if name not in VALUE_FIELDS:
                    continue
                me = mant_exp(text)
                if me is None:
                    continue
                cols.ts.append(ts)
                cols.pno.append(pno)
                cols.code.append(code)
                cols.factor.append(norm)
                cols.field.append(name)
                cols.mant.append(me[0])
                cols.exp.append(me[1])
                cols.flag.append(flag)
    return groups


def write_partition(path: Path, new: pl.DataFrame, sync: bool = True) -> int:
    """Merge ``new`` into the partition file (dedup, sort) atomically; returns rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        new = pl.concat([pl.read_parquet(path), new], how="vertical_relaxed")
    df = new.unique(subset=KEY_COLUMNS, keep="first", maintain_order=True).sort(["ts", "factor", "field"])
    tmp = path.with_name(path.name + ".tmp")
    df.write_parquet(tmp, compression="zstd", compression_level=9, statistics=True)
    if sync:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    os.replace(tmp, path)
    if sync:
        fsync_dir(path.parent)
    return df.height


def compact_segment(root: Path, seq: int, sync: bool = True) -> dict:
    data = read_segment(segment_path(root / "log", seq))
    frames = [frame for _, _, frame in iter_records(data)]
    groups = rows_from_frames(frames)
    values = 0
    for (kind, day, mn), cols in groups.items():
        df = cols.frame()
        values += df.height
        write_partition(partition_path(root, kind, day, mn), df, sync=sync)
    archive_segment(root, seq, sync=sync)
    return {"segment": seq, "packets": len(frames), "values": values, "partitions": len(groups)}


def compact(root: Path, below: int | None = None, sync: bool = True) -> list[dict]:
    """Compact every log segment numbered below ``below`` (default: all but the newest)."""
    segs = list_segments(root / "log")
    if below is None:
        below = segs[-1] if segs else 0
    return [compact_segment(root, s, sync=sync) for s in segs if s < below]


def prune(root: Path, retention: dict[str, int], today: date | None = None) -> list[Path]:
    """Delete partitions, raw archives and rejected logs older than their retention (days)."""
    today = today or datetime.now(CHINA_TZ).date()
    removed = []
    for kind in KINDS:
        keep = retention.get(kind)
        kind_dir = root / "parquet" / kind
        if keep is None or not kind_dir.exists():
            continue
        cutoff = (today - timedelta(days=keep)).isoformat()
        for d in kind_dir.iterdir():
            if d.name.startswith("day=") and d.name[4:] < cutoff:
                shutil.rmtree(d, ignore_errors=True)
                removed.append(d)
    keep = retention.get("raw")
    if keep is not None:
        cutoff = (today - timedelta(days=keep)).strftime("%Y%m%d")
        for d in (root / "raw").glob("*") if (root / "raw").exists() else ():
            if d.is_dir() and d.name < cutoff:
                shutil.rmtree(d, ignore_errors=True)
                removed.append(d)
        for f in (root / "rejected").glob("*.jsonl") if (root / "rejected").exists() else ():
            if f.stem < cutoff:
                f.unlink()
                removed.append(f)
    return removed


def parse_retention(items: list[str]) -> dict[str, int]:
    from .server import Retention

    out = dict(vars(Retention()))
    for item in items or []:
        kind, _, days = item.partition(":")
        out[kind] = int(days)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="envbureau.gateway.compact", description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=None, help="data folder (default $ENVBUREAU_DATA_DIR or ./data)")
    ap.add_argument("--below", type=int, default=None, help="compact segments numbered below this")
    ap.add_argument("--all", action="store_true", help="include the newest segment (only when no gateway runs)")
    ap.add_argument("--retention", action="append", default=[], help="KIND:DAYS, e.g. rtd:30 (repeatable)")
    ap.add_argument("--no-sync", action="store_true")
    args = ap.parse_args(argv)
    from .store import online_dir

    root = online_dir(args.data_dir)
    t0 = time.perf_counter()
    below = 1 << 62 if args.all else args.below
    done = compact(root, below, sync=not args.no_sync)
    removed = prune(root, parse_retention(args.retention))
    if done or removed:
        packets = sum(d["packets"] for d in done)
        values = sum(d["values"] for d in done)
        print(f"compacted {len(done)} segment(s): {packets} packets, {values} values in "
              f"{time.perf_counter() - t0:.1f}s; pruned {len(removed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
