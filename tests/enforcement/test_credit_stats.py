"""Credit rating (weights, bands, veto from cases, repair, draw steering) and the statistics with their links."""

import datetime as dt
import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from envbureau.core import workflow as wf
from envbureau.enforcement import cases, config, credit, services
from envbureau.enforcement.models import LegalBasis, PoolEnterprise

from .conftest import committed_draw

HAN = re.compile(r"[\u3400-\u9fff]")


def _rate(ent, year, score, **kw):
    """Every indicator staff enter (no record of this enterprise decides it) at `score`, with its source."""
    keys = credit.entry_keys(ent.pk, year)
    return credit.rate(None, enterprise_id=ent.pk, year=year, scores={k: score for k in keys}, sources="现场核查", **kw)


@pytest.fixture
def basis(db):
    return LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                                     effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)


def test_grade_bands_at_the_boundaries():
    assert credit.grade_for(Decimal("95")) == "green"
    assert credit.grade_for(Decimal("94.99")) == "blue"
    assert credit.grade_for(Decimal("80")) == "blue"
    assert credit.grade_for(Decimal("79.99")) == "yellow"
    assert credit.grade_for(Decimal("60")) == "yellow"
    assert credit.grade_for(Decimal("59.99")) == "red"


def test_weighted_score_and_penalty_indicator_from_cases(world, basis):
    ent = world["enterprises"][0]
    r = _rate(ent, 2026, 90)
    # no penalty decision, no complaint: 行政处罚 (15) and 群众投诉 (4) score 100, the entered 81 score 90 → 91.90
    assert r.score == Decimal("91.90") and r.grade == "blue"
    c = cases.open_case(None, enterprise_id=ent.pk, cause="x", provision="sign", act_date="2026-03-01",
                        filed_on="2026-03-10", handlers=world["inspectors"][:2])
    wf.apply(None, c, "investigate")
    wf.apply(None, c, "submit_review", note="终结")
    wf.apply(None, c, "notify", outcome="punish", notified_on="2026-04-01")
    wf.apply(None, c, "decide", decided_on="2026-04-20")
    r = _rate(ent, 2026, 90)
    # one decision: 行政处罚 60 → (81 × 90 + 15 × 60 + 4 × 100) / 100 = 85.90
    assert r.score == Decimal("85.90")


def test_one_vote_veto_from_a_transfer(world, basis):
    ent = world["enterprises"][1]
    c = cases.open_case(None, enterprise_id=ent.pk, cause="篡改数据", provision="sign", act_date="2026-03-01",
                        filed_on="2026-03-10", handlers=world["inspectors"][:2])
    for verb, kw in (("investigate", {}), ("submit_review", {"note": "终结"}),
                     ("notify", {"outcome": "punish", "notified_on": "2026-04-01"}),
                     ("decide", {"decided_on": "2026-04-20"}),
                     ("transfer", {"transfer_kind": "crime", "transferred_on": "2026-04-22", "authority": "某公安分局",
                                   "reason": "涉嫌犯罪"})):
        wf.apply(None, c, verb, **kw)
    with translation.override("en"):  # rated by an officer working in English: stored in Chinese all the same
        r = _rate(ent, 2026, 100)
    assert r.grade == "red" and r.veto_reason == f"案件 {c.code} 于 2026-04-22 以涉嫌环境犯罪移送公安机关"
    lines = r.explanation.split("\n")
    assert lines[0] == "大气及水污染物达标排放:100 分 × 权重 15"
    assert "行政处罚与行政命令:60 分 × 权重 15" in lines
    # (85 × 100 + 15 × 60) / 100 = 94.00 → blue, then the veto makes it red
    assert lines[-3:] == ["加权得分 94.00 分 → 环保良好企业(蓝牌)",
                          f"案件 {c.code} 于 2026-04-22 以涉嫌环境犯罪移送公安机关", "一票否决 → 环保不良企业(红牌)"]
    with translation.override("en"):
        en = r.explanation_label
        assert c.code in r.veto_reason_label and not HAN.search(r.veto_reason_label)
    assert not HAN.search(en), en
    assert en.split("\n")[-1].endswith("→ Poor (red)") and len(en.split("\n")) == len(lines)
    with translation.override("zh-hans"):
        assert r.explanation_label == r.explanation


def test_repair_one_step_after_its_publicity(world):
    ent = world["enterprises"][2]
    r = _rate(ent, 2025, 60, published_on=dt.date(2026, 5, 20))
    assert r.grade == "yellow"  # (81 × 60 + 19 × 100) / 100 = 67.60
    req = credit.apply_repair(None, r, applicant="李某", corrective_actions="整改完毕", applied_on="2026-11-20",
                              documents=list(config.get("credit_repair_documents")))
    wf.apply(None, req, "approve", decided_on="2026-11-25", note="整改到位")
    wf.run_lapses(dt.date(2026, 12, 3))  # publicity 11-26 … 12-02; effective 12-03
    r.refresh_from_db()
    assert r.grade == "blue" and r.repaired_from == "yellow" and r.repaired_on == dt.date(2026, 12, 3)
    with pytest.raises(ValidationError):
        credit.apply_repair(None, r, applicant="李某", corrective_actions="again", applied_on="2026-11-20",
                            documents=list(config.get("credit_repair_documents")))


