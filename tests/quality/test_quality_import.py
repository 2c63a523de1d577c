"""Hourly air import: the PRSA adapter, validation messages naming row and column, all-or-nothing,
idempotent re-import, incremental rebuild."""

import datetime as dt

import pytest
from quality_helpers import prsa_bytes, prsa_frame

pytestmark = pytest.mark.django_db


def test_prsa_adapter_converts_co_and_keeps_hour_starting(stations):
    from envbureau.quality.airdata import import_files
    from envbureau.quality.models import AirHourly

    df = prsa_frame("Dongsi", ((2015, 1),)).head(48)
    import_files([("PRSA_Data_Dongsi_x.csv", prsa_bytes(df))], fmt="prsa")
    assert AirHourly.objects.count() == 48
    first = AirHourly.objects.order_by("time").first()
    # PRSA hour 0 of 2015-01-01 (UTC+8) covers 00:00–01:00 local: stored as its start, 2014-12-31 16:00 UTC
    assert first.time == dt.datetime(2014, 12, 31, 16, tzinfo=dt.timezone.utc)
    row = df.iloc[0]
    assert first.co == pytest.approx(float(row["CO"]) / 1000)  # µg/m³ → mg/m³
    assert first.pm25 == pytest.approx(float(row["PM2.5"]))
    na = df.index[df["PM2.5"] == "NA"]
    if len(na):
        assert AirHourly.objects.order_by("time")[int(na[0])].pm25 is None


def _standard_csv(lines):
    head = "站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\n"
    return (head + "\n".join(lines) + "\n").encode()


def test_validation_names_row_and_column_and_writes_nothing(stations):
    from envbureau.quality.airdata import ImportFailed, import_files
    from envbureau.quality.models import AirHourly

    data = _standard_csv([
        "BJ-Dongsi,2015-01-01 00:00,10,20,3,40,0.5,60",      # row 2 ok
        "BJ-Nowhere,2015-01-01 00:00,10,20,3,40,0.5,60",     # row 3 unknown station
        "BJ-Dongsi,2015-13-01 00:00,10,20,3,40,0.5,60",      # row 4 bad timestamp
        "BJ-Dongsi,2015-01-01 01:00,-5,20,3,40,0.5,60",      # row 5 negative PM2.5
        "BJ-Dongsi,2015-01-01 02:00,10,20,3,40,1200,60",     # row 6 CO given in µg/m³
        "BJ-Dongsi,2015-01-01 00:00,11,20,3,40,0.5,60",      # row 7 duplicate of row 2
        "BJ-Dongsi,2015-01-01 03:00,abc,20,3,40,0.5,60",     # row 8 not a number
    ])
    with pytest.raises(ImportFailed) as exc:
        import_files([("air.csv", data)])
    errs = {(e["row"], e["column"].split("(")[0]): e["message"] for e in exc.value.errors}
    assert "未知站点" in errs[(3, "站点")]
    assert "无效时间" in errs[(4, "监测时间")]
    assert "负值" in errs[(5, "PM2.5")]
    assert "合理范围" in errs[(6, "CO")]
    assert "重复" in errs[(7, "监测时间")]
    assert "不是数值" in errs[(8, "PM2.5")]
    assert AirHourly.objects.count() == 0  # all or nothing


def test_reimport_changes_nothing_and_change_rebuilds_only_that_day(beijing_slice, raw_slice):
    from envbureau.quality.airdata import import_files
    from envbureau.quality.models import AirDaily, AirHourly, CityDaily

    n_rows = sum(len(df) for df in raw_slice.values())
    assert beijing_slice["inserted"] == n_rows
    before = {(d.station_id, d.date): (d.computed_at, d.pm25) for d in AirDaily.objects.all()}
    files = [(f"PRSA_Data_{st}_slice.csv", prsa_bytes(df)) for st, df in raw_slice.items()]
    again = import_files(files, fmt="prsa")
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, n_rows)
    assert AirHourly.objects.count() == n_rows
    assert {(d.station_id, d.date): (d.computed_at, d.pm25) for d in AirDaily.objects.all()} == before

    # change one hourly PM2.5 value of Dongsi on 2015-02-10 (local): only that station-day is recomputed
    df = raw_slice["Dongsi"].copy()
    i = df.index[(df["month"] == "2").values & (df["day"] == "10").values & (df["hour"] == "12").values][0]
    old = float(df.at[i, "PM2.5"])
    df.at[i, "PM2.5"] = str(old + 240)
    out = import_files([("PRSA_Data_Dongsi_slice.csv", prsa_bytes(df))], fmt="prsa")
    assert (out["inserted"], out["updated"]) == (0, 1)
    assert out["rebuilt"]["station_days"] == 1
    from envbureau.quality.models import AirStation

    dongsi = AirStation.objects.get(name_en="Dongsi").pk
    day = df[(df["month"] == "2").values & (df["day"] == "10").values]
    n_valid = int((day["PM2.5"] != "NA").sum())
    changed = AirDaily.objects.get(station_id=dongsi, date=dt.date(2015, 2, 10))
    assert changed.pm25 == pytest.approx(before[(dongsi, dt.date(2015, 2, 10))][1] + 240 / n_valid, rel=1e-9)
    other = AirDaily.objects.get(station_id=dongsi, date=dt.date(2015, 2, 11))
    assert other.computed_at == before[(dongsi, dt.date(2015, 2, 11))][0]
    city = CityDaily.objects.get(jurisdiction__code="110101", date=dt.date(2015, 2, 10))
    assert city.pm25 > 0


def test_derived_results_name_their_rules(beijing_slice):
    from envbureau.quality.models import AirDaily, CityDaily

    assert set(AirDaily.objects.values_list("rules", flat=True)) == {"2012"}
    codes = set(CityDaily.objects.values_list("jurisdiction__code", flat=True))
    assert codes == {"110000", "110101", "110102"}


def test_rules_switch_on_2026_03_01(stations):
    from envbureau.quality.airdata import import_files
    from envbureau.quality.models import AirDaily

    lines = []
    for date in ("2026-02-28", "2026-03-01"):
        for h in range(24):
            lines.append(f"BJ-Dongsi,{date} {h:02d}:00,30,50,5,20,0.6,80")
    from envbureau.quality.airdata import import_files as imp

    imp([("x.csv", _standard_csv(lines))])
    got = dict(AirDaily.objects.values_list("date", "rules"))
    assert got == {dt.date(2026, 2, 28): "2012", dt.date(2026, 3, 1): "2026"}
    assert import_files  # same entry point
