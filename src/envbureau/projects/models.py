"""Pollution-control projects and their funds (central 生态环保 fund reserve rules, 2020–2023 [2S]). State changes go through
services.py / workflows.py (core.workflow); monthly reports are tasks of the kit; statistics in stats.py."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core.humanize import labelled
from envbureau.core.scoping import ScopedModel, ScopeSpec

from .choices import (
    Battle,
    CardColour,
    CardState,
    FundLevel,
    FundState,
    Grade,
    GridState,
    Outcome,
    OutfallState,
    OutfallType,
    PermitStatus,
    ProjectState,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


def _evaluation_words(value):
    from . import config

    names = config.get("evaluation_indicators") or {}
    if not isinstance(value, dict):
        return str(value)
    return ";".join(f"{_(names[k][0]) if k in names else k}: {v}" for k, v in value.items())


class Project(ScopedModel):
    """One pollution-control project (工程项目) with its plan, investment and state."""

    code = models.CharField(_("项目编号"), max_length=30, unique=True, blank=True)
    name = models.CharField(_("项目名称"), max_length=200)
    battle = models.CharField(_("攻坚领域"), max_length=12, choices=Battle.choices)
    task = models.CharField(_("服务的攻坚任务"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("计划年度"), validators=[MinValueValidator(2000)])
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    owner_unit = models.ForeignKey("core.Unit", verbose_name=_("实施(责任)单位"), on_delete=models.PROTECT,
                                   related_name="+")
    enterprise_id = models.BigIntegerField(_("企业ID"), null=True, blank=True)
    enterprise_name = models.CharField(_("企业"), max_length=200, blank=True)
    location = models.CharField(_("建设地点"), max_length=200, blank=True)
    description = models.TextField(_("建设内容"), blank=True)
    planned_start = models.DateField(_("计划开工日期"))
    planned_finish = models.DateField(_("计划完工日期"))
    investment_planned = models.DecimalField(_("计划投资(元)"), **MONEY, default=Decimal("0"))
    investment_completed = models.DecimalField(_("完成投资(元)"), **MONEY, default=Decimal("0"))
    state = models.CharField(_("状态"), max_length=12, choices=ProjectState.choices, default=ProjectState.PLANNED)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    finished_on = models.DateField(_("完工日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    evaluation_scores = models.JSONField(_("绩效评价分项得分"), default=dict, blank=True)
    # indicator codes read as their names in lists and the change history
    human_values = {"evaluation_scores": lambda v: _evaluation_words(v)}
    evaluation_score = models.DecimalField(_("绩效评价得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    evaluation_grade = models.CharField(_("绩效评价等级"), max_length=10, choices=Grade.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope = ScopeSpec(module="projects", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("工程项目")
        verbose_name_plural = _("工程项目")
        ordering = ["-year", "code"]
        indexes = [models.Index(fields=["year", "battle", "state"], name="prj_year_battle_idx"),
                   models.Index(fields=["year", "state"], name="prj_year_state_idx"),
                   models.Index(fields=["owner_unit", "year"], name="prj_owner_year_idx")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.planned_start and self.planned_finish and self.planned_finish < self.planned_start:
            raise ValidationError({"planned_finish": _("计划完工日期不能早于计划开工日期")})


class Milestone(ScopedModel):
    """A dated step of the project's plan (立项、招标、开工、主体完工…)."""

    project = models.ForeignKey(Project, verbose_name=_("工程项目"), on_delete=models.CASCADE,
                                related_name="milestones")
    name = models.CharField(_("节点"), max_length=100)
    due = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)

    scope = ScopeSpec(module="projects", jurisdiction="project__jurisdiction", enterprise="project__enterprise_id")

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["project", "due", "pk"]

    def __str__(self):
        return f"{self.project.code} {self.name}"

    def is_late(self, today) -> bool:
        """Not done and its due date has passed: late from the day after the due date (the due day itself is
        still in time)."""
        return self.done_on is None and self.due < today

    @property
    @labelled(_("逾期未完成"))
    def overdue(self) -> bool:
        return self.is_late(timezone.localdate())


