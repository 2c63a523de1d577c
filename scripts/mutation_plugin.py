"""pytest plugin for `make mutate` only: build the test database and the core demo world once for every mutant.

mutmut forks one child per mutant from a process that has already run the tests; each child starts a new
pytest session, which would migrate a fresh in-memory SQLite database every time (seconds per mutant). The
forked child inherits the parent's in-memory database (a private copy after fork), and each test runs in a
rolled-back transaction, so the database can be made once and reused.

The `demo_core` fixture (jurisdictions, roles, departments, demo users: most of a rule test's time) is built
the same way: once, when the test database is made, kept as an SQLite image beside the bare migrated one.
Before each test the matching image is copied into the test database (a page copy of a few MB, milliseconds),
so a test that asks for `demo_core` starts with the world already there and one that does not starts from the
bare database, exactly as without this plugin, and a transactional test that flushed the tables cannot leak
into the next. The world is built with the unmutated code: a mutant that would only break the world's
construction is then judged by the tests' assertions, not by the fixture.

EB_MUTATE_TESTS=FILE (one test file or node id a line) limits collection to those tests: mutmut's own test
selection stays one fixed folder, so adding a test file to a module's list in scripts/mutate.py does not reset
the module's verdicts (mutmut only runs its stats for the new tests).

In a mutant's run the selected tests are ordered fastest file first, fastest test first within a file (mutmut's
own timings): with -x the first failure ends the run, so a killed mutant costs its cheapest killing test.
"""

import os
import sqlite3
from pathlib import Path

import pytest
from django.test import utils

_setup, _kept = utils.setup_databases, {}


def _raw():
    from django.db import connections

    c = connections["default"]
    if c.vendor != "sqlite":
        return None
    c.ensure_connection()
    return c.connection


def _image(raw):
    img = sqlite3.connect(":memory:", check_same_thread=False)
    raw.backup(img)
    return img


def _build_world(raw):
    from django.db import transaction
    from django.test.utils import override_settings

    from envbureau.core import demo_core

    real = demo_core.load_core
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        real(lambda m: None)
    _kept["world"] = _image(raw)

    def load_core(log, *args, **kwargs):
        if _kept.get("current") != "world":  # called outside a test set up by this plugin: build it for real
            return real(log, *args, **kwargs)
        return None

    demo_core.load_core = load_core


def setup_databases(*args, **kwargs):
    if "config" not in _kept:
        _kept["config"] = _setup(*args, **kwargs)
        raw = _kept["raw"] = _raw()  # an in-memory test database: Django never closes its connection
        if raw is not None and os.environ.get("EB_MUTATE_SHARED_WORLD", "1") == "1":
            _kept["bare"] = _image(raw)
            _build_world(raw)
            _kept["bare"].backup(raw)
            _kept["current"] = "bare"
    return _kept["config"]


def teardown_databases(old_config, **kwargs):
    """Kept for the next (forked) session."""


utils.setup_databases = setup_databases
utils.teardown_databases = teardown_databases


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if "bare" not in _kept:
        return
    want = "world" if "demo_core" in item.fixturenames else "bare"
    _kept[want].backup(_kept["raw"])
    _kept["current"] = want


_selected = None
if os.environ.get("EB_MUTATE_TESTS"):
    _selected = [line.strip() for line in Path(os.environ["EB_MUTATE_TESTS"]).read_text().splitlines() if line.strip()]


def _wanted(path: str) -> bool:
    """A listed file, a file in a listed folder, or a folder on the way to one."""
    for t in _selected:
        f = t.partition("::")[0].rstrip("/")
        if path == f or path.startswith(f + "/") or f.startswith(path + "/"):
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    if _selected is None:
        return None
    rel = os.path.relpath(str(collection_path), str(config.rootpath))
    if rel == "." or rel.startswith(".."):
        return None
    if collection_path.is_file() and not collection_path.name.startswith("test_"):
        return None
    return None if _wanted(rel) else True


# Hypothesis properties in a mutant's run: at most this many examples each, the same ones every run
# (derandomized, no example database). A property with 300-400 examples (tests/hj212, tests/standards) cost
# seconds in every mutant it reached; fewer examples can only let more mutants survive, never hide one.
MAX_EXAMPLES = int(os.environ.get("EB_MUTATE_MAX_EXAMPLES", "20"))


def _cap_hypothesis(items) -> None:
    try:
        from hypothesis import settings
    except ImportError:
        return
    for it in items:
        fn = getattr(getattr(it, "obj", None), "__func__", getattr(it, "obj", None))
        s = getattr(fn, "_hypothesis_internal_use_settings", None)
        if s is not None and getattr(fn, "is_hypothesis_test", False):
            fn._hypothesis_internal_use_settings = settings(
                s, max_examples=min(s.max_examples, MAX_EXAMPLES), derandomize=True, database=None)


def pytest_collection_modifyitems(config, items):
    _cap_hypothesis(items)
    if _selected is None:
        return
    ids = [t for t in _selected if "::" in t]
    files = {t.rstrip("/") for t in _selected if "::" not in t}
    keep, drop = [], []
    for it in items:
        path = it.nodeid.split("::")[0]
        if path in files or any(path.startswith(f + "/") for f in files) or any(
                it.nodeid == i or it.nodeid.startswith(i + "[") or it.nodeid.startswith(i + "::") for i in ids):
            keep.append(it)
        else:
            drop.append(it)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    _fastest_first(items)


def _fastest_first(items):
    """In a mutant's run (-x), the first failing test ends it: run the files with the fastest tests first, and
    each file's tests fastest first (a file's tests stay together, so a module-scoped fixture is built once).
    A killed mutant then costs its cheapest killing test, not whatever the set order put first. Durations are
    mutmut's, timed in its stats run (inherited by the forked child); tests it has not timed come first."""
    try:
        from mutmut.state import state

        timed = {k.removeprefix("mutants/"): v for k, v in state().duration_by_test.items()}
    except Exception:  # not under mutmut
        return
    if not timed or len(items) < 2:
        return

    def took(it):
        return timed.get(it.nodeid.removeprefix("mutants/"), 0.0)

    per_file: dict[str, list[float]] = {}
    for it in items:
        per_file.setdefault(it.nodeid.split("::")[0], []).append(took(it))
    rank = {f: sum(v) / len(v) for f, v in per_file.items()}
    items.sort(key=lambda it: (rank[it.nodeid.split("::")[0]], it.nodeid.split("::")[0], took(it)))
