"""HJ 212 gateway benchmark: throughput, ack latency, storage size, year query.

    .venv/bin/python bench/gateway.py [--devices 1000] [--duration 8] [--rate 12000] [--latency-rate 2000]

Runs the gateway as a separate process on loopback (fsync on, as in production) and the simulated
devices in this process — on a 2-core machine they share the CPU.  Prints:
  * sustained packets/s stored and acknowledged with minute data (2051, 6 pollutants × Min/Avg/Max),
    and values/s (target ≥ 10,000 packets/s);
  * p50/p99 acknowledgement latency at a steady 2,000 packets/s (target p99 < 200 ms);
  * compaction speed and bytes on disk per stored value in Parquet, for the benchmark's own data
    (many short partitions) and for full point-days (target < 10 bytes);
  * time to read one point's year of minute data across 365 day partitions (target < 1 s);
  * p99 acknowledgement latency of valid devices while three connections flood garbage (20 MB of
    ``#`` each, reconnecting whenever the gateway closes them over their garbage budget; target < 200 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path

import numpy as np
import polars as pl

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

from envbureau.gateway.compact import SCHEMA, compact, partition_path, write_partition  # noqa: E402
from envbureau.gateway.query import downsample, read_series  # noqa: E402
from envbureau.gateway.server import install_uvloop  # noqa: E402
from envbureau.gateway.sim import Simulator  # noqa: E402
from envbureau.gateway.store import PacketLog, encode_record, iter_log  # noqa: E402
from envbureau.hj212 import CHINA_TZ  # noqa: E402


def start_gateway(data_dir: Path, *extra: str) -> tuple[subprocess.Popen, int]:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    proc = subprocess.Popen([sys.executable, "-m", "envbureau.gateway.cli", "gateway", "--host", "127.0.0.1",
                             "--port", "0", "--data-dir", str(data_dir), "--no-compact", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("gateway did not start")
        m = re.search(r"listening on [\d.]+:(\d+)", line)
        if m:
            return proc, int(m.group(1))


def stop_gateway(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)


def doc_rejected(data_dir: Path) -> dict:
    return json.loads((data_dir / "online" / "stats.json").read_text())["since_start"]["rejected"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to state cost per packet independent of
    whatever else runs on the machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def gateway_counters(data_dir: Path) -> dict:
    doc = json.loads((data_dir / "online" / "stats.json").read_text())
    return doc["since_start"]["counters"]


def phase(port: int, devices: int, rate: float, duration: float, prefix: str) -> dict:
    sim = Simulator(port=port, devices=devices, rate=rate, duration=duration, kind="minute", mn_prefix=prefix,
                    realistic=False, ack_timeout=30.0)
    res = asyncio.run(sim.run(prebuild=int(rate * duration / devices) + 2))
    return res.summary()


FLOOD_SCRIPT = """
import socket, sys, threading, time
port, total, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
chunk = b"#" * 65536
sent = [0, 0, 0]
def flood(i):
    end = time.monotonic() + seconds
    while sent[i] < total and time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port)) as s:
                while sent[i] < total and time.monotonic() < end:
                    s.sendall(chunk)
                    sent[i] += len(chunk)
        except OSError:
            continue  # closed over its garbage budget: connect again, as an attacker would
