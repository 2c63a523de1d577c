"""The report types (order = `envbureau report --list` order, the monthly air bulletin first)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from envbureau.core.documents import Field

from . import air
from .registry import ReportType, register

COMMON = (Field("title", _("标题"), True), Field("jurisdiction", _("行政区"), True),
          Field("period_label", _("期间"), True))

AIR = register(ReportType(
    code="air_bulletin", label=_("环境空气质量通报(月/季/半年/年)"), order=10, build=air.build,
    fields=COMMON + (Field("summary", _("总体状况"), True), Field("pollutants", _("六项污染物")),
                     Field("exceedance", _("超标情况")), Field("units_intro", _("各单位概况")),
                     Field("unit_word", _("单位称谓")), Field("rows", _("排名表")), Field("total", _("全域行")),
                     Field("callouts", _("需重点关注")), Field("chart_levels", _("级别天数图")),
                     Field("chart_pollutants", _("六项污染物图")), Field("notes", _("说明"))),
    template="air_bulletin.docx", number_prefix="环气通", jurisdictions=air.air_jurisdictions, has_data=air.has_data,
    description=_("按行政区和期间的环境空气质量通报:总体状况、各区/街道排名、级别天数图和六项污染物图、重点关注")))
