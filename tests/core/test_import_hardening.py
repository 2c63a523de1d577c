"""Import hardening (issue 9): spreadsheet bombs, size and row caps, a preview that runs the commit's
code and lists every error (also as an .xlsx beside the rows), template example rows."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from envbureau.core.excel import FileFormatError, open_table, read_table
from envbureau.core.models import ImportJob, Jurisdiction

HEADER = "区划代码,名称,层级,上级区划代码"


def csv_bytes(rows, header=HEADER):
    return (header + "\n" + "\n".join(",".join(r) for r in rows) + "\n").encode("utf-8")


def upload(client, kind, data, name="f.csv", **extra):
    return client.post(f"/imports/{kind}/upload/", {"file": SimpleUploadedFile(name, data), **extra})


def _xlsx(rows):
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _patch_sheet(data: bytes, fn) -> bytes:
    """Rewrite xl/worksheets/sheet1.xml of a workbook (as a hostile tool could)."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = fn(body.decode()).encode()
            z.writestr(item, body)
    return out.getvalue()


def test_declared_dimension_does_not_pad_rows():
    import re

    data = _xlsx([["区划代码", "名称", "层级"], ["110105100000", "甲", "街道乡镇"], ["110105101000", "乙", "街道乡镇"]])
    bomb = _patch_sheet(data, lambda x: re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1:XFD300"/>', x))
    header, body = read_table(bomb, "bomb.xlsx")
    assert header == ["区划代码", "名称", "层级"]
    assert [n for n, _r in body] == [2, 3]
    assert all(len(r) == 3 for _n, r in body)  # not 16,384 cells per row
    # A stray far-right cell in a data row is cut at the header's width too.
    wide = _patch_sheet(data, lambda x: x.replace("</row></sheetData>",
                                                  '<c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    assert all(len(r) == 3 for _n, r in read_table(wide, "wide.xlsx")[1])


def test_entity_expansion_is_refused():
    data = _xlsx([["区划代码"], ["110105100000"]])
    evil = _patch_sheet(data, lambda x: x.replace(
        "<worksheet", '<!DOCTYPE worksheet [<!ENTITY e "PWNED">]><worksheet', 1).replace("110105100000", "&e;"))
    evil = _patch_sheet(evil, lambda x: x)
    with pytest.raises(FileFormatError, match="无法读取Excel文件"):
        read_table(evil, "evil.xlsx")


def test_too_wide_header_is_refused():
    with pytest.raises(FileFormatError, match="256"):
        read_table(("a," * 300 + "b\n1\n").encode(), "w.csv")


def test_rows_are_read_as_a_stream(tmp_path):
    p = tmp_path / "big.csv"
    p.write_bytes(csv_bytes([[f"11010510{i:04d}", "x", "街道乡镇", "110105"] for i in range(3000)]))
    t = open_table(p, "big.csv", max_rows=10)
    rows = t.rows()
    assert next(rows)[0] == 2
    with pytest.raises(FileFormatError, match="10 行"):
        list(rows)


def test_upload_size_cap_names_the_cap(client_for, settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "IMPORT_LIMITS": {
        "default": {"max_bytes": 20 << 20}, "core.jurisdiction": {"max_bytes": 1024}}}
    c = client_for("admin")
    rows = [[f"11010510{i:04d}", "测试街道", "街道乡镇", "110105"] for i in range(60)]
    r = upload(c, "core.jurisdiction", csv_bytes(rows))
    page = r.content.decode()
    assert r.status_code == 400 and "超过“行政区划”导入的上限 1 KB" in page and "IMPORT_LIMITS" in page
    assert not ImportJob.objects.exists()
    # Under the cap it is accepted.
    assert upload(c, "core.jurisdiction", csv_bytes(rows[:5])).status_code == 302


def test_a_100_mb_csv_is_refused_by_the_default_cap(demo_core, tmp_path):
    p = tmp_path / "huge.csv"
    with p.open("wb") as f:
        f.write(HEADER.encode() + b"\n")
        f.truncate(100 << 20)  # sparse: 100 MB on paper, nothing on disk
    with pytest.raises(CommandError, match="超过.*上限 20 MB"):
        call_command("importfile", "core.jurisdiction", str(p), "--no-progress", stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_row_cap_per_kind(client_for, settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "IMPORT_LIMITS": {"core.jurisdiction": {"max_rows": 5}}}
    c = client_for("admin")
    rows = [[f"11010510{i:04d}", "测试街道", "街道乡镇", "110105"] for i in range(6)]
    r = upload(c, "core.jurisdiction", csv_bytes(rows))
    assert r.status_code == 400 and "文件超过 5 行的上限" in r.content.decode()
    assert upload(c, "core.jurisdiction", csv_bytes(rows[:5])).status_code == 302
    assert not Jurisdiction.objects.filter(code__startswith="11010510").exists()


def test_preview_lists_every_error_and_offers_them_beside_the_rows(client_for):
    c = client_for("admin")
    rows = [["110105100000", "甲街道", "街道乡镇", "110105"],
            ["110105101000", "", "镇子", "110105"],        # two errors in one row
            ["110105102000", "丙街道", "街道乡镇", "110105"],
            ["110105103000", "丁街道", "街道乡镇", "999999"]]
    upload(c, "core.jurisdiction", csv_bytes(rows))
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert [(e["row"], e["column"], e["value"]) for e in job.errors] == [
        (3, "名称", ""), (3, "层级", "镇子"), (5, "上级区划代码", "999999")]
    page = c.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "共 3 处错误" in page and "确认提交" not in page
    r = c.get(f"/imports/jobs/{job.pk}/errors.xlsx")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    got = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert got[0] == ["错误", "区划代码", "名称", "层级", "上级区划代码"]
    assert got[1][0] is None and got[1][1] == "110105100000"
    assert "[名称] 必填项为空" in got[2][0] and "[层级]" in got[2][0] and got[2][3] == "镇子"
    assert "[上级区划代码] 上级区划“999999”不存在" in got[4][0]
    # The upload is not kept once validation failed; committing the failed job is refused.
    assert not job.stored_file
    c.post(f"/imports/jobs/{job.pk}/")
    job.refresh_from_db()
    assert job.status == "failed" and not Jurisdiction.objects.filter(code__startswith="1101051").exists()
    # Someone else's job errors are not theirs to read.
    assert client_for("dongcheng").get(f"/imports/jobs/{job.pk}/errors.xlsx").status_code in (403, 404)


def test_preview_and_dry_run_run_the_save(client_for, monkeypatch, tmp_path):
    """A check that only the save makes (here: a failure while saving) shows at preview and in --dry-run."""
    from envbureau.core import importers
    from envbureau.core.importing import RowError

    def fail(self, cleaned, ctx):
        raise RowError("code", "写入时发现的问题", row=3)

    monkeypatch.setattr(importers.JurisdictionImporter, "save_rows", fail)
    data = csv_bytes([["110105100000", "甲街道", "街道乡镇", "110105"], ["110105101000", "乙街道", "街道乡镇", "110105"]])
    upload(client_for("admin"), "core.jurisdiction", data)
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.errors[0]["row"] == 3 and job.errors[0]["message"] == "写入时发现的问题"
    p = tmp_path / "a.csv"
    p.write_bytes(data)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("importfile", "core.jurisdiction", str(p), "--dry-run", "--no-progress", stdout=io.StringIO(),
                     stderr=err)
    assert "第3行 [区划代码] 写入时发现的问题" in err.getvalue()


def test_dry_run_writes_nothing_but_reports_what_it_would_save(demo_core, tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(csv_bytes([["110105100000", "甲街道", "街道乡镇", "110105"]]))
    out = io.StringIO()
    call_command("importfile", "core.jurisdiction", str(p), "--dry-run", "--no-progress", stdout=out,
                 stderr=io.StringIO())
    # Counts in words (新增/更新), never a Python dict.
    assert "1 行校验通过" in out.getvalue() and "新增 1" in out.getvalue() and "{'" not in out.getvalue()
    assert not Jurisdiction.objects.filter(code="110105100000").exists()


def test_example_row_left_in_an_old_template_is_skipped(client_for):
    c = client_for("admin")
    example = ["110101000000", "东城区", "区县", "110000"]  # the template's example row
    old_template = csv_bytes([example, ["110105100000", "甲街道", "街道乡镇", "110105"]])
    Jurisdiction.objects.filter(code="110101").update(name="东城区")
    upload(c, "core.jurisdiction", old_template)
    job = ImportJob.objects.get()
    assert job.status == "validated" and job.total_rows == 1
    assert job.result["notices"] == ["第2行与模板示例行相同,已跳过"]
    assert "与模板示例行相同" in c.get(f"/imports/jobs/{job.pk}/").content.decode()
    c.post(f"/imports/jobs/{job.pk}/")
    assert not Jurisdiction.objects.filter(code="110101000000").exists()
    assert Jurisdiction.objects.filter(code="110105100000").exists()


def test_an_oversized_request_is_refused_before_its_body_is_read(client_for, settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "IMPORT_LIMITS": {"core.jurisdiction": {"max_bytes": 1024}}}
    c = client_for("admin")
    big = HEADER.encode() + b"\n" + b"x" * (300 << 10)
    r = upload(c, "core.jurisdiction", big)
    assert r.status_code == 413 and "超过“行政区划”导入的上限 1 KB" in r.content.decode()
    assert "文件大小 300 KB" in r.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_large_upload_is_validated_in_the_background(settings):
    """An upload above IMPORT_BACKGROUND_BYTES is validated in the job thread, not in the request."""
    import threading

    from django.test import Client

    from envbureau.core.demo_core import load_core
    from envbureau.core.models import User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ENVBUREAU = {**settings.ENVBUREAU, "IMPORT_BACKGROUND_BYTES": 100}
    load_core(lambda m: None)
    c = Client()
    c.force_login(User.objects.get(username="admin"))
    rows = [[f"11010510{i:04d}", "测试街道", "街道乡镇", "110105"] for i in range(10)]
    r = upload(c, "core.jurisdiction", csv_bytes(rows))
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/imports/jobs/{job.pk}/"
    for t in threading.enumerate():
        if t.name == f"import-{job.pk}":
            t.join(30)
    job.refresh_from_db()
    assert job.status == "validated" and job.total_rows == 10 and job.stored_file
    assert not Jurisdiction.objects.filter(code__startswith="11010510").exists()


def test_error_list_keeps_formula_like_text_as_text(client_for):
    c = client_for("admin")
    upload(c, "core.jurisdiction", csv_bytes([["110105100000", "=HYPERLINK(\"http://x\")", "镇子", "110105"]]))
    job = ImportJob.objects.get()
    ws = openpyxl.load_workbook(io.BytesIO(c.get(f"/imports/jobs/{job.pk}/errors.xlsx").content)).worksheets[0]
    cell = ws.cell(row=2, column=3)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_reimport_with_an_empty_parent_keeps_the_parent(client_for, tmp_path):
    c = client_for("admin")
    upload(c, "core.jurisdiction", csv_bytes([["110105100000", "甲街道", "街道乡镇", "110105"]]))
    c.post(f"/imports/jobs/{ImportJob.objects.latest('pk').pk}/")
    upload(c, "core.jurisdiction", csv_bytes([["110105100000", "甲街道(改)", "街道乡镇", ""]]))
    job = ImportJob.objects.latest("pk")
    assert job.status == "validated", job.errors
    c.post(f"/imports/jobs/{job.pk}/")
    j = Jurisdiction.objects.get(code="110105100000")
    assert j.name == "甲街道(改)" and j.parent.code == "110105"
    # Asked to clear empty cells, the parent goes (a city-wide admin may keep a top-level jurisdiction).
    p = tmp_path / "j.csv"
    p.write_bytes(csv_bytes([["110105100000", "甲街道(改)", "街道乡镇", ""]]))
    call_command("importfile", "core.jurisdiction", str(p), "--clear-empty", "--no-progress",
                 stdout=io.StringIO(), stderr=io.StringIO())
    j.refresh_from_db()
    assert j.parent is None


def test_validation_progress_estimates_the_total_of_a_streamed_file(demo_core):
    from envbureau.core.importing import get_importer

    rows = [[f"1101051{i:05d}", "测试街道", "街道乡镇", "110105"] for i in range(1000)]
    seen = []
    get_importer("core.jurisdiction").run(csv_bytes(rows), "a.csv", None, commit=False,
                                          progress=lambda done, total, phase: seen.append((phase, done, total)))
    mid = [(d, t) for p, d, t in seen if p == "validate" and d == 400]
    assert mid and 600 <= mid[0][1] <= 1400  # about 1,000 rows, known while only 400 were read
    assert ("validate", 1000, 1000) in seen


def test_template_notes_say_what_each_cell_accepts(client_for):
    r = client_for("admin").get("/imports/sources.enterprise/template/")
    notes = {row[1]: row[3] for row in openpyxl.load_workbook(io.BytesIO(r.content))["填写说明"].iter_rows(
        min_row=2, values_only=True)}
    assert notes["key_air"] == "是/否(也可用 Y/N、1/0、true/false、√/×)"
    assert notes["status"] == "可选:在产、停产、关闭"
    assert notes["longitude"] == "数值,范围 -180～180"
    assert notes["jurisdiction"] == "编码或名称,须在您的权限范围内"
    assert "更新已有记录时保留原值" in notes[None]  # the last, general note
