"""REST API of the problem ledger: scoped problems with one custom action per transition.

POST /api/v1/ledger/problems/{id}/<verb>/ with {"note": …} (multipart with "files" for evidence):
200 with the problem; 400 illegal transition or missing note/evidence; 403 no right; 404 out of scope.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.response import Response

from envbureau.core import audit
from envbureau.core.api import PublicReadOnlyViewSet, ScopedModelViewSet, ScopedReadOnlyViewSet
from envbureau.core.documents.api import DocumentActionsMixin
from envbureau.core.kit_api import TimelineSerializer
from envbureau.core.models import Jurisdiction, Notification
from envbureau.core.params import decimals_param
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object

from . import services, stats
from .choices import TRANSITIONS, Verb
from .filters import ProblemFilter, PublicNoticeFilter, SignOffStepFilter, StatsFilter
from .models import Problem, PublicNotice, SignOffChain, SignOffStep


class ProblemSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", queryset=Jurisdiction.objects.all())
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    # `title` is stored as written (Chinese for a title a module wrote by a rule); this is what the reader reads
    shown_title = serializers.CharField(read_only=True)
    shown_description = serializers.CharField(read_only=True)
    is_overdue = serializers.SerializerMethodField()
    source_ref = serializers.SerializerMethodField()
    responsible_units = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    # The first responsible unit leads (主办/牵头), the others assist (协办/配合).
    lead_unit = serializers.CharField(read_only=True)
    assisting_units = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = ["id", "code", "source", "batch", "category", "title", "shown_title", "description", "shown_description", "location", "jurisdiction",
                  "jurisdiction_name", "enterprise_id", "enterprise_name", "key_problem", "source_ref",
                  "responsible_units", "lead_unit", "assisting_units", "responsible_person", "responsible_phone", "target", "measures", "progress",
                  "received_on", "deadline", "long_term", "state", "state_label", "is_overdue", "overdue",
                  "closure_round", "reopened_count", "verified_at", "closed_out_at", "noticed_at", "notice_until",
                  "public_summary", "created", "updated"]
        read_only_fields = ["state", "overdue", "closure_round", "reopened_count", "verified_at", "closed_out_at",
                            "noticed_at", "notice_until", "public_summary", "progress", "created", "updated"]
        extra_kwargs = {"code": {"required": False, "allow_blank": True, "validators": []}}

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue(self.context.get("today"))

    def get_assisting_units(self, obj) -> list[str]:
        return list(obj.responsible_units[1:])

    def get_source_ref(self, obj) -> list[str] | None:
        return list(obj.source_ref) if obj.source_ref else None


@extend_schema_serializer(component_name="ProblemEvent")  # complaints has an EventSerializer too
class EventSerializer(TimelineSerializer):
    """A timeline line of the problem (core.TimelineEvent in words); `attachments` carry id, name, size, sha256."""


class TransitionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    responsible_units = serializers.ListField(child=serializers.CharField(), required=False)
    responsible_person = serializers.CharField(required=False, allow_blank=True)
    responsible_phone = serializers.CharField(required=False, allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    public_summary = serializers.CharField(required=False, allow_blank=True)
    days = serializers.IntegerField(required=False, min_value=1, max_value=90)

    PER_VERB = {Verb.ASSIGN: {"responsible_units", "responsible_person", "responsible_phone", "deadline"},
                Verb.NOTICE: {"public_summary", "days"}}


def _transition_action(verb: str):
    t = TRANSITIONS[verb]

    def handler(self, request, pk=None):
        problem = get_scoped_object(Problem.objects.select_related("jurisdiction"), request.user, "view", pk=pk)
        raw = request.data
        data = {k: raw.get(k) for k in raw if k not in ("files", "responsible_units")}
        if "responsible_units" in raw:
            units = raw.getlist("responsible_units") if hasattr(raw, "getlist") else raw.get("responsible_units")
            data["responsible_units"] = units if isinstance(units, list) else [units]
        data["files"] = request.FILES.getlist("files") if request.FILES else []
        ser = TransitionSerializer(data=data)
        ser.is_valid(raise_exception=True)
        vd = dict(ser.validated_data)
        extra = {k: vd[k] for k in TransitionSerializer.PER_VERB.get(verb, ()) if k in vd}
        services.apply(request.user, problem, verb, note=vd.get("note", ""), files=vd.get("files") or [], **extra)
        problem.refresh_from_db()
        return Response(ProblemSerializer(problem, context={"request": request}).data)

    handler.__name__ = "return_" if verb == Verb.RETURN else verb
    handler.__doc__ = f"{t.label} ({verb}): {', '.join(t.sources)} → {t.target or '…'}; needs {t.permission}."
    return action(detail=True, methods=["post"], url_path=verb.replace("_", "-"), url_name=verb.replace("_", "-"),
                  serializer_class=TransitionSerializer)(handler)


class ProblemPermission(permissions.BasePermission):
    """Reading needs ledger.view; every write is checked by the services (permission, scope, state)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and has_perm(request.user, "ledger.view"))


