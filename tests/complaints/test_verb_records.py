"""What each handling verb leaves on the complaint and its timeline, and the words of its refusals (the transition
tests only look at the state): 交办 to a unit (services.unit_named finds or adds it), 调查核实 with one of the three
findings, 答复, 回访 with one of the four results, 复查/复核 within the complaint's own rule. Expectations from the
rules (issue 5, 信访工作条例 arts. 31-36, the 12369 practice), not read from the code."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boundary import DAY, three
from envbureau.complaints import services
from envbureau.complaints.models import Complaint, SatisfactionVisit
from envbureau.core.models import Unit

EARLIER = timezone.make_aware(dt.datetime(2020, 1, 1, 9))


def _in(make_complaint, state, **extra):
    """A complaint in `state` with the fields that state has, its state entered long ago."""
    c = make_complaint()
    now = timezone.now()
    fields = dict(state=state, state_changed_at=EARLIER, accepted_at=now)
    if state in ("investigated", "replied", "visited", "closed"):
        fields.update(finding="substantiated", investigation="现场核实属实")
    if state in ("replied", "visited", "closed"):
        fields.update(replied_at=now, reply_text="已责令整改")
    fields.update(extra)
    Complaint.objects.filter(pk=c.pk).update(**fields)
    c.refresh_from_db()
    return c


def _last(c):
    return services.events_of(c).order_by("id").last()


def _refused(call) -> dict:
    with pytest.raises(ValidationError) as err:
        call()
    return err.value.message_dict


# ---- unit_named: a unit from itself, its pk, its code or its name; a new name becomes a unit ---------------

def test_a_unit_is_found_by_itself_pk_code_or_name(demo_core):
    a = Unit.objects.create(code="zjw-dc", name="东城区住建委", kind="agency")
    b = Unit.objects.create(code="12369", name="热线中心", kind="department")
    assert services.unit_named(a) is a
    assert services.unit_named(a.pk) == a
    assert services.unit_named(f" {a.pk} ") == a
    assert services.unit_named(" zjw-dc ") == a
    assert services.unit_named("东城区住建委") == a
    assert services.unit_named("12369") == b  # digits that are no unit's pk: the code
    assert Unit.objects.count() == 2  # nothing added


def test_a_pk_before_a_code_and_a_code_before_a_name(demo_core):
    first = Unit.objects.create(code="first", name="甲单位")
    Unit.objects.create(code=str(first.pk), name="乙单位")
    Unit.objects.create(code="丙单位", name="丁单位")
    named = Unit.objects.create(code="c-bing", name="丙单位")
    assert services.unit_named(str(first.pk)) == first
    assert services.unit_named("丙单位").name == "丁单位"
    assert services.unit_named("c-bing") == named


def test_of_two_units_with_one_name_the_first_added(demo_core):
    first = Unit.objects.create(code="b-1", name="城管执法队")
    Unit.objects.create(code="a-2", name="城管执法队")  # listed first by code, added later
    assert services.unit_named("城管执法队") == first


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_unit_named_is_none(demo_core, value):
    assert services.unit_named(value) is None
    assert not Unit.objects.exists()


def test_a_new_name_becomes_a_unit_of_kind_other(demo_core):
    u = services.unit_named(" 东城区城管委 ")
    assert (u.pk is not None, u.name, u.kind) == (True, "东城区城管委", "other")
    assert re.fullmatch(r"u-[0-9a-f]{12}", u.code)
    v = services.unit_named("东城区园林绿化局")
    assert v.pk != u.pk and v.code != u.code
    assert services.unit_named("东城区城管委") == u  # once added, found again
    long = services.unit_named("长" * 250)
    long.refresh_from_db()
    assert long.name == "长" * 200  # the name field's 200 characters


# ---- 交办 ------------------------------------------------------------------------------------------------

def test_assigning_names_the_unit_and_the_person(actors, make_complaint):
    unit = Unit.objects.create(code="hb-dc", name="东城区生态环境局")
    c = _in(make_complaint, "accepted")
    before = timezone.now()
    services.assign(actors["office"], c, unit, assignee=actors["officer"], note="请尽快核实")
    c.refresh_from_db()
    assert (c.state, c.unit, c.assignee_unit, c.assignee) == ("assigned", unit, "东城区生态环境局", actors["officer"])
    assert c.assigned_at >= before and c.state_changed_at >= before
    ev = _last(c)
    assert (ev.verb, ev.note, ev.data["unit"], ev.data["unit_id"]) == ("assign", "请尽快核实", "东城区生态环境局", unit.pk)


def test_reassigning_hands_over_without_a_new_state(actors, make_complaint):
    c = _in(make_complaint, "assigned", assignee_unit="旧单位")
    before = timezone.now()
    services.assign(actors["office"], c, "东城区水务局")
    c.refresh_from_db()
    assert (c.state, c.assignee_unit, c.unit.name, c.assignee) == ("assigned", "东城区水务局", "东城区水务局", None)
    assert c.assigned_at >= before
    assert c.state_changed_at == EARLIER  # still 已交办 since it was first assigned


@pytest.mark.parametrize("unit", ["", "  ", None])
def test_assigning_to_no_unit_is_refused_naming_the_unit(actors, make_complaint, unit):
    c = _in(make_complaint, "accepted")
    assert _refused(lambda: services.assign(actors["office"], c, unit)) == {"unit": ["请填写承办单位"]}
    c.refresh_from_db()
    assert (c.state, c.assigned_at) == ("accepted", None)


# ---- 调查核实 --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("finding", ["substantiated", "partly", "unsubstantiated"])
def test_each_of_the_three_findings_is_recorded(actors, make_complaint, finding):
    c = _in(make_complaint, "assigned")
    before = timezone.now()
    services.investigate(actors["office"], c, finding, " 现场核实情况 ")
    c.refresh_from_db()
    assert (c.state, c.finding, c.investigation) == ("investigated", finding, "现场核实情况")
    assert c.investigated_at >= before and c.state_changed_at >= before
    ev = _last(c)
    assert (ev.verb, ev.data["finding"]) == ("investigate", finding)


@pytest.mark.parametrize("finding,investigation,errors", [
    ("", "现场核实", {"finding": ["请选择核实结论(属实/部分属实/不属实)"]}),
    ("true", "现场核实", {"finding": ["请选择核实结论(属实/部分属实/不属实)"]}),
    (None, "现场核实", {"finding": ["请选择核实结论(属实/部分属实/不属实)"]}),
    ("partly", "  ", {"investigation": ["请填写调查核实情况"]}),
    ("partly", None, {"investigation": ["请填写调查核实情况"]}),
])
def test_an_investigation_is_refused_naming_the_field(actors, make_complaint, finding, investigation, errors):
    c = _in(make_complaint, "assigned")
    assert _refused(lambda: services.investigate(actors["office"], c, finding, investigation)) == errors
    c.refresh_from_db()
    assert (c.state, c.finding, c.investigated_at) == ("assigned", "", None)


# ---- 答复 ------------------------------------------------------------------------------------------------

def test_a_reply_keeps_its_text_and_method(actors, make_complaint):
    c = _in(make_complaint, "investigated", finish_due=timezone.localdate())
    before = timezone.now()
    services.reply(actors["office"], c, " 经查属实,已责令整改 ", method="书面")
    c.refresh_from_db()
    assert (c.state, c.reply_text, c.reply_method, c.on_time) == ("replied", "经查属实,已责令整改", "书面", True)
    assert c.replied_at >= before and c.state_changed_at >= before
    ev = _last(c)
    assert (ev.verb, ev.data["method"]) == ("reply", "书面")


def test_a_reply_without_a_method_or_a_due_day(actors, make_complaint):
    c = _in(make_complaint, "investigated", finish_due=None)
    services.reply(actors["office"], c, "已处理")
    c.refresh_from_db()
    assert (c.reply_method, c.on_time) == ("", None)  # no limit: neither on time nor late
    assert _last(c).data["method"] == ""


@pytest.mark.parametrize("text", ["", "  ", None])
def test_a_reply_must_be_written(actors, make_complaint, text):
    c = _in(make_complaint, "investigated")
    assert _refused(lambda: services.reply(actors["office"], c, text)) == {"reply_text": ["请填写答复意见"]}


# ---- 回访 ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("result", ["satisfied", "basic", "dissatisfied", "unreachable"])
def test_each_of_the_four_visit_results_is_recorded(actors, make_complaint, result):
    c = _in(make_complaint, "replied")
    before = timezone.now()
    services.visit(actors["office"], c, result, method="电话", note="  已电话回访 ", fixed=True)
    c.refresh_from_db()
    assert (c.state, c.satisfaction) == ("visited", result)
    assert c.visited_at >= before and c.state_changed_at >= before
    v = SatisfactionVisit.objects.get(complaint=c)
    assert (v.satisfaction, v.method, v.note, v.fixed, v.actor) == (result, "电话", "已电话回访", True, actors["office"])
    ev = _last(c)
    assert (ev.verb, ev.note, ev.data["satisfaction"], ev.data["fixed"]) == ("visit", "已电话回访", result, True)


def test_a_visit_by_the_system_without_method_note_or_answer(make_complaint):
    from envbureau.core import workflow as wf

    c = _in(make_complaint, "replied")
    wf.apply(None, c, "visit", satisfaction="unreachable")
    v = SatisfactionVisit.objects.get(complaint=c)
    assert (v.satisfaction, v.method, v.note, v.fixed, v.actor) == ("unreachable", "", "", None, None)
    assert _last(c).data["fixed"] is None
    services.visit(None, _in(make_complaint, "replied"), "basic", fixed=False)
    assert SatisfactionVisit.objects.order_by("id").last().fixed is False


@pytest.mark.parametrize("result", ["", "happy", None])
def test_a_visit_without_a_known_result_is_refused_naming_it(actors, make_complaint, result):
    c = _in(make_complaint, "replied")
    assert _refused(lambda: services.visit(actors["office"], c, result)) == {"satisfaction": ["请选择回访结果"]}
    assert not SatisfactionVisit.objects.filter(complaint=c).exists()


# ---- 复查/复核 within the complaint's rule ---------------------------------------------------------------

def _local_rule():
    """Dongcheng's hotline clues received in November 2025: review asked within 15 days, answered within 10."""
    from envbureau.complaints.models import DeadlineRule
    from envbureau.core.models import Jurisdiction

    DeadlineRule.objects.create(name="东城区复查", jurisdiction=Jurisdiction.objects.get(code="110101"),
                                channel="hotline", track="clue", review_request_days=15, review_answer_days=10,
                                effective_from=dt.date(2025, 11, 1), effective_to=dt.date(2025, 11, 30))


