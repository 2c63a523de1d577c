"""REST API of enforcement (/api/v1/enforcement/): libraries, plans, draws (run, verify), inspections with
one action per workflow verb. Errors: 400 bad data or state, 403 no right, 404 out of scope."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from envbureau.core.api import PublicReadOnlyViewSet, ScopedModelViewSet, ScopedReadOnlyViewSet
from envbureau.core.documents.api import DocumentActionsMixin
from envbureau.core.kit_api import timeline_action, transition_action
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object

from . import drawing, services
from .choices import ClueSource, MeasureKind
from .filters import (
    CaseFilter,
    ClueFilter,
    DrawFilter,
    InspectionFilter,
    MeasureFilter,
    PoolFilter,
    RatingFilter,
    RepairFilter,
    TransferFilter,
)
from .models import (
    Case,
    Clue,
    CreditRating,
    CreditRepair,
    Draw,
    DrawPlan,
    Inspection,
    InspectionEvidence,
    InspectionItem,
    Inspector,
    InspectorPosting,
    LegalBasis,
    Measure,
    PoolEnterprise,
    Recusal,
    SeedCommitment,
    Transfer,
)


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


class PostingSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectorPosting
        fields = ["id", "inspector", "kind", "jurisdiction", "enterprise", "post", "started_on", "ended_on"]

    def validate(self, attrs):
        obj = InspectorPosting(**{**({f: getattr(self.instance, f) for f in self.Meta.fields[1:]}
                                     if self.instance else {}), **attrs})
        from django.core.exceptions import ValidationError as DjangoValidationError

        try:
            obj.clean()
        except DjangoValidationError as exc:
            raise DRFValidationError(exc.message_dict) from None
        return attrs


class PlanSerializer(serializers.ModelSerializer):
    yearly_frequency = serializers.SerializerMethodField(
        help_text="每类每年平均抽查次数 = 每期比例 × 每年期数;*_positive 为正面清单企业")
    periods = serializers.SerializerMethodField()

    class Meta:
        model = DrawPlan
        fields = ["id", "name", "jurisdiction", "year", "period", "ratio_key", "ratio_general", "ratio_special",
                  "positive_factor", "team_size", "yearly_cap", "items", "active", "yearly_frequency", "periods"]

    def get_yearly_frequency(self, obj) -> dict:
        return obj.yearly_frequency()

    def get_periods(self, obj) -> list[dict]:
        from . import period_keys

        kind = obj.period if obj.period in period_keys.MONTHS else "quarter"
        return [{"key": p.key, "start": p.start.isoformat(), "end": p.end.isoformat()}
                for p in period_keys.periods(kind, obj.year)]


class CommitmentSerializer(serializers.ModelSerializer):
    draw = serializers.SerializerMethodField()

    class Meta:
        model = SeedCommitment
        fields = ["id", "plan", "period", "commitment", "source", "note", "committed_at", "draw"]

    def get_draw(self, obj) -> int | None:
        d = getattr(obj, "draw", None) if obj.pk else None
        try:
            return d.pk if d else None
        except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: no draw yet
            return None


class CommitInputSerializer(serializers.Serializer):
    period = serializers.CharField(required=False, allow_blank=True, help_text="如 2026-Q3;留空为当前期间")
    commitment = serializers.CharField(required=False, allow_blank=True,
                                       help_text="种子的SHA-256;留空则由平台生成种子并保密,只公布其SHA-256")
    note = serializers.CharField(required=False, allow_blank=True)


class DrawSerializer(serializers.ModelSerializer):
    committed_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Draw
        fields = ["id", "code", "plan", "jurisdiction", "period", "repeat_reason", "seed", "seed_commit",
                  "committed_at", "revealed_at", "algorithm", "algorithm_version",
                  "enterprise_pool_hash", "inspector_pool_hash", "result_hash", "pairs", "counts", "status",
                  "drawn_at", "witnesses", "published_at"]


class PublicDrawSerializer(serializers.ModelSerializer):
    enterprises = serializers.SerializerMethodField()
    seed = serializers.SerializerMethodField(help_text="检查完成(或明确公开)后才公布;之前为 null")
    committed_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Draw
        fields = ["id", "code", "period", "seed", "seed_commit", "committed_at", "algorithm", "algorithm_version",
                  "enterprise_pool_hash", "inspector_pool_hash", "result_hash", "drawn_at", "published_at",
                  "enterprises"]

    def get_seed(self, obj) -> str | None:
        return obj.seed if obj.seed_public(getattr(obj, "open_visits", None)) else None

    def get_enterprises(self, obj) -> list[str]:
        """The drawn enterprises whose inspection result is public: the list stays secret until the visit
        (抽查名单 kept secret until the site visit: Guangdong's rule [1S]), as on the public draw page."""
        from envbureau.core.scoping import restrict

        return list(restrict(obj.inspections.all(), None, "view").order_by("pk")
                    .values_list("enterprise_name", flat=True))


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


class EvidenceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = InspectionEvidence
        fields = ["id", "inspection", "kind", "kind_label", "name", "size", "sha256", "width", "height", "caption",
                  "signer", "inspector", "uploaded_at", "url", "data"]

    def get_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("enforcement:evidence", args=[obj.pk])


class MonitoringCaptureSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="起始时间 YYYY-MM-DD HH:MM(本地时间,含)")
    end = serializers.CharField(help_text="截止时间 YYYY-MM-DD HH:MM(本地时间,不含;不晚于现在,时段不超过31天)")


