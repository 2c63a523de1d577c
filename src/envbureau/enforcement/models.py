"""Enforcement records: 一单两库一细则 (items, enterprise pool, inspector pool, draw plans), draws and
inspections. State changes go through services.py / workflows.py (core.workflow); deadlines through
core.deadlines; documents through core.documents."""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core.money import yuan
from envbureau.core.scoping import ScopedModel, ScopeSpec

from . import config
from .choices import (
    CaseState,
    CheckResult,
    ClueSource,
    ClueState,
    CommitmentSource,
    DrawStatus,
    EvidenceKind,
    Grade,
    InspectionKind,
    InspectionResult,
    InspectionSource,
    InspectionState,
    ItemClass,
    MeasureKind,
    MeasureState,
    Method,
    Outcome,
    PartyType,
    Period,
    PostingKind,
    RecheckResult,
    RepairState,
    SeizureDisposal,
    SupervisionClass,
    TransferKind,
    TransferOutcome,
    TransferState,
)

RATIO = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class InspectionItem(ScopedModel):
    """一单: one inspectable matter with its legal basis and method."""

    code = models.CharField(_("事项编码"), max_length=30, unique=True)
    name = models.CharField(_("检查事项"), max_length=200)
    legal_basis = models.TextField(_("检查依据"), blank=True)
    body = models.CharField(_("检查主体"), max_length=100, blank=True)
    method = models.CharField(_("检查方式"), max_length=10, choices=Method.choices, default=Method.ONSITE)
    item_class = models.CharField(_("事项类别"), max_length=10, choices=ItemClass.choices, default=ItemClass.GENERAL)
    checklist = models.TextField(_("检查要点"), blank=True, help_text=_("每行一个要点,生成检查表"))
    active = models.BooleanField(_("启用"), default=True)

    scope = ScopeSpec(module="enforcement", jurisdiction=None, all_staff_view=True)

    class Meta:
        verbose_name = _("随机抽查事项")
        verbose_name_plural = _("随机抽查事项清单")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class PoolEnterprise(ScopedModel):
    """库1: an enterprise in the inspection-object library, with its class and list flags."""

    enterprise_id = models.BigIntegerField(_("企业ID"), unique=True)
    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    supervision_class = models.CharField(_("监管类别"), max_length=10, choices=SupervisionClass.choices,
                                         default=SupervisionClass.GENERAL)
    special_reason = models.CharField(_("特殊监管原因"), max_length=200, blank=True)
    positive_list = models.BooleanField(_("正面清单"), default=False)
    positive_until = models.DateField(_("正面清单有效期至"), null=True, blank=True)
    cap_exempt = models.BooleanField(_("不受年度检查次数上限"), default=False,
                                     help_text=_("如信用评价为不良(红牌)企业的加密抽查"))
    excluded = models.BooleanField(_("不参与双随机"), default=False, help_text=_("搬迁、长期停产、破产等"))
    credit_grade = models.CharField(_("信用等级"), max_length=12, blank=True)

    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("检查对象名录")
        verbose_name_plural = _("检查对象名录库")
        ordering = ["jurisdiction__code", "name"]

    def __str__(self):
        return self.name

    def is_positive_on(self, day) -> bool:
        return self.positive_list and (self.positive_until is None or self.positive_until >= day)


