"""The `demo_core` fixture replays load_core's rows (tests/core_snapshot.py): the database it leaves is the one
load_core itself leaves, table by table and column by column, on every engine."""

import datetime as dt
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

import core_snapshot
from envbureau.core.demo_core import DEMO_PASSWORD, load_core

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?\+00:00")


class _Undo(Exception):
    pass


def _rolled_back(fn):
    """fn()'s result, with whatever it wrote rolled back."""
    try:
        with transaction.atomic():
            raise _Undo(fn())
    except _Undo as e:
        return e.args[0]


def _all_rows() -> dict:
    """Every table that has rows: its columns and rows (raw values, by pk)."""
    return {t: read for t in connection.introspection.table_names() if (read := core_snapshot._read(connection, t))[1]}


def _snapshot():
    state = core_snapshot._states[core_snapshot._key(connection)]
    return next(s for s in state.snaps.values() if s is not None)


def _stale_caches(snap):
    """Each cache the replay must invalidate, holding a value built before (as one may, between tests)."""
    for c in snap.invalidate:
        c._committed()
        c._data["before"] = "stale"


def _caches(snap):
    return [(c._uncommitted, dict(c._data)) for c in snap.invalidate]


def _aware(v):
    return v if timezone.is_aware(v) else v.replace(tzinfo=dt.UTC)


def _align_sequences(snap):
    """Sequences so that load_core draws the pks the snapshot holds (they are not rolled back on PostgreSQL, and a
    committing test may have moved SQLite's): ids are compared as they are, not up to renumbering."""
    with connection.cursor() as c:
        for t in snap.tables:
            pk = core_snapshot._pk_column(t.table)
            first = min(r[t.columns.index(pk)] for r in t.rows)
            if not isinstance(first, int):
                continue
            if connection.vendor == "sqlite":
                c.execute("DELETE FROM sqlite_sequence WHERE name = %s", [t.table])
                c.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [t.table, first - 1])
            else:
                c.execute("SELECT setval(%s, %s, %s)", [t.sequence, max(first - 1, 1), first > 1])


def test_replay_leaves_the_database_load_core_leaves(db):
    from envbureau.complaints import routing

    _rolled_back(core_snapshot.load_core)  # the snapshot (taken now unless an earlier test of the process took it)
    state = core_snapshot._states[core_snapshot._key(connection)]
    assert not state.unknown_receivers, "receivers of load_core's saves the replay does not reproduce"
    snap = _snapshot()
    assert any(c is routing._CACHE for c in snap.invalidate)

    def replay():
        _stale_caches(snap)
        t0 = timezone.now()
        assert core_snapshot.load_core() == "replayed"
        return _all_rows(), _caches(snap), (t0, timezone.now())

    def fresh():
        _align_sequences(snap)
        _stale_caches(snap)
        t0 = timezone.now()
        load_core(lambda m: None)
        return _all_rows(), _caches(snap), (t0, timezone.now())

    replayed, replayed_caches, r_window = _rolled_back(replay)
    loaded, loaded_caches, f_window = _rolled_back(fresh)

    # The jurisdiction boundaries' cache: emptied, and kept empty until the transaction ends.
    assert replayed_caches == loaded_caches == [(True, {})] * len(snap.invalidate)
    assert replayed.keys() == loaded.keys()
    stamps = []  # (fresh, replayed) of every time load_core took from the clock

    def stamp(f, r, where):
        f, r = _aware(f), _aware(r)
        if f_window[0] <= f <= f_window[1]:
            assert r_window[0] <= r <= r_window[1], where
            stamps.append((f, r))
            return True
        return False

    for table, (cols, rows) in loaded.items():
        r_cols, r_rows = replayed[table]
        assert r_cols == cols and len(r_rows) == len(rows), table
        for f_row, r_row in zip(rows, r_rows):
            for col, f, r in zip(cols, f_row, r_row):
                where = f"{table}.{col} of row {f_row[0]!r}"
                if isinstance(f, dt.datetime) and isinstance(r, dt.datetime) and stamp(f, r, where):
                    continue  # stamped anew at each replay, as load_core stamps it
                if (table, col) == ("core_user", "password"):
                    # Salted: another salt each time; the tests' hasher (MD5) and the demo password either way.
                    assert f.split("$")[0] == r.split("$")[0] == "md5" and check_password(DEMO_PASSWORD, r), where
                    continue
                if (table, col) == ("projects_changestamp", "token"):  # a random token each time
                    kept = {v for t in snap.tables for row in t.rows for v in row}
                    assert re.fullmatch("[0-9a-f]{32}", f) and re.fullmatch("[0-9a-f]{32}", r), where
                    assert r not in kept and f != r, where
                    continue
                if isinstance(f, str) and isinstance(r, str) and ISO.search(f):
                    # The same times written as text (an audit entry's changes: a user's date_joined).
                    assert ISO.split(f) == ISO.split(r), where
                    for fs, rs in zip(ISO.findall(f), ISO.findall(r)):
                        if not stamp(dt.datetime.fromisoformat(fs), dt.datetime.fromisoformat(rs), where):
                            assert fs == rs, where
                    continue
                assert f == r, where
    # The replay's times keep load_core's order, and one time stays one time.
    stamps.sort(key=lambda p: p[0])
    assert [r for _f, r in stamps] == sorted(r for _f, r in stamps)
    pairs = {}
    for f, r in stamps:
        assert pairs.setdefault(f, r) == r
    assert len(stamps) > 60  # users' date_joined, the audit entries' times and the date_joined they record


