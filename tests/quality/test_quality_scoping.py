"""Scoping: the 东城区 officer sees only 东城区's stations and results; other objects answer 404."""

import pytest

from pagecheck import XLSX, shows

pytestmark = pytest.mark.django_db


def test_dongcheng_sees_only_dongcheng_stations(client_for, stations):
    c = client_for("dongcheng")
    r = c.get("/api/v1/quality/stations/")
    assert r.status_code == 200
    codes = {s["code"] for s in r.json()["results"]}
    assert codes == {"BJ-Dongsi", "BJ-Tiantan"}
    page = c.get("/quality/stations/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "东四" in html and "天坛" in html and "官园" not in html
    guanyuan = stations["Guanyuan"].pk
    assert c.get(f"/quality/stations/{guanyuan}/").status_code == 404
    assert c.get(f"/api/v1/quality/stations/{guanyuan}/").status_code == 404
    assert c.get(f"/quality/stations/{stations['Dongsi'].pk}/").status_code == 200
    # an officer may view but not change
    assert c.get(f"/quality/stations/{stations['Dongsi'].pk}/edit/").status_code == 403


def test_dongcheng_results_and_pages_are_scoped(client_for, beijing_slice):
    c = client_for("dongcheng")
    daily = c.get("/api/v1/quality/air-daily/?since=2015-01-10&until=2015-01-10").json()
    assert {d["station"] for d in daily["results"]} == {"BJ-Dongsi", "BJ-Tiantan"}
    city = c.get("/api/v1/quality/city-daily/?since=2015-01-10&until=2015-01-10").json()
    assert {d["jurisdiction"] for d in city["results"]} == {"110101"}
    assert c.get("/api/v1/quality/assessment/?jurisdiction=110000&year=2015&month=1").status_code == 404
    assert c.get("/api/v1/quality/assessment/?jurisdiction=110101&year=2015&month=1").status_code == 200
    assert c.get("/quality/assessment/?j=110000&year=2015").status_code == 404
    r = c.get("/quality/assessment/?year=2015&month=1")
    assert r.status_code == 200 and "东城区" in r.content.decode()
    assert c.get("/quality/?j=110102&year=2015").status_code == 404


def test_anonymous_gets_401_or_redirect(db, stations):
    from django.test import Client

    c = Client()
    assert c.get("/api/v1/quality/stations/").status_code in (401, 403)
    assert c.get("/api/v1/quality/assessment/?jurisdiction=110000&year=2015").status_code in (401, 403)
    assert c.get("/quality/").status_code == 302


# Each page and one fact it must show city staff: the heading names the whole city (北京市) and the period asked.
PAGES = {"/quality/?year=2015": "空气质量总览 · 北京市 2015年",
         "/quality/assessment/?year=2015&month=2": "空气质量评价 · 北京市 2015年2月",
         "/quality/rankings/?year=2015&month=2": "区县排名 · 北京市 2015年2月",
         "/quality/headline/?year=2015&month=2": "工作报告数据 · 北京市 2015年2月",
         "/quality/targets/?year=2015": "目标任务 · 北京市 2015年",
         "/quality/warnings/": "<title>预警 ·", "/quality/reviews/": "可疑数据",
         "/quality/rankings/?year=2015&month=2&export=xlsx": XLSX, "/quality/?year=2015&export=all": XLSX,
         "/quality/assessment/?year=2015&month=2&export=xlsx": XLSX, "/quality/water/": "<title>水环境质量 ·",
         "/quality/noise/": "<title>声环境质量 ·",
         "/quality/rankings/?week=2015-W06": "区县排名 · 北京市 2015年第6周(2月2日～2月8日)",
         "/quality/headline/?week=2015-W06": "工作报告数据 · 北京市 2015年第6周(2月2日～2月8日)"}


def test_pages_render_for_city_staff(client_for, beijing_slice):
    shows(client_for("air_staff"), PAGES)
