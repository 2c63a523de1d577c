"""Warnings keep their finding as facts (kind + values) and word it in the reader's language: the list, the
detail page and the Excel export read English for an English user (the station's name is data), Chinese for
a Chinese one; the stored ``message`` stays Chinese whoever triggered the scan. Warnings raised before the
facts were kept get them from their stored text (migration quality 0021), or are shown as stored."""

import datetime as dt
import importlib
import io
import re
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
HAN = re.compile(r"[\u3400-\u9fff]")
HEAD = "站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\n"


def _import(lines):
    from envbureau.quality.airdata import import_files

    import_files([("x.csv", (HEAD + "\n".join(lines) + "\n").encode())])


def _hours(first, n, pm25=lambda i: 40 + i % 7):
    return [f"BJ-Dongsi,{(first + dt.timedelta(hours=i)):%Y-%m-%d %H:%M},{pm25(i)},{80 + i % 5},{3 + i % 4},"
            f"{30 + i % 6},{0.4 + (i % 3) / 10:.1f},{60 + i % 9}" for i in range(n)]


def _without(text: str, *data: str) -> str:
    for d in data:
        text = text.replace(d, "")
    return text


def test_scan_keeps_facts_and_words_them_per_reader(stations, client_for):
    from envbureau.quality.models import AirThreshold, Warning
    from envbureau.quality.services import scan_air_warnings

    AirThreshold.objects.create(pollutant="pm25", hourly_limit=250)
    _import(_hours(dt.datetime(2017, 2, 25), 30, pm25=lambda i: 300 if i in (3, 4) else 40 + i % 7))
    with translation.override("en"):  # an English user's request runs the scan: the stored text is Chinese all the same
        scan_air_warnings(dt.datetime(2017, 2, 25, tzinfo=TZ), dt.datetime(2017, 2, 26, 23, tzinfo=TZ))
    over = Warning.objects.get(kind="air_threshold", subject="东四")
    assert over.facts == {"msg": "over", "args": {"s": "东四", "p": "pm25", "n": 2, "t": "250", "v": "300"}}
    # the scan's audit entry names itself by a sentence: stored in Chinese, read per reader (not "quality.warning
    # scan", not the words of whoever ran it)
    from envbureau.core.humanize import audit_labels
    from envbureau.core.models import AuditEntry

    entry = AuditEntry.objects.get(model="quality.warning", object_id="scan")
    n = Warning.objects.count()
    assert entry.object_repr == f"空气预警扫描 新增 {n} 条"
    with translation.override("en"):
        shown = audit_labels([entry])[0]
        assert (shown.label, shown.gone) == (f"Air warning scan: {n} new", False)
    assert over.message == "东四 PM2.5 小时浓度 2 次超过阈值 250,最高 300"
    stop = Warning.objects.get(kind="data_stop", subject="东四")
    assert stop.facts["msg"] == "stop" and stop.message.startswith("东四 自 2017-02-26 06:00 起无数据")
    with translation.override("zh-hans"):
        assert over.text == over.message and stop.text == stop.message
    with translation.override("en"):
        assert "PM2.5" in over.text and "300" in over.text and not HAN.search(_without(over.text, "东四")), over.text
        assert "2017-02-26 06:00" in stop.text and not HAN.search(_without(stop.text, "东四")), stop.text
    en = client_for("air_staff")
    en.cookies["django_language"] = "en"
    for url in ("/quality/warnings/", f"/quality/warnings/{over.pk}/"):
        page = en.get(url).content.decode()
        assert over.message not in page and "highest 300" in page, url
    zh = client_for("air_staff").get(f"/quality/warnings/{over.pk}/").content.decode()
    assert over.message in zh
    # the Excel export: the description in English, the pollutant by name (never its code)
    wb = openpyxl.load_workbook(io.BytesIO(en.get("/quality/warnings/?export=xlsx&kind=air_threshold").content))
    rows = [[c.value for c in r] for r in wb.worksheets[0].iter_rows(min_row=3)]
    (row,) = [r for r in rows if r[0] and "threshold" in str(r[-1])]
    assert row[4] == "PM2.5" and not HAN.search(_without(row[-1], "东四")), row
    # the API's message: in the request's language too (the stored Chinese text for a Chinese reader)
    api = en.get(f"/api/v1/quality/warnings/{over.pk}/").json()["message"]
    assert "highest 300" in api and not HAN.search(_without(api, "东四")), api
    listed = en.get("/api/v1/quality/warnings/?kind=air_threshold").json()["results"]
    assert any(r["id"] == over.pk and "highest 300" in r["message"] for r in listed)
    assert client_for("air_staff").get(f"/api/v1/quality/warnings/{over.pk}/").json()["message"] == over.message


