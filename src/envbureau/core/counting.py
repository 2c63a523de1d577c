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


#: a table with more rows than this counts a list's total in a request of its own (the page does not wait)
LAZY_FROM = 20_000


def is_long(model) -> bool:
    """The table has more than LAZY_FROM rows (an index scan of at most LAZY_FROM + 1 keys: milliseconds)."""
    return count_upto(model._default_manager.all(), LAZY_FROM).capped


def total_for(request, qs, model):
    """A list's total for its template (core/_total.html): counted now on a short table; on a long one None, and
    the page asks for it with `?…&part=total` (core/_total_lazy.html), answered by `total_part`: counting the rows
    a rare filter matches among a million scans the table, which must not hold the page's rows back."""
    return None if is_long(model) else count_upto(qs)


def total_part(request, qs):
    """The answer to `part=total`: the total alone, as the fragment the page swaps in."""
    from django.shortcuts import render

    return render(request, "core/_total.html", {"total": count_upto(qs)})
