"""The packet log's file rules, one by one (gateway/store.py's docstring is the specification): the record
layout, where reading stops, segment names and numbering, sealing, group writes and their sync, archiving
with its marker, counting what is stored, and the rejected log. No gateway runs here: plain files only."""

import base64
import gzip
import json
import os
import struct
import time
import zlib

import pytest

from boundary import three
from envbureau.gateway import store
from envbureau.gateway.store import PacketLog, encode_record, iter_records

MIB = 1 << 20


def record(at: float, frame: bytes) -> bytes:
    """The layout written out here: <u32 length><u32 crc32 of timestamp+frame><f64 received_at><frame>."""
    tail = struct.pack("<d", at) + frame
    return struct.pack("<II", len(frame), zlib.crc32(tail)) + tail


def test_record_layout():
    assert encode_record(1700000000.25, b"##0010abc") == record(1700000000.25, b"##0010abc")
    assert encode_record(0.0, b"") == record(0.0, b"")
    assert len(encode_record(1.0, b"xyz")) == 16 + 3


def test_reading_yields_end_offsets_and_stops_at_the_first_torn_record():
    a, b, c = record(1.0, b"first"), record(2.5, b"second"), record(3.0, b"third")
    data = a + b + c
    assert list(iter_records(data)) == [(len(a), 1.0, b"first"), (len(a + b), 2.5, b"second"),
                                        (len(data), 3.0, b"third")]
    assert list(iter_records(data, len(a))) == [(len(a + b), 2.5, b"second"), (len(data), 3.0, b"third")]
    assert [f for _, _, f in iter_records(data[:-1])] == [b"first", b"second"]       # cut short
    assert [f for _, _, f in iter_records(a + b[:15])] == [b"first"]                 # a header cut short
    assert [f for _, _, f in iter_records(a + b[:16])] == [b"first"]                 # header only, frame missing
    bad = bytearray(data)
    bad[len(a) + 20] ^= 0xFF  # one byte of the second frame
    assert [f for _, _, f in iter_records(bytes(bad))] == [b"first"]                 # a wrong CRC stops reading
    stamp = bytearray(data)
    stamp[len(a) + 9] ^= 0x01  # the CRC covers the timestamp too
    assert [f for _, _, f in iter_records(bytes(stamp))] == [b"first"]
    assert list(iter_records(b"")) == [] and list(iter_records(a[:16])) == []


def test_a_record_longer_than_the_limit_is_torn():
    def readable(n):
        return len(list(iter_records(record(1.0, b"x" * n)))) == 1

    assert three(readable, MIB, 1) == (True, True, False)


def test_segment_names_and_listing(tmp_path):
    assert store.segment_path(tmp_path, 7) == tmp_path / "0000000007.seg"
    assert store.list_segments(tmp_path / "missing") == []
    for name in ("0000000010.seg", "0000000002.seg", "0000000009.seg", "last_archived", "0000000003.seg.gz",
                 "0000000004.seg.tmp", "abc.seg", "0000000005.sex"):
        (tmp_path / name).write_bytes(b"")
    assert store.list_segments(tmp_path) == [2, 9, 10]
    assert store.read_segment(tmp_path / "none.seg") == b""
    (tmp_path / "0000000002.seg").write_bytes(b"abc")
    assert store.read_segment(tmp_path / "0000000002.seg") == b"abc"


def test_online_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ENVBUREAU_DATA_DIR", str(tmp_path / "env"))
    assert store.online_dir(tmp_path / "given") == tmp_path / "given" / "online"
    assert store.online_dir() == tmp_path / "env" / "online"
    monkeypatch.delenv("ENVBUREAU_DATA_DIR")
    assert str(store.online_dir()) == os.path.join("data", "online")


def test_a_new_log_starts_at_one_and_appends(tmp_path):
    log = PacketLog(tmp_path)
    log.open()
    try:
        assert (log.seq, log.size) == (1, 0) and (tmp_path / "log" / "0000000001.seg").exists()
        a, b = record(1.0, b"a"), record(2.0, b"bb")
        assert log.append_and_sync(a) == (1, len(a))
        assert log.append_and_sync(b"") == (1, len(a))  # nothing to write
        assert log.append_and_sync(b) == (1, len(a + b))
        assert store.read_segment(tmp_path / "log" / "0000000001.seg") == a + b
    finally:
        log.close()


def test_opening_continues_the_highest_segment_and_cuts_a_torn_tail(tmp_path):
    d = tmp_path / "log"
    d.mkdir()
    good = record(1.0, b"kept") + record(2.0, b"kept too")
    (d / "0000000003.seg").write_bytes(record(0.5, b"older"))
    (d / "0000000004.seg").write_bytes(good + record(3.0, b"torn")[:-2])
    log = PacketLog(tmp_path)
    log.open()
    try:
        assert (log.seq, log.size, log.recovered_truncated) == (4, len(good), len(record(3.0, b"torn")) - 2)
        assert (d / "0000000004.seg").read_bytes() == good
        assert log.sealed_segments() == [3]
        assert log.append_and_sync(record(4.0, b"next")) == (4, len(good) + len(record(4.0, b"next")))
    finally:
        log.close()
    clean = PacketLog(tmp_path)
    clean.open()
    assert clean.recovered_truncated == 0
    clean.close()


