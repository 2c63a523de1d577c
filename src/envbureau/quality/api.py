"""Serializers and scoped viewsets of the quality API (/api/v1/quality/)."""

from __future__ import annotations

import datetime as dt

import django_filters as df
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from envbureau.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet
from envbureau.core.kit_api import TimelineSerializer
from envbureau.core.models import Jurisdiction
from envbureau.core.params import YEARS
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object, restrict

from . import services
from .filters import (
    AirStationFilter,
    DrinkingWaterSourceFilter,
    HeavyPollutionAlertFilter,
    NoiseStationFilter,
    PeerFigureFilter,
    StationNetworkFilter,
    TargetFilter,
    WarningFilter,
    WaterSectionFilter,
)
from .models import (
    AirDaily,
    AirPeriodStat,
    AirStation,
    CityDaily,
    DrinkingWaterSource,
    HeavyPollutionAlert,
    NoiseStation,
    PeerFigure,
    StationNetwork,
    Target,
    Warning,
    WaterSection,
)

JURISDICTION = serializers.SlugRelatedField(slug_field="code", queryset=Jurisdiction.objects.all())


class AirStationSerializer(serializers.ModelSerializer):
    jurisdiction = JURISDICTION

    class Meta:
        model = AirStation
        fields = ["id", "code", "name", "name_en", "control_level", "jurisdiction", "longitude", "latitude", "commissioned_on", "active", "note"]


class StationNetworkSerializer(serializers.ModelSerializer):
    """A declared network version; ``stations`` by code. Writes rebuild the results that depend on it."""

    stations = serializers.SlugRelatedField(slug_field="code", many=True, queryset=AirStation.objects.all(),
                                            required=False)
    purpose_display = serializers.CharField(source="get_purpose_display", read_only=True)
    validity = serializers.CharField(source="validity_text", read_only=True)

    class Meta:
        model = StationNetwork
        fields = ["id", "purpose", "purpose_display", "name", "version", "valid_from", "valid_to", "validity", "basis",
                  "rank_by", "stations", "note"]

    def validate(self, attrs):
        inst = StationNetwork(**{k: v for k, v in attrs.items() if k != "stations"})
        if self.instance is not None:
            inst.pk = self.instance.pk
            for f in ("purpose", "valid_from", "valid_to"):
                if f not in attrs:
                    setattr(inst, f, getattr(self.instance, f))
        try:
            inst.clean()  # overlapping versions → 400 naming the field
        except DjangoValidationError as e:
            raise ValidationError(e.message_dict) from None
        return attrs


class WaterSectionSerializer(serializers.ModelSerializer):
    jurisdiction = JURISDICTION

    class Meta:
        model = WaterSection
        fields = ["id", "code", "name", "water_body_type", "river", "control_level", "target_class", "automatic",
                  "jurisdiction", "longitude", "latitude", "commissioned_on", "active", "synthetic", "note"]


class DrinkingWaterSourceSerializer(serializers.ModelSerializer):
    jurisdiction = JURISDICTION

    class Meta:
        model = DrinkingWaterSource
        fields = ["id", "code", "name", "source_type", "level", "section", "jurisdiction", "longitude", "latitude",
                  "commissioned_on", "active"]


class NoiseStationSerializer(serializers.ModelSerializer):
    jurisdiction = JURISDICTION

    class Meta:
        model = NoiseStation
        fields = ["id", "code", "name", "zone", "jurisdiction", "longitude", "latitude", "commissioned_on", "active", "synthetic"]


class TargetSerializer(serializers.ModelSerializer):
    jurisdiction = JURISDICTION

    class Meta:
        model = Target
        fields = ["id", "jurisdiction", "year", "indicator", "section_scope", "basis", "value", "issued_by", "note"]


