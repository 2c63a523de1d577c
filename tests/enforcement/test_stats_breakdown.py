"""Statistics by industry and by department, amounts spared, daily penalties, credit figures, year on year,
the reports' sentences with a link behind every number, and the Excel export. Expected figures are worked
out by hand from the records made here (comments)."""

import datetime as dt
import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from envbureau.core import workflow as wf
from envbureau.enforcement import cases, config, credit, measures
from envbureau.enforcement.models import Case, LegalBasis, PoolEnterprise


def _decide(case, outcome, fine, notified, decided):
    wf.apply(None, case, "investigate")
    wf.apply(None, case, "submit_review", note="调查终结")
    if outcome in ("first_no_penalty", "minor_no_penalty"):
        wf.apply(None, case, "no_penalty", outcome=outcome, decided_on=decided, note="轻微,已改正")
    else:
        wf.apply(None, case, "notify", outcome=outcome, fine=fine, notified_on=notified)
        wf.apply(None, case, "decide", decided_on=decided)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def records(world):
    """e1 火力发电 (东城), e2 化学原料 (东城), e3 火力发电 (朝阳), e4 no industry (朝阳).
    Inspectors 1–2 in department A (执法支队), 3–4 in B (督察), 5 in none.
    2026: c1 e1 A+A punished 55,000; c2 e2 B+B 轻微不罚 (spared: minimum 20,000); c3 e3 A+B 减轻 10,000
    (spared 20,000 − 10,000 = 10,000). 2025: c0 e1 A+A punished 50,000."""
    from envbureau.core.models import Department

    LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                              effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)
    e1, e2, e3, e4 = world["enterprises"]
    for e, ind in ((e1, "火力发电"), (e2, "化学原料和化学制品制造业"), (e3, "火力发电")):
        e.industry_name = ind
        e.save()
    a, b = Department.objects.get(code="enforcement"), Department.objects.get(code="oversight")
    i1, i2, i3, i4, _i5 = world["inspectors"]
    for i, d in ((i1, a), (i2, a), (i3, b), (i4, b)):
        i.department = d
        i.save()

    def case(e, hs, act, filed):
        return cases.open_case(None, enterprise_id=e.pk, cause="案由", provision="sign", act_date=act,
                               filed_on=filed, handlers=hs)

    c0 = _decide(case(e1, [i1, i2], "2025-04-01", "2025-05-01"), "punish", "50000", "2025-05-20", "2025-06-01")
    c1 = _decide(case(e1, [i1, i2], "2026-03-01", "2026-03-10"), "punish", "55000", "2026-04-01", "2026-04-20")
    c2 = _decide(case(e2, [i3, i4], "2026-03-01", "2026-03-12"), "minor_no_penalty", None, None, "2026-04-01")
    c3 = _decide(case(e3, [i1, i3], "2026-04-01", "2026-05-01"), "reduced", "10000", "2026-05-10", "2026-06-01")
    # 按日连续处罚 on c1: served 05-01, re-check 05-11 still exceeding → 10 days × 55,000 = 550,000
    o = measures.order(None, c1, kind="correction", decided_on="2026-04-20", content="立即改正")
    wf.apply(None, o, "serve", served_on="2026-05-01")
    wf.apply(None, o, "recheck", rechecked_on="2026-05-11", recheck_result="continuing")
    measures.record_daily_penalty(None, c1, orders=[o], decided_on="2026-05-12")
    measures.order(None, c3, kind="seizure", decided_on="2026-06-02", content="泵")
    # credit: three ratings published in 2026, e2's is 警示 (yellow) and repaired in 2026
    for e, score in ((e2, 70), (e3, 100), (e4, 100)):
        keys = credit.entry_keys(e.pk, 2025)
        r = credit.rate(None, enterprise_id=e.pk, year=2025, scores={k: score for k in keys}, sources="现场核查",
                        published_on=dt.date(2026, 5, 20))
        if e is e2:
            assert r.grade == "yellow"
            req = credit.apply_repair(None, r, applicant="李某", corrective_actions="整改完成", applied_on="2026-08-20",
                                      documents=list(config.get("credit_repair_documents")))
            wf.apply(None, req, "approve", decided_on="2026-08-24", note="整改到位")
            wf.run_lapses(dt.date(2026, 9, 1))  # publicity 08-25 … 08-31: in effect on 09-01
    PoolEnterprise.objects.filter(enterprise_id=e3.pk).update(positive_list=True)
    PoolEnterprise.objects.filter(enterprise_id=e4.pk).update(positive_list=True,
                                                              positive_until=dt.date(2026, 6, 30))  # ran out
    return {"c0": c0, "c1": c1, "c2": c2, "c3": c3, "a": a, "b": b}


