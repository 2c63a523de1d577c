import json
import threading
import time

from envbureau.gateway.registry import MemoryRegistry, PointInfo
from envbureau.gateway.store import iter_log
from envbureau.hj212 import build_frame, decode, modbus_crc16

from .conftest import RunningGateway, read_frames


def upload(mn="MN0001", qn="20260101120000001", dt="20260101115900", flag=5, cn="2051", extra="", value="12.5"):
    cp = (f"DataTime={dt};a21026-Min=1.0,a21026-Avg={value},a21026-Max=20,a21026-Flag=N;"
          f"a21002-Avg=33.3,a21002-Flag=N{extra}")
    return build_frame(f"QN={qn};ST=31;CN={cn};PW=123456;MN={mn};Flag={flag};CP=&&{cp}&&")


def stored_frames(gw):
    return [frame for _, _, _, frame in iter_log(gw.gw.root)]


def test_ack_is_the_standard_9014_and_packet_is_stored(gateway):
    s = gateway.connect()
    s.sendall(upload())
    (ack,) = read_frames(s, 1)
    a = decode(ack)
    assert (a.cn, a.st, a.qn, a.mn, a.flag, a.params) == ("9014", "91", "20260101120000001", "MN0001", 4, {})
    assert stored_frames(gateway) == [upload()]
    assert gateway.wait_for(lambda: gateway.counter("acknowledged") == 1)


def test_sticky_and_half_packets(gateway):
    s = gateway.connect()
    frames = [upload(qn=f"2026010112000000{i}", dt=f"2026010111{50 + i}00") for i in range(4)]
    s.sendall(frames[0] + frames[1] + frames[2][:40])
    time.sleep(0.05)
    s.sendall(frames[2][40:90])
    time.sleep(0.05)
    s.sendall(frames[2][90:] + frames[3][:7])
    time.sleep(0.05)
    s.sendall(frames[3][7:])
    acks = read_frames(s, 4)
    assert [decode(a).qn for a in acks] == [f"2026010112000000{i}" for i in range(4)]
    assert len(stored_frames(gateway)) == 4


def test_dedup_by_mn_cn_datatime_pno_not_qn(gateway):
    s = gateway.connect()
    s.sendall(upload(qn="20260101120000001"))
    s.sendall(upload(qn="20260101120000999"))  # a resend with a new QN: same data
    s.sendall(upload(qn="20260101120000001", dt="20260101120000"))  # same QN, new DataTime: new data
    acks = read_frames(s, 3)
    assert [decode(a).qn for a in acks] == ["20260101120000001", "20260101120000999", "20260101120000001"]
    assert len(stored_frames(gateway)) == 2
    assert gateway.counter("duplicates") == 1


def test_split_packets_each_answered_and_kept(gateway):
    s = gateway.connect()
    for pno in (2, 1):  # out of order
        seg = (f"QN=2026010112000000{pno};ST=32;CN=2061;PW=123456;MN=MN0002;Flag=7;PNUM=2;PNO={pno};"
               f"CP=&&DataTime=20260101110000;w01018-Avg={pno}.5,w01018-Flag=N&&")
        s.sendall(build_frame(seg))
    acks = [decode(a) for a in read_frames(s, 2)]
    assert [a.qn for a in acks] == ["20260101120000002", "20260101120000001"]
    assert len(stored_frames(gateway)) == 2


def test_bad_packets_recorded_and_connection_survives(gateway):
    s = gateway.connect()
    good = upload()
    bad_crc = good[:-6] + (b"0000\r\n" if not good.endswith(b"0000\r\n") else b"0001\r\n")
    s.sendall(b"garbage line\r\n" + bad_crc + upload(mn="NOBODY") + b"##9999" + b"x" * 20 + b"\r\n")
    s.sendall(upload(mn="LOCKED") + upload(mn="OFF") + build_frame("QN=1;ST=31;CN=2051;MN=MN0003;Flag=5;CP=&&x&&"))
    s.sendall(good)
    (ack,) = read_frames(s, 1)
    assert decode(ack).qn == "20260101120000001"
    rej = gateway.gw.stats.rejected
    assert gateway.wait_for(lambda: sum(rej.values()) >= 7)
    assert rej["framing"] >= 1 and rej["crc"] == 1 and rej["unknown_mn"] == 1 and rej["length"] == 1
    assert rej["password"] == 1 and rej["disabled"] == 1 and rej["syntax"] == 1
    assert "NOBODY" in gateway.gw.stats.unknown_mns
    assert gateway.wait_for(lambda: gateway.registry.unknown == [("NOBODY", gateway.registry.unknown[0][1])])
    lines = [json.loads(x) for f in (gateway.gw.root / "rejected").glob("*.jsonl") for x in f.read_text().splitlines()]
    by_reason = {x["reason"]: x for x in lines}
    assert by_reason["unknown_mn"]["mn"] == "NOBODY" and "NOBODY" in by_reason["unknown_mn"]["frame"]
    assert by_reason["crc"]["offset"] == len(bad_crc) - 6
    assert stored_frames(gateway) == [good]


