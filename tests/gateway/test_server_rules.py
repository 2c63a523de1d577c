"""The gateway's per-frame rules without sockets (beside test_server.py, which runs them over TCP): what is
stored, answered, refused and counted for each frame, the rejected log's sampling, the dedup index's bound,
the garbage budget, and the small helpers around them. A Gateway is built but not started; the frames go
straight to handle_frame, and the pending group shows what the next commit would write and answer."""

import asyncio
import base64
import json
import sys
import time

import pytest

from boundary import three
from envbureau.gateway import server
from envbureau.gateway.registry import MemoryRegistry, PointInfo
from envbureau.gateway.server import Gateway, GatewayConfig
from envbureau.gateway.store import iter_records
from envbureau.hj212 import build_frame, decode, modbus_crc16


class Transport:
    def __init__(self):
        self.written, self.closed, self.paused = [], False, False

    def write(self, data):
        self.written.append(data)

    def close(self):
        self.closed = True

    def is_closing(self):
        return self.closed

    def pause_reading(self):
        self.paused = True

    def resume_reading(self):
        self.paused = False

    def get_extra_info(self, name):
        return ("10.0.0.7", 40123)


@pytest.fixture
def gw(tmp_path):
    reg = MemoryRegistry([PointInfo(mn=f"MN{i:04d}", id=i) for i in range(1, 5)])
    reg.add(PointInfo(mn="LOCKED", id=901, password="secret"))
    reg.add(PointInfo(mn="OFF", id=902, enabled=False))
    reg.add(PointInfo(mn="MODBUSOK", id=903, crc_dialects=frozenset({"hj212", "modbus"})))
    g = Gateway(GatewayConfig(data_dir=str(tmp_path), garbage_budget=100, dedup_keys=10), reg)
    g.directory.refresh()
    g._wake = asyncio.Event()
    yield g
    g._io.shutdown(wait=False)
    g._aux.shutdown(wait=True)


def connect(g):
    conn = server.DeviceConnection(g)
    conn.connection_made(Transport())
    return conn


def upload(mn="MN0001", qn="20260101120000001", dt="20260101115900", cn="2051", flag=5, pw="123456", extra=""):
    return build_frame(f"QN={qn};ST=31;CN={cn};PW={pw};MN={mn};Flag={flag};{extra}"
                       f"CP=&&DataTime={dt};a21026-Avg=12.5,a21026-Flag=N&&")


def rejected(g):
    return [json.loads(x) for x in g._pending.rejected]


def test_a_good_upload_is_queued_for_the_log_and_answered_after(gw):
    conn = connect(gw)
    assert conn.peer == "10.0.0.7:40123" and gw.stats.c["connections_opened"] == 1
    conn.garbage = 50
    before = time.time()
    gw.handle_frame(conn, upload())
    batch = gw._pending
    ((end, at, frame),) = list(iter_records(batch.records[0]))
    assert frame == upload() and before <= at <= time.time() and batch.nbytes == end
    ((to, reply, dup_of),) = batch.acks
    assert to is conn and dup_of is None and decode(reply).cn == "9014" and decode(reply).qn == "20260101120000001"
    assert batch.stored == [(upload(), 1, at)] and len(batch.keys) == 1
    assert gw.stats.c["received"] == 1 and conn.garbage == 0  # a good frame: the garbage count starts again
    assert conn.mns == {"MN0001"} and gw.by_mn["MN0001"] is conn
    assert conn.transport.written == []  # nothing leaves before the commit
    assert gw._wake.is_set()


def test_a_resend_is_answered_but_stored_once(gw):
    conn = connect(gw)
    gw.handle_frame(conn, upload(qn="20260101120000001"))
    gw.handle_frame(conn, upload(qn="20260101120000999"))  # same MN, CN, DataTime: a retransmission
    gw.handle_frame(conn, upload(qn="20260101120000002", extra="PNUM=2;PNO=2;"))  # another part: a new packet
    gw.handle_frame(conn, upload(qn="20260101120000003", cn="2061"))  # another CN: a new packet
    assert len(gw._pending.records) == 3 and gw.stats.c["duplicates"] == 1
    assert [d is not None for _, _, d in gw._pending.acks] == [False, True, False, False]
    assert gw._pending.acks[1][2] == gw._pending.keys[0]


def test_without_the_ack_flag_nothing_is_answered(gw):
    conn = connect(gw)
    gw.handle_frame(conn, upload(flag=4))
    assert len(gw._pending.records) == 1 and gw._pending.acks == []


