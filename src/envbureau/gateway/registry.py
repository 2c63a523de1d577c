"""Where the gateway learns which MNs are monitoring points, and whom it tells about stored data.

The gateway never imports Django.  The sources app plugs in by implementing :class:`Registry`
(duck typing is enough) and passing it with ``--registry module:factory`` (a zero-argument callable
returning the registry; the factory is the place to call ``django.setup()``).

What a Django implementation must provide
-----------------------------------------
``load_points() -> Iterable[PointInfo]``
    Every monitoring point with an MN, enabled or not.  Called in a worker thread at start and every
    ``refresh_seconds`` (default 30 s); the gateway answers from the last snapshot, so a slow database
    never stalls device connections.  An MN bound by an admin is picked up at the next refresh.
``on_stored(batch: list[StoredPacket]) -> None``
    Called in one worker thread, in log order, after the batch is durably in the packet log (and
    acknowledged).  Delivery is **at least once**: after a crash the gateway re-delivers from its
    persisted cursor, so the implementation must be idempotent on ``StoredPacket.key``
    (MN, CN, DataTime, PNO).  Typical use: upsert hourly (2061) and daily (2031) values into
    PointHourly/PointDaily, roll up real-time/minute values, evaluate alarms.  An exception is logged
    and the batch is retried after a pause (the cursor does not move past it).  When the hook falls
    far behind ingest, the gateway stops queueing frames in memory and later re-reads them from the
    packet log (same at-least-once contract); segments are not archived before the hook saw them.
    Set ``wants_stored = False`` on the registry to switch the hook off.
``on_start(reader: StoreReader) -> None``  (optional)
    Called once in the hook thread when the gateway starts, before any (re-)delivery: state a registry
    keeps only in memory (e.g. minute values accumulating into an hour) is rebuilt from what the store
    holds, with ``reader.packets(kind, since)`` (packets already delivered included).
``on_unknown_mn(mn: str, peer: str, frame: bytes) -> None``  (optional)
    A frame arrived from an MN with no point; the gateway has already recorded it in the rejected log
    and in ``gateway-stats``.  Use it to list unknown MNs for an admin to bind.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from envbureau.hj212 import codes
from envbureau.hj212.crc import HJ212


@dataclass(frozen=True, slots=True)
class PointInfo:
    """What the gateway needs to know about one monitoring point."""

    mn: str
    id: int | str
    enabled: bool = True
    #: when set, a frame's PW must equal it (most devices send the factory default 123456)
    password: str | None = None
    #: CRC dialects accepted from this MN; add "modbus" / "modbus-swapped" for known vendor dialects
    crc_dialects: frozenset[str] = frozenset({HJ212})
    #: accept a wrong length field when the CRC over the real segment matches
    lenient_length: bool = False
    name: str = ""


@dataclass(slots=True)
class StoredValue:
    factor: str  # normalised (2017) factor code
    code: str  # as received
    field: str  # Rtd, Avg, Min, Max, Cou, ZsAvg, …
    value: float
    flag: str | None  # data flag as received (N, F, M, S, D, C, T, B; 2005: P …)


@dataclass(slots=True)
class StoredPacket:
    point_id: int | str
    mn: str
    cn: str
    kind: str | None  # "rtd" | "minute" | "hour" | "day" | None (other commands)
    data_time: datetime | None  # aware, China time
    pno: int | None
    received_at: float  # epoch seconds
    values: list[StoredValue]
    params: dict[str, str]
    crc_dialect: str
    version: int
    position: tuple[int, int] = (0, 0)  # (segment, end offset) in the packet log

    @property
    def key(self) -> tuple[str, str, str | None, int | None]:
        dt = self.params.get("DataTime")
        return (self.mn, self.cn, dt, self.pno)


def stored_packet(packet, point_id, received_at: float, position=(0, 0)) -> StoredPacket:
    """Build the hook's view of a decoded :class:`envbureau.hj212.Packet`."""
    values = []
    for code, fields in packet.factors.items():
        flag = fields.get("Flag")
        norm = codes.normalise_factor(code)
        for name, text in fields.items():
            if name in codes.VALUE_FIELDS:
                try:
                    values.append(StoredValue(norm, code, name, float(text), flag))
                except ValueError:
                    pass
    try:
        dt = packet.data_time
    except ValueError:
        dt = None
    return StoredPacket(point_id=point_id, mn=packet.mn or "", cn=packet.cn or "", kind=packet.kind,
                        data_time=dt, pno=packet.pno, received_at=received_at, values=values,
                        params=dict(packet.params), crc_dialect=packet.crc_dialect, version=packet.version,
                        position=position)


