"""REST API: complaints (scoped; identity masked unless complaints.view_identity), handling verbs,
timeline, statistics and deadline rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from envbureau.core import workflow as wf
from envbureau.core.api import ScopedModelViewSet
from envbureau.core.documents.api import DocumentActionsMixin
from envbureau.core.kit_api import TimelineSerializer
from envbureau.core.params import decimals_param
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object

from . import services, statistics
from .choices import ExtensionState, Finding, Satisfaction
from .filters import ComplaintFilter
from .models import Complaint, DeadlineRule, DuplicateLink
from .pagination import SeekPagination


class ComplaintSerializer(serializers.ModelSerializer):
    complainant = serializers.SerializerMethodField()
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    repeat_of_number = serializers.CharField(source="repeat_of.number", read_only=True, default=None, allow_null=True)
    overdue = serializers.BooleanField(read_only=True)
    # Outcomes that are "" until the step is done: the schema must list "" among their values.
    finding = serializers.ChoiceField(choices=Finding.choices, allow_blank=True, read_only=True)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, allow_blank=True, read_only=True)
    extension_state = serializers.ChoiceField(choices=ExtensionState.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "number", "channel", "track", "category", "sub_category", "title", "content", "location",
                  "lon", "lat", "jurisdiction", "jurisdiction_code", "jurisdiction_name", "routed_by",
                  "enterprise_id", "enterprise_name", "batch", "external_ref", "is_key", "received_at", "state",
                  "rule_label", "accept_due", "start_due", "finish_due", "review_due", "extension_state",
                  "extension_days", "accepted_at", "assigned_at", "investigated_at", "replied_at", "visited_at",
                  "closed_at", "decline_reason", "assignee_unit", "finding", "investigation", "measures",
                  "ordered_rectification", "case_filed", "fine_amount", "reply_text", "satisfaction", "on_time",
                  "is_repeat", "repeat_of", "repeat_of_number", "problem_ref", "overdue", "anonymous", "complainant"]
        read_only_fields = [f for f in fields if f not in (
            "channel", "track", "category", "sub_category", "title", "content", "location", "lon", "lat",
            "jurisdiction", "enterprise_id", "enterprise_name", "batch", "external_ref", "is_key", "received_at",
            "anonymous")]
        extra_kwargs = {"jurisdiction": {"required": False}}

    def get_complainant(self, obj) -> dict:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        check = self.context.get("_identity_check")
        if check is None:
            check = self.context["_identity_check"] = services.identity_checker(user)
        return services.identity_for(user, obj, full=check(obj))


class ComplaintCreateSerializer(ComplaintSerializer):
    complainant_name = serializers.CharField(required=False, allow_blank=True, write_only=True)
    complainant_phone = serializers.CharField(required=False, allow_blank=True, write_only=True)
    complainant_address = serializers.CharField(required=False, allow_blank=True, write_only=True)
    complainant_email = serializers.CharField(required=False, allow_blank=True, write_only=True)
    complainant_id_number = serializers.CharField(required=False, allow_blank=True, write_only=True)

    class Meta(ComplaintSerializer.Meta):
        fields = ComplaintSerializer.Meta.fields + ["complainant_name", "complainant_phone", "complainant_address",
                                                    "complainant_email", "complainant_id_number"]


class EventSerializer(TimelineSerializer):
    """A timeline line (core.TimelineEvent in words); `kind` is the verb (register, accept, assign…)."""

    kind = serializers.CharField(source="verb")
    actor_name = serializers.CharField(source="actor")


class LinkSerializer(serializers.ModelSerializer):
    original_number = serializers.CharField(source="original.number", read_only=True)
    complaint_number = serializers.CharField(source="complaint.number", read_only=True)

    class Meta:
        model = DuplicateLink
        fields = ["id", "complaint", "complaint_number", "original", "original_number", "state", "score",
                  "distance_m", "days_apart", "text_similarity"]


class ActionSerializer(serializers.Serializer):
    action = serializers.CharField()


class ComplaintViewSet(DocumentActionsMixin, ScopedModelViewSet):
    """Complaints. POST registers a complaint (routing, deadlines, repeat suggestions);
    POST {id}/act/ with {"action": "accept", ...} runs a handling verb (see choices.TRANSITIONS)."""

    queryset = Complaint.objects.select_related("jurisdiction", "repeat_of").order_by("-received_at", "-id")
    filterset_class = ComplaintFilter
    search_fields = ["number", "title"]
    ordering_fields = ["received_at", "finish_due", "number"]
    http_method_names = ["get", "post", "head", "options"]
    pagination_class = SeekPagination

    def get_queryset(self):
        # Same rows as core's restrict(), as an id list the planner combines with the filters (services.scoped).
        return services.scoped(self.request.user, "view").select_related(
            "jurisdiction", "repeat_of").order_by("-received_at", "-id")

    def get_serializer_class(self):
        return ComplaintCreateSerializer if self.action == "create" else ComplaintSerializer

    def perform_create(self, serializer):
        c = Complaint(**serializer.validated_data)
        serializer.instance = services.register(self.request.user, c)

    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated],
            serializer_class=ActionSerializer)
    def act(self, request, pk=None):
        from .views import ACTION_FORMS, _run_action

        c = get_scoped_object(Complaint, request.user, "view", pk=pk)
        name = request.data.get("action", "")
        if name not in ACTION_FORMS:
            raise ValidationError({"action": f"unknown action {name!r}; one of {sorted(ACTION_FORMS)}"})
        form = ACTION_FORMS[name](request.data)
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        try:
            c = _run_action(request.user, c, name, form.cleaned_data)
        except services.LedgerUnavailable as e:
            return Response({"error": {"status": 503, "code": "ledger_unavailable", "message": str(e)}}, status=503)
        return Response(ComplaintSerializer(c, context={"request": request}).data)

    @extend_schema(responses=inline_serializer("ComplaintTimeline", fields={
        "events": EventSerializer(many=True), "duplicates": LinkSerializer(many=True)}))
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        c = get_scoped_object(Complaint, request.user, "view", pk=pk)
        links = DuplicateLink.objects.filter(complaint=c) | DuplicateLink.objects.filter(original=c)
        return Response({"events": EventSerializer(wf.timeline(c), many=True).data,
                         "duplicates": LinkSerializer(links.select_related("complaint", "original"), many=True).data})

    @action(detail=True, methods=["post"], url_path="duplicates/(?P<original_id>[0-9]+)/confirm",
            permission_classes=[permissions.IsAuthenticated], serializer_class=ActionSerializer)
    def confirm_duplicate(self, request, pk=None, original_id=None):
        c = get_scoped_object(Complaint, request.user, "view", pk=pk)
        original = get_scoped_object(Complaint, request.user, "view", pk=original_id)
        link = services.confirm_duplicate(request.user, c, original, request.data.get("note", ""))
        return Response(LinkSerializer(link).data)

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Complaint statistics by category, channel, district or month")
    @action(detail=False, methods=["get"])
    def stats(self, request):
        from .views import _period

        if not has_perm(request.user, "complaints.view"):
            raise PermissionDenied
        start, end = _period(request)
        by = request.query_params.get("by", "category")
        if by not in ("category", "channel", "jurisdiction", "month"):
            raise ValidationError({"by": "category | channel | jurisdiction | month"})
        jur = None
        if request.query_params.get("jurisdiction"):
            from envbureau.core.models import Jurisdiction

            jur = Jurisdiction.objects.filter(code=request.query_params["jurisdiction"]).first()
            if jur is None:  # not silently the whole city
                raise ValidationError({"jurisdiction": _("未知的区划代码: %(v)s") % {
                    "v": request.query_params["jurisdiction"][:40]}})
        rep = statistics.report(request.user, start=start, end=end, jurisdiction=jur,
                                category=request.query_params.get("category", ""),
                                channel=request.query_params.get("channel", ""), by=by)
        for r in rep["rows"]:
            r["key"] = str(r["key"])
        places = decimals_param(request.query_params)
        ov = statistics.oversight(request.user, start=start, end=end, jurisdiction=jur,
                                  batch=request.query_params.get("batch", "").strip()[:120], places=places)
        ov["sentence"] = statistics.oversight_sentence(ov)
        return Response({"start": str(start), "end": str(end), "by": by, "decimals": places, **rep,
                         "oversight": ov})


class DeadlineRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeadlineRule
        fields = "__all__"


class DeadlineRuleViewSet(ScopedModelViewSet):
    queryset = DeadlineRule.objects.all()
    serializer_class = DeadlineRuleSerializer
