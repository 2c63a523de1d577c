"""Soil and contaminated land (土壤污染防治法; GB 36600-2018, GB 15618-2018): construction-land plots with their lifecycle,
report reviews and sampling results (checked against GB 36600 in envbureau.standards.soil), key supervised
units and their periodic duties, farmland units for the safe-use rate. Lifecycles on core.workflow."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core.humanize import labelled
from envbureau.core.scoping import ScopedModel, ScopeSpec
from envbureau.standards import soil as gb

from .choices import (
    FARMLAND_CATEGORIES,
    FARMLAND_ITEM_FIELDS,
    FARMLAND_ITEM_NAMES,
    FARMLAND_LEVELS,
    FIRST_CLASS_USES,
    DutyKind,
    DutyState,
    FarmlandLand,
    PlannedUse,
    PlotState,
    PollutionLevel,
    ReviewKind,
    ReviewOutcome,
)

# The standards library's GB 36600 verdicts (standards.soil.LEVEL_LABELS; that library has no Django), marked
# here for the catalogue and shown through gettext in the reader's language.
VERDICT_WORDS = (gettext_noop("不超过筛选值"), gettext_noop("超过筛选值、不超过管制值"), gettext_noop("超过管制值"),
                 gettext_noop("超过筛选值但不超过背景值"))


class Plot(ScopedModel):
    """地块: one construction-land site from suspicion to removal from the list (一块一档)."""

    code = models.CharField(_("地块编码"), max_length=40, unique=True)
    name = models.CharField(_("地块名称"), max_length=200)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    area_m2 = models.DecimalField(_("面积(平方米)"), max_digits=12, decimal_places=1, validators=[MinValueValidator(0)])
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    enterprise_id = models.BigIntegerField(_("土地使用权人企业ID"), null=True, blank=True)
    holder = models.CharField(_("土地使用权人"), max_length=200, blank=True)
    former_industry = models.CharField(_("原行业"), max_length=100, blank=True)
    planned_use = models.CharField(_("规划用途"), max_length=12, choices=PlannedUse.choices)
    developed = models.BooleanField(_("已开发利用"), default=False,
                                    help_text=_("地块已按规划用途开工或投入使用"))
    state = models.CharField(_("状态"), max_length=10, choices=PlotState.choices, default=PlotState.SUSPECTED)
    listed_on = models.DateField(_("列入名录日期"), null=True, blank=True)
    removed_on = models.DateField(_("移出名录日期"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True,
                                  validators=[MinValueValidator(-180), MaxValueValidator(180)])
    latitude = models.FloatField(_("纬度"), null=True, blank=True,
                                 validators=[MinValueValidator(-90), MaxValueValidator(90)])

    scope = ScopeSpec(module="soil", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"})

    class Meta:
        verbose_name = _("地块")
        verbose_name_plural = _("建设用地地块")
        ordering = ["jurisdiction__code", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def land_class(self) -> int:
        """GB 36600 第一类用地 for residential, public-service and park uses; 第二类 otherwise."""
        return 1 if self.planned_use in FIRST_CLASS_USES else 2

    @property
    @labelled(_("用地类别"))
    def land_class_label(self) -> str:
        return str(_("第一类用地") if self.land_class == 1 else _("第二类用地"))

    @property
    def safely_used(self) -> bool:
        """Our reading (no national formula found): a plot is safely used unless it was developed while its
        contamination was still unresolved (after a survey above screening, before removal from the list)."""
        return not self.developed or self.state in (PlotState.CLEAN, PlotState.REMOVED)


class Review(ScopedModel):
    """评审 of one report on one plot: kind, round, outcome (环办土壤〔2019〕63号)."""

    plot = models.ForeignKey(Plot, verbose_name=_("地块"), on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("报告类型"), max_length=8, choices=ReviewKind.choices)
    round = models.PositiveSmallIntegerField(_("评审轮次"), default=1)
    reviewed_on = models.DateField(_("评审日期"))
    outcome = models.CharField(_("评审结论"), max_length=8, choices=ReviewOutcome.choices)
    author = models.CharField(_("编制单位"), max_length=200, blank=True)
    note = models.TextField(_("专家意见"), blank=True)

    scope = ScopeSpec(module="soil", jurisdiction="plot__jurisdiction", enterprise="plot__enterprise_id")

    class Meta:
        verbose_name = _("报告评审")
        verbose_name_plural = _("报告评审")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self):
        return _("%(p)s %(k)s 第%(r)s轮 %(o)s") % {"p": self.plot.code, "k": self.get_kind_display(), "r": self.round,
                                                "o": self.get_outcome_display()}


class Sample(ScopedModel):
    """One soil result (mg/kg) at one point, judged against GB 36600 for the plot's land class when saved."""

    plot = models.ForeignKey(Plot, verbose_name=_("地块"), on_delete=models.CASCADE, related_name="samples")
    point = models.CharField(_("点位"), max_length=30)
    depth_m = models.DecimalField(_("深度(米)"), max_digits=6, decimal_places=2, default=0,
                                  validators=[MinValueValidator(0)])
    pollutant = models.CharField(_("污染物"), max_length=60, help_text=_("GB 36600 项目名称或CAS号,如 砷、苯并[a]芘"))
    value = models.DecimalField(_("含量(mg/kg)"), max_digits=14, decimal_places=5, validators=[MinValueValidator(0)])
    sampled_on = models.DateField(_("采样日期"))

    scope = ScopeSpec(module="soil", jurisdiction="plot__jurisdiction", enterprise="plot__enterprise_id")

    class Meta:
        verbose_name = _("土壤监测结果")
        verbose_name_plural = _("土壤监测结果")
        ordering = ["plot", "point", "depth_m"]

    def __str__(self):
        return f"{self.plot.code} {self.point} {self.pollutant}"

    def clean(self):
        from django.core.exceptions import ValidationError

        try:
            gb.construction_item(self.pollutant)
        except ValueError:
            raise ValidationError({"pollutant": _("GB 36600 中没有该项目")}) from None

    @cached_property
    def verdict(self):
        """GB 36600 judgement for the plot's land class as it is now (a change of planned use re-judges)."""
        return gb.assess_construction(self.pollutant, float(self.value), self.plot.land_class)

    @property
    def level_label(self) -> str:
        return str(_(self.verdict.label))  # a standards.soil.LEVEL_LABELS text, marked in VERDICT_WORDS

    @property
    def exceeds(self) -> bool:
        return self.verdict.exceeds_screening


