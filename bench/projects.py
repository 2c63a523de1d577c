"""Projects, funds and river outfalls at scale (issue 16): lists, map rows and statistics.

    .venv/bin/python bench/projects.py [--projects 5000] [--outfalls 10000] [--requests 20] [--keep DIR]
    DATABASE_URL=$(scripts/pg.sh) .venv/bin/python bench/projects.py      # PostgreSQL (a fresh database)

Loads generated data with bulk_create, then measures the server time of each page with Django's test client
(routing, middleware, scoping, queries, rendering) per user and prints wall and CPU p50/p95 (CPU = user+sys of
this process, time.process_time: on a shared box the wall figure is mostly waiting for a core) and CPU p95 ÷
target; target CPU p95 < 200 ms. The outfall map's rows are cached per version of the outfall table: the map is timed warm (repeat
requests) and cold (each request right after an edit of an outfall).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import login, p95, setup_django, timed_cpu  # noqa: E402

TARGET_MS = 200.0


def generate(n_projects: int, n_outfalls: int, seed: int = 16) -> float:
    import datetime as dt
    import random
    from decimal import Decimal

    from django.db import connection, transaction

    from envbureau.core.models import Jurisdiction, Unit
    from envbureau.projects.choices import Battle, FundLevel, OutfallType
    from envbureau.projects.models import BasinMilestone, Fund, Outfall, Project

    rng = random.Random(seed)
    t0 = time.perf_counter()
    juris = list(Jurisdiction.objects.exclude(level="city"))
    units = []
    for j in juris:
        u, _c = Unit.objects.get_or_create(code=f"bench-{j.code}", defaults={"name": f"{j.name}实施单位",
                                                                              "kind": "district", "jurisdiction": j})
        units.append(u)
    year = dt.date.today().year
    states = ["planned", "in_progress", "finished", "accepted", "evaluated", "cancelled"]
    weights = [15, 35, 20, 20, 8, 2]
    basins = ["北运河流域", "温榆河流域", "凉水河流域", "通惠河流域", "坝河流域", "清河流域"]
    o_states = ["suspected", "confirmed", "monitored", "traced", "rectifying", "closed_out", "dismissed"]
    o_weights = [30, 15, 15, 15, 10, 12, 3]
    with transaction.atomic():
        rows, funds = [], []
        for i in range(n_projects):
            k = rng.randrange(len(juris))
            start = dt.date(year - rng.choice([0, 0, 0, 1]), rng.randint(1, 12), rng.randint(1, 28))
            rows.append(Project(code=f"BX{i:06d}", name=f"基准工程项目{i}", battle=rng.choice(Battle.values),
                                year=start.year, jurisdiction=juris[k], owner_unit=units[k], planned_start=start,
                                planned_finish=start + dt.timedelta(days=rng.randint(60, 300)),
                                investment_planned=Decimal(rng.randint(10, 2000) * 10000),
                                investment_completed=Decimal(rng.randint(0, 10) * 10000),
                                state=rng.choices(states, weights)[0]))
        Project.objects.bulk_create(rows, batch_size=2000)
        for p in Project.objects.filter(code__startswith="BX").only("pk", "investment_planned")[: n_projects * 3 // 5]:
            alloc = p.investment_planned / 2
            funds.append(Fund(project=p, level=rng.choice(FundLevel.values), name="专项资金", requested=alloc,
                              approved=alloc, allocated=alloc, spent=(alloc * Decimal(rng.random())).quantize(
                                  Decimal("0.01")), state="allocated"))
        Fund.objects.bulk_create(funds, batch_size=2000)
        outs = []
        for i in range(n_outfalls):
            j = rng.choice(juris)
            outs.append(Outfall(code=f"BO{i:06d}", name=f"基准排口{i}", type1=rng.choice(OutfallType.values),
                                jurisdiction=j, longitude=116 + rng.random(), latitude=39.5 + rng.random(),
                                basin=rng.choice(basins), receiving_water="某河", target_class=rng.randint(3, 5),
                                state=rng.choices(o_states, o_weights)[0],
                                outcome=rng.choice(["ban", "merge", "regulate"])))
        for o in outs:
            if o.state not in ("rectifying", "closed_out"):
                o.outcome = ""
        Outfall.objects.bulk_create(outs, batch_size=2000)
        city = Jurisdiction.objects.get(code="110000")
        for b in basins:
            BasinMilestone.objects.get_or_create(basin=b, jurisdiction=city, due=dt.date(year, 12, 31))
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    from envbureau.projects.outfall_stats import outfalls_changed

    outfalls_changed()  # bulk_create sends no signals: renew the map's stamp as the platform's writers do
    return time.perf_counter() - t0


def pages(year: int) -> list[tuple[str, str]]:
    return [
        # A near-empty page: its time is the floor of this machine right now (load, Python, middleware).
        ("baseline: basin milestones (6 rows)", "/projects/basin-milestones/"),
        ("projects: list", "/projects/projects/"),
        ("projects: list year+battle+finished", f"/projects/projects/?year={year}&battle=air&stage=finished"),
        ("projects: statistics page", f"/projects/statistics/?year={year}"),
        ("projects: api statistics", f"/api/v1/projects/statistics/?year={year}"),
        ("projects: api list district", f"/api/v1/projects/projects/?jurisdiction=110105&year={year}"),
        ("funds: list", "/projects/funds/"),
        ("outfalls: list", "/projects/outfalls/"),
        ("outfalls: list basin+traced", "/projects/outfalls/?basin=北运河流域&stage=traced"),
        ("outfalls: statistics page", "/projects/outfalls/statistics/"),
        ("outfalls: api statistics", "/api/v1/projects/outfalls/statistics/"),
        ("outfalls: api map rows", "/api/v1/projects/outfalls/map/"),
        ("outfalls: api map rows, one basin", "/api/v1/projects/outfalls/map/?basin=温榆河流域"),
    ]




def cold_map(client, n: int) -> tuple[list[float], list[float]]:
    """The city-wide map rows when an outfall has just changed: each request follows an edit (outside the timing),
    so the cache cannot answer and the rows are read, encoded and stored again."""
    from envbureau.projects.models import Outfall

    o = Outfall.objects.order_by("code").first()
    wall, cpu = [], []
    for i in range(n):
        o.name = f"基准排口(编辑{i})"
        o.save(update_fields=["name"])  # the post_save signal renews the map's stamp
        w0, c0 = time.perf_counter(), time.process_time()
        r = client.get("/api/v1/projects/outfalls/map/")
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert r.status_code == 200
    return wall, cpu


def main(argv=None) -> int:
    import datetime as dt

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=5000)
    ap.add_argument("--outfalls", type=int, default=10000)
    ap.add_argument("--requests", type=int, default=20,
                    help="timed requests per page and user (20 keeps the default run under a minute)")
    ap.add_argument("--keep", help="data folder to keep (re-used on the next run: no regeneration)")
    args = ap.parse_args(argv)
    data_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="eb-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    setup_django(data_dir)
    from django.db import connection

    from envbureau.core.demo_core import load_core
    from envbureau.projects.models import Outfall, Project

    print(f"database: {connection.vendor}  data: {data_dir}")
    load_core(lambda m: None)
    if Project.objects.count() < args.projects:
        secs = generate(args.projects - Project.objects.count(), max(0, args.outfalls - Outfall.objects.count()))
        print(f"generated {args.projects:,} projects and {args.outfalls:,} outfalls in {secs:.1f} s")
    rows = []
    for username in ("admin", "dongcheng"):
        client = login(username)
        for label, url in pages(dt.date.today().year):
            rows.append((label, username, *timed_cpu(client, url, args.requests)))
        rows.append(("outfalls: api map rows, first after an edit (cold)", username,
                     *cold_map(client, args.requests)))
    import os
    import statistics

    print(f"\nprojects ({Project.objects.count():,} projects, {Outfall.objects.count():,} outfalls; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{'page':<58} {'user':<10} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>8} {'cpu p95':>8} {'cpu p95/target':>14}")
    ok = True
    for label, username, wall, cpu in rows:
        good = p95(cpu) < TARGET_MS
        ok &= good
        print(f"{label:<58} {username:<10} {statistics.median(wall):7.1f} {p95(wall):7.1f} "
              f"{statistics.median(cpu):8.1f} {p95(cpu):8.1f} {p95(cpu) / TARGET_MS:14.2f}{'' if good else '  SLOW'}")
    print(f"\n{'all pages under' if ok else 'SOME PAGES OVER'} {TARGET_MS:.0f} ms p95")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
