"""Reassembly of split uploads (Flag D bit, PNUM/PNO).  Pure: the caller passes the clock.

A long message comes as PNUM frames, each with its own QN, the same MN/CN/DataTime and PNO=1..PNUM.
Parts may arrive in any order and some may never arrive: after ``timeout`` seconds the group is
released as incomplete (``missing`` lists the absent PNOs) rather than dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .codec import Packet


@dataclass
class Assembled:
    mn: str | None
    cn: str | None
    data_time: str | None
    pnum: int
    parts: dict[int, Packet] = field(default_factory=dict)
    first_seen: float = 0.0

    @property
    def complete(self) -> bool:
        return len(self.parts) >= self.pnum

    @property
    def missing(self) -> list[int]:
        return [i for i in range(1, self.pnum + 1) if i not in self.parts]

    @property
    def params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for pno in sorted(self.parts):
            for k, v in self.parts[pno].params.items():
                out.setdefault(k, v)
        return out

    @property
    def factors(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for pno in sorted(self.parts):
            for code, fields in self.parts[pno].factors.items():
                target = out.setdefault(code, {})
                for name, value in fields.items():
                    target.setdefault(name, value)
        return out


class SplitAssembler:
    def __init__(self, timeout: float = 60.0, max_groups: int = 100_000):
        self.timeout = timeout
        self.max_groups = max_groups
        self._groups: dict[tuple, Assembled] = {}

    def add(self, packet: Packet, now: float) -> Assembled | None:
        """Returns the whole message once every part is in (a non-split packet: at once)."""
        if not packet.is_split or not packet.pnum or packet.pnum <= 1:
            a = Assembled(packet.mn, packet.cn, packet.data_time_text, 1, {1: packet}, now)
            return a
        key = (packet.mn, packet.cn, packet.data_time_text, packet.pnum)
        group = self._groups.get(key)
        if group is None:
            if len(self._groups) >= self.max_groups:
                return None  # bounded memory; the caller still stores every part as received
            group = self._groups[key] = Assembled(packet.mn, packet.cn, key[2], packet.pnum, {}, now)
        group.parts.setdefault(packet.pno or 0, packet)
        if group.complete:
            del self._groups[key]
            return group
        return None

    def expire(self, now: float) -> list[Assembled]:
        """Release groups older than the timeout as they are (incomplete)."""
        old = [k for k, g in self._groups.items() if now - g.first_seen >= self.timeout]
        return [self._groups.pop(k) for k in old]

    def __len__(self) -> int:
        return len(self._groups)
