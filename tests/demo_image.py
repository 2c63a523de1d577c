"""The light demo of every app, built once per test process and copied into the test database where a module asks.

Building it (`demo.run_all(light=True)`) costs ~40 s of CPU; a dozen modules sweep pages over it, and with xdist a
module's tests may be spread over both workers, so building it per module cost most of `make test`'s time. Here it
is built once per run (by the first xdist worker that needs it, tests/run_share.py; the others copy that), kept as an
image, and copied in for the module:
- SQLite (an in-memory test database): a page copy with the sqlite3 backup API, milliseconds;
- PostgreSQL: `CREATE DATABASE … TEMPLATE` from a database holding the world, and the connection pointed at it.
Either way the database the module found is put back after it, exactly as the old "build in a transaction and
roll back" did, and a test in the module that commits (or flushes) cannot leak into the next module.
"""

from __future__ import annotations

import contextlib
import sqlite3

from django.db import connections, transaction
from django.test.utils import override_settings

import run_share

_kept: dict = {}


def _shared(name):
    """The run's lock (tests/run_share.py): one worker builds the light demo, the others copy it."""
    return run_share.lock(name) if run_share.RUN else contextlib.nullcontext()


def _build():
    from envbureau.core import demo

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        demo.run_all(log=lambda m: None, light=True)


def _image(raw) -> sqlite3.Connection:
    img = sqlite3.connect(":memory:", check_same_thread=False)
    raw.backup(img)
    return img


@contextlib.contextmanager
def _sqlite(conn):
    conn.ensure_connection()
    raw = conn.connection
    before = _image(raw)
    try:
        if "sqlite" in _kept:
            _kept["sqlite"].backup(raw)
        else:
            with _shared("light-sqlite"):
                if not (run_share.RUN and run_share.load_sqlite(raw, "light")):
                    _build()
                    if run_share.RUN:
                        run_share.save_sqlite(raw, "light")
            _kept["sqlite"] = _image(raw)
        yield
    finally:
        before.backup(raw)
        before.close()


def _admin(conn, *sql):
    conn.close()
    with conn._nodb_cursor() as c:
        for s in sql:
            c.execute(s)


def prepare():
    """Keep the freshly migrated test database. PostgreSQL: copy it now, while no other session (a live server's)
    uses it, as the database the light demo will be built in on first use. SQLite: an image, for
    `write_migrated`."""
    conn = connections["default"]
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        _kept["migrated"] = _image(conn.connection)
        return
    base = conn.settings_dict["NAME"]
    _kept["pg"] = (base, f"{base}_light", f"{base}_lw")
    q = conn.ops.quote_name
    _admin(conn, f"DROP DATABASE IF EXISTS {q(_kept['pg'][1])}",
           f"CREATE DATABASE {q(_kept['pg'][1])} TEMPLATE {q(base)}")


@contextlib.contextmanager
def _postgres(conn):
    base, template, working = _kept["pg"]
    q = conn.ops.quote_name
    try:
        if not _kept.get("pg_built"):
            with _shared("light-pg"):
                shared = run_share.pg_name("light") if run_share.RUN else None
                if shared and run_share.pg_exists(conn, shared):
                    _admin(conn, f"DROP DATABASE IF EXISTS {q(template)}",
                           f"CREATE DATABASE {q(template)} TEMPLATE {q(shared)}")
                else:
                    conn.close()
                    conn.settings_dict["NAME"] = template
                    _build()
                    conn.close()
                    conn.settings_dict["NAME"] = base
                    if shared:
                        _admin(conn, f"CREATE DATABASE {q(shared)} TEMPLATE {q(template)}")
            _kept["pg_built"] = True
            conn.settings_dict["NAME"] = base
        _admin(conn, f"DROP DATABASE IF EXISTS {q(working)}", f"CREATE DATABASE {q(working)} TEMPLATE {q(template)}")
        conn.settings_dict["NAME"] = working
        yield
    finally:
        conn.close()
        conn.settings_dict["NAME"] = base


@contextlib.contextmanager
def light_demo():
    """Run the block on a test database holding the light demo of every app; the database is as before after it.

    Call it with database access unblocked and no transaction open (from a module- or session-scoped fixture, or
    one of a transactional test)."""
    conn = connections["default"]
    if conn.in_atomic_block:
        raise RuntimeError("light_demo() inside a transaction: call it from a module-scoped fixture")
    with (_sqlite if conn.vendor == "sqlite" else _postgres)(conn):
        yield


def write_migrated(path) -> bool:
    """Write the freshly migrated (empty) database to an SQLite file, for a test that starts the platform in a
    subprocess; False when the test database is not SQLite (then the caller migrates the file itself)."""
    if "migrated" not in _kept:
        return False
    out = sqlite3.connect(str(path))
    try:
        _kept["migrated"].backup(out)
    finally:
        out.close()
    return True


def drop_images():
    """Drop the PostgreSQL copies at the end of the session (SQLite images go with the process)."""
    if "pg" in _kept:
        conn = connections["default"]
        q = conn.ops.quote_name
        _admin(conn, *(f"DROP DATABASE IF EXISTS {q(n)}" for n in _kept.pop("pg")[1:]))
