"""REST API of projects (/api/v1/projects/): projects, funds, milestones, monthly reports, statistics; one
POST action per workflow verb. Errors: 400 bad data or state (naming the field), 403 no right, 404 out of scope."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from envbureau.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet
from envbureau.core.documents.api import DocumentActionsMixin
from envbureau.core.kit_api import timeline_action, transition_action
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object, may_view_module

from .filters import (
    CampaignFilter,
    CardFilter,
    FundFilter,
    GridFilter,
    MilestoneFilter,
    OutfallFilter,
    PatrolFilter,
    ProjectFilter,
    ReportFilter,
    TargetFilter,
)
from .models import (
    BasinMilestone,
    Campaign,
    CampaignTarget,
    Card,
    Fund,
    Grid,
    Milestone,
    Outfall,
    OutfallSample,
    Patrol,
    ProgressReport,
    Project,
)


class ProjectSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    battle_label = serializers.CharField(source="get_battle_display", read_only=True)
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)
    evaluation_grade = serializers.CharField(read_only=True, help_text="excellent|good|fair|poor, empty before the evaluation")
    evaluation_grade_label = serializers.CharField(source="get_evaluation_grade_display", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "code", "name", "battle", "battle_label", "task", "year", "jurisdiction", "jurisdiction_name",
                  "owner_unit", "owner_unit_name", "enterprise_id", "enterprise_name", "location", "description",
                  "planned_start", "planned_finish", "investment_planned", "investment_completed", "state",
                  "state_label", "started_on", "finished_on", "accepted_on", "evaluation_scores", "evaluation_score",
                  "evaluation_grade", "evaluation_grade_label"]
        read_only_fields = ["code", "enterprise_name", "investment_completed", "state", "started_on", "finished_on",
                            "accepted_on", "evaluation_scores", "evaluation_score", "evaluation_grade"]


class FundSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Fund
        fields = ["id", "project", "level", "level_label", "name", "reserve_batch", "requested", "approved",
                  "allocated", "allocation_doc", "allocated_on", "spent", "state", "state_label"]
        read_only_fields = ["approved", "allocated", "allocation_doc", "allocated_on", "spent", "state"]


class MilestoneSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(read_only=True, help_text="not done and past its due date (from the day after)")

    class Meta:
        model = Milestone
        fields = ["id", "project", "name", "due", "done_on", "overdue"]


class ProgressReportSerializer(serializers.ModelSerializer):
    late = serializers.BooleanField(read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "project", "month", "investment_completed", "stage", "progress", "due", "reported_on",
                  "reported_by", "late"]


def _validation(exc: DjangoValidationError):
    return DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class ServiceWrites:
    """POST and PUT/PATCH through the module's verbs instead of a plain save: `create_with` and `update_with`
    name them ("module.function", read when called: the verbs' modules import this one's neighbours; empty: the plain scoped save), called as
    fn(user, instance) — or fn(user, instance, m2m) when `m2m_fields` are set. A ValidationError is a 400 naming
    the field, PermissionDenied a 403; the answer is the instance as the serializer shows it."""

    create_with = ""
    update_with = ""
    m2m_fields: tuple[str, ...] = ()

    def _verb(self, dotted: str):
        import importlib

        module, name = dotted.rsplit(".", 1)
        return getattr(importlib.import_module(f"{__package__}.{module}"), name)

    def _call(self, dotted: str, user, obj, m2m) -> None:
        try:
            self._verb(dotted)(user, obj, *([m2m] if self.m2m_fields else []))
        except DjangoValidationError as exc:
            raise _validation(exc) from None
        except PermissionDenied:
            raise DRFPermissionDenied() from None

    def create(self, request, *args, **kwargs):
        if not self.create_with:
            return super().create(request, *args, **kwargs)
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        m2m = {f: data.pop(f, []) for f in self.m2m_fields}
        obj = self.queryset.model(**data)
        self._call(self.create_with, request.user, obj, m2m)
        return Response(self.get_serializer_class()(obj).data, status=201)

    def perform_update(self, serializer):
        if not self.update_with:
            return super().perform_update(serializer)
        obj = serializer.instance
        data = dict(serializer.validated_data)
        m2m = {f: data.pop(f) for f in self.m2m_fields if f in data} or None
        for k, v in data.items():
            setattr(obj, k, v)
        self._call(self.update_with, self.request.user, obj, m2m)


class ProjectViewSet(ServiceWrites, ScopedModelViewSet):
    """Projects; POST …/{id}/<verb>/ runs a workflow verb: start {started_on}, report {month, investment_completed,
    stage, note}, finish {finished_on, investment_completed}, accept {accepted_on, note}, reject {note},
    evaluate {scores: {indicator: 0–100}}, cancel {note}."""

    queryset = Project.objects.select_related("owner_unit", "jurisdiction")
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter

    create_with = "services.create_project"
    update_with = "services.update_project"

    start = transition_action(Project, ProjectSerializer, "start")
    report = transition_action(Project, ProjectSerializer, "report")
    finish = transition_action(Project, ProjectSerializer, "finish")
    accept = transition_action(Project, ProjectSerializer, "accept")
    reject = transition_action(Project, ProjectSerializer, "reject")
    evaluate = transition_action(Project, ProjectSerializer, "evaluate")
    cancel = transition_action(Project, ProjectSerializer, "cancel")
    timeline = timeline_action(Project)


class FundViewSet(ServiceWrites, ScopedModelViewSet):
    """Funds; POST …/{id}/<verb>/: approve {approved, reserve_batch}, reject {note}, allocate {allocated,
    allocation_doc, allocated_on}, spend {amount}."""

    queryset = Fund.objects.select_related("project")
    serializer_class = FundSerializer
    filterset_class = FundFilter

    create_with = "services.create_fund"

    approve = transition_action(Fund, FundSerializer, "approve")
    reject = transition_action(Fund, FundSerializer, "reject")
    allocate = transition_action(Fund, FundSerializer, "allocate")
    spend = transition_action(Fund, FundSerializer, "spend")
    timeline = timeline_action(Fund)


class MilestoneViewSet(ScopedModelViewSet):
    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter


class ReportViewSet(ScopedReadOnlyViewSet):
    queryset = ProgressReport.objects.all()
    serializer_class = ProgressReportSerializer
    filterset_class = ReportFilter


class StatisticsView(APIView):
    """GET /api/v1/projects/statistics/?jurisdiction=CODE&year=Y: projects planned/started/finished, completion
    rate, investment, 时间过半任务过半 and red/yellow flags, by battle, area and owner unit, each row with its funds
    (allocated, spent, execution rate; `links.funds` the fund list filtered alike); funds by level; the report
    sentence; each number with the URL of its records (scoped to the user)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=serializers.JSONField())
    def get(self, request):
        from . import stats
        from .views import stats_params

        if not has_perm(request.user, "projects.view"):
            raise DRFPermissionDenied()
        try:
            jur, year = stats_params(request._request, request.user)
        except DjangoValidationError as exc:
            raise _validation(exc) from None
        return Response(_jsonable(stats.statistics(request.user, jur, year)))


