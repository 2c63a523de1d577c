"""Garbage floods: skipped in bulk, counted in bytes, and a connection over its budget is closed."""

import time

from envbureau.hj212 import build_frame, decode

from .conftest import RunningGateway, read_frames


def upload(mn="MN0001", qn="20260101120000001", dt="20260101115900"):
    return build_frame(f"QN={qn};ST=31;CN=2051;PW=123456;MN={mn};Flag=5;CP=&&DataTime={dt};a21026-Avg=1.5&&")


def closed_by_server(sock, timeout=3.0):
    sock.settimeout(timeout)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_hash_flood_is_closed_and_a_valid_device_is_still_answered(gateway):
    budget = gateway.gw.config.garbage_budget
    assert budget == 64 * 1024  # the documented default
    flood = gateway.connect()
    try:
        flood.sendall(b"#" * (4 * budget))
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert closed_by_server(flood)
    assert gateway.counter("garbage_closed") == 1
    assert budget < gateway.counter("garbage_bytes") <= 4 * budget
    assert gateway.gw.stats.rejected["framing"] <= 2  # counted in bytes, not one error per two bytes
    good = gateway.connect()
    good.sendall(upload())
    (ack,) = read_frames(good, 1)
    assert decode(ack).qn == "20260101120000001"


def test_budget_boundary_equal_is_kept_one_more_byte_closes(tmp_path, registry):
    g = RunningGateway(tmp_path / "d", registry, garbage_budget=1000)
    try:
        s = g.connect()
        s.sendall(b"x" * 1000)  # exactly the budget: kept
        assert g.wait_for(lambda: g.counter("garbage_bytes") == 1000)
        assert not closed_by_server(s, 0.3)
        s.sendall(upload())  # still served
        (ack,) = read_frames(s, 1)
        assert decode(ack).cn == "9014"
        s.sendall(b"y" * 1000)  # a good frame reset the count: the budget again, kept
        assert not closed_by_server(s, 0.3)
        s.sendall(b"z")  # 1001 since the last good frame: closed
        assert closed_by_server(s)
        assert g.counter("garbage_closed") == 1 and g.counter("garbage_bytes") == 2001
    finally:
        g.stop()


def test_frames_failing_the_crc_count_as_garbage(tmp_path, registry):
    g = RunningGateway(tmp_path / "d", registry, garbage_budget=500)
    try:
        s = g.connect()
        bad = upload()[:-6] + b"0000\r\n"
        assert len(bad) == 119  # 4 × 119 = 476 bytes are within the budget, the fifth frame is not
        s.sendall(bad * 4)
        assert g.wait_for(lambda: g.gw.stats.rejected["crc"] == 4)
        assert not closed_by_server(s, 0.3)
        s.sendall(bad)
        assert closed_by_server(s)
        assert g.counter("garbage_closed") == 1 and g.counter("garbage_bytes") == 5 * 119
    finally:
        g.stop()


def test_garbage_between_good_frames_of_a_real_device_never_closes_it(tmp_path, registry):
    g = RunningGateway(tmp_path / "d", registry, garbage_budget=1000)
    try:
        s = g.connect()
        for i in range(5):
            s.sendall(b"\x00" * 900 + upload(qn=f"2026010112000000{i}", dt=f"2026010111{50 + i}00"))
        assert [decode(a).qn for a in read_frames(s, 5)] == [f"2026010112000000{i}" for i in range(5)]
        time.sleep(0.1)
        assert g.counter("garbage_closed") == 0 and g.counter("garbage_bytes") == 4500
    finally:
        g.stop()