def test_a_new_log_never_reuses_an_archived_number(tmp_path):
    (tmp_path / "log").mkdir()
    (tmp_path / "log" / "last_archived").write_text("41 1000")
    log = PacketLog(tmp_path)
    log.open()
    assert log.seq == 42
    log.close()


def test_sealing(tmp_path):
    log = PacketLog(tmp_path, segment_bytes=100)
    log.open()
    try:
        assert log.seal() is None and log.seq == 1  # an empty segment is not sealed
        assert not log.should_seal(0)
        log.append_and_sync(b"x" * 99)
        assert not log.should_seal(3600)
        log.append_and_sync(b"x")  # exactly segment_bytes
        assert log.should_seal(3600)
        assert log.seal() == 1
        assert (log.seq, log.size, log.sealed_segments()) == (2, 0, [1])
        log.append_and_sync(b"y")
        log.opened_at = time.time() - 60
        assert three(log.should_seal, 60, 1) == (True, True, False)  # open 60 s: sealed at a limit of 60 s
    finally:
        log.close()


def test_each_group_is_synced_once_and_not_without_sync(tmp_path, monkeypatch):
    calls = []
    real = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (calls.append(fd), real(fd)))
    log = PacketLog(tmp_path / "a")
    log.open()
    log.append_and_sync(record(1.0, b"a") + record(2.0, b"b"))
    log.append_and_sync(b"")
    assert calls == [log._fd]
    log.close()
    calls.clear()
    unsynced = PacketLog(tmp_path / "b", sync=False)
    unsynced.open()
    unsynced.append_and_sync(record(1.0, b"a"))
    unsynced.close()
    assert calls == []


