"""The 双随机 draw as a pure, versioned algorithm (no Django): anyone holding a draw's published inputs
can re-run it with `python -m envbureau.enforcement.drawing INPUTS.json` and compare the pairs.

Algorithm "eb-draw" version 1 (README of the app, "How to check a draw"):
1. seed64 = first 8 bytes (big-endian) of SHA-256("eb-draw-v1|<plan>|<seed>").
2. key(stream, id) = splitmix64(seed64 XOR (stream * 0x9E3779B97F4A7C15) XOR (id * 0xD1B54A32D192ED03)),
   all arithmetic modulo 2**64. Stream 1 orders enterprises, stream 2 orders inspectors.
3. Enterprises: drop `excluded`; drop those at the yearly cap (routine checks this year >= cap) unless
   `cap_exempt`. Strata = class × positive list. A stratum of N enterprises (counted before the cap)
   draws n = ceil(N × ratio[class] × (positive_factor if positive else 1)) — but never more than are
   eligible; eligible enterprises are taken in ascending key order.
4. Drawn enterprises are staffed in ascending key order from one ring of inspectors in ascending
   stream-2 key order; a pointer walks the ring, taking the next `team_size` inspectors who are neither
   recused from the enterprise nor paired with it in the previous draw; a skipped inspector keeps its
   place for the next enterprise. If the ring has no such team, the draw fails naming the enterprise
   and the numbers behind it, and nothing is drawn. Every inspector passed over is returned with its reason
   (recused, or paired with the enterprise last time): the draw's rejections.

The seed is committed before the draw (its SHA-256 published with the time); the draw accepts only a seed with
that hash, and the seed is published after the visits. Recusals include those derived from recent postings:
they are part of `recusals`, hence of the inspector-pool hash.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

import numpy as np

ALGORITHM = "eb-draw"
VERSION = "1"
CLASSES = ("key", "general", "special")
_M64 = (1 << 64) - 1
_G1 = np.uint64(0x9E3779B97F4A7C15)
_G2 = np.uint64(0xD1B54A32D192ED03)


class Unsatisfiable(Exception):
    """The draw cannot be made; `reasons` says exactly why (nothing was drawn)."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class DrawInputs:
    plan: str
    seed: str
    enterprises: dict  # column arrays: id, cls (0 key, 1 general, 2 special), positive, cap_used, cap_exempt, excluded
    inspectors: list  # ids of certified, active inspectors
    recusals: list  # [inspector_id, enterprise_id]
    previous: list  # [inspector_id, enterprise_id] of the previous draw
    ratios: dict  # {"key": 0.25, "general": 0.05, "special": 0.25}
    positive_factor: float = 0.5
    team_size: int = 2
    yearly_cap: int = 2
    names: dict = field(default_factory=dict)  # optional {enterprise_id: name} for messages

    def to_json(self) -> dict:
        e = self.enterprises
        return {"algorithm": ALGORITHM, "version": VERSION, "plan": self.plan, "seed": self.seed,
                "enterprises": {k: [int(v) for v in np.asarray(e[k])] for k in ENTERPRISE_COLUMNS},
                "inspectors": sorted(int(i) for i in self.inspectors),
                "recusals": sorted([int(a), int(b)] for a, b in self.recusals),
                "previous": sorted([int(a), int(b)] for a, b in self.previous),
                "ratios": {k: float(self.ratios.get(k, 0)) for k in CLASSES},
                "positive_factor": float(self.positive_factor), "team_size": int(self.team_size),
                "yearly_cap": int(self.yearly_cap)}

    @classmethod
    def from_json(cls, d: dict) -> DrawInputs:
        return cls(plan=str(d["plan"]), seed=str(d["seed"]),
                   enterprises={k: np.asarray(d["enterprises"][k], dtype=np.int64) for k in ENTERPRISE_COLUMNS},
                   inspectors=list(d["inspectors"]), recusals=[tuple(p) for p in d["recusals"]],
                   previous=[tuple(p) for p in d["previous"]], ratios=dict(d["ratios"]),
                   positive_factor=float(d["positive_factor"]), team_size=int(d["team_size"]),
                   yearly_cap=int(d["yearly_cap"]))


ENTERPRISE_COLUMNS = ("id", "cls", "positive", "cap_used", "cap_exempt", "excluded")


def _sha(lines) -> str:
    """SHA-256 of the lines, each ended by a newline (UTF-8)."""
    text = "".join(f"{line}\n" for line in lines)
    return hashlib.sha256(text.encode()).hexdigest()


def enterprise_pool_hash(enterprises: dict) -> str:
    """SHA-256 over one line per enterprise, sorted by id: id|class|positive|cap_used|cap_exempt|excluded."""
    cols = [np.asarray(enterprises[k], dtype=np.int64) for k in ENTERPRISE_COLUMNS]
    order = np.argsort(cols[0], kind="stable")
    lines = map("{}|{}|{}|{}|{}|{}".format, *(c[order].tolist() for c in cols))
    return _sha(lines)


def inspector_pool_hash(inspectors, recusals) -> str:
    """SHA-256 over the sorted inspector ids, then "R|inspector|enterprise" per recusal, sorted."""
    lines = [str(i) for i in sorted(int(i) for i in inspectors)]
    lines += [f"R|{a}|{b}" for a, b in sorted((int(a), int(b)) for a, b in recusals)]
    return _sha(lines)


def seed64(plan: str, seed: str) -> np.uint64:
    digest = hashlib.sha256(f"{ALGORITHM}-v{VERSION}|{plan}|{seed}".encode()).digest()
    return np.uint64(int.from_bytes(digest[:8], "big"))


