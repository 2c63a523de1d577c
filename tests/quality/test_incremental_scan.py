"""Issue 17: scan_warnings is vectorised per station block and time window, scans only the hours new since its last
run, and a long outage stays one warning with its start, however many scans and windows it spans."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
HEAD = "站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\n"


def _import(lines):
    from envbureau.quality.airdata import import_files

    import_files([("x.csv", (HEAD + "\n".join(lines) + "\n").encode())])


def _hours(first: dt.datetime, n: int, pm25=lambda i: 40 + i % 7, station="BJ-Dongsi"):
    # varying values so no flat line; CO/O3 vary too
    return [f"{station},{(first + dt.timedelta(hours=i)):%Y-%m-%d %H:%M},{pm25(i)},{80 + i % 5},{3 + i % 4},"
            f"{30 + i % 6},{0.4 + (i % 3) / 10:.1f},{60 + i % 9}" for i in range(n)]


def test_outage_across_windows_and_scans_is_one_warning_with_its_start(stations, monkeypatch):
    from envbureau.quality import services
    from envbureau.quality.models import Warning
    from envbureau.quality.services import scan_air_warnings

    monkeypatch.setattr(services, "SCAN_WINDOW_DAYS", 1)  # windows of 24 h: the outage crosses windows
    # data 2017-02-25 00:00 … 2017-02-28 09:00, then nothing: the outage starts 2017-02-28 10:00
    _import(_hours(dt.datetime(2017, 2, 25), 3 * 24 + 10))
    scan_air_warnings(dt.datetime(2017, 2, 25, tzinfo=TZ), dt.datetime(2017, 3, 1, 23, tzinfo=TZ))
    (w,) = Warning.objects.filter(kind="data_stop", subject="东四")
    assert w.first_time == dt.datetime(2017, 2, 28, 10, tzinfo=TZ)
    assert w.last_time == dt.datetime(2017, 3, 1, 23, tzinfo=TZ) and w.count == 14 + 24
    assert "自 2017-02-28 10:00 起无数据" in w.message
    # the next scans (no start: only what is new) extend the same warning, even by a single hour
    out = scan_air_warnings(None, dt.datetime(2017, 3, 2, 0, tzinfo=TZ))
    assert out["start"] == dt.datetime(2017, 3, 1, 23, tzinfo=TZ) and out["created"] == 0
    scan_air_warnings(None, dt.datetime(2017, 3, 3, 5, tzinfo=TZ))
    (w,) = Warning.objects.filter(kind="data_stop", subject="东四")
    assert w.first_time == dt.datetime(2017, 2, 28, 10, tzinfo=TZ)
    assert w.last_time == dt.datetime(2017, 3, 3, 5, tzinfo=TZ) and w.count == 14 + 24 + 24 + 6
    assert "自 2017-02-28 10:00 起无数据(连续 68 小时)" in w.message


def test_stop_boundary_five_hours_no_warning_six_hours_warning(stations):
    from envbureau.quality.models import Warning
    from envbureau.quality.services import scan_air_warnings

    day = dt.datetime(2016, 5, 1)
    lines = _hours(day, 24)
    keep = [ln for i, ln in enumerate(lines) if not (2 <= i < 7)]  # 5 hours missing at 02–06: under the limit
    _import(keep)
    scan_air_warnings(dt.datetime(2016, 5, 1, tzinfo=TZ), dt.datetime(2016, 5, 1, 23, tzinfo=TZ), stop_hours=6)
    assert not Warning.objects.filter(kind="data_stop", subject="东四").exists()
    scan_air_warnings(dt.datetime(2016, 5, 1, tzinfo=TZ), dt.datetime(2016, 5, 1, 23, tzinfo=TZ), stop_hours=5)
    (w,) = Warning.objects.filter(kind="data_stop", subject="东四")  # equal to the limit: raised
    assert (w.first_time, w.last_time, w.count) == (dt.datetime(2016, 5, 1, 2, tzinfo=TZ),
                                                    dt.datetime(2016, 5, 1, 6, tzinfo=TZ), 5)


def test_threshold_and_flat_line_across_window_edges(stations, monkeypatch):
    from envbureau.quality import services
    from envbureau.quality.models import AirThreshold, Warning
    from envbureau.quality.services import scan_air_warnings

    monkeypatch.setattr(services, "SCAN_WINDOW_DAYS", 1)
    # PM2.5 constant 55 from 2016-05-01 20:00 to 2016-05-02 03:00 local (8 hours, across the day/window edge);
    # PM2.5 over 300 at 05-01 08:00 (= 300: not over) and 05-02 09:00 (301: over) and 05-02 10:00 (450)
    special = {8: 300, 33: 301, 34: 450, **{i: 55 for i in range(20, 28)}}
    _import(_hours(dt.datetime(2016, 5, 1), 48, pm25=lambda i: special.get(i, 40 + i % 7)))
    AirThreshold.objects.create(pollutant="pm25", hourly_limit=300)
    scan_air_warnings(dt.datetime(2016, 5, 1, tzinfo=TZ), dt.datetime(2016, 5, 2, 23, tzinfo=TZ), flat_hours=8)
    th = Warning.objects.get(kind="air_threshold", subject="东四")
    assert (th.count, th.value) == (2, 450)
    assert (th.first_time, th.last_time) == (dt.datetime(2016, 5, 2, 9, tzinfo=TZ), dt.datetime(2016, 5, 2, 10, tzinfo=TZ))
    fl = Warning.objects.get(kind="flat_line", subject="东四", pollutant="pm25")
    assert (fl.first_time, fl.count, fl.value) == (dt.datetime(2016, 5, 1, 20, tzinfo=TZ), 8, 55)


def test_scan_without_start_covers_only_new_hours_and_late_imports(stations):
    from envbureau.quality.models import AirThreshold, Warning, WarningScan
    from envbureau.quality.services import scan_air_warnings

    _import(_hours(dt.datetime(2016, 5, 1), 48))
    AirThreshold.objects.create(pollutant="pm25", hourly_limit=300)
    end = dt.datetime(2016, 5, 2, 23, tzinfo=TZ)
    scan_air_warnings(dt.datetime(2016, 5, 1, tzinfo=TZ), end)
    assert WarningScan.objects.get(name="air").scanned_until == end
    out = scan_air_warnings(None, end)
    assert out["start"] == end and out["hours"] == 1  # nothing new: only the last hour again
    # a late file for 2016-05-01 (before where the scan stands) sends the next scan back to that day
    _import([f"BJ-Dongsi,2016-05-01 12:00,{999},80,3,30,0.4,60"])
    assert WarningScan.objects.get(name="air").dirty_from == dt.datetime(2016, 5, 1, tzinfo=TZ)
    out = scan_air_warnings(None, end)
    assert out["start"] == dt.datetime(2016, 5, 1, tzinfo=TZ)
    assert Warning.objects.get(kind="air_threshold").value == 999
    assert WarningScan.objects.get(name="air").dirty_from is None
