"""The `demo_core` fixture's data (core/demo_core.load_core: jurisdictions, default roles and departments, demo users
with their grants), written once per test process and replayed as raw rows in the tests after.

load_core costs 0.10–0.18 s of CPU (some 370 ORM queries with their audit entries) and about 800 tests per engine ask
for it, each in its own rolled-back transaction. Its outcome depends only on what the tables it reads and writes hold
before it runs, so the first time in a process (per engine, language, password hasher) it is run for real and what
it wrote is kept: the rows it added, as raw column values. The next time the same tables hold the same rows, those
rows are inserted again with their primary keys (one INSERT per table) and the pk sequences are moved past them.
Otherwise (a test that created some of these records first, the light demo, an audit context of a test) load_core
runs as before (a few such starting states per process are snapshotted too, when load_core only added rows there).

What load_core does besides rows is reproduced or shown absent:
- the times it stamps (User.date_joined, AuditEntry.time, and the same times as text in the entries' `changes`) are
  stamped anew at each replay, one `timezone.now()` per original stamp in their order, as load_core would;
- the outfall map's ChangeStamp token (projects, a Jurisdiction post_save receiver) is a new random token each time;
- the per-process cache of jurisdiction boundaries (complaints routing, a CommittedCache watching Jurisdiction) is
  invalidated as the Jurisdiction saves did;
- any other receiver of the saves' signals makes the snapshot refuse to replay (`unknown_receivers`;
  tests/core/test_core_snapshot.py fails on it), as does any row load_core changed or deleted instead of adding.
- The password hashes are the first run's (MD5, the tests' hasher, with their salts): they verify the same;
  the hasher setting is part of the key, so another hasher gets a fresh load_core.
tests/core/test_core_snapshot.py compares a replay with a fresh load_core table by table, column by column.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from dataclasses import dataclass, field

from django.db import connections, transaction

# Columns whose value load_core draws at random each time: drawn anew at each replay.
VOLATILE = {("projects_changestamp", "token"): lambda: uuid.uuid4().hex}
MAX_BEFORE_ROWS = 2000  # a state with more rows than this in the tables load_core reads is not snapshotted
MAX_STATES = 4  # distinct before-states snapshotted per key (normally one: the migrated, empty tables)
CHUNK = 400  # rows per INSERT

_QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')


@dataclass
class _Rows:
    table: str
    columns: list[str]
    rows: list[list]
    sequence: str | None = None  # PostgreSQL: the sequence of the pk


@dataclass
class Snapshot:
    before: tuple  # (count, max pk) of each table of the key's `tables`, before load_core ran
    before_rows: dict  # table -> its rows before, for the tables that were not empty
    tables: list[_Rows]  # the rows load_core added, per table in the order it first wrote them
    stamps: list  # the distinct times load_core stamped, ascending (aware, UTC)
    stamp_cells: list = field(default_factory=list)  # (table i, row i, column i, stamp i, naive)
    text_cells: list = field(default_factory=list)  # (table i, row i, column i, [(old text, stamp i)])
    volatile_cells: list = field(default_factory=list)  # (table i, row i, column i, draw)
    invalidate: list = field(default_factory=list)  # caches to invalidate after replaying


@dataclass
class _State:
    tables: list[str]  # what load_core reads or writes (in the order first seen)
    snaps: dict = field(default_factory=dict)  # before fingerprint -> Snapshot | None (not replayable)
    unknown_receivers: list = field(default_factory=list)


_states: dict = {}
last_outcome = ""  # "captured", "replayed" or "fresh": what the last load_core() did (for the tests)


def _run():
    from envbureau.core.demo_core import load_core

    load_core(lambda m: None)


def _key(conn):
    """What load_core's rows depend on besides the tables: None when it must simply run (an audit context is set)."""
    from django.conf import settings
    from django.utils import translation

    from envbureau.core import audit

    if audit._current.get() is not None:
        return None
    return (conn.alias, conn.vendor, translation.get_language(), tuple(settings.PASSWORD_HASHERS), settings.USE_TZ)


@functools.cache
def _models_by_table():
    from django.apps import apps

    return {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}


def _pk_column(table):
    model = _models_by_table().get(table)
    return model._meta.pk.column if model is not None else None


def _fingerprint(conn, tables) -> tuple:
    if not tables:
        return ()
    q = conn.ops.quote_name
    parts = []
    for t in tables:
        pk = _pk_column(t)
        parts.append(f"(SELECT COUNT(*) FROM {q(t)})")
        parts.append(f"(SELECT MAX({q(pk)}) FROM {q(t)})" if pk else "NULL")
    with conn.cursor() as c:
        c.execute("SELECT " + ", ".join(parts))
        row = c.fetchone()
    return tuple(zip(row[::2], row[1::2]))


