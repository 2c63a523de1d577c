"""Public web page: 整改销号公示 — closed-out problems under public notice, without personal data."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from envbureau.core.scoping import restrict

from .choices import Category, Source
from .filters import PublicNoticeFilter
from .models import PublicNotice


def notices(request):
    qs = restrict(PublicNotice.objects.select_related("jurisdiction"), None, "view").order_by("-noticed_at", "-id")
    qs = PublicNoticeFilter(request.GET, queryset=qs, request=request).qs
    source, category = request.GET.get("source", ""), request.GET.get("category", "")
    page = Paginator(qs.only("code", "title", "title_facts", "source", "batch", "category", "jurisdiction__name",
                             "responsible_units", "deadline", "closed_out_at", "noticed_at", "notice_until",
                             "public_summary"), 30).get_page(request.GET.get("page"))
    return render(request, "ledger/public_notices.html", {
        "title": _("生态环境问题整改销号公示"), "page": page, "sources": Source.choices, "categories": Category.choices,
        "source": source, "category": category,
        "query": "&".join(f"{k}={v}" for k, v in (("source", source), ("category", category)) if v),
    })


urlpatterns = [path("", notices, name="public-ledger-notices")]
