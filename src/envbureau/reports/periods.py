"""Report periods as people write them on the command line and in the form: 2016-12 (month), 2016-Q4
(quarter), 2016-H2 (half year), 2016 (year). The Period itself is quality's (the same labels the
assessment pages print)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from envbureau.quality.assessment import Period, make_period

KINDS = ("month", "quarter", "half", "year")
_RE = re.compile(r"^(?P<y>\d{4})(?:-(?:(?P<m>\d{1,2})|[Qq](?P<q>[1-4])|[Hh](?P<h>[12])))?$")


def parse(text: str) -> tuple[str, Period]:
    """(kind, Period) for "2016-12" | "2016-Q4" | "2016-H2" | "2016"; ValidationError naming `period`."""
    m = _RE.match((text or "").strip())
    bad = ValidationError({"period": _("期间“%(p)s”无效:应写作 2016-12(月)、2016-Q4(季度)、2016-H2(半年)或 2016(年)")
                           % {"p": text}})
    if not m:
        raise bad
    y = int(m["y"])
    if not 1990 <= y <= 2100:
        raise bad
    if m["m"]:
        month = int(m["m"])
        if not 1 <= month <= 12:
            raise bad
        return "month", make_period(y, month)
    if m["q"]:
        return "quarter", make_period(y, quarter=int(m["q"]))
    if m["h"]:
        return "half", make_period(y, half=int(m["h"]))
    return "year", make_period(y)


def key_of(kind: str, period: Period) -> str:
    """The text `parse` reads back."""
    s = period.start
    if kind == "month":
        return f"{s.year}-{s.month:02d}"
    if kind == "quarter":
        return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
    if kind == "half":
        return f"{s.year}-H{1 if s.month == 1 else 2}"
    return str(s.year)
