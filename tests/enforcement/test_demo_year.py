"""The enforcement demo: a year of quarterly draws (each re-checkable), checks started by the demo's
online-monitoring alarms and by demo complaints naming a registered enterprise in the same records, a case that
links back to its alarm, a complaint whose page links to the check and case started from it (and back), a
finding on the ledger."""

import datetime as dt

import pytest
from django.apps import apps


@pytest.fixture
def demo(light_world, db):
    """The light demo of every app (built once per test process, copied in for this module)."""


def test_year_of_draws_alarm_and_complaint_checks_cases_and_ledger(demo, client_for):
    from envbureau.enforcement import services
    from envbureau.enforcement.models import Case, Draw, Inspection

    names = set(Draw.objects.values_list("plan__name", flat=True))
    assert {f"2026年第{q}季度北京市污染源双随机抽查" for q in (1, 2, 3)} <= names
    from django.utils import timezone

    from envbureau.enforcement.demo import QUARTERS

    days = {f"2026年第{q}季度北京市污染源双随机抽查": day for q, _s, day in QUARTERS}
    for d in Draw.objects.all():
        ok, problems = services.verify_draw(d)
        assert ok, (d.code, problems)
        assert d.status == "published"
        # dated on its day and published after its checks, not all at the moment the demo ran
        drawn = timezone.localtime(d.drawn_at).date()
        assert drawn == days.get(d.plan.name, dt.date(2026, 10, 8)), d.code
        for i in d.inspections.filter(published_at__isnull=False):
            assert i.inspected_on < timezone.localtime(i.published_at).date() <= i.publish_due, i.code
    assert not Case.objects.filter(filed_on__gt=timezone.localdate()).exists()  # nothing filed in the future
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

    # complaints: the complaints demo names registered enterprises on a few plant complaints (order 51) ...
    Complaint = apps.get_model("complaints", "Complaint")
    named = Complaint.objects.filter(external_ref__startswith="demo-", enterprise_id__isnull=False)
    assert named.count() >= 2
    Enterprise = apps.get_model("sources", "Enterprise")
    for c in named:
        e = Enterprise.objects.get(pk=c.enterprise_id)
        assert c.enterprise_name == e.name
        assert c.jurisdiction.path.startswith(e.jurisdiction.path) or e.jurisdiction.path.startswith(
            c.jurisdiction.path)  # an enterprise of the complaint's own area
    # ... and the enforcement demo starts checks from them: the first becomes a case, the next goes to the ledger
    from_complaints = list(Inspection.objects.filter(source="complaint").order_by("pk"))
    assert len(from_complaints) == 2
    admin = client_for("admin")
    for i in from_complaints:
        c = Complaint.objects.get(pk=i.source_ref.split(":")[1])
        assert i.source_ref == f"complaints.complaint:{c.pk}" and c.enterprise_id == i.enterprise_id
        check_page = admin.get(f"/enforcement/inspections/{i.pk}/").content.decode()
        assert f'href="/complaints/{c.pk}/"' in check_page  # the check names its complaint ...
        complaint_page = admin.get(f"/complaints/{c.pk}/").content.decode()
        assert f'href="/enforcement/inspections/{i.pk}/"' in complaint_page and i.code in complaint_page  # ... and back
    case = Case.objects.get(source__startswith="complaints.complaint:")
    assert case.inspection == from_complaints[0]
    complaint_page = admin.get(f"/complaints/{case.source.split(':')[1]}/").content.decode()
    assert f'href="/enforcement/cases/{case.pk}/"' in complaint_page and "立案查处" in complaint_page
    assert f'href="/complaints/{case.source.split(":")[1]}/"' in admin.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert Problem.objects.filter(source_model="enforcement.inspection", source_pk=str(from_complaints[1].pk)).exists()


def test_demo_has_an_on_the_spot_seizure_waiting_for_the_heads_approval(demo, client_for):
    """The 24-hour watch is visible in the demo: a seizure taken on the spot at the alarm case, approval due 24 clock
    hours after it was taken, on the enforcement people's inbox with its hour; the watch flags it once past the
    limit (not before); a second demo run adds no second one. The demo's ordinary seizure is published."""
    import datetime as dt

    from envbureau.core import workflow as wf
    from envbureau.enforcement import measures
    from envbureau.enforcement.models import Measure

    m = Measure.objects.get(on_the_spot=True)
    assert m.kind == "seizure" and m.state == "pending" and m.case.source.startswith("sources.alarm:")
    assert m.approval_due - m.taken_at == dt.timedelta(hours=24)
    task = list(wf.open_tasks(m))
    assert len(task) == 1 and task[0].permission == "enforcement.decide" and "补办" in task[0].action
    tasks_page = client_for("enforcement").get("/tasks/").content.decode()
    assert m.code in tasks_page or "负责人补办查封、扣押批准手续" in tasks_page
    assert measures.watch(now=m.approval_due) == 0
    assert measures.watch(now=m.approval_due + dt.timedelta(minutes=1)) == 1
    assert Measure.objects.filter(kind="seizure", on_the_spot=False, published=True).exists()
    # a second run of the demo leaves these as they are: tests/core/test_demo_idempotent.py (counts and states)
