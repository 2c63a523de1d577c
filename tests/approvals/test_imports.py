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