class Inspector(ScopedModel):
    """库2: a certified law-enforcement officer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("平台账号"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    badge_no = models.CharField(_("执法证号"), max_length=30, unique=True)
    department = models.ForeignKey("core.Department", verbose_name=_("所在部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                                     related_name="+")
    certified = models.BooleanField(_("持有执法证"), default=True)
    active = models.BooleanField(_("在编在岗"), default=True)
    specialty = models.CharField(_("专业领域"), max_length=100, blank=True)

    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法检查人员名录库")
        ordering = ["badge_no"]

    def __str__(self):
        return f"{self.name}({self.badge_no})"


class Recusal(ScopedModel):
    """A declared conflict: the inspector is never drawn for that enterprise. Never shown to enterprises."""

    inspector = models.ForeignKey(Inspector, verbose_name=_("执法人员"), on_delete=models.CASCADE,
                                  related_name="recusals")
    enterprise = models.ForeignKey(PoolEnterprise, verbose_name=_("回避企业"), on_delete=models.CASCADE,
                                   related_name="+")
    reason = models.CharField(_("回避事由"), max_length=200)
    declared_on = models.DateField(_("申报日期"))
    until = models.DateField(_("回避截止"), null=True, blank=True, help_text=_("留空为长期"))

    scope = ScopeSpec(module="enforcement", jurisdiction="inspector__jurisdiction")

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        ordering = ["inspector", "enterprise"]
        constraints = [models.UniqueConstraint(fields=["inspector", "enterprise"], name="enf_recusal_unique")]

    def __str__(self):
        return f"{self.inspector.name} ↔ {self.enterprise.name}"


class InspectorPosting(ScopedModel):
    """A posting of an inspector: to a jurisdiction (a street office, a district) or with an enterprise as its
    employer, with dates. A posting that ended less than `posting_recusal_years` before a draw (or still runs)
    recuses the inspector from the enterprises of that area, or from that employer, as a declared recusal does.
    Never shown to enterprises or the public."""

    inspector = models.ForeignKey(Inspector, verbose_name=_("执法人员"), on_delete=models.CASCADE,
                                  related_name="postings")
    kind = models.CharField(_("任职类型"), max_length=10, choices=PostingKind.choices)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("任职区划"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text=_("在该区划(含下级)任职,如街道办事处、区县"))
    enterprise = models.ForeignKey(PoolEnterprise, verbose_name=_("曾任职企业"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    post = models.CharField(_("职务"), max_length=100, blank=True)
    started_on = models.DateField(_("任职起始日期"))
    ended_on = models.DateField(_("任职结束日期"), null=True, blank=True, help_text=_("留空为仍在任"))

    scope = ScopeSpec(module="enforcement", jurisdiction="inspector__jurisdiction")

    class Meta:
        verbose_name = _("执法人员任职经历")
        verbose_name_plural = _("执法人员任职经历")
        ordering = ["inspector", "-started_on"]

    def __str__(self):
        where = self.jurisdiction if self.kind == PostingKind.AREA else self.enterprise
        return f"{self.inspector.name} · {where}"

    def clean(self):
        if self.kind == PostingKind.AREA and not self.jurisdiction_id:
            raise ValidationError({"jurisdiction": _("在属地任职须填写任职区划")})
        if self.kind == PostingKind.EMPLOYER and not self.enterprise_id:
            raise ValidationError({"enterprise": _("曾受雇于企业须填写曾任职企业")})
        if self.kind == PostingKind.AREA and self.enterprise_id:
            raise ValidationError({"enterprise": _("在属地任职不填写企业")})
        if self.kind == PostingKind.EMPLOYER and self.jurisdiction_id:
            raise ValidationError({"jurisdiction": _("曾受雇于企业不填写任职区划")})
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("任职结束日期早于起始日期")})


def default_ratio_key():
    return Decimal(str(config.get("ratios")["key"]))


def default_ratio_general():
    return Decimal(str(config.get("ratios")["general"]))


def default_ratio_special():
    return Decimal(str(config.get("ratios")["special"]))


def default_positive_factor():
    return Decimal(str(config.get("positive_factor")))


def default_team_size():
    return config.get("team_size")


def default_yearly_cap():
    return config.get("yearly_cap")


class DrawPlan(ScopedModel):
    """一细则: ratios per class and period for one jurisdiction (defaults from config)."""

    name = models.CharField(_("计划名称"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    period = models.CharField(_("抽查周期"), max_length=10, choices=Period.choices, default=Period.QUARTER)
    ratio_key = models.DecimalField(_("重点监管对象抽查比例"), max_digits=5, decimal_places=4, default=default_ratio_key,
                                    validators=RATIO, help_text=_("每周期抽取的比例,0.25 = 25%"))
    ratio_general = models.DecimalField(_("一般监管对象抽查比例"), max_digits=5, decimal_places=4,
                                        default=default_ratio_general, validators=RATIO)
    ratio_special = models.DecimalField(_("特殊监管对象抽查比例"), max_digits=5, decimal_places=4,
                                        default=default_ratio_special, validators=RATIO)
    positive_factor = models.DecimalField(_("正面清单抽查系数"), max_digits=4, decimal_places=3,
                                          default=default_positive_factor,
                                          validators=RATIO, help_text=_("正面清单企业的比例乘以该系数;0 为不纳入日常抽查"))
    team_size = models.PositiveSmallIntegerField(_("每组执法人员数"), default=default_team_size,
                                                 validators=[MinValueValidator(2)])
    yearly_cap = models.PositiveSmallIntegerField(_("年度日常检查次数上限"), default=default_yearly_cap,
                                                  validators=[MinValueValidator(1)])
    items = models.ManyToManyField(InspectionItem, verbose_name=_("抽查事项"), blank=True, related_name="+")
    active = models.BooleanField(_("启用"), default=True)

    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name

    def ratios(self) -> dict:
        return {"key": float(self.ratio_key), "general": float(self.ratio_general),
                "special": float(self.ratio_special)}

    @property
    def periods_per_year(self) -> int:
        from .choices import PERIODS_PER_YEAR

        return PERIODS_PER_YEAR.get(self.period, 1)

    def yearly_frequency(self) -> dict:
        """Times a year an enterprise of each class is drawn on average: the ratio per period × periods a year
        (0.25 a quarter → 1.0: each key enterprise once a year); positive-list enterprises × the factor."""
        n = self.periods_per_year
        out = {}
        for cls, ratio in self.ratios().items():
            out[cls] = round(ratio * n, 4)
            out[f"{cls}_positive"] = round(ratio * float(self.positive_factor) * n, 4)
        return out


class SeedCommitment(ScopedModel):
    """The seed's SHA-256, announced before a draw for one period of a plan (step 2 of our commit–reveal design [M]). Public
    from the moment it is recorded; the draw accepts only a seed with this hash. The seed itself is either kept by
    the staff (only the hash is given here) or generated by the platform and held in `secret_seed` until the draw,
    shown to nobody (masked in the change log, in no page, no API, no export)."""

    audit_masked_fields = ("secret_seed",)

    plan = models.ForeignKey(DrawPlan, verbose_name=_("抽查计划"), on_delete=models.PROTECT,
                             related_name="commitments")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    period = models.CharField(_("抽查期间"), max_length=10)
    commitment = models.CharField(_("种子承诺值(SHA-256)"), max_length=64)
    source = models.CharField(_("种子保管"), max_length=10, choices=CommitmentSource.choices)
    secret_seed = models.CharField(max_length=100, blank=True, editable=False)
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("如种子的产生方式、见证人"))
    committed_at = models.DateTimeField(_("承诺公布时间"), auto_now_add=True)
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("公布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction", public=Q(pk__isnull=False))

    class Meta:
        verbose_name = _("种子承诺")
        verbose_name_plural = _("种子承诺")
        ordering = ["-committed_at", "-id"]

    def __str__(self):
        return f"{self.plan.name} {self.period} {self.commitment[:12]}…"


class Draw(ScopedModel):
    """One draw, append-only: its published seed, algorithm and version, pool hashes and full inputs."""

    plan = models.ForeignKey(DrawPlan, verbose_name=_("抽查计划"), on_delete=models.PROTECT, related_name="draws")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    code = models.CharField(_("抽取编号"), max_length=40, unique=True)
    seed = models.CharField(_("随机种子"), max_length=100)
    seed_commit = models.CharField(_("种子承诺值(SHA-256)"), max_length=64)
    algorithm = models.CharField(_("算法"), max_length=30)
    algorithm_version = models.CharField(_("算法版本"), max_length=10)
    enterprise_pool_hash = models.CharField(_("检查对象库哈希"), max_length=64)
    inspector_pool_hash = models.CharField(_("执法人员库哈希"), max_length=64)
    result_hash = models.CharField(_("结果哈希"), max_length=64)
    inputs = models.JSONField(_("抽取输入"), default=dict)
    pairs = models.JSONField(_("抽取结果"), default=list)
    counts = models.JSONField(_("分层统计"), default=dict)
    status = models.CharField(_("状态"), max_length=12, choices=DrawStatus.choices, default=DrawStatus.DONE)
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    witnesses = models.CharField(_("见证人"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    # the period of the plan this draw is for (2026-Q3); a second draw of one plan for one period needs a reason
    period = models.CharField(_("抽查期间"), max_length=10, blank=True)
    repeat_reason = models.TextField(_("再次抽取理由"), blank=True)
    # the commitment announced before the draw (None for draws made before commitments existed)
    commitment = models.OneToOneField(SeedCommitment, verbose_name=_("种子承诺"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="draw")
    revealed_at = models.DateTimeField(_("种子公开时间"), null=True, blank=True)
    # the inspectors the walk passed over, per drawn enterprise, with the reason (facts): staff with the draw
    # right only, like the recusal lists in `inputs`
    rejections = models.JSONField(_("回避与排除记录"), default=list, blank=True)

    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction", public=Q(status="published"))

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取记录")
        ordering = ["-drawn_at", "-id"]

    def __str__(self):
        return self.code

    @property
    def committed_at(self):
        return self.commitment.committed_at if self.commitment_id else None

    def seed_public(self, open_visits: bool | None = None) -> bool:
        """The seed is shown to readers once revealed: by the explicit reveal step, or by itself once no visit
        of the draw is still planned (step 5 of our commit–reveal design [M]). `open_visits` may come annotated."""
        if self.revealed_at is not None:
            return True
        if open_visits is None:
            open_visits = self.inspections.filter(state="planned").exists()
        return not open_visits

    def save(self, *args, **kwargs):
        allow = self.__dict__.pop("_allow_update", False)  # one save of status/code fields only
        if self.pk and not allow:
            old = Draw.objects.filter(pk=self.pk).values("seed", "pairs", "inputs").first()
            if old and (old["seed"] != self.seed or old["pairs"] != self.pairs or old["inputs"] != self.inputs):
                raise ValidationError(_("抽取记录不可修改;如需重抽请新建抽取"))
        super().save(*args, **kwargs)


# The line the system adds to an inspection's 后续处理 when its findings open a ledger problem: stored in Chinese
# (the field is also typed by people), worded per reader on the pages and in the change history.
PROBLEM_LINE = gettext_noop("已转问题台账 %(c)s")
_PROBLEM_LINE = re.compile(r"^已转问题台账 (\S+)$")


def follow_up_words(text: str) -> str:
    """后续处理 in the reader's language: the system's own lines worded again, the typed lines as typed."""
    from django.utils.translation import gettext

    def line(x: str) -> str:
        m = _PROBLEM_LINE.match(x)
        return gettext(PROBLEM_LINE) % {"c": m[1]} if m else x

    return "\n".join(line(x) for x in str(text or "").split("\n"))


class Inspection(ScopedModel):
    """One inspection (on-site or off-site) of one enterprise, whatever started it."""

    human_values = {"follow_up": follow_up_words}

    code = models.CharField(_("检查编号"), max_length=40, unique=True)
    source = models.CharField(_("检查来源"), max_length=12, choices=InspectionSource.choices)
    source_ref = models.CharField(_("来源记录"), max_length=100, blank=True, help_text=_("如 complaints.complaint:12"))
    draw = models.ForeignKey(Draw, verbose_name=_("双随机抽取"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="inspections")
    enterprise_id = models.BigIntegerField(_("企业ID"))
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    # Set once the visit is recorded: a drawn inspection stays secret from the enterprise until then.
    enterprise_visible_id = models.BigIntegerField(_("企业可见"), null=True, blank=True, editable=False)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    method = models.CharField(_("检查方式"), max_length=10, choices=Method.choices, default=Method.ONSITE)
    kind = models.CharField(_("检查类型"), max_length=10, choices=InspectionKind.choices,
                            default=InspectionKind.ROUTINE)
    counts_toward_cap = models.BooleanField(_("计入年度检查次数"), default=True)
    planned_on = models.DateField(_("计划检查日期"), null=True, blank=True)
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    team = models.ManyToManyField(Inspector, verbose_name=_("执法人员"), blank=True, related_name="inspections")
    items = models.ManyToManyField(InspectionItem, verbose_name=_("检查事项"), blank=True, related_name="+")
    checklist = models.JSONField(_("检查表"), default=list, blank=True)
    findings = models.TextField(_("检查发现"), blank=True)
    result = models.CharField(_("检查结果"), max_length=12, choices=InspectionResult.choices, blank=True)
    party_present = models.CharField(_("在场当事人"), max_length=100, blank=True)
    follow_up = models.TextField(_("后续处理"), blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=InspectionState.choices,
                             default=InspectionState.PLANNED)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    publish_due = models.DateField(_("应公开日期"), null=True, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction", enterprise="enterprise_visible_id",
                      public=Q(state="published"), references={"enterprise_id": "sources.Enterprise"},
                      within=("enterprise_id",))

    class Meta:
        verbose_name = _("执法检查")
        verbose_name_plural = _("执法检查")
        ordering = ["-planned_on", "-id"]
        indexes = [models.Index(fields=["enterprise_id", "inspected_on"], name="enf_insp_ent_idx")]

    def __str__(self):
        return f"{self.code} {self.enterprise_name}"

    def checklist_rows(self):
        labels = dict(CheckResult.choices)
        return [{**row, "result_label": labels.get(row.get("result"), "")} for row in self.checklist or []]


class LegalBasis(ScopedModel):
    """One version of one article: chosen by the date of the act (from 2026-08-15 the 生态环境法典; 从旧兼从轻 [1S])."""

    human_values = {"fine_min": yuan, "fine_max": yuan}  # 26,000.00 on pages, a number in Excel (core.money)

    provision = models.CharField(_("条款键"), max_length=60, help_text=_("同一违法行为各版本共用,如 discharge_without_permit"))
    instrument = models.CharField(_("法律文件"), max_length=100)
    article = models.CharField(_("条款"), max_length=60)
    text = models.TextField(_("条文摘要"), blank=True)
    effective_from = models.DateField(_("施行日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("留空为现行有效"))
    fine_min = models.DecimalField(_("罚款下限(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    fine_max = models.DecimalField(_("罚款上限(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    successor = models.ForeignKey("self", verbose_name=_("对应新条款"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+", help_text=_("如映射到生态环境法典的条款"))

    scope = ScopeSpec(module="enforcement", jurisdiction=None, all_staff_view=True)

    class Meta:
        verbose_name = _("法律依据")
        verbose_name_plural = _("法律依据")
        ordering = ["provision", "-effective_from"]

    def __str__(self):
        return f"《{self.instrument}》{self.article}"

    def clean(self):
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("失效日期早于施行日期")})
        if self.fine_min is not None and self.fine_max is not None and self.fine_min > self.fine_max:
            raise ValidationError({"fine_max": _("罚款上限低于下限")})

    def in_force_on(self, day) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)

    def successor_chain(self) -> list:
        """The articles that took this one's place, in order (old law → 生态环境法典 article → a later version of
        it), following `successor` until it ends (a loop in the data stops at the first article met again)."""
        chain, seen, b = [], {self.pk}, self
        while b.successor_id and b.successor_id not in seen:
            b = LegalBasis.objects.get(pk=b.successor_id)
            seen.add(b.pk)
            chain.append(b)
        return chain

    def current(self, day=None):
        """The article that corresponds to this one on `day` (today by default): the last of the successor chain
        in force that day, else the last of the chain; this article itself when it has no successor."""
        from django.utils import timezone

        day = day or timezone.localdate()
        chain = [self, *self.successor_chain()]
        in_force = [b for b in chain if b.in_force_on(day)]
        return in_force[-1] if in_force else chain[-1]

    def effective_range(self) -> str:
        """施行 2015-01-01 至 2026-08-14 / 2026-08-15 起施行 (the last day in force: effective_to is exclusive)."""
        import datetime as dt

        if self.effective_to:
            return _("%(a)s 至 %(b)s") % {"a": self.effective_from.isoformat(),
                                          "b": (self.effective_to - dt.timedelta(days=1)).isoformat()}
        return _("%(a)s 起施行") % {"a": self.effective_from.isoformat()}

    @classmethod
    def for_act(cls, provision: str, day):
        """The version of `provision` in force on `day` (the date of the act), or None."""
        return (cls.objects.filter(provision=provision, effective_from__lte=day)
                .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day)).order_by("-effective_from").first())


class Case(ScopedModel):
    """An administrative penalty case from filing to closing (行政处罚法 2021; 生态环境行政处罚办法 2023)."""

    human_values = {"fine": yuan, "surcharge": yuan}  # 26,000.00 on pages, a number in Excel (core.money)

    code = models.CharField(_("案件编号"), max_length=40, unique=True)
    enterprise_id = models.BigIntegerField(_("企业ID"))
    party = models.CharField(_("当事人"), max_length=200)
    party_type = models.CharField(_("当事人类型"), max_length=10, choices=PartyType.choices, default=PartyType.ORG)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    address = models.CharField(_("住所"), max_length=300, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    inspection = models.ForeignKey(Inspection, verbose_name=_("来源检查"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="cases")
    source = models.CharField(_("案件来源"), max_length=100, blank=True)
    cause = models.CharField(_("案由"), max_length=200)
    facts = models.TextField(_("违法事实及证据"), blank=True)
    act_date = models.DateField(_("违法行为发生日期"))
    provision = models.CharField(_("违法行为(条款键)"), max_length=60)
    legal_basis = models.ForeignKey(LegalBasis, verbose_name=_("处罚依据"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    handlers = models.ManyToManyField(Inspector, verbose_name=_("承办人"), blank=True, related_name="cases")
    filed_on = models.DateField(_("立案日期"))
    state = models.CharField(_("状态"), max_length=14, choices=CaseState.choices, default=CaseState.FILED)
    outcome = models.CharField(_("处理结果"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("处理理由"), blank=True)
    discretion_method = models.CharField(_("裁量方法"), max_length=40, blank=True)
    discretion_levels = models.JSONField(_("裁量因素等级"), default=dict, blank=True)
    discretion_text = models.TextField(_("裁量过程"), blank=True)
    fine = models.DecimalField(_("罚款金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    hearing_right = models.BooleanField(_("告知听证权利"), default=False)
    statement = models.TextField(_("陈述申辩及听证情况"), blank=True)
    notified_on = models.DateField(_("告知日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_late = models.BooleanField(_("超期决定"), default=False)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    payment_due = models.DateField(_("缴款期限"), null=True, blank=True)
    paid_on = models.DateField(_("缴款日期"), null=True, blank=True)
    surcharge = models.DecimalField(_("加处罚款(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    published = models.BooleanField(_("已公开"), default=False)
    published_on = models.DateField(_("公开日期"), null=True, blank=True)
    publish_until = models.DateField(_("公开截止"), null=True, blank=True)

    # The public reads published decisions; the page also drops those past their publication period.
    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      public=Q(published=True), references={"enterprise_id": "sources.Enterprise"},
                      within=("enterprise_id",))

    def public_party(self) -> str:
        """An individual's name is personal data: only the surname is published."""
        if self.party_type == "person":
            return (self.party[:1] + "某") if self.party else ""
        return self.party

    class Meta:
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")
        ordering = ["-filed_on", "-id"]

    def __str__(self):
        return f"{self.code} {self.party}"


