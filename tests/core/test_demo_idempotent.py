"""`envbureau demo` run again changes nothing: no row of any app and no audit entry is added the second time, and
no record changes its state (a re-run must not, say, unpublish a seizure or reopen a case)."""

import os

import pytest
from django.apps import apps
from django.core.management import call_command

OWN = "envbureau."

# Whether a re-run adds rows is the demo's own logic (get_or_create by natural keys, guards on states), not the
# engine's: checked on SQLite. On PostgreSQL it cost a minute of CPU (the demo run again) for nothing new; the
# light demo itself is built on PostgreSQL by every module that uses it.
pytestmark = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="the demo's idempotence does not depend on the engine: checked on SQLite")


def _counts():
    out = {}
    for m in apps.get_models():
        if not m.__module__.startswith(OWN):
            continue
        out[m._meta.label] = m._default_manager.count()
        names = {f.name for f in m._meta.concrete_fields}
        for flag in ("state", "status", "published", "is_open"):
            if flag in names:
                out[f"{m._meta.label}.{flag}"] = sorted(
                    m._default_manager.values_list("pk", flag).order_by("pk"), key=lambda r: r[0])
    return out


def test_demo_again_changes_nothing(light_world, db):
    # light_world is `demo.run_all(light=True)`, what `envbureau demo --light` runs (tests/demo_image.py)
    first = _counts()
    assert first["core.User"] >= 7 and first["quality.AirHourly"] > 0 and first["enforcement.Case"] > 0
    call_command("demo", "--light", stdout=open("/dev/null", "w"))
    second = _counts()
    changed = {k: ([r for r in first[k] if r not in second[k]], [r for r in second[k] if r not in first[k]])
               if isinstance(first[k], list) else (first[k], second[k]) for k in first if first[k] != second[k]}
    assert not changed, changed
