"""Issue 18, drinking water: the level of each source with a filter, and compliance judged on the
period mean and per sampling event, each labelled (GB 3838-2002 Ⅲ: NH3-N ≤ 1.0; equal meets).

D1 (县级及以上): samples 0.9, 1.0, 1.2 → mean 1.033 → Ⅳ, fails on the mean; 2 of 3 samples meet.
D2 (乡镇级): samples 0.4, 0.6 → mean 0.5 → Ⅱ, meets; 2 of 2 samples meet.
D3 (农村): no monitoring section → not assessed."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def drinking(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import DrinkingWaterSource, WaterSample, WaterSection

    dc = Jurisdiction.objects.get(code="110101")
    for code, level, values in (("D1", "county", (0.9, 1.0, 1.2)), ("D2", "township", (0.4, 0.6)), ("D3", "rural", ())):
        sec = None
        if values:
            sec = WaterSection.objects.create(code=f"S-{code}", name=f"{code}取水口", river="水库", jurisdiction=dc,
                                              water_body_type="lake")
            for i, v in enumerate(values):
                WaterSample.objects.create(section=sec, time=dt.datetime(2016, 3, 5 + 7 * i, 9, tzinfo=TZ),
                                           values={"nh3n": v, "codmn": 1.5, "do": 8.0, "ph": 7.5})
        DrinkingWaterSource.objects.create(code=code, name=f"{code}水源地", jurisdiction=dc, level=level, section=sec)


def _drinking(*args):
    out = io.StringIO()
    call_command("assess", "water", "--jurisdiction", "110101", "--year", "2016", "--month", "3", "--json", *args,
                 stdout=out)
    return json.loads(out.getvalue())["drinking"]


@pytest.mark.parametrize("level, n, assessed, ok, rate, events, events_ok, event_rate", [
    (None, 3, 2, 1, 50.0, 5, 4, 80.0),
    ("county", 1, 1, 0, 0.0, 3, 2, 66.7),
    ("township", 1, 1, 1, 100.0, 2, 2, 100.0),
    ("rural", 1, 0, 0, None, 0, 0, None),
])
def test_mean_and_per_event_compliance_by_level(drinking, level, n, assessed, ok, rate, events, events_ok, event_rate):
    d = _drinking(*(["--drinking-level", level] if level else []))
    assert (d["n_sources"], d["n_assessed"], d["n_compliant"], d["rate"], d["n_events"], d["n_events_compliant"],
            d["event_rate"]) == (n, assessed, ok, rate, events, events_ok, event_rate)
    assert d["rate_basis"] == "按各水源地本期监测均值评价" and d["event_rate_basis"] == "按每次采样评价"


def test_page_api_and_crud_filter(drinking, client_for):
    c = client_for("leader")
    html = c.get("/quality/water/?j=110101&year=2016&month=3&drinking_level=county").content.decode()
    assert ("县级及以上集中式饮用水水源地 1 个,按各水源地本期监测均值评价达标 0 个,达标率 0.0%;"
            "按每次采样评价,3 次采样中达标 2 次,达标率 66.7%") in html
    api = c.get("/api/v1/quality/water-assessment/?jurisdiction=110101&year=2016&month=3").json()["drinking"]
    assert api["event_rate"] == 80.0 and {s["code"]: s["level"] for s in api["sources"]} == \
        {"D1": "县级及以上", "D2": "乡镇级", "D3": "农村"}
    assert c.get("/api/v1/quality/water-assessment/?jurisdiction=110101&year=2016&drinking_level=x").status_code == 400
    listed = c.get("/api/v1/quality/drinking-sources/?level=township").json()
    assert [s["code"] for s in listed["results"]] == ["D2"]
    page = c.get("/quality/drinking/?level=rural").content.decode()
    assert "D3水源地" in page and "D1水源地" not in page


def test_headline_prints_the_water_sentences(drinking, client_for):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import CityDaily

    dc = Jurisdiction.objects.get(code="110101")
    for day in range(1, 32):  # the headline page is reached through the air results
        CityDaily.objects.create(jurisdiction=dc, date=dt.date(2016, 3, day), pm25=30.0, pm10=60.0, so2=10.0,
                                 no2=30.0, co=0.8, o3_8h=80.0, o3_1h=100.0, rules="2012", n_stations=1)
    from envbureau.quality.models import Target

    Target.objects.create(jurisdiction=dc, year=2016, indicator="water_class3_share", value=50)       # equal: met
    Target.objects.create(jurisdiction=dc, year=2016, indicator="water_class3_share", section_scope="county",
                          value=50.1)
    html = client_for("leader").get("/quality/headline/?j=110101&year=2016&month=3").content.decode()
    assert "Ⅰ～Ⅲ类断面比例(%)目标50(本期50)(已完成)" in html
    assert "县控及以上断面Ⅰ～Ⅲ类断面比例(%)目标50.1(本期50)(未完成)" in html
    # S-D1 Ⅳ, S-D2 Ⅱ (both 县控, target Ⅲ): Ⅰ–Ⅲ 1 of 2, Ⅰ–Ⅱ 1 of 2, 劣Ⅴ none, 1 meets its target
    assert "2016年3月，东城区全部断面2个，Ⅰ～Ⅲ类比例50.0%，其中Ⅰ～Ⅱ类比例50.0%；劣Ⅴ类比例0.0%；断面达标率50.0%。" in html
    assert "县级及以上集中式饮用水水源地1个，水质达标率66.7%(按每次采样评价)。" in html