class PhotoUploadSerializer(serializers.Serializer):
    file = serializers.ImageField(help_text="JPEG/PNG/WebP;上传后去除 EXIF 等元数据")
    caption = serializers.CharField(required=False, allow_blank=True, max_length=200)


class SignatureSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=[("inspector", "执法人员"), ("party", "当事人")])
    image = serializers.CharField(help_text="画布导出的 data:image/png;base64,…")
    signer = serializers.CharField(required=False, allow_blank=True, help_text="当事人姓名")
    inspector = serializers.IntegerField(required=False, allow_null=True, help_text="执法人员ID(本次检查组成员)")


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
    filterset_class = PoolFilter


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
                                  witnesses=str(request.data.get("witnesses", "")),
                                  period=str(request.data.get("period", "")), reason=str(request.data.get("reason", "")))
        except drawing.Unsatisfiable as exc:
            raise DRFValidationError({"draw": exc.reasons}) from None
        return Response(DrawSerializer(d).data, status=201)

    @extend_schema(request=CommitInputSerializer, responses=CommitmentSerializer)
    @action(detail=True, methods=["post"], url_path="commit", url_name="commit")
    def commit(self, request, pk=None):
        """Announce the seed's SHA-256 for a period before its draw: {"period": "2026-Q3", "commitment": "<sha256>"}
        (no commitment: the platform generates the seed, keeps it secret and answers only its hash)."""
        plan = get_scoped_object(DrawPlan, request.user, "view", pk=pk)
        if not has_perm(request.user, "enforcement.draw"):
            raise DRFPermissionDenied()
        c = services.commit_seed(request.user, plan, str(request.data.get("period", "")),
                                 str(request.data.get("commitment", "")), note=str(request.data.get("note", "")))
        return Response(CommitmentSerializer(c).data, status=201)


class VerifySerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


class DrawViewSet(ScopedReadOnlyViewSet):
    queryset = Draw.objects.select_related("commitment").defer("inputs", "rejections")
    serializer_class = DrawSerializer
    filterset_class = DrawFilter
    http_method_names = ["get", "post", "head", "options"]  # POST: the reveal action only

    @extend_schema(responses=VerifySerializer)
    @action(detail=True, methods=["get"], url_path="verify", url_name="verify")
    def verify(self, request, pk=None):
        d = get_scoped_object(Draw, request.user, "view", pk=pk)
        ok, problems = services.verify_draw(d)
        return Response({"ok": ok, "problems": problems})

    @action(detail=True, methods=["post"], url_path="reveal", url_name="reveal")
    def reveal(self, request, pk=None):
        """Publish the draw's seed now (it is published by itself once no visit of the draw is still planned)."""
        d = get_scoped_object(Draw, request.user, "view", pk=pk)
        if not has_perm(request.user, "enforcement.publish"):
            raise DRFPermissionDenied()
        return Response(DrawSerializer(services.reveal_seed(request.user, d)).data)


class CommitmentViewSet(ScopedReadOnlyViewSet):
    queryset = SeedCommitment.objects.select_related("draw")
    serializer_class = CommitmentSerializer


class PostingViewSet(ScopedModelViewSet):
    queryset = InspectorPosting.objects.all()
    serializer_class = PostingSerializer


