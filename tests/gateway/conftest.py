import asyncio
import socket
import threading
import time

import pytest

from envbureau.gateway.registry import MemoryRegistry, PointInfo
from envbureau.gateway.server import Gateway, GatewayConfig


class RunningGateway:
    """A gateway on an ephemeral port, its event loop in a background thread."""

    def __init__(self, data_dir, registry, **cfg):
        cfg.setdefault("compact", False)
        cfg.setdefault("stats_interval", 0.2)
        self.config = GatewayConfig(host="127.0.0.1", port=0, data_dir=str(data_dir), **cfg)
        self.registry = registry
        self.loop = asyncio.new_event_loop()
        self.gw = Gateway(self.config, registry)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.call(self.gw.start())
        self.port = self.gw.port

    def call(self, coro, timeout=30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self):
        if self.loop.is_running():
            self.call(self.gw.stop())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    def connect(self, timeout=5.0):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def counter(self, name):
        return self.gw.stats.c[name]

    def wait_for(self, predicate, timeout=30.0):
        # A bound for a hung gateway, not a measure of speed: a passing wait returns as soon as the predicate holds,
        # and 5 s ran out on a two-core machine running both suites (four workers and PostgreSQL) at once.
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate():
                return True
            time.sleep(0.01)
        return predicate()


def read_frames(sock, n, timeout=5.0):
    """Read n CRLF-terminated frames from a blocking socket."""
    sock.settimeout(timeout)
    buf = b""
    out = []
    while len(out) < n:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
        while b"\r\n" in buf and len(out) < n:
            line, _, buf = buf.partition(b"\r\n")
            out.append(line + b"\r\n")
    return out


POINTS = [PointInfo(mn=f"MN{i:04d}", id=i) for i in range(1, 101)]


@pytest.fixture
def registry():
    reg = MemoryRegistry(POINTS)
    reg.add(PointInfo(mn="MODBUSOK", id=900, crc_dialects=frozenset({"hj212", "modbus", "modbus-swapped"})))
    reg.add(PointInfo(mn="LOCKED", id=901, password="secret"))
    reg.add(PointInfo(mn="OFF", id=902, enabled=False))
    return reg


@pytest.fixture
def gateway(tmp_path, registry):
    g = RunningGateway(tmp_path / "data", registry)
    yield g
    g.stop()
