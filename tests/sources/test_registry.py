"""The gateway Registry implementation: points loaded, on_stored idempotent on the packet key."""

import datetime as dt

import pytest

from envbureau.sources.models import Alarm, MonitoringPoint, PointDaily, PointHourly
from envbureau.sources.registry import SourcesRegistry

from .conftest import packet


def test_load_points_reports_every_point_with_its_dialects(world):
    from envbureau.hj212.crc import HJ212

    world["p2"].enabled = False
    world["p2"].password = "654321"
    world["p2"].save()
    pts = {p.mn: p for p in SourcesRegistry().load_points()}
    assert set(pts) == {"TESTMN0001", "TESTMN0002"}
    assert pts["TESTMN0001"].id == world["p1"].pk and pts["TESTMN0001"].enabled
    assert pts["TESTMN0001"].crc_dialects == frozenset({HJ212}) and pts["TESTMN0001"].password is None
    assert pts["TESTMN0002"].crc_dialects == frozenset({HJ212, "modbus"})
    assert not pts["TESTMN0002"].enabled and pts["TESTMN0002"].password == "654321"


def test_registry_satisfies_the_gateway_protocol(world):
    from envbureau.gateway.registry import Registry

    assert isinstance(SourcesRegistry(), Registry)


def test_on_stored_upserts_hourly_and_is_idempotent(world, hour0):
    p1 = world["p1"]
    reg = SourcesRegistry()
    pk1 = packet(p1, hour0, {"a21026": {"Avg": 20, "Min": 10, "Max": 30, "ZsAvg": 25, "Flag": "N"},
                             "a21002": {"Avg": 40, "Flag": "N"}})
    pk2 = packet(p1, hour0 + dt.timedelta(hours=1), {"a21026": {"Avg": 21, "ZsAvg": 26}})
    reg.on_stored([pk1, pk2])
    assert PointHourly.objects.filter(point=p1).count() == 3
    row = PointHourly.objects.get(point=p1, factor="a21026", hour=hour0)
    assert (row.avg, row.min, row.max, row.zs_avg, row.flag) == (20, 10, 30, 25, "N")
    snapshot = sorted(PointHourly.objects.values_list("point", "factor", "hour", "avg", "zs_avg"))
    # at-least-once delivery: the same packets again (and again, in another batch order) change nothing
    reg.on_stored([pk2, pk1])
    SourcesRegistry().on_stored([pk1])
    assert sorted(PointHourly.objects.values_list("point", "factor", "hour", "avg", "zs_avg")) == snapshot
    assert Alarm.objects.count() == 0
    p1.refresh_from_db()
    assert p1.last_data_at is not None
    assert p1.latest["a21026"]["v"] == 21 and p1.latest["a21026"]["zs"] == 26  # measured and converted


def test_split_packets_pno_fill_one_hour(world, hour0):
    p2 = world["p2"]
    reg = SourcesRegistry()
    a = packet(p2, hour0, {"w01018": {"Avg": 30}}, pno=1)
    b = packet(p2, hour0, {"w21003": {"Avg": 2}}, pno=2)
    reg.on_stored([a, b])
    reg.on_stored([b])
    assert set(PointHourly.objects.filter(point=p2, hour=hour0).values_list("factor", flat=True)) == {"w01018", "w21003"}


def test_2005_codes_are_normalised(world, hour0):
    p2 = world["p2"]
    SourcesRegistry().on_stored([packet(p2, hour0, {"011": {"Avg": 31.5}, "060": {"Avg": 1.2}})])
    rows = {r.factor: r for r in PointHourly.objects.filter(point=p2)}
    assert set(rows) == {"w01018", "w21003"}
    assert rows["w01018"].code == "011" and rows["w01018"].avg == 31.5


def test_daily_packets_go_to_point_daily(world, hour0):
    from django.utils import timezone

    p2 = world["p2"]
    day_start = hour0.replace(hour=0)
    SourcesRegistry().on_stored([packet(p2, day_start, {"w01018": {"Avg": 45, "Cou": 1200}}, cn="2031", kind="day")])
    row = PointDaily.objects.get(point=p2, factor="w01018")
    assert row.day == timezone.localtime(day_start).date() and row.cou == 1200
    # 45 > the daily limit of 40 (the hourly limit is 50)
    a = Alarm.objects.get(kind="exceedance", point=p2)
    assert a.detail_key == "day" and a.limit_value == 40


def test_minute_packets_never_become_rows_but_refresh_latest(world, hour0):
    p1 = world["p1"]
    reg = SourcesRegistry()
    reg.on_stored([packet(p1, hour0 + dt.timedelta(minutes=m), {"a21026": {"Avg": 10 + m}}, cn="2051", kind="minute")
                   for m in range(10)])
    # ten minute values: no row each; at most the hour they roll up into (the hour is long over)
    assert PointHourly.objects.count() == 1 and PointDaily.objects.count() == 0
    p1.refresh_from_db()
    assert p1.latest["a21026"]["v"] == 19 and p1.last_data_at is not None


