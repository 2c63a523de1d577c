"""Three-point boundary checks, one line each: just under, exactly at, and just over a limit or deadline.

    assert three(lambda today: p.is_overdue(today), p.deadline, DAY) == (False, False, True)
    assert three(exceeds, limit, Decimal("0.01")) == (False, False, True)   # "超过" is strictly above

`three(fn, at, step)` returns (fn(at - step), fn(at), fn(at + step)); the expected triple is written in the test.
Works for numbers, Decimals, dates (step a timedelta of a day) and datetimes (an hour, a second).
"""

import datetime as dt

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def three(fn, at, step):
    return fn(at - step), fn(at), fn(at + step)


def points(at, step):
    """(under, at, over) themselves, for checks that need the values (e.g. to build rows)."""
    return at - step, at, at + step