class InspectionViewSet(DocumentActionsMixin, ScopedReadOnlyViewSet):
    queryset = Inspection.objects.prefetch_related("team")
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        from rest_framework.exceptions import MethodNotAllowed

        raise MethodNotAllowed("POST")

    record = transition_action(Inspection, InspectionSerializer, "record")
    publish = transition_action(Inspection, InspectionSerializer, "publish")
    to_problem = transition_action(Inspection, InspectionSerializer, "to_problem")
    cancel = transition_action(Inspection, InspectionSerializer, "cancel")

    timeline = timeline_action(Inspection)

    @extend_schema(responses=EvidenceSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="evidence", url_name="evidence", pagination_class=None,
            serializer_class=EvidenceSerializer)
    def evidence(self, request, pk=None):
        insp = get_scoped_object(Inspection, request.user, "view", pk=pk)
        from envbureau.core.scoping import restrict

        return Response(EvidenceSerializer(restrict(insp.evidence.all(), request.user, "view"), many=True).data)

    @extend_schema(request=MonitoringCaptureSerializer, responses={201: EvidenceSerializer})
    @action(detail=True, methods=["post"], url_path="monitoring", url_name="monitoring",
            serializer_class=MonitoringCaptureSerializer)
    def monitoring(self, request, pk=None):
        """Capture the enterprise's online-monitoring alarms and hourly values of [start, end) as frozen evidence."""
        from django.core.exceptions import ValidationError

        from . import evidence

        insp = get_scoped_object(Inspection, request.user, "view", pk=pk)
        ser = MonitoringCaptureSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            ev = evidence.capture_monitoring(request.user, insp, start=ser.validated_data["start"],
                                             end=ser.validated_data["end"])
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict) from None
        return Response(EvidenceSerializer(ev).data, status=201)

    @extend_schema(request=PhotoUploadSerializer, responses={201: EvidenceSerializer})
    @action(detail=True, methods=["post"], url_path="photos", url_name="photos",
            serializer_class=PhotoUploadSerializer)
    def photos(self, request, pk=None):
        from . import evidence

        insp = get_scoped_object(Inspection, request.user, "view", pk=pk)
        f = request.FILES.get("file")
        if f is None:
            raise DRFValidationError({"file": ["请以 multipart 上传照片(字段 file)"]})
        try:
            ev = evidence.add_photo(request.user, insp, f, caption=str(request.data.get("caption", "")))
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        return Response(EvidenceSerializer(ev).data, status=201)

    @extend_schema(request=SignatureSerializer, responses={201: EvidenceSerializer})
    @action(detail=True, methods=["post"], url_path="signatures", url_name="signatures",
            serializer_class=SignatureSerializer)
    def signatures(self, request, pk=None):
        from . import evidence

        insp = get_scoped_object(Inspection, request.user, "view", pk=pk)
        ser = SignatureSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            ev = evidence.add_signature(request.user, insp, role=d["role"], image=d["image"],
                                        signer=d.get("signer", ""), inspector=d.get("inspector"))
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        return Response(EvidenceSerializer(ev).data, status=201)


class PublicDrawViewSet(PublicReadOnlyViewSet):
    queryset = services.with_open_visits(Draw.objects.select_related("commitment").defer("inputs", "rejections")
                                         .order_by("-drawn_at", "-id"))
    serializer_class = PublicDrawSerializer


class PublicCommitmentSerializer(serializers.ModelSerializer):
    plan_name = serializers.CharField(source="plan.name", read_only=True)

    class Meta:
        model = SeedCommitment
        fields = ["id", "plan_name", "period", "commitment", "committed_at"]


class PublicCommitmentViewSet(PublicReadOnlyViewSet):
    """Seed commitments, public from the moment they are recorded (before the draw)."""

    queryset = SeedCommitment.objects.select_related("plan").order_by("-committed_at", "-id")
    serializer_class = PublicCommitmentSerializer


class PublicInspectionViewSet(PublicReadOnlyViewSet):
    queryset = Inspection.objects.order_by("-inspected_on", "-id")
    serializer_class = PublicInspectionSerializer


class StatisticsSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField()
    jurisdiction_name = serializers.CharField()
    year = serializers.IntegerField(help_text="统计期间起始日所在年度")
    period = serializers.JSONField(help_text="统计期间:from、to(本地日期,含)、key(如 2026-H1)、label(如 2026年1-6月)")
    previous_period = serializers.JSONField(help_text="上年同期(同比的比较期间)")
    figures = serializers.JSONField(help_text="统计期间各项数字(fines_yuan 为元)")
    previous = serializers.JSONField(help_text="上年同期各项数字")
    yoy = serializers.JSONField(help_text="各项数字的同比(%),上年为0时为 null")
    fines_wan = serializers.FloatField(help_text="罚款金额(万元)")
    previous_fines_wan = serializers.FloatField()
    yoy_fines = serializers.FloatField(allow_null=True, help_text="罚款金额同比(%)")
    sentence = serializers.CharField(help_text="报告句子")
    sentences = serializers.ListField(child=serializers.JSONField(), help_text="报告句子:text 全文,parts 为文字或 {text, url}")
    spared_wan = serializers.FloatField(help_text="免除或减轻的罚款(万元)")
    by_industry = serializers.ListField(child=serializers.JSONField(),
                                        help_text="按行业:各项数字,previous 上年数字,yoy 同比(%),links/previous_links 记录列表")
    by_department = serializers.ListField(child=serializers.JSONField(), help_text="按部门(同上)")
    links = serializers.JSONField(help_text="每个数字对应的记录列表地址")
    previous_links = serializers.JSONField(help_text="上年各项数字对应的记录列表地址")
    rows = serializers.ListField(child=serializers.JSONField())