def _read(conn, table):
    q = conn.ops.quote_name
    pk = _pk_column(table)
    with conn.cursor() as c:
        c.execute(f"SELECT * FROM {q(table)}" + (f" ORDER BY {q(pk)}" if pk else ""))
        return [d[0] for d in c.description], [list(r) for r in c.fetchall()]


def _record(conn, fn) -> list[str]:
    """Run fn; the tables its SQL names, in the order first named."""
    seen: dict = {}

    def wrapper(execute, sql, params, many, context):
        for name in _QUOTED.findall(sql):
            seen.setdefault(name, None)
        return execute(sql, params, many, context)

    with conn.execute_wrapper(wrapper):
        fn()
    tables = set(conn.introspection.table_names())
    return [t for t in seen if t in tables]


class _Undo(Exception):
    pass


def _side_receivers(models) -> tuple[list, list]:
    """(caches to invalidate, receivers not accounted for) of the signals the saves of `models` send."""
    from django.db.models import signals

    from envbureau.core.dbcache import CommittedCache

    caches, unknown = [], []
    for model in models:
        for signal in (signals.pre_save, signals.post_save, signals.pre_delete, signals.post_delete,
                       signals.m2m_changed):
            sync, asynch = signal._live_receivers(model)
            for r in [*sync, *asynch]:
                owner = getattr(r, "__self__", None)
                name = f"{getattr(r, '__module__', '')}.{getattr(r, '__qualname__', r)}"
                if getattr(r, "__module__", "") == "envbureau.core.audit":  # writes audit entries: rows, kept
                    continue
                if name == "envbureau.projects.outfall_stats.outfalls_changed":  # writes a ChangeStamp: a row, kept
                    continue
                if isinstance(owner, CommittedCache) and r.__name__ == "invalidate":
                    if not any(c is owner for c in caches):
                        caches.append(owner)
                    continue
                unknown.append(f"{signal_name(signal)} {model._meta.label}: {name}")
    return caches, unknown


def signal_name(signal) -> str:
    from django.db.models import signals

    return next((n for n in ("pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed")
                 if getattr(signals, n) is signal), repr(signal))


def _capture(conn, state: _State):
    """Run load_core for real and keep what it added (None when it cannot be replayed). Runs it twice: once in a
    rolled-back savepoint to learn which tables it touches, then for real after reading those tables."""
    from django.utils import timezone

    try:
        with transaction.atomic(using=conn.alias):
            first = _record(conn, _run)
            raise _Undo
    except _Undo:
        pass
    for t in first:
        if t not in state.tables:
            state.tables.append(t)
            state.snaps.clear()  # fingerprints over fewer tables are stale
    tables = state.tables
    before = _fingerprint(conn, tables)
    if sum(n for n, _ in before) > MAX_BEFORE_ROWS:
        _run()
        return before, None
    before_rows = {t: _read(conn, t) for t, (n, _) in zip(tables, before) if n}
    t0 = timezone.now()
    with transaction.atomic(using=conn.alias):
        second = _record(conn, _run)
    t1 = timezone.now()
    if set(second) - set(tables):
        return before, None
    models = _models_by_table()
    added: list[_Rows] = []
    for t in second:  # in the order load_core first named them
        if any(r.table == t for r in added):
            continue
        cols, rows = _read(conn, t)
        old = before_rows.get(t, (cols, []))[1]
        if not old:
            new = rows
        else:
            pk = cols.index(_pk_column(t))
            was = {r[pk]: r for r in old}
            now_ = {r[pk]: r for r in rows}
            if any(now_.get(k) != r for k, r in was.items()):
                return before, None  # load_core changed or deleted a row: not a matter of adding rows
            new = [r for r in rows if r[pk] not in was]
        if new:
            added.append(_Rows(t, cols, new))
    if not added:
        # Nothing written (the light demo has it all; scripts/mutation_plugin.py's load_core when its world is in):
        # nothing to replay, and a replay could not tell whether load_core would write next time.
        return before, None
    caches, unknown = _side_receivers([models[r.table] for r in added if r.table in models])
    if unknown:
        state.unknown_receivers = unknown
        return before, None
    snap = Snapshot(before, before_rows, added, [], invalidate=caches)
    _find_stamps(snap, models, t0, t1)
    for ti, rows in enumerate(added):
        for ci, col in enumerate(rows.columns):
            draw = VOLATILE.get((rows.table, col))
            if draw:
                snap.volatile_cells += [(ti, ri, ci, draw) for ri in range(len(rows.rows))]
    if conn.vendor == "postgresql":
        with conn.cursor() as c:
            for rows in added:
                pk = _pk_column(rows.table)
                c.execute("SELECT pg_get_serial_sequence(%s, %s)", [conn.ops.quote_name(rows.table), pk])
                rows.sequence = c.fetchone()[0]
    return before, snap