class HeavyPollutionAlertSerializer(serializers.ModelSerializer):
    """An issued heavy-pollution alert; ``enterprises`` = ids of enterprises on its reduction list (each
    must be visible to the user)."""

    jurisdiction = JURISDICTION
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = HeavyPollutionAlert
        fields = ["id", "jurisdiction", "level", "level_display", "start", "end", "document_no", "issued_by",
                  "measures", "enterprises", "note"]

    def validate_enterprises(self, value):
        user = self.context["request"].user
        visible = set(restrict(type(value[0]).objects.filter(pk__in=[e.pk for e in value]), user, "view")
                      .values_list("pk", flat=True)) if value else set()
        hidden = [e.pk for e in value if e.pk not in visible]
        if hidden:
            raise serializers.ValidationError(f"enterprises outside your scope: {hidden}")
        return value

    def validate(self, attrs):
        start, end = attrs.get("start", getattr(self.instance, "start", None)), attrs.get("end")
        if start and end and end < start:
            raise serializers.ValidationError({"end": "before start"})
        return attrs


DAILY_FIELDS = ["date", "so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h", "iaqi_so2", "iaqi_no2", "iaqi_co",
                "iaqi_pm10", "iaqi_pm25", "iaqi_o3_8h", "iaqi_o3_1h", "aqi", "level", "primary", "exceeding",
                "valid", "complete", "rules"]


class AirDailySerializer(serializers.ModelSerializer):
    station = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AirDaily
        fields = ["id", "station", *DAILY_FIELDS]


class CityDailySerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CityDaily
        fields = ["id", "jurisdiction", "n_stations", *DAILY_FIELDS]


class WarningSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    ref = serializers.CharField(read_only=True)
    # the finding worded in the request's language from the stored facts (Warning.text); rows without facts: as stored
    message = serializers.CharField(source="text", read_only=True)

    class Meta:
        model = Warning
        fields = ["id", "ref", "kind", "state", "jurisdiction", "source_ref", "subject", "pollutant", "first_time",
                  "last_time", "value", "threshold", "count", "message", "acknowledged_at", "closed_at", "close_note",
                  "problem_ref"]


class AirPeriodStatSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AirPeriodStat
        fields = ["id", "jurisdiction", "period", "start", "pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95",
                  "o3_8h_p90", "good_days", "valid_days", "good_day_ratio", "heavy_days", "composite_index",
                  "category_days", "rules", "computed_at"]


class PeriodStatFilter(df.FilterSet):
    jurisdiction = df.CharFilter(field_name="jurisdiction__code")
    year = df.NumberFilter(field_name="start", lookup_expr="year", min_value=YEARS[0], max_value=YEARS[1])

    class Meta:
        model = AirPeriodStat
        fields = ["jurisdiction", "period", "year"]


class DailyFilter(df.FilterSet):
    since = df.DateFilter(field_name="date", lookup_expr="gte")
    until = df.DateFilter(field_name="date", lookup_expr="lte")
    station = df.CharFilter(field_name="station__code")

    class Meta:
        model = AirDaily
        fields = ["since", "until", "station", "valid", "rules"]


class CityDailyFilter(df.FilterSet):
    since = df.DateFilter(field_name="date", lookup_expr="gte")
    until = df.DateFilter(field_name="date", lookup_expr="lte")
    jurisdiction = df.CharFilter(field_name="jurisdiction__code")

    class Meta:
        model = CityDaily
        fields = ["since", "until", "jurisdiction", "valid", "rules"]


class AirStationViewSet(ScopedModelViewSet):
    queryset = AirStation.objects.select_related("jurisdiction").all()
    serializer_class = AirStationSerializer
    filterset_class = AirStationFilter
    search_fields = ["name", "code", "name_en"]


class StationNetworkViewSet(ScopedModelViewSet):
    queryset = StationNetwork.objects.prefetch_related("stations").all()
    serializer_class = StationNetworkSerializer
    filterset_class = StationNetworkFilter
    search_fields = ["name", "version"]


class WaterSectionViewSet(ScopedModelViewSet):
    queryset = WaterSection.objects.select_related("jurisdiction").all()
    serializer_class = WaterSectionSerializer
    filterset_class = WaterSectionFilter
    search_fields = ["name", "river"]


class DrinkingWaterSourceViewSet(ScopedModelViewSet):
    queryset = DrinkingWaterSource.objects.select_related("jurisdiction").all()
    serializer_class = DrinkingWaterSourceSerializer
    filterset_class = DrinkingWaterSourceFilter