class ProgressReport(ScopedModel):
    """The owner unit's monthly progress report (每月调度), submitted through its task."""

    project = models.ForeignKey(Project, verbose_name=_("工程项目"), on_delete=models.CASCADE,
                                related_name="reports")
    month = models.DateField(_("月份"), help_text=_("所报月份的第一天"))
    investment_completed = models.DecimalField(_("累计完成投资(元)"), **MONEY)
    stage = models.CharField(_("建设阶段"), max_length=100, blank=True)
    progress = models.TextField(_("进展情况"))
    due = models.DateField(_("应报日期"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_on = models.DateField(_("填报日期"))

    scope = ScopeSpec(module="projects", jurisdiction="project__jurisdiction", enterprise="project__enterprise_id")

    class Meta:
        verbose_name = _("月度进展")
        verbose_name_plural = _("月度进展")
        ordering = ["project", "-month"]
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="prj_report_month_unique")]

    def __str__(self):
        return f"{self.project.code} {self.month:%Y-%m}"

    @property
    def late(self) -> bool:
        return self.reported_on > self.due


class Fund(ScopedModel):
    """A special fund for a project: from the reserve (储备库) through approval and allocation to spending."""

    project = models.ForeignKey(Project, verbose_name=_("工程项目"), on_delete=models.PROTECT, related_name="funds")
    level = models.CharField(_("资金层级"), max_length=12, choices=FundLevel.choices)
    name = models.CharField(_("资金名称"), max_length=100, help_text=_("如 大气污染防治资金"))
    reserve_batch = models.CharField(_("储备库批次"), max_length=100, blank=True)
    requested = models.DecimalField(_("申请金额(元)"), **MONEY)
    approved = models.DecimalField(_("批准金额(元)"), **MONEY, null=True, blank=True)
    allocated = models.DecimalField(_("下达金额(元)"), **MONEY, null=True, blank=True)
    allocation_doc = models.CharField(_("下达文号"), max_length=100, blank=True)
    allocated_on = models.DateField(_("下达日期"), null=True, blank=True)
    spent = models.DecimalField(_("已支出(元)"), **MONEY, default=Decimal("0"))
    state = models.CharField(_("状态"), max_length=12, choices=FundState.choices, default=FundState.RESERVE)

    scope = ScopeSpec(module="projects", jurisdiction="project__jurisdiction", enterprise="project__enterprise_id")

    class Meta:
        verbose_name = _("专项资金")
        verbose_name_plural = _("专项资金")
        ordering = ["project", "level", "pk"]

    def __str__(self):
        return f"{self.project.code} {self.get_level_display()} {self.name}"


