"""`make run` leaves `git status` as it found it (issue #10, "Docs and housekeeping": a run rewrote the tracked
compiled catalogue). The preparation steps of scripts/run.sh — migrate, demo, static files — are run for real, up to
just before serving (`--prepare-only`), into a throw-away data folder; the install step is left out (`--no-install`:
the virtual environment is the one running the tests) and the light demo stands in for the full one
(DEMO_ARGS=--light, the same steps on fewer rows), over a copy of the migrated database (about 15 s of CPU). Any file the run creates or changes in
the repository, tracked or not ignored, fails the test."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# `make run` prepares a SQLite data folder whatever DATABASE_URL says (the test drops it): once, on the SQLite run
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                 reason="make run prepares SQLite whatever the engine under test: checked on SQLite")]
REPO = Path(__file__).resolve().parents[1]


def git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout


def test_make_run_leaves_git_status_clean(tmp_path, migrated_sqlite):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    envbureau = Path(sys.executable).with_name("envbureau")
    if not envbureau.exists():
        pytest.skip("the envbureau command is not installed beside this Python")
    before = git_status()
    data = tmp_path / "data"
    data.mkdir()
    # The data folder starts with the migrated empty database (a copy of this run's, milliseconds): run.sh's
    # `migrate` still runs, finds nothing to apply, and the ~35 s of CPU of migrating from scratch is spared (the
    # migrations themselves are run by every test database).
    migrated_sqlite(data / "envbureau.sqlite3")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ENVBUREAU_STATIC_ROOT")}
    env.update(ENVBUREAU_DATA_DIR=str(data), DEMO_ARGS="--light", EB=str(envbureau))
    r = subprocess.run(["bash", "scripts/run.sh", "--prepare-only", "--no-install"], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "prepared (--prepare-only): not serving" in r.stdout
    # it did prepare: the database with the demo, the static files — all in the data folder
    assert (data / "envbureau.sqlite3").stat().st_size > 1_000_000
    assert (data / "static" / "envbureau" / "geo.js").exists()
    assert git_status() == before, "scripts/run.sh wrote into the repository:\n" + git_status()


def test_run_sh_refuses_an_unknown_option():
    r = subprocess.run(["bash", "scripts/run.sh", "--serve-nothing"], cwd=REPO, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and "usage: scripts/run.sh [--prepare-only] [--no-install]" in r.stderr
