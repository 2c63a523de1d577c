"""Alarm thresholds on their boundaries: just under, equal to and just over each limit. "超过限值" means
strictly above (a value equal to the limit is compliant); "低于下限" strictly below; a silence raises the
absence alarm only when longer than the threshold."""

import datetime as dt

from boundary import three
from envbureau.sources import alarms
from envbureau.sources.models import Alarm, PollutantLimit

EPS = 0.01


def judged(point, factor, at, period="hour", **fields):
    """Evaluate one value on a clean slate; the kinds of alarm it raises."""
    Alarm.objects.all().delete()
    limits = list(PollutantLimit.objects.filter(point=point))
    alarms.evaluate_values(point, at, {factor: fields}, period, limits)
    return set(Alarm.objects.filter(point=point, factor=factor, active=True).values_list("kind", flat=True))


def exceeds(point, factor, at, field="Avg", period="hour", **other):
    return lambda v: "exceedance" in judged(point, factor, at, period, **{field: v, **other})


def invalid(point, factor, at):
    return lambda v: "invalid" in judged(point, factor, at, Avg=v)


def test_converted_limit_35(world, hour0):
    assert three(exceeds(world["p1"], "a21026", hour0, "ZsAvg", Avg=1), 35, EPS) == (False, False, True)


def test_measured_limit_50(world, hour0):
    assert three(exceeds(world["p1"], "a21002", hour0), 50, EPS) == (False, False, True)


def test_ph_upper_9_and_lower_6(world, hour0):
    assert three(exceeds(world["p2"], "w01001", hour0), 9, EPS) == (False, False, True)
    assert three(exceeds(world["p2"], "w01001", hour0), 6, EPS) == (True, False, False)


def test_daily_limit_40_only_for_days(world, hour0):
    assert three(exceeds(world["p2"], "w01018", hour0, period="day"), 40, EPS) == (False, False, True)
    assert three(exceeds(world["p2"], "w01018", hour0), 40, EPS) == (False, False, False)  # hourly limit is 50
    assert three(exceeds(world["p2"], "w01018", hour0), 50, EPS) == (False, False, True)


def test_invalid_values_negative_and_ph_over_14(world, hour0):
    assert three(invalid(world["p2"], "w01018", hour0), 0, EPS) == (True, False, False)
    assert three(invalid(world["p2"], "w01001", hour0), 14, EPS) == (False, False, True)


def test_absence_only_when_silent_longer_than_the_threshold(world, settings):
    point = world["p1"]
    point.absence_minutes = 30
    point.last_data_at = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    point.save()

    def silent_for(minutes):
        Alarm.objects.all().delete()
        now = point.last_data_at + dt.timedelta(minutes=minutes)
        return bool(alarms.check_absence(now=now, points=[point]))

    assert three(silent_for, 30, 1) == (False, False, True)


def test_an_exceedance_keeps_its_finding_with_the_multiple_to_two_places(world, hour0):
    """超标倍数 = value / limit - 1, given to two decimal places (61.17 over the measured limit 50: 0.22); the
    finding is kept as data on the alarm, so each reader gets it in their language."""
    judged(world["p1"], "a21002", hour0, Avg=61.17)
    a = Alarm.objects.get(point=world["p1"], factor="a21002", active=True, kind="exceedance")
    assert a.facts["msg"] == "over" and a.facts["args"]["x"] == 0.22