class StatisticsView(APIView):
    """GET /api/v1/enforcement/statistics/?jurisdiction=CODE&year=Y (or &period=2026-H1|2026-Q2|2026-05|2026-1-6,
    or &from=YYYY-MM-DD&to=YYYY-MM-DD): figures, the same period a year earlier, year on year, the report
    sentences and the list URL behind each figure (scoped to the user). A bad parameter is a 400 naming it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=StatisticsSerializer, parameters=[
        OpenApiParameter("jurisdiction", str, description="区划代码,默认为本人范围"),
        OpenApiParameter("year", int, description="年度(默认今年)"),
        OpenApiParameter("part", str, description="年度内的期间:H1、H2、Q1–Q4、M1–M12 或 1-N(1–N月)"),
        OpenApiParameter("period", str, description="期间简写:2026、2026-H1、2026-Q2、2026-05、2026-1-6"),
        OpenApiParameter("from", OpenApiTypes.DATE, description="起始日期(本地,含);与 to 同用"),
        OpenApiParameter("to", OpenApiTypes.DATE, description="截止日期(本地,含)")])
    def get(self, request):
        from django.core.exceptions import ValidationError

        from envbureau.core.scoping import may_view_module

        from . import stats
        from .views import stats_params

        if not may_view_module(request.user, Case):
            raise DRFPermissionDenied()
        try:
            jur, period = stats_params(request._request, request.user)
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict) from None
        data = stats.statistics(request.user, jur, period)
        data["by_industry"] = stats.breakdown(request.user, jur, period, "industry")
        data["by_department"] = stats.breakdown(request.user, jur, period, "department")
        return Response(data)


class LegalBasisSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="今天与本条对应的条款(沿“对应新条款”链)")

    class Meta:
        model = LegalBasis
        fields = ["id", "provision", "instrument", "article", "text", "effective_from", "effective_to", "fine_min",
                  "fine_max", "successor", "current"]

    def get_current(self, obj) -> int:
        return obj.current().pk


class RemapArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    provision = serializers.CharField()
    instrument = serializers.CharField()
    article = serializers.CharField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)


class RemapRowSerializer(serializers.Serializer):
    """One article cited by the cases in scope, with the article that corresponds to it now."""

    cited = RemapArticleSerializer()
    cases = serializers.IntegerField()
    first_act = serializers.DateField()
    last_act = serializers.DateField()
    current = RemapArticleSerializer()
    changed = serializers.BooleanField()
    current_in_force = serializers.BooleanField()
    chain = RemapArticleSerializer(many=True)


class LegalBasisViewSet(ScopedModelViewSet):
    queryset = LegalBasis.objects.all()
    serializer_class = LegalBasisSerializer

    @extend_schema(responses=RemapRowSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="remap", url_name="remap", pagination_class=None)
    def remap(self, request):
        """Each article cited by the cases in your scope with the article that now corresponds to it (法典)."""
        from envbureau.core.scoping import may_view_module

        from . import cases

        if not may_view_module(request.user, Case):
            raise DRFPermissionDenied()
        return Response(cases.remap_json(cases.remap_rows(request.user)))


class TransferBriefSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Transfer
        fields = ["id", "code", "kind", "kind_label", "transferred_on", "state", "state_label", "detained",
                  "detention_days"]


class CaseSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    legal_basis_text = serializers.CharField(source="legal_basis.__str__", read_only=True, default="")
    decision_due = serializers.SerializerMethodField()
    transfers = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "code", "enterprise_id", "party", "party_type", "credit_code", "jurisdiction", "inspection",
                  "source", "cause", "facts", "act_date", "provision", "legal_basis", "legal_basis_text", "filed_on",
                  "state", "state_label", "outcome", "outcome_reason", "discretion_method", "discretion_levels",
                  "discretion_text", "fine", "hearing_right", "statement", "notified_on", "decided_on", "decided_late",
                  "decision_due", "served_on", "payment_due", "paid_on", "surcharge", "transfers", "closed_on"]

    @extend_schema_field(TransferBriefSerializer(many=True))
    def get_transfers(self, obj):
        """The case's transfers to the police the reader may see (staff in scope; none for enterprise users):
        number, kind, date, state and outcome; the persons concerned only on the transfer itself."""
        from envbureau.core.scoping import restrict

        request = self.context.get("request")
        qs = Transfer.objects.filter(case=obj)
        qs = restrict(qs, request.user if request is not None else None, "view")
        return TransferBriefSerializer(qs.order_by("transferred_on", "pk"), many=True).data

    def get_decision_due(self, obj):
        from .cases import decision_due

        return decision_due(obj)


class CaseViewSet(DocumentActionsMixin, ScopedReadOnlyViewSet):
    """Cases; POST …/{id}/<verb>/ runs a workflow verb (investigate, submit-review, notify {outcome, levels,
    fine, notified_on}, no-penalty, statement {kind, on}, resume {on}, extend {days}, decide {decided_on},
    serve {served_on}, pay {paid_on}, close, transfer {transfer_kind, transferred_on, authority, persons, reason}
    (each transfer is a record of its own, several per case: see /transfers/); note where required)."""

    queryset = Case.objects.select_related("legal_basis")
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        from rest_framework.exceptions import MethodNotAllowed

        raise MethodNotAllowed("POST")

    investigate = transition_action(Case, CaseSerializer, "investigate")
    submit_review = transition_action(Case, CaseSerializer, "submit_review")
    notify = transition_action(Case, CaseSerializer, "notify")
    no_penalty = transition_action(Case, CaseSerializer, "no_penalty")
    statement = transition_action(Case, CaseSerializer, "statement")
    resume = transition_action(Case, CaseSerializer, "resume")
    extend = transition_action(Case, CaseSerializer, "extend")
    decide = transition_action(Case, CaseSerializer, "decide")
    serve = transition_action(Case, CaseSerializer, "serve")
    pay = transition_action(Case, CaseSerializer, "pay")
    close = transition_action(Case, CaseSerializer, "close")
    transfer = transition_action(Case, CaseSerializer, "transfer")
    timeline = timeline_action(Case)


class ClueSerializer(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    case_code = serializers.CharField(source="case.code", read_only=True, default="")
    filing_due = serializers.SerializerMethodField(help_text="决定是否立案的期满日(15日,遇节假日顺延;含已批准的延长)")
    overdue = serializers.SerializerMethodField(help_text="已过期满日仍未决定")

    class Meta:
        model = Clue
        fields = ["id", "code", "source", "source_label", "source_ref", "enterprise_id", "party", "jurisdiction",
                  "received_on", "summary", "state", "state_label", "filing_due", "overdue", "case", "case_code",
                  "decided_on", "decided_late", "reason"]

    def get_filing_due(self, clue):
        from .clues import filing_due

        return filing_due(clue)

    def get_overdue(self, clue) -> bool:
        from django.utils import timezone

        from .clues import filing_due

        due = filing_due(clue)
        return bool(clue.state == "pending" and due and due < timezone.localdate())


class ClueCreateSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=ClueSource.choices)
    enterprise_id = serializers.IntegerField()
    summary = serializers.CharField()
    received_on = serializers.DateField(required=False, allow_null=True, help_text="留空为今天;立案期限由此起算")
    source_ref = serializers.CharField(required=False, allow_blank=True, max_length=100)


class ClueViewSet(ScopedReadOnlyViewSet):
    """Clues that may become cases. POST registers one {source, enterprise_id, summary, received_on, source_ref}
    (filing_due = 15 days later, the last day moved past rest days); POST …/{id}/not-file/ {decided_on, note},
    extend/ {days, note} (15 days at most in total, enforcement.decide); 立案 on the case form
    (/enforcement/cases/new/?clue=<id>), which decides the clue."""

    queryset = Clue.objects.select_related("case")
    serializer_class = ClueSerializer
    filterset_class = ClueFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ClueCreateSerializer, responses={201: ClueSerializer})
    def create(self, request, *args, **kwargs):
        from django.core.exceptions import ValidationError

        from . import clues

        ser = ClueCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        get_scoped_object(PoolEnterprise, request.user, "view", enterprise_id=d["enterprise_id"])
        try:
            clue = clues.open_clue(request.user, source=d["source"], enterprise_id=d["enterprise_id"],
                                   summary=d["summary"], received_on=d.get("received_on"),
                                   source_ref=d.get("source_ref", ""))
        except PermissionDenied as exc:
            raise DRFPermissionDenied(str(exc)) from None
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict) from None
        return Response(ClueSerializer(clue, context={"request": request}).data, status=201)

    not_file = transition_action(Clue, ClueSerializer, "not_file")
    extend = transition_action(Clue, ClueSerializer, "extend")
    timeline = timeline_action(Clue)


class TransferSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    case_code = serializers.CharField(source="case.code", read_only=True)
    send_due = serializers.SerializerMethodField(help_text="案卷移送期限(行政拘留3个工作日;涉嫌犯罪批准后24小时)")

    class Meta:
        model = Transfer
        fields = ["id", "code", "case", "case_code", "kind", "kind_label", "enterprise_id", "party", "jurisdiction",
                  "state", "state_label", "transferred_on", "authority", "persons", "reason", "send_due", "sent_on",
                  "sent_late", "outcome", "outcome_label", "outcome_on", "detained", "detention_days", "outcome_note"]

    def get_send_due(self, t):
        from envbureau.core import deadlines as dl

        from .transfers import SEND

        c = dl.clock(t, SEND)
        return c.due if c else None


class TransferViewSet(DocumentActionsMixin, ScopedReadOnlyViewSet):
    """Transfers of cases to the police (行政拘留, 涉嫌犯罪), several per case; made by the case's transfer/ step.
    POST …/{id}/send/ {sent_on} (files handed over; late past send_due), conclude/ {outcome, outcome_on,
    detention_days, note} (the police's answer). Staff in scope only: the persons concerned are personal data."""

    queryset = Transfer.objects.select_related("case")
    serializer_class = TransferSerializer
    filterset_class = TransferFilter
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        from rest_framework.exceptions import MethodNotAllowed

        raise MethodNotAllowed("POST")

    send = transition_action(Transfer, TransferSerializer, "send")
    conclude = transition_action(Transfer, TransferSerializer, "conclude")
    timeline = timeline_action(Transfer)


class MeasureSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    recheck_result_label = serializers.CharField(source="get_recheck_result_display", read_only=True)
    disposal_label = serializers.CharField(source="get_disposal_display", read_only=True)
    approval_overdue = serializers.SerializerMethodField(
        help_text="当场实施的查封扣押:已超过补办批准时限仍未批准")

    class Meta:
        model = Measure
        fields = ["id", "code", "case", "kind", "kind_label", "enterprise_id", "party", "jurisdiction", "state",
                  "state_label", "basis", "reason", "content", "decided_on", "correct_by", "served_on", "ends_on",
                  "extended_days", "recheck_due", "rechecked_on", "recheck_result", "recheck_result_label",
                  "recheck_inspection", "recheck_late", "released_on", "release_reason", "orders", "period_start",
                  "period_end", "days", "daily_amount", "fine", "calculation", "payment_due", "paid_on",
                  "notified_on", "rights_waived", "hearing_held_on", "plan_filed_on", "followed_up_on",
                  "release_requested_on", "release_answered_on", "release_served_on", "on_the_spot", "taken_at",
                  "approval_due", "approved_at", "approval_late", "approval_overdue", "disposal", "disposal_label",
                  "disposed_on", "disposal_reason", "published", "published_on", "publish_due"]

    def get_approval_overdue(self, m) -> bool:
        from . import measures

        return measures.approval_overdue(m)


class MeasureCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text="案件ID")
    kind = serializers.ChoiceField(choices=MeasureKind.choices)
    decided_on = serializers.DateField(required=False, allow_null=True)
    content = serializers.CharField(required=False, allow_blank=True, help_text="决定内容(按日连续处罚不填)")
    reason = serializers.CharField(required=False, allow_blank=True)
    correct_by = serializers.DateField(required=False, allow_null=True, help_text="仅责令改正")
    notified_on = serializers.DateField(required=False, allow_null=True,
                                        help_text="仅限制生产、停产整治(必填):告知陈述、申辩和听证权利的日期")
    rights_waived = serializers.BooleanField(required=False, default=False, help_text="当事人明确放弃陈述申辩和听证")
    hearing_held_on = serializers.DateField(required=False, allow_null=True, help_text="陈述申辩或听证办结日期")
    on_the_spot = serializers.BooleanField(required=False, default=False,
                                           help_text="仅查封扣押:情况紧急、当场实施,24小时内补办负责人批准")
    taken_at = serializers.CharField(required=False, allow_blank=True,
                                     help_text="当场实施时间 YYYY-MM-DD HH:MM(当场实施时必填)")
    orders = serializers.ListField(child=serializers.IntegerField(), required=False,
                                   help_text="按日连续处罚:复查发现拒不改正的责令改正决定ID")