@pytest.mark.parametrize("frame,reason,detail", [
    (upload(mn="NOBODY"), "unknown_mn", "MN 'NOBODY' is not a registered monitoring point"),
    (upload(mn="OFF"), "disabled", "monitoring point is disabled"),
    (upload(mn="LOCKED", pw="123456"), "password", "PW does not match the point's password"),
    (build_frame("QN=1;ST=31;PW=123456;MN=MN0002;Flag=5;CP=&&DataTime=20260101115900&&"), "syntax", "no CN field"),
    (build_frame("QN=1;ST=31;CN=2051;PW=123456;MN=MN0002;Flag=5;CP=&&a21026-Avg=1&&"), "syntax", None),
])
def test_refusals_are_counted_logged_and_not_stored(gw, frame, reason, detail):
    conn = connect(gw)
    gw.handle_frame(conn, frame)
    assert gw._pending.records == [] and gw._pending.acks == []
    assert gw.stats.rejected == {reason: 1} and conn.rejects == 1
    (entry,) = rejected(gw)
    assert (entry["reason"], entry["peer"], entry["frame"]) == (reason, "10.0.0.7:40123", frame.decode())
    assert entry["mn"] == decode(frame).mn and "frame_b64" not in entry
    if detail:
        assert entry["detail"] == detail


def test_the_right_password_is_stored(gw):
    gw.handle_frame(connect(gw), upload(mn="LOCKED", pw="secret"))
    assert len(gw._pending.records) == 1 and gw.stats.rejected == {}


def test_a_vendor_crc_only_where_the_point_allows_it(gw):
    def modbus(mn):
        body = f"QN=1;ST=31;CN=2051;PW=123456;MN={mn};Flag=5;CP=&&DataTime=20260101115900;a21026-Avg=1&&".encode()
        return b"##%04d%s%04X\r\n" % (len(body), body, modbus_crc16(body))

    conn = connect(gw)
    gw.handle_frame(conn, modbus("MN0003"))
    gw.handle_frame(conn, modbus("MODBUSOK"))
    (entry,) = rejected(gw)
    assert (entry["reason"], entry["mn"], entry["offset"]) == ("crc", "MN0003", len(modbus("MN0003")) - 6)  # the CRC
    assert entry["detail"] == "CRC is modbus, not accepted for this MN"
    assert len(gw._pending.records) == 1 and gw.stats.c["accepted_dialect_modbus"] == 1


def test_unknown_mns_are_listed_with_their_count(gw):
    conn = connect(gw)
    gw.handle_frame(conn, upload(mn="NOBODY"))
    first = gw.stats.unknown_mns["NOBODY"]
    assert (first["count"], first["peer"]) == (1, "10.0.0.7:40123") and first["first_seen"] == first["last_seen"]
    gw.handle_frame(conn, upload(mn="NOBODY", dt="20260101120000"))
    assert gw.stats.unknown_mns["NOBODY"]["count"] == 2 and gw.stats.rejected["unknown_mn"] == 2
    assert gw.stats_document()["unknown_mns"]["NOBODY"]["count"] == 2


def test_other_commands_are_kept_and_counted(gw):
    conn = connect(gw)
    gw.handle_frame(conn, build_frame("QN=1;ST=31;CN=8013;PW=123456;MN=MN0002;Flag=4;CP=&&&&"))  # a vendor heartbeat
    assert gw.stats.c["unknown_cn"] == 1 and len(gw._pending.records) == 1 and gw._pending.keys == []
    gw.handle_frame(conn, build_frame("QN=2;ST=32;CN=1013;PW=123456;MN=MN0002;Flag=5;CP=&&&&"))
    answer, command = (decode(r) for _, r, _ in gw._pending.acks)
    assert (answer.cn, command.cn, gw.stats.c["time_set_sent"]) == ("9013", "1012", 1)
    assert gw.stats.c["unknown_cn"] == 1  # 1013 is a known command


def test_a_real_time_value_far_from_the_clock_is_kept_and_counted(gw):
    conn = connect(gw)
    now = time.time()
    china = time.strftime("%Y%m%d%H%M%S", time.gmtime(now + 8 * 3600))
    gw.handle_frame(conn, upload(cn="2011", dt=china, qn="1"))
    assert gw.stats.c["rtd_clock_skew"] == 0
    gw.handle_frame(conn, upload(cn="2011", dt=time.strftime("%Y%m%d%H%M%S", time.gmtime(now + 8 * 3600 - 7200))))
    assert gw.stats.c["rtd_clock_skew"] == 1 and len(gw._pending.records) == 2


