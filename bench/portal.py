"""Portal benchmark: server time of the public portal home (/public/) for anonymous visitors under 50
concurrent requests on the demo data; target p95 < 100 ms. Also /public/air/ and the open-data measurements.

    .venv/bin/python bench/portal.py [--concurrency 50] [--requests 400] [--keep DIR]

In process, like a server with --workers worker threads (default 4, as `envbureau serve` runs gunicorn
threads) taking 50 concurrent clients' requests from one queue (Django's test client; the cache shared as
the server's threads share it). Server time = from the moment a worker takes the request to its answer
(routing, middleware, cached figures, template); the clients' latency (queue wait included) is printed
beside it. The first request fills the cache (figures are kept 300 s); its time is printed apart.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_MS = 100.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--keep", help="data directory to keep/reuse")
    opts = ap.parse_args()
    from harness import setup_django

    data_dir = Path(opts.keep or tempfile.mkdtemp(prefix="eb-bench-portal-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    setup_django(data_dir)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from envbureau.core.audit import audit_context
    from envbureau.core.demo import run_all
    from envbureau.quality.models import CityDaily

    if not CityDaily.objects.exists():
        t0 = time.perf_counter()
        with audit_context("cli"):
            run_all(log=lambda m: None, light=True)
        print(f"loaded the demo (light) in {time.perf_counter() - t0:.0f} s")
    print(f"database: {connection.vendor}; {CityDaily.objects.count()} jurisdiction-days")

    def run(url: str) -> float:
        cache.clear()
        c = Client()
        t0 = time.perf_counter()
        assert c.get(url).status_code == 200
        cold = (time.perf_counter() - t0) * 1000

        import queue
        import threading

        jobs: queue.Queue = queue.Queue()
        server, latency = [], []
        lock = threading.Lock()

        def worker():
            client = Client()
            while True:
                item = jobs.get()
                if item is None:
                    return
                submitted, done = item
                t = time.perf_counter()
                r = client.get(url)
                end = time.perf_counter()
                assert r.status_code == 200, (url, r.status_code)
                with lock:
                    server.append((end - t) * 1000)
                    latency.append((end - submitted) * 1000)
                done.set()

        def visitor(n):  # one of the concurrent clients: sends its next request when the last one is answered
            for _ in range(n):
                done = threading.Event()
                jobs.put((time.perf_counter(), done))
                done.wait()

        workers = [threading.Thread(target=worker) for _ in range(opts.workers)]
        for w in workers:
            w.start()
        t0 = time.perf_counter()
        per = max(1, opts.requests // opts.concurrency)
        with ThreadPoolExecutor(max_workers=opts.concurrency) as pool:
            list(pool.map(visitor, [per] * opts.concurrency))
        wall = time.perf_counter() - t0
        for _ in workers:
            jobs.put(None)
        for w in workers:
            w.join()
        server.sort()
        latency.sort()

        def pct(xs, q):
            return xs[max(0, int(len(xs) * q) - 1)]

        p95 = pct(server, 0.95)
        print(f"{url:<62} cold {cold:7.1f} ms | server time p50 {statistics.median(server):6.1f} ms  p95 {p95:6.1f} ms"
              f"  max {server[-1]:6.1f} ms | {opts.concurrency} clients' latency p95 {pct(latency, 0.95):7.1f} ms"
              f"  ({len(server) / wall:.0f} req/s, {opts.workers} workers)")
        return p95

    p95 = run("/public/")
    run("/public/air/")
    run("/api/v1/public/data/measurements/?location=110000&parameter=pm25")
    ok = p95 < TARGET_MS
    print(f"portal home p95 {p95:.1f} ms, target < {TARGET_MS:.0f} ms: {'OK' if ok else 'MISSED'} "
          f"(ratio {p95 / TARGET_MS:.2f})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
