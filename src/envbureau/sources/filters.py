import django_filters as df
from django.utils.translation import gettext_lazy as _

from .choices import AlarmKind, AlarmStatus, DeclarationKind, DeclarationStatus, EnterpriseStatus, OutletKind
from .models import Alarm, Declaration, Enterprise, MonitoringPoint, Outlet, PollutantLimit


class EnterpriseFilter(df.FilterSet):
    name = df.CharFilter(label=_("企业名称"), lookup_expr="icontains")
    credit_code = df.CharFilter(label=_("信用代码"), lookup_expr="icontains")
    industry_code = df.CharFilter(label=_("行业代码"), lookup_expr="startswith")
    jurisdiction = df.CharFilter(label=_("属地区划代码"), field_name="jurisdiction__path", method="filter_within")
    status = df.ChoiceFilter(label=_("状态"), choices=EnterpriseStatus.choices)
    key_water = df.BooleanFilter(label=_("水重点"))
    key_air = df.BooleanFilter(label=_("气重点"))
    risk_source = df.BooleanFilter(label=_("风险源"))

    class Meta:
        model = Enterprise
        fields = ["name", "credit_code", "industry_code", "status", "key_water", "key_air", "risk_source"]

    def filter_within(self, qs, name, value):
        return qs.filter(jurisdiction__path__contains=f"/{value}/")


class OutletFilter(df.FilterSet):
    enterprise = df.NumberFilter(label=_("企业ID"))
    kind = df.ChoiceFilter(label=_("类型"), choices=OutletKind.choices)

    class Meta:
        model = Outlet
        fields = ["enterprise", "kind"]


class PointFilter(df.FilterSet):
    mn = df.CharFilter(label="MN", lookup_expr="icontains")
    enterprise = df.NumberFilter(label=_("企业ID"))
    enabled = df.BooleanFilter(label=_("启用"))

    class Meta:
        model = MonitoringPoint
        fields = ["mn", "enterprise", "enabled"]


class LimitFilter(df.FilterSet):
    point = df.NumberFilter(label=_("监测点ID"))
    factor = df.CharFilter(label=_("污染物代码"))

    class Meta:
        model = PollutantLimit
        fields = ["point", "factor", "period"]


class AlarmFilter(df.FilterSet):
    kind = df.ChoiceFilter(label=_("类型"), choices=AlarmKind.choices)
    status = df.ChoiceFilter(label=_("状态"), choices=AlarmStatus.choices)
    active = df.BooleanFilter(label=_("持续中"))
    declared = df.BooleanFilter(label=_("已申报"))
    enterprise = df.NumberFilter(label=_("企业ID"))
    point = df.NumberFilter(label=_("监测点ID"))
    mn = df.CharFilter(label="MN", field_name="point__mn", lookup_expr="icontains")
    factor = df.CharFilter(label=_("污染物代码"))
    jurisdiction = df.CharFilter(label=_("属地区划代码"), method="filter_within")
    since = df.IsoDateTimeFilter(label=_("开始不早于"), field_name="started_at", lookup_expr="gte")
    until = df.IsoDateTimeFilter(label=_("开始不晚于"), field_name="started_at", lookup_expr="lte")

    class Meta:
        model = Alarm
        fields = ["kind", "status", "active", "declared", "enterprise", "point", "factor"]

    def filter_within(self, qs, name, value):
        return qs.filter(enterprise__jurisdiction__path__contains=f"/{value}/")


class DeclarationFilter(df.FilterSet):
    status = df.ChoiceFilter(label=_("状态"), choices=DeclarationStatus.choices)
    kind = df.ChoiceFilter(label=_("类型"), choices=DeclarationKind.choices)
    enterprise = df.NumberFilter(label=_("企业ID"))

    class Meta:
        model = Declaration
        fields = ["status", "kind", "enterprise"]
