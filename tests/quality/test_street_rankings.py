"""All-city street rankings (issue 17, as bureaus' ranking notices rank) on hand-built street days: every street of the city ranked
together, ties sharing a rank ("1224"), the change in rank against the previous period, the change ranking on last
year, call-outs for the best and worst (lists growing on ties), and page, API, Excel and the Word notice.

Each street has the same values every day, so a month's mean is that value (hand-checked, no code under test used).
PM2.5 (µg/m³):           Jan 2016   Dec 2015   Jan 2015
  东一街道 (东城区)          30         50         40      → rank 1, previous 4: 上升3位; change −25.0 %
  东二街道 (东城区)          40         35         50      → rank 2 (tied), previous 2: 持平; change −20.0 %
  东三街道 (东城区)          40         45         40      → rank 2 (tied), previous 3: 上升1位; change 0.0 %
  西一街道 (西城区)          55         60         50      → rank 4, previous 5: 上升1位; change +10.0 %
  西二街道 (西城区)          —          20         —       → unranked (previous 1)
"""

import datetime as dt
import io

import pytest

from pagecheck import XLSX, shows

pytestmark = pytest.mark.django_db

PM25 = {"东一街道": (30, 50, 40), "东二街道": (40, 35, 50), "东三街道": (40, 45, 40), "西一街道": (55, 60, 50),
        "西二街道": (None, 20, None)}
DISTRICT = {"东一街道": "110101", "东二街道": "110101", "东三街道": "110101", "西一街道": "110102", "西二街道": "110102"}
MONTHS = ((2016, 1), (2015, 12), (2015, 1))
OTHERS = {"so2": 10, "no2": 40, "pm10": 70, "co": 1.0, "o3_8h": 80}


def month_days(y, m):
    d = dt.date(y, m, 1)
    while d.month == m:
        yield d
        d += dt.timedelta(days=1)


