from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core.models import Jurisdiction
from envbureau.core.scoping import ScopedModel, ScopeSpec

from ..choices import PeerIndicator, TargetBasis, TargetIndicator, WarningKind, WarningState, WaterScope


class Target(ScopedModel):
    """An annual target task (目标任务) of a jurisdiction."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("区划"), on_delete=models.CASCADE,
                                     related_name="quality_targets")
    year = models.PositiveSmallIntegerField(_("年度"))
    indicator = models.CharField(_("指标"), max_length=24, choices=TargetIndicator.choices)
    value = models.FloatField(_("目标值"))
    # water targets: the sections they cover ("国省考断面优Ⅲ比例达到…"); blank = all sections
    section_scope = models.CharField(_("断面范围"), max_length=12, choices=WaterScope.choices, blank=True)
    # air targets: judged on the jurisdiction's own value or on the mean of its counties' values
    basis = models.CharField(_("考核口径"), max_length=12, choices=TargetBasis.choices, default=TargetBasis.OWN)
    issued_by = models.CharField(_("下达单位"), max_length=100, blank=True)
    note = models.TextField(_("备注"), blank=True)

    scope = ScopeSpec(module="quality", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        ordering = ["-year", "jurisdiction__path", "indicator"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year", "indicator", "section_scope"],
                                               name="quality_target_unique_scope")]

    def __str__(self):
        scope = f" {self.get_section_scope_display()}" if self.section_scope else ""
        return f"{self.jurisdiction} {self.year}{scope} {self.get_indicator_display()} {self.value:g}"


# What a warning says, by kind of finding: stored as the key and its values (Warning.facts) and written in the
# reader's language when shown; ``message`` keeps the Chinese text (timeline of old rows, search).
WARNING_TEXTS = {
    "over": gettext_noop("%(s)s %(p)s 小时浓度 %(n)s 次超过阈值 %(t)s,最高 %(v)s"),
    "flat": gettext_noop("%(s)s %(p)s 连续 %(n)s 小时数值不变(%(v)s)"),
    "stop": gettext_noop("%(s)s 自 %(t)s 起无数据(连续 %(n)s 小时)"),
    "water": gettext_noop("%(s)s 自动站 %(t)s 水质%(c)s类,劣于目标%(g)s类;超标项目 %(i)s"),
}


def warning_words(facts: dict | None, fallback: str = "") -> str:
    """A warning's description from its facts ({"msg": key, "args": {...}}) in the active language: air
    pollutants ("p") by name, water classes ("c", "g") by their label, exceeding water items ("i": [[code,
    multiple], …]) by name with their multiple; the stored text when there are no facts (or they are unknown)."""
    from django.utils.translation import gettext, pgettext

    from ..choices import POLLUTANT_LABELS, WaterClass, water_item_label

    msg = WARNING_TEXTS.get((facts or {}).get("msg"))
    if msg is None:
        return fallback
    args = dict(facts.get("args") or {})
    if "p" in args:
        args["p"] = POLLUTANT_LABELS.get(args["p"], args["p"])
    for k in ("c", "g"):
        if k in args:
            args[k] = WaterClass(int(args[k])).label if int(args[k]) in WaterClass.values else args[k]
    if "i" in args:
        args["i"] = pgettext("列举", "、").join(f"{water_item_label(code)}({m})" for code, m in args["i"])
    try:
        return gettext(msg) % args
    except (KeyError, TypeError, ValueError):
        return fallback


class Warning(ScopedModel):
    """A warning raised by a rule; the lifecycle is open → acknowledged → closed (with a note).

    ``source_ref`` ("quality.airstation:12") names what raised it and ``ref`` ("quality.warning:<pk>")
    is how another app (the problem ledger) refers to it; ``problem_ref`` holds the ledger's reference
    once a problem is opened from it.
    """

    kind = models.CharField(_("类型"), max_length=16, choices=WarningKind.choices)
    state = models.CharField(_("状态"), max_length=14, choices=WarningState.choices, default=WarningState.OPEN)
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("区划"), on_delete=models.PROTECT,
                                     related_name="quality_warnings")
    source_ref = models.CharField(_("来源"), max_length=80, db_index=True)
    subject = models.CharField(_("对象"), max_length=120)
    pollutant = models.CharField(_("项目"), max_length=16, blank=True)
    first_time = models.DateTimeField(_("首次出现"))
    last_time = models.DateTimeField(_("最近出现"))
    value = models.FloatField(_("值"), null=True, blank=True)
    threshold = models.FloatField(_("阈值"), null=True, blank=True)
    count = models.IntegerField(_("次数"), default=1)
    message = models.TextField(_("说明"))
    # the finding as data (WARNING_TEXTS key and values), so that the description reads in any language
    facts = models.JSONField(_("预警事实"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("关闭人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    close_note = models.TextField(_("关闭说明"), blank=True)
    problem_ref = models.CharField(_("问题台账引用"), max_length=80, blank=True)

    scope = ScopeSpec(module="quality", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-last_time"]
        indexes = [models.Index(fields=["state", "kind"], name="quality_warning_state_kind"),
                   # the list is newest first, a page at a time: read from an index, not a sort of every warning
                   models.Index(fields=["-last_time", "-id"], name="quality_warning_latest")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject}"

    @property
    def ref(self) -> str:
        return f"quality.warning:{self.pk}"

    @property
    def text(self) -> str:
        """The description in the reader's language (warnings whose text could not be read as facts: as stored)."""
        return warning_words(self.facts, self.message)

    @property
    def pollutant_label(self) -> str:
        """The pollutant by name ("PM2.5", "SO2"), never its stored code."""
        from ..choices import POLLUTANT_LABELS

        return POLLUTANT_LABELS.get(self.pollutant, self.pollutant)


class PeerFigure(ScopedModel):
    """A figure published by someone else for a peer unit (a city or county in a provincial or city
    ranking table), imported with its source, so the bureau's rank among its peers can be stated."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("本单位区划"), on_delete=models.CASCADE,
                                     related_name="peer_figures", help_text=_("与这些同级单位比较的本单位"))
    group = models.CharField(_("排名范围"), max_length=60, help_text=_("如“绍兴市”(绍兴市各区县)、“浙江省设区市”"))
    name = models.CharField(_("单位名称"), max_length=60)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    indicator = models.CharField(_("指标"), max_length=24, choices=PeerIndicator.choices)
    value = models.FloatField(_("数值"))
    source = models.CharField(_("数据来源"), max_length=300, help_text=_("发布单位、文件名或网址"))

    scope = ScopeSpec(module="quality", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("同级单位公布数据")
        verbose_name_plural = _("同级单位公布数据")
        ordering = ["-end", "group", "indicator", "name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "group", "name", "start", "end", "indicator"],
                                               name="quality_peerfigure_unique")]

    def __str__(self):
        return f"{self.group} {self.name} {self.start}—{self.end} {self.get_indicator_display()} {self.value:g}"


class WarningScan(models.Model):
    """Where the air warning scan stands: hours up to ``scanned_until`` have been scanned; an import of hours
    before that sets ``dirty_from`` so the next scan goes back to them (and only to them)."""

    name = models.CharField(_("扫描"), max_length=20, unique=True)
    scanned_until = models.DateTimeField(_("已扫描至"), null=True, blank=True)
    dirty_from = models.DateTimeField(_("待重扫起点"), null=True, blank=True)

    audit_exempt = True  # bookkeeping of the scanner, not a record anyone edits

    class Meta:
        verbose_name = _("预警扫描进度")
        verbose_name_plural = _("预警扫描进度")

    def __str__(self):
        return self.name
