"""Issue 17: pages that do not grow with history or with the number of stations."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db
HEAD = "站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\n"


def _import(lines):
    from envbureau.quality.airdata import import_files

    import_files([("x.csv", (HEAD + "\n".join(lines) + "\n").encode())])


def _day(date, hours=24, pm25=30):
    return [f"BJ-Dongsi,{date} {h:02d}:00,{pm25},{pm25 * 2},5,40,0.6,60" for h in range(hours)]


def test_latest_state_is_kept_when_data_arrives(stations):
    from envbureau.quality.models import StationLatest

    _import(_day("2016-05-01", pm25=30) + _day("2016-05-02", pm25=80))
    latest = StationLatest.objects.get(station=stations["Dongsi"])
    assert latest.last_valid_date == dt.date(2016, 5, 2)
    assert latest.aqi == 107 and latest.level == 3  # PM2.5 80 → IAQI 107 (PM10 160 → 105): 轻度污染
    assert latest.last_hour == dt.datetime(2016, 5, 2, 15, tzinfo=dt.timezone.utc)  # 23:00 local
    # 3 hours on 05-03: no valid day (24-h means need 20 h, O3 8-h needs 6 of 8); the last hour moves on,
    # the last valid day does not
    _import(_day("2016-05-03", hours=3))
    latest.refresh_from_db()
    assert latest.last_valid_date == dt.date(2016, 5, 2)
    assert latest.last_hour == dt.datetime(2016, 5, 2, 18, tzinfo=dt.timezone.utc)  # 02:00 local
    _import(_day("2016-05-03"))
    latest.refresh_from_db()
    # PM2.5 30 → IAQI 43, PM10 60 → IAQI 55: AQI 55
    assert latest.last_valid_date == dt.date(2016, 5, 3) and latest.aqi == 55


def test_dashboard_station_table_reads_the_latest_state(stations, client):
    from envbureau.core.models import User

    _import(_day("2016-05-01", pm25=80))
    client.force_login(User.objects.get(username="air_staff"))
    r = client.get("/quality/?j=110000&year=2016")
    assert r.status_code == 200
    rows = {row[0]: row for row in next(c for c in r.context["charts"] if c["id"] == "stations")["rows"]}
    assert rows["东四"][5] == dt.date(2016, 5, 1) and rows["东四"][6] == 107
    assert rows["天坛"][5] == ""  # no data yet: no latest day


def test_station_list_queries_do_not_grow_with_rows(stations, client):
    """One query for the page's stations with their districts, not one more per row."""
    from envbureau.core.models import Jurisdiction, User
    from envbureau.quality.models import AirStation

    client.force_login(User.objects.get(username="air_staff"))

    def count():
        with CaptureQueriesContext(connection) as q:
            assert client.get("/quality/stations/?page_size=500").status_code == 200
        return len(q.captured_queries)

    before = count()
    districts = list(Jurisdiction.objects.filter(level="district"))
    AirStation.objects.bulk_create([AirStation(code=f"M{i}", name=f"微站{i}", control_level="micro",
                                               jurisdiction=districts[i % len(districts)]) for i in range(40)])
    assert count() == before


def test_warnings_list_pages_newest_first_without_counting(stations, client_for):
    """100 a page, newest first, a next link while more remain, and no COUNT over all warnings."""
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import Warning

    dc = Jurisdiction.objects.get(code="110101")
    t0 = dt.datetime(2016, 1, 1, tzinfo=dt.timezone.utc)
    Warning.objects.bulk_create([Warning(kind="missing", jurisdiction=dc, source_ref=f"bench:{i}", subject=f"对象{i:03d}",
                                         first_time=t0, last_time=t0 + dt.timedelta(hours=i), message="x")
                                 for i in range(130)])
    c = client_for("air_staff")
    with CaptureQueriesContext(connection) as q:
        page1 = c.get("/quality/warnings/").content.decode()
    # the list's total ("共 N 条") is counted over a LIMIT subquery (core.counting: bounded by its cap), never
    # over all warnings
    counts = [x["sql"].upper() for x in q.captured_queries if "COUNT(" in x["sql"].upper() and "QUALITY_WARNING" in x["sql"].upper()]
    assert all("LIMIT 10001" in sql for sql in counts), counts
    assert "共 130 条" in page1
    # newest (i = 129) first; 100 rows on page 1 (对象129 … 对象030), the rest (对象029 … 对象000) on page 2
    assert page1.index("对象129") < page1.index("对象128") and "对象030" in page1 and "对象029" not in page1
    assert "page=2" in page1 and "第 1—100 条" in page1
    page2 = c.get("/quality/warnings/?page=2").content.decode()
    assert "对象029" in page2 and "对象000" in page2 and "对象030" not in page2
    assert "page=3" not in page2 and "page=1" in page2
    assert c.get("/quality/warnings/?page=0").status_code == 400


def test_data_review_counts_flagged_hours_up_to_a_cap(stations, client_for, monkeypatch):
    from envbureau.quality import plausibility
    from envbureau.quality.models import AirHourly

    t0 = dt.datetime(2016, 1, 1, tzinfo=dt.timezone.utc)
    AirHourly.objects.bulk_create([AirHourly(station=stations["Dongsi"], time=t0 + dt.timedelta(hours=i), pm25=999,
                                             flags=1) for i in range(12)])
    c = client_for("air_staff")
    monkeypatch.setattr(plausibility, "FLAGGED_COUNT_CAP", 12)
    assert ">12</span>" in c.get("/quality/reviews/").content.decode()  # at the cap: the number itself
    monkeypatch.setattr(plausibility, "FLAGGED_COUNT_CAP", 11)
    assert ">11+</span>" in c.get("/quality/reviews/").content.decode()  # over it: "11+"
    # a district officer's count goes through its stations: Dongsi is in 东城区
    assert ">11+</span>" in client_for("dongcheng").get("/quality/reviews/").content.decode()
