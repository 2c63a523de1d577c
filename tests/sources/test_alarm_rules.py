"""The alarm rules of sources.alarms written down as expectations, in a crowded world: several points,
factors, kinds, periods and declarations side by side, so a rule that forgets one of its keys (the point,
the kind, the factor, the period, the status) folds into or clears the wrong alarm and fails here.
The messages are the words staff read on the alarm list; they are stated in full."""

import datetime as dt

import pytest

from envbureau.sources import alarms
from envbureau.sources.models import Alarm, Declaration, PointHourly, PollutantLimit

T = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


def active(point, kind, factor=None, detail_key=None):
    qs = Alarm.objects.filter(point=point, kind=kind, active=True)
    if factor is not None:
        qs = qs.filter(factor=factor)
    if detail_key is not None:
        qs = qs.filter(detail_key=detail_key)
    return list(qs)


def limits(point, period="hour"):
    return list(PollutantLimit.objects.filter(point=point))


def ev(point, at, factors, period="hour", index=None):
    return alarms.evaluate_values(point, at, factors, period, limits(point), index=index)


# ---- messages and what an alarm records -------------------------------------------------------------

@pytest.mark.parametrize(("pt", "factor", "fields", "period", "message", "value", "limit", "converted"), [
    ("p1", "a21002", {"Avg": 60}, "hour", "小时均值 60 mg/m³ 超过限值 50 mg/m³,超标 0.20 倍", 60, 50, False),
    ("p1", "a21026", {"Avg": 1, "ZsAvg": 70}, "hour", "小时均值(折算) 70 mg/m³ 超过限值 35 mg/m³,超标 1.00 倍", 70, 35, True),
    ("p2", "w01018", {"Avg": 44}, "day", "日均值 44 mg/L 超过限值 40 mg/L,超标 0.10 倍", 44, 40, False),
    ("p2", "w01001", {"Avg": 5.5}, "hour", "小时均值 5.5 低于下限 6", 5.5, 6, False),
])
def test_exceedance_records_value_limit_and_words(world, pt, factor, fields, period, message, value, limit, converted):
    point = world[pt]
    raised = ev(point, T, {factor: fields}, period)
    (a,) = active(point, "exceedance", factor)
    assert raised == [a]
    assert (a.message, a.value, a.limit_value, a.on_converted, a.detail_key) == (message, value, limit, converted, period)
    assert (a.started_at, a.last_seen_at, a.occurrences, a.enterprise_id) == (T, T, 1, point.enterprise_id)
    assert ev(point, T + H, {factor: fields}, period) == []  # folded, not raised again


@pytest.mark.parametrize(("factor", "fields", "message", "value"), [
    ("w01018", {"Avg": -1}, "负值 -1", -1),
    ("w01001", {"Avg": 14.5}, "pH 超出 0–14", 14.5),
    ("w01018", {"Avg": 3, "Flag": "T"}, "数据标记 T(超测量上限)", 3),
    ("w01018", {"Avg": 3, "Flag": "B"}, "数据标记 B(仪表通讯异常)", 3),
])
def test_invalid_data_words(world, factor, fields, message, value):
    p2 = world["p2"]
    raised = ev(p2, T, {factor: fields})
    (a,) = active(p2, "invalid", factor)
    assert raised == [a] and a.message == message and a.value == value
    assert active(p2, "exceedance") == []  # an unusable value is never judged against the limit


def test_device_state_words_and_key(world):
    p2 = world["p2"]
    raised = ev(p2, T, {"w01018": {"Avg": 80, "Flag": "M"}})
    (a,) = active(p2, "device_state", "w01018")
    assert raised == [a]
    assert (a.message, a.detail_key) == ("数据标记 M(维护)", "M")
    assert active(p2, "exceedance") == [] and active(p2, "invalid") == []


def test_a_flagged_factor_does_not_stop_the_next_factor_being_judged(world):
    p2 = world["p2"]
    ev(p2, T, {"w01018": {"Avg": 3, "Flag": "D"}, "w01001": {"Avg": 10}})
    assert len(active(p2, "exceedance", "w01001")) == 1
    ev(p2, T + H, {"w01018": {"Avg": -2}, "w01001": {"Avg": 4}})
    assert [a.message for a in active(p2, "exceedance", "w01001")] == ["小时均值 10 超过限值 9,超标 0.11 倍"]


