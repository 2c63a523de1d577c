"""Environmental incidents (report, level, response log, close-out, linked enterprise and its alarms) and the
duty roster shown on the incident's page."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from envbureau.approvals import emergency
from envbureau.approvals.models import DutyShift, Incident
from envbureau.core import workflow as wf


def _report(world, user=None, **kw):
    args = dict(title="厂区储罐泄漏", kind="危化品泄漏", description="氨水储罐阀门泄漏,已关阀", level="IV",
                occurred_at="2026-11-20 08:30", reported_at="2026-11-20 09:05", enterprise_id=world["e1"].pk)
    args.update(kw)
    return emergency.report_incident(user, **args)


def test_report_respond_log_relevel_close(world):
    from envbureau.sources.models import DossierEvent

    officer = world["officer"]
    inc = _report(world, officer)
    assert inc.code.startswith("SJ2026-") and inc.jurisdiction.code == "110101" and inc.state == "reported"
    assert timezone.localtime(inc.occurred_at).strftime("%Y-%m-%d %H:%M") == "2026-11-20 08:30"
    wf.apply(officer, inc, "respond", note="启动三级响应,监测组赶赴现场")
    wf.apply(officer, inc, "log", note="下游断面氨氮 0.8 mg/L")
    wf.apply(officer, inc, "relevel", level="III", note="影响扩大")
    with pytest.raises(ValidationError):
        wf.apply(officer, inc, "close")  # a summary is required
    wf.apply(officer, inc, "report_up", at="2026-11-20 10:00", note="电话报告区政府、市局")
    wf.apply(officer, inc, "close", summary="泄漏已控制,水质恢复")
    inc.refresh_from_db()
    assert (inc.state, inc.level) == ("closed", "III") and inc.closed_at is not None
    verbs = [e["verb"] for e in wf.timeline(inc)]
    assert verbs == ["submit", "respond", "log", "relevel", "report_up", "close"]
    assert DossierEvent.objects.filter(enterprise=world["e1"], kind="approvals.incident").count() == 1


def test_bad_input_and_rights(world):
    with pytest.raises(ValidationError) as exc:
        _report(world, occurred_at="昨天")
    assert "occurred_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _report(world, reported_at="2026-11-20 08:00")  # before it happened
    assert "reported_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _report(world, enterprise_id=None)
    assert "jurisdiction" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        _report(world, world["ent_user"])
    assert not Incident.objects.exists()


def test_incident_page_shows_the_duty_and_the_enterprise_sees_its_own(world):
    inc = _report(world)
    other = _report(world, enterprise_id=world["e2"].pk)
    DutyShift.objects.create(day=timezone.localdate(), role="leader", person="张局", phone="13800000000",
                             jurisdiction=world["dc"].parent)
    c = Client()
    c.force_login(world["officer"])
    r = c.get(f"/approvals/incidents/{inc.pk}/")
    assert r.status_code == 200 and "张局" in r.content.decode() and "在线监控报警" in r.content.decode()
    e = Client()
    e.force_login(world["ent_user"])
    assert e.get(f"/approvals/incidents/{inc.pk}/").status_code == 200
    assert e.get(f"/approvals/incidents/{other.pk}/").status_code == 404
    assert e.get("/approvals/incidents/new/").status_code == 403
    assert c.get("/approvals/duty/add/").status_code == 200


def test_incident_page_lists_the_enterprises_alarms_in_its_window(world):
    """From 24 hours before the incident occurred (08:30 on 11-20) until it closed: an alarm ended before the
    window, another enterprise's and one after the close are not listed."""
    from envbureau.sources.models import Alarm, MonitoringPoint, Outlet

    inc = _report(world)  # occurred 2026-11-20 08:30

    def alarm(point, start, end=None, factor="w01018"):
        s = timezone.make_aware(dt.datetime.fromisoformat(start))
        e = timezone.make_aware(dt.datetime.fromisoformat(end)) if end else None
        return Alarm.objects.create(point=point, enterprise_id=point.enterprise_id, kind="exceedance", factor=factor,
                                    detail_key="hour", started_at=s, last_seen_at=e or s, ended_at=e,
                                    active=e is None, value=150, limit_value=100)

    p1 = world["point"]
    o2 = Outlet.objects.create(enterprise=world["e2"], code="DA001", name="废气排口", kind="gas")
    p2 = MonitoringPoint(outlet=o2, mn="88888880000002", name="废气在线")
    p2.save()
    before = alarm(p1, "2026-11-19 07:00", "2026-11-19 08:29")  # ended a minute before the window
    edge = alarm(p1, "2026-11-19 07:00", "2026-11-19 08:30", factor="w21003")  # ends as the window opens
    during = alarm(p1, "2026-11-20 10:00")
    alarm(p2, "2026-11-20 10:00")  # another enterprise
    Incident.objects.filter(pk=inc.pk).update(closed_at=timezone.make_aware(dt.datetime(2026, 11, 21, 12, 0)))
    after = alarm(p1, "2026-11-21 12:01")
    c = Client()
    c.force_login(world["officer"])
    page = c.get(f"/approvals/incidents/{inc.pk}/").content.decode()
    listed = {a.pk for a in (before, edge, during, after) if f"/sources/alarms/{a.pk}/" in page}
    assert listed == {edge.pk, during.pk}
    assert "2026-11-19 08:30 至 2026-11-21 12:00 期间(事发前起至结案或现在)的报警,共 2 条" in page
    assert "88888880000002" not in page and "废气在线" not in page


