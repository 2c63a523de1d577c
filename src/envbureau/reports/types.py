"""The report types (order = `envbureau report --list` order, the monthly air bulletin first)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from envbureau.core.documents import Field

from . import air, complaints, ranking, rectify, summary, water
from .registry import ReportType, register

COMMON = (Field("title", _("标题"), True), Field("jurisdiction", _("行政区"), True),
          Field("period_label", _("期间"), True))

AIR = register(ReportType(
    code="air_bulletin", label=_("环境空气质量通报(月/季/半年/年)"), order=10, build=air.build,
    fields=COMMON + (Field("summary", _("总体状况"), True), Field("pollutants", _("六项污染物")),
                     Field("exceedance", _("超标情况")), Field("units_intro", _("各单位概况")),
                     Field("unit_word", _("单位称谓")), Field("rows", _("排名表")), Field("total", _("全域行")),
                     Field("stations", _("各站点表")),
                     Field("callouts", _("需重点关注")), Field("chart_levels", _("级别天数图")),
                     Field("chart_pollutants", _("六项污染物图")), Field("notes", _("说明"))),
    template="air_bulletin.docx", number_prefix="环气通", jurisdictions=air.air_jurisdictions, has_data=air.has_data,
    default_period=air.default_period, public=True,
    description=_("按行政区和期间的环境空气质量通报:总体状况、各区/街道排名、级别天数图和六项污染物图、重点关注")))

RANKING = register(ReportType(
    code="ranking_notice", label=_("区县/街道环境空气质量排名通报"), order=15, build=ranking.build,
    fields=COMMON + (Field("unit_word", _("单位称谓")), Field("opening", _("通报依据"), True),
                     Field("order", _("排名情况"), True), Field("ends", _("前后位")), Field("change", _("变化程度排名")),
                     Field("measures", _("奖惩措施")),
                     Field("rows", _("排名表")), Field("notes", _("说明"))),
    template="ranking_notice.docx", number_prefix="环气排", jurisdictions=ranking.ranking_jurisdictions,
    has_data=air.has_data, default_period=air.default_period, public=True,
    description=_("按综合指数的状况排名和按同比变化率的变化程度排名、前后位、排名表")))

WATER = register(ReportType(
    code="water_report", label=_("地表水环境质量月报(月/季/半年/年)"), order=20, build=water.build,
    fields=COMMON + (Field("monitoring", _("监测情况"), True), Field("overall", _("总体状况"), True),
                     Field("failing", _("未达标断面")), Field("rows", _("断面表")), Field("chart_classes", _("水质类别图")),
                     Field("drinking", _("饮用水水源地")), Field("notes", _("说明"))),
    template="water_report.docx", number_prefix="环水报", jurisdictions=water.water_jurisdictions,
    has_data=water.has_data, default_period=water.default_period, public=True,
    description=_("断面水质类别、Ⅰ～Ⅲ类和劣Ⅴ类比例及同比、达标率、CWQI、各断面水质表、饮用水水源地")))

RECTIFICATION = register(ReportType(
    code="rectification", label=_("督察整改工作进展情况"), order=30, build=rectify.build,
    fields=COMMON + (Field("overall", _("总体情况"), True), Field("schedule", _("时间进度")),
                     Field("this_period", _("本期交办")), Field("by_source", _("按来源")), Field("by_district", _("各区进展")),
                     Field("by_batch", _("督察批次")), Field("chart_districts", _("各区完成率图")), Field("notes", _("说明"))),
    template="rectification.docx", number_prefix="环督报", jurisdictions=rectify.ledger_jurisdictions,
    has_data=rectify.has_data,
    description=_("问题台账的累计交办、完成整改、销号、逾期、时间过半任务过半,按来源、各区和督察批次")))

COMPLAINTS = register(ReportType(
    code="complaint_analysis", label=_("信访投诉办理情况分析"), order=40, build=complaints.build,
    fields=COMMON + (Field("overall", _("总体情况"), True), Field("by_channel", _("按渠道")),
                     Field("by_category", _("按污染类型")), Field("by_district", _("各区情况")),
                     Field("chart_categories", _("污染类型图")), Field("oversight", _("督察交办件")), Field("notes", _("说明"))),
    template="complaint_analysis.docx", number_prefix="环信析", jurisdictions=complaints.complaint_jurisdictions,
    has_data=complaints.has_data,
    description=_("收件、受理、办结、满意率、属实率及同比,按渠道、污染类型、各区,督察交办件")))

SUMMARY = register(ReportType(
    code="work_summary", label=_("工作总结数据部分"), order=50, build=summary.build,
    fields=COMMON + (Field("quality", _("环境质量")), Field("enforcement", _("污染源监管与执法")),
                     Field("loops", _("督察整改与信访")), Field("notes", _("说明"))),
    template="work_summary.docx", number_prefix="环总数", jurisdictions=summary.summary_jurisdictions,
    description=_("工作总结中需要的每一个数字:空气、水、噪声、自动监控报警、执法、督察整改、信访")))
