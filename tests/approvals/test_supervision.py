"""Post-permit supervision (证后监管): reported emissions against what online monitoring measured over the
report's period (difference shown, flagged over the tolerance), and the supervision tasks in the inbox (report
overdue, annual emissions over the permitted quantity, far from the measurements), closed by recording what
was done; never opened twice for the same finding."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from boundary import three
from envbureau.approvals import permits, supervision
from envbureau.core import workflow as wf
from envbureau.core.notify import tasks_for
from envbureau.sources.models import MonitoringPoint, Outlet, PointDaily

D = dt.date
COD = {"outlet_code": "DW001", "factor": "w01018", "limit_value": 100, "annual_quantity": 20}
NH3 = {"outlet_code": "DW001", "factor": "w21003", "limit_value": 15, "annual_quantity": 1.5}


def _issue(world):
    return permits.issue(None, enterprise_id=world["e1"].pk, number="91110101MA01AAAA1X001P", category="key",
                         issued_on="2026-01-05", limits=[COD, NH3])


def _daily(point, day, factor, kg):
    PointDaily.objects.create(point=point, factor=factor, code=factor, day=day, avg=1, cou=kg)


def _measured_world(world):
    """COD at DW001: 4 t on 1 January, 4 t on 30 June, 4 t on 31 December 2026 = 12 t; outside the year and at
    an outlet the permit does not list: ignored."""
    point = world["point"]
    for day in (D(2026, 1, 1), D(2026, 6, 30), D(2026, 12, 31)):
        _daily(point, day, "w01018", 4000)
    _daily(point, D(2025, 12, 31), "w01018", 9000)
    _daily(point, D(2027, 1, 1), "w01018", 9000)
    other = Outlet.objects.create(enterprise=world["e1"], code="DW009", name="生活污水", kind="water")
    p2 = MonitoringPoint(outlet=other, mn="88888880000009", name="生活污水在线")
    p2.save()
    _daily(p2, D(2026, 3, 1), "w01018", 9000)


def test_gap_is_flagged_strictly_over_the_tolerance():
    flagged = lambda reported: supervision.gap(reported, 10.0, 10)["flagged"]  # noqa: E731
    assert three(flagged, 11.0, 0.001) == (False, False, True)
    assert three(flagged, 9.0, 0.001) == (True, False, False)
    assert supervision.gap(12.0, 10.0, 10) == {"difference": 2.0, "percent": 20.0, "flagged": True}
    assert supervision.gap(0.5, 0.0, 10)["flagged"] is True  # reported against nothing measured
    assert supervision.gap(None, 3.0, 10)["flagged"] is False and supervision.gap(3.0, None, 10)["flagged"] is False


def test_period_ranges():
    from envbureau.approvals.models import ExecutionReport

    assert supervision.period_range(ExecutionReport(kind="month", year=2026, period=2)) == (D(2026, 2, 1), D(2026, 2, 28))
    assert supervision.period_range(ExecutionReport(kind="quarter", year=2026, period=3)) == (D(2026, 7, 1),
                                                                                              D(2026, 9, 30))
    assert supervision.period_range(ExecutionReport(kind="year", year=2026, period=0)) == (D(2026, 1, 1),
                                                                                           D(2026, 12, 31))


@pytest.mark.parametrize("reported,flagged", [(13.2, False), (13.21, True), (10.8, False), (10.79, True)])
def test_annual_report_against_online_monitoring(world, reported, flagged):
    p = _issue(world)
    _measured_world(world)
    annual = p.reports.get(kind="year", year=2026)
    wf.apply(world["ent_user"], annual, "submit", content="年报", submitted_on="2027-01-10",
             emissions={"w01018": reported})
    rows = {r["factor"]: r for r in supervision.compare_with_monitoring(annual)}
    cod = rows["w01018"]
    assert (cod["measured"], cod["days"], cod["period_days"]) == (12.0, 3, 365)
    assert cod["difference"] == round(reported - 12.0, 4) and cod["flagged"] is flagged
    assert rows["w21003"]["measured"] is None and rows["w21003"]["flagged"] is False  # no online data for NH3
    open_keys = {t.state for t in supervision.open_findings(p)}
    assert (f"+sv-gap-{annual.pk}" in open_keys) is flagged


def test_supervision_tasks_open_once_reach_the_officer_and_close_when_handled(world):
    p = _issue(world)
    officer = world["officer"]
    q1 = p.reports.get(kind="quarter", period=1)  # due 2026-04-15
    assert supervision.scan(D(2026, 4, 15)) == 0  # the due day itself is not overdue
    assert supervision.scan(D(2026, 4, 16)) == 1
    assert supervision.scan(D(2026, 4, 17)) == 0  # once per finding
    task = supervision.open_findings(p).get()
    assert task.action == "证后监管:2026年第1季度 季报 逾期未提交" and task.due_date == D(2026, 4, 30)
    assert task.pk in {t.pk for t in tasks_for(officer)}
    assert task.pk not in {t.pk for t in tasks_for(world["ent_user"])}
    annual = p.reports.get(kind="year")
    wf.apply(world["ent_user"], annual, "submit", content="年报", submitted_on="2027-01-10",
             emissions={"w01018": 5, "w21003": 1.6})  # NH3 over the 1.5 t permitted
    keys = sorted(t.state for t in supervision.open_findings(p))
    assert keys == sorted([f"+sv-overdue-{q1.pk}", f"+sv-over-{annual.pk}"])
    with pytest.raises(ValidationError):
        wf.apply(officer, p, "supervise", task="sv-nothing", note="x")
    wf.apply(officer, p, "supervise", task=f"sv-over-{annual.pk}", note="现场核查,责令说明超许可原因")
    assert [t.state for t in supervision.open_findings(p)] == [f"+sv-overdue-{q1.pk}"]
    wf.apply(officer, p, "supervise", note="已电话督促提交季报")
    assert not supervision.open_findings(p).exists()
    assert supervision.scan(D(2026, 5, 1)) == 0  # handled findings are not reopened
    with pytest.raises(ValidationError):
        wf.apply(officer, p, "supervise", note="没有待办")
    verbs = [e["verb"] for e in wf.timeline(p)]
    assert verbs.count("supervise_open") == 2 and verbs.count("supervise") == 2


def test_api_monitoring_comparison_and_scope(world):
    p = _issue(world)
    _measured_world(world)
    annual = p.reports.get(kind="year")
    c = APIClient()
    c.force_authenticate(world["ent_user"])
    r = c.get(f"/api/v1/approvals/reports/{annual.pk}/monitoring/")
    assert r.status_code == 200
    cod = next(x for x in r.json() if x["factor"] == "w01018")
    assert cod["measured"] == 12.0 and cod["reported"] is None
    from envbureau.core.models import Role, RoleAssignment, User

    other = User.objects.create(username="ent2")
    RoleAssignment.objects.create(user=other, role=Role.objects.get(code="enterprise"), enterprise_id=world["e2"].pk)
    c.force_authenticate(other)
    assert c.get(f"/api/v1/approvals/reports/{annual.pk}/monitoring/").status_code == 404


def test_findings_written_in_one_language_read_in_the_other(world):
    """The overdue and over-quantity findings: opened by an English submission, stored in Chinese, each timeline
    line worded for its reader (period, report kind, factor names)."""
    from django.utils import translation

    p = _issue(world)
    annual = p.reports.get(kind="year")
    with translation.override("en"):
        assert supervision.scan(D(2026, 4, 16)) == 1
        wf.apply(world["ent_user"], annual, "submit", content="年报", submitted_on="2027-01-10",
                 emissions={"w01018": 5, "w21003": 1.6})
    actions = sorted(t.action for t in supervision.open_findings(p))
    assert actions == ["证后监管:2026年 年报 氨氮 超许可排放量", "证后监管:2026年第1季度 季报 逾期未提交"]
    with translation.override("en"):
        en = sorted(e["note"] for e in wf.timeline(p) if e["verb"] == "supervise_open")
    assert en == ["Post-permit supervision: 2026 Annual report Ammonia nitrogen above the permitted emissions",
                  "Post-permit supervision: 2026 Q1 Quarterly report overdue"]
    with translation.override("zh-hans"):
        zh = sorted(e["note"] for e in wf.timeline(p) if e["verb"] == "supervise_open")
    assert zh == actions
    # the tasks themselves (inbox, API, the permit's page) read in the reader's language too: stored as facts
    from django.conf import settings
    from django.test import Client

    from envbureau.core.workflow import task_words

    tasks = list(supervision.open_findings(p))
    assert all(t.facts for t in tasks)
    with translation.override("en"):
        assert sorted(a for a, _t in task_words(tasks).values()) == en
    with translation.override("zh-hans"):
        assert sorted(a for a, _t in task_words(tasks).values()) == actions
    c = Client()
    c.force_login(world["officer"])
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = c.get(f"/approvals/permits/{p.pk}/").content.decode()
    assert all(line in page for line in en) and not any(line in page for line in actions)