def test_modbus_crc_accepted_only_where_configured(gateway):
    s = gateway.connect()
    for mn in ("MN0004", "MODBUSOK"):
        seg = f"QN=20260101120000001;ST=31;CN=2051;PW=123456;MN={mn};Flag=5;CP=&&DataTime=20260101110000;a21026-Avg=1&&"
        body = seg.encode()
        crc = modbus_crc16(body)
        swapped = ((crc & 0xFF) << 8) | (crc >> 8)  # as the vendor in the capture prints it
        s.sendall(b"##%04d%s%04X\r\n" % (len(body), body, swapped))
    (ack,) = read_frames(s, 1)
    assert decode(ack).mn == "MODBUSOK"
    assert gateway.wait_for(lambda: gateway.gw.stats.rejected["crc"] == 1)
    assert gateway.counter("accepted_dialect_modbus-swapped") == 1


def test_2005_device_without_flag_is_stored_but_not_answered(gateway):
    s = gateway.connect()
    s.sendall(build_frame("ST=32;CN=2011;PW=123456;MN=MN0005;CP=&&DataTime=20160823235500;B01-Rtd=4.70,B01-Flag=N&&"))
    s.sendall(build_frame("QN=20040516010101001;ST=32;CN=2051;PW=123456;MN=MN0005;Flag=1;"
                          "CP=&&DataTime=20040516010000;011-Avg=50,011-Flag=N&&"))
    (ack,) = read_frames(s, 1)
    assert ack == build_frame("ST=91;CN=9014;CP=&&QN=20040516010101001;CN=2051&&")  # 2005 answer form
    assert len(stored_frames(gateway)) == 2


def test_no_ack_before_durable_write(gateway):
    release = threading.Event()
    entered = threading.Event()
    original = gateway.gw.log.append_and_sync

    def slow_sync(data):
        entered.set()
        release.wait(5)
        return original(data)

    gateway.gw.log.append_and_sync = slow_sync
    s = gateway.connect()
    s.sendall(upload())
    assert entered.wait(2)
    s.settimeout(0.4)
    try:
        early = s.recv(1024)
    except TimeoutError:
        early = b""
    assert early == b""  # nothing may come back while the write is not on disk
    release.set()
    (ack,) = read_frames(s, 1)
    assert decode(ack).cn == "9014"
    assert stored_frames(gateway) == [upload()]


def test_concurrent_clients(gateway):
    errors = []

    def client(i):
        try:
            s = gateway.connect()
            mn = f"MN{i + 1:04d}"
            frames = [upload(mn=mn, qn=f"202601011200{j:05d}", dt=f"202601{1 + j // 24:02d}{j % 24:02d}0000")
                      for j in range(25)]
            s.sendall(b"".join(frames))
            acks = read_frames(s, 25)
            assert len(acks) == 25 and all(decode(a).mn == mn for a in acks)
            s.close()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == []
    assert len(stored_frames(gateway)) == 40 * 25
    assert gateway.counter("commits") < 1000  # group commit: fewer fsyncs than packets


def test_idle_timeout_closes_silent_connections(tmp_path, registry):
    g = RunningGateway(tmp_path / "d", registry, idle_timeout=0.3)
    try:
        s = g.connect()
        s.settimeout(3)
        assert s.recv(10) == b""  # closed by the server
        assert g.counter("idle_closed") == 1
    finally:
        g.stop()


def test_hook_gets_values_and_redelivers_after_crash(tmp_path):
    reg = MemoryRegistry([PointInfo(mn="MN0001", id=7)])
    g = RunningGateway(tmp_path / "d", reg)
    try:
        s = g.connect()
        s.sendall(upload())
        read_frames(s, 1)
        assert g.wait_for(lambda: len(reg.stored) == 1)
    finally:
        g.stop()
    sp = reg.stored[0]
    assert sp.point_id == 7 and sp.kind == "minute" and sp.key == ("MN0001", "2051", "20260101115900", None)
    assert {(v.factor, v.field): v.value for v in sp.values}[("a21026", "Avg")] == 12.5
    # a clean restart delivers nothing again
    reg2 = MemoryRegistry([PointInfo(mn="MN0001", id=7)])
    g = RunningGateway(tmp_path / "d", reg2)
    time.sleep(0.2)
    g.stop()
    assert reg2.stored == []
    # a crash before the cursor was saved: delivered again (at least once)
    (tmp_path / "d" / "online" / "hook.cursor").unlink()
    reg3 = MemoryRegistry([PointInfo(mn="MN0001", id=7)])
    g = RunningGateway(tmp_path / "d", reg3)
    assert g.wait_for(lambda: len(reg3.stored) == 1)
    g.stop()