class NoiseStationViewSet(ScopedModelViewSet):
    queryset = NoiseStation.objects.select_related("jurisdiction").all()
    serializer_class = NoiseStationSerializer
    filterset_class = NoiseStationFilter


class TargetViewSet(ScopedModelViewSet):
    queryset = Target.objects.select_related("jurisdiction").all()
    serializer_class = TargetSerializer
    filterset_class = TargetFilter


class PeerFigureSerializer(serializers.ModelSerializer):
    jurisdiction = JURISDICTION

    class Meta:
        model = PeerFigure
        fields = ["id", "jurisdiction", "group", "name", "start", "end", "indicator", "value", "source"]


class PeerFigureViewSet(ScopedModelViewSet):
    queryset = PeerFigure.objects.select_related("jurisdiction").all()
    serializer_class = PeerFigureSerializer
    filterset_class = PeerFigureFilter


class HeavyPollutionAlertViewSet(ScopedModelViewSet):
    queryset = HeavyPollutionAlert.objects.select_related("jurisdiction").prefetch_related("enterprises").all()
    serializer_class = HeavyPollutionAlertSerializer
    filterset_class = HeavyPollutionAlertFilter


class AirDailyViewSet(ScopedReadOnlyViewSet):
    queryset = AirDaily.objects.select_related("station").order_by("station_id", "date")
    serializer_class = AirDailySerializer
    filterset_class = DailyFilter


class CityDailyViewSet(ScopedReadOnlyViewSet):
    queryset = CityDaily.objects.select_related("jurisdiction").order_by("jurisdiction_id", "date")
    serializer_class = CityDailySerializer
    filterset_class = CityDailyFilter


class AirPeriodStatViewSet(ScopedReadOnlyViewSet):
    queryset = AirPeriodStat.objects.select_related("jurisdiction").order_by("jurisdiction_id", "period", "start")
    serializer_class = AirPeriodStatSerializer
    filterset_class = PeriodStatFilter


