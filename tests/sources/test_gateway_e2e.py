"""End to end: the real gateway process with the sources registry stores hourly packets sent over a
plain socket into PointHourly and raises an exceedance alarm."""

import datetime as dt
import importlib.util
import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from subproc import wait_for_line

SETUP = textwrap.dedent("""
    import django
    django.setup()
    from envbureau.core.models import Jurisdiction
    from envbureau.sources import credit_code
    from envbureau.sources.models import Enterprise, MonitoringPoint, Outlet, PollutantLimit
    j = Jurisdiction.objects.create(code="110000", name="北京市", level="city")
    e = Enterprise.objects.create(credit_code=credit_code.make("91", "110000", "MA0E2E01"), name="E2E", jurisdiction=j)
    o = Outlet.objects.create(enterprise=e, code="DA001", name="烟囱", kind="gas")
    p = MonitoringPoint.objects.create(outlet=o, mn="E2EMN000000000000000001", name="CEMS")
    PollutantLimit.objects.create(point=p, factor="a21026", limit_value=35, on_converted=True)
    print("ready", p.pk)
""")


def _env(data_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(ENVBUREAU_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="envbureau.settings", PYTHONUNBUFFERED="1")
    return env


def _frame(segment: str) -> bytes:
    # Framing and CRC as HJ 212-2017 §6 and Appendix A describe them, independently of our codec.
    data = segment.encode("ascii")
    crc = 0xFFFF
    for b in data:
        crc = (crc >> 8) ^ b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return b"##" + f"{len(data):04d}".encode() + data + f"{crc:04X}".encode() + b"\r\n"


def _recv_until(sock, n_frames, timeout=10.0):
    sock.settimeout(timeout)
    buf = b""
    deadline = time.monotonic() + timeout
    while buf.count(b"\r\n") < n_frames and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf


@pytest.mark.skipif(importlib.util.find_spec("envbureau.gateway.cli") is None, reason="gateway CLI not available yet")
# The gateway and its registry write the SQLite file of their data folder whatever the engine under test (and on
# PostgreSQL that file had to be migrated from scratch, about 3 minutes of the run's wall time): checked on SQLite.
@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the gateway's registry writes a SQLite data folder whatever the engine: checked on SQLite")
def test_gateway_with_sources_registry(tmp_path, client_for, settings, migrated_sqlite):
    from envbureau.hj212 import CHINA_TZ, hj212_crc16

    data = tmp_path / "data"
    data.mkdir()
    env = _env(data)
    migrated_sqlite(data / "envbureau.sqlite3")  # the database the gateway's registry writes to
    out = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "ready" in out.stdout
    proc = subprocess.Popen([sys.executable, "-m", "envbureau.gateway.cli", "gateway", "--host", "127.0.0.1", "--port", "0",
                             "--data-dir", str(data), "--no-compact", "--registry", "envbureau.sources.registry:factory"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        m = wait_for_line(proc, r"listening on [\d.]+:(\d+)", 60)
        assert m, "gateway did not start"
        port = int(m.group(1))
        hour = dt.datetime.now(CHINA_TZ).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=3)
        frames = []
        for i, (avg, zs) in enumerate([(20, 25), (30, 48), (31, 50)]):  # converted SO2 25, 48, 50 vs limit 35
            t = hour + dt.timedelta(hours=i)
            seg = (f"QN={t:%Y%m%d%H%M%S}000;ST=31;CN=2061;PW=123456;MN=E2EMN000000000000000001;Flag=5;"
                   f"CP=&&DataTime={t:%Y%m%d%H%M%S};a21026-Avg={avg},a21026-ZsAvg={zs},a21026-Flag=N;"
                   f"a21002-Avg=12.5,a21002-Flag=N&&")
            frames.append(_frame(seg))
        assert int(frames[0][-6:-2], 16) == hj212_crc16(frames[0][6:-6])  # our hand-made CRC is the standard's
        minute0 = dt.datetime.now(CHINA_TZ).replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
        for i in range(3):  # minute data: kept by the gateway's store, never an ORM row
            t = minute0 + dt.timedelta(minutes=i)
            frames.append(_frame(f"QN={t:%Y%m%d%H%M%S}001;ST=31;CN=2051;PW=123456;MN=E2EMN000000000000000001;Flag=5;"
                                 f"CP=&&DataTime={t:%Y%m%d%H%M%S};a21026-Avg={10 + i},a21026-ZsAvg={12 + i},"
                                 f"a21026-Flag=N&&"))
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(frames[0] + frames[1][:25])  # a half packet …
            time.sleep(0.2)
            s.sendall(frames[1][25:] + frames[2] + frames[2] + b"".join(frames[3:]))  # … its rest, a retransmission
            replies = _recv_until(s, 7)
        assert replies.count(b"CN=9014") == 7  # every packet answered, the duplicate too
        db = data / "envbureau.sqlite3"
        rows = alarms = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with sqlite3.connect(db) as con:
                rows = con.execute("select factor, avg, zs_avg from sources_pointhourly where rolled_up = 0 order by hour, factor").fetchall()
                alarms = con.execute("select kind, factor, occurrences, value, limit_value from sources_alarm").fetchall()
            if len(rows) == 6 and alarms:
                break
            time.sleep(0.3)
        assert len(rows) == 6, rows  # 3 hours × 2 factors, the retransmission not double counted
        assert ("a21026", 30.0, 48.0) in rows
        assert alarms == [("exceedance", "a21026", 2, 50.0, 35.0)]
        # the minute chart of the point page reads the gateway's store (log + partitions)
        from envbureau.core.models import Jurisdiction
        from envbureau.sources import credit_code
        from envbureau.sources.models import Enterprise, MonitoringPoint, Outlet

        e = Enterprise.objects.create(credit_code=credit_code.make("91", "110000", "MA0E2E01"), name="E2E",
                                      jurisdiction=Jurisdiction.objects.get(code="110000"))
        o = Outlet.objects.create(enterprise=e, code="DA001", name="烟囱", kind="gas")
        p = MonitoringPoint.objects.create(outlet=o, mn="E2EMN000000000000000001", name="CEMS")
        settings.ENVBUREAU = {**settings.ENVBUREAU, "DATA_DIR": data}
        r = client_for("admin").get(f"/sources/points/{p.pk}/series.json?kind=minute&factor=a21026&days=1").json()
        assert [row[1:3] for row in r["points"]] == [[10.0, 12.0], [11.0, 13.0], [12.0, 14.0]], r
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
