"""Street-ranking call-outs sized to the city (street_rankings.callout_size), English punctuation in the English
ranking, and the empty states of the rankings page.

Streets S01… under 东城区, each with one PM2.5 value every day of January 2016 (so the month's mean is that value;
lower is better): S01 = 10, S02 = 11, … — distinct unless a test says otherwise. Hand-counted expectations:
- 25 ranked streets (more than 20): the asked 10 (default) each way; a tie at the 10th place grows the list to 11;
- 20 ranked streets: at most 3 each way (前三名/后三名) and a sentence saying so;
- 7 ranked streets: 3 each way (3 + 3 < 7); 6 ranked: none (3 + 3 would name all 6), a sentence saying why.
"""

import datetime as dt
import re

import pytest

pytestmark = pytest.mark.django_db

OTHERS = {"so2": 10, "no2": 40, "pm10": 70, "co": 1.0, "o3_8h": 80}
CJK_PUNCT = "、，。；：（）"


def make_streets(values):
    """One street per value under 东城区 (codes 110101 8NN 000), with January 2016 daily rows."""
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.derived import rebuild_period_stats
    from envbureau.quality.models import CityDaily

    dc = Jurisdiction.objects.get(code="110101")
    days = [dt.date(2016, 1, d) for d in range(1, 32)]
    rows, ids = [], []
    for i, pm in enumerate(values):
        s = Jurisdiction.objects.create(code=f"110101{800 + i}000", name=f"S{i + 1:02d}街道", level="street", parent=dc)
        ids.append(s.pk)
        rows += [CityDaily(jurisdiction=s, date=d, pm25=pm, valid=True, rules="2012", n_stations=1, **OTHERS)
                 for d in days]
    CityDaily.objects.bulk_create(rows)
    epoch = dt.date(1970, 1, 1)
    rebuild_period_stats(ids, (days[0] - epoch).days, (days[-1] - epoch).days)


def ranking(top=10):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.assessment import make_period
    from envbureau.quality.street_rankings import street_ranking

    return street_ranking(Jurisdiction.objects.get(code="110000"), make_period(2016, 1), "pm25_mean", top)


def names(items):
    return [x["street"] for x in items]


def test_callout_size_rule():
    from envbureau.quality.street_rankings import callout_size

    assert [callout_size(10, n) for n in (0, 3, 6, 7, 12, 20, 21, 25, 150)] == [0, 0, 0, 3, 3, 3, 10, 10, 10]
    assert [callout_size(2, n) for n in (4, 5, 20, 30)] == [0, 2, 2, 2]  # a smaller asked size is kept
    assert callout_size(5, 20) == 3 and callout_size(15, 25) == 0  # 15 + 15 ≥ 25 would name every street


def test_a_city_of_more_than_20_streets_calls_out_10_each_way_growing_on_a_tie(demo_core):
    values = [10 + i for i in range(25)]
    values[10] = values[9]  # S10 and S11 share the 10th place
    make_streets(values)
    r = ranking()
    assert (r["n_ranked"], r["top"], r["top_asked"]) == (25, 10, 10)
    assert names(r["callouts"]["best"]) == [f"S{i:02d}街道" for i in range(1, 12)]  # 11 names: the tie is in
    assert [x["tied"] for x in r["callouts"]["best"]][-2:] == [True, True]
    assert names(r["callouts"]["worst"]) == [f"S{i:02d}街道" for i in range(25, 15, -1)]
    from envbureau.quality.street_rankings import sentences

    text = "".join(sentences(r))
    assert "排名前10位的依次是：S01街道、" in text and "只列排名前、后" not in text


def test_20_streets_call_out_3_each_way_and_say_so(demo_core, client_for):
    make_streets([10 + i for i in range(20)])
    r = ranking()
    assert (r["n_ranked"], r["top"], r["top_asked"]) == (20, 3, 10)
    assert names(r["callouts"]["best"]) == ["S01街道", "S02街道", "S03街道"]
    assert names(r["callouts"]["worst"]) == ["S20街道", "S19街道", "S18街道"]
    from envbureau.quality.street_rankings import sentences

    text = sentences(r)
    assert "参与排名的街道（乡镇）不超过20个，只列排名前、后3位。" in text
    assert "排名前3位的依次是：S01街道、S02街道、S03街道。" in text
    assert "排名后3位的（从倒数第1名起）依次是：S20街道、S19街道、S18街道。" in text
    page = client_for("air_staff").get("/quality/street-rankings/?j=110000&year=2016&month=1&by=pm25_mean")
    html = page.content.decode()
    assert page.status_code == 200 and "排名前3位的依次是：S01街道、S02街道、S03街道。" in html
    assert "S04街道、" not in html.split("排名前3位", 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize("n, top", [(7, 3), (6, 0)])
def test_a_few_streets_get_3_each_way_or_none(demo_core, n, top):
    make_streets([10 + i for i in range(n)])
    r = ranking()
    assert r["top"] == top
    assert len(r["callouts"]["best"]) == len(r["callouts"]["worst"]) == top
    from envbureau.quality.street_rankings import sentences

    text = "".join(sentences(r))
    if top:
        assert "排名前3位的依次是：S01街道、S02街道、S03街道。" in text
    else:
        assert "参与排名的街道（乡镇）较少（6个），不单列排名前、后几位的名单，名次见排名表。" in text
        assert "依次是" not in text and "连续两期" not in text


def test_the_english_ranking_is_punctuated_in_english(demo_core, client_for):
    values = [10 + i for i in range(25)]
    values[10] = values[9]
    make_streets(values)
    c = client_for("air_staff")
    c.cookies["django_language"] = "en"
    html = c.get("/quality/street-rankings/?j=110000&year=2016&month=1&by=pm25_mean").content.decode()
    main = re.sub(r"<[^>]+>", " ", re.search(r"<main.*?</main>", html, re.S).group(0))
    assert "Top 10, in order: S01街道, S02街道," in main
    assert "S10街道(tied), S11街道(tied)." in main
    found = sorted({ch for ch in main if ch in CJK_PUNCT})
    assert not found, [line for line in main.splitlines() if any(ch in line for ch in CJK_PUNCT)][:5]


def test_empty_states_answer_200_and_say_why(demo_core, client_for):
    c = client_for("air_staff")
    # no street has results anywhere: the city and a district answer 200 saying so
    for code, name in (("110000", "北京市"), ("110101", "东城区")):
        r = c.get(f"/quality/street-rankings/?j={code}")
        assert r.status_code == 200, code
        assert f"{name}暂无街道的空气质量评价结果:其下没有街道的评价数据。" in r.content.decode()
    # a street has no streets to rank; an unknown area, and the city for a district officer, stay 404
    assert c.get("/quality/street-rankings/?j=110101001000").status_code == 404
    assert c.get("/quality/street-rankings/?j=999999").status_code == 404
    assert client_for("dongcheng").get("/quality/street-rankings/?j=110000").status_code == 404
    # results in January 2016 only: another month answers 200 with the reason, not a ranking of 0 streets
    make_streets([10, 11, 12])
    r = c.get("/quality/street-rankings/?j=110000&year=2015&month=6")
    html = r.content.decode()
    assert r.status_code == 200
    assert "北京市在2015年6月没有街道的空气质量评价结果(本时段街道排名网络的站点没有数据),无法排名;请选择其他时段。" in html
    assert "全市0个街道" not in html and "生成排名通报" not in html
    assert "全市3个街道（乡镇）按PM2.5浓度参与排名" in c.get(
        "/quality/street-rankings/?j=110000&year=2016&month=1&by=pm25_mean").content.decode()