def test_a_failed_write_leaves_no_partial_group(tmp_path, monkeypatch):
    log = PacketLog(tmp_path)
    log.open()
    first = record(1.0, b"first")
    log.append_and_sync(first)

    real_write = os.write

    def disk_full_after_five_bytes(fd, data):
        real_write(fd, bytes(data[:5]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full_after_five_bytes)
    with pytest.raises(OSError):
        log.append_and_sync(record(2.0, b"second"))
    monkeypatch.undo()
    assert log.size == len(first)
    assert store.read_segment(tmp_path / "log" / "0000000001.seg") == first
    log.close()


def _sealed_log(root, frames, mtime=None):
    log = PacketLog(root)
    log.open()
    log.append_and_sync(b"".join(record(float(i), f) for i, f in enumerate(frames)))
    seq = log.seal()
    log.close()
    if mtime is not None:
        os.utime(store.segment_path(root / "log", seq), (mtime, mtime))
    return seq


def test_archiving_moves_the_segment_under_its_china_day_and_counts_it(tmp_path):
    # 2026-03-01 16:30 UTC is 2 March 00:30 in China: the archive folder is the Chinese day.
    seq = _sealed_log(tmp_path, [b"a", b"b", b"c"], mtime=1772382600)
    data = store.segment_path(tmp_path / "log", seq).read_bytes()
    dest = store.archive_segment(tmp_path, seq, sync=False)
    assert dest == tmp_path / "raw" / "20260302" / "0000000001.seg.gz"
    assert gzip.decompress(dest.read_bytes()) == data
    assert not store.segment_path(tmp_path / "log", seq).exists()
    assert store.read_archive_marker(tmp_path / "log") == (1, 3)
    assert [(s, f) for s, _, f in store.iter_archive(tmp_path)] == [(1, b"a"), (1, b"b"), (1, b"c")]


def test_archiving_never_overwrites_and_the_marker_only_moves_forward(tmp_path):
    seq = _sealed_log(tmp_path, [b"a"], mtime=1772382600)
    first = store.archive_segment(tmp_path, seq, sync=False)
    # The same number again (a numbering accident): a second file beside the first, the marker unchanged.
    store.segment_path(tmp_path / "log", seq).write_bytes(record(9.0, b"z"))
    os.utime(store.segment_path(tmp_path / "log", seq), (1772382600, 1772382600))
    second = store.archive_segment(tmp_path, seq, sync=False)
    assert second != first and second.parent == first.parent and second.name.startswith("0000000001-")
    assert second.name.endswith(".seg.gz") and first.exists()
    assert store.read_archive_marker(tmp_path / "log") == (1, 1)
    assert sorted(f for _, _, f in store.iter_archive(tmp_path)) == [b"a", b"z"]


def test_archive_marker_forms(tmp_path):
    d = tmp_path / "log"
    assert store.read_archive_marker(d) == (0, 0)  # nothing archived yet
    d.mkdir()
    for text, expected in (("5 12", (5, 12)), ("5", (5, None)), ("", (0, 0)), ("0", (0, 0)), ("x 3", (0, None)),
                           ("7 y", (0, None)), ("8 3 extra", (8, 3))):
        (d / "last_archived").write_text(text)
        assert store.read_archive_marker(d) == expected, text


def test_an_old_marker_without_a_count_is_counted_from_the_archive_once(tmp_path):
    one = _sealed_log(tmp_path, [b"a", b"b"])
    store.archive_segment(tmp_path, one, sync=False)
    (tmp_path / "log" / "last_archived").write_text(str(one))  # a store from before the count
    assert store.stored_records(tmp_path) == 2
    two = _sealed_log(tmp_path, [b"c", b"d", b"e"])
    store.archive_segment(tmp_path, two, sync=False)
    assert store.read_archive_marker(tmp_path / "log") == (two, 5)


def test_stored_records_counts_archive_and_live_segments(tmp_path):
    one = _sealed_log(tmp_path, [b"a", b"b"])
    store.archive_segment(tmp_path, one, sync=False)
    _sealed_log(tmp_path, [b"c", b"d", b"e"])
    assert store.stored_records(tmp_path) == 5
    assert store.stored_records(tmp_path / "empty") == 0
    live = [(seq, f) for seq, _, _, f in store.iter_log(tmp_path)]
    assert live == [(2, b"c"), (2, b"d"), (2, b"e")]
    everything = [(seq, end, f) for seq, end, _, f in store.iter_log(tmp_path, include_archive=True)]
    assert [(s, f) for s, _, f in everything] == [(1, b"a"), (1, b"b"), (2, b"c"), (2, b"d"), (2, b"e")]
    assert [e for s, e, _ in everything if s == 1] == [0, 0]  # archived records have no offset in the log


def test_a_segment_both_archived_and_still_listed_is_read_once(tmp_path):
    seq = _sealed_log(tmp_path, [b"a", b"b"])
    kept = store.segment_path(tmp_path / "log", seq).read_bytes()
    store.archive_segment(tmp_path, seq, sync=False)
    store.segment_path(tmp_path / "log", seq).write_bytes(kept)  # a crash before the unlink
    assert [f for _, _, _, f in store.iter_log(tmp_path, include_archive=True)] == [b"a", b"b"]
    assert store.stored_records(tmp_path) == 2


def test_the_archive_is_read_oldest_first(tmp_path):
    for seq, day in ((12, "20260302"), (3, "20260301"), (11, "20260301")):
        d = tmp_path / "raw" / day
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{seq:010d}.seg.gz").write_bytes(gzip.compress(record(float(seq), str(seq).encode())))
    assert [(s, f) for s, _, f in store.iter_archive(tmp_path)] == [(3, b"3"), (11, b"11"), (12, b"12")]
    assert list(store.iter_archive(tmp_path / "nothing")) == []


def test_rejected_records_filter_and_give_the_raw_bytes(tmp_path):
    d = tmp_path / "rejected"
    d.mkdir()
    lines = [
        {"mn": "MN1", "reason": "crc", "frame": "##0010text"},
        {"mn": "MN2", "reason": "crc", "frame_b64": base64.b64encode(b"\xff\xfe##").decode()},
        {"mn": "MN1", "reason": "password", "frame": "##中文"},
        {"mn": "MN1", "reason": "syntax"},
    ]
    (d / "20260302.jsonl").write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in lines[2:]) + "\n{torn",
                                      encoding="utf-8")
    (d / "20260301.jsonl").write_text("\n".join(json.dumps(e) for e in lines[:2]) + "\n", encoding="utf-8")
    (d / "notes.txt").write_text("not a log")
    got = list(store.rejected_records(tmp_path))
    assert [(e["mn"], e["reason"], e["raw"]) for e in got] == [
        ("MN1", "crc", b"##0010text"), ("MN2", "crc", b"\xff\xfe##"), ("MN1", "password", "##中文".encode()),
        ("MN1", "syntax", b"")]
    assert [e["reason"] for e in store.rejected_records(tmp_path, mn="MN1")] == ["crc", "password", "syntax"]
    assert [e["mn"] for e in store.rejected_records(tmp_path, reason="crc")] == ["MN1", "MN2"]
    assert [e["reason"] for e in store.rejected_records(tmp_path, mn="MN1", reason="crc")] == ["crc"]
    assert list(store.rejected_records(tmp_path / "none")) == []


def test_a_torn_line_in_the_middle_does_not_hide_the_lines_after_it(tmp_path):
    # After a crash the gateway restarts and appends to the same day's file: the torn line is then followed by
    # whole ones, which are still read.
    d = tmp_path / "rejected"
    d.mkdir()
    (d / "20260301.jsonl").write_text('{"mn": "A", "reason": "crc"}\n{"mn": "B", "rea\n{"mn": "C", "reason": "crc"}\n',
                                      encoding="utf-8")
    assert [e["mn"] for e in store.rejected_records(tmp_path)] == ["A", "C"]
