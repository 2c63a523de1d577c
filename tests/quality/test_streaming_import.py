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


def _halves(date: str, first_pm25: int, second_pm25: int, station="BJ-Dongsi"):
    hours = [f"{station},{date} {h:02d}:00,{first_pm25 if h < 12 else second_pm25},100,5,40,0.6,60" for h in range(24)]
    return hours[:12], hours[12:]


def test_day_completed_by_a_later_import_or_file_is_computed_from_all_its_hours(stations):
    """A file's station-days are computed from the hours it inserted only when they are all the stored hours of those
    days: hours 12-23 arriving after hours 0-11 (a second import, or a second file of the same call) give the mean
    of all 24 (20 and 40 → 30), not of the last 12 (40)."""
    from envbureau.quality.airdata import import_files
    from envbureau.quality.models import AirDaily

    am, pm = _halves("2015-03-01", 20, 40)
    import_files([("am.csv", _csv(am))])
    assert AirDaily.objects.get(station=stations["Dongsi"], date="2015-03-01").pm25 is None  # 12 h: not valid
    import_files([("pm.csv", _csv(pm))])
    assert AirDaily.objects.get(station=stations["Dongsi"], date="2015-03-01").pm25 == 30

    am, pm = _halves("2015-03-02", 10, 50)
    out = import_files([("am.csv", _csv(am)), ("pm.csv", _csv(pm))])
    assert AirDaily.objects.get(station=stations["Dongsi"], date="2015-03-02").pm25 == 30
    assert out["rebuilt"]["station_days"] == 2  # the day after each file


def test_daily_results_from_the_inserted_hours_equal_those_read_back(stations, monkeypatch):
    """The same files give the same station and jurisdiction days whether computed from the hours the import holds or
    read back from the database (HourCache with no room)."""
    from envbureau.quality.airdata import HourCache, import_files
    from envbureau.quality.models import AirDaily, CityDaily

    lines = []
    for k, st in enumerate(("BJ-Dongsi", "BJ-Tiantan", "BJ-Guanyuan")):
        for d in ("2015-01-30", "2015-01-31", "2015-02-01"):
            lines += [f"{st},{d} {h:02d}:00,{20 + 7 * k + h},{60 + h},{5 + k},{30 + h},0.{5 + k},{40 + 3 * h}"
                      for h in range(24) if (h + k) % 9]  # some hours missing
    lines += ["BJ-Dongsi,2015-02-02 00:00,900,950,5,40,0.6,60"]  # a day with one hour

    def snapshot():
        cols = ("pm25", "pm10", "so2", "no2", "co", "o3_8h", "o3_1h", "aqi", "primary", "valid", "complete")
        st = sorted(AirDaily.objects.values_list("station_id", "date", *cols))
        ju = sorted(CityDaily.objects.values_list("jurisdiction_id", "date", *cols, "n_stations"))
        return st, ju

    import_files([("a.csv", _csv(lines))], chunk_rows=50)
    cached = snapshot()
    assert len(cached[0]) == 3 * 3 + 1 and cached[1]
    from envbureau.quality.models import AirHourly

    AirHourly.objects.all().delete()
    AirDaily.objects.all().delete()
    CityDaily.objects.all().delete()
    monkeypatch.setattr(HourCache, "MAX_ROWS", 0)
    import_files([("a.csv", _csv(lines))], chunk_rows=50)
    assert snapshot() == cached


