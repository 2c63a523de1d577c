"""Query parameters: a bad one answers 400 naming the parameter, never a 500.

Views read numbers with `int_param`/`year_param`; a failure raises `BadParameter`, a ValidationError
keyed by the parameter, which the API's error handler (core.drf) and the pages' middleware
(`BadParameterMiddleware`) turn into a 400. The middleware also refuses, before any view runs, a
parameter whose integer value no database column can hold (it would crash the query).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def area_and_year(request, user, module: str):
    """(jurisdiction, year) of a statistics page from ?jurisdiction=CODE (or a name typed in the picker)&year=Y.

    Defaults: the user's widest area in `module`, this (local) year. An area outside the user's scope, or a
    year outside 2000–2100, is a 400 naming the parameter; a user with no area in `module` is refused (403).
    Statistics pages call `statistics_scope`, which also gives an enterprise account its own enterprise."""
    from django.core.exceptions import PermissionDenied

    from envbureau.core.scoping import allowed_jurisdictions

    allowed = allowed_jurisdictions(user, module, "view")
    code = request.GET.get("jurisdiction", "").strip()
    jur = allowed.filter(code=code[:20]).first() if code else allowed.order_by("path").first()
    if code and jur is None:  # a name typed in the picker without choosing: one area of that name
        named = list(allowed.filter(name=code[:100])[:2])
        jur = named[0] if len(named) == 1 else None
    if code and jur is None:
        raise ValidationError({"jurisdiction": _("未找到区划“%(c)s”,或不在您的权限范围内") % {"c": code[:60]}})
    if jur is None:  # no area at all: never "the whole city" by default (statistics_scope decides what then)
        raise PermissionDenied
    return jur, _stats_year(request)


def _stats_year(request) -> int:
    from django.utils import timezone

    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        raise ValidationError({"year": _("年度应为 2000–2100 的整数")}) from None
    return year


@dataclass(frozen=True)
class StatsScope:
    """Whose records a statistics page counts, as the page names it: an area (`jurisdiction`), or the reader's
    own enterprise(s) (`enterprise_ids`, `jurisdiction` None). The counts themselves are always restricted by
    core scoping; the scope only says where to look and what to call it."""

    jurisdiction: object | None
    name: str
    enterprise_ids: tuple = ()
    note: str = ""  # what the page says about a parameter it did not apply (an enterprise's ?jurisdiction=)

    @property
    def is_enterprise(self) -> bool:
        return bool(self.enterprise_ids)

    @property
    def path(self) -> str:
        """The jurisdiction prefix to filter on ("" for an enterprise: its records wherever they lie)."""
        return "" if self.jurisdiction is None else self.jurisdiction.path

    @property
    def code(self) -> str:
        return "" if self.jurisdiction is None else self.jurisdiction.code


def has_area(user, module: str) -> bool:
    """Whether the user reads `module` for an area (bureau staff, district and street officers), not only for an
    enterprise: a grant of `module`.view that is not an enterprise's. From the grants cached on the user, so the
    menu asks it on every page without a query."""
    from .permissions import grants_for

    perm = f"{module}.view"
    return any(g.enterprise_id is None and g.allows(perm) for g in grants_for(user))


def own_enterprises(user, module: str) -> list[tuple[int, str]]:
    """[(id, name)] of the enterprises the user reads `module` for (its enterprise grants), in grant order."""
    from .models import RoleAssignment
    from .permissions import grants_for

    ids = list(dict.fromkeys(g.enterprise_id for g in grants_for(user)
                             if g.enterprise_id is not None and g.allows(f"{module}.view")))
    if not ids:
        return []
    names = {a.enterprise_id: a.enterprise_name
             for a in RoleAssignment.objects.filter(user=user, enterprise_id__in=ids)}
    return [(i, names.get(i, str(i))) for i in ids]


def statistics_scope(request, user, module: str, *, enterprises: bool = False) -> tuple[StatsScope, int]:
    """(scope, year) of a statistics page — the one product rule for whose figures a statistics page shows:

    - a reader with an area in `module` gets an area: ?jurisdiction=CODE inside it, by default their widest one
      (area_and_year; an area outside it is a 400 naming the parameter);
    - a reader without an area but with the module for an enterprise gets their own enterprise when the module
      counts an enterprise's own records (`enterprises=True`: approvals — its applications, permits, reports,
      plans). A ?jurisdiction= is then not applied (never widened) and the page says so;
    - anyone else (an enterprise account where the statistics count an area's work: enforcement, projects) is
      refused: PermissionDenied (403), and the menu hides the entry (see `has_area`)."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import pgettext

    if has_area(user, module):
        jur, year = area_and_year(request, user, module)
        return StatsScope(jur, jur.name), year
    own = own_enterprises(user, module) if enterprises else []
    if not own:
        raise PermissionDenied
    year = _stats_year(request)
    code = request.GET.get("jurisdiction", "").strip()
    note = _("企业账号的统计只含本企业的记录,未按区划“%(c)s”统计") % {"c": code[:60]} if code else ""
    return StatsScope(None, pgettext("列举", "、").join(n for _i, n in own), tuple(i for i, _n in own), note), year
