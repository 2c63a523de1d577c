"""Micro-station data quality (issue 17): each micro station against its nearest reference station, drift, step
changes and implausible PM2.5/PM10 flagged; a correction factor per sensor and period, recorded and audited,
changes the daily results and never the raw hours; rankings say whether they use corrected data.

Hand-built hours, 14 days from 2016-03-01 (local), every hour the same unless said:
  R  reference (国控) at 116.40, 39.90: PM2.5 50, PM10 80
  R2 reference far away at 117.00, 40.50: PM2.5 10
  A  micro ≈ 0.85 km east of R: PM2.5 75, PM10 120          → ratio 1.50: drift "偏高50%"
  B  micro ≈ 5.6 km north of R: PM2.5 50 for 7 days, then 75 → median ratio 1.25 (no drift), step from 03-08
  C  micro ≈ 1.1 km south of R: PM2.5 60, PM10 50            → ratio 1.20, daily PM2.5 > PM10 on 100 % of days
"""

import datetime as dt
import re
import zoneinfo

import pytest

from boundary import three

pytestmark = pytest.mark.django_db

START = dt.date(2016, 3, 1)
DAYS = 14
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def micro_city(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.derived import rebuild
    from envbureau.quality.models import AirHourly, AirStation

    dc = Jurisdiction.objects.get(code="110101")
    st = {}
    for code, level, lon, lat in (("R", "national", 116.40, 39.90), ("R2", "national", 117.00, 40.50),
                                  ("A", "micro", 116.41, 39.90), ("B", "micro", 116.40, 39.95),
                                  ("C", "micro", 116.40, 39.89)):
        st[code] = AirStation.objects.create(code=code, name=f"站{code}", control_level=level, jurisdiction=dc,
                                             longitude=lon, latitude=lat)

    def values(code, day):
        return {"R": (50, 80), "R2": (10, 20), "A": (75, 120), "B": (50 if day < 7 else 75, 120),
                "C": (60, 50)}[code]

    rows = []
    for code, s in st.items():
        for day in range(DAYS):
            d = START + dt.timedelta(days=day)
            pm25, pm10 = values(code, day)
            for h in range(24):
                rows.append(AirHourly(station=s, time=dt.datetime(d.year, d.month, d.day, h, tzinfo=TZ), pm25=pm25,
                                      pm10=pm10))
    AirHourly.objects.bulk_create(rows)
    d0 = (START - dt.date(1970, 1, 1)).days
    import numpy as np

    rebuild({s.pk: np.arange(d0, d0 + DAYS) for s in st.values()})
    return st


def checked(stations):
    from envbureau.quality import micro

    return {r["station"].code: r for r in micro.check(stations, START, START + dt.timedelta(days=DAYS - 1))}


def test_each_micro_station_against_its_nearest_reference(micro_city):
    rows = checked(list(micro_city.values()))
    assert set(rows) == {"A", "B", "C"}  # reference stations are not checked
    assert {k: r["reference"].code for k, r in rows.items()} == {"A": "R", "B": "R", "C": "R"}
    # 0.01° of longitude at 39.9° N ≈ 0.853 km; 0.05° of latitude ≈ 5.56 km
    assert rows["A"]["distance_km"] == pytest.approx(0.85, abs=0.01)
    assert rows["B"]["distance_km"] == pytest.approx(5.56, abs=0.01)
    a, b, c = rows["A"], rows["B"], rows["C"]
    assert (a["paired_days"], a["ratio_raw"], a["ratio"], a["suggested_factor"]) == (14, 1.5, 1.5, 0.67)
    assert [f["text"] for f in a["flags"]] == ["与参比站相比偏高50%"]
    assert b["ratio"] == 1.25 and [f["kind"] for f in b["flags"]] == ["step"]
    assert b["flags"][0]["text"] == "2016-03-08起比值由1.00突变为1.50"
    assert c["ratio"] == pytest.approx(1.2) and [f["kind"] for f in c["flags"]] == ["pm_ratio"]
    assert c["pm_bad_share"] == 100.0 and a["pm_bad_share"] == 0.0


def test_drift_limit_is_strictly_above_30_percent():
    from envbureau.quality.micro import drift_flag

    assert three(drift_flag, 1.30, 0.01) == (False, False, True)
    assert three(drift_flag, 0.70, 0.01) == (True, False, False)
    assert drift_flag(None) is False


def test_a_correction_changes_daily_results_not_raw_hours(micro_city, client_for):
    from envbureau.core.models import AuditEntry
    from envbureau.quality.models import AirDaily, AirHourly, SensorCorrection

    a = micro_city["A"]
    day = START + dt.timedelta(days=3)
    assert AirDaily.objects.get(station=a, date=day).pm25 == pytest.approx(75)
    c = client_for("air_staff")
    r = c.post("/quality/corrections/add/", {"station": a.pk, "pollutant": "pm25", "start": "2016-03-03",
                                              "end": "2016-03-10", "factor": "0.6667", "reason": "与站R比对,比值1.50"})
    assert r.status_code == 302, r.content.decode()[:2000]
    corr = SensorCorrection.objects.get()
    # inside the period: 75 × 0.6667 = 50.0; the day before and after it: raw 75
    assert AirDaily.objects.get(station=a, date=dt.date(2016, 3, 3)).pm25 == pytest.approx(50.0, abs=0.01)
    assert AirDaily.objects.get(station=a, date=dt.date(2016, 3, 2)).pm25 == pytest.approx(75)
    assert AirDaily.objects.get(station=a, date=dt.date(2016, 3, 11)).pm25 == pytest.approx(75)
    assert set(AirHourly.objects.filter(station=a).values_list("pm25", flat=True)) == {75}  # raw kept
    assert AuditEntry.objects.filter(model="quality.sensorcorrection", object_id=str(corr.pk), action="create").exists()
    row = checked([a])["A"]
    assert row["ratio_raw"] == 1.5  # 14 raw days
    # corrected: 8 days at 1.00 and 6 at 1.50 → median 1.00, no drift flagged any more
    assert row["ratio"] == pytest.approx(1.0, abs=0.001) and not [f for f in row["flags"] if f["kind"] == "drift"]
    # deleting the factor puts the daily results back to raw
    corr.delete()
    assert AirDaily.objects.get(station=a, date=dt.date(2016, 3, 3)).pm25 == pytest.approx(75)


def test_corrections_refuse_overlaps_and_silly_factors(micro_city):
    from django.core.exceptions import ValidationError

    from envbureau.quality.models import SensorCorrection

    a = micro_city["A"]
    SensorCorrection.objects.create(station=a, pollutant="pm25", start=dt.date(2016, 3, 1), end=dt.date(2016, 3, 5),
                                    factor=0.8, reason="x")
    with pytest.raises(ValidationError) as e:
        SensorCorrection.objects.create(station=a, pollutant="pm25", start=dt.date(2016, 3, 5), factor=0.9, reason="y")
    assert "start" in e.value.message_dict
    # the next day is free; another pollutant too
    SensorCorrection.objects.create(station=a, pollutant="pm25", start=dt.date(2016, 3, 6), factor=0.9, reason="y")
    SensorCorrection.objects.create(station=a, pollutant="pm10", start=dt.date(2016, 3, 1), factor=0.9, reason="z")
    for bad in (0.1, 6):
        with pytest.raises(ValidationError) as e:
            SensorCorrection.objects.create(station=micro_city["B"], pollutant="pm25", start=START, factor=bad,
                                            reason="z")
        assert "factor" in e.value.message_dict


def test_page_and_rankings_say_which_data_they_use(micro_city, client_for):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.assessment import make_period
    from envbureau.quality.models import SensorCorrection
    from envbureau.quality.networks import describe

    c = client_for("air_staff")
    page = c.get("/quality/micro-check/?year=2016&month=3").content.decode()
    assert "与参比站相比偏高50%" in page and "2016-03-08起比值由1.00突变为1.50" in page
    assert "站R2" not in page.split("<tbody>")[1]  # references are not rows
    # the problems are the second column (on screen without scrolling the table sideways)
    head = page.split("<thead")[1].split("</thead>")[0]
    assert re.findall(r"<th>([^<]*)</th>", head)[:2] == ["微站", "问题"]
    first_flagged = next(tr for tr in page.split("<tbody>")[1].split("<tr>") if "与参比站相比偏高50%" in tr)
    assert "与参比站相比偏高50%" in re.findall(r"<td>([^<]*)</td>", first_flagged)[1]
    only = c.get("/quality/micro-check/?year=2016&month=3&flagged=1")
    assert only.status_code == 200
    assert c.get("/quality/micro-check/?year=2016&month=13").status_code == 400
    from envbureau.quality.networks import ensure_default_networks

    ensure_default_networks([s.pk for s in micro_city.values()])
    dc, march = Jurisdiction.objects.get(code="110101"), make_period(2016, 3)
    assert describe(dc, march)["data_basis"] == "数据:原始监测数据(本时段无校准系数)"
    SensorCorrection.objects.create(station=micro_city["A"], pollutant="pm25", start=START, factor=0.67, reason="x")
    assert describe(dc, march)["data_basis"] == "数据:1个站点按校准系数修正后的数据(原始小时数据另存,未改动)"
    assert describe(dc, make_period(2016, 2))["data_basis"] == "数据:原始监测数据(本时段无校准系数)"
    # a district officer reads the check but records no factor
    officer = client_for("dongcheng")
    assert officer.get("/quality/micro-check/?year=2016&month=3").status_code == 200
    assert officer.get("/quality/corrections/add/").status_code == 403


def test_nearest_references_at_once_equal_the_loop():
    """The page pairs every micro station with its reference in one distance matrix: same station and distance as
    nearest_reference one by one, the first of two equally near references, none without coordinates."""
    import random
    from types import SimpleNamespace as S

    from envbureau.quality.micro import nearest_reference, nearest_references

    rnd = random.Random(17)
    refs = [S(pk=k, longitude=116 + rnd.random(), latitude=39.5 + rnd.random()) for k in range(40)]
    refs.append(S(pk=98, longitude=None, latitude=None))
    refs.append(S(pk=99, longitude=refs[3].longitude, latitude=refs[3].latitude))  # a twin of refs[3]
    micros = [S(pk=1000 + k, longitude=116 + rnd.random(), latitude=39.5 + rnd.random()) for k in range(300)]
    micros.append(S(pk=2000, longitude=None, latitude=39.9))
    micros.append(S(pk=2001, longitude=refs[3].longitude + 1e-4, latitude=refs[3].latitude))
    got = nearest_references(micros, refs)
    for m, (r, km) in zip(micros, got):
        want_r, want_km = nearest_reference(m, refs)
        assert (r is None) == (want_r is None) and (r is None or r.pk == want_r.pk), m.pk
        assert km == pytest.approx(want_km, abs=1e-9) if want_km is not None else km is None
    assert got[-2] == (None, None) and got[-1][0].pk == 3
    assert nearest_references(micros[:2], []) == [(None, None), (None, None)]
