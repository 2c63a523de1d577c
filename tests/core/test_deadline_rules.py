"""core.deadlines rule by rule, beside test_kit_deadlines.py: the edges of counting (0 and 1 day, the start day
counted or not on a working day and on a holiday, days between), local dates, calendar overrides and years
without a notice, and the clock's own rules (labels, refusals naming the field, pausing twice, stopping).

Dates from the State Council's 2026 notice (国办发明电〔2025〕7号): 春节 15–23 Feb off, Sat 14 Feb and Sat 28 Feb
worked; 国庆 1–7 Oct off, Sat 10 Oct worked. 2031 has no notice in the package (weekends only).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from boundary import three
from envbureau.core import deadlines as dl

D = dt.date


def test_a_period_of_zero_or_fewer_days_ends_on_its_start(db):
    for kind in (dl.CALENDAR, dl.WORKING):
        assert dl.add_days(D(2026, 2, 13), 0, kind) == D(2026, 2, 13)
        assert dl.add_days(D(2026, 2, 13), -3, kind) == D(2026, 2, 13)
        assert dl.add_days(D(2026, 2, 13), 0, kind, inclusive=True, roll_forward=True) == D(2026, 2, 13)
    assert dl.add_days(D(2026, 3, 2), 1) == D(2026, 3, 3)  # one calendar day: the next day (start not counted)
    assert dl.add_days(D(2026, 3, 2), 1, inclusive=True) == D(2026, 3, 2)  # counted: the start day itself


def test_working_days_counting_the_start_day(db):
    # Fri 13 Feb is a working day: counted as day 1; day 2 is the make-up Saturday 14 Feb.
    assert dl.add_days(D(2026, 2, 13), 1, dl.WORKING, inclusive=True) == D(2026, 2, 13)
    assert dl.add_days(D(2026, 2, 13), 2, dl.WORKING, inclusive=True) == D(2026, 2, 14)
    assert dl.add_days(D(2026, 2, 13), 3, dl.WORKING, inclusive=True) == D(2026, 2, 24)
    # Sun 15 Feb is off: it cannot be day 1 even when the start day counts.
    assert dl.add_days(D(2026, 2, 15), 1, dl.WORKING, inclusive=True) == D(2026, 2, 24)
    assert dl.add_days(D(2026, 2, 15), 1, dl.WORKING) == D(2026, 2, 24)
    # roll_forward is for calendar days: a working-day period already ends on a working day.
    assert dl.add_days(D(2026, 2, 13), 2, dl.WORKING, roll_forward=True) == D(2026, 2, 24)


def test_days_between(db):
    assert dl.days_between(D(2026, 10, 1), D(2026, 10, 1)) == 0
    assert dl.days_between(D(2026, 10, 8), D(2026, 10, 1)) == 0
    assert dl.days_between(D(2026, 10, 8), D(2026, 10, 1), dl.WORKING) == 0
    assert dl.days_between(D(2026, 10, 1), D(2026, 10, 8)) == 7
    assert dl.days_between(D(2026, 9, 30), D(2026, 10, 1), dl.WORKING) == 0   # 1 Oct is off
    assert dl.days_between(D(2026, 9, 30), D(2026, 10, 8), dl.WORKING) == 1   # only Thu 8 Oct
    assert dl.days_between(D(2026, 9, 30), D(2026, 10, 10), dl.WORKING) == 3  # 8, 9 and Sat 10 Oct (make-up)
    assert dl.days_between(D(2026, 9, 29), D(2026, 9, 30), dl.WORKING) == 1   # the end day counts


def test_a_rule_with_extra_days_and_its_defaults(db):
    assert dl.Rule(30).due(D(2026, 9, 1)) == D(2026, 10, 1)  # calendar days, start not counted, no roll
    assert dl.Rule(5, dl.WORKING).due(D(2026, 2, 13)) == D(2026, 2, 27)
    assert dl.Rule(5, dl.WORKING).due(D(2026, 2, 13), extra=1) == D(2026, 2, 28)  # Saturday 28 Feb is worked
    assert dl.Rule(29, roll_forward=True).due(D(2026, 9, 1), extra=1) == D(2026, 10, 8)
    assert dl.Rule(30, inclusive=True).due(D(2026, 9, 1)) == D(2026, 9, 30)


def test_local_date_is_the_date_in_china():
    utc = dt.timezone.utc
    # Asia/Shanghai is UTC+8: 16:00 UTC is midnight of the next day there.
    at = dt.datetime(2026, 1, 1, 16, 0, tzinfo=utc)
    assert three(dl.local_date, at, dt.timedelta(seconds=1)) == (D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 2))
    assert dl.local_date(dt.datetime(2026, 1, 1, 23, 30)) == D(2026, 1, 1)  # naive: taken as it is
    assert dl.local_date(D(2026, 5, 5)) == D(2026, 5, 5)


def test_a_year_without_a_notice_has_weekends_only_plus_overrides(db):
    from envbureau.core.models import CalendarDay

    # 2031: Fri 10, Sat 11, Sun 12, Mon 13 Jan.
    assert [dl.is_working_day(D(2031, 1, d)) for d in (10, 11, 12, 13)] == [True, False, False, True]
    assert dl.calendar_covers(2026) is True
    assert dl.calendar_covers(2031) is False
    CalendarDay.objects.create(date=D(2031, 1, 11), kind="workday", name="调休")
    CalendarDay.objects.create(date=D(2031, 1, 13), kind="holiday", name="本地安排")
    assert [dl.is_working_day(D(2031, 1, d)) for d in (10, 11, 12, 13)] == [True, True, False, False]
    assert dl.calendar_covers(2031) is True and dl.calendar_covers(2032) is False
    # An override also beats the package in a year it knows: 24 Feb 2026 off, 15 Feb 2026 worked.
    CalendarDay.objects.create(date=D(2026, 2, 24), kind="holiday")
    CalendarDay.objects.create(date=D(2026, 2, 15), kind="workday")
    assert dl.add_days(D(2026, 2, 13), 2, dl.WORKING) == D(2026, 2, 15)
    assert dl.add_days(D(2026, 2, 13), 3, dl.WORKING) == D(2026, 2, 25)


def test_next_working_day(db):
    assert dl.next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
    assert dl.next_working_day(D(2026, 10, 8)) == D(2026, 10, 8)
    assert dl.next_working_day(D(2026, 10, 10)) == D(2026, 10, 10)  # make-up Saturday


@pytest.fixture
def obj(demo_core):
    from envbureau.core.models import Jurisdiction

    return Jurisdiction.objects.get(code="110101")  # any saved object can carry a clock


@pytest.fixture
def admin(demo_core):
    from envbureau.core.models import User

    return User.objects.get(username="admin")


def _events(obj):
    from envbureau.core.models import TimelineEvent

    return list(TimelineEvent.objects.filter(model="core.jurisdiction", object_id=str(obj.pk))
                .order_by("id").values_list("verb", "note"))


def test_a_clock_is_named_by_its_label_else_the_rules_else_its_key(obj, admin):
    c = dl.start_clock(obj, "a", dl.Rule(10, label="受理期限"), D(2026, 3, 2), label="办理期限")
    assert c.label == "办理期限"
    assert dl.start_clock(obj, "b", dl.Rule(10, label="受理期限"), D(2026, 3, 2)).label == "受理期限"
    assert dl.start_clock(obj, "c", dl.Rule(10), D(2026, 3, 2)).label == "c"
    assert _events(obj) == []  # quiet by default
    assert dl.clock(obj, "a").due == D(2026, 3, 12)
    assert dl.clock(obj, "missing") is None


def test_a_clock_named_by_a_sentence_keeps_its_facts_and_reads_in_the_readers_language(obj, admin):
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from envbureau.core import texts

    said = texts.sentence(gettext_noop("填报%(y)s年%(m)s月项目进展"), y=2031, m=5)
    c = dl.start_clock(obj, "s", dl.Rule(10), D(2026, 3, 2), label=said)
    assert (c.label, c.facts) == ("填报2031年5月项目进展", said)  # stored in Chinese, with its facts
    with translation.override("en"):
        assert dl.clock(obj, "s").shown_label == "Report project progress for 5/2031"
    long = dl.start_clock(obj, "l", dl.Rule(10), D(2026, 3, 2), label="期" * 150)
    assert long.label == "期" * 100 and long.facts == {}  # a plain label: cut to the column, no facts


def test_starting_again_begins_afresh(obj, admin):
    rule = dl.Rule(10, dl.WORKING, label="办理期限")
    dl.start_clock(obj, "k", rule, D(2026, 9, 28))
    dl.pause(admin, obj, "k", "组织听证", on=D(2026, 9, 29))
    dl.extend(admin, obj, "k", 2, approver=admin, reason="复杂")
    c = dl.start_clock(obj, "k", dl.Rule(3, label="新期限"), dt.datetime(2026, 3, 1, 17, tzinfo=dt.timezone.utc),
                       user=admin, quiet=False)
    c.refresh_from_db()
    # 17:00 UTC on 1 Mar is 2 Mar in China: day 3 after it is 5 Mar; no pause, no extension carried over.
    assert (c.start, c.due, c.day_kind, c.paused_since, c.paused_days, c.extension_days, c.label) == (
        D(2026, 3, 2), D(2026, 3, 5), dl.CALENDAR, None, 0, 0, "新期限")
    assert _events(obj)[-1] == ("deadline_start", "开始计时:新期限,期满 2026-03-05")


def test_a_pause_needs_a_reason_and_pausing_twice_changes_nothing(obj, admin):
    from django.utils import timezone

    dl.start_clock(obj, "k", dl.Rule(10, label="办理期限"), D(2026, 3, 2))
    for blank in ("", "   ", None):
        with pytest.raises(ValidationError) as err:
            dl.pause(admin, obj, "k", blank)
        assert err.value.message_dict == {"reason": ["请填写中止理由"]}
    c = dl.pause(admin, obj, "k", " 鉴定 ", on=D(2026, 3, 4))
    assert c.paused_since == D(2026, 3, 4)
    again = dl.pause(admin, obj, "k", "再次", on=D(2026, 3, 6))
    assert again.paused_since == D(2026, 3, 4)
    assert _events(obj) == [("deadline_pause", "办理期限中止:鉴定")]
    dl.resume(admin, obj, "k", on=D(2026, 3, 7))  # 5, 6, 7 Mar stood still: three calendar days
    c = dl.clock(obj, "k")
    assert (c.paused_since, c.paused_days, c.due) == (None, 3, D(2026, 3, 15))
    dl.pause(admin, obj, "k", "送达")  # today, when no day is given
    assert dl.clock(obj, "k").paused_since == timezone.localdate()


def test_resuming_a_running_clock_changes_nothing(obj, admin):
    dl.start_clock(obj, "k", dl.Rule(10), D(2026, 3, 2))
    c = dl.resume(admin, obj, "k", on=D(2026, 3, 9), note="x")
    assert (c.paused_days, c.due) == (0, D(2026, 3, 12))
    assert _events(obj) == []


def test_pauses_add_up(obj, admin):
    dl.start_clock(obj, "k", dl.Rule(10), D(2026, 3, 2))
    dl.pause(admin, obj, "k", "听证", on=D(2026, 3, 3))
    dl.resume(admin, obj, "k", on=D(2026, 3, 5), note="听证结束")  # 2 days
    dl.pause(admin, obj, "k", "鉴定", on=D(2026, 3, 6))
    c = dl.resume(admin, obj, "k", on=D(2026, 3, 9))  # 3 more
    assert (c.paused_days, c.due) == (5, D(2026, 3, 17))
    assert _events(obj)[1] == ("deadline_resume", "k恢复计时,期满 2026-03-14")


def test_an_extension_needs_a_reason_an_approver_and_at_least_one_day(obj, admin):
    dl.start_clock(obj, "k", dl.Rule(10, label="办理期限"), D(2026, 3, 2))
    for reason in ("", "  ", None):
        with pytest.raises(ValidationError) as err:
            dl.extend(admin, obj, "k", 3, approver=admin, reason=reason)
        assert err.value.message_dict == {"reason": ["请填写延期理由"]}
    with pytest.raises(ValidationError) as err:
        dl.extend(admin, obj, "k", 3, approver=None, reason="复杂")
    assert err.value.message_dict == {"approver": ["延期须有批准人"]}
    assert three(lambda n: _extends(admin, obj, n), 0, 1) == (False, False, True)  # -1 and 0 refused, 1 allowed
    c = dl.clock(obj, "k")
    assert (c.extension_days, c.due) == (1, D(2026, 3, 13))
    c = dl.extend(admin, obj, "k", "2", approver=admin, reason="复杂")  # a form's text
    assert (c.extension_days, c.due) == (3, D(2026, 3, 15))


def _extends(admin, obj, n) -> bool:
    try:
        dl.extend(admin, obj, "k", n, approver=admin, reason="复杂")
    except ValidationError as err:
        assert err.message_dict == {"days": ["延长天数须大于0"]}
        return False
    return True


def test_an_extension_names_its_approver(obj, admin):
    from envbureau.core.models import TimelineEvent, User

    dl.start_clock(obj, "k", dl.Rule(10, label="办理期限"), D(2026, 3, 2))
    dl.extend(admin, obj, "k", 2, approver=admin, reason="案情复杂")
    nameless = User.objects.create(username="li_approver")
    dl.extend(admin, obj, "k", 1, approver=nameless, reason="补充材料")
    notes = [n for v, n in _events(obj) if v == "deadline_extend"]
    assert notes == ["办理期限延长 2 天至 2026-03-14(批准人:平台管理员):案情复杂",
                     "办理期限延长 1 天至 2026-03-15(批准人:li_approver):补充材料"]
    data = TimelineEvent.objects.filter(verb="deadline_extend").order_by("id").last().data
    facts = data.pop("note_facts")  # the note as facts, for readers in other languages
    assert data == {"key": "k", "days": 1, "due": "2026-03-15", "approver": "li_approver", "reason": "补充材料"}
    assert facts == {"text": "%(l)s延长 %(n)s 天至 %(d)s(批准人:%(a)s):%(r)s", "listed": ["l"],
                     "args": {"l": "办理期限", "n": 1, "d": "2026-03-15", "a": "li_approver", "r": "补充材料"}}


def test_stop_marks_the_running_clock_and_is_audited_once(obj, admin):
    from envbureau.core.models import AuditEntry

    dl.start_clock(obj, "k", dl.Rule(10), D(2026, 3, 2))
    dl.start_clock(obj, "other", dl.Rule(10), D(2026, 3, 2))
    before = AuditEntry.objects.filter(model="core.clock", action="update").count()
    dl.stop(obj, "k")
    assert dl.clock(obj, "k").stopped_at is not None and dl.clock(obj, "other").stopped_at is None
    entries = AuditEntry.objects.filter(model="core.clock", action="update")
    assert entries.count() == before + 1
    assert entries.order_by("id").last().object_id == str(dl.clock(obj, "k").pk)
    first = dl.clock(obj, "k").stopped_at
    dl.stop(obj, "k")  # already stopped: nothing to write
    dl.stop(obj, "never_started")
    assert entries.count() == before + 1 and dl.clock(obj, "k").stopped_at == first



def test_by_default_a_calendar_period_does_not_roll_past_a_day_off(db):
    assert dl.add_days(D(2026, 9, 1), 30) == D(2026, 10, 1)  # 国庆: stays on the holiday unless asked to roll


def test_a_clock_is_this_objects_of_this_model(obj, admin):
    """Two objects of one model, and an object of another model with the same primary key, each keep their own
    clock under the same key: reading, stopping and restarting one leaves the others alone."""
    from envbureau.core.models import Jurisdiction, Unit

    other = Jurisdiction.objects.get(code="110102")
    assert not Unit.objects.filter(pk=obj.pk).exists()
    twin = Unit.objects.create(pk=obj.pk, code="t-twin", name="同号单位", kind="agency")  # core.unit, same pk
    dl.start_clock(obj, "k", dl.Rule(10), D(2026, 3, 2))
    dl.start_clock(other, "k", dl.Rule(20), D(2026, 3, 2))
    dl.start_clock(twin, "k", dl.Rule(30), D(2026, 3, 2))
    assert [dl.clock(o, "k").due for o in (obj, other, twin)] == [D(2026, 3, 12), D(2026, 3, 22), D(2026, 4, 1)]
    dl.stop(obj, "k")
    assert [dl.clock(o, "k").stopped_at is None for o in (obj, other, twin)] == [False, True, True]


def test_starting_a_stopped_clock_again_runs_it(obj, admin):
    dl.start_clock(obj, "k", dl.Rule(10), D(2026, 3, 2))
    dl.stop(obj, "k")
    assert dl.clock(obj, "k").stopped_at is not None
    c = dl.start_clock(obj, "k", dl.Rule(10), D(2026, 4, 1))
    c.refresh_from_db()
    assert (c.stopped_at, c.due) == (None, D(2026, 4, 11))


def test_the_stop_is_audited_with_the_field_it_set(obj, admin):
    from envbureau.core.models import AuditEntry

    dl.start_clock(obj, "k", dl.Rule(10), D(2026, 3, 2))
    dl.stop(obj, "k")
    entry = AuditEntry.objects.filter(model="core.clock", action="update").order_by("id").last()
    assert list(entry.changes) == ["stopped_at"] and entry.changes["stopped_at"][0] is None


@pytest.mark.parametrize("rule,due,extended", [
    (dl.Rule(30, roll_forward=True), D(2026, 10, 8), D(2026, 10, 8)),  # ends on 国庆 → the next working day
    (dl.Rule(30, inclusive=True), D(2026, 9, 30), D(2026, 10, 1)),  # the start day counted
    (dl.Rule(30), D(2026, 10, 1), D(2026, 10, 2)),
])
def test_a_clock_keeps_its_counting_rules_when_its_end_is_worked_out_again(obj, admin, rule, due, extended):
    # a pause and a resume on the same day stand still for no day: the end is worked out again, unchanged
    c = dl.start_clock(obj, "k", rule, D(2026, 9, 1))
    assert c.due == due
    dl.pause(admin, obj, "k", "送达", on=D(2026, 9, 2))
    c = dl.resume(admin, obj, "k", on=D(2026, 9, 2))
    c.refresh_from_db()
    assert (c.inclusive, c.roll_forward, c.paused_days, c.due) == (rule.inclusive, rule.roll_forward, 0, due)
    c = dl.extend(admin, obj, "k", 1, approver=admin, reason="复杂")  # one day more, by the same rules
    assert c.due == extended


def test_starting_again_forgets_the_days_paused_before(obj, admin):
    dl.start_clock(obj, "k", dl.Rule(10), D(2026, 3, 2))
    dl.pause(admin, obj, "k", "听证", on=D(2026, 3, 3))
    assert dl.resume(admin, obj, "k", on=D(2026, 3, 6)).paused_days == 3
    c = dl.start_clock(obj, "k", dl.Rule(10), D(2026, 4, 1))
    c.refresh_from_db()
    assert (c.paused_days, c.due) == (0, D(2026, 4, 11))
    assert dl.extend(admin, obj, "k", 1, approver=admin, reason="复杂").due == D(2026, 4, 12)  # no old pause counted
