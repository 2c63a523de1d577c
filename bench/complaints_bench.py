"""Complaints part of the closed-loop benchmark (issue 5): 1,000,000 complaints, list and statistics pages.

Run through the shared harness:  .venv/bin/python bench/ledger.py --only complaints [--complaints 1000000]
(PostgreSQL: DATABASE_URL=$(scripts/pg.sh) .venv/bin/python bench/ledger.py --only complaints).

Generation is cached: the generated rows are kept in a SQLite file under
$ENVBUREAU_DATA_DIR/bench-cache/ (or $ENVBUREAU_BENCH_CACHE) and re-loaded on the next run with one
INSERT … SELECT (SQLite) or COPY (PostgreSQL) instead of being generated again.
This module only defines functions; running it directly does nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
import time
from pathlib import Path

# Captured at import, before the harness points ENVBUREAU_DATA_DIR at its throw-away data folder.
CACHE_DIR = Path(os.environ.get("ENVBUREAU_BENCH_CACHE") or os.environ.get("ENVBUREAU_DATA_DIR")
                 or tempfile.gettempdir()) / "bench-cache"
CACHE_VERSION = 1

DISTRICTS = ["110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111", "110112", "110113",
             "110114", "110115", "110116", "110117", "110118", "110119"]
STREETS = ["110101001000", "110101007000", "110101009000", "110105010000"]


def _columns():
    from envbureau.complaints.models import Complaint

    return [f for f in Complaint._meta.concrete_fields if f.name != "id"]


def generate_cache(n: int, path: Path, seed: int = 12369) -> float:
    """Write n generated complaints (plus the jurisdiction code) into a SQLite cache file."""
    import numpy as np

    from envbureau.complaints.choices import SUBCATEGORY_PARENT

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    cols = _columns()
    names = [f.attname for f in cols]
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    span = int((dt.datetime(2026, 11, 20, tzinfo=dt.UTC) - start).total_seconds())
    secs = np.sort(rng.integers(0, span, n))
    jcodes = np.array(DISTRICTS + STREETS)
    jw = np.array([4, 3, 6, 3, 1, 5, 1, 2, 3, 2, 3, 3, 1, 1, 1, 1] + [2, 2, 2, 3], dtype=float)
    jidx = rng.choice(len(jcodes), n, p=jw / jw.sum())
    channels = np.array(["hotline", "wechat", "web", "letter", "visit", "oversight", "platform"])
    chidx = rng.choice(len(channels), n, p=[0.45, 0.25, 0.12, 0.05, 0.04, 0.04, 0.05])
    cats = np.array(["air", "water", "noise", "solid_waste", "soil", "radiation", "ecology", "other"])
    catidx = rng.choice(len(cats), n, p=[0.35, 0.12, 0.33, 0.08, 0.02, 0.02, 0.03, 0.05])
    subs_of = {}
    for s, p in SUBCATEGORY_PARENT.items():
        subs_of.setdefault(p, []).append(s)
    states = np.array(["registered", "accepted", "declined", "assigned", "investigated", "replied", "visited",
                       "reviewing", "closed"])
    st_p = np.array([0.01, 0.01, 0.03, 0.04, 0.03, 0.18, 0.35, 0.005, 0.345])
    stidx = rng.choice(len(states), n, p=st_p / st_p.sum())
    findings = np.array(["substantiated", "partly", "unsubstantiated"])
    fidx = rng.choice(3, n, p=[0.5, 0.3, 0.2])
    sats = np.array(["satisfied", "basic", "dissatisfied", "unreachable"])
    sidx = rng.choice(4, n, p=[0.6, 0.25, 0.08, 0.07])
    rep = rng.random(n) < 0.06
    ontime = rng.random(n) < 0.97
    lon = np.round(116.40 + rng.normal(0, 0.12, n), 5)
    lat = np.round(39.92 + rng.normal(0, 0.09, n), 5)
    ent = rng.integers(1, 5000, n)
    has_ent = rng.random(n) < 0.4
    lag = rng.integers(0, 40, n)
    defaults = {f.attname: (f.get_default() if not f.null else None) for f in cols}
    for k, v in list(defaults.items()):
        if isinstance(v, bool):
            defaults[k] = int(v)
    titles = {"air": "异味扰民", "water": "污水直排", "noise": "噪声扰民", "solid_waste": "垃圾乱倒", "soil": "土壤污染",
              "radiation": "辐射担忧", "ecology": "破坏生态", "other": "其他环境问题"}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    if tmp.exists():
        tmp.unlink()
    db = sqlite3.connect(tmp)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(f"CREATE TABLE c (jcode TEXT, {', '.join(names)})")
    sql = f"INSERT INTO c VALUES ({', '.join('?' * (len(names) + 1))})"
    order = names
    completed = {"replied", "visited", "closed"}
    batch = []
    fmt = "%Y-%m-%d %H:%M:%S"
    for i in range(n):
        received = start + dt.timedelta(seconds=int(secs[i]))
        state = str(states[stidx[i]])
        cat = str(cats[catidx[i]])
        subs = subs_of.get(cat)
        row = dict(defaults)
        rs = received.strftime(fmt)
        accepted = state not in ("registered", "declined")
        investigated = state in ("investigated", "replied", "visited", "reviewing", "closed")
        done = state in completed or state == "reviewing"
        acc_at = received + dt.timedelta(days=1)
        finish_due = (acc_at + dt.timedelta(days=60)).date()
        row.update({
            "number": f"B{received:%Y%m%d}{i:07d}", "channel": str(channels[chidx[i]]), "track": "clue",
            "category": cat, "sub_category": subs[i % len(subs)] if subs else "", "title": titles[cat],
            "content": f"基准测试生成的举报内容 {i}", "location": f"北京市某区某路{i % 997}号",
            "lon": float(lon[i]), "lat": float(lat[i]), "routed_by": "chosen",
            "enterprise_id": int(ent[i]) if has_ent[i] else None,
            "enterprise_name": f"企业{int(ent[i])}" if has_ent[i] else "",
            "received_at": rs, "state": state, "state_changed_at": rs,
            "rule_label": "全国默认规则", "accept_due": (received + dt.timedelta(days=15)).date().isoformat(),
            "finish_due": finish_due.isoformat() if accepted else None,
            "accepted_at": acc_at.strftime(fmt) if accepted else None,
            "assigned_at": acc_at.strftime(fmt) if accepted and state != "accepted" else None,
            "finding": str(findings[fidx[i]]) if investigated else "",
            "investigated_at": (acc_at + dt.timedelta(days=5)).strftime(fmt) if investigated else None,
            "replied_at": (acc_at + dt.timedelta(days=int(lag[i]) + 5)).strftime(fmt) if done else None,
            "on_time": int(bool(ontime[i])) if done else None,
            "satisfaction": str(sats[sidx[i]]) if state in ("visited", "closed") else "",
            "decline_reason": "不属于职责范围" if state == "declined" else "",
            "is_repeat": int(bool(rep[i])), "complainant_name": "张某", "complainant_phone": "13800000000",
            "query_code": f"{i:08x}",
        })
        batch.append((str(jcodes[jidx[i]]), *[row[k] for k in order]))
        if len(batch) >= 50_000:
            db.executemany(sql, batch)
            batch = []
    if batch:
        db.executemany(sql, batch)
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
