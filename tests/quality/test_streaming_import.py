"""Issue 17: hourly imports read, validate and write in chunks (bounded memory), stay all-or-nothing for all the
files of one call, report progress per row, and rebuild only the windows of days they touched."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db

HEAD = "站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\n"


def _csv(lines):
    return (HEAD + "\n".join(lines) + "\n").encode()


def _day(date: str, pm25=30, station="BJ-Dongsi"):
    return [f"{station},{date} {h:02d}:00,{pm25},{pm25 * 2},5,40,0.6,60" for h in range(24)]


def test_chunked_import_equals_one_chunk_and_reports_progress_per_row(stations):
    from envbureau.quality.airdata import import_files
    from envbureau.quality.models import AirDaily, AirHourly

    seen = []
    out = import_files([("a.csv", _csv(_day("2015-01-01") + _day("2015-01-02", 50)))], chunk_rows=10,
                       progress=lambda stage, done, total: seen.append(done) if stage == "rows" else None)
    # 48 rows in chunks of 10: progress after each chunk, counting rows, ending at 48
    assert seen == [10, 20, 30, 40, 48]
    assert out["rows"] == out["inserted"] == 48
    assert AirHourly.objects.count() == 48
    d = {str(x.date): x.pm25 for x in AirDaily.objects.filter(station=stations["Dongsi"])}
    assert d == {"2015-01-01": 30, "2015-01-02": 50}


def test_duplicate_in_a_later_chunk_or_file_names_file_and_row_and_writes_nothing(stations):
    from envbureau.quality.airdata import ImportFailed, import_files
    from envbureau.quality.models import AirHourly

    first = _csv(_day("2015-01-01"))
    # row 2 (after the header) of the second file repeats 2015-01-01 05:00 of the first file;
    # the first file's 24 rows were already written chunk by chunk when the error is met
    second = _csv(["BJ-Dongsi,2015-01-02 00:00,1,2,3,4,0.5,6", "BJ-Dongsi,2015-01-01 05:00,1,2,3,4,0.5,6"])
    with pytest.raises(ImportFailed) as exc:
        import_files([("one.csv", first), ("two.csv", second)], chunk_rows=5)
    (err,) = exc.value.errors
    assert (err["file"], err["row"]) == ("two.csv", 3)
    assert "重复" in err["message"] and "2015-01-01 05:00" in err["message"]
    assert AirHourly.objects.count() == 0  # all or nothing across chunks and files


def test_error_in_the_last_chunk_rolls_back_the_first_chunks(stations):
    from envbureau.quality.airdata import ImportFailed, import_files
    from envbureau.quality.models import AirDaily, AirHourly

    lines = _day("2015-01-01") + ["BJ-Dongsi,2015-01-02 00:00,-1,2,3,4,0.5,6"]  # row 26: negative PM2.5
    with pytest.raises(ImportFailed) as exc:
        import_files([("a.csv", _csv(lines))], chunk_rows=8)
    assert [(e["row"], e["column"].split("(")[0]) for e in exc.value.errors] == [(26, "PM2.5")]
    assert AirHourly.objects.count() == 0 and AirDaily.objects.count() == 0


def test_reimport_of_one_day_rebuilds_only_that_window(stations):
    """Days 1 and 40 apart sit in different rebuild windows (31 days); changing day 40 leaves day 1's row as it was."""
    from envbureau.quality import derived
    from envbureau.quality.airdata import import_files
    from envbureau.quality.models import AirDaily

    assert derived.REBUILD_WINDOW_DAYS == 31
    import_files([("a.csv", _csv(_day("2015-01-01") + _day("2015-02-09")))])
    before = {str(x.date): (x.pk, x.computed_at, x.pm25) for x in AirDaily.objects.filter(station=stations["Dongsi"])}
    out = import_files([("b.csv", _csv(_day("2015-02-09", 80)))])
    assert out["updated"] == 24 and out["rebuilt"]["station_days"] == 1
    after = {str(x.date): (x.pk, x.computed_at, x.pm25) for x in AirDaily.objects.filter(station=stations["Dongsi"])}
    assert after["2015-01-01"] == before["2015-01-01"]  # untouched: same row, same computation time
    assert after["2015-02-09"][2] == 80


def test_rebuild_all_covers_days_between_first_and_last(stations):
    """rebuild_all gives every day of each station's span (not only the ends) to the windowed rebuild."""
    from envbureau.quality import derived
    from envbureau.quality.airdata import import_files
    from envbureau.quality.models import AirDaily

    import_files([("a.csv", _csv(_day("2015-01-01") + _day("2015-02-15", 40) + _day("2015-03-31", 50)))])
    AirDaily.objects.all().delete()
    derived.rebuild_all()
    days = sorted(str(d) for d in AirDaily.objects.filter(station=stations["Dongsi"]).values_list("date", flat=True))
    assert days == ["2015-01-01", "2015-02-15", "2015-03-31"]
    assert dt.date(2015, 2, 15) in set(AirDaily.objects.values_list("date", flat=True))


def test_hourly_table_writes_only_the_indexes_its_reads_use():
    """Each index is one more B-tree written per imported hour. The migrated table holds the unique (station, time)
    index (every read of hours names its stations) and the two small partial indexes of flagged hours; no index on
    time alone and no second index on station_id (issue 17: together more than half of the SQLite insert)."""
    from django.db import connection

    from envbureau.quality.models import AirHourly

    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, AirHourly._meta.db_table)
    flagged = {"quality_airhourly_flagged", "quality_airhourly_flagged_t"}  # partial: only hours with flags
    assert flagged <= set(found)
    others = [(tuple(c["columns"]), bool(c["unique"])) for n, c in found.items()
              if (c["index"] or c["unique"]) and not c["primary_key"] and n not in flagged]
    assert others == [(("station_id", "time"), True)]
