"""REST API of approvals (/api/v1/approvals/): EIA applications, permits, execution reports, each with one
POST action per workflow verb, their timelines; statistics. Errors: 400 bad data or state, 403 no right,
404 out of scope."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from envbureau.core.api import ScopedReadOnlyViewSet
from envbureau.core.documents.api import DocumentActionsMixin
from envbureau.core.kit_api import timeline_action, transition_action
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object

from . import eia, emergency, permits, prereview
from .filters import (
    CheckFilter,
    DutyFilter,
    EIAFilter,
    IncidentFilter,
    PermitFilter,
    PlanFilter,
    PreReviewFilter,
    ReportFilter,
)
from .models import (
    DutyShift,
    EIAApplication,
    EmergencyPlan,
    ExecutionReport,
    HazardCheck,
    Incident,
    Material,
    Permit,
    PermitLimit,
    PreReview,
)


def _create(request, input_serializer, service, output_serializer):
    """POST on a collection: validate the body, hand it to the service that records the object (it checks the
    right and the scope), answer 201 with the object, 403 when refused, 400 naming the fields on bad input."""
    s = input_serializer(data=request.data)
    s.is_valid(raise_exception=True)
    try:
        obj = service(request.user, **s.validated_data)
    except PermissionDenied:
        raise DRFPermissionDenied() from None
    except DjangoValidationError as exc:
        raise DRFValidationError(_errors(exc)) from None
    return Response(output_serializer(obj).data, status=201)


def _errors(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}


class EIASerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    # where the limit comes from: as stored (Chinese) and in the request's language
    limit_source_label = serializers.CharField(read_only=True)

    class Meta:
        model = EIAApplication
        fields = ["id", "code", "enterprise_id", "builder", "credit_code", "project_name", "category",
                  "category_label", "industry_code", "industry_name", "investment", "env_investment", "jurisdiction",
                  "location", "commitment", "state", "state_label", "submitted_on", "missing_materials", "corrections",
                  "accepted_on", "acceptance_notice_until", "expert_opinion", "proposed_on", "proposal_notice_until",
                  "decided_on", "conditions", "decision_reasons", "limit_days", "limit_source", "limit_source_label", "due_on",
                  "days_used", "within_limit", "filing_no", "completed_on", "completion_note"]


class EIACreateSerializer(serializers.Serializer):
    enterprise_id = serializers.IntegerField()
    project_name = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=["report", "form", "registration"])
    submitted_on = serializers.DateField(required=False, allow_null=True)
    industry_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    investment = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                          min_value=0)
    env_investment = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                              min_value=0)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    commitment = serializers.BooleanField(required=False, default=False)


class MaterialSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = ["id", "title", "name", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, m) -> str:
        from django.urls import reverse

        return reverse("approvals:material", args=[m.pk])


class MaterialUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


def _materials(model, kind: str):
    """GET …/{id}/materials/ lists them; POST (multipart: file, title) uploads one to the enterprise's own record
    (size, type and number bounded; 400 naming `file`)."""
    from rest_framework.parsers import FormParser, MultiPartParser

    @extend_schema(methods=["GET"], responses=MaterialSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": MaterialUploadSerializer},
                   responses={201: MaterialSerializer})
    @action(detail=True, methods=["get", "post"], url_path="materials", url_name="materials", pagination_class=None,
            parser_classes=[MultiPartParser, FormParser])
    def materials(self, request, pk=None):
        from . import materials as store

        obj = get_scoped_object(model, request.user, "view", pk=pk)
        if request.method == "GET":
            return Response(MaterialSerializer(obj.materials.all(), many=True).data)
        try:
            m = store.upload(request.user, kind, pk, request.FILES.get("file"), str(request.data.get("title", "")))
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        except DjangoValidationError as exc:
            raise DRFValidationError(_errors(exc)) from None
        return Response(MaterialSerializer(m).data, status=201)
    return materials


class EIAViewSet(DocumentActionsMixin, ScopedReadOnlyViewSet):
    """EIA applications. POST creates one ({enterprise_id, project_name, category, …}; a registration form is
    filed at once); POST …/{id}/<verb>/ runs a workflow verb: request-correction {missing_materials},
    resubmit, accept {accepted_on}, start-review, finish-review {expert_opinion}, propose, approve
    {conditions, decided_on}, refuse {decision_reasons, decided_on}, withdraw (note), complete
    {completion_note, completed_on}."""

    queryset = EIAApplication.objects.select_related("jurisdiction")
    serializer_class = EIASerializer
    filterset_class = EIAFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=EIACreateSerializer, responses={201: EIASerializer})
    def create(self, request, *args, **kwargs):
        return _create(request, EIACreateSerializer, eia.submit, EIASerializer)

    request_correction = transition_action(EIAApplication, EIASerializer, "request_correction")
    resubmit = transition_action(EIAApplication, EIASerializer, "resubmit")
    accept = transition_action(EIAApplication, EIASerializer, "accept")
    start_review = transition_action(EIAApplication, EIASerializer, "start_review")
    finish_review = transition_action(EIAApplication, EIASerializer, "finish_review")
    propose = transition_action(EIAApplication, EIASerializer, "propose")
    approve = transition_action(EIAApplication, EIASerializer, "approve")
    refuse = transition_action(EIAApplication, EIASerializer, "refuse")
    withdraw = transition_action(EIAApplication, EIASerializer, "withdraw")
    complete = transition_action(EIAApplication, EIASerializer, "complete")
    timeline = timeline_action(EIAApplication)
    materials = _materials(EIAApplication, "eia")


class PermitLimitSerializer(serializers.ModelSerializer):
    class Meta:
        model = PermitLimit
        fields = ["outlet_code", "outlet_name", "factor", "unit", "period", "limit_value", "lower_limit",
                  "on_converted", "annual_quantity"]


class PermitSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    limits = PermitLimitSerializer(many=True, read_only=True)
    renewal_due = serializers.DateField(read_only=True)

    class Meta:
        model = Permit
        fields = ["id", "number", "enterprise_id", "enterprise_name", "credit_code", "jurisdiction", "category",
                  "authority", "issued_on", "valid_from", "valid_until", "renewal_due", "report_frequency",
                  "monitoring_duties", "record_keeping", "state", "state_label", "version", "renewal_applied_on",
                  "renewal_late", "revoked_on", "limits"]


class PermitCreateSerializer(serializers.Serializer):
    enterprise_id = serializers.IntegerField()
    number = serializers.CharField(max_length=40)
    category = serializers.ChoiceField(choices=["key", "simplified", "registration"])
    issued_on = serializers.DateField(required=False, allow_null=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    authority = serializers.CharField(max_length=100, required=False, allow_blank=True)
    report_frequency = serializers.ChoiceField(choices=["", "monthly", "quarterly", "annual"], required=False)
    monitoring_duties = serializers.CharField(required=False, allow_blank=True)
    record_keeping = serializers.CharField(required=False, allow_blank=True)
    limits = serializers.ListField(child=serializers.DictField(), required=False)


class PermitViewSet(ScopedReadOnlyViewSet):
    """Discharge permits. POST issues one (limits: [{outlet_code, factor, period, limit_value, lower_limit,
    unit, annual_quantity}]; they become the online-monitoring limits of the outlets' points); POST
    …/{id}/<verb>/: change {limits, report_frequency, …} (note), apply-renewal {on}, renew {valid_until},
    revoke {on} (note), expire {on}, supervise {task} (note: what was done about its open 证后监管 findings)."""

    queryset = Permit.objects.prefetch_related("limits")
    serializer_class = PermitSerializer
    filterset_class = PermitFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=PermitCreateSerializer, responses={201: PermitSerializer})
    def create(self, request, *args, **kwargs):
        return _create(request, PermitCreateSerializer, permits.issue, PermitSerializer)

    change = transition_action(Permit, PermitSerializer, "change")
    apply_renewal = transition_action(Permit, PermitSerializer, "apply_renewal")
    renew = transition_action(Permit, PermitSerializer, "renew")
    revoke = transition_action(Permit, PermitSerializer, "revoke")
    expire = transition_action(Permit, PermitSerializer, "expire")
    supervise = transition_action(Permit, PermitSerializer, "supervise")
    timeline = timeline_action(Permit)


class ExecutionReportSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    period_label = serializers.CharField(read_only=True)
    permit_number = serializers.CharField(source="permit.number", read_only=True)

    class Meta:
        model = ExecutionReport
        fields = ["id", "permit", "permit_number", "kind", "year", "period", "period_label", "due_on", "state",
                  "state_label", "submitted_on", "late", "content", "emissions", "review_note"]


class MonitoringComparisonSerializer(serializers.Serializer):
    factor = serializers.CharField()
    label = serializers.CharField()
    reported = serializers.FloatField(allow_null=True, help_text="吨")
    measured = serializers.FloatField(allow_null=True, help_text="吨,在线监测日排放量之和")
    days = serializers.IntegerField(help_text="报告期内有在线数据的天数")
    period_days = serializers.IntegerField()
    difference = serializers.FloatField(allow_null=True, help_text="申报减在线(吨)")
    percent = serializers.FloatField(allow_null=True, help_text="差值占在线监测量的百分比")
    flagged = serializers.BooleanField()


class ReportViewSet(ScopedReadOnlyViewSet):
    """Execution reports (created from the permit's frequency); POST …/{id}/submit/ {content, emissions:
    {factor: tonnes}, submitted_on} by the enterprise, accept {review_note} / send-back (note) by staff;
    GET …/{id}/monitoring/ the reported emissions against online monitoring over the report's period."""

    queryset = ExecutionReport.objects.select_related("permit")
    serializer_class = ExecutionReportSerializer
    filterset_class = ReportFilter
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        from rest_framework.exceptions import MethodNotAllowed

        raise MethodNotAllowed("POST")

    submit = transition_action(ExecutionReport, ExecutionReportSerializer, "submit")
    accept = transition_action(ExecutionReport, ExecutionReportSerializer, "accept")
    send_back = transition_action(ExecutionReport, ExecutionReportSerializer, "send_back")
    timeline = timeline_action(ExecutionReport)

    @extend_schema(responses=MonitoringComparisonSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="monitoring", url_name="monitoring", pagination_class=None)
    def monitoring(self, request, pk=None):
        from .supervision import compare_with_monitoring

        report = get_scoped_object(ExecutionReport, request.user, "view", pk=pk)
        return Response(MonitoringComparisonSerializer(compare_with_monitoring(report), many=True).data)


class ApprovalStatisticsSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField(allow_blank=True, help_text="区划代码(企业账号按本企业统计时为空)")
    jurisdiction_name = serializers.CharField(allow_blank=True)
    scope = serializers.ChoiceField(choices=["area", "enterprise"],
                                    help_text="统计范围:area 区划;enterprise 企业账号的本企业")
    scope_name = serializers.CharField(help_text="统计范围的名称(区划名或企业名)")
    enterprise_ids = serializers.ListField(child=serializers.IntegerField(), help_text="按本企业统计时的企业ID")
    note = serializers.CharField(allow_blank=True, help_text="未采用的参数的说明(企业账号的 jurisdiction)")
    year = serializers.IntegerField()
    figures = serializers.JSONField(help_text="本年各项数字")
    previous = serializers.JSONField(help_text="上年各项数字")
    within_share = serializers.FloatField(allow_null=True, help_text="在时限内办结比例(%)")
    sentence = serializers.CharField(help_text="报告句子")
    links = serializers.JSONField(help_text="每个数字对应的记录列表地址")
    rows = serializers.ListField(child=serializers.JSONField())
    industries = serializers.ListField(child=serializers.JSONField())


class StatisticsView(APIView):
    """GET /api/v1/approvals/statistics/?jurisdiction=CODE&year=Y: figures, previous year, year on year,
    the share decided within the limit, by industry, the report sentence and each figure's list URL. An
    enterprise account gets its own enterprise's figures (scope "enterprise"; a jurisdiction is not applied and
    `note` says so); an area outside the reader's is a 400."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ApprovalStatisticsSerializer)
    def get(self, request):
        from . import stats
        from .views import stats_params

        if not has_perm(request.user, "approvals.view"):
            raise DRFPermissionDenied()
        try:
            scope, year = stats_params(request._request, request.user)
        except DjangoValidationError as exc:
            raise DRFValidationError(exc.message_dict) from None
        return Response(ApprovalStatisticsSerializer(stats.statistics(request.user, scope, year)).data)


class EmergencyPlanSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    level_differs = serializers.BooleanField(read_only=True, help_text="the filed level differs from the computed one")

    class Meta:
        model = EmergencyPlan
        fields = ["id", "code", "enterprise_id", "enterprise_name", "jurisdiction", "title", "signed_on",
                  "submitted_on", "filing_due", "submitted_late", "state", "state_label", "filed_on", "filing_no",
                  "revision_due", "risk_inputs", "risk_level", "risk_label", "risk_working", "computed_level",
                  "level_differs", "risk_tables", "drills", "last_drill_on"]


class EmergencyPlanCreateSerializer(serializers.Serializer):
    enterprise_id = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    signed_on = serializers.DateField()
    submitted_on = serializers.DateField(required=False, allow_null=True)
    risk = serializers.JSONField(help_text='{"air": {"substances": [{"name", "quantity_t", "critical_t"}], "m": 30, '
                                           '"e": "E1"}, "water": {…}}; instead of "m" (the finished score) a medium '
                                           'may give "m_parts": {"processes": [{"name": "加氢", "units": 2, '
                                           '"points": 10}], "items": {"截流措施": 8, …}} (every risk-control item '
                                           'of the medium, 0..its maximum), and instead of "e" "e_parts": air '
                                           '{"pop_5km": 62000, "pop_500m": 300}, water {"f": "F2", "s": "S1"}')


class PlanViewSet(ScopedReadOnlyViewSet):
    """Emergency plans. POST submits one for filing with its HJ 941 inputs (the level and its working are
    computed); POST …/{id}/<verb>/: file {filed_on}, send-back (note), resubmit, drill {drilled_on} (note),
    supersede (note)."""

    queryset = EmergencyPlan.objects.all()
    serializer_class = EmergencyPlanSerializer
    filterset_class = PlanFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=EmergencyPlanCreateSerializer, responses={201: EmergencyPlanSerializer})
    def create(self, request, *args, **kwargs):
        return _create(request, EmergencyPlanCreateSerializer, emergency.submit_plan, EmergencyPlanSerializer)

    file = transition_action(EmergencyPlan, EmergencyPlanSerializer, "file")
    send_back = transition_action(EmergencyPlan, EmergencyPlanSerializer, "send_back")
    resubmit = transition_action(EmergencyPlan, EmergencyPlanSerializer, "resubmit")
    drill = transition_action(EmergencyPlan, EmergencyPlanSerializer, "drill")
    supersede = transition_action(EmergencyPlan, EmergencyPlanSerializer, "supersede")
    timeline = timeline_action(EmergencyPlan)
    materials = _materials(EmergencyPlan, "plan")


class HazardCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = HazardCheck
        fields = ["id", "round_name", "enterprise_id", "enterprise_name", "jurisdiction", "checked_on", "checkers",
                  "findings", "problem_refs"]


class HazardCheckCreateSerializer(serializers.Serializer):
    enterprise_id = serializers.IntegerField()
    round_name = serializers.CharField(max_length=100)
    checked_on = serializers.DateField(required=False, allow_null=True)
    checkers = serializers.CharField(max_length=200, required=False, allow_blank=True)
    findings = serializers.ListField(child=serializers.JSONField(), required=False)
    deadline = serializers.DateField(required=False, allow_null=True)


class CheckViewSet(ScopedReadOnlyViewSet):
    """Hidden-danger checks. POST records one ({enterprise_id, round_name, checked_on, findings: [{"text",
    "category"}], deadline}); each finding opens a ledger problem (batch = the round)."""

    queryset = HazardCheck.objects.all()
    serializer_class = HazardCheckSerializer
    filterset_class = CheckFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=HazardCheckCreateSerializer, responses={201: HazardCheckSerializer})
    def create(self, request, *args, **kwargs):
        return _create(request, HazardCheckCreateSerializer, emergency.record_check, HazardCheckSerializer)


class DutyShiftSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = DutyShift
        fields = ["id", "day", "role", "role_label", "person", "phone", "jurisdiction", "jurisdiction_code",
                  "jurisdiction_name"]


class DutyViewSet(ScopedReadOnlyViewSet):
    """The 24-hour duty roster (应急值班表), read only (kept on the page /approvals/duty/): filter by `day`,
    `day_from`/`day_to`, `role`, `jurisdiction` (an area and the areas inside it)."""

    queryset = DutyShift.objects.select_related("jurisdiction").order_by("-day", "role", "person", "pk")
    serializer_class = DutyShiftSerializer
    filterset_class = DutyFilter


class IncidentSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "code", "title", "kind", "level", "level_label", "jurisdiction", "enterprise_id",
                  "enterprise_name", "location", "occurred_at", "reported_at", "description", "state", "state_label",
                  "initial_report_due", "initial_reported_at", "initial_report_late", "follow_ups", "summary",
                  "closed_at"]


class IncidentCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.CharField(max_length=60)
    description = serializers.CharField()
    occurred_at = serializers.CharField(help_text="YYYY-MM-DD HH:MM (Asia/Shanghai)")
    reported_at = serializers.CharField(required=False, allow_blank=True, help_text="默认现在")
    level = serializers.ChoiceField(choices=["IV", "III", "II", "I"], required=False, default="IV")
    enterprise_id = serializers.IntegerField(required=False, allow_null=True)
    jurisdiction = serializers.CharField(required=False, allow_blank=True, help_text="属地代码(无涉事企业时)")
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)


class IncidentViewSet(ScopedReadOnlyViewSet):
    """Environmental incidents. POST reports one (the initial report to the higher authority is due 4 hours
    after the bureau learned of a 一般/较大 incident, 2 hours for 重大/特别重大); POST …/{id}/<verb>/: respond
    (note), log (note), relevel {level} (note), report-up {at} (note: 初报), follow-up (note: 续报), close
    {summary} (处理结果报告)."""

    queryset = Incident.objects.select_related("jurisdiction")
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=IncidentCreateSerializer, responses={201: IncidentSerializer})
    def create(self, request, *args, **kwargs):
        return _create(request, IncidentCreateSerializer, emergency.report_incident, IncidentSerializer)

    respond = transition_action(Incident, IncidentSerializer, "respond")
    log = transition_action(Incident, IncidentSerializer, "log")
    relevel = transition_action(Incident, IncidentSerializer, "relevel")
    report_up = transition_action(Incident, IncidentSerializer, "report_up")
    follow_up = transition_action(Incident, IncidentSerializer, "follow_up")
    close = transition_action(Incident, IncidentSerializer, "close")
    timeline = timeline_action(Incident)


class RiskSourceSerializer(serializers.Serializer):
    enterprise_id = serializers.IntegerField()
    enterprise_name = serializers.CharField()
    jurisdiction = serializers.CharField()
    level = serializers.CharField(help_text="一般 / 较大 / 重大")
    level_label = serializers.CharField()
    label = serializers.CharField(help_text="风险等级表征,如 较大[较大-大气(Q1-M2-E1) + 一般-水(Q0)]")
    plan_code = serializers.CharField()
    plan_state = serializers.CharField()
    filed = serializers.BooleanField()
    longitude = serializers.FloatField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    address = serializers.CharField()
    url = serializers.CharField()


class RiskSourcesView(APIView):
    """Risk-source enterprises: each enterprise's level from its current emergency plan, with coordinates;
    filters as the plans list (jurisdiction, risk_level, enterprise_id)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RiskSourceSerializer(many=True))
    def get(self, request):
        from envbureau.core.scoping import may_view_module, restrict

        if not may_view_module(request.user, EmergencyPlan):
            raise DRFPermissionDenied()
        from .filters import risk_rows

        f, rows = risk_rows(request, restrict(EmergencyPlan.objects.all(), request.user, "view"))
        if f.form.is_bound and not f.is_valid():
            raise DRFValidationError(f.errors)
        return Response(RiskSourceSerializer(rows, many=True).data)


class PreReviewSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    origin_label = serializers.CharField(source="get_origin_display", read_only=True)
    conclusion_label = serializers.CharField(source="get_conclusion_display", read_only=True)
    zoning_category_label = serializers.CharField(source="get_zoning_category_display", read_only=True)

    class Meta:
        model = PreReview
        fields = ["id", "code", "origin", "origin_label", "project_name", "applicant", "credit_code", "enterprise_id",
                  "industry_name", "jurisdiction", "location", "investment", "zoning_category",
                  "zoning_category_label", "zoning_unit", "summary", "state", "state_label", "received_on", "due_on",
                  "concluded_on", "conclusion", "conclusion_label", "reasons", "within_limit"]


class PreReviewCreateSerializer(serializers.Serializer):
    origin = serializers.ChoiceField(choices=["investment", "internal"], help_text="招商引资 / 工业内生")
    project_name = serializers.CharField(max_length=200)
    industry_name = serializers.CharField(max_length=100)
    enterprise_id = serializers.IntegerField(required=False, allow_null=True,
                                             help_text="已登记企业(可选;有则申报单位、属地取企业档案)")
    applicant = serializers.CharField(max_length=200, required=False, allow_blank=True)
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
    jurisdiction = serializers.CharField(required=False, allow_blank=True, help_text="属地代码(无企业时必填)")
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    investment = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                          min_value=0)
    zoning_category = serializers.ChoiceField(choices=["", "priority", "key", "general"], required=False,
                                              allow_blank=True)
    zoning_unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    received_on = serializers.DateField(required=False, allow_null=True)


class PreReviewViewSet(ScopedReadOnlyViewSet):
    """Project pre-reviews (项目预审 of 招商引资 / 工业内生 projects against 三线一单 and industry policy). POST
    registers one (approvals.add); POST …/{id}/conclude/ {conclusion: agree|conditional|disagree, reasons
    (required unless agree), concluded_on} (approvals.decide); …/{id}/withdraw/ (note); timeline/."""

    queryset = PreReview.objects.select_related("jurisdiction")
    serializer_class = PreReviewSerializer
    filterset_class = PreReviewFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=PreReviewCreateSerializer, responses={201: PreReviewSerializer})
    def create(self, request, *args, **kwargs):
        return _create(request, PreReviewCreateSerializer, prereview.register, PreReviewSerializer)

    conclude = transition_action(PreReview, PreReviewSerializer, "conclude")
    withdraw = transition_action(PreReview, PreReviewSerializer, "withdraw")
    timeline = timeline_action(PreReview)
