"""Penalty cases through the workflow, with their clocks on the 2026 holiday calendar, the discretion range,
hearing thresholds, surcharges, transfers and documents. Expected dates are worked out by hand in comments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from envbureau.core import deadlines as dl
from envbureau.core import workflow as wf
from envbureau.enforcement import cases, discretion
from envbureau.enforcement.models import Case, LegalBasis


@pytest.fixture
def bases(db):
    old = LegalBasis.objects.create(provision="exceed", instrument="大气污染防治法", article="第九十九条",
                                    effective_from=dt.date(2016, 1, 1), effective_to=dt.date(2026, 8, 15),
                                    fine_min=100000, fine_max=1000000)
    new = LegalBasis.objects.create(provision="exceed", instrument="生态环境法典", article="(待核定)",
                                    effective_from=dt.date(2026, 8, 15), fine_min=100000, fine_max=1000000)
    small = LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                                      effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)
    return {"old": old, "new": new, "small": small}


def _case(world, provision="sign", act="2026-06-20", filed="2026-07-03"):
    return cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="测试案由", provision=provision,
                           act_date=act, filed_on=filed, handlers=world["inspectors"][:2], facts="现场检查发现")


def _to_review(c):
    wf.apply(None, c, "investigate")
    wf.apply(None, c, "submit_review", note="调查终结")
    return c


def test_legal_basis_by_date_of_act(world, bases):
    assert LegalBasis.for_act("exceed", dt.date(2026, 8, 14)) == bases["old"]  # day before the Code
    assert LegalBasis.for_act("exceed", dt.date(2026, 8, 15)) == bases["new"]  # day of
    assert LegalBasis.for_act("exceed", dt.date(2015, 12, 31)) is None
    c = _case(world, "exceed", act="2026-08-14", filed="2026-09-01")
    assert c.legal_basis == bases["old"]


def test_decision_deadline_over_national_day(world, bases):
    # filed 2026-07-03: 90 calendar days end on 2026-10-01 (National Day, a holiday; 10-01..10-07 off),
    # rolled forward to the first working day 2026-10-08
    c = _case(world)
    assert cases.decision_due(c) == dt.date(2026, 10, 8)
    from envbureau.core.models import Task

    assert Task.objects.get(model="enforcement.case", object_id=str(c.pk), is_open=True).due_date == dt.date(2026, 10, 8)


@pytest.mark.parametrize("decided_on, late", [("2026-10-07", False), ("2026-10-08", False), ("2026-10-09", True)])
def test_decided_day_before_of_after_due(world, bases, decided_on, late):
    c = _to_review(_case(world))
    wf.apply(None, c, "notify", outcome="punish", levels={"harm": 3}, notified_on="2026-09-20")
    wf.apply(None, c, "decide", decided_on=decided_on)
    c.refresh_from_db()
    assert c.state == "decided" and c.decided_late is late


def test_full_path_with_hearing_pause_payment_surcharge_and_close(world, bases):
    c = _to_review(_case(world, "exceed", act="2026-06-20"))
    # weight 0.10 start + harm L5 0.20 + fault L5 0.12 + repeat L5 0.16 = 58 % of 1,000,000 = 580,000
    wf.apply(None, c, "notify", outcome="punish", levels={"harm": 5, "fault": 5, "repeat": 5},
             notified_on="2026-08-03")
    c.refresh_from_db()
    assert c.fine == Decimal("580000.00") and c.hearing_right
    assert "580,000.00" in c.discretion_text and "第九十九条" in c.discretion_text
    # statement clock: 5 working days after Mon 2026-08-03 → Mon 2026-08-10
    assert dl.clock(c, cases.STATEMENT).due == dt.date(2026, 8, 10)
    wf.apply(None, c, "statement", kind="hearing", on="2026-08-05", note="当事人申请听证")
    with pytest.raises(wf.TransitionError):
        wf.apply(None, c, "decide", decided_on="2026-08-20")  # the clock is stopped for the hearing
    wf.apply(None, c, "resume", on="2026-08-25", note="听证会已举行,当事人意见未采纳")
    # 20 days paused: 2026-10-01 + 20 = 2026-10-21 (a working Wednesday)
    assert cases.decision_due(c) == dt.date(2026, 10, 21)
    wf.apply(None, c, "decide", decided_on="2026-10-14")
    # service within 7 working days of Wed 2026-10-14 → Fri 2026-10-23
    assert dl.clock(c, cases.SERVICE).due == dt.date(2026, 10, 23)
    wf.apply(None, c, "serve", served_on="2026-11-13")
    c.refresh_from_db()
    # 15 days after 2026-11-13 is Sat 2026-11-28 → rolled to Mon 2026-11-30
    assert c.payment_due == dt.date(2026, 11, 30)
    assert cases.surcharge_on(c, dt.date(2026, 11, 30)) == Decimal("0.00")
    assert cases.surcharge_on(c, dt.date(2026, 12, 1)) == Decimal("17400.00")  # 3 % of 580,000
    wf.apply(None, c, "pay", paid_on="2026-12-02")
    c.refresh_from_db()
    assert c.state == "executed" and c.surcharge == Decimal("34800.00")  # two days late
    wf.apply(None, c, "close", closed_on="2026-12-05")
    c.refresh_from_db()
    assert c.state == "closed" and c.closed_on == dt.date(2026, 12, 5)


def test_surcharge_capped_at_the_fine():
    assert discretion.late_surcharge(Decimal("10000"), 33) == Decimal("9900.00")
    assert discretion.late_surcharge(Decimal("10000"), 34) == Decimal("10000")
    assert discretion.late_surcharge(Decimal("10000"), 400) == Decimal("10000")
    assert discretion.late_surcharge(Decimal("10000"), 0) == Decimal("0.00")


def test_first_offence_not_punished(world, bases):
    from envbureau.sources.models import DossierEvent

    c = _to_review(_case(world))
    wf.apply(None, c, "no_penalty", outcome="first_no_penalty", decided_on="2026-07-20", note="首次违法,及时改正")
    c.refresh_from_db()
    assert c.state == "closed" and c.outcome == "first_no_penalty" and c.fine is None and not c.decided_late
    assert DossierEvent.objects.filter(kind="enforcement.case", enterprise_id=c.enterprise_id).count() == 2
    with pytest.raises(wf.TransitionError):
        wf.apply(None, _to_review(_case(world)), "no_penalty", outcome="punish", note="x")


def test_fine_outside_the_article_range_refused(world, bases):
    c = _to_review(_case(world))  # 排污许可管理条例 第三十六条: 20,000 – 200,000
    with pytest.raises(wf.TransitionError, match="超过所引条款的上限"):
        wf.apply(None, c, "notify", outcome="punish", fine="200000.01")
    with pytest.raises(wf.TransitionError, match="低于所引条款的下限"):
        wf.apply(None, c, "notify", outcome="lighter", fine="19999.99")
    wf.apply(None, c, "notify", outcome="punish", fine="200000")  # equal to the maximum: allowed
    c.refresh_from_db()
    assert c.fine == Decimal("200000.00")
    with pytest.raises(wf.TransitionError, match="超过所引条款的上限"):
        wf.apply(None, c, "decide", decided_on="2026-09-01", fine="250000")
    c.refresh_from_db()
    assert c.state == "notified"


def test_reduction_may_go_below_minimum(world, bases):
    c = _to_review(_case(world))
    wf.apply(None, c, "notify", outcome="reduced", fine="10000")
    c.refresh_from_db()
    assert c.fine == Decimal("10000.00")


def test_computed_fine_floored_at_minimum(world, bases):
    c = _to_review(_case(world))
    # all factors at level 1: 10 % × 200,000 = 20,000 = the minimum; nothing lower
    wf.apply(None, c, "notify", outcome="punish")
    c.refresh_from_db()
    assert c.fine == Decimal("20000.00")


@pytest.mark.parametrize("fine, right", [("200000", False), ("200000.01", True)])
def test_hearing_threshold_excludes_the_figure(fine, right):
    assert cases.hearing_right("org", Decimal(fine)) is right


def test_extension_by_approval_and_its_cap(world, bases):
    c = _case(world)
    wf.apply(None, c, "extend", days=30, note="案情复杂,经负责人批准延长")
    # 2026-07-03 + 120 days = 2026-10-31 (Saturday) → Mon 2026-11-02
    assert cases.decision_due(c) == dt.date(2026, 11, 2)
    wf.apply(None, c, "extend", days=30, note="集体讨论决定再延长")
    with pytest.raises(wf.TransitionError):
        wf.apply(None, c, "extend", days=1, note="再延长")
    with pytest.raises(wf.TransitionError):
        wf.apply(None, c, "extend", days=10)  # reason required


def test_transfer_to_police(world, bases):
    c = _to_review(_case(world))
    wf.apply(None, c, "notify", outcome="punish", levels={"means": 5}, notified_on="2026-09-01")
    wf.apply(None, c, "decide", decided_on="2026-09-10")
    wf.apply(None, c, "transfer", transfer_kind="detention", transferred_on="2026-09-11", authority="某公安分局",
             reason="篡改监测数据")
    c.refresh_from_db()
    t = c.transfers.get()
    assert t.kind == "detention" and c.state == "decided"
    # files to the police within 3 working days of Fri 2026-09-11 → Wed 2026-09-16
    from envbureau.enforcement import transfers

    assert dl.clock(t, transfers.SEND).due == dt.date(2026, 9, 16)
    with pytest.raises(wf.TransitionError):
        wf.apply(None, c, "transfer", transfer_kind="crime")  # no receiving authority


def test_wrong_state_refused(world, bases):
    c = _case(world)
    with pytest.raises(wf.TransitionError):
        wf.apply(None, c, "decide", decided_on="2026-08-01")


def test_documents_refuse_while_required_field_missing(world, bases, user_named):
    from envbureau.core.documents import issue

    admin = user_named("admin")
    c = _case(world)
    filing = issue(admin, c, "enforcement.case_filing")
    assert filing.number.startswith("环立")
    _to_review(c)
    wf.apply(None, c, "notify", outcome="punish", notified_on="2026-09-01")
    wf.apply(None, c, "decide", decided_on="2026-09-10")
    c = Case.objects.get(pk=c.pk)
    with pytest.raises(ValidationError, match="住所"):
        issue(admin, c, "enforcement.penalty_decision")
    c.address = "北京市东城区示范路1号"
    c.save()
    doc = issue(admin, Case.objects.get(pk=c.pk), "enforcement.penalty_decision")
    assert doc.number.startswith("环罚")


def test_case_needs_two_handlers_and_a_basis_in_force(world, bases):
    with pytest.raises(ValidationError):
        cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="x", provision="sign",
                        act_date="2026-06-01", filed_on="2026-07-01", handlers=world["inspectors"][:1])
    with pytest.raises(ValidationError):
        cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="x", provision="sign",
                        act_date="2020-06-01", filed_on="2026-07-01", handlers=world["inspectors"][:2])


def test_enterprise_sees_only_its_own_cases(world, bases):
    from django.contrib.auth import get_user_model

    from envbureau.core.models import Role, RoleAssignment
    from envbureau.core.scoping import restrict

    mine = _case(world)
    cases.open_case(None, enterprise_id=world["enterprises"][2].pk, cause="其他", provision="sign",
                    act_date="2026-06-01", filed_on="2026-07-01", handlers=world["inspectors"][:2])
    u = get_user_model().objects.create(username="ent_case")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"), enterprise_id=mine.enterprise_id)
    assert list(restrict(Case.objects.all(), u, "view")) == [mine]


def test_the_party_reads_the_documents_addressed_to_it_not_the_internal_forms(world, bases, user_named):
    """An enterprise account sees its case's notice, never the 立案审批表 (an internal form): not in the documents
    API, not downloadable (404), not on the case page's document panel or timeline; staff see both."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from envbureau.core.documents import issue
    from envbureau.core.models import Role, RoleAssignment

    admin = user_named("admin")
    c = _case(world)
    filing = issue(admin, c, "enforcement.case_filing")
    c = _to_review(c)
    wf.apply(None, c, "notify", outcome="punish", notified_on="2026-09-01")
    notice = issue(admin, Case.objects.get(pk=c.pk), "enforcement.penalty_notice")
    u = get_user_model().objects.create(username="ent_docs")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"), enterprise_id=c.enterprise_id)
    party, staff = Client(), Client()
    party.force_login(u)
    staff.force_login(admin)
    listed = {d["id"] for d in party.get("/api/v1/core/documents/").json()["results"]}
    assert notice.pk in listed and filing.pk not in listed
    assert {notice.pk, filing.pk} <= {d["id"] for d in staff.get("/api/v1/core/documents/").json()["results"]}
    assert party.get(f"/documents/{filing.pk}/docx/").status_code == 404
    assert party.get(f"/documents/{notice.pk}/docx/").status_code == 200
    assert staff.get(f"/documents/{filing.pk}/docx/").status_code == 200
    page = party.get(f"/enforcement/cases/{c.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/documents/{notice.pk}/docx/" in html and f"/documents/{filing.pk}/" not in html
    assert f"/documents/{filing.pk}/docx/" in staff.get(f"/enforcement/cases/{c.pk}/").content.decode()


def test_publication_of_decisions_without_personal_data(world, bases, client_for):
    from django.test import Client

    c = _to_review(_case(world))
    wf.apply(None, c, "notify", outcome="punish", notified_on="2026-09-01")
    wf.apply(None, c, "decide", decided_on="2026-09-25")
    # 20 working days after 2026-09-25 (中秋 holiday; 10-01..10-07 off, Saturday 10-10 worked) → 2026-10-29
    assert dl.clock(c, cases.PUBLICATION).due == dt.date(2026, 10, 29)
    anon = Client()
    assert c.code not in anon.get("/public/enforcement/penalties/").content.decode()
    Case.objects.filter(pk=c.pk).update(party_type="person", party="张三丰")
    wf.apply(None, Case.objects.get(pk=c.pk), "publish", published_on=dt.date.today().isoformat())
    c.refresh_from_db()
    assert c.published and c.publish_until == c.published_on.replace(year=c.published_on.year + 3)
    body = anon.get("/public/enforcement/penalties/").content.decode()
    assert c.code in body and "张某" in body and "张三丰" not in body
    Case.objects.filter(pk=c.pk).update(publish_until=dt.date.today() - dt.timedelta(days=1))  # period over
    assert c.code not in anon.get("/public/enforcement/penalties/").content.decode()
    with pytest.raises(wf.TransitionError):
        wf.apply(None, Case.objects.get(pk=c.pk), "publish")  # once only
    spared = _to_review(_case(world))
    wf.apply(None, spared, "no_penalty", outcome="minor_no_penalty", decided_on="2026-07-20", note="轻微")
    with pytest.raises(wf.TransitionError):
        wf.apply(None, spared, "publish")  # a closed no-penalty case has no decision to publish
    # … and neither offers the step: no 公开处罚决定 button once published or without a penalty
    admin = client_for("admin")
    for case in (Case.objects.get(pk=c.pk), spared):
        assert "publish" not in [t.verb for t in wf.allowed(None, case)]
        assert f"/enforcement/cases/{case.pk}/do/publish/" not in admin.get(f"/enforcement/cases/{case.pk}/").content.decode()


def test_daily_penalty_days_and_total():
    # Order No. 28 arts. 17, 19: served 2026-03-01, re-inspection 2026-03-20 finds the discharge: 19 days
    assert discretion.daily_penalty(100000, [(dt.date(2026, 3, 1), dt.date(2026, 3, 20))]) == (19, Decimal("1900000.00"))
    # a second order served 04-01, re-inspection 04-11: days accumulate, the gap is not counted
    days, total = discretion.daily_penalty(100000, [(dt.date(2026, 3, 1), dt.date(2026, 3, 20)),
                                                    (dt.date(2026, 4, 1), dt.date(2026, 4, 11))])
    assert (days, total) == (29, Decimal("2900000.00"))
    with pytest.raises(discretion.DiscretionError):
        discretion.daily_penalty(100000, [(dt.date(2026, 3, 1), dt.date(2026, 3, 1))])


def test_notice_and_closing_documents(world, bases, user_named):
    from envbureau.core.documents import issue

    admin = user_named("admin")
    c = _to_review(_case(world))
    with pytest.raises(ValidationError, match="拟作出的行政处罚"):
        issue(admin, c, "enforcement.penalty_notice")  # nothing proposed before the notice
    wf.apply(None, c, "notify", outcome="punish", notified_on="2026-09-01")
    assert issue(admin, Case.objects.get(pk=c.pk), "enforcement.penalty_notice").number.startswith("环罚告")
    with pytest.raises(ValidationError, match="执行情况"):
        issue(admin, Case.objects.get(pk=c.pk), "enforcement.case_closing")
    for verb, kw in (("decide", {"decided_on": "2026-09-10"}), ("serve", {"served_on": "2026-09-11"}),
                     ("pay", {"paid_on": "2026-09-20"}), ("close", {"closed_on": "2026-09-21"})):
        wf.apply(None, c, verb, **kw)
    assert issue(admin, Case.objects.get(pk=c.pk), "enforcement.case_closing").number.startswith("环结")


@pytest.mark.parametrize("party, fine, inclusive, right", [
    ("org", "199999.99", False, False), ("org", "200000", False, False), ("org", "200000.01", False, True),
    ("org", "200000", True, True), ("org", "199999.99", True, False),
    ("person", "4999.99", False, False), ("person", "5000", False, False), ("person", "5000.01", False, True),
    ("person", "5000", True, True)])
def test_hearing_thresholds_per_party_and_configured_boundary(settings, party, fine, inclusive, right):
    """较大数额 for an organisation (200,000) and a person (5,000), the figure itself excluded by default and
    included when the province says so (configuration)."""
    settings.ENVBUREAU = {**settings.ENVBUREAU, "ENFORCEMENT": {"hearing_threshold_inclusive": inclusive}}
    assert cases.hearing_right(party, Decimal(fine)) is right


def test_hearing_right_of_a_person_set_on_the_notice(world, bases):
    c = cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="个体", provision="sign",
                        act_date="2026-06-20", filed_on="2026-07-03", handlers=world["inspectors"][:2],
                        party_type="person")
    _to_review(c)
    wf.apply(None, c, "notify", outcome="reduced", fine="5000.01", notified_on="2026-07-20")
    c.refresh_from_db()
    assert c.hearing_right is True


