"""Filters people can use (issue #10): pollutants are picked by name and unit, roles by name; the URL keeps
the code, so links and API clients work as before; a value that names nothing is a clear 400 on the API and a
message with an empty list on the page, never the whole list."""

import datetime as dt
import re

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}> on the page"
    return {v: t.strip() for v, t in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))}


@pytest.fixture
def alarms(world):
    from envbureau.sources.models import Alarm

    t = timezone.now() - dt.timedelta(hours=2)
    so2 = Alarm.objects.create(point=world["p1"], enterprise=world["e1"], kind="exceed", factor="a21026",
                               started_at=t, last_seen_at=t)
    cod = Alarm.objects.create(point=world["p2"], enterprise=world["e2"], kind="exceed", factor="w01018",
                               started_at=t, last_seen_at=t)
    return so2, cod


def test_pollutant_filter_offers_names_with_units_and_filters_by_code(world, alarms, client_for):
    c = client_for("admin")
    page = c.get("/sources/alarms/").content.decode()
    opts = _options(page, "factor")
    assert opts["a21026"] == "SO₂(mg/m³)"
    assert opts["w01018"] == "COD(mg/L)"
    assert opts["w01001"] == "pH"  # no unit
    assert opts["a34013"] == "颗粒物(mg/m³)"
    assert "污染物代码" not in page
    so2, cod = alarms
    assert f"/sources/alarms/{so2.pk}/" in c.get("/sources/alarms/?factor=a21026").content.decode()
    assert f"/sources/alarms/{cod.pk}/" not in c.get("/sources/alarms/?factor=a21026").content.decode()
    ids = {a["id"] for a in c.get("/api/v1/sources/alarms/?factor=w01018").json()["results"]}
    assert ids == {cod.pk}


def test_pollutant_filter_on_the_limits_list(world, client_for):
    from envbureau.sources.models import PollutantLimit

    c = client_for("admin")
    page = c.get("/sources/limits/?factor=w01001").content.decode()
    assert _options(page, "factor")["a21002"] == "NOx(mg/m³)"
    ph = PollutantLimit.objects.get(factor="w01001")
    assert f"/sources/limits/{ph.pk}/" in page
    assert all(f"/sources/limits/{x.pk}/" not in page for x in PollutantLimit.objects.exclude(pk=ph.pk))
    api = c.get("/api/v1/sources/limits/?factor=w01018").json()["results"]
    assert sorted(x["factor"] for x in api) == ["w01018", "w01018"]


def test_a_pollutant_that_names_nothing_is_refused_not_ignored(world, alarms, client_for):
    c = client_for("admin")
    r = c.get("/api/v1/sources/alarms/?factor=zz999")
    assert r.status_code == 400 and "factor" in r.json()["error"]["fields"]
    page = c.get("/sources/alarms/?factor=zz999").content.decode()
    assert all(f"/sources/alarms/{a.pk}/" not in page for a in alarms)


def test_pollutant_names_follow_the_language(world, client_for):
    c = client_for("admin")
    c.cookies["django_language"] = "en"
    try:
        opts = _options(c.get("/sources/limits/").content.decode(), "factor")
    finally:
        from django.conf import settings
        from django.utils import translation

        translation.activate(settings.LANGUAGE_CODE)
    assert opts["w21003"] in ("Ammonia nitrogen(mg/L)", "氨氮(mg/L)")  # English once the catalogue has it
    assert opts["a21026"] == "SO₂(mg/m³)"


def test_role_filter_picks_a_role_by_name_and_keeps_the_code_in_the_url(client_for):
    from envbureau.core.models import Role, User

    c = client_for("admin")
    page = c.get("/admin-area/users/").content.decode()
    opts = _options(page, "role")
    officer = Role.objects.get(code="district_officer") if Role.objects.filter(code="district_officer").exists() \
        else Role.objects.exclude(assignments=None).order_by("code").first()
    assert opts[officer.code] == officer.name
    assert "角色代码" not in page
    listed = c.get(f"/admin-area/users/?role={officer.code}").content.decode()
    holders = User.objects.filter(assignments__role=officer).distinct()
    others = User.objects.exclude(assignments__role=officer)
    assert holders.exists() and others.exists()
    for u in holders:
        assert f"/admin-area/users/{u.pk}/" in listed
    for u in others:
        assert f"/admin-area/users/{u.pk}/" not in listed