class MeasureViewSet(DocumentActionsMixin, ScopedReadOnlyViewSet):
    """Orders and coercive measures (责令改正, 查封扣押, 限制生产, 停产整治) and daily penalties. POST creates one
    ({case, kind, decided_on, content, reason, correct_by}, or {case, kind: "daily", orders, decided_on});
    POST …/{id}/serve/ {served_on}, recheck/ {rechecked_on, recheck_result, inspection}, extend/ {days, note},
    release/ {released_on, note}, pay/ {paid_on}; 限产/停产 file-plan/ {plan_filed_on}, follow-up/
    {followed_up_on}; 查封扣押 request-release/ {release_requested_on}, keep/ {kept_on, note}, serve-release/
    {release_served_on}, dispose/ {disposal: transfer|confiscate|destroy, disposed_on, note}, publish/ {published_on}
    (the decision, its extension and release on the public pages); a seizure taken on the
    spot ({on_the_spot: true, taken_at}) waits in state pending until approve/ {approved_at} (due 24 hours after
    taken_at; approval_overdue says it ran over) or release/."""

    queryset = Measure.objects.select_related("case")
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=MeasureCreateSerializer, responses={201: MeasureSerializer})
    def create(self, request, *args, **kwargs):
        from . import measures

        ser = MeasureCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        case = get_scoped_object(Case, request.user, "view", pk=d["case"])
        try:
            if d["kind"] == "daily":
                m = measures.record_daily_penalty(request.user, case, orders=d.get("orders") or [],
                                                  decided_on=d.get("decided_on"), reason=d.get("reason", ""))
            else:
                m = measures.order(request.user, case, kind=d["kind"], decided_on=d.get("decided_on"),
                                   content=d.get("content", ""), reason=d.get("reason", ""),
                                   correct_by=d.get("correct_by"), notified_on=d.get("notified_on"),
                                   rights_waived=d.get("rights_waived", False),
                                   hearing_held_on=d.get("hearing_held_on"), on_the_spot=d.get("on_the_spot", False),
                                   taken_at=d.get("taken_at"))
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        return Response(MeasureSerializer(m).data, status=201)

    approve = transition_action(Measure, MeasureSerializer, "approve")
    dispose = transition_action(Measure, MeasureSerializer, "dispose")
    serve = transition_action(Measure, MeasureSerializer, "serve")
    recheck = transition_action(Measure, MeasureSerializer, "recheck")
    extend = transition_action(Measure, MeasureSerializer, "extend")
    release = transition_action(Measure, MeasureSerializer, "release")
    pay = transition_action(Measure, MeasureSerializer, "pay")
    file_plan = transition_action(Measure, MeasureSerializer, "file_plan")
    request_release = transition_action(Measure, MeasureSerializer, "request_release")
    keep = transition_action(Measure, MeasureSerializer, "keep")
    serve_release = transition_action(Measure, MeasureSerializer, "serve_release")
    follow_up = transition_action(Measure, MeasureSerializer, "follow_up")
    publish = transition_action(Measure, MeasureSerializer, "publish")
    timeline = timeline_action(Measure)


class PublicSeizureSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="public_party", read_only=True, help_text="公民仅公开姓氏")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    disposal_label = serializers.CharField(source="get_disposal_display", read_only=True)

    class Meta:
        model = Measure
        fields = ["code", "party", "jurisdiction_name", "basis", "decided_on", "ends_on", "extended_days",
                  "released_on", "disposal", "disposal_label", "disposed_on", "published_on"]


class PublicSeizureViewSet(PublicReadOnlyViewSet):
    """Published 查封、扣押 decisions with their extension and release or 处理决定 (Order No. 29 art. 7); no
    personal data (a person by surname only, no list of seized items, no officers)."""

    queryset = Measure.objects.select_related("jurisdiction", "case").order_by("-decided_on", "-id")
    serializer_class = PublicSeizureSerializer


class PublicPenaltySerializer(serializers.ModelSerializer):
    """What the public page shows of a penalty decision: no facts (they name people), no address, no handlers, no
    discretion notes; a person by surname only and without an identity number."""
    party = serializers.CharField(source="public_party", read_only=True, help_text="公民仅公开姓氏")
    credit_code = serializers.SerializerMethodField(help_text="单位的统一社会信用代码;公民不公开")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    legal_basis = serializers.CharField(source="legal_basis.__str__", read_only=True, default="")
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "code", "party", "party_type", "credit_code", "jurisdiction_name", "cause", "legal_basis", "outcome",
                  "outcome_label", "fine", "decided_on", "published_on", "publish_until"]

    def get_credit_code(self, c) -> str:
        return c.credit_code if c.party_type == "org" else ""


