"""The quality commands as an operator runs them: import_air (all or nothing, re-import changes nothing,
scope of --user) and scan_warnings (window, no duplicates on a second run)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

HEAD = "站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\n"


def write(tmp_path, name, lines):
    p = tmp_path / name
    p.write_text(HEAD + "\n".join(lines) + "\n", encoding="utf-8")
    return str(p)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, verbosity=0)
    return out.getvalue(), err.getvalue()


def day_of(pm_at_10=40, skip=()):
    return [f"BJ-Dongsi,2016-05-01 {h:02d}:00,{pm_at_10 if h == 10 else 40 + h},80,{7 if h < 20 else h},30,0.5,60"
            for h in range(24) if h not in skip]


def test_import_air_writes_all_then_nothing_new(stations, tmp_path):
    from envbureau.quality.models import AirHourly

    f = write(tmp_path, "air.csv", day_of())
    out, _err = run("import_air", f)
    assert out.startswith("24 行: 新增 24, 更新 0, 未变 0")
    assert AirHourly.objects.count() == 24
    out, _err = run("import_air", f)
    assert out.startswith("24 行: 新增 0, 更新 0, 未变 24")


def test_import_air_bad_row_writes_nothing_and_names_the_row(stations, tmp_path):
    from envbureau.quality.models import AirHourly

    good = write(tmp_path, "good.csv", day_of())
    bad = write(tmp_path, "bad.csv", ["BJ-Dongsi,2016-05-02 00:00,-3,80,7,30,0.5,60"])
    err = StringIO()
    with pytest.raises(CommandError, match="1 处错误,未写入任何数据"):
        call_command("import_air", good, bad, stdout=StringIO(), stderr=err, verbosity=0)
    assert "第2行 [PM2.5" in err.getvalue()
    assert AirHourly.objects.count() == 0


def test_import_air_refuses_missing_file_and_user_without_the_right(stations, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("import_air", str(tmp_path / "nope.csv"))
    f = write(tmp_path, "air.csv", day_of())
    with pytest.raises(CommandError, match="may not import quality data"):
        run("import_air", f, "--user", "leader")  # 局领导: read only
    out, _err = run("import_air", f, "--user", "air_staff")
    assert "新增 24" in out


def test_scan_warnings_over_a_window_and_again(stations, tmp_path):
    from envbureau.quality.models import AirThreshold, Warning

    run("import_air", write(tmp_path, "air.csv", day_of(pm_at_10=600, skip=range(14, 22))))
    AirThreshold.objects.create(pollutant="pm25", hourly_limit=500)
    window = ["--from", "2016-05-01T00:00", "--to", "2016-05-01T23:00"]
    out, _err = run("scan_warnings", *window)
    kinds = set(Warning.objects.values_list("kind", flat=True))
    assert {"air_threshold", "data_stop"} <= kinds
    n = Warning.objects.count()
    assert out.startswith(f"air warnings created: {n};")
    out, _err = run("scan_warnings", *window)  # a second run updates, never duplicates
    assert out.startswith("air warnings created: 0;") and Warning.objects.count() == n


def test_import_air_per_file_keeps_the_files_before_a_bad_one_and_names_them(stations, tmp_path):
    """--per-file: every file all or nothing on its own (issue 17: years of monthly files commit file by file). The
    good first file stays written with its derived days, the bad file writes nothing, the third is not read."""
    from envbureau.quality.models import AirDaily, AirHourly, CityDaily

    good = write(tmp_path, "m1.csv", day_of())
    bad = write(tmp_path, "m2.csv", [f"BJ-Dongsi,2016-05-02 {h:02d}:00,30,60,7,30,0.5,60" for h in range(5)]
                + ["BJ-Dongsi,2016-05-02 05:00,-3,80,7,30,0.5,60"])
    later = write(tmp_path, "m3.csv", [f"BJ-Dongsi,2016-05-03 {h:02d}:00,30,60,7,30,0.5,60" for h in range(24)])
    err = StringIO()
    with pytest.raises(CommandError, match=r"文件 m2.csv 未写入;已写入 1 个文件\(m1.csv\),未读取 1 个文件\(m3.csv\)"):
        call_command("import_air", good, bad, later, "--per-file", stdout=StringIO(), stderr=err, verbosity=0)
    assert "m2.csv 第7行 [PM2.5" in err.getvalue()
    days = {str(t.date()) for t in AirHourly.objects.values_list("time", flat=True)}
    assert AirHourly.objects.count() == 24 and len(days) <= 2  # the 24 local hours of 2016-05-01 only
    assert list(AirDaily.objects.values_list("date", flat=True)) == [__import__("datetime").date(2016, 5, 1)]
    assert CityDaily.objects.filter(date="2016-05-01").exists() and not CityDaily.objects.filter(date="2016-05-02")
    # the same three files without --per-file: one batch, nothing more written
    AirHourly.objects.all().delete()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_air", good, bad, later, stdout=StringIO(), stderr=StringIO(), verbosity=0)
    assert AirHourly.objects.count() == 0
