"""The period of the enforcement statistics: a pair of local (Asia/Shanghai) dates, from and to, both included.

Shortcuts: a calendar year (2026), a half (2026-H1, 2026-H2), a quarter (2026-Q1 … 2026-Q4), a month (2026-05)
and a year to date by months (2026-1-6: 1–6月). The page's picker sends ?year=2026&part=H1 (part: H1, H2, Q1–Q4,
M1–M12, or 1-N); the API ?period=2026-H1 or ?from=2026-01-01&to=2026-06-30; the CLI --period / --from --to.
Year on year compares with the same period one year earlier (`previous`)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, y: int) -> Period:
        return cls(dt.date(y, 1, 1), dt.date(y, 12, 31))

    @classmethod
    def months(cls, y: int, first: int, last: int) -> Period:
        return cls(dt.date(y, first, 1), _month_end(y, last))

    @property
    def is_year(self) -> bool:
        return self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31)

    def _whole_months(self) -> tuple[int, int] | None:
        """(first month, last month) when the period is whole months of one year."""
        if self.start.year != self.end.year or self.start.day != 1 or self.end != _month_end(self.end.year, self.end.month):
            return None
        return self.start.month, self.end.month

    @property
    def key(self) -> str:
        """The short name the API and the CLI take (--period): 2026, 2026-H1, 2026-Q2, 2026-05, 2026-1-5, or
        from..to for any other pair of dates."""
        y, m = self.start.year, self._whole_months()
        if self.is_year:
            return str(y)
        if m in ((1, 6), (7, 12)):
            return f"{y}-H{1 if m[0] == 1 else 2}"
        if m and m[0] == m[1]:
            return f"{y}-{m[0]:02d}"
        if m and m[0] % 3 == 1 and m[1] == m[0] + 2:
            return f"{y}-Q{m[1] // 3}"
        if m and m[0] == 1:
            return f"{y}-1-{m[1]}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def part(self) -> str:
        """The picker's second field (empty for a whole year; '' also for a free range)."""
        k = self.key
        tail = k.split("-", 1)[1] if "-" in k and ".." not in k else ""
        if re.fullmatch(r"\d{2}", tail):
            return f"M{int(tail)}"
        return tail

    @property
    def label(self) -> str:
        """The period as the sentences and the title name it: 2026年, 2026年1-6月 (H1 2026), 2026年第二季度…"""
        y, m = self.start.year, self._whole_months()
        if self.is_year:
            return _("%(y)s年") % {"y": y}
        if m == (1, 6):
            return pgettext("统计期间", "%(y)s年1-6月") % {"y": y}
        if m == (7, 12):
            return pgettext("统计期间", "%(y)s年7-12月") % {"y": y}
        if m and m[0] == m[1]:
            return pgettext("统计期间", "%(y)s年%(m)s月") % {"y": y, "m": m[0]}
        if m and m[0] % 3 == 1 and m[1] == m[0] + 2:
            return {1: pgettext("统计期间", "%(y)s年第一季度"), 2: pgettext("统计期间", "%(y)s年第二季度"),
                    3: pgettext("统计期间", "%(y)s年第三季度"),
                    4: pgettext("统计期间", "%(y)s年第四季度")}[m[1] // 3] % {"y": y}
        if m and m[0] == 1:
            return pgettext("统计期间", "%(y)s年1-%(m)s月") % {"y": y, "m": m[1]}
        return pgettext("统计期间", "%(a)s至%(b)s") % {"a": self.start.isoformat(), "b": self.end.isoformat()}

    def previous(self) -> Period:
        """The same period one year earlier (29 February → 28 February)."""
        def back(d: dt.date) -> dt.date:
            return d.replace(year=d.year - 1, day=min(d.day, calendar.monthrange(d.year - 1, d.month)[1]))

        if self._whole_months():  # whole months stay whole months (a February ending on the 29th)
            m = self._whole_months()
            return Period.months(self.start.year - 1, *m)
        return Period(back(self.start), back(self.end))

    def contains(self, day) -> bool:
        return day is not None and self.start <= day <= self.end

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "key": self.key, "label": self.label}


def _bad(name: str, message: str):
    return ValidationError({name: message})


def parse_key(value: str, name: str = "period") -> Period:
    """2026, 2026-H1, 2026-Q3, 2026-05, 2026-1-6 (1–6月) → a Period; anything else is a ValidationError naming
    the parameter."""
    v = (value or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})", v):
            p = Period.year(int(m[1]))
        elif m := re.fullmatch(r"(\d{4})-?[Hh]([12])", v):
            p = Period.months(int(m[1]), 1, 6) if m[2] == "1" else Period.months(int(m[1]), 7, 12)
        elif m := re.fullmatch(r"(\d{4})-?[Qq]([1-4])", v):
            q = int(m[2])
            p = Period.months(int(m[1]), 3 * q - 2, 3 * q)
        elif m := re.fullmatch(r"(\d{4})-[Mm]?(\d{1,2})", v):
            p = Period.months(int(m[1]), int(m[2]), int(m[2]))
        elif m := re.fullmatch(r"(\d{4})-1-(\d{1,2})", v):
            p = Period.months(int(m[1]), 1, int(m[2]))
        else:
            raise ValueError
    except ValueError:
        raise _bad(name, _("统计期间“%(v)s”无法识别:应为 2026、2026-H1、2026-Q2、2026-05 或 2026-1-6(1-6月)")
                   % {"v": v[:40]}) from None
    return _checked(p, name)


def _checked(p: Period, name: str) -> Period:
    if not (2000 <= p.start.year <= 2100 and 2000 <= p.end.year <= 2100):
        raise _bad(name, _("统计期间应在 2000–2100 年之间"))
    return p


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise _bad(name, _("日期“%(v)s”无效,应为 YYYY-MM-DD") % {"v": value.strip()[:40]}) from None


def from_to(start: str | None, end: str | None) -> Period:
    """A pair of dates; both are needed, `from` not after `to`."""
    if not start or not end:
        missing = "from" if not start else "to"
        raise _bad(missing, _("请同时给出起止日期(from 和 to)"))
    a, b = _date(start, "from"), _date(end, "to")
    if a > b:
        raise _bad("from", _("起始日期晚于截止日期"))
    return _checked(Period(a, b), "from")


def from_part(year: int, part: str) -> Period:
    """The page's picker: a year and H1/H2, Q1–Q4, M1–M12 or 1-N (1–N月); empty: the whole year."""
    part = (part or "").strip()
    if not part:
        return Period.year(year)
    if m := re.fullmatch(r"[Mm](\d{1,2})", part):
        return parse_key(f"{year}-{m[1]}", "part")
    return parse_key(f"{year}-{part}", "part")


def from_query(query, year: int) -> Period:
    """The period of a request (?period= or ?from=&to= or ?part= with the year already read, else the year)."""
    if query.get("period"):
        return parse_key(query.get("period"))
    if query.get("from") or query.get("to"):
        return from_to(query.get("from"), query.get("to"))
    return from_part(year, query.get("part", ""))


def choices() -> list[tuple[str, str]]:
    """The picker's second select: the whole year, halves, quarters, months, 1–N月."""
    out = [("", _("全年")), ("H1", _("上半年")), ("H2", _("下半年"))]
    out += [("Q1", _("第一季度")), ("Q2", _("第二季度")), ("Q3", _("第三季度")), ("Q4", _("第四季度"))]
    out += [(f"M{m}", _("%(m)s月") % {"m": m}) for m in range(1, 13)]
    out += [(f"1-{m}", _("1-%(m)s月") % {"m": m}) for m in range(2, 12)]
    return out
