import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from envbureau.core.scoping import ScopedModel, ScopeSpec
from envbureau.core.timefmt import local_date

from ..choices import NetworkPurpose, RankBy
from .sites import AirStation


class StationNetwork(ScopedModel):
    """A declared version of the station set behind one level's results (HJ 663 and the province's rules
    for the official city assessment; the district assessment; the street/grid ranking, which may hold
    township and micro stations). Versions of one purpose follow each other: their validity never overlaps,
    so every day has at most one network per purpose. Changing members or dates rebuilds the results."""

    purpose = models.CharField(_("用途"), max_length=12, choices=NetworkPurpose.choices)
    name = models.CharField(_("名称"), max_length=100)
    version = models.CharField(_("版本"), max_length=40, blank=True, help_text=_("如 2025版"))
    valid_from = models.DateField(_("生效日期"), null=True, blank=True, help_text=_("留空表示自有数据起"))
    valid_to = models.DateField(_("失效日期(含)"), null=True, blank=True, help_text=_("留空表示仍然有效"))
    basis = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如 HJ 663-2013 及省有关规定"))
    stations = models.ManyToManyField(AirStation, verbose_name=_("站点"), related_name="networks", blank=True)
    rank_by = models.CharField(_("排名指标"), max_length=20, default=RankBy.COMPOSITE_INDEX, choices=RankBy.choices,
                               help_text=_("街道(网格)排名网络:全市街道排名所用指标"))
    note = models.TextField(_("备注"), blank=True)

    # a city-level configuration: everyone in the bureau may read which network a page used
    scope = ScopeSpec(module="quality", jurisdiction=None, all_staff_view=True)

    class Meta:
        verbose_name = _("站点评价网络")
        verbose_name_plural = _("站点评价网络")
        ordering = ["purpose", "valid_from", "id"]

    def __str__(self):
        return f"{self.name}{self.version and ' ' + self.version}"

    @property
    def validity_text(self) -> str:
        a = local_date(self.valid_from) if self.valid_from else ""
        b = local_date(self.valid_to) if self.valid_to else ""
        if a and b:
            return f"{a}—{b}"
        if a:
            return _("%(d)s起") % {"d": a}
        if b:
            return _("至%(d)s") % {"d": b}
        return str(_("长期有效"))

    def covers(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("失效日期早于生效日期")})
        lo, hi = self.valid_from or dt.date.min, self.valid_to or dt.date.max
        clash = (StationNetwork.objects.filter(purpose=self.purpose).exclude(pk=self.pk)
                 .filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=hi))
                 .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=lo)).first())
        if clash is not None:
            raise ValidationError({"valid_from": _("与同一用途的“%(n)s”(%(v)s)有效期重叠:每天每种用途只能有一个网络")
                                   % {"n": clash, "v": clash.validity_text}})

    def save(self, *args, **kwargs):
        self.clean()  # on every path (forms, API, services, shell): overlapping versions would make results ambiguous
        super().save(*args, **kwargs)


class StreetRankingNotice(ScopedModel):
    """A street ranking as notified (排名通报): the ranking of one period frozen when the notice was drawn up,
    so the issued Word document (core.documents, kind quality.street_ranking) and this record agree even if
    data are reviewed later."""

    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("区划"), on_delete=models.PROTECT,
                                     related_name="+")
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    label = models.CharField(_("时段"), max_length=60)
    rank_by = models.CharField(_("排名指标"), max_length=20, choices=RankBy.choices)
    data = models.JSONField(_("排名"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编制人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("编制时间"), auto_now_add=True)

    scope = ScopeSpec(module="quality", jurisdiction="jurisdiction")
    human_values = {"data": lambda v: _("%(n)s个街道") % {"n": len((v or {}).get("rows", []))}}

    class Meta:
        verbose_name = _("街道排名通报")
        verbose_name_plural = _("街道排名通报")
        ordering = ["-created_at"]

    def __str__(self):
        # in the reader's language: the period as it writes it (the stored label is Chinese)
        from ..assessment import Period, period_label

        return _("%(j)s%(p)s街道空气质量排名通报") % {
            "j": self.jurisdiction.name, "p": period_label(Period(self.start, self.end, self.label))}
