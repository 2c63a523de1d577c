"""The enforcement demo: a year of quarterly draws (each re-checkable), checks started by the demo's
online-monitoring alarms in the same records, a case that links back to its alarm, a finding on the ledger."""

import pytest
from django.apps import apps


@pytest.fixture
def demo(db, settings):
    from envbureau.core import demo as core_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    core_demo.run_all(log=lambda m: None, light=True)


def test_year_of_draws_alarm_checks_cases_and_ledger(demo, client_for):
    from envbureau.enforcement import services
    from envbureau.enforcement.models import Case, Draw, Inspection

    names = set(Draw.objects.values_list("plan__name", flat=True))
    assert {f"2026年第{q}季度北京市污染源双随机抽查" for q in (1, 2, 3)} <= names
    for d in Draw.objects.all():
        ok, problems = services.verify_draw(d)
        assert ok, (d.code, problems)
        assert d.status == "published"
    Alarm = apps.get_model("sources", "Alarm")
    checks = list(Inspection.objects.filter(source="alarm"))
    assert checks
    for i in checks:
        model, pk = i.source_ref.split(":")
        alarm = Alarm.objects.get(pk=pk)
        assert model == "sources.alarm" and alarm.enterprise_id == i.enterprise_id and i.state == "recorded"
    case = Case.objects.get(source__startswith="sources.alarm:")
    assert case.inspection.source == "alarm" and case.inspection.source_ref == case.source
    page = client_for("admin").get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert f'href="/sources/alarms/{case.source.split(":")[1]}/"' in page
    Problem = apps.get_model("ledger", "Problem")
    to_ledger = [i for i in checks if i.result == "corrected"]
    assert to_ledger
    assert Problem.objects.filter(source_model="enforcement.inspection",
                                  source_pk__in=[str(i.pk) for i in to_ledger]).count() == len(to_ledger)
