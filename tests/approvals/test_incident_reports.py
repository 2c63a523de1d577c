"""Incident information reports (突发环境事件信息报告办法, MEP Order No. 17 art. 3): the initial report (初报)
upwards is due 4 hours after the bureau learned of a 一般/较大 incident and 2 hours after a 重大/特别重大 one,
counted in clock hours; 续报 only after it; the close-out (处理结果报告) after it; the watch job tells the
people on the step once when the limit passes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from boundary import three
from envbureau.approvals import emergency
from envbureau.core import workflow as wf
from envbureau.core.models import Notification, Task

SH = ZoneInfo("Asia/Shanghai")
MINUTE = dt.timedelta(minutes=1)
LEARNED = dt.datetime(2026, 11, 20, 9, 5, tzinfo=SH)


def _report(world, level="IV", **kw):
    return emergency.report_incident(world["officer"], title="储罐泄漏", kind="危化品泄漏", description="阀门泄漏",
                                     level=level, occurred_at="2026-11-20 08:30", reported_at="2026-11-20 09:05",
                                     enterprise_id=world["e1"].pk, **kw)


@pytest.mark.parametrize("level,due", [
    ("IV", dt.datetime(2026, 11, 20, 13, 5, tzinfo=SH)), ("III", dt.datetime(2026, 11, 20, 13, 5, tzinfo=SH)),
    ("II", dt.datetime(2026, 11, 20, 11, 5, tzinfo=SH)), ("I", dt.datetime(2026, 11, 20, 11, 5, tzinfo=SH))])
def test_initial_report_limit_by_level_in_clock_hours(world, level, due):
    inc = _report(world, level)
    assert inc.initial_report_due == due
    assert three(inc.initial_report_overdue, due, MINUTE) == (False, False, True)


def test_a_saturday_night_counts_like_any_other_hour(world):
    inc = emergency.report_incident(world["officer"], title="夜间泄漏", kind="水污染", description="-", level="IV",
                                    occurred_at="2026-11-21 22:00", reported_at="2026-11-21 22:30",  # a Saturday
                                    enterprise_id=world["e1"].pk)
    assert inc.initial_report_due == dt.datetime(2026, 11, 22, 2, 30, tzinfo=SH)


@pytest.mark.parametrize("offset,late", [(-MINUTE, False), (dt.timedelta(0), False), (MINUTE, True)])
def test_initial_report_on_time_up_to_the_limit(world, offset, late):
    inc = _report(world)
    at = dt.datetime(2026, 11, 20, 13, 5, tzinfo=SH) + offset
    wf.apply(world["officer"], inc, "report_up", at=at.strftime("%Y-%m-%d %H:%M"), note="电话报告区政府、市局")
    inc.refresh_from_db()
    assert inc.initial_reported_at == at and inc.initial_report_late is late
    with pytest.raises(ValidationError):  # once only; later ones are 续报
        wf.apply(world["officer"], inc, "report_up", note="再报")


def test_raising_the_level_before_reporting_shortens_the_limit(world):
    inc = _report(world, "IV")
    wf.apply(world["officer"], inc, "relevel", level="II", note="影响饮用水源")
    inc.refresh_from_db()
    assert inc.initial_report_due == dt.datetime(2026, 11, 20, 11, 5, tzinfo=SH)


def test_follow_up_and_close_wait_for_the_initial_report(world):
    inc = _report(world)
    wf.apply(world["officer"], inc, "respond", note="启动响应")
    with pytest.raises(ValidationError) as exc:
        wf.apply(world["officer"], inc, "follow_up", note="续报")
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        wf.apply(world["officer"], inc, "close", summary="已处置")
    assert "summary" in exc.value.message_dict
    wf.apply(world["officer"], inc, "report_up", at="2026-11-20 10:00", note="初报")
    wf.apply(world["officer"], inc, "follow_up", note="续报:下游监测正常")
    wf.apply(world["officer"], inc, "close", summary="泄漏已控制")
    inc.refresh_from_db()
    assert (inc.state, inc.follow_ups, inc.initial_report_late) == ("closed", 1, False)
    assert [e["verb"] for e in wf.timeline(inc)] == ["submit", "respond", "report_up", "follow_up", "close"]


def test_the_step_says_what_is_due_and_by_when(world):
    inc = _report(world)
    task = Task.objects.get(object_id=str(inc.pk), model="approvals.incident", is_open=True)
    assert "初报" in task.action and "2026-11-20 13:05" in task.action
    assert task.due_date == dt.date(2026, 11, 20)
    assert Notification.objects.filter(recipient=world["officer"], kind="task", message__contains="初报").exists()
    wf.apply(world["officer"], inc, "report_up", at="2026-11-20 10:00", note="初报")
    task = Task.objects.get(object_id=str(inc.pk), model="approvals.incident", is_open=True)
    assert task.action == "启动应急响应" and task.due_date is None


def test_watch_tells_once_when_the_limit_passes(world):
    inc = _report(world)
    due = dt.datetime(2026, 11, 20, 13, 5, tzinfo=SH)
    assert emergency.watch_incidents(due) == 0  # the limit's own minute is still in time
    assert emergency.watch_incidents(due + MINUTE) == 1
    assert emergency.watch_incidents(due + 2 * MINUTE) == 0
    told = Notification.objects.filter(kind="overdue", object_id=str(inc.pk))
    assert list(told.values_list("recipient__username", flat=True)) == ["apr_officer"]
    assert "初报已超过时限(2026-11-20 13:05)" in told.get().message
    assert [e["verb"] for e in wf.timeline(inc)][-1] == "overdue"
    reported = _report(world)
    wf.apply(world["officer"], reported, "report_up", at="2026-11-20 12:00", note="初报")
    assert emergency.watch_incidents(due + 3 * MINUTE) == 0  # reported in time: nothing to tell


def test_api_report_and_report_up(world):
    c = APIClient()
    c.force_authenticate(world["officer"])
    r = c.post("/api/v1/approvals/incidents/", {"title": "河道油污", "kind": "水污染", "description": "油膜",
                                                 "occurred_at": "2026-11-20 08:00", "reported_at": "2026-11-20 08:10",
                                                 "level": "II", "enterprise_id": world["e1"].pk}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = c.post(f"/api/v1/approvals/incidents/{pk}/report-up/", {"at": "2026-11-20 10:11", "note": "初报"},
               format="json")
    assert r.status_code == 200 and r.json()["initial_report_late"] is True  # due 10:10
    r = c.post(f"/api/v1/approvals/incidents/{pk}/report-up/", {"at": "昨天", "note": "x"}, format="json")
    assert r.status_code == 400
    e = APIClient()
    e.force_authenticate(world["ent_user"])
    assert e.post(f"/api/v1/approvals/incidents/{pk}/follow-up/", {"note": "x"}, format="json").status_code == 403
