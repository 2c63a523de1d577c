"""Pool imports: typed columns, all-or-nothing, row-level errors naming row and column."""

from envbureau.core.importing import get_importer
from envbureau.enforcement.models import Inspector, PoolEnterprise


def _csv(rows):
    return ("\n".join(",".join(r) for r in rows) + "\n").encode("utf-8")


def test_pool_import_all_or_nothing(world):
    imp = get_importer("enforcement.pool")
    good = ["91110101MA01AAAA1X", "特殊", "挂牌督办", "是", "2027-12-31", "否", "否"]
    bad = ["91110105MA01CCCC3X", "最重点", "", "否", "", "否", "否"]  # not a class
    header = ["企业", "监管类别", "特殊监管原因", "正面清单", "正面清单有效期至", "不受年度检查次数上限", "不参与双随机"]
    result = imp.run(_csv([header, good, bad]), "pool.csv", None)
    assert not result.ok
    assert any(e["row"] == 3 and e["column"] == "监管类别" for e in result.errors)
    assert PoolEnterprise.objects.get(credit_code="91110101MA01AAAA1X").supervision_class == "key"  # unchanged
    result = imp.run(_csv([header, good]), "pool.csv", None)
    assert result.ok, result.errors
    pe = PoolEnterprise.objects.get(credit_code="91110101MA01AAAA1X")
    assert pe.supervision_class == "special" and pe.positive_list and str(pe.positive_until) == "2027-12-31"


def test_pool_import_unknown_enterprise_named(world):
    imp = get_importer("enforcement.pool")
    header = ["企业", "监管类别"]
    result = imp.run(_csv([header, ["91110000XXXXXXXXXX", "一般"]]), "pool.csv", None)
    assert not result.ok and result.errors[0]["column"] == "企业" and result.errors[0]["row"] == 2


def test_inspector_import_duplicates_refused(world):
    imp = get_importer("enforcement.inspector")
    header = ["执法证号", "姓名", "所属区划"]
    result = imp.run(_csv([header, ["X1", "甲", "110000"], ["X1", "乙", "110000"]]), "i.csv", None)
    assert not result.ok and any("重复" in e["message"] for e in result.errors)
    assert not Inspector.objects.filter(badge_no="X1").exists()
    result = imp.run(_csv([header, ["X1", "甲", "110000"], ["X2", "乙", "110101"]]), "i.csv", None)
    assert result.ok, result.errors
    assert Inspector.objects.get(badge_no="X2").jurisdiction.code == "110101"
