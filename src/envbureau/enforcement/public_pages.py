"""Public pages (/public/enforcement/): published draws with their seed, hashes and results, published
inspection results, penalty decisions, seizure decisions and credit ratings — no personal data (no inspector
names, no recusal data)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from envbureau.core.scoping import get_scoped_object, restrict

from .models import Draw, Inspection, SeedCommitment
from .services import with_open_visits


def draws(request):
    """The commitments announced before draws (public from the moment they are recorded), then the published
    draws; a draw's seed shows once revealed (explicitly, or when none of its visits is still planned)."""
    qs = restrict(Draw.objects.select_related("plan", "jurisdiction", "commitment"), None, "view").order_by(
        "-drawn_at", "-id")
    page = Paginator(with_open_visits(qs.defer("inputs", "rejections")), 30).get_page(request.GET.get("page"))
    for d in page.object_list:
        d.public_seed = d.seed if d.seed_public(d.open_visits) else ""
    commitments = (restrict(SeedCommitment.objects.select_related("plan", "jurisdiction"), None, "view")
                   .order_by("-committed_at", "-id")[:30])
    return render(request, "enforcement/public_draws.html", {"title": _("双随机抽查公开"), "page": page,
                                                             "commitments": commitments})


def draw(request, pk):
    d = get_scoped_object(with_open_visits(Draw.objects.select_related("plan", "jurisdiction", "commitment")
                                           .defer("inputs", "rejections")), None, "view", pk=pk)
    results = restrict(Inspection.objects.filter(draw=d), None, "view").select_related("jurisdiction")
    planned = d.inspections.count()
    d.public_seed = d.seed if d.seed_public(d.open_visits) else ""
    return render(request, "enforcement/public_draw.html", {"title": d.code, "d": d, "results": results,
                                                            "planned": planned})


def results(request):
    qs = restrict(Inspection.objects.select_related("jurisdiction"), None, "view").order_by("-inspected_on", "-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "enforcement/public_results.html", {"title": _("执法检查结果公开"), "page": page})


def public_penalties(today=None):
    """The penalty decisions the public reads, on the page and through /api/v1/public/enforcement/penalties/ alike:
    published (the scope's public rows), from their publication date, until the last day of their publication
    period (`publish_until`, `penalty_publish_years` after publication; at most 3 years, NDRC Order No. 58 [2S]), then taken down."""
    from django.utils import timezone

    from .models import Case

    today = today or timezone.localdate()
    return (restrict(Case.objects.select_related("jurisdiction", "legal_basis"), None, "view")
            .filter(published_on__lte=today, publish_until__gte=today).order_by("-decided_on", "-id"))


def penalties(request):
    """Published penalty decisions still inside their publication period, without personal data."""
    qs = public_penalties()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "enforcement/public_penalties.html", {"title": _("行政处罚决定公开"), "page": page})


def seizures(request):
    """Published 查封、扣押 decisions with their extension and their release or 处理决定 (Order No. 29 art. 7),
    without personal data: a person's name by surname only, no list of seized items, no officers."""
    from .models import Measure

    qs = (restrict(Measure.objects.select_related("jurisdiction", "case"), None, "view")
          .order_by("-decided_on", "-id"))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "enforcement/public_seizures.html", {"title": _("查封、扣押决定公开"), "page": page})


def ratings(request):
    """Published credit ratings (enterprise, year, grade, colour): enterprises only, no personal data; filter by
    ?year= and ?grade=; a repaired rating shows the grade it was raised to and that it was repaired."""
    from envbureau.core.params import year_param

    from .choices import GRADE_COLOURS, Grade
    from .models import CreditRating

    qs = restrict(CreditRating.objects.select_related("jurisdiction"), None, "view").order_by(
        "-year", "jurisdiction__code", "enterprise_name")
    year = year_param(request.GET, "year")
    if year:
        qs = qs.filter(year=year)
    grade = request.GET.get("grade", "")
    if grade in Grade.values:
        qs = qs.filter(grade=grade)
    years = sorted(set(restrict(CreditRating.objects.all(), None, "view").values_list("year", flat=True)), reverse=True)
    page = Paginator(qs.only("enterprise_name", "jurisdiction__name", "year", "grade", "published_on",
                             "repaired_from", "repaired_on"), 30).get_page(request.GET.get("page"))
    return render(request, "enforcement/public_ratings.html", {
        "title": _("企业环境信用评价结果公开"), "page": page, "grades": Grade.choices, "colours": GRADE_COLOURS,
        "years": years, "year": year, "grade": grade})


def repairs(request):
    """The credit-repair list under publicity (公示; 7 days in Guangdong practice [1S]): enterprise, rating year, grade before and
    after, decision date and the publicity's last day, where to object; no applicant, no materials."""
    from .models import CreditRepair

    qs = restrict(CreditRepair.objects.select_related("jurisdiction", "rating"), None, "view").order_by(
        "publicity_until", "enterprise_name", "id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "enforcement/public_repairs.html", {"title": _("企业环境信用修复公示"), "page": page})


draw.scoped_model = Draw

urlpatterns = [
    path("", draws, name="public-enforcement-draws"),
    path("draws/<int:pk>/", draw, name="public-enforcement-draw"),
    path("results/", results, name="public-enforcement-results"),
    path("penalties/", penalties, name="public-enforcement-penalties"),
    path("ratings/", ratings, name="public-enforcement-ratings"),
    path("seizures/", seizures, name="public-enforcement-seizures"),
    path("repairs/", repairs, name="public-enforcement-repairs"),
]
