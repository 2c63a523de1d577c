"""Figures of the waste module, each with the URL of the list of records it counts (filters.py)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from envbureau.core.params import year_param
from envbureau.core.scoping import restrict

from .choices import ManifestState
from .models import Manifest


def _scoped(model, user):
    return model.objects.all() if user is None else restrict(model.objects.all(), user, "view")


def reconciliation(user, query) -> dict:
    today = timezone.localdate()
    year = year_param(query, "year", today.year)
    qs = _scoped(Manifest, user).filter(created_on__year=year)
    agg = qs.aggregate(
        total=Count("id"),
        confirmed=Count("id", filter=Q(state=ManifestState.CONFIRMED)),
        mismatch=Count("id", filter=Q(mismatch=True)),
        overdue=Count("id", filter=Q(state=ManifestState.RECEIVED, confirm_due__lt=today)),
        late=Count("id", filter=Q(confirmed_late=True)),
        cross=Count("id", filter=Q(cross_province=True)),
        rejected=Count("id", filter=Q(state__in=(ManifestState.REJECTED, ManifestState.RETURNED))),
        sent=Sum("sent_tonnes"), carried=Sum("carried_tonnes"), received=Sum("received_tonnes"),
    )
    base = reverse("waste:manifests-list")

    def link(**params):
        return base + "?" + urlencode({"year": year, **params})

    rows = [
        ("total", _("联单总数"), agg["total"], link()),
        ("confirmed", _("已确认"), agg["confirmed"], link(state="confirmed")),
        ("mismatch", _("数量不一致"), agg["mismatch"], link(mismatch="true")),
        ("overdue", _("待确认已超期"), agg["overdue"], link(overdue="true")),
        ("late", _("逾期确认"), agg["late"], link(confirmed_late="true")),
        ("cross", _("跨省转移"), agg["cross"], link(cross_province="true")),
        ("rejected", _("拒收/退回"), agg["rejected"], link(state="rejected")),
    ]
    mism = qs.filter(mismatch=True).select_related("producer", "receiver").order_by(F("difference").desc(nulls_last=True))
    overdue = (qs.filter(state=ManifestState.RECEIVED, confirm_due__lt=today)
               .select_related("producer", "receiver").order_by("confirm_due")[:50])
    return {"year": year, "rows": rows, "sent": _tonnes(agg["sent"]), "carried": _tonnes(agg["carried"]),
            "received": _tonnes(agg["received"]), "mismatches": mism[:50], "mismatches_all": mism,
            "overdue_list": overdue, "links": {k: u for k, _l, _v, u in rows}}


def statistics(user, query) -> dict:
    """规范化管理评估合格率, small producers on collection platforms, general industrial solid waste and
    无废城市 cells for a year; each figure with the list it counts."""
    from .choices import CellStatus
    from .models import IndustrialWaste, NormCheck, NormRound, Producer, ZeroWasteCell

    year = year_param(query, "year", timezone.localdate().year)
    rounds = []
    for r in _scoped(NormRound, user).filter(year=year):
        checks = _scoped(NormCheck, user).filter(round=r)
        n = checks.count()
        ok = checks.filter(score__gte=F("round__pass_mark")).count()
        base = reverse("waste:norm-checks-list") + "?" + urlencode({"round": r.pk})
        rounds.append({"name": r.name, "checked": n, "passed": ok, "rate": _rate(ok, n), "pass_mark": r.pass_mark,
                       "url": base, "passed_url": base + "&passed=true"})
    small = _scoped(Producer, user).filter(small_quantity=True)
    joined = small.filter(platforms__isnull=False).distinct().count()
    iw = _scoped(IndustrialWaste, user).filter(year=year).aggregate(
        g=Sum("generated"), u=Sum("utilised"), d=Sum("disposed"), s=Sum("stored"))
    cells = _scoped(ZeroWasteCell, user).filter(status=CellStatus.ACCEPTED)
    by_kind = [(k, label, cells.filter(kind=k).count()) for k, label in
               ZeroWasteCell._meta.get_field("kind").choices]
    plist = reverse("waste:producers-list")
    clist = reverse("waste:cells-list")
    return {
        "year": year, "rounds": rounds,
        "small": small.count(), "joined": joined, "small_url": plist + "?small_quantity=true",
        "joined_url": plist + "?small_quantity=true&on_platform=true",
        "industrial": {k: _tonnes(iw[k]) for k in "guds"},
        "utilisation": _rate(iw["u"] or 0, iw["g"] or 0),
        "industrial_url": reverse("waste:industrial-list") + "?" + urlencode({"year": year}),
        "cells": cells.count(), "cells_url": clist + "?status=accepted",
        "cells_by_kind": [(label, n, clist + "?" + urlencode({"status": "accepted", "kind": k}))
                          for k, label, n in by_kind if n],
    }


def _tonnes(total) -> Decimal:
    """A sum of tonnes to the kilogram, as the fields store them (SQLite's SUM comes back as a float)."""
    return Decimal(total or 0).quantize(Decimal("0.001"))


def _rate(num, den) -> str:
    from decimal import ROUND_HALF_UP

    if not den:
        return "—"
    return str((Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), ROUND_HALF_UP)) + "%"
