"""Discharge permits: the permit's limits are the online-monitoring limits of the matching points and an
exceedance alarm cites the permit; change, renewal (≥ 60 days before expiry), revocation, expiry; execution
reports (frequency, due dates, overdue, late, review, annual quantities); scoping."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from boundary import DAY, three
from envbureau.approvals import permits
from envbureau.approvals.models import ExecutionReport, Permit
from envbureau.core import workflow as wf
from envbureau.sources import alarms
from envbureau.sources.models import Alarm, PollutantLimit

D = dt.date
HOUR = dt.datetime(2026, 11, 2, 8, tzinfo=dt.timezone.utc)
COD = {"outlet_code": "DW001", "outlet_name": "废水总排口", "factor": "w01018", "limit_value": 100, "unit": "mg/L",
       "period": "hour", "annual_quantity": 12}
NH3 = {"outlet_code": "DW001", "factor": "w21003", "limit_value": 15, "annual_quantity": 1.5}
GAS = {"outlet_code": "DA001", "factor": "a21026", "limit_value": 35, "on_converted": "是", "annual_quantity": 30}


def _issue(world, *, limits=(COD, NH3, GAS), number="91110101MA01AAAA1X001P", **kw):
    args = dict(enterprise_id=world["e1"].pk, number=number, category="key", issued_on="2026-01-05", limits=limits)
    args.update(kw)
    return permits.issue(None, **args)


def _alarm_on(point, value):
    Alarm.objects.all().delete()
    alarms.evaluate_values(point, HOUR, {"w01018": {"Avg": value}}, "hour", list(PollutantLimit.objects.filter(point=point)))
    return Alarm.objects.filter(point=point, kind="exceedance", active=True).first()


def test_permit_limit_flows_to_the_point_and_the_alarm_cites_the_permit(world):
    p = _issue(world)
    point = world["point"]
    lim = PollutantLimit.objects.get(point=point, factor="w01018", period="hour")
    assert (lim.limit_value, lim.standard, lim.source_ref) == (100, "排污许可证 91110101MA01AAAA1X001P",
                                                               f"approvals.permit:{p.pk}")
    assert PollutantLimit.objects.filter(point=point).count() == 2  # COD and NH3; DA001 has no point
    assert three(lambda v: _alarm_on(point, v) is not None, 100, 0.01) == (False, False, True)
    a = _alarm_on(point, 150)
    assert "排污许可证 91110101MA01AAAA1X001P" in a.message and a.limit_value == 100
    # the timeline says where the limits went and which outlet had no point
    note = wf.timeline(p)[0]["note"]
    assert "1 个监测点" in note and "DA001" in note


def test_change_rewrites_the_online_limit_and_drops_what_the_permit_no_longer_lists(world):
    p = _issue(world)
    point = world["point"]
    wf.apply(None, p, "change", note="提标改造", limits=[{**COD, "limit_value": 50}])
    p.refresh_from_db()
    assert p.version == 2
    assert PollutantLimit.objects.get(point=point, factor="w01018").limit_value == 50
    assert not PollutantLimit.objects.filter(point=point, factor="w21003").exists()
    assert three(lambda v: _alarm_on(point, v) is not None, 50, 0.01) == (False, False, True)


def test_a_limit_set_by_hand_is_overwritten_by_the_permit(world):
    PollutantLimit.objects.create(point=world["point"], factor="w01018", period="hour", limit_value=200,
                                  standard="GB 8978-1996")
    _issue(world)
    lim = PollutantLimit.objects.get(point=world["point"], factor="w01018")
    assert lim.limit_value == 100 and lim.standard.startswith("排污许可证")


def test_revocation_releases_the_limits(world):
    p = _issue(world)
    with pytest.raises(ValidationError):
        wf.apply(None, p, "revoke")  # a reason is required
    wf.apply(None, p, "revoke", note="以欺骗手段取得", on="2026-11-20")
    lim = PollutantLimit.objects.get(point=world["point"], factor="w01018")
    assert lim.source_ref == "" and "已撤销" in lim.standard and lim.limit_value == 100
    p.refresh_from_db()
    assert p.state == "revoked" and p.revoked_on == D(2026, 11, 20)


def test_validity_renewal_due_and_late_flag(world):
    p = _issue(world, valid_from="2022-01-10")
    # five years: 2022-01-10 … 2027-01-09; renewal applied for at least 60 days before: by 2026-11-10
    assert p.valid_until == D(2027, 1, 9) and p.renewal_due == D(2026, 11, 10)

    def late(day):
        x = Permit.objects.get(pk=p.pk)
        wf.apply(None, x, "apply_renewal", on=day.isoformat())
        x.refresh_from_db()
        Permit.objects.filter(pk=p.pk).update(state="valid", renewal_late=False, renewal_applied_on=None)
        return x.renewal_late

    assert three(late, D(2026, 11, 10), DAY) == (False, False, True)
    wf.apply(None, p, "apply_renewal", on="2026-11-01")
    wf.apply(None, p, "renew")
    p.refresh_from_db()
    assert (p.state, p.valid_until, p.version) == ("valid", D(2032, 1, 9), 2)


def test_expiry_job(world):
    p = _issue(world, valid_from="2021-06-01")  # valid until 2026-05-31
    assert permits.expire_due(D(2026, 5, 31)) == 0
    assert permits.expire_due(D(2026, 6, 1)) == 1
    p.refresh_from_db()
    assert p.state == "expired"
    assert "已过期" in PollutantLimit.objects.get(point=world["point"], factor="w01018").standard


def test_bad_limit_rows_are_named(world):
    with pytest.raises(ValidationError, match="第 2 行污染物代码 xx"):
        _issue(world, limits=[COD, {"outlet_code": "DW001", "factor": "xx", "limit_value": 1}])
    with pytest.raises(ValidationError, match="第 1 行上限应为数字"):
        _issue(world, limits=[{**COD, "limit_value": "abc"}])
    with pytest.raises(ValidationError, match="第 2 行与前面的行重复"):
        _issue(world, limits=[COD, COD])
    assert not Permit.objects.exists() and not PollutantLimit.objects.exists()


def test_report_schedule_per_frequency():
    # quarterly: Q1–Q3 by the 15th of the next month, annual by 15 January; Q4 folds into the annual
    assert permits.periods("quarterly", 2026) == [("quarter", 1, D(2026, 4, 15)), ("quarter", 2, D(2026, 7, 15)),
                                                  ("quarter", 3, D(2026, 10, 15)), ("year", 0, D(2027, 1, 15))]
    monthly = permits.periods("monthly", 2026)
    assert [(k, n) for k, n, _d in monthly if k == "month"] == [("month", m) for m in (1, 2, 4, 5, 7, 8, 10, 11)]
    assert len(monthly) == 12 and ("month", 11, D(2026, 12, 15)) in monthly
    assert permits.periods("annual", 2026) == [("year", 0, D(2027, 1, 15))]


def test_reports_submitted_reviewed_overdue_and_compared(world):
    p = _issue(world)  # key → quarterly by default
    reports = list(p.reports.order_by("due_on"))
    assert [r.period_label for r in reports] == ["2026年第1季度 季报", "2026年第2季度 季报", "2026年第3季度 季报",
                                                 "2026年 年报"]
    q1 = reports[0]
    assert three(q1.is_overdue, D(2026, 4, 15), DAY) == (False, False, True)
    ent, officer = world["ent_user"], world["officer"]
    with pytest.raises(PermissionDenied):
        wf.apply(officer, q1, "submit", content="x")  # the enterprise submits its own report
    wf.apply(ent, q1, "submit", content="正常运行", submitted_on="2026-04-16", emissions={"w01018": "2.5"})
    q1.refresh_from_db()
    assert q1.state == "submitted" and q1.late is True and q1.emissions == {"w01018": 2.5}
    with pytest.raises(PermissionDenied):
        wf.apply(ent, q1, "accept")
    wf.apply(officer, q1, "send_back", note="请补充氨氮排放量")
    q1.refresh_from_db()
    assert q1.state == "due"
    annual = reports[-1]
    with pytest.raises(ValidationError, match="不能为负数"):
        wf.apply(ent, annual, "submit", content="年报", emissions={"w01018": -1})
    wf.apply(ent, annual, "submit", content="年报", submitted_on="2027-01-15", emissions={"w01018": 12.5, "w21003": 1.5})
    annual.refresh_from_db()
    assert annual.late is False
    rows = {r["factor"]: r for r in permits.compare_emissions(annual)}
    assert rows["w01018"]["over"] is True and rows["w01018"]["permitted"] == 12
    assert rows["w21003"]["over"] is False and rows["w21003"]["share"] == 100.0
    assert rows["a21026"]["actual"] is None


def test_overdue_count_in_statistics(world):
    from envbureau.approvals import stats

    _issue(world)
    s = stats.statistics(None, world["dc"], 2026)
    # today the Q1–Q3 reports (due 04-15, 07-15, 10-15) are past due and not submitted; the annual is not due yet
    assert s["figures"]["reports_overdue"] == 3 and s["figures"]["permits_issued"] == 1


def test_enterprise_sees_only_its_own_permit(world):
    from envbureau.core.scoping import get_scoped_object, restrict

    mine = _issue(world)
    other = permits.issue(None, enterprise_id=world["e2"].pk, number="X2", category="simplified",
                          issued_on="2026-02-01")
    ent = world["ent_user"]
    assert list(restrict(Permit.objects.all(), ent, "view")) == [mine]
    assert set(restrict(ExecutionReport.objects.all(), ent, "view")) == set(mine.reports.all())
    with pytest.raises(Http404):
        get_scoped_object(Permit, ent, "view", pk=other.pk)
    with pytest.raises(PermissionDenied):
        permits.issue(ent, enterprise_id=world["e1"].pk, number="X3", category="key")


def test_renewal_review_task_due_20_working_days_after_the_application(world, settings):
    from envbureau.core.models import Task

    p = _issue(world, valid_from="2022-01-10")
    wf.apply(None, p, "apply_renewal", on="2026-09-21")
    p.refresh_from_db()
    # 20 working days after Monday 09-21: 22 23 24 | 28 29 30 | 10-08 09 10 (Sat, make-up) | 12-16 | 19-23 | 26
    assert permits.workflow_due(p) == D(2026, 10, 26)
    task = Task.objects.get(model="approvals.permit", object_id=str(p.pk), closed_at__isnull=True, state="renewing")
    assert task.due_date == D(2026, 10, 26)
    settings.ENVBUREAU = {**settings.ENVBUREAU, "APPROVALS": {"permit_renewal_review_days": 10}}
    assert permits.workflow_due(p) == D(2026, 10, 12)  # configurable: the 10th working day


def test_the_change_step_reads_in_the_readers_language(world):
    """A change clicked in English: the timeline's step (where the limits went) reads in each reader's language."""
    from django.utils import translation

    p = _issue(world)
    with translation.override("en"):
        wf.apply(None, p, "change", note="提标改造", limits=[{**COD, "limit_value": 50}])
    with translation.override("zh-hans"):
        assert [e["step"] for e in wf.timeline(p) if e["verb"] == "change"] == ["在线监控限值已同步到 1 个监测点"]
    with translation.override("en"):
        assert [e["step"] for e in wf.timeline(p) if e["verb"] == "change"] == [
            "Online-monitoring limits set on 1 monitoring points"]


def test_a_revocation_clicked_in_english_marks_the_limits_basis_in_chinese(world):
    """The released limit's basis is stored text (an emission standard's field): Chinese whoever revoked."""
    from django.utils import translation

    p = _issue(world)
    with translation.override("en"):
        wf.apply(None, p, "revoke", note="以欺骗手段取得", on="2026-11-20")
    lim = PollutantLimit.objects.get(point=world["point"], factor="w01018")
    assert lim.standard.endswith(f"(排污许可证 {p.number}已撤销)")


def test_a_report_submitted_in_english_reads_on_the_dossier_in_each_language(world):
    """The dossier line of a submitted execution report: period, kind and lateness worded per reader."""
    from django.utils import translation

    from envbureau.sources.models import DossierEvent

    p = _issue(world)
    q1 = p.reports.get(kind="quarter", period=1)
    with translation.override("en"):
        wf.apply(world["ent_user"], q1, "submit", content="正常运行", submitted_on="2026-04-16")
    line = DossierEvent.objects.get(kind="approvals.report", source_ref=f"approvals.executionreport:{q1.pk}")
    assert line.title == "提交排污许可执行报告:2026年第1季度 季报(逾期)"
    with translation.override("en"):
        assert line.shown_title == "Permit execution report submitted: 2026 Q1 Quarterly report (late)"