def test_a_converted_limit_without_zsavg_does_not_stop_the_measured_limit(world):
    p1 = world["p1"]
    conv = PollutantLimit(point=p1, factor="a21002", limit_value=10, on_converted=True)
    meas = PollutantLimit(point=p1, factor="a21002", limit_value=50, on_converted=False)
    alarms.evaluate_values(p1, T, {"a21002": {"Avg": 60}}, "hour", [conv, meas])
    (a,) = active(p1, "exceedance", "a21002")
    assert (a.value, a.limit_value, a.on_converted) == (60, 50, False)


# ---- clearing: only the condition that is gone ------------------------------------------------------

@pytest.mark.parametrize("indexed", [False, True])
def test_clearing_touches_only_its_factor_kind_and_period(world, indexed):
    p2 = world["p2"]
    ev(p2, T, {"w01018": {"Avg": 60}, "w01001": {"Avg": 10}})  # hourly exceedances on both factors
    ev(p2, T, {"w01018": {"Avg": 45}}, "day")  # daily exceedance of w01018
    ev(p2, T, {"w01018": {"Avg": 20, "Flag": "C"}, "w01001": {"Avg": 15}})  # device state / invalid, same hour
    idx = (lambda: alarms.ActiveIndex([p2.pk])) if indexed else (lambda: None)
    # the next hour: w01018 fine; w01001 still over its limit
    ev(p2, T + H, {"w01018": {"Avg": 20}, "w01001": {"Avg": 10}}, index=idx())
    assert active(p2, "exceedance", "w01018", "hour") == []
    assert len(active(p2, "exceedance", "w01018", "day")) == 1  # the hourly value does not clear the day
    assert len(active(p2, "exceedance", "w01001", "hour")) == 1
    assert active(p2, "device_state", "w01018") == []
    assert active(p2, "invalid", "w01001") == []
    ended = Alarm.objects.get(point=p2, kind="device_state", factor="w01018")
    assert (ended.active, ended.ended_at) == (False, T + H)
    # the invalid alarm of w01001 and the device state of w01018 ended; w01001 invalid needs its own good value
    ev(p2, T + 2 * H, {"w01001": {"Avg": 7}}, index=idx())
    assert active(p2, "exceedance", "w01001") == []
    assert len(active(p2, "exceedance", "w01018", "day")) == 1


def test_invalid_clears_only_its_factor(world):
    p2 = world["p2"]
    ev(p2, T, {"w01018": {"Avg": -1}, "w01001": {"Avg": 15}})
    ev(p2, T + H, {"w01018": {"Avg": 20}})
    assert active(p2, "invalid", "w01018") == []
    assert len(active(p2, "invalid", "w01001")) == 1


def test_device_state_clears_only_its_factor(world):
    p2 = world["p2"]
    ev(p2, T, {"w01018": {"Avg": 1, "Flag": "F"}, "w01001": {"Avg": 7, "Flag": "F"}})
    ev(p2, T + H, {"w01018": {"Avg": 20}})
    assert active(p2, "device_state", "w01018") == []
    assert len(active(p2, "device_state", "w01001")) == 1


def test_clean_hour_with_an_index_and_nothing_active_costs_no_query(world, django_assert_num_queries):
    p2 = world["p2"]
    lims = limits(p2)
    index = alarms.ActiveIndex([p2.pk])
    with django_assert_num_queries(0):
        assert alarms.evaluate_values(p2, T, {"w01018": {"Avg": 20}, "w01001": {"Avg": 7}}, "hour", lims,
                                      index=index) == []


def test_clear_condition_counts_and_respects_point_active_and_time(world):
    p1, p2 = world["p1"], world["p2"]
    ev(p2, T, {"w01018": {"Avg": -1}, "w01001": {"Avg": 15}})
    other = Alarm.objects.create(point=p1, enterprise=world["e1"], kind="invalid", factor="w01018",
                                 started_at=T, last_seen_at=T)
    done_at = T - 5 * H
    done = Alarm.objects.create(point=p2, enterprise=world["e2"], kind="invalid", factor="w01018",
                                started_at=T - 9 * H, last_seen_at=T - 6 * H, active=False, ended_at=done_at)
    # older data than the last occurrence clears nothing
    assert alarms.clear_condition(p2, "invalid", T - H) == 0
    # an index that knows no active alarm of the kind answers 0 without looking
    Alarm.objects.filter(point=p2).update(active=False)
    empty = alarms.ActiveIndex([p2.pk])
    Alarm.objects.filter(point=p2, last_seen_at=T).update(active=True)
    assert alarms.clear_condition(p2, "invalid", T, factor="w01018", index=empty) == 0
    assert len(active(p2, "invalid")) == 2
    # without a factor: every factor of the kind at this point, nothing elsewhere
    assert alarms.clear_condition(p2, "invalid", T) == 2
    other.refresh_from_db()
    done.refresh_from_db()
    assert other.active and other.ended_at is None
    assert (done.active, done.ended_at) == (False, done_at)


