"""A period still running compares like with like: the same days last year, labelled as bulletins do."""

import datetime as dt

from envbureau.quality import assessment as A
from envbureau.quality.views import clip_to_data


def test_year_with_data_to_end_of_february_becomes_jan_feb():
    p = clip_to_data(A.make_period(2017), dt.date(2017, 2, 28))
    assert (p.start, p.end, p.label) == (dt.date(2017, 1, 1), dt.date(2017, 2, 28), "2017年1—2月")
    yoy = p.shifted_year(-1)
    assert (yoy.start, yoy.end) == (dt.date(2016, 1, 1), dt.date(2016, 2, 28))


def test_mid_month_data_end_says_to_date():
    p = clip_to_data(A.make_period(2016, 3), dt.date(2016, 3, 15))
    assert p.end == dt.date(2016, 3, 15) and p.label == "2016年3月(截至3月15日)"


def test_finished_or_future_periods_are_unchanged():
    full = A.make_period(2016)
    assert clip_to_data(full, dt.date(2017, 2, 28)) == full
    assert clip_to_data(A.make_period(2018), dt.date(2017, 2, 28)) == A.make_period(2018)
    assert clip_to_data(full, None) == full
