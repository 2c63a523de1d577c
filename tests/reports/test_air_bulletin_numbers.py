"""Every number of the air bulletin equals what `envbureau assess air --json` gives for the same scope and
period (changes from the printed values, as MEE bulletins do); read back from the generated .docx."""

import io
import json
import re

import docx
import pytest
from django.core.management import call_command

PERIOD = ("2016", "12")
UNITS = {"东城区": "110101", "西城区": "110102", "朝阳区": "110105"}  # the districts the fixture's stations lie in
LABELS = {"pm25_mean": "PM2.5平均浓度", "pm10_mean": "PM10平均浓度", "so2_mean": "SO2平均浓度", "no2_mean": "NO2平均浓度",
          "co_p95": "CO日均值第95百分位浓度", "o3_8h_p90": "O3日最大8小时平均第90百分位浓度"}


def assess(code) -> dict:
    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", code, "--year", PERIOD[0], "--month", PERIOD[1], "--json",
                 "--change-basis", "reported", stdout=out)
    return json.loads(out.getvalue())


def docx_text(data: bytes) -> tuple[str, list[list[str]]]:
    d = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in d.paragraphs), [[c.text for c in r.cells] for t in d.tables for r in t.rows]


def pct(now, base) -> float:
    return (now - base) / base * 100


def words(now, base) -> str:
    """同比上升/下降x% or 持平, from the printed values (the expectation, written here independently)."""
    p = f"{abs(pct(now, base)):.1f}"
    return "持平" if p == "0.0" else ("上升" if now > base else "下降") + p + "%"


def signed(x) -> str:
    t = f"{x:+.1f}"
    return "0.0" if t in ("+0.0", "-0.0") else t


def conc(key, v) -> str:
    return f"{v:.1f}" if key == "co_p95" else f"{v:.0f}"


@pytest.fixture
def bulletin(air, tmp_path):
    out = tmp_path / "b.docx"
    call_command("report", "air_bulletin", "--jurisdiction", "110000", "--period", "2016-12", "--out", str(out),
                 stdout=io.StringIO())
    return docx_text(out.read_bytes())


def test_headline_numbers_equal_assess_json(bulletin):
    text, _rows = bulletin
    a = assess("110000")
    base = a["yoy"]["base"]
    assert f"综合指数为{a['composite_index']:.2f}，同比{words(a['composite_index'], base['composite_index'])}" in text
    gd = a["good_days"] - base["good_days"]
    assert f"优良天数{a['good_days']}天，同比{'增加' if gd > 0 else '减少'}{abs(gd)}天" in text or gd == 0
    pts = a["good_day_ratio"] - base["good_day_ratio"]
    assert f"优良天数比率为{a['good_day_ratio']:.1f}%，同比{'上升' if pts > 0 else '下降'}{abs(pts):.1f}个百分点" in text
    assert f"重污染天数{a['heavy_days']}天" in text
    for key, label in LABELS.items():
        unit = "毫克/立方米" if key == "co_p95" else "微克/立方米"
        assert f"{label}为{conc(key, a[key])}{unit}，同比{words(a[key], base[key])}" in text, key
    for key, label in LABELS.items():
        st = a["statistics"][{"co_p95": "co_p95", "o3_8h_p90": "o3_p90"}.get(key, key)]
        short = label.split("平均")[0].split("日")[0]
        if st["compliant"] is False:
            assert f"{short}超标{st['exceedance_multiple']}倍" in text
        else:
            assert f"{short}超标" not in text


def test_district_table_equals_assess_json_and_ranks_by_index(bulletin):
    _text, rows = bulletin
    header, body = rows[0], [r for r in rows[1:] if r[1] in UNITS]
    assert header[:2] == ["排名", "名称"] and len(body) == len(UNITS)
    got = {r[1]: r for r in body}
    figures = {name: assess(code) for name, code in UNITS.items()}
    ci = sorted(f["composite_index"] for f in figures.values())
    for name, a in figures.items():
        b = a["yoy"]["base"]
        rank = 1 + sum(1 for v in ci if v < a["composite_index"])  # lower index = better, ties share
        assert got[name] == [str(rank), name, f"{a['pm25_mean']:.0f}", signed(pct(a["pm25_mean"], b["pm25_mean"])),
                             f"{a['good_day_ratio']:.1f}", signed(a["good_day_ratio"] - b["good_day_ratio"]),
                             f"{a['composite_index']:.2f}", signed(pct(a["composite_index"], b["composite_index"])),
                             str(a["valid_days"])], name
    total = next(r for r in rows if r[1] == "北京市（全部）")
    a = assess("110000")
    assert total[2] == f"{a['pm25_mean']:.0f}" and total[6] == f"{a['composite_index']:.2f}"
    # rows in rank order
    assert [int(r[0]) for r in body] == sorted(int(r[0]) for r in body)