def _replied(make_complaint, aware, **extra):
    """Received Thu 20 Nov 2025, replied Mon 1 Dec (after the rule ended: the day of receipt decides)."""
    return _set(make_complaint(received_at=aware(2025, 11, 20)), state="replied", state_changed_at=EARLIER,
                accepted_at=aware(2025, 11, 21), replied_at=aware(2025, 12, 1), finding="partly",
                investigation="部分属实", reply_text="已处理", **extra)


def _set(c, **fields):
    Complaint.objects.filter(pk=c.pk).update(**fields)
    c.refresh_from_db()
    return c


def test_a_review_is_asked_and_answered_within_the_complaint_s_rule(actors, make_complaint, aware):
    _local_rule()

    def asked(on):
        c = _replied(make_complaint, aware)
        try:
            services.request_review(actors["office"], c, on=on)
        except ValidationError as err:
            assert err.messages == ["已超过申请期限(2025-12-16)"]
            return False
        return True

    # 1 Dec + 15 days = Tue 16 Dec, the last day to ask
    assert three(asked, dt.date(2025, 12, 16), DAY) == (True, True, False)
    c = _replied(make_complaint, aware)
    services.request_review(actors["office"], c, on=dt.date(2025, 12, 5))
    c.refresh_from_db()
    assert (c.state, c.review_level, c.review_due) == ("reviewing", 1, dt.date(2025, 12, 15))  # 5 Dec + 10 days
    assert c.state_changed_at > EARLIER
    ev = _last(c)
    assert (ev.verb, ev.data["level"], ev.data["due"]) == ("request_review", 1, "2025-12-15")


