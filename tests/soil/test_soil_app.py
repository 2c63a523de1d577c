"""Soil: the plot lifecycle through the kit (reviews gate each step), GB 36600 verdicts per land class, key
units' duties with due dates, indicators from the records, scoping and the pages/API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from envbureau.core import workflow as wf
from envbureau.core.models import Jurisdiction, Role, RoleAssignment, Task, User
from envbureau.soil import services, stats
from envbureau.soil.models import Duty, FarmlandUnit, KeyUnit, Plot, Sample


@pytest.fixture
def soil(demo_core):
    from envbureau.sources.models import Enterprise

    dc, cy = Jurisdiction.objects.get(code="110101"), Jurisdiction.objects.get(code="110105")
    staff = User.objects.create(username="s_staff")
    RoleAssignment.objects.create(user=staff, role=Role.objects.get(code="waste_officer"))
    ent = Enterprise.objects.create(credit_code="91110101MA01AAAA1X", name="使用权人甲", jurisdiction=dc)
    ent_user = User.objects.create(username="s_ent")
    RoleAssignment.objects.create(user=ent_user, role=Role.objects.get(code="enterprise"), enterprise_id=ent.pk)

    def plot(code, use="residential", jur=dc, **kw):
        return services.create_plot(staff, Plot(code=code, name=f"地块{code}", jurisdiction=jur, planned_use=use,
                                                area_m2=Decimal("1000"), **kw))

    return {"staff": staff, "ent": ent, "ent_user": ent_user, "plot": plot, "dc": dc, "cy": cy}


def sample(p, pollutant, value):
    return Sample.objects.create(plot=p, point="S1", pollutant=pollutant, value=Decimal(value),
                                 sampled_on=dt.date(2026, 5, 1))


def test_verdict_follows_the_land_class_of_the_planned_use(soil):
    # 苯: screening 1 (第一类) / 4 (第二类) mg/kg.
    home, works = soil["plot"]("A", "residential"), soil["plot"]("B", "industrial")
    assert sample(home, "苯", "2").exceeds
    assert not sample(works, "苯", "2").exceeds
    assert [sample(home, "苯", v).verdict.level for v in ("1", "10", "10.1")] == \
        ["negligible", "between", "above_intervention"]
    with pytest.raises(ValidationError):
        Sample(plot=home, point="S", pollutant="水", value=Decimal(1), sampled_on=dt.date(2026, 1, 1)).full_clean()


def test_lifecycle_each_step_needs_its_passed_review(soil):
    s = soil["staff"]
    p = soil["plot"]("C")
    with pytest.raises(ValidationError):
        wf.apply(s, p, "conclude_survey")  # no review yet
    wf.apply(s, p, "review", kind="survey", outcome="failed", reviewed_on="2026-03-01")
    with pytest.raises(ValidationError):
        wf.apply(s, p, "conclude_survey")  # only a failed review
    wf.apply(s, p, "review", kind="survey", outcome="passed", reviewed_on="2026-04-01")
    with pytest.raises(ValidationError):
        wf.apply(s, p, "conclude_survey")  # no sampling results
    sample(p, "砷", "30")  # class 1 screening 20
    wf.apply(s, p, "conclude_survey")
    p.refresh_from_db()
    assert p.state == "risk"
    assert [(r.kind, r.round, r.outcome) for r in p.reviews.order_by("id")] == [("survey", 1, "failed"),
                                                                                 ("survey", 2, "passed")]
    with pytest.raises(ValidationError):
        wf.apply(s, p, "enlist")
    wf.apply(s, p, "review", kind="risk", outcome="passed")
    wf.apply(s, p, "enlist", listed_on="2026-06-01")
    with pytest.raises(ValidationError):
        wf.apply(s, p, "finish_works")
    wf.apply(s, p, "review", kind="plan", outcome="passed")
    wf.apply(s, p, "finish_works")
    with pytest.raises(ValidationError):
        wf.apply(s, p, "remove")
    wf.apply(s, p, "review", kind="effect", outcome="passed")
    wf.apply(s, p, "remove", removed_on="2026-11-01")
    p.refresh_from_db()
    assert (p.state, p.listed_on, p.removed_on) == ("removed", dt.date(2026, 6, 1), dt.date(2026, 11, 1))
    assert not Task.objects.filter(model="soil.plot", object_id=str(p.pk), is_open=True).exists()


def test_survey_below_screening_ends_as_not_contaminated(soil):
    p = soil["plot"]("D")
    sample(p, "砷", "20")  # = screening: not above
    wf.apply(None, p, "review", kind="survey", outcome="passed")
    wf.apply(None, p, "conclude_survey")
    p.refresh_from_db()
    assert p.state == "clean"


def test_bad_review_data_is_400(soil):
    p = soil["plot"]("E")
    with pytest.raises(ValidationError) as e:
        wf.apply(soil["staff"], p, "review", kind="novel", outcome="passed")
    assert "kind" in e.value.message_dict


def test_enterprise_and_officers_see_what_they_should(soil):
    mine = soil["plot"]("F", enterprise_id=soil["ent"].pk)
    other = soil["plot"]("G", jur=soil["cy"])
    visible = lambda u: set(Plot.objects.restrict(u, "view").values_list("code", flat=True))  # noqa: E731
    assert visible(soil["ent_user"]) == {"F"}
    assert visible(User.objects.get(username="dongcheng")) == {"F"}
    assert visible(soil["staff"]) == {"F", "G"}
    with pytest.raises(PermissionDenied):
        wf.apply(soil["ent_user"], mine, "review", kind="survey", outcome="passed")
    assert other.pk


def test_key_unit_duties_and_due_dates(soil):
    u1 = KeyUnit.objects.create(enterprise_id=soil["ent"].pk, name="甲", jurisdiction=soil["dc"], list_year=2026,
                                listed_on=dt.date(2025, 3, 1))
    u2 = KeyUnit.objects.create(enterprise_id=soil["ent"].pk, name="甲", jurisdiction=soil["dc"], list_year=2025,
                                listed_on=dt.date(2024, 3, 1))
    services.ensure_duties(dt.date(2026, 6, 1))
    got = {(d.unit_id, d.kind, d.due) for d in Duty.objects.all()}
    # First hidden-danger check within a year of listing, then every two years (2025 → 2027 for u2).
    assert got == {(u1.pk, "self_monitoring", dt.date(2026, 12, 31)), (u1.pk, "hidden_danger", dt.date(2026, 3, 1)),
                   (u2.pk, "self_monitoring", dt.date(2026, 12, 31))}
    services.ensure_duties(dt.date(2026, 6, 2))
    assert Duty.objects.count() == 3
    d = Duty.objects.get(kind="hidden_danger")
    assert Task.objects.get(model="soil.duty", object_id=str(d.pk), is_open=True).due_date == dt.date(2026, 3, 1)
    wf.apply(soil["ent_user"], d, "done", done_on="2026-03-02")
    d.refresh_from_db()
    assert (d.state, d.late) == ("done", True)


@pytest.mark.parametrize("done_on,late", [("2026-12-30", False), ("2026-12-31", False), ("2027-01-01", True)])
def test_duty_late_boundary(soil, done_on, late):
    u = KeyUnit.objects.create(enterprise_id=soil["ent"].pk, name="甲", jurisdiction=soil["dc"], list_year=2026,
                               listed_on=dt.date(2026, 8, 1))
    services.ensure_duties(dt.date(2026, 9, 1))
    d = Duty.objects.get(unit=u, kind="self_monitoring")
    wf.apply(None, d, "done", done_on=done_on)
    d.refresh_from_db()
    assert d.late is late


def test_demolition_plan_filed_15_working_days_before_start(soil):
    u = KeyUnit.objects.create(enterprise_id=soil["ent"].pk, name="甲", jurisdiction=soil["dc"], list_year=2026,
                               listed_on=dt.date(2026, 1, 5))
    # Start Monday 2026-12-07: Dec 4, 3, 2, 1, Nov 30, Nov 27–23, Nov 20–16 are the 15 working days before it.
    d = services.plan_demolition(soil["staff"], u, "2026-12-07", "拆除旧车间")
    assert (d.kind, d.due) == ("demolition", dt.date(2026, 11, 16))


def test_indicators_from_the_records(soil):
    s = soil["staff"]
    safe = soil["plot"]("H")
    unsafe = soil["plot"]("I", developed=True)
    soil["plot"]("J", "industrial", developed=True)  # second-class land: not a key construction plot
    for p, value in ((safe, "5"), (unsafe, "5")):
        sample(p, "苯", value)
        wf.apply(s, p, "review", kind="survey", outcome="passed", reviewed_on="2026-04-01")
        wf.apply(s, p, "conclude_survey")
    for name, level, area, measures, ok in (("B", "slight", "200", True, True), ("C", "moderate", "700", True, True),
                                            ("C0", "moderate", "50", True, False), ("D", "heavy", "50", True, False)):
        FarmlandUnit.objects.create(name=name, jurisdiction=soil["dc"], year=2026, level=level,
                                    area_hm2=Decimal(area), measures=measures, produce_ok=ok)
    rows = {r["key"]: r for r in stats.indicators(s, 2026)["rows"]}
    assert rows["key_safe_rate"]["value"] == "50.0%"  # H safe; I developed while contamination unresolved
    assert rows["farmland_rate"]["value"] == "95.0%"  # (200 + 700 + 50) / 1000
    assert rows["first_pass_rate"]["value"] == "100.0%"
    assert rows["surveyed"]["value"] == 2 and rows["plots"]["value"] == 3
    c = Client()
    c.force_login(s)
    listed = c.get(rows["surveyed"]["url"]).content.decode()
    assert "地块H" in listed and "地块J" not in listed


def test_pages_and_api(soil):
    p = soil["plot"]("K", enterprise_id=soil["ent"].pk)
    sample(p, "苯并[a]芘", "2.0")  # class 1: screening 0.55, intervention 5.5
    c = Client()
    c.force_login(soil["staff"])
    page = c.get(f"/soil/plots/{p.pk}/").content.decode()
    assert "超过筛选值、不超过管制值" in page and "0.55" in page
    r = c.post(f"/soil/plots/{p.pk}/do/review/", {"kind": "survey", "outcome": "passed", "reviewed_on": "2026-05-01"})
    assert r.status_code == 302 and p.reviews.count() == 1
    data = c.get(f"/api/v1/soil/plots/{p.pk}/exceedances/").json()
    assert [(x["pollutant"], x["level"]) for x in data] == [("苯并[a]芘", "between")]
    r = c.post(f"/api/v1/soil/plots/{p.pk}/conclude-survey/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "risk"
    assert c.get("/api/v1/soil/indicators/?year=2026").status_code == 200
    assert c.get("/soil/indicators/?year=x").status_code == 400
    assert c.get("/soil/map/").status_code == 200
    e = Client()
    e.force_login(soil["ent_user"])
    assert e.get(f"/soil/plots/{p.pk}/").status_code == 200
    assert e.post(f"/api/v1/soil/plots/{p.pk}/enlist/", {}, content_type="application/json").status_code == 403
    anon = Client()
    assert anon.get("/soil/plots/").status_code == 302 and anon.get("/api/v1/soil/plots/").status_code in (401, 403)
