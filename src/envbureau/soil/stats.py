"""Soil indicators as the bureau reports give them, each with its formula, inputs and the records behind it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from envbureau.core.scoping import restrict

from .choices import FIRST_CLASS_USES, PlotState, ReviewOutcome
from .models import FarmlandUnit, Plot, Review


def _scoped(model, user):
    return model.objects.all() if user is None else restrict(model.objects.all(), user, "view")


def pct(num, den, places: int = 1) -> str:
    if not den:
        return "—"
    return str((Decimal(num) * 100 / Decimal(den)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)) + "%"


def indicators(user, year: int) -> dict:
    plots = _scoped(Plot, user)
    base = reverse("soil:plots-list")

    def link(**params):
        return base + "?" + urlencode(params, doseq=True)

    key = plots.filter(planned_use__in=[str(u) for u in FIRST_CLASS_USES]).exclude(state=PlotState.SUSPECTED)
    unsafe = key.filter(developed=True).exclude(state__in=(PlotState.CLEAN, PlotState.REMOVED)).count()
    n_key = key.count()
    reviews = _scoped(Review, user).filter(reviewed_on__year=year)
    first = reviews.filter(round=1)
    first_passed = first.filter(outcome=ReviewOutcome.PASSED).count()
    farms = _scoped(FarmlandUnit, user).filter(year=year)
    area = {t: Decimal(0) for t in "BCD"}
    for f in farms:
        if f.term:
            area[f.term] += f.area_hm2
    total = farms.aggregate(e=Sum("area_hm2"))["e"] or Decimal(0)
    safe = area["B"] + area["C"] + area["D"]
    rows = [
        {"key": "plots", "label": _("地块总数"), "value": plots.count(), "url": link()},
        {"key": "surveyed", "label": _("已完成调查的地块"), "value": plots.exclude(state=PlotState.SUSPECTED).count(),
         "url": link(surveyed="true")},
        {"key": "reviewed", "label": _("已组织评审的地块"), "value": plots.filter(reviews__isnull=False).distinct().count(),
         "url": link(reviewed="true")},
        {"key": "listed", "label": _("名录内管控修复地块"), "value": plots.filter(state__in=(PlotState.LISTED,
                                                                                      PlotState.EFFECT)).count(),
         "url": link(state=["listed", "effect"])},
        {"key": "removed", "label": _("已移出名录地块"), "value": plots.filter(state=PlotState.REMOVED).count(),
         "url": link(state="removed")},
        {"key": "key_safe_rate", "label": _("重点建设用地安全利用率"), "value": pct(n_key - unsafe, n_key),
         "url": link(first_class="true", surveyed="true"),
         "formula": _("(第一类用地规划用途且已完成调查的地块 − 其中污染未消除即开发利用的地块) ÷ 前者:(%(a)s − %(u)s) ÷ %(a)s")
         % {"a": n_key, "u": unsafe}},
        {"key": "first_pass_rate", "label": _("报告一次性评审通过率"), "value": pct(first_passed, first.count()),
         "url": reverse("soil:reviews-list"),
         "formula": _("首轮评审通过 %(p)s 份 ÷ 首轮评审 %(n)s 份") % {"p": first_passed, "n": first.count()}},
        {"key": "farmland_rate", "label": _("受污染耕地安全利用率"),
         "value": pct(safe, total),
         "url": reverse("soil:farmland-list") + "?" + urlencode({"year": year}),
         "formula": _("(B %(b)s + C %(c)s + D %(d)s) ÷ E %(e)s 公顷") % {"b": area["B"], "c": area["C"], "d": area["D"],
                                                                        "e": total}},
    ]
    return {"year": year, "rows": rows}
