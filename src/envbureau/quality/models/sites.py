from django.db import models
from django.utils.translation import gettext_lazy as _

from envbureau.core.models import Jurisdiction
from envbureau.core.scoping import ScopedModel, ScopeSpec

from ..choices import AirControlLevel


class Site(ScopedModel):
    """Common fields of every monitoring site: a code, a name, where it is and who it belongs to."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("所属区划"), on_delete=models.PROTECT,
                                     related_name="+")
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    # "built N stations this year" is a count of these
    commissioned_on = models.DateField(_("建成投运日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    scope = ScopeSpec(module="quality", jurisdiction="jurisdiction")

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.name


class AirStation(Site):
    name_en = models.CharField(_("英文名"), max_length=100, blank=True,
                               help_text=_("数据文件中的站点名,如 PRSA 文件的 Dongsi"))
    control_level = models.CharField(_("控制级别"), max_length=12, choices=AirControlLevel.choices,
                                     default=AirControlLevel.NATIONAL)
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("所属区划"), on_delete=models.PROTECT,
                                     related_name="air_stations")

    class Meta(Site.Meta):
        verbose_name = _("空气站点")
        verbose_name_plural = _("空气站点")
