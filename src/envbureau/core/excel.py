"""Excel in and out: every list exports, every importer reads .xlsx and .csv."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import io
import zipfile
from pathlib import Path
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from . import timefmt

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A text starting with one of these is a formula (or DDE payload) once Excel or a CSV re-save sees it
# (OWASP "CSV injection"). Exports write such text as a text cell with Excel's quote prefix: it shows
# and copies exactly as typed, and editing the cell keeps it text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _cell(value):
    if isinstance(value, bool):  # before int: True is an int to Python, "TRUE" to Excel; people read 是/否
        return _("是") if value else _("否")
    if isinstance(value, decimal.Decimal):  # a number cell (formatted with its own places in workbook_bytes)
        return float(value) if value.is_finite() else None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if value is None or isinstance(value, (str, int, float, dt.date, dt.datetime)):
        return value
    return str(value)


def _as_text(cell) -> None:
    cell.data_type = "s"  # openpyxl made "=…" a formula on assignment
    cell.quotePrefix = True


def scope_words(user) -> str:
    """Whose data an export holds, as the scope badge says it: the enterprise, the areas, or 全市."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    labels = sorted({str(a.scope_label) for a in user.assignments.select_related("jurisdiction")})
    if not labels or getattr(user, "is_superuser", False):
        return str(_("全市"))
    return "、".join(labels)


def export_title(what: str, *, scope: str = "", period: str = "", at: dt.datetime | None = None) -> str:
    """The first row of an export: what it is, whose data, which period, when it was exported
    ("街道排名 · 东城区 · 2016年1月 · 导出于 2026-12-01 12:00")."""
    from django.utils import timezone

    at = timezone.localtime(at or timezone.now())
    parts = [str(p) for p in (what, scope, period) if p]
    return " · ".join([*parts, _("导出于 %(t)s") % {"t": at.strftime("%Y-%m-%d %H:%M")}])


def is_title_row(first, second) -> bool:
    """Row 1 of one of our exports is a title (one cell filled) above the header (several): importers
    skip it, so an exported sheet can be edited and imported again."""
    def filled(row):
        return sum(1 for v in (row or ()) if v is not None and str(v).strip())
    return filled(first) == 1 and filled(second) > 1


def workbook_bytes(sheets: list[tuple[str, list[str], list[list]]], title: str | None = None) -> bytes:
    """sheets: [(sheet name, header, rows)] → .xlsx bytes with a bold, frozen header row; `title` (see
    export_title) goes above the header of every sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, header, rows in sheets:
        ws = wb.create_sheet(title=str(name)[:31])
        top = 1
        if title:
            ws.append([str(title)])
            ws["A1"].font = Font(bold=True, size=12)
            if is_formula_like(ws["A1"].value):
                _as_text(ws["A1"])
            top = 2
        ws.append([str(h) for h in header])
        for c in ws[top]:
            if is_formula_like(c.value):
                _as_text(c)
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="DDEBF7")
        at = top  # the row just written: ws.max_row and ws[n] walk every cell of the sheet (a 5,000-row export
        # spent 40 s in them), a cell by its coordinates is a dictionary lookup
        for row in rows:
            row = [getattr(v, "number", v) if isinstance(v, str) else v for v in row]  # core.money.Amount: a number
            values = [_cell(v) for v in row]
            ws.append(values)
            at += 1
            for col, (v, value) in enumerate(zip(row, values, strict=False), start=1):
                if isinstance(v, decimal.Decimal) and v.is_finite():  # the reported rounding as the cell format
                    places = max(-v.as_tuple().exponent, 0)
                    ws.cell(at, col).number_format = "0." + "0" * places if places else "0"
                if isinstance(value, dt.datetime):  # dates and times written like on the pages
                    ws.cell(at, col).number_format = timefmt.EXCEL_DATETIME
                elif isinstance(value, dt.date):
                    ws.cell(at, col).number_format = timefmt.EXCEL_DATE
                if is_formula_like(value):
                    _as_text(ws.cell(at, col))
        ws.freeze_panes = f"A{top + 1}"
        for i, h in enumerate(header, start=1):
            width = max([len(str(h)) * 2] + [len(str(r[i - 1])) for r in rows[:200] if i - 1 < len(r)] + [8])
            ws.column_dimensions[get_column_letter(i)].width = min(width + 2, 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, sheets, *, request=None, title: str | None = None, what: str = "",
                  scope: str = "", period: str = "") -> HttpResponse:
    """An export download. Its title row names `what` (default: the file name, which says what, where and
    when), `scope` (default: the reader's scope), the period and the time of export, unless `title` is given
    whole."""
    if title is None:
        what = what or filename.rsplit(".", 1)[0]
        title = export_title(what, scope=scope or scope_words(getattr(request, "user", None)), period=period)
    resp = HttpResponse(workbook_bytes(sheets, title=title), content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


class FileFormatError(ValueError):
    pass


MAX_COLUMNS = 256  # no import has more; a header wider than this is a malformed or hostile file


def _limit(name: str, default):
    from django.conf import settings

    return settings.ENVBUREAU.get("IMPORT_LIMITS", {}).get("default", {}).get(name, default)


class Table:
    """A file being read row by row: ``header`` (cells of row 1, or of row 2 below an export's title row;
    trailing blanks dropped) and ``rows()``, which yields ``(row_number, values)`` for the non-empty rows,
    each cut or padded to the header's width, row numbers as the user sees them in Excel. Never holds the whole file in memory."""

    def __init__(self, header: list[str], rows, close=None, max_rows: int | None = None, read_fraction=None):
        self.header = header
        self._rows = rows
        self._close = close
        self.max_rows = max_rows
        self._fraction = read_fraction

    def read_fraction(self) -> float | None:
        """How much of the file has been read (0…1), where the format tells; for progress bars."""
        try:
            return self._fraction() if self._fraction else None
        except (OSError, ValueError):
            return None

    def rows(self):
        width, count = len(self.header), 0
        try:
            for num, r in self._rows:
                if r is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in r):
                    continue
                count += 1
                if self.max_rows is not None and count > self.max_rows:
                    raise FileFormatError(_("文件超过 %(n)s 行的上限(不含表头)") % {"n": f"{self.max_rows:,}"})
                r = list(r[:width])
                yield num, r + [None] * (width - len(r))
        finally:
            self.close()

    def close(self):
        if self._close is not None:
            self._close()
            self._close = None


