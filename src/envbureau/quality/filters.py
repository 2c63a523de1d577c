import django_filters as df
from django.utils.translation import gettext_lazy as _

from envbureau.core.filters import ScopedFilterSet, picker_filter

from .choices import WarningKind, WarningState
from .models import (
    AirStation,
    DrinkingWaterSource,
    HeavyPollutionAlert,
    NoiseStation,
    PeerFigure,
    StationNetwork,
    Target,
    Warning,
    WaterSection,
)


class _SiteFilter(ScopedFilterSet):
    name = df.CharFilter(label=_("名称"), lookup_expr="icontains")
    jurisdiction_code = picker_filter("jurisdiction", _("所属区划"), method="filter_within")
    commissioned_from = df.DateFilter(label=_("建成投运日期自"), field_name="commissioned_on", lookup_expr="gte")
    commissioned_to = df.DateFilter(label=_("建成投运日期至"), field_name="commissioned_on", lookup_expr="lte")
    # What the API has always read; the page offers the dates above and the search box instead.
    api_only = ("commissioned_on", "commissioned_on__gte", "commissioned_on__lte")

    def filter_within(self, qs, name, value):
        from envbureau.core.models import Jurisdiction

        j = Jurisdiction.objects.filter(code=value).first()
        return qs.filter(jurisdiction__path__startswith=j.path) if j else qs.none()


class AirStationFilter(_SiteFilter):
    api_only = ("code", *_SiteFilter.api_only)

    class Meta:
        model = AirStation
        fields = {"name": ["exact"], "code": ["exact"], "control_level": ["exact"], "networks": ["exact"],
                  "active": ["exact"], "commissioned_on": ["exact", "gte", "lte"]}


class WaterSectionFilter(_SiteFilter):
    river = df.CharFilter(label=_("河流/湖库"), lookup_expr="icontains")
    api_only = ("code", *_SiteFilter.api_only)

    class Meta:
        model = WaterSection
        fields = {"name": ["exact"], "code": ["exact"], "river": ["exact"], "water_body_type": ["exact"],
                  "control_level": ["exact"], "target_class": ["exact"], "automatic": ["exact"], "commissioned_on": ["exact", "gte", "lte"]}


class DrinkingWaterSourceFilter(_SiteFilter):
    class Meta:
        model = DrinkingWaterSource
        fields = {"name": ["exact"], "source_type": ["exact"], "level": ["exact"], "commissioned_on": ["exact", "gte", "lte"]}


class NoiseStationFilter(_SiteFilter):
    class Meta:
        model = NoiseStation
        fields = {"name": ["exact"], "zone": ["exact"], "commissioned_on": ["exact", "gte", "lte"]}


class TargetFilter(ScopedFilterSet):
    class Meta:
        model = Target
        fields = ["year", "indicator"]


class WarningFilter(ScopedFilterSet):
    kind = df.ChoiceFilter(label=_("类型"), choices=WarningKind.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=WarningState.choices)
    jurisdiction_code = picker_filter("jurisdiction", _("所属区划"), method="filter_within")

    class Meta:
        model = Warning
        fields = ["kind", "state"]

    def filter_within(self, qs, name, value):
        from envbureau.core.models import Jurisdiction

        j = Jurisdiction.objects.filter(code=value).first()
        return qs.filter(jurisdiction__path__startswith=j.path) if j else qs.none()


class StationNetworkFilter(ScopedFilterSet):
    class Meta:
        model = StationNetwork
        fields = ["purpose"]


class PeerFigureFilter(ScopedFilterSet):
    class Meta:
        model = PeerFigure
        fields = ["group", "indicator", "start", "end"]


class HeavyPollutionAlertFilter(ScopedFilterSet):
    class Meta:
        model = HeavyPollutionAlert
        fields = ["level"]
