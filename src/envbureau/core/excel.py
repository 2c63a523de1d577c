"""Excel in and out: every list exports, every importer reads .xlsx and .csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if value is None or isinstance(value, (str, int, float, dt.date, dt.datetime)):
        return value
    return str(value)


def workbook_bytes(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """sheets: [(title, header, rows)] → .xlsx bytes with a bold, frozen header row."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title=str(title)[:31])
        ws.append([str(h) for h in header])
        for c in ws[1]:
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="DDEBF7")
        for row in rows:
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for i, h in enumerate(header, start=1):
            width = max([len(str(h)) * 2] + [len(str(r[i - 1])) for r in rows[:200] if i - 1 < len(r)] + [8])
            ws.column_dimensions[get_column_letter(i)].width = min(width + 2, 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, sheets) -> HttpResponse:
    resp = HttpResponse(workbook_bytes(sheets), content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


class FileFormatError(ValueError):
    pass


def read_table(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list]]]:
    """Read the first sheet (or a CSV): header cells and [(row_number, values)] with 1-based numbers
    as the user sees them in Excel (header = row 1)."""
    name = filename.lower()
    if name.endswith(".csv") or name.endswith(".txt"):
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileFormatError("无法识别文件编码(请使用UTF-8或GBK)")
        reader = csv.reader(io.StringIO(text))
        rows = list(reader)
    elif name.endswith(".xlsx") or name.endswith(".xlsm"):
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise FileFormatError(f"无法读取Excel文件: {exc}") from exc
        ws = wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    else:
        raise FileFormatError("只支持 .xlsx 或 .csv 文件")
    if not rows:
        raise FileFormatError("文件为空")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    body = []
    for i, r in enumerate(rows[1:], start=2):
        if r is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in r):
            continue
        body.append((i, list(r) + [None] * (len(header) - len(r))))
    return header, body
