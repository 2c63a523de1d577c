from django.db import models
from django.utils.translation import gettext_lazy as _

from envbureau.core.models import Jurisdiction
from envbureau.core.scoping import ScopedModel, ScopeSpec

from ..choices import AlertLevel


class HeavyPollutionAlert(ScopedModel):
    """A heavy-pollution weather alert (重污染天气预警) as issued by the government: an act with a level,
    a start and an end, the measures and the enterprises on the emergency reduction list. Counted
    apart from the automatic data warnings (Warning), which are raised by rules on monitoring data."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("区划"), on_delete=models.PROTECT,
                                     related_name="heavy_pollution_alerts")
    level = models.CharField(_("预警级别"), max_length=8, choices=AlertLevel.choices)
    start = models.DateTimeField(_("启动时间"))
    end = models.DateTimeField(_("解除时间"), null=True, blank=True)
    document_no = models.CharField(_("文号"), max_length=60, blank=True)
    issued_by = models.CharField(_("发布单位"), max_length=100, blank=True)
    measures = models.TextField(_("应急措施"), blank=True)
    enterprises = models.ManyToManyField("sources.Enterprise", verbose_name=_("应急减排清单企业"), blank=True,
                                         related_name="heavy_pollution_alerts")
    note = models.TextField(_("备注"), blank=True)

    scope = ScopeSpec(module="quality", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("重污染天气预警")
        verbose_name_plural = _("重污染天气预警")
        ordering = ["-start"]

    def __str__(self):
        return f"{self.jurisdiction} {self.get_level_display()} {self.start:%Y-%m-%d}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("解除时间早于启动时间")})
