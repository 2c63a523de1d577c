"""REST API of the waste module (/api/v1/waste/): registries, manifests (create, one action per workflow
verb, timeline), declarations, alerts, reconciliation. Errors: 400 bad data or state, 403 no right, 404 out
of scope."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from envbureau.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet
from envbureau.core.documents.api import DocumentActionsMixin
from envbureau.core.kit_api import timeline_action, transition_action
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import restrict

from . import services, stats
from .filters import (
    AlertFilter,
    ApplicationFilter,
    CellFilter,
    DeclarationFilter,
    IndustrialWasteFilter,
    ManifestFilter,
    NormCheckFilter,
    ProducerFilter,
)
from .models import (
    Alert,
    CollectionPlatform,
    CrossProvinceApplication,
    CrossProvinceApproval,
    Declaration,
    IndustrialWaste,
    Licence,
    ManagementPlan,
    Manifest,
    NormCheck,
    NormRound,
    Operator,
    Producer,
    Stock,
    Transporter,
    ZeroWasteCell,
)


def _serializer(model_, fields_, read_only=()):
    meta = type("Meta", (), {"model": model_, "fields": ["id", *fields_], "read_only_fields": list(read_only)})
    return type(f"Waste{model_.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


ProducerSerializer = _serializer(Producer, ["enterprise_id", "name", "credit_code", "jurisdiction", "category",
                                            "annual_tonnes", "own_facility", "small_quantity", "storage_days",
                                            "waste_codes"])
PlanSerializer = _serializer(ManagementPlan, ["producer", "year", "filing_no", "filed_on", "planned_tonnes"])
OperatorSerializer = _serializer(Operator, ["enterprise_id", "name", "credit_code", "jurisdiction", "province"])
LicenceSerializer = _serializer(Licence, ["operator", "number", "kind", "categories", "codes", "capacity_tonnes",
                                          "valid_from", "valid_to"])
TransporterSerializer = _serializer(Transporter, ["name", "credit_code", "permit_no", "jurisdiction", "enterprise_id"])
ApprovalSerializer = _serializer(CrossProvinceApproval, ["number", "producer", "receiver", "waste_code", "tonnes",
                                                         "approved_on", "valid_until"])
StockSerializer = _serializer(Stock, ["producer", "waste_code", "tonnes", "stored_on", "cleared_on"])
NormRoundSerializer = _serializer(NormRound, ["name", "year", "jurisdiction", "pass_mark"])
NormCheckSerializer = _serializer(NormCheck, ["round", "producer", "checked_on", "score", "findings"])
PlatformSerializer = _serializer(CollectionPlatform, ["name", "operator", "jurisdiction", "started_on", "members"])
IndustrialSerializer = _serializer(IndustrialWaste, ["enterprise_id", "name", "jurisdiction", "year", "kind",
                                                     "generated", "utilised", "disposed", "stored"])
CellSerializer = _serializer(ZeroWasteCell, ["name", "kind", "status", "jurisdiction", "accepted_on"])


class WasteManifestSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    producer_name = serializers.CharField(source="producer.name", read_only=True)
    receiver_name = serializers.CharField(source="receiver.name", read_only=True)

    class Meta:
        model = Manifest
        fields = ["id", "number", "producer", "producer_name", "transporter", "receiver", "receiver_name",
                  "jurisdiction", "waste_code", "waste_name", "hazard", "sent_tonnes", "carried_tonnes",
                  "received_tonnes", "difference", "mismatch", "vehicle_no", "method", "created_on", "shipped_on",
                  "received_on", "confirm_due", "confirmed_on", "confirmed_late", "cross_province", "approval",
                  "reject_reason", "imported", "state", "state_label", "picked_up_on", "handed_over_on"]
        read_only_fields = [f for f in fields if f not in ("producer", "receiver", "transporter", "waste_code",
                                                           "waste_name", "hazard", "sent_tonnes", "created_on")]


class WasteDeclarationSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    period_label = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = Declaration
        fields = ["id", "producer", "period", "period_start", "period_label", "due", "state", "state_label",
                  "submitted_on", "generated_tonnes", "transferred_tonnes", "late"]


class WasteAlertSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Alert
        fields = ["id", "kind", "kind_label", "subject", "detail", "jurisdiction", "enterprise_id", "source_ref",
                  "raised_on", "due", "state", "state_label"]




class ProducerViewSet(ScopedModelViewSet):
    queryset = Producer.objects.select_related("jurisdiction")
    serializer_class = ProducerSerializer
    filterset_class = ProducerFilter


class PlanViewSet(ScopedModelViewSet):
    queryset = ManagementPlan.objects.select_related("producer")
    serializer_class = PlanSerializer


class OperatorViewSet(ScopedModelViewSet):
    queryset = Operator.objects.all()
    serializer_class = OperatorSerializer


class LicenceViewSet(ScopedModelViewSet):
    queryset = Licence.objects.select_related("operator")
    serializer_class = LicenceSerializer


class TransporterViewSet(ScopedModelViewSet):
    queryset = Transporter.objects.all()
    serializer_class = TransporterSerializer


class ApprovalViewSet(ScopedModelViewSet):
    queryset = CrossProvinceApproval.objects.all()
    serializer_class = ApprovalSerializer


class StockViewSet(ScopedModelViewSet):
    queryset = Stock.objects.select_related("producer")
    serializer_class = StockSerializer


class NormRoundViewSet(ScopedModelViewSet):
    queryset = NormRound.objects.all()
    serializer_class = NormRoundSerializer


class NormCheckViewSet(ScopedModelViewSet):
    queryset = NormCheck.objects.select_related("round", "producer")
    serializer_class = NormCheckSerializer
    filterset_class = NormCheckFilter


class PlatformViewSet(ScopedModelViewSet):
    queryset = CollectionPlatform.objects.prefetch_related("members")
    serializer_class = PlatformSerializer


class IndustrialViewSet(ScopedModelViewSet):
    queryset = IndustrialWaste.objects.all()
    serializer_class = IndustrialSerializer
    filterset_class = IndustrialWasteFilter


class CellViewSet(ScopedModelViewSet):
    queryset = ZeroWasteCell.objects.all()
    serializer_class = CellSerializer
    filterset_class = CellFilter


class ManifestViewSet(ScopedReadOnlyViewSet):
    """Manifests an enterprise sent, that are addressed to it or that it carries; bureau users by jurisdiction.
    POST creates one as the producer (its number is issued); the steps are the workflow's verbs."""

    queryset = Manifest.objects.select_related("producer", "receiver")
    serializer_class = WasteManifestSerializer
    filterset_class = ManifestFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        # Filing is the producer's "ship" right, not "add": services.create_manifest checks it.
        return [IsAuthenticated()] if self.action == "create" else super().get_permissions()

    @extend_schema(request=WasteManifestSerializer, responses=WasteManifestSerializer)
    def create(self, request, *args, **kwargs):
        ser = WasteManifestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        for key in ("producer", "receiver", "transporter"):  # references must lie in the user's view scope
            obj = d.get(key)
            if obj is not None and not restrict(type(obj).objects.filter(pk=obj.pk), request.user, "view").exists():
                raise DRFValidationError({key: ["不存在或不在您的权限范围内"]})
        try:
            m = services.create_manifest(request.user, producer=d["producer"], receiver=d["receiver"],
                                         transporter=d.get("transporter"), waste_code=d["waste_code"],
                                         waste_name=d["waste_name"], hazard=d.get("hazard", ""),
                                         sent_tonnes=d["sent_tonnes"], created_on=d.get("created_on"))
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        except DjangoValidationError as exc:
            raise DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
        return Response(WasteManifestSerializer(m).data, status=status.HTTP_201_CREATED)

    ship = transition_action(Manifest, WasteManifestSerializer, "ship")
    cancel = transition_action(Manifest, WasteManifestSerializer, "cancel")
    receive = transition_action(Manifest, WasteManifestSerializer, "receive")
    confirm = transition_action(Manifest, WasteManifestSerializer, "confirm")
    reject = transition_action(Manifest, WasteManifestSerializer, "reject")
    take_back = transition_action(Manifest, WasteManifestSerializer, "take_back")
    pick_up = transition_action(Manifest, WasteManifestSerializer, "pick_up")
    hand_over = transition_action(Manifest, WasteManifestSerializer, "hand_over")
    timeline = timeline_action(Manifest)


class WasteApplicationSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = CrossProvinceApplication
        fields = ["id", "producer", "receiver", "waste_code", "waste_name", "tonnes", "method", "period_from",
                  "period_to", "state", "state_label", "submitted_on", "accepted_on", "letter_on", "reply_on",
                  "reply_agreed", "decided_on", "step_due", "overdue", "late_steps", "approval"]
        read_only_fields = [f for f in fields if f not in ("producer", "receiver", "waste_code", "waste_name",
                                                           "tonnes", "method", "period_from", "period_to",
                                                           "submitted_on")]
        extra_kwargs = {"submitted_on": {"required": False}}


class ApplicationViewSet(DocumentActionsMixin, ScopedReadOnlyViewSet):
    """跨省转移申请: POST applies as the producer (its own enterprise); the bureau's steps are the workflow's
    verbs, each due in its working days."""

    queryset = CrossProvinceApplication.objects.select_related("producer", "receiver")
    serializer_class = WasteApplicationSerializer
    filterset_class = ApplicationFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        return [IsAuthenticated()] if self.action == "create" else super().get_permissions()

    @extend_schema(request=WasteApplicationSerializer, responses=WasteApplicationSerializer)
    def create(self, request, *args, **kwargs):
        ser = WasteApplicationSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        if not restrict(Producer.objects.filter(pk=d["producer"].pk), request.user, "view").exists():
            raise DRFValidationError({"producer": ["不存在或不在您的权限范围内"]})
        try:
            a = services.create_application(request.user, CrossProvinceApplication(**d))
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        except DjangoValidationError as exc:
            raise DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
        return Response(WasteApplicationSerializer(a).data, status=status.HTTP_201_CREATED)

    accept = transition_action(CrossProvinceApplication, WasteApplicationSerializer, "accept")
    return_for_more = transition_action(CrossProvinceApplication, WasteApplicationSerializer, "return_for_more")
    resubmit = transition_action(CrossProvinceApplication, WasteApplicationSerializer, "resubmit")
    consult = transition_action(CrossProvinceApplication, WasteApplicationSerializer, "consult")
    record_reply = transition_action(CrossProvinceApplication, WasteApplicationSerializer, "record_reply")
    approve = transition_action(CrossProvinceApplication, WasteApplicationSerializer, "approve")
    refuse = transition_action(CrossProvinceApplication, WasteApplicationSerializer, "refuse")
    withdraw = transition_action(CrossProvinceApplication, WasteApplicationSerializer, "withdraw")
    timeline = timeline_action(CrossProvinceApplication)


