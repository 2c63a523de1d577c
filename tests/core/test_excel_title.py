"""Excel exports open with a title row — what, whose data, which period, when exported (local time) —
above the header, and an exported sheet still imports: the importers skip the title row and count rows
as Excel shows them."""

import datetime as dt
import io
import re
import zoneinfo

import openpyxl
import pytest

from envbureau.core.excel import export_title, is_title_row, read_table, workbook_bytes

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _sheet(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


def _title_time(title: str) -> dt.datetime:
    m = re.search(r"导出于 (\d{4}-\d\d-\d\d \d\d:\d\d)$", title)
    assert m, title
    return dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def test_title_row_names_what_scope_and_local_export_time(client_for):
    before = dt.datetime.now(SHANGHAI).replace(second=0, microsecond=0)
    ws = _sheet(client_for("admin").get("/admin-area/jurisdictions/?export=xlsx").content)
    title = ws["A1"].value
    assert title.startswith("行政区划 · 全市 · 导出于 ")
    assert before <= _title_time(title) <= dt.datetime.now(SHANGHAI)  # Beijing time, not UTC
    assert ws["B1"].value is None and ws["A1"].font.b
    assert [c.value for c in ws[2]] == ["区划代码", "名称", "层级", "上级区划"]
    assert ws["A3"].value and ws.freeze_panes == "A3"  # the header stays in view


def test_title_row_names_a_district_officers_scope(client_for):
    ws = _sheet(client_for("dongcheng").get("/sources/enterprises/?export=xlsx").content)
    assert ws["A1"].value.startswith("企业档案 · 东城区 · 导出于 ")


def test_period_and_scope_in_a_statistics_export(client_for):
    ws = _sheet(client_for("admin").get("/approvals/statistics/?jurisdiction=110000&year=2026&export=xlsx").content)
    assert "2026" in ws["A1"].value and "北京市" in ws["A1"].value and "导出于" in ws["A1"].value


def test_export_then_import_again(client_for):
    """An admin exports the jurisdiction list, corrects a name and adds a street in the sheet, and imports
    the same file: the title row is skipped, the rows are read from row 3 and errors name Excel's rows."""
    from envbureau.core.models import ImportJob, Jurisdiction

    c = client_for("admin")
    wb = openpyxl.load_workbook(io.BytesIO(c.get("/admin-area/jurisdictions/?export=xlsx&q=110105").content))
    ws = wb.worksheets[0]
    ws.cell(2, 4).value = "上级区划代码"  # the list shows the parent by name; the import takes its code
    rows = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1)}
    chaoyang = rows["110105"]
    ws.cell(chaoyang, 2).value = "朝阳区(改)"
    for r in range(3, ws.max_row + 1):
        code = ws.cell(r, 1).value
        parent = Jurisdiction.objects.get(code=code).parent
        ws.cell(r, 4).value = parent.code if parent else None
        ws.cell(r, 3).value = Jurisdiction.objects.get(code=code).get_level_display()
    ws.append(["110105199000", "新街道", "街道乡镇", "110105"])
    ws.append(["110105198000", "坏街道", "镇子", "110105"])
    bad_row = ws.max_row
    buf = io.BytesIO()
    wb.save(buf)
    c.post("/imports/core.jurisdiction/upload/", {"file": _upload(buf.getvalue())})
    job = ImportJob.objects.latest("pk")
    assert job.status == "failed"
    assert job.errors == [{"row": bad_row, "column": "层级", "value": "镇子",
                           "message": "不是有效选项,可选:省、市、区县、街道乡镇、社区村"}]

    ws.delete_rows(bad_row)
    buf = io.BytesIO()
    wb.save(buf)
    c.post("/imports/core.jurisdiction/upload/", {"file": _upload(buf.getvalue())})
    job = ImportJob.objects.latest("pk")
    assert job.status == "validated" and job.total_rows == ws.max_row - 2
    c.post(f"/imports/jobs/{job.pk}/")
    assert Jurisdiction.objects.get(code="110105").name == "朝阳区(改)"
    assert Jurisdiction.objects.get(code="110105199000").parent.code == "110105"


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("exported.xlsx", data)


def test_the_title_row_is_recognised_only_above_a_header():
    assert is_title_row(["行政区划 · 全市 · 导出于 2026-12-01 12:00", None, None], ["区划代码", "名称", None])
    assert not is_title_row(["区划代码", "名称"], ["110101000000", "东城区"])  # a plain header
    assert not is_title_row(["名称"], ["东城区"])  # a one-column sheet: row 1 is its header
    assert not is_title_row([None, "标题"], [None])
    # a sheet without a title still reads from row 1 (templates, files people made themselves)
    header, rows = read_table(workbook_bytes([("s", ["区划代码", "名称"], [["110101000000", "东城区"]])]), "x.xlsx")
    assert header == ["区划代码", "名称"] and rows == [(2, ["110101000000", "东城区"])]
    data = workbook_bytes([("s", ["区划代码", "名称"], [["110101000000", "东城区"]])],
                          title=export_title("行政区划", scope="全市", period="2026年"))
    header, rows = read_table(data, "x.xlsx")
    assert header == ["区划代码", "名称"] and rows == [(3, ["110101000000", "东城区"])]
