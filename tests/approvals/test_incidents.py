"""Environmental incidents (report, level, response log, close-out, linked enterprise and its alarms) and the
duty roster shown on the incident's page."""

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