def test_the_rejected_log_keeps_every_rejection_then_one_in_a_hundred(gw):
    conn = connect(gw)

    def logged_at(n):
        conn.rejects = n - 1
        before = len(gw._pending.rejected)
        gw.reject(conn, "framing", "x")
        return len(gw._pending.rejected) > before

    assert three(logged_at, 201, 1) == (True, False, False)  # the 200th in full, the 201st and 202nd not
    assert (logged_at(300), logged_at(301)) == (True, False)
    assert gw.stats.c["rejects_not_logged"] == 3 and gw.stats.rejected["framing"] == 5


def test_a_rejected_frame_keeps_its_exact_bytes(gw):
    gw.reject(None, "framing", "bad", b"##\xff\xfe" + b"x" * 5000, offset=2, mn="MN9")
    (entry,) = rejected(gw)
    raw = base64.b64decode(entry["frame_b64"])
    assert raw == (b"##\xff\xfe" + b"x" * 5000)[:4096]  # the first 4 KiB, byte for byte
    assert (entry["peer"], entry["offset"], entry["mn"], entry["detail"]) == ("", 2, "MN9", "bad")
    assert entry["frame"].startswith("##\\xff\\xfe")


def test_the_garbage_budget(gw):
    conn = connect(gw)
    assert gw.add_garbage(conn, 100) is False  # exactly the budget: still open
    assert not conn.transport.closed
    conn.backlog.append(b"waiting")
    assert gw.add_garbage(conn, 1) is True  # over it: closed, its backlog dropped
    assert conn.dropped and conn.transport.closed and not conn.backlog
    assert gw.add_garbage(conn, 5) is True
    assert gw.stats.c["garbage_closed"] == 1 and gw.stats.c["garbage_bytes"] == 106


def test_the_dedup_index_forgets_the_oldest_keys_beyond_its_bound(gw):
    for i in range(15):
        gw._index[i] = None
    gw._evict_index()
    assert list(gw._index) == list(range(6, 15))  # 5 over the bound of 10, and a tenth of it more
    gw._evict_index()
    assert len(gw._index) == 9  # under the bound: nothing


def test_downlink_goes_to_the_devices_latest_connection(gw):
    old, new = connect(gw), connect(gw)
    gw.handle_frame(old, upload())
    gw.handle_frame(new, upload(dt="20260101120000"))
    assert gw.send_to("MN0001", b"cmd") and new.transport.written == [b"cmd"] and old.transport.written == []
    assert not gw.send_to("MN0002", b"cmd")
    gw.connection_closed(old)  # the older one closing leaves the newer one in place
    assert gw.by_mn["MN0001"] is new
    new.transport.closed = True
    assert not gw.send_to("MN0001", b"cmd")
    gw.connection_closed(new)
    assert "MN0001" not in gw.by_mn and gw.stats.c["connections_closed"] == 2


def test_keys_and_mns_of_stored_frames():
    f = upload(mn="MN0009", dt="20260101115900")
    assert server._key_of(f) == server._dedup_id(("MN0009", "2051", "20260101115900", None))
    assert server._key_of(upload(extra="PNUM=2;PNO=2;")) == server._dedup_id(("MN0001", "2051", "20260101115900", 2))  # PNO as a number
    assert server._key_of(build_frame("ST=91;CN=9014;PW=123456;MN=MN0001;Flag=4;CP=&&QN=1;DataTime=20260101115900&&")) is None
    assert server._key_of(build_frame("QN=1;ST=32;CN=1013;PW=123456;MN=MN0002;Flag=5;CP=&&&&")) is None
    assert server._key_of(b"##0003abc1234\r\n") is None
    assert server._mn_of(f) == "MN0009"
    assert server._mn_of(build_frame("MN=FIRST;ST=31;CN=2051;CP=&&&&")) == "FIRST"
    assert server._mn_of(build_frame("QN=1;ST=31;CN=2051;CP=&&&&")) is None
    assert server._mn_of(b"##0010QN=1;MN=AB") is None  # no end to the MN