def _json(code="110000", year=2026):
    out = StringIO()
    call_command("enforcement-stats", "--jurisdiction", code, "--year", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_figures_spared_daily_credit_and_sentences(records):
    data = _json()
    f = data["figures"]
    assert (f["cases_filed"], f["decisions"], f["not_punished"], f["reduced"]) == (3, 2, 1, 1)
    assert (Decimal(f["fines_yuan"]), Decimal(f["spared_yuan"])) == (Decimal(65000), Decimal(30000))
    assert (f["daily_penalties"], Decimal(f["daily_fines_yuan"]), f["seizures"], f["corrections"]) == \
        (1, Decimal(550000), 1, 1)
    assert (f["ratings"], f["ratings_yellow"], f["ratings_red"], f["repairs"]) == (3, 1, 0, 1)
    assert f["positive_list"] == 1  # e4's listing ran out on 2026-06-30
    texts = [s["text"] for s in data["sentences"]]
    # 65,000 against 50,000 the year before: +30.0 %
    assert "立案调查环境违法案件3起,下达行政处罚决定书2件,罚款金额6.50万元,同比增长30.0%" in texts[0]
    assert "纳入监督执法正面清单企业1家;不予处罚1件,减轻处罚1件,免除或减轻罚款3.00万元" in texts[1]
    assert "实施按日连续处罚1件,罚款55.00万元;查封扣押1件" in texts[2]
    assert texts[3] == "对3家企业的环境行为进行信用评价,1家企业被黄牌警示,0家企业被红牌处理;已办理信用修复1件。"
    # every number of every sentence links somewhere
    for s in data["sentences"]:
        nums = [p for p in s["parts"] if isinstance(p, dict)]
        assert nums and all(p["url"].startswith("/enforcement/") for p in nums)


def test_breakdown_by_industry_and_department(records):
    data = _json()
    ind = {r["label"]: r for r in data["by_industry"]}
    power, chem = ind["火力发电"], ind["化学原料和化学制品制造业"]
    assert (power["cases_filed"], power["decisions"], power["fines_wan"], power["previous_fines_wan"],
            power["yoy_fines"], power["spared_wan"]) == (2, 2, "6.50", "5.00", 30.0, "1.00")
    assert (chem["cases_filed"], chem["decisions"], chem["not_punished"], chem["spared_wan"], chem["yoy_fines"]) == \
        (1, 0, 1, "2.00", None)
    dept = {r["label"]: r for r in data["by_department"]}
    a, b = dept[records["a"].name], dept[records["b"].name]
    # c3 has a handler in each department: it counts once in each
    assert (a["cases_filed"], a["decisions"], a["fines_wan"], a["previous_fines_wan"], a["spared_wan"]) == \
        (2, 2, "6.50", "5.00", "1.00")
    assert (b["cases_filed"], b["decisions"], b["fines_wan"], b["not_punished"], b["spared_wan"]) == \
        (2, 1, "1.00", 1, "3.00")


def test_each_number_lists_exactly_its_records(records, client_for):
    data = _json()
    c = client_for("admin")
    codes = {k: records[k].code for k in ("c0", "c1", "c2", "c3")}

    def listed(url):
        body = c.get(url).content.decode()
        return {k for k, code in codes.items() if code in body}

    dept = {r["label"]: r for r in data["by_department"]}
    assert listed(dept[records["a"].name]["links"]["decisions"]) == {"c1", "c3"}
    assert listed(dept[records["b"].name]["links"]["cases_filed"]) == {"c2", "c3"}
    ind = {r["label"]: r for r in data["by_industry"]}
    assert listed(ind["化学原料和化学制品制造业"]["links"]["not_punished"]) == {"c2"}
    assert listed(ind["火力发电"]["links"]["fines_yuan"]) == {"c1", "c3"}
    assert listed(data["links"]["spared_yuan"]) == {"c2", "c3"}
    # … and its 免除或减轻罚款 column adds up to the number in the sentence
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(c.get(data["links"]["spared_yuan"] + "&export=xlsx").content))
                .worksheets[0].iter_rows(values_only=True))
    col = rows[1].index("免除或减轻罚款(元)")
    assert len(rows[2:]) == 2 and sum(Decimal(str(r[col] or 0)) for r in rows[2:]) == \
        Decimal(str(data["figures"]["spared_yuan"])) > 0
    assert listed(data["links"]["reduced"]) == {"c3"}
    body = c.get(data["links"]["daily_penalties"]).content.decode()
    assert f"{codes['c1']}-AR1" in body and f"{codes['c1']}-GZ1" not in body
    body = c.get(data["links"]["ratings_yellow"]).content.decode()
    assert "测试企业2" in body and "测试企业3" not in body
    body = c.get(data["links"]["positive_list"]).content.decode()
    assert "测试企业3" in body and "测试企业4" not in body