def _rewind_sequences(snap):
    """The pk sequences as in a new database (as a test with reset_sequences leaves them): below the snapshot's pks."""
    with connection.cursor() as c:
        for t in snap.tables:
            if connection.vendor == "sqlite":
                c.execute("DELETE FROM sqlite_sequence WHERE name = %s", [t.table])
            elif t.sequence:
                c.execute("SELECT setval(%s, 1, false)", [t.sequence])


@pytest.fixture
def replayed(db):
    """load_core's rows by replay (a first call in the process takes the snapshot), over rewound sequences."""
    _rolled_back(core_snapshot.load_core)
    _rewind_sequences(_snapshot())
    assert core_snapshot.load_core() == "replayed"


def test_next_pks_are_past_the_replayed_rows(replayed):
    from envbureau.core.models import AuditEntry, Department, Jurisdiction, Role, RoleAssignment, User

    top = {m: m.objects.order_by("-pk").values_list("pk", flat=True).first()
           for m in (AuditEntry, Department, Jurisdiction, Role, RoleAssignment, User)}
    through = RoleAssignment.departments.through
    top_through = through.objects.order_by("-pk").values_list("pk", flat=True).first()
    j = Jurisdiction.objects.create(code="110199", name="新区", level="district",
                                    parent=Jurisdiction.objects.get(code="110000"))
    u = User.objects.create_user("snap_new", password="x")
    d = Department.objects.create(code="snapdept", name="新科室")
    role = Role.objects.create(code="snaprole", name="新角色", kind="staff")
    a = RoleAssignment.objects.create(user=u, role=role, jurisdiction=j)
    a.departments.add(d)
    assert j.pk > top[Jurisdiction] and u.pk > top[User] and a.pk > top[RoleAssignment]
    assert d.pk > top[Department] and role.pk > top[Role]
    assert through.objects.get(roleassignment=a).pk > top_through
    assert AuditEntry.objects.order_by("-pk").first().pk > top[AuditEntry]


def test_a_replayed_demo_user_signs_in_with_the_demo_password(replayed):
    c = Client()
    c.post("/accounts/login/", {"username": "dongcheng", "password": DEMO_PASSWORD})
    assert "_auth_user_id" in c.session


def test_another_state_runs_load_core_itself(db):
    """A test that made some of these records first gets load_core run over them, as before."""
    from envbureau.core import audit
    from envbureau.core.models import Jurisdiction, User

    _rolled_back(core_snapshot.load_core)
    Jurisdiction.objects.create(code="110000", name="北京", level="city")
    assert core_snapshot.load_core() != "replayed"
    assert Jurisdiction.objects.get(code="110000").name == "北京" and User.objects.filter(username="admin").exists()

    def in_context():
        with audit.audit_context("cli"):
            return core_snapshot.load_core()

    assert _rolled_back(in_context) == "fresh"  # the entries it writes name the context


def test_a_load_core_that_writes_nothing_is_run_each_time(db, monkeypatch):
    """As scripts/mutation_plugin.py's stand-in when its image of the world is in: nothing kept to replay."""
    from envbureau.core import demo_core

    monkeypatch.setattr(core_snapshot, "_states", {})
    monkeypatch.setattr(demo_core, "load_core", lambda log: None)
    assert [core_snapshot.load_core(), core_snapshot.load_core()] == ["fresh", "fresh"]


@pytest.mark.django_db(transaction=True)
def test_replay_outside_a_test_transaction():
    """A transactional test (autocommit): the rows are written in one transaction of their own, committed, and the
    boundaries' cache ends empty and committed, as after load_core there."""
    from envbureau.complaints import routing
    from envbureau.core.models import Jurisdiction, User

    _rolled_back(core_snapshot.load_core)
    routing._CACHE._committed()  # (the rolled-back load left it waiting for a commit that never came)
    routing._CACHE._data["before"] = "stale"
    assert core_snapshot.load_core() == "replayed"
    assert not connection.in_atomic_block and (routing._CACHE._uncommitted, routing._CACHE._data) == (False, {})
    assert User.objects.get(username="dongcheng").assignments.get().jurisdiction.code == "110101"
    top = Jurisdiction.objects.order_by("-pk").first().pk
    assert Jurisdiction.objects.create(code="110199", name="新区", level="district",
                                       parent=Jurisdiction.objects.get(code="110000")).pk > top
