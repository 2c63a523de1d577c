"""core.deadlines' limits in clock hours: the head's approval of a seizure taken on the spot (24 hours, MEE Order
No. 29 art. 13) and an incident's initial report (2 or 4 hours, MEP Order No. 17 art. 3) run around the clock —
no holiday calendar. A step done at the limit itself is in time; a minute after it is late."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from boundary import three
from envbureau.core import deadlines as dl

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
MINUTE = dt.timedelta(minutes=1)
START = dt.datetime(2026, 9, 30, 15, 30, tzinfo=SH)  # the eve of the National Day holiday
NOW = dt.datetime(2026, 10, 8, 9, 0, tzinfo=SH)


def step(value, due, now=NOW):
    return dl.hour_step(value, start=START, due=due, field="approved_at", before_start="早于实施时间",
                        future="晚于现在", now=now)


def test_hours_run_through_holidays_and_nights():
    # 24 hours from 15:30 on the last working day before 国庆 end at 15:30 on 1 October, a day off
    assert dl.hours_after(START, 24) == dt.datetime(2026, 10, 1, 15, 30, tzinfo=SH)
    assert dl.hours_after(START, "2") == dt.datetime(2026, 9, 30, 17, 30, tzinfo=SH)


def test_late_just_after_the_limit_not_at_it():
    due = dl.hours_after(START, 24)
    assert three(lambda at: dl.hour_late(at, due), due, MINUTE) == (False, False, True)
    assert three(lambda at: step(at, due).late, due, MINUTE) == (False, False, True)
    # written as local text, as the forms and the API send it
    assert (step("2026-10-01 15:29", due).late, step("2026-10-01 15:30", due).late,
            step("2026-10-01 15:31", due).late) == (False, False, True)


def test_the_step_keeps_its_time_and_the_limit_for_the_timeline():
    due = dl.hours_after(START, 4)
    s = step("2026-09-30 19:31", due)
    assert s.at == dt.datetime(2026, 9, 30, 19, 31, tzinfo=SH)
    assert s.event_data == {"approved_at": s.at.isoformat(), "due": due.isoformat(), "late": True}


def test_no_time_given_means_now():
    due = dl.hours_after(START, 24)
    assert step("", due, now=dt.datetime(2026, 10, 1, 15, 30, tzinfo=SH)) == dl.HourStep(
        dt.datetime(2026, 10, 1, 15, 30, tzinfo=SH), False,
        {"approved_at": "2026-10-01T15:30:00+08:00", "due": due.isoformat(), "late": False})
    assert step(None, due).late is True  # now (8 October) is long past the limit


@pytest.mark.parametrize("value,message", [
    ("2026-09-30 15:29", "早于实施时间"),  # before the act it follows
    ("2026-10-08 09:01", "晚于现在"),  # in the future
    ("昨天下午", "YYYY-MM-DD HH:MM"),  # unreadable
])
def test_refusals_name_the_field(value, message):
    with pytest.raises(ValidationError) as exc:
        step(value, dl.hours_after(START, 24))
    assert message in " ".join(exc.value.message_dict["approved_at"])


def test_the_start_and_now_themselves_are_accepted():
    due = dl.hours_after(START, 24)
    assert step("2026-09-30 15:30", due).at == START
    assert step(NOW, due).at == NOW


@pytest.mark.parametrize("value", ["昨天下午", "2026-02-30 10:00", "2026-10-01 25:00"])
def test_a_time_that_cannot_be_read_is_refused_in_words(value):
    # not a time at all, a day February does not have, an hour a day does not have
    with pytest.raises(ValidationError) as exc:
        step(value, dl.hours_after(START, 24))
    assert exc.value.message_dict == {"approved_at": [f"时间格式应为 YYYY-MM-DD HH:MM:{value}"]}