# ---- raising: one live alarm per key ----------------------------------------------------------------

def test_fold_later_earlier_and_same_occurrence(world):
    p2 = world["p2"]
    a, created = alarms.raise_alarm(p2, "invalid", T, factor="w01018", value=-1, message="m")
    assert created and (a.occurrences, a.started_at, a.last_seen_at, a.on_converted) == (1, T, T, False)
    b, created = alarms.raise_alarm(p2, "invalid", T + 2 * H, factor="w01018", value=-3)
    assert (b.pk, created) == (a.pk, False)
    a.refresh_from_db()
    assert (a.occurrences, a.started_at, a.last_seen_at, a.value) == (2, T, T + 2 * H, -3)
    alarms.raise_alarm(p2, "invalid", T + 2 * H, factor="w01018", value=-9)  # the same hour again: no change
    alarms.raise_alarm(p2, "invalid", T + H, factor="w01018", value=-9)  # inside the known span: no change
    a.refresh_from_db()
    assert (a.occurrences, a.started_at, a.last_seen_at, a.value) == (2, T, T + 2 * H, -3)
    alarms.raise_alarm(p2, "invalid", T - 3 * H, factor="w01018", value=-9)  # earlier than the start
    a.refresh_from_db()
    assert (a.occurrences, a.started_at, a.last_seen_at, a.value) == (3, T - 3 * H, T + 2 * H, -3)
    alarms.raise_alarm(p2, "invalid", T - 3 * H, factor="w01018")  # that start again: no change
    a.refresh_from_db()
    assert (a.occurrences, a.started_at) == (3, T - 3 * H)
    assert Alarm.objects.filter(point=p2).count() == 1


def test_fold_only_into_the_same_point_kind_factor_key_and_live_status(world):
    p1, p2 = world["p1"], world["p2"]
    base, _c = alarms.raise_alarm(p2, "invalid", T, factor="w01018", detail_key="hour")
    keys = [
        (p1, "invalid", "w01018", "hour"),  # other point
        (p2, "exceedance", "w01018", "hour"),  # other kind
        (p2, "invalid", "w01001", "hour"),  # other factor
        (p2, "invalid", "w01018", "day"),  # other key
    ]
    for point, kind, factor, key in keys:
        a, created = alarms.raise_alarm(point, kind, T + H, factor=factor, detail_key=key)
        assert created and a.pk != base.pk, (point.mn, kind, factor, key)
    base.refresh_from_db()
    assert base.occurrences == 1
    # a closed alarm that is still marked active is not live: a new occurrence opens a new alarm
    Alarm.objects.filter(pk=base.pk).update(status="closed")
    c, created = alarms.raise_alarm(p2, "invalid", T + 2 * H, factor="w01018", detail_key="hour")
    assert created and c.pk != base.pk


def test_message_default_and_cut_at_300(world):
    p2 = world["p2"]
    a, _c = alarms.raise_alarm(p2, "absence", T)
    assert a.message == "" and a.factor == "" and a.value is None
    b, _c = alarms.raise_alarm(p2, "flatline", T, factor="w01018", message="长" * 400)
    b.refresh_from_db()
    assert b.message == "长" * 300


def test_declaration_is_looked_up_for_the_alarm_factor(world):
    p2, e2 = world["p2"], world["e2"]
    d = Declaration.objects.create(enterprise=e2, point=p2, factor="w01001", kind="maintenance",
                                   start=T - H, end=T + 5 * H, reason="检修", status="approved")
    a, _c = alarms.raise_alarm(p2, "invalid", T, factor="w01001")
    b, _c = alarms.raise_alarm(p2, "invalid", T, factor="w01018")
    assert (a.declared, a.declaration_id) == (True, d.pk)
    assert (b.declared, b.declaration_id) == (False, None)


# ---- declarations -----------------------------------------------------------------------------------