def test_value_cells_read_as_numbers_or_text_chunk_by_chunk(stations):
    """Value columns are read as numbers when a chunk holds only numbers and missing-value spellings, and as text when
    it holds anything else: both give the same values, and a cell that is no number is named by row and column."""
    from envbureau.quality.airdata import ImportFailed, import_files
    from envbureau.quality.models import AirHourly

    lines = ["BJ-Dongsi,2015-04-01 00:00,10,20,NA,40,0.5,60",       # chunk 1 (rows 2-3): numbers and NA only
             "BJ-Dongsi,2015-04-01 01:00,11,—,3,null,0.5,61",
             'BJ-Dongsi,2015-04-01 02:00,"1,234.5",20, NA ,40,0.5,62',  # chunk 2 (rows 4-5): text in PM2.5 and SO2
             "BJ-Dongsi,2015-04-01 03:00,１２,20,-,40,0.5 mg/m³,63"]
    import_files([("a.csv", _csv(lines))], chunk_rows=2)
    got = {h.time.hour: (h.pm25, h.pm10, h.so2, h.no2, h.co, h.o3) for h in AirHourly.objects.all()}
    # stored hours are UTC (local 00:00 = 16:00 the day before)
    assert got == {16: (10, 20, None, 40, 0.5, 60), 17: (11, None, 3, None, 0.5, 61),
                   18: (1234.5, 20, None, 40, 0.5, 62), 19: (12, 20, None, 40, 0.5, 63)}

    bad = ["BJ-Dongsi,2015-04-02 00:00,10,20,5,40,0.5,60",
           "BJ-Dongsi,2015-04-02 01:00,True,20,5,40,0.5,60",
           "BJ-Dongsi,2015-04-02 02:00,abc,20,5,40,0.5,60"]
    with pytest.raises(ImportFailed) as exc:
        import_files([("b.csv", _csv(bad))], chunk_rows=2)
    assert [(e["row"], e["column"].split("(")[0], e["message"]) for e in exc.value.errors] == [
        (3, "PM2.5", "不是数值:“True”"), (4, "PM2.5", "不是数值:“abc”")]
    assert AirHourly.objects.count() == 4


def test_per_file_batches_commit_file_by_file_and_count_rows_from_the_first_file(stations):
    """per_file=True (the 5-year bench, import_air --per-file): each file its own transaction; a duplicate of an
    hour of an earlier, committed file is still refused (the seen hours span the call); progress counts on."""
    from envbureau.quality.airdata import ImportFailed, import_files
    from envbureau.quality.models import AirDaily, AirHourly, StationLatest

    seen = []
    out = import_files([("a.csv", _csv(_day("2015-01-01"))), ("b.csv", _csv(_day("2015-01-02", 50)))],
                       chunk_rows=10, per_file=True,
                       progress=lambda stage, done, total: seen.append(done) if stage == "rows" else None)
    assert seen == [10, 20, 24, 34, 44, 48]
    assert (out["rows"], out["inserted"], out["rebuilt"]["station_days"]) == (48, 48, 2)
    assert StationLatest.objects.get(station=stations["Dongsi"]).last_valid_date == dt.date(2015, 1, 2)
    with pytest.raises(ImportFailed) as exc:
        import_files([("c.csv", _csv(_day("2015-01-03"))), ("d.csv", _csv(_day("2015-01-03", 70))),
                      ("e.csv", _csv(_day("2015-01-05")))], per_file=True)
    assert exc.value.committed == ["c.csv"] and exc.value.not_read == ["e.csv"]
    assert {e["file"] for e in exc.value.errors} == {"d.csv"} and "重复" in exc.value.errors[0]["message"]
    assert AirHourly.objects.count() == 72
    assert sorted(str(d) for d in AirDaily.objects.values_list("date", flat=True)) == [
        "2015-01-01", "2015-01-02", "2015-01-03"]


@pytest.mark.parametrize("per_statement", [1, 7, 500])
def test_multi_row_insert_statements_write_the_rows_in_order(stations, monkeypatch, per_statement):
    """SQLite: several rows per INSERT statement (full statements and a shorter last one; 48 hours and 1 station-day
    rows) store exactly the rows, in file order (ids ascending with the hours), as one row a statement did."""
    from envbureau.quality import airdata
    from envbureau.quality.models import AirDaily, AirHourly

    monkeypatch.setattr(airdata, "SQLITE_ROWS_PER_INSERT", per_statement)
    lines = _day("2015-01-01") + [f"BJ-Dongsi,2015-01-02 {h:02d}:00,{h},NA,5,40,0.6," for h in range(24)]
    airdata.import_files([("a.csv", _csv(lines))], chunk_rows=20)
    rows = list(AirHourly.objects.order_by("id").values_list("time", "pm25", "pm10", "o3", "invalid_mask", "flags"))
    assert len(rows) == 48 and [t for t, *_r in rows] == sorted(t for t, *_r in rows)
    assert rows[0][1:] == (30, 60, 60, 0, 0) and rows[24 + 7][1:] == (7, None, None, 0, 0)
    assert {str(d.date): d.pm25 for d in AirDaily.objects.all()} == {"2015-01-01": 30, "2015-01-02": 11.5}
