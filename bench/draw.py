"""Benchmark: one 双随机 draw over 100,000 enterprises and 2,000 inspectors with recusals and the previous
draw's pairs (target < 2 s), then the checks the draw must pass. Pure algorithm (no database). Prints the wall
time, the process's CPU time and the load average (a loaded machine stretches the wall figure only).

    .venv/bin/python bench/draw.py [--enterprises N] [--inspectors M]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from envbureau.enforcement import drawing  # noqa: E402


def make_inputs(n_ent: int, n_insp: int, seed: str) -> drawing.DrawInputs:
    rng = np.random.default_rng(2026)
    ids = np.arange(1, n_ent + 1, dtype=np.int64)
    cls = rng.choice([0, 1, 2], size=n_ent, p=[0.10, 0.85, 0.05])
    inspectors = list(range(1, n_insp + 1))
    # five declared conflicts per inspector
    recusals = list(zip(np.repeat(inspectors, 5).tolist(), rng.choice(ids, size=n_insp * 5).tolist()))
    return drawing.DrawInputs(
        plan="bench", seed=seed,
        enterprises={"id": ids, "cls": cls, "positive": (rng.random(n_ent) < 0.05).astype(np.int64),
                     "cap_used": rng.choice([0, 1, 2], size=n_ent, p=[0.7, 0.2, 0.1]),
                     "cap_exempt": (rng.random(n_ent) < 0.01).astype(np.int64),
                     "excluded": (rng.random(n_ent) < 0.02).astype(np.int64)},
        inspectors=inspectors, recusals=recusals, previous=[],
        ratios={"key": 0.25, "general": 0.05, "special": 0.25}, positive_factor=0.5, team_size=2, yearly_cap=2)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument("--inspectors", type=int, default=2_000)
    a = ap.parse_args()
    prev_inp = make_inputs(a.enterprises, a.inspectors, "previous-quarter")
    prev = drawing.run(prev_inp)
    inp = make_inputs(a.enterprises, a.inspectors, "2026Q4-public-seed")
    inp.previous = [(i, e) for e, team in prev.pairs for i in team]
    t0, c0 = time.perf_counter(), time.process_time()
    r = drawing.run(inp)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    again = drawing.run(inp)
    rec = {(int(i), int(e)) for i, e in inp.recusals}
    prev_pairs = set(inp.previous)
    e = inp.enterprises
    at_cap = {int(x) for x, u, ex in zip(e["id"], e["cap_used"], e["cap_exempt"]) if u >= 2 and not ex}
    excluded = {int(x) for x, ex in zip(e["id"], e["excluded"]) if ex}
    checks = {
        "reproducible (same inputs, same pairs)": again.pairs == r.pairs and again.result_hash == r.result_hash,
        "teams of >= 2 distinct inspectors": all(len(set(t)) >= 2 for _e, t in r.pairs),
        "recusals honoured": all((i, eid) not in rec for eid, t in r.pairs for i in t),
        "no pair repeated from the previous draw": all((i, eid) not in prev_pairs for eid, t in r.pairs for i in t),
        "yearly cap respected": not any(eid in at_cap for eid, _t in r.pairs),
        "excluded enterprises not drawn": not any(eid in excluded for eid, _t in r.pairs),
        "each enterprise at most once": len({eid for eid, _t in r.pairs}) == len(r.pairs),
        "every rejection has its reason (recused or paired last time)": all(
            ((i, e) in rec) if k == "recused" else ((i, e) in prev_pairs) for e, i, k in r.rejections),
    }
    print(f"draw over {a.enterprises:,} enterprises × {a.inspectors:,} inspectors, {len(inp.recusals):,} recusals, "
          f"{len(inp.previous):,} previous pairs")
    print(f"drawn: {len(r.pairs):,} enterprises, capped: {len(r.capped):,}")
    print(f"time: {elapsed:.3f} s wall (target < 2 s: {'met' if elapsed < 2 else 'MISSED'}; ratio to target "
          f"{elapsed / 2:.2f}), {cpu:.3f} s CPU (user+sys of this process; {'met' if cpu < 2 else 'MISSED'}); "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores — on a shared box the wall figure is "
          f"mostly waiting for a core")
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL'}] {name}")
    return 0 if all(checks.values()) and elapsed < 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
