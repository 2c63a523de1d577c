"""The public portal as an anonymous visitor: air now and the last 30 days with the rule set named, water
classes by month, noise, published reports only, links to the modules' own public pages, the open data
API (OpenAQ-like measurements, CSV), bad input → 400, and the cache."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.test import Client

from boundary import DAY, three


@pytest.fixture
def anon():
    cache.clear()
    return Client()


def test_home_shows_air_now_with_rules_and_links(published, anon):
    from envbureau.quality.models import AirStation, CityDaily, StationLatest

    html = anon.get("/public/").content.decode()
    last = CityDaily.objects.filter(jurisdiction__code="110000").order_by("-date").first()
    assert last.date == dt.date(2016, 12, 31)
    assert f"AQI {last.aqi}" in html and "HJ 633-2012 / GB 3095-2012" in html
    for s in StationLatest.objects.select_related("station"):
        assert s.station.name in html
    assert AirStation.objects.filter(name="奥体中心").exists() and "奥体中心" not in html  # no data, not listed
    for link in ("/public/ledger/", "/public/enforcement/", "/public/enforcement/results/",
                 "/public/enforcement/penalties/", "/public/complaints/", "/public/complaints/status/",
                 "/api/v1/public/data/measurements/"):
        assert f'href="{link}' in html, link


def test_air_last_30_days_of_the_city_and_of_a_station(published, anon):
    from envbureau.quality.models import AirDaily

    r = anon.get("/public/air/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "2016-12-31" in html and "2016-12-02" in html and "2016-12-01" not in html  # 30 days, newest first
    d = AirDaily.objects.get(station__code="BJ-Dongsi", date=dt.date(2016, 12, 15))
    html = anon.get("/public/air/", {"location": "BJ-Dongsi"}).content.decode()
    assert "东四" in html and f"<td>{d.aqi}</td>" in html
    assert anon.get("/public/air/", {"location": "BJ-Nowhere"}).status_code == 404


def test_only_issued_reports_are_published(published, anon, tmp_path):
    from envbureau.reports import services

    pending = services.create_report(None, "air_bulletin", "110101", "2016-12")
    issued, doc = services.issue_now(None, "air_bulletin", "110000", "2016-12")
    html = anon.get("/public/").content.decode()
    assert issued.title in html and pending.title not in html
    r = anon.get(f"/public/reports/{issued.pk}/docx/")
    assert r.status_code == 200 and b"".join(r.streaming_content)[:2] == b"PK"
    assert anon.get(f"/public/reports/{pending.pk}/docx/").status_code == 404
    assert anon.get(f"/public/reports/{issued.pk}/exe/").status_code == 404
    # an internal type is never published, issued or not
    internal, _doc = services.issue_now(None, "work_summary", "110000", "2016")
    assert internal.title not in anon.get("/public/").content.decode()
    assert anon.get(f"/public/reports/{internal.pk}/docx/").status_code == 404


def test_water_classes_by_month_and_noise(published, anon):
    from envbureau.quality.models import SectionPeriodClass
    from envbureau.standards import water as std_water

    html = anon.get("/public/water/", {"year": 2016}).content.decode()
    assert "GB 3838-2002" in html and "演示" in html
    api = anon.get("/api/v1/public/data/water/", {"year": 2016}).json()["results"]
    spc = SectionPeriodClass.objects.filter(period="month", start__year=2016, water_class__isnull=False)
    assert len(api) == spc.count()
    one = spc.select_related("section").first()
    row = next(r for r in api if r["location"] == one.section.code and r["period"]["from"] == one.start.isoformat())
    assert row["value"] == std_water.class_name(one.water_class) and row["meets_target"] == one.meets_target
    assert anon.get("/public/water/", {"year": "x"}).status_code == 400
    html = anon.get("/public/noise/", {"year": 2016}).content.decode()
    assert "GB 3096-2008" in html and "dB(A)" in html


def test_measurements_openaq_shape_csv_and_bad_input(published, anon):
    from envbureau.quality.models import AirDaily, CityDaily

    r = anon.get("/api/v1/public/data/measurements/", {"location": "BJ-Tiantan", "parameter": "pm25",
                                                       "date_from": "2016-12-01", "date_to": "2016-12-31"})
    assert r.status_code == 200
    rows = r.json()["results"]
    assert len(rows) == AirDaily.objects.filter(station__code="BJ-Tiantan", date__month=12).count() == 31
    first = rows[0]
    assert set(first) >= {"location", "parameter", "unit", "period", "value"}
    d = AirDaily.objects.get(station__code="BJ-Tiantan", date=dt.date(2016, 12, 1))
    assert (first["location"], first["parameter"], first["unit"]) == ("BJ-Tiantan", "pm25", "µg/m³")
    assert first["period"]["from"] == "2016-12-01" and first["period"]["to"] == "2016-12-02"
    assert first["value"] == round(d.pm25)
    co = anon.get("/api/v1/public/data/measurements/", {"location": "110000", "parameter": "co",
                                                        "date_from": "2016-12-31", "date_to": "2016-12-31"}).json()
    c = CityDaily.objects.get(jurisdiction__code="110000", date=dt.date(2016, 12, 31))
    assert co["results"][0]["value"] == round(c.co, 1) and co["results"][0]["unit"] == "mg/m³"
    text = anon.get("/api/v1/public/data/measurements/", {"location": "BJ-Tiantan", "date_from": "2016-12-01",
                                                          "date_to": "2016-12-31", "format": "csv"})
    assert text["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert len(table) == 31 and table[0]["period.from"] == "2016-12-01" and table[0]["unit"] == "µg/m³"
    for params, field in (({"parameter": "pm1"}, "parameter"), ({"date_from": "2016-02-30"}, "date_from"),
                          ({"location": ""}, "location"),
                          ({"date_from": "2016-12-31", "date_to": "2016-12-01"}, "date_from")):
        q = {"location": "BJ-Tiantan", **params}
        r = anon.get("/api/v1/public/data/measurements/", q)
        assert r.status_code == 400 and field in r.json()["error"]["fields"], params
    assert anon.get("/api/v1/public/data/measurements/", {"location": "999"}).status_code == 404

    def span_ok(start):
        return anon.get("/api/v1/public/data/measurements/", {"location": "110000", "date_from": start.isoformat(),
                                                               "date_to": "2016-12-31"}).status_code == 200
    # at most 366 days: 2016-01-01..2016-12-31 is 366 days (leap year)
    assert three(span_ok, dt.date(2016, 1, 1), DAY) == (False, True, True)


def test_pages_are_cached_for_anonymous_visitors(published, anon):
    from envbureau.quality.models import CityDaily

    before = anon.get("/public/").content.decode()
    last = CityDaily.objects.filter(jurisdiction__code="110000").order_by("-date").first()
    CityDaily.objects.filter(pk=last.pk).update(aqi=487)
    assert "AQI 487" not in anon.get("/public/").content.decode()  # served from the cache
    cache.clear()
    assert "AQI 487" in anon.get("/public/").content.decode() and "AQI 487" not in before


# GB 3096-2008 Table 1: limits per zone class, dB(A) (day, night) — written here, not read from the code
GB3096 = {"0": (50, 40), "1": (55, 45), "2": (60, 50), "3": (65, 55), "4a": (70, 55), "4b": (70, 60)}


def test_noise_open_data_per_zone_day_and_night_with_csv(published, anon):
    from envbureau.quality.models import NoiseLeq

    r = anon.get("/api/v1/public/data/noise/", {"year": 2016})
    assert r.status_code == 200
    body = r.json()
    rows = {(x["zone"], x["time_of_day"]): x for x in body["results"]}
    leqs = NoiseLeq.objects.filter(date__year=2016, station__active=True).values_list(
        "station__zone", "period", "leq")
    expected = {}
    for zone, per, leq in leqs:
        n, ok = expected.get((zone, per), (0, 0))
        expected[(zone, per)] = (n + 1, ok + (leq <= GB3096[zone][0 if per == "day" else 1]))
    assert expected, "the synthetic demo has noise days in 2016"
    assert set(rows) == set(expected)
    for (zone, per), (n, ok) in expected.items():
        x = rows[(zone, per)]
        assert (x["days"], x["compliant_days"]) == (n, ok), (zone, per)
        assert x["value"] == round(100 * ok / n, 1) and x["unit"] == "%"
        assert x["limit"] == GB3096[zone][0 if per == "day" else 1] and x["limit_unit"] == "dB(A)"
        assert x["rules"] == "GB 3096-2008" and x["synthetic"] is True and x["location"] == "110000"
    # the page shows the same rates
    html = anon.get("/public/noise/", {"year": 2016}).content.decode()
    for x in body["results"]:
        assert f"{x['value']}%" in html
    assert 'href="/api/v1/public/data/noise/?year=2016&amp;format=csv"' in html
    text = anon.get("/api/v1/public/data/noise/", {"year": 2016, "format": "csv"})
    assert text["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert len(table) == len(rows) and {"zone", "time_of_day", "value", "period.from"} <= set(table[0])
    # a year without data: no rows (not another year's); a bad year: 400 naming it
    assert anon.get("/api/v1/public/data/noise/", {"year": 1999}).json()["results"] == []
    bad = anon.get("/api/v1/public/data/noise/", {"year": "20x6"})
    assert bad.status_code == 400 and "year" in bad.json()["error"]["fields"]