def test_unknown_points_in_a_batch_are_skipped(world, hour0):
    ghost = MonitoringPoint(pk=999999, mn="GHOST")
    SourcesRegistry().on_stored([packet(ghost, hour0, {"a21026": {"Avg": 1}}), packet(world["p1"], hour0, {"a21026": {"Avg": 1}})])
    assert PointHourly.objects.count() == 1


def test_on_unknown_mn_lists_it_once_and_counts(world):
    from envbureau.sources.models import UnknownMN

    reg = SourcesRegistry()
    reg.on_unknown_mn("NEWMN01", "10.0.0.5:4000", b"##0010QN=1;MN=NEWMN01")
    reg.on_unknown_mn("NEWMN01", "10.0.0.5:4001", b"##0010")
    u = UnknownMN.objects.get(mn="NEWMN01")
    assert u.count == 2 and u.peer == "10.0.0.5:4001" and "NEWMN01" in u.sample


def test_gateway_writes_are_audited_once_per_batch(world, hour0):
    from envbureau.core.models import AuditEntry

    before = AuditEntry.objects.filter(model="sources.pointhourly").count()
    SourcesRegistry().on_stored([packet(world["p1"], hour0 + dt.timedelta(hours=h), {"a21026": {"Avg": 1, "ZsAvg": 1}})
                                 for h in range(5)])
    entries = AuditEntry.objects.filter(model="sources.pointhourly")
    assert entries.count() == before + 1
    e = entries.first()
    assert e.source == "gateway" and e.changes["hourly"] == 5


def _minutes(point, hour, values, factor="w01018", zs=None, step=10):
    return [packet(point, hour + dt.timedelta(minutes=step * i),
                   {factor: {"Avg": v, **({"ZsAvg": zs[i]} if zs else {})}}, cn="2051", kind="minute")
            for i, v in enumerate(values)]


@pytest.fixture
def this_hour():
    from envbureau.hj212 import CHINA_TZ

    return dt.datetime.now(CHINA_TZ).replace(minute=0, second=0, microsecond=0)


def test_minute_data_rolls_up_into_an_hour_when_no_hourly_packet_comes(world, this_hour):
    hour0 = this_hour
    p2 = world["p2"]
    reg = SourcesRegistry()
    first = _minutes(p2, hour0, [40, 50, 60, 70, 80, 90])
    reg.on_stored(first[:4])
    reg.on_stored(first[2:])  # overlapping re-delivery: minutes counted once
    assert not PointHourly.objects.exists()  # the hour is still open
    reg.on_stored(_minutes(p2, hour0 + dt.timedelta(hours=1), [10]))  # the next hour began
    row = PointHourly.objects.get(point=p2, hour=hour0)
    assert row.rolled_up and row.samples == 6 and row.avg == 65 and (row.min, row.max) == (40, 90)
    a = Alarm.objects.get(kind="exceedance")  # 65 > 50: judged on the rolled-up hourly average
    assert a.value == 65 and a.started_at == hour0
    # the device's own hourly packet arrives later: it replaces the roll-up
    reg.on_stored([packet(p2, hour0, {"w01018": {"Avg": 64.5}})])
    row.refresh_from_db()
    assert not row.rolled_up and row.samples is None and row.avg == 64.5


def test_rollup_never_overrides_an_hourly_packet(world, this_hour):
    hour0 = this_hour
    p2 = world["p2"]
    reg = SourcesRegistry()
    reg.on_stored([packet(p2, hour0, {"w01018": {"Avg": 33}})])
    reg.on_stored(_minutes(p2, hour0, [10, 20]) + _minutes(p2, hour0 + dt.timedelta(hours=1), [10]))
    row = PointHourly.objects.get(point=p2, hour=hour0)
    assert not row.rolled_up and row.avg == 33


def test_rollup_averages_converted_values(world, this_hour):
    hour0 = this_hour
    p1 = world["p1"]
    reg = SourcesRegistry()
    reg.on_stored(_minutes(p1, hour0, [20, 20], factor="a21026", zs=[30, 50]))
    reg.on_stored(_minutes(p1, hour0 + dt.timedelta(hours=1), [20], factor="a21026", zs=[30]))
    row = PointHourly.objects.get(point=p1, hour=hour0)
    assert row.zs_avg == 40 and row.avg == 20
    assert Alarm.objects.get(kind="exceedance").value == 40  # SO2 limit 35 is on the converted value