class WarningViewSet(ScopedReadOnlyViewSet):
    http_method_names = ["get", "head", "options", "post"]
    queryset = Warning.objects.select_related("jurisdiction").all()
    serializer_class = WarningSerializer
    filterset_class = WarningFilter

    def _act(self, request, pk, verb):
        w = get_scoped_object(Warning.objects.all(), request.user, "view", pk=pk)
        if not services.may_handle(request.user, w):
            raise PermissionDenied
        try:
            with transaction.atomic():
                verb(request.user, w, str(request.data.get("note", "")))
        except DjangoValidationError as e:
            raise ValidationError({"detail": e.messages}) from None
        return Response(WarningSerializer(w).data)

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._act(request, pk, services.acknowledge_warning)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, pk, services.close_warning)

    @extend_schema(responses=TimelineSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a whole list, not a page
    def timeline(self, request, pk=None):
        """The warning's history in words (core timeline)."""
        from envbureau.core import workflow as wf
        from envbureau.core.kit_api import TimelineSerializer

        w = get_scoped_object(Warning.objects.all(), request.user, "view", pk=pk)
        return Response(TimelineSerializer(wf.timeline(w), many=True).data)

    @action(detail=True, methods=["post"], url_path="to-problem")
    def to_problem(self, request, pk=None):
        """预警交办: open a ledger problem from the warning ({"note", "deadline", "responsible_units"})."""
        w = get_scoped_object(Warning.objects.all(), request.user, "view", pk=pk)
        if not services.may_handle(request.user, w):
            raise PermissionDenied
        deadline = request.data.get("deadline") or None
        if deadline is not None:
            try:
                deadline = dt.date.fromisoformat(str(deadline))
            except ValueError:
                raise ValidationError({"deadline": [gettext("日期格式应为 YYYY-MM-DD")]}) from None
        units = request.data.get("responsible_units") or []
        if isinstance(units, str):
            units = [units]
        try:
            ref = services.warning_to_problem(request.user, w, note=str(request.data.get("note", "")),
                                              deadline=deadline, responsible_units=list(units))
        except DjangoValidationError as e:
            raise ValidationError(e.message_dict if hasattr(e, "error_dict") else {"detail": e.messages}) from None
        w.refresh_from_db()
        return Response({**WarningSerializer(w).data, "problem_ref": ref})

    def create(self, request, *args, **kwargs):
        raise PermissionDenied


class AssessmentView(APIView):
    """GET ?jurisdiction=110000&year=2016[&month=1|&quarter=1|&from=…&to=…] → the period assessment
    (the same keys as `envbureau assess air --json`)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("jurisdiction", str, required=True, description="区划代码, e.g. 110000"),
                    OpenApiParameter("year", int), OpenApiParameter("month", int), OpenApiParameter("quarter", int),
                    OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE),
                    OpenApiParameter("precision", int, enum=[0, 1],
                                     description="decimals of the µg/m³ concentrations (0 = GB 3095 integers)"),
                    OpenApiParameter("change_basis", str, enum=["unrounded", "reported"],
                                     description="changes from the unrounded (default) or the printed values")],
        responses={200: OpenApiTypes.OBJECT},
        description="Period assessment (keys as `envbureau assess air --json`: pm25_mean … composite_index, "
                    "category_days, rules, yoy, pop; network: the station network versions the figures came from).")
    def get(self, request):
        from .assessment import assess_air, make_period

        if not has_perm(request.user, "quality.view"):
            raise PermissionDenied
        q = request.query_params
        code = q.get("jurisdiction")
        if not code:
            raise ValidationError({"jurisdiction": "required"})
        # a jurisdiction is visible when the user may view quality data there
        visible = restrict(CityDaily.objects.filter(jurisdiction__code=code), request.user, "view").exists() or \
            restrict(AirStation.objects.filter(jurisdiction__code=code), request.user, "view").exists()
        j = get_scoped_object(Jurisdiction.objects.all(), request.user, "view", code=code)
        if not visible:
            from django.http import Http404

            raise Http404
        try:
            period = make_period(int(q["year"]) if q.get("year") else None, int(q["month"]) if q.get("month") else None,
                                 q.get("from"), q.get("to"), int(q["quarter"]) if q.get("quarter") else None)
        except (ValueError, KeyError) as e:
            raise ValidationError({"period": str(e)}) from None
        from .assessment import CHANGE_BASES, check_precision

        try:
            precision = check_precision(q.get("precision"))
        except ValueError:
            raise ValidationError({"precision": "0 or 1"}) from None
        basis = q.get("change_basis") or "unrounded"
        if basis not in CHANGE_BASES:
            raise ValidationError({"change_basis": "unrounded or reported"})
        from .views import target_rows

        out = assess_air(j, period, precision=precision, change_basis=basis)
        out["targets"] = target_rows(j, period.start.year)  # progress of the year's targets, year to date
        return Response(out)


def _requested_jurisdiction(request):
    """The `jurisdiction` query parameter as a Jurisdiction the user may view quality data of (403/400/404)."""
    if not has_perm(request.user, "quality.view"):
        raise PermissionDenied
    code = request.query_params.get("jurisdiction")
    if not code:
        raise ValidationError({"jurisdiction": "required"})
    return get_scoped_object(Jurisdiction.objects.all(), request.user, "view", code=code)


def _requested_period(q):
    """year/month/quarter/half/from/to → a Period (400 naming `period` when they do not make one)."""
    from .assessment import make_period

    try:
        ints = {k: int(q[k]) if q.get(k) else None for k in ("year", "month", "quarter", "half")}
        if any(v is not None and not (0 < v < 10000) for v in ints.values()):
            raise ValueError("out of range")
        return make_period(ints["year"], ints["month"], q.get("from"), q.get("to"), ints["quarter"], ints["half"])
    except (ValueError, KeyError) as e:
        raise ValidationError({"period": str(e)}) from None


class WaterAssessmentView(APIView):
    """GET ?jurisdiction=110000&year=2016[&month=|&quarter=|&half=|&from=&to=][&scope=national|provincial|city|county]
    → the water assessment (the same keys as `envbureau assess water --json`), with ``yoy``."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("jurisdiction", str, required=True, description="区划代码, e.g. 110000"),
                    OpenApiParameter("year", int), OpenApiParameter("month", int), OpenApiParameter("quarter", int),
                    OpenApiParameter("half", int, description="1 上半年, 2 下半年"),
                    OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE),
                    OpenApiParameter("scope", str, enum=["national", "provincial", "city", "county"],
                                     description="control level and above: 国考/国省考/市考及以上/县控及以上"),
                    OpenApiParameter("drinking_level", str, enum=["county", "township", "rural"],
                                     description="drinking-water sources of this level (县级及以上/乡镇级/农村)")],
        responses={200: OpenApiTypes.OBJECT},
        description="Water assessment of the sections in scope: class_1_2_share, class_1_3_share, worse_v_share "
                    "(count and %), meeting_target_rate, sections with last year's class, yoy in percentage points.")
    def get(self, request):
        from .water import assess_water, check_scope

        j = _requested_jurisdiction(request)
        q = request.query_params
        try:
            scope = check_scope(q.get("scope"))
        except ValueError as e:
            raise ValidationError({"scope": str(e)}) from None
        period = _requested_period(q)
        level = q.get("drinking_level") or None
        if level and level not in ("county", "township", "rural"):
            raise ValidationError({"drinking_level": "county, township or rural"})
        return Response(assess_water(j, period, request.user, scope=scope, compare=True, drinking_level=level))


