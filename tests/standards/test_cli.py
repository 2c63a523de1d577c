"""``calc`` command line: single values, JSON, batch CSV with bad rows, help text."""

import csv
import json
import subprocess
import sys

import pytest

from envbureau.standards.cli import main


def test_calc_aqi_text_2012(capsys):
    rc = main(["calc", "aqi", "--rules", "2012", "pm25=80", "pm10=120", "so2=10", "no2=40", "co=0.8",
               "o3_8h=100"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "AQI: 107" in out and "轻度污染" in out and "#FF7E00" in out
    assert "首要污染物: PM2.5" in out and "超标污染物 (IAQI>100): PM2.5" in out


def test_calc_aqi_json_2026(capsys):
    rc = main(["aqi", "--rules", "2026", "pm25=75", "pm10=120", "so2=10", "no2=40", "co=0.8", "o3_8h=100",
               "--json"])
    d = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert d["aqi"] == 114 and d["category"]["level"] == 3 and d["category"]["hex"] == "#FF7E00"
    assert d["iaqi"]["pm25_24h"] == 114 and d["iaqi"]["pm10_24h"] == 100
    assert d["primary_pollutants"] == ["pm25_24h"]
    assert d["exceeding_pollutants"] == ["pm25_24h"] and d["stage"] == "transitional"


def test_calc_aqi_by_date_and_hourly(capsys):
    assert main(["aqi", "--date", "2026-02-28", "pm25=70", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rules_code"] == "2012"
    assert main(["aqi", "--date", "2026-03-01", "pm25=70", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["rules_code"] == "2026" and d["iaqi"]["pm25_24h"] == 110
    assert main(["aqi", "--rules", "2026", "--period", "hour", "so2=900", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["iaqi"]["so2_1h"] == 200


def test_calc_aqi_bad_input(capsys):
    assert main(["aqi", "pm25=-3"]) == 2
    assert "negative" in capsys.readouterr().err
    assert main(["aqi", "pm1=3"]) == 2
    assert "unknown pollutant code" in capsys.readouterr().err
    assert main(["aqi", "pm25"]) == 2
    assert main(["aqi", "pm25=abc"]) == 2


def test_calc_water_text_and_json(capsys):
    rc = main(["calc", "water", "ph=7.5", "do=6.5", "codmn=3.5", "nh3n=1.2", "tp=0.08", "--target", "III"])
    out = capsys.readouterr().out
    assert rc == 0 and "水质类别: Ⅳ (轻度污染)" in out and "定类项目: 氨氮" in out and "不达标" in out
    rc = main(["water", "--waterbody", "lake", "tp=0.08", "ph=7", "--json"])
    d = json.loads(capsys.readouterr().out)
    assert d["class"] == "Ⅳ" and d["deciding_items"] == ["tp"] and d["item_classes"]["ph"] == "Ⅰ"


def test_calc_water_batch_reports_bad_rows(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text("waterbody,ph,do,nh3n,tp\nriver,7.5,6.5,1.2,0.08\nlake,7.5,6.5,0.2,0.08\n"
                   "river,7.5,-1,0.2,0.08\nsea,7,7,0.1,0.01\nriver,7,8,0.05L,0.01\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    rc = main(["calc", "water", "--csv", str(src), "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 1
    assert "row 3 (line 4)" in err and "row 4 (line 5)" in err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 5                               # nothing skipped
    assert [r["class"] for r in rows] == ["Ⅳ", "Ⅳ", "", "", "Ⅰ"]
    assert rows[0]["deciding_items"] == "nh3n" and rows[1]["deciding_items"] == "tp"
    assert rows[0]["class_nh3n"] == "Ⅳ" and rows[2]["error"] and rows[3]["error"]


def test_calc_aqi_batch(tmp_path, capsys):
    src = tmp_path / "a.csv"
    src.write_text("date,pm25,pm10,so2,no2,co,o3_8h\n2025-05-01,75,120,10,40,0.8,100\n"
                   "2026-05-01,75,120,10,40,0.8,100\n2026-05-02,abc,1,1,1,0.1,1\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert main(["aqi", "--csv", str(src), "--out", str(out)]) == 1
    assert "row 3 (line 4)" in capsys.readouterr().err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["aqi"] for r in rows] == ["100", "114", ""]
    assert rows[0]["rules_used"].startswith("HJ 633-2012") and rows[1]["category"] == "轻度污染"


def test_help_documents_item_codes(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for code in ("ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", "cu", "zn", "f", "se", "as", "hg",
                 "cd", "cr6", "pb", "cn", "phenol", "oil", "las", "s2", "fcoli", "pm25", "o3_8h", "o3_1h"):
        assert f"  {code} " in out or f" {code}\n" in out or f" {code} " in out, code


@pytest.mark.slow
def test_python_dash_m():
    r = subprocess.run([sys.executable, "-m", "envbureau.standards.cli", "calc", "aqi", "--rules", "2012",
                        "co=2.2", "--json"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["iaqi"]["co_24h"] == 55