def _source(data):
    """bytes → a file object; a path → an open binary file; a file object as it is."""
    if isinstance(data, (bytes, bytearray)):
        return io.BytesIO(data), False
    if isinstance(data, (str, Path)):
        return open(data, "rb"), True
    return data, False


def _header(cells) -> list[str]:
    header = ["" if h is None else str(h).strip() for h in cells]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise FileFormatError(_("文件为空"))
    if len(header) > MAX_COLUMNS:
        raise FileFormatError(_("表头超过 %(n)s 列,请只保留导入模板中的列") % {"n": MAX_COLUMNS})
    return header


def open_table(data, filename: str, *, max_rows: int | None = None) -> Table:
    """Open the first sheet of an .xlsx (or a CSV in UTF-8 or GBK) from bytes, a path or a binary file.

    Only the columns of the header are read: a sheet declaring ``A1:XFD1048576`` is not padded to
    16,384 columns. XML is parsed with defusedxml (openpyxl uses it when installed), and the archive's
    unpacked size is bounded so a small zip cannot expand into gigabytes."""
    name = filename.lower()
    f, owned = _source(data)
    try:
        if name.endswith((".csv", ".txt")):
            return _open_csv(f, owned, max_rows)
        if name.endswith((".xlsx", ".xlsm")):
            return _open_xlsx(f, owned, max_rows)
    except BaseException:
        if owned:
            f.close()
        raise
    if owned:
        f.close()
    raise FileFormatError(_("只支持 .xlsx 或 .csv 文件"))


def _open_csv(f, owned, max_rows) -> Table:
    head = f.read(1 << 20)
    f.seek(0)
    encoding = None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        encoding = enc
        break
    if encoding is None:
        raise FileFormatError(_("无法识别文件编码(请使用UTF-8或GBK)"))
    f.seek(0, io.SEEK_END)
    size = f.tell() or 1
    f.seek(0)
    text = io.TextIOWrapper(f, encoding=encoding, newline="")
    reader = csv.reader(text)

    def rows():
        num = 1
        try:
            for num, r in enumerate(reader, start=2):
                yield num, r
        except UnicodeDecodeError:
            raise FileFormatError(_("第%(r)s行附近的文字编码无法识别(请整个文件使用UTF-8或GBK)") % {"r": num + 1}) from None
        except csv.Error as e:
            raise FileFormatError(_("第%(r)s行不是有效的CSV: %(e)s") % {"r": num + 1, "e": e}) from None

    try:
        first = next(reader)
    except StopIteration:
        raise FileFormatError(_("文件为空")) from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise FileFormatError(_("第1行不是有效的CSV: %(e)s") % {"e": e}) from None
    return Table(_header(first), rows(), close=text.close if owned else None, max_rows=max_rows,
                 read_fraction=lambda: min(1.0, f.tell() / size))


def _open_xlsx(f, owned, max_rows) -> Table:
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # without it, a DTD in a sheet could expand entities
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("defusedxml must be installed to read uploaded workbooks")
    try:
        with zipfile.ZipFile(f) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileFormatError(_("无法读取Excel文件: %(e)s") % {"e": exc}) from exc
    cap = _limit("max_unpacked_bytes", 1 << 30)
    if unpacked > cap:
        raise FileFormatError(_("Excel文件解压后超过 %(n)s MB,请拆分文件或另存为CSV") % {"n": cap >> 20})
    f.seek(0)
    try:
        wb = load_workbook(f, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        # The declared dimension may be a lie (A1:XFD1048576): read each row only as wide as it is,
        # and the data rows only as wide as the header.
        ws.reset_dimensions()
        first, second = (list(ws.iter_rows(min_row=1, max_row=2, values_only=True)) + [None, None])[:2]
    except FileFormatError:
        raise
    except Exception as exc:  # openpyxl and defusedxml raise many kinds for a broken or hostile file
        raise FileFormatError(_("无法读取Excel文件: %(e)s") % {"e": exc}) from exc
    if first is None:
        wb.close()
        raise FileFormatError(_("文件为空"))
    head_row = 2 if is_title_row(first, second) else 1
    header = _header(second if head_row == 2 else first)

    def rows():
        num = head_row
        try:
            for num, r in enumerate(ws.iter_rows(min_row=head_row + 1, max_col=len(header), values_only=True),
                                    start=head_row + 1):
                yield num, r
        except FileFormatError:
            raise
        except Exception as exc:
            raise FileFormatError(_("第%(r)s行附近无法读取: %(e)s") % {"r": num + 1, "e": exc}) from exc

    def close():
        wb.close()
        if owned:
            f.close()

    return Table(header, rows(), close=close, max_rows=max_rows)


def read_table(data, filename: str, *, max_rows: int | None = None) -> tuple[list[str], list[tuple[int, list]]]:
    """The whole table at once (small files): header cells and [(row_number, values)]."""
    t = open_table(data, filename, max_rows=max_rows)
    return t.header, list(t.rows())
