import django_filters as df
from django.utils.translation import gettext_lazy as _

from envbureau.core.filters import ScopedFilterSet, within_filter

from .choices import (
    FARMLAND_CATEGORIES,
    FIRST_CLASS_USES,
    DutyKind,
    DutyState,
    FarmlandLand,
    PlannedUse,
    PlotState,
)
from .models import Duty, FarmlandSample, FarmlandUnit, Plot


class PlotFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    state = df.MultipleChoiceFilter(label=_("状态"), choices=PlotState.choices)
    planned_use = df.ChoiceFilter(label=_("规划用途"), choices=PlannedUse.choices)
    first_class = df.BooleanFilter(label=_("第一类用地"), method="f_first_class")
    surveyed = df.BooleanFilter(label=_("已完成调查"), method="f_surveyed")
    reviewed = df.BooleanFilter(label=_("已组织评审"), method="f_reviewed")
    developed = df.BooleanFilter(label=_("已开发利用"))

    class Meta:
        model = Plot
        fields = []

    def f_first_class(self, qs, name, value):
        if value is None:
            return qs
        q = {"planned_use__in": [str(u) for u in FIRST_CLASS_USES]}
        return qs.filter(**q) if value else qs.exclude(**q)

    def f_surveyed(self, qs, name, value):
        if value is None:
            return qs
        return qs.exclude(state=PlotState.SUSPECTED) if value else qs.filter(state=PlotState.SUSPECTED)

    def f_reviewed(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(reviews__isnull=False).distinct() if value else qs.filter(reviews__isnull=True)


class DutyFilter(df.FilterSet):
    kind = df.ChoiceFilter(label=_("义务"), choices=DutyKind.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=DutyState.choices)
    late = df.BooleanFilter(label=_("逾期完成"))

    class Meta:
        model = Duty
        fields = []


class FarmlandFilter(df.FilterSet):
    year = df.NumberFilter(label=_("年度"), min_value=1900, max_value=2100)

    class Meta:
        model = FarmlandUnit
        fields = []


class FarmlandSampleFilter(df.FilterSet):
    """The class is computed from the values (never stored), so ``category`` filters in Python on the page's
    rows; the unit, kind of land and pH band filter in the database."""

    unit = df.CharFilter(label=_("耕地单元"), field_name="unit__name", lookup_expr="icontains")
    land = df.ChoiceFilter(label=_("土地利用类型"), choices=FarmlandLand.choices)
    ph_min = df.NumberFilter(label=_("pH不低于"), field_name="ph", lookup_expr="gte")
    ph_max = df.NumberFilter(label=_("pH不高于"), field_name="ph", lookup_expr="lte")
    category = df.ChoiceFilter(label=_("样品类别"), choices=list(FARMLAND_CATEGORIES.items()), method="f_category")

    class Meta:
        model = FarmlandSample
        fields = []

    def f_category(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(pk__in=[s.pk for s in qs.select_related(None) if s.category == value])
