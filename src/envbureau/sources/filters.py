import django_filters as df
from django.utils.translation import gettext_lazy as _

from envbureau.core.filters import ScopedFilterSet, picker_filter

from .choices import (
    FACTOR_NAMES,
    AlarmKind,
    AlarmStatus,
    DeclarationKind,
    DeclarationStatus,
    EnterpriseStatus,
    OutletKind,
)
from .models import (
    Alarm,
    Declaration,
    DossierEvent,
    Enterprise,
    MonitoringPoint,
    Outlet,
    PointDaily,
    PointHourly,
    PollutantLimit,
)


def factor_choices() -> list[tuple[str, str]]:
    """Pollutants by name and unit ("颗粒物(mg/m³)"), the code as the value: the named factors and every factor
    a limit or an alarm names. Called per form, so the labels are in the reader's language."""
    from .choices import factor_label, factor_unit

    used = set(PollutantLimit.objects.values_list("factor", flat=True).distinct())
    used |= set(Alarm.objects.exclude(factor="").values_list("factor", flat=True).distinct())

    def text(code):
        unit = factor_unit(code)
        return f"{factor_label(code)}({unit})" if unit else factor_label(code)

    return sorted(((c, text(c)) for c in {*FACTOR_NAMES, *used} if c), key=lambda x: x[1])


class EnterpriseFilter(ScopedFilterSet):
    name = df.CharFilter(label=_("企业名称"), lookup_expr="icontains")
    credit_code = df.CharFilter(label=_("信用代码"), lookup_expr="icontains")
    industry_code = df.CharFilter(label=_("行业代码"), lookup_expr="startswith")
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="filter_within")
    status = df.ChoiceFilter(label=_("状态"), choices=EnterpriseStatus.choices)
    key_water = df.BooleanFilter(label=_("水重点"))
    key_air = df.BooleanFilter(label=_("气重点"))
    risk_source = df.BooleanFilter(label=_("风险源"))

    class Meta:
        model = Enterprise
        fields = ["name", "credit_code", "industry_code", "status", "key_water", "key_air", "risk_source"]

    def filter_within(self, qs, name, value):
        return qs.filter(jurisdiction__path__contains=f"/{value}/")  # value: a code resolved in scope


class OutletFilter(ScopedFilterSet):
    enterprise = picker_filter("enterprise", _("企业"))
    kind = df.ChoiceFilter(label=_("类型"), choices=OutletKind.choices)

    class Meta:
        model = Outlet
        fields = ["enterprise", "kind"]


class PointFilter(ScopedFilterSet):
    mn = df.CharFilter(label="MN", lookup_expr="icontains")
    enterprise = picker_filter("enterprise", _("企业"))
    enabled = df.BooleanFilter(label=_("启用"))

    class Meta:
        model = MonitoringPoint
        fields = ["mn", "enterprise", "enabled"]


class LimitFilter(ScopedFilterSet):
    point = picker_filter("point", _("监测点"))
    factor = df.ChoiceFilter(label=_("污染物"), choices=factor_choices)

    class Meta:
        model = PollutantLimit
        fields = ["point", "factor", "period"]


class AlarmFilter(ScopedFilterSet):
    kind = df.ChoiceFilter(label=_("类型"), choices=AlarmKind.choices)
    status = df.ChoiceFilter(label=_("状态"), choices=AlarmStatus.choices)
    active = df.BooleanFilter(label=_("持续中"))
    declared = df.BooleanFilter(label=_("已申报"))
    enterprise = picker_filter("enterprise", _("企业"))
    point = picker_filter("point", _("监测点"))
    mn = df.CharFilter(label="MN", field_name="point__mn", lookup_expr="icontains")
    factor = df.ChoiceFilter(label=_("污染物"), choices=factor_choices)
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="filter_within")
    since = df.IsoDateTimeFilter(label=_("开始不早于"), field_name="started_at", lookup_expr="gte")
    until = df.IsoDateTimeFilter(label=_("开始不晚于"), field_name="started_at", lookup_expr="lte")
    # alarms still live at that time or later (not ended before it): with `until`, those live in a window
    live_from = df.IsoDateTimeFilter(label=_("结束不早于"), method="f_live_from")

    class Meta:
        model = Alarm
        fields = ["kind", "status", "active", "declared", "enterprise", "point", "factor"]

    def f_live_from(self, qs, name, value):
        from django.db.models import Q

        return qs.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=value)) if value else qs

    def filter_within(self, qs, name, value):
        return qs.filter(enterprise__jurisdiction__path__contains=f"/{value}/")


class DeclarationFilter(ScopedFilterSet):
    status = df.ChoiceFilter(label=_("状态"), choices=DeclarationStatus.choices)
    kind = df.ChoiceFilter(label=_("类型"), choices=DeclarationKind.choices)
    enterprise = picker_filter("enterprise", _("企业"))

    class Meta:
        model = Declaration
        fields = ["status", "kind", "enterprise"]


class HourlyFilter(ScopedFilterSet):
    class Meta:
        model = PointHourly
        fields = {"point": ["exact"], "factor": ["exact"], "hour": ["gte", "lt"], "declared": ["exact"]}


class DailyFilter(ScopedFilterSet):
    class Meta:
        model = PointDaily
        fields = {"point": ["exact"], "factor": ["exact"], "day": ["gte", "lte"], "declared": ["exact"]}


class DossierEventFilter(ScopedFilterSet):
    class Meta:
        model = DossierEvent
        fields = {"enterprise": ["exact"], "kind": ["exact"], "time": ["gte", "lt"]}
