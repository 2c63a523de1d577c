"""Alarm lifecycle (open → acknowledged → closed with note), permissions, 转为问题, audit on writes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from envbureau.core.models import AuditEntry
from envbureau.sources import services
from envbureau.sources.models import Alarm
from envbureau.sources.registry import SourcesRegistry

from .conftest import packet


@pytest.fixture
def alarm(world, hour0):
    SourcesRegistry().on_stored([packet(world["p1"], hour0, {"a21026": {"Avg": 90, "ZsAvg": 90}})])
    return Alarm.objects.get()


def test_lifecycle_and_audit(alarm, user_named):
    staff = user_named("enforcement")
    a = services.acknowledge_alarm(staff, alarm.pk, "已通知企业")
    assert a.status == "acknowledged" and a.acknowledged_by == staff
    with pytest.raises(ValidationError):
        services.close_alarm(staff, alarm.pk, "")
    a = services.close_alarm(staff, alarm.pk, "企业已整改")
    assert a.status == "closed" and not a.active and "企业已整改" in a.note
    with pytest.raises(ValidationError):
        services.acknowledge_alarm(staff, alarm.pk)
    entries = AuditEntry.objects.filter(model="sources.alarm", object_id=str(alarm.pk))
    assert entries.filter(action="create").exists()
    updates = entries.filter(action="update")
    assert updates.count() == 2 and {e.actor_name for e in updates} == {"enforcement"}
    assert any(e.changes.get("status") == ["acknowledged", "closed"] for e in updates)


def test_after_close_a_persisting_condition_opens_a_new_alarm(alarm, world, hour0, user_named):
    import datetime as dt

    services.close_alarm(user_named("enforcement"), alarm.pk, "已处理")
    SourcesRegistry().on_stored([packet(world["p1"], hour0 + dt.timedelta(hours=1), {"a21026": {"Avg": 90, "ZsAvg": 90}})])
    assert Alarm.objects.count() == 2


def test_enterprise_user_and_officer_cannot_close(alarm, world, user_named, hour0):
    from django.http import Http404

    from envbureau.core.permissions import has_perm

    with pytest.raises(PermissionDenied):
        services.close_alarm(world["ent_user"], alarm.pk, "x")
    with pytest.raises(PermissionDenied):
        services.acknowledge_alarm(world["ent_user"], alarm.pk)
    officer = user_named("dongcheng")
    with pytest.raises(PermissionDenied):
        services.close_alarm(officer, alarm.pk, "x")
    # officers acknowledge alarms of their subtree when their role grants sources.ack_alarm (core/roles.py)
    SourcesRegistry().on_stored([packet(world["p2"], hour0, {"w01018": {"Avg": 90}})])
    other = Alarm.objects.get(point=world["p2"])  # 朝阳: outside 东城
    assert has_perm(officer, "sources.ack_alarm")
    assert services.acknowledge_alarm(officer, alarm.pk).status == "acknowledged"
    with pytest.raises(Http404):
        services.acknowledge_alarm(officer, other.pk)


def test_out_of_scope_is_404(world, hour0, user_named):
    from django.http import Http404

    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    SourcesRegistry().on_stored([packet(world["p2"], hour0, {"w01018": {"Avg": 90}})])
    a = Alarm.objects.get(point=world["p2"])
    u = User.objects.create(username="dc_admin")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="admin"), jurisdiction=Jurisdiction.objects.get(code="110101"))
    with pytest.raises(Http404):
        services.close_alarm(u, a.pk, "x")


def test_to_problem_calls_the_ledger(alarm, user_named, monkeypatch):
    import sys
    import types

    calls = []

    def open_problem(user, **kw):
        calls.append((user, kw))
        return types.SimpleNamespace(pk=77)

    fake = types.ModuleType("envbureau.ledger.services")
    fake.open_problem = open_problem
    monkeypatch.setitem(sys.modules, "envbureau.ledger.services", fake)
    ref = services.alarm_to_problem(user_named("enforcement"), alarm.pk)
    assert ref == "ledger.problem:77"
    user, kw = calls[0]
    assert kw["source"] == "alarm" and kw["source_ref"] == ("sources.alarm", str(alarm.pk))
    assert kw["enterprise_id"] == alarm.enterprise_id and kw["jurisdiction"] == alarm.enterprise.jurisdiction
    alarm.refresh_from_db()
    assert alarm.problem_ref == ref and alarm.status == "acknowledged"
    with pytest.raises(ValidationError):
        services.alarm_to_problem(user_named("enforcement"), alarm.pk)  # only once


def test_alarm_pages_and_export(alarm, client_for):
    c = client_for("enforcement")
    r = c.get("/sources/alarms/?kind=exceedance")
    assert r.status_code == 200 and "TESTMN0001" in r.content.decode()
    r = c.get("/sources/alarms/?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    from envbureau.core.excel import read_table

    header, rows = read_table(r.content, "a.xlsx")
    assert "MN" in header and len(rows) == 1 and rows[0][1][header.index("MN")] == "TESTMN0001"
    r = c.post(f"/sources/alarms/{alarm.pk}/", {"action": "ack", "note": "收到"})
    assert r.status_code == 302
    alarm.refresh_from_db()
    assert alarm.status == "acknowledged"
    r = c.post(f"/api/v1/sources/alarms/{alarm.pk}/close/", {"note": "处理完毕"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "closed"


def test_to_problem_with_the_real_ledger(alarm, user_named):
    pytest.importorskip("envbureau.ledger.services")
    from envbureau.ledger.services import problems_for_ref

    ref = services.alarm_to_problem(user_named("enforcement"), alarm.pk)
    problems = list(problems_for_ref("sources.alarm", str(alarm.pk)))
    assert len(problems) == 1 and ref == f"ledger.problem:{problems[0].pk}"
    p = problems[0]
    assert p.source == "alarm" and p.category == "air" and p.enterprise_id == alarm.enterprise_id
    assert p.jurisdiction == alarm.enterprise.jurisdiction
    alarm.refresh_from_db()
    assert alarm.problem_url.endswith(f"/{p.pk}/")