def _jsonable(value):
    import datetime as dt
    from decimal import Decimal

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if hasattr(value, "_proxy____cast") else value


# ---- campaigns ------------------------------------------------------------------------------------

class CampaignSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "code", "name", "kind", "kind_label", "jurisdiction", "start", "deadline", "category",
                  "description"]


class CampaignTargetSerializer(serializers.ModelSerializer):
    class_label = serializers.CharField(read_only=True)
    state = serializers.SerializerMethodField(help_text="state of its ledger problem")
    done = serializers.SerializerMethodField(help_text="rectified, accepted and every closure check recorded")
    missing_checks = serializers.SerializerMethodField()

    class Meta:
        model = CampaignTarget
        fields = ["id", "campaign", "name", "credit_code", "enterprise_id", "address", "jurisdiction", "industry",
                  "flags", "target_class", "class_label", "due", "lead_unit", "problem_id", "checks",
                  "missing_checks", "rechecks", "reopened", "last_checked_on", "state", "done"]
        read_only_fields = ["problem_id", "checks", "rechecks", "reopened", "last_checked_on"]

    def _state(self, obj):
        from . import campaigns

        cache = self.context.setdefault("_states", {})
        if obj.pk not in cache:
            cache.update(campaigns.states([obj.pk]))
        return cache.get(obj.pk)

    def get_state(self, obj) -> str:
        return self._state(obj) or ""

    def get_done(self, obj) -> bool:
        from . import campaigns

        return campaigns.is_done(obj, self._state(obj))

    def get_missing_checks(self, obj) -> list[str]:
        return obj.missing_checks()


