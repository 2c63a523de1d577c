"""Hazardous waste (危险废物转移管理办法; HJ 1259-2022): producers with plans and declarations, operators and their licences,
transporters, transfer manifests (quantities at each hand), cross-province approvals, stock held in storage
and the alerts raised on them. Lifecycles run on core.workflow (workflows.py); limits on core.deadlines."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core.humanize import labelled
from envbureau.core.scoping import ScopedModel, ScopeSpec

from . import config, rules
from .choices import (
    AlertKind,
    AlertState,
    ApplicationState,
    CellKind,
    CellStatus,
    DeclarationPeriod,
    DeclarationState,
    IndustrialWasteKind,
    LicenceKind,
    ManifestState,
    ProducerCategory,
)

TONNES = [MinValueValidator(0)]


def _default_storage_days():
    return config.get("storage_days")


class Producer(ScopedModel):
    """A hazardous-waste producing enterprise (产废单位) and its HJ 1259 category."""

    enterprise_id = models.BigIntegerField(_("企业ID"), unique=True)
    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    category = models.CharField(_("管理类别"), max_length=12, choices=ProducerCategory.choices,
                                default=ProducerCategory.REGISTERED)
    annual_tonnes = models.DecimalField(_("年产生量(吨)"), max_digits=12, decimal_places=3, default=0,
                                        validators=TONNES)
    own_facility = models.BooleanField(_("自建利用处置设施"), default=False)
    small_quantity = models.BooleanField(_("小微产废单位"), default=False)
    storage_days = models.PositiveIntegerField(_("贮存期限(天)"), default=_default_storage_days)
    waste_codes = models.CharField(_("主要废物代码"), max_length=300, blank=True, help_text=_("如 900-249-08、900-041-49"))

    scope = ScopeSpec(module="waste", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("危险废物产生单位")
        verbose_name_plural = _("危险废物产生单位")
        ordering = ["jurisdiction__code", "name"]

    def __str__(self):
        return self.name


class ManagementPlan(ScopedModel):
    """危险废物管理计划: filed yearly by 31 March of the year it covers (HJ 1259 §5)."""

    producer = models.ForeignKey(Producer, verbose_name=_("产生单位"), on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField(_("计划年度"))
    filing_no = models.CharField(_("备案号"), max_length=60, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    planned_tonnes = models.DecimalField(_("计划产生量(吨)"), max_digits=12, decimal_places=3, default=0,
                                         validators=TONNES)

    scope = ScopeSpec(module="waste", jurisdiction="producer__jurisdiction", enterprise="producer__enterprise_id")

    class Meta:
        verbose_name = _("管理计划")
        verbose_name_plural = _("管理计划")
        ordering = ["-year", "producer__name"]
        constraints = [models.UniqueConstraint(fields=["producer", "year"], name="waste_plan_unique")]

    def __str__(self):
        return f"{self.producer.name} {self.year}"

    @property
    def filed_late(self) -> bool:
        import datetime as dt

        return self.filed_on is not None and self.filed_on > dt.date(self.year, 3, 31)


class Declaration(ScopedModel):
    """One periodic declaration (申报) a producer owes: month, quarter or year per its category."""

    producer = models.ForeignKey(Producer, verbose_name=_("产生单位"), on_delete=models.CASCADE,
                                 related_name="declarations")
    period = models.CharField(_("申报周期"), max_length=8, choices=DeclarationPeriod.choices)
    period_start = models.DateField(_("所属期起"))
    due = models.DateField(_("申报期限"), db_index=True)
    state = models.CharField(_("状态"), max_length=10, choices=DeclarationState.choices, default=DeclarationState.DUE)
    submitted_on = models.DateField(_("申报日期"), null=True, blank=True)
    generated_tonnes = models.DecimalField(_("产生量(吨)"), max_digits=12, decimal_places=3, null=True, blank=True)
    transferred_tonnes = models.DecimalField(_("转移量(吨)"), max_digits=12, decimal_places=3, null=True, blank=True)
    late = models.BooleanField(_("逾期申报"), default=False)

    scope = ScopeSpec(module="waste", jurisdiction="producer__jurisdiction", enterprise="producer__enterprise_id")

    class Meta:
        verbose_name = _("危废申报")
        verbose_name_plural = _("危废申报")
        ordering = ["-due", "producer__name"]
        constraints = [models.UniqueConstraint(fields=["producer", "period", "period_start"],
                                               name="waste_declaration_unique")]

    def __str__(self):
        return f"{self.producer.name} {rules.period_label(self.period, self.period_start)} {self.get_period_display()}"

    @property
    def label(self) -> str:
        return rules.period_label(self.period, self.period_start)


class Operator(ScopedModel):
    """A licensed hazardous-waste business (经营单位) that receives manifests. An operator outside the
    province has no jurisdiction here and is seen by city-wide users only."""

    enterprise_id = models.BigIntegerField(_("企业ID"), null=True, blank=True, unique=True)
    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    province = models.CharField(_("所在省份代码"), max_length=2, help_text=_("GB/T 2260 前两位,如 11 北京、13 河北"))

    # The licensed operators are a public list (名录): every signed-in user may pick one as a receiver.
    scope = ScopeSpec(module="waste", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      null_jurisdiction_city_wide=True, references={"enterprise_id": "sources.Enterprise"},
                      public=Q(pk__isnull=False), public_to_signed_in=True)

    class Meta:
        verbose_name = _("危险废物经营单位")
        verbose_name_plural = _("危险废物经营单位")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if not (self.province or "").isdigit() or len(self.province or "") != 2:
            raise ValidationError({"province": _("省份代码应为2位数字")})
        if self.jurisdiction_id and self.jurisdiction.code[:2] != self.province:
            raise ValidationError({"province": _("省份代码与属地不符")})


class Licence(ScopedModel):
    """危险废物经营许可证: categories and codes of the 国家危险废物名录, yearly capacity, validity."""

    operator = models.ForeignKey(Operator, verbose_name=_("经营单位"), on_delete=models.CASCADE,
                                 related_name="licences")
    number = models.CharField(_("许可证编号"), max_length=60, unique=True)
    kind = models.CharField(_("许可证类别"), max_length=14, choices=LicenceKind.choices,
                            default=LicenceKind.COMPREHENSIVE)
    categories = models.CharField(_("核准经营类别"), max_length=300, help_text=_("名录类别,如 HW08、HW49"))
    codes = models.TextField(_("核准废物代码"), blank=True, help_text=_("如 900-249-08、900-041-49;留空为类别内全部"))
    capacity_tonnes = models.DecimalField(_("核准经营规模(吨/年)"), max_digits=12, decimal_places=3,
                                          validators=[MinValueValidator(0)])
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))

    scope = ScopeSpec(module="waste", jurisdiction="operator__jurisdiction", enterprise="operator__enterprise_id",
                      null_jurisdiction_city_wide=True, public=Q(pk__isnull=False), public_to_signed_in=True)

    class Meta:
        verbose_name = _("经营许可证")
        verbose_name_plural = _("经营许可证")
        ordering = ["operator__name", "-valid_to"]

    def __str__(self):
        return self.number

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("有效期至应晚于有效期起")})

    def category_list(self) -> list[str]:
        return [c.strip().upper() for c in self.categories.replace("、", ",").replace(",", ",").split(",")
                if c.strip()]

    def code_list(self) -> list[str]:
        return [c.strip() for c in self.codes.replace("、", ",").replace(",", ",").replace("\n", ",").split(",")
                if c.strip()]

    def covers(self, waste_code: str) -> bool:
        """Whether the licence allows the waste (code like 900-249-08: its last two digits are the HW class)."""
        cat = "HW" + waste_code[-2:] if waste_code else ""
        codes = self.code_list()
        return cat in self.category_list() and (not codes or waste_code in codes)

    def valid_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_to


class Transporter(ScopedModel):
    name = models.CharField(_("运输单位"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    permit_no = models.CharField(_("道路运输经营许可证号"), max_length=60)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    # The transport company's own enterprise record: its users (enterprise role for this enterprise) see and act
    # on the manifests it carries (Manifest.transporter_enterprise_id), nothing else of the module's.
    enterprise_id = models.BigIntegerField(_("运输企业ID"), null=True, blank=True, db_index=True)

    scope = ScopeSpec(module="waste", jurisdiction=None, public=Q(pk__isnull=False), public_to_signed_in=True,
                      references={"enterprise_id": "sources.Enterprise"})

    class Meta:
        verbose_name = _("危险废物运输单位")
        verbose_name_plural = _("危险废物运输单位")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """A change of the company's enterprise moves the manifests it carries with it (their scope copy)."""
        before = None if self.pk is None else \
            Transporter.objects.filter(pk=self.pk).values_list("enterprise_id", flat=True).first()
        super().save(*args, **kwargs)
        if self.pk is not None and before != self.enterprise_id:
            from envbureau.core import audit

            ids = list(Manifest.objects.filter(transporter=self).values_list("pk", flat=True))
            Manifest.objects.filter(pk__in=ids).update(transporter_enterprise_id=self.enterprise_id)
            audit.record_batch("update", Manifest, ids, {"transporter_enterprise_id": [before, self.enterprise_id]})


