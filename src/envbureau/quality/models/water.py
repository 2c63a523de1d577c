from django.db import models
from django.utils.translation import gettext_lazy as _

from envbureau.core.models import Jurisdiction
from envbureau.core.scoping import ScopedModel, ScopeSpec

from ..choices import (
    DrinkingSourceLevel,
    DrinkingSourceType,
    SampleKind,
    WaterBodyType,
    WaterClass,
    WaterControlLevel,
)
from .sites import Site


class WaterSection(Site):
    water_body_type = models.CharField(_("水体类型"), max_length=8, choices=WaterBodyType.choices,
                                       default=WaterBodyType.RIVER)
    river = models.CharField(_("河流/湖库名称"), max_length=100)
    control_level = models.CharField(_("控制级别"), max_length=12, choices=WaterControlLevel.choices,
                                     default=WaterControlLevel.COUNTY)
    target_class = models.SmallIntegerField(_("目标水质类别"), choices=WaterClass.choices, default=WaterClass.III)
    automatic = models.BooleanField(_("自动监测站"), default=False)
    synthetic = models.BooleanField(_("演示合成数据"), default=False,
                                    help_text=_("演示数据中生成的断面,不是真实监测断面"))
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("所属区划"), on_delete=models.PROTECT,
                                     related_name="water_sections")

    class Meta(Site.Meta):
        verbose_name = _("水质断面")
        verbose_name_plural = _("水质断面")


class WaterSample(ScopedModel):
    """One sample (manual monthly or automatic 4-hourly): parameter code → mg/L (pH dimensionless)."""

    section = models.ForeignKey(WaterSection, verbose_name=_("断面"), on_delete=models.CASCADE, related_name="samples")
    time = models.DateTimeField(_("采样时间"))
    kind = models.CharField(_("监测方式"), max_length=10, choices=SampleKind.choices, default=SampleKind.MANUAL)
    values = models.JSONField(_("监测值"), default=dict, help_text=_("项目代码 → 浓度(mg/L),如 {\"nh3n\": 0.52}"))
    invalid = models.JSONField(_("审核无效项目"), default=list, blank=True)

    audit_exempt = True
    scope = ScopeSpec(module="quality", jurisdiction="section__jurisdiction")

    class Meta:
        verbose_name = _("水质监测数据")
        verbose_name_plural = _("水质监测数据")
        constraints = [models.UniqueConstraint(fields=["section", "time"], name="quality_watersample_section_time")]
        indexes = [models.Index(fields=["time"], name="quality_watersample_time")]


class SectionPeriodClass(ScopedModel):
    """Derived: a section's water class for a month, quarter or year, with the deciding items."""

    section = models.ForeignKey(WaterSection, verbose_name=_("断面"), on_delete=models.CASCADE,
                                related_name="period_classes")
    period = models.CharField(_("周期"), max_length=8, choices=[("month", _("月")), ("quarter", _("季")),
                                                                ("year", _("年"))])
    start = models.DateField(_("开始日期"))
    water_class = models.SmallIntegerField(_("水质类别"), choices=WaterClass.choices, null=True)
    deciding = models.JSONField(_("定类/超标项目"), default=list, blank=True)
    values = models.JSONField(_("评价浓度"), default=dict, blank=True)
    n_samples = models.SmallIntegerField(_("样品数"), default=0)
    meets_target = models.BooleanField(_("达到目标"), default=False)
    cwqi = models.FloatField("CWQI", null=True)
    rules = models.CharField(_("标准"), max_length=120, default="GB 3838-2002")

    audit_exempt = True
    scope = ScopeSpec(module="quality", jurisdiction="section__jurisdiction")

    class Meta:
        verbose_name = _("断面周期水质类别")
        verbose_name_plural = _("断面周期水质类别")
        constraints = [models.UniqueConstraint(fields=["section", "period", "start"], name="quality_spc_unique")]


class DrinkingWaterSource(Site):
    source_type = models.CharField(_("水源类型"), max_length=12, choices=DrinkingSourceType.choices,
                                   default=DrinkingSourceType.RIVER)
    level = models.CharField(_("水源地级别"), max_length=10, choices=DrinkingSourceLevel.choices,
                             default=DrinkingSourceLevel.COUNTY)
    section = models.ForeignKey(WaterSection, verbose_name=_("监测断面"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="drinking_sources")
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("所属区划"), on_delete=models.PROTECT,
                                     related_name="drinking_sources")

    class Meta(Site.Meta):
        verbose_name = _("饮用水水源地")
        verbose_name_plural = _("饮用水水源地")
