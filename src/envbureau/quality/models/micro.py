import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from envbureau.core.scoping import ScopedModel, ScopeSpec
from envbureau.core.timefmt import local_date

from ..choices import POLLUTANT_LABELS, POLLUTANTS
from .sites import AirStation


class SensorCorrection(ScopedModel):
    """A correction factor staff apply to one sensor (station × pollutant) for a period, after comparing it with
    its nearest reference station (micro.py). The raw hourly values stay as received (AirHourly); the derived
    daily results (AirDaily, and the jurisdictions above) use raw × factor on the days covered."""

    station = models.ForeignKey(AirStation, verbose_name=_("站点"), on_delete=models.CASCADE,
                                related_name="corrections")
    pollutant = models.CharField(_("污染物"), max_length=8, choices=[(p, POLLUTANT_LABELS[p]) for p in POLLUTANTS])
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期(含)"), null=True, blank=True, help_text=_("留空表示仍然有效"))
    factor = models.FloatField(_("校准系数"), help_text=_("修正值 = 原始值 × 系数,如 0.85"))
    reason = models.TextField(_("依据"), help_text=_("如 与东四国控站比对,2025年3月日均比值 1.18"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    scope = ScopeSpec(module="quality", jurisdiction="station__jurisdiction")

    class Meta:
        verbose_name = _("微站校准系数")
        verbose_name_plural = _("微站校准系数")
        ordering = ["station", "pollutant", "start"]

    def __str__(self):
        end = local_date(self.end) if self.end else _("至今")
        return f"{self.station} {POLLUTANT_LABELS.get(self.pollutant, self.pollutant)} ×{self.factor:g} " \
               f"({local_date(self.start)}—{end})"

    def clean(self):
        if self.factor is not None and not (0.2 <= self.factor <= 5):
            raise ValidationError({"factor": _("校准系数应在 0.2 至 5 之间")})
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("结束日期早于开始日期")})
        if not (self.station_id and self.pollutant and self.start):
            return
        hi = self.end or dt.date.max
        clash = (SensorCorrection.objects.filter(station_id=self.station_id, pollutant=self.pollutant)
                 .exclude(pk=self.pk).filter(start__lte=hi)
                 .filter(models.Q(end__isnull=True) | models.Q(end__gte=self.start)).first())
        if clash is not None:
            raise ValidationError({"start": _("与已有校准系数“%(c)s”时段重叠") % {"c": clash}})

    def save(self, *args, **kwargs):
        self.clean()  # every path: two factors on one day would make the daily value ambiguous
        super().save(*args, **kwargs)
