"""REST API of the sources app (scoped; writes re-checked; workflow verbs call services)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from envbureau.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet
from envbureau.core.kit_api import TimelineSerializer
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object

from . import services
from .filters import (
    AlarmFilter,
    DailyFilter,
    DeclarationFilter,
    DossierEventFilter,
    EnterpriseFilter,
    HourlyFilter,
    LimitFilter,
    OutletFilter,
    PointFilter,
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
    UnknownMN,
)


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "credit_code", "name", "industry_code", "industry_name", "jurisdiction", "address", "longitude",
                  "latitude", "legal_representative", "contact_person", "contact_phone", "key_water", "key_air",
                  "key_soil", "key_noise", "risk_source", "status", "note"]

    def validate(self, attrs):
        instance = Enterprise(**{**({f: getattr(self.instance, f) for f in attrs} if self.instance else {}), **attrs})
        try:
            instance.clean()
        except ValidationError as e:
            raise DRFValidationError(e.message_dict) from None
        return attrs


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "enterprise", "code", "name", "kind", "longitude", "latitude", "destination"]


class PointSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringPoint
        fields = ["id", "outlet", "enterprise", "mn", "name", "enabled", "commissioned_on", "crc_dialects",
                  "lenient_length", "absence_minutes", "last_data_at", "latest"]
        read_only_fields = ["enterprise", "last_data_at", "latest"]


class LimitSerializer(serializers.ModelSerializer):
    class Meta:
        model = PollutantLimit
        # source_ref: the record owning the limit ("approvals.permit:12", read-only; such a limit changes there)
        fields = ["id", "point", "factor", "unit", "period", "limit_value", "lower_limit", "on_converted", "standard",
                  "source_ref"]
        read_only_fields = ["source_ref"]


class FollowUpSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="执法检查 / 行政处罚案件")
    label = serializers.CharField()
    url = serializers.CharField()


class AlarmSerializer(serializers.ModelSerializer):
    follow_ups = serializers.SerializerMethodField(
        help_text="报警之后的执法检查和案件(按请求人的范围;仅单条报警返回,列表中为空)")
    # the finding worded in the request's language from the stored facts (Alarm.text); rows without facts: as stored
    message = serializers.CharField(source="text", read_only=True)

    class Meta:
        model = Alarm
        fields = ["id", "point", "enterprise", "kind", "factor", "status", "active", "started_at", "last_seen_at",
                  "ended_at", "occurrences", "value", "limit_value", "on_converted", "message", "declared",
                  "declaration", "acknowledged_at", "closed_at", "note", "problem_ref", "follow_ups"]

    @extend_schema_field(FollowUpSerializer(many=True))
    def get_follow_ups(self, alarm) -> list:
        from .services import follow_ups

        request = self.context.get("request")
        if request is None or not self.context.get("detail"):
            return []  # one alarm's page or record: the list would ask every module once per row
        return follow_ups(request.user, alarm)


class DeclarationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Declaration
        fields = ["id", "enterprise", "point", "factor", "kind", "start", "end", "reason", "status", "created",
                  "reviewed_at", "review_note"]
        read_only_fields = ["status", "created", "reviewed_at", "review_note"]


class HourlySerializer(serializers.ModelSerializer):
    class Meta:
        model = PointHourly
        fields = ["point", "factor", "code", "hour", "avg", "min", "max", "cou", "zs_avg", "flag", "declared"]


class DailySerializer(serializers.ModelSerializer):
    class Meta:
        model = PointDaily
        fields = ["point", "factor", "code", "day", "avg", "min", "max", "cou", "zs_avg", "flag", "declared"]


class EnterpriseViewSet(ScopedModelViewSet):
    queryset = Enterprise.objects.select_related("jurisdiction").order_by("id")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter


class OutletViewSet(ScopedModelViewSet):
    queryset = Outlet.objects.order_by("id")
    serializer_class = OutletSerializer
    filterset_class = OutletFilter


class PointViewSet(ScopedModelViewSet):
    queryset = MonitoringPoint.objects.order_by("id")
    serializer_class = PointSerializer
    filterset_class = PointFilter


class LimitViewSet(ScopedModelViewSet):
    queryset = PollutantLimit.objects.order_by("id")
    serializer_class = LimitSerializer
    filterset_class = LimitFilter


def _note(request):
    return str(request.data.get("note", "") or "")


def _run(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ValidationError as e:
        raise DRFValidationError(getattr(e, "message_dict", None) or e.messages) from None


class _Timeline:
    """GET …/{id}/timeline/: the object's history in words (core timeline), scoped like the object."""

    @extend_schema(responses=TimelineSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a whole list, not a page
    def timeline(self, request, pk=None):
        from envbureau.core import workflow as wf
        from envbureau.core.kit_api import TimelineSerializer

        obj = get_scoped_object(self.queryset.model, request.user, "view", pk=pk)
        return Response(TimelineSerializer(wf.timeline(obj), many=True).data)


class _VerbPermissions:
    """Reads use the scoped module permission; workflow verbs (POST) are checked by the services,
    which know their own permissions (sources.declare, sources.ack_alarm …) and scope."""

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated()]
        return super().get_permissions()


