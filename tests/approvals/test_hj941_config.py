"""HJ 941 tables as configuration: emergency.assess and the plan import grade with the configured tables (national
defaults = the platform's remembered ones, overridable in settings.ENVBUREAU["APPROVALS"]["hj941_tables"]); a plan
graded with the remembered tables says so on its page, one graded with a bureau's copy names it; a filed level
that differs from the computed one is kept and flagged on the page."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from envbureau.approvals import config, emergency
from envbureau.core.importing import get_importer
from envbureau.standards import hj941

REMEMBERED = "Q 值分级与等级矩阵取自平台暂存的 HJ 941 表格"
# Q = 1.5 in air with M 30 (M2), E1; water below 1
RISK = {"air": {"substances": [{"name": "氨", "quantity_t": 7.5, "critical_t": 5}], "m": 30, "e": "E1"},
        "water": {"substances": [], "m": 0, "e": "E3"}}


def _matrix(cell):
    m = {e: {k: list(v) for k, v in row.items()} for e, row in hj941.MATRIX.items()}
    m["E1"]["M2"] = cell
    return m


@pytest.fixture
def tables(settings):
    def use(conf):
        settings.ENVBUREAU = {**settings.ENVBUREAU, "APPROVALS": {"hj941_tables": conf}}
    return use


def test_defaults_are_the_remembered_tables(tables):
    t, source = config.hj941_tables()
    assert (t["q_bands"], t["m_bands"], t["matrix"], source) == (hj941.Q_BANDS, hj941.M_BANDS, hj941.MATRIX, "")
    r = emergency.assess(RISK)
    assert (r.level, r.air.q_class, r.tables_source) == ("较大", "Q1", "")
    tables({"q_bands": [[2, "Q0"], [10, "Q1"], [100, "Q2"]]})  # the matrix still remembered: still ""
    r = emergency.assess(RISK)
    assert (r.level, r.air.q_class, r.tables_source) == ("一般", "Q0", "")  # 1.5 < 2: Q0 under the bureau's bands


def test_configured_matrix_and_bands_grade_and_are_named(world, tables, client_for):
    tables({"q_bands": [[1, "Q0"], [10, "Q1"], [100, "Q2"]], "matrix": _matrix(["重大", "重大", "重大"]),
            "source": "HJ 941-2018 表3(局存标准文本)"})
    plan = emergency.submit_plan(None, enterprise_id=world["e1"].pk, title="预案", signed_on="2026-09-24",
                                 submitted_on="2026-10-20", risk=RISK)
    assert (plan.risk_level, plan.computed_level, plan.risk_tables) == ("重大", "重大", "HJ 941-2018 表3(局存标准文本)")
    assert "E1 × M2 × Q1 → 重大" in plan.risk_working
    page = client_for("admin").get(f"/approvals/plans/{plan.pk}/").content.decode()
    assert "分级表:HJ 941-2018 表3(局存标准文本)(管理部门配置)" in page and REMEMBERED not in page
    assert "data-level-differs" not in page


def test_remembered_tables_are_noted_on_the_plan_page(world, client_for):
    plan = emergency.submit_plan(None, enterprise_id=world["e1"].pk, title="预案", signed_on="2026-09-24",
                                 submitted_on="2026-10-20", risk=RISK)
    assert plan.risk_tables == ""
    page = client_for("admin").get(f"/approvals/plans/{plan.pk}/").content.decode()
    assert REMEMBERED in page


def test_the_import_grades_with_the_configured_tables_and_flags_a_kept_level(world, tables, client_for):
    from envbureau.approvals.models import EmergencyPlan

    head = "企业,预案名称,签署发布日期,大气Q值,大气M值,大气E,环境风险等级\n"
    row = "东城热电,预案A,2024-03-01,4,30,E1,重大\n"  # remembered matrix: E1 × M2 × Q1 → 较大
    res = get_importer("approvals.emergencyplan").run((head + row).encode(), "p.csv", None, commit=False)
    assert res.ok and [w["column"] for w in res.warnings] == ["环境风险等级"]
    tables({"q_bands": [[1, "Q0"], [10, "Q1"], [100, "Q2"]], "matrix": _matrix(["重大", "重大", "重大"])})
    res = get_importer("approvals.emergencyplan").run((head + row).encode(), "p.csv", None)
    assert res.ok and res.warnings == []  # the bureau's matrix agrees with the filed level
    assert EmergencyPlan.objects.get(title="预案A").level_differs is False
    tables(None)
    res = get_importer("approvals.emergencyplan").run((head + row.replace("预案A", "预案B")).encode(), "p.csv", None)
    assert res.ok and len(res.warnings) == 1
    b = EmergencyPlan.objects.get(title="预案B")
    assert (b.risk_level, b.computed_level) == ("重大", "较大")
    page = client_for("admin").get(f"/approvals/plans/{b.pk}/").content.decode()
    assert "备案等级 重大环境风险 与按 Q、M、E 计算的等级 较大环境风险 不一致" in page


@pytest.mark.parametrize("conf,key", [
    ({"q_bands": [[10, "Q0"], [1, "Q1"], [100, "Q2"]]}, "q_bands"),  # not ascending
    ({"m_bands": [[25, "M1"], [45, "M2"]]}, "m_bands"),  # a class missing
    ({"matrix": {"E1": {}}}, "matrix"),
    ({"matrix": _matrix(["重大", "极大", "重大"])}, "matrix"),
    ({"matrix": _matrix(["重大", "重大"])}, "matrix"),
])
def test_bad_tables_are_refused_naming_the_key(tables, conf, key):
    tables(conf)
    with pytest.raises(ImproperlyConfigured, match=key):
        config.hj941_tables()


def test_the_import_report_shows_the_kept_level_as_a_warning_web_and_cli(world, client_for, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    data = "企业,预案名称,签署发布日期,大气Q值,大气M值,大气E,环境风险等级\n东城热电,预案W,2024-03-01,4,30,E1,重大\n".encode()
    c = client_for("admin")
    r = c.post("/imports/approvals.emergencyplan/upload/", {"file": SimpleUploadedFile("p.csv", data)}, follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and "data-import-warnings" in page and "第3行" not in page
    assert "第2行 [环境风险等级]" in page and "保留备案等级" in page and "alert-danger" not in page
    path = tmp_path / "plans.csv"
    path.write_bytes(data.replace("预案W".encode(), "预案C".encode()))
    import io

    err = io.StringIO()
    call_command("importfile", "approvals.emergencyplan", str(path), "--no-progress", stderr=err, stdout=io.StringIO())
    assert "第2行 [环境风险等级] 提示:备案等级 重大 与按 Q、M、E 计算的等级不一致" in err.getvalue()
