"""Issue 9: a pollutant without a value is never shown as 超标; a month without data shows "—" with
its reason; the composite index and the ranking say why they are missing."""

import io
import json
import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _cells(html, row_id):
    m = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert m, row_id
    return m.group(1)


def test_month_without_data_shows_dash_and_reason_not_exceeding(client_for, beijing_slice):
    c = client_for("leader")
    # the slice holds January–March 2015: April has no data at all
    html = c.get("/quality/assessment/?j=110101&from=2015-04-01&to=2015-04-30").content.decode()
    for key in ("pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95", "o3_8h_p90"):
        row = _cells(html, key)
        assert "超标" not in row and "达标" not in row, key
        assert "—" in row and "无有效数据" in row, key
    comp = _cells(html, "composite_index")
    assert "—" in comp and "无法" not in comp and "无有效数据" in comp
    assert "无有效数据" in _cells(html, "good_day_ratio")
    api = c.get("/api/v1/quality/assessment/?jurisdiction=110101&from=2015-04-01&to=2015-04-30").json()
    assert api["pm25_mean"] is None and api["reasons"]["pm25_mean"] == "无有效数据"
    assert api["all_compliant"] is None and api["statistics"]["pm25_mean"]["compliant"] is None
    assert "PM2.5平均浓度：无有效数据" in api["reasons"]["composite_index"]
    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110101", "--from", "2015-04-01", "--to", "2015-04-30",
                 "--no-compare", stdout=out)
    assert "— pm25_mean: 无有效数据" in out.getvalue()
    head = c.get("/quality/headline/?j=110101&from=2015-04-01&to=2015-04-30").content.decode()
    assert "综合指数" in head and "无法计算" in head


def test_a_valid_month_keeps_its_verdicts(client_for, beijing_slice):
    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110101", "--year", "2015", "--month", "1", "--json", stdout=out)
    r = json.loads(out.getvalue())
    # January 2015 in 东城区 is complete: every statistic valid, PM2.5 far above 35 → a real 超标
    assert r["reasons"] == {}
    assert r["statistics"]["pm25_mean"]["compliant"] is False and r["all_compliant"] is False
    html = client_for("leader").get("/quality/assessment/?j=110101&year=2015&month=1").content.decode()
    assert "超标" in _cells(html, "pm25_mean")


def test_rankings_say_why_a_unit_is_unranked(client_for, beijing_slice):
    from envbureau.quality.models import CityDaily

    # 西城区 (Guanyuan) loses 4 February days: 23 valid days, February needs 25 → no PM2.5 mean, no index
    CityDaily.objects.filter(jurisdiction__code="110102", date__gte="2015-02-01", date__lte="2015-02-04").delete()
    html = client_for("leader").get("/quality/rankings/?j=110000&from=2015-02-01&to=2015-02-27").content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    xicheng = next(r for r in rows if "西城区" in r)
    dongcheng = next(r for r in rows if "东城区" in r)
    assert "<td>1</td>" in dongcheng and "未排名" not in dongcheng
    assert "未排名" in xicheng and "综合指数" in xicheng and "二月至少25个" in xicheng
