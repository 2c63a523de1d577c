"""Alarms keep their finding as facts (kind + values) and word it in the reader's language: every rule's
alarm reads in English for an English reader (list, detail page, Excel export), in Chinese for a Chinese one,
and the stored ``message`` stays Chinese. Alarms raised before the facts were kept get them back from their
stored text (migration sources 0005): the round trip from each rule's words to the same facts is checked."""

import datetime as dt
import importlib
import io
import re

import openpyxl
from django.utils import translation

from envbureau.sources import alarms
from envbureau.sources.models import Alarm, PointHourly, PollutantLimit

T = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
HAN = re.compile(r"[\u3400-\u9fff]")
MIGRATION = importlib.import_module("envbureau.sources.migrations.0005_alarm_facts")


def _raise_every_kind(world):
    p1, p2 = world["p1"], world["p2"]
    lim = lambda p: list(PollutantLimit.objects.filter(point=p))  # noqa: E731
    alarms.evaluate_values(p1, T, {"a21002": {"Avg": 60}, "a21026": {"Avg": 1, "ZsAvg": 70}}, "hour", lim(p1))
    alarms.evaluate_values(p2, T, {"w01018": {"Avg": 44}}, "day", lim(p2))
    alarms.evaluate_values(p2, T, {"w01001": {"Avg": 5.5}}, "hour", lim(p2))
    alarms.evaluate_values(p2, T + H, {"w01018": {"Avg": -1}, "w01001": {"Avg": 14.5}}, "hour", lim(p2))
    alarms.evaluate_values(p1, T, {"a34013": {"Avg": 3, "Flag": "M"}, "a19001": {"Avg": 3, "Flag": "T"}}, "hour", lim(p1))
    for i in range(6):
        PointHourly.objects.create(point=p2, factor="w21003", hour=T - i * H, avg=1.25)
    alarms.evaluate_flatline(p2, "w21003", T, hours=6)
    p1.last_data_at = T
    p1.save(update_fields=["last_data_at"])
    alarms.check_absence(T + 48 * H, points=[p1])
    return list(Alarm.objects.all())


def test_every_rule_keeps_facts_worded_per_reader(world):
    with translation.override("en"):  # whoever runs the rule, the stored text is Chinese
        raised = _raise_every_kind(world)
    kinds = {a.facts["msg"] for a in raised}
    assert kinds == {"over", "under", "negative", "ph", "flag", "flat", "absence"}, kinds
    for a in raised:
        assert HAN.search(a.message), a.message
        with translation.override("zh-hans"):
            assert a.text == a.message
        with translation.override("en"):
            assert a.text and not HAN.search(a.text), (a.facts, a.text)
        # the migration reads the same facts back from the stored Chinese text
        assert MIGRATION.facts_of(a.message) == a.facts, a.message


def test_pages_and_export_in_english(world, client_for):
    with translation.override("zh-hans"):
        _raise_every_kind(world)
    a = Alarm.objects.get(factor="a21026")
    assert a.message == "小时均值(折算) 70 mg/m³ 超过限值 35 mg/m³,超标 1.00 倍"
    c = client_for("admin")
    c.cookies["django_language"] = "en"
    for url in ("/sources/alarms/", f"/sources/alarms/{a.pk}/"):
        page = c.get(url).content.decode()
        assert "Hourly average (converted) 70 mg/m³ above the limit 35 mg/m³" in page and a.message not in page, url
    assert "70.0 / 35.0 mg/m³" in page  # the detail page: value and limit with the factor's unit
    wb = openpyxl.load_workbook(io.BytesIO(c.get("/sources/alarms/?export=xlsx").content))
    texts = [str(cell.value) for row in wb.worksheets[0].iter_rows(min_row=3) for cell in row if cell.value]
    assert any("above the limit 35 mg/m³" in t for t in texts) and a.message not in texts
    # the API's message: in the request's language too (the stored Chinese text for a Chinese reader)
    for url in ("/api/v1/sources/alarms/", f"/api/v1/sources/alarms/{a.pk}/"):
        body = c.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
        row = body if "id" in body else next(r for r in body["results"] if r["id"] == a.pk)
        assert row["message"].startswith("Hourly average (converted) 70 mg/m³ above the limit 35 mg/m³"), (url, row["message"])
    zh = client_for("admin")
    assert zh.get(f"/api/v1/sources/alarms/{a.pk}/").json()["message"] == a.message


def test_old_alarms_get_facts_or_stay_as_stored(world):
    from django.apps import apps

    from envbureau.core.models import TimelineEvent

    p2 = world["p2"]
    old = Alarm.objects.create(point=p2, enterprise_id=p2.enterprise_id, kind="exceedance", factor="w01018",
                               started_at=T, last_seen_at=T, message="日均值 44 超过限值 40,超标 0.10 倍;依据 GB 8978")
    odd = Alarm.objects.create(point=p2, enterprise_id=p2.enterprise_id, kind="invalid", factor="w01018",
                               started_at=T, last_seen_at=T, message="人工标注")
    TimelineEvent.objects.create(model="sources.alarm", object_id=str(old.pk), verb="open", note=old.message)
    MIGRATION.forwards(apps, None)
    old.refresh_from_db()
    odd.refresh_from_db()
    assert old.facts == {"msg": "over", "args": {"p": "day", "v": "44", "l": "40", "x": 0.1, "s": "GB 8978"}}
    assert odd.facts == {} and TimelineEvent.objects.get(object_id=str(old.pk), model="sources.alarm").note == ""
    with translation.override("en"):
        assert old.text == "Daily average 44 above the limit 40, exceeded by 0.10 times; under GB 8978"
        assert odd.text == "人工标注"
