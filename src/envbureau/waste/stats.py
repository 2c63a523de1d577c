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
    return {"year": year, "rows": rows, "sent": agg["sent"] or Decimal(0), "carried": agg["carried"] or Decimal(0),
            "received": agg["received"] or Decimal(0), "mismatches": mism[:50], "mismatches_all": mism,
            "overdue_list": overdue, "links": {k: u for k, _l, _v, u in rows}}
