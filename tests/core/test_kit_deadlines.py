"""core.deadlines over the State Council's 2026 holiday notice (国办发明电〔2025〕7号), written out here.

2026: 元旦 1-3 Jan off, Sun 4 Jan worked; 春节 15-23 Feb off, Sat 14 Feb and Sat 28 Feb worked; 清明 4-6 Apr;
劳动节 1-5 May off, Sat 9 May worked; 端午 19-21 Jun; 中秋 25-27 Sep; 国庆 1-7 Oct off, Sun 20 Sep and
Sat 10 Oct worked.
"""

import datetime as dt

import pytest

from envbureau.core import deadlines as dl

D = dt.date


@pytest.mark.parametrize("day,working", [
    (D(2026, 1, 1), False), (D(2026, 1, 3), False), (D(2026, 1, 4), True),   # Sunday make-up day
    (D(2026, 2, 13), True), (D(2026, 2, 14), True), (D(2026, 2, 15), False),  # Saturday make-up day
    (D(2026, 2, 23), False), (D(2026, 2, 24), True), (D(2026, 2, 28), True),
    (D(2026, 5, 5), False), (D(2026, 5, 6), True), (D(2026, 5, 9), True), (D(2026, 5, 10), False),
    (D(2026, 9, 20), True), (D(2026, 10, 7), False), (D(2026, 10, 8), True), (D(2026, 10, 10), True),
    (D(2026, 10, 11), False), (D(2026, 11, 28), False), (D(2026, 11, 30), True),
])
def test_2026_calendar(db, day, working):
    assert dl.is_working_day(day) is working


def test_working_days_count_make_up_saturday_and_skip_the_festival(db):
    # From Fri 13 Feb: 14 Feb (Sat, worked) is day 1; 15–23 Feb off; 24, 25, 26, 27 are days 2–5.
    assert dl.add_days(D(2026, 2, 13), 1, dl.WORKING) == D(2026, 2, 14)
    assert dl.add_days(D(2026, 2, 13), 2, dl.WORKING) == D(2026, 2, 24)
    assert dl.add_days(D(2026, 2, 13), 5, dl.WORKING) == D(2026, 2, 27)
    assert dl.add_days(D(2026, 2, 13), 6, dl.WORKING) == D(2026, 2, 28)  # Saturday 28 Feb is worked
    assert dl.add_days(D(2026, 2, 13), 7, dl.WORKING) == D(2026, 3, 2)


def test_working_days_around_labour_day(db):
    # Thu 30 Apr + 1 working day: 1–5 May off → Wed 6 May; + 4 → Sat 9 May (make-up); + 5 → Mon 11 May.
    assert dl.add_days(D(2026, 4, 30), 1, dl.WORKING) == D(2026, 5, 6)
    assert dl.add_days(D(2026, 4, 30), 4, dl.WORKING) == D(2026, 5, 9)
    assert dl.add_days(D(2026, 4, 30), 5, dl.WORKING) == D(2026, 5, 11)


@pytest.mark.parametrize("start,n,inclusive,roll,end", [
    (D(2026, 9, 1), 30, False, False, D(2026, 10, 1)),   # ends on a holiday, no roll
    (D(2026, 9, 1), 30, False, True, D(2026, 10, 8)),    # rolls past 国庆 to Thu 8 Oct
    (D(2026, 9, 1), 30, True, False, D(2026, 9, 30)),    # start day counted
    (D(2026, 9, 1), 29, False, True, D(2026, 9, 30)),    # the day before the holiday: a working day
    (D(2026, 9, 1), 37, False, True, D(2026, 10, 8)),    # the first day after it
    (D(2026, 10, 3), 7, False, True, D(2026, 10, 10)),   # ends on make-up Saturday: a working day, stays
    (D(2026, 11, 20), 8, False, True, D(2026, 11, 30)),  # ends Sat 28 Nov → Mon 30 Nov
])
def test_calendar_days_inclusive_and_roll_forward(db, start, n, inclusive, roll, end):
    assert dl.add_days(start, n, dl.CALENDAR, inclusive=inclusive, roll_forward=roll) == end