@pytest.mark.parametrize("decided_on, late", [("2026-11-01", False), ("2026-11-02", False), ("2026-11-03", True)])
def test_extended_decision_day_before_of_after_its_due(world, bases, decided_on, late):
    """90 + 30 days from 2026-07-03 end on Sat 2026-10-31 → due Mon 2026-11-02: the day before and the day of are
    in time, the day after is late."""
    c = _to_review(_case(world))
    wf.apply(None, c, "extend", days=30, note="案情复杂,经负责人批准延长")
    wf.apply(None, c, "notify", outcome="punish", fine="30000", notified_on="2026-10-20")
    wf.apply(None, c, "decide", decided_on=decided_on)
    c.refresh_from_db()
    assert c.decided_late is late


def test_both_extensions_reach_150_days_at_most(world, bases):
    c = _case(world)
    wf.apply(None, c, "extend", days=30, note="经负责人批准延长")
    wf.apply(None, c, "extend", days=30, note="集体讨论决定再延长")
    assert cases.decision_due(c) == dt.date(2026, 11, 30)  # 2026-07-03 + 150 days, a Monday


def test_payment_due_across_national_day_and_surcharge_day_before_of_after(world, bases):
    """Served Wed 2026-09-16: 15 days end on 2026-10-01 (National Day, off to 10-07) → due Thu 2026-10-08; paying on
    10-07 or 10-08 costs nothing extra, 10-09 one day's 3 %, and the surcharge never exceeds the fine."""
    c = _to_review(_case(world))
    wf.apply(None, c, "notify", outcome="punish", fine="30000", notified_on="2026-09-01")
    wf.apply(None, c, "decide", decided_on="2026-09-10")
    wf.apply(None, c, "serve", served_on="2026-09-16")
    c.refresh_from_db()
    assert c.payment_due == dt.date(2026, 10, 8)
    assert cases.surcharge_on(c, dt.date(2026, 10, 7)) == Decimal("0.00")
    assert cases.surcharge_on(c, dt.date(2026, 10, 8)) == Decimal("0.00")
    assert cases.surcharge_on(c, dt.date(2026, 10, 9)) == Decimal("900.00")
    assert cases.surcharge_on(c, dt.date(2026, 11, 10)) == Decimal("29700.00")  # 33 days
    assert cases.surcharge_on(c, dt.date(2026, 11, 11)) == Decimal("30000")  # 34 days: capped at the fine
    assert cases.surcharge_on(c, dt.date(2027, 6, 1)) == Decimal("30000")


def test_a_case_is_not_filed_in_the_future(world, bases):
    """立案 is a past or present act: tomorrow's filing date is refused by field (today's is allowed)."""
    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(ValidationError) as e:
        _case(world, act="2026-06-20", filed=(today + dt.timedelta(days=1)).isoformat())
    assert "filed_on" in e.value.message_dict
    assert not Case.objects.exists()
    assert _case(world, act="2026-06-20", filed=today.isoformat()).filed_on == today


def test_an_extension_by_the_system_clicked_in_english_names_the_approver_in_each_language(world, bases):
    """The approver of an extension no person approved (a system path) is "系统" / "System" for each reader,
    not the word of the language it was clicked in."""
    from django.utils import translation

    c = _case(world)
    with translation.override("en"):
        wf.apply(None, c, "extend", days=30, note="案情复杂,经负责人批准延长")

    def line():
        return [e["note"] for e in wf.timeline(c) if e["verb"] == "deadline_extend"][0]

    with translation.override("zh-hans"):
        assert "(批准人:系统):案情复杂" in line()
    with translation.override("en"):
        assert "(approved by System): 案情复杂" in line()