def splitmix64(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def keys(s64: np.uint64, stream: int, ids) -> np.ndarray:
    ids = np.asarray(ids, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        return splitmix64(s64 ^ (np.uint64(stream) * _G1) ^ (ids * _G2))


@dataclass
class DrawResult:
    pairs: list  # [(enterprise_id, [inspector ids])] in draw order
    counts: dict  # per stratum: pool, wanted, drawn, capped
    capped: list  # enterprise ids skipped for the yearly cap
    enterprise_hash: str
    inspector_hash: str
    # (enterprise, inspector, "recused" | "previous"): every inspector the walk passed over, and why
    rejections: list = field(default_factory=list)

    @property
    def result_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.pairs, separators=(",", ":")).encode()).hexdigest()


def run(inp: DrawInputs) -> DrawResult:
    e = {k: np.asarray(inp.enterprises[k], dtype=np.int64) for k in ENTERPRISE_COLUMNS}
    s64 = seed64(inp.plan, inp.seed)
    team = int(inp.team_size)
    if team < 2:
        raise Unsatisfiable(["执法检查组至少需要2名执法人员(行政处罚法第四十二条)"])
    inspectors = np.unique(np.asarray(inp.inspectors, dtype=np.int64))
    live = e["excluded"] == 0
    at_cap = (e["cap_used"] >= int(inp.yearly_cap)) & (e["cap_exempt"] == 0)
    ekeys = keys(s64, 1, e["id"])
    chosen_idx, counts, capped = [], {}, []
    for ci, cname in enumerate(CLASSES):
        for pos in (0, 1):
            stratum = live & (e["cls"] == ci) & ((e["positive"] != 0) == bool(pos))
            n_pool = int(stratum.sum())
            ratio = float(inp.ratios.get(cname, 0)) * (float(inp.positive_factor) if pos else 1.0)
            wanted = math.ceil(round(n_pool * ratio, 9)) if n_pool and ratio > 0 else 0
            elig = np.flatnonzero(stratum & ~at_cap)
            capped.extend(int(x) for x in e["id"][stratum & at_cap])
            take = elig[np.argsort(ekeys[elig], kind="stable")[:wanted]]
            chosen_idx.append(take)
            counts[f"{cname}{'_positive' if pos else ''}"] = {
                "pool": n_pool, "wanted": wanted, "drawn": int(len(take)), "capped": int((stratum & at_cap).sum())}
    idx = np.concatenate(chosen_idx) if chosen_idx else np.zeros(0, dtype=np.int64)
    idx = idx[np.argsort(ekeys[idx], kind="stable")]
    drawn_ids = e["id"][idx].tolist()
    e_hash = enterprise_pool_hash(e)
    i_hash = inspector_pool_hash(inspectors.tolist(), inp.recusals)
    if not drawn_ids:
        return DrawResult([], counts, sorted(capped), e_hash, i_hash, [])
    if len(inspectors) < team:
        raise Unsatisfiable([f"执法人员名录库只有{len(inspectors)}名持证执法人员,每组至少需要{team}名"])
    ring = inspectors[np.argsort(keys(s64, 2, inspectors), kind="stable")].tolist()
    conflict: dict[int, set] = {}
    recused: dict[int, set] = {}
    for a, b in inp.recusals:
        conflict.setdefault(int(b), set()).add(int(a))
        recused.setdefault(int(b), set()).add(int(a))
    repeated: dict[int, set] = {}
    for a, b in inp.previous:
        conflict.setdefault(int(b), set()).add(int(a))
        repeated.setdefault(int(b), set()).add(int(a))
    n_ring, ptr, pairs, reasons, rejections = len(ring), 0, [], [], []
    for eid in drawn_ids:
        bad = conflict.get(eid, ())
        members, skipped, looked = [], [], 0
        p = ptr
        while len(members) < team and looked < n_ring:
            iid = ring[p]
            (skipped if iid in bad else members).append(iid)
            p = (p + 1) % n_ring
            looked += 1
        if len(members) < team:
            name = inp.names.get(eid) or inp.names.get(str(eid)) or str(eid)
            reasons.append(f"企业“{name}”(ID {eid}):名录库{n_ring}名执法人员中,{len(recused.get(eid, ()))}名须回避、"
                           f"{len(repeated.get(eid, set()) - recused.get(eid, set()))}名上次已检查该企业,"
                           f"剩余{n_ring - len(set(bad) & set(ring))}名,不足每组{team}名")
            continue
        # Skipped inspectors keep their place: the pointer moves only past the first member taken
        # when nobody was skipped, else it stays at the first skipped inspector.
        ptr = p if not skipped else ring.index(skipped[0])
        pairs.append((int(eid), sorted(members)))
        rejections.extend((int(eid), int(i), "recused" if i in recused.get(eid, ()) else "previous") for i in skipped)
    if reasons:
        raise Unsatisfiable(reasons)
    return DrawResult(pairs, counts, sorted(capped), e_hash, i_hash, rejections)


def run_json(data: dict) -> dict:
    r = run(DrawInputs.from_json(data))
    return {"pairs": [[e, m] for e, m in r.pairs], "result_hash": r.result_hash,
            "enterprise_pool_hash": r.enterprise_hash, "inspector_pool_hash": r.inspector_hash, "counts": r.counts}


if __name__ == "__main__":  # pragma: no cover - the documented procedure for outsiders
    import sys

    with open(sys.argv[1], encoding="utf-8") as fh:
        print(json.dumps(run_json(json.load(fh)), ensure_ascii=False, indent=1))