def test_find_declaration_rules(world):
    p1, p2, e1, e2 = world["p1"], world["p2"], world["e1"], world["e2"]

    def decl(**kw):
        base = {"enterprise": e2, "point": p2, "factor": "", "kind": "maintenance", "start": T - H, "end": T + H,
                "reason": "r", "status": "approved"}
        base.update(kw)
        return Declaration.objects.create(**base)

    assert alarms.find_declaration(p2, "w01018", T) is None
    e1_decl = decl(enterprise=e1, point=None)  # another enterprise
    decl(status="pending")
    decl(status="rejected")
    decl(point=None, enterprise=e2, factor="a21002")  # another factor
    decl(start=T + 1 * dt.timedelta(seconds=1), end=T + 3 * H)  # starts after
    decl(start=T - 3 * H, end=T)  # ended exactly at T (end excluded)
    other_point = world["o2"].points.create(mn="TESTMN0003", name="第二点位")
    decl(point=other_point)
    assert alarms.find_declaration(p2, "w01018", T) is None
    starts_now = decl(start=T, end=T + H, factor="w01018")  # start included
    assert alarms.find_declaration(p2, "w01018", T) == starts_now
    whole = decl(point=None, start=T - 2 * H, end=T + 2 * H)  # whole enterprise, every factor, earlier start
    assert alarms.find_declaration(p2, "w01018", T) == starts_now  # the latest start wins
    assert alarms.find_declaration(p2, "w01001", T) == whole  # starts_now is for w01018 only
    assert alarms.find_declaration(p2, "", T) == starts_now  # no factor: any declaration of the point
    assert alarms.find_declaration(p1, "w01018", T) == e1_decl  # e1's own, for all its points


# ---- the index ----------------------------------------------------------------------------------------

def test_active_index(world):
    p1, p2 = world["p1"], world["p2"]
    alarms.raise_alarm(p2, "invalid", T, factor="w01018")
    alarms.raise_alarm(p1, "exceedance", T, factor="a21002")
    gone, _c = alarms.raise_alarm(p2, "flatline", T, factor="w01001")
    alarms.clear_condition(p2, "flatline", T + H)
    gone.refresh_from_db()
    assert not gone.active
    idx = alarms.ActiveIndex([p2.pk])
    assert idx.keys == {(p2.pk, "invalid", "w01018")}  # only active alarms of the points asked for
    assert idx.has(p2.pk, "invalid", "w01018")
    assert not idx.has(p2.pk, "invalid", "w01001")
    assert not idx.has(p2.pk, "flatline", "w01001")
    assert not idx.has(p2.pk, "exceedance", "w01018")
    assert not idx.has(p1.pk, "invalid", "w01018")
    assert idx.has(p2.pk, "invalid", None)  # any factor of the kind
    assert not idx.has(p2.pk, "exceedance", None)
    assert not idx.has(p1.pk, "invalid", None)
    assert not alarms.ActiveIndex([]).has(p2.pk, "invalid", None)


# ---- absence --------------------------------------------------------------------------------------------

def test_absence_words_points_and_order(world):
    p1, p2 = world["p1"], world["p2"]
    never = world["o2"].points.create(mn="TESTMN0009", name="未上线", absence_minutes=30)
    for p in (p1, p2):
        p.absence_minutes = 30
        p.last_data_at = T - dt.timedelta(minutes=90, seconds=50)
        p.save()
    # only the points given are checked, in their order; one never reported is skipped, not the end
    raised = alarms.check_absence(now=T, points=[never, p2])
    (a,) = active(p2, "absence")
    assert raised == [a]
    assert a.message == "已 90 分钟无数据" and a.started_at == p2.last_data_at
    assert active(p1, "absence") == [] and active(never, "absence") == []
    assert alarms.check_absence(now=T, points=[p2]) == []  # still silent: the same alarm


# ---- flat line ------------------------------------------------------------------------------------------

def hours_of(point, factor, end, values):
    for i, v in enumerate(values):
        PointHourly.objects.create(point=point, factor=factor, hour=end - (len(values) - 1 - i) * H, avg=v)