def test_a_review_asked_without_a_day_is_asked_today(actors, make_complaint, aware):
    _local_rule()
    c = _replied(make_complaint, aware)
    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 12, 5, 10)):
        services.request_review(actors["office"], c)
    c.refresh_from_db()
    assert (c.review_level, c.review_due) == (1, dt.date(2025, 12, 15))
    c = _replied(make_complaint, aware)
    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 12, 17, 10)):
        with pytest.raises(ValidationError) as err:
            services.request_review(actors["office"], c)
    assert err.value.messages == ["已超过申请期限(2025-12-16)"]


def test_a_second_review_is_the_last(actors, make_complaint, aware):
    """复查 then 复核: the 复核's answer is final (信访工作条例 art. 35)."""
    c = _replied(make_complaint, aware, review_level=1)
    services.request_review(actors["office"], c, on=dt.date(2025, 12, 5))
    c.refresh_from_db()
    assert c.review_level == 2
    c = _replied(make_complaint, aware, review_level=2)
    with pytest.raises(ValidationError) as err:
        services.request_review(actors["office"], c, on=dt.date(2025, 12, 5))
    assert err.value.messages == ["复核意见为最终意见,不再受理复查/复核请求"]
    c.refresh_from_db()
    assert (c.state, c.review_level) == ("replied", 2)


