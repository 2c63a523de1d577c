"""complaints.services rule by rule where the transition tests only look at the state: the public form's rate
setting, what public intake writes (audit source and address, the timeline's note), who may read identities in a
list (identity_checker), what deciding an extension and answering a repeat leave on the complaint, its tasks and
its timeline. Expectations are written here from the rules (issue 5, 信访工作条例 arts. 22–36), not read from the code."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from envbureau.complaints import services
from envbureau.complaints.models import Complaint

# ---- the public form's rate (settings DEFAULT_THROTTLE_RATES["public_form"], "N/unit") ----------------


@pytest.mark.parametrize("rate,limit", [
    ("3/s", (3, 1)), ("4/sec", (4, 1)), ("5/min", (5, 60)), ("6/m", (6, 60)), ("7/hour", (7, 3600)),
    ("8/day", (8, 86400)), ("9/d", (9, 86400)),
    ("2/week", (2, 3600)),  # a unit it does not know counts as an hour
])
def test_the_public_form_rate_is_read_from_the_settings(settings, rate, limit):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_form": rate}}
    assert services._rate_limit() == limit


def test_without_a_public_form_rate_ten_an_hour(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_lookup": "5/min"}}
    assert services._rate_limit() == (10, 3600)
    settings.REST_FRAMEWORK = {k: v for k, v in settings.REST_FRAMEWORK.items() if k != "DEFAULT_THROTTLE_RATES"}
    assert services._rate_limit() == (10, 3600)


# ---- public intake -------------------------------------------------------------------------------------

def _public(**kw):
    from envbureau.core.models import Jurisdiction

    fields = dict(channel="web", track="clue", category="noise", sub_category="noise_social", title="广场舞噪声",
                  content="每晚广场舞音响很大", location="天坛东路", complainant_name="李四",
                  complainant_phone="13900001111", jurisdiction=Jurisdiction.objects.get(code="110101009000"))
    fields.update(kw)
    return Complaint(**fields)


def _created(c):
    from envbureau.core.models import AuditEntry

    return AuditEntry.objects.get(model="complaints.complaint", object_id=str(c.pk), action="create")


def _register_note(c):
    return services.events_of(c).get(verb="register").note


def test_public_intake_is_registered_by_the_system_and_audited_from_the_client(demo_core):
    c = services.submit_public(_public(), "203.0.113.9", note="网上举报表单")
    entry = _created(c)
    assert (entry.source, entry.remote_addr, entry.note, entry.actor) == ("web", "203.0.113.9", "网上举报表单", None)
    assert (c.state, c.created_by) == ("registered", None)
    assert _register_note(c) == "网上举报表单"
    # without a note: the audit says 公众在线提交 (a catalogue word: "Submitted online by the public" in English)
    # and the timeline names the channel
    c = services.submit_public(_public(title="夜间施工"), "203.0.113.10")
    entry = _created(c)
    assert (entry.source, entry.remote_addr, entry.note) == ("web", "203.0.113.10", "公众在线提交")
    assert _register_note(c) == "网上举报"


# ---- identity_checker: who reads complainants' identities in a list -------------------------------------

def test_identity_checker_answers_per_complaint_by_the_grants_area(actors, make_complaint):
    """complaints.view_identity city-wide (the office: complaints.*): every complaint; held in Dongcheng only:
    Dongcheng's, not Chaoyang's; *.view or the built-in officer role: none; anonymous and enterprise accounts
    (even one wrongly granted complaints.view_identity): none. Answers are booleans."""
    from django.contrib.auth.models import AnonymousUser

    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    role = Role.objects.create(code="t_id", name="t", kind="staff",
                               permissions=["complaints.view", "complaints.view_identity"])
    dongcheng = User.objects.create(username="t_id_dc")
    RoleAssignment.objects.create(user=dongcheng, role=role, jurisdiction=Jurisdiction.objects.get(code="110101"))
    street = User.objects.create(username="t_id_street")  # a street of Dongcheng: its own complaints only
    RoleAssignment.objects.create(user=street, role=role,
                                  jurisdiction=Jurisdiction.objects.get(code="110101001000"))
    here, district, there = (make_complaint(), make_complaint(code="110101"), make_complaint(code="110105"))
    expected = {
        "office": (True, True, True), "dongcheng": (True, True, False), "street": (True, False, False),
        "officer": (False, False, False), "leader": (False, False, False),
        "enterprise_plus": (False, False, False), "anonymous": (False, False, False), "none": (False, False, False),
    }
    users = {"office": actors["office"], "dongcheng": dongcheng, "street": street, "officer": actors["officer"],
             "leader": actors["leader"], "enterprise_plus": actors["enterprise_plus"], "anonymous": AnonymousUser(),
             "none": None}
    got = {}
    for name, user in users.items():
        check = services.identity_checker(user)
        got[name] = tuple(check(c) for c in (here, district, there))
    assert got == expected
    assert all(type(v) is bool for row in got.values() for v in row)


# ---- deciding an extension ----------------------------------------------------------------------------

def _requested(actors, make_complaint, aware):
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 3, 3, 11)):
        c = services.accept(actors["office"], make_complaint(received_at=aware(2025, 3, 3)))
        assert c.finish_due == dt.date(2025, 5, 6)  # 3 Mar + 60 days, past 劳动节 (1-5 May)
        return services.request_extension(actors["office"], c, 20, "需第三方监测")


def _extension_tasks(c):
    from envbureau.core.models import Task

    return list(Task.objects.filter(model="complaints.complaint", object_id=str(c.pk), state="+extension")
                .values_list("is_open", "closed_by"))


def test_approving_an_extension_moves_the_due_day_and_says_from_and_to(actors, make_complaint, aware):
    from django.utils import translation

    from envbureau.core.models import Task
    from envbureau.core.workflow import task_words

    c = _requested(actors, make_complaint, aware)
    assert _extension_tasks(c) == [(True, None)]
    task = Task.objects.get(model="complaints.complaint", object_id=str(c.pk), state="+extension")
    assert (task.action, task.facts) == ("审批延期申请", {"text": "审批延期申请", "args": {}})
    with translation.override("en"):  # a side task reads in the reader's language
        assert task_words([task])[task.pk][0] == "Decide the extension request"
    c = services.approve_extension(actors["approver"], c, "同意")
    c.refresh_from_db()
    assert (c.extension_state, c.extension_days, c.extension_approved_by, c.finish_due) == (
        "approved", 20, actors["approver"], dt.date(2025, 5, 26))
    ev = services.events_of(c).order_by("id").last()
    assert ev.verb == "approve_extension"
    assert {k: ev.data[k] for k in ("days", "from", "to")} == {"days": 20, "from": "2025-05-06", "to": "2025-05-26"}
    assert _extension_tasks(c) == [(False, actors["approver"].pk)]  # the approval task is closed, by the approver


def test_the_requester_may_not_approve_their_own_extension(actors, make_complaint, aware):
    c = _requested(actors, make_complaint, aware)
    with pytest.raises(PermissionDenied) as err:
        services.approve_extension(actors["office"], c)
    assert str(err.value) == "延期须由申请人以外的有权人员批准"


def test_the_system_approves_in_nobody_s_name(actors, make_complaint, aware):
    from envbureau.core import workflow as wf

    c = _requested(actors, make_complaint, aware)
    c = wf.apply(None, c, "approve_extension")
    c.refresh_from_db()
    assert (c.extension_state, c.extension_approved_by) == ("approved", None)


def test_refusing_an_extension_keeps_the_due_day(actors, make_complaint, aware):
    c = _requested(actors, make_complaint, aware)
    c = services.refuse_extension(actors["approver"], c, "理由不足")
    c.refresh_from_db()
    assert (c.extension_state, c.extension_days, c.finish_due) == ("refused", 0, dt.date(2025, 5, 6))
    assert _extension_tasks(c) == [(False, actors["approver"].pk)]


@pytest.mark.parametrize("verb", ["approve_extension", "refuse_extension"])
def test_deciding_an_extension_nobody_asked_for_is_refused_in_words(verb, actors, make_complaint):
    c = services.accept(actors["office"], make_complaint())
    with pytest.raises(ValidationError) as err:
        getattr(services, verb)(actors["office"], c)
    assert err.value.messages == ["没有待审批的延期申请"]


# ---- answering a repeat of a finished complaint ---------------------------------------------------------

def _finished_original(actors, make_complaint, aware):
    o = make_complaint(received_at=aware(2025, 3, 3))
    Complaint.objects.filter(pk=o.pk).update(
        state="closed", accepted_at=aware(2025, 3, 4), replied_at=aware(2025, 3, 20), finding="substantiated",
        investigation="现场核实属实", measures="责令整改", reply_text="已责令停止夜间施工", reply_method="电话")
    o.refresh_from_db()
    return o


def test_a_repeat_is_answered_with_the_original_result(actors, make_complaint, aware):
    from envbureau.complaints.models import DuplicateLink

    original = _finished_original(actors, make_complaint, aware)
    c = make_complaint(received_at=aware(2025, 4, 1))
    before = timezone.now()
    c = services.answer_repeat(actors["office"], c, original, note="同一工地")
    c.refresh_from_db()
    assert (c.is_repeat, c.repeat_of_id) == (True, original.pk)
    assert (c.finding, c.investigation, c.measures, c.reply_method) == (
        "substantiated", "现场核实属实", "责令整改", "电话")
    assert c.reply_text == (f"经核实,您反映的问题与第{original.number}号件为同一事项,该件已办结,现将办理结果答复如下:"
                            "\n已责令停止夜间施工")
    assert c.accepted_at >= before and c.replied_at >= before and c.accepted_at == c.replied_at
    assert c.on_time is True  # answered the day it was accepted
    link = DuplicateLink.objects.get(complaint=c, original=original)
    assert (link.state, link.decided_by) == ("confirmed", actors["office"])
    # the link is on both timelines, with the officer's note and name
    for obj in (c, original):
        dup = services.events_of(obj).get(verb="duplicate")
        assert (dup.note, dup.actor) == ("同一工地", actors["office"])
    ev = services.events_of(c).order_by("id").last()
    assert (ev.verb, ev.data["original"]) == ("answer_repeat", original.number)


def test_a_repeat_already_accepted_keeps_its_acceptance_and_an_empty_reply_stays_empty(actors, make_complaint,
                                                                                       aware):
    original = _finished_original(actors, make_complaint, aware)
    Complaint.objects.filter(pk=original.pk).update(reply_text="")
    original.refresh_from_db()
    c = services.accept(actors["office"], make_complaint(received_at=aware(2025, 4, 1)))
    accepted = c.accepted_at
    c = services.answer_repeat(actors["office"], c, original)
    c.refresh_from_db()
    assert c.accepted_at == accepted and c.replied_at > accepted
    assert c.reply_text.endswith("现将办理结果答复如下:\n")


def test_a_repeat_of_an_unfinished_complaint_is_refused_in_words(actors, make_complaint, aware):
    original = make_complaint(received_at=aware(2025, 3, 3))
    c = make_complaint(received_at=aware(2025, 4, 1))
    with pytest.raises(ValidationError) as err:
        services.answer_repeat(actors["office"], c, original)
    assert err.value.messages == ["原件尚未办结:请确认重复后按正常程序受理办理"]


def test_public_status_needs_a_known_number_and_its_code(make_complaint):
    c = make_complaint()
    assert services.public_status(f" {c.number} ", f" {c.query_code} ") == c
    assert services.public_status(c.number, "") is None
    assert services.public_status(c.number, "0" * len(c.query_code)) is None
    assert services.public_status("XF00000000999999", c.query_code) is None  # no such number, any code


# ---- measures (处理措施): they add up; the flags, once set, stay set; a fine may be zero, never negative ----

def _investigated(make_complaint):
    c = make_complaint()
    Complaint.objects.filter(pk=c.pk).update(state="investigated", accepted_at=timezone.now(),
                                             finding="substantiated", investigation="现场核实属实")
    c.refresh_from_db()
    return c


def _measures_event(c):
    ev = services.events_of(c).filter(verb="measures").order_by("id").last()
    return ev.note, {k: ev.data[k] for k in ("ordered_rectification", "case_filed", "fine_amount")}


def test_measures_add_up_and_what_was_ordered_stays(actors, make_complaint):
    from decimal import Decimal

    office, c = actors["office"], _investigated(make_complaint)
    c = services.record_measures(office, c, " 责令停止夜间施工 ", ordered_rectification=True, fine_amount="1000.50")
    c.refresh_from_db()
    assert (c.measures, c.ordered_rectification, c.case_filed, c.fine_amount) == (
        "责令停止夜间施工", True, False, Decimal("1000.50"))
    assert _measures_event(c) == ("责令停止夜间施工", {"ordered_rectification": True, "case_filed": False,
                                                  "fine_amount": "1000.50"})
    c = services.record_measures(office, c, "立案查处", case_filed=True)  # no fine given: the fine stays
    c.refresh_from_db()
    assert (c.measures, c.ordered_rectification, c.case_filed, c.fine_amount) == (
        "责令停止夜间施工\n立案查处", True, True, Decimal("1000.50"))
    assert _measures_event(c) == ("立案查处", {"ordered_rectification": True, "case_filed": True,
                                          "fine_amount": "1000.50"})
    c = services.record_measures(office, c, "复查", fine_amount="")  # an empty form field: no fine given
    c.refresh_from_db()
    assert (c.measures.splitlines()[-1], c.fine_amount) == ("复查", Decimal("1000.50"))


def test_measures_without_flags_or_fine(actors, make_complaint):
    c = services.record_measures(actors["office"], _investigated(make_complaint), "约谈施工单位")
    c.refresh_from_db()
    assert (c.measures, c.ordered_rectification, c.case_filed, c.fine_amount) == ("约谈施工单位", False, False, None)
    assert _measures_event(c)[1] == {"ordered_rectification": False, "case_filed": False, "fine_amount": None}


def _fined(actors, make_complaint, amount) -> bool:
    try:
        services.record_measures(actors["office"], _investigated(make_complaint), "处罚", fine_amount=amount)
    except ValidationError as err:
        assert err.message_dict == {"fine_amount": ["罚款金额不能为负"]}
        return False
    return True


def test_a_fine_of_zero_or_more_is_taken_a_negative_one_refused(actors, make_complaint):
    from decimal import Decimal

    got = [_fined(actors, make_complaint, a) for a in (Decimal("-0.01"), Decimal("0"), Decimal("0.5"))]
    assert got == [False, True, True]


def test_measures_must_be_written(actors, make_complaint):
    with pytest.raises(ValidationError) as err:
        services.record_measures(actors["office"], _investigated(make_complaint), "  ")
    assert err.value.message_dict == {"measures": ["请填写处理措施"]}


# ---- asking for an extension (≤ 30 days in all, while the limit has not passed, one at a time) -----------

def _accepted(actors, make_complaint, aware):
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 3, 3, 11)):
        c = services.accept(actors["office"], make_complaint(received_at=aware(2025, 3, 3)))
    assert c.finish_due == dt.date(2025, 5, 6)
    return c


def _asks(actors, c, aware, day, days=5):
    from unittest import mock

    Complaint.objects.filter(pk=c.pk).update(extension_state="")
    c.refresh_from_db()
    with mock.patch("django.utils.timezone.now", return_value=aware(day.year, day.month, day.day, 11)):
        try:
            services.request_extension(actors["office"], c, days, "需第三方监测")
        except ValidationError as err:
            assert err.messages == ["已超过办结期限,不能再申请延期"]
            return False
    return True


def test_an_extension_may_be_asked_up_to_the_due_day(actors, make_complaint, aware):
    c = _accepted(actors, make_complaint, aware)
    assert [_asks(actors, c, aware, d) for d in (dt.date(2025, 5, 5), dt.date(2025, 5, 6), dt.date(2025, 5, 7))] \
        == [True, True, False]


def test_an_extension_request_is_kept_with_its_days_reason_and_asker(actors, make_complaint, aware):
    from unittest import mock

    c = _accepted(actors, make_complaint, aware)
    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 3, 10, 11)):
        c = services.request_extension(actors["office"], c, "30", "  需第三方监测  ")  # a form's text; 30 in all is the most
    c.refresh_from_db()
    assert (c.extension_state, c.extension_requested_days, c.extension_reason, c.extension_requested_by) == (
        "requested", 30, "需第三方监测", actors["office"])
    assert services.events_of(c).order_by("id").last().data["days"] == 30
    with pytest.raises(ValidationError) as err:
        services.request_extension(actors["office"], c, 5, "再延")
    assert err.value.messages == ["已有待审批的延期申请"]


def test_the_system_asks_in_nobody_s_name(actors, make_complaint, aware):
    from unittest import mock

    from envbureau.core import workflow as wf

    c = _accepted(actors, make_complaint, aware)
    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 3, 10, 11)):
        c = wf.apply(None, c, "request_extension", days=5, reason="监测")
    c.refresh_from_db()
    assert (c.extension_state, c.extension_requested_by) == ("requested", None)


@pytest.mark.parametrize("days,reason,errors", [
    (0, "监测", {"extension_requested_days": ["延期累计不得超过30日(已延期0日)"]}),
    (31, "监测", {"extension_requested_days": ["延期累计不得超过30日(已延期0日)"]}),
    ("十天", "监测", {"extension_requested_days": ["请填写延期天数"]}),
    (None, "监测", {"extension_requested_days": ["请填写延期天数"]}),
    (5, " ", {"extension_reason": ["请填写延期理由"]}),
])
def test_an_extension_request_is_refused_naming_the_field(actors, make_complaint, aware, days, reason, errors):
    from unittest import mock

    c = _accepted(actors, make_complaint, aware)
    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 3, 10, 11)):
        with pytest.raises(ValidationError) as err:
            services.request_extension(actors["office"], c, days, reason)
    assert err.value.message_dict == errors


# ---- answering a review (复查/复核), closing, confirming a duplicate --------------------------------------

def _in_state(make_complaint, state, **extra):
    c = make_complaint()
    now = timezone.now()
    Complaint.objects.filter(pk=c.pk).update(state=state, accepted_at=now, replied_at=now, finding="substantiated",
                                             investigation="现场核实属实", reply_text="已责令整改", **extra)
    c.refresh_from_db()
    return c


def test_answering_a_review_replaces_the_reply_and_ends_its_limit(actors, make_complaint):
    c = _in_state(make_complaint, "reviewing", review_level=1, review_due=dt.date(2030, 1, 31))
    before = timezone.now()
    c = services.answer_review(actors["office"], c, " 维持原答复意见 ")
    c.refresh_from_db()
    assert (c.state, c.reply_text, c.review_due, c.review_level) == ("replied", "维持原答复意见", None, 1)
    assert c.replied_at >= before
    ev = services.events_of(c).order_by("id").last()
    assert (ev.verb, ev.note, ev.data["level"]) == ("answer_review", "维持原答复意见", 1)


def test_a_review_answer_must_be_written(actors, make_complaint):
    c = _in_state(make_complaint, "reviewing", review_level=1)
    with pytest.raises(ValidationError) as err:
        services.answer_review(actors["office"], c, "  ")
    assert err.value.message_dict == {"reply_text": ["请填写复查/复核意见"]}


def test_closing_keeps_the_time_and_the_note(actors, make_complaint):
    c = _in_state(make_complaint, "visited")
    before = timezone.now()
    c = services.close(actors["office"], c, "办结归档")
    c.refresh_from_db()
    assert c.state == "closed" and c.closed_at >= before
    assert services.events_of(c).order_by("id").last().note == "办结归档"
    c = services.close(actors["office"], _in_state(make_complaint, "replied"))
    assert services.events_of(c).order_by("id").last().note == ""


def test_confirming_a_duplicate_needs_the_accept_permission_by_name(actors, make_complaint, aware):
    """complaints.accept held by name (no wildcard) lets one confirm; complaints.view alone does not."""
    from envbureau.core.models import Role, RoleAssignment, User

    def user(name, perms):
        role = Role.objects.create(code=f"t_{name}", name=name, kind="staff", permissions=perms)
        u = User.objects.create(username=f"t_{name}")
        RoleAssignment.objects.create(user=u, role=role)
        return u

    accepter = user("accepter", ["complaints.view", "complaints.accept"])
    reader = user("reader", ["complaints.view"])
    original = make_complaint(received_at=aware(2025, 3, 3))
    c = make_complaint(received_at=aware(2025, 4, 1))
    with pytest.raises(PermissionDenied) as err:
        services.confirm_duplicate(reader, c, original)
    assert str(err.value) == "您没有确认重复件的权限"
    link = services.confirm_duplicate(accepter, c, original)
    assert (link.state, link.decided_by) == ("confirmed", accepter)


def test_one_day_is_the_shortest_extension(actors, make_complaint, aware):
    from unittest import mock

    c = _accepted(actors, make_complaint, aware)
    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 3, 10, 11)):
        c = services.request_extension(actors["office"], c, 1, "补充材料")
    assert c.extension_requested_days == 1


def test_the_extension_limit_is_the_complaints_own_rule(actors, make_complaint, aware):
    """A rule for Dongcheng's hotline clues received in 2025 allows 15 days of extension in all (the national
    default is 30): the limit applies by the complaint's area, channel, track and day of receipt."""
    from unittest import mock

    from envbureau.complaints.models import DeadlineRule
    from envbureau.core.models import Jurisdiction

    DeadlineRule.objects.create(name="东城区热线线索", jurisdiction=Jurisdiction.objects.get(code="110101"),
                                channel="hotline", track="clue", extension_max_days=15,
                                effective_from=dt.date(2025, 1, 1), effective_to=dt.date(2025, 12, 31))
    c = _accepted(actors, make_complaint, aware)
    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 3, 10, 11)):
        with pytest.raises(ValidationError) as err:
            services.request_extension(actors["office"], c, 16, "需监测")
        assert err.value.message_dict == {"extension_requested_days": ["延期累计不得超过15日(已延期0日)"]}
        assert services.request_extension(actors["office"], c, 15, "需监测").extension_requested_days == 15


def test_decisions_and_repeats_keep_the_note_given_and_none_when_none(actors, make_complaint, aware):
    c = _requested(actors, make_complaint, aware)
    services.approve_extension(actors["approver"], c, "同意延期")
    assert services.events_of(c).order_by("id").last().note == "同意延期"
    c = _requested(actors, make_complaint, aware)
    services.approve_extension(actors["approver"], c)
    assert services.events_of(c).order_by("id").last().note == ""
    c = _requested(actors, make_complaint, aware)
    services.refuse_extension(actors["approver"], c, "理由不足")
    assert services.events_of(c).order_by("id").last().note == "理由不足"
    c = _requested(actors, make_complaint, aware)
    services.refuse_extension(actors["approver"], c)
    assert services.events_of(c).order_by("id").last().note == ""
    original = _finished_original(actors, make_complaint, aware)
    c = services.answer_repeat(actors["office"], make_complaint(received_at=aware(2025, 4, 1)), original)
    assert [e.note for e in services.events_of(c).filter(verb__in=["duplicate", "answer_repeat"])] == ["", ""]
