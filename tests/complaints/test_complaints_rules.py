"""Complaint handling rules written from the regulations, not read from choices.py.

信访工作条例 (2022) and the 12369 rules (MEP Order No. 15), as issue 5 lays out the handling: a registered
complaint is accepted or declined (不予受理); an accepted one is assigned (and may be re-assigned), investigated
(属实/部分属实/不属实), measures recorded, the complainant answered; then a return visit, archiving, and 复查/复核
asked within 30 days of the written reply and answered within 30 days; an extension (≤ 30 days) is asked while
still handling. Each verb is called through its public service function.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boundary import DAY, three
from envbureau.complaints import services
from envbureau.complaints.models import Complaint

STATES = ["registered", "accepted", "declined", "assigned", "investigated", "replied", "visited", "reviewing",
          "closed"]

LEGAL = {
    "accept": {"registered": "accepted"},
    "decline": {"registered": "declined"},
    "assign": {"accepted": "assigned", "assigned": "assigned"},
    "investigate": {"assigned": "investigated"},
    "record_measures": {"investigated": "investigated"},
    "reply": {"investigated": "replied"},
    "visit": {"replied": "visited"},
    "close": {"replied": "closed", "visited": "closed"},
    "request_review": {"replied": "reviewing", "visited": "reviewing", "closed": "reviewing"},
    "answer_review": {"reviewing": "replied"},
    "request_extension": {"accepted": "accepted", "assigned": "assigned", "investigated": "investigated"},
}

ARGS = {
    "accept": {}, "decline": {"reason": "不属于生态环境部门职责"}, "assign": {"unit": "东城区生态环境局"},
    "investigate": {"finding": "substantiated", "investigation": "现场核实属实"},
    "record_measures": {"measures": "责令停止夜间施工"}, "reply": {"reply_text": "已责令整改"},
    "visit": {"satisfaction": "satisfied"}, "close": {}, "request_review": {}, "answer_review": {"reply_text": "维持"},
    "request_extension": {"days": 10, "reason": "需监测"},
}


def put_in_state(c, state):
    # Setup only: the state and the dates a complaint in that state has.
    now = timezone.now()
    Complaint.objects.filter(pk=c.pk).update(
        state=state, accepted_at=None if state in ("registered", "declined") else now,
        replied_at=now if state in ("replied", "visited", "reviewing", "closed") else None,
        finding="substantiated" if state not in ("registered", "accepted", "declined", "assigned") else "",
        investigation="现场核实属实" if state not in ("registered", "accepted", "declined", "assigned") else "",
        review_level=1 if state == "reviewing" else 0)
    c.refresh_from_db()
    return c


def test_the_rules_name_every_state_of_the_model():
    assert sorted(STATES) == sorted(v for v, _label in Complaint._meta.get_field("state").choices)


@pytest.mark.parametrize("verb", list(LEGAL))
def test_each_verb_from_each_state(verb, actors, make_complaint):
    office = actors["office"]  # complaints.* city-wide: only the state decides here
    wrong = []
    for state in STATES:
        c = put_in_state(make_complaint(), state)
        events = services.events_of(c).count()
        target = LEGAL[verb].get(state)
        try:
            getattr(services, verb)(office, c, **ARGS[verb])
            got = "ok"
        except ValidationError:
            got = "refused"
        c.refresh_from_db()
        if target is None:
            if got != "refused" or c.state != state:
                wrong.append(f"{verb} from {state}: must be refused, got {got} → {c.state}")
            elif services.events_of(c).count() != events:
                wrong.append(f"{verb} from {state}: refused but wrote an event")
        elif got != "ok" or c.state != target:
            wrong.append(f"{verb} from {state}: want {target}, got {got} → {c.state}")
        elif services.events_of(c).count() != events + 1:
            wrong.append(f"{verb} from {state}: no event on the timeline")
    assert not wrong, "\n".join(wrong)


def test_whole_handling_through_the_verbs_only(actors, make_complaint):
    office = actors["office"]
    c = make_complaint()
    path = [c.state]
    for verb in ["accept", "assign", "investigate", "record_measures", "reply", "visit", "request_review",
                 "answer_review", "close"]:
        c = getattr(services, verb)(office, c, **ARGS[verb])
        path.append(c.state)
    assert path == ["registered", "accepted", "assigned", "investigated", "investigated", "replied", "visited",
                    "reviewing", "replied", "closed"]


# ---- deadlines: the due day is not overdue; a reply on the due day is on time -------------------------

def _with_due(c, **due):
    Complaint.objects.filter(pk=c.pk).update(**due)
    c.refresh_from_db()
    return c


@pytest.mark.parametrize("state", ["accepted", "assigned", "investigated", "reviewing"])
def test_open_complaint_overdue_only_after_the_finish_day(state, make_complaint):
    from envbureau.complaints.filters import ComplaintFilter

    c = put_in_state(make_complaint(), state)
    today = timezone.localdate()

    def overdue(due):
        c2 = _with_due(c, finish_due=due)
        listed = ComplaintFilter({"overdue": True}, queryset=Complaint.objects.filter(pk=c.pk)).qs.exists()
        assert listed == c2.overdue, "the list filter and the badge disagree"
        return c2.overdue

    # finish day yesterday / today / tomorrow ⇔ today is the day after / of / before the deadline
    assert three(overdue, today, DAY) == (True, False, False)


def test_registered_complaint_overdue_only_after_the_acceptance_day(make_complaint):
    c = make_complaint()
    today = timezone.localdate()
    assert three(lambda due: _with_due(c, accept_due=due).overdue, today, DAY) == (True, False, False)


@pytest.mark.parametrize("state", ["replied", "visited", "closed", "declined"])
def test_finished_complaint_is_never_overdue(state, make_complaint):
    c = put_in_state(make_complaint(), state)
    today = timezone.localdate()
    assert three(lambda due: _with_due(c, finish_due=due, accept_due=due).overdue, today, DAY) == \
        (False, False, False)


def test_reply_on_the_due_day_is_on_time(actors, make_complaint):
    today = timezone.localdate()

    def on_time(due):
        c = _with_due(put_in_state(make_complaint(), "investigated"), finish_due=due)
        return services.reply(actors["office"], c, reply_text="已处理").on_time

    assert three(on_time, today, DAY) == (False, True, True)


def test_review_may_be_asked_up_to_the_30th_day_after_the_reply(actors, make_complaint, aware):
    replied = aware(2025, 3, 3)  # Monday; +30 days = Wed 2 April 2025, a working day (no roll)

    def asked(on):
        c = put_in_state(make_complaint(received_at=aware(2025, 2, 20)), "replied")
        c = _with_due(c, replied_at=replied)
        try:
            services.request_review(actors["office"], c, on=on)
            return True
        except ValidationError:
            return False

    assert three(asked, dt.date(2025, 4, 2), DAY) == (True, True, False)


def test_review_answer_due_30_days_after_the_request(actors, make_complaint, aware):
    c = _with_due(put_in_state(make_complaint(received_at=aware(2025, 2, 20)), "replied"), replied_at=aware(2025, 3, 3))
    c = services.request_review(actors["office"], c, on=dt.date(2025, 3, 10))
    assert c.review_due == dt.date(2025, 4, 9)


def test_extension_of_30_days_at_most(actors, make_complaint):
    def allowed(days):
        c = put_in_state(make_complaint(), "assigned")
        try:
            services.request_extension(actors["office"], c, days=days, reason="需监测")
            return True
        except ValidationError:
            return False

    assert three(allowed, 30, 1) == (True, True, False)


def test_extension_asked_up_to_the_finish_day(actors, make_complaint):
    today = timezone.localdate()

    def allowed(due):
        c = _with_due(put_in_state(make_complaint(), "assigned"), finish_due=due)
        try:
            services.request_extension(actors["office"], c, days=5, reason="需监测")
            return True
        except ValidationError:
            return False

    # finish day yesterday / today / tomorrow
    assert three(allowed, today, DAY) == (False, True, True)


# ---- computed deadlines across the official calendar: day before / of / after -----------------------

def _overdue_on(c, today):
    """The badge and the list filter on `today` (both read the local date)."""
    from unittest import mock

    from envbureau.complaints.filters import ComplaintFilter

    with mock.patch("django.utils.timezone.localdate", return_value=today):
        c.refresh_from_db()
        listed = ComplaintFilter({"overdue": True}, queryset=Complaint.objects.filter(pk=c.pk)).qs.exists()
        assert listed == c.overdue, f"list filter and badge disagree on {today}"
        return c.overdue


def test_acceptance_due_rolled_past_the_spring_festival(make_complaint, aware):
    # Received Mon 2025-01-20: 15 calendar days end Tue 4 Feb, the last day off of 春节 → due Wed 5 Feb.
    c = make_complaint(received_at=aware(2025, 1, 20))
    assert c.accept_due == dt.date(2025, 2, 5)
    assert three(lambda today: _overdue_on(c, today), dt.date(2025, 2, 5), DAY) == (False, False, True)


def test_finish_due_in_working_days_across_a_make_up_saturday_and_the_holiday(actors, make_complaint, aware):
    """A faster local regime: finish within 3 working days of acceptance. Accepted Thu 2026-02-12: Fri 13,
    Sat 14 (调休上班), then 15-23 Feb off (春节), Tue 24 Feb is the third working day."""
    from envbureau.complaints.models import DeadlineRule
    from envbureau.core.models import Jurisdiction

    DeadlineRule.objects.create(name="快速办理", jurisdiction=Jurisdiction.objects.get(code="110101"),
                                finish_days=3, finish_kind="working")
    c = make_complaint(received_at=aware(2026, 2, 12, 9))
    with_accept = Complaint.objects.filter(pk=c.pk)
    with_accept.update(accepted_at=aware(2026, 2, 12, 10), state="accepted")
    c.refresh_from_db()
    from envbureau.complaints import deadlines

    deadlines.compute(c)
    c.save()
    assert c.finish_due == dt.date(2026, 2, 24)
    assert three(lambda today: _overdue_on(c, today), dt.date(2026, 2, 24), DAY) == (False, False, True)


def test_finish_due_of_60_calendar_days_ending_on_national_day(make_complaint, aware):
    """Accepted Sat 2025-08-02: 60 days end on 1 Oct (国庆), rolled to Thu 9 Oct, the first working day;
    Sun 28 Sep (a make-up working day) lies before it and changes nothing."""
    c = make_complaint(received_at=aware(2025, 8, 1))
    Complaint.objects.filter(pk=c.pk).update(accepted_at=aware(2025, 8, 2), state="accepted")
    c.refresh_from_db()
    from envbureau.complaints import deadlines

    deadlines.compute(c)
    c.save()
    assert c.finish_due == dt.date(2025, 10, 9)
    assert three(lambda today: _overdue_on(c, today), dt.date(2025, 10, 9), DAY) == (False, False, True)


def test_the_buttons_offered_in_each_state_follow_the_rules():
    """choices.allowed_actions (the detail page's buttons): each verb the rules allow from a state is offered
    there, and none they forbid."""
    from envbureau.complaints.choices import allowed_actions

    name = {"record_measures": "measures"}  # the service function's name vs the verb's
    wrong = []
    for state in STATES:
        offered = set(allowed_actions(state))
        for verb, legal in LEGAL.items():
            if (name.get(verb, verb) in offered) != (state in legal):
                wrong.append(f"{verb} from {state}: offered={name.get(verb, verb) in offered}, legal={state in legal}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("verb", ["approve_extension", "refuse_extension"])
def test_deciding_an_extension_nobody_asked_for_says_so(verb, actors, make_complaint):
    c = put_in_state(make_complaint(), "assigned")
    assert c.extension_state == ""
    with pytest.raises(ValidationError) as err:
        getattr(services, verb)(actors["office"], c)
    assert "没有待审批的延期申请" in str(err.value)
    c.refresh_from_db()
    assert c.extension_state == "" and c.state == "assigned"