def test_page_api_excel_and_scope(records, client_for):
    from openpyxl import load_workbook

    admin = client_for("admin")
    page = admin.get("/enforcement/statistics/?jurisdiction=110000&year=2026").content.decode()
    assert '>3</a>起,下达行政处罚决定书<a href="/enforcement/cases/?jurisdiction=110000&amp;decided_year=2026' \
           '&amp;outcome_group=penalty">2</a>' in page
    assert "按行业" in page and "化学原料和化学制品制造业" in page and records["b"].name in page
    r = admin.get("/enforcement/statistics/?jurisdiction=110000&year=2026&export=xlsx")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    assert {"执法统计", "按行业", "按部门", "报告句子"} <= set(wb.sheetnames)
    rows = list(wb["按行业"].iter_rows(values_only=True))
    # row 1 the title; per figure three columns (this year, last year, change): 处罚决定 is columns 7–9
    assert rows[1][0] == "行业" and rows[1][7] == "处罚决定(件) 2026" and rows[1][9] == "处罚决定(件) 同比(%)"
    assert any(row[0] == "火力发电" and row[7:10] == (2, 1, 100.0) for row in rows[2:])
    assert any("同比增长30.0%" in (row[0] or "") for row in wb["报告句子"].iter_rows(values_only=True))
    api = admin.get("/api/v1/enforcement/statistics/?jurisdiction=110000&year=2026").json()
    assert api["sentences"][0]["text"].startswith("2026年,北京市") and len(api["by_department"]) >= 2
    # 东城 officer: only e1 and e2 (c1, c2) are in reach
    api = client_for("dongcheng").get("/api/v1/enforcement/statistics/?jurisdiction=110101&year=2026").json()
    assert {r["label"]: r["cases_filed"] for r in api["by_industry"]} == {"火力发电": 1, "化学原料和化学制品制造业": 1}


@pytest.fixture
def more(records, world):
    """Adds to `records`: checks by inspectors 1–2 (department A) of e1 on 2025-05-01 and 2026-03-01 and of e2
    on 2026-03-02; an order to correct on c0 decided 2025-06-05. So, hand-counted, 2026 against 2025:
    inspections 2 / 1, cases filed 3 / 1, decisions 2 / 1, measures 3 (c1 order, c1 daily, c3 seizure) / 1,
    fines 65,000 / 50,000."""
    from envbureau.enforcement import services

    e1, e2 = world["enterprises"][:2]
    for e, day in ((e1, "2025-05-01"), (e1, "2026-03-01"), (e2, "2026-03-02")):
        i = services.create_inspection(None, source="campaign", enterprise_id=e.pk, team=world["inspectors"][:2],
                                       items=world["items"], planned_on=dt.date.fromisoformat(day))
        services.record_inspection(None, i, checklist={str(n): ("ok", "") for n in range(len(i.checklist))},
                                   result="no_problem", party_present="王经理", inspected_on=day)
    c0 = records["c0"]
    measures.order(None, c0, kind="correction", decided_on="2025-06-05", content="立即改正")
    return records


def test_year_on_year_beyond_fines(more):
    data = _json()
    f, p, y = data["figures"], data["previous"], data["yoy"]
    want = {"inspections": (2, 1, 100.0), "cases_filed": (3, 1, 200.0), "decisions": (2, 1, 100.0),
            "measures": (3, 1, 200.0), "seizures": (1, 0, None)}
    assert {k: (f[k], p[k], y[k]) for k in want} == want
    assert data["yoy_fines"] == 30.0
    assert data["sentences"][4]["text"] == (
        "与上年相比:执法检查2次(上年1次,同比增长100.0%),立案3起(上年1起,同比增长200.0%),"
        "处罚决定2件(上年1件,同比增长100.0%),行政命令与强制措施3件(上年1件,同比增长200.0%),"
        "罚款6.50万元(上年5.00万元,同比增长30.0%)。")
    ind = {r["label"]: r for r in data["by_industry"]}
    power, chem = ind["火力发电"], ind["化学原料和化学制品制造业"]
    # 火力发电 = e1 + e3: checks 1 / 1, cases 2 / 1, decisions 2 / 1, measures 3 / 1
    assert {k: (power[k], power["previous"][k], power["yoy"][k])
            for k in ("inspections", "cases_filed", "decisions", "measures")} == {
        "inspections": (1, 1, 0.0), "cases_filed": (2, 1, 100.0), "decisions": (2, 1, 100.0),
        "measures": (3, 1, 200.0)}
    assert (chem["inspections"], chem["previous"]["inspections"], chem["yoy"]["inspections"]) == (1, 0, None)
    dept = {r["label"]: r for r in data["by_department"]}
    a, b = dept[more["a"].name], dept[more["b"].name]
    # A handles c1 (order, daily) and c3 (seizure) in 2026, c0 (order) in 2025; B only c3's seizure
    assert (a["measures"], a["previous"]["measures"], a["yoy"]["measures"]) == (3, 1, 200.0)
    assert (a["inspections"], a["previous"]["inspections"]) == (2, 1)
    assert (b["measures"], b["previous"]["measures"], b["yoy"]["measures"]) == (1, 0, None)


