"""Off-site inspections (现场外检查) with online-monitoring evidence: the enterprise's HJ 212 alarms and hourly values
of a period are captured on the inspection as they are at that moment — frozen in the record and in a hashed JSON
file, not links to data that may change — and shown on the inspection's page and in its 笔录."""

import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from envbureau.core import workflow as wf
from envbureau.enforcement import evidence, services


def local(*args):
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def data(world):
    from envbureau.sources.models import Alarm, MonitoringPoint, Outlet, PointHourly

    ent, other = world["enterprises"][0], world["enterprises"][1]
    outlet = Outlet.objects.create(enterprise=ent, code="DW001", name="总排口", kind="water")
    point = MonitoringPoint.objects.create(outlet=outlet, enterprise=ent, mn="88888880000001", name="总排口监测点")
    o2 = Outlet.objects.create(enterprise=other, code="DW001", name="总排口", kind="water")
    p2 = MonitoringPoint.objects.create(outlet=o2, enterprise=other, mn="88888880000002", name="他厂监测点")
    alarm = Alarm.objects.create(point=point, enterprise=ent, kind="exceed", factor="w01018",
                                 started_at=local(2026, 10, 8, 9, 0), last_seen_at=local(2026, 10, 8, 11, 0),
                                 value=120, limit_value=50, message="COD 超标")
    Alarm.objects.create(point=point, enterprise=ent, kind="exceed", factor="w01018",  # ended before the period
                         started_at=local(2026, 10, 1, 9, 0), last_seen_at=local(2026, 10, 1, 10, 0),
                         ended_at=local(2026, 10, 1, 10, 0), value=90, limit_value=50)
    hours = [PointHourly.objects.create(point=point, factor="w01018", hour=local(2026, 10, 8, h), avg=v)
             for h, v in ((8, 40.0), (9, 120.0), (10, 80.5))]
    PointHourly.objects.create(point=point, factor="w01018", hour=local(2026, 10, 8, 11), avg=60.0)  # = end: out
    PointHourly.objects.create(point=p2, factor="w01018", hour=local(2026, 10, 8, 9), avg=999.0)  # other firm
    insp = services.create_inspection(None, source="alarm", enterprise_id=ent.pk, enterprise_name=ent.name,
                                      team=world["inspectors"][:2], items=world["items"][:1], method="offsite",
                                      planned_on=dt.date(2026, 10, 9), source_ref=f"sources.alarm:{alarm.pk}")
    return {"insp": insp, "alarm": alarm, "hours": hours}


def test_capture_freezes_the_period(data, user_named):
    insp = data["insp"]
    ev = evidence.capture_monitoring(user_named("admin"), insp, start="2026-10-08 08:00", end="2026-10-08 11:00")
    d = ev.data
    assert (d["start"], d["end"]) == ("2026-10-08 08:00", "2026-10-08 11:00")
    assert [(a["started_at"], a["point"], a["value"], a["limit_value"], a["unit"]) for a in d["alarms"]] == [
        ("2026-10-08 09:00", "总排口监测点", 120, 50, "mg/L")]
    assert [(h["hour"], h["avg"]) for h in d["hourly"]] == [
        ("2026-10-08 08:00", 40.0), ("2026-10-08 09:00", 120.0), ("2026-10-08 10:00", 80.5)]
    assert d["hourly"][0]["factor_name"] == "COD" and d["hourly"][0]["point_mn"] == "88888880000001"
    # frozen: a later correction of the source data leaves the evidence as it was
    from envbureau.sources.models import PointHourly

    PointHourly.objects.filter(pk=data["hours"][1].pk).update(avg=12.0)
    data["alarm"].delete()
    ev.refresh_from_db()
    assert [h["avg"] for h in ev.data["hourly"]] == [40.0, 120.0, 80.5] and len(ev.data["alarms"]) == 1
    with ev.file.open("rb") as fh:
        raw = fh.read()
    assert hashlib.sha256(raw).hexdigest() == ev.sha256 and json.loads(raw)["hourly"][1]["avg"] == 120.0
    assert ev.kind == "monitoring" and ev.name.endswith(".json")
    assert any(e["verb"] == "monitoring" for e in wf.timeline(insp))
    from envbureau.core.models import TimelineEvent

    line = TimelineEvent.objects.get(model="enforcement.inspection", object_id=str(insp.pk), verb="monitoring")
    # stored as facts (worded per reader), the Chinese kept as the text
    assert line.note == "调取在线监控数据 2026-10-08 08:00 至 2026-10-08 11:00:报警 1 条,小时值 3 个"
    assert line.data["note_facts"]["args"] == {"s": "2026-10-08 08:00", "e": "2026-10-08 11:00", "a": 1, "h": 3}