def test_grade_steers_the_draw(world):
    red, green = world["enterprises"][0], world["enterprises"][1]
    _rate(red, 2026, 10)
    _rate(green, 2026, 100)
    inp = services.build_inputs(world["plan"], "s", world["day"])
    row = {e: i for i, e in enumerate(inp.enterprises["id"])}
    assert inp.enterprises["cls"][row[red.pk]] == 2 and inp.enterprises["cap_exempt"][row[red.pk]] == 1
    assert inp.enterprises["positive"][row[green.pk]] == 1
    assert PoolEnterprise.objects.get(enterprise_id=red.pk).credit_grade == "red"


def test_statistics_sentence_numbers_and_links(world, basis, client_for):
    from envbureau.core.models import Jurisdiction

    d = committed_draw(world["plan"], "st", on=world["day"])
    for i in list(d.inspections.all())[:3]:
        services.record_inspection(None, i, checklist={str(n): ("ok", "") for n in range(len(i.checklist))},
                                   result="no_problem", party_present="甲", inspected_on="2026-10-09")
    ent = world["enterprises"][0]
    fined = cases.open_case(None, enterprise_id=ent.pk, cause="a", provision="sign", act_date="2026-03-01",
                            filed_on="2026-03-10", handlers=world["inspectors"][:2])
    for verb, kw in (("investigate", {}), ("submit_review", {"note": "终结"}),
                     ("notify", {"outcome": "punish", "fine": "55000", "notified_on": "2026-04-01"}),
                     ("decide", {"decided_on": "2026-04-20"})):
        wf.apply(None, fined, verb, **kw)
    spared = cases.open_case(None, enterprise_id=ent.pk, cause="b", provision="sign", act_date="2026-03-01",
                             filed_on="2026-03-12", handlers=world["inspectors"][:2])
    wf.apply(None, spared, "investigate")
    wf.apply(None, spared, "submit_review", note="终结")
    wf.apply(None, spared, "no_penalty", outcome="minor_no_penalty", decided_on="2026-04-01", note="轻微")
    out = StringIO()
    call_command("enforcement-stats", "--jurisdiction", "110000", "--year", "2026", "--json", stdout=out)
    data = json.loads(out.getvalue())
    f = data["figures"]
    assert (f["inspections"], f["enterprises"], f["cases_filed"], f["decisions"], f["not_punished"]) == (3, 3, 2, 1, 1)
    assert data["fines_wan"] == "5.50"
    assert "立案调查环境违法案件2起,下达行政处罚决定书1件,罚款金额5.50万元" in data["sentence"]
    # the number links to exactly the records it counts
    c = client_for("admin")
    page = c.get(data["links"]["decisions"])
    assert page.status_code == 200 and fined.code in page.content.decode() and spared.code not in page.content.decode()
    page = c.get(data["links"]["not_punished"])
    assert spared.code in page.content.decode() and fined.code not in page.content.decode()
    # 检查企业 N 家 opens the N enterprises inspected that year (not the inspections)
    from envbureau.enforcement.models import Inspection

    inspected = set(Inspection.objects.filter(inspected_on__year=2026).values_list("enterprise_name", flat=True))
    body = c.get(data["links"]["enterprises"]).content.decode()
    assert len(inspected) == f["enterprises"] == 3
    assert {e.name for e in world["enterprises"] if e.name in body} == inspected
    # a district officer's page counts only their district (东城 holds enterprises 1 and 2)
    r = client_for("dongcheng").get("/enforcement/statistics/?jurisdiction=110101&year=2026")
    assert r.status_code == 200
    api = client_for("admin").get("/api/v1/enforcement/statistics/?jurisdiction=110101&year=2026").json()
    assert api["figures"]["cases_filed"] == 2
    assert client_for("admin").get("/api/v1/enforcement/statistics/?jurisdiction=999999&year=2026").status_code == 400
    assert Jurisdiction.objects.filter(code="110101").exists()


def test_statistics_excel_export(world, client_for):
    from openpyxl import load_workbook

    r = client_for("admin").get("/enforcement/statistics/?jurisdiction=110000&year=2026&export=xlsx")
    assert r.status_code == 200
    import io

    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
    values = [row[0] for row in ws.iter_rows(values_only=True)]
    assert "立案(起)" in values and any(str(v).startswith("2026年,北京市") for v in values if v)


def test_statistics_excel_in_english_is_named_in_english(world, client_for):
    """The Excel's file name and title row read '执法统计-110000-2026' on an English page (the rest was English)."""
    import io

    from openpyxl import load_workbook

    c = client_for("admin")
    c.cookies["django_language"] = "en"
    r = c.get("/enforcement/statistics/?jurisdiction=110000&year=2026&export=xlsx")
    assert r.status_code == 200
    assert "Enforcement%20statistics-110000-2026.xlsx" in r["Content-Disposition"], r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    assert wb.sheetnames[0] == "Enforcement statistics"
    title = next(wb.active.iter_rows(values_only=True))[0]
    assert title.startswith("Enforcement statistics-110000-2026") and "执法统计" not in title, title
