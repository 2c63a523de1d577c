"""Closed-loop benchmark: list pages with filters and statistics pages at scale (issue 5).

    .venv/bin/python bench/ledger.py [--problems 100000] [--requests 40] [--keep DIR] [--only ledger]
    DATABASE_URL=$(scripts/pg.sh) .venv/bin/python bench/ledger.py      # PostgreSQL (a fresh database is used)

Loads generated data with bulk_create, then measures the server time of each page with Django's test
client (in process: URL routing, middleware, scoping, queries, template/serializer rendering) and
prints p50/p95/max per page and user; target p95 < 200 ms. One function per app: `bench_ledger`
(100,000 problems) here, `bench_complaints` (1,000,000 complaints) is added by the complaints app.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

TARGET_MS = 200.0


# ---- shared harness (bench/harness.py) ----------------------------------------------------------

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import login, p95, setup_django, timed_requests  # noqa: E402,F401
from harness import report as _report  # noqa: E402


def report(title: str, rows) -> bool:
    return _report(title, rows, TARGET_MS)


# ---- ledger ------------------------------------------------------------------------------------

def generate_problems(n: int, seed: int = 5) -> float:
    """Bulk-create n problems spread over Beijing's districts and streets, sources, batches and states."""
    import datetime as dt
    import random

    from django.db import transaction

    from envbureau.core.models import Jurisdiction
    from envbureau.ledger.choices import Category, Source, State
    from envbureau.ledger.models import Problem

    rng = random.Random(seed)
    juris = list(Jurisdiction.objects.exclude(level="city").values_list("pk", flat=True))
    sources, categories, states = Source.values, Category.values, State.values
    weights = [8, 6, 20, 6, 4, 6, 20, 30]  # most problems are in rectification or already closed out
    batches = [f"中央第{k}生态环境保护督察组 第{b}批" for k in "一二三四五" for b in range(1, 21)] + [""] * 20
    titles = ["餐饮油烟扰民", "工地扬尘污染", "夜间施工噪声", "河道黑臭水体", "企业废气异味", "危险废物违规贮存",
              "养殖废水直排", "建筑垃圾乱倒", "加油站油气回收不正常", "锅炉氮氧化物超标", "湿地违规占用", "辐射安全管理不规范"]
    units = ["区生态环境局", "区城市管理委员会", "区水务局", "区住房和城乡建设委员会", "街道办事处", "乡镇人民政府"]
    start = dt.date(2022, 1, 1)
    t0 = time.perf_counter()
    existing = Problem.objects.count()
    rows = []
    with transaction.atomic():
        for i in range(existing, existing + n):
            received = start + dt.timedelta(days=rng.randrange(0, 1780))
            state = rng.choices(states, weights)[0]
            closed = state in ("closed_out", "noticed")
            rows.append(Problem(
                code=f"B{i:07d}", source=rng.choice(sources), batch=rng.choice(batches),
                category=rng.choice(categories), title=f"{rng.choice(titles)}({i})",
                description="基准测试生成的问题描述" * 3, location="北京市某区某街道",
                jurisdiction_id=rng.choice(juris), responsible_units=rng.sample(units, 2),
                responsible_person="张三", responsible_phone="13800000000",
                received_on=received, deadline=received + dt.timedelta(days=rng.choice([30, 90, 180, 365])),
                long_term=rng.random() < 0.05, state=state,
                closed_out_at=dt.datetime.combine(received, dt.time(12), tzinfo=dt.UTC) if closed else None))
            if len(rows) == 5000:
                Problem.objects.bulk_create(rows)
                rows = []
        if rows:
            Problem.objects.bulk_create(rows)
    _analyze()
    return time.perf_counter() - t0


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        # PostgreSQL: VACUUM sets the visibility map, without which covering indexes cannot answer alone.
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


LEDGER_PAGES = [
    # A near-empty page: its time is the floor of this machine right now (load, Python, middleware).
    ("baseline: inbox (no problem rows)", "/ledger/inbox/"),
    ("list: no filter", "/ledger/problems/"),
    ("list: source+category+state", "/ledger/problems/?source=central_oversight&category=air&state=in_rectification"),
    ("list: district subtree + overdue", "/ledger/problems/?jurisdiction=110105&overdue=true"),
    ("list: batch + period", "/ledger/problems/?batch=中央第三生态环境保护督察组 第7批&since=2023-01-01&until=2025-12-31"),
    ("list: code prefix", "/ledger/problems/?q=B00123"),
    ("list: text search (title/location)", "/ledger/problems/?q=扬尘&category=air"),
    ("list: page 200", "/ledger/problems/?page=200"),
    ("statistics: all", "/ledger/statistics/"),
    ("statistics: source + period", "/ledger/statistics/?source=central_oversight&since=2024-01-01&until=2024-12-31"),
    ("statistics: batch (时间过半)", "/ledger/statistics/?batch=中央第三生态环境保护督察组 第7批"),
    ("statistics: batch table (htmx part)", "/ledger/statistics/?part=batch"),
    ("api list: district + category", "/api/v1/ledger/problems/?jurisdiction=110108&category=water"),
    ("api list: no filter", "/api/v1/ledger/problems/"),
    ("api statistics", "/api/v1/ledger/problems/statistics/?source=campaign"),
]


def bench_ledger(args) -> bool:
    from envbureau.core.demo_core import load_core
    from envbureau.ledger.models import Problem

    load_core(lambda m: None)
    if Problem.objects.count() < args.problems:
        secs = generate_problems(args.problems - Problem.objects.count())
        print(f"generated {args.problems:,} problems in {secs:.1f} s")
    print(f"problems: {Problem.objects.count():,}")
    rows = []
    for username in ("admin", "dongcheng"):
        client = login(username)
        for label, url in LEDGER_PAGES:
            rows.append((label, username, timed_requests(client, url, args.requests)))
    return report(f"ledger ({Problem.objects.count():,} problems)", rows)


# ---- complaints (added by the complaints app) --------------------------------------------------
# The code lives in bench/complaints_bench.py; imported here, before setup_django() repoints
# ENVBUREAU_DATA_DIR, so its generated-data cache stays under the caller's data folder between runs.

import complaints_bench  # noqa: E402


def bench_complaints(args) -> bool:
    return complaints_bench.bench_complaints(args, sys.modules[__name__])


BENCHES = {"ledger": bench_ledger, "complaints": bench_complaints}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--problems", type=int, default=100_000)
    ap.add_argument("--complaints", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=40, help="timed requests per page and user")
    ap.add_argument("--keep", help="data folder to keep (re-used on the next run: no regeneration)")
    ap.add_argument("--only", action="append", choices=sorted(BENCHES), help="run only these benchmarks")
    args, _rest = ap.parse_known_args(argv)
    data_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="eb-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    setup_django(data_dir)
    from django.db import connection

    print(f"database: {connection.vendor}  data: {data_dir}")
    ok = True
    for name in args.only or list(BENCHES):
        ok &= BENCHES[name](args)
    print(f"\n{'all pages under' if ok else 'SOME PAGES OVER'} {TARGET_MS:.0f} ms p95")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
