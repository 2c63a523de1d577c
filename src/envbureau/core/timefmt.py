"""One way to write a time, in local time (settings.TIME_ZONE, Asia/Shanghai): "2025-05-07 02:37".

Templates get it from the format modules in envbureau/formats ({{ value }} and |date), Excel exports
from core.excel; Python strings shown to people (a model's str(), messages) use these helpers, because
an f-string of an aware datetime prints it in UTC.
"""

from __future__ import annotations

import datetime as dt

DATETIME = "%Y-%m-%d %H:%M"
DATE = "%Y-%m-%d"
EXCEL_DATETIME = "yyyy-mm-dd hh:mm"
EXCEL_DATE = "yyyy-mm-dd"


def local(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(value) if timezone.is_aware(value) else value


def local_datetime(value) -> str:
    return local(value).strftime(DATETIME) if value else ""


def local_date(value) -> str:
    if not value:
        return ""
    return (local(value) if isinstance(value, dt.datetime) else value).strftime(DATE)
