"""`gateway.server.run`, what `envbureau gateway` calls: it serves on the configured address until SIGTERM
(systemd's stop) or SIGINT (Ctrl-C), then stops cleanly and returns 0: what it acknowledged is in the packet
log, the port is closed, stats.json is written. Run in-process, in the main thread (only the main thread may
install signal handlers); a helper thread plays the device and sends the signal."""

import asyncio
import json
import os
import signal
import socket
import sys
import threading
import time

import pytest

from envbureau.gateway import server
from envbureau.gateway.registry import MemoryRegistry, PointInfo
from envbureau.gateway.server import GatewayConfig
from envbureau.hj212 import build_frame, decode

FRAME = build_frame("QN=20260101120000001;ST=31;CN=2051;PW=123456;MN=MN0001;Flag=5;"
                    "CP=&&DataTime=20260101115900;a21026-Avg=12.5,a21026-Flag=N&&")
# a point the registry does not know: refused, so run() must serve with the registry it was given
STRANGER = FRAME.replace(b"MN=MN0001", b"MN=NOBODY0")
STRANGER = build_frame(STRANGER[6:-6].decode())


class Stdout:
    """sys.stdout that keeps what was written and what had been flushed: the listening line must be flushed
    at once (a supervisor or a test reading the pipe waits for it; a block-buffered pipe would hold it)."""

    def __init__(self):
        self.written, self.flushed = "", ""

    def write(self, text):
        self.written += text
        return len(text)

    def flush(self):
        self.flushed = self.written


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _device(port: int, sig: int, seen: dict, done: threading.Event) -> None:
    """Connect, upload one frame, read its answer, then send `sig` to this process. It always sends it, so a
    broken run() cannot leave the test waiting; if run() has not returned 5 s later, it sends the other signal."""
    try:
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                time.sleep(0.02)
        else:
            return
        with s:
            seen["policy"] = type(asyncio.get_event_loop_policy()).__module__
            s.sendall(STRANGER + FRAME)
            seen["answer"] = s.recv(4096)
            seen["flushed"] = sys.stdout.flushed
    finally:
        os.kill(os.getpid(), sig)
        if not done.wait(5):
            os.kill(os.getpid(), signal.SIGINT if sig == signal.SIGTERM else signal.SIGTERM)


@pytest.fixture
def saved_signals():
    """Restores SIGINT/SIGTERM handlers and the loop policy. Meanwhile a signal run() does not handle itself is
    only noted in the list this yields (Python's own SIGINT handler would stop the whole test session)."""
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    policy = asyncio.get_event_loop_policy()
    unhandled: list[str] = []
    for s in before:
        signal.signal(s, lambda signum, frame: unhandled.append(signal.Signals(signum).name))
    yield unhandled
    for s, h in before.items():
        signal.signal(s, h)
    asyncio.set_event_loop_policy(policy)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_run_serves_until_stopped_by_a_signal_then_closes_cleanly(tmp_path, monkeypatch, saved_signals, sig):
    pytest.importorskip("uvloop", reason="run() installs uvloop when present; this test checks that it does")
    port = _free_port()
    config = GatewayConfig(host="127.0.0.1", port=port, data_dir=str(tmp_path / "d"), compact=False)
    registry = MemoryRegistry([PointInfo(mn="MN0001", id=1)])
    out = Stdout()
    monkeypatch.setattr(sys, "stdout", out)
    seen: dict = {}
    done = threading.Event()
    device = threading.Thread(target=_device, args=(port, sig, seen, done), daemon=True)
    device.start()
    try:
        assert server.run(config, registry) == 0
    finally:
        done.set()
        device.join(15)  # its signals are sent before the handlers are restored
    assert saved_signals == []  # run() stopped on the signal it was sent, through its own handler

    assert f"HJ 212 gateway listening on 127.0.0.1:{port}, data in " in seen["flushed"]  # flushed before serving
    assert seen["policy"].startswith("uvloop")  # the faster loop was installed before serving
    reply = decode(seen["answer"].split(b"\r\n")[0] + b"\r\n")
    assert reply.cn == "9014" and reply.qn == "20260101120000001"  # the upload was acknowledged
    # stopped cleanly: the port is closed and the stats were written by stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    root = next((tmp_path / "d").rglob("stats.json")).parent
    stats = json.loads((root / "stats.json").read_text("utf-8"))
    assert stats["port"] == port and stats["since_start"]["counters"]["stored"] == 1
    assert list(stats["unknown_mns"]) == ["NOBODY0"]  # the given registry, not an open one, decided
    assert stats["connections_open"] == 0
