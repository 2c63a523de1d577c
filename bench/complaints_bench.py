"""Complaints part of the closed-loop benchmark (issue 5): 1,000,000 complaints, list and statistics pages.

Run through the shared harness:  .venv/bin/python bench/ledger.py --only complaints [--complaints 1000000]
(PostgreSQL: DATABASE_URL=$(scripts/pg.sh) .venv/bin/python bench/ledger.py --only complaints).

Generation is cached: the generated rows are kept in a SQLite file under
$ENVBUREAU_DATA_DIR/bench-cache/ (or $ENVBUREAU_BENCH_CACHE) and re-loaded on the next run with one
INSERT … SELECT (SQLite) or COPY (PostgreSQL) instead of being generated again.
This module only defines functions; running it directly does nothing.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path

# Captured at import, before the harness points ENVBUREAU_DATA_DIR at its throw-away data folder.
CACHE_DIR = Path(os.environ.get("ENVBUREAU_BENCH_CACHE") or os.environ.get("ENVBUREAU_DATA_DIR")
                 or tempfile.gettempdir()) / "bench-cache"
CACHE_VERSION = 2

DISTRICTS = ["110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111", "110112", "110113",
             "110114", "110115", "110116", "110117", "110118", "110119"]
STREETS = ["110101001000", "110101007000", "110101009000", "110105010000"]


def _columns():
    from envbureau.complaints.models import Complaint

    return [f for f in Complaint._meta.concrete_fields if f.name != "id"]


def generate_cache(n: int, path: Path, seed: int = 12369) -> float:
    """Write n generated complaints (plus the jurisdiction code) into a SQLite cache file.

    Column-wise: every column is built as one numpy array (dates and times formatted vectorised),
    then the rows are zipped lazily into executemany, so Python never builds a dict per row."""
    import itertools

    import numpy as np

    from envbureau.complaints.choices import SUBCATEGORY_PARENT

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    cols = _columns()
    names = [f.attname for f in cols]
    start = np.datetime64("2023-01-01T00:00:00")
    span = int((np.datetime64("2026-11-20T00:00:00") - start) / np.timedelta64(1, "s"))
    secs = np.sort(rng.integers(0, span, n))
    received = start + secs.astype("timedelta64[s]")

    def stamp(a):
        return np.char.replace(np.datetime_as_string(a, unit="s"), "T", " ")

    def day(a):
        return np.datetime_as_string(a, unit="D")

    def pick(values, p):
        values = np.array(values, dtype=object)
        p = np.asarray(p, dtype=float)
        return values[rng.choice(len(values), n, p=p / p.sum())]

    jcode = pick(DISTRICTS + STREETS, [4, 3, 6, 3, 1, 5, 1, 2, 3, 2, 3, 3, 1, 1, 1, 1] + [2, 2, 2, 3])
    channel = pick(["hotline", "wechat", "web", "letter", "visit", "oversight", "platform"],
                   [0.45, 0.25, 0.12, 0.05, 0.04, 0.04, 0.05])
    cats = ["air", "water", "noise", "solid_waste", "soil", "radiation", "ecology", "other"]
    category = pick(cats, [0.35, 0.12, 0.33, 0.08, 0.02, 0.02, 0.03, 0.05])
    subs_of = {}
    for sub, parent in SUBCATEGORY_PARENT.items():
        subs_of.setdefault(parent, []).append(sub)
    sub_category = np.full(n, "", dtype=object)
    idx = np.arange(n)
    for cat, subs in subs_of.items():
        m = category == cat
        sub_category[m] = np.array(subs, dtype=object)[idx[m] % len(subs)]
    titles = {"air": "异味扰民", "water": "污水直排", "noise": "噪声扰民", "solid_waste": "垃圾乱倒", "soil": "土壤污染",
              "radiation": "辐射担忧", "ecology": "破坏生态", "other": "其他环境问题"}
    title = np.vectorize(titles.get, otypes=[object])(category)
    state = pick(["registered", "accepted", "declined", "assigned", "investigated", "replied", "visited",
                  "reviewing", "closed"], [0.01, 0.01, 0.03, 0.04, 0.03, 0.18, 0.35, 0.005, 0.345])
    accepted = ~np.isin(state, ["registered", "declined"])
    investigated = np.isin(state, ["investigated", "replied", "visited", "reviewing", "closed"])
    done = np.isin(state, ["replied", "visited", "closed", "reviewing"])
    visited = np.isin(state, ["visited", "closed"])
    acc_at = received + np.timedelta64(1, "D")
    lag = rng.integers(0, 40, n).astype("timedelta64[D]")
    has_ent = rng.random(n) < 0.4
    ent = rng.integers(1, 5000, n)
    rs = stamp(received)
    acc_s = stamp(acc_at)

    def where(mask, a, other=None):
        out = np.full(n, other, dtype=object)
        out[mask] = np.asarray(a, dtype=object)[mask]
        return out

    num = np.char.add(np.char.add("B", np.char.replace(day(received), "-", "")),
                      np.char.zfill(idx.astype(str), 7))
    data = {
        "number": num, "channel": channel, "track": "clue", "category": category, "sub_category": sub_category,
        "title": title, "content": np.char.add("基准测试生成的举报内容 ", idx.astype(str)),
        "location": np.char.add(np.char.add("北京市某区某路", (idx % 997).astype(str)), "号"),
        "lon": np.round(116.40 + rng.normal(0, 0.12, n), 5), "lat": np.round(39.92 + rng.normal(0, 0.09, n), 5),
        "routed_by": "chosen", "enterprise_id": where(has_ent, ent),
        "enterprise_name": where(has_ent, np.char.add("企业", ent.astype(str)), ""),
        "received_at": rs, "state": state, "state_changed_at": rs, "rule_label": "全国默认规则",
        "accept_due": day(received + np.timedelta64(15, "D")),
        "finish_due": where(accepted, day(acc_at + np.timedelta64(60, "D"))),
        "accepted_at": where(accepted, acc_s), "assigned_at": where(accepted & (state != "accepted"), acc_s),
        "finding": where(investigated, pick(["substantiated", "partly", "unsubstantiated"], [0.5, 0.3, 0.2]), ""),
        "investigated_at": where(investigated, stamp(acc_at + np.timedelta64(5, "D"))),
        "replied_at": where(done, stamp(acc_at + np.timedelta64(5, "D") + lag)),
        "on_time": where(done, (rng.random(n) < 0.97).astype(int)),
        "satisfaction": where(visited, pick(["satisfied", "basic", "dissatisfied", "unreachable"],
                                            [0.6, 0.25, 0.08, 0.07]), ""),
        "decline_reason": where(state == "declined", np.full(n, "不属于职责范围", dtype=object), ""),
        "is_repeat": (rng.random(n) < 0.06).astype(int), "complainant_name": "张某",
        "complainant_phone": "13800000000", "query_code": np.char.zfill(idx.astype(str), 8),
    }
    columns = [jcode.tolist()]
    for f in cols:
        v = data.get(f.attname, None if f.null else f.get_default())
        if isinstance(v, bool):
            v = int(v)
        columns.append(v.tolist() if isinstance(v, np.ndarray) else itertools.repeat(v, n))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    if tmp.exists():
        tmp.unlink()
    db = sqlite3.connect(tmp)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(f"CREATE TABLE c (jcode TEXT, {', '.join(names)})")
    db.executemany(f"INSERT INTO c VALUES ({', '.join('?' * (len(names) + 1))})", zip(*columns))
    db.commit()
    db.close()
    tmp.replace(path)
    return time.perf_counter() - t0


def load_cache(path: Path) -> float:
    """Copy the cached rows into the platform database (SQLite: ATTACH + INSERT…SELECT; PostgreSQL: COPY)."""
    from django.db import connection, transaction

    t0 = time.perf_counter()
    names = [f.attname for f in _columns()]
    target = "complaints_complaint"
    # Plain indexes are dropped for the load and built again afterwards (one sort each, not 1M inserts each).
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=%s AND sql IS NOT NULL",
                        [target])
        else:
            cur.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename=%s AND NOT EXISTS "
                        "(SELECT 1 FROM pg_constraint c WHERE c.conname=i.indexname)", [target])
        indexes = cur.fetchall()
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    if connection.vendor == "sqlite":
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("ATTACH DATABASE %s AS benchcache", [str(path)])
            cols = ", ".join(names)
            sel = ", ".join("j.id" if k == "jurisdiction_id" else f"c.{k}" for k in names)
            cur.execute(f"INSERT INTO {target} ({cols}) SELECT {sel} FROM benchcache.c c "
                        f"JOIN core_jurisdiction j ON j.code = c.jcode ORDER BY c.received_at")
        with connection.cursor() as cur:
            cur.execute("DETACH DATABASE benchcache")
    else:
        from envbureau.core.models import Jurisdiction

        ids = dict(Jurisdiction.objects.values_list("code", "id"))
        bools = {f.attname for f in _columns() if f.get_internal_type() == "BooleanField"}
        stamps = {f.attname for f in _columns() if f.get_internal_type() == "DateTimeField"}
        src = sqlite3.connect(path)
        cur_src = src.execute(f"SELECT jcode, {', '.join(names)} FROM c")
        with transaction.atomic(), connection.cursor() as cur:
            raw = cur.cursor  # psycopg 3 cursor
            with raw.copy(f"COPY {target} ({', '.join(names)}) FROM STDIN") as cp:
                for r in cur_src:
                    vals = list(r[1:])
                    for k, name in enumerate(names):
                        v = vals[k]
                        if name == "jurisdiction_id":
                            vals[k] = ids[r[0]]
                        elif v is None:
                            continue
                        elif name in bools:
                            vals[k] = bool(v)
                        elif name in stamps:
                            vals[k] = v + "+00"
                    cp.write_row(vals)
        src.close()
    with connection.cursor() as cur:
        for _name, sql in indexes:
            cur.execute(sql)
        cur.execute("ANALYZE")
    return time.perf_counter() - t0


COMPLAINT_PAGES = [
    ("list: no filter", "/complaints/"),
    ("list: state + category", "/complaints/?state=assigned&category=noise"),
    ("list: district subtree + period", "/complaints/?jurisdiction=110105&since=2025-01-01&until=2025-06-30"),
    ("list: channel + repeats + finding", "/complaints/?channel=hotline&is_repeat=true&finding=partly"),
    ("list: open + overdue", "/complaints/?open=true&overdue=true"),
    ("list: number lookup", "/complaints/?q={number}"),
    ("list: page 200", "/complaints/?page=200"),
    ("statistics: this year by category", "/complaints/stats/"),
    ("statistics: 2025 by district", "/complaints/stats/?start=2025-01&end=2025-12&by=jurisdiction"),
    ("statistics: 2 years by month, noise", "/complaints/stats/?start=2024-01&end=2025-12&by=month&category=noise"),
    ("statistics: district + channel", "/complaints/stats/?jurisdiction=110101&by=channel&start=2025-01&end=2026-10"),
    ("api list: category + state", "/api/v1/complaints/complaints/?category=air&state=visited"),
    ("api statistics", "/api/v1/complaints/complaints/stats/?start=2025-01&end=2025-12&by=jurisdiction"),
]


def bench_complaints(args, harness) -> bool:
    from envbureau.complaints import statistics as stats
    from envbureau.complaints.models import Complaint
    from envbureau.core.demo_core import load_core

    load_core(lambda m: None)
    n = getattr(args, "complaints", 1_000_000)
    have = Complaint.objects.count()
    if have < n:
        if have:
            Complaint.objects.all().delete()
        cache = CACHE_DIR / f"complaints-{n}-v{CACHE_VERSION}.sqlite3"
        if not cache.exists():
            secs = generate_cache(n, cache)
            print(f"generated {n:,} complaints into {cache} in {secs:.1f} s")
        else:
            print(f"using cached complaints {cache}")
        secs = load_cache(cache)
        print(f"loaded {n:,} complaints in {secs:.1f} s")
        t0 = time.perf_counter()
        rows = stats.rebuild()
        print(f"monthly summary: {rows:,} rows in {time.perf_counter() - t0:.1f} s")
    print(f"complaints: {Complaint.objects.count():,}")
    # A real number from the middle of the table (ids are in received order).
    number = Complaint.objects.order_by("id").values_list("number", flat=True)[Complaint.objects.count() // 2]
    results = []
    for username in ("admin", "dongcheng"):
        client = harness.login(username)
        for label, url in COMPLAINT_PAGES:
            url = url.replace("{number}", number)
            results.append((label, username, harness.timed_requests(client, url, args.requests)))
    return harness.report(f"complaints ({Complaint.objects.count():,} complaints)", results)