def test_the_dedup_id_depends_on_every_part():
    base = ("MN1", "2051", "20260101115900", None)
    ids = {server._dedup_id(base), server._dedup_id(("MN2", *base[1:])), server._dedup_id(("MN1", "2061", *base[2:])),
           server._dedup_id(("MN1", "2051", "20260101120000", None)), server._dedup_id((*base[:3], 1))}
    assert len(ids) == 5 and server._dedup_id(base) == server._dedup_id(tuple(base))
    assert all(0 <= i < 1 << 128 for i in ids) and any(i >= 1 << 64 for i in ids)


def test_retention_arguments():
    assert server.Retention().as_args() == ["--retention=rtd:30", "--retention=minute:366", "--retention=hour:1827",
                                            "--retention=day:1827", "--retention=raw:1827"]
    assert server.Retention(rtd=7).as_args()[0] == "--retention=rtd:7"


def test_the_hook_cursor_file(gw):
    gw.root.mkdir(parents=True)
    assert gw._read_cursor() == (0, 0)
    gw._write_cursor((3, 120))
    assert (gw.root / "hook.cursor").read_text() == "3 120\n" and gw._read_cursor() == (3, 120)
    (gw.root / "hook.cursor").write_text("garbage")
    assert gw._read_cursor() == (0, 0)


def test_totals_add_the_persisted_ones_to_this_run(gw):
    gw._totals_base = {"counters": {"stored": 10, "received": 12}, "rejected": {"crc": 2}}
    conn = connect(gw)
    gw.handle_frame(conn, upload())
    gw.handle_frame(conn, upload(mn="NOBODY"))
    doc = gw.stats_document()
    assert doc["totals"]["counters"]["received"] == 14 and doc["totals"]["counters"]["stored"] == 10
    assert doc["totals"]["rejected"] == {"crc": 2, "unknown_mn": 1}
    assert doc["since_start"]["counters"]["received"] == 2 and doc["connections_open"] == 1
    assert doc["dedup_keys"] == 1 and doc["hook_cursor"] == [0, 0]


def _packet(segment: str):
    from envbureau.hj212 import parse_segment

    return parse_segment(segment.encode(), 6)


def test_inspection_counts_repeated_fields_and_values_under_a_non_data_cn(gw):
    clean = _packet("QN=1;ST=31;CN=2051;PW=1;MN=MN0001;Flag=4;CP=&&DataTime=20260101115900;a21026-Avg=1&&")
    assert gw._inspect(clean) is True and gw.stats.c["frames_repeating_fields"] == 0
    twice = _packet("QN=1;ST=31;CN=2051;PW=1;MN=MN0001;Flag=4;"
                    "CP=&&DataTime=20260101115900;a21026-Avg=1;a21026-Avg=2;a21002-Avg=3;a21002-Avg=4&&")
    assert gw._inspect(twice) is False
    assert (gw.stats.c["frames_repeating_fields"], gw.stats.c["repeated_fields"]) == (1, 2)
    assert gw.stats.repeated == {"MN0001": {"a21026-Avg": 1, "a21002-Avg": 1}}
    odd = _packet("QN=1;ST=32;CN=1011;PW=1;MN=MN0002;Flag=4;CP=&&a21026-Avg=1&&")  # values under 提取时间
    assert gw._inspect(odd) is False
    assert gw.stats.c["data_fields_under_non_data_cn"] == 1 and gw.stats.non_data_cn == {"1011": 1}
    answer = _packet("ST=91;CN=9014;PW=1;MN=MN0002;Flag=4;CP=&&QN=1;a21026-Avg=1&&")  # an answer is not counted
    assert gw._inspect(answer) is True and gw.stats.non_data_cn == {"1011": 1}


def test_repeated_fields_are_listed_for_a_bounded_number_of_mns(gw):
    gw.REPEATED_MNS = 2
    for mn in ("A", "B", "C", "A"):
        gw._inspect(_packet(f"QN=1;ST=31;CN=2051;PW=1;MN={mn};Flag=4;CP=&&DataTime=20260101115900;"
                            "a01-Avg=1;a01-Avg=2&&"))
    assert gw.stats.repeated == {"A": {"a01-Avg": 2}, "B": {"a01-Avg": 1}}  # C counted, not listed
    assert gw.stats.c["frames_repeating_fields"] == 4


