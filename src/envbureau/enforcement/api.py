"""REST API of enforcement (/api/v1/enforcement/): libraries, plans, draws (run, verify), inspections with
one action per workflow verb. Errors: 400 bad data or state, 403 no right, 404 out of scope."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from envbureau.core import workflow as wf
from envbureau.core.api import PublicReadOnlyViewSet, ScopedModelViewSet, ScopedReadOnlyViewSet
from envbureau.core.documents.api import DocumentActionsMixin
from envbureau.core.kit_api import TimelineSerializer
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object

from . import drawing, services
from .models import Draw, DrawPlan, Inspection, InspectionItem, Inspector, PoolEnterprise, Recusal


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionItem
        fields = ["id", "code", "name", "legal_basis", "body", "method", "item_class", "checklist", "active"]


class PoolSerializer(serializers.ModelSerializer):
    class Meta:
        model = PoolEnterprise
        fields = ["id", "enterprise_id", "name", "credit_code", "jurisdiction", "supervision_class", "special_reason",
                  "positive_list", "positive_until", "cap_exempt", "excluded", "credit_grade"]
        read_only_fields = ["credit_grade"]


class InspectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspector
        fields = ["id", "name", "badge_no", "department", "jurisdiction", "certified", "active", "specialty"]


class RecusalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recusal
        fields = ["id", "inspector", "enterprise", "reason", "declared_on", "until"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = DrawPlan
        fields = ["id", "name", "jurisdiction", "year", "period", "ratio_key", "ratio_general", "ratio_special",
                  "positive_factor", "team_size", "yearly_cap", "items", "active"]


class DrawSerializer(serializers.ModelSerializer):
    class Meta:
        model = Draw
        fields = ["id", "code", "plan", "jurisdiction", "seed", "seed_commit", "algorithm", "algorithm_version",
                  "enterprise_pool_hash", "inspector_pool_hash", "result_hash", "pairs", "counts", "status",
                  "drawn_at", "witnesses", "published_at"]


class PublicDrawSerializer(serializers.ModelSerializer):
    enterprises = serializers.SerializerMethodField()

    class Meta:
        model = Draw
        fields = ["id", "code", "seed", "seed_commit", "algorithm", "algorithm_version", "enterprise_pool_hash",
                  "inspector_pool_hash", "result_hash", "drawn_at", "published_at", "enterprises"]

    def get_enterprises(self, obj) -> list[str]:
        return list(obj.inspections.values_list("enterprise_name", flat=True))


class InspectionSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    team_names = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = ["id", "code", "source", "source_ref", "draw", "enterprise_id", "enterprise_name", "jurisdiction",
                  "method", "kind", "counts_toward_cap", "planned_on", "inspected_on", "team", "team_names", "items",
                  "checklist", "findings", "result", "party_present", "follow_up", "state", "state_label",
                  "publish_due", "published_at"]

    def get_team_names(self, obj) -> list[str]:
        return [m.name for m in obj.team.all()]


class PublicInspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspection
        fields = ["code", "enterprise_name", "source", "method", "inspected_on", "result", "published_at"]


class ItemViewSet(ScopedModelViewSet):
    queryset = InspectionItem.objects.all()
    serializer_class = ItemSerializer


class PoolViewSet(ScopedModelViewSet):
    queryset = PoolEnterprise.objects.all()
    serializer_class = PoolSerializer


class InspectorViewSet(ScopedModelViewSet):
    queryset = Inspector.objects.all()
    serializer_class = InspectorSerializer


class RecusalViewSet(ScopedModelViewSet):
    queryset = Recusal.objects.all()
    serializer_class = RecusalSerializer


class PlanViewSet(ScopedModelViewSet):
    queryset = DrawPlan.objects.all()
    serializer_class = PlanSerializer

    @action(detail=True, methods=["post"], url_path="draw", url_name="draw")
    def draw(self, request, pk=None):
        """Run a draw for the plan: {"seed": "...", "witnesses": "..."} → the draw (400 with reasons if it
        cannot be satisfied; nothing is drawn then)."""
        plan = get_scoped_object(DrawPlan, request.user, "view", pk=pk)
        if not has_perm(request.user, "enforcement.draw"):
            raise DRFPermissionDenied()
        try:
            d = services.run_draw(request.user, plan, str(request.data.get("seed", "")),
                                  witnesses=str(request.data.get("witnesses", "")))
        except drawing.Unsatisfiable as exc:
            raise DRFValidationError({"draw": exc.reasons}) from None
        return Response(DrawSerializer(d).data, status=201)


class DrawViewSet(ScopedReadOnlyViewSet):
    queryset = Draw.objects.defer("inputs")
    serializer_class = DrawSerializer

    @action(detail=True, methods=["get"], url_path="verify", url_name="verify")
    def verify(self, request, pk=None):
        d = get_scoped_object(Draw, request.user, "view", pk=pk)
        ok, problems = services.verify_draw(d)
        return Response({"ok": ok, "problems": problems})


def _transition(verb: str):
    def handler(self, request, pk=None):
        insp = get_scoped_object(Inspection, request.user, "view", pk=pk)
        data = {k: v for k, v in request.data.items() if k != "note"}
        try:
            wf.apply(request.user, insp, verb, note=str(request.data.get("note", "")), **data)
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        insp.refresh_from_db()
        return Response(InspectionSerializer(insp).data)

    handler.__name__ = verb
    return action(detail=True, methods=["post"], url_path=verb.replace("_", "-"), url_name=verb.replace("_", "-"))(
        handler)


class InspectionViewSet(DocumentActionsMixin, ScopedReadOnlyViewSet):
    queryset = Inspection.objects.prefetch_related("team")
    serializer_class = InspectionSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        from rest_framework.exceptions import MethodNotAllowed

        raise MethodNotAllowed("POST")

    record = _transition("record")
    publish = _transition("publish")
    to_problem = _transition("to_problem")
    cancel = _transition("cancel")

    @action(detail=True, methods=["get"], url_path="timeline", url_name="timeline", pagination_class=None)
    def timeline(self, request, pk=None):
        insp = get_scoped_object(Inspection, request.user, "view", pk=pk)
        return Response(TimelineSerializer(wf.timeline(insp), many=True).data)


class PublicDrawViewSet(PublicReadOnlyViewSet):
    queryset = Draw.objects.defer("inputs").order_by("-drawn_at", "-id")
    serializer_class = PublicDrawSerializer


class PublicInspectionViewSet(PublicReadOnlyViewSet):
    queryset = Inspection.objects.order_by("-inspected_on", "-id")
    serializer_class = PublicInspectionSerializer
