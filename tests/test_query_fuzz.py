"""Hostile query parameters never cause a server error.

Every list endpoint and page of the URL conf (no path arguments, GET) is called with each of its
query parameters set to hostile values: huge and negative integers, text where a number is
expected, impossible dates, control characters. Parameters are discovered, not listed: the
endpoint's filter set (django-filter), the paging parameters, and every `request.GET` /
`query_params` key the view's module reads. The answer must not be a 5xx; an API 400 must name the
parameter.
"""

from __future__ import annotations

import inspect
import re
import sys
import time

import pytest
from django.test import Client

import test_authorization_matrix as matrix

world = matrix.world  # the module-scoped light demo of every app

HOSTILE = ["99999999999999999999999", "-1", "2026-02-30T25:00:00"]  # the last: no date, no integer either
ALWAYS = ["page", "page_size", "ordering"]
NOT_INPUT = {"export", "format", "next"}  # fixed choices / redirects, not data filters
SKIP = ("/admin/", "/static/", "/i18n/", "/jsi18n/", "/accounts/logout/", "/api/schema/", "/api/docs/",
        "/api/redoc/", "/favicon")
MAX_CALLS = 6000  # the sweep's size, bounded by count (not by the clock, which measures the machine's load)
_KEY = re.compile(r"""(?:GET|query_params|params)(?:\.get|\.getlist|\.__contains__)?\s*[\(\[]\s*["'](\w+)["']""")


def _filterset(ep):
    cls = getattr(ep.callback, "cls", None)
    crud = (getattr(ep.callback, "view_initkwargs", None) or {}).get("crud")
    return getattr(cls, "filterset_class", None) or getattr(crud, "filterset_class", None)


def _params_of(ep, api_filtersets=frozenset()) -> list[str]:
    """The parameters to fuzz on `ep`. A web list whose filter set an API endpoint of the sweep uses too gets that
    set's filters there only: both parse and apply them with the same django-filter form and the same query (the API
    twin answers a 400 that must name the parameter); the page keeps its paging, sorting and what its own code reads."""
    cls = getattr(ep.callback, "cls", None)
    crud = (getattr(ep.callback, "view_initkwargs", None) or {}).get("crud")
    names = set(ALWAYS) if (cls or crud) else set()  # API lists and generic lists page and sort
    fs = _filterset(ep)
    if fs is not None and (ep.is_api or fs not in api_filtersets):
        names |= set(fs.base_filters)
    for f in getattr(cls, "filterset_fields", None) or ():
        names.add(f)
    for src in _sources(cls or ep.callback):
        names |= set(_KEY.findall(src))
    return sorted(names - NOT_INPUT)


def _sources(target) -> list[str]:
    """The view's code (a class, or a function and the decorator wrapping it) and, one level down,
    the functions of its own module that it calls (e.g. the period picker of the air pages)."""
    out, seen = [], set()

    def add(obj):
        code = getattr(obj, "__code__", None)
        key = code or obj
        if key in seen:
            return
        seen.add(key)
        try:
            out.append(inspect.getsource(code or obj))
        except (OSError, TypeError):
            pass

    add(target)
    inner = inspect.unwrap(target) if callable(target) else target
    add(inner)
    for cell in getattr(target, "__closure__", None) or ():  # decorator wrappers keep the view in a cell
        if inspect.isfunction(cell.cell_contents):
            add(cell.cell_contents)
    mod = sys.modules.get(getattr(inner, "__module__", ""), None)
    for src in list(out):
        for name in set(re.findall(r"\b([a-z_]\w*)\(", src)):
            fn = getattr(mod, name, None)
            if inspect.isfunction(fn) and fn.__module__ == getattr(mod, "__name__", None):
                add(fn)
    return out


def _targets():
    out = []
    for ep in matrix.endpoints():
        if ep.kwargs and ep.kwargs != ["format"]:
            continue
        if "format" in ep.kwargs and "<format>[a-z0-9]+" in ep.pattern:
            continue  # DRF's ".json" twin of a route swept without it
        url = ep.build()
        if url is None or url.startswith(SKIP) or "?" in url or ep.name.endswith(("-add", ":add")):
            continue
        out.append((url, ep))
    return out


SHARES = 4  # the sweep runs as this many tests (every fourth endpoint each), so that test workers share it evenly


@pytest.mark.parametrize("share", range(SHARES))
def test_hostile_query_parameters(world, share, db):
    from envbureau.core.models import User

    c = Client(raise_request_exception=False)
    c.force_login(User.objects.get(username="admin"))
    targets = _targets()
    assert len(targets) > 40
    api_fs = {_filterset(ep) for _url, ep in targets if ep.is_api} - {None}
    planned = sum(len(_params_of(ep, api_fs)) for _url, ep in targets) * len(HOSTILE)
    assert 300 < planned < MAX_CALLS, f"{planned} requests planned: the fuzz grew past its size (raise SHARES)"
    problems, calls, t0 = [], 0, time.monotonic()
    for url, ep in targets[share::SHARES]:
        accept = {"HTTP_ACCEPT": "application/json"} if ep.is_api else {}
        for name in _params_of(ep, api_fs):
            for value in HOSTILE:
                calls += 1
                r = c.get(url, {name: value}, **accept)
                if r.status_code >= 500:
                    problems.append(f"{url}?{name}={value!r}: {r.status_code}")
                elif ep.is_api and r.status_code == 400 and r.get("Content-Type", "").startswith("application/json"):
                    # The error names a parameter (this one, or one the endpoint requires and was not sent).
                    fields = (r.json().get("error") or {}).get("fields") or {}
                    if not fields:
                        problems.append(f"{url}?{name}={value!r}: 400 naming no parameter: {r.content[:200]!r}")
    assert calls > 300 // SHARES
    print(f"{calls} requests over {len(targets[share::SHARES])} endpoints in {time.monotonic() - t0:.1f}s")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


REPORTED = [  # the defects found by hand: each answered 500 before
    ("/complaints/", "page", "99999999999999999999999"),
    ("/api/v1/complaints/complaints/", "page", "99999999999999999999999"),
    ("/sources/alarms/", "enterprise", "99999999999999999999999"),
    ("/api/v1/sources/alarms/", "point", "99999999999999999999999"),
    ("/api/v1/sources/outlets/", "enterprise", "99999999999999999999999"),
    ("/complaints/stats/", "year", "99999999999999999999999"),
    ("/quality/water/", "year", "-1"),
    ("/quality/noise/", "year", "-1"),
    ("/quality/", "month", "13"),
    ("/api/v1/quality/period-stats/", "year", "-1"),
    ("/api/v1/public/open311/requests.json", "start_date", "2026-02-30T00:00:00Z"),
]


def test_reported_bad_parameters_answer_400_naming_the_parameter(world, db):
    from envbureau.core.models import User

    c = Client(raise_request_exception=False)
    c.force_login(User.objects.get(username="admin"))
    wrong = []
    for url, name, value in REPORTED:
        r = c.get(url, {name: value}, HTTP_ACCEPT="application/json" if url.startswith("/api/") else "text/html")
        body = r.content.decode("utf-8", "replace")
        if r.status_code != 400 or (name not in body and "open311" not in url):
            wrong.append(f"{url}?{name}={value}: {r.status_code} {body[:150]}")
    assert not wrong, "\n".join(wrong)
