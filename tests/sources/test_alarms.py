"""Alarm rules: exceedance (converted value where the limit says so), absence, flat-line, device flags,
invalid data, deduplication while a condition persists, declared windows."""

import datetime as dt

from django.core.management import call_command

from envbureau.sources import alarms, services
from envbureau.sources.models import Alarm
from envbureau.sources.registry import SourcesRegistry

from .conftest import packet


def feed(point, start, series, factor, **extra):
    """One hourly packet per value of `series` for `factor`."""
    reg = SourcesRegistry()
    pkts = []
    for i, fields in enumerate(series):
        pkts.append(packet(point, start + dt.timedelta(hours=i), {factor: {**fields, **extra}}))
    reg.on_stored(pkts)
    return reg


def test_exceedance_uses_zsavg_when_limit_is_on_converted_value(world, hour0):
    p1 = world["p1"]
    # SO2 limit 35 on the converted value: measured 30 is fine, converted 40 is not
    feed(p1, hour0, [{"Avg": 30, "ZsAvg": 40}], "a21026")
    a = Alarm.objects.get(kind="exceedance", factor="a21026")
    assert a.value == 40 and a.limit_value == 35 and a.on_converted and a.active
    assert "折算" in a.message and "0.14 倍" in a.message  # 40 / 35 - 1


def test_converted_limit_is_not_judged_on_measured_value(world, hour0):
    # measured above 35 but converted below: no alarm; and without ZsAvg nothing to judge
    feed(world["p1"], hour0, [{"Avg": 50, "ZsAvg": 30}, {"Avg": 50}], "a21026")
    assert not Alarm.objects.filter(kind="exceedance").exists()


def test_exceedance_on_measured_value_when_limit_is_not_converted(world, hour0):
    feed(world["p1"], hour0, [{"Avg": 55, "ZsAvg": 20}], "a21002")  # NOx limit 50 on measured value
    a = Alarm.objects.get(kind="exceedance", factor="a21002")
    assert a.value == 55 and not a.on_converted


def test_lower_limit_ph(world, hour0):
    feed(world["p2"], hour0, [{"Avg": 5.2}], "w01001")
    a = Alarm.objects.get(kind="exceedance", factor="w01001")
    assert a.limit_value == 6 and "低于下限" in a.message


def test_dedup_while_persisting_then_new_episode(world, hour0):
    p2 = world["p2"]
    reg = feed(p2, hour0, [{"Avg": 60}, {"Avg": 70}, {"Avg": 65}], "w01018")
    assert Alarm.objects.filter(kind="exceedance").count() == 1
    a = Alarm.objects.get(kind="exceedance")
    assert a.occurrences == 3 and a.active and a.started_at == hour0 and a.value == 65
    # re-delivery of the same packets: nothing changes
    reg.on_stored([packet(p2, hour0 + dt.timedelta(hours=1), {"w01018": {"Avg": 70}})])
    a.refresh_from_db()
    assert a.occurrences == 3
    # the condition clears, then returns: a new alarm
    feed(p2, hour0 + dt.timedelta(hours=3), [{"Avg": 20}, {"Avg": 80}], "w01018")
    a.refresh_from_db()
    assert not a.active and a.ended_at == hour0 + dt.timedelta(hours=3)
    assert Alarm.objects.filter(kind="exceedance").count() == 2


def test_late_old_data_does_not_clear_a_newer_alarm(world, hour0):
    p2 = world["p2"]
    feed(p2, hour0 + dt.timedelta(hours=5), [{"Avg": 90}], "w01018")
    feed(p2, hour0, [{"Avg": 10}], "w01018")  # an older hour resent after a gap
    assert Alarm.objects.get(kind="exceedance").active


def test_device_state_flags(world, hour0):
    p2 = world["p2"]
    feed(p2, hour0, [{"Avg": 80, "Flag": "D"}, {"Avg": 80, "Flag": "D"}], "w01018")
    a = Alarm.objects.get(kind="device_state")
    assert a.detail_key == "D" and a.occurrences == 2 and "故障" in a.message
    # a value the device marks as faulty is not judged against the limit
    assert not Alarm.objects.filter(kind="exceedance").exists()
    for flag in "MCF":
        feed(p2, hour0 + dt.timedelta(hours=10), [{"Avg": 1, "Flag": flag}], "w21003")
    assert set(Alarm.objects.filter(kind="device_state", factor="w21003").values_list("detail_key", flat=True)) == set("MCF")
    feed(p2, hour0 + dt.timedelta(hours=2), [{"Avg": 10, "Flag": "N"}], "w01018")
    a.refresh_from_db()
    assert not a.active


def test_device_state_from_minute_flags_only_on_change(world, hour0):
    p1 = world["p1"]
    reg = SourcesRegistry()
    mins = [packet(p1, hour0 + dt.timedelta(minutes=m), {"a21026": {"Avg": 5, "Flag": "M" if 3 <= m < 6 else "N"}},
                   cn="2051", kind="minute") for m in range(10)]
    reg.on_stored(mins)
    a = Alarm.objects.get(kind="device_state")
    assert a.detail_key == "M" and not a.active  # it came back to N at minute 6


def test_invalid_data(world, hour0):
    feed(world["p2"], hour0, [{"Avg": -3}], "w21003")
    feed(world["p2"], hour0, [{"Avg": 20, "Flag": "T"}], "w21011")
    kinds = dict(Alarm.objects.filter(kind="invalid").values_list("factor", "message"))
    assert "负值" in kinds["w21003"] and "T" in kinds["w21011"]


