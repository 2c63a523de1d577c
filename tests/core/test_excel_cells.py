"""Excel exports write numbers as numbers (with the reported rounding), booleans as 是/否, dates as dates."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from envbureau.core.excel import workbook_bytes


def test_cells_keep_their_kind():
    data = workbook_bytes([("表", ["值", "达标", "日期", "文本"], [
        [Decimal("12.30"), True, dt.date(2026, 5, 12), "=1+1"],
        [Decimal("7"), False, None, "0123"],
        [3.5, None, dt.date(2026, 5, 13), "x"],
    ])])
    ws = load_workbook(io.BytesIO(data)).active
    a2, b2, c2, d2 = ws["A2"], ws["B2"], ws["C2"], ws["D2"]
    assert a2.value == 12.3 and a2.data_type == "n" and a2.number_format == "0.00"
    assert ws["A3"].value == 7 and ws["A3"].number_format == "0"
    assert ws["A4"].value == 3.5 and ws["A4"].data_type == "n"
    assert b2.value == "是" and ws["B3"].value == "否" and ws["B4"].value is None
    assert isinstance(c2.value, dt.datetime) and c2.value.date() == dt.date(2026, 5, 12) and c2.number_format == "yyyy-mm-dd"
    assert d2.value == "=1+1" and d2.data_type == "s" and d2.quotePrefix  # formula injection still disarmed
    assert ws["D3"].value == "0123"  # codes stay text
