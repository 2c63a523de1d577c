"""Pollution sources: enterprises, outlets, monitoring points, limits, hourly/daily values, alarms,
declarations, unknown MNs and the dossier timeline.

Real-time and minute values never become ORM rows: they live in the gateway's packet log and
Parquet partitions (envbureau.gateway).  Only hour and day values (one row per point × factor ×
hour/day) and what is derived from them are stored here.
"""

from __future__ import annotations

import contextlib
import contextvars

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core.scoping import ScopedModel, ScopeSpec
from envbureau.core.timefmt import local_date, local_datetime

from . import credit_code
from .choices import (
    AlarmKind,
    AlarmStatus,
    DeclarationKind,
    DeclarationStatus,
    EnterpriseStatus,
    LimitPeriod,
    OutletKind,
    factor_label,
)


class _FieldFile(models.fields.files.FieldFile):
    @property
    def url(self):
        # an empty attachment has no URL; core.audit probes `url` on file values
        return super().url if self else ""


class AttachmentField(models.FileField):
    attr_class = _FieldFile


def validate_credit_code(value):
    try:
        credit_code.validate(value)
    except credit_code.CreditCodeError as e:
        msg = _("统一社会信用代码无效")
        if e.position:
            msg = _("统一社会信用代码第%(p)d位有误") % {"p": e.position}
        if e.position == 18:
            msg = _("统一社会信用代码校验位错误(应为 %(c)s)") % {"c": credit_code.check_char(credit_code.normalise(value)[:17])}
        raise ValidationError(msg, code="credit_code") from None


industry_validator = RegexValidator(r"^[A-T](\d{2,4})?$", _("行业代码应为 GB/T 4754 门类字母加 2-4 位数字,如 C2614"))
mn_validator = RegexValidator(r"^[0-9A-Za-z_\-]{1,32}$", _("MN 只能包含字母、数字、下划线或连字符(最长32位)"))
factor_validator = RegexValidator(r"^[A-Za-z0-9]{2,10}$", _("污染物代码格式不正确"))

LON = [MinValueValidator(-180), MaxValueValidator(180)]
LAT = [MinValueValidator(-90), MaxValueValidator(90)]

CRC_DIALECT_CHOICES = [("hj212", _("标准 CRC (HJ 212)")), ("modbus", _("MODBUS CRC")),
                       ("modbus-swapped", _("MODBUS CRC(字节交换)"))]


