"""Filtersets shared by the list pages, the statistics links and the API."""

import django_filters as df
from django.utils.translation import gettext_lazy as _

from envbureau.core.filters import ScopedFilterSet, within_filter
from envbureau.core.params import YEARS

from .choices import (
    AlertKind,
    AlertState,
    ApplicationState,
    CellKind,
    CellStatus,
    DeclarationPeriod,
    DeclarationState,
    IndustrialWasteKind,
    ManifestState,
    ProducerCategory,
)
from .models import (
    Alert,
    CrossProvinceApplication,
    Declaration,
    IndustrialWaste,
    Manifest,
    NormCheck,
    NormRound,
    Producer,
    ZeroWasteCell,
)


class _Jurisdiction(ScopedFilterSet):
    jurisdiction = within_filter()


class ManifestFilter(_Jurisdiction):
    year = df.NumberFilter(label=_("年度"), field_name="created_on", lookup_expr="year",
                           min_value=YEARS[0], max_value=YEARS[1])
    state = df.ChoiceFilter(label=_("状态"), choices=ManifestState.choices)
    mismatch = df.BooleanFilter(label=_("数量不一致"))
    confirmed_late = df.BooleanFilter(label=_("逾期确认"))
    cross_province = df.BooleanFilter(label=_("跨省转移"))
    overdue = df.BooleanFilter(label=_("待确认已超期"), method="f_overdue")
    producer = df.NumberFilter(label=_("移出单位"), field_name="producer_id")
    receiver = df.NumberFilter(label=_("接受单位"), field_name="receiver_id")
    api_only = ("producer", "receiver")  # a unit's page links here with them; the page's search finds names
    waste_code = df.CharFilter(label=_("废物代码"))
    on_the_road = df.BooleanFilter(label=_("在途待交付"), method="f_on_the_road")

    class Meta:
        model = Manifest
        fields = []

    def f_on_the_road(self, qs, name, value):
        """Shipped and not yet handed over to the receiver (a carrier's work list)."""
        if value is None:
            return qs
        q = dict(state=ManifestState.SHIPPED, handed_over_on__isnull=True)
        return qs.filter(**q) if value else qs.exclude(**q)

    def f_overdue(self, qs, name, value):
        from django.utils import timezone

        if value is None:
            return qs
        q = dict(state=ManifestState.RECEIVED, confirm_due__lt=timezone.localdate())
        return qs.filter(**q) if value else qs.exclude(**q)


class ApplicationFilter(_Jurisdiction):
    jurisdiction = within_filter("producer__jurisdiction")
    state = df.ChoiceFilter(label=_("状态"), choices=ApplicationState.choices)
    overdue = df.BooleanFilter(label=_("本环节已超期"), method="f_overdue")
    late = df.BooleanFilter(label=_("有超期办理的环节"), method="f_late")

    class Meta:
        model = CrossProvinceApplication
        fields = []

    def f_overdue(self, qs, name, value):
        from django.utils import timezone

        from .models import ACTIVE_APPLICATION_STATES

        if value is None:
            return qs
        q = dict(state__in=ACTIVE_APPLICATION_STATES, step_due__lt=timezone.localdate())
        return qs.filter(**q) if value else qs.exclude(**q)

    def f_late(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(late_steps__gt=0) if value else qs.filter(late_steps=0)


class ProducerFilter(_Jurisdiction):
    category = df.ChoiceFilter(label=_("管理类别"), choices=ProducerCategory.choices)
    small_quantity = df.BooleanFilter(label=_("小微产废单位"))
    on_platform = df.BooleanFilter(label=_("已纳入小微收集平台"), method="f_on_platform")

    class Meta:
        model = Producer
        fields = []

    def f_on_platform(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(platforms__isnull=False).distinct() if value else qs.filter(platforms__isnull=True)


def _rounds(request):
    """The assessment rounds the user may read, by name (the value stays the id, as links write it)."""
    from envbureau.core.scoping import restrict

    qs = NormRound.objects.order_by("-year", "pk")
    return restrict(qs, request.user, "view") if request is not None else qs


class NormCheckFilter(ScopedFilterSet):
    round = df.ModelChoiceFilter(label=_("评估"), field_name="round", queryset=_rounds)
    year = df.NumberFilter(label=_("年度"), field_name="round__year", min_value=YEARS[0], max_value=YEARS[1])
    passed = df.BooleanFilter(label=_("合格"), method="f_passed")

    class Meta:
        model = NormCheck
        fields = []

    def f_passed(self, qs, name, value):
        from django.db.models import F

        if value is None:
            return qs
        return qs.filter(score__gte=F("round__pass_mark")) if value else qs.filter(score__lt=F("round__pass_mark"))


class IndustrialWasteFilter(_Jurisdiction):
    year = df.NumberFilter(label=_("年度"), min_value=YEARS[0], max_value=YEARS[1])
    kind = df.ChoiceFilter(label=_("种类"), choices=IndustrialWasteKind.choices)

    class Meta:
        model = IndustrialWaste
        fields = []


class CellFilter(_Jurisdiction):
    kind = df.ChoiceFilter(label=_("类型"), choices=CellKind.choices)
    status = df.ChoiceFilter(label=_("状态"), choices=CellStatus.choices)

    class Meta:
        model = ZeroWasteCell
        fields = []


class DeclarationFilter(_Jurisdiction):
    jurisdiction = within_filter("producer__jurisdiction")
    period = df.ChoiceFilter(label=_("申报周期"), choices=DeclarationPeriod.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=DeclarationState.choices)
    late = df.BooleanFilter(label=_("逾期申报"))

    class Meta:
        model = Declaration
        fields = []


class AlertFilter(_Jurisdiction):
    kind = df.ChoiceFilter(label=_("预警类型"), choices=AlertKind.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=AlertState.choices)

    class Meta:
        model = Alert
        fields = []