class CampaignViewSet(ScopedModelViewSet):
    """Campaigns; GET …/{id}/statistics/: totals, by class and by area, the report sentence, 时间过半任务过半."""

    queryset = Campaign.objects.select_related("jurisdiction")
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter

    @extend_schema(responses=serializers.JSONField())
    @action(detail=True, methods=["get"], url_path="statistics", url_name="statistics", pagination_class=None)
    def statistics(self, request, pk=None):
        from . import campaign_stats

        c = get_scoped_object(Campaign, request.user, "view", pk=pk)
        return Response(_jsonable(campaign_stats.statistics(request.user, c)))


class TargetViewSet(ServiceWrites, ScopedModelViewSet):
    """Campaign targets (filters campaign, target_class, jurisdiction, status=done|open|overdue); creating one
    opens its ledger problem. POST …/{id}/checks/ {checks: {check: date}, note}; …/{id}/recheck/
    {passed: true|false, note}: a failed re-check reopens the ledger problem (反弹)."""

    queryset = CampaignTarget.objects.select_related("campaign", "campaign__jurisdiction")
    serializer_class = CampaignTargetSerializer
    filterset_class = TargetFilter

    create_with = "campaigns.create_target"
    update_with = "campaigns.update_target"

    @action(detail=True, methods=["post"], url_path="checks", url_name="checks")
    def checks(self, request, pk=None):
        from . import campaigns

        t = get_scoped_object(CampaignTarget, request.user, "view", pk=pk)
        checks = request.data.get("checks")
        if not isinstance(checks, dict):
            raise DRFValidationError({"checks": [_("须为 {核查项: 日期}")]})
        try:
            t = campaigns.record_checks(request.user, t, checks, note=str(request.data.get("note", "")))
        except DjangoValidationError as exc:
            raise _validation(exc) from None
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        return Response(CampaignTargetSerializer(t).data)

    @action(detail=True, methods=["post"], url_path="recheck", url_name="recheck")
    def recheck(self, request, pk=None):
        from . import campaigns

        t = get_scoped_object(CampaignTarget, request.user, "view", pk=pk)
        passed = request.data.get("passed")
        if passed not in (True, False, "true", "false", "1", "0", 1, 0):
            raise DRFValidationError({"passed": [_("须为 true 或 false")]})
        try:
            t = campaigns.recheck(request.user, t, passed=passed in (True, "true", "1", 1),
                                  note=str(request.data.get("note", "")))
        except DjangoValidationError as exc:
            raise _validation(exc) from None
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        return Response(CampaignTargetSerializer(t).data)

    timeline = timeline_action(CampaignTarget)


# ---- river outfalls ---------------------------------------------------------------------------------

class OutfallSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    type1_label = serializers.CharField(source="get_type1_display", read_only=True)
    type_path = serializers.CharField(read_only=True, help_text="the three levels as one label")
    permit_status_label = serializers.CharField(source="get_permit_status_display", read_only=True)
    outcome = serializers.CharField(read_only=True, help_text="ban|merge|regulate once decided")

    class Meta:
        model = Outfall
        fields = ["id", "code", "name", "type1", "type1_label", "type2", "type3", "type_path", "jurisdiction",
                  "longitude", "latitude", "basin", "receiving_water", "section_id", "section_name", "target_class",
                  "responsible_unit", "enterprise_id", "permit_status", "permit_status_label", "permit_no", "survey_batch", "state", "state_label",
                  "trace_result", "outcome", "merged_into", "measures", "step_due", "closed_out_on"]
        read_only_fields = ["section_name", "state", "trace_result", "merged_into", "measures", "step_due",
                            "closed_out_on"]


class OutfallSampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutfallSample
        fields = ["id", "outfall", "sampled_on", "dry_weather", "values", "water_class", "compliant", "exceeding"]


class BasinMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = BasinMilestone
        fields = ["id", "basin", "jurisdiction", "due", "traced_share", "rectified_share", "note"]