class DeclarationViewSet(ScopedReadOnlyViewSet):
    queryset = Declaration.objects.select_related("producer")
    serializer_class = WasteDeclarationSerializer
    filterset_class = DeclarationFilter
    submit = transition_action(Declaration, WasteDeclarationSerializer, "submit")
    timeline = timeline_action(Declaration)


class AlertViewSet(ScopedReadOnlyViewSet):
    queryset = Alert.objects.all()
    serializer_class = WasteAlertSerializer
    filterset_class = AlertFilter
    handle = transition_action(Alert, WasteAlertSerializer, "handle")
    timeline = timeline_action(Alert)


class WasteReconciliationSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    figures = serializers.JSONField(help_text="联单总数、已确认、数量不一致、待确认已超期、逾期确认、跨省转移、拒收/退回")
    links = serializers.JSONField(help_text="每个数字对应的联单列表地址")
    sent_tonnes = serializers.CharField()
    carried_tonnes = serializers.CharField()
    received_tonnes = serializers.CharField()
    mismatches = WasteManifestSerializer(many=True)


class ReconciliationView(APIView):
    """GET /api/v1/waste/reconciliation/?year=Y: the reconciliation figures and the first 50 mismatches."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=WasteReconciliationSerializer)
    def get(self, request):
        if not has_perm(request.user, "waste.view"):
            raise DRFPermissionDenied()
        r = stats.reconciliation(request.user, request.query_params)
        return Response({"year": r["year"], "figures": {k: v for k, _l, v, _u in r["rows"]}, "links": r["links"],
                         "sent_tonnes": str(r["sent"]), "carried_tonnes": str(r["carried"]),
                         "received_tonnes": str(r["received"]),
                         "mismatches": WasteManifestSerializer(r["mismatches"], many=True).data})


class WasteStatisticsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    rounds = serializers.ListField(child=serializers.JSONField(), help_text="每轮评估:评估单位、合格、合格率、列表地址")
    small = serializers.IntegerField(help_text="小微产废单位数")
    joined = serializers.IntegerField(help_text="其中纳入收集平台的")
    industrial = serializers.JSONField(help_text="一般工业固体废物:g 产生、u 综合利用、d 处置、s 贮存(吨)")
    utilisation = serializers.CharField()
    cells = serializers.IntegerField(help_text="已验收命名的无废城市细胞")


class StatisticsView(APIView):
    """GET /api/v1/waste/statistics/?year=Y: 规范化管理评估合格率, platforms, industrial solid waste, cells."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=WasteStatisticsSerializer)
    def get(self, request):
        if not has_perm(request.user, "waste.view"):
            raise DRFPermissionDenied()
        s = stats.statistics(request.user, request.query_params)
        return Response({"year": s["year"],
                         "rounds": [{k: str(v) if k == "pass_mark" else v for k, v in r.items()} for r in s["rounds"]],
                         "small": s["small"], "joined": s["joined"],
                         "industrial": {k: str(v) for k, v in s["industrial"].items()}, "utilisation": s["utilisation"],
                         "cells": s["cells"]})
