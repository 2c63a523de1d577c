"""The module's rules as plain functions (危险废物转移管理办法; HJ 1259-2022; 危险废物经营许可证管理办法): producer category, declaration due dates,
manifest numbers, quantity reconciliation, confirmation and renewal limits (on core.deadlines)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from envbureau.core import deadlines

from . import config

NUMBER_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{6})$")


def classify(annual_tonnes, *, own_facility: bool = False, licensed: bool = False) -> str:
    """HJ 1259 §4.2: ≥100 t/yr, an own use/disposal facility or a business licence → key;
    10 ≤ t < 100 → simplified; < 10 → registered."""
    q = Decimal(str(annual_tonnes or 0))
    if own_facility or licensed or q >= config.get("key_tonnes"):
        return "key"
    return "simplified" if q >= config.get("simplified_tonnes") else "registered"


PERIODS_BY_CATEGORY = {"key": ("month", "year"), "simplified": ("quarter", "year"), "registered": ("year",)}


def period_start(kind: str, day: dt.date) -> dt.date:
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, 1, 1)


def next_period(kind: str, start: dt.date) -> dt.date:
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    m = start.month - 1 + months
    return dt.date(start.year + m // 12, m % 12 + 1, 1)


def declaration_due(kind: str, start: dt.date) -> dt.date:
    """Monthly: the 15th of the next month; quarterly: the 15th of the first month of the next quarter;
    yearly: 31 March of the next year (HJ 1259-2022 §7.2)."""
    nxt = next_period(kind, start)
    return dt.date(nxt.year, 3, 31) if kind == "year" else nxt.replace(day=15)


def period_label(kind: str, start: dt.date) -> str:
    from envbureau.core.humanize import month_label, quarter_label, year_label

    if kind == "month":
        return month_label(start.year, start.month)
    if kind == "quarter":
        return quarter_label(start.year, (start.month - 1) // 3 + 1)
    return year_label(start.year)


def check_number(number: str, jurisdiction_code: str = "") -> str | None:
    """None when `number` is a well-formed manifest number (14 digits: year, province, prefecture, serial —
    art. 15) whose area codes are the sender's; else the reason."""
    m = NUMBER_RE.match(number or "")
    if not m:
        return _("联单编号应为14位数字(4位年份+2位省级代码+2位地市代码+6位流水号)")
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        return _("联单编号的年份无效")
    if jurisdiction_code and m.group(2) + m.group(3) != jurisdiction_code[:4]:
        return _("联单编号的行政区划代码与移出单位所在地不符")
    return None


@dataclass(frozen=True)
class Reconciliation:
    ok: bool
    difference: Decimal | None  # the largest gap between two hands, tonnes
    tolerance: Decimal
    complete: bool  # all three quantities known


def tolerance_for(sent) -> Decimal:
    sent = Decimal(str(sent or 0))
    return max(config.get("tolerance_relative") * sent, config.get("tolerance_absolute"))


def reconcile(sent, carried, received) -> Reconciliation:
    """Producer → transporter → receiver: each known quantity within the tolerance of the sent one
    (a gap equal to the tolerance still agrees)."""
    tol = tolerance_for(sent)
    known = [Decimal(str(q)) for q in (sent, carried, received) if q is not None]
    if len(known) < 2:
        return Reconciliation(True, None, tol, False)
    diff = max(known) - min(known)
    return Reconciliation(diff <= tol, diff, tol, len(known) == 3)


def confirm_due(received_on: dt.date) -> dt.date:
    """Confirmation limit: `confirm_working_days` working days after the day of receipt."""
    return deadlines.add_days(received_on, config.get("confirm_working_days"), deadlines.WORKING)


def renewal_deadline(valid_to: dt.date) -> dt.date:
    """The last day to apply for renewal: `renewal_working_days` working days before expiry."""
    n, d = config.get("renewal_working_days"), valid_to
    while n > 0:
        d -= dt.timedelta(days=1)
        if deadlines.is_working_day(d):
            n -= 1
    return d


def add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    y, m = day.year + m // 12, m % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(y, m, d)
        except ValueError:
            continue
    raise ValueError(day)
