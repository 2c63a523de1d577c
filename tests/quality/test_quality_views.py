"""quality/views.py beyond "page answers 200": whose area a page shows, who may not open it, the period
forms, the data-review form and its revocation through the web, and the warning actions."""

import datetime as dt

import pytest

from pagecheck import XLSX, shows

pytestmark = pytest.mark.django_db


def test_district_officer_sees_own_district_and_not_the_city(client_for, beijing_slice):
    c = client_for("dongcheng")
    shows(c, {"/quality/?year=2015": "空气质量总览 · 东城区 2015年",
              "/quality/assessment/?year=2015&month=2": "空气质量评价 · 东城区 2015年2月",
              "/quality/?from=2015-02-01&to=2015-02-10": "空气质量总览 · 东城区"})
    assert c.get("/quality/?j=110000&year=2015").status_code == 404  # the city is not among its choices
    assert c.get("/quality/?j=110102&year=2015").status_code == 404


def test_city_staff_picks_a_district(client_for, beijing_slice):
    shows(client_for("air_staff"), {"/quality/?j=110101&year=2015": "空气质量总览 · 东城区 2015年",
                                    "/quality/rankings/?year=2015&quarter=1": "区县排名 · 北京市",
                                    "/quality/targets/?year=2015&j=110101": "目标任务 · 东城区 2015年"})


def test_no_quality_right_no_page(client_for, beijing_slice):
    from envbureau.core.models import Role, RoleAssignment, User

    u = User.objects.create(username="firm")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"), enterprise_id=1)
    c = client_for("firm")
    for url in ("/quality/", "/quality/assessment/", "/quality/warnings/", "/quality/reviews/"):
        assert c.get(url).status_code == 403, url


def test_no_air_results_yet_shows_the_empty_page(client_for, stations):
    r = client_for("air_staff").get("/quality/")
    assert r.status_code == 200 and "<title>空气质量总览 ·" in r.content.decode()


def test_review_and_revoke_through_the_web(client_for, beijing_slice, stations):
    from envbureau.quality.models import AirDaily, DataReview

    c = client_for("air_staff")
    dongsi = stations["Dongsi"]
    day = dt.date(2015, 1, 20)
    pm25 = AirDaily.objects.get(station=dongsi, date=day).pm25
    r = c.post("/quality/reviews/", {"station": dongsi.pk, "start": "2015-01-20T00:00", "end": "2015-01-20T23:00",
                                     "pollutants": ["pm25"], "reason": "仪器故障"}, follow=True)
    assert "已标记 24 个小时的数据无效" in r.content.decode()
    rv = DataReview.objects.get()
    assert AirDaily.objects.get(station=dongsi, date=day).pm25 is None
    assert "仪器故障" in c.get("/quality/reviews/").content.decode()
    assert c.get(f"/quality/reviews/{rv.pk}/revoke/").status_code == 404  # only by POST
    r = c.post(f"/quality/reviews/{rv.pk}/revoke/", follow=True)
    assert "已撤销审核" in r.content.decode()
    assert AirDaily.objects.get(station=dongsi, date=day).pm25 == pytest.approx(pm25)


def test_review_form_errors_and_rights(client_for, beijing_slice, stations):
    from envbureau.quality.models import DataReview

    dongsi = stations["Dongsi"]
    form = {"station": dongsi.pk, "start": "2015-01-20T00:00", "end": "2015-01-20T23:00", "pollutants": ["pm25"],
            "reason": "x"}
    assert client_for("leader").post("/quality/reviews/", form).status_code == 403  # read-only role
    r = client_for("air_staff").post("/quality/reviews/", {**form, "reason": ""})
    assert r.status_code == 200 and DataReview.objects.count() == 0  # the form comes back with its error


def test_warning_list_filter_export_and_actions(client_for, stations):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import Warning

    when = dt.datetime(2016, 5, 1, 10, tzinfo=dt.UTC)
    w = Warning.objects.create(kind="air_threshold", jurisdiction=Jurisdiction.objects.get(code="110101"),
                               subject="东四", pollutant="pm25", first_time=when, last_time=when, value=600,
                               message="PM2.5 小时值 600")
    c = client_for("air_staff")
    shows(c, {"/quality/warnings/": "PM2.5 小时值 600", "/quality/warnings/?state=open": "东四",
              "/quality/warnings/?export=xlsx": XLSX, f"/quality/warnings/{w.pk}/": "PM2.5 小时值 600"})
    assert c.post(f"/quality/warnings/{w.pk}/", {"action": "no-such-action"}).status_code == 404
    r = c.post(f"/quality/warnings/{w.pk}/", {"action": "acknowledge", "note": "已通知"}, follow=True)
    assert r.status_code == 200 and "已更新" in r.content.decode()
    w.refresh_from_db()
    assert w.state != "open"
    # The Xicheng officer does not see a Dongcheng warning at all.
    from envbureau.core.models import Role, RoleAssignment, User

    x = User.objects.create(username="xicheng_officer")
    RoleAssignment.objects.create(user=x, role=Role.objects.get(code="officer"),
                                  jurisdiction=Jurisdiction.objects.get(code="110102"))
    assert client_for("xicheng_officer").get(f"/quality/warnings/{w.pk}/").status_code == 404