@pytest.fixture
def streets(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.derived import rebuild_period_stats
    from envbureau.quality.models import CityDaily

    out = {}
    for i, (name, dcode) in enumerate(DISTRICT.items()):
        out[name] = Jurisdiction.objects.create(code=f"{dcode}{870 + i}000", name=name, level="street",
                                                parent=Jurisdiction.objects.get(code=dcode))
    rows = []
    for name, values in PM25.items():
        for (y, m), pm in zip(MONTHS, values):
            for d in month_days(y, m):
                rows.append(CityDaily(jurisdiction=out[name], date=d, pm25=pm, valid=True, rules="2012", n_stations=1,
                                      **OTHERS))
    CityDaily.objects.bulk_create(rows)
    ids = [j.pk for j in out.values()]
    for y, m in MONTHS:
        days = list(month_days(y, m))
        epoch = dt.date(1970, 1, 1)
        rebuild_period_stats(ids, (days[0] - epoch).days, (days[-1] - epoch).days)  # the stored month statistics
    return out


def ranking(by="pm25_mean", top=10, period=None):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.assessment import make_period
    from envbureau.quality.street_rankings import street_ranking

    return street_ranking(Jurisdiction.objects.get(code="110000"), period or make_period(2016, 1), by, top)


def test_ranks_ties_changes_and_change_ranking(streets):
    r = ranking()
    got = {x["street"]: (x["rank"], x["tied"], x["value"], x["previous_rank"], x["rank_change_text"], x["yoy_rate"],
                         x["change_rank"]) for x in r["rows"]}
    assert got == {
        "东一街道": (1, False, 30, 4, "上升3位", -25.0, 1),
        "东二街道": (2, True, 40, 2, "持平", -20.0, 2),
        "东三街道": (2, True, 40, 3, "上升1位", 0.0, 3),
        "西一街道": (4, False, 55, 5, "上升1位", 10.0, 4),
        "西二街道": (None, False, None, 1, "", None, None),
    }
    assert [x["street"] for x in r["rows"]] == ["东一街道", "东二街道", "东三街道", "西一街道", "西二街道"]
    assert r["rows"][-1]["why"] == "未排名:本期PM2.5浓度无有效值"
    assert (r["n_streets"], r["n_ranked"]) == (5, 4)
    assert [x["district"] for x in r["rows"]] == ["东城区", "东城区", "东城区", "西城区", "西城区"]


def test_callouts_name_the_best_the_worst_and_the_worst_twice(streets):
    one = ranking(top=1)["callouts"]
    assert [x["street"] for x in one["best"]] == ["东一街道"]
    assert [x["street"] for x in one["worst"]] == ["西一街道"]
    assert one["worst_twice"] == ["西一街道"]  # worst in Dec 2015 too (60)
    # most improved on last year: only falling values (东三 0.0 % and 西一 +10 % are not improvements)
    assert [x["street"] for x in one["most_improved"]] == ["东一街道"]
    from envbureau.quality.street_rankings import sentences

    text = "".join(sentences(ranking(top=1)))
    assert "排名前1位的依次是：东一街道。" in text
    assert "连续两期排名后1位的：西一街道。" in text
    # with 4 ranked streets the best 2 and the worst 2 (grown on the tie to 3 each) would name every street: no
    # call-outs, the sentences say why (lists growing on ties: tests/quality/test_street_callouts.py, 25 streets)
    two = ranking(top=2)
    assert two["top"] == 0 and two["top_asked"] == 2
    assert two["callouts"] == {"best": [], "worst": [], "worst_twice": [], "most_improved": []}
    assert "参与排名的街道（乡镇）较少（4个），不单列排名前、后几位的名单，名次见排名表。" in sentences(two)


def test_composite_index_ranking_by_hand(streets):
    """Composite = SO2/60 + NO2/40 + PM10/70 + PM2.5/35 + CO/4 + O3-8h/160 (GB 3095-2012 grade II): with SO2 10,
    NO2 40, PM10 70, CO 1.0, O3 80 that is 0.17 + 1 + 1 + 0.25 + 0.5 = 2.9167 + PM2.5/35."""
    r = ranking(by="composite_index")
    got = {x["street"]: (x["rank"], x["value"]) for x in r["rows"]}
    for name, (pm, _prev, _base) in PM25.items():
        if pm is None:
            assert got[name] == (None, None)  # no PM2.5: no composite index
        else:
            assert got[name][1] == pytest.approx(round(2.9167 + pm / 35, 2), abs=0.006), name
    assert got["东一街道"][0] == 1 and got["东二街道"][0] == got["东三街道"][0] == 2 and got["西一街道"][0] == 4


def test_week_quarter_and_year_periods(streets):
    from envbureau.quality.assessment import Period, make_period

    week = Period(dt.date(2016, 1, 11), dt.date(2016, 1, 17), "2016年第2周")
    r = ranking(period=week)
    assert {x["street"]: x["rank"] for x in r["rows"]}["东一街道"] == 1
    assert r["previous_period"]["start"] == "2016-01-04"  # the week before
    # a quarter with one month of data: the quarter mean is not valid (GB 3095: too few days) → nobody ranked
    q = ranking(period=make_period(2016, quarter=1))
    assert q["n_ranked"] == 0 and q["previous_period"]["label"] == "上期"
    assert ranking(period=make_period(2016))["yoy_period"]["label"] == "2015年同期"


def test_default_indicator_is_the_ranking_networks(streets):
    from envbureau.quality.models import StationNetwork

    assert ranking(by=None)["by"] == "composite_index"
    StationNetwork.objects.create(purpose="ranking", name="街道排名网络", rank_by="pm25_mean")
    r = ranking(by=None)
    assert r["by"] == "pm25_mean" and r["network"]["networks"][0]["name"] == "街道排名网络"


def test_page_api_excel_and_word_notice(streets, client_for):
    c = client_for("air_staff")
    url = "/quality/street-rankings/?j=110000&year=2016&month=1&by=pm25_mean&top=1"
    shows(c, {url: "排名前1位的依次是：东一街道。"})
    page = c.get(url).content.decode()
    assert "上升3位" in page and "街道(网格)排名网络" in page
    x = c.get(url + "&export=xlsx")
    assert x.content.startswith(XLSX)
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(x.content))["排名"]
    # row 1: what, whose data, when exported; row 2 the header; the streets from row 3
    assert ws.cell(1, 1).value.startswith("街道排名 · 北京市 · 2016年1月 · 导出于 ")
    assert [ws.cell(3, k).value for k in (1, 2, 3, 4)] == ["1", "东一街道", "东城区", 30]
    assert ws.cell(4, 1).value == "2(并列)"
    a = c.get("/api/v1/quality/street-rankings/?jurisdiction=110000&year=2016&month=1&by=pm25_mean").json()
    assert [(x["street"], x["rank"]) for x in a["rows"]][:2] == [("东一街道", 1), ("东二街道", 2)]
    assert c.get("/api/v1/quality/street-rankings/?jurisdiction=110000&year=2016&month=1&by=aqi").status_code == 400
    assert c.get("/api/v1/quality/street-rankings/?jurisdiction=110000&week=2016-W99").status_code == 400
    # a district officer cannot rank the city; it ranks its own district's streets
    d = client_for("dongcheng").get("/api/v1/quality/street-rankings/?jurisdiction=110000&year=2016&month=1"
                                    "&by=pm25_mean")
    assert d.status_code in (403, 404)  # the city is outside its area
    d = client_for("dongcheng").get("/api/v1/quality/street-rankings/?jurisdiction=110101&year=2016&month=1"
                                    "&by=pm25_mean").json()
    assert [x["street"] for x in d["rows"]] == ["东一街道", "东二街道", "东三街道"]
    # the notice: frozen, then issued through core.documents as Word with the table
    r = c.post("/quality/street-rankings/notice/", {"j": "110000", "year": "2016", "month": "1", "by": "pm25_mean",
                                                     "top": "1"})
    assert r.status_code == 302
    from envbureau.core.documents import issue
    from envbureau.core.models import User
    from envbureau.quality.models import StreetRankingNotice

    n = StreetRankingNotice.objects.get()
    assert c.get(r["Location"]).status_code == 200
    doc = issue(User.objects.get(username="air_staff"), n, "quality.street_ranking", pdf=False)
    import docx

    d = docx.Document(io.BytesIO(doc.docx.read()))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "北京市2016年1月街道（乡镇）环境空气质量排名通报" in text and doc.number in text
    assert "对连续两期排名后1位的西一街道予以通报。" in text
    table = [[cell.text for cell in row.cells] for row in d.tables[0].rows]
    assert table[1][:4] == ["1", "东一街道", "东城区", "30"] and table[2][0] == "2(并列)"
    assert [row[1] for row in table[1:]] == ["东一街道", "东二街道", "东三街道", "西一街道", "西二街道"]
    # only those who may add quality records draw up a notice
    assert client_for("dongcheng").post("/quality/street-rankings/notice/", {"j": "110101", "year": "2016",
                                                                             "month": "1"}).status_code == 403


def test_without_street_results_the_page_says_what_is_missing(demo_core, client_for):
    """No street has results (no station of a street ranking network): the page says so and points to the networks,
    rather than claiming there is no air data at all (the full demo has city and district data)."""
    page = client_for("air_staff").get("/quality/street-rankings/").content.decode()
    assert "暂无街道的空气质量评价结果" in page and "/quality/networks/" in page
    assert "请先导入监测数据" not in page
