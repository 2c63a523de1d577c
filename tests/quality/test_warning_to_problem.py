"""预警交办: a station warning is handed to a unit as a ledger problem and traced to closure there
(溯源治理、跟踪督查、通报反馈), as an online-monitoring alarm is; `Warning.problem_ref` is written."""

import datetime as dt

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def warning(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import Warning

    return Warning.objects.create(
        kind="air_threshold", jurisdiction=Jurisdiction.objects.get(code="110101"), source_ref="quality.airstation:1",
        subject="东四", pollutant="pm25", first_time=dt.datetime(2026, 11, 2, 8, tzinfo=TZ),
        last_time=dt.datetime(2026, 11, 2, 11, tzinfo=TZ), value=310.0, threshold=250.0, count=4,
        message="东四 PM25 小时浓度 4 次超过阈值 250,最高 310")


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_warning_becomes_a_problem_and_is_traced_to_closure(warning, user_named):
    from django.core.exceptions import ValidationError

    from envbureau.ledger.models import Problem
    from envbureau.quality import services

    officer = user_named("dongcheng")  # quality.handle + ledger.change in 东城区
    ref = services.warning_to_problem(officer, warning, deadline=dt.date(2026, 12, 15),
                                      responsible_units=["东城区城管委"], note="请排查周边工地扬尘")
    p = Problem.objects.get()
    assert ref == f"ledger.problem:{p.pk}"
    assert (p.source, p.category, p.jurisdiction.code, p.source_model, p.source_pk) == (
        "alarm", "air", "110101", "quality.warning", str(warning.pk))
    assert p.title == "东四 空气小时值超阈值(PM2.5)" and p.deadline == dt.date(2026, 12, 15)
    assert p.responsible_units == ["东城区城管委"]
    assert "2026-11-02 08:00 至 2026-11-02 11:00,共 4 次" in p.description
    assert "请排查周边工地扬尘" in p.description
    warning.refresh_from_db()
    assert warning.problem_ref == ref and warning.state == "acknowledged"
    assert warning.acknowledged_by == officer
    from envbureau.core.workflow import timeline

    [line] = timeline(warning)
    assert (line["verb"], line["verb_label"], line["from_state"], line["to_state"]) == (
        "to_problem", "预警交办(转问题台账)", "open", "acknowledged")
    assert line["note"] == f"预警交办为问题 {p.code}\n请排查周边工地扬尘"
    with pytest.raises(ValidationError, match="已交办"):
        services.warning_to_problem(officer, warning)  # only once
    # Traced: the warning page shows the problem and its state as the ledger moves it on.
    c = _client(officer)
    page = c.get(f"/quality/warnings/{warning.pk}/").content.decode()
    assert p.code in page and "已登记" in page and f"/ledger/problems/{p.pk}/" in page
    Problem.objects.filter(pk=p.pk).update(state="closed_out")
    assert "已销号" in c.get(f"/quality/warnings/{warning.pk}/").content.decode()


def test_who_may_hand_a_warning_over(warning, user_named):
    from django.http import Http404

    from envbureau.ledger.models import Problem
    from envbureau.quality import services

    # The leader sees it but may not handle it (403); the 东华门 street officer does not even see a
    # district warning (404).
    assert _client(user_named("leader")).post(f"/api/v1/quality/warnings/{warning.pk}/to-problem/").status_code == 403
    with pytest.raises(Http404):
        services.warning_to_problem(user_named("donghuamen"), warning)
    # The button shows only to who may hand over; a closed warning is not handed over.
    assert "预警交办" in _client(user_named("dongcheng")).get(f"/quality/warnings/{warning.pk}/").content.decode()
    assert "预警交办" not in _client(user_named("leader")).get(f"/quality/warnings/{warning.pk}/").content.decode()
    warning.state = "closed"
    warning.save()
    r = _client(user_named("dongcheng")).post(f"/api/v1/quality/warnings/{warning.pk}/to-problem/")
    assert r.status_code == 400 and not Problem.objects.exists()


def test_api_to_problem(warning, user_named):
    c = _client(user_named("dongcheng"))
    r = c.post(f"/api/v1/quality/warnings/{warning.pk}/to-problem/", {"deadline": "31/12/2026"},
               content_type="application/json")
    assert r.status_code == 400 and "deadline" in r.json()["error"]["fields"]
    r = c.post(f"/api/v1/quality/warnings/{warning.pk}/to-problem/", {"deadline": "2026-12-31"},
               content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["problem_ref"].startswith("ledger.problem:") and body["state"] == "acknowledged"
