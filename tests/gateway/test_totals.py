"""gateway-stats' stored total is rebuilt from the packet log on start: a crash that left stats.json a
second behind (or a stats.json lost altogether) never undercounts what the log holds."""

import json

from envbureau.gateway.compact import compact
from envbureau.gateway.store import read_archive_marker, stored_records
from envbureau.hj212 import build_frame

from .conftest import RunningGateway, read_frames


def upload(i: int) -> bytes:
    return build_frame(f"QN=2026010112000{i:04d};ST=31;CN=2051;PW=123456;MN=MN0001;Flag=5;"
                       f"CP=&&DataTime=202601011{i // 60:01d}{i % 60:02d}00;a21026-Avg={i}&&")


def send(g, frames):
    s = g.connect()
    s.sendall(b"".join(frames))
    assert len(read_frames(s, len(frames))) == len(frames)
    s.close()


def stale_stats(root, stored):
    """What a SIGKILL leaves: the last stats.json written before the last groups reached the log."""
    path = root / "stats.json"
    doc = json.loads(path.read_text())
    doc["totals"]["counters"]["stored"] = stored
    path.write_text(json.dumps(doc))


def test_stored_total_is_rebuilt_from_the_log_after_a_crash(tmp_path, registry):
    g = RunningGateway(tmp_path / "d", registry)
    send(g, [upload(i) for i in range(7)])
    g.stop()
    root = g.gw.root
    stale_stats(root, 2)
    g = RunningGateway(tmp_path / "d", registry)
    try:
        assert g.gw.stats_document()["totals"]["counters"]["stored"] == 7
        send(g, [upload(i) for i in range(7, 10)])
        assert g.wait_for(lambda: g.gw.stats_document()["totals"]["counters"]["stored"] == 10)
    finally:
        g.stop()
    (root / "stats.json").unlink()  # lost altogether
    g = RunningGateway(tmp_path / "d", registry)
    try:
        assert g.gw.stats_document()["totals"]["counters"]["stored"] == 10
    finally:
        g.stop()


def test_archived_segments_count_without_reading_the_archive(tmp_path, registry):
    g = RunningGateway(tmp_path / "d", registry)
    send(g, [upload(i) for i in range(4)])
    g.stop()
    root = g.gw.root
    done = compact(root, below=1 << 62, sync=False)  # everything, as `gateway-compact --all` does
    assert [d["packets"] for d in done] == [4]
    assert read_archive_marker(root / "log") == (done[0]["segment"], 4)
    g = RunningGateway(tmp_path / "d", registry)
    send(g, [upload(i) for i in range(4, 9)])
    g.stop()
    assert stored_records(root) == 9
    stale_stats(root, 0)
    g = RunningGateway(tmp_path / "d", registry)
    try:
        assert g.gw.stats_document()["totals"]["counters"]["stored"] == 9
    finally:
        g.stop()


def test_a_segment_archived_just_before_a_crash_is_counted_once(tmp_path, registry):
    g = RunningGateway(tmp_path / "d", registry)
    send(g, [upload(i) for i in range(3)])
    g.stop()
    root = g.gw.root
    seg = next((root / "log").glob("*.seg"))
    kept = seg.read_bytes()
    compact(root, below=1 << 62, sync=False)
    seg.write_bytes(kept)  # the crash came between the marker and the unlink: the segment is still listed
    assert stored_records(root) == 3


def test_a_store_from_before_the_count_reads_its_archive_once(tmp_path, registry):
    g = RunningGateway(tmp_path / "d", registry)
    send(g, [upload(i) for i in range(5)])
    g.stop()
    root = g.gw.root
    (seq,) = [d["segment"] for d in compact(root, below=1 << 62, sync=False)]
    (root / "log" / "last_archived").write_text(str(seq))  # the old marker: a number only
    assert read_archive_marker(root / "log") == (seq, None)
    assert stored_records(root) == 5
