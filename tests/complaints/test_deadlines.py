"""Deadlines across holidays and make-up working days; dates checked by hand against the State
Council notices (国办发明电〔2024〕12号 for 2025, 〔2025〕7号 for 2026)."""

import datetime as dt

import pytest

from envbureau.complaints import deadlines
from envbureau.complaints.deadlines import add_days, is_working_day

D = dt.date

pytestmark = pytest.mark.django_db


def test_calendar_loaded_by_migration():
    assert deadlines.calendar_covers(2025) and deadlines.calendar_covers(2026)
    assert not is_working_day(D(2025, 1, 28))   # 春节 (Tue)
    assert is_working_day(D(2025, 1, 26))       # Sunday worked (调休上班)
    assert is_working_day(D(2026, 2, 14))       # Saturday worked
    assert not is_working_day(D(2025, 3, 1))    # plain Saturday
    assert is_working_day(D(2025, 3, 3))        # plain Monday


@pytest.mark.parametrize("start,n,kind,roll,expected", [
    # 15 calendar days from Mon 2025-01-20 end on Tue 2025-02-04, the last day of the Spring Festival run.
    (D(2025, 1, 20), 15, "calendar", False, D(2025, 2, 4)),
    (D(2025, 1, 20), 15, "calendar", True, D(2025, 2, 5)),
    # 5 working days from Fri 2025-01-24: Sun 26 (worked), Mon 27, [28 Jan-4 Feb off], Wed 5, Thu 6, Fri 7.
    (D(2025, 1, 24), 5, "working", False, D(2025, 2, 7)),
    # 2 working days from Tue 2025-09-30: 1-8 Oct off, Thu 9, Fri 10.
    (D(2025, 9, 30), 2, "working", False, D(2025, 10, 10)),
    # 2 working days from Fri 2025-09-26: Sat 27 no, Sun 28 worked, Mon 29.
    (D(2025, 9, 26), 2, "working", False, D(2025, 9, 29)),
    # 60 calendar days from Sat 2025-08-02 end on 1 Oct (National Day) → next working day Thu 9 Oct.
    (D(2025, 8, 2), 60, "calendar", True, D(2025, 10, 9)),
    (D(2025, 8, 2), 60, "calendar", False, D(2025, 10, 1)),
    # 3 working days from Thu 2026-02-12: Fri 13, Sat 14 (worked), [15-23 off], Tue 24.
    (D(2026, 2, 12), 3, "working", False, D(2026, 2, 24)),
    # A calendar period ending on a make-up Saturday is not rolled (it is a working day): 2026-01-04 is a Sunday worked.
    (D(2025, 12, 20), 15, "calendar", True, D(2026, 1, 4)),
    # An ordinary weekend end is rolled to Monday: 2025-03-01 + 14 = Sat 15 Mar → Mon 17 Mar.
    (D(2025, 3, 1), 14, "calendar", True, D(2025, 3, 17)),
])
def test_add_days(start, n, kind, roll, expected):
    assert add_days(start, n, kind, roll) == expected


def test_holiday_added_in_ui_changes_working_days():
    from envbureau.core.models import CalendarDay

    assert add_days(D(2025, 3, 3), 1, "working") == D(2025, 3, 4)
    CalendarDay.objects.create(date=D(2025, 3, 4), kind="holiday", name="测试")  # 系统管理 → 节假日调整
    assert add_days(D(2025, 3, 3), 1, "working") == D(2025, 3, 5)


def test_national_defaults_on_complaint(make_complaint, aware):

    c = make_complaint(received_at=aware(2025, 1, 20))
    assert c.accept_due == D(2025, 2, 5)           # 15 days, rolled past the Spring Festival
    assert c.finish_due is None
    assert "信访工作条例" in c.rule_label or "全国" in c.rule_label


def test_local_rule_per_jurisdiction_and_channel(make_complaint, aware):
    from envbureau.complaints import services
    from envbureau.complaints.models import DeadlineRule
    from envbureau.core.models import Jurisdiction

    DeadlineRule.objects.create(name="东城微信快办", jurisdiction=Jurisdiction.objects.get(code="110101"),
                                channel="wechat", accept_days=2, accept_kind="working", start_days=2,
                                start_kind="working", finish_days=30, finish_kind="calendar")
    DeadlineRule.objects.create(name="全市通用", jurisdiction=Jurisdiction.objects.get(code="110000"),
                                accept_days=10, finish_days=45)
    fast = make_complaint(channel="wechat", received_at=aware(2025, 9, 26))
    assert fast.rule_label == "东城微信快办"
    assert fast.accept_due == D(2025, 9, 29)
    city = make_complaint(channel="hotline", received_at=aware(2025, 9, 26))
    assert city.rule_label == "全市通用" and city.accept_due == D(2025, 10, 9)   # 6 Oct off → 9 Oct
    chaoyang = make_complaint(code="110105", channel="wechat", received_at=aware(2025, 9, 26))
    assert chaoyang.rule_label == "全市通用"
    # Acceptance on Tue 2025-09-30: start within 2 working days (Fri 10 Oct), finish in 30 days (Thu 30 Oct).
    fast.received_at = aware(2025, 9, 30)
    fast.save()
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=aware(2025, 9, 30, 11)):
        fast = services.accept(None, fast)
    assert fast.start_due == D(2025, 10, 10)
    assert fast.finish_due == D(2025, 10, 30)
