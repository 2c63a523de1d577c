"""Durable append-only packet log (the write that precedes every acknowledgement).

Layout under ``<data_dir>/online/``::

    log/0000000001.seg          append-only segments; the highest number is being written
    raw/YYYYMMDD/<seq>.seg.gz   segments after compaction, kept for audit (raw-packet retention)
    parquet/<kind>/day=YYYY-MM-DD/mn=<MN>.parquet   columnar values (see compact.py)
    rejected/YYYYMMDD.jsonl     every rejected frame with its reason
    stats.json, hook.cursor

A record is ``<u32 length><u32 crc32><f64 received_at><frame bytes>``; crc32 covers the timestamp
and the frame, so a torn tail after a crash is detected and cut off on open.  Records are written
by one thread in group commits: one ``write`` + ``fsync`` for every packet that arrived while the
previous commit was on disk.
"""

from __future__ import annotations

import gzip
import os
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

HEADER = struct.Struct("<IId")
MAX_RECORD = 1 << 20
SEGMENT_SUFFIX = ".seg"


def online_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """``<data_dir>/online``; data_dir defaults to $ENVBUREAU_DATA_DIR or ./data."""
    base = data_dir or os.environ.get("ENVBUREAU_DATA_DIR") or "data"
    return Path(base) / "online"


def encode_record(received_at: float, frame: bytes) -> bytes:
    tail = struct.pack("<d", received_at) + frame
    return struct.pack("<II", len(frame), zlib.crc32(tail)) + tail


def iter_records(data: bytes, start: int = 0) -> Iterator[tuple[int, float, bytes]]:
    """Yield (end offset, received_at, frame) for every intact record; stops at the first torn one."""
    pos = start
    n = len(data)
    size = HEADER.size
    while pos + size <= n:
        length, crc, received_at = HEADER.unpack_from(data, pos)
        end = pos + size + length
        if length > MAX_RECORD or end > n or zlib.crc32(data[pos + 8:end]) != crc:
            return
        yield end, received_at, data[pos + size:end]
        pos = end