def test_a_review_answer_due_on_a_day_off_is_rolled_to_the_next_working_day(actors, make_complaint, aware):
    """Asked Mon 1 Sep 2025 under the national rule: 30 days end Wed 1 Oct (国庆, 1-8 Oct off) → Thu 9 Oct."""
    c = _set(make_complaint(received_at=aware(2025, 8, 1)), state="replied", accepted_at=aware(2025, 8, 1),
             replied_at=aware(2025, 8, 29), finding="partly", investigation="部分属实", reply_text="已处理")
    services.request_review(actors["office"], c, on=dt.date(2025, 9, 1))
    c.refresh_from_db()
    assert c.review_due == dt.date(2025, 10, 9)


# ---- the verbs' notes: the text given, or none -------------------------------------------------------------

def test_each_verb_s_line_carries_its_text_as_the_note(actors, make_complaint, aware):
    """Declining, investigating, replying and asking for an extension: the reason or text given is the timeline
    line's note; assigning, visiting and asking for a review: the note given, none without one."""
    office = actors["office"]
    c = services.decline(office, make_complaint(), " 不属于生态环境部门职责 ")
    assert (_last(c).verb, _last(c).note) == ("decline", "不属于生态环境部门职责")
    c = services.investigate(office, _in(make_complaint, "assigned"), "partly", "部分属实")
    assert (_last(c).verb, _last(c).note) == ("investigate", "部分属实")
    c = services.reply(office, _in(make_complaint, "investigated"), "已责令整改")
    assert (_last(c).verb, _last(c).note) == ("reply", "已责令整改")
    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 3, 10, 11)):
        c = services.request_extension(office, _in(make_complaint, "assigned", finish_due=dt.date(2025, 5, 6)), 5,
                                       "需第三方监测")
    assert (_last(c).verb, _last(c).note) == ("request_extension", "需第三方监测")
    c = services.assign(office, _in(make_complaint, "accepted"), "东城区水务局")
    assert (_last(c).verb, _last(c).note) == ("assign", "")
    c = _in(make_complaint, "replied")
    services.visit(office, c, "basic")
    assert (_last(c).verb, _last(c).note) == ("visit", "")
    v = SatisfactionVisit.objects.get(complaint=c)
    assert (v.method, v.note, v.fixed) == ("", "", None)
    c = services.request_review(office, _in(make_complaint, "replied"), "不服答复")
    assert (_last(c).verb, _last(c).note) == ("request_review", "不服答复")
    c = services.request_review(office, _in(make_complaint, "replied"))
    assert (_last(c).verb, _last(c).note) == ("request_review", "")


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_declining_without_a_reason_is_refused_naming_it(actors, make_complaint, reason):
    c = make_complaint()
    assert _refused(lambda: services.decline(actors["office"], c, reason)) == {"decline_reason": ["请填写不予受理理由"]}
    c.refresh_from_db()
    assert c.state == "registered"


