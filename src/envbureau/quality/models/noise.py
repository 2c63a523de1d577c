from django.db import models
from django.utils.translation import gettext_lazy as _

from envbureau.core.models import Jurisdiction
from envbureau.core.scoping import ScopedModel, ScopeSpec

from ..choices import DayNight, NoiseZone
from .sites import Site


class NoiseStation(Site):
    zone = models.CharField(_("声环境功能区"), max_length=3, choices=NoiseZone.choices, default=NoiseZone.Z2)
    synthetic = models.BooleanField(_("演示合成数据"), default=False)
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("所属区划"), on_delete=models.PROTECT,
                                     related_name="noise_stations")

    class Meta(Site.Meta):
        verbose_name = _("噪声监测点")
        verbose_name_plural = _("噪声监测点")


class NoiseLeq(ScopedModel):
    """Equivalent continuous A-weighted level of one day's day or night period, dB(A)."""

    station = models.ForeignKey(NoiseStation, verbose_name=_("监测点"), on_delete=models.CASCADE, related_name="leqs")
    date = models.DateField(_("日期"))
    period = models.CharField(_("时段"), max_length=5, choices=DayNight.choices)
    leq = models.FloatField(_("等效声级 dB(A)"))

    audit_exempt = True
    scope = ScopeSpec(module="quality", jurisdiction="station__jurisdiction")

    class Meta:
        verbose_name = _("噪声等效声级")
        verbose_name_plural = _("噪声等效声级")
        constraints = [models.UniqueConstraint(fields=["station", "date", "period"], name="quality_noiseleq_unique")]
