"""Time limits of the coercive measures of MEP Orders No. 29 and 30 (2014), each on a
core.deadlines clock over the 2026 holiday calendar, with the day before / of / after its last day:
the rights notice before 限制生产/停产整治 (5 working days to state or ask for a hearing), the correction plan
within 15 working days of receiving the decision, the follow-up check within 30 days of release, a seizure's
release request checked within 5 working days and the release decision served within 3, the seizure's 30 + 30
days. Expected dates are counted by hand in the comments (2026: 5-1..5-5 and 10-1..10-7 off, Sat 5-9 and
Sat 10-10 worked)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from boundary import DAY, three
from envbureau.core import deadlines as dl
from envbureau.core import workflow as wf
from envbureau.enforcement import cases, measures
from envbureau.enforcement.models import LegalBasis, Measure

D = dt.date


@pytest.fixture
def case(world):
    LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                              effective_from=D(2021, 3, 1), fine_min=20000, fine_max=200000)
    c = cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="超标排放", provision="sign",
                        act_date="2026-01-05", filed_on="2026-01-10", handlers=world["inspectors"][:2],
                        facts="在线监测显示超标")
    c.address = "北京市东城区示范路1号"
    c.save(update_fields=["address"])
    return c


def _stop(case, decided="2026-09-10", notified="2026-09-01", **kw):
    return measures.order(None, case, kind="stop", decided_on=decided, notified_on=notified,
                          content="停产整治,完成治理设施改造", **kw)


# ---- 限产/停产: rights notice before the decision (Order No. 30 art. 11; 行政处罚法 arts. 64, 85) ----------

def test_no_production_decision_inside_the_hearing_window(case):
    # notice Wed 2026-09-30; 5 working days: 10-08, 10-09, Sat 10-10 (worked), 10-12, 10-13 → last day 10-13
    assert measures.hearing_rule().due(D(2026, 9, 30)) == D(2026, 10, 13)

    def decides(day):
        try:
            with transaction.atomic():
                _stop(case, decided=day, notified="2026-09-30")
            return True
        except ValidationError as exc:
            assert "decided_on" in exc.message_dict and "2026-10-13" in exc.message_dict["decided_on"][0]
            return False

    assert three(decides, D(2026, 10, 13), DAY) == (False, False, True)
    for kind in ("limit", "stop"):  # both measures need the notice
        with pytest.raises(ValidationError) as exc:
            measures.order(None, case, kind=kind, decided_on="2026-10-20", content="限产50%")
        assert "notified_on" in exc.value.message_dict
    # the party waived in writing, or its statement/hearing is over: the decision may come inside the window
    assert _stop(case, decided="2026-10-08", notified="2026-09-30", rights_waived=True).rights_waived
    heard = _stop(case, decided="2026-10-09", notified="2026-09-30", hearing_held_on="2026-10-09")
    assert heard.hearing_held_on == D(2026, 10, 9)
    with pytest.raises(ValidationError, match="之间"):
        _stop(case, decided="2026-10-09", notified="2026-09-30", hearing_held_on="2026-10-10")
    with pytest.raises(ValidationError, match="告知日期晚于决定日期"):
        _stop(case, decided="2026-10-09", notified="2026-10-10", rights_waived=True)
    c = dl.clock(heard, measures.HEARING)
    assert (c.start, c.due, c.stopped_at is not None) == (D(2026, 9, 30), D(2026, 10, 13), True)
    # the measure's own orders stay as they were: an order to correct or a seizure needs no notice
    assert measures.order(None, case, kind="seizure", decided_on="2026-10-01", content="泵").kind == "seizure"


def test_the_decision_states_the_notice(case, user_named):
    from envbureau.core.documents import issue

    m = _stop(case, decided="2026-10-08", notified="2026-09-30", rights_waived=True)
    doc = issue(user_named("admin"), m, "enforcement.production_decision", pdf=False)
    assert doc.values["rights"] == "本机关已于2026年9月30日告知当事人陈述、申辩和要求举行听证的权利,当事人明确放弃"
    Measure.objects.filter(pk=m.pk).update(notified_on=None)  # an old record without the notice cannot issue
    with pytest.raises(ValidationError, match="当事人的权利"):
        issue(user_named("admin"), Measure.objects.get(pk=m.pk), "enforcement.production_decision", pdf=False)


# ---- 限产/停产: correction plan, term from service, follow-up check ------------------------------------------

def test_correction_plan_within_15_working_days_of_receipt(case):
    m = _stop(case, decided="2026-04-28", notified="2026-04-17")
    wf.apply(None, m, "serve", served_on="2026-04-30")
    # Thu 04-30 received; 05-01..05-05 off: 05-06 (1), 07, 08, Sat 09 (4), 11..15 (9), 18..22 (14), Mon 05-25 (15)
    c = dl.clock(m, measures.PLAN)
    assert (c.start, c.days, c.day_kind, c.due) == (D(2026, 4, 30), 15, "working", D(2026, 5, 25))
    m.refresh_from_db()
    assert measures.workflow_due(m) == D(2026, 5, 25)  # the open task waits for the plan
    assert three(lambda day: measures.late(m, measures.PLAN, day), D(2026, 5, 25), DAY) == (False, False, True)
    with pytest.raises(wf.TransitionError, match="早于送达日期"):
        wf.apply(None, m, "file_plan", plan_filed_on="2026-04-29")
    wf.apply(None, m, "file_plan", plan_filed_on="2026-05-26")
    m.refresh_from_db()
    assert m.plan_filed_on == D(2026, 5, 26) and dl.clock(m, measures.PLAN).stopped_at is not None
    assert measures.late_steps(m) == ["整改方案备案超期(期满 2026-05-25,实际 2026-05-26)"]
    assert "file_plan" not in [t.verb for t in wf.allowed(None, m)]  # filed once
    # 停产整治 runs from service (art. 15), not from the decision
    assert measures.describe_period(m) == "自 2026-04-30 起至整治完成、报备之日止"


def test_limit_plan_on_time_and_follow_up_within_30_days_of_release(case):
    m = measures.order(None, case, kind="limit", decided_on="2026-03-02", notified_on="2026-02-20",
                       content="1号锅炉负荷不超过50%")
    wf.apply(None, m, "serve", served_on="2026-03-02")
    # Mon 03-02: 03..06 (4), 09..13 (9), 16..20 (14), Mon 03-23 (15)
    assert dl.clock(m, measures.PLAN).due == D(2026, 3, 23)
    wf.apply(None, m, "file_plan", plan_filed_on="2026-03-23")
    wf.apply(None, m, "release", released_on="2026-06-10", note="整改完成情况已报备")
    m.refresh_from_db()
    assert measures.late_steps(m) == []
    # 30 calendar days from 06-10 → 07-10
    assert dl.clock(m, measures.FOLLOW_UP).due == D(2026, 7, 10)
    assert three(lambda day: measures.late(m, measures.FOLLOW_UP, day), D(2026, 7, 10), DAY) == (False, False, True)
    with pytest.raises(wf.TransitionError, match="早于解除日期"):
        wf.apply(None, m, "follow_up", followed_up_on="2026-06-09")
    wf.apply(None, m, "follow_up", followed_up_on="2026-07-10")
    m.refresh_from_db()
    assert m.followed_up_on == D(2026, 7, 10) and dl.clock(m, measures.FOLLOW_UP).stopped_at is not None
    assert "follow_up" not in [t.verb for t in wf.allowed(None, m)]


# ---- 查封、扣押: term, release request, release service (Order No. 29 arts. 15, 19, 21) ----------------------

def test_seizure_extension_cap_is_30_days(case):
    def extends(days):
        m = measures.order(None, case, kind="seizure", decided_on="2026-09-10", content="1号排污泵")
        try:
            wf.apply(None, m, "extend", days=days, note="情况复杂,经负责人批准")
            return True
        except wf.TransitionError:
            return False

    assert three(extends, 30, 1) == (True, True, False)  # 30 + at most 30 = 60 days in all


def test_release_request_checked_within_5_working_days(case):
    m = measures.order(None, case, kind="seizure", decided_on="2026-03-02", content="1号排污泵")
    wf.apply(None, m, "request_release", release_requested_on="2026-03-04")
    m.refresh_from_db()
    # Wed 03-04: 05, 06, 09, 10, Wed 03-11
    assert dl.clock(m, measures.RELEASE_CHECK).due == D(2026, 3, 11) and measures.release_pending(m)
    assert measures.workflow_due(m) == D(2026, 3, 11)  # sooner than the seizure's end, 04-01
    from envbureau.core.models import Task

    def task_due():
        return Task.objects.get(model="enforcement.measure", object_id=str(m.pk), is_open=True).due_date

    assert task_due() == D(2026, 3, 11)
    assert three(lambda day: measures.late(m, measures.RELEASE_CHECK, day), D(2026, 3, 11), DAY) == \
        (False, False, True)
    with pytest.raises(wf.TransitionError):
        wf.apply(None, m, "request_release", release_requested_on="2026-03-05")  # one pending at a time
    with pytest.raises(wf.TransitionError):
        wf.apply(None, m, "keep", kept_on="2026-03-10")  # reasons in writing
    wf.apply(None, m, "keep", kept_on="2026-03-12", note="复查仍在超标排放,维持查封")
    m.refresh_from_db()
    assert not measures.release_pending(m) and m.release_answered_on == D(2026, 3, 12)
    assert measures.late_steps(m) == ["解除申请核查决定超期(期满 2026-03-11,实际 2026-03-12)"]
    assert task_due() == D(2026, 4, 1)  # back to the seizure's last day (30 days from 03-02)
    assert "keep" not in [t.verb for t in wf.allowed(None, m)]
    # a second request, answered by the release itself
    wf.apply(None, m, "request_release", release_requested_on="2026-03-20")
    wf.apply(None, m, "release", released_on="2026-03-25", note="已改正")
    m.refresh_from_db()
    assert m.release_answered_on == D(2026, 3, 25) and dl.clock(m, measures.RELEASE_CHECK).stopped_at is not None


def test_release_decision_served_within_3_working_days(case):
    m = measures.order(None, case, kind="seizure", decided_on="2026-04-20", content="1号排污泵")
    assert "serve_release" not in [t.verb for t in wf.allowed(None, m)]  # nothing released yet
    wf.apply(None, m, "release", released_on="2026-04-30", note="已改正")
    m.refresh_from_db()
    # Thu 04-30, 05-01..05-05 off: 05-06, 05-07, Fri 05-08
    assert dl.clock(m, measures.RELEASE_SERVICE).due == D(2026, 5, 8)
    assert three(lambda day: measures.late(m, measures.RELEASE_SERVICE, day), D(2026, 5, 8), DAY) == \
        (False, False, True)
    wf.apply(None, m, "serve_release", release_served_on="2026-05-08")
    m.refresh_from_db()
    assert m.release_served_on == D(2026, 5, 8) and measures.late_steps(m) == []
    with pytest.raises(wf.TransitionError):
        wf.apply(None, m, "serve_release", release_served_on="2026-05-09")  # served once


# ---- pages and API ----------------------------------------------------------------------------------------

def test_pages_and_api(case, client_for):
    from pagecheck import shows

    c = client_for("admin")
    r = c.post(f"/enforcement/cases/{case.pk}/measures/new/", {"kind": "stop", "decided_on": "2026-10-12",
                                                                "content": "停产整治", "notified_on": "2026-09-30"})
    assert r.status_code == 400 and "2026-10-13" in r.content.decode()
    r = c.post(f"/enforcement/cases/{case.pk}/measures/new/", {"kind": "stop", "decided_on": "2026-10-14",
                                                                "content": "停产整治", "notified_on": "2026-09-30"})
    m = Measure.objects.get(case=case, kind="stop")
    assert r.status_code == 302
    c.post(f"/enforcement/measures/{m.pk}/do/serve/", {"served_on": "2026-10-15"})
    shows(c, {f"/enforcement/measures/{m.pk}/": lambda r: all(t in r.content.decode() for t in (
        "陈述、申辩和要求听证的权利", "整改方案备案", "陈述申辩、听证申请期限", "2026-10-13"))})
    api = "/api/v1/enforcement/measures/"
    r = c.post(api, {"case": case.pk, "kind": "limit", "decided_on": "2026-10-20", "content": "限产"},
               content_type="application/json")
    assert r.status_code == 400 and "notified_on" in r.json()["error"]["fields"]
    r = c.post(api, {"case": case.pk, "kind": "limit", "decided_on": "2026-10-20", "content": "限产",
                     "notified_on": "2026-10-19", "rights_waived": True}, content_type="application/json")
    assert r.status_code == 201 and r.json()["rights_waived"] is True
    r = c.post(f"{api}{m.pk}/file-plan/", {"plan_filed_on": "2026-10-20"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["plan_filed_on"] == "2026-10-20"
    s = measures.order(None, case, kind="seizure", decided_on="2026-10-20", content="泵")
    r = c.post(f"{api}{s.pk}/request-release/", {"release_requested_on": "2026-10-19"},
               content_type="application/json")
    assert r.status_code == 400 and "release_requested_on" in r.json()["error"]["fields"]