class StoreReader:
    """The gateway's store (packet log and Parquet partitions) read back as :class:`StoredPacket` s, for
    a registry's ``on_start``.  Packets of MNs without a point are left out."""

    def __init__(self, root: Path, directory: PointDirectory):
        self.root = Path(root)
        self.directory = directory

    def packets(self, kind: str, since: datetime, until: datetime | None = None,
                fields: Iterable[str] | None = None) -> list[StoredPacket]:
        from datetime import timedelta

        from envbureau.hj212 import CHINA_TZ

        from .query import read_window

        until = until or datetime.now(CHINA_TZ) + timedelta(days=1)
        df = read_window(kind, since, until, fields=list(fields) if fields is not None else None, root=self.root)
        cn = {v: k for k, v in codes.DATA_KINDS.items()}[kind]
        out: list[StoredPacket] = []
        current = None
        for mn, ts, pno, code, factor, name, value, flag in df.iter_rows():
            key = (mn, ts, pno)
            if current is None or current[0] != key:
                point = self.directory.points.get(mn)
                if point is None:
                    current = (key, None)
                    continue
                at = ts.astimezone(CHINA_TZ)
                packet = StoredPacket(point_id=point.id, mn=mn, cn=cn, kind=kind, data_time=at, pno=pno,
                                      received_at=0.0, values=[], params={"DataTime": at.strftime("%Y%m%d%H%M%S")},
                                      crc_dialect=HJ212, version=codes.VERSION_2017)
                out.append(packet)
                current = (key, packet)
            elif current[1] is None:
                continue
            current[1].values.append(StoredValue(factor, code, name, value, flag))
        return out


@runtime_checkable
class Registry(Protocol):
    def load_points(self) -> Iterable[PointInfo]: ...

    def on_stored(self, batch: Sequence[StoredPacket]) -> None: ...


class BaseRegistry:
    """Convenience base: ``resolve`` over ``load_points``, no-op hooks."""

    #: the gateway skips building StoredPacket objects when this is False
    wants_stored = True

    def load_points(self) -> Iterable[PointInfo]:
        return ()

    def resolve(self, mn: str) -> PointInfo | None:
        for p in self.load_points():
            if p.mn == mn:
                return p
        return None

    def on_stored(self, batch: Sequence[StoredPacket]) -> None:
        pass

    def on_unknown_mn(self, mn: str, peer: str, frame: bytes) -> None:
        pass


class MemoryRegistry(BaseRegistry):
    """Points held in memory; records what the hooks receive (tests, simulator)."""

    def __init__(self, points: Iterable[PointInfo] = (), *, keep_stored: bool = True):
        self.points = {p.mn: p for p in points}
        self.keep_stored = keep_stored
        self.wants_stored = keep_stored
        self.stored: list[StoredPacket] = []
        self.unknown: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def add(self, point: PointInfo) -> None:
        self.points[point.mn] = point

    def load_points(self) -> Iterable[PointInfo]:
        return list(self.points.values())

    def resolve(self, mn: str) -> PointInfo | None:
        return self.points.get(mn)

    def on_stored(self, batch: Sequence[StoredPacket]) -> None:
        if self.keep_stored:
            with self._lock:
                self.stored.extend(batch)

    def on_unknown_mn(self, mn: str, peer: str, frame: bytes) -> None:
        with self._lock:
            self.unknown.append((mn, peer))


class OpenRegistry(MemoryRegistry):
    """Every MN is a point (id = MN) — for the simulator demo before the sources app is wired."""

    wants_stored = False

    def __init__(self, crc_dialects: Iterable[str] = (HJ212,)):
        super().__init__(keep_stored=False)
        self.crc_dialects = frozenset(crc_dialects)

    def resolve(self, mn: str) -> PointInfo | None:
        p = self.points.get(mn)
        if p is None and mn:
            p = self.points[mn] = PointInfo(mn=mn, id=mn, crc_dialects=self.crc_dialects)
        return p


class FileRegistry(MemoryRegistry):
    """Points from a JSON file, re-read when it changes::

        {"points": [{"mn": "…", "id": 1, "enabled": true, "password": null,
                     "crc_dialects": ["hj212", "modbus-swapped"], "lenient_length": false}]}
    """

    def __init__(self, path: str | os.PathLike):
        super().__init__(keep_stored=False)
        self.path = Path(path)
        self._mtime = None

    def load_points(self) -> Iterable[PointInfo]:
        mtime = self.path.stat().st_mtime_ns
        if mtime != self._mtime:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            points = {}
            for item in data.get("points", []):
                dialects = frozenset(item.get("crc_dialects") or [HJ212])
                points[item["mn"]] = PointInfo(mn=item["mn"], id=item.get("id", item["mn"]),
                                               enabled=item.get("enabled", True), password=item.get("password"),
                                               crc_dialects=dialects,
                                               lenient_length=bool(item.get("lenient_length", False)),
                                               name=item.get("name", ""))
            self.points = points
            self._mtime = mtime
        return list(self.points.values())


def load_registry(spec: str | None) -> BaseRegistry | Registry:
    """``open`` (default), ``file:PATH.json`` / ``PATH.json``, or ``package.module:factory``."""
    if not spec or spec == "open":
        return OpenRegistry()
    if spec.startswith("file:"):
        return FileRegistry(spec[5:])
    if spec.endswith(".json"):
        return FileRegistry(spec)
    module, _, attr = spec.partition(":")
    factory = getattr(importlib.import_module(module), attr or "get_registry")
    return factory()


@dataclass
class PointDirectory:
    """The gateway's snapshot of the registry: a dict lookup on the hot path."""

    registry: object
    points: dict[str, PointInfo] = field(default_factory=dict)

    def refresh(self) -> None:
        self.points = {p.mn: p for p in self.registry.load_points()}

    def resolve(self, mn: str | None) -> PointInfo | None:
        if not mn:
            return None
        p = self.points.get(mn)
        if p is None:
            resolve = getattr(self.registry, "resolve", None)
            if isinstance(self.registry, (OpenRegistry, MemoryRegistry)) and resolve is not None:
                p = resolve(mn)  # in-memory: cheap and safe on the event loop
                if p is not None:
                    self.points[mn] = p
        return p
