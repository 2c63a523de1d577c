"""Online-monitoring alarms and declarations on core.workflow: alarms gain a timeline (every note is a line,
no longer appended to alarm.note), tasks wait for whoever acts next, declarations' review is on theirs."""

import datetime as dt

import pytest
from django.test import Client

from envbureau.sources import services
from envbureau.sources.models import Alarm
from envbureau.sources.registry import SourcesRegistry

from .conftest import packet


@pytest.fixture
def alarm(world, hour0):
    SourcesRegistry().on_stored([packet(world["p1"], hour0, {"a21026": {"Avg": 90, "ZsAvg": 90}})])
    return Alarm.objects.get()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_an_alarm_has_a_timeline_and_a_task_until_closed(alarm, user_named):
    from envbureau.core.notify import tasks_for
    from envbureau.core.workflow import timeline

    officer = user_named("dongcheng")  # sources.ack_alarm in 东城区 (the enterprise's street is inside)
    assert [(t.model, t.object_id, t.action) for t in tasks_for(officer)] == [
        ("sources.alarm", str(alarm.pk), "处理报警")]
    services.acknowledge_alarm(officer, alarm.pk, "已电话通知企业")
    staff = user_named("enforcement")
    services.close_alarm(staff, alarm.pk, "企业已整改,复测达标")
    alarm.refresh_from_db()
    assert alarm.note == "企业已整改,复测达标"  # the closing note; the acknowledgement's is on the timeline
    assert not tasks_for(officer).exists()
    lines = timeline(alarm)
    # The alarm's finding is kept as facts and worded on its page in the reader's language, so the opening
    # line carries no stored (Chinese) note.
    assert alarm.facts
    assert [(e["verb_label"], e["to_label"], e["note"]) for e in lines] == [
        ("产生报警", "待处理", ""), ("确认", "已确认", "已电话通知企业"),
        ("关闭", "已关闭", "企业已整改,复测达标")]
    assert [e["actor"] for e in lines] == ["系统", str(officer), str(staff)]
    c = _client(staff)
    assert [e["verb"] for e in c.get(f"/api/v1/sources/alarms/{alarm.pk}/timeline/").json()] == [
        "open", "acknowledge", "close"]
    assert "已电话通知企业" in c.get(f"/sources/alarms/{alarm.pk}/").content.decode()
    # The 朝阳 officer neither sees the alarm nor its timeline.
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    cy = User.objects.create(username="cy_officer")
    RoleAssignment.objects.create(user=cy, role=Role.objects.get(code="officer"),
                                  jurisdiction=Jurisdiction.objects.get(code="110105"))
    assert _client(cy).get(f"/api/v1/sources/alarms/{alarm.pk}/timeline/").status_code == 404


def test_alarm_to_problem_is_on_the_timeline(alarm, user_named):
    from envbureau.core.workflow import timeline
    from envbureau.ledger.models import Problem

    ref = services.alarm_to_problem(user_named("enforcement"), alarm.pk)
    p = Problem.objects.get()
    assert ref == f"ledger.problem:{p.pk}"
    last = timeline(alarm)[-1]
    assert (last["verb_label"], last["to_state"], last["note"]) == ("转为问题", "acknowledged", f"报警转为问题 {p.code}")


def test_a_declaration_waits_for_review_and_its_review_is_on_its_timeline(world, user_named):
    from django.core.exceptions import PermissionDenied

    from envbureau.core.notify import tasks_for
    from envbureau.core.workflow import timeline

    now = dt.datetime.now(dt.timezone.utc)
    ent = world["ent_user"]
    d = services.submit_declaration(ent, enterprise=world["e1"], point=world["p1"], kind="maintenance",
                                    start=now + dt.timedelta(hours=1), end=now + dt.timedelta(hours=5), reason="检修")
    from envbureau.core.workflow import open_tasks

    assert [(t.action, t.permission) for t in open_tasks(d)] == [
        ("审核异常申报", "sources.approve_declaration|sources.change")]
    staff = user_named("dongcheng")  # officer: no approve_declaration
    assert not [t for t in tasks_for(staff) if t.model == "sources.declaration"]
    with pytest.raises(PermissionDenied):
        services.approve_declaration(ent, d.pk, "")  # an enterprise never approves
    services.reject_declaration(user_named("enforcement"), d.pk, "检修计划未报备")
    assert not open_tasks(d).exists()
    lines = timeline(d)
    assert [(e["verb_label"], e["to_label"], e["note"]) for e in lines] == [
        ("提交申报", "待审核", "检修"), ("驳回", "已驳回", "检修计划未报备")]
    assert lines[0]["actor"] == str(ent)
