"""Every number of the water report, the ranking notice, the rectification progress report, the complaint
analysis and the work-summary figures equals what the platform's own commands give for the same scope and
period (`assess water|air --json`, `ledger_stats --json`, `complaints_stats --json`, `enforcement-stats`),
read back from the generated .docx."""

import datetime as dt
import io
import json
import re

import docx
import pytest
from django.core.management import call_command
from django.utils import timezone


@pytest.fixture(scope="module")
def world(light_world):
    """Every app's demo data (the light slice), copied in for the module and gone after it."""


def cmd(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def generate(tmp_path, code, jurisdiction, period):
    out = tmp_path / f"{code}.docx"
    cmd("report", code, "--jurisdiction", jurisdiction, "--period", period, "--out", str(out))
    d = docx.Document(str(out))
    return "\n".join(p.text for p in d.paragraphs), [[c.text for c in r.cells] for t in d.tables for r in t.rows]


def one(pattern, text):
    m = re.search(pattern, text)
    assert m, pattern
    return m.groups() if len(m.groups()) > 1 else m.group(1)


def test_water_report(world, db, tmp_path):
    text, rows = generate(tmp_path, "water_report", "110000", "2016-12")
    w = json.loads(cmd("assess", "water", "--jurisdiction", "110000", "--year", "2016", "--month", "12", "--json"))
    y = w["yoy"]
    assert f"共监测地表水断面{w['n_sections_listed']}个" in text
    assert (f"Ⅰ～Ⅲ类水质断面{w['n_class_1_3']}个，占比{w['class_1_3_share']:.1f}%，{y['class_1_3_share']['text']}"
            in text)
    assert f"其中Ⅰ～Ⅱ类{w['n_class_1_2']}个，占比{w['class_1_2_share']:.1f}%" in text
    assert f"Ⅳ类{w['class_counts']['Ⅳ']}个；Ⅴ类{w['class_counts']['Ⅴ']}个；劣Ⅴ类{w['n_worse_v']}个" in text
    assert f"断面达标率{w['meeting_target_rate']:.1f}%" in text
    assert f"城市水质指数（CWQI）为{w['cwqi']:.2f}" in text
    d = w["drinking"]
    assert f"集中式饮用水水源地{d['n_sources']}个，水质达标率{d['event_rate']:.1f}%" in text
    table = {r[0]: r for r in rows[1:]}
    assert len(table) == len(w["sections"])
    for s in w["sections"]:
        r = table[s["name"]]
        assert r[3] == f"{s['target']}类" and r[4] == f"{s['class']}类", s["name"]
        assert r[5] == f"{s['class_last_year']}类" and r[6] == s["class_change"]
        assert r[7] == ("是" if s["meets_target"] else "否")


def test_ranking_notice(world, db, tmp_path):
    from envbureau.quality.models import CityDaily

    last = CityDaily.objects.order_by("-date").values_list("date", flat=True).first()
    period = f"{last.year}-{last.month:02d}"
    text, rows = generate(tmp_path, "ranking_notice", "110000", period)
    body = rows[1:]
    assert body, "the light demo has district results"
    figs = {}
    for r in body:
        a = json.loads(cmd("assess", "air", "--jurisdiction", _code(r[1]), "--year", str(last.year), "--month",
                           str(last.month), "--json", "--change-basis", "reported"))
        figs[r[1]] = a
    ci = [a["composite_index"] for a in figs.values() if a["composite_index"] is not None]
    for r in body:
        a = figs[r[1]]
        if a["composite_index"] is None:
            assert r[0] == "—" and r[2] == "—"
            continue
        assert r[0] == str(1 + sum(1 for v in ci if v < a["composite_index"]))  # ties share a rank
        assert r[2] == f"{a['composite_index']:.2f}"
        assert r[5] == f"{a['pm25_mean']:.0f}" if a["pm25_mean"] is not None else r[5] == "—"
        assert r[6] == f"{a['good_day_ratio']:.1f}" if a["good_day_ratio"] is not None else r[6] == "—"
    order = one(r"由好到差依次为：(.*?)。", text)
    ranked = [r[1] for r in body if r[0] != "—"]
    assert [n for n in re.split("、|和|（并列）", order) if n] == ranked


def _code(name):
    from envbureau.core.models import Jurisdiction

    return Jurisdiction.objects.get(name=name).code


def test_rectification_report(world, db, tmp_path):
    today = timezone.localdate()
    end = dt.date(today.year, 12, 31)
    text, rows = generate(tmp_path, "rectification", "110000", str(today.year))
    day = min(end, today)
    s = json.loads(cmd("ledger_stats", "--jurisdiction", "110000", "--to", end.isoformat(), "--today",
                       day.isoformat(), "--json"))
    assert s["total"], "the light demo has ledger problems"
    assert (f"累计交办问题{s['total']}个，完成整改{s['done']}个，完成率{s['done_rate']}%；已销号{s['closed']}个，"
            f"销号率{s['closure_rate']}%；正在整改{s['in_progress']}个") in text
    if s["overdue"]:
        assert f"逾期未完成{s['overdue']}个" in text
    for group in ("by_source", "by_district", "by_batch"):
        for g in s[group]:
            name = g.get("label") or g.get("name")
            assert [name, str(g["total"]), str(g["done"]), g["done_rate"], str(g["closed"]), g["closure_rate"],
                    str(g["overdue"])] in rows, (group, name)
    this_year = json.loads(cmd("ledger_stats", "--jurisdiction", "110000", "--year", str(today.year), "--today",
                               day.isoformat(), "--json"))
    assert f"年新交办问题{this_year['total']}个，已完成整改{this_year['done']}个" in text


def test_complaint_analysis(world, db, tmp_path):
    year = timezone.localdate().year
    text, rows = generate(tmp_path, "complaint_analysis", "110000", str(year))
    c = json.loads(cmd("complaints_stats", "--jurisdiction", "110000", "--year", str(year), "--json"))
    t, r = c["total"], c["rates"]
    assert t["received"], "the light demo has complaints"
    assert f"共接收环境信访投诉{t['received']}件" in text
    assert f"受理{t['accepted']}件，不予受理{t['declined']}件；已办结{t['completed']}件，办结率{r['completion_rate']}%" in text
    assert f"按时办结率{r['on_time_rate']}%；回访满意率{r['satisfaction_rate']}%" in text
    assert (f"属实{t['substantiated']}件、部分属实{t['partly']}件、不属实{t['unsubstantiated']}件，"
            f"属实率{r['substantiated_share']}%；重复件{t['repeats']}件") in text
    ov = c["oversight"]
    if ov["received"]:
        assert f"督察交办信访件{ov['batches']}批次{ov['received']}件" in text
    # each breakdown adds up to the total received, and its shares to 100 % within rounding
    for header in ("渠道", "污染类型"):
        start = next(i for i, row in enumerate(rows) if row[0] == header)
        block = []
        for row in rows[start + 1:]:
            if row[1] == "收件数":
                break
            block.append(row)
        assert sum(int(row[1]) for row in block) == t["received"], header
        assert abs(sum(float(row[2].rstrip("%")) for row in block) - 100) < 0.1 * len(block)


def test_work_summary(world, db, tmp_path):
    year = timezone.localdate().year
    text, _rows = generate(tmp_path, "work_summary", "110000", str(year))
    end = dt.date(year, 12, 31)
    day = min(end, timezone.localdate())
    s = json.loads(cmd("ledger_stats", "--jurisdiction", "110000", "--to", end.isoformat(), "--today",
                       day.isoformat(), "--json"))
    assert s["sentence"] in text
    c = json.loads(cmd("complaints_stats", "--jurisdiction", "110000", "--year", str(year), "--json"))
    assert (f"共受理各类环境信访举报投诉{c['total']['received']}件" in text and
            f"办结率{c['rates']['completion_rate']}%，满意率{c['rates']['satisfaction_rate']}%" in text)
    e = cmd("enforcement-stats", "--jurisdiction", "110000", "--year", str(year)).strip()
    if "开展执法检查0次" not in e:
        for line in e.splitlines():  # the enforcement statistics' sentences, each as printed
            assert line in text, line


def test_work_summary_of_a_half_year_counts_enforcement_for_that_half(world, db, tmp_path):
    """A half-year summary prints the half's enforcement figures (enforcement-stats --period Y-H1), not the year's."""
    year = timezone.localdate().year
    text, _rows = generate(tmp_path, "work_summary", "110000", f"{year}-H1")
    e = cmd("enforcement-stats", "--jurisdiction", "110000", "--period", f"{year}-H1").strip()
    if "开展执法检查0次" not in e:
        assert e.startswith(f"{year}年1-6月,")
        for line in e.splitlines():
            assert line in text, line
    whole = cmd("enforcement-stats", "--jurisdiction", "110000", "--year", str(year)).strip()
    if whole.splitlines()[0].split(",", 1)[1] != e.splitlines()[0].split(",", 1)[1]:  # the year differs from H1
        assert whole.splitlines()[0] not in text


def test_every_type_previews_and_answers_the_api(world, db):
    from django.test import Client

    from envbureau.core.models import User
    from envbureau.reports import registry

    c = Client()
    c.force_login(User.objects.get(username="leader"))
    year = str(timezone.localdate().year)
    periods = {"air_bulletin": None, "ranking_notice": None, "water_report": "2016-12"}
    from envbureau.quality.models import CityDaily

    last = CityDaily.objects.order_by("-date").values_list("date", flat=True).first()
    types = registry.types()
    assert [t.code for t in types][:1] == ["air_bulletin"] and len(types) == 6
    for t in types:
        period = periods.get(t.code, year) or f"{last.year}-{last.month:02d}"
        r = c.get("/reports/", {"type": t.code, "j": "110000", "period": period})
        assert r.status_code == 200, (t.code, r.content[:300])
        html = r.content.decode()
        assert "<article" in html and 'href="/' in html, t.code  # numbers link to their records
        api = c.get("/api/v1/reports/generate/", {"type": t.code, "jurisdiction": "110000", "period": period})
        assert api.status_code == 200 and api.json()["figures"]["jurisdiction"]["code"] == "110000", t.code


def pdf_text(tmp_path, code, jurisdiction, period) -> str:
    """The text LibreOffice's PDF carries (whitespace dropped: PDF text runs break lines anywhere)."""
    from pypdf import PdfReader

    out = tmp_path / f"{code}.pdf"
    cmd("report", code, "--jurisdiction", jurisdiction, "--period", period, "--format", "pdf", "--out", str(out))
    data = out.read_bytes()
    assert data[:4] == b"%PDF", code
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_every_type_as_pdf_carries_its_key_numbers_in_chinese(world, db, tmp_path):
    """The PDF rendition of each type (LibreOffice, Noto CJK) holds the Chinese text and the key numbers the
    platform's commands give; a font without CJK glyphs or a broken conversion fails here."""
    from envbureau.quality.models import CityDaily

    last = CityDaily.objects.order_by("-date").values_list("date", flat=True).first()
    month = f"{last.year}-{last.month:02d}"
    year = timezone.localdate().year
    a = json.loads(cmd("assess", "air", "--jurisdiction", "110000", "--year", str(last.year), "--month",
                       str(last.month), "--json", "--change-basis", "reported"))
    w = json.loads(cmd("assess", "water", "--jurisdiction", "110000", "--year", "2016", "--month", "12", "--json"))
    end = dt.date(year, 12, 31)
    s = json.loads(cmd("ledger_stats", "--jurisdiction", "110000", "--to", end.isoformat(), "--today",
                       min(end, timezone.localdate()).isoformat(), "--json"))
    c = json.loads(cmd("complaints_stats", "--jurisdiction", "110000", "--year", str(year), "--json"))
    t, r = c["total"], c["rates"]
    expected = {
        ("air_bulletin", month): [f"北京市{last.year}年{last.month}月环境空气质量通报",
                                  f"综合指数为{a['composite_index']:.2f}", f"优良天数比率为{a['good_day_ratio']:.1f}%",
                                  f"PM2.5平均浓度为{a['pm25_mean']:.0f}微克/立方米"],
        ("ranking_notice", month): ["环境空气质量排名通报", "由好到差依次为", "综合排名"],
        ("water_report", "2016-12"): ["地表水环境质量", f"共监测地表水断面{w['n_sections_listed']}个",
                                      f"断面达标率{w['meeting_target_rate']:.1f}%"],
        ("rectification", str(year)): [f"累计交办问题{s['total']}个，完成整改{s['done']}个，完成率{s['done_rate']}%"],
        ("complaint_analysis", str(year)): [f"共接收环境信访投诉{t['received']}件",
                                            f"办结率{r['completion_rate']}%"],
        ("work_summary", str(year)): ["生态环境保护工作总结", f"共受理各类环境信访举报投诉{t['received']}件",
                                      re.sub(r"\s+", "", s["sentence"])],
    }
    # the ranking notice: every district's composite index, as `assess air` gives it
    for name in ("东城区", "西城区"):
        d = json.loads(cmd("assess", "air", "--jurisdiction", _code(name), "--year", str(last.year), "--month",
                           str(last.month), "--json", "--change-basis", "reported"))
        if d["composite_index"] is not None:
            expected[("ranking_notice", month)].append(f"{name}{d['composite_index']:.2f}")
    from envbureau.reports import registry

    assert {code for code, _p in expected} == {x.code for x in registry.types()}  # every type
    for (code, period), wants in expected.items():
        text = pdf_text(tmp_path, code, "110000", period)
        assert "（草稿，未编号）" in text or "(草稿,未编号)" in text, code
        for want in wants:
            assert want in text, (code, want, text[:400])
