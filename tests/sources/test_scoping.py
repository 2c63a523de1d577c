"""Enterprise users see only their own enterprise; officers their subtree; 404 outside scope."""

import datetime as dt

import pytest

from envbureau.sources.models import Alarm, Declaration, Enterprise, MonitoringPoint, PointHourly
from envbureau.sources.registry import SourcesRegistry

from .conftest import packet


@pytest.fixture
def data(world, hour0):
    SourcesRegistry().on_stored([
        packet(world["p1"], hour0, {"a21026": {"Avg": 90, "ZsAvg": 90}}),
        packet(world["p2"], hour0, {"w01018": {"Avg": 90}}),
    ])
    assert Alarm.objects.count() == 2
    return world


def client(username):
    from django.test import Client

    from envbureau.core.models import User

    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def test_enterprise_user_sees_only_own_records(data):
    u = data["ent_user"]
    for model in (Enterprise, MonitoringPoint, Alarm, PointHourly):
        ids = set(model.objects.restrict(u, "view").values_list("pk", flat=True))
        assert ids
        if model is Enterprise:
            assert ids == {data["e1"].pk}
        elif model is PointHourly:
            assert set(PointHourly.objects.filter(pk__in=ids).values_list("point__enterprise_id", flat=True)) == {data["e1"].pk}
        else:
            assert set(model.objects.filter(pk__in=ids).values_list("enterprise_id", flat=True)) == {data["e1"].pk}


@pytest.mark.parametrize("url", ["/sources/enterprises/{e}/", "/sources/points/{p}/", "/sources/alarms/{a}/",
                                 "/sources/points/{p}/series.json?factor=w01018"])
def test_enterprise_user_gets_404_on_another_enterprise(data, url):
    c = client("ent1")
    other = url.format(e=data["e2"].pk, p=data["p2"].pk, a=Alarm.objects.get(point=data["p2"]).pk)
    mine = url.format(e=data["e1"].pk, p=data["p1"].pk, a=Alarm.objects.get(point=data["p1"]).pk)
    assert c.get(other).status_code == 404
    assert c.get(mine).status_code == 200


def test_enterprise_user_lists_and_api(data):
    c = client("ent1")
    html = c.get("/sources/alarms/").content.decode()
    assert data["e1"].name in html and data["e2"].name not in html
    board = c.get("/sources/board/?format=json").json()
    assert {p["mn"] for p in board["points"]} == {"TESTMN0001"}
    r = c.get("/api/v1/sources/enterprises/")
    assert r.status_code == 200
    body = r.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [e["id"] for e in rows] == [data["e1"].pk]
    assert c.get(f"/api/v1/sources/enterprises/{data['e2'].pk}/").status_code == 404
    assert c.get(f"/api/v1/sources/hourly/?point={data['p2'].pk}").json()["count"] == 0
    # read-only for the registry: an enterprise user cannot edit its own enterprise
    assert c.patch(f"/api/v1/sources/enterprises/{data['e1'].pk}/", {"name": "x"},
                   content_type="application/json").status_code == 403


def test_officer_sees_subtree(data):
    from envbureau.core.models import User

    dongcheng = User.objects.get(username="dongcheng")  # district 110101 officer; e1 is in a street of it
    assert set(Enterprise.objects.restrict(dongcheng).values_list("pk", flat=True)) == {data["e1"].pk}
    street = User.objects.get(username="donghuamen")
    assert set(Alarm.objects.restrict(street).values_list("enterprise_id", flat=True)) == {data["e1"].pk}
    c = client("dongcheng")
    assert c.get(f"/sources/enterprises/{data['e2'].pk}/").status_code == 404
    assert c.get(f"/sources/enterprises/{data['e1'].pk}/").status_code == 200


def test_city_wide_staff_see_all(data):
    from envbureau.core.models import User

    assert Enterprise.objects.restrict(User.objects.get(username="leader")).count() == 2


def test_enterprise_declares_only_for_itself(data):
    c = client("ent1")
    start = (dt.datetime.now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    end = (dt.datetime.now() + dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    r = c.post("/sources/declarations/add/", {"enterprise": data["e2"].pk, "kind": "maintenance", "start": start,
                                              "end": end, "reason": "x"})
    assert r.status_code == 400 and not Declaration.objects.exists()  # e2 is not a choice
    r = c.post("/sources/declarations/add/", {"enterprise": data["e1"].pk, "point": data["p1"].pk, "kind": "maintenance",
                                              "start": start, "end": end, "reason": "检修"})
    assert r.status_code == 302
    d = Declaration.objects.get()
    assert d.created_by.username == "ent1" and d.status == "pending"
    # and cannot approve its own declaration
    r = c.post(f"/sources/declarations/{d.pk}/", {"action": "approve"})
    d.refresh_from_db()
    assert d.status == "pending" and r.status_code in (302, 403)


def test_anonymous_gets_nothing(data):
    from django.test import Client

    c = Client()
    assert c.get("/api/v1/sources/alarms/").status_code in (401, 403)
    assert c.get("/sources/board/").status_code == 302


def test_api_declaration_by_enterprise_user_and_review_by_staff(data):
    start = (dt.datetime.now() + dt.timedelta(hours=1)).isoformat(timespec="minutes")
    end = (dt.datetime.now() + dt.timedelta(hours=4)).isoformat(timespec="minutes")
    c = client("ent1")
    r = c.post("/api/v1/sources/declarations/", {"enterprise": data["e2"].pk, "kind": "maintenance", "start": start,
                                                "end": end, "reason": "x"}, content_type="application/json")
    assert r.status_code == 404
    r = c.post("/api/v1/sources/declarations/", {"enterprise": data["e1"].pk, "kind": "maintenance", "start": start,
                                                "end": end, "reason": "检修"}, content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert c.post(f"/api/v1/sources/declarations/{pk}/approve/").status_code == 403
    alarm = Alarm.objects.get(point=data["p1"])
    assert c.post(f"/api/v1/sources/alarms/{alarm.pk}/acknowledge/").status_code == 403
    staff = client("enforcement")
    r = staff.post(f"/api/v1/sources/declarations/{pk}/approve/", {"note": "同意"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = staff.post(f"/api/v1/sources/declarations/{pk}/reject/", {"note": "x"}, content_type="application/json")
    assert r.status_code == 400


def test_api_dossier_events_and_unknown_mns_are_scoped(data):
    from envbureau.sources import services
    from envbureau.sources.models import UnknownMN

    services.add_dossier_event(data["e1"].pk, "enforcement.inspection", "现场检查")
    services.add_dossier_event(data["e2"].pk, "enforcement.inspection", "现场检查")
    UnknownMN.objects.create(mn="STRAY9")
    rows = client("ent1").get("/api/v1/sources/dossier-events/").json()["results"]
    assert [r["enterprise"] for r in rows] == [data["e1"].pk]
    assert client("ent1").get("/api/v1/sources/unknown-mns/").json()["count"] == 0
    assert client("admin").get("/api/v1/sources/unknown-mns/").json()["count"] == 1
