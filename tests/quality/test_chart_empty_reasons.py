"""An empty chart says 暂无数据 and why (issue #10, "Charts, empty states"): the reason is worked out by the
server, in the reader's language, and written beside 暂无数据 (data-eb-empty, shown by envbureau/charts.js when
the chart has nothing to draw) — no target set for the year, no data in the year or in the period, a year still
to come, sections without monitoring. The water sections' map is drawn over the district boundaries like the air
stations' map, with names that would overlap hidden."""

import datetime as dt
import html
import json
import re

import pytest

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def empty_text(page: str, chart: str) -> str:
    """The empty-state text of chart `chart` (its option's json_script id is opt-<chart>)."""
    m = re.search(r'data-eb-chart="opt-%s" data-eb-empty="([^"]*)"' % re.escape(chart), page)
    assert m, f"no chart opt-{chart}"
    return html.unescape(m.group(1))


def option(page: str, chart: str) -> dict:
    m = re.search(r'<script id="opt-%s" type="application/json">(.*?)</script>' % re.escape(chart), page, re.S)
    assert m, f"no option opt-{chart}"
    return json.loads(m.group(1))


def test_air_charts_say_why_they_are_empty(beijing_slice, client_for):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality import assessment as A
    from envbureau.quality.models import Target
    from envbureau.quality.views import calendar_chart, category_months, gauge_chart, trend_charts

    bj = Jurisdiction.objects.get(code="110000")
    c = client_for("air_staff")
    page = c.get("/quality/?j=110000").content.decode()
    year = int(re.search(r'<script id="opt-categories".*?</script>', page, re.S) and
               re.search(r"(\d{4})年各月空气质量级别天数", page).group(1))
    # no target for the year: the gauges' box says so, naming the area and the year
    assert empty_text(page, "targets") == f"暂无数据:北京市未设定{year}年的空气质量目标"
    assert empty_text(page, "calendar") == "暂无数据"  # the year has days: nothing to explain
    Target.objects.create(jurisdiction=bj, year=year, indicator="pm25_mean", value=50)
    assert empty_text(c.get("/quality/?j=110000").content.decode(), "targets") == "暂无数据"
    # a year without any air data, and a year still to come
    assert calendar_chart(bj, A.make_period(2010))["empty"] == "北京市2010年没有空气质量日数据"
    assert category_months(bj, 2010)["empty"] == "北京市2010年没有空气质量日数据"
    assert all(t["empty"] == "北京市2010年没有空气质量日数据" for t in trend_charts(bj, 2010))
    future = dt.date.today().year + 1
    assert category_months(bj, future)["empty"] == f"{future}年尚未到来"
    g = gauge_chart([{"target": None, "label": "PM2.5", "value": 50, "current": None, "status": "无数据"}], bj, future)
    assert g["empty"] == f"{future}年尚未到来"


def test_a_district_without_stations_says_so(stations):
    from envbureau.core.models import Jurisdiction, User
    from envbureau.quality.views import station_map

    admin = User.objects.get(username="admin")
    assert station_map(admin, Jurisdiction.objects.get(code="110000"))["empty"] == "辖区内的站点尚无有效的日AQI"
    assert station_map(admin, Jurisdiction.objects.get(code="110117"))["empty"] == "辖区内没有空气监测站点"  # 平谷区


@pytest.fixture
def sections(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import WaterSample, WaterSection
    from envbureau.quality.water import rebuild_section_classes

    dc = Jurisdiction.objects.get(code="110101")
    todo = {}
    for code, lon, lat in (("S1", 116.41, 39.92), ("S2", 116.42, 39.93)):
        s = WaterSection.objects.create(code=code, name=f"{code}断面", river="测河", jurisdiction=dc,
                                        control_level="city", target_class=3, longitude=lon, latitude=lat)
        WaterSample.objects.create(section=s, time=dt.datetime(2016, 3, 10, 9, tzinfo=TZ),
                                   values={"nh3n": 0.4, "codmn": 1.5, "do": 8.0, "ph": 7.5})
        todo.setdefault(s.pk, set()).add(dt.date(2016, 3, 10))
    rebuild_section_classes(todo)


def test_water_sections_map_and_empty_reasons(sections, client_for):
    c = client_for("admin")
    page = c.get("/quality/water/?j=110000&year=2016").content.decode()
    opt = option(page, "sections")
    assert opt["eb_boundaries"] == "110000"  # the city's districts under the sections (geo.js)
    assert opt["series"][0]["labelLayout"] == {"hideOverlap": True}
    assert sorted(p["name"] for p in opt["series"][0]["data"]) == ["S1断面", "S2断面"]
    assert page.index("envbureau/geo.js") < page.index("envbureau/charts.js")
    assert empty_text(page, "sections") == "暂无数据" and empty_text(page, "share") == "暂无数据"
    # the city has districts but none of them has a sample in the period: no index to rank
    assert empty_text(page, "cwqi") == "暂无数据"  # 东城区 has its two sections
    # a month without samples
    may = c.get("/quality/water/?j=110000&year=2016&month=5").content.decode()
    assert empty_text(may, "sections") == "暂无数据:2016年5月断面没有监测数据"
    assert empty_text(may, "classes") == "暂无数据:2016年5月断面没有监测数据"
    assert empty_text(may, "cwqi") == "暂无数据:下级区县本期都没有断面监测数据,无法计算水质指数"


def test_water_pickers_read_in_english(sections, client_for):
    """The scope and drinking-water level pickers name their choices in the reader's language."""
    c = client_for("admin")
    c.cookies["django_language"] = "en"
    page = c.get("/quality/water/?j=110000&year=2016").content.decode()
    options = re.findall(r'<option value="(national|county|township|rural)" ?>([^<]*)</option>', page)
    assert dict(options[:1]) == {"national": "National sections"}
    assert options and not any(re.search(r"[\u4e00-\u9fff]", label) for _v, label in options), options