def test_a_group_serves_its_budget_then_queues_and_pauses_the_connection(gw):
    gw.config.max_group_frames = 3
    gw._budget = 3
    busy, quiet = connect(gw), connect(gw)
    frames = [upload(dt=f"202601011{i:01d}0000") for i in range(5)]
    gw.process(busy, frames)
    assert len(gw._pending.records) == 3 and list(busy.backlog) == frames[3:]
    assert busy.waiting and busy.transport.paused and gw.stats.c["backpressure_pauses"] == 1
    gw.process(quiet, [upload(mn="MN0002")])  # no budget left this group: it waits too, behind busy
    assert list(gw._waiting) == [busy, quiet] and quiet.transport.paused
    gw._refill_and_drain()  # the next group: waiting connections first, in turn
    assert not busy.backlog and not busy.waiting and not busy.transport.paused
    assert not quiet.waiting and not quiet.transport.paused and len(gw._pending.records) == 6
    assert gw._budget == 0 and list(gw._waiting) == []


def test_a_connection_with_more_than_a_group_waits_for_the_next(gw):
    gw.config.max_group_frames = 2
    gw._budget = 0
    conn = connect(gw)
    frames = [upload(dt=f"202601011{i:01d}0000") for i in range(5)]
    gw.process(conn, frames)
    gw._wake.clear()
    gw._refill_and_drain()
    assert len(conn.backlog) == 3 and conn.waiting and list(gw._waiting) == [conn] and gw._wake.is_set()
    gw._refill_and_drain()
    gw._refill_and_drain()
    assert not conn.backlog and not conn.waiting and len(gw._pending.records) == 5 and gw._budget == 1


def test_the_rejected_log_has_one_file_per_beijing_day(gw, monkeypatch):
    # The day of a rejected-log file is the Beijing (UTC+8) date: 2026-01-01 15:59:59 UTC is 23:59:59 in Beijing.
    beijing_midnight = 1767283200  # 2026-01-02 00:00:00 in Beijing = 2026-01-01 16:00:00 UTC
    now = [beijing_midnight - 1]
    monkeypatch.setattr(server.time, "time", lambda: now[0])
    assert not gw.root.exists()  # not started: the first write makes the folders
    gw._write_rejected(['{"n": 1}'])
    fh = gw._rejected_fh
    gw._write_rejected(['{"n": 2}', '{"n": 3}'])
    assert gw._rejected_fh is fh  # one open file per day
    now[0] += 1  # Beijing midnight
    gw._write_rejected(['{"n": 4}'])
    now[0] += 24 * 3600 - 1  # 23:59:59 of the same Beijing day
    gw._write_rejected(['{"n": 5}'])
    d = gw.root / "rejected"
    assert sorted(p.name for p in d.iterdir()) == ["20260101.jsonl", "20260102.jsonl"]
    assert (d / "20260101.jsonl").read_text(encoding="utf-8") == '{"n": 1}\n{"n": 2}\n{"n": 3}\n'
    assert (d / "20260102.jsonl").read_text(encoding="utf-8") == '{"n": 4}\n{"n": 5}\n'
    assert fh.closed and not gw._rejected_fh.closed


def test_the_garbage_budget_closes_each_connection_once_and_says_which(gw, caplog):
    a, b = connect(gw), connect(gw)
    b.transport.closed = True  # already closing: not closed again
    b.transport.close = lambda: pytest.fail("closed twice")
    with caplog.at_level("WARNING", logger=server.log.name):
        assert gw.add_garbage(a, 101) and gw.add_garbage(b, 101)
    assert gw.stats.c["garbage_closed"] == 2 and a.transport.closed
    assert [r.getMessage() for r in caplog.records][:1] == [
        "closing 10.0.0.7:40123: 101 bytes of garbage since its last good frame"]
    c = server.DeviceConnection(gw)  # no transport (never connected): counted and dropped, nothing to close
    assert gw.add_garbage(c, 101) and c.dropped and gw.stats.c["garbage_closed"] == 3


def test_the_dedup_index_bound_is_inclusive(gw):
    # dedup_keys=10: ten keys are kept; the eleventh makes it evict the excess and a tenth of the bound more
    gw._index.update(dict.fromkeys(range(10)))
    gw._evict_index()
    assert list(gw._index) == list(range(10))
    gw._index[10] = None
    gw._evict_index()
    assert list(gw._index) == list(range(2, 11))


def test_throttling_pauses_an_open_transport_once_per_wait(gw):
    a, b = connect(gw), connect(gw)
    b.transport.closed = True
    b.transport.pause_reading = lambda: pytest.fail("paused a closing transport")
    gw._throttle(a)
    gw._throttle(a)  # already waiting: not counted again
    gw._throttle(b)
    c = server.DeviceConnection(gw)
    gw._throttle(c)  # no transport: nothing to pause, still queued
    assert a.transport.paused and list(gw._waiting) == [a, b, c] and gw.stats.c["backpressure_pauses"] == 3


