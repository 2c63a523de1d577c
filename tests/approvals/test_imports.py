"""Import of existing permits: typed columns, one row per pollutant, all-or-nothing, errors naming row and column;
an imported permit sets the online-monitoring limits like one issued on the page."""

from envbureau.approvals.models import Permit
from envbureau.core.importing import get_importer
from envbureau.sources.models import PollutantLimit

HEADER = ["许可证编号", "排污单位", "管理类别", "发证日期", "有效期至", "排放口编号", "污染物代码", "许可排放浓度", "均值周期",
          "许可年排放量(吨)"]


def _csv(rows):
    return ("\n".join(",".join(r) for r in rows) + "\n").encode("utf-8")


def test_permit_import_all_or_nothing_with_row_errors(world):
    imp = get_importer("approvals.permit")
    ok1 = ["P-IMP-1", "91110101MA01AAAA1X", "重点", "2024-03-01", "2029-02-28", "DW001", "w01018", "80", "小时", "10"]
    ok2 = ["P-IMP-1", "东城热电", "重点", "2024-03-01", "2029-02-28", "DW001", "w21003", "8", "小时", "1.2"]
    bad_factor = ["P-IMP-2", "西城印刷", "简化", "2024-05-01", "", "DW001", "zz999", "10", "小时", ""]
    bad_number = ["P-IMP-2", "西城印刷", "简化", "2024-05-01", "", "DW001", "w01018", "-3", "小时", ""]
    contradicting = ["P-IMP-1", "东城热电", "简化", "2024-03-01", "2029-02-28", "DW001", "w21011", "1", "小时", ""]
    result = imp.run(_csv([HEADER, ok1, ok2, bad_factor, bad_number]), "permits.csv", None)
    assert not result.ok
    assert {(e["row"], e["column"]) for e in result.errors} == {(4, "污染物代码"), (5, "许可排放浓度")}
    # the batch check (after every cell is valid): a row contradicting its permit's first row
    result = imp.run(_csv([HEADER, ok1, ok2, contradicting]), "permits.csv", None)
    assert not result.ok and [(e["row"], e["column"]) for e in result.errors] == [(4, "管理类别")]
    assert not Permit.objects.exists() and not PollutantLimit.objects.exists()
    result = imp.run(_csv([HEADER, ok1, ok2]), "permits.csv", None)
    assert result.ok, result.errors
    p = Permit.objects.get(number="P-IMP-1")
    assert p.limits.count() == 2 and str(p.valid_until) == "2029-02-28"
    assert PollutantLimit.objects.get(point=world["point"], factor="w01018").limit_value == 80
    result = imp.run(_csv([HEADER, ok1]), "permits.csv", None)  # the same number again
    assert not result.ok and "已存在" in result.errors[0]["message"]


PLAN_HEADER = ["企业", "预案名称", "签署发布日期", "提交备案日期", "备案日期", "备案编号", "大气Q值", "大气M值", "大气E",
               "水Q值", "水M值", "水E", "环境风险等级"]


def test_plan_import_recomputes_the_level_all_or_nothing_with_row_errors(world):
    from envbureau.approvals.models import EmergencyPlan

    imp = get_importer("approvals.emergencyplan")
    # Q 4 (Q1), M 30 (M2), E1 → 较大 (matrix of hj941); water Q 0.6 → Q0 → 一般
    old = ["东城热电", "2021版预案", "2021-03-01", "2021-03-10", "2021-03-20", "110101-2021-003", "0.5", "", "", "", "",
           "", "一般"]
    new = ["91110101MA01AAAA1X", "2024版预案", "2024-03-01", "", "2024-03-20", "110101-2024-017", "4", "30", "E1",
           "0.6", "30", "E2", "较大"]
    pending = ["西城印刷", "印刷厂预案", "2026-10-08", "2026-10-09", "", "", "", "", "", "", "", "", ""]
    wrong_level = ["西城印刷", "印刷厂预案2", "2026-10-08", "", "", "", "4", "30", "E1", "", "", "", "一般"]
    no_e = ["西城印刷", "印刷厂预案3", "2026-10-08", "", "", "", "4", "30", "", "", "", "", ""]
    early = ["西城印刷", "印刷厂预案4", "2026-10-08", "2026-10-01", "", "", "", "", "", "", "", "", ""]
    bad_m = ["西城印刷", "印刷厂预案5", "2026-10-08", "", "", "", "4", "130", "E1", "", "", "", ""]
    result = imp.run(_csv([PLAN_HEADER, old, new, wrong_level, no_e, early, bad_m]), "plans.csv", None)
    assert not result.ok
    assert {(e["row"], e["column"]) for e in result.errors} == {(5, "大气E"), (6, "提交备案日期"), (7, "大气M值")}
    # a filed level other than the computed one is kept: a warning naming the row, not an error
    assert [(w["row"], w["column"], w["value"]) for w in result.warnings] == [(4, "环境风险等级", "一般")]
    assert "较大" in result.warnings[0]["message"] and "保留备案等级" in result.warnings[0]["message"]
    dup = list(new)
    result = imp.run(_csv([PLAN_HEADER, new, dup]), "plans.csv", None)
    assert not result.ok and [(e["row"], e["column"]) for e in result.errors] == [(3, "预案名称")]
    assert not EmergencyPlan.objects.exists()
    result = imp.run(_csv([PLAN_HEADER, new, old, pending, wrong_level]), "plans.csv", None)
    assert result.ok, result.errors
    assert [(w["row"], w["column"]) for w in result.warnings] == [(5, "环境风险等级")]
    plans = {p.title: p for p in EmergencyPlan.objects.all()}
    kept = plans["印刷厂预案2"]
    assert (kept.risk_level, kept.computed_level, kept.level_differs) == ("一般", "较大", True)
    assert not plans["2024版预案"].level_differs and not plans["印刷厂预案"].level_differs
    assert (plans["2024版预案"].state, plans["2024版预案"].filing_no, plans["2024版预案"].risk_level) == (
        "filed", "110101-2024-017", "较大")
    assert "E1 × M2 × Q1 → 较大" in plans["2024版预案"].risk_working
    assert plans["2021版预案"].state == "superseded"  # filed earlier, replaced by the 2024 plan
    assert (plans["印刷厂预案"].state, plans["印刷厂预案"].risk_level) == ("submitted", "一般")
    assert str(plans["2024版预案"].submitted_on) == "2024-03-01"  # blank: the signing day
    result = imp.run(_csv([PLAN_HEADER, new]), "plans.csv", None)
    assert not result.ok and "已存在" in result.errors[0]["message"]
