"""`envbureau demo` twice changes nothing: no row of any app and no audit entry is added the second time."""

import pytest
from django.apps import apps
from django.core.management import call_command

APPS = {"core", "quality", "sources", "ledger", "complaints"}


def _counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.app_label in APPS}


@pytest.mark.django_db
def test_demo_twice_changes_nothing():
    call_command("demo", "--light", stdout=open("/dev/null", "w"))
    first = _counts()
    assert first["core.User"] >= 7 and first["quality.AirHourly"] > 0
    call_command("demo", "--light", stdout=open("/dev/null", "w"))
    second = _counts()
    changed = {k: (first[k], second[k]) for k in first if first[k] != second[k]}
    assert not changed, changed
