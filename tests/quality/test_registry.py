"""Issue 18, registries: commissioning dates of stations, sections and pollution-source monitoring
points, so "新建成投运空气自动监测站2个" is a count of records; period boundaries inclusive."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(stations):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import AirStation, WaterSection
    from envbureau.sources.models import Enterprise, MonitoringPoint, Outlet

    for name, day in (("Dongsi", "2016-01-01"), ("Tiantan", "2016-12-31"), ("Guanyuan", "2015-12-31"),
                      ("Changping", "2017-01-01")):
        AirStation.objects.filter(name_en=name).update(commissioned_on=day)
    dc = Jurisdiction.objects.get(code="110101")
    WaterSection.objects.create(code="W-A", name="甲自动站", river="甲河", jurisdiction=dc, automatic=True,
                                commissioned_on=dt.date(2016, 6, 30))
    WaterSection.objects.create(code="W-B", name="乙断面", river="乙河", jurisdiction=dc,
                                commissioned_on=dt.date(2016, 3, 1))
    e = Enterprise.objects.create(credit_code="91110101MA00000009", name="丙厂", jurisdiction=dc)
    o = Outlet.objects.create(enterprise=e, code="DA001", name="锅炉", kind="gas")
    MonitoringPoint.objects.create(outlet=o, enterprise=e, mn="88888880000009", name="锅炉CEMS",
                                   commissioned_on=dt.date(2016, 5, 1))
    MonitoringPoint.objects.create(outlet=o, enterprise=e, mn="88888880000010", name="备用", commissioned_on=None)


def test_counts_by_commissioning_date(built, client_for):
    out = io.StringIO()
    call_command("assess", "registry", "--jurisdiction", "110000", "--year", "2016", "--json", stdout=out)
    r = json.loads(out.getvalue())
    assert r["commissioned"] == {"air_stations": 2, "water_automatic_stations": 1, "water_sections": 2,
                                 "noise_stations": 0, "monitoring_points": 1}
    assert r["without_date"]["air_stations"] == 12 - 4 and r["without_date"]["monitoring_points"] == 1
    out = io.StringIO()
    call_command("assess", "registry", "--jurisdiction", "110000", "--year", "2016", "--month", "1", stdout=out)
    assert "空气自动监测站: 1 个" in out.getvalue()          # Dongsi, commissioned on 1 January
    c = client_for("leader")
    api = c.get("/api/v1/quality/registry/?jurisdiction=110101&year=2016").json()
    assert api["commissioned"]["air_stations"] == 2 and api["commissioned"]["monitoring_points"] == 1
    assert c.get("/api/v1/quality/registry/?jurisdiction=110101&year=2016&month=13").status_code == 400
    listed = c.get("/api/v1/quality/stations/?commissioned_on__gte=2016-01-01&commissioned_on__lte=2016-12-31")
    page = c.get("/quality/stations/?commissioned_from=2016-01-01&commissioned_to=2016-12-31").content.decode()
    assert "东四" in page and "天坛" in page and "官园" not in page and "昌平" not in page
    assert sorted(x["code"] for x in listed.json()["results"]) == ["BJ-Dongsi", "BJ-Tiantan"]