class OutfallViewSet(ServiceWrites, DocumentActionsMixin, ScopedModelViewSet):
    """River outfalls (filters jurisdiction, basin, type1, state, stage=found|confirmed|monitored|traced|rectifying|
    closed_out, outcome). POST …/{id}/<verb>/ (multipart for evidence `files`): confirm (evidence), dismiss {note},
    monitor {values: {item: mg/L}, sampled_on, dry_weather}, trace {trace_result, responsible_unit, enterprise_id},
    rectify {outcome, merged_into, measures, due}, close-out {note, closed_out_on} (evidence). GET map/ gives
    {fields, states, rows: [code, name, lng, lat, state index]} (cached per version); statistics/ the figures and
    basin milestones; documents/ and issue-document/ {"kind": "projects.outfall_dossier"} the 一口一档 dossier."""

    queryset = Outfall.objects.all()
    serializer_class = OutfallSerializer
    filterset_class = OutfallFilter

    create_with = "outfalls.create_outfall"
    update_with = "outfalls.update_outfall"

    confirm = transition_action(Outfall, OutfallSerializer, "confirm")
    dismiss = transition_action(Outfall, OutfallSerializer, "dismiss")
    monitor = transition_action(Outfall, OutfallSerializer, "monitor")
    trace = transition_action(Outfall, OutfallSerializer, "trace")
    rectify = transition_action(Outfall, OutfallSerializer, "rectify")
    close_out = transition_action(Outfall, OutfallSerializer, "close_out")
    timeline = timeline_action(Outfall)

    def _jur(self, request):
        from .views import stats_params

        try:
            return stats_params(request._request, request.user)[0]
        except DjangoValidationError as exc:
            raise _validation(exc) from None

    @extend_schema(responses=serializers.JSONField())
    @action(detail=False, methods=["get"], url_path="map", url_name="map", pagination_class=None)
    def map(self, request):
        from . import outfall_stats

        if not has_perm(request.user, "projects.view"):
            raise DRFPermissionDenied()
        from django.http import HttpResponse, HttpResponseNotModified

        # Thousands of plain rows: JSON bytes built once per change of the outfall table and scope (cached),
        # served as they are; a browser holding the same version gets 304.
        body, etag = outfall_stats.map_payload(request.user, self._jur(request),
                                               str(request.query_params.get("basin", ""))[:100])
        if etag in request.headers.get("If-None-Match", ""):
            resp = HttpResponseNotModified()
        else:
            resp = HttpResponse(body, content_type="application/json")
        resp["ETag"] = etag
        resp["Cache-Control"] = "private, no-cache"  # revalidate every time: the version may have changed
        return resp

    @extend_schema(responses=serializers.JSONField())
    @action(detail=False, methods=["get"], url_path="statistics", url_name="statistics", pagination_class=None)
    def statistics(self, request):
        from . import outfall_stats

        if not has_perm(request.user, "projects.view"):
            raise DRFPermissionDenied()
        return Response(_jsonable(outfall_stats.statistics(
            request.user, self._jur(request), basin=str(request.query_params.get("basin", ""))[:100])))


class SampleViewSet(ScopedReadOnlyViewSet):
    queryset = OutfallSample.objects.all()
    serializer_class = OutfallSampleSerializer


class BasinMilestoneViewSet(ScopedModelViewSet):
    queryset = BasinMilestone.objects.all()
    serializer_class = BasinMilestoneSerializer