def test_water_warning_names_items_in_the_reader_language(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import Warning, WaterSample, WaterSection
    from envbureau.quality.water import scan_water_warnings

    sec = WaterSection.objects.create(code="T-W", name="乙断面", river="乙河", target_class=3, automatic=True,
                                      jurisdiction=Jurisdiction.objects.get(code="110101"))
    WaterSample.objects.create(section=sec, kind="automatic", time=dt.datetime(2016, 1, 8, 9, tzinfo=TZ),
                               values={"nh3n": 1.4, "codmn": 3.5, "do": 6.5, "ph": 7.6})
    scan_water_warnings()
    w = Warning.objects.get(kind="water_target")
    assert w.facts == {"msg": "water", "args": {"s": "乙断面", "t": "2016-01-08 09:00", "c": 4, "g": 3,
                                                  "i": [["nh3n", "0.4"]]}}
    assert w.message == "乙断面 自动站 2016-01-08 09:00 水质Ⅳ类,劣于目标Ⅲ类;超标项目 氨氮(0.4)"
    with translation.override("en"):
        assert "Ammonia nitrogen(0.4)" in w.text and "氨氮" not in w.text


def test_old_warnings_get_facts_from_their_text_or_stay_as_stored():
    m = importlib.import_module("envbureau.quality.migrations.0021_warning_facts")
    assert m.facts_of("东四 PM25 小时浓度 4 次超过阈值 250,最高 310") == {
        "msg": "over", "args": {"s": "东四", "p": "pm25", "n": 4, "t": "250", "v": "310"}}
    assert m.facts_of("万寿西宫 O3 连续 9 小时数值不变(12)") == {
        "msg": "flat", "args": {"s": "万寿西宫", "p": "o3", "n": 9, "v": "12"}}
    assert m.facts_of("东四 自 2017-02-28 10:00 起无数据(连续 68 小时)") == {
        "msg": "stop", "args": {"s": "东四", "t": "2017-02-28 10:00", "n": 68}}
    assert m.facts_of("乙断面 自动站 2016-01-08 09:00 水质劣Ⅴ类,劣于目标Ⅲ类;超标项目 氨氮(0.4)、总磷(1.5)") == {
        "msg": "water", "args": {"s": "乙断面", "t": "2016-01-08 09:00", "c": 6, "g": 3,
                                 "i": [["nh3n", "0.4"], ["tp", "1.5"]]}}
    assert m.facts_of("PM2.5 小时值 600") == {}  # not one of the sentences: shown as stored
    assert m.facts_of("东四 XX 小时浓度 4 次超过阈值 250,最高 310") == {}  # an unknown pollutant: as stored


def test_migration_fills_facts_and_the_page_words_them(demo_core):
    from django.apps import apps

    from envbureau.core.models import Jurisdiction, TimelineEvent
    from envbureau.quality.models import Warning

    m = importlib.import_module("envbureau.quality.migrations.0021_warning_facts")
    t0 = dt.datetime(2017, 2, 28, 10, tzinfo=TZ)
    j = Jurisdiction.objects.get(code="110101")
    old = Warning.objects.create(kind="data_stop", jurisdiction=j, source_ref="quality.airstation:1", subject="东四",
                                 first_time=t0, last_time=t0, message="东四 自 2017-02-28 10:00 起无数据(连续 68 小时)")
    odd = Warning.objects.create(kind="data_stop", jurisdiction=j, source_ref="quality.airstation:2", subject="天坛",
                                 first_time=t0, last_time=t0, message="手工录入的说明")
    TimelineEvent.objects.create(model="quality.warning", object_id=str(old.pk), verb="open", note=old.message)
    m.forwards(apps, None)
    old.refresh_from_db()
    odd.refresh_from_db()
    assert old.facts["msg"] == "stop" and odd.facts == {}
    assert TimelineEvent.objects.get(model="quality.warning", object_id=str(old.pk)).note == ""
    with translation.override("en"):
        assert "no data since 2017-02-28 10:00" in old.text and odd.text == "手工录入的说明"


def test_water_items_by_name_in_the_reader_language():
    """Water items (GB 3838) by name with unit in the reader's language, also as the standards library and
    stored classes write them ("总磷(1.2)、溶解氧"); every item of the standards has a name."""
    from envbureau.quality.choices import WATER_ITEM_NAMES, water_item_label, water_items_text
    from envbureau.standards import water as std_water

    assert set(WATER_ITEM_NAMES) == set(std_water.ITEMS)
    assert all(WATER_ITEM_NAMES[k] == std_water.ITEMS[k][0] for k in std_water.ITEMS)  # same Chinese names
    with translation.override("en"):
        assert water_item_label("do", unit=True) == "Dissolved oxygen (mg/L)"
        assert water_item_label("ph", unit=True) == "pH"
        assert water_items_text("总磷(1.2)、溶解氧") == "Total phosphorus(1.2), Dissolved oxygen"
        assert water_items_text(["氨氮(0.4)"]) == "Ammonia nitrogen(0.4)"
    with translation.override("zh-hans"):
        assert water_items_text(["总磷(1.2)", "溶解氧"]) == "总磷(1.2)、溶解氧"
        assert water_item_label("nh3n", unit=True) == "氨氮 (mg/L)"
