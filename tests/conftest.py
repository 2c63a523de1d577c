"""Shared fixtures: the core demo data and logged-in clients per demo user."""

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# Demo steps load a small slice in tests (the full Beijing import belongs in `make run` and bench/).
os.environ.setdefault("ENVBUREAU_DEMO_SMALL", "1")


def shared_path(*parts) -> Path:
    """A path in ../shared/, or skip the test with a clear message when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is absent: test needs the shared reference data")
    return p


# Fixtures through which a test reaches the database (directly or through fixtures that use them).
DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
               "django_db_setup", "live_server"}  # (django_db_blocker is in every test: pytest-django uses it)


# The long tests (page sweeps over the light demo, browser sweeps) run first: xdist then hands the short ones
# to whichever worker is free at the end, instead of one worker finishing a two-minute sweep alone.
HEAVY_FIRST = ("tests/test_", "tests/e2e/", "tests/reports/test_more_types",
               "tests/core/test_excel_exports.py", "tests/enforcement/test_stats_links.py",
               "tests/enforcement/test_demo_year.py", "tests/core/test_demo_idempotent.py")


def pytest_configure(config):
    """xdist: the workers of a run build the migrated database and the light demo once between them
    (tests/run_share.py); the controller names the run, so that it can remove what they left at the end."""
    import run_share

    if hasattr(config, "workerinput"):
        run_share.install()
    elif getattr(config.option, "numprocesses", None):
        global RUNNING
        RUNNING = None
    if not hasattr(config, "workerinput") and getattr(config.option, "numprocesses", None) \
            and not getattr(config.option, "testrunuid", None):
        import uuid

        config.option.testrunuid = uuid.uuid4().hex


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput") and getattr(config.option, "testrunuid", None):
        import contextlib

        from pytest_django.plugin import blocking_manager_key

        import run_share

        blocker = config.stash.get(blocking_manager_key, None)
        with blocker.unblock() if blocker is not None else contextlib.nullcontext():
            run_share.cleanup(config.option.testrunuid)


@pytest.hookimpl(tryfirst=True)  # before `-m` selects
def pytest_collection_modifyitems(config, items):
    """Mark `nodb` every test that asks for no database: pytest-django refuses such a test any database access,
    so its outcome cannot depend on the engine, and `make test` runs it on SQLite only (`-m "not nodb"` on
    PostgreSQL). Then put HEAVY_FIRST first."""
    for item in items:
        if item.get_closest_marker("django_db") is None and not DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.nodb)
    items.sort(key=lambda item: 0 if item.nodeid.startswith(HEAVY_FIRST) else 1)


# scripts/test.sh: a folder where each process that runs tests names its current one (not xdist's controller,
# which hears every worker's start and finish)
RUNNING = os.environ.get("ENVBUREAU_TEST_RUNNING")


def pytest_runtest_logstart(nodeid, location):
    """Each worker writes the test it is on (with the time it began) to a file of its own, so that `make test`'s
    progress line can name a test that has been running for minutes."""
    if RUNNING:
        import time

        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        Path(RUNNING, worker).write_text(f"{time.time():.0f} {nodeid}\n")


def pytest_runtest_logfinish(nodeid, location):
    if RUNNING:
        Path(RUNNING, os.environ.get("PYTEST_XDIST_WORKER", "main")).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, plus (PostgreSQL) a copy of it made before any live server connects,
    in which the light demo is built on first use (tests/demo_image.py); the copies are dropped at the end."""
    import demo_image

    with django_db_blocker.unblock():
        demo_image.prepare()
    yield
    with django_db_blocker.unblock():
        demo_image.drop_images()


@pytest.fixture
def migrated_sqlite(request, django_db_blocker):
    """`migrated_sqlite(path)` writes a freshly migrated, empty SQLite database to `path`, for a test that starts
    the platform in a subprocess: a copy of this process's migrated test database (milliseconds) instead of a
    `migrate` of its own (~40 s). Asked for from inside, so a test using it stays `nodb`."""
    import subprocess
    import sys

    from django.db import connections

    def write(path):
        from demo_image import write_migrated

        if connections["default"].vendor == "sqlite":
            request.getfixturevalue("django_db_setup")
        if not write_migrated(path):
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
            subprocess.run([sys.executable, "-m", "envbureau.cli", "migrate", "-v0"], env=env, check=True)
        return path

    return write


@pytest.fixture(scope="module")
def light_world(django_db_setup, django_db_blocker):
    """The light demo of every app (`envbureau demo --light`) for the whole module: built once per test process and
    copied in (tests/demo_image.py); the module's tests run in rolled-back transactions over it as usual."""
    from demo_image import light_demo

    with django_db_blocker.unblock(), light_demo():
        yield


@pytest.fixture
def demo_core(db):
    """What `envbureau.core.demo_core.load_core` writes: run once per test process, then replayed as rows
    (tests/core_snapshot.py) — the same tables, rows and side effects, for a few milliseconds instead of ~0.15 s."""
    import core_snapshot

    core_snapshot.load_core()


@pytest.fixture
def client_for(demo_core):
    from django.test import Client

    from envbureau.core.models import User

    def make(username: str) -> Client:
        c = Client()
        c.force_login(User.objects.get(username=username))
        return c

    return make


@pytest.fixture
def user_named(demo_core):
    from envbureau.core.models import User

    return lambda name: User.objects.get(username=name)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "DATA_DIR": tmp_path}
    os.environ.setdefault("ENVBUREAU_DATA_DIR", str(tmp_path))


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache: one test's lookups must not throttle the next test.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 makes every demo login load cost seconds; tests do not test the hasher's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# EB_TEST_TIMES=FILE: append "cpu_seconds wall_seconds nodeid" per test (setup + call + teardown) to FILE —
# on a shared machine the process's CPU time says which tests are heavy when wall time says little.
if os.environ.get("EB_TEST_TIMES"):
    import time as _time

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        cpu, wall = _time.process_time(), _time.perf_counter()
        yield
        with open(os.environ["EB_TEST_TIMES"], "a") as f:
            f.write(f"{_time.process_time() - cpu:.3f} {_time.perf_counter() - wall:.3f} {item.nodeid}\n")