class CardSerializer(serializers.ModelSerializer):
    colour_label = serializers.CharField(source="get_colour_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    criterion_label = serializers.CharField(read_only=True)
    # the stored period (Chinese, what ?period= filters on) and its words in the request's language
    period_label = serializers.CharField(read_only=True)

    class Meta:
        model = Card
        fields = ["id", "enterprise_id", "enterprise_name", "jurisdiction", "colour", "colour_label", "criterion",
                  "criterion_label", "reason", "state", "state_label", "issued_on", "period", "period_label",
                  "publish_due", "rectify_due", "removed_on"]
        read_only_fields = ["enterprise_name", "jurisdiction", "state", "issued_on", "period", "publish_due",
                            "rectify_due", "removed_on"]


class CardViewSet(ServiceWrites, ScopedModelViewSet):
    """Red/yellow cards (红黄牌警示; filters enterprise_id, jurisdiction, colour, state, period). POST creates a
    proposed card {enterprise_id, colour, criterion, reason}; POST …/{id}/<verb>/: issue {issued_on, rectify_due},
    withdraw {note}, remove {note, removed_on} (摘牌), escalate {note, rectify_due} (黄牌升级为红牌)."""

    queryset = Card.objects.select_related("jurisdiction")
    serializer_class = CardSerializer
    filterset_class = CardFilter

    create_with = "cards.create_card"
    update_with = "cards.update_card"

    issue = transition_action(Card, CardSerializer, "issue")
    withdraw = transition_action(Card, CardSerializer, "withdraw")
    remove = transition_action(Card, CardSerializer, "remove")
    escalate = transition_action(Card, CardSerializer, "escalate")
    timeline = timeline_action(Card)


class GridSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    next_due = serializers.SerializerMethodField()

    class Meta:
        model = Grid
        fields = ["id", "code", "name", "level", "level_label", "parent", "jurisdiction", "head", "officers",
                  "frequency_days", "objects_note", "state", "state_label", "last_patrol_on", "next_due"]
        read_only_fields = ["state", "last_patrol_on"]

    def get_next_due(self, obj) -> str | None:
        due = obj.next_due()
        return due.isoformat() if due else None


class PatrolSerializer(serializers.ModelSerializer):
    class Meta:
        model = Patrol
        fields = ["id", "grid", "officer", "officer_name", "patrol_on", "started_at", "ended_at", "longitude",
                  "latitude", "visited", "findings", "problem_id", "complaint_id", "complaint_number", "created_at"]


class GridViewSet(ServiceWrites, ScopedModelViewSet):
    """Grids (网格; filters as the list page). POST …/{id}/patrol/ (multipart for photos `files`) records a patrol:
    patrol_on, started_at, ended_at, longitude, latitude, visited, findings, to_ledger + category (a ledger
    problem) or complaint (id or 受理编号 of a complaint being handled: a follow-up on its timeline); answers the
    patrol. retire {note}."""

    queryset = Grid.objects.select_related("jurisdiction").prefetch_related("officers")
    serializer_class = GridSerializer
    filterset_class = GridFilter

    create_with = "grids.create_grid"
    update_with = "grids.update_grid"
    m2m_fields = ("officers",)

    @extend_schema(responses={201: PatrolSerializer})
    @action(detail=True, methods=["post"], url_path="patrol", url_name="patrol")
    def patrol(self, request, pk=None):
        from envbureau.core import workflow as wf

        grid = get_scoped_object(Grid, request.user, "view", pk=pk)
        data = {k: v for k, v in request.data.items() if k not in ("note", "files")}
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        try:
            wf.apply(request.user, grid, "patrol", note=str(request.data.get("note", "")), files=files, **data)
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        return Response(PatrolSerializer(grid.patrols.order_by("-pk").first()).data, status=201)

    retire = transition_action(Grid, GridSerializer, "retire")
    timeline = timeline_action(Grid)

    @extend_schema(responses=serializers.JSONField(), parameters=[
        OpenApiParameter("jurisdiction", str, description="属地代码(默认本人辖区)"),
        OpenApiParameter("since", str, description="统计起始日 YYYY-MM-DD(默认截止日所在月1日)"),
        OpenApiParameter("until", str, description="统计截止日 YYYY-MM-DD(默认今天)")])
    @action(detail=False, methods=["get"], url_path="statistics", url_name="statistics", pagination_class=None)
    def statistics(self, request):
        """Coverage and patrols as the grid statistics page shows them (scoped to the user): active grids,
        covered within their interval and coverage rate, overdue; patrols, officers, findings, problems opened;
        grid officers' trainings; by level and area; each number with the URL of its records."""
        from . import grid_stats
        from .views import grid_stats_params

        if not may_view_module(request.user, Grid):
            raise DRFPermissionDenied()
        try:
            jur, since, until = grid_stats_params(request._request, request.user)
        except DjangoValidationError as exc:
            raise _validation(exc) from None
        return Response(_jsonable(grid_stats.statistics(request.user, jur, since=since, until=until)))


class PatrolViewSet(ScopedReadOnlyViewSet):
    """Patrol records (巡查记录; filters jurisdiction, grid, since, until, found, problem)."""

    queryset = Patrol.objects.select_related("grid")
    serializer_class = PatrolSerializer
    filterset_class = PatrolFilter

