from datetime import date, datetime, timedelta, timezone

import polars as pl

from envbureau.gateway.compact import compact, mant_exp, partition_path, prune
from envbureau.gateway.query import read_series, wide
from envbureau.gateway.store import (
    PacketLog,
    encode_record,
    iter_log,
    iter_records,
    read_segment,
    segment_path,
)
from envbureau.hj212 import CHINA_TZ, build_frame

UTC = timezone.utc


def minute_frame(mn, t: datetime, values: dict, pno=None):
    cp = f"DataTime={t.strftime('%Y%m%d%H%M%S')};" + ";".join(
        f"{code}-Avg={v},{code}-Flag=N" for code, v in values.items())
    split = f"PNUM=2;PNO={pno};" if pno else ""
    return build_frame(f"QN=1;ST=31;CN=2051;PW=123456;MN={mn};Flag=4;{split}CP=&&{cp}&&")


def write_log(root, frames, seal=True):
    log = PacketLog(root)
    log.open()
    log.append_and_sync(b"".join(encode_record(1.0, f) for f in frames))
    if seal:
        log.seal()
    log.close()


def test_mant_exp():
    assert mant_exp("12.340") == (12340, -3)
    assert mant_exp("-0.5") == (-5, -1)
    assert mant_exp("7") == (7, 0)
    assert mant_exp("1.5E+3") == (15, 2)
    assert mant_exp("x") is None and mant_exp("") is None


def test_torn_tail_is_cut_on_open(tmp_path):
    root = tmp_path / "online"
    f1, f2 = (minute_frame("A", datetime(2026, 1, 1, 0, i, tzinfo=CHINA_TZ), {"a21026": 1}) for i in range(2))
    write_log(root, [f1], seal=False)
    path = segment_path(root / "log", 1)
    with open(path, "ab") as fh:
        fh.write(encode_record(2.0, f2)[:-5])  # a crash in the middle of a write
    log = PacketLog(root)
    log.open()
    assert log.recovered_truncated > 0
    assert [f for _, _, f in iter_records(read_segment(path))] == [f1]
    log.close()


def test_series_across_log_and_partitions_is_consistent(tmp_path):
    root = tmp_path / "online"
    t0 = datetime(2026, 3, 1, 23, 50, tzinfo=CHINA_TZ)  # crosses a local day boundary
    frames = [minute_frame("P1", t0 + timedelta(minutes=i), {"a21026": f"{i}.5", "a21002": i * 2}) for i in range(20)]
    other = [minute_frame("P2", t0 + timedelta(minutes=i), {"a21026": 999}) for i in range(20)]
    write_log(root, frames[:12] + other)  # sealed segment 1
    compact(root)  # → partitions; segment archived
    assert partition_path(root, "minute", "2026-03-01", "P1").exists()
    assert partition_path(root, "minute", "2026-03-02", "P1").exists()
    # newer data (and a retransmission of an already compacted minute) still in the log
    log = PacketLog(root)
    log.open()
    log.append_and_sync(b"".join(encode_record(2.0, f) for f in frames[10:]))
    log.close()
    s = read_series("P1", "minute", t0, t0 + timedelta(hours=1), root=root)
    assert s.height == 40  # 20 minutes × 2 factors, each exactly once
    so2 = s.filter(pl.col("factor") == "a21026")
    assert so2["value"].to_list() == [i + 0.5 for i in range(20)]
    assert so2["ts"].to_list()[0] == t0.astimezone(UTC)
    w = wide(s)
    assert w.columns == ["ts", "a21002", "a21026"] or set(w.columns) == {"ts", "a21002", "a21026"}
    assert w.height == 20
    # the range is half open and other points never leak in
    assert read_series("P1", "minute", t0, t0 + timedelta(minutes=5), root=root).height == 10
    assert set(read_series("P2", "minute", t0, t0 + timedelta(hours=1), root=root)["value"]) == {999.0}


def test_compaction_is_idempotent_and_archives_raw(tmp_path):
    root = tmp_path / "online"
    t0 = datetime(2026, 3, 1, 10, 0, tzinfo=CHINA_TZ)
    frames = [minute_frame("P1", t0 + timedelta(minutes=i), {"w01018": 40 + i}) for i in range(10)]
    write_log(root, frames)
    write_log(root, frames[:5])  # the same data again in a second segment (e.g. replay after a crash)
    done = compact(root)
    assert [d["packets"] for d in done] == [10, 5]
    df = pl.read_parquet(partition_path(root, "minute", "2026-03-01", "P1"))
    assert df.height == 10
    assert [f for _, _, _, f in iter_log(root, include_archive=True)] == frames + frames[:5]
    # new segments get new numbers after everything was archived
    log = PacketLog(root)
    log.open()
    assert log.seq == 3
    log.close()


def test_split_parts_are_distinct_rows(tmp_path):
    root = tmp_path / "online"
    t = datetime(2026, 3, 1, 10, 0, tzinfo=CHINA_TZ)
    write_log(root, [minute_frame("P1", t, {"a21026": 1}, pno=1), minute_frame("P1", t, {"a21026": 2}, pno=2)])
    compact(root)
    s = read_series("P1", "minute", t, t + timedelta(minutes=1), root=root)
    assert sorted(s["pno"].to_list()) == [1, 2]


