"""Public pages (/public/projects/): the red and yellow cards published for each period (警示公开), by enterprise,
area, colour, situation and dates — no reasons written by staff, no people."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from envbureau.core.scoping import restrict

from .choices import CardColour, CardState
from .models import PublicCard, period_words


def cards(request):
    """Issued cards and their removal, newest first; ?colour=yellow|red, ?period= (a publication period),
    ?state=issued|removed (警示中 / 已摘牌). An unknown value lists nothing rather than everything."""
    qs = restrict(PublicCard.objects.select_related("jurisdiction"), None, "view").order_by(
        "-issued_on", "jurisdiction__code", "enterprise_name", "-id")
    colour, period, state = (request.GET.get(k, "").strip()[:40] for k in ("colour", "period", "state"))
    if colour:
        qs = qs.filter(colour=colour) if colour in CardColour.values else qs.none()
    if state:
        qs = qs.filter(state=state) if state in (CardState.ISSUED, CardState.REMOVED) else qs.none()
    if period:
        qs = qs.filter(period=period)
    periods = list(restrict(PublicCard.objects.all(), None, "view").exclude(period="")
                   .order_by("-issued_on").values_list("period", flat=True).distinct()[:40])
    periods = [(p, period_words(p)) for p in dict.fromkeys(periods)]  # stored in Chinese, read per reader
    page = Paginator(qs.only("enterprise_name", "jurisdiction__name", "colour", "criterion", "state", "issued_on",
                             "period", "rectify_due", "removed_on"), 30).get_page(request.GET.get("page"))
    return render(request, "projects/public_cards.html", {
        "title": _("企业红黄牌警示公开"), "page": page, "colours": CardColour.choices, "periods": periods,
        "states": [(CardState.ISSUED, CardState.ISSUED.label), (CardState.REMOVED, CardState.REMOVED.label)],
        "colour": colour, "period": period, "state": state})


urlpatterns = [
    path("cards/", cards, name="public-projects-cards"),
]
