"""Complaints (信访投诉, 12369): the complaint, its timeline, duplicate links, return visits,
deadline rules and the monthly summary the statistics read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from envbureau.core.scoping import ScopedModel, ScopeSpec

from .choices import (
    Category,
    Channel,
    DayKind,
    DuplicateState,
    ExtensionState,
    Finding,
    Satisfaction,
    State,
    SubCategory,
    Track,
)

# Identity fields are private: shown only to holders of complaints.view_identity, masked otherwise,
# never to enterprise users, never in exports without the permission.
IDENTITY_FIELDS = ("complainant_name", "complainant_phone", "complainant_id_number", "complainant_address",
                   "complainant_email")


def mask_name(v: str) -> str:
    v = (v or "").strip()
    if not v:
        return ""
    return v[0] + "**"


def mask_phone(v: str) -> str:
    v = (v or "").strip()
    if not v:
        return ""
    digits = v.replace(" ", "")
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits)


def mask_id_number(v: str) -> str:
    v = (v or "").strip()
    if not v:
        return ""
    return v[:6] + "********" + v[-4:] if len(v) > 10 else "*" * len(v)


def mask_address(v: str) -> str:
    v = (v or "").strip()
    if not v:
        return ""
    return v[:6] + "***"


def mask_email(v: str) -> str:
    v = (v or "").strip()
    if "@" not in v:
        return "*" * len(v)
    local, domain = v.split("@", 1)
    return (local[:1] or "*") + "***@" + domain


MASKERS = {"complainant_name": mask_name, "complainant_phone": mask_phone, "complainant_id_number": mask_id_number,
           "complainant_address": mask_address, "complainant_email": mask_email}


class Complaint(ScopedModel):
    number = models.CharField(_("受理编号"), max_length=40, unique=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices)
    track = models.CharField(_("办理类别"), max_length=12, choices=Track.choices, default=Track.CLUE)
    category = models.CharField(_("污染类型"), max_length=12, choices=Category.choices)
    sub_category = models.CharField(_("子类"), max_length=24, choices=SubCategory.choices, blank=True)
    title = models.CharField(_("事项摘要"), max_length=200)
    content = models.TextField(_("举报内容"))
    location = models.CharField(_("地址"), max_length=300, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="complaints")
    routed_by = models.CharField(_("属地确定方式"), max_length=12, blank=True,
                                 help_text=_("polygon=按街道边界自动确定;chosen=人工选择"))
    # The enterprise lives in the sources app; only its id (apps talk through services, not tables).
    enterprise_id = models.BigIntegerField(_("被举报企业ID"), null=True, blank=True, db_index=True)
    enterprise_name = models.CharField(_("被举报对象"), max_length=200, blank=True)
    batch = models.CharField(_("督察批次"), max_length=120, blank=True,
                             help_text=_("督察转办件所属批次,如 第二轮中央生态环境保护督察 第3批"))
    external_ref = models.CharField(_("来源编号"), max_length=60, blank=True, db_index=True)
    is_key = models.BooleanField(_("重点件"), default=False)

    received_at = models.DateTimeField(_("收件时间"), default=timezone.now)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.REGISTERED)
    state_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)

    # Deadlines (local dates) and the rule that produced them.
    rule_label = models.CharField(_("期限规则"), max_length=200, blank=True)
    accept_due = models.DateField(_("受理告知期限"), null=True, blank=True)
    start_due = models.DateField(_("开始办理期限"), null=True, blank=True)
    finish_due = models.DateField(_("办结期限"), null=True, blank=True)
    review_due = models.DateField(_("复查/复核答复期限"), null=True, blank=True)
    extension_state = models.CharField(_("延期"), max_length=10, choices=ExtensionState.choices, blank=True, default="")
    extension_days = models.PositiveIntegerField(_("已批准延期天数"), default=0)
    extension_requested_days = models.PositiveIntegerField(_("申请延期天数"), default=0)
    extension_reason = models.CharField(_("延期理由"), max_length=500, blank=True)
    extension_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.SET_NULL, related_name="+")
    extension_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("延期批准人"), null=True,
                                              blank=True, on_delete=models.SET_NULL, related_name="+")

    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    investigated_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复(办结)时间"), null=True, blank=True)
    visited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    review_level = models.PositiveSmallIntegerField(_("复查/复核级次"), default=0,
                                                    help_text=_("0=无,1=复查,2=复核"))

    decline_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    assignee_unit = models.CharField(_("承办单位"), max_length=200, blank=True)  # the unit's name, as exported
    # 交办 hands the complaint to a core.Unit: every member of it sees the complaint among their tasks.
    unit = models.ForeignKey("core.Unit", verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    finding = models.CharField(_("是否属实"), max_length=16, choices=Finding.choices, blank=True)
    investigation = models.TextField(_("调查核实情况"), blank=True)
    measures = models.TextField(_("处理措施"), blank=True)
    ordered_rectification = models.BooleanField(_("责令整改"), default=False)
    case_filed = models.BooleanField(_("立案处罚"), default=False)
    fine_amount = models.DecimalField(_("罚款金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    reply_text = models.TextField(_("答复意见"), blank=True)
    reply_method = models.CharField(_("答复方式"), max_length=40, blank=True)
    satisfaction = models.CharField(_("回访结果"), max_length=14, choices=Satisfaction.choices, blank=True)
    on_time = models.BooleanField(_("按期办结"), null=True, blank=True)

    is_repeat = models.BooleanField(_("重复件"), default=False)
    repeat_of = models.ForeignKey("self", verbose_name=_("重复于"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="repeats")
    problem_ref = models.CharField(_("问题台账编号"), max_length=40, blank=True)

    # Private identity: see IDENTITY_FIELDS.
    anonymous = models.BooleanField(_("匿名"), default=False)
    complainant_name = models.CharField(_("举报人"), max_length=100, blank=True)
    complainant_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    complainant_id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    complainant_address = models.CharField(_("举报人地址"), max_length=300, blank=True)
    complainant_email = models.CharField(_("电子邮箱"), max_length=200, blank=True)
    # A lookup code given to the complainant for the public status page and Open311 (never the identity).
    query_code = models.CharField(_("查询码"), max_length=16, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    # No enterprise lookup on purpose: enterprise users never reach complaints about them.
    scope = ScopeSpec(module="complaints", jurisdiction="jurisdiction",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))
    # Read by core.audit: identity and the public lookup code never reach the audit log (it says they changed).
    audit_masked_fields = (*IDENTITY_FIELDS, "query_code")

    class Meta:
        verbose_name = _("信访投诉")
        verbose_name_plural = _("信访投诉")
        ordering = ["-received_at", "-id"]
        indexes = [
            # Carries jurisdiction and state so scoped/filtered pages in received order skip table reads.
            models.Index(fields=["received_at", "id", "jurisdiction", "state"], name="cmp_received"),
            # Each filter column + the list order (received_at, id), so a filtered page reads in index order.
            models.Index(fields=["state", "received_at", "id"], name="cmp_state_recv"),
            models.Index(fields=["channel", "received_at", "id"], name="cmp_channel_recv"),
            models.Index(fields=["category", "received_at", "id"], name="cmp_cat_recv"),
            models.Index(fields=["jurisdiction", "received_at", "id"], name="cmp_jur_recv"),
            models.Index(fields=["finish_due"], name="cmp_finish_due"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_completed(self) -> bool:
        from .choices import COMPLETED_STATES

        return self.state in COMPLETED_STATES

    def masked(self, field: str) -> str:
        return MASKERS[field](getattr(self, field))

    def state_colour(self) -> str:
        from .choices import STATE_COLOURS

        return STATE_COLOURS.get(self.state, "secondary")

    @property
    def overdue(self) -> bool:
        from .choices import OPEN_STATES

        today = timezone.localdate()
        if self.state == "registered":
            return bool(self.accept_due and today > self.accept_due)
        return bool(self.state in OPEN_STATES and self.finish_due and today > self.finish_due)


class DuplicateLink(ScopedModel):
    """A later complaint about the same matter as an earlier one; shown on both complaints."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("后件"), on_delete=models.CASCADE,
                                  related_name="duplicate_links")
    original = models.ForeignKey(Complaint, verbose_name=_("原件"), on_delete=models.CASCADE,
                                 related_name="duplicate_of_links")
    state = models.CharField(_("状态"), max_length=10, choices=DuplicateState.choices, default=DuplicateState.SUGGESTED)
    score = models.FloatField(_("相似度"), default=0)
    distance_m = models.FloatField(_("距离(米)"), null=True, blank=True)
    days_apart = models.FloatField(_("相隔天数"), null=True, blank=True)
    text_similarity = models.FloatField(_("文本相似度"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    scope = ScopeSpec(module="complaints", jurisdiction="complaint__jurisdiction")

    class Meta:
        verbose_name = _("重复件关联")
        verbose_name_plural = _("重复件关联")
        constraints = [models.UniqueConstraint(fields=["complaint", "original"], name="cmp_dup_unique")]

    def __str__(self):
        return f"{self.complaint_id} ↔ {self.original_id}"


class SatisfactionVisit(ScopedModel):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="visits")
    time = models.DateTimeField(_("回访时间"), default=timezone.now)
    method = models.CharField(_("回访方式"), max_length=40, blank=True)
    satisfaction = models.CharField(_("回访结果"), max_length=14, choices=Satisfaction.choices)
    fixed = models.BooleanField(_("问题是否解决"), null=True, blank=True)
    note = models.TextField(_("回访情况"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    scope = ScopeSpec(module="complaints", jurisdiction="complaint__jurisdiction")

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["time"]


def photo_path(instance, filename):
    return f"complaints/{timezone.localdate():%Y/%m}/{instance.complaint_id}/{filename}"


class ComplaintPhoto(ScopedModel):
    """A photo a citizen attached to a complaint, stored re-encoded without metadata (no EXIF: GPS position,
    camera, owner — core.images); the hash makes later tampering visible. Staff read it with the complaint."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("投诉"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("文件"), upload_to=photo_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    size = models.BigIntegerField(_("大小"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽度(像素)"), default=0)
    height = models.PositiveIntegerField(_("高度(像素)"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope = ScopeSpec(module="complaints", jurisdiction="complaint__jurisdiction")

    class Meta:
        verbose_name = _("举报照片")
        verbose_name_plural = _("举报照片")
        ordering = ["complaint", "id"]

    def __str__(self) -> str:
        return self.name


class DeadlineRule(ScopedModel):
    """Time limits per jurisdiction (blank = everywhere), channel and track; the most specific wins.

    Without any row the national defaults in deadlines.NATIONAL apply (信访工作条例 arts. 22/23/34-36,
    12369 rules): accept within 15 days, finish within 60 days of acceptance, extension ≤ 30 days,
    review and re-check 30 + 30 days."""

    name = models.CharField(_("名称"), max_length=120)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("适用区域"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+", help_text=_("留空表示全国默认"))
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices, blank=True)
    track = models.CharField(_("办理类别"), max_length=12, choices=Track.choices, blank=True)
    accept_days = models.PositiveIntegerField(_("受理告知期限(天)"), default=15)
    accept_kind = models.CharField(_("受理期限计日"), max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR)
    start_days = models.PositiveIntegerField(_("开始办理期限(天)"), null=True, blank=True)
    start_kind = models.CharField(_("开始办理计日"), max_length=10, choices=DayKind.choices, default=DayKind.WORKING)
    finish_days = models.PositiveIntegerField(_("办结期限(天,自受理)"), default=60)
    finish_kind = models.CharField(_("办结期限计日"), max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR)
    extension_max_days = models.PositiveIntegerField(_("最长延期(天)"), default=30)
    review_request_days = models.PositiveIntegerField(_("申请复查/复核期限(天)"), default=30)
    review_answer_days = models.PositiveIntegerField(_("复查/复核答复期限(天)"), default=30)
    roll_forward = models.BooleanField(_("期满日遇法定节假日顺延"), default=True,
                                       help_text=_("民法典第二百零三条:期间最后一日是法定休假日的,以休假日结束的次日为最后一日"))
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    scope = ScopeSpec(module="complaints", jurisdiction="jurisdiction", null_jurisdiction_city_wide=True)

    class Meta:
        verbose_name = _("办理期限规则")
        verbose_name_plural = _("办理期限规则")
        ordering = ["jurisdiction__path", "channel", "track"]

    def __str__(self):
        return self.name


class MonthlySummary(ScopedModel):
    """Counts per (month received, jurisdiction, category, channel), kept current by services so the
    statistics never count a million complaints live. Rebuild: `envbureau complaints_summary`."""

    month = models.DateField()
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.CASCADE, related_name="+",
                                     db_constraint=False)
    category = models.CharField(max_length=12)
    channel = models.CharField(max_length=12)
    received = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    declined = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    completed_on_time = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    investigated = models.IntegerField(default=0)
    substantiated = models.IntegerField(default=0)
    partly = models.IntegerField(default=0)
    unsubstantiated = models.IntegerField(default=0)
    visited = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    repeats = models.IntegerField(default=0)

    scope = ScopeSpec(module="complaints", jurisdiction="jurisdiction")
    audit_exempt = True

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "jurisdiction", "category", "channel"],
                                               name="cmp_summary_key")]
        indexes = [models.Index(fields=["month", "jurisdiction"], name="cmp_summary_month")]


class IntakeAttempt(models.Model):
    """Anonymous submissions per address, for the captcha-free rate limit (in the database so every
    server process sees the same counts)."""

    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    time = models.DateTimeField(default=timezone.now)
    audit_exempt = True

    class Meta:
        indexes = [models.Index(fields=["remote_addr", "time"], name="cmp_intake_addr")]
