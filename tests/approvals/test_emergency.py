"""Emergency plans (filing within 20 working days of signing, HJ 941 level with its working, review every three
years, drills, one filed plan at a time) and hidden-danger checks whose findings become ledger problems.
Calendar: see test_eia.py (2026 notice written out there)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from boundary import DAY, three
from envbureau.approvals import emergency
from envbureau.approvals.models import EmergencyPlan
from envbureau.core import workflow as wf

D = dt.date
RISK = {"air": {"substances": [{"name": "氨", "quantity_t": 20, "critical_t": 5},
                               {"name": "甲醇", "quantity_t": "50", "critical_t": "10"}], "m": 30, "e": "E1"},
        "water": {"substances": [{"name": "硫酸", "quantity_t": 2, "critical_t": 10}], "m": 30, "e": "E1"}}


def _plan(world, user=None, signed="2026-09-24", submitted="2026-10-20", **kw):
    return emergency.submit_plan(user, enterprise_id=world["e1"].pk, title="突发环境事件应急预案",
                                 signed_on=signed, submitted_on=submitted, risk=RISK, **kw)


def test_level_and_working_are_stored(world):
    p = _plan(world)
    assert p.risk_level == "较大" and p.risk_label == "较大[较大-大气(Q1-M2-E1) + 一般-水(Q0)]"
    assert "Q = 9 → Q1" in p.risk_working and "E1 × M2 × Q1 → 较大" in p.risk_working


def test_filing_due_20_working_days_after_signing(world):
    # signed Thursday 2026-09-24: 09-25 is 中秋; 28 29 30 | 10-08 09 10 (Sat, make-up) | 12-16 | 19-23 | 26 27 28 29
    p = _plan(world)
    assert p.filing_due == D(2026, 10, 29) and p.submitted_late is False

    def late(day):
        sid = transaction.savepoint()
        try:
            return _plan(world, submitted=day.isoformat()).submitted_late
        finally:
            transaction.savepoint_rollback(sid)

    assert three(late, D(2026, 10, 29), DAY) == (False, False, True)


def test_file_review_task_drill_and_supersede(world):
    from envbureau.core.models import Task
    from envbureau.sources.models import DossierEvent

    officer, ent = world["officer"], world["ent_user"]
    old = _plan(world, signed="2023-05-10", submitted="2023-05-20")
    wf.apply(officer, old, "file", filed_on="2023-05-25")
    old.refresh_from_db()
    assert old.state == "filed" and old.filing_no.startswith("110101-2023-")
    # review at least every three years: 2026-05-10, the due date of the enterprise's task
    assert old.revision_due == D(2026, 5, 10)
    assert Task.objects.get(object_id=str(old.pk), model="approvals.emergencyplan",
                            is_open=True).due_date == D(2026, 5, 10)
    with pytest.raises(ValidationError):
        wf.apply(ent, old, "drill", drilled_on="2026-06-01")  # what was drilled is required
    wf.apply(ent, old, "drill", drilled_on="2026-06-01", note="危化品泄漏桌面推演")
    old.refresh_from_db()
    assert (old.drills, old.last_drill_on) == (1, D(2026, 6, 1))
    new = _plan(world, user=ent)
    with pytest.raises(PermissionDenied):
        wf.apply(ent, new, "file")  # the bureau files
    wf.apply(officer, new, "file", filed_on="2026-10-21")
    old.refresh_from_db()
    assert old.state == "superseded"
    titles = set(DossierEvent.objects.filter(enterprise=world["e1"]).values_list("kind", flat=True))
    assert {"approvals.plan", "approvals.drill"} <= titles


def test_bad_risk_inputs_are_named(world):
    bad = {"air": {"substances": [{"name": "氨", "quantity_t": "x", "critical_t": 5}], "m": 30, "e": "E1"}}
    with pytest.raises(ValidationError) as exc:
        emergency.submit_plan(None, enterprise_id=world["e1"].pk, title="t", signed_on="2026-09-24", risk=bad)
    assert "air.substances" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        emergency.submit_plan(None, enterprise_id=world["e1"].pk, title="t", signed_on="2026-09-24",
                              risk={"air": {"substances": [{"name": "氨", "quantity_t": 50, "critical_t": 5}],
                                            "m": 30, "e": "E9"}})
    assert "risk" in exc.value.message_dict
    assert not EmergencyPlan.objects.exists()


def test_hazard_check_findings_become_ledger_problems(world):
    from envbureau.ledger.models import Problem

    check = emergency.record_check(world["officer"], enterprise_id=world["e1"].pk, round_name="2026年第一轮",
                                   checked_on="2026-06-10", findings=[{"text": "事故应急池被占用"},
                                                                      {"text": "雨水排口未设切换阀", "category": "water"}],
                                   deadline="2026-07-10")
    problems = Problem.objects.filter(source_model="approvals.hazardcheck", source_pk=str(check.pk)).order_by("pk")
    assert [(p.batch, p.source, p.category, p.enterprise_id, p.deadline) for p in problems] == [
        ("2026年第一轮", "campaign", "other", world["e1"].pk, D(2026, 7, 10)),
        ("2026年第一轮", "campaign", "water", world["e1"].pk, D(2026, 7, 10))]
    assert check.problem_refs == [f"ledger.problem:{p.pk}" for p in problems]
    with pytest.raises(PermissionDenied):
        emergency.record_check(world["ent_user"], enterprise_id=world["e1"].pk, round_name="x", findings=["y"])
