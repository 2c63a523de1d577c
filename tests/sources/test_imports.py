"""Excel import of enterprises, outlets, points and limits: row/column errors, all-or-nothing, scope."""

from envbureau.core.excel import workbook_bytes
from envbureau.core.importing import get_importer
from envbureau.core.models import AuditEntry
from envbureau.sources import credit_code
from envbureau.sources.models import Enterprise, MonitoringPoint, Outlet, PollutantLimit


def xlsx(header, rows):
    return workbook_bytes([("s", header, rows)])


GOOD1 = credit_code.make("91", "110101", "MPA00001")
GOOD2 = credit_code.make("91", "110105", "MPA00002")
BAD = GOOD1[:17] + ("0" if GOOD1[17] != "0" else "1")


def test_enterprise_import_all_or_nothing(demo_core, user_named):
    imp = get_importer("sources.enterprise")
    header = ["统一社会信用代码", "企业名称", "属地区划代码", "行业代码", "水重点", "状态"]
    data = xlsx(header, [[GOOD1, "甲公司", "110101", "C2614", "是", "在产"],
                         [BAD, "乙公司", "110105", "C2614", "否", "在产"],
                         [GOOD2, "丙公司", "999999", "", "", ""]])
    res = imp.run(data, "e.xlsx", user_named("admin"))
    assert not res.ok
    errs = {(e["row"], e["column"]) for e in res.errors}
    assert (3, "统一社会信用代码") in errs and (4, "属地区划代码") in errs
    assert Enterprise.objects.count() == 0  # nothing saved
    data = xlsx(header, [[GOOD1, "甲公司", "110101", "C2614", "是", "在产"],
                         [GOOD2, "丙公司", "110105", "", "", "停产"]])
    res = imp.run(data, "e.xlsx", user_named("admin"))
    assert res.ok and res.saved == {"created": 2, "updated": 0}
    e = Enterprise.objects.get(credit_code=GOOD1)
    assert e.key_water and e.jurisdiction.code == "110101"
    assert Enterprise.objects.get(credit_code=GOOD2).status == "suspended"
    assert AuditEntry.objects.filter(model="sources.enterprise", source="import").count() == 2
    # re-import updates by credit code
    res = imp.run(xlsx(header, [[GOOD1.lower(), "甲公司(更名)", "110101", "C2614", "是", "在产"]]), "e.xlsx", user_named("admin"))
    assert res.ok and res.saved["updated"] == 1 and Enterprise.objects.get(credit_code=GOOD1).name == "甲公司(更名)"


def test_officer_cannot_import_outside_scope(demo_core, user_named):
    from django.core.exceptions import PermissionDenied

    imp = get_importer("sources.enterprise")
    header = ["统一社会信用代码", "企业名称", "属地区划代码"]
    try:
        res = imp.run(xlsx(header, [[GOOD2, "丙公司", "110105"]]), "e.xlsx", user_named("dongcheng"))
    except PermissionDenied:
        pass  # officers hold no sources.add at all
    else:
        assert not res.ok
    assert Enterprise.objects.count() == 0


def test_outlets_points_limits_chain(demo_core, user_named):
    admin = user_named("admin")
    get_importer("sources.enterprise").run(xlsx(["统一社会信用代码", "企业名称", "属地区划代码"],
                                                [[GOOD1, "甲公司", "110101"]]), "e.xlsx", admin)
    res = get_importer("sources.outlet").run(xlsx(["企业信用代码", "排放口编号", "名称", "类型"],
                                                  [[GOOD1, "DA001", "烟囱", "废气"], [GOOD1, "DW001", "总排", "废水"]]),
                                             "o.xlsx", admin)
    assert res.ok, res.errors
    res = get_importer("sources.monitoringpoint").run(
        xlsx(["企业信用代码", "排放口编号", "MN 编码", "名称", "CRC 方言"],
             [[GOOD1, "DA001", "IMPMN01", "CEMS", "modbus"], [GOOD1, "DX999", "IMPMN02", "?", ""]]), "p.xlsx", admin)
    assert not res.ok and res.errors[0]["column"] == "排放口编号" and MonitoringPoint.objects.count() == 0
    res = get_importer("sources.monitoringpoint").run(
        xlsx(["企业信用代码", "排放口编号", "MN 编码", "名称", "CRC 方言"], [[GOOD1, "DA001", "IMPMN01", "CEMS", "modbus"]]),
        "p.xlsx", admin)
    assert res.ok, res.errors
    p = MonitoringPoint.objects.get(mn="IMPMN01")
    assert p.crc_dialects == ["modbus"] and p.enterprise.credit_code == GOOD1
    res = get_importer("sources.pollutantlimit").run(
        xlsx(["MN 编码", "污染物代码", "均值周期", "排放限值(上限)", "按折算值判定"],
             [["IMPMN01", "02", "小时均值", 35, "是"], ["IMPMN01", "a21002", "", "abc", ""]]), "l.xlsx", admin)
    assert not res.ok and PollutantLimit.objects.count() == 0
    res = get_importer("sources.pollutantlimit").run(
        xlsx(["MN 编码", "污染物代码", "均值周期", "排放限值(上限)", "按折算值判定"],
             [["IMPMN01", "02", "小时均值", 35, "是"], ["IMPMN01", "a21002", "", 50, ""]]), "l.xlsx", admin)
    assert res.ok, res.errors
    lim = PollutantLimit.objects.get(factor="a21026")  # 2005 gas code 02 → SO2
    assert lim.on_converted and lim.limit_value == 35 and lim.unit == "mg/m³"
    assert Outlet.objects.count() == 2


def test_template_download(client_for):
    from django.urls import reverse

    for kind in ("sources.enterprise", "sources.outlet", "sources.monitoringpoint", "sources.pollutantlimit"):
        r = client_for("admin").get(reverse("core:import-template", args=[kind]))
        assert r.status_code == 200 and r.content[:2] == b"PK"
