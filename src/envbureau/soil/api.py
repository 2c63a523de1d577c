"""REST API of the soil module (/api/v1/soil/): plots (one action per workflow verb, timeline, exceedances),
samples, reviews, key units and duties, farmland units, indicators."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from envbureau.core import workflow as wf
from envbureau.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet
from envbureau.core.kit_api import timeline_action, transition_action
from envbureau.core.params import year_param
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object

from . import stats
from .choices import FARMLAND_ITEM_FIELDS
from .filters import DutyFilter, FarmlandFilter, FarmlandSampleFilter, PlotFilter
from .models import Duty, FarmlandSample, FarmlandUnit, KeyUnit, Plot, Review, Sample


class SoilPlotSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    land_class = serializers.IntegerField(read_only=True)

    class Meta:
        model = Plot
        fields = ["id", "code", "name", "address", "area_m2", "jurisdiction", "enterprise_id", "holder",
                  "former_industry", "planned_use", "land_class", "developed", "state", "state_label", "listed_on",
                  "removed_on", "longitude", "latitude"]
        read_only_fields = ["state", "listed_on", "removed_on"]


class SoilSampleSerializer(serializers.ModelSerializer):
    level = serializers.SerializerMethodField()
    level_label = serializers.CharField(read_only=True)
    screening = serializers.SerializerMethodField()
    intervention = serializers.SerializerMethodField()

    class Meta:
        model = Sample
        fields = ["id", "plot", "point", "depth_m", "pollutant", "value", "sampled_on", "level", "level_label",
                  "screening", "intervention"]

    def get_level(self, obj) -> str:
        return obj.verdict.level

    def get_screening(self, obj) -> float:
        return obj.verdict.screening

    def get_intervention(self, obj) -> float:
        return obj.verdict.intervention


class SoilReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "plot", "kind", "round", "reviewed_on", "outcome", "author", "note"]


class SoilKeyUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyUnit
        fields = ["id", "enterprise_id", "name", "jurisdiction", "list_year", "listed_on", "removed_on"]


class SoilDutySerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Duty
        fields = ["id", "unit", "kind", "year", "due", "state", "state_label", "done_on", "late", "note"]


class SoilFarmlandSerializer(serializers.ModelSerializer):
    term = serializers.CharField(read_only=True)

    class Meta:
        model = FarmlandUnit
        fields = ["id", "name", "jurisdiction", "year", "area_hm2", "level", "measures", "produce_ok", "term"]


class FarmlandItemSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="GB 15618 项目代码(cd、hg、as、pb、cr、cu、ni、zn、bhc、ddt、bap)")
    name = serializers.CharField()
    value = serializers.FloatField()
    screening = serializers.FloatField(help_text="该 pH 档和土地利用类型的风险筛选值(mg/kg)")
    intervention = serializers.FloatField(allow_null=True, help_text="风险管制值(mg/kg);铜、镍、锌及有机物无管制值为 null")
    level = serializers.ChoiceField(choices=["negligible", "between", "above_intervention", "above_screening"])
    level_label = serializers.CharField()
    category = serializers.ChoiceField(choices=["priority", "safe_use", "strict"])
    category_label = serializers.CharField()


class SoilFarmlandSampleSerializer(serializers.ModelSerializer):
    category = serializers.CharField(read_only=True, help_text="样品类别:priority 优先保护类、safe_use 安全利用类、strict 严格管控类")
    category_label = serializers.CharField(read_only=True)
    items = FarmlandItemSerializer(source="rows", many=True, read_only=True)

    class Meta:
        model = FarmlandSample
        fields = ["id", "unit", "point", "sampled_on", "land", "ph", *(f for _c, f in FARMLAND_ITEM_FIELDS),
                  "category", "category_label", "items"]

    def validate(self, attrs):
        """At least one item measured (after a partial update too), in the model's words."""
        def value(f):
            return attrs[f] if f in attrs else getattr(self.instance, f, None)

        if all(value(f) is None for _c, f in FARMLAND_ITEM_FIELDS):
            raise serializers.ValidationError({"non_field_errors": [_("至少填写一项污染物含量")]})
        return attrs


class PlotViewSet(ScopedModelViewSet):
    queryset = Plot.objects.all()
    serializer_class = SoilPlotSerializer
    filterset_class = PlotFilter

    def perform_create(self, serializer):
        super().perform_create(serializer)
        obj = serializer.instance
        wf.record_event(obj, self.request.user, "open", to_state=obj.state)
        wf.sync_tasks(obj, self.request.user)

    review = transition_action(Plot, SoilPlotSerializer, "review")
    conclude_survey = transition_action(Plot, SoilPlotSerializer, "conclude_survey")
    enlist = transition_action(Plot, SoilPlotSerializer, "enlist")
    finish_works = transition_action(Plot, SoilPlotSerializer, "finish_works")
    remove = transition_action(Plot, SoilPlotSerializer, "remove")
    timeline = timeline_action(Plot)

    @extend_schema(responses=SoilSampleSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="exceedances", url_name="exceedances", pagination_class=None)
    def exceedances(self, request, pk=None):
        plot = get_scoped_object(Plot, request.user, "view", pk=pk)
        return Response(SoilSampleSerializer([s for s in plot.samples.all() if s.exceeds], many=True).data)


class SampleViewSet(ScopedModelViewSet):
    queryset = Sample.objects.select_related("plot")
    serializer_class = SoilSampleSerializer


class ReviewViewSet(ScopedReadOnlyViewSet):
    queryset = Review.objects.select_related("plot")
    serializer_class = SoilReviewSerializer


class KeyUnitViewSet(ScopedModelViewSet):
    queryset = KeyUnit.objects.all()
    serializer_class = SoilKeyUnitSerializer


class DutyViewSet(ScopedReadOnlyViewSet):
    queryset = Duty.objects.select_related("unit")
    serializer_class = SoilDutySerializer
    filterset_class = DutyFilter
    done = transition_action(Duty, SoilDutySerializer, "done")
    timeline = timeline_action(Duty)


class FarmlandViewSet(ScopedModelViewSet):
    queryset = FarmlandUnit.objects.all()
    serializer_class = SoilFarmlandSerializer
    filterset_class = FarmlandFilter


class FarmlandSampleViewSet(ScopedModelViewSet):
    """Farmland soil samples, each with its GB 15618-2018 judgement per item and the sample's class."""

    queryset = FarmlandSample.objects.select_related("unit")
    serializer_class = SoilFarmlandSampleSerializer
    filterset_class = FarmlandSampleFilter


class SoilIndicatorsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    rows = serializers.ListField(child=serializers.JSONField(), help_text="每项:key、label、value、url(记录列表)、formula")


class IndicatorsView(APIView):
    """GET /api/v1/soil/indicators/?year=Y: the soil indicators with their formula and the list URL behind each."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SoilIndicatorsSerializer)
    def get(self, request):
        if not has_perm(request.user, "soil.view"):
            raise DRFPermissionDenied()
        year = year_param(request.query_params, "year", timezone.localdate().year)
        s = stats.indicators(request.user, year)
        return Response({"year": s["year"], "rows": [{k: str(v) for k, v in r.items()} for r in s["rows"]]})