def test_admin_override_beats_the_package(db):
    from envbureau.core.models import CalendarDay

    assert dl.is_working_day(D(2026, 12, 1)) is True
    CalendarDay.objects.create(date=D(2026, 12, 1), kind="holiday", name="本地安排")
    assert dl.is_working_day(D(2026, 12, 1)) is False
    # A year the package does not carry: weekends only, plus overrides.
    assert dl.is_working_day(D(2030, 1, 7)) is True
    CalendarDay.objects.create(date=D(2030, 1, 5), kind="workday", name="调休")
    assert dl.is_working_day(D(2030, 1, 5)) is True
    assert dl.calendar_covers(2030) is True and dl.calendar_covers(2031) is False


def test_clock_pause_extend_resume_on_the_timeline(demo_core, settings):
    from envbureau.core import workflow
    from envbureau.core.models import Jurisdiction, TimelineEvent, User

    obj = Jurisdiction.objects.get(code="110101")  # any saved object can carry a clock
    admin = User.objects.get(username="admin")
    rule = dl.Rule(10, dl.WORKING, label="办理期限")
    c = dl.start_clock(obj, "finish", rule, D(2026, 9, 28), user=admin, quiet=False)
    # 29, 30 Sep, then 8, 9, 10(Sat, worked), 12, 13, 14, 15, 16 Oct.
    assert c.due == D(2026, 10, 16)
    dl.pause(admin, obj, "finish", "组织听证", on=D(2026, 10, 12))
    c = dl.resume(admin, obj, "finish", on=D(2026, 10, 14))  # 13 and 14 Oct stood still: two working days
    assert c.paused_days == 2 and c.due == D(2026, 10, 20)
    c = dl.extend(admin, obj, "finish", 3, approver=admin, reason="案情复杂")
    assert c.extension_days == 3 and c.due == D(2026, 10, 23)
    verbs = list(TimelineEvent.objects.filter(model="core.jurisdiction", object_id=str(obj.pk))
                 .values_list("verb", flat=True))
    assert verbs == ["deadline_start", "deadline_pause", "deadline_resume", "deadline_extend"]
    words = [e["verb_label"] for e in workflow.timeline(obj)]
    assert words == ["开始计时", "期限中止", "恢复计时", "延长期限"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        dl.extend(admin, obj, "finish", 3, approver=None, reason="x")


def test_clock_notes_clicked_in_english_are_stored_in_chinese_and_read_per_reader(demo_core):
    """A clock started and paused by an officer working in English: the clock's label and the timeline's notes are
    stored in Chinese (search, exports, other readers), and each reader reads them in their language; the reason
    the officer typed stays as typed."""
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    from envbureau.core import workflow
    from envbureau.core.models import Jurisdiction, TimelineEvent, User

    obj = Jurisdiction.objects.get(code="110102")
    admin = User.objects.get(username="admin")
    with translation.override("en"):
        c = dl.start_clock(obj, "recheck", dl.Rule(10, dl.WORKING, label=gettext_lazy("复查")), D(2026, 9, 28),
                           user=admin, quiet=False)
        dl.pause(admin, obj, "recheck", "组织听证", on=D(2026, 10, 12))
    assert c.label == "复查"
    notes = list(TimelineEvent.objects.filter(model="core.jurisdiction", object_id=str(obj.pk)).order_by("pk")
                 .values_list("note", flat=True))
    assert notes == ["开始计时:复查,期满 2026-10-16", "复查中止:组织听证"]
    with translation.override("en"):
        assert [e["note"] for e in workflow.timeline(obj)] == ["Clock started: Re-check, due 2026-10-16",
                                                               "Re-check paused: 组织听证"]
    with translation.override("zh-hans"):
        assert [e["note"] for e in workflow.timeline(obj)] == notes
    # a note a person rewrote reads as stored
    TimelineEvent.objects.filter(model="core.jurisdiction", object_id=str(obj.pk), verb="deadline_pause").update(
        note="人工更正")
    with translation.override("en"):
        assert workflow.timeline(obj)[1]["note"] == "人工更正"


def test_rolled_back_override_leaves_no_stale_calendar(db):
    # An override read inside a transaction that then rolls back must not stay in the process cache
    # (it made 2026-12-01 a holiday for every later caller in the same process).
    from django.db import transaction

    from envbureau.core.models import CalendarDay

    with pytest.raises(RuntimeError), transaction.atomic():
        CalendarDay.objects.create(date=D(2026, 12, 1), kind="holiday", name="回滚")
        assert dl.is_working_day(D(2026, 12, 1)) is False
        raise RuntimeError
    assert dl.is_working_day(D(2026, 12, 1)) is True
    assert dl.is_working_day(D(2026, 12, 2)) is True