def test_dedup_survives_restart(tmp_path, registry):
    g = RunningGateway(tmp_path / "d", registry)
    s = g.connect()
    s.sendall(upload())
    read_frames(s, 1)
    g.stop()
    g = RunningGateway(tmp_path / "d", registry)
    try:
        s = g.connect()
        s.sendall(upload(qn="20260101120000777"))
        (ack,) = read_frames(s, 1)
        assert decode(ack).qn == "20260101120000777"  # still answered
        assert g.counter("duplicates") == 1
        assert len(stored_frames(g)) == 1
    finally:
        g.stop()


def test_stats_cli(gateway, capsys):
    from envbureau.gateway.cli import main

    s = gateway.connect()
    s.sendall(upload() + upload(mn="NOBODY"))
    read_frames(s, 1)
    assert gateway.wait_for(lambda: json.loads((gateway.gw.root / "stats.json").read_text())
                            ["since_start"]["rejected"].get("unknown_mn") == 1)
    assert main(["gateway-stats", "--json", "--data-dir", gateway.config.data_dir]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["running"] is True
    assert doc["since_start"]["counters"]["stored"] == 1
    assert doc["since_start"]["counters"]["acknowledged"] == 1
    assert doc["totals"]["rejected"]["unknown_mn"] == 1
    assert doc["storage"]["log_segments"] == 1 and "NOBODY" in doc["unknown_mns"]
    assert main(["gateway-stats", "--data-dir", gateway.config.data_dir]) == 0
    assert "unknown MNs: NOBODY (1)" in capsys.readouterr().out


def test_unknown_mn_frames_can_be_replayed_after_binding(gateway, capsys):
    from envbureau.gateway.cli import main

    s = gateway.connect()
    frame = upload(mn="LATECOMER", extra=";i11001-Info=//清洗//")
    s.sendall(frame + upload())
    read_frames(s, 1)
    assert gateway.wait_for(lambda: gateway.gw.stats.rejected["unknown_mn"] == 1)
    time.sleep(0.1)
    assert main(["gateway-rejected", "--data-dir", gateway.config.data_dir, "--reason", "unknown_mn"]) == 0
    assert "LATECOMER" in capsys.readouterr().out
    gateway.registry.add(PointInfo(mn="LATECOMER", id=77))  # an admin binds the MN to a point
    assert main(["gateway-rejected", "--data-dir", gateway.config.data_dir, "--mn", "LATECOMER", "--replay",
                 "--port", str(gateway.port)]) == 0
    assert gateway.wait_for(lambda: frame in stored_frames(gateway))  # the exact bytes, Chinese text included


def test_failed_write_is_not_acknowledged_and_the_resend_is_stored(gateway):
    original = gateway.gw.log.append_and_sync
    calls = []

    def disk_full_once(data):
        calls.append(len(data))
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        return original(data)

    gateway.gw.log.append_and_sync = disk_full_once
    s = gateway.connect()
    s.sendall(upload())
    s.settimeout(0.5)
    try:
        early = s.recv(1024)
    except TimeoutError:
        early = b""
    assert early == b"" and gateway.counter("write_errors") == 1
    s.sendall(upload(qn="20260101120000002"))  # the device resends after its timeout
    (ack,) = read_frames(s, 1)
    assert decode(ack).qn == "20260101120000002"
    assert stored_frames(gateway) == [upload(qn="20260101120000002")]
    assert gateway.counter("duplicates") == 0


def test_slow_hook_catches_up_from_the_log(tmp_path):
    class SlowRegistry(MemoryRegistry):
        def on_stored(self, batch):
            time.sleep(0.02)
            super().on_stored(batch)

    reg = SlowRegistry([PointInfo(mn="MN0001", id=1)])
    g = RunningGateway(tmp_path / "d", reg)
    g.gw.HOOK_QUEUE_LIMIT = 2  # fall behind quickly: frames are then re-read from the log, not held in memory
    try:
        s = g.connect()
        for i in range(60):
            s.sendall(upload(qn=f"202601011200{i:05d}", dt=f"20260101{i // 60:02d}{i % 60:02d}00"))
            time.sleep(0.002)
        assert len(read_frames(s, 60)) == 60
        assert g.wait_for(lambda: {p.key[2] for p in reg.stored} ==
                          {f"20260101{i // 60:02d}{i % 60:02d}00" for i in range(60)}, 20)
        assert g.counter("hook_lag_catch_ups") >= 1
        assert g.wait_for(lambda: tuple(g.gw.hook_cursor) == tuple(g.gw.last_commit_position), 10)
    finally:
        g.stop()


def test_time_calibration_request_gets_9013_then_1012(gateway):
    s = gateway.connect()
    s.sendall(build_frame("QN=20260101120000001;ST=32;CN=1013;PW=123456;MN=MN0006;Flag=5;CP=&&&&"))
    answer, command = (decode(f) for f in read_frames(s, 2))
    assert (answer.cn, answer.qn, answer.flag) == ("9013", "20260101120000001", 4)
    assert command.cn == "1012" and command.mn == "MN0006" and command.wants_ack
    sent_time = command.data_time_text or command.params["SystemTime"]
    assert abs(int(sent_time[:8]) - int(time.strftime("%Y%m%d", time.gmtime(time.time() + 8 * 3600)))) <= 1


def test_garbage_flood_is_counted_but_sampled_in_the_log(gateway):
    gateway.gw.REJECT_LOG_FULL = 5
    gateway.gw.REJECT_SAMPLE = 10
    s = gateway.connect()
    s.sendall(b"".join(upload(mn="NOBODY", dt=f"2026010112{i:02d}00") for i in range(40)) + upload())
    read_frames(s, 1)
    assert gateway.wait_for(lambda: gateway.gw.stats.rejected["unknown_mn"] == 40)
    time.sleep(0.1)
    lines = [x for f in (gateway.gw.root / "rejected").glob("*.jsonl") for x in f.read_text().splitlines()]
    assert len(lines) == 5 + 4  # the first five, then the 10th, 20th, 30th and 40th
    assert gateway.counter("rejects_not_logged") == 40 - 9


def test_backpressure_pauses_reading_until_the_log_catches_up(gateway):
    """Over its share of a group commit, a connection waits (reading paused) for the next group."""
    release = threading.Event()
    original = gateway.gw.log.append_and_sync

    def slow(data):
        release.wait(5)
        return original(data)

    gateway.gw.log.append_and_sync = slow
    gateway.gw.config.max_group_frames = gateway.gw._budget = 4
    s = gateway.connect()
    frames = [upload(qn=f"202601011200{i:05d}", dt=f"2026010112{i:02d}00") for i in range(30)]
    s.sendall(b"".join(frames))
    assert gateway.wait_for(lambda: gateway.counter("backpressure_pauses") >= 1)
    release.set()
    assert len(read_frames(s, 30)) == 30
    assert len(stored_frames(gateway)) == 30


def test_a_flooding_connection_does_not_starve_the_others(gateway):
    """Budget per group: a device dumping a backlog waits its turn; a quiet device is answered promptly."""
    gateway.gw.config.max_group_frames = gateway.gw._budget = 20
    release = threading.Event()
    original = gateway.gw.log.append_and_sync

    def slowish(data):
        release.wait(0.05)  # every group commit takes a while, like a busy disk
        return original(data)

    gateway.gw.log.append_and_sync = slowish
    flood = gateway.connect()
    flood.sendall(b"".join(upload(mn="MN0010", qn=f"202601011200{i:05d}",
                                  dt=f"202601{1 + i // 1440:02d}{i % 1440 // 60:02d}{i % 60:02d}00") for i in range(600)))
    time.sleep(0.1)
    quiet = gateway.connect()
    t = time.monotonic()
    quiet.sendall(upload(mn="MN0011"))
    (ack,) = read_frames(quiet, 1)
    waited = time.monotonic() - t
    assert decode(ack).mn == "MN0011"
    assert gateway.counter("stored") < 600  # the flood was still being worked through…
    assert waited < 1.0  # …yet the quiet device got its answer within a few groups
    release.set()
    assert len(read_frames(flood, 600, timeout=20)) == 600


def test_a_duplicate_of_a_packet_whose_write_failed_is_not_answered(gateway):
    entered = threading.Event()
    release = threading.Event()
    original = gateway.gw.log.append_and_sync
    calls = []

    def fail_first(data):
        calls.append(1)
        if len(calls) == 1:
            entered.set()
            release.wait(5)
            raise OSError(5, "I/O error")
        return original(data)

    gateway.gw.log.append_and_sync = fail_first
    s = gateway.connect()
    s.sendall(upload(qn="20260101120000001"))
    assert entered.wait(2)
    s.sendall(upload(qn="20260101120000002"))  # a resend while the first write is still in flight
    assert gateway.wait_for(lambda: gateway.counter("duplicates") == 1)
    release.set()
    s.settimeout(0.5)
    try:
        early = s.recv(1024)
    except TimeoutError:
        early = b""
    assert early == b""  # neither the original nor its duplicate is answered: nothing is on disk
    assert gateway.wait_for(lambda: gateway.counter("acks_withheld") == 1)
    s.sendall(upload(qn="20260101120000003"))
    (ack,) = read_frames(s, 1)
    assert decode(ack).qn == "20260101120000003"
    assert stored_frames(gateway) == [upload(qn="20260101120000003")]
