"""Shared harness of the Django benchmarks: a throw-away data folder (and PostgreSQL database), logged-in
test clients, timed requests and the p50/p95 table."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


def setup_django(data_dir: Path) -> None:
    os.environ["ENVBUREAU_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envbureau.settings")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        _fresh_pg_database()
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # demo users load fast
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fresh_pg_database() -> None:
    """Use a separate, fresh database `<name>_bench_<pid>` so the benchmark never touches real or test data
    (nor another benchmark running at the same time); it is dropped at exit."""
    from urllib.parse import urlparse, urlunparse

    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    keep = os.environ.get("BENCH_PG_KEEP")  # a database name to create once and re-use (no drop)
    name = keep or (url.path.lstrip("/") or "envbureau") + f"_bench_{os.getpid()}"
    admin = urlunparse(url._replace(path="/postgres"))
    if keep:
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [keep]).fetchone():
                conn.execute(f'CREATE DATABASE "{keep}"')
        os.environ["DATABASE_URL"] = urlunparse(url._replace(path="/" + keep))
        return
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunparse(url._replace(path="/" + name))

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    import atexit

    atexit.register(drop)


def timed_requests(client, url: str, n: int, warmup: int = 3) -> list[float]:
    """Wall milliseconds of n requests after `warmup` untimed ones."""
    return timed_cpu(client, url, n, warmup)[0]


def timed_cpu(client, url: str, n: int, warmup: int = 3) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds (this process, time.process_time: the test client runs the view and SQLite
    here) of n requests after `warmup` untimed ones. On a shared machine the wall figure is mostly waiting for
    a core; the page targets judge CPU."""
    for _ in range(warmup):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code, r.content[:300])
    wall, cpu = [], []
    for _ in range(n):
        w0, c0 = time.perf_counter(), time.process_time()
        r = client.get(url)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return wall, cpu


def p95(values: list[float]) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]


def report(title: str, rows: list[tuple[str, str, list[float]]], target_ms: float = 200.0) -> bool:
    ok = True
    print(f"\n{title}")
    print(f"{'page':<58} {'user':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target")
    for page, user, times in rows:
        v = p95(times)
        ok &= v < target_ms
        print(f"{page:<58} {user:<10} {statistics.median(times):8.1f} {v:8.1f} {max(times):8.1f}  "
              f"{'OK' if v < target_ms else 'SLOW'}")
    return ok


def login(username: str):
    from django.test import Client

    from envbureau.core.models import User

    c = Client()
    c.force_login(User.objects.get(username=username))
    return c
