"""Crash test of the minute -> hour roll-up: the gateway (with the sources registry) is SIGKILLed in the
middle of an hour; after the restart the rolled-up hour holds all sixty minutes, as it would have
without the crash (the accumulators are rebuilt from the gateway's store)."""

import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from decimal import ROUND_HALF_EVEN, Decimal

from subproc import wait_for_line

from .test_gateway_e2e import SETUP, _env, _frame, _recv_until

MN = "E2EMN000000000000000001"


def _start(data, env):
    proc = subprocess.Popen([sys.executable, "-m", "envbureau.gateway.cli", "gateway", "--host", "127.0.0.1",
                             "--port", "0", "--data-dir", str(data), "--no-compact",
                             "--registry", "envbureau.sources.registry:factory"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    m = wait_for_line(proc, r"listening on [\d.]+:(\d+)", 60)
    if m:
        return proc, int(m.group(1))
    proc.kill()
    raise AssertionError("gateway did not start")


def _minute(t, value):
    return _frame(f"QN={t:%Y%m%d%H%M%S}001;ST=31;CN=2051;PW=123456;MN={MN};Flag=5;"
                  f"CP=&&DataTime={t:%Y%m%d%H%M%S};a21026-Avg={value},a21026-Flag=N&&")


def _send(port, frames):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"".join(frames))
        assert _recv_until(s, len(frames)).count(b"CN=9014") == len(frames)


def _counter(data, name):
    try:
        return json.loads((data / "online" / "stats.json").read_text())["since_start"]["counters"].get(name, 0)
    except (FileNotFoundError, ValueError, KeyError):
        return 0


def test_an_hour_rolled_up_across_a_sigkill_equals_the_hour_without_one(tmp_path, migrated_sqlite):
    from envbureau.hj212 import CHINA_TZ

    data = tmp_path / "data"
    data.mkdir()
    env = _env(data)
    migrated_sqlite(data / "envbureau.sqlite3")
    out = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    hour = dt.datetime.now(CHINA_TZ).replace(minute=0, second=0, microsecond=0)
    texts = [f"{10 + i / 10:.1f}" for i in range(60)]  # 10.0 … 15.9
    minutes = [_minute(hour + dt.timedelta(minutes=i), texts[i]) for i in range(60)]
    expected = float((sum(Decimal(t) for t in texts) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
    assert expected == 12.95  # SO2 is N5.2 in HJ 212-2017 Table B.2: two decimals

    proc, port = _start(data, env)
    try:
        _send(port, minutes[:30])
        deadline = time.monotonic() + 30  # the registry has taken them (the cursor moved past them)
        while _counter(data, "hook_delivered") < 30 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _counter(data, "hook_delivered") >= 30
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # the half hour was only in the registry's memory
        proc.wait(10)

    proc, port = _start(data, env)
    try:
        _send(port, minutes[30:] + [_minute(hour + dt.timedelta(hours=1), "1.0")])  # the next hour begins
        row = None
        deadline = time.monotonic() + 30
        while row is None and time.monotonic() < deadline:
            with sqlite3.connect(data / "envbureau.sqlite3") as con:
                row = con.execute("select samples, avg, min, max from sources_pointhourly "
                                  "where rolled_up = 1 and factor = 'a21026'").fetchone()
            time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    assert row == (60, expected, 10.0, 15.9)


def _minutes(point, hour, texts, factor="a21026"):
    from .conftest import packet

    return [packet(point, hour + dt.timedelta(minutes=i), {factor: {"Avg": float(t)}}, cn="2051", kind="minute")
            for i, t in enumerate(texts)]


def _reader(tmp_path, point, hour, texts):
    from envbureau.gateway.registry import MemoryRegistry, PointDirectory, PointInfo, StoreReader

    from .test_exact_values import _store_minutes

    _store_minutes(tmp_path, point.mn, hour, texts)
    directory = PointDirectory(MemoryRegistry([PointInfo(mn=point.mn, id=point.pk)]))
    directory.refresh()
    return StoreReader(tmp_path / "online", directory)


def test_a_new_registry_rebuilds_the_open_hour_from_the_store(world, tmp_path):
    from envbureau.hj212 import CHINA_TZ
    from envbureau.sources.models import PointHourly
    from envbureau.sources.registry import SourcesRegistry

    p1 = world["p1"]
    hour = dt.datetime.now(CHINA_TZ).replace(minute=0, second=0, microsecond=0)
    texts = [f"{10 + i / 10:.1f}" for i in range(60)]
    SourcesRegistry().on_stored(_minutes(p1, hour, texts[:30]))  # then the process dies
    reader = _reader(tmp_path, p1, hour, texts[:30])  # what the gateway's log holds
    assert len(reader.packets("minute", hour - dt.timedelta(hours=3))) == 30
    reg = SourcesRegistry()
    reg.on_start(reader)
    reg.on_stored(_minutes(p1, hour, texts)[30:])
    reg.on_stored(_minutes(p1, hour + dt.timedelta(hours=1), ["1.0"]))
    row = PointHourly.objects.get(point=p1, hour=hour, factor="a21026")
    assert (row.samples, row.avg, row.min, row.max) == (60, 12.95, 10.0, 15.9)


def test_minutes_delivered_again_after_their_hour_was_rolled_up_change_nothing(world, tmp_path):
    from envbureau.hj212 import CHINA_TZ
    from envbureau.sources.models import PointHourly
    from envbureau.sources.registry import SourcesRegistry

    p1 = world["p1"]
    hour = dt.datetime.now(CHINA_TZ).replace(minute=0, second=0, microsecond=0)
    texts = [f"{10 + i / 10:.1f}" for i in range(60)]
    reg = SourcesRegistry()
    reg.on_stored(_minutes(p1, hour, texts))
    reg.on_stored(_minutes(p1, hour + dt.timedelta(hours=1), ["1.0"]))
    reg.on_stored(_minutes(p1, hour, texts)[40:])  # at-least-once: a batch delivered again
    reg.on_stored(_minutes(p1, hour + dt.timedelta(hours=1), ["1.0", "2.0"]))
    row = PointHourly.objects.get(point=p1, hour=hour, factor="a21026")
    assert (row.samples, row.avg) == (60, 12.95)
    # and after a restart, the hour rolled up before it is left alone too
    reg2 = SourcesRegistry()
    reg2.on_start(_reader(tmp_path, p1, hour, texts))
    reg2.on_stored(_minutes(p1, hour, texts)[50:])
    reg2.on_stored(_minutes(p1, hour + dt.timedelta(hours=1), ["3.0"]))
    row.refresh_from_db()
    assert (row.samples, row.avg) == (60, 12.95)