class KeyUnit(ScopedModel):
    """土壤污染重点监管单位 on one year's list."""

    enterprise_id = models.BigIntegerField(_("企业ID"))
    name = models.CharField(_("单位名称"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    list_year = models.PositiveSmallIntegerField(_("名录年度"))
    listed_on = models.DateField(_("列入日期"))
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)

    scope = ScopeSpec(module="soil", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("土壤污染重点监管单位")
        verbose_name_plural = _("土壤污染重点监管单位")
        ordering = ["-list_year", "name"]
        constraints = [models.UniqueConstraint(fields=["enterprise_id", "list_year"], name="soil_keyunit_unique")]

    def __str__(self):
        return f"{self.name}({self.list_year})"


class Duty(ScopedModel):
    """One periodic duty of a key unit (self-monitoring report, hidden-danger check, demolition plan filing)."""

    unit = models.ForeignKey(KeyUnit, verbose_name=_("重点监管单位"), on_delete=models.CASCADE, related_name="duties")
    kind = models.CharField(_("义务"), max_length=16, choices=DutyKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    due = models.DateField(_("期限"), db_index=True)
    state = models.CharField(_("状态"), max_length=6, choices=DutyState.choices, default=DutyState.DUE)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    late = models.BooleanField(_("逾期完成"), default=False)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope = ScopeSpec(module="soil", jurisdiction="unit__jurisdiction", enterprise="unit__enterprise_id")

    class Meta:
        verbose_name = _("监管义务")
        verbose_name_plural = _("监管义务")
        ordering = ["due", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "year", "due"], name="soil_duty_unique")]

    def __str__(self):
        return _("%(u)s %(y)s年%(k)s") % {"u": self.unit.name, "y": self.year, "k": self.get_kind_display()}


class FarmlandUnit(ScopedModel):
    """A farmland unit polluted to some level, with whether its measures are in place (B/C/D/E of the
    受污染耕地安全利用率 method)."""

    name = models.CharField(_("耕地单元"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    area_hm2 = models.DecimalField(_("面积(公顷)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    level = models.CharField(_("污染程度"), max_length=10, choices=PollutionLevel.choices)
    measures = models.BooleanField(_("措施已落实"), default=False,
                                   help_text=_("轻微:优先保护措施;轻中度:安全利用措施;重度:严格管控措施"))
    produce_ok = models.BooleanField(_("农产品达标"), default=False)
    year = models.PositiveSmallIntegerField(_("年度"))

    scope = ScopeSpec(module="soil", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("受污染耕地单元")
        verbose_name_plural = _("受污染耕地单元")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name

    @property
    def term(self) -> str:
        """B (slight, protected), C (light/moderate, safe-use measures and produce up to standard), D (heavy,
        strictly controlled), or "" when not counted as safely used."""
        if not self.measures:
            return ""
        if self.level == PollutionLevel.SLIGHT:
            return "B"
        if self.level == PollutionLevel.MODERATE:
            return "C" if self.produce_ok else ""
        return "D"


def _mgkg(label):
    return models.DecimalField(label, max_digits=12, decimal_places=4, null=True, blank=True,
                               validators=[MinValueValidator(0)])


class FarmlandSample(ScopedModel):
    """One farmland soil sample (one point, one pH, several items in mg/kg), classified per GB 15618-2018:
    each measured item against the screening and intervention values of the sample's pH band and kind of land,
    the sample's class the worst of them. Empty items were not measured."""

    unit = models.ForeignKey(FarmlandUnit, verbose_name=_("耕地单元"), on_delete=models.CASCADE,
                             related_name="samples")
    point = models.CharField(_("样点编号"), max_length=30)
    sampled_on = models.DateField(_("采样日期"))
    land = models.CharField(_("土地利用类型"), max_length=10, choices=FarmlandLand.choices,
                            default=FarmlandLand.OTHER)
    ph = models.DecimalField("pH", max_digits=4, decimal_places=2,
                             validators=[MinValueValidator(0), MaxValueValidator(14)])
    cadmium = _mgkg(_("镉(mg/kg)"))
    mercury = _mgkg(_("汞(mg/kg)"))
    arsenic = _mgkg(_("砷(mg/kg)"))
    lead = _mgkg(_("铅(mg/kg)"))
    chromium = _mgkg(_("铬(mg/kg)"))
    copper = _mgkg(_("铜(mg/kg)"))
    nickel = _mgkg(_("镍(mg/kg)"))
    zinc = _mgkg(_("锌(mg/kg)"))
    bhc = _mgkg(_("六六六总量(mg/kg)"))
    ddt = _mgkg(_("滴滴涕总量(mg/kg)"))
    bap = _mgkg(_("苯并[a]芘(mg/kg)"))

    scope = ScopeSpec(module="soil", jurisdiction="unit__jurisdiction")

    class Meta:
        verbose_name = _("农用地土壤样品")
        verbose_name_plural = _("农用地土壤样品")
        ordering = ["unit", "point", "-sampled_on"]
        constraints = [models.UniqueConstraint(fields=["unit", "point", "sampled_on"],
                                               name="soil_farmlandsample_unique")]

    def __str__(self):
        return f"{self.unit.name} {self.point}({self.sampled_on})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if all(getattr(self, f) is None for _c, f in FARMLAND_ITEM_FIELDS):
            raise ValidationError(_("至少填写一项污染物含量"))

    @property
    def values(self) -> dict:
        return {code: (None if getattr(self, f) is None else float(getattr(self, f)))
                for code, f in FARMLAND_ITEM_FIELDS}

    @cached_property
    def verdict(self):
        """GB 15618-2018 per item and for the sample (the worst item), at this pH and kind of land."""
        return gb.assess_farmland_sample(self.values, float(self.ph), self.land)

    @property
    def category(self) -> str:
        return self.verdict.category or ""

    @property
    def category_label(self) -> str:
        return str(FARMLAND_CATEGORIES.get(self.category, ""))

    @property
    def rows(self) -> list[dict]:
        """One row per measured item: name, value, the limits of this pH band and land, level and category."""
        return [{"item": v.item, "name": str(FARMLAND_ITEM_NAMES[v.item]), "value": v.value,
                 "screening": v.screening, "intervention": v.intervention, "level": v.level,
                 "level_label": str(FARMLAND_LEVELS[v.level]), "category": v.category,
                 "category_label": str(FARMLAND_CATEGORIES[v.category])} for v in self.verdict.items]

    @property
    def exceedance_text(self) -> str:
        """The items above their screening value, e.g. "镉 0.45(筛选值 0.3,管制值 1.5):超过筛选值、不超过管制值"."""
        from django.utils.translation import gettext

        parts = []
        for r in self.rows:
            if r["level"] == "negligible":
                continue
            limits = gettext("筛选值 %(s)s") % {"s": f"{r['screening']:g}"}
            if r["intervention"] is not None:
                limits += gettext(",管制值 %(i)s") % {"i": f"{r['intervention']:g}"}
            parts.append(f"{r['name']} {r['value']:g}({limits}):{r['level_label']}")
        return "; ".join(parts)


__all__ = ["Plot", "Review", "Sample", "KeyUnit", "Duty", "FarmlandUnit", "FarmlandSample", "DutyKind", "DutyState", "ReviewKind",
           "ReviewOutcome"]
