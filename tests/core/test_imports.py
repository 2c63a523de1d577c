"""Import framework, proven on jurisdictions and users: template, row/column errors, all or nothing,
preview then commit (web), CLI with progress, scope of the acting user, background commit."""

import io
import threading

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from envbureau.core.models import ImportJob, Jurisdiction, Role, RoleAssignment, User

HEADER = "区划代码,名称,层级,上级区划代码"


def csv_bytes(rows, header=HEADER):
    return (header + "\n" + "\n".join(",".join(r) for r in rows) + "\n").encode("utf-8")


def streets(n, parent="110105", start=100):
    return [[f"{parent}{start + i:03d}000", f"测试街道{i}", "街道乡镇", parent] for i in range(n)]


def upload(client, kind, data, name="f.csv"):
    return client.post(f"/imports/{kind}/upload/", {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def district_admin(demo_core):
    """A role that is data: core view/add/change inside 东城区 only."""
    role = Role.objects.create(code="district_admin", name="区级管理员", kind="officer",
                               permissions=["core.view", "core.add", "core.change"])
    u = User.objects.create(username="dc_admin")
    RoleAssignment.objects.create(user=u, role=role, jurisdiction=Jurisdiction.objects.get(code="110101"))
    c = Client()
    c.force_login(u)
    return c


def test_template_download_and_round_trip(client_for):
    c = client_for("admin")
    r = c.get("/imports/core.jurisdiction/template/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["区划代码*", "名称*", "层级*", "上级区划代码"]
    # The example row lives on its own sheet, so the data sheet is imported as filled in.
    assert ws.max_row == 1
    assert [s.title for s in wb.worksheets[1:]] == ["示例", "填写说明"]
    assert [c.value for c in wb.worksheets[1][2]] == ["110101000000", "东城区", "区县", "110000"]
    ws.append(["110106001000", "右安门街道", "街道乡镇", "110106"])
    buf = io.BytesIO()
    wb.save(buf)
    r = upload(c, "core.jurisdiction", buf.getvalue(), "filled.xlsx")
    job = ImportJob.objects.get()
    assert r.status_code == 302 and job.status == "validated" and job.total_rows == 1
    assert c.get("/imports/core.user/template/").status_code == 200


def test_row_and_column_errors_in_chinese(client_for):
    c = client_for("admin")
    data = csv_bytes([["110105100000", "甲街道", "街道乡镇", "110105"],
                      ["110105101000", "乙街道", "镇子", "110105"],
                      ["110105102000", "", "街道乡镇", "110105"],
                      ["110105103000", "丁街道", "街道乡镇", "999999"]])
    upload(c, "core.jurisdiction", data)
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.errors == [
        {"row": 3, "column": "层级", "value": "镇子", "message": "不是有效选项,可选:省、市、区县、街道乡镇、社区村"},
        {"row": 4, "column": "名称", "value": "", "message": "必填项为空"},
        {"row": 5, "column": "上级区划代码", "value": "999999", "message": "上级区划“999999”不存在"},
    ]
    page = c.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "不是有效选项,可选:省、市、区县、街道乡镇、社区村" in page and "未写入任何数据" in page
    assert not Jurisdiction.objects.filter(code__startswith="1101051").exists()


def test_missing_column_and_bad_file(client_for):
    c = client_for("admin")
    r = upload(c, "core.jurisdiction", csv_bytes([["1", "x"]], header="区划代码,名称"))
    assert r.status_code == 400 and "缺少必填列: 层级" in r.content.decode()
    r = upload(c, "core.jurisdiction", b"\x00\x01garbage", "x.xlsx")
    assert r.status_code == 400 and "无法读取Excel文件" in r.content.decode()
    assert not ImportJob.objects.exists()


def test_error_in_row_57_writes_nothing_web_and_cli(client_for, tmp_path):
    rows = streets(60)
    rows[55][3] = "110199"  # file row 57 (header is row 1): unknown parent
    data = csv_bytes(rows)
    c = client_for("admin")
    upload(c, "core.jurisdiction", data)
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.errors == [
        {"row": 57, "column": "上级区划代码", "value": "110199", "message": "上级区划“110199”不存在"}]
    assert c.post(f"/imports/jobs/{job.pk}/").status_code == 302  # a failed job cannot be committed
    p = tmp_path / "streets.csv"
    p.write_bytes(data)
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("importfile", "core.jurisdiction", str(p), "--no-progress", stderr=err, stdout=io.StringIO())
    assert "第57行 [上级区划代码] “110199” 上级区划“110199”不存在" in err.getvalue()
    assert not Jurisdiction.objects.filter(code__startswith="1101051").exists()


def test_failure_while_saving_rolls_back_everything(client_for, monkeypatch):
    from envbureau.core import importers
    from envbureau.core.importing import RowError

    original = importers.JurisdictionImporter.save_rows

    def save_then_fail(self, cleaned, ctx):
        original(self, cleaned[:30], ctx)  # 30 rows really inserted …
        raise RowError("code", "模拟写入失败")  # … then the batch fails

    monkeypatch.setattr(importers.JurisdictionImporter, "save_rows", save_then_fail)
    c = client_for("admin")
    upload(c, "core.jurisdiction", csv_bytes(streets(40)))
    job = ImportJob.objects.get()
    # The preview runs the commit's code in a rolled-back transaction: the failure shows before any commit.
    assert job.status == "failed" and job.errors[0]["message"] == "模拟写入失败"
    assert not Jurisdiction.objects.filter(code__startswith="1101051").exists()
    assert c.post(f"/imports/jobs/{job.pk}/", {"sync": "1"}).status_code == 302
    job.refresh_from_db()
    assert job.status == "failed"
    assert not Jurisdiction.objects.filter(code__startswith="1101051").exists()


def test_preview_then_commit(client_for):
    c = client_for("admin")
    r = upload(c, "core.jurisdiction", csv_bytes(streets(25)))
    job = ImportJob.objects.get()
    page = c.get(r["Location"]).content.decode()
    assert "测试街道0" in page and "测试街道19" in page and "测试街道20" not in page  # preview: 20 rows
    assert "确认提交" in page
    assert not Jurisdiction.objects.filter(code__startswith="1101051").exists()
    c.post(f"/imports/jobs/{job.pk}/")
    job.refresh_from_db()
    assert job.status == "committed" and job.result["saved"] == {"created": 25, "updated": 0}
    assert Jurisdiction.objects.filter(code__startswith="1101051", parent__code="110105").count() == 25
    # Committing twice does nothing twice.
    c.post(f"/imports/jobs/{job.pk}/")
    assert Jurisdiction.objects.filter(code__startswith="1101051").count() == 25
    # Re-importing the same file with a changed name updates instead of duplicating.
    rows = streets(25)
    rows[0][1] = "改名街道"
    upload(c, "core.jurisdiction", csv_bytes(rows))
    job2 = ImportJob.objects.latest("pk")
    c.post(f"/imports/jobs/{job2.pk}/")
    job2.refresh_from_db()
    assert job2.result["saved"] == {"created": 0, "updated": 1}


def test_cli_progress_and_dry_run(demo_core, tmp_path):
    p = tmp_path / "s.csv"
    p.write_bytes(csv_bytes(streets(30)))
    out, err = io.StringIO(), io.StringIO()
    call_command("importfile", "core.jurisdiction", str(p), "--dry-run", stdout=out, stderr=err)
    assert "30 行校验通过" in out.getvalue()
    assert not Jurisdiction.objects.filter(code__startswith="1101051").exists()
    out, err = io.StringIO(), io.StringIO()
    call_command("importfile", "core.jurisdiction", str(p), stdout=out, stderr=err)
    assert "30 行已导入" in out.getvalue()
    assert "校验" in err.getvalue() and "写入" in err.getvalue() and "30/30" in err.getvalue()  # tqdm bars
    assert Jurisdiction.objects.filter(code__startswith="1101051").count() == 30


def test_officer_rows_outside_scope_are_refused(district_admin, tmp_path):
    ok = ["110101100000", "东城新街道", "街道乡镇", "110101"]
    bad = ["110102100000", "西城新街道", "街道乡镇", "110102"]
    upload(district_admin, "core.jurisdiction", csv_bytes([ok, bad]))
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.errors == [
        {"row": 3, "column": "上级区划代码", "value": "110102", "message": "上级区划“110102”超出您的管辖范围"}]
    # Changing an existing jurisdiction outside the subtree is refused too.
    upload(district_admin, "core.jurisdiction", csv_bytes([["110102", "西城区改", "区县", "110000"]]))
    assert ImportJob.objects.latest("pk").errors[0]["column"] == "区划代码"
    p = tmp_path / "mixed.csv"
    p.write_bytes(csv_bytes([ok, bad]))
    with pytest.raises(CommandError):
        call_command("importfile", "core.jurisdiction", str(p), "--user", "dc_admin", "--no-progress",
                     stdout=io.StringIO(), stderr=io.StringIO())
    assert not Jurisdiction.objects.filter(code__in=[ok[0], bad[0]]).exists()
    # Inside the subtree it works.
    upload(district_admin, "core.jurisdiction", csv_bytes([ok]))
    job = ImportJob.objects.latest("pk")
    district_admin.post(f"/imports/jobs/{job.pk}/")
    assert Jurisdiction.objects.get(code=ok[0]).parent.code == "110101"


def test_user_import(client_for, district_admin):
    header = "用户名,姓名,电话,邮箱,初始密码,角色代码,属地区划代码,企业ID"
    rows = [["dc_grid1", "网格员一", "", "", "Grid#2026-a", "officer", "110101001000", ""],
            ["dc_grid2", "网格员二", "", "", "Grid#2026-b", "officer", "110101", ""]]
    c = client_for("admin")
    upload(c, "core.user", csv_bytes(rows, header))
    job = ImportJob.objects.get()
    assert job.status == "validated", job.errors
    c.post(f"/imports/jobs/{job.pk}/")
    u = User.objects.get(username="dc_grid1")
    assert u.must_change_password and u.check_password("Grid#2026-a")
    assert u.assignments.get().jurisdiction.code == "110101001000"
    # Errors name row and column; the district admin cannot grant beyond their own rights or scope.
    bad = [["dc_grid3", "", "", "", "123", "officer", "110101", ""],
           ["dc_grid4", "", "", "", "Grid#2026-c", "admin", "110101", ""],
           ["dc_grid5", "", "", "", "Grid#2026-d", "officer", "110102", ""],
           ["dc_grid6", "", "", "", "Grid#2026-e", "officer", "", ""],
           ["dc_grid1", "", "", "", "Grid#2026-f", "officer", "110101", ""]]
    upload(district_admin, "core.user", csv_bytes(bad, header))
    job = ImportJob.objects.latest("pk")
    by_row = {e["row"]: (e["column"], e["message"]) for e in job.errors}
    assert by_row[2][0] == "初始密码" and "密码" in by_row[2][1]
    assert by_row[3] == ("角色代码", "您不能授予角色“admin”(超出您自己的权限)")
    assert by_row[4] == ("属地区划代码", "“110102”不存在或不在您的权限范围内")
    assert by_row[5][0] == "属地区划代码"
    assert by_row[6] == ("用户名", "用户名“dc_grid1”已存在")
    assert not User.objects.filter(username__in=["dc_grid3", "dc_grid4", "dc_grid5", "dc_grid6"]).exists()


def test_progress_fragment(client_for):
    from envbureau.core.views import _progress_path

    c = client_for("admin")
    upload(c, "core.jurisdiction", csv_bytes(streets(10)))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    _progress_path(job.pk).write_text('{"phase": "save", "done": 5, "total": 10}')
    r = c.get(f"/imports/jobs/{job.pk}/progress/")
    body = r.content.decode()
    assert r.status_code == 200 and "width: 75%" in body and 'hx-trigger="every 1s"' in body
    assert "width: 75%" in c.get(f"/imports/jobs/{job.pk}/").content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status="committed")
    r = c.get(f"/imports/jobs/{job.pk}/progress/")
    assert r["HX-Refresh"] == "true"
    assert client_for("dongcheng").get(f"/imports/jobs/{job.pk}/progress/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_background_commit(settings):
    """Large files commit in a thread; the job page polls progress until the thread is done."""
    from envbureau.core.demo_core import load_core

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ENVBUREAU = {**settings.ENVBUREAU, "IMPORT_BACKGROUND_ROWS": 10}
    load_core(lambda m: None)
    c = Client()
    c.force_login(User.objects.get(username="admin"))
    upload(c, "core.jurisdiction", csv_bytes(streets(50)))
    job = ImportJob.objects.get()
    r = c.post(f"/imports/jobs/{job.pk}/")
    assert r.status_code == 302
    # In-memory SQLite (the test database) locks whole tables across connections, so wait for the
    # thread instead of polling during the run (a file database in WAL mode or PostgreSQL serves
    # the polls while the commit runs).
    for t in threading.enumerate():
        if t.name == f"import-{job.pk}":
            t.join(30)
    r = c.get(f"/imports/jobs/{job.pk}/progress/")
    assert r["HX-Refresh"] == "true"
    job.refresh_from_db()
    assert job.status == "committed", job.errors
    assert Jurisdiction.objects.filter(code__startswith="1101051").count() == 50


def test_template_example_in_the_readers_language_and_skipped_in_either(client_for):
    """An example that is a word (the level 区县) is shown in the reader's language; the example row of a
    template downloaded in Chinese is still recognised (and skipped) when uploaded from the English UI."""
    c = client_for("admin")
    c.cookies["django_language"] = "en"
    wb = openpyxl.load_workbook(io.BytesIO(c.get("/imports/core.jurisdiction/template/").content))
    assert [x.value for x in wb.worksheets[1][2]][2] == "District/county"
    assert "区县" not in c.get("/imports/core.jurisdiction/upload/").content.decode()
    data = csv_bytes([["110101000000", "东城区", "区县", "110000"], ["110105100000", "甲街道", "街道乡镇", "110105"]])
    upload(c, "core.jurisdiction", data)
    job = ImportJob.objects.get()
    assert job.status == "validated" and job.total_rows == 1, job.errors


@pytest.mark.parametrize("ui", ["zh-hans", "en"])
def test_choice_cells_in_either_language_whatever_the_ui_language(client_for, ui):
    """A bureau's workbook in Chinese uploaded from the English UI, one in English from the Chinese UI, and codes:
    all read the same; a bad value is refused naming its row and column, the options in the reader's language."""
    c = client_for("admin")
    c.cookies["django_language"] = ui
    data = csv_bytes([["110105100000", "甲街道", "街道乡镇", "110105"],  # Chinese label
                      ["110105101000", "乙街道", "Street/town", "110105"],  # English label
                      ["110105102000", "丙街道", "street", "110105"],  # the code
                      ["110105103000", "丁街道", " STREET/TOWN ", "110105"]])  # case and spaces aside
    upload(c, "core.jurisdiction", data)
    job = ImportJob.objects.get()
    assert job.status == "validated" and job.total_rows == 4, job.errors
    job.delete()
    upload(c, "core.jurisdiction", csv_bytes([["110105100000", "甲街道", "街道乡镇", "110105"],
                                              ["110105101000", "乙街道", "Town", "110105"]]))
    job = ImportJob.objects.get()
    assert job.status == "failed"
    if ui == "en":
        assert job.errors == [{"row": 3, "column": "Level", "value": "Town", "message":
                               "Not a valid option; choose one of: Province, City, District/county, Street/town, "
                               "Community/village"}]
    else:
        assert job.errors == [{"row": 3, "column": "层级", "value": "Town",
                               "message": "不是有效选项,可选:省、市、区县、街道乡镇、社区村"}]