def _aware(v):
    from django.utils import timezone

    return v if timezone.is_aware(v) else v.replace(tzinfo=dt.timezone.utc)


def _find_stamps(snap: Snapshot, models, t0, t1) -> None:
    """The times load_core took from the clock: values of datetime columns between t0 and t1, and the same times
    written as text (the audit entries' `changes`)."""
    found = set()
    for rows in snap.tables:
        model = models.get(rows.table)
        kinds = {f.column: f.get_internal_type() for f in model._meta.concrete_fields} if model else {}
        for ci, col in enumerate(rows.columns):
            if kinds.get(col) != "DateTimeField":
                continue
            for r in rows.rows:
                if r[ci] is not None and t0 <= _aware(r[ci]) <= t1:
                    found.add(_aware(r[ci]))
    snap.stamps = sorted(found)
    index = {s: i for i, s in enumerate(snap.stamps)}
    texts = [(s.isoformat(), i) for s, i in index.items()]
    for ti, rows in enumerate(snap.tables):
        model = models.get(rows.table)
        kinds = {f.column: f.get_internal_type() for f in model._meta.concrete_fields} if model else {}
        for ci, col in enumerate(rows.columns):
            for ri, r in enumerate(rows.rows):
                v = r[ci]
                if isinstance(v, dt.datetime) and kinds.get(col) == "DateTimeField" and _aware(v) in index:
                    snap.stamp_cells.append((ti, ri, ci, index[_aware(v)], v.tzinfo is None))
                elif isinstance(v, str):
                    hits = [(text, i) for text, i in texts if text in v]
                    if hits:
                        snap.text_cells.append((ti, ri, ci, hits))


def _replay(conn, snap: Snapshot) -> None:
    from django.utils import timezone

    stamps = [timezone.now() for _ in snap.stamps]  # one clock reading per original one, in their order
    rows = [[list(r) for r in t.rows] for t in snap.tables]
    for ti, ri, ci, si, naive in snap.stamp_cells:
        rows[ti][ri][ci] = stamps[si].astimezone(dt.timezone.utc).replace(tzinfo=None) if naive else stamps[si]
    for ti, ri, ci, hits in snap.text_cells:
        v = rows[ti][ri][ci]
        for text, si in hits:
            v = v.replace(text, stamps[si].isoformat())
        rows[ti][ri][ci] = v
    for ti, ri, ci, draw in snap.volatile_cells:
        rows[ti][ri][ci] = draw()
    q = conn.ops.quote_name
    with transaction.atomic(using=conn.alias), conn.cursor() as c:
        for t, trows in zip(snap.tables, rows):
            cols = ", ".join(q(col) for col in t.columns)
            one = "(" + ", ".join(["%s"] * len(t.columns)) + ")"
            for i in range(0, len(trows), CHUNK):
                part = trows[i:i + CHUNK]
                c.execute(f"INSERT INTO {q(t.table)} ({cols}) VALUES " + ", ".join([one] * len(part)),
                          [v for r in part for v in r])
        # SQLite moves an AUTOINCREMENT table's sqlite_sequence past an explicit rowid itself; PostgreSQL's
        # sequences (identity columns) do not: set each past the rows, never back (sequences are not rolled back).
        seqs = [(t.sequence, max(r[t.columns.index(_pk_column(t.table))] for r in t.rows))
                for t in snap.tables if t.sequence]
        if seqs:
            c.execute("SELECT " + ", ".join(
                f"setval(%s, GREATEST(%s, (SELECT last_value FROM {s})))" for s, _ in seqs),
                [p for s, m in seqs for p in (s, m)])
    for cache in snap.invalidate:
        cache.invalidate()


def load_core(using: str = "default") -> str:
    """The effect of `envbureau.core.demo_core.load_core` on the test database: replayed when a snapshot fits,
    else run (and snapshotted when it can be). Returns "replayed", "captured" or "fresh"."""
    global last_outcome
    conn = connections[using]
    key = _key(conn)
    if key is None:
        _run()
        last_outcome = "fresh"
        return last_outcome
    state = _states.setdefault(key, _State([]))
    fp = _fingerprint(conn, state.tables)
    if fp in state.snaps:
        snap = state.snaps[fp]
        if snap is not None and all(_read(conn, t) == rows for t, rows in snap.before_rows.items()):
            _replay(conn, snap)
            last_outcome = "replayed"
            return last_outcome
        _run()
        last_outcome = "fresh"
        return last_outcome
    if len(state.snaps) >= MAX_STATES:
        _run()
        last_outcome = "fresh"
        return last_outcome
    before, snap = _capture(conn, state)
    state.snaps[before] = snap
    last_outcome = "captured" if snap is not None else "fresh"
    return last_outcome