class ProblemViewSet(DocumentActionsMixin, ScopedModelViewSet):
    permission_classes = [ProblemPermission]
    queryset = Problem.objects.select_related("jurisdiction").all()
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilter
    ordering_fields = ["received_on", "deadline", "code", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def paginate_queryset(self, queryset):
        # Page on ids (a covering index walk), then load the page's rows: see views.id_page.
        ids = super().paginate_queryset(queryset.values_list("pk", flat=True))
        if ids is None:
            return None
        ids = list(ids)
        rows = Problem.objects.select_related("jurisdiction").in_bulk(ids)
        return [rows[i] for i in ids if i in rows]

    def create(self, request, *args, **kwargs):
        if not (has_perm(request.user, "ledger.add") or has_perm(request.user, "ledger.change")):
            raise DRFPermissionDenied()
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = {k: v for k, v in ser.validated_data.items() if k in services.PROBLEM_FIELDS}
        if data.get("code") and Problem.objects.filter(code=data["code"]).exists():
            raise ValidationError({"code": ["问题编号已存在"]})
        problem = services.create_problem(request.user, **data)
        return Response(self.get_serializer(problem).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        problem = self.get_object()
        ser = self.get_serializer(problem, data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        data = {k: v for k, v in ser.validated_data.items() if k in services.EDITABLE}
        services.update_problem(request.user, problem, **data)
        problem.refresh_from_db()
        return Response(self.get_serializer(problem).data)

    def update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a whole list, not a page (schema too)
    def events(self, request, pk=None):
        problem = get_scoped_object(Problem, request.user, "view", pk=pk)
        from envbureau.core.workflow import timeline

        return Response(EventSerializer(timeline(problem), many=True).data)

    @extend_schema(responses=inline_serializer("ProblemTransition", many=True, fields={
        "verb": serializers.CharField(), "label": serializers.CharField(),
        "note_required": serializers.BooleanField(), "evidence_required": serializers.BooleanField()}))
    @action(detail=True, methods=["get"], pagination_class=None)
    def transitions(self, request, pk=None):
        """The transitions the caller may perform now."""
        problem = get_scoped_object(Problem.objects.select_related("jurisdiction"), request.user, "view", pk=pk)
        return Response([{"verb": t.verb, "label": str(t.label), "note_required": t.note_required,
                          "evidence_required": t.evidence_required}
                         for t in services.allowed_transitions(request.user, problem)])

    @extend_schema(responses=OpenApiTypes.OBJECT,
                   summary="Ledger statistics (时间过半任务过半): totals, rates, schedule, breakdowns")
    @action(detail=False, methods=["get"])
    def statistics(self, request):
        f = StatsFilter(request.query_params, queryset=self.get_queryset(), request=request)
        if not f.is_valid():
            raise ValidationError(f.errors)
        today = timezone.localdate()
        ov = stats.overview(f.qs, today, places=decimals_param(request.query_params))
        s = ov.pop("summary")
        return Response({**s, "sentence": stats.sentence(s), **ov})

    assign = _transition_action(Verb.ASSIGN)
    start = _transition_action(Verb.START)
    progress = _transition_action(Verb.PROGRESS)
    request_close = _transition_action(Verb.REQUEST_CLOSE)
    sign_off = _transition_action(Verb.SIGN_OFF)
    return_ = _transition_action(Verb.RETURN)
    close_out = _transition_action(Verb.CLOSE_OUT)
    notice = _transition_action(Verb.NOTICE)
    reopen = _transition_action(Verb.REOPEN)


class SignOffStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = SignOffStep
        fields = ["id", "chain", "order", "name", "permission", "role", "level", "evidence_required"]

    def validate(self, attrs):
        inst = SignOffStep(**{**attrs})
        try:
            inst.clean()
        except ValidationError as e:
            raise serializers.ValidationError(e.message_dict) from e
        return attrs


class SignOffChainSerializer(serializers.ModelSerializer):
    steps = SignOffStepSerializer(many=True, read_only=True)

    class Meta:
        model = SignOffChain
        fields = ["id", "name", "source", "active", "description", "steps"]


class SignOffChainViewSet(ScopedModelViewSet):
    queryset = SignOffChain.objects.prefetch_related("steps").all()
    serializer_class = SignOffChainSerializer


class SignOffStepViewSet(ScopedModelViewSet):
    queryset = SignOffStep.objects.all()
    serializer_class = SignOffStepSerializer
    filterset_class = SignOffStepFilter


class NotificationSerializer(serializers.ModelSerializer):
    problem = serializers.IntegerField(source="object_id", read_only=True)
    # in the request's language, from the stored facts (core.notify.worded); as stored without facts
    message = serializers.CharField(source="text", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "problem", "kind", "message", "url", "created", "read_at", "emailed_at"]


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications about problems (the ledger's view of /api/v1/me/notifications/)."""

    serializer_class = NotificationSerializer

    queryset = Notification.objects.none()  # for the schema; the real one is the caller's own

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user, model="ledger.problem")

    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        with transaction.atomic():
            qs = self.get_queryset().filter(read_at__isnull=True)
            ids, now = list(qs.values_list("pk", flat=True)), timezone.now()
            n = qs.filter(pk__in=ids).update(read_at=now)
            audit.record_batch("update", Notification, ids, {"read_at": [None, now]})
        return Response({"marked": n})


# ---- public (no personal data) ---------------------------------------------------------------

class PublicProblemSerializer(serializers.ModelSerializer):
    """What the public notice shows: no persons, phones, descriptions, events or attachments."""

    jurisdiction = serializers.CharField(source="jurisdiction.name")
    source_label = serializers.CharField(source="get_source_display")
    category_label = serializers.CharField(source="get_category_display")
    closed_out_on = serializers.SerializerMethodField()
    noticed_on = serializers.SerializerMethodField()

    class Meta:
        model = PublicNotice
        fields = ["code", "source", "source_label", "batch", "category", "category_label", "title", "jurisdiction",
                  "responsible_units", "deadline", "closed_out_on", "noticed_on", "notice_until", "public_summary"]

    def get_closed_out_on(self, obj) -> dt.date | None:
        return timezone.localtime(obj.closed_out_at).date() if obj.closed_out_at else None

    def get_noticed_on(self, obj) -> dt.date | None:
        return timezone.localtime(obj.noticed_at).date() if obj.noticed_at else None


class PublicProblemViewSet(PublicReadOnlyViewSet):
    queryset = PublicNotice.objects.select_related("jurisdiction").order_by("-noticed_at", "-id")
    serializer_class = PublicProblemSerializer
    lookup_field = "code"
    filterset_class = PublicNoticeFilter
    search_fields = ["title", "code"]
    ordering_fields = ["noticed_at"]


__all__ = ["ProblemViewSet", "ScopedReadOnlyViewSet"]