def test_every_number_in_the_document_comes_from_the_assessments(bulletin):
    """No number the assessments do not give (besides dates, ranks, counts of units and the standards' names)."""
    text, rows = bulletin
    body = text.split("说明")[0] + "\n" + "\n".join(" ".join(r) for r in rows)
    allowed = {"2016", "12", "3095", "2012", "633", "1", "2", "3", "2.5", "10", "8", "95", "90"}  # names: PM10, SO2, O3 8h
    for _name, code in [("北京市", "110000"), *UNITS.items()]:
        a = assess(code)
        b = a["yoy"]["base"]
        for key in LABELS:
            allowed |= {conc(key, a[key]), f"{abs(pct(a[key], b[key])):.1f}", signed(pct(a[key], b[key])).lstrip("+-")}
        allowed |= {f"{a['composite_index']:.2f}", f"{abs(pct(a['composite_index'], b['composite_index'])):.1f}",
                    f"{a['good_day_ratio']:.1f}", f"{abs(a['good_day_ratio'] - b['good_day_ratio']):.1f}",
                    str(a["good_days"]), str(abs(a["good_days"] - b["good_days"])), str(a["heavy_days"]),
                    str(abs(a["heavy_days"] - b["heavy_days"])), str(a["valid_days"]), str(len(UNITS))}
        allowed |= {s["exceedance_multiple"] for s in a["statistics"].values() if s.get("exceedance_multiple")}
        allowed |= {str(v) for v in a["primary_pollutant_days"].values()}
    found = re.findall(r"\d+(?:\.\d+)?", body)
    assert found
    stray = sorted({n for n in found if n not in allowed})
    assert not stray, stray


def test_api_figures_are_the_documents_and_access(air, client_for):
    leader = client_for("leader")
    r = leader.get("/api/v1/reports/generate/", {"type": "air_bulletin", "jurisdiction": "110000", "period": "2016-12"})
    assert r.status_code == 200
    f = r.json()["figures"]
    a = assess("110000")
    assert f["assessment"]["composite_index"] == a["composite_index"]
    assert {u["name"] for u in f["units"]} >= set(UNITS)
    # bad input names the parameter (400), never a 500
    for params, field in (({"period": "2016-13"}, "period"), ({"period": "2016-Q5"}, "period"),
                          ({"type": "nope"}, "type"), ({"jurisdiction": "999999"}, "jurisdiction"),
                          ({"output": "xls"}, "output")):
        q = {"type": "air_bulletin", "jurisdiction": "110000", "period": "2016-12", **params}
        r = leader.get("/api/v1/reports/generate/", q)
        assert r.status_code == 400 and field in json.dumps(r.json()), (params, r.content)
    # an officer without reports.view: 403; anonymous: 401/403
    assert client_for("dongcheng").get("/api/v1/reports/generate/", {"type": "air_bulletin", "jurisdiction": "110101",
                                                                     "period": "2016-12"}).status_code == 403
    from django.test import Client

    assert Client().get("/api/v1/reports/types/").status_code in (401, 403)
    types = leader.get("/api/v1/reports/types/").json()
    assert types[0]["code"] == "air_bulletin"


def test_cli_list_puts_the_monthly_air_bulletin_first():
    out = io.StringIO()
    call_command("report", "--list", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t")[0] == "air_bulletin" and all("\t" in line for line in lines)


def test_preview_links_each_number_to_its_assessment(air, client_for):
    r = client_for("leader").get("/reports/", {"type": "air_bulletin", "j": "110000", "period": "2016-12"})
    assert r.status_code == 200
    html = r.content.decode()
    a = assess("110101")
    link = "/quality/assessment/?j=110101&amp;from=2016-12-01&amp;to=2016-12-31&amp;basis=reported#composite_index"
    assert f'<a href="{link}">{a["composite_index"]:.2f}</a>' in html
    assert "data:image/png;base64," in html  # the two charts
    bad = client_for("leader").get("/reports/", {"type": "air_bulletin", "j": "110000", "period": "2016-14"})
    assert bad.status_code == 400 and "期间" in bad.content.decode()
