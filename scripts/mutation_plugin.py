"""pytest plugin for `make mutate` only: build the test database once and keep it for every mutant.

mutmut forks one child per mutant from a process that has already run the tests; each child starts a new
pytest session, which would migrate a fresh in-memory SQLite database every time (seconds per mutant). The
forked child inherits the parent's in-memory database (a private copy after fork), and each test runs in a
rolled-back transaction, so the database can be made once and reused.
"""

from django.test import utils

_setup, _kept = utils.setup_databases, {}


def setup_databases(*args, **kwargs):
    if "config" not in _kept:
        _kept["config"] = _setup(*args, **kwargs)
    return _kept["config"]


def teardown_databases(old_config, **kwargs):
    """Kept for the next (forked) session."""


utils.setup_databases = setup_databases
utils.teardown_databases = teardown_databases