class Campaign(ScopedModel):
    """A special campaign (专项行动, e.g. 散乱污企业整治): a target list, classes with closure checks, deadlines;
    each target goes through the ledger's loop (ledger.services.open_problem, source 专项行动)."""

    code = models.CharField(_("行动编号"), max_length=30, unique=True)
    name = models.CharField(_("行动名称"), max_length=200, unique=True)
    kind = models.CharField(_("行动类型"), max_length=30, help_text=_("分类方案见配置 campaign_kinds"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("组织属地"), on_delete=models.PROTECT,
                                     related_name="+")
    start = models.DateField(_("开始日期"))
    deadline = models.DateField(_("完成时限"))
    category = models.CharField(_("问题类型"), max_length=20, default="air",
                                help_text=_("问题台账的类型:大气、水、土壤…"))
    description = models.TextField(_("工作要求"), blank=True)

    # A city campaign's header is read by every district and street that holds targets of it (like a
    # reference list); its targets stay scoped, so each reads its own progress. Changes need the scope.
    scope = ScopeSpec(module="projects", jurisdiction="jurisdiction", all_staff_view=True)

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-start", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        from . import config

        if self.kind and self.kind not in config.get("campaign_kinds", self.jurisdiction_id and self.jurisdiction):
            raise ValidationError({"kind": _("未配置的行动类型:%(k)s") % {"k": self.kind}})
        if self.start and self.deadline and self.deadline < self.start:
            raise ValidationError({"deadline": _("完成时限不能早于开始日期")})

    def kind_conf(self) -> dict:
        from . import config

        return config.get("campaign_kinds", self.jurisdiction).get(self.kind) or {"label": self.kind, "classes": {}}

    @property
    def kind_label(self) -> str:
        return str(_(self.kind_conf().get("label", self.kind)))


class CampaignTarget(ScopedModel):
    """One target of a campaign (an enterprise, site or problem) with its class and closure checks; its
    progress is the ledger problem opened for it."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), on_delete=models.PROTECT,
                                 related_name="targets")
    name = models.CharField(_("对象名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, help_text=_("无照经营留空"))
    enterprise_id = models.BigIntegerField(_("企业ID"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    flags = models.CharField(_("问题特征"), max_length=20, blank=True, help_text=_("如 散、乱、污"))
    target_class = models.CharField(_("整治类型"), max_length=30)
    due = models.DateField(_("整治时限"))
    lead_unit = models.CharField(_("牵头单位"), max_length=200, blank=True)
    problem_id = models.BigIntegerField(_("问题台账ID"), null=True, blank=True, editable=False)
    checks = models.JSONField(_("销号核查"), default=dict, blank=True, help_text=_("{核查项: 日期}"))
    rechecks = models.PositiveSmallIntegerField(_("复查次数"), default=0)
    reopened = models.PositiveSmallIntegerField(_("反弹次数"), default=0)
    last_checked_on = models.DateField(_("最近复查"), null=True, blank=True)

    scope = ScopeSpec(module="projects", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"})

    class Meta:
        verbose_name = _("行动对象")
        verbose_name_plural = _("行动对象清单")
        ordering = ["campaign", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name", "address"], name="prj_target_unique")]
        indexes = [models.Index(fields=["campaign", "target_class"], name="prj_target_class_idx")]

    def __str__(self):
        return f"{self.name}({self.campaign.name})"

    def class_conf(self) -> tuple:
        return tuple(self.campaign.kind_conf().get("classes", {}).get(self.target_class) or (self.target_class, []))

    @property
    @labelled(_("整治类型"))
    def class_label(self) -> str:
        return str(_(self.class_conf()[0]))

    def required_checks(self) -> list:
        return list(self.class_conf()[1])

    def missing_checks(self) -> list:
        return [c for c in self.required_checks() if not self.checks.get(c)]


class Outfall(ScopedModel):
    """A river outfall (入河排污口) and its 一口一档 record; the 查、测、溯、治 loop is workflows.OUTFALL."""

    code = models.CharField(_("排口编码"), max_length=40, unique=True)
    name = models.CharField(_("排口名称"), max_length=200)
    type1 = models.CharField(_("排口类型"), max_length=20, choices=OutfallType.choices)
    type2 = models.CharField(_("二级类型"), max_length=40, blank=True)
    type3 = models.CharField(_("三级类型"), max_length=40, blank=True,
                             help_text=_("工矿企业排污口、工矿企业雨洪排口下分 工业企业 / 矿山 / 尾矿库"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    basin = models.CharField(_("流域"), max_length=100, blank=True)
    receiving_water = models.CharField(_("受纳水体"), max_length=100)
    section_id = models.BigIntegerField(_("对应断面ID"), null=True, blank=True)
    section_name = models.CharField(_("对应断面"), max_length=100, blank=True)
    target_class = models.PositiveSmallIntegerField(_("受纳水体目标类别"), null=True, blank=True,
                                                    help_text=_("1–5 即 Ⅰ–Ⅴ 类"))
    responsible_unit = models.CharField(_("责任主体"), max_length=200, blank=True)
    enterprise_id = models.BigIntegerField(_("企业ID"), null=True, blank=True)
    permit_status = models.CharField(_("设置手续"), max_length=12, choices=PermitStatus.choices,
                                     default=PermitStatus.NONE)
    permit_no = models.CharField(_("审批/登记文号"), max_length=100, blank=True)
    survey_batch = models.CharField(_("排查批次"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=OutfallState.choices, default=OutfallState.SUSPECTED)
    trace_result = models.TextField(_("溯源结果"), blank=True)
    outcome = models.CharField(_("整治方式"), max_length=12, choices=Outcome.choices, blank=True)
    merged_into = models.CharField(_("合并至排口"), max_length=40, blank=True)
    measures = models.TextField(_("整治措施"), blank=True)
    step_due = models.DateField(_("本步时限"), null=True, blank=True)
    closed_out_on = models.DateField(_("销号日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope = ScopeSpec(module="projects", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"})

    class Meta:
        verbose_name = _("入河排污口")
        verbose_name_plural = _("入河排污口")
        ordering = ["code"]
        indexes = [models.Index(fields=["basin", "state"], name="prj_outfall_basin_idx"),
                   models.Index(fields=["state", "type1"], name="prj_outfall_state_idx")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        self.clean_types()
        if self.target_class is not None and not 1 <= self.target_class <= 5:
            raise ValidationError({"target_class": _("目标类别应为 1–5(Ⅰ–Ⅴ 类)")})
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError({"longitude": _("经度应在 -180 至 180 之间")})
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError({"latitude": _("纬度应在 -90 至 90 之间")})


    def clean_types(self) -> None:
        """The second level must be one of the first level's, the third one of the second's (config
        outfall_types, outfall_types_level3; errors name the field and the allowed values)."""
        from . import config

        where = self.jurisdiction if self.jurisdiction_id else None
        level2 = config.get("outfall_types", where).get(self.type1, [])
        if self.type2 and self.type1 and self.type2 not in level2:
            raise ValidationError({"type2": _("“%(v)s”不是%(t)s的二级类型(可选:%(all)s)") % {
                "v": self.type2, "t": self.get_type1_display(), "all": "、".join(str(_(x)) for x in level2)}})
        level3 = config.get("outfall_types_level3", where).get(self.type2, [])
        if self.type3 and self.type3 not in level3:
            if not level3:
                raise ValidationError({"type3": _("二级类型“%(t)s”下没有三级类型") % {"t": self.type2 or "—"}})
            raise ValidationError({"type3": _("“%(v)s”不是%(t)s的三级类型(可选:%(all)s)") % {
                "v": self.type3, "t": self.type2, "all": "、".join(str(_(x)) for x in level3)}})

    @property
    @labelled(_("排口类型(分级)"))
    def type_path(self) -> str:
        """The three levels as one label: 工业排污口 / 工矿企业排污口 / 矿山排污口 (each translated)."""
        return " / ".join(str(x) for x in (self.get_type1_display(), _(self.type2) if self.type2 else "",
                                           _(self.type3) if self.type3 else "") if x)


class OutfallSample(ScopedModel):
    """A sample of the outfall's discharge (测), classed against the receiving water's target class with the
    standards library (GB 3838 single-factor class)."""

    outfall = models.ForeignKey(Outfall, verbose_name=_("排口"), on_delete=models.CASCADE, related_name="samples")
    sampled_on = models.DateField(_("采样日期"))
    dry_weather = models.BooleanField(_("晴天出水"), default=True)
    values = models.JSONField(_("监测值"), default=dict, help_text=_("项目代码 → 浓度(mg/L)"))
    water_class = models.PositiveSmallIntegerField(_("水质类别"), default=0)
    compliant = models.BooleanField(_("达到受纳水体目标"), null=True)
    exceeding = models.JSONField(_("超目标项目"), default=dict, blank=True)

    scope = ScopeSpec(module="projects", jurisdiction="outfall__jurisdiction", enterprise="outfall__enterprise_id")

    class Meta:
        verbose_name = _("排口监测")
        verbose_name_plural = _("排口监测")
        ordering = ["outfall", "-sampled_on"]

    def __str__(self):
        return f"{self.outfall.code} {self.sampled_on}"


class BasinMilestone(ScopedModel):
    """A basin's milestone (e.g. 80 % traced and 30 % rectified by 2023-12-31, the MEE/MWR notice under 国办函〔2022〕17号 [2S]) in a jurisdiction."""

    basin = models.CharField(_("流域"), max_length=100)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    due = models.DateField(_("完成时限"))
    traced_share = models.DecimalField(_("溯源比例"), max_digits=4, decimal_places=3, default=Decimal("0.8"),
                                       validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))])
    rectified_share = models.DecimalField(_("整治比例"), max_digits=4, decimal_places=3, default=Decimal("0.3"),
                                          validators=[MinValueValidator(Decimal("0")),
                                                      MaxValueValidator(Decimal("1"))])
    note = models.CharField(_("依据"), max_length=200, blank=True)

    scope = ScopeSpec(module="projects", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("流域排口整治目标")
        verbose_name_plural = _("流域排口整治目标")
        ordering = ["basin", "due"]

    def __str__(self):
        return f"{self.basin} {self.due}"


def evidence_path(instance, filename):
    return f"projects/{instance.model.split('.')[-1]}/{timezone.localdate():%Y/%m}/{filename}"


class Evidence(ScopedModel):
    """A file of a step of an outfall or patrol (photo, report); images are stored without EXIF; the hash makes
    later tampering visible."""

    model = models.CharField(_("记录类型"), max_length=60)
    object_id = models.CharField(_("记录ID"), max_length=40)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    event = models.ForeignKey("core.TimelineEvent", verbose_name=_("办理记录"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.BigIntegerField(_("大小"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    exif_removed = models.BooleanField(_("已去除照片元数据"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope = ScopeSpec(module="projects", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["model", "object_id"], name="prj_evidence_obj_idx")]

    def __str__(self):
        return self.name


class Grid(ScopedModel):
    """A supervision grid cell (网格) below a street, with its level, head (网格长) and officers (网格员);
    its patrols are steps of workflows.GRID (the next patrol is a task of its officers)."""

    code = models.CharField(_("网格编码"), max_length=40, unique=True)
    name = models.CharField(_("网格名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("网格层级"), default=3)
    parent = models.ForeignKey("self", verbose_name=_("上级网格"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                                     related_name="+")
    head = models.CharField(_("网格长"), max_length=50, blank=True)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("网格员"), blank=True,
                                      related_name="+")
    frequency_days = models.PositiveSmallIntegerField(_("巡查频次(天/次)"), null=True, blank=True,
                                                      help_text=_("留空按网格层级的配置"))
    objects_note = models.TextField(_("重点巡查对象"), blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=GridState.choices, default=GridState.ACTIVE)
    last_patrol_on = models.DateField(_("最近巡查"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope = ScopeSpec(module="projects", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["jurisdiction__code", "level", "code"]

    def __str__(self):
        return f"{self.name}({self.level_label})"

    def _where(self):
        """The grid's area for its settings (grid_levels, patrol_frequency_days may differ per jurisdiction)."""
        return self.jurisdiction if self.jurisdiction_id else None

    def clean(self):
        from . import config

        levels = config.get("grid_levels", self._where())
        if str(self.level) not in {str(k) for k in levels}:
            raise ValidationError({"level": _("网格层级应为 %(l)s") % {"l": "、".join(str(k) for k in levels)}})
        if self.parent_id and self.parent.level >= self.level:
            raise ValidationError({"parent": _("上级网格的层级须高于本网格")})
        if self.parent_id and self.jurisdiction_id and not self.jurisdiction.path.startswith(
                self.parent.jurisdiction.path):
            raise ValidationError({"jurisdiction": _("网格须在上级网格的区划范围内")})

    @property
    def level_label(self) -> str:
        from . import config

        levels = {str(k): v for k, v in config.get("grid_levels", self._where()).items()}
        return str(_(levels[str(self.level)])) if str(self.level) in levels else str(self.level)

    def frequency(self) -> int:
        from . import config

        if self.frequency_days:
            return self.frequency_days
        per_level = config.get("patrol_frequency_days", self._where())
        return int({str(k): v for k, v in per_level.items()}.get(str(self.level), 7))

    def next_due(self):
        """The day the next patrol is due: the last patrol (or the grid's creation) plus its frequency."""
        start = self.last_patrol_on
        if start is None and self.created_at is not None:
            start = timezone.localtime(self.created_at).date()
        return start + dt.timedelta(days=self.frequency()) if start else None


class GridTraining(ScopedModel):
    """A training session of grid officers (网格员培训) held in an area ("开展网格员培训7次"): counted on the grid
    statistics page for the period, each count linking to these records."""

    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    held_on = models.DateField(_("培训日期"))
    topic = models.CharField(_("培训内容"), max_length=200)
    trainees = models.PositiveIntegerField(_("参训人数"), default=0)
    organiser = models.CharField(_("组织单位"), max_length=100, blank=True)
    note = models.TextField(_("备注"), blank=True)

    scope = ScopeSpec(module="projects", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("网格员培训")
        verbose_name_plural = _("网格员培训")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} {self.topic}"


class Patrol(ScopedModel):
    """One patrol of a grid: who, when, where (from the phone), what was visited and found; a finding becomes
    a ledger problem (source 日常巡查)."""

    grid = models.ForeignKey(Grid, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="patrols")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("巡查人"), null=True,
                                on_delete=models.SET_NULL, related_name="+")
    officer_name = models.CharField(_("巡查人姓名"), max_length=100)
    patrol_on = models.DateField(_("巡查日期"))
    started_at = models.TimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.TimeField(_("结束时间"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    visited = models.TextField(_("巡查对象"), blank=True)
    findings = models.TextField(_("发现问题"), blank=True)
    problem_id = models.BigIntegerField(_("问题台账ID"), null=True, blank=True)
    # the complaint this patrol's finding followed up (complaints.services.follow_up), by id and 受理编号
    complaint_id = models.BigIntegerField(_("跟进的信访投诉ID"), null=True, blank=True)
    complaint_number = models.CharField(_("跟进的信访投诉"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    scope = ScopeSpec(module="projects", jurisdiction="grid__jurisdiction")

    class Meta:
        verbose_name = _("巡查记录")
        verbose_name_plural = _("巡查记录")
        ordering = ["-patrol_on", "-id"]
        indexes = [models.Index(fields=["grid", "patrol_on"], name="prj_patrol_grid_idx")]

    def __str__(self):
        return f"{self.grid.name} {self.patrol_on}"


class ChangeStamp(models.Model):
    """A token replaced whenever a table changes, inside the changing transaction: the version of the caches
    built from that table (the city-wide outfall map). Exact across worker processes (read from the
    database) and rollbacks (a rolled-back token is never committed, a new one is never reused). Outfall
    saves and deletes set it through signals (apps.py); a writer bypassing them (bulk_create, update)
    calls `outfall_stats.outfalls_changed()`."""

    key = models.CharField(_("数据"), max_length=40, primary_key=True)
    token = models.CharField(_("版本"), max_length=32)

    audit_exempt = True  # bookkeeping of caches, not a record anyone edits

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self):
        return self.key


# A card's publication period (Card.period) is stored in Chinese (it is filtered on); these are its wordings.
QUARTER, H1, H2 = gettext_noop("%(y)s年第%(q)s季度"), gettext_noop("%(y)s年上半年"), gettext_noop("%(y)s年下半年")
_PERIODS = ((re.compile(r"^(\d{4})年第([1-4])季度$"), QUARTER), (re.compile(r"^(\d{4})年上半年$"), H1),
            (re.compile(r"^(\d{4})年下半年$"), H2))


def period_facts(label: str):
    """A stored period label as the facts of its sentence (core.texts), to word it per reader; a label of no
    known form (typed by hand, imported) as it is."""
    from envbureau.core import texts

    for rx, msg in _PERIODS:
        m = rx.match(label or "")
        if m:
            return texts.sentence(msg, y=int(m[1]), **({"q": int(m[2])} if msg == QUARTER else {}))
    return label or ""


def period_words(label: str) -> str:
    """A stored period label in the reader's language."""
    from envbureau.core import texts

    facts = period_facts(label)
    return texts.words(facts, label) if isinstance(facts, dict) else label


class Card(ScopedModel):
    """A red or yellow card (红黄牌警示) given to an enterprise under the jurisdiction's rules (config card_*):
    proposed, issued for a publication period, re-checked by its rectification date, then removed (摘牌) or a
    yellow card raised to red. Each step is on its timeline and on the enterprise's dossier."""

    enterprise_id = models.BigIntegerField(_("企业ID"))
    enterprise_name = models.CharField(_("企业"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    colour = models.CharField(_("警示牌"), max_length=8, choices=CardColour.choices)
    criterion = models.CharField(_("警示情形"), max_length=40)
    reason = models.TextField(_("警示事由"))
    state = models.CharField(_("状态"), max_length=10, choices=CardState.choices, default=CardState.PROPOSED)
    issued_on = models.DateField(_("警示日期"), null=True, blank=True)
    period = models.CharField(_("公布批次"), max_length=30, blank=True)
    publish_due = models.DateField(_("公布期限"), null=True, blank=True)
    rectify_due = models.DateField(_("整改期限"), null=True, blank=True)
    removed_on = models.DateField(_("摘牌日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope = ScopeSpec(module="projects", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("红黄牌警示")
        verbose_name_plural = _("红黄牌警示")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["enterprise_id", "state"], name="prj_card_ent_idx"),
                   models.Index(fields=["period", "colour"], name="prj_card_period_idx")]

    def __str__(self):
        return f"{self.enterprise_name or self.enterprise_id} {self.get_colour_display()}"

    @property
    def period_label(self) -> str:
        """The publication period in the reader's language (stored in Chinese, as it is filtered on): what the
        list, the detail page, the export and the API (period_label) show."""
        return period_words(self.period)

    shown_period = period_label

    @property
    def criterion_label(self) -> str:
        from . import config

        c = config.get("card_criteria", self.jurisdiction).get(self.criterion)
        return str(_(c[0])) if c else self.criterion

    @property
    def measure(self) -> str:
        from . import config

        m = config.get("card_measures", self.jurisdiction).get(self.colour, "")
        return str(_(m)) if m else ""



class PublicCard(Card):
    """The public face of a card (警示公开: the list is published each period, local practice): cards issued for a period,
    and their 摘牌. The public page reads only this; a proposed or withdrawn card never shows."""

    scope = ScopeSpec(module="projects", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      public=models.Q(state__in=[CardState.ISSUED, CardState.REMOVED], issued_on__isnull=False))

    class Meta:
        proxy = True
        verbose_name = _("红黄牌警示公开")
        verbose_name_plural = _("红黄牌警示公开")