def test_the_extension_approval_task_is_due_with_the_complaint_for_the_approvers(actors, make_complaint, aware):
    """The approvers' side task (批准延期) is due on the finish day in force when asked and is offered to whoever
    holds complaints.extend_approve."""
    from envbureau.core.models import Task

    c = _in(make_complaint, "assigned", finish_due=dt.date(2025, 5, 6))
    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 3, 10, 11)):
        services.request_extension(actors["officer"], c, 10, "需第三方监测")
    task = Task.objects.get(model="complaints.complaint", object_id=str(c.pk), state="+extension")
    assert (task.is_open, task.permission, task.due_date) == (True, "complaints.extend_approve", dt.date(2025, 5, 6))


def test_public_intake_with_a_note_as_facts_keeps_its_chinese_words(demo_core):
    from django.utils.translation import gettext_noop

    from envbureau.core import texts
    from envbureau.core.models import AuditEntry, Jurisdiction

    c = Complaint(channel="web", track="clue", category="noise", sub_category="noise_social", title="广场舞噪声",
                  content="每晚广场舞音响很大", complainant_name="李四",
                  jurisdiction=Jurisdiction.objects.get(code="110101009000"))
    c = services.submit_public(c, "203.0.113.9", note=texts.sentence(gettext_noop("网上举报表单")))
    entry = AuditEntry.objects.get(model="complaints.complaint", object_id=str(c.pk), action="create")
    assert (entry.source, entry.note) == ("web", "网上举报表单")
    assert services.events_of(c).get(verb="register").note == "网上举报表单"


# ---- 受理, the timeline, the public query code ---------------------------------------------------------------

def test_accepting_keeps_the_note_and_sets_the_track_when_given(actors, make_complaint):
    c = services.accept(actors["office"], make_complaint(track="clue"), "属于受理范围", track="petition")
    c.refresh_from_db()
    assert (c.state, c.track) == ("accepted", "petition")
    assert (_last(c).verb, _last(c).note) == ("accept", "属于受理范围")
    c = services.accept(actors["office"], make_complaint(track="petition"))
    c.refresh_from_db()
    assert (c.state, c.track) == ("accepted", "petition")  # no track given: as registered
    assert (_last(c).verb, _last(c).note) == ("accept", "")


def test_the_timeline_is_the_complaint_s_own_lines_oldest_first(make_complaint):
    from envbureau.core.models import TimelineEvent

    c = make_complaint()
    registered = services.events_of(c).get()
    later = TimelineEvent.objects.create(model="complaints.complaint", object_id=str(c.pk), verb="note", note="乙",
                                         time=registered.time + dt.timedelta(hours=2))
    earlier = TimelineEvent.objects.create(model="complaints.complaint", object_id=str(c.pk), verb="note", note="甲",
                                           time=registered.time + dt.timedelta(hours=1))  # added after, happened before
    TimelineEvent.objects.create(model="ledger.problem", object_id=str(c.pk), verb="note", note="另一对象")
    assert list(services.events_of(c)) == [registered, earlier, later]


def test_the_public_query_code_is_sixteen_hex_digits(make_complaint):
    codes = {services.new_query_code() for _ in range(3)} | {make_complaint().query_code}
    assert len(codes) == 4 and all(re.fullmatch(r"[0-9a-f]{16}", code) for code in codes)
