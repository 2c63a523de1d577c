"""Money as a bureau reader reads it: yuan to the fen with thousands separators ("26,000.00"), 万元 the same
("2.60"). The columns and labels name the unit (罚款(元), 罚款(万元)); this only writes the number.

An ``Amount`` is the text on a page and the number in an Excel export (core.excel writes ``.number``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")


class Amount(str):
    """Reads as "26,000.00"; ``number`` keeps the Decimal for exports and sums."""

    number: Decimal

    def __new__(cls, number: Decimal):
        cell = super().__new__(cls, f"{number:,.2f}")
        cell.number = number
        return cell


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Amount):
        return value.number
    try:
        d = Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def yuan(value):
    """An amount in yuan as "26,000.00"; anything that is not a number (None, "", "—") comes back as it was."""
    d = _decimal(value)
    return value if d is None else Amount(d.quantize(FEN, ROUND_HALF_UP))


def wan(value):
    """An amount in yuan shown in 万元: 26000 → "2.60"."""
    d = _decimal(value)
    return value if d is None else Amount((d / Decimal(10000)).quantize(FEN, ROUND_HALF_UP))
