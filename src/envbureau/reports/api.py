"""API: the report types, a report generated on request (figures as JSON, or the Word/PDF draft), and the
archive (create a report waiting for sign-off, issue it, read its documents)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from envbureau.core.api import ScopedReadOnlyViewSet
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import can

from . import registry, services
from .filters import ReportFilter
from .models import Report


class ReportTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    periods = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()


class TypesView(APIView):
    """GET /api/v1/reports/types/: the report types, the monthly air bulletin first."""

    permission_classes = [IsAuthenticated]
    pagination_class = None

    @extend_schema(responses=ReportTypeSerializer(many=True))
    def get(self, request):
        if not has_perm(request.user, "reports.view"):
            raise DRFPermissionDenied()
        return Response([{"code": t.code, "label": str(t.label), "periods": list(t.periods),
                          "description": str(t.description)} for t in registry.types()])


GEN_PARAMS = [OpenApiParameter("type", str, required=True), OpenApiParameter("jurisdiction", str, required=True),
              OpenApiParameter("period", str, required=True, description="2016-12 | 2016-Q4 | 2016-H2 | 2016"),
              OpenApiParameter("output", str, enum=["json", "docx", "pdf"], description="json (default): the figures")]


class GenerateView(APIView):
    """GET /api/v1/reports/generate/?type=&jurisdiction=&period=&output=json|docx|pdf: the report's figures
    (each unit's numbers as printed) or its Word/PDF draft (not numbered, not archived)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=GEN_PARAMS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        g = request.query_params
        fmt = g.get("output") or "json"  # not "format": DRF reads that one for content negotiation
        if fmt == "json":
            t, j, _kind, period, built = services.build(request.user, g.get("type", ""), g.get("jurisdiction", ""),
                                                        g.get("period", ""))
            return Response({"type": t.code, "title": built.title, "figures": built.figures})
        name, data, ctype = services.render(request.user, g.get("type", ""), g.get("jurisdiction", ""),
                                            g.get("period", ""), fmt)
        resp = HttpResponse(data, content_type=ctype)
        resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return resp


class IssuedReportSerializer(serializers.ModelSerializer):
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    type_label = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    documents = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "kind", "type_label", "title", "jurisdiction_code", "jurisdiction_name", "period_key",
                  "period_start", "period_end", "period_label", "state", "state_label", "scheduled", "created_at",
                  "issued_at", "documents"]

    def get_documents(self, rep) -> list[dict]:
        from django.urls import reverse

        from envbureau.core.documents.services import documents_for

        return [{"id": d.pk, "number": d.number, "docx": reverse("core:document-download", args=[d.pk, "docx"]),
                 "pdf": reverse("core:document-download", args=[d.pk, "pdf"]) if d.pdf else None}
                for d in documents_for(rep)]


class ReportCreateSerializer(serializers.Serializer):
    type = serializers.CharField()
    jurisdiction = serializers.CharField()
    period = serializers.CharField()
    issue = serializers.BooleanField(default=False)


class ReportViewSet(ScopedReadOnlyViewSet):
    """The archive. POST create {type, jurisdiction, period, issue}: a report waiting for sign-off (or
    issued at once with issue=true); POST {id}/issue/: sign it off (numbered .docx + PDF)."""

    queryset = Report.objects.select_related("jurisdiction")
    serializer_class = IssuedReportSerializer
    filterset_class = ReportFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ReportCreateSerializer, responses={201: IssuedReportSerializer})
    def create(self, request, *args, **kwargs):
        ser = ReportCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        if not has_perm(request.user, "reports.issue"):
            raise DRFPermissionDenied()
        if d["issue"]:
            rep, _doc = services.issue_now(request.user, d["type"], d["jurisdiction"], d["period"])
        else:
            rep = services.create_report(request.user, d["type"], d["jurisdiction"], d["period"])
        rep.refresh_from_db()
        return Response(IssuedReportSerializer(rep).data, status=201)

    @extend_schema(request=None, responses=IssuedReportSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        from envbureau.core.scoping import get_scoped_object

        rep = get_scoped_object(Report.objects.all(), request.user, "view", pk=pk)
        if not can(request.user, rep, "issue"):
            raise DRFPermissionDenied()
        services.issue_report(request.user, rep)
        rep.refresh_from_db()
        return Response(IssuedReportSerializer(rep).data)