def test_flatline_reads_only_its_point_factor_and_window(world):
    p1, p2 = world["p1"], world["p2"]
    hours_of(p2, "w01018", T, [5.0] * 6)
    # noise around it that must not count: other point, other factor, before the window, after `at`
    hours_of(p1, "w01018", T, [1, 2, 3, 4, 5, 6])
    hours_of(p2, "w01001", T, [7, 8, 7, 8, 7, 8])
    PointHourly.objects.create(point=p2, factor="w01018", hour=T - 6 * H, avg=9)
    PointHourly.objects.create(point=p2, factor="w01018", hour=T + H, avg=9)
    a = alarms.evaluate_flatline(p2, "w01018", T, hours=6)
    assert a is not None and a.message == "连续 6 小时数值恒为 5" and a.value == 5.0
    assert alarms.evaluate_flatline(p2, "w01018", T, hours=6) is None  # the same alarm, not raised twice
    assert alarms.evaluate_flatline(p2, "w01001", T, hours=6) is None
    assert active(p2, "flatline", "w01001") == []


def test_flatline_tolerance_and_last_value(world):
    p2 = world["p2"]
    series = {T - (3 - i) * H: v for i, v in enumerate([0.0, 0.0, 0.0, 1e-9])}
    a = alarms.evaluate_flatline(p2, "w01018", T, hours=4, series=series)
    assert a is not None and a.value == 1e-9  # within 1e-9 counts as constant; the latest value is kept
    series2 = {T - (3 - i) * H: v for i, v in enumerate([0.0, 0.0, 0.0, 1e-8])}
    assert alarms.evaluate_flatline(world["p1"], "a21002", T, hours=4, series=series2) is None


def test_flatline_series_must_cover_the_window(world):
    p2 = world["p2"]
    # values at the right hours but shifted a day: not the window
    shifted = {T - dt.timedelta(days=1) - i * H: 5.0 for i in range(4)}
    assert alarms.evaluate_flatline(p2, "w01018", T, hours=4, series=shifted) is None
    missing_one = {T - i * H: 5.0 for i in range(3)}
    assert alarms.evaluate_flatline(p2, "w01018", T, hours=4, series=missing_one) is None


def test_flatline_clears_on_a_change_of_its_own_factor(world):
    p2 = world["p2"]
    flat = {T - (2 - i) * H: 5.0 for i in range(3)}
    alarms.evaluate_flatline(p2, "w01018", T, hours=3, series=flat)
    alarms.evaluate_flatline(p2, "w01001", T, hours=3, series=flat)
    # two values that differ are enough to end it (the third hour is missing)
    moved = {T: 5.0, T + H: 6.0}
    assert alarms.evaluate_flatline(p2, "w01018", T + H, hours=3, series=moved) is None
    assert active(p2, "flatline", "w01018") == []
    assert len(active(p2, "flatline", "w01001")) == 1


def test_check_flatline_all_window_and_enabled(world, settings):
    p1, p2 = world["p1"], world["p2"]
    hours = 6  # SOURCES_FLATLINE_HOURS default
    now = T + 30 * 24 * H  # a past "now" given explicitly, not the clock
    # latest hour exactly hours+2 before now: in the sweep
    hours_of(p2, "w01018", now - (hours + 2) * H, [4.0] * hours)
    # latest hour hours+3 before now: outside it
    hours_of(p2, "w01001", now - (hours + 3) * H, [7.0] * hours)
    # a disabled point is not swept
    hours_of(p1, "a21002", now - H, [3.0] * hours)
    p1.enabled = False
    p1.save()
    out = alarms.check_flatline_all(now=now)
    assert [(a.point_id, a.factor) for a in out] == [(p2.pk, "w01018")]
    assert active(p2, "flatline", "w01001") == [] and active(p1, "flatline") == []
    assert alarms.check_flatline_all(now=now) == []  # nothing new the second time


# ---- one index for a whole batch (several hours): what a rule raises, a later rule can clear -------------

@pytest.mark.parametrize(("factor", "bad", "good", "kind"), [
    ("w01018", {"Avg": 20, "Flag": "M"}, {"Avg": 20}, "device_state"),
    ("w01018", {"Avg": -1}, {"Avg": 20}, "invalid"),
    ("w01018", {"Avg": 60}, {"Avg": 20}, "exceedance"),
])
def test_an_alarm_raised_in_a_batch_is_cleared_by_a_later_hour_of_the_same_batch(world, factor, bad, good, kind):
    p2 = world["p2"]
    idx = alarms.ActiveIndex([p2.pk])  # loaded once, before the batch: nothing active yet
    ev(p2, T, {factor: bad}, index=idx)
    assert len(active(p2, kind, factor)) == 1
    ev(p2, T + H, {factor: good}, index=idx)
    assert active(p2, kind, factor) == []
    ended = Alarm.objects.get(point=p2, kind=kind, factor=factor)
    assert ended.ended_at == T + H