class Enterprise(ScopedModel):
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    name = models.CharField(_("企业名称"), max_length=200)
    industry_code = models.CharField(_("行业代码"), max_length=5, blank=True, validators=[industry_validator],
                                     help_text=_("GB/T 4754-2017,如 D4411、C2614"))
    industry_name = models.CharField(_("行业名称"), max_length=100, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="enterprises")
    address = models.CharField(_("地址"), max_length=300, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True, validators=LON)
    latitude = models.FloatField(_("纬度"), null=True, blank=True, validators=LAT)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_person = models.CharField(_("环保联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    key_water = models.BooleanField(_("水环境重点排污单位"), default=False)
    key_air = models.BooleanField(_("大气环境重点排污单位"), default=False)
    key_soil = models.BooleanField(_("土壤环境重点监管单位"), default=False)
    key_noise = models.BooleanField(_("噪声重点排污单位"), default=False)
    risk_source = models.BooleanField(_("环境风险源"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=EnterpriseStatus.choices,
                              default=EnterpriseStatus.OPERATING)
    note = models.TextField(_("备注"), blank=True)
    synthetic = models.BooleanField(_("模拟数据"), default=False, help_text=_("演示用的模拟企业"))

    scope = ScopeSpec(module="sources", jurisdiction="jurisdiction", enterprise="id")

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.credit_code:
            self.credit_code = credit_code.normalise(self.credit_code)

    @property
    def key_flags(self) -> list[str]:
        out = []
        for f in ("key_water", "key_air", "key_soil", "key_noise", "risk_source"):
            if getattr(self, f):
                out.append(str(self._meta.get_field(f).verbose_name))
        return out


class Outlet(ScopedModel):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="outlets")
    code = models.CharField(_("排放口编号"), max_length=30, help_text=_("如排污许可证中的 DW001、DA001"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=8, choices=OutletKind.choices)
    longitude = models.FloatField(_("经度"), null=True, blank=True, validators=LON)
    latitude = models.FloatField(_("纬度"), null=True, blank=True, validators=LAT)
    destination = models.CharField(_("排放去向"), max_length=100, blank=True)

    scope = ScopeSpec(module="sources", jurisdiction="enterprise__jurisdiction", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("排放口")
        verbose_name_plural = _("排放口")
        ordering = ["enterprise__name", "code"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="sources_outlet_code_unique")]

    def __str__(self):
        return f"{self.enterprise.name} · {self.code} {self.name}"


class MonitoringPoint(ScopedModel):
    outlet = models.ForeignKey(Outlet, verbose_name=_("排放口"), on_delete=models.CASCADE, related_name="points")
    # Copied from the outlet on save: scoping and the gateway's hot paths need no join through outlets.
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="points", editable=False)
    mn = models.CharField(_("MN 编码"), max_length=32, unique=True, validators=[mn_validator])
    name = models.CharField(_("名称"), max_length=100)
    enabled = models.BooleanField(_("启用"), default=True)
    commissioned_on = models.DateField(_("建成投运日期"), null=True, blank=True)
    crc_dialects = models.JSONField(_("接受的 CRC 方言"), default=list, blank=True,
                                    help_text=_("留空为标准 CRC;已知厂商方言可加 modbus / modbus-swapped"))
    lenient_length = models.BooleanField(_("容忍长度字段错误"), default=False)
    password = models.CharField(_("访问密码"), max_length=32, blank=True, help_text=_("留空表示不校验 PW"))
    absence_minutes = models.PositiveIntegerField(_("缺失报警阈值(分钟)"), null=True, blank=True,
                                                  help_text=_("留空使用系统默认值"))
    # Written by the gateway registry with queryset.update() (not audited: it changes every packet).
    last_data_at = models.DateTimeField(_("最近数据时间"), null=True, blank=True, editable=False)
    latest = models.JSONField(_("最新数据"), default=dict, blank=True, editable=False)

    scope = ScopeSpec(module="sources", jurisdiction="enterprise__jurisdiction", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("监测点")
        verbose_name_plural = _("监测点")
        ordering = ["enterprise__name", "mn"]

    def __str__(self):
        return f"{self.name} ({self.mn})"

    def save(self, *args, **kwargs):
        if self.outlet_id:
            self.enterprise_id = Outlet.objects.only("enterprise_id").get(pk=self.outlet_id).enterprise_id
        super().save(*args, **kwargs)

    def clean(self):
        bad = [d for d in (self.crc_dialects or []) if d not in dict(CRC_DIALECT_CHOICES)]
        if bad:
            raise ValidationError({"crc_dialects": _("未知的 CRC 方言: %(d)s") % {"d": ", ".join(map(str, bad))}})


# Set while the record that owns a limit (a discharge permit) rewrites it: sources.services.apply_permit_limits and
# release_permit_limits. Any other save or delete of an owned limit is refused (PollutantLimit.owner_error).
_OWNER_WRITES = contextvars.ContextVar("limit_owner_writes", default=False)


@contextlib.contextmanager
def owner_writes():
    token = _OWNER_WRITES.set(True)
    try:
        yield
    finally:
        _OWNER_WRITES.reset(token)


class PollutantLimit(ScopedModel):
    point = models.ForeignKey(MonitoringPoint, verbose_name=_("监测点"), on_delete=models.CASCADE, related_name="limits")
    factor = models.CharField(_("污染物代码"), max_length=10, validators=[factor_validator],
                              help_text=_("HJ 212-2017 代码,如 w01018(COD)、a21026(SO₂);2005 旧代码自动换算"))
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    period = models.CharField(_("均值周期"), max_length=8, choices=LimitPeriod.choices, default=LimitPeriod.HOUR)
    limit_value = models.FloatField(_("排放限值(上限)"), null=True, blank=True)
    lower_limit = models.FloatField(_("下限"), null=True, blank=True, help_text=_("如 pH 6–9 的 6"))
    on_converted = models.BooleanField(_("按折算值判定"), default=False,
                                       help_text=_("限值针对折算浓度(ZsAvg)时勾选"))
    standard = models.CharField(_("执行标准/许可证"), max_length=200, blank=True,
                                help_text=_("如 GB 13223-2011 表1;排污许可证编号"))
    # Set when a discharge permit owns this limit ("approvals.permit:12"): the permit is the one source of
    # truth and rewrites the row on every issue, change and renewal (sources.services.apply_permit_limits).
    source_ref = models.CharField(_("限值来源记录"), max_length=60, blank=True, editable=False)

    scope = ScopeSpec(module="sources", jurisdiction="point__enterprise__jurisdiction", enterprise="point__enterprise_id")

    class Meta:
        verbose_name = _("排放限值")
        verbose_name_plural = _("排放限值")
        ordering = ["point", "factor", "period"]
        constraints = [models.UniqueConstraint(fields=["point", "factor", "period"], name="sources_limit_unique")]

    # stored codes the pages show by name (core.generic, audit history)
    human_values = {"factor": factor_label}

    def __str__(self):
        return f"{self.point.mn} {factor_label(self.factor)} {self.get_period_display()}"

    def clean(self):
        from envbureau.hj212 import codes

        if self.factor:
            self.factor = codes.normalise_factor(self.factor.strip())
        if self.limit_value is None and self.lower_limit is None:
            raise ValidationError({"limit_value": _("上限与下限至少填写一个")})
        if self.limit_value is not None and self.lower_limit is not None and self.lower_limit >= self.limit_value:
            raise ValidationError({"lower_limit": _("下限必须小于上限")})
        if not self.unit and self.factor in codes.FACTORS:
            self.unit = codes.FACTORS[self.factor][2]

    def owner_error(self) -> ValidationError | None:
        """A limit a permit owns changes only through the permit (one source of truth): the error naming it."""
        if not self.source_ref or _OWNER_WRITES.get():
            return None
        from django.utils.translation import gettext

        from .services import limit_owners

        owner = limit_owners(None, [self.source_ref]).get(self.source_ref)
        label = owner["label"] if owner else (self.standard or self.source_ref)
        return ValidationError({"source_ref": gettext("该限值由%(o)s 设定,请在许可证中变更") % {"o": label}})

    def save(self, *args, **kwargs):
        if self.pk is not None and (err := self.owner_error()):
            raise err
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if err := self.owner_error():
            raise err
        return super().delete(*args, **kwargs)

    def breached(self, value: float | None) -> bool:
        if value is None:
            return False
        return (self.limit_value is not None and value > self.limit_value) or (
            self.lower_limit is not None and value < self.lower_limit)


class _Aggregate(ScopedModel):
    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="+")
    factor = models.CharField(max_length=10)  # normalised (2017) code
    code = models.CharField(max_length=10, blank=True)  # as received
    avg = models.FloatField(null=True, blank=True)
    min = models.FloatField(null=True, blank=True)
    max = models.FloatField(null=True, blank=True)
    cou = models.FloatField(null=True, blank=True)
    zs_avg = models.FloatField(null=True, blank=True)
    flag = models.CharField(max_length=2, blank=True)
    # Inside an approved declaration window: marked, never hidden (statistics can filter on it).
    declared = models.BooleanField(default=False)
    declaration = models.ForeignKey("Declaration", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)
    # Computed by the registry from minute data because no hourly packet (2061) came; a later
    # hourly packet replaces it.  `samples` = minute values behind it.
    rolled_up = models.BooleanField(default=False)
    samples = models.PositiveIntegerField(null=True, blank=True)

    scope = ScopeSpec(module="sources", jurisdiction="point__enterprise__jurisdiction", enterprise="point__enterprise_id")
    audit_exempt = True  # written in bulk by the gateway; one audit entry per batch instead

    class Meta:
        abstract = True


class PointHourly(_Aggregate):
    """One row per point × factor × hour (the hour's start, local time), from 2061 packets."""

    hour = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("小时数据")
        verbose_name_plural = _("小时数据")
        ordering = ["point", "hour", "factor"]
        constraints = [models.UniqueConstraint(fields=["point", "factor", "hour"], name="sources_hourly_unique")]


class PointDaily(_Aggregate):
    """One row per point × factor × local day, from 2031 packets."""

    day = models.DateField(db_index=True)

    class Meta:
        verbose_name = _("日数据")
        verbose_name_plural = _("日数据")
        ordering = ["point", "day", "factor"]
        constraints = [models.UniqueConstraint(fields=["point", "factor", "day"], name="sources_daily_unique")]


class Declaration(ScopedModel):
    """An enterprise's declared exception for a point (or all its points) and factor over a window."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="declarations")
    point = models.ForeignKey(MonitoringPoint, verbose_name=_("监测点"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="declarations", help_text=_("留空表示企业全部监测点"))
    factor = models.CharField(_("污染物代码"), max_length=10, blank=True, help_text=_("留空表示全部因子"))
    kind = models.CharField(_("类型"), max_length=20, choices=DeclarationKind.choices)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"))
    reason = models.TextField(_("原因说明"))
    attachment = AttachmentField(_("附件"), upload_to="sources/declarations/%Y/%m/", blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=DeclarationStatus.choices, default=DeclarationStatus.PENDING)
    created_by = models.ForeignKey("core.User", verbose_name=_("申报人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("申报时间"), default=timezone.now)
    reviewed_by = models.ForeignKey("core.User", verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)

    scope = ScopeSpec(module="sources", jurisdiction="enterprise__jurisdiction", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("异常申报")
        verbose_name_plural = _("异常申报")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.enterprise.name} {self.get_kind_display()} {local_datetime(self.start)}"

    def covers_q(self, point_field="point", factor_field="factor", time_field="hour") -> Q:
        """Rows (hourly/daily/alarms) inside this declaration."""
        q = Q(**{f"{point_field}__enterprise_id": self.enterprise_id})
        if self.point_id:
            q &= Q(**{f"{point_field}_id": self.point_id})
        if self.factor:
            q &= Q(**{factor_field: self.factor})
        if time_field:
            q &= Q(**{f"{time_field}__gte": self.start, f"{time_field}__lt": self.end})
        return q


# What an alarm says, by kind of finding: stored as the key and its values (Alarm.facts) and written in the
# reader's language when shown; ``message`` keeps the Chinese text (search, old rows).
ALARM_TEXTS = {
    "flag": gettext_noop("数据标记 %(f)s(%(l)s)"),
    "negative": gettext_noop("负值 %(v)s"),
    "ph": gettext_noop("pH 超出 0–14"),
    "over": gettext_noop("%(p)s%(z)s %(v)s 超过限值 %(l)s"),
    "under": gettext_noop("%(p)s%(z)s %(v)s 低于下限 %(l)s"),
    "flat": gettext_noop("连续 %(n)d 小时数值恒为 %(v)s"),
    "absence": gettext_noop("已 %(m)d 分钟无数据"),
}
ALARM_PERIODS = {"hour": gettext_noop("小时均值"), "day": gettext_noop("日均值")}


def alarm_words(facts: dict | None, fallback: str = "") -> str:
    """An alarm's description from its facts ({"msg": key, "args": {...}}) in the active language: a data flag
    ("f") with its meaning, the limit's period ("p": hour/day), "(折算)" for a converted value ("z"), the
    exceedance multiple ("x") and the limit's basis ("s") when known; the stored text without facts."""
    from django.utils.translation import gettext

    from .choices import DEVICE_STATE_FLAGS, INVALID_FLAGS

    msg = ALARM_TEXTS.get((facts or {}).get("msg"))
    if msg is None:
        return fallback
    a = dict(facts.get("args") or {})
    words = dict(a)
    if "f" in a:
        words["l"] = DEVICE_STATE_FLAGS.get(a["f"]) or INVALID_FLAGS.get(a["f"]) or ""
    if "p" in a:
        words["p"] = gettext(ALARM_PERIODS.get(a["p"], a["p"]))
        words["z"] = gettext("(折算)") if a.get("z") else ""
    try:
        text = gettext(msg) % words
        if a.get("x") is not None:
            text += gettext(",超标 %(m).2f 倍") % {"m": float(a["x"])}
        if a.get("s"):
            text += gettext(";依据 %(s)s") % {"s": a["s"]}
    except (KeyError, TypeError, ValueError):
        return fallback
    return text


class Alarm(ScopedModel):
    """An online-monitoring alarm; one row per condition episode (deduplicated while it persists)."""

    point = models.ForeignKey(MonitoringPoint, verbose_name=_("监测点"), on_delete=models.CASCADE, related_name="alarms")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="alarms")
    kind = models.CharField(_("报警类型"), max_length=14, choices=AlarmKind.choices, db_index=True)
    factor = models.CharField(_("污染物代码"), max_length=10, blank=True)
    detail_key = models.CharField(max_length=20, blank=True, help_text="e.g. the data flag or the limit period")
    status = models.CharField(_("状态"), max_length=12, choices=AlarmStatus.choices, default=AlarmStatus.OPEN, db_index=True)
    # The condition is still present: new occurrences update this alarm instead of opening another.
    active = models.BooleanField(_("持续中"), default=True)
    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    last_seen_at = models.DateTimeField(_("最近出现"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    occurrences = models.PositiveIntegerField(_("出现次数"), default=1)
    value = models.FloatField(_("监测值"), null=True, blank=True)
    limit_value = models.FloatField(_("限值"), null=True, blank=True)
    on_converted = models.BooleanField(_("折算值"), default=False)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    # the finding as data (ALARM_TEXTS key and values), so that the description reads in any language
    facts = models.JSONField(_("报警事实"), default=dict, blank=True, editable=False)
    declared = models.BooleanField(_("已申报"), default=False)
    declaration = models.ForeignKey(Declaration, verbose_name=_("申报"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="alarms")
    acknowledged_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    closed_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    note = models.TextField(_("处理说明"), blank=True)
    # Generic reference to what the ledger made of it ("ledger.problem:42").
    problem_ref = models.CharField(_("问题台账"), max_length=60, blank=True)
    created = models.DateTimeField(default=timezone.now)

    scope = ScopeSpec(module="sources", jurisdiction="enterprise__jurisdiction", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["point", "kind", "factor", "active"])]

    def __str__(self):
        return f"{self.point.mn} {self.get_kind_display()} {factor_label(self.factor)} {local_datetime(self.started_at)}"

    @property
    def text(self) -> str:
        """The description in the reader's language (alarms whose text could not be read as facts: as stored)."""
        return alarm_words(self.facts, self.message)

    @property
    def source_ref(self) -> tuple[str, str]:
        return ("sources.alarm", str(self.pk))

    @property
    def problem_url(self) -> str:
        """Link to the ledger's problem (by URL name only: sources never imports the ledger)."""
        from django.urls import NoReverseMatch, reverse

        model, _sep, pk = self.problem_ref.partition(":")
        if model != "ledger.problem" or not pk.isdigit():
            return ""
        try:
            return reverse("ledger:problem-detail", args=[int(pk)])
        except NoReverseMatch:
            return ""


class UnknownMN(ScopedModel):
    """An MN the gateway heard from that no monitoring point has; an admin binds it to a point."""

    mn = models.CharField(_("MN 编码"), max_length=64, unique=True)
    first_seen = models.DateTimeField(_("首次出现"), default=timezone.now)
    last_seen = models.DateTimeField(_("最近出现"), default=timezone.now)
    count = models.PositiveIntegerField(_("次数"), default=1)
    peer = models.CharField(_("来源地址"), max_length=64, blank=True)
    sample = models.TextField(_("报文样例"), blank=True)
    bound_point = models.ForeignKey(MonitoringPoint, verbose_name=_("已绑定监测点"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    bound_at = models.DateTimeField(_("绑定时间"), null=True, blank=True)
    ignored = models.BooleanField(_("忽略"), default=False)

    # Not tied to a jurisdiction: only city-wide grants (admins, bureau staff) see it.
    scope = ScopeSpec(module="sources", jurisdiction=None)

    class Meta:
        verbose_name = _("未登记 MN")
        verbose_name_plural = _("未登记 MN")
        ordering = ["-last_seen"]

    def __str__(self):
        return self.mn


class DossierEvent(ScopedModel):
    """A line of the enterprise dossier timeline; other apps add lines through services.add_dossier_event."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="events")
    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("类别"), max_length=40)  # e.g. "sources.declaration", "enforcement.inspection"
    title = models.CharField(_("事项"), max_length=200)
    detail = models.TextField(_("说明"), blank=True)
    source_ref = models.CharField(_("来源记录"), max_length=80, blank=True)  # "app.model:pk"
    url = models.CharField(_("链接"), max_length=300, blank=True)
    actor = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # the title as data (core.texts.sentence), worded per reader (`shown_title`); `title` keeps the Chinese
    facts = models.JSONField(_("事项事实"), default=dict, blank=True, editable=False)

    scope = ScopeSpec(module="sources", jurisdiction="enterprise__jurisdiction", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("档案事件")
        verbose_name_plural = _("档案事件")
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{local_date(self.time)} {self.shown_title}"

    @property
    def shown_title(self) -> str:
        """The title in the reader's language when a module wrote it from facts; as stored otherwise."""
        from envbureau.core import texts

        return texts.shown(self.facts, self.title)

    @property
    def shown_detail(self) -> str:
        from envbureau.core import texts

        return texts.shown((self.facts or {}).get("detail"), self.detail)