def test_year_on_year_numbers_open_their_records(more, client_for):
    data = _json()
    c = client_for("admin")
    code = {k: more[k].code for k in ("c0", "c1", "c3")}
    every = {f"{code['c0']}-GZ1", f"{code['c1']}-GZ1", f"{code['c1']}-AR1", f"{code['c3']}-CK1"}

    def measures_in(url):
        body = c.get(url).content.decode()
        return {m for m in every if m in body}

    assert measures_in(data["links"]["measures"]) == every - {f"{code['c0']}-GZ1"}
    assert measures_in(data["previous_links"]["measures"]) == {f"{code['c0']}-GZ1"}
    dept = {r["label"]: r for r in data["by_department"]}
    assert measures_in(dept[more["b"].name]["links"]["measures"]) == {f"{code['c3']}-CK1"}
    assert measures_in(dept[more["a"].name]["previous_links"]["measures"]) == {f"{code['c0']}-GZ1"}
    ind = {r["label"]: r for r in data["by_industry"]}
    body = c.get(ind["火力发电"]["previous_links"]["cases_filed"]).content.decode()
    assert code["c0"] in body and code["c1"] not in body
    # the sentence's numbers: this year and last year each open their own list
    nums = [p for p in data["sentences"][4]["parts"] if isinstance(p, dict)]
    assert [p["text"] for p in nums] == ["2", "1", "3", "1", "2", "1", "3", "1", "6.50", "5.00"]
    assert "year=2025" in nums[1]["url"] and "year=2026" in nums[0]["url"]
    page = c.get("/enforcement/statistics/?jurisdiction=110000&year=2026").content.decode()
    assert "与上年相比" in page and data["previous_links"]["measures"].replace("&", "&amp;") in page


def test_money_reads_with_thousands_separators_and_exports_as_numbers(records, client_for):
    """Fines, daily fines and amounts spared read 65,000.00 (元) and 6.50 (万元) on the statistics page, the cases
    and measures lists, a case's page and the public penalties; the Excel exports keep them numbers."""
    from openpyxl import load_workbook

    from envbureau.core.money import Amount, wan, yuan
    from envbureau.core.templatetags.eb import money

    assert (yuan(26000), yuan("1234567.5"), wan(26000), wan(Decimal("5500000"))) == \
        ("26,000.00", "1,234,567.50", "2.60", "550.00")
    assert isinstance(yuan(26000), Amount) and yuan(26000).number == Decimal("26000.00")
    assert yuan(None) is None and yuan("") == "" and money(3) == 3 and money(Decimal("550000")) == "550,000.00"

    c = client_for("admin")
    page = c.get("/enforcement/statistics/?jurisdiction=110000&year=2026").content.decode()
    # top table in yuan: fines 65,000, spared 30,000, daily 550,000; 万元 row and by-industry cells: 6.50
    for shown in (">65,000.00</a>", ">50,000.00</a>", ">30,000.00</a>", ">550,000.00</a>", ">6.50</a>"):
        assert shown in page, shown
    assert "65000.00" not in page and "550000" not in page
    assert "罚款<a" in page and ">55.00</a>万元" in page  # the sentences' 万元 figures
    # the by-industry / by-department tables wrap (headers, last year under the figure) instead of scrolling
    assert 'class="table table-sm eb-breakdown"' in page and 'text-muted text-nowrap">' not in page
    c1 = records["c1"]
    assert ">55,000.00<" in c.get(f"/enforcement/cases/{c1.pk}/").content.decode()
    listing = c.get("/enforcement/cases/?jurisdiction=110000&decided_year=2026").content.decode()
    assert "55,000.00" in listing and "10,000.00" in listing and "20,000.00" in listing  # fines; spared
    assert "550,000.00" in c.get("/enforcement/measures/?jurisdiction=110000&year=2026").content.decode()
    r = c.get("/enforcement/cases/?jurisdiction=110000&decided_year=2026&export=xlsx")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    values = [v for row in wb.active.iter_rows(values_only=True) for v in row]
    assert 55000 in values and 10000 in values  # numbers, not "55,000.00"
    assert not any(isinstance(v, str) and "55,000" in v for v in values)