def test_flatline_raised_in_a_batch_is_cleared_by_a_later_hour_of_the_same_batch(world):
    p2 = world["p2"]
    idx = alarms.ActiveIndex([p2.pk])
    flat = {T - (2 - i) * H: 5.0 for i in range(3)}
    assert alarms.evaluate_flatline(p2, "w01018", T, hours=3, series=flat, index=idx) is not None
    moved = {**flat, T + H: 6.0}
    assert alarms.evaluate_flatline(p2, "w01018", T + H, hours=3, series=moved, index=idx) is None
    assert active(p2, "flatline", "w01018") == []


def test_an_index_that_knows_only_other_factors_costs_no_query_to_clear(world, django_assert_num_queries):
    p2 = world["p2"]
    alarms.raise_alarm(p2, "invalid", T, factor="w01018")  # active, but for another factor
    idx = alarms.ActiveIndex([p2.pk])
    with django_assert_num_queries(0):
        assert alarms.clear_condition(p2, "invalid", T + H, factor="w01001", index=idx) == 0
    # a flat line that moves, with nothing active for its factor: nothing to look up either
    moving = {T - H: 5.0, T: 6.0}
    with django_assert_num_queries(0):
        assert alarms.evaluate_flatline(p2, "w01001", T, hours=3, series=moving, index=idx) is None
    assert len(active(p2, "invalid", "w01018")) == 1


def test_raising_with_an_index_skips_the_lookup_only_for_the_factor_it_knows_nothing_of(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p2 = world["p2"]
    alarms.raise_alarm(p2, "invalid", T, factor="w01018")
    idx = alarms.ActiveIndex([p2.pk])
    with CaptureQueriesContext(connection) as plain:
        alarms.raise_alarm(p2, "invalid", T, factor="w01001")  # no index: looks for a live alarm first
    with CaptureQueriesContext(connection) as indexed:
        alarms.raise_alarm(p2, "invalid", T, factor="w21003", index=idx)  # the index knows w21003 has none
    assert len(indexed) == len(plain) - 1
    assert len(active(p2, "invalid")) == 3


def test_a_clean_factor_does_not_clear_another_factors_exceedance(world):
    p2 = world["p2"]
    ev(p2, T, {"w01001": {"Avg": 10}})
    (first,) = active(p2, "exceedance", "w01001")
    # the still-exceeding factor is judged first, then the clean one: the clean one clears only itself
    ev(p2, T + H, {"w01001": {"Avg": 11}, "w01018": {"Avg": 20}})
    (still,) = active(p2, "exceedance", "w01001")
    assert (still.pk, still.occurrences, still.started_at, still.last_seen_at) == (first.pk, 2, T, T + H)


def test_the_alarm_cites_the_standard_of_its_limit(world):
    p1 = world["p1"]
    lim = PollutantLimit(point=p1, factor="a21002", limit_value=50, standard="GB 13223-2011 表1")
    alarms.evaluate_values(p1, T, {"a21002": {"Avg": 60}}, "hour", [lim])
    (a,) = active(p1, "exceedance", "a21002")
    assert a.message == "小时均值 60 mg/m³ 超过限值 50 mg/m³,超标 0.20 倍;依据 GB 13223-2011 表1"


def test_raised_without_a_key_has_an_empty_key(world):
    a, _c = alarms.raise_alarm(world["p2"], "absence", T)
    a.refresh_from_db()
    assert a.detail_key == ""


def test_flatline_message_shows_the_latest_value(world):
    p2 = world["p2"]
    series = {T - (3 - i) * H: v for i, v in enumerate([0.0, 0.0, 0.0, 1e-9])}
    a = alarms.evaluate_flatline(p2, "w01018", T, hours=4, series=series)
    assert a.message == "连续 4 小时数值恒为 1e-09"


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (129.799, "mg/L", "129.8 mg/L"),      # two decimals at most from 1 up
    (100.0, "mg/L", "100 mg/L"),
    (1.005, "mg/m³", "1 mg/m³"),
    (0.01234, "mg/m³", "0.0123 mg/m³"),  # three significant figures below 1
    (0.5, "", "0.5"),                   # pH: no unit
    (None, "mg/L", "—"),
])
def test_alarm_values_read_with_their_unit(value, unit, shown):
    assert alarms._measure(value, unit) == shown