ts = [threading.Thread(target=flood, args=(i,)) for i in range(3)]
[t.start() for t in ts]
[t.join() for t in ts]
print(sum(sent))
"""


def flood_phase(port: int, devices: int, rate: float, duration: float) -> tuple[dict, int]:
    """Valid devices at ``rate`` while three garbage connections flood (in another process, so their
    sending does not slow the load generator that measures the answers)."""
    env = dict(os.environ, PYTHONPATH=str(SRC))
    flooder = subprocess.Popen([sys.executable, "-c", FLOOD_SCRIPT, str(port), str(20 << 20), str(duration + 1)],
                               stdout=subprocess.PIPE, text=True, env=env)
    time.sleep(0.3)  # the flood is on before the first valid packet
    try:
        res = phase(port, devices, rate, duration, "FLD")
    finally:
        out, _ = flooder.communicate(timeout=duration + 30)
    return res, int(out.strip() or 0)


def year_query(tmp: Path) -> tuple[float, int, float]:
    """Write a year of minute data for one point (6 factors × 3 fields) as 365 day partitions; time a read."""
    root = tmp / "year" / "online"
    rng = np.random.default_rng(1)
    start = datetime(2025, 1, 1, tzinfo=CHINA_TZ)
    factors = ["a21026", "a21002", "a34013", "a19001", "a01012", "a00000"]
    fields = ["Min", "Avg", "Max"]
    per_min = len(factors) * len(fields)
    total_bytes = 0
    for day in range(365):
        t0 = int((start + timedelta(days=day)).timestamp() * 1000)
        ts = np.repeat(t0 + np.arange(1440, dtype=np.int64) * 60_000, per_min)
        n = ts.size
        df = pl.DataFrame({
            "ts": ts, "pno": pl.Series([None] * n, dtype=pl.Int16),
            "code": np.tile(np.repeat(factors, len(fields)), 1440), "factor": np.tile(np.repeat(factors, len(fields)), 1440),
            "field": np.tile(fields, 1440 * len(factors)), "mant": rng.integers(500, 9000, n),
            "exp": np.full(n, -2, dtype=np.int8), "flag": np.full(n, "N"),
        }, schema={**SCHEMA, "ts": pl.Int64}).with_columns(pl.col("ts").cast(pl.Datetime("ms", "UTC")))
        path = partition_path(root, "minute", (start + timedelta(days=day)).date().isoformat(), "YEAR1")
        write_partition(path, df, sync=False)
        total_bytes += path.stat().st_size
    t = time.perf_counter()
    s = read_series("YEAR1", "minute", start, start + timedelta(days=365), fields=["Avg"], root=root)
    elapsed = time.perf_counter() - t
    t = time.perf_counter()
    one = read_series("YEAR1", "minute", start, start + timedelta(days=365), factors=["a21026"], fields=["Avg"],
                      root=root)
    buckets = downsample(one, "1h")
    chart = time.perf_counter() - t
    return elapsed, s.height, total_bytes / (365 * 1440 * per_min), chart, buckets.height


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--devices", type=int, default=1000)
    ap.add_argument("--duration", type=float, default=6.0)
    ap.add_argument("--rate", type=float, default=12000, help="offered packets/s for the throughput phase")
    ap.add_argument("--latency-rate", type=float, default=2000)
    ap.add_argument("--flood-devices", type=int, default=20)
    ap.add_argument("--flood-rate", type=float, default=200, help="valid packets/s during the garbage flood")
    ap.add_argument("--compact-sample", type=int, default=20000, help="packets compacted to time compaction")
    ap.add_argument("--keep", action="store_true", help="keep the data folder")
    args = ap.parse_args()
    uv = install_uvloop()
    tmp = Path(tempfile.mkdtemp(prefix="envbureau-bench-"))
    data = tmp / "data"
    print(f"data in {tmp}; {os.cpu_count()} CPUs; uvloop {'on' if uv else 'off'} (load generator)")
    t_all = time.perf_counter()

    load_before = os.getloadavg()[0]
    proc, port = start_gateway(data)
    try:
        cpu0 = cpu_seconds(proc.pid)
        thr = phase(port, args.devices, args.rate, args.duration, "THR")
        time.sleep(1.2)
        cpu1 = cpu_seconds(proc.pid)
        c1 = gateway_counters(data)
        lat = phase(port, args.devices, args.latency_rate, args.duration, "LAT")
        time.sleep(1.2)
        c2 = gateway_counters(data)
        fld, _ = flood_phase(port, args.flood_devices, args.flood_rate, args.duration)
        time.sleep(1.2)
        c3 = gateway_counters(data)
    finally:
        stop_gateway(proc)
    load_after = os.getloadavg()[0]
    values_per_packet = 18
    print(f"\n[throughput] {args.devices} devices, offered {args.rate:.0f} pkt/s for {args.duration:.0f} s")
    print(f"  sent {thr['sent']}  acknowledged {thr['acked']}  gateway stored {c1.get('stored', 0)}"
          f" in {c1.get('commits', 0)} group commits")
    print(f"  sustained: {thr['acked_per_s']:.0f} packets/s stored+acknowledged = "
          f"{thr['acked_per_s'] * values_per_packet:.0f} values/s   (target >= 10000 pkt/s: "
          f"{thr['acked_per_s'] / 10000:.2f}x)")
    print(f"  ack latency under this load: p50 {thr['p50_ms']} ms, p99 {thr['p99_ms']} ms")
    per_packet = (cpu1 - cpu0) / max(c1.get("stored", 1), 1)
    print(f"  gateway CPU: {per_packet * 1e6:.0f} µs per packet (decode, dedup, log write + fsync, answer)"
          f" = {1 / per_packet:.0f} packets/s per dedicated core")
    print(f"  machine load average: {load_before:.1f} before, {load_after:.1f} after the two phases"
          f" (other work on this 2-core box competes with both gateway and load generator)")
    print(f"\n[latency] {args.devices} devices at {args.latency_rate:.0f} pkt/s for {args.duration:.0f} s")
    print(f"  sent {lat['sent']} acknowledged {lat['acked']}  p50 {lat['p50_ms']} ms  p99 {lat['p99_ms']} ms"
          f"  max {lat['max_ms']} ms   (target p99 < 200 ms: {(lat['p99_ms'] or 0) / 200:.2f} of the budget)")
    print(f"  gateway stored {c2.get('stored', 0) - c1.get('stored', 0)}, duplicates {c2.get('duplicates', 0)}")

    print(f"\n[flood] 3 connections flooding '#' (reconnecting when closed) while {args.flood_devices}"
          f" valid devices send {args.flood_rate:.0f} pkt/s for {args.duration:.0f} s")
    print(f"  default garbage budget: valid sent {fld['sent']} acknowledged {fld['acked']}  p50 {fld['p50_ms']} ms"
          f"  p99 {fld['p99_ms']} ms  max {fld['max_ms']} ms   (target p99 < 200 ms: "
          f"{(fld['p99_ms'] or 0) / 200:.2f} of the budget)")
    print(f"    gateway read {(c3.get('garbage_bytes', 0) - c2.get('garbage_bytes', 0)) / 1e6:.1f} MB of garbage, closed "
          f"{c3.get('garbage_closed', 0) - c2.get('garbage_closed', 0)} flooding connections over the budget")
    # the bulk resynchronisation alone, without the budget: every flooder gets its 20 MB read
    proc, port = start_gateway(tmp / "nobudget", "--garbage-budget", str(1 << 40))
    try:
        fld2, _ = flood_phase(port, args.flood_devices, args.flood_rate, args.duration)
        time.sleep(1.2)
        c4 = gateway_counters(tmp / "nobudget")
    finally:
        stop_gateway(proc)
    print(f"  no budget (flooders never closed): valid sent {fld2['sent']} acknowledged {fld2['acked']}  p50 "
          f"{fld2['p50_ms']} ms  p99 {fld2['p99_ms']} ms  max {fld2['max_ms']} ms   (target p99 < 200 ms: "
          f"{(fld2['p99_ms'] or 0) / 200:.2f} of the budget)")
    print(f"    gateway read {c4.get('garbage_bytes', 0) / 1e6:.1f} MB of garbage as "
          f"{sum(doc_rejected(tmp / 'nobudget').values())} framing errors; event-loop lag max "
          f"{c4.get('loop_lag_max_ms', 0)} ms (before the fix: one error object per 2 bytes, 94 s for 20 MB)")

    src_root = data / "online"
    log_bytes = sum(p.stat().st_size for p in (src_root / "log").glob("*.seg"))
    stored = sum(1 for _ in iter_log(src_root))
    # compaction speed on a sample of what the gateway stored (all of it would take most of a minute)
    root = tmp / "sample" / "online"
    sample = PacketLog(root)
    sample.open()
    frames = [f for _, _, _, f in islice(iter_log(src_root), args.compact_sample)]
    sample.append_and_sync(b"".join(encode_record(time.time(), f) for f in frames))
    sample.close()
    t = time.perf_counter()
    done = compact(root, below=1 << 62)
    ct = time.perf_counter() - t
    values = sum(d["values"] for d in done)
    packets = sum(d["packets"] for d in done)
    pq = sum(p.stat().st_size for p in (root / "parquet").glob("*/day=*/*.parquet"))
    nfiles = len(list((root / "parquet").glob("*/day=*/*.parquet")))
    print(f"\n[storage] packet log {log_bytes / max(stored, 1):.0f} bytes/packet raw")
    print(f"  compaction: {packets} packets, {values} values in {ct:.1f} s = {values / ct:.0f} values/s (one process, fsync per partition file)")
    print(f"  Parquet, this sample ({nfiles} partitions of only ~{values // max(nfiles, 1)} values each, so the "
          f"file footers weigh): {pq / max(values, 1):.2f} bytes/value")
    q_time, q_rows, year_bpv, chart_time, chart_n = year_query(tmp)
    print(f"  Parquet, full point-days (365 × 1440 minutes × 18 values): {year_bpv:.2f} bytes/value"
          f"   (target < 10: {year_bpv / 10:.2f} of the budget)")
    print(f"\n[query] one point, one year of minute data, Avg of 6 factors: {q_rows} values in {q_time:.2f} s"
          f"   (target < 1 s: {q_time:.2f} of the budget)")
    print(f"  one factor's year as an hourly chart (read + downsample): {chart_n} buckets in {chart_time:.2f} s")
    print(f"\ntotal {time.perf_counter() - t_all:.0f} s")
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
