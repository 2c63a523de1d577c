"""Issue 18, peer ranks: peers' published figures imported with their source; the bureau's rank among
them ("居北京市第2位") on the rankings page, the headline page, the API and the CLI.

东城区's own January 2016: PM2.5 35.54 every day (compared at 1 decimal: 35.5), every day 良 → good-day
ratio 100.0 %. Peers: 海淀区 30.0, 西城区 35.5 (tie), 朝阳区 35.6 → 东城区 2nd (tied) of 4; good-day
ratio 西城区 96.8, 朝阳区 100.0 → 1st (tied) of 3. Its own published row (35.4) is not a peer."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db
CSV = """本单位区划代码,排名范围,单位名称,开始日期,结束日期,指标,数值,数据来源
110101,北京市,海淀区,2016-01-01,2016-01-31,PM2.5平均浓度,30.0,市局1月排名表
110101,北京市,西城区,2016-01-01,2016-01-31,PM2.5平均浓度,35.5,市局1月排名表
110101,北京市,朝阳区,2016-01-01,2016-01-31,PM2.5平均浓度,35.6,市局1月排名表
110101,北京市,东城区,2016-01-01,2016-01-31,PM2.5平均浓度,35.4,市局1月排名表
110101,北京市,西城区,2016-01-01,2016-01-31,优良天数比率,96.8,市局1月排名表
110101,北京市,朝阳区,2016-01-01,2016-01-31,优良天数比率,100.0,省厅通报
110101,北京市,西城区,2016-02-01,2016-02-29,PM2.5平均浓度,10,市局2月排名表
"""


@pytest.fixture
def peers(demo_core, tmp_path):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import CityDaily

    dc = Jurisdiction.objects.get(code="110101")
    for day in range(1, 32):
        CityDaily.objects.create(jurisdiction=dc, date=dt.date(2016, 1, day), pm25=35.54, pm10=60.0, so2=10.0,
                                 no2=30.0, co=0.8, o3_8h=80.0, o3_1h=100.0, rules="2012", n_stations=2)
    f = tmp_path / "peers.csv"
    f.write_text(CSV, encoding="utf-8")
    call_command("importfile", "quality.peerfigure", str(f), "--no-progress", stdout=io.StringIO())


def test_import_keeps_sources_and_reimport_changes_nothing(peers, tmp_path):
    from envbureau.quality.models import PeerFigure

    assert PeerFigure.objects.count() == 7
    assert PeerFigure.objects.get(name="朝阳区", indicator="good_day_ratio").source == "省厅通报"
    f = tmp_path / "again.csv"
    f.write_text(CSV, encoding="utf-8")
    call_command("importfile", "quality.peerfigure", str(f), "--no-progress", stdout=io.StringIO())
    assert PeerFigure.objects.count() == 7


def test_rank_among_peers_everywhere(peers, client_for):
    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110101", "--year", "2016", "--month", "1", "--json", stdout=out)
    ranks = {p["indicator"]: p for p in json.loads(out.getvalue())["peer_ranks"]}
    pm = ranks["pm25_mean"]
    assert (pm["rank"], pm["n"], pm["tied"], pm["own_value"], pm["published_own"]) == (2, 4, True, 35.5, 35.4)
    assert pm["text"] == "PM2.5平均浓度居北京市第2位(并列)(共4个)"
    assert [(x["name"], x["rank"]) for x in pm["peers"]] == [("朝阳区", 4), ("海淀区", 1), ("西城区", 2)]
    gd = ranks["good_day_ratio"]
    assert (gd["rank"], gd["n"], gd["tied"]) == (1, 3, True)
    assert gd["sources"] == ["市局1月排名表", "省厅通报"]
    text = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110101", "--year", "2016", "--month", "1", stdout=text)
    assert "同级排名: PM2.5平均浓度居北京市第2位(并列)(共4个)(来源: 市局1月排名表)" in text.getvalue()
    c = client_for("leader")
    head = c.get("/quality/headline/?j=110101&year=2016&month=1").content.decode()
    assert "PM2.5平均浓度居北京市第2位(并列)(共4个)；优良天数比率居北京市第1位(并列)(共3个)。" in head
    page = c.get("/quality/rankings/?j=110101&year=2016&month=1").content.decode()
    assert "东城区PM2.5平均浓度居北京市第2位(并列)(共4个)" in page and "省厅通报" in page
    # another period has its own figures: February's single peer, but 东城区 has no February data
    feb = c.get("/api/v1/quality/assessment/?jurisdiction=110101&year=2016&month=2").json()["peer_ranks"]
    assert feb[0]["rank"] is None and "未排名" in feb[0]["text"]
    api = c.get("/api/v1/quality/peer-figures/?indicator=pm25_mean&start=2016-01-01").json()
    assert api["count"] == 4
