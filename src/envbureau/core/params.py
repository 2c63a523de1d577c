"""Query parameters: a bad one answers 400 naming the parameter, never a 500.

Views read numbers with `int_param`/`year_param`; a failure raises `BadParameter`, a ValidationError
keyed by the parameter, which the API's error handler (core.drf) and the pages' middleware
(`BadParameterMiddleware`) turn into a 400. The middleware also refuses, before any view runs, a
parameter whose integer value no database column can hold (it would crash the query).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

INT64 = 2**63 - 1
YEARS = (1900, 2100)  # any year the platform has data for, with room; outside it a date cannot be built
_INTEGER = re.compile(r"[+-]?\d+")
FREE_TEXT = {"q", "search"}  # searched as text: a long number there is a phone, an id card, a code


class BadParameter(ValidationError):
    def __init__(self, name: str, message: str):
        super().__init__({name: [message]})
        self.param = name
        self.text = message


def int_param(query, name: str, default=None, *, lo: int | None = None, hi: int | None = None):
    raw = query.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise BadParameter(name, _("参数 %(p)s 须为整数,收到“%(v)s”") % {"p": name, "v": str(raw)[:40]}) from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise BadParameter(name, _("参数 %(p)s 须在 %(lo)s 到 %(hi)s 之间,收到 %(v)s") % {
            "p": name, "lo": lo, "hi": hi, "v": str(raw)[:40]})
    return value


def year_param(query, name: str = "year", default=None):
    return int_param(query, name, default, lo=YEARS[0], hi=YEARS[1])


def month_param(query, name: str = "month", default=None):
    return int_param(query, name, default, lo=1, hi=12)


def decimals_param(query, name: str = "decimals"):
    """Decimals of printed rates for one report (?decimals=2 gives "86.02%"); default REPORT_RATE_DECIMALS."""
    from django.conf import settings

    return int_param(query, name, int(getattr(settings, "REPORT_RATE_DECIMALS", 1)), lo=0, hi=4)


def _oversized(request):
    for name, values in request.GET.lists():
        if name in FREE_TEXT:
            continue
        for v in values:
            v = v.strip()
            if len(v) > 18 and _INTEGER.fullmatch(v) and abs(int(v)) > INT64:
                return name
    return None


def bad_request(request, name: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"status": 400, "code": "invalid", "message": message,
                                       "fields": {name: [message]}}}, status=400)
    return render(request, "400.html", {"param": name, "message": message}, status=400)


class BadParameterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = _oversized(request)
        if name is not None:
            return bad_request(request, name, _("参数 %(p)s 超出取值范围") % {"p": name})
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            return bad_request(request, exception.param, exception.text)
        return None
