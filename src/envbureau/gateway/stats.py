"""Gateway figures for ``gateway-stats`` and the admin page: counters since start, totals across
restarts (the gateway persists them in ``online/stats.json`` every second; the ``stored`` total is
rebuilt from the packet log at each start, so a crash never leaves it short) and storage totals.

    from envbureau.gateway.stats import read_stats
    doc = read_stats()            # same dict as `envbureau gateway-stats --json`
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from .store import online_dir

#: counters shown first, in this order
MAIN_COUNTERS = ("received", "stored", "acknowledged", "duplicates", "connections_opened", "idle_closed",
                 "garbage_bytes", "garbage_closed", "frames_repeating_fields", "repeated_fields",
                 "data_fields_under_non_data_cn")


def storage_totals(root: Path, count_values: bool = False) -> dict:
    def size(paths):
        n = b = 0
        for p in paths:
            try:
                b += p.stat().st_size
                n += 1
            except FileNotFoundError:
                pass
        return n, b

    log_n, log_b = size((root / "log").glob("*.seg"))
    pq_n, pq_b = size((root / "parquet").glob("*/day=*/*.parquet"))
    raw_n, raw_b = size((root / "raw").glob("*/*.seg.gz"))
    out = {"log_segments": log_n, "log_bytes": log_b, "parquet_files": pq_n, "parquet_bytes": pq_b,
           "raw_archives": raw_n, "raw_archive_bytes": raw_b}
    rejected = 0
    for f in (root / "rejected").glob("*.jsonl"):
        with open(f, "rb") as fh:
            rejected += sum(1 for _ in fh)
    out["rejected_records"] = rejected
    if count_values and pq_n:
        import duckdb

        glob = str(root / "parquet" / "*" / "day=*" / "*.parquet")
        out["stored_values"] = duckdb.sql(f"select count(*) from read_parquet('{glob}')").fetchall()[0][0]
        out["bytes_per_value"] = round(pq_b / out["stored_values"], 2) if out["stored_values"] else None
    return out


def _alive(pid) -> bool:
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
        return True
    except (OSError, ValueError):
        return False


def read_stats(data_dir: str | os.PathLike | None = None, count_values: bool = False) -> dict:
    root = online_dir(data_dir)
    try:
        doc = json.loads((root / "stats.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        doc = {}
    doc["running"] = bool(doc) and time.time() - doc.get("updated_at", 0) < 5 and _alive(doc.get("pid"))
    if not doc["running"]:
        doc["connections_open"] = 0
    doc["storage"] = storage_totals(root, count_values)
    return doc


def format_stats(doc: dict) -> str:
    since = doc.get("since_start", {})
    totals = doc.get("totals", {})
    lines = [f"gateway {'running' if doc.get('running') else 'not running'}"
             + (f" (pid {doc.get('pid')}, port {doc.get('port')})" if doc.get("running") else ""),
             f"connections open: {doc.get('connections_open', 0)}",
             f"{'':30}{'since start':>14}{'total':>14}"]
    for k in MAIN_COUNTERS:
        lines.append(f"{k:30}{since.get('counters', {}).get(k, 0):>14}{totals.get('counters', {}).get(k, 0):>14}")
    for r in sorted(set(since.get("rejected", {})) | set(totals.get("rejected", {}))):
        lines.append(f"{'rejected ' + r:30}{since.get('rejected', {}).get(r, 0):>14}"
                     f"{totals.get('rejected', {}).get(r, 0):>14}")
    for k, v in doc.get("storage", {}).items():
        lines.append(f"{k:30}{v:>14}")
    by_mn = (doc.get("repeated_fields") or {}).get("by_mn") or {}
    if by_mn:
        worst = sorted(((n, mn, key) for mn, keys in by_mn.items() for key, n in keys.items()), reverse=True)[:20]
        lines.append("repeated keys (the FIRST value is stored, later ones ignored): "
                     + ", ".join(f"{mn} {key} +{n}" for n, mn, key in worst))
    if doc.get("data_fields_under_cn"):
        lines.append("pollutant values under a non-data CN (stored in the log, not as data): "
                     + ", ".join(f"CN {cn} ×{n}" for cn, n in sorted(doc["data_fields_under_cn"].items())))
    if doc.get("unknown_mns"):
        lines.append("unknown MNs: " + ", ".join(f"{mn} ({i['count']})"
                                                 for mn, i in list(doc["unknown_mns"].items())[:20]))
    return "\n".join(lines)