@pytest.mark.parametrize("start, end, field", [
    ("2026-10-08 11:00", "2026-10-08 08:00", "end"),  # backwards
    ("2026-10-08", "2026-10-08 11:00", "start"),  # no time
    ("2026-09-01 00:00", "2026-10-08 00:00", "end"),  # 37 days: over the 31-day limit
    ("2026-10-08 08:00", "2099-01-01 00:00", "end"),  # in the future
])
def test_bad_periods_name_the_field(data, start, end, field):
    with pytest.raises(ValidationError) as exc:
        evidence.capture_monitoring(None, data["insp"], start=start, end=end)
    assert field in exc.value.message_dict


def test_shown_on_the_page_and_in_the_record(data, user_named, client_for):
    from docx import Document

    from envbureau.core.documents import issue

    insp = data["insp"]
    c = client_for("admin")
    resp = c.post(f"/enforcement/inspections/{insp.pk}/monitoring/",
                  {"start": "2026-10-08T08:00", "end": "2026-10-08T11:00"})
    assert resp.status_code == 302
    page = c.get(f"/enforcement/inspections/{insp.pk}/").content.decode()
    assert "在线监控数据" in page and "总排口监测点" in page and "120.0 mg/L" in page and "80.5 mg/L" in page
    assert "999" not in page  # another enterprise's values are not read
    api = c.get(f"/api/v1/enforcement/inspections/{insp.pk}/evidence/").json()
    assert [e["kind"] for e in api] == ["monitoring"] and len(api[0]["data"]["hourly"]) == 3
    wf.apply(None, insp, "record", result="corrected", party_present="企业环保负责人(电话询问)",
             findings="COD 小时均值超标", checklist={"0": ("problem", "超标"), "1": ("ok", "")},
             inspected_on="2026-10-09")
    doc = issue(user_named("admin"), insp, "enforcement.inspection_record")
    text = doc.values["monitoring"]
    assert "时段 2026-10-08 08:00 至 2026-10-08 11:00" in text and "报警 1 条,小时值 3 个" in text
    assert "小时均值最高:总排口监测点 COD 120mg/L(2026-10-08 09:00)" in text
    doc.docx.open("rb")
    body = "\n".join(p.text for p in Document(io.BytesIO(doc.docx.read())).paragraphs)
    doc.docx.close()
    assert "在线监控数据：调取时间" in body
    # the API captures too, naming a bad field
    resp = c.post(f"/api/v1/enforcement/inspections/{insp.pk}/monitoring/", {"start": "x", "end": "2026-10-08 11:00"})
    assert resp.status_code == 400 and "start" in str(resp.json())


def test_an_offsite_record_needs_no_party_present_an_onsite_one_does(data, user_named):
    from envbureau.core.documents import issue

    insp = data["insp"]
    wf.apply(None, insp, "record", result="no_problem", checklist={"0": ("ok", ""), "1": ("ok", "")},
             inspected_on="2026-10-09")
    doc = issue(user_named("admin"), insp, "enforcement.inspection_record")
    assert doc.values["party_present"] == "非现场检查,无在场当事人"
    insp.refresh_from_db()
    insp.method = "onsite"
    insp.save(update_fields=["method"])
    with pytest.raises(ValidationError) as e:
        issue(user_named("admin"), insp, "enforcement.inspection_record")
    assert "在场当事人" in str(e.value)


def test_not_on_a_closed_inspection(data):
    insp = data["insp"]
    wf.apply(None, insp, "cancel", note="企业已停产")
    with pytest.raises(ValidationError):
        evidence.capture_monitoring(None, insp, start="2026-10-08 08:00", end="2026-10-08 11:00")