class RegistryView(APIView):
    """GET ?jurisdiction=110000&year=2016[&month=|&quarter=|&half=|&from=&to=] → sites and monitoring points
    commissioned in the period (the same keys as `envbureau assess registry --json`)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("jurisdiction", str, required=True), OpenApiParameter("year", int),
                    OpenApiParameter("month", int), OpenApiParameter("quarter", int), OpenApiParameter("half", int),
                    OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE)],
        responses={200: OpenApiTypes.OBJECT},
        description="Counts of air stations, water sections (and automatic ones), noise stations and pollution-source "
                    "monitoring points with a commissioning date in the period; null for a kind you may not see.")
    def get(self, request):
        from .registry import commissioned

        j = _requested_jurisdiction(request)
        return Response(commissioned(j, _requested_period(request.query_params), request.user))


class StreetRankingView(APIView):
    """GET ?jurisdiction=110000&year=2016[&month=|&quarter=|&week=2016-W05|&from=&to=][&by=composite_index|pm25_mean]
    [&top=10] → all streets under the jurisdiction ranked together on the street ranking network (as bureaus' ranking notices rank):
    rows (rank, tied, value, previous rank and change, change rate on last year and its rank), call-outs, network.
    The jurisdiction must be one the user may read (a district officer: its district, whose streets are ranked);
    rows and call-outs are limited to the streets the user may read."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("jurisdiction", str, required=True, description="区划代码, e.g. 110000"),
                    OpenApiParameter("year", int), OpenApiParameter("month", int), OpenApiParameter("quarter", int),
                    OpenApiParameter("week", str, description="ISO week, e.g. 2016-W05"),
                    OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE),
                    OpenApiParameter("by", str, enum=["composite_index", "pm25_mean"],
                                     description="default: the ranking network's indicator"),
                    OpenApiParameter("top", int, description="size of the best/worst call-outs (1–100, default 10; at most 3 when 20 or "
                                                 "fewer streets are ranked, none when the two lists would name them "
                                                 "all: `top` in the answer is the size used, `top_asked` the asked)")],
        responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        from envbureau.core.params import int_param

        from . import street_rankings as SR
        from .views import _visible_streets

        j = _requested_jurisdiction(request)
        q = request.query_params
        if q.get("week"):
            try:
                y, w = q["week"].split("-W")
                monday = dt.date.fromisocalendar(int(y), int(w), 1)
            except ValueError:
                raise ValidationError({"week": "YYYY-Www, e.g. 2016-W05"}) from None
            from .assessment import Period

            period = Period(monday, monday + dt.timedelta(days=6), f"{y}年第{int(w)}周")
        else:
            period = _requested_period(q)
        by = q.get("by") or SR.ranking_indicator(period)
        if by not in SR.RANK_BY:
            raise ValidationError({"by": "composite_index or pm25_mean"})
        top = int_param(q, "top", SR.DEFAULT_TOP, lo=1, hi=100)
        return Response(SR.street_ranking(j, period, by, top, visible=_visible_streets(request.user, j)))