def test_retention_prunes_by_kind(tmp_path):
    root = tmp_path / "online"
    today = date(2026, 6, 1)
    for kind, day in (("rtd", "2026-04-01"), ("rtd", "2026-05-20"), ("minute", "2026-04-01")):
        p = partition_path(root, kind, day, "P")
        p.parent.mkdir(parents=True)
        p.write_bytes(b"x")
    (root / "raw" / "20200101").mkdir(parents=True)
    removed = prune(root, {"rtd": 30, "minute": 366, "raw": 1827}, today=today)
    assert not partition_path(root, "rtd", "2026-04-01", "P").exists()
    assert partition_path(root, "rtd", "2026-05-20", "P").exists()
    assert partition_path(root, "minute", "2026-04-01", "P").exists()
    assert not (root / "raw" / "20200101").exists()
    assert len(removed) == 2


def test_bytes_per_value_for_a_day_of_minute_data(tmp_path):
    root = tmp_path / "online"
    import random

    rng = random.Random(3)
    t0 = datetime(2026, 3, 1, 0, 0, tzinfo=CHINA_TZ)
    codes = ["a21026", "a21002", "a34013", "a19001", "a01012", "a00000"]
    frames = []
    for i in range(1440):
        cp = f"DataTime={(t0 + timedelta(minutes=i)).strftime('%Y%m%d%H%M%S')};" + ";".join(
            f"{c}-Min={rng.uniform(10, 50):.2f},{c}-Avg={rng.uniform(10, 50):.2f},{c}-Max={rng.uniform(10, 50):.2f},"
            f"{c}-Flag=N" for c in codes)
        frames.append(build_frame(f"QN=1;ST=31;CN=2051;PW=123456;MN=P1;Flag=4;CP=&&{cp}&&"))
    write_log(root, frames)
    compact(root)
    path = partition_path(root, "minute", "2026-03-01", "P1")
    values = pl.read_parquet(path).height
    assert values == 1440 * 18
    assert path.stat().st_size / values < 10


def test_gateway_seals_and_compacts_in_the_background(tmp_path):
    import socket
    import time

    from envbureau.gateway.registry import OpenRegistry

    from .conftest import RunningGateway, read_frames

    g = RunningGateway(tmp_path / "d", OpenRegistry(), compact=True, compact_interval=0.2, seal_seconds=0.1)
    try:
        t0 = datetime(2026, 3, 1, 10, 0, tzinfo=CHINA_TZ)
        frames = [minute_frame("AUTO", t0 + timedelta(minutes=i), {"a21026": i}).replace(b"Flag=4", b"Flag=5")
                  for i in range(5)]
        frames = [build_frame(f[6:-6]) for f in frames]
        s = socket.create_connection(("127.0.0.1", g.port), timeout=5)
        s.sendall(b"".join(frames))
        assert len(read_frames(s, 5)) == 5
        path = partition_path(g.gw.root, "minute", "2026-03-01", "AUTO")
        assert g.wait_for(lambda: path.exists() and not list((g.gw.root / "log").glob("0000000001.seg")), 20)
        series = read_series("AUTO", "minute", t0, t0 + timedelta(hours=1), root=g.gw.root)
        assert series["value"].to_list() == [0.0, 1.0, 2.0, 3.0, 4.0]
        assert list((g.gw.root / "raw").glob("*/0000000001.seg.gz"))
        s.close()
        time.sleep(0.1)
    finally:
        g.stop()


def test_queries_stay_complete_while_compaction_runs(tmp_path, monkeypatch):
    import threading
    import time

    from envbureau.gateway import query

    original = query._log_frames

    def slow_log_read(*args):
        # widen the race window on both sides of the log read, so a reader that looked at the
        # partitions before the log would miss what a compaction moved in between
        time.sleep(0.03)
        out = original(*args)
        time.sleep(0.03)
        return out

    monkeypatch.setattr(query, "_log_frames", slow_log_read)

    root = tmp_path / "online"
    t0 = datetime(2026, 3, 1, 23, 0, tzinfo=CHINA_TZ)
    n = 0
    for seg in range(8):  # eight sealed segments spanning a day boundary
        write_log(root, [minute_frame("P1", t0 + timedelta(minutes=seg * 20 + i), {"a21026": seg, "a21002": i})
                         for i in range(20)])
        n += 20
    expected = n * 2
    done = threading.Event()
    heights = []

    def run():
        try:
            compact(root)
        finally:
            done.set()

    th = threading.Thread(target=run)
    th.start()
    while not done.is_set() or len(heights) < 3:
        heights.append(read_series("P1", "minute", t0, t0 + timedelta(hours=4), root=root).height)
    th.join()
    heights.append(read_series("P1", "minute", t0, t0 + timedelta(hours=4), root=root).height)
    assert set(heights) == {expected}, heights
    assert all(p.stat().st_size == 0 for p in (root / "log").glob("*.seg"))  # all moved to partitions


def test_downsample_for_charts(tmp_path):
    from envbureau.gateway.query import downsample

    root = tmp_path / "online"
    t0 = datetime(2026, 3, 1, 0, 0, tzinfo=CHINA_TZ)
    write_log(root, [minute_frame("P1", t0 + timedelta(minutes=i), {"a21026": i}) for i in range(180)])
    compact(root)
    s = read_series("P1", "minute", t0, t0 + timedelta(hours=3), root=root)
    d = downsample(s, "1h")
    assert d["n"].to_list() == [60, 60, 60]
    assert d["min"].to_list() == [0.0, 60.0, 120.0] and d["max"].to_list() == [59.0, 119.0, 179.0]
    assert d["mean"].to_list() == [29.5, 89.5, 149.5]
    assert d["ts"].to_list()[1] == (t0 + timedelta(hours=1)).astimezone(UTC)
    assert downsample(s.head(0)).is_empty()