def test_flatline(world, hour0):
    from envbureau.sources import conf

    n = conf.get("SOURCES_FLATLINE_HOURS")
    p2 = world["p2"]
    feed(p2, hour0 - dt.timedelta(hours=n + 2), [{"Avg": 3.0 + i * 0.1} for i in range(2)] + [{"Avg": 3.217}] * (n - 1),
         "w21003")
    assert not Alarm.objects.filter(kind="flatline").exists()  # n-1 identical values only
    feed(p2, hour0 - dt.timedelta(hours=1), [{"Avg": 3.217}], "w21003")
    a = Alarm.objects.get(kind="flatline")
    assert a.factor == "w21003" and a.value == 3.217
    feed(p2, hour0, [{"Avg": 3.5}], "w21003")
    a.refresh_from_db()
    assert not a.active


def test_absence_by_command_and_cleared_by_data(world, hour0, settings):
    from django.utils import timezone

    settings.ENVBUREAU = {**settings.ENVBUREAU, "SOURCES_ABSENCE_MINUTES": 60}
    p1, p2 = world["p1"], world["p2"]
    feed(p1, hour0, [{"Avg": 1, "ZsAvg": 1}], "a21026")  # received at hour0 + 5 min
    later = hour0 + dt.timedelta(hours=3)
    call_command("check_alarms", now=timezone.localtime(later).replace(tzinfo=None).isoformat())
    a = Alarm.objects.get(kind="absence")
    assert a.point == p1 and a.active  # p2 never reported: not an absence alarm
    assert not Alarm.objects.filter(point=p2).exists()
    # the sweep again: still one alarm
    alarms.check_absence(now=later + dt.timedelta(hours=1))
    assert Alarm.objects.filter(kind="absence").count() == 1
    feed(p1, hour0 + dt.timedelta(hours=4), [{"Avg": 1, "ZsAvg": 1}], "a21026")
    a.refresh_from_db()
    assert not a.active


def test_declared_window_marks_alarms_and_hours_not_hides(world, hour0):
    p2 = world["p2"]
    # approved declaration first, then data inside the window arrives
    d = services.submit_declaration(None, enterprise=world["e2"], point=p2, kind="device_fault",
                                    start=hour0, end=hour0 + dt.timedelta(hours=2), reason="分析仪故障")
    services.approve_declaration(None, d.pk)
    feed(p2, hour0, [{"Avg": 90}, {"Avg": 90}, {"Avg": 90}], "w01018")
    from envbureau.sources.models import PointHourly

    hours = dict(PointHourly.objects.filter(point=p2).values_list("hour", "declared"))
    assert hours == {hour0: True, hour0 + dt.timedelta(hours=1): True, hour0 + dt.timedelta(hours=2): False}
    a = Alarm.objects.get(kind="exceedance")
    assert a.declared and a.declaration == d  # still listed, marked


def test_approving_later_marks_existing_alarms(world, hour0):
    p2 = world["p2"]
    feed(p2, hour0, [{"Avg": 90}], "w01018")
    feed(world["p1"], hour0, [{"Avg": 90, "ZsAvg": 90}], "a21026")
    d = services.submit_declaration(None, enterprise=world["e2"], kind="production_stopped",
                                    start=hour0 - dt.timedelta(hours=1), end=hour0 + dt.timedelta(hours=1), reason="停产")
    assert not Alarm.objects.filter(declared=True).exists()  # pending declarations mark nothing
    services.approve_declaration(None, d.pk)
    assert Alarm.objects.get(point=p2).declared
    assert not Alarm.objects.get(point=world["p1"]).declared  # another enterprise


def test_daily_values_derived_from_hours_and_judged(world, settings):
    from django.utils import timezone

    from envbureau.hj212 import CHINA_TZ
    from envbureau.sources.aggregates import rollup_days
    from envbureau.sources.models import PointDaily

    settings.ENVBUREAU = {**settings.ENVBUREAU, "SOURCES_DAILY_MIN_HOURS": 20}
    p2 = world["p2"]
    yesterday = (dt.datetime.now(CHINA_TZ) - dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    # 22 hours of COD at 45 (hourly limit 50: fine; daily limit 40: exceeded) and 2 days ago only 5 hours at 45
    feed(p2, yesterday, [{"Avg": 44 + 2 * (i % 2), "Min": 40, "Max": 50} for i in range(22)], "w01018")
    feed(p2, yesterday - dt.timedelta(days=1), [{"Avg": 44 + i} for i in range(5)], "w01018")
    assert not Alarm.objects.filter(kind="exceedance").exists()
    assert rollup_days() == 2
    d = PointDaily.objects.get(point=p2, day=yesterday.date())
    assert d.rolled_up and d.samples == 22 and d.avg == 45 and (d.min, d.max) == (40, 50)
    a = Alarm.objects.get(kind="exceedance")  # only the complete day is judged
    assert a.detail_key == "day" and a.limit_value == 40 and timezone.localtime(a.started_at).date() == yesterday.date()
    # idempotent, and a device's own daily packet wins
    assert rollup_days() == 2 and Alarm.objects.count() == 1
    from .conftest import packet

    SourcesRegistry().on_stored([packet(p2, yesterday, {"w01018": {"Avg": 44}}, cn="2031", kind="day")])
    assert rollup_days() == 1
    d.refresh_from_db()
    assert not d.rolled_up and d.avg == 44