class CrossProvinceApproval(ScopedModel):
    """跨省转移审批 as granted: valid 12 months, several shipments up to the approved quantity."""

    number = models.CharField(_("审批文号"), max_length=60, unique=True)
    producer = models.ForeignKey(Producer, verbose_name=_("移出单位"), on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey(Operator, verbose_name=_("接受单位"), on_delete=models.PROTECT, related_name="+")
    waste_code = models.CharField(_("废物代码"), max_length=12)
    tonnes = models.DecimalField(_("批准转移量(吨)"), max_digits=12, decimal_places=3, validators=TONNES)
    approved_on = models.DateField(_("批准日期"))
    valid_until = models.DateField(_("有效期至"))

    scope = ScopeSpec(module="waste", jurisdiction="producer__jurisdiction", enterprise="producer__enterprise_id")

    class Meta:
        verbose_name = _("跨省转移审批")
        verbose_name_plural = _("跨省转移审批")
        ordering = ["-approved_on"]

    def __str__(self):
        return self.number

    def clean(self):
        if self.approved_on and self.valid_until and self.valid_until > rules.add_months(
                self.approved_on, config.get("approval_months")):
            raise ValidationError({"valid_until": _("跨省转移审批有效期不超过12个月")})


class CrossProvinceApplication(ScopedModel):
    """跨省转移申请: the producer applies to the sending province (here: the bureau handling it), which checks
    completeness, gives its preliminary opinion and writes to the receiving province, records that province's
    reply and decides; each step has its working-day limit (core.deadlines, config). Approval issues a
    CrossProvinceApproval valid 12 months, no longer than the requested period or the receiver's licence."""

    producer = models.ForeignKey(Producer, verbose_name=_("移出单位"), on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey(Operator, verbose_name=_("接受单位"), on_delete=models.PROTECT, related_name="+")
    waste_code = models.CharField(_("废物代码"), max_length=12, help_text=_("国家危险废物名录代码,如 900-249-08"))
    waste_name = models.CharField(_("废物名称"), max_length=100)
    tonnes = models.DecimalField(_("申请转移量(吨)"), max_digits=12, decimal_places=3, validators=TONNES)
    method = models.CharField(_("利用处置方式"), max_length=30, blank=True)
    period_from = models.DateField(_("拟转移起始日期"))
    period_to = models.DateField(_("拟转移截止日期"))
    state = models.CharField(_("状态"), max_length=10, choices=ApplicationState.choices,
                             default=ApplicationState.SUBMITTED, db_index=True)
    submitted_on = models.DateField(_("提交日期"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    letter_on = models.DateField(_("函商接受地日期"), null=True, blank=True)
    reply_on = models.DateField(_("接受地回复日期"), null=True, blank=True)
    reply_agreed = models.BooleanField(_("接受地同意"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    step_due = models.DateField(_("本环节期限"), null=True, blank=True, db_index=True)
    late_steps = models.PositiveSmallIntegerField(_("超期办理环节数"), default=0)
    approval = models.OneToOneField(CrossProvinceApproval, verbose_name=_("跨省转移审批"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="application")

    scope = ScopeSpec(module="waste", jurisdiction="producer__jurisdiction", enterprise="producer__enterprise_id")

    class Meta:
        verbose_name = _("跨省转移申请")
        verbose_name_plural = _("跨省转移申请")
        ordering = ["-submitted_on", "-id"]

    def __str__(self):
        return f"{self.producer.name} {self.waste_code} {self.tonnes}吨 → {self.receiver.name}"

    def clean(self):
        if self.period_from and self.period_to and self.period_to < self.period_from:
            raise ValidationError({"period_to": _("截止日期早于起始日期")})
        if self.receiver_id and self.producer_id and \
                self.receiver.province == self.producer.jurisdiction.code[:2]:
            raise ValidationError({"receiver": _("接受单位与移出单位在同一省份,无需跨省转移审批")})

    @property
    def producer_enterprise_id(self):
        return self.producer.enterprise_id

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return bool(self.step_due) and self.state in ACTIVE_APPLICATION_STATES and \
            timezone.localdate() > self.step_due


ACTIVE_APPLICATION_STATES = ("submitted", "accepted", "consulting", "replied")


class Manifest(ScopedModel):
    """危险废物转移联单: one trip of one waste from a producer to a receiver, quantities at each hand."""

    number = models.CharField(_("联单编号"), max_length=14, unique=True)
    producer = models.ForeignKey(Producer, verbose_name=_("移出单位"), on_delete=models.PROTECT,
                                 related_name="manifests")
    transporter = models.ForeignKey(Transporter, verbose_name=_("承运单位"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="manifests")
    receiver = models.ForeignKey(Operator, verbose_name=_("接受单位"), on_delete=models.PROTECT,
                                 related_name="manifests")
    # Copied from the parties so scoping reads one table (an enterprise sees its own and those addressed to it).
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    producer_enterprise_id = models.BigIntegerField(_("移出企业ID"), editable=False)
    receiver_enterprise_id = models.BigIntegerField(_("接受企业ID"), null=True, blank=True, editable=False)
    transporter_enterprise_id = models.BigIntegerField(_("承运企业ID"), null=True, blank=True, editable=False)
    waste_code = models.CharField(_("废物代码"), max_length=12, help_text=_("国家危险废物名录代码,如 900-249-08"))
    waste_name = models.CharField(_("废物名称"), max_length=100)
    hazard = models.CharField(_("危险特性"), max_length=30, blank=True)
    sent_tonnes = models.DecimalField(_("移出量(吨)"), max_digits=12, decimal_places=3, validators=TONNES)
    carried_tonnes = models.DecimalField(_("运输量(吨)"), max_digits=12, decimal_places=3, null=True, blank=True,
                                         validators=TONNES)
    received_tonnes = models.DecimalField(_("接受量(吨)"), max_digits=12, decimal_places=3, null=True, blank=True,
                                          validators=TONNES)
    vehicle_no = models.CharField(_("车牌号"), max_length=20, blank=True)
    method = models.CharField(_("利用处置方式"), max_length=30, blank=True)
    created_on = models.DateField(_("填报日期"), db_index=True)
    shipped_on = models.DateField(_("运出日期"), null=True, blank=True)
    received_on = models.DateField(_("接收日期"), null=True, blank=True)
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True)
    picked_up_on = models.DateField(_("承运提货日期"), null=True, blank=True)
    handed_over_on = models.DateField(_("承运交付日期"), null=True, blank=True)
    confirm_due = models.DateField(_("确认期限"), null=True, blank=True, db_index=True)
    confirmed_late = models.BooleanField(_("逾期确认"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=ManifestState.choices, default=ManifestState.CREATED,
                             db_index=True)
    mismatch = models.BooleanField(_("数量不一致"), default=False, db_index=True)
    difference = models.DecimalField(_("最大差额(吨)"), max_digits=12, decimal_places=3, null=True, blank=True)
    cross_province = models.BooleanField(_("跨省转移"), default=False)
    approval = models.ForeignKey(CrossProvinceApproval, verbose_name=_("跨省转移审批"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="manifests")
    reject_reason = models.CharField(_("拒收原因"), max_length=300, blank=True)
    imported = models.BooleanField(_("省级系统导入"), default=False)

    scope = ScopeSpec(module="waste", jurisdiction="jurisdiction",
                      enterprise=("producer_enterprise_id", "receiver_enterprise_id", "transporter_enterprise_id"))

    class Meta:
        verbose_name = _("危险废物转移联单")
        verbose_name_plural = _("危险废物转移联单")
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["producer_enterprise_id", "created_on"], name="waste_man_prod_idx"),
                   models.Index(fields=["receiver_enterprise_id", "created_on"], name="waste_man_recv_idx"),
                   models.Index(fields=["transporter_enterprise_id", "created_on"], name="waste_man_carr_idx"),
                   models.Index(fields=["mismatch", "created_on"], name="waste_man_mis_idx"),
                   # the reconciliation figures of a year (counts and tonnes, scoped by place or enterprise) read
                   # from this index alone instead of fetching 100,000 table rows one by one (127 → 21 ms)
                   models.Index(fields=["created_on", "state", "mismatch", "confirmed_late", "cross_province",
                                        "confirm_due", "sent_tonnes", "carried_tonnes", "received_tonnes",
                                        "jurisdiction", "producer_enterprise_id", "receiver_enterprise_id",
                                        "transporter_enterprise_id"],
                                name="waste_man_recon_idx"),
                   # the year's mismatches: SQLite filters a boolean as the bare column ("WHERE mismatch"), which
                   # the (mismatch, created_on) index cannot serve; a partial index on that same condition can
                   # (the reconciliation's mismatch list: 114 → 2 ms at 100,000 manifests)
                   models.Index(fields=["created_on"], condition=models.Q(mismatch=True), name="waste_man_mis_part"),
                   # received and not confirmed, oldest due first (the overdue list): no sort, no scan of the year
                   models.Index(fields=["state", "confirm_due"], name="waste_man_state_due")]

    def __str__(self):
        return f"{self.number} {self.waste_name}"

    def copy_parties(self):
        self.jurisdiction_id = self.producer.jurisdiction_id
        self.producer_enterprise_id = self.producer.enterprise_id
        self.receiver_enterprise_id = self.receiver.enterprise_id
        self.transporter_enterprise_id = self.transporter.enterprise_id if self.transporter_id else None
        self.cross_province = self.receiver.province != self.producer.jurisdiction.code[:2]

    def reconcile(self):
        r = rules.reconcile(self.sent_tonnes, self.carried_tonnes, self.received_tonnes)
        self.mismatch, self.difference = not r.ok, r.difference
        return r

    @property
    def confirm_overdue(self) -> bool:
        import datetime as dt

        from django.utils import timezone

        today = timezone.localdate()
        if self.state == ManifestState.RECEIVED and self.confirm_due:
            return today > self.confirm_due
        return bool(self.confirmed_late) and isinstance(self.confirm_due, dt.date)


class Stock(ScopedModel):
    """Waste a producer holds in storage (贮存台账 in): cleared when shipped or used on site."""

    producer = models.ForeignKey(Producer, verbose_name=_("产生单位"), on_delete=models.CASCADE, related_name="stock")
    waste_code = models.CharField(_("废物代码"), max_length=12)
    tonnes = models.DecimalField(_("贮存量(吨)"), max_digits=12, decimal_places=3, validators=TONNES)
    stored_on = models.DateField(_("入库日期"))
    cleared_on = models.DateField(_("出库日期"), null=True, blank=True)

    scope = ScopeSpec(module="waste", jurisdiction="producer__jurisdiction", enterprise="producer__enterprise_id")

    class Meta:
        verbose_name = _("贮存台账")
        verbose_name_plural = _("贮存台账")
        ordering = ["stored_on"]

    def __str__(self):
        return _("%(p)s %(c)s %(t)s吨") % {"p": self.producer.name, "c": self.waste_code, "t": self.tonnes}


# What an alert says, by kind of finding: stored as the key and its values (Alert.facts) and written in the
# reader's language when shown; ``detail`` keeps the Chinese text (timeline note, exports, search).
ALERT_DETAILS = {
    "mismatch": gettext_noop("移出 %(s)s 吨、运输 %(c)s 吨、接受 %(r)s 吨,最大差额 %(d)s 吨,超过允许误差"),
    "storage": gettext_noop("%(t)s 吨自 %(d)s 起贮存,超过贮存期限 %(n)s 天"),
    "capacity": gettext_noop("%(y)s年已接收 %(g)s 吨,超过许可证 %(n)s 核准经营规模 %(c)s 吨/年"),
    "licence": gettext_noop("许可证 %(to)s 到期,应于 %(d)s 前申请延续"),
}


def alert_words(facts: dict | None, fallback: str = "") -> str:
    """An alert's description from its facts ({"msg": key, "args": {...}}) in the active language."""
    from django.utils.translation import gettext

    msg = ALERT_DETAILS.get((facts or {}).get("msg"))
    if msg is None:
        return fallback
    return gettext(msg) % facts.get("args", {})


class Alert(ScopedModel):
    """A storage, capacity, licence or quantity alarm; handled through the kit (task, timeline)."""

    kind = models.CharField(_("预警类型"), max_length=10, choices=AlertKind.choices)
    key = models.CharField(_("预警键"), max_length=80, unique=True, editable=False)
    subject = models.CharField(_("对象"), max_length=200)
    detail = models.TextField(_("说明"), blank=True)
    # the finding as data (ALERT_DETAILS key and values), so that the description reads in any language
    facts = models.JSONField(_("预警事实"), default=dict, blank=True, editable=False)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    enterprise_id = models.BigIntegerField(_("企业ID"), null=True, blank=True)
    source_ref = models.CharField(_("来源记录"), max_length=60, blank=True)
    raised_on = models.DateField(_("预警日期"))
    due = models.DateField(_("处理期限"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=AlertState.choices, default=AlertState.OPEN)

    scope = ScopeSpec(module="waste", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      null_jurisdiction_city_wide=True)

    class Meta:
        verbose_name = _("危废预警")
        verbose_name_plural = _("危废预警")
        ordering = ["-raised_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject}"

    @property
    @labelled(_("说明"))
    def description(self) -> str:
        """The description in the reader's language (alerts raised before facts were kept: as stored)."""
        return alert_words(self.facts, self.detail)


class NormRound(ScopedModel):
    """规范化环境管理评估: one inspection round (year, area) with its pass mark (local; national default 60)."""

    name = models.CharField(_("评估名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    pass_mark = models.DecimalField(_("合格分数线"), max_digits=5, decimal_places=1, default=60,
                                    validators=[MinValueValidator(0)])

    scope = ScopeSpec(module="waste", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("规范化管理评估")
        verbose_name_plural = _("规范化管理评估")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name


class NormCheck(ScopedModel):
    """One unit's score in a round; it passes at or above the round's pass mark."""

    round = models.ForeignKey(NormRound, verbose_name=_("评估"), on_delete=models.CASCADE, related_name="checks")
    producer = models.ForeignKey(Producer, verbose_name=_("被评估单位"), on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField(_("评估日期"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    findings = models.TextField(_("主要问题"), blank=True)

    scope = ScopeSpec(module="waste", jurisdiction="producer__jurisdiction", enterprise="producer__enterprise_id")

    class Meta:
        verbose_name = _("规范化管理评估结果")
        verbose_name_plural = _("规范化管理评估结果")
        ordering = ["round", "producer__name"]
        constraints = [models.UniqueConstraint(fields=["round", "producer"], name="waste_normcheck_unique")]

    def __str__(self):
        return f"{self.round.name} {self.producer.name}"

    @property
    def passed(self) -> bool:
        return self.score >= self.round.pass_mark


class CollectionPlatform(ScopedModel):
    """小微产废单位收集平台 (a licensed collector serving small producers); producers join it."""

    name = models.CharField(_("平台名称"), max_length=200)
    operator = models.ForeignKey(Operator, verbose_name=_("运营单位"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("服务区域"), on_delete=models.PROTECT,
                                     related_name="+")
    started_on = models.DateField(_("运行日期"), null=True, blank=True)
    members = models.ManyToManyField(Producer, verbose_name=_("纳入平台的产废单位"), blank=True,
                                     related_name="platforms")

    scope = ScopeSpec(module="waste", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("小微收集平台")
        verbose_name_plural = _("小微收集平台")
        ordering = ["name"]

    def __str__(self):
        return self.name


class IndustrialWaste(ScopedModel):
    """一般工业固体废物: one enterprise's yearly quantities of one kind."""

    enterprise_id = models.BigIntegerField(_("企业ID"))
    name = models.CharField(_("企业名称"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("种类"), max_length=10, choices=IndustrialWasteKind.choices)
    generated = models.DecimalField(_("产生量(吨)"), max_digits=14, decimal_places=3, validators=TONNES)
    utilised = models.DecimalField(_("综合利用量(吨)"), max_digits=14, decimal_places=3, default=0, validators=TONNES)
    disposed = models.DecimalField(_("处置量(吨)"), max_digits=14, decimal_places=3, default=0, validators=TONNES)
    stored = models.DecimalField(_("贮存量(吨)"), max_digits=14, decimal_places=3, default=0, validators=TONNES)

    scope = ScopeSpec(module="waste", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"})

    class Meta:
        verbose_name = _("一般工业固体废物")
        verbose_name_plural = _("一般工业固体废物")
        ordering = ["-year", "name"]

    def __str__(self):
        return f"{self.name} {self.year} {self.get_kind_display()}"


class ZeroWasteCell(ScopedModel):
    """无废城市细胞: a school, community, enterprise… built and accepted as a zero-waste cell."""

    name = models.CharField(_("细胞名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=CellKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=CellStatus.choices, default=CellStatus.BUILDING)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    accepted_on = models.DateField(_("验收命名日期"), null=True, blank=True)

    scope = ScopeSpec(module="waste", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("无废城市细胞")
        verbose_name_plural = _("无废城市细胞")
        ordering = ["jurisdiction__code", "name"]

    def __str__(self):
        return self.name