def test_statistics_count_incidents_by_level_and_state_with_links(world):
    from envbureau.approvals import stats
    from envbureau.core.models import Jurisdiction

    _report(world, occurred_at="2026-01-01 00:30", reported_at="2026-01-01 01:00")  # 2025 in UTC, 2026 here
    major = _report(world, level="II")
    Incident.objects.filter(pk=major.pk).update(state="closed")
    _report(world, occurred_at="2025-12-31 23:59", reported_at="2026-01-01 00:10")  # the year before
    _report(world, enterprise_id=world["e2"].pk)  # 西城区
    city = Jurisdiction.objects.get(code="110000")
    s = stats.statistics(None, world["dc"], 2026)
    f = s["figures"]
    assert (f["incidents"], f["incidents_IV"], f["incidents_II"], f["incidents_III"], f["incidents_I"]) == (2, 1, 1, 0, 0)
    assert (f["incidents_reported"], f["incidents_responding"], f["incidents_closed"]) == (1, 0, 1)
    assert s["previous"]["incidents"] == 1
    assert stats.statistics(None, city, 2026)["figures"]["incidents"] == 3
    assert "发生突发环境事件2起,已结案1起。" in s["sentence"]
    c = Client()
    c.force_login(world["officer"])
    page = c.get("/approvals/statistics/?jurisdiction=110101&year=2026").content.decode()
    assert "其中重大(Ⅱ级)(起)" in page and "其中已结案(起)" in page
    # each number's link lists exactly the incidents it counts
    for key in ("incidents", "incidents_IV", "incidents_II", "incidents_closed", "incidents_reported"):
        url = s["links"][key]
        assert url.startswith("/approvals/incidents/?") and url in page.replace("&amp;", "&")
        api = c.get(url.replace("/approvals/incidents/", "/api/v1/approvals/incidents/")).json()
        assert api["count"] == f[key], key
    bad = c.get("/api/v1/approvals/incidents/?level=V")
    assert bad.status_code == 400 and "level" in bad.json()["error"]["fields"]


def test_incident_page_shows_fifty_alarms_and_links_the_rest(world):
    from urllib.parse import parse_qs, urlsplit

    from envbureau.sources.models import Alarm

    inc = _report(world)
    p1 = world["point"]
    start = timezone.make_aware(dt.datetime(2026, 11, 20, 9, 0))
    Alarm.objects.bulk_create([Alarm(point=p1, enterprise_id=p1.enterprise_id, kind="absence", detail_key=str(i),
                                     started_at=start + dt.timedelta(minutes=i), last_seen_at=start)
                               for i in range(51)])
    # one that ended long before the incident's window: neither counted nor listed
    Alarm.objects.create(point=p1, enterprise_id=p1.enterprise_id, kind="absence", detail_key="old", active=False,
                         started_at=start - dt.timedelta(days=30), last_seen_at=start - dt.timedelta(days=30),
                         ended_at=start - dt.timedelta(days=29))
    c = Client()
    c.force_login(world["officer"])
    ctx = c.get(f"/approvals/incidents/{inc.pk}/").context
    assert (len(ctx["alarms"]), ctx["alarm_count"]) == (50, 51)
    url = urlsplit(ctx["alarms_more_url"])
    assert url.path == "/sources/alarms/" and parse_qs(url.query)["enterprise"] == [str(world["e1"].pk)]
    listed = c.get(ctx["alarms_more_url"])
    assert listed.status_code == 200
    api = c.get("/api/v1/sources/alarms/?" + url.query).json()
    assert api["count"] == 51  # the link lists exactly the window's alarms