class Clue(ScopedModel):
    """A clue that may become a case (an inspection finding, a complaint, an alarm, a referral): whether to file a
    case is decided within `filing_days` = 15 days of receiving it, extendable by 15 days with the head's approval
    (生态环境行政处罚办法 art. 18 [1S]) — the clock 「决定是否立案」 of core.deadlines."""

    code = models.CharField(_("线索编号"), max_length=40, unique=True)
    source = models.CharField(_("线索来源"), max_length=12, choices=ClueSource.choices)
    source_ref = models.CharField(_("来源记录"), max_length=100, blank=True)
    enterprise_id = models.BigIntegerField(_("企业ID"))
    party = models.CharField(_("当事人"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    received_on = models.DateField(_("发现或收到线索日期"), help_text=_("立案期限由此起算"))
    summary = models.TextField(_("线索内容"))
    state = models.CharField(_("状态"), max_length=10, choices=ClueState.choices, default=ClueState.PENDING)
    case = models.ForeignKey(Case, verbose_name=_("立案案件"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="clues")
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_late = models.BooleanField(_("超期决定"), default=False)
    reason = models.TextField(_("不予立案理由"), blank=True)

    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("案件线索")
        verbose_name_plural = _("案件线索")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return f"{self.code} {self.party}"


class Transfer(ScopedModel):
    """One transfer of a case to the police (移送行政拘留暂行办法; 国务院令第310号): for administrative detention under 环境保护法
    art. 63 (after the penalty decision) or as a suspected crime (行刑衔接). A case may be transferred several times
    (e.g. detention of the managers, later a crime found). The persons concerned are personal data: staff only,
    never on public pages, never to the enterprise's own users (the scope has no enterprise path)."""

    code = models.CharField(_("移送编号"), max_length=40, unique=True)
    case = models.ForeignKey(Case, verbose_name=_("所属案件"), on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("移送类型"), max_length=12, choices=TransferKind.choices)
    enterprise_id = models.BigIntegerField(_("企业ID"))
    party = models.CharField(_("当事人"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=TransferState.choices, default=TransferState.APPROVED)
    transferred_on = models.DateField(_("移送决定日期"), help_text=_("负责人批准移送的日期,移送时限由此起算"))
    authority = models.CharField(_("接收机关"), max_length=200, blank=True, help_text=_("如某市公安局某分局"))
    persons = models.TextField(_("涉案人员"), blank=True, help_text=_("直接负责的主管人员和其他直接责任人员,每行一人"))
    reason = models.TextField(_("移送理由"), blank=True)
    sent_on = models.DateField(_("案卷移送日期"), null=True, blank=True)
    sent_late = models.BooleanField(_("超期移送"), default=False)
    outcome = models.CharField(_("公安机关处理结果"), max_length=16, choices=TransferOutcome.choices, blank=True)
    outcome_on = models.DateField(_("处理结果日期"), null=True, blank=True)
    detained = models.BooleanField(_("行政拘留"), null=True, blank=True)
    detention_days = models.PositiveSmallIntegerField(_("拘留天数"), null=True, blank=True)
    outcome_note = models.TextField(_("处理结果说明"), blank=True)

    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("移送公安")
        verbose_name_plural = _("移送公安")
        ordering = ["-transferred_on", "-id"]

    def __str__(self):
        return f"{self.code} {self.get_kind_display()}"


def _scores_words(value, key):
    from . import config

    names = config.get(key) or {}
    if not isinstance(value, dict):
        return str(value)
    return ";".join(f"{_(names[k][0]) if k in names else k}: {v}" for k, v in value.items())


class CreditRating(ScopedModel):
    """Yearly environmental credit rating of one enterprise (企业环境信用评价办法（试行）, 环发〔2013〕150号): weighted indicator scores,
    four grades, one-vote veto from cases, repair by one step."""

    enterprise_id = models.BigIntegerField(_("企业ID"))
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    year = models.PositiveSmallIntegerField(_("评价年度"))
    scores = models.JSONField(_("指标得分"), default=dict)
    # indicator codes read as their names in lists and the change history
    human_values = {"scores": lambda v: _scores_words(v, "credit_indicators")}
    score = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("信用等级"), max_length=10, choices=Grade.choices)
    veto_reason = models.CharField(_("一票否决原因"), max_length=300, blank=True)
    explanation = models.TextField(_("评价过程"), blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    repaired_from = models.CharField(_("修复前等级"), max_length=10, choices=Grade.choices, blank=True)
    repaired_on = models.DateField(_("修复日期"), null=True, blank=True)
    repair_note = models.TextField(_("修复材料及说明"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    # the veto and the computation as facts (core.texts), so each reader reads them in their language;
    # veto_reason and explanation keep the Chinese
    facts = models.JSONField(_("评价事实"), default=dict, blank=True, editable=False)

    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      public=Q(published_on__isnull=False), references={"enterprise_id": "sources.Enterprise"})

    class Meta:
        verbose_name = _("环境信用评价")
        verbose_name_plural = _("环境信用评价")
        ordering = ["-year", "enterprise_name"]
        constraints = [models.UniqueConstraint(fields=["enterprise_id", "year"], name="enf_rating_unique")]

    @property
    def explanation_label(self) -> str:
        from envbureau.core.texts import shown

        return shown((self.facts or {}).get("explanation"), self.explanation)

    @property
    def veto_reason_label(self) -> str:
        from envbureau.core.texts import shown

        return shown((self.facts or {}).get("veto"), self.veto_reason)

    def __str__(self):
        return f"{self.year} {self.enterprise_name} {self.get_grade_display()}"


class Measure(ScopedModel):
    """An order or coercive measure beside a case (责令改正, 查封扣押, 限制生产, 停产整治) or a daily continuing
    penalty (按日连续处罚), each its own decision with its document and time limits (MEP Orders No. 28–30 of 2014)."""

    human_values = {"daily_amount": yuan, "fine": yuan}  # 26,000.00 on pages, a number in Excel (core.money)

    code = models.CharField(_("决定编号"), max_length=40, unique=True)
    case = models.ForeignKey(Case, verbose_name=_("所属案件"), on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(_("措施类型"), max_length=12, choices=MeasureKind.choices)
    enterprise_id = models.BigIntegerField(_("企业ID"))
    party = models.CharField(_("当事人"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=MeasureState.choices, default=MeasureState.DECIDED)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    reason = models.TextField(_("违法事实和理由"), blank=True)
    content = models.TextField(_("决定内容"), blank=True,
                               help_text=_("改正要求、查封扣押的场所设施财物清单或限产停产要求"))
    decided_on = models.DateField(_("决定日期"))
    correct_by = models.DateField(_("改正期限"), null=True, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    ends_on = models.DateField(_("期限届满日"), null=True, blank=True)
    extended_days = models.PositiveIntegerField(_("延长天数"), default=0)
    recheck_due = models.DateField(_("应复查日期"), null=True, blank=True)
    rechecked_on = models.DateField(_("复查日期"), null=True, blank=True)
    recheck_result = models.CharField(_("复查结果"), max_length=12, choices=RecheckResult.choices, blank=True)
    recheck_inspection = models.ForeignKey(Inspection, verbose_name=_("复查检查"), null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    recheck_late = models.BooleanField(_("超期复查"), default=False)
    released_on = models.DateField(_("解除日期"), null=True, blank=True)
    release_reason = models.TextField(_("解除理由"), blank=True)
    # 限制生产/停产整治: the rights notice before deciding (Order No. 30 art. 11), the correction plan filed within
    # 15 working days of receipt (art. 16) and the follow-up check within 30 days of release (art. 20)
    notified_on = models.DateField(_("权利告知日期"), null=True, blank=True,
                                   help_text=_("告知陈述、申辩和要求听证权利的日期"))
    rights_waived = models.BooleanField(_("当事人明确放弃陈述申辩和听证"), default=False)
    hearing_held_on = models.DateField(_("陈述申辩或听证办结日期"), null=True, blank=True)
    plan_filed_on = models.DateField(_("整改方案备案日期"), null=True, blank=True)
    followed_up_on = models.DateField(_("跟踪检查日期"), null=True, blank=True)
    # 查封、扣押: a release request checked within 5 working days (Order No. 29 art. 19), the release decision
    # served within 3 working days (art. 21)
    release_requested_on = models.DateField(_("申请解除日期"), null=True, blank=True)
    release_answered_on = models.DateField(_("核查决定日期"), null=True, blank=True)
    release_served_on = models.DateField(_("解除决定送达日期"), null=True, blank=True)
    # 查封、扣押 taken on the spot in an emergency: the head's approval within 24 hours (Order No. 29 art. 13);
    # dealt with within the term: released, or a 处理决定 (行政强制法 art. 27; Order No. 29 art. 22)
    on_the_spot = models.BooleanField(_("情况紧急,当场实施"), default=False)
    taken_at = models.DateTimeField(_("当场实施时间"), null=True, blank=True)
    approval_due = models.DateTimeField(_("补办批准期限"), null=True, blank=True)
    approved_at = models.DateTimeField(_("负责人批准时间"), null=True, blank=True)
    approval_late = models.BooleanField(_("超时补办批准"), default=False)
    approval_overdue_noted = models.BooleanField(default=False, editable=False)
    disposed_on = models.DateField(_("处理决定日期"), null=True, blank=True)
    disposal = models.CharField(_("处理决定"), max_length=12, choices=SeizureDisposal.choices, blank=True)
    disposal_reason = models.TextField(_("处理决定理由"), blank=True)
    # 查封、扣押: the decision, its extension and its release are published (Order No. 29 art. 7)
    published = models.BooleanField(_("已公开"), default=False)
    published_on = models.DateField(_("公开日期"), null=True, blank=True)
    publish_due = models.DateField(_("应公开日期"), null=True, blank=True)
    # 按日连续处罚: the orders whose refused correction is counted, the days and the amount
    orders = models.ManyToManyField("self", verbose_name=_("计罚的责令改正决定"), symmetrical=False, blank=True,
                                    related_name="daily_penalties")
    period_start = models.DateField(_("计罚起始日"), null=True, blank=True)
    period_end = models.DateField(_("计罚截止日"), null=True, blank=True)
    days = models.PositiveIntegerField(_("计罚日数"), null=True, blank=True)
    daily_amount = models.DecimalField(_("按日罚款数额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    fine = models.DecimalField(_("罚款金额(元)"), max_digits=16, decimal_places=2, null=True, blank=True)
    calculation = models.TextField(_("计算过程"), blank=True)
    payment_due = models.DateField(_("缴款期限"), null=True, blank=True)
    paid_on = models.DateField(_("缴款日期"), null=True, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # The public reads published seizures (their decision, extension and release; no personal data).
    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      public=Q(published=True, kind="seizure"), references={"enterprise_id": "sources.Enterprise"},
                      within=("enterprise_id",))

    def public_party(self) -> str:
        """An individual's name is personal data: only the surname is published (as for penalty decisions)."""
        return self.case.public_party()

    class Meta:
        verbose_name = _("行政命令与强制措施")
        verbose_name_plural = _("行政命令与强制措施")
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.code} {self.get_kind_display()} {self.party}"


class CreditRepair(ScopedModel):
    """信用修复: an application to raise a published 警示/不良 rating one step and the bureau's decision
    (local practice, e.g. 广州市企业环境信用评价信用修复指引 [1S]), each with its document."""

    rating = models.ForeignKey(CreditRating, verbose_name=_("信用评价"), on_delete=models.PROTECT,
                               related_name="repair_requests")
    enterprise_id = models.BigIntegerField(_("企业ID"))
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    grade_before = models.CharField(_("申请时等级"), max_length=10, choices=Grade.choices)
    applied_on = models.DateField(_("申请日期"))
    applicant = models.CharField(_("申请单位经办人"), max_length=100)
    corrective_actions = models.TextField(_("整改措施及成效"))
    materials = models.TextField(_("提交的修复材料"))
    state = models.CharField(_("状态"), max_length=10, choices=RepairState.choices, default=RepairState.APPLIED)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    grade_after = models.CharField(_("修复后等级"), max_length=10, choices=Grade.choices, blank=True)
    # the documents handed in, as keys of config.credit_repair_documents (each required one checked)
    documents = models.JSONField(_("已提交的修复材料"), default=list, blank=True)
    # 准予修复 is publicised (公示) until this day (core.deadlines clock "publicity"); the raised grade takes
    # effect the day after, unless an objection upheld during the publicity stops it
    publicity_until = models.DateField(_("公示截止"), null=True, blank=True)
    effective_on = models.DateField(_("修复生效日期"), null=True, blank=True)
    objection = models.TextField(_("公示期异议"), blank=True)
    objected_on = models.DateField(_("异议成立日期"), null=True, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # the public reads the repair list during its publicity (公示): enterprise, year, grades, dates only
    scope = ScopeSpec(module="enforcement", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      public=Q(state="publicity"), references={"enterprise_id": "sources.Enterprise"})

    @property
    def documents_label(self) -> str:
        from django.utils.translation import gettext, pgettext

        from . import config

        names = config.get("credit_repair_documents")
        return pgettext("列举", "、").join(gettext(names[k]) if k in names else k for k in self.documents or [])

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-applied_on", "-id"]

    def __str__(self):
        return f"{self.enterprise_name} {self.rating.year} {self.get_state_display()}"


def evidence_path(instance, filename):
    from django.utils import timezone

    return f"enforcement/{timezone.localdate():%Y/%m}/{instance.inspection_id}/{filename}"


class InspectionEvidence(ScopedModel):
    """A photo taken at an inspection or a signature drawn on the phone (inspector or party), stored
    re-encoded without metadata; the hash makes later tampering visible; listed on the timeline."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("执法检查"), on_delete=models.CASCADE,
                                   related_name="evidence")
    kind = models.CharField(_("类型"), max_length=16, choices=EvidenceKind.choices)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.BigIntegerField(_("大小"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽度(像素)"), default=0)
    height = models.PositiveIntegerField(_("高度(像素)"), default=0)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    signer = models.CharField(_("签名人"), max_length=100, blank=True)
    inspector = models.ForeignKey(Inspector, verbose_name=_("签名的执法人员"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # 在线监控数据: the alarms and hourly values as they were when captured (also in the file, hashed)
    data = models.JSONField(_("调取的数据"), default=dict, blank=True, editable=False)

    scope = ScopeSpec(module="enforcement", jurisdiction="inspection__jurisdiction",
                      enterprise="inspection__enterprise_visible_id")

    class Meta:
        verbose_name = _("检查照片与签名")
        verbose_name_plural = _("检查照片与签名")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.signer or self.name}"
