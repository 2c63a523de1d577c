"""core.dbcache.CommittedCache: a change that rolls back never leaves a stale cached value behind, and a
committed change is seen at once (the holiday overrides and the complaint routing boundaries use it)."""

import datetime as dt

import pytest
from django.db import transaction

SQUARE = {"type": "Polygon", "coordinates": [[[116.0, 39.0], [117.0, 39.0], [117.0, 40.0], [116.0, 40.0],
                                              [116.0, 39.0]]]}


class Boom(Exception):
    pass


def test_a_boundary_saved_then_rolled_back_does_not_route_later_points(demo_core):
    from envbureau.complaints import routing
    from envbureau.core.models import Jurisdiction

    street = Jurisdiction.objects.filter(level="street").first()
    assert routing.route_point(116.5, 39.5) is None  # no boundaries yet (and the empty index is cached)
    with pytest.raises(Boom), transaction.atomic():
        street.boundary = SQUARE
        street.save()
        assert routing.route_point(116.5, 39.5) == street  # seen inside its own transaction
        raise Boom
    assert routing.route_point(116.5, 39.5) is None  # rolled back: not served from a stale index
    street.boundary = SQUARE
    street.save()
    assert routing.route_point(116.5, 39.5) == street  # saved: seen at once


def test_a_holiday_override_rolled_back_is_forgotten(demo_core):
    from envbureau.core import deadlines
    from envbureau.core.models import CalendarDay

    monday = dt.date(2031, 3, 3)  # a year the calendar package has no notice for: weekdays only
    assert monday.weekday() == 0 and deadlines.is_working_day(monday)
    with pytest.raises(Boom), transaction.atomic():
        CalendarDay.objects.create(date=monday, kind="holiday", name="test")
        assert not deadlines.is_working_day(monday)
        raise Boom
    assert deadlines.is_working_day(monday)