def test_the_mn_of_a_frame_with_bytes_that_are_not_utf8(gw):
    assert server._mn_of(b"##0040QN=1;ST=31;CN=2051;MN=A\xffB;CP=&&&&") == "A\ufffdB"
    assert server._mn_of(b"##0040QN=1;ST=31;CN=2051;MN=FIRST;X=1;MN=LAST;CP=&&&&") == "FIRST"


def test_an_unknown_mn_seen_again_updates_when_and_from_where(gw, monkeypatch, caplog):
    now = [1767283200.0]
    monkeypatch.setattr(server.time, "time", lambda: now[0])
    seen = []

    def hook(*args):
        seen.append(args)
        raise RuntimeError("registry down")  # logged by the gateway, never raised into the hot path

    gw.registry.on_unknown_mn = hook
    a, b = connect(gw), connect(gw)
    b.peer = "10.0.0.8:50000"
    frame = upload(mn="NOBODY")
    gw.handle_frame(a, frame)
    now[0] += 60
    gw.handle_frame(b, upload(mn="NOBODY", dt="20260101120000"))
    assert gw.stats.unknown_mns["NOBODY"] == {"count": 2, "first_seen": 1767283200.0, "last_seen": 1767283260.0,
                                               "peer": "10.0.0.8:50000"}
    with caplog.at_level("ERROR", logger=server.log.name):
        gw._aux.shutdown(wait=True)  # the registry's hook ran off the hot path, once, with the first sighting
    assert seen == [("NOBODY", "10.0.0.7:40123", frame)] and "registry hook" in caplog.text


def test_unknown_mns_are_listed_up_to_ten_thousand(gw):
    gw.stats.unknown_mns.update({f"X{i}": {"count": 1} for i in range(9999)})
    conn = connect(gw)
    gw.handle_frame(conn, upload(mn="LAST"))  # the 10,000th is listed
    gw.handle_frame(conn, upload(mn="OVER"))  # the 10,001st is only counted as rejected
    assert "LAST" in gw.stats.unknown_mns and "OVER" not in gw.stats.unknown_mns
    assert len(gw.stats.unknown_mns) == 10000 and gw.stats.rejected["unknown_mn"] == 2


def test_a_failing_registry_hook_is_logged_by_name_and_does_not_escape(caplog):
    def broken(*args):
        raise RuntimeError("registry down")

    with caplog.at_level("ERROR", logger=server.log.name):
        server._safe_call(broken, "MN1")
    (rec,) = caplog.records
    assert rec.getMessage() == f"registry hook {broken!r} failed" and rec.exc_info[1].args == ("registry down",)


def test_a_rejected_entry_keeps_non_ascii_text_readable_and_wakes_the_committer(gw):
    gw.reject(None, "unknown_mn", "MN '站点' is not a registered monitoring point", "##站点".encode(), mn="站点")
    assert '"mn": "站点"' in gw._pending.rejected[0] and gw._wake.is_set()  # ensure_ascii=False: readable as it came
    gw._wake = None  # not started: no committer to wake
    gw.reject(None, "crc", "bad")  # no bytes given: an empty frame
    assert len(gw._pending.rejected) == 2 and rejected(gw)[1]["frame"] == ""


def test_a_registry_without_the_unknown_mn_hook(gw):
    gw.registry = object()  # the hook is optional (registry.py)
    gw.handle_frame(connect(gw), upload(mn="NOBODY"))
    assert gw.stats.unknown_mns["NOBODY"]["count"] == 1


def test_uvloop_is_used_when_installed_and_optional(monkeypatch):
    uvloop = pytest.importorskip("uvloop", reason="uvloop is optional; install it to test the faster loop")
    before = asyncio.get_event_loop_policy()
    try:
        assert server.install_uvloop() is True
        assert isinstance(asyncio.get_event_loop_policy(), uvloop.EventLoopPolicy)
        asyncio.set_event_loop_policy(before)
        monkeypatch.setitem(sys.modules, "uvloop", None)  # not installed: import fails
        assert server.install_uvloop() is False and asyncio.get_event_loop_policy() is before
    finally:
        asyncio.set_event_loop_policy(before)
