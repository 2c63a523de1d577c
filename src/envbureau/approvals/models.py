"""Approvals records: EIA applications, discharge permits with their limits, execution reports.

State changes go through services.py / workflows.py (core.workflow); time limits through core.deadlines clocks;
documents through core.documents. Enterprises are referenced by id (sources.Enterprise), never by a model import.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from envbureau.core.scoping import ScopedModel, ScopeSpec

from .choices import (
    DutyRole,
    EIACategory,
    EIAState,
    IncidentLevel,
    IncidentState,
    LimitPeriod,
    PermitCategory,
    PermitState,
    PlanState,
    PreReviewConclusion,
    PreReviewOrigin,
    PreReviewState,
    ReportFrequency,
    ReportKind,
    ReportState,
    RiskLevel,
    ZoningCategory,
)


class EIAApplication(ScopedModel):
    """One construction project's EIA from application to decision and completion acceptance (环评法; 建设项目环境保护管理条例)."""

    code = models.CharField(_("申请编号"), max_length=40, unique=True)
    enterprise_id = models.BigIntegerField(_("企业ID"))
    builder = models.CharField(_("建设单位"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    project_name = models.CharField(_("项目名称"), max_length=200)
    category = models.CharField(_("环评类别"), max_length=14, choices=EIACategory.choices)
    industry_code = models.CharField(_("行业代码"), max_length=5, blank=True)
    industry_name = models.CharField(_("行业"), max_length=100, blank=True)
    investment = models.DecimalField(_("总投资(万元)"), max_digits=14, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    env_investment = models.DecimalField(_("环保投资(万元)"), max_digits=14, decimal_places=2, null=True, blank=True,
                                         validators=[MinValueValidator(0)])
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    location = models.CharField(_("建设地点"), max_length=300, blank=True)
    commitment = models.BooleanField(_("告知承诺制"), default=False)
    state = models.CharField(_("状态"), max_length=12, choices=EIAState.choices, default=EIAState.SUBMITTED)
    submitted_on = models.DateField(_("申请日期"))
    missing_materials = models.TextField(_("需补正材料"), blank=True)
    corrections = models.PositiveSmallIntegerField(_("补正次数"), default=0)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    acceptance_notice_until = models.DateField(_("受理公示截止"), null=True, blank=True)
    expert_opinion = models.TextField(_("技术评估意见"), blank=True)
    proposed_on = models.DateField(_("拟批准公示日期"), null=True, blank=True)
    proposal_notice_until = models.DateField(_("拟批准公示截止"), null=True, blank=True)
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    conditions = models.TextField(_("批复意见及要求"), blank=True)
    decision_reasons = models.TextField(_("不予批准理由"), blank=True)
    limit_days = models.PositiveSmallIntegerField(_("审批时限(天)"), null=True, blank=True)
    limit_source = models.CharField(_("时限依据"), max_length=60, blank=True)  # in Chinese (documents, CLI)
    # where the limit comes from as the facts of its sentence (core.texts), worded per reader (limit_source_label)
    limit_facts = models.JSONField(_("时限依据事实"), default=dict, blank=True, editable=False)
    due_on = models.DateField(_("应办结日期"), null=True, blank=True)
    days_used = models.PositiveSmallIntegerField(_("实际用时(计入时限的天数)"), null=True, blank=True)
    within_limit = models.BooleanField(_("在时限内办结"), null=True, blank=True)
    filing_no = models.CharField(_("备案号"), max_length=40, blank=True)
    completed_on = models.DateField(_("竣工环保验收日期"), null=True, blank=True)
    completion_note = models.TextField(_("验收情况"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope = ScopeSpec(module="approvals", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("环评审批")
        verbose_name_plural = _("环评审批")
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["decided_on", "category"], name="apr_eia_decided_idx")]

    def __str__(self):
        return f"{self.code} {self.project_name}"

    def set_limit(self, days: int, source: dict) -> None:
        """The review limit in days and where it comes from (the facts of its sentence, core.texts): stored in
        Chinese beside the facts whoever clicked."""
        from envbureau.core import texts

        self.limit_days, self.limit_source, self.limit_facts = days, texts.chinese(source)[:60], source

    @property
    def limit_source_label(self) -> str:
        """Where the review limit comes from, in the reader's language: worded from its facts while they still
        word the stored text; otherwise the stored text (rows older than the facts, a text a person changed)
        through the catalogue."""
        from django.utils.translation import gettext

        from envbureau.core import texts

        facts = self.limit_facts if isinstance(self.limit_facts, dict) else {}
        if facts and texts.chinese(facts)[:60] == self.limit_source:
            return texts.words(facts, self.limit_source) or self.limit_source
        return gettext(self.limit_source) if self.limit_source else ""


class Permit(ScopedModel):
    """A discharge permit (or registration) and what it records (排污许可管理条例 art. 13)."""

    number = models.CharField(_("许可证编号"), max_length=40, unique=True)
    enterprise_id = models.BigIntegerField(_("企业ID"))
    enterprise_name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    category = models.CharField(_("管理类别"), max_length=12, choices=PermitCategory.choices)
    authority = models.CharField(_("发证机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("发证日期"))
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"))
    report_frequency = models.CharField(_("执行报告频次"), max_length=10, choices=ReportFrequency.choices,
                                        default=ReportFrequency.ANNUAL)
    monitoring_duties = models.TextField(_("自行监测要求"), blank=True)
    record_keeping = models.TextField(_("环境管理台账记录要求"), blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=PermitState.choices, default=PermitState.VALID)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    renewal_applied_on = models.DateField(_("延续申请日期"), null=True, blank=True)
    renewal_late = models.BooleanField(_("延续申请晚于到期前60日"), default=False)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)

    scope = ScopeSpec(module="approvals", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("排污许可证")
        verbose_name_plural = _("排污许可证")
        ordering = ["valid_until", "number"]

    def __str__(self):
        return f"{self.number} {self.enterprise_name}"

    @property
    def renewal_due(self) -> dt.date:
        from . import config

        return self.valid_until - dt.timedelta(days=config.get("permit_renewal_days_before"))

    @property
    def source_ref(self) -> str:
        return f"approvals.permit:{self.pk}"

    @property
    def citation(self) -> str:
        return f"排污许可证 {self.number}"


def _factor_words(code) -> str:
    from envbureau.sources.choices import factor_label

    return factor_label(str(code))


def _emission_words(value) -> str:
    if not isinstance(value, dict):
        return str(value)
    tonnes = _("吨")  # outside the f-string: makemessages reads no call inside one
    return ";".join(f"{_factor_words(k)} {v} {tonnes}" for k, v in value.items())


class PermitLimit(ScopedModel):
    """One permitted pollutant at one outlet: concentration limit and annual quantity."""

    permit = models.ForeignKey(Permit, verbose_name=_("排污许可证"), on_delete=models.CASCADE, related_name="limits")
    outlet_code = models.CharField(_("排放口编号"), max_length=30)
    outlet_name = models.CharField(_("排放口名称"), max_length=100, blank=True)
    factor = models.CharField(_("污染物代码"), max_length=10, help_text=_("HJ 212-2017 代码,如 w01018(COD)"))
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    period = models.CharField(_("均值周期"), max_length=8, choices=LimitPeriod.choices, default=LimitPeriod.HOUR)
    limit_value = models.FloatField(_("许可排放浓度(上限)"), null=True, blank=True)
    lower_limit = models.FloatField(_("下限"), null=True, blank=True)
    on_converted = models.BooleanField(_("按折算值判定"), default=False)
    annual_quantity = models.FloatField(_("许可年排放量(吨/年)"), null=True, blank=True,
                                        validators=[MinValueValidator(0)])

    human_values = {"factor": _factor_words}
    scope = ScopeSpec(module="approvals", jurisdiction="permit__jurisdiction", enterprise="permit__enterprise_id")

    class Meta:
        verbose_name = _("许可排放限值")
        verbose_name_plural = _("许可排放限值")
        ordering = ["outlet_code", "factor", "period"]
        constraints = [models.UniqueConstraint(fields=["permit", "outlet_code", "factor", "period"],
                                               name="apr_limit_unique")]

    def __str__(self):
        return f"{self.outlet_code} {self.factor}"


class ExecutionReport(ScopedModel):
    """A permit's execution report for one period (排污许可管理条例 art. 22), submitted by the enterprise."""

    permit = models.ForeignKey(Permit, verbose_name=_("排污许可证"), on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("报告类型"), max_length=8, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    period = models.PositiveSmallIntegerField(_("期次"), default=0, help_text=_("月报为月份,季报为季度,年报为0"))
    due_on = models.DateField(_("应提交日期"))
    state = models.CharField(_("状态"), max_length=10, choices=ReportState.choices, default=ReportState.DUE)
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)
    late = models.BooleanField(_("逾期提交"), default=False)
    content = models.TextField(_("报告内容"), blank=True)
    emissions = models.JSONField(_("实际排放量(吨)"), default=dict, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)

    human_values = {"emissions": _emission_words}  # pollutants by name in the change history
    scope = ScopeSpec(module="approvals", jurisdiction="permit__jurisdiction", enterprise="permit__enterprise_id")

    class Meta:
        verbose_name = _("执行报告")
        verbose_name_plural = _("执行报告")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["permit", "kind", "year", "period"], name="apr_report_once")]
        indexes = [models.Index(fields=["state", "due_on"], name="apr_report_due_idx")]

    def __str__(self):
        return f"{self.permit.number} {self.period_label}"

    @property
    def period_label(self) -> str:
        from envbureau.core.humanize import month_label, quarter_label, year_label

        if self.kind == ReportKind.MONTH:
            when = month_label(self.year, self.period)
        elif self.kind == ReportKind.QUARTER:
            when = quarter_label(self.year, self.period)
        else:
            when = year_label(self.year)
        return f"{when} {self.get_kind_display()}"

    @property
    def period_facts(self) -> dict:
        """period_label as the facts of a sentence (core.texts), for records that word it per reader."""
        from django.utils.translation import gettext_noop

        from envbureau.core import texts

        if self.kind == ReportKind.MONTH:
            when = texts.sentence(gettext_noop("%(y)d年%(m)d月"), y=self.year, m=self.period)
        elif self.kind == ReportKind.QUARTER:
            when = texts.sentence(gettext_noop("%(y)d年第%(q)d季度"), y=self.year, q=self.period)
        else:
            when = texts.sentence(gettext_noop("%(y)d年"), y=self.year)
        return texts.sentence(gettext_noop("%(w)s %(k)s"), ("k",), w=when, k=texts.zh_display(self, "kind"))

    def is_overdue(self, today: dt.date) -> bool:
        return self.state == ReportState.DUE and today > self.due_on


class EmergencyPlan(ScopedModel):
    """An enterprise's emergency plan filed with the bureau, with its HJ 941 risk level and the working."""

    code = models.CharField(_("预案编号"), max_length=40, unique=True)
    enterprise_id = models.BigIntegerField(_("企业ID"))
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    title = models.CharField(_("预案名称"), max_length=200)
    signed_on = models.DateField(_("签署发布日期"))
    submitted_on = models.DateField(_("提交备案日期"))
    filing_due = models.DateField(_("应备案日期"))
    submitted_late = models.BooleanField(_("超期提交备案"), default=False)
    state = models.CharField(_("状态"), max_length=12, choices=PlanState.choices, default=PlanState.SUBMITTED)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filing_no = models.CharField(_("备案编号"), max_length=40, blank=True)
    revision_due = models.DateField(_("应回顾评估(修订)日期"))
    risk_inputs = models.JSONField(_("风险评估输入"), default=dict, blank=True)
    risk_level = models.CharField(_("环境风险等级"), max_length=4, choices=RiskLevel.choices)
    risk_label = models.CharField(_("风险等级表征"), max_length=120)
    risk_working = models.TextField(_("风险等级计算过程"), blank=True)
    # the level HJ 941 gives from the inputs; differs from risk_level only when an imported plan keeps the level it
    # was officially filed with (flagged, never overwritten)
    computed_level = models.CharField(_("按 Q、M、E 计算的等级"), max_length=4, choices=RiskLevel.choices, blank=True)
    # where the HJ 941 tables used come from: "" = the platform's remembered tables (pending the standard's text)
    risk_tables = models.CharField(_("分级表来源"), max_length=200, blank=True)
    drills = models.PositiveSmallIntegerField(_("演练次数"), default=0)
    last_drill_on = models.DateField(_("最近演练日期"), null=True, blank=True)

    scope = ScopeSpec(module="approvals", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("应急预案备案")
        verbose_name_plural = _("应急预案备案")
        ordering = ["-signed_on", "-id"]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def level_differs(self) -> bool:
        """The filed level is not the one HJ 941 computes from the recorded Q, M and E (kept, flagged)."""
        return bool(self.computed_level) and self.computed_level != self.risk_level


class HazardCheck(ScopedModel):
    """One enterprise's hidden-danger check (隐患排查) in a round; its findings are ledger problems."""

    round_name = models.CharField(_("排查轮次"), max_length=100)
    enterprise_id = models.BigIntegerField(_("企业ID"))
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    checked_on = models.DateField(_("排查日期"))
    checkers = models.CharField(_("排查人员"), max_length=200, blank=True)
    findings = models.JSONField(_("发现隐患"), default=list, blank=True)
    problem_refs = models.JSONField(_("问题台账"), default=list, blank=True)

    human_values = {"findings": lambda v: ";".join(f.get("text", "") for f in v or [] if isinstance(f, dict)),
                    "problem_refs": lambda v: _("%(n)s 个问题") % {"n": len(v or [])}}
    scope = ScopeSpec(module="approvals", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("隐患排查")
        verbose_name_plural = _("隐患排查")
        ordering = ["-checked_on", "-id"]

    def __str__(self):
        return f"{self.round_name} {self.enterprise_name}"

    @property
    def finding_count(self) -> int:
        return len(self.findings or [])


class Incident(ScopedModel):
    """An environmental incident (突发环境事件): report, level, response log (its timeline), close-out."""

    code = models.CharField(_("事件编号"), max_length=40, unique=True)
    title = models.CharField(_("事件名称"), max_length=200)
    kind = models.CharField(_("事件类型"), max_length=60, help_text=_("如 水污染、大气污染、危化品泄漏(可编辑的分类)"))
    level = models.CharField(_("事件等级"), max_length=4, choices=IncidentLevel.choices, default=IncidentLevel.GENERAL)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    enterprise_id = models.BigIntegerField(_("涉事企业ID"), null=True, blank=True)
    enterprise_name = models.CharField(_("涉事企业"), max_length=200, blank=True)
    location = models.CharField(_("地点"), max_length=300, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    reported_at = models.DateTimeField(_("报告时间"))
    description = models.TextField(_("事件概况"))
    state = models.CharField(_("状态"), max_length=12, choices=IncidentState.choices, default=IncidentState.REPORTED)
    summary = models.TextField(_("处置总结"), blank=True)
    initial_report_due = models.DateTimeField(_("初报时限"), null=True, blank=True)
    initial_reported_at = models.DateTimeField(_("初报时间"), null=True, blank=True)
    initial_report_late = models.BooleanField(_("初报超时"), default=False)
    initial_overdue_noted = models.BooleanField(_("已提示初报超时"), default=False)
    follow_ups = models.PositiveSmallIntegerField(_("续报次数"), default=0)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    scope = ScopeSpec(module="approvals", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"})

    class Meta:
        verbose_name = _("突发环境事件")
        verbose_name_plural = _("突发环境事件")
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def initial_report_overdue(self, now) -> bool:
        """Not yet reported upwards and the limit has passed (the limit's own minute still counts as in time)."""
        return self.initial_reported_at is None and self.initial_report_due is not None and now > self.initial_report_due


class DutyShift(ScopedModel):
    """One day of the 24-hour duty roster (值班表)."""

    day = models.DateField(_("日期"))
    role = models.CharField(_("岗位"), max_length=10, choices=DutyRole.choices, default=DutyRole.OFFICER)
    person = models.CharField(_("值班人员"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=30)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")

    scope = ScopeSpec(module="approvals", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("应急值班")
        verbose_name_plural = _("应急值班表")
        ordering = ["-day", "role", "person"]
        constraints = [models.UniqueConstraint(fields=["day", "role", "person", "jurisdiction"], name="apr_duty_once")]

    def __str__(self):
        return f"{self.day} {self.get_role_display()} {self.person}"


def material_path(instance, filename):
    return f"approvals/{timezone.localdate():%Y/%m}/{instance.enterprise_id}/{uuid.uuid4().hex[:8]}-{filename}"


class Material(ScopedModel):
    """A document an enterprise (or staff on its behalf) uploads to an EIA application or an emergency plan;
    the hash makes later tampering visible. Bounded in size, type and number (config.py)."""

    eia = models.ForeignKey(EIAApplication, verbose_name=_("环评审批"), null=True, blank=True, on_delete=models.CASCADE,
                            related_name="materials")
    plan = models.ForeignKey(EmergencyPlan, verbose_name=_("应急预案备案"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="materials")
    enterprise_id = models.BigIntegerField(_("企业ID"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    title = models.CharField(_("材料名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=material_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.BigIntegerField(_("大小(字节)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    scope = ScopeSpec(module="approvals", jurisdiction="jurisdiction", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.title}({self.name})"


class PreReview(ScopedModel):
    """A project pre-review (项目预审): an investment-attraction (招商引资) or in-house industrial (工业内生) project
    checked against the 三线一单 zoning and the industry policy before it may proceed, ending in 同意 / 有条件同意 /
    不同意 with reasons. Local practice (no national procedure): the time limit is configuration."""

    code = models.CharField(_("预审编号"), max_length=40, unique=True)
    origin = models.CharField(_("项目来源"), max_length=12, choices=PreReviewOrigin.choices)
    project_name = models.CharField(_("项目名称"), max_length=200)
    applicant = models.CharField(_("申报单位"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    enterprise_id = models.BigIntegerField(_("企业ID"), null=True, blank=True)
    industry_name = models.CharField(_("行业"), max_length=100)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    location = models.CharField(_("拟建地点"), max_length=300, blank=True)
    investment = models.DecimalField(_("总投资(万元)"), max_digits=14, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    zoning_category = models.CharField(_("管控单元类别"), max_length=10, choices=ZoningCategory.choices, blank=True)
    zoning_unit = models.CharField(_("所在管控单元"), max_length=200, blank=True)
    summary = models.TextField(_("项目概况"), blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=PreReviewState.choices,
                             default=PreReviewState.SUBMITTED)
    received_on = models.DateField(_("收件日期"))
    due_on = models.DateField(_("应出具意见日期"), null=True, blank=True)
    concluded_on = models.DateField(_("出具意见日期"), null=True, blank=True)
    conclusion = models.CharField(_("预审结论"), max_length=12, choices=PreReviewConclusion.choices, blank=True)
    reasons = models.TextField(_("预审意见及理由"), blank=True)
    within_limit = models.BooleanField(_("在时限内出具"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope = ScopeSpec(module="approvals", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("项目预审")
        verbose_name_plural = _("项目预审")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["concluded_on", "conclusion"], name="apr_prereview_done_idx")]

    def __str__(self):
        return f"{self.code} {self.project_name}"