class AlarmViewSet(_Timeline, _VerbPermissions, ScopedReadOnlyViewSet):
    http_method_names = ["get", "head", "options", "post"]
    queryset = Alarm.objects.select_related("point").order_by("-started_at", "-id")
    serializer_class = AlarmSerializer
    filterset_class = AlarmFilter

    def create(self, request, *args, **kwargs):
        raise PermissionDenied  # alarms are raised by the rules, never posted

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        a = _run(services.acknowledge_alarm, request.user, int(pk), _note(request))
        return Response(AlarmSerializer(a, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        a = _run(services.close_alarm, request.user, int(pk), _note(request))
        return Response(AlarmSerializer(a, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"], url_path="to-problem")
    def to_problem(self, request, pk=None):
        ref = _run(services.alarm_to_problem, request.user, int(pk))
        return Response({"problem_ref": ref})


class DeclarationViewSet(_Timeline, _VerbPermissions, ScopedReadOnlyViewSet):
    http_method_names = ["get", "head", "options", "post"]
    queryset = Declaration.objects.order_by("-created")
    serializer_class = DeclarationSerializer
    filterset_class = DeclarationFilter

    def create(self, request, *args, **kwargs):
        if not has_perm(request.user, "sources.declare"):
            raise PermissionDenied
        ser = DeclarationSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        ent = get_scoped_object(Enterprise, request.user, "declare", pk=d["enterprise"].pk)
        decl = _run(services.submit_declaration, request.user, enterprise=ent, point=d.get("point"),
                    factor=d.get("factor", ""), kind=d["kind"], start=d["start"], end=d["end"], reason=d["reason"])
        return Response(DeclarationSerializer(decl).data, status=201)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return Response(DeclarationSerializer(_run(services.approve_declaration, request.user, int(pk), _note(request))).data)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return Response(DeclarationSerializer(_run(services.reject_declaration, request.user, int(pk), _note(request))).data)


class HourlyViewSet(ScopedReadOnlyViewSet):
    queryset = PointHourly.objects.order_by("point_id", "hour", "factor")
    serializer_class = HourlySerializer
    filterset_class = HourlyFilter


class DailyViewSet(ScopedReadOnlyViewSet):
    queryset = PointDaily.objects.order_by("point_id", "day", "factor")
    serializer_class = DailySerializer
    filterset_class = DailyFilter


class _LinkableEvents(serializers.ListSerializer):
    """A page of dossier events: `url` only where the reader may open the record (as on the dossier page)."""

    def to_representation(self, data):
        from .services import linkable_events

        events = linkable_events(self.context["request"].user, list(data.all() if hasattr(data, "all") else data))
        return [self.child.to_representation(e, checked=True) for e in events]


class DossierEventSerializer(serializers.ModelSerializer):
    # `title` as stored (Chinese for a line written by a rule); `shown_title` in the request's language
    shown_title = serializers.CharField(read_only=True)
    shown_detail = serializers.CharField(read_only=True)

    class Meta:
        model = DossierEvent
        fields = ["id", "enterprise", "time", "kind", "title", "shown_title", "detail", "shown_detail", "source_ref",
                  "url"]
        list_serializer_class = _LinkableEvents

    def to_representation(self, instance, checked=False):
        if not checked:
            from .services import linkable_events

            [instance] = linkable_events(self.context["request"].user, [instance])
        return super().to_representation(instance)


class DossierEventViewSet(ScopedReadOnlyViewSet):
    queryset = DossierEvent.objects.order_by("-time", "-id")
    serializer_class = DossierEventSerializer
    filterset_class = DossierEventFilter


class UnknownMNSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnknownMN
        fields = ["id", "mn", "first_seen", "last_seen", "count", "peer", "bound_point", "bound_at", "ignored"]


class UnknownMNViewSet(ScopedReadOnlyViewSet):
    queryset = UnknownMN.objects.order_by("-last_seen")
    serializer_class = UnknownMNSerializer

    def get_queryset(self):
        if not services.may(self.request.user, "bind_mn"):
            return UnknownMN.objects.none()
        return super().get_queryset()