def read_segment(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return b""


def segment_path(log_dir: Path, seq: int) -> Path:
    return log_dir / f"{seq:010d}{SEGMENT_SUFFIX}"


def list_segments(log_dir: Path) -> list[int]:
    out = []
    try:
        names = os.listdir(log_dir)
    except FileNotFoundError:
        return out
    for name in names:
        if name.endswith(SEGMENT_SUFFIX) and name[:-4].isdigit():
            out.append(int(name[:-4]))
    return sorted(out)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class PacketLog:
    """Append-only segmented log.  ``append_and_sync`` is called from one writer thread only."""

    def __init__(self, root: Path, segment_bytes: int = 64 << 20, sync: bool = True):
        self.root = Path(root)
        self.dir = self.root / "log"
        self.segment_bytes = segment_bytes
        self.sync = sync
        self.seq = 0
        self.size = 0
        self._fd: int | None = None
        self.opened_at = time.time()
        self.recovered_truncated = 0

    # -- opening and recovery
    def open(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        segs = list_segments(self.dir)
        if not segs:
            self._start(_last_archived(self.dir) + 1)  # never reuse a number the raw archive holds
            return
        self.seq = segs[-1]
        path = segment_path(self.dir, self.seq)
        data = read_segment(path)
        good = 0
        for end, _, _ in iter_records(data):
            good = end
        if good < len(data):
            # torn tail from a crash: never acknowledged (acks follow fsync), so cut it off
            self.recovered_truncated = len(data) - good
            with open(path, "r+b") as fh:
                fh.truncate(good)
                os.fsync(fh.fileno())
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        self.size = good
        self.opened_at = time.time()

    def _start(self, seq: int) -> None:
        self.seq = seq
        self._fd = os.open(segment_path(self.dir, seq), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.size = 0
        self.opened_at = time.time()
        fsync_dir(self.dir)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    # -- writing
    def append_and_sync(self, data: bytes) -> tuple[int, int]:
        """Write one group of records and fsync; returns (segment, end offset)."""
        if data:
            try:
                view = memoryview(data)
                while view:
                    written = os.write(self._fd, view)
                    view = view[written:]
                if self.sync:
                    os.fdatasync(self._fd)
            except OSError:
                # e.g. disk full: cut the partial group so later records do not follow a torn one
                try:
                    os.ftruncate(self._fd, self.size)
                except OSError:
                    pass
                raise
            self.size += len(data)
        return self.seq, self.size

    def seal(self) -> int | None:
        """Start a new segment; returns the sealed one's number (None if it was empty)."""
        if self.size == 0:
            return None
        sealed = self.seq
        if self.sync:
            os.fsync(self._fd)
        os.close(self._fd)
        self._start(sealed + 1)
        return sealed

    def should_seal(self, max_age: float) -> bool:
        return self.size > 0 and (self.size >= self.segment_bytes or time.time() - self.opened_at >= max_age)

    def sealed_segments(self) -> list[int]:
        return [s for s in list_segments(self.dir) if s < self.seq]


def archive_segment(root: Path, seq: int, sync: bool = True) -> Path:
    """Move a compacted segment to raw/YYYYMMDD/ (gzip), then delete it from the log."""
    src = segment_path(root / "log", seq)
    day = time.strftime("%Y%m%d", time.gmtime(src.stat().st_mtime + 8 * 3600))
    dest_dir = root / "raw" / day
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"{seq:010d}{SEGMENT_SUFFIX}.gz"
    if dest.exists():  # never overwrite audit data, whatever happened to the numbering
        dest = dest_dir / f"{seq:010d}-{time.time_ns()}{SEGMENT_SUFFIX}.gz"
    tmp = dest.with_suffix(".tmp")
    data = read_segment(src)
    records = sum(1 for _ in iter_records(data))
    with open(tmp, "wb") as raw_out:
        with gzip.GzipFile(fileobj=raw_out, mode="wb", compresslevel=6, mtime=0) as gz:
            gz.write(data)
        raw_out.flush()
        if sync:
            os.fsync(raw_out.fileno())
    os.replace(tmp, dest)
    if sync:
        fsync_dir(dest_dir)
    marker = root / "log" / "last_archived"
    last, archived = read_archive_marker(root / "log")
    if seq > last:
        # the number and the running count of records archived change together (one atomic rename),
        # so the gateway can rebuild its stored total at start without reading the archive
        tmp_marker = marker.with_suffix(".tmp")
        with open(tmp_marker, "w") as fh:
            if archived is None:  # a store from before the count: count its archive once
                archived = sum(1 for aseq, _, _ in iter_archive(root) if aseq < seq)
            fh.write(f"{seq} {archived + records}")
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.replace(tmp_marker, marker)
        if sync:
            fsync_dir(marker.parent)
    src.unlink()
    return dest


def read_archive_marker(log_dir: Path) -> tuple[int, int | None]:
    """(highest archived segment number, records archived in all) — the count is None for a store
    archived before the count was kept (then :func:`stored_records` reads the archive once)."""
    try:
        parts = (log_dir / "last_archived").read_text().split()
    except FileNotFoundError:
        return 0, 0
    try:
        seq = int(parts[0]) if parts else 0
        return seq, (int(parts[1]) if len(parts) > 1 else (None if seq else 0))
    except ValueError:
        return 0, None


def _last_archived(log_dir: Path) -> int:
    return read_archive_marker(log_dir)[0]


def stored_records(root: Path) -> int:
    """Records the packet log holds or has archived: the true "stored" total, rebuilt from the files
    (gateway-stats' own counters can lag a crash by up to a second of traffic)."""
    log_dir = root / "log"
    last, archived = read_archive_marker(log_dir)
    if archived is None:
        archived = sum(1 for seq, _, _ in iter_archive(root) if seq <= last)
    live = 0
    for seq in list_segments(log_dir):
        if seq > last:  # a segment archived just before a crash may still be listed: counted once
            live += sum(1 for _ in iter_records(read_segment(segment_path(log_dir, seq))))
    return archived + live


def iter_archive(root: Path) -> Iterator[tuple[int, float, bytes]]:
    """All records of the raw archive (oldest first): (segment, received_at, frame)."""
    raw = root / "raw"
    if not raw.exists():
        return
    files = sorted(raw.glob("*/*.seg.gz"), key=lambda p: p.name)
    for f in files:
        seq = int(f.name.split(".")[0].split("-")[0])
        with gzip.open(f, "rb") as fh:
            data = fh.read()
        for _, at, frame in iter_records(data):
            yield seq, at, frame


def iter_log(root: Path, include_archive: bool = False) -> Iterator[tuple[int, int, float, bytes]]:
    """Every stored record: (segment, end offset, received_at, frame), archive first when asked."""
    log_dir = root / "log"
    live = list_segments(log_dir)
    if include_archive:
        skip = set(live)  # a crash between archiving and unlinking leaves both copies
        for seq, at, frame in iter_archive(root):
            if seq not in skip:
                yield seq, 0, at, frame
    for seq in live:
        data = read_segment(segment_path(log_dir, seq))
        for end, at, frame in iter_records(data):
            yield seq, end, at, frame


def rejected_records(root: Path, mn: str | None = None, reason: str | None = None) -> Iterator[dict]:
    """Entries of the rejected log (oldest first), with ``raw`` = the exact bytes received."""
    import base64
    import json

    for f in sorted((root / "rejected").glob("*.jsonl")):
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                try:
                    e = json.loads(line)
                except ValueError:
                    continue  # a torn last line after a crash
                if (mn is None or e.get("mn") == mn) and (reason is None or e.get("reason") == reason):
                    b64 = e.get("frame_b64")
                    e["raw"] = base64.b64decode(b64) if b64 else e.get("frame", "").encode("utf-8")
                    yield e
