"""Excel exports of the district rankings, the street rankings and the warnings in English: the title row
(what, scope, period, time of export), the headers, the sheet names and the notes are English; Chinese is left
only in data (names of places, stations, networks; the stored text of a warning without facts: a warning with
facts is worded in English). In Chinese they stay as printed."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from test_street_rankings import streets  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
HAN = re.compile(r"[\u3400-\u9fff]+")


def _names() -> list[str]:
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import AirStation, StationNetwork, Warning

    names = [*Jurisdiction.objects.values_list("name", flat=True), *AirStation.objects.values_list("name", flat=True),
             *StationNetwork.objects.values_list("name", flat=True), *Warning.objects.filter(facts={}).values_list("message", flat=True),
             *Warning.objects.values_list("subject", flat=True)]
    return sorted({n for n in names if n}, key=len, reverse=True)


def _han_outside_data(content: bytes) -> list[str]:
    """Han runs of every cell and sheet name that are neither data nor a string whose English is pending (the
    same judge as tests/test_english.py)."""
    from test_english import han_left, pending_msgids

    names, pending = _names(), pending_msgids()
    left = []
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        cells = [ws.title] + [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        left += [f"{ws.title}: {h}" for text in cells for h in han_left(text, names, pending)]
    return left


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_street_rankings_export_in_english_and_chinese(streets, client_for):  # noqa: F811
    url = "/quality/street-rankings/?j=110000&year=2016&month=1&by=pm25_mean&top=2&export=xlsx"
    en = _english(client_for("air_staff")).get(url)
    assert en.status_code == 200
    assert _han_outside_data(en.content) == []
    wb = openpyxl.load_workbook(io.BytesIO(en.content))
    ws = wb.worksheets[0]
    title = ws["A1"].value
    assert " · 北京市 · 2016-01 · " in title and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d$", title), title
    assert ws.cell(4, 1).value.startswith("2(") and ws.cell(4, 1).value != "2(并列)"  # tied, in English
    notes = " ".join(str(c.value) for row in wb.worksheets[1].iter_rows() for c in row if c.value)
    assert "2015-12-01" in notes and "2015-01-01" in notes  # previous period and same period last year
    # the page too
    from test_english import han_left, pending_msgids

    page = _english(client_for("air_staff")).get(url.replace("&export=xlsx", "")).content.decode()
    from test_english import stored_texts

    assert han_left(page, stored_texts(), pending_msgids()) == []
    zh = client_for("air_staff").get(url)
    ws = openpyxl.load_workbook(io.BytesIO(zh.content)).worksheets[0]
    assert ws["A1"].value.startswith("街道排名 · 北京市 · 2016年1月 · 导出于 ")
    assert ws.cell(2, 1).value == "排名" and ws.cell(4, 1).value == "2(并列)" and ws.cell(3, 7).value == "上升3位"


def test_street_ranking_notice_stays_chinese_when_made_in_english(streets, client_for):  # noqa: F811
    from envbureau.quality.models import StreetRankingNotice

    c = _english(client_for("air_staff"))
    r = c.post("/quality/street-rankings/notice/", {"j": "110000", "year": "2016", "month": "1", "by": "pm25_mean",
                                                     "top": "2"})
    assert r.status_code == 302
    n = StreetRankingNotice.objects.get()
    assert n.data["period"]["label"] == "2016年1月" and n.data["rows"][0]["rank_change_text"] == "上升3位"
    from envbureau.quality.documents import ranking_context

    ctx = ranking_context(n)
    assert ctx["ranking_text"].startswith("2016年1月，全市5个街道（乡镇）按PM2.5浓度参与排名")
    # the audit log: the notice's label stored in Chinese whoever made it, named in the reader's language
    from django.utils import translation

    from envbureau.core.humanize import audit_labels
    from envbureau.core.models import AuditEntry

    entry = AuditEntry.objects.get(model="quality.streetrankingnotice", object_id=str(n.pk), action="create")
    assert entry.object_repr == "北京市2016年1月街道空气质量排名通报"
    with translation.override("en"):  # the period as English writes it (the notice's words are new: pending)
        label = audit_labels([entry])[0].label
        assert "2016-01" in label and "2016年1月" not in label and label.startswith("北京市")
    with translation.override("zh-hans"):
        assert audit_labels([entry])[0].label == "北京市2016年1月街道空气质量排名通报"


def test_rankings_export_in_english(client_for, beijing_slice):
    url = "/quality/rankings/?year=2015&month=2&export=1"
    en = _english(client_for("air_staff")).get(url)
    assert en.status_code == 200
    assert _han_outside_data(en.content) == []
    wb = openpyxl.load_workbook(io.BytesIO(en.content))
    assert " · 2015-02 · " in wb.worksheets[0]["A1"].value
    assert [ws.title for ws in wb.worksheets] != ["排名", "说明"]
    zh = openpyxl.load_workbook(io.BytesIO(client_for("air_staff").get(url).content))
    assert [ws.title for ws in zh.worksheets] == ["排名", "说明"]
    note = zh.worksheets[1].cell(3, 2).value
    assert note.startswith("2015年2月(2015-02-01—2015-02-28),按综合指数排名,并列者名次相同"), note


def test_warnings_export_in_english(client_for, stations):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import Warning

    when = dt.datetime(2016, 5, 1, 10, tzinfo=dt.UTC)
    Warning.objects.create(kind="air_threshold", jurisdiction=Jurisdiction.objects.get(code="110101"), subject="东四",
                           pollutant="pm25", first_time=when, last_time=when, value=600, message="PM2.5 小时值 600")
    en = _english(client_for("air_staff")).get("/quality/warnings/?export=xlsx")
    assert en.status_code == 200
    assert _han_outside_data(en.content) == []
    ws = openpyxl.load_workbook(io.BytesIO(en.content)).worksheets[0]
    assert "·" in ws["A1"].value and ws.cell(2, 1).value != "类型"
    zh = openpyxl.load_workbook(io.BytesIO(client_for("air_staff").get("/quality/warnings/?export=xlsx").content))
    assert [c.value for c in zh.worksheets[0][2]] == ["类型", "状态", "区划", "对象", "项目", "首次出现", "最近出现",
                                                      "次数", "说明"]
