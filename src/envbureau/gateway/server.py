"""asyncio TCP gateway for HJ 212 devices.

Per frame: decode → policy checks against the registry snapshot → dedup by (MN, CN, DataTime, PNO)
→ appended to the pending group commit.  One committer task hands each group to a writer thread
(write + fdatasync), then sends the acknowledgements of that group, so **no answer leaves before
its packet is on disk**.  Packets arriving while a commit is in flight form the next group.
Sealed log segments are compacted into Parquet by a separate process (``compact.py``) so the
event loop never waits on it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import queue
import re
import sys
import threading
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from envbureau.hj212 import (
    ALL_CRC_DIALECTS,
    FrameSplitter,
    HJ212Error,
    build_reply,
    build_set_time,
    decode,
    parse_segment,
)
from envbureau.hj212.codes import CN_TIME_CALIBRATION_REQUEST, COMMANDS, is_answer
from envbureau.hj212.crc import HJ212

from .registry import MemoryRegistry, PointDirectory, StoreReader, stored_packet
from .store import PacketLog, encode_record, iter_log, online_dir, stored_records

log = logging.getLogger("envbureau.gateway")

#: rejection reasons (stable keywords used in stats and the rejected log)
REASONS = ("framing", "length", "crc", "syntax", "unknown_mn", "disabled", "password")


@dataclass
class Retention:
    """Days to keep each data kind (defaults: real-time 30 d, minute 1 y, hour/day and raw 5 y)."""

    rtd: int = 30
    minute: int = 366
    hour: int = 1827
    day: int = 1827
    raw: int = 1827

    def as_args(self) -> list[str]:
        return [f"--retention={k}:{getattr(self, k)}" for k in ("rtd", "minute", "hour", "day", "raw")]


@dataclass
class GatewayConfig:
    host: str = "0.0.0.0"
    port: int = 9212
    data_dir: str | None = None
    max_segment: int = 4096  # size cap of a frame's data segment (standard: 1024)
    idle_timeout: float = 900.0  # close connections silent this long (≥ 2 × RtdInterval)
    segment_bytes: int = 64 << 20
    seal_seconds: float = 300.0
    compact: bool = True
    compact_interval: float = 60.0
    retention: Retention = field(default_factory=Retention)
    sync: bool = True
    dedup_keys: int = 2_000_000  # ~200 MB; at a city's ~4 M uploads a day, about half a day of keys
    refresh_seconds: float = 30.0
    stats_interval: float = 1.0
    #: frames handled per group commit; a connection with more waits (reading paused) for the next
    #: group, served first then — bounds ack latency under overload and keeps connections fair
    max_group_frames: int = 2000
    #: bytes of garbage (skipped by the splitter, or frames failing framing/length/CRC/syntax) a
    #: connection may send since its last good frame before it is closed — a flood of junk must not
    #: keep the event loop busy; a device that only sends an occasional bad frame never gets near it
    garbage_budget: int = 64 << 10


class Stats:
    def __init__(self) -> None:
        self.c: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self.unknown_mns: dict[str, dict] = {}
        #: MN -> CP key -> extra occurrences (frames repeating a field; the first value is kept)
        self.repeated: dict[str, Counter] = {}
        #: CN -> frames carrying pollutant values under a CN that is not a data upload
        self.non_data_cn: Counter[str] = Counter()
        self.started_at = time.time()

    def snapshot(self) -> dict:
        return {"counters": dict(self.c), "rejected": dict(self.rejected)}


class _Batch:
    __slots__ = ("records", "acks", "stored", "rejected", "nbytes", "keys")

    def __init__(self) -> None:
        self.keys: list[tuple] = []
        self.records: list[bytes] = []
        #: (connection, answer, key of the original when this answers a duplicate)
        self.acks: list[tuple[DeviceConnection, bytes, int | None]] = []
        self.stored: list[tuple[bytes, object, float]] = []
        self.rejected: list[str] = []
        self.nbytes = 0


class DeviceConnection(asyncio.Protocol):
    def __init__(self, gateway: Gateway):
        self.gw = gateway
        self.splitter = FrameSplitter(gateway.config.max_segment)
        self.transport: asyncio.Transport | None = None
        self.peer = ""
        self.last_seen = time.monotonic()
        self.mns: set[str] = set()
        self.rejects = 0
        self.backlog: deque = deque()  # frames read but not yet handled (over the group's budget)
        self.waiting = False
        self.garbage = 0  # garbage bytes since the last good frame
        self._splitter_garbage = 0
        self.dropped = False  # closed for garbage: nothing more of it is handled

    def connection_made(self, transport) -> None:
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        self.gw.connection_opened(self)

    def data_received(self, data: bytes) -> None:
        self.last_seen = time.monotonic()
        gw = self.gw
        gw.stats.c["bytes_received"] += len(data)
        if self.dropped:
            return
        splitter = self.splitter
        events = splitter.feed(data)
        skipped = splitter.garbage_bytes - self._splitter_garbage
        if skipped:
            self._splitter_garbage = splitter.garbage_bytes
            # a run of garbage that went on from the previous read has no event of its own: count it
            # now; the bytes behind each error event are counted in order with the frames (handle)
            cont = skipped - sum(e.skipped for e in events if type(e) is not bytes)
            if cont > 0 and gw.add_garbage(self, cont):
                return
        if self.waiting:
            self.backlog.extend(events)
        elif events:
            gw.process(self, events)

    def handle(self, event) -> None:
        if self.dropped:
            return
        if type(event) is bytes:
            self.gw.handle_frame(self, event)
        else:
            self.gw.reject(self, event.kind, event.detail, event.raw, offset=event.offset)
            self.gw.add_garbage(self, event.skipped)

    def connection_lost(self, exc) -> None:
        self.gw.connection_closed(self)


class Gateway:
    def __init__(self, config: GatewayConfig | None = None, registry=None):
        from .registry import OpenRegistry

        self.config = config or GatewayConfig()
        self.registry = registry if registry is not None else OpenRegistry()
        self.root = online_dir(self.config.data_dir)
        self.log = PacketLog(self.root, self.config.segment_bytes, sync=self.config.sync)
        self.directory = PointDirectory(self.registry)
        self.stats = Stats()
        self.connections: set[DeviceConnection] = set()
        self.by_mn: dict[str, DeviceConnection] = {}
        self._index: dict[tuple, None] = {}
        self._pending = _Batch()
        self._wake: asyncio.Event | None = None
        self._io = ThreadPoolExecutor(1, thread_name_prefix="gateway-log")
        self._aux = ThreadPoolExecutor(1, thread_name_prefix="gateway-aux")
        self._wants_stored = bool(getattr(self.registry, "wants_stored", True))
        self._hook_q: queue.Queue = queue.Queue()
        self._hook_thread: threading.Thread | None = None
        self._hook_lagging = False
        self._clean_layouts: set[bytes] = set()  # CN + CP key layouts inspected and found clean
        self._tasks: list[asyncio.Task] = []
        self._server: asyncio.AbstractServer | None = None
        self._closing = False
        self._budget = self.config.max_group_frames
        self._waiting: deque[DeviceConnection] = deque()
        self._compactor: asyncio.subprocess.Process | None = None
        self._totals_base: dict = {}
        self.last_commit_position = (0, 0)
        self.hook_cursor = (0, 0)
        self._rejected_fh = None
        self._rejected_day = ""
        self.port: int | None = None

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self.root.mkdir(parents=True, exist_ok=True)
        await loop.run_in_executor(self._io, self._open_storage)
        await loop.run_in_executor(self._aux, self.directory.refresh)
        # the hook thread also inspects every stored frame off the answer path (repeated fields, values
        # under a non-data CN), so it runs even for a registry that takes no stored packets
        self._hook_thread = threading.Thread(target=self._hook_worker, name="gateway-hook", daemon=True)
        self._hook_thread.start()
        if getattr(self.registry, "on_start", None) is not None:
            self._hook_q.put("restore")  # before any delivery: the registry rebuilds its in-memory state
        if self._wants_stored:
            self._hook_q.put("catch-up")  # whatever the hook had not confirmed before a stop or crash
        self._server = await loop.create_server(lambda: DeviceConnection(self), self.config.host, self.config.port,
                                                reuse_address=True, backlog=4096)
        self.port = self._server.sockets[0].getsockname()[1]
        self._write_stats()
        self._tasks = [loop.create_task(self._committer(), name="committer"),
                       loop.create_task(self._periodic(), name="periodic")]
        log.info("HJ 212 gateway listening on %s:%s, data in %s", self.config.host, self.port, self.root)

    def _open_storage(self) -> None:
        self.log.open()
        self._load_totals()
        # the persisted totals lag a crash by up to a stats interval: the log itself says how many
        # packets are stored (the other counters cannot be rebuilt and keep their persisted values)
        stored = stored_records(self.root)
        base = self._totals_base.setdefault("counters", {})
        if base.get("stored", 0) != stored:
            log.warning("stored total rebuilt from the packet log: %d (stats.json said %d)", stored, base.get("stored", 0))
        base["stored"] = stored
        self.hook_cursor = self._read_cursor()
        # rebuild the dedup index from every record still in the log
        n = 0
        for seq, end, _, frame in iter_log(self.root):
            key = _key_of(frame)
            if key is not None:
                self._index[key] = None
            n += 1
            self.last_commit_position = (seq, end)
        self.stats.c["recovered_records"] = n
        if self.log.recovered_truncated:
            log.warning("cut a torn tail of %d bytes from segment %d", self.log.recovered_truncated, self.log.seq)

    async def stop(self) -> None:
        self._closing = True
        if self._server is not None:
            self._server.close()
        for conn in list(self.connections):
            if conn.transport is not None:
                conn.transport.close()
        if self._wake is not None:
            self._wake.set()
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        loop = asyncio.get_running_loop()
        await self._commit_once(loop)  # flush anything left
        if self._compactor is not None and self._compactor.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._compactor.wait(), 30)
        if self._hook_thread is not None:
            self._hook_q.put(None)
            await loop.run_in_executor(None, self._hook_thread.join, 30)
        self._write_stats()
        await loop.run_in_executor(self._io, self._close_storage)
        self._io.shutdown(wait=True)
        self._aux.shutdown(wait=True)

    def _close_storage(self) -> None:
        self.log.close()
        if self._rejected_fh is not None:
            self._rejected_fh.close()
            self._rejected_fh = None

    async def serve_forever(self) -> None:
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()

    # ------------------------------------------------------------------ connections
    def connection_opened(self, conn: DeviceConnection) -> None:
        self.connections.add(conn)
        self.stats.c["connections_opened"] += 1

    def connection_closed(self, conn: DeviceConnection) -> None:
        self.connections.discard(conn)
        self.stats.c["connections_closed"] += 1
        for mn in conn.mns:
            if self.by_mn.get(mn) is conn:
                del self.by_mn[mn]

    def send_to(self, mn: str, frame: bytes) -> bool:
        """Send a platform command to the device's latest connection (downlink)."""
        conn = self.by_mn.get(mn)
        if conn is None or conn.transport is None or conn.transport.is_closing():
            return False
        conn.transport.write(frame)
        return True

    def add_garbage(self, conn: DeviceConnection, nbytes: int) -> bool:
        """Count garbage bytes; close the connection (and return True) once over its budget."""
        c = self.stats.c
        c["garbage_bytes"] += nbytes
        conn.garbage += nbytes
        if conn.garbage <= self.config.garbage_budget or conn.dropped:
            return conn.dropped
        conn.dropped = True
        conn.backlog.clear()
        c["garbage_closed"] += 1
        log.warning("closing %s: %d bytes of garbage since its last good frame", conn.peer, conn.garbage)
        t = conn.transport
        if t is not None and not t.is_closing():
            t.close()
        return True

    # ------------------------------------------------------------------ the hot path
    def handle_frame(self, conn: DeviceConnection, frame: bytes) -> None:
        now = time.time()
        c = self.stats.c
        c["received"] += 1
        try:
            p = decode(frame, crc_dialects=ALL_CRC_DIALECTS, lenient_length=True, max_segment=self.config.max_segment)
        except HJ212Error as exc:
            mn = exc.packet.mn if getattr(exc, "packet", None) is not None else None
            self.reject(conn, exc.kind, exc.detail, frame, offset=exc.offset, mn=mn)
            self.add_garbage(conn, len(frame))
            return
        conn.garbage = 0  # a well-formed frame: the device is talking the protocol
        point = self.directory.resolve(p.mn)
        if point is None:
            self._unknown_mn(conn, p.mn or "", frame)
            return
        if not point.enabled:
            self.reject(conn, "disabled", "monitoring point is disabled", frame, mn=p.mn)
            return
        if p.crc_dialect != HJ212 and p.crc_dialect not in point.crc_dialects:
            self.reject(conn, "crc", f"CRC is {p.crc_dialect}, not accepted for this MN", frame, mn=p.mn,
                        offset=len(frame) - 6)
            return
        if p.declared_length is not None and not point.lenient_length:
            self.reject(conn, "length", f"length field says {p.declared_length} but the data segment has "
                        f"{len(p.segment)} bytes", frame, mn=p.mn, offset=2)
            return
        if point.password is not None and p.pw != point.password:
            self.reject(conn, "password", "PW does not match the point's password", frame, mn=p.mn)
            return
        cn = p.cn
        if not cn:
            self.reject(conn, "syntax", "no CN field", frame, mn=p.mn)
            return
        dt_text = p.data_time_text
        kind = p.kind
        if kind is not None:
            try:
                dt = p.data_time
                if dt is None:
                    raise HJ212Error("data upload without DataTime")
            except HJ212Error as exc:
                self.reject(conn, "syntax", exc.detail, frame, mn=p.mn)
                return
            if kind == "rtd" and abs(dt.timestamp() - now) > 3600:
                c["rtd_clock_skew"] += 1  # device clock off by > 1 h: stored, but worth a 1012 time set
        elif cn not in COMMANDS:
            c["unknown_cn"] += 1  # vendor commands (8013 heartbeats, 9015 …) are kept, not rejected
        if p.crc_dialect != HJ212:
            c["accepted_dialect_" + p.crc_dialect] += 1
        mn = p.mn
        if mn not in conn.mns:
            conn.mns.add(mn)
        self.by_mn[mn] = conn
        batch = self._pending
        key = _dedup_id((mn, cn, dt_text, p.pno)) if dt_text is not None and not is_answer(cn) else None
        dup_of = None
        if key is not None and key in self._index:
            c["duplicates"] += 1  # retransmission: not stored again, but still answered
            dup_of = key
        else:
            if key is not None:
                self._index[key] = None
                batch.keys.append(key)
            rec = encode_record(now, frame)
            batch.records.append(rec)
            batch.nbytes += len(rec)
            batch.stored.append((frame, point.id, now))
        reply = build_reply(p)
        if reply is not None:
            batch.acks.append((conn, reply, dup_of))
        if cn == CN_TIME_CALIBRATION_REQUEST:
            # the device asks for the time: answer 9013 (above), then set it with 1012 (2017 Table 9)
            batch.acks.append((conn, build_set_time(p), None))
            c["time_set_sent"] += 1
        self._wake.set()

    #: per connection, every rejection up to this many is logged in full, then one in REJECT_SAMPLE
    REJECT_LOG_FULL = 200
    REJECT_SAMPLE = 100

    def reject(self, conn: DeviceConnection | None, reason: str, detail: str, raw: bytes = b"",
               offset: int | None = None, mn: str | None = None) -> None:
        self.stats.rejected[reason] += 1
        if conn is not None:
            conn.rejects += 1
            n = conn.rejects
            if n > self.REJECT_LOG_FULL and n % self.REJECT_SAMPLE:
                self.stats.c["rejects_not_logged"] += 1  # counted, but a garbage flood must not fill the disk
                return
        raw = raw[:4096]
        entry = {"at": time.time(), "peer": conn.peer if conn else "", "reason": reason, "detail": detail,
                 "offset": offset, "mn": mn, "frame": raw.decode("utf-8", "backslashreplace")}
        if not raw.isascii():
            entry["frame_b64"] = base64.b64encode(raw).decode()  # exact bytes for a later replay
        self._pending.rejected.append(json.dumps(entry, ensure_ascii=False))
        if self._wake is not None:
            self._wake.set()

    def _unknown_mn(self, conn: DeviceConnection, mn: str, frame: bytes) -> None:
        now = time.time()
        info = self.stats.unknown_mns.get(mn)
        if info is None:
            if len(self.stats.unknown_mns) < 10000:
                self.stats.unknown_mns[mn] = {"count": 1, "first_seen": now, "last_seen": now, "peer": conn.peer}
                hook = getattr(self.registry, "on_unknown_mn", None)
                if hook is not None:
                    self._aux.submit(_safe_call, hook, mn, conn.peer, frame)
        else:
            info["count"] += 1
            info["last_seen"] = now
            info["peer"] = conn.peer
        self.reject(conn, "unknown_mn", f"MN {mn!r} is not a registered monitoring point", frame, mn=mn)

    def _evict_index(self) -> None:
        excess = len(self._index) - self.config.dedup_keys
        if excess > 0:
            for k in list(islice(self._index, excess + self.config.dedup_keys // 10)):
                del self._index[k]

    # ------------------------------------------------------------------ group commit
    async def _committer(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self._commit_once(loop)
            except Exception:  # the committer must outlive any one bad group
                log.exception("group commit failed")
                self.stats.c["commit_errors"] += 1
                await asyncio.sleep(0.1)

    async def _commit_once(self, loop) -> None:
        batch = self._pending
        if not (batch.records or batch.acks or batch.rejected):
            self._refill_and_drain()
            return
        self._pending = _Batch()
        if batch.records or batch.rejected:
            try:
                self.last_commit_position = await loop.run_in_executor(self._io, self._write_batch, batch)
            except OSError:
                # not durable, so not answered: forget the keys so the devices' resends are stored
                log.exception("packet log write failed; %d packets not acknowledged", len(batch.records))
                self.stats.c["write_errors"] += 1
                for key in batch.keys:
                    self._index.pop(key, None)
                self._refill_and_drain()
                return
        c = self.stats.c
        c["stored"] += len(batch.records)
        c["commits"] += 1
        # only now, with the group on disk, do the answers go out
        by_conn: dict[DeviceConnection, list[bytes]] = {}
        index = self._index
        for conn, reply, dup_of in batch.acks:
            if dup_of is not None and dup_of not in index:
                c["acks_withheld"] += 1  # its original's group failed to write: not stored, not answered
                continue
            by_conn.setdefault(conn, []).append(reply)
        sent = 0
        for conn, replies in by_conn.items():
            t = conn.transport
            if t is not None and not t.is_closing():
                t.write(b"".join(replies) if len(replies) > 1 else replies[0])
                sent += len(replies)
        c["acknowledged"] += sent
        c["acks_dropped_closed"] += sum(len(r) for r in by_conn.values()) - sent
        self._refill_and_drain()
        if batch.stored and not self._wants_stored:
            if self._hook_q.qsize() < self.INSPECT_QUEUE_LIMIT:
                self._hook_q.put((batch.stored, self.last_commit_position))
            else:
                self.stats.c["inspection_skipped"] += len(batch.stored)  # overload: counts may fall short
        elif batch.stored and not self._hook_lagging:
            if self._hook_q.qsize() < self.HOOK_QUEUE_LIMIT:
                self._hook_q.put((batch.stored, self.last_commit_position))
            else:
                self._hook_lagging = True  # stop holding frames in memory; the worker re-reads the log
                self.stats.c["hook_lag_catch_ups"] += 1
                self._hook_q.put("catch-up")
        if len(self._index) > self.config.dedup_keys:
            self._evict_index()

    def _write_batch(self, batch: _Batch) -> tuple[int, int]:
        pos = self.log.append_and_sync(b"".join(batch.records))
        if batch.rejected:
            try:
                self._write_rejected(batch.rejected)
            except OSError:  # the packets of this group are on disk: do not fail them for this
                log.exception("could not write the rejected log")
                self.stats.c["rejected_log_errors"] += 1
        if self.log.should_seal(self.config.seal_seconds):
            self.log.seal()
        return pos

    def _write_rejected(self, lines: list[str]) -> None:
        day = time.strftime("%Y%m%d", time.gmtime(time.time() + 8 * 3600))
        if day != self._rejected_day or self._rejected_fh is None:
            if self._rejected_fh is not None:
                self._rejected_fh.close()
            d = self.root / "rejected"
            d.mkdir(parents=True, exist_ok=True)
            self._rejected_fh = open(d / f"{day}.jsonl", "a", encoding="utf-8")
            self._rejected_day = day
        self._rejected_fh.write("\n".join(lines) + "\n")
        self._rejected_fh.flush()
        if self.config.sync:
            os.fdatasync(self._rejected_fh.fileno())

    # ------------------------------------------------------------------ fairness under overload
    def process(self, conn: DeviceConnection, events: list) -> None:
        """Handle a connection's frames within the current group's budget; queue the rest."""
        for i, event in enumerate(events):
            if self._budget <= 0:
                conn.backlog.extend(events[i:])
                self._throttle(conn)
                return
            self._budget -= 1
            conn.handle(event)

    def _throttle(self, conn: DeviceConnection) -> None:
        if not conn.waiting:
            conn.waiting = True
            self._waiting.append(conn)
            t = conn.transport
            if t is not None and not t.is_closing():
                t.pause_reading()  # TCP pushes back on the device until its turn
            self.stats.c["backpressure_pauses"] += 1
        self._wake.set()  # a commit cycle refills the budget

    def _refill_and_drain(self) -> None:
        """After each group commit: new budget, connections that waited go first (round robin)."""
        self._budget = self.config.max_group_frames
        for _ in range(len(self._waiting)):
            if self._budget <= 0:
                break
            conn = self._waiting.popleft()
            backlog = conn.backlog
            while backlog and self._budget > 0:
                self._budget -= 1
                conn.handle(backlog.popleft())
            if backlog:
                self._waiting.append(conn)
            else:
                conn.waiting = False
                t = conn.transport
                if t is not None and not t.is_closing():
                    t.resume_reading()
        if self._waiting:
            self._wake.set()

    # ------------------------------------------------------------------ hook delivery (at least once)
    HOOK_QUEUE_LIMIT = 200  # groups; beyond this the hook catches up from the log instead of memory
    INSPECT_QUEUE_LIMIT = 20  # groups waiting for inspection only (no hook): beyond, counts may fall short

    def _hook_worker(self) -> None:
        while True:
            item = self._hook_q.get()
            if item is None:
                return
            if item == "catch-up":
                if not self._catch_up():
                    return
                continue
            if item == "restore":
                try:
                    self.registry.on_start(StoreReader(self.root, self.directory))
                except Exception:  # someone else's code: a failed restore must not stop delivery
                    log.exception("registry.on_start failed")
                    self.stats.c["hook_errors"] += 1
                continue
            items, position = item
            if not self._deliver(items, position):
                return

    def _deliver(self, items, position) -> bool:
        batch = []
        wants = self._wants_stored
        clean = self._clean_layouts
        for frame, point_id, received_at in items:
            layout = None
            if not wants:
                # nobody needs the values: skip the parse when this CN + key layout was seen clean before
                # (devices repeat their layout; a regex in C is ~5x cheaper than parsing the CP area)
                cp_at = frame.find(b"CP=&&")
                if cp_at > 0 and b"//" not in frame:
                    cn_at = frame.find(b"CN=")
                    layout = frame[cn_at:cn_at + 7] + _LAYOUT.sub(b"", frame[cp_at + 5:-8])
                    if layout in clean:
                        continue
            try:
                p = parse_segment(frame[6:-6], 6)
                if self._inspect(p) and layout is not None:
                    if len(clean) >= 50_000:
                        clean.clear()
                    clean.add(layout)
            except HJ212Error:
                continue
            if wants:
                batch.append(stored_packet(p, point_id, received_at, position))
        if not wants:
            return True
        while True:
            try:
                self.registry.on_stored(batch)
                break
            except Exception:  # the registry is someone else's code: log and retry, never lose
                log.exception("registry.on_stored failed; retrying")
                self.stats.c["hook_errors"] += 1
                time.sleep(1.0)
                if self._closing:
                    return False
        if tuple(position) > tuple(self.hook_cursor):
            self.hook_cursor = tuple(position)
            self._write_cursor(position)
        self.stats.c["hook_delivered"] += len(batch)
        return True

    #: MNs for which repeated keys are listed in stats.json (the counters stay exact beyond it)
    REPEATED_MNS = 1000

    def _inspect(self, p) -> bool:
        """Count what the protocol allows but a careful reader must know: keys sent more than once
        (the first value is the one stored) and pollutant values under a CN that is not a data upload.
        True when the frame had neither."""
        c = self.stats.c
        repeated = p.repeated
        clean = True
        if repeated:
            clean = False
            c["frames_repeating_fields"] += 1
            c["repeated_fields"] += len(repeated)
            st = self.stats.repeated
            per_mn = st.get(p.mn or "")
            if per_mn is None and len(st) < self.REPEATED_MNS:
                per_mn = st[p.mn or ""] = Counter()
            if per_mn is not None:
                per_mn.update(repeated)
        cn = p.cn
        if cn and p.kind is None and not is_answer(cn) and p.data_fields():
            c["data_fields_under_non_data_cn"] += 1
            self.stats.non_data_cn[cn] += 1
            clean = False
        return clean

    def _catch_up(self) -> bool:
        """Deliver everything after the cursor straight from the log (at start, and whenever the hook
        fell so far behind that its queue was dropped to bound memory)."""
        self._hook_lagging = False  # groups committed from now on are queued again (maybe twice: fine)
        cseq, cend = self.hook_cursor
        pending = []
        last = None
        for seq, end, at, frame in iter_log(self.root):
            if (seq, end) <= (cseq, cend):
                continue
            last = (seq, end)
            mn = _mn_of(frame)
            point = self.directory.points.get(mn) if mn else None
            if point is None and mn:
                point = self.directory.resolve(mn) if isinstance(self.registry, MemoryRegistry) else None
            if point is not None:
                pending.append((frame, point.id, at))
            if len(pending) >= 1000:
                if not self._deliver(pending, last):
                    return False
                self.stats.c["hook_caught_up"] += len(pending)
                pending = []
        if last is not None and not self._deliver(pending, last):
            return False
        self.stats.c["hook_caught_up"] += len(pending)
        return True

    def _cursor_path(self) -> Path:
        return self.root / "hook.cursor"

    def _read_cursor(self) -> tuple[int, int]:
        try:
            seq, end = self._cursor_path().read_text().split()
            return int(seq), int(end)
        except (FileNotFoundError, ValueError):
            return (0, 0)

    def _write_cursor(self, position) -> None:
        tmp = self._cursor_path().with_suffix(".tmp")
        tmp.write_text(f"{position[0]} {position[1]}\n")
        os.replace(tmp, self._cursor_path())

    # ------------------------------------------------------------------ housekeeping
    async def _periodic(self) -> None:
        loop = asyncio.get_running_loop()
        last_refresh = last_compact = time.monotonic()
        tick = min(self.config.stats_interval, 1.0)
        while True:
            before = time.monotonic()
            await asyncio.sleep(tick)
            now = time.monotonic()
            lag_ms = int((now - before - tick) * 1000)  # how late the event loop got back to us
            if lag_ms > self.stats.c["loop_lag_max_ms"]:
                self.stats.c["loop_lag_max_ms"] = lag_ms
            self._write_stats()
            # idle timeout
            limit = now - self.config.idle_timeout
            for conn in list(self.connections):
                if conn.last_seen < limit and conn.transport is not None:
                    self.stats.c["idle_closed"] += 1
                    conn.transport.close()
            if now - last_refresh >= self.config.refresh_seconds:
                last_refresh = now
                try:
                    await loop.run_in_executor(self._aux, self.directory.refresh)
                except Exception:
                    log.exception("registry refresh failed; keeping the previous snapshot")
            if self.config.compact and now - last_compact >= self.config.compact_interval:
                last_compact = now
                await loop.run_in_executor(self._io, self._seal_if_old)
                await self._maybe_compact()

    def _seal_if_old(self) -> None:
        if self.log.should_seal(self.config.seal_seconds):
            self.log.seal()

    async def _maybe_compact(self) -> None:
        if self._compactor is not None and self._compactor.returncode is None:
            return
        below = self.log.seq
        if self._wants_stored and tuple(self.hook_cursor) != tuple(self.last_commit_position):
            below = min(below, self.hook_cursor[0] or 1)  # never archive what the hook has not seen
        if not [s for s in self.log.sealed_segments() if s < below]:
            return
        args = [sys.executable, "-m", "envbureau.gateway.compact", "--data-dir", str(self.root.parent),
                "--below", str(below), *self.config.retention.as_args()]
        self._compactor = await asyncio.create_subprocess_exec(*args)
        self.stats.c["compactions_started"] += 1

    def _load_totals(self) -> None:
        try:
            data = json.loads((self.root / "stats.json").read_text(encoding="utf-8"))
            self._totals_base = data.get("totals", {})
        except (FileNotFoundError, ValueError):
            self._totals_base = {}

    def stats_document(self) -> dict:
        since = self.stats.snapshot()
        base_c = self._totals_base.get("counters", {})
        base_r = self._totals_base.get("rejected", {})
        totals = {"counters": dict(Counter(base_c) + Counter(since["counters"])),
                  "rejected": dict(Counter(base_r) + Counter(since["rejected"]))}
        unknown = sorted(self.stats.unknown_mns.items(), key=lambda kv: -kv[1]["count"])[:200]
        return {"pid": os.getpid(), "host": self.config.host, "port": self.port,
                "started_at": self.stats.started_at, "updated_at": time.time(),
                "connections_open": len(self.connections), "since_start": since, "totals": totals,
                "unknown_mns": dict(unknown),
                "repeated_fields": {"kept": "first",
                                    "by_mn": {mn: dict(keys) for mn, keys in list(self.stats.repeated.items())}},
                "data_fields_under_cn": dict(self.stats.non_data_cn),
                "log_segment": self.log.seq, "dedup_keys": len(self._index),
                "hook_cursor": list(self.hook_cursor)}

    def _write_stats(self) -> None:
        path = self.root / "stats.json"
        tmp = path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(self.stats_document(), indent=1), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            log.exception("could not write %s", path)


def _key_of(frame: bytes):
    try:
        p = parse_segment(frame[6:-6], 6)
    except HJ212Error:
        return None
    dt = p.data_time_text
    if dt is None or not p.cn or is_answer(p.cn):
        return None
    return _dedup_id((p.mn, p.cn, dt, p.pno))


#: removes the values of a CP area, leaving its key layout ("DataTime;w01018-Avg,w01018-Flag;…")
_LAYOUT = re.compile(rb"=[^;,]*")

_M64 = (1 << 64) - 1


def _dedup_id(key: tuple) -> int:
    """128-bit digest of (MN, CN, DataTime, PNO): ~100 bytes per remembered key instead of ~250 for the
    tuple.  A collision (two independent 64-bit hashes) could only hide a packet from the log; Parquet compaction
    deduplicates on the exact key regardless."""
    # two independent 64-bit hashes: the tuple's, and SipHash of the joined text
    return ((hash(key) & _M64) << 64) | (hash("\x1f".join(map(str, key))) & _M64)


def _mn_of(frame: bytes) -> str | None:
    """MN of a stored (already validated) frame without parsing it all."""
    i = 6 if frame.startswith(b"MN=", 6) else frame.find(b";MN=") + 1
    if i <= 0:
        return None
    j = frame.find(b";", i)
    return frame[i + 3:j].decode("utf-8", "replace") if j > 0 else None


def _safe_call(fn, *args) -> None:
    try:
        fn(*args)
    except Exception:
        log.exception("registry hook %r failed", fn)


def install_uvloop() -> bool:
    try:
        import uvloop  # optional; noticeably faster on many connections
    except ImportError:
        return False
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return True


def run(config: GatewayConfig, registry=None) -> int:
    install_uvloop()
    gw = Gateway(config, registry)

    async def main() -> None:
        import signal

        await gw.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        print(f"HJ 212 gateway listening on {config.host}:{gw.port}, data in {gw.root}", flush=True)
        await stop.wait()
        await gw.stop()

    asyncio.run(main())
    return 0
