"""REST API of issued documents.

- GET /api/v1/core/documents/ (?kind=…&object_model=ledger.problem&object_id=12): documents whose object the
  caller may view; GET …/{id}/docx/ and …/{id}/pdf/ download them.
- GET /api/v1/core/document-types/ (kinds the caller manages), PATCH …/{code}/ {number_prefix, signing_unit},
  POST …/{code}/template/ (multipart "file", "note"): a new template version (400 naming an unknown placeholder).
- On an object's viewset, `DocumentActionsMixin` adds GET …/{id}/documents/ and
  POST …/{id}/issue-document/ {"kind": "ledger.assignment"} (400 naming the missing required field).
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from ..filters import IssuedDocumentFilter
from ..scoping import get_scoped_object
from . import services
from .models import DocumentTemplate, IssuedDocument
from .registry import kinds
from .render import TemplateError
from .views import DOCX, file_response


class IssuedDocumentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="doc_type.code", read_only=True)
    kind_label = serializers.CharField(source="doc_type.name", read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    docx_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = ["id", "kind", "kind_label", "number", "year", "seq", "signing_unit", "object_model", "object_id",
                  "object_repr", "template_version", "issued_by_name", "issued_at", "docx_sha256", "pdf_sha256",
                  "pdf_error", "docx_url", "pdf_url", "values"]

    def _url(self, obj, fmt):
        from django.urls import reverse

        return reverse("core:document-download", args=[obj.pk, fmt])

    def get_docx_url(self, obj) -> str:
        return self._url(obj, "docx")

    def get_pdf_url(self, obj) -> str | None:
        return self._url(obj, "pdf") if obj.pdf else None


class IssueSerializer(serializers.Serializer):
    kind = serializers.CharField()


class IssuedDocumentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IssuedDocumentSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = IssuedDocument.objects.none()  # for the schema; the real one is services.visible_to(user)
    filterset_class = IssuedDocumentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IssuedDocument.objects.none()
        return services.visible_to(self.request.user).order_by("-issued_at", "-id")

    def get_object(self):
        return services.get_visible(self.request.user, self.kwargs["pk"])

    # Downloads are files, not JSON: the schema says so (clients generated from it expect bytes).
    @extend_schema(responses={(200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description=".docx")})
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        doc = self.get_object()
        return file_response(doc.docx, f"{doc.file_stem}.docx", DOCX)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF")})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        doc = self.get_object()
        if not doc.pdf:
            raise Http404
        return file_response(doc.pdf, f"{doc.file_stem}.pdf", "application/pdf")


class TemplateVersionSerializer(serializers.ModelSerializer):
    # A template shipped with the platform has no uploader.
    uploaded_by = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = DocumentTemplate
        fields = ["id", "version", "file_name", "sha256", "uploaded_by", "uploaded_at", "note"]


class TemplateUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentTypeSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    number_prefix = serializers.CharField(required=False, allow_blank=True, max_length=40)
    signing_unit = serializers.CharField(required=False, max_length=200)
    model = serializers.CharField(read_only=True)
    permission = serializers.CharField(read_only=True)
    fields = serializers.ListField(read_only=True)
    templates = TemplateVersionSerializer(many=True, read_only=True)


def _type_data(kind, request=None):
    t = services.type_for(kind)
    return {"code": t.code, "name": t.name, "number_prefix": t.number_prefix, "signing_unit": t.signing_unit,
            "model": kind.model, "permission": kind.permission,
            "fields": [{"name": f.name, "label": str(f.label), "required": f.required} for f in kind.all_fields],
            "templates": TemplateVersionSerializer(t.templates.select_related("uploaded_by"), many=True).data}


class DocumentTypeViewSet(viewsets.ViewSet):
    """Document kinds the caller may manage (platform admins; module managers city-wide)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = DocumentTypeSerializer
    lookup_field = "code"
    lookup_value_regex = r"[\w.-]+"

    def _kind(self, code):
        kind = services.kind_or_404(code)
        if not services.can_manage(self.request.user, kind):
            raise Http404
        return kind

    def list(self, request):
        return Response([_type_data(k) for k in kinds() if services.can_manage(request.user, k)])

    def retrieve(self, request, code=None):
        return Response(_type_data(self._kind(code)))

    def partial_update(self, request, code=None):
        kind = self._kind(code)
        ser = DocumentTypeSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        services.update_type(request.user, kind, number_prefix=ser.validated_data.get("number_prefix"),
                             signing_unit=ser.validated_data.get("signing_unit"))
        return Response(_type_data(kind))

    @action(detail=True, methods=["post"], serializer_class=TemplateUploadSerializer)
    def template(self, request, code=None):
        kind = self._kind(code)
        ser = TemplateUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        f = ser.validated_data["file"]
        try:
            tpl = services.replace_template(request.user, kind, f.read(), f.name, ser.validated_data["note"])
        except TemplateError as exc:
            raise DRFValidationError({"file": [str(exc)]}) from exc
        return Response(TemplateVersionSerializer(tpl).data, status=status.HTTP_201_CREATED)


class DocumentActionsMixin:
    """Adds documents/ and issue-document/ to a scoped object viewset (ledger problems, complaints…)."""

    @extend_schema(responses=IssuedDocumentSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="documents", url_name="documents",
            serializer_class=IssuedDocumentSerializer, pagination_class=None)  # the whole list, not a page
    def documents(self, request, pk=None):
        obj = get_scoped_object(self.queryset.model, request.user, "view", pk=pk)
        return Response(IssuedDocumentSerializer(services.documents_for(obj), many=True).data)

    @action(detail=True, methods=["post"], url_path="issue-document", url_name="issue-document",
            serializer_class=IssueSerializer)
    def issue_document(self, request, pk=None):
        obj = get_scoped_object(self.queryset.model, request.user, "view", pk=pk)
        ser = IssueSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        kind = services.get_kind(ser.validated_data["kind"])
        if kind is None or kind.model != services.model_label(obj):
            allowed = [k.code for k in kinds() if k.model == services.model_label(obj)]
            raise DRFValidationError({"kind": [_("未知的文书类型;可选:%(k)s") % {"k": "、".join(allowed)}]})
        if not services.can_issue(request.user, obj, kind):
            raise DRFPermissionDenied()
        doc = services.issue(request.user, obj, kind.code)
        return Response(IssuedDocumentSerializer(doc).data, status=status.HTTP_201_CREATED)


__all__ = ["DocumentActionsMixin", "DocumentTypeViewSet", "IssuedDocumentViewSet"]
