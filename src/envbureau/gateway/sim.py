"""``hj212-sim``: N simulated data loggers sending HJ 212 uploads over TCP.

Each device is one connection with one MN.  Water devices send COD, NH3-N, TP, TN, pH and flow;
gas devices SO2, NOx, particulates, O2, flue-gas temperature and flow.  Realistic trouble on request:
exceedances (spikes over typical limits), gaps (a device goes quiet), faults (D/M/C flags),
retransmissions (an upload sent twice, and resent when its 9014 does not come back in time) and
malformed frames (bad CRC, wrong length, garbage).  Minute data (2051) by default; DataTime runs on
a per-device clock so high rates do not collapse onto the same minute.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from envbureau.hj212 import CHINA_TZ, build_frame

WATER = [("w01018", 40.0, 100.0), ("w21003", 5.0, 15.0), ("w21011", 0.3, 1.0), ("w21001", 10.0, 30.0),
         ("w01001", 7.2, 9.0), ("w00000", 12.0, 1e9)]
GAS = [("a21026", 35.0, 100.0), ("a21002", 80.0, 150.0), ("a34013", 8.0, 20.0), ("a19001", 9.0, 1e9),
       ("a01012", 60.0, 1e9), ("a00000", 45.0, 1e9)]
CN_BY_KIND = {"rtd": "2011", "minute": "2051", "hour": "2061", "day": "2031"}
STEPS = {"rtd": timedelta(seconds=30), "minute": timedelta(minutes=1), "hour": timedelta(hours=1),
         "day": timedelta(days=1)}
FIELDS = {"rtd": [("Rtd", 1.0)], "minute": [("Min", 0.9), ("Avg", 1.0), ("Max", 1.1)],
          "hour": [("Min", 0.8), ("Avg", 1.0), ("Max", 1.2)], "day": [("Min", 0.7), ("Avg", 1.0), ("Max", 1.3)]}


#: the QN an answer echoes, in the header (2017) or inside CP (2005)
_ANSWER_QN = re.compile(rb"QN=([0-9]+)")


@dataclass

class SimResult:
    sent: int = 0
    acked: int = 0
    retransmitted: int = 0
    malformed: int = 0
    connect_errors: int = 0
    latencies: list[float] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    last_ack: float = 0.0
    #: (MN, DataTime) of every upload whose 9014 came back — what must be stored exactly once
    acked_keys: set = field(default_factory=set)

    def percentile(self, q: float) -> float | None:
        if not self.latencies:
            return None
        s = sorted(self.latencies)
        return s[min(len(s) - 1, int(q * len(s)))]

    def summary(self) -> dict:
        dur = max(self.finished - self.started, 1e-9)
        ack_window = max(self.last_ack - self.started, 1e-9)
        return {"sent": self.sent, "acked": self.acked, "retransmitted": self.retransmitted,
                "malformed": self.malformed, "connect_errors": self.connect_errors,
                "duration_s": round(dur, 2), "sent_per_s": round(self.sent / dur, 1),
                "acked_per_s": round(self.acked / ack_window, 1),
                "p50_ms": _ms(self.percentile(0.50)), "p99_ms": _ms(self.percentile(0.99)),
                "max_ms": _ms(self.percentile(1.0))}


def _ms(x):
    return None if x is None else round(x * 1000, 1)


class Device(asyncio.Protocol):
    def __init__(self, sim: Simulator, mn: str, water: bool, start: datetime, rng: random.Random):
        self.sim = sim
        self.mn = mn
        self.water = water
        self.clock = start
        self.rng = rng
        self.transport = None
        self.pending: dict[str, tuple[float, bytes, tuple]] = {}
        self.buf = b""
        self.seq = 0
        self.quiet_until = 0.0
        self.ready: list[tuple[str, bytes, tuple]] = []
        self.connected = asyncio.get_running_loop().create_future()

    def connection_made(self, transport) -> None:
        self.transport = transport
        if not self.connected.done():
            self.connected.set_result(True)

    def connection_lost(self, exc) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data
        now = time.perf_counter()
        res = self.sim.result
        while True:
            end = buf.find(b"\r\n")
            if end < 0:
                break
            line = buf[:end]
            buf = buf[end + 2:]
            m = _ANSWER_QN.search(line)
            if m is None or b"CN=9014" not in line:
                continue
            qn = m.group(1).decode("ascii")  # digits only: a garbled answer cannot break the simulator
            item = self.pending.pop(qn, None)
            if item is not None:
                res.acked += 1
                res.last_ack = now
                res.latencies.append(now - item[0])
                if self.sim.keep_keys:
                    res.acked_keys.add(item[2])
        self.buf = buf

    def next_frame(self, kind: str | None = None, at: datetime | None = None) -> tuple[str, bytes, tuple]:
        """One upload: ``kind`` defaults to the simulator's; DataTime ``at`` defaults to the device clock."""
        rng = self.rng
        sim = self.sim
        self.seq += 1
        kind = kind or sim.kind
        if at is None:
            self.clock += sim.step
            at = self.clock
        dt = at.strftime("%Y%m%d%H%M%S")
        qn = (at if not sim.live else datetime.now(CHINA_TZ)).strftime("%Y%m%d%H%M%S") + f"{self.seq % 1000:03d}"
        fields = FIELDS[kind]
        items = []
        fault = rng.random() < sim.fault_rate
        for code, typical, limit in (WATER if self.water else GAS):
            v = typical * rng.uniform(0.7, 1.3)
            if rng.random() < sim.exceed_rate:
                v = limit * rng.uniform(1.05, 1.6)
            flag = rng.choice("DMC") if fault else "N"
            items.append(",".join(f"{code}-{f}={v * m:.2f}" for f, m in fields) + f",{code}-Flag={flag}")
        seg = (f"QN={qn};ST={'32' if self.water else '31'};CN={CN_BY_KIND[kind]};PW={sim.passwords.get(self.mn, sim.password)};"
               f"MN={self.mn};"
               f"Flag=5;CP=&&DataTime={dt};" + ";".join(items) + "&&")
        return qn, build_frame(seg), (self.mn, dt)