class PublicPenaltyViewSet(PublicReadOnlyViewSet):
    """Published penalty decisions (行政处罚法 art. 48; display period NDRC Order No. 58 [2S]) as on /public/enforcement/penalties/:
    from their publication date until the end of their publication period (`publish_until`), then taken down (the
    detail answers 404 too); paginated (?page=), newest decision first; no personal data."""

    queryset = Case.objects.select_related("jurisdiction", "legal_basis")
    serializer_class = PublicPenaltySerializer

    def get_queryset(self):
        from .public_pages import public_penalties

        return public_penalties()


class PublicRatingSerializer(serializers.ModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)

    class Meta:
        model = CreditRating
        fields = ["id", "enterprise_name", "jurisdiction_name", "year", "grade", "grade_label", "published_on",
                  "repaired_from", "repaired_on"]


class PublicRatingViewSet(PublicReadOnlyViewSet):
    """Published credit ratings: enterprise, year, grade (after any repair), no personal data."""

    queryset = CreditRating.objects.select_related("jurisdiction").order_by("-year", "enterprise_name", "id")
    serializer_class = PublicRatingSerializer


class CreditRatingSerializer(serializers.ModelSerializer):
    """A rating with its indicators (group, weight, score, band, source, links), vetoes and the one-level step
    for a general incident, each sentence worded in the reader's language."""

    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    explanation = serializers.CharField(source="explanation_label", read_only=True)
    indicators = serializers.SerializerMethodField()
    vetoes = serializers.SerializerMethodField()
    lowered = serializers.SerializerMethodField()

    class Meta:
        model = CreditRating
        fields = ["id", "enterprise_id", "enterprise_name", "jurisdiction", "jurisdiction_name", "year", "score",
                  "grade", "grade_label", "published_on", "repaired_from", "repaired_on", "indicators", "vetoes",
                  "lowered", "explanation"]

    def get_indicators(self, obj) -> list:
        from .views import _indicator_rows

        return [{k: r[k] for k in ("key", "label", "group", "group_label", "weight", "score", "band", "source", "note",
                                   "links")} for r in _indicator_rows(obj)]

    def get_vetoes(self, obj) -> list:
        from .views import _reasons

        return _reasons((obj.facts or {}).get("vetoes"))

    def get_lowered(self, obj) -> list:
        from .views import _reasons

        return _reasons((obj.facts or {}).get("lowered"))


