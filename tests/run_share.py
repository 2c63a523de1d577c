"""What the xdist workers of one run build once between them: the migrated test database and the light demo.

Each worker used to `migrate` its own test database (~35 s of CPU) and build the light demo in it (~45 s): the same
work once per worker on each engine. Now the first worker to get there does it, under a lock shared by the run's
workers, and leaves the result where the others copy it from:
- SQLite (in-memory test databases): a file, copied in and out with the sqlite3 backup API;
- PostgreSQL: a database, copied with `CREATE DATABASE … TEMPLATE`.
The copies are the same bytes the worker would have built. The run's files and databases are removed at the end of
the session by the xdist controller (`cleanup`). Without xdist nothing is shared and nothing changes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # the same in every worker of one run; unset without xdist


def _dir(run: str | None = None) -> Path:
    return Path(tempfile.gettempdir()) / f"eb-run-{(run or RUN)[:16]}"


def pg_name(what: str, run: str | None = None) -> str:
    return f"eb_{what}_{(run or RUN)[:16]}"


@contextlib.contextmanager
def lock(name: str):
    """Held by one worker of the run at a time."""
    _dir().mkdir(exist_ok=True)
    with open(_dir() / f"{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def sqlite_file(name: str) -> Path:
    return _dir() / f"{name}.sqlite3"


def save_sqlite(raw: sqlite3.Connection, name: str) -> None:
    tmp = sqlite_file(name).with_suffix(".part")
    out = sqlite3.connect(str(tmp))
    try:
        raw.backup(out)
    finally:
        out.close()
    tmp.rename(sqlite_file(name))  # whole or absent: a worker never reads half a file


def load_sqlite(raw: sqlite3.Connection, name: str) -> bool:
    path = sqlite_file(name)
    if not path.exists():
        return False
    src = sqlite3.connect(str(path))
    try:
        src.backup(raw)
    finally:
        src.close()
    return True


def pg_admin(conn, *sql) -> list:
    """Statements on the server's maintenance database (CREATE/DROP DATABASE cannot run in the test database)."""
    conn.close()
    out = []
    with conn._nodb_cursor() as c:
        for s in sql:
            c.execute(s)
            out.append(c.fetchall() if c.description else None)
    return out


def pg_exists(conn, name: str) -> bool:
    return bool(pg_admin(conn, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")[0])


def install() -> None:
    """In a worker: the `migrate` that Django's test-database creation runs is done once per run (explicit
    `call_command("migrate", …)` in a test is left alone)."""
    import django.core.management as management
    from django.db.backends.base.creation import BaseDatabaseCreation

    if RUN is None or getattr(BaseDatabaseCreation, "_eb_shared", False):
        return
    call_command, create_test_db = management.call_command, BaseDatabaseCreation.create_test_db
    creating = []

    def shared_create_test_db(self, *args, **kwargs):
        creating.append(self.connection)
        try:
            return create_test_db(self, *args, **kwargs)
        finally:
            creating.pop()

    def shared_call_command(name, *args, **kwargs):
        if name != "migrate" or not creating:
            return call_command(name, *args, **kwargs)
        return _migrate_once(creating[-1], lambda: call_command(name, *args, **kwargs))

    BaseDatabaseCreation.create_test_db = shared_create_test_db
    BaseDatabaseCreation._eb_shared = True
    management.call_command = shared_call_command


def _migrate_once(conn, migrate) -> None:
    with lock(f"migrate-{conn.vendor}"):
        if conn.vendor == "sqlite":
            conn.ensure_connection()
            if not load_sqlite(conn.connection, "migrated"):
                migrate()
                save_sqlite(conn.connection, "migrated")
            return
        if conn.vendor != "postgresql":
            migrate()
            return
        q, mine, shared = conn.ops.quote_name, conn.settings_dict["NAME"], pg_name("migrated")
        if pg_exists(conn, shared):
            pg_admin(conn, f"DROP DATABASE IF EXISTS {q(mine)}", f"CREATE DATABASE {q(mine)} TEMPLATE {q(shared)}")
        else:
            migrate()
            pg_admin(conn, f"CREATE DATABASE {q(shared)} TEMPLATE {q(mine)}")
        conn.ensure_connection()


def cleanup(run: str) -> None:
    """The controller, at the end of the session: the run's shared files and PostgreSQL databases."""
    shutil.rmtree(_dir(run), ignore_errors=True)
    from django.db import connections

    conn = connections["default"]
    if conn.vendor == "postgresql":
        with contextlib.suppress(Exception):
            pg_admin(conn, *(f"DROP DATABASE IF EXISTS {conn.ops.quote_name(pg_name(w, run))}"
                             for w in ("migrated", "light")))
