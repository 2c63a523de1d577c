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


def test_statistics_count_plans_filed_and_hazard_checks_with_links(world, client):
    """"督促…做好环境应急预案修编备案,已完成备案94家" and "20家重点环境风险源企业四轮次…排查隐患94个" as the
    statistics page, API and CLI give them, each figure linking to the list of its records (the same count)."""
    import io

    from django.core.management import call_command

    from envbureau.approvals import stats
    from envbureau.core.models import Jurisdiction

    officer, e1, e2 = world["officer"], world["e1"], world["e2"]
    a = emergency.submit_plan(None, enterprise_id=e1.pk, title="预案一", signed_on="2026-03-02",
                              submitted_on="2026-03-02", risk={})
    wf.apply(officer, a, "file", filed_on="2026-03-20")
    b = emergency.submit_plan(None, enterprise_id=e1.pk, title="预案一(修订)", signed_on="2026-09-01",
                              submitted_on="2026-09-01", risk={})
    wf.apply(officer, b, "file", filed_on="2026-09-15")  # the same enterprise again in the year: still one 家
    c = emergency.submit_plan(None, enterprise_id=e2.pk, title="预案二", signed_on="2025-12-01",
                              submitted_on="2025-12-01", risk={})
    wf.apply(officer, c, "file", filed_on="2025-12-20")  # the year before
    emergency.submit_plan(None, enterprise_id=e2.pk, title="未备案", signed_on="2026-05-01", submitted_on="2026-05-01",
                          risk={})  # not filed
    for rnd, ent, on, found in (("第一轮", e1, "2026-03-05", ["围堰破损", "应急池被占用"]),
                                ("第一轮", e2, "2026-03-06", []), ("第二轮", e1, "2026-06-05", ["阀门未关"]),
                                ("第三轮", e1, "2026-09-05", []), ("第四轮", e2, "2026-12-01", ["标识缺失", "物资过期"]),
                                ("上年", e2, "2025-11-01", ["上年隐患"])):
        emergency.record_check(officer, enterprise_id=ent.pk, round_name=rnd, checked_on=on, findings=found)
    city = Jurisdiction.objects.get(code="110000")
    s = stats.statistics(officer, city, 2026)
    f = s["figures"]
    assert (f["plans_filed"], f["check_rounds"], f["checked_enterprises"], f["hazards_found"]) == (1, 4, 2, 5)
    assert (s["previous"]["plans_filed"], s["previous"]["check_rounds"], s["previous"]["hazards_found"]) == (1, 1, 1)
    assert "完成环境应急预案备案1家。" in s["sentence"]
    assert "开展隐患排查4轮次,排查企业2家,排查隐患5个。" in s["sentence"]
    client.force_login(officer)
    page = client.get("/approvals/statistics/?jurisdiction=110000&year=2026").content.decode()
    assert "开展隐患排查4轮次" in page
    for key, count in (("plans_filed", 2), ("hazards_found", 5)):  # the plans filed; the checks' rows
        url = s["links"][key]
        assert f'href="{url.replace("&", "&amp;")}"' in page, key
        listed = client.get(url)
        assert listed.status_code == 200
        rows = listed.context["page"].paginator.count
        assert rows == count, (key, rows)
    checks = client.get(s["links"]["hazards_found"]).context["page"].object_list
    assert sum(len(x.findings) for x in checks) == 5 and len({x.enterprise_id for x in checks}) == 2
    assert len({x.round_name for x in checks}) == 4
    data = client.get("/api/v1/approvals/statistics/?jurisdiction=110000&year=2026").json()
    assert data["figures"]["hazards_found"] == 5 and data["figures"]["plans_filed"] == 1
    out = io.StringIO()
    call_command("approvals-stats", "--jurisdiction", "110000", "--year", "2026", stdout=out)
    assert "排查发现隐患(个): 5" in out.getvalue() and "应急预案备案企业(家): 1" in out.getvalue()


def test_a_hazard_problems_description_reads_in_each_readers_language(world):
    """Findings recorded from an English page: the ledger problem's description is stored in Chinese and worded
    per reader (the round, the enterprise and the finding are data)."""
    from django.utils import translation

    from envbureau.ledger.models import Problem

    with translation.override("en"):
        check = emergency.record_check(world["officer"], enterprise_id=world["e1"].pk, round_name="2026年第一轮",
                                       checked_on="2026-06-10", findings=[{"text": "事故应急池被占用"}])
    p = Problem.objects.get(source_model="approvals.hazardcheck", source_pk=str(check.pk))
    assert p.description == f"2026年第一轮 隐患排查(2026-06-10,{world['e1'].name})发现:事故应急池被占用"
    with translation.override("en"):
        assert p.shown_description == (f"2026年第一轮 hazard check (2026-06-10, {world['e1'].name}) found: "
                                       "事故应急池被占用")
