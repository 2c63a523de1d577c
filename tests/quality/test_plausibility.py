"""Issue 9, plausibility: range checks per pollutant (error where the value cannot be real, flag where
it may be), PM2.5 above PM10 flagged, a time in the future refused; flags shown on the review page.
Comparisons are strict: a value equal to a bound passes."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db

HEAD = "站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\n"


def _csv(lines):
    return (HEAD + "\n".join(lines) + "\n").encode()


def _import(lines):
    from envbureau.quality.airdata import import_files

    return import_files([("air.csv", _csv(lines))], rebuild=False)


def _errors(lines):
    from envbureau.quality.airdata import ImportFailed

    with pytest.raises(ImportFailed) as exc:
        _import(lines)
    return {(e["row"], e["column"].split("(")[0]): e["message"] for e in exc.value.errors}


def test_co_80_mg_is_refused_50_is_kept_and_flagged(stations):
    from envbureau.quality.models import AirHourly

    errs = _errors(["BJ-Dongsi,2015-01-01 00:00,10,20,3,40,80,60",     # row 2: CO 80 mg/m³
                    "BJ-Dongsi,2015-01-01 01:00,10,20,3,40,50.1,60"])  # row 3: just above 50
    assert "合理范围" in errs[(2, "CO")] and "50 mg/m³" in errs[(2, "CO")] and (3, "CO") in errs
    assert AirHourly.objects.count() == 0
    _import(["BJ-Dongsi,2015-01-01 00:00,10,20,3,40,50,60",      # equal to the error bound: kept, flagged
             "BJ-Dongsi,2015-01-01 01:00,10,20,3,40,10,60",      # equal to the flag bound: not flagged
             "BJ-Dongsi,2015-01-01 02:00,10,20,3,40,10.1,60"])   # above it: flagged
    flags = [h.flags for h in AirHourly.objects.order_by("time")]
    co_bit = 1 << 4
    assert [bool(f & co_bit) for f in flags] == [True, False, True]


def test_pm25_above_pm10_is_flagged_equal_is_not(stations):
    from envbureau.quality.models import AirHourly
    from envbureau.quality.plausibility import FLAG_PM25_ABOVE_PM10

    _import(["BJ-Dongsi,2015-01-01 00:00,79,80,3,40,0.5,60",
             "BJ-Dongsi,2015-01-01 01:00,80,80,3,40,0.5,60",
             "BJ-Dongsi,2015-01-01 02:00,81,80,3,40,0.5,60",
             "BJ-Dongsi,2015-01-01 03:00,81,,3,40,0.5,60"])      # no PM10: nothing to compare
    flags = [bool(h.flags & FLAG_PM25_ABOVE_PM10) for h in AirHourly.objects.order_by("time")]
    assert flags == [False, False, True, False]
    assert AirHourly.objects.order_by("time")[2].pm25 == 81       # kept as sent


def test_pm25_above_pm10_as_an_error_when_configured(stations, settings):
    settings.QUALITY_PLAUSIBILITY = {"pm25_above_pm10": "error", "co": {"error_above": 100}}
    errs = _errors(["BJ-Dongsi,2015-01-01 00:00,81,80,3,40,80,60"])
    assert "大于 PM10 80" in errs[(2, "PM2.5/PM10")] and (2, "CO") not in errs


def test_future_time_is_refused(stations, monkeypatch):
    from envbureau.quality import airdata

    now = dt.datetime(2024, 6, 1, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    monkeypatch.setattr(airdata, "now", lambda: now)
    errs = _errors(["BJ-Dongsi,2024-06-01 10:00,10,20,3,40,0.5,60",   # the current hour: accepted
                    "BJ-Dongsi,2024-06-01 11:00,10,20,3,40,0.5,60"])  # next hour: in the future
    assert errs == {(3, "监测时间"): "监测时间在将来"}


def test_review_page_lists_the_flags_in_scope(client_for, stations):
    _import(["BJ-Dongsi,2015-01-01 00:00,81,80,3,40,0.5,60",
             "BJ-Guanyuan,2015-01-01 00:00,10,20,3,40,12,60"])
    html = client_for("air_staff").get("/quality/reviews/").content.decode()
    assert "PM2.5 81 大于 PM10 80" in html and "CO 12 mg/m³ 高于 10" in html
    assert "2015-01-01 00:00" in html                     # local time, as in the file
    own = client_for("dongcheng").get("/quality/reviews/").content.decode()
    assert "PM2.5 81 大于 PM10 80" in own and "CO 12" not in own   # 西城区's flag is out of scope
