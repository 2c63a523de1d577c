"""Money reads as a bureau reader reads it, on every generic page and in every change history: "1,600,000.00"
for a field whose label names 元 or 万元; other decimals (scores, shares) stay as they are."""

from decimal import Decimal

from envbureau.core.generic import cell_value
from envbureau.core.humanize import change_rows, is_money
from envbureau.projects.models import Fund, Project


def test_money_fields_are_those_labelled_in_yuan():
    assert is_money(Fund._meta.get_field("requested"))           # 申请金额(元)
    assert is_money(Project._meta.get_field("investment_planned"))  # 计划投资(元)
    assert not is_money(Project._meta.get_field("evaluation_score"))  # 绩效评价得分
    assert not is_money(Fund._meta.get_field("id"))


def test_cells_show_thousands_separators_and_fen():
    f = Fund(requested=Decimal("1600000"), spent=Decimal("1280000.5"), approved=None)
    assert cell_value(f, "requested") == "1,600,000.00"
    assert cell_value(f, "spent") == "1,280,000.50"
    assert cell_value(f, "approved") == ""
    assert cell_value(Project(evaluation_score=Decimal("87.50")), "evaluation_score") == Decimal("87.50")
    # the export keeps the number (core.excel writes .number)
    assert cell_value(f, "requested").number == Decimal("1600000.00")


def test_change_history_shows_money_the_same_way():
    rows = change_rows({"spent": ["0.00", "1280000.00"], "requested": [None, "1600000"]}, "projects.fund")
    by = {r["name"]: r for r in rows}
    assert (by["spent"]["before"], by["spent"]["after"]) == ("0.00", "1,280,000.00")
    assert by["requested"]["after"] == "1,600,000.00" and by["requested"]["before"] in ("—", None, "")
