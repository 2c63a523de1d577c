"""Totals of list pages ("共 N 条") that stay cheap on very long tables.

A list that pages without COUNT (seek pagination over a million complaints) still says how many rows its
filters match: counted up to a cap (COUNT over a LIMIT subquery, so its cost is bounded), "more than N"
beyond it."""

from dataclasses import dataclass

#: rows counted at most; beyond it a list says 超过 10000 条 (narrow the filters, or see the statistics)
COUNT_CAP = 10_000


@dataclass(frozen=True)
class Total:
    n: int
    capped: bool  # True: at least n rows (the count stopped at the cap)


def count_upto(qs, cap: int | None = None) -> Total:
    """How many rows the (already scoped and filtered) queryset has, counting at most cap + 1 (default COUNT_CAP)."""
    cap = COUNT_CAP if cap is None else cap
    n = qs.order_by()[: cap + 1].count()
    return Total(min(n, cap), n > cap)
