"""The periods of a draw plan (pure): a plan draws once per period of its kind — month (2026-07), quarter
(2026-Q3), half-year (2026-H2) or year (2026) — and its ratios apply per period. Both ends are local dates,
included. Used by the services and by a migration, so no Django here."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True)
class PlanPeriod:
    kind: str
    year: int
    index: int  # 1-based within the year
    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        if self.kind == "year":
            return str(self.year)
        if self.kind == "half":
            return f"{self.year}-H{self.index}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.index}"
        return f"{self.year}-{self.index:02d}"

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def periods(kind: str, year: int) -> list[PlanPeriod]:
    step = MONTHS[kind]
    out = []
    for i, first in enumerate(range(1, 13, step), start=1):
        last = first + step - 1
        out.append(PlanPeriod(kind, year, i, dt.date(year, first, 1),
                              dt.date(year, last, calendar.monthrange(year, last)[1])))
    return out


def period_of(kind: str, day: dt.date) -> PlanPeriod:
    return next(p for p in periods(kind, day.year) if day in p)


def parse(kind: str, year: int, text: str) -> PlanPeriod | None:
    """The period of the plan named `text` (2026-Q3, 2026q3 and 2026-Q03 alike), or None when it is not one."""
    norm = (text or "").strip().upper().replace(" ", "")
    for p in periods(kind, year):
        if norm == p.key.upper() or (kind == "quarter" and norm == f"{year}-Q{p.index:02d}") \
                or (kind in ("quarter", "half") and norm == p.key.upper().replace("-", "")):
            return p
    return None