class RateSerializer(serializers.Serializer):
    enterprise_id = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2), required=False,
                                   default=dict)
    sources = serializers.DictField(child=serializers.CharField(max_length=200), required=False, default=dict)
    published_on = serializers.DateField(required=False, allow_null=True)


class CreditRatingViewSet(ScopedReadOnlyViewSet):
    """Credit ratings in scope with each indicator and veto. POST {enterprise_id, year, scores: {key: 0–100},
    sources: {key: text}, published_on} rates (enforcement.rate): the indicators the platform's records decide
    are computed, the others entered with their source; a bad or missing one answers 400 naming it."""

    queryset = CreditRating.objects.select_related("jurisdiction")
    serializer_class = CreditRatingSerializer
    filterset_class = RatingFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        if self.action == "create":  # credit.rate checks enforcement.rate and the scope of what it writes
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=RateSerializer, responses=CreditRatingSerializer)
    def create(self, request, *args, **kwargs):
        from . import credit

        ser = RateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            r = credit.rate(request.user, enterprise_id=d["enterprise_id"], year=d["year"], scores=d["scores"],
                            sources=d["sources"], published_on=d.get("published_on"))
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        return Response(CreditRatingSerializer(r).data, status=201)


class CreditRepairSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = CreditRepair
        fields = ["id", "rating", "enterprise_id", "enterprise_name", "jurisdiction", "grade_before", "applied_on",
                  "applicant", "corrective_actions", "documents", "materials", "state", "state_label", "decided_on",
                  "decision_note", "publicity_until", "objected_on", "objection", "effective_on", "grade_after"]
        read_only_fields = ["enterprise_id", "enterprise_name", "jurisdiction", "grade_before", "state",
                            "decided_on", "decision_note", "publicity_until", "objected_on", "objection",
                            "effective_on", "grade_after"]
        extra_kwargs = {"materials": {"required": False, "allow_blank": True}}


class CreditRepairViewSet(DocumentActionsMixin, ScopedReadOnlyViewSet):
    """Credit repair applications. POST {rating, applicant, corrective_actions, documents: [keys of
    credit_repair_documents], materials, applied_on} records one (staff holding enforcement.rate, or an enterprise
    user for its own rating: enforcement.repair_apply); POST …/{id}/approve/ or refuse/ {decided_on, note} decides
    it; approve starts the publicity, …/objection/ {objected_on, note} stops it, …/take_effect/ {effective_on} (or
    the job deadline_lapses) raises the grade after it."""

    queryset = CreditRepair.objects.select_related("rating")
    serializer_class = CreditRepairSerializer
    filterset_class = RepairFilter  # the list page's filters
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        if self.action == "create":  # credit.apply_repair decides: staff who rate, or the enterprise for itself
            return [IsAuthenticated()]
        return super().get_permissions()

    def create(self, request, *args, **kwargs):
        from . import credit

        ser = CreditRepairSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        rating = get_scoped_object(CreditRating, request.user, "view", pk=d["rating"].pk)
        try:
            req = credit.apply_repair(request.user, rating, applicant=d.get("applicant", ""),
                                      corrective_actions=d.get("corrective_actions", ""),
                                      materials=d.get("materials", ""), documents=d.get("documents") or [],
                                      applied_on=d.get("applied_on"))
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        return Response(CreditRepairSerializer(req).data, status=201)

    approve = transition_action(CreditRepair, CreditRepairSerializer, "approve")
    refuse = transition_action(CreditRepair, CreditRepairSerializer, "refuse")
    objection = transition_action(CreditRepair, CreditRepairSerializer, "objection")
    take_effect = transition_action(CreditRepair, CreditRepairSerializer, "take_effect")
    timeline = timeline_action(CreditRepair)