class Simulator:
    def __init__(self, host="127.0.0.1", port=9212, devices=10, rate=10.0, duration=10.0, kind="minute",
                 mn_prefix="SIM", seed=1, exceed_rate=0.01, fault_rate=0.005, gap_rate=0.0005,
                 retransmit_rate=0.002, malformed_rate=0.001, ack_timeout=10.0, keep_keys=False,
                 start: datetime | None = None, realistic: bool = True, mns: list[str] | None = None,
                 live: bool = False, live_kinds=("rtd", "minute", "hour"), password: str = "123456"):
        self.host, self.port = host, port
        #: explicit MNs ("MN" or "MN:water" / "MN:gas"), e.g. the demo's monitoring points
        self.mns = list(mns or [])
        self.devices_n = len(self.mns) or devices
        self.rate, self.duration = rate, duration
        self.kind = kind
        self.step = STEPS[kind]
        self.live = live
        self.live_kinds = tuple(live_kinds)
        self.password = password
        #: per-MN passwords (points with a password set in the registry)
        self.passwords: dict[str, str] = {}
        self.mn_prefix = mn_prefix
        self.rng = random.Random(seed)
        f = 1.0 if realistic else 0.0
        self.exceed_rate, self.fault_rate, self.gap_rate = exceed_rate * f, fault_rate * f, gap_rate * f
        self.retransmit_rate, self.malformed_rate = retransmit_rate * f, malformed_rate * f
        self.ack_timeout = ack_timeout
        self.keep_keys = keep_keys
        per_device = rate * duration / max(devices, 1)
        now = datetime.now(CHINA_TZ).replace(second=0, microsecond=0)
        self.start = start or (now - self.step * int(per_device + 1))
        self.result = SimResult()
        self.devices: list[Device] = []
        self.sent_frames: dict[tuple, bytes] = {}

    def mn(self, i: int) -> tuple[str, bool]:
        """(MN, is water) of device i."""
        if self.mns:
            mn, _, kind = self.mns[i].partition(":")
            return mn, (kind or ("water" if i % 2 == 0 else "gas")) == "water"
        return f"{self.mn_prefix}{i:06d}", i % 2 == 0

    async def connect_all(self) -> None:
        loop = asyncio.get_running_loop()
        sem = asyncio.Semaphore(200)

        async def one(i: int) -> None:
            mn, water = self.mn(i)
            d = Device(self, mn, water, self.start, random.Random(self.rng.random()))
            async with sem:
                for _attempt in range(20):
                    try:
                        await loop.create_connection(lambda: d, self.host, self.port)
                        break
                    except OSError:
                        self.result.connect_errors += 1
                        await asyncio.sleep(0.2)
            self.devices.append(d)

        await asyncio.gather(*(one(i) for i in range(self.devices_n)))

    def prebuild(self, per_device: int) -> None:
        """Build frames ahead of time so a load test measures the gateway, not the generator."""
        for d in self.devices:
            d.ready = [d.next_frame() for _ in range(per_device)]
            d.ready.reverse()

    def _send(self, d: Device, now: float) -> None:
        rng = self.rng
        res = self.result
        if d.transport is None:
            return
        if d.quiet_until > now:
            return
        if rng.random() < self.gap_rate:
            d.quiet_until = now + rng.uniform(2, 10)  # a gap in the data
            return
        if rng.random() < self.malformed_rate:
            res.malformed += 1
            d.transport.write(rng.choice([b"##0010garbage!!!!!!\r\n", b"\x00\xffnoise\r\n",
                                          build_frame(f"ST=32;CN=2051;MN={d.mn};CP=&&&&")[:-6] + b"0000\r\n"]))
        qn, frame, key = d.ready.pop() if d.ready else d.next_frame()
        d.pending[qn] = (now, frame, key)
        if self.keep_keys:
            self.sent_frames[key] = frame
        d.transport.write(frame)
        res.sent += 1
        if rng.random() < self.retransmit_rate:
            d.transport.write(frame)  # a device that resends before waiting for the answer
            res.retransmitted += 1

    def _resend_overdue(self, now: float) -> None:
        limit = now - self.ack_timeout
        for d in self.devices:
            if d.transport is None:
                continue
            for qn, (sent_at, frame, key) in list(d.pending.items()):
                if sent_at < limit:
                    d.pending[qn] = (now, frame, key)
                    d.transport.write(frame)
                    self.result.retransmitted += 1

    async def run_live(self) -> SimResult:
        """Send what real loggers send, on the wall clock: real-time data every 30 s, minute data each
        minute, hourly data each hour (kinds in ``live_kinds``), until ``duration`` (0 = forever)."""
        await self.connect_all()
        res = self.result
        res.started = time.perf_counter()
        offsets = [self.rng.uniform(0, 20) for _ in self.devices]  # loggers do not all send at once
        last: list[dict[str, datetime]] = [{} for _ in self.devices]
        while not self.duration or time.perf_counter() - res.started < self.duration:
            now_wall = datetime.now(CHINA_TZ)
            mono = time.perf_counter()
            for i, d in enumerate(self.devices):
                if d.transport is None:
                    await self._reconnect(d)
                    continue
                shifted = now_wall - timedelta(seconds=offsets[i])
                for kind in self.live_kinds:
                    step = STEPS[kind]
                    slot = _floor(shifted, step) - (step if kind != "rtd" else timedelta(0))
                    if last[i].get(kind) != slot:
                        last[i][kind] = slot
                        if d.quiet_until > mono or self.rng.random() < self.gap_rate:
                            continue
                        qn, frame, key = d.next_frame(kind, slot)
                        d.pending[qn] = (mono, frame, key)
                        d.transport.write(frame)
                        res.sent += 1
            self._resend_overdue(mono)
            await asyncio.sleep(1.0)
        res.finished = time.perf_counter()
        return res

    async def _reconnect(self, d: Device) -> None:
        try:
            await asyncio.get_running_loop().create_connection(lambda: d, self.host, self.port)
        except OSError:
            self.result.connect_errors += 1

    async def run(self, prebuild: int = 0) -> SimResult:
        if self.live:
            return await self.run_live()
        await self.connect_all()
        if prebuild:
            self.prebuild(prebuild)
        res = self.result
        res.started = time.perf_counter()
        tick = 0.005
        end = res.started + self.duration
        credit = 0.0
        i = 0
        n = len(self.devices)
        last = res.started
        last_resend = res.started
        while n:
            now = time.perf_counter()
            if now >= end:
                break
            credit += (now - last) * self.rate
            last = now
            k = int(credit)
            credit -= k
            for _ in range(k):
                self._send(self.devices[i % n], now)
                i += 1
            if now - last_resend > 1.0:
                self._resend_overdue(now)
                last_resend = now
            await asyncio.sleep(tick)
        # wait for outstanding answers
        deadline = time.perf_counter() + min(self.ack_timeout, 15.0)
        while time.perf_counter() < deadline and any(d.pending for d in self.devices):
            await asyncio.sleep(0.05)
        res.finished = time.perf_counter()
        for d in self.devices:
            if d.transport is not None:
                d.transport.close()
        return res


def _floor(t: datetime, step: timedelta) -> datetime:
    """Start of the interval of length ``step`` containing t (local time; minute data is stamped
    with the interval start, as the standard says)."""
    base = t.replace(hour=0, minute=0, second=0, microsecond=0)
    n = (t - base) // step
    return base + n * step


async def run_sim(**kwargs) -> SimResult:
    return await Simulator(**kwargs).run()
