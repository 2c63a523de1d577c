"""责令改正, 查封扣押, 限制生产/停产整治 and 按日连续处罚 (MEP Orders No. 28–30 of 2014) through the measure workflow:
their clocks on the 2026 holiday calendar (day before/of/after), extensions and their caps, release, re-check,
the daily penalty's days and amount, documents and scope. Expected dates are worked out by hand in comments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from boundary import DAY, three
from envbureau.core import deadlines as dl
from envbureau.core import workflow as wf
from envbureau.enforcement import cases, measures
from envbureau.enforcement.models import Case, LegalBasis, Measure


@pytest.fixture
def case(world):
    LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                              effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)
    return cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="超标排放", provision="sign",
                           act_date="2026-01-05", filed_on="2026-01-10", handlers=world["inspectors"][:2],
                           facts="在线监测显示超标")


def _decided(case, fine="100000", on="2026-02-10"):
    wf.apply(None, case, "investigate")
    wf.apply(None, case, "submit_review", note="调查终结")
    wf.apply(None, case, "notify", outcome="punish", fine=fine, notified_on="2026-02-02")
    wf.apply(None, case, "decide", decided_on=on)
    return Case.objects.get(pk=case.pk)


def _refused_order(case, served, rechecked, result="continuing", decided=None):
    m = measures.order(None, case, kind="correction", decided_on=decided or served, content="立即停止超标排放")
    wf.apply(None, m, "serve", served_on=served)
    wf.apply(None, m, "recheck", rechecked_on=rechecked, recheck_result=result)
    return Measure.objects.get(pk=m.pk)


# ---- 责令改正 and its re-check ------------------------------------------------------------------------

@pytest.mark.parametrize("rechecked, late", [("2026-03-31", False), ("2026-04-01", False), ("2026-04-02", True)])
def test_recheck_within_30_days_of_service(case, rechecked, late):
    m = measures.order(None, case, kind="correction", decided_on="2026-03-02", content="立即停止超标排放")
    assert m.code == f"{case.code}-GZ1" and m.correct_by == dt.date(2026, 3, 2)  # blank deadline = immediately
    wf.apply(None, m, "serve", served_on="2026-03-02")
    m.refresh_from_db()
    # served Mon 2026-03-02: 30 calendar days → 2026-04-01
    assert m.state == "in_force" and m.recheck_due == dt.date(2026, 4, 1)
    assert dl.clock(m, measures.RECHECK).due == dt.date(2026, 4, 1)
    wf.apply(None, m, "recheck", rechecked_on=rechecked, recheck_result="corrected")
    m.refresh_from_db()
    assert m.state == "ended" and m.recheck_late is late


def test_recheck_rules(case):
    m = measures.order(None, case, kind="correction", decided_on="2026-03-02", content="立即停止超标排放",
                       correct_by="2026-03-12")
    assert m.correct_by == dt.date(2026, 3, 12)
    with pytest.raises(wf.TransitionError):
        wf.apply(None, m, "recheck", rechecked_on="2026-03-10", recheck_result="corrected")  # not served yet
    wf.apply(None, m, "serve", served_on="2026-03-03")
    with pytest.raises(wf.TransitionError, match="晚于送达日期"):
        wf.apply(None, m, "recheck", rechecked_on="2026-03-03", recheck_result="continuing")
    with pytest.raises(wf.TransitionError, match="复查结果"):
        wf.apply(None, m, "recheck", rechecked_on="2026-03-10", recheck_result="maybe")
    for verb in ("release", "extend", "pay"):  # not steps of an order to correct
        with pytest.raises(wf.TransitionError):
            wf.apply(None, m, verb, note="x", days=1)
    with pytest.raises(ValidationError, match="改正期限"):
        measures.order(None, case, kind="correction", decided_on="2026-03-02", content="x", correct_by="2026-03-01")
    with pytest.raises(ValidationError, match="决定内容"):
        measures.order(None, case, kind="correction", decided_on="2026-03-02", content="  ")
    with pytest.raises(ValidationError, match="措施类型"):
        measures.order(None, case, kind="daily", decided_on="2026-03-02", content="x")


# ---- 查封、扣押 -----------------------------------------------------------------------------------------

def test_seizure_term_extension_and_release(case):
    m = measures.order(None, case, kind="seizure", decided_on="2026-09-10", content="1号排污泵及配电柜")
    # 30 calendar days from 2026-09-10 → 2026-10-10
    assert m.ends_on == dt.date(2026, 10, 10) and measures.total_days(m) == 30
    assert three(lambda day: measures.expired(m, day), dt.date(2026, 10, 10), DAY) == (False, False, True)
    with pytest.raises(wf.TransitionError):
        wf.apply(None, m, "extend", days=31, note="案情复杂")  # more than 30 days
    with pytest.raises(wf.TransitionError):
        wf.apply(None, m, "extend", days=10)  # reasons in writing
    wf.apply(None, m, "extend", days=20, note="案情复杂,经负责人批准")
    wf.apply(None, m, "extend", days=10, note="检测报告未出")
    m.refresh_from_db()
    # extended by 30 in total: 2026-11-09, 60 days
    assert m.ends_on == dt.date(2026, 11, 9) and m.extended_days == 30 and measures.total_days(m) == 60
    assert dl.clock(m, measures.DURATION).due == dt.date(2026, 11, 9)
    with pytest.raises(wf.TransitionError, match="30"):
        wf.apply(None, m, "extend", days=1, note="再延长")
    assert three(lambda day: measures.expired(m, day), dt.date(2026, 11, 9), DAY) == (False, False, True)
    wf.apply(None, m, "serve", served_on="2026-09-10")
    with pytest.raises(wf.TransitionError, match="早于决定日期"):
        wf.apply(None, m, "release", released_on="2026-09-09", note="x")
    wf.apply(None, m, "release", released_on="2026-10-20", note="违法行为已消除")
    m.refresh_from_db()
    assert m.state == "ended" and m.release_reason == "违法行为已消除"
    assert not measures.expired(m, dt.date(2026, 12, 1))  # released: no longer running
    assert dl.clock(m, measures.DURATION).stopped_at is not None


def test_no_coercive_measure_on_a_closed_case(case):
    wf.apply(None, case, "investigate")
    wf.apply(None, case, "submit_review", note="调查终结")
    wf.apply(None, case, "no_penalty", outcome="first_no_penalty", decided_on="2026-02-01", note="首违")
    case = Case.objects.get(pk=case.pk)
    with pytest.raises(ValidationError, match="已结案"):
        measures.order(None, case, kind="seizure", decided_on="2026-02-02", content="设备")
    # 首违不罚 still orders the correction
    assert measures.order(None, case, kind="correction", decided_on="2026-02-02", content="改正").kind == "correction"


# ---- 限制生产 / 停产整治 ---------------------------------------------------------------------------------

def test_production_limit_three_months_and_its_extension_cap(case):
    m = measures.order(None, case, kind="limit", decided_on="2026-01-31", content="1号锅炉负荷不超过50%",
                       notified_on="2026-01-20")
    # three months from 2026-01-31 end on 2026-04-30 (no 31 April): 89 days
    assert m.ends_on == dt.date(2026, 4, 30) and measures.total_days(m) == 89
    assert three(lambda day: measures.expired(m, day), dt.date(2026, 4, 30), DAY) == (False, False, True)
    # extendable by at most three months after 2026-04-30, i.e. to 2026-07-30: 91 days
    with pytest.raises(wf.TransitionError, match="91"):
        wf.apply(None, m, "extend", days=92, note="整改工程未完成")
    wf.apply(None, m, "extend", days=91, note="整改工程未完成,经负责人批准")
    m.refresh_from_db()
    assert m.ends_on == dt.date(2026, 7, 30)


def test_stop_runs_until_released_and_is_served_within_7_working_days(case):
    m = measures.order(None, case, kind="stop", decided_on="2026-09-25", content="停产整治,完成治理设施改造",
                       notified_on="2026-09-10")
    assert m.ends_on is None
    # 7 working days after Fri 2026-09-25: 09-28, 09-29, 09-30, (10-01..10-07 off) 10-08, 10-09,
    # Sat 10-10 (worked), Mon 10-12
    assert dl.clock(m, measures.SERVICE).due == dt.date(2026, 10, 12)
    from envbureau.core.models import Task

    assert Task.objects.get(model="enforcement.measure", object_id=str(m.pk), is_open=True).due_date == \
        dt.date(2026, 10, 12)
    with pytest.raises(wf.TransitionError):
        wf.apply(None, m, "extend", days=10, note="x")  # 停产整治 has no term to extend
    wf.apply(None, m, "serve", served_on="2026-10-09")
    assert measures.expired(m, dt.date(2027, 1, 1)) is False
    wf.apply(None, m, "release", released_on="2026-11-20", note="整改完成情况报告已报备")
    m.refresh_from_db()
    assert m.state == "ended" and m.released_on == dt.date(2026, 11, 20)


# ---- 按日连续处罚 ----------------------------------------------------------------------------------------

def test_daily_penalty_recorded_as_its_own_decision(case):
    case = _decided(case)
    # Order No. 28 arts. 17, 19: served 2026-03-01, re-inspection 2026-03-20 finds the discharge: 19 days × 100,000
    o = _refused_order(case, "2026-03-01", "2026-03-20", decided="2026-02-10")
    m = measures.record_daily_penalty(None, case, orders=[o], decided_on="2026-03-25")
    assert m.kind == "daily" and m.code == f"{case.code}-AR1"
    assert (m.days, m.daily_amount, m.fine) == (19, Decimal("100000.00"), Decimal("1900000.00"))
    assert (m.period_start, m.period_end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 20))
    assert "100,000.00 元 × 19 日 = 1,900,000.00 元" in m.calculation
    assert list(m.orders.all()) == [o]
    # the same order is never counted twice
    with pytest.raises(ValidationError, match="已计入"):
        measures.record_daily_penalty(None, case, orders=[o], decided_on="2026-03-26")
    # a second order served 04-01, re-inspection 04-11 still finds it: 10 more days (29 over both decisions)
    o2 = _refused_order(case, "2026-04-01", "2026-04-11")
    m2 = measures.record_daily_penalty(None, case, orders=[o2], decided_on="2026-04-15")
    assert (m2.days, m2.fine) == (10, Decimal("1000000.00"))
    # served within 7 working days, then paid within 15 days of service (rolled to a working day)
    wf.apply(None, m, "serve", served_on="2026-03-27")
    m.refresh_from_db()
    assert m.payment_due == dt.date(2026, 4, 13)  # 2026-04-11 is a Saturday → Mon 04-13
    wf.apply(None, m, "pay", paid_on="2026-04-10")
    m.refresh_from_db()
    assert m.state == "ended"


def test_daily_penalty_accumulates_orders_in_one_decision(case):
    case = _decided(case)
    a = _refused_order(case, "2026-03-01", "2026-03-20")
    b = _refused_order(case, "2026-04-01", "2026-04-11", result="obstructed")  # obstruction counts as refusal
    m = measures.record_daily_penalty(None, case, orders=[b, a], decided_on="2026-04-11")
    assert (m.days, m.fine, m.period_start, m.period_end) == (29, Decimal("2900000.00"), dt.date(2026, 3, 2),
                                                              dt.date(2026, 4, 11))


@pytest.mark.parametrize("rechecked, days", [("2026-03-02", 1), ("2026-03-31", 30)])
def test_daily_penalty_day_count_boundaries(case, rechecked, days):
    case = _decided(case, fine="20000")
    o = _refused_order(case, "2026-03-01", rechecked)
    m = measures.record_daily_penalty(None, case, orders=[o], decided_on="2026-04-01")
    assert m.days == days and m.fine == Decimal("20000") * days


def test_daily_penalty_refusals(case):
    early = _refused_order(case, "2026-01-20", "2026-01-25")
    with pytest.raises(ValidationError, match="原行政处罚决定尚未作出"):
        measures.record_daily_penalty(None, case, orders=[early], decided_on="2026-01-26")
    case = _decided(case)
    corrected = _refused_order(case, "2026-03-01", "2026-03-20", result="corrected")
    with pytest.raises(ValidationError, match="复查未发现拒不改正"):
        measures.record_daily_penalty(None, case, orders=[corrected], decided_on="2026-03-25")
    o = _refused_order(case, "2026-03-01", "2026-03-20")
    with pytest.raises(ValidationError, match="不早于 2026-03-20"):
        measures.record_daily_penalty(None, case, orders=[o], decided_on="2026-03-19")
    with pytest.raises(ValidationError, match="请选择"):
        measures.record_daily_penalty(None, case, orders=[], decided_on="2026-03-25")
    assert list(measures.refused_orders(case)) == [early, o]


# ---- documents, scope, pages, API ---------------------------------------------------------------------

def test_documents_issue_only_for_their_kind_and_refuse_while_a_field_is_missing(case, user_named):
    from envbureau.core.documents import issue

    admin = user_named("admin")
    order = measures.order(None, case, kind="correction", decided_on="2026-03-02", content="立即停止超标排放")
    with pytest.raises(ValidationError, match="住所"):
        issue(admin, order, "enforcement.correction_order")
    Case.objects.filter(pk=case.pk).update(address="北京市东城区示范路1号")
    order = Measure.objects.get(pk=order.pk)
    assert issue(admin, order, "enforcement.correction_order").number.startswith("环责改")
    with pytest.raises(ValidationError):
        issue(admin, order, "enforcement.seizure_decision")  # not a seizure
    seizure = measures.order(None, Case.objects.get(pk=case.pk), kind="seizure", decided_on="2026-09-10",
                             content="1号排污泵")
    assert issue(admin, seizure, "enforcement.seizure_decision").values["period"] == \
        "自 2026-09-10 起至 2026-10-10 止,共 30 日"
    with pytest.raises(ValidationError, match="解除日期"):
        issue(admin, seizure, "enforcement.measure_release")
    wf.apply(None, seizure, "release", released_on="2026-09-30", note="已改正")
    assert issue(admin, Measure.objects.get(pk=seizure.pk), "enforcement.measure_release").number.startswith("环解除")
    c = _decided(Case.objects.get(pk=case.pk))
    o = _refused_order(c, "2026-03-01", "2026-03-20")
    daily = measures.record_daily_penalty(None, c, orders=[o], decided_on="2026-03-25")
    doc = issue(admin, daily, "enforcement.daily_penalty")
    assert doc.number.startswith("环按日罚") and doc.values["fine"] == "1,900,000.00"
    assert "共 19 日" in doc.values["period"]


def test_only_deciders_order_and_enterprises_see_their_own(case, world, user_named):
    from django.contrib.auth import get_user_model

    from envbureau.core.models import Role, RoleAssignment
    from envbureau.core.scoping import restrict

    with pytest.raises(PermissionDenied):
        measures.order(user_named("dongcheng"), case, kind="correction", decided_on="2026-03-02", content="x")
    mine = measures.order(None, case, kind="correction", decided_on="2026-03-02", content="改正")
    other_case = cases.open_case(None, enterprise_id=world["enterprises"][2].pk, cause="其他", provision="sign",
                                 act_date="2026-01-05", filed_on="2026-01-10", handlers=world["inspectors"][:2])
    measures.order(None, other_case, kind="seizure", decided_on="2026-03-02", content="设备")
    u = get_user_model().objects.create(username="ent_measure")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"), enterprise_id=mine.enterprise_id)
    assert list(restrict(Measure.objects.all(), u, "view")) == [mine]


def _all(*texts):
    def check(r):
        return all(t in r.content.decode() for t in texts)
    check.__doc__ = f"shows all of {texts}"
    return check


def test_pages_and_api(case, client_for):
    from pagecheck import shows

    c = client_for("admin")
    r = c.post(f"/enforcement/cases/{case.pk}/measures/new/", {"kind": "seizure", "decided_on": "2026-09-10",
                                                                "content": "1号排污泵"})
    m = Measure.objects.get(case=case, kind="seizure")
    assert r.status_code == 302 and r["Location"] == f"/enforcement/measures/{m.pk}/"
    shows(c, {f"/enforcement/measures/{m.pk}/": _all("查封、扣押", "2026-10-10", "批准延长期限", "解除"),
              f"/enforcement/cases/{case.pk}/": _all(m.code, "作出停产整治决定"),
              "/enforcement/measures/?kind=seizure": m.code})
    bad = c.post(f"/enforcement/cases/{case.pk}/measures/new/", {"kind": "seizure", "decided_on": "2025-01-01",
                                                                  "content": "x"})
    assert bad.status_code == 400 and "决定日期早于违法行为发生日期" in bad.content.decode()
    r = c.post(f"/enforcement/measures/{m.pk}/do/extend/", {"days": "40", "note": "复杂"})
    assert Measure.objects.get(pk=m.pk).extended_days == 0
    # API: create, act, 400 naming the field, 403 for a user without the right
    api = "/api/v1/enforcement/measures/"
    r = c.post(api, {"case": case.pk, "kind": "correction", "decided_on": "2026-03-02", "content": "立即改正"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["kind_label"] == "责令改正"
    mid = r.json()["id"]
    r = c.post(f"{api}{mid}/serve/", {"served_on": "2026-03-02"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["recheck_due"] == "2026-04-01"
    r = c.post(f"{api}{mid}/recheck/", {"rechecked_on": "2026-03-02", "recheck_result": "continuing"},
               content_type="application/json")
    assert r.status_code == 400 and "rechecked_on" in r.json()["error"]["fields"]
    r = c.post(api, {"case": case.pk, "kind": "daily", "orders": [mid], "decided_on": "2026-03-25"},
               content_type="application/json")
    assert r.status_code == 400 and "case" in r.json()["error"]["fields"]
    officer = client_for("dongcheng")
    r = officer.post(api, {"case": case.pk, "kind": "correction", "content": "x"}, content_type="application/json")
    assert r.status_code in (403, 404)
