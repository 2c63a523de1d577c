from django.urls import path
from django.utils.translation import gettext_lazy as _

from envbureau.core.generic import Crud
from envbureau.core.pickers import picker_view

from . import views, water_views
from .filters import (
    AirStationFilter,
    DrinkingWaterSourceFilter,
    HeavyPollutionAlertFilter,
    NoiseStationFilter,
    PeerFigureFilter,
    StationNetworkFilter,
    TargetFilter,
    WaterSectionFilter,
)
from .forms import (
    AirStationForm,
    AirThresholdForm,
    DrinkingWaterSourceForm,
    HeavyPollutionAlertForm,
    NoiseStationForm,
    PeerFigureForm,
    SensorCorrectionForm,
    StationNetworkForm,
    TargetForm,
    WaterSectionForm,
)
from .models import (
    AirStation,
    AirThreshold,
    DrinkingWaterSource,
    HeavyPollutionAlert,
    NoiseStation,
    PeerFigure,
    SensorCorrection,
    StationNetwork,
    StreetRankingNotice,
    Target,
    WaterSection,
)

app_name = "quality"

stations = Crud(AirStation, form_class=AirStationForm, filterset_class=AirStationFilter, url_prefix="stations",
                namespace="quality", title=_("空气站点"), importer_kind="quality.airstation", search_fields=("name", "code"),
                extra_detail_template="quality/station_extra.html",
                columns=[("name", _("名称")), ("code", _("编码")), ("control_level", _("控制级别")),
                         ("jurisdiction", _("所属区划")),
                         ("longitude", _("经度")), ("latitude", _("纬度"))])
sections = Crud(WaterSection, form_class=WaterSectionForm, filterset_class=WaterSectionFilter, url_prefix="sections",
                namespace="quality", title=_("水质断面"), importer_kind="quality.watersection",
                search_fields=("name", "river"),
                columns=[("name", _("名称")), ("code", _("编码")), ("river", _("河流/湖库")),
                         ("control_level", _("控制级别")), ("target_class", _("目标类别")),
                         ("automatic", _("自动站")), ("jurisdiction", _("所属区划")), ("synthetic", _("演示合成数据"))])
drinking = Crud(DrinkingWaterSource, form_class=DrinkingWaterSourceForm, filterset_class=DrinkingWaterSourceFilter,
                url_prefix="drinking", namespace="quality", title=_("饮用水水源地"),
                importer_kind="quality.drinkingwatersource",
                columns=[("name", _("名称")), ("code", _("编码")), ("source_type", _("类型")), ("level", _("级别")),
                         ("section", _("监测断面")), ("jurisdiction", _("所属区划"))])
noise_stations = Crud(NoiseStation, form_class=NoiseStationForm, filterset_class=NoiseStationFilter,
                      url_prefix="noise-stations", namespace="quality", title=_("噪声监测点"),
                      importer_kind="quality.noisestation",
                      columns=[("name", _("名称")), ("code", _("编码")), ("zone", _("功能区")),
                               ("jurisdiction", _("所属区划")), ("synthetic", _("演示合成数据"))])
target_list = Crud(Target, form_class=TargetForm, filterset_class=TargetFilter, url_prefix="target-list",
                   namespace="quality", title=_("目标任务清单"),
                   columns=[("jurisdiction", _("区划")), ("year", _("年度")), ("indicator", _("指标")),
                            ("section_scope", _("断面范围")), ("basis", _("考核口径")), ("value", _("目标值")),
                            ("issued_by", _("下达单位"))])
thresholds = Crud(AirThreshold, form_class=AirThresholdForm, url_prefix="thresholds", namespace="quality",
                  title=_("空气预警阈值"),
                  columns=[("pollutant", _("污染物")), ("hourly_limit", _("小时阈值")), ("jurisdiction", _("区划")),
                           ("active", _("启用"))])
alerts = Crud(HeavyPollutionAlert, form_class=HeavyPollutionAlertForm, url_prefix="alerts", namespace="quality",
              filterset_class=HeavyPollutionAlertFilter,
              title=_("重污染天气预警"), search_fields=("document_no", "measures"),
              columns=[("jurisdiction", _("区划")), ("level", _("预警级别")), ("start", _("启动时间")),
                       ("end", _("解除时间")), ("document_no", _("文号")), ("issued_by", _("发布单位"))])
peer_figures = Crud(PeerFigure, form_class=PeerFigureForm, url_prefix="peer-figures", namespace="quality",
                    filterset_class=PeerFigureFilter,
                    title=_("同级单位公布数据"), importer_kind="quality.peerfigure", search_fields=("group", "name"),
                    columns=[("group", _("排名范围")), ("name", _("单位名称")), ("start", _("开始日期")),
                             ("end", _("结束日期")), ("indicator", _("指标")), ("value", _("数值")),
                             ("source", _("数据来源"))])
networks = Crud(StationNetwork, form_class=StationNetworkForm, url_prefix="networks", namespace="quality",
                filterset_class=StationNetworkFilter,
                title=_("站点评价网络"), search_fields=("name", "version"),
                columns=[("name", _("名称")), ("version", _("版本")), ("purpose", _("用途")),
                         (lambda n: n.validity_text, _("有效期")), ("basis", _("依据"))])


def _notice_context(request, n):
    from django.utils import translation

    from .street_rankings import sentences

    with translation.override("zh-hans"):  # the notice as it is printed (a Chinese document)
        header = views.street_header({"unit": "", **n.data})
        return {"notice_texts": sentences(n.data), "notice_header": header, "notice_rows": views.street_rows(n.data)}


ranking_notices = Crud(StreetRankingNotice, url_prefix="ranking-notices", namespace="quality", read_only=True,
                       title=_("街道排名通报"), extra_detail_template="quality/ranking_notice_extra.html",
                       extra_detail_context=_notice_context, detail_fields=["jurisdiction", "label", "start", "end",
                                                                            "rank_by", "data", "created_by",
                                                                            "created_at"],
                       columns=[("jurisdiction", _("区划")), ("label", _("时段")), ("rank_by", _("排名指标")),
                                ("created_by", _("编制人")), ("created_at", _("编制时间"))])
corrections = Crud(SensorCorrection, form_class=SensorCorrectionForm, url_prefix="corrections", namespace="quality",
                   title=_("微站校准系数"), search_fields=("station__name", "reason"),
                   columns=[("station", _("站点")), ("pollutant", _("污染物")), ("start", _("开始日期")),
                            ("end", _("结束日期(含)")), ("factor", _("校准系数")), ("created_by", _("录入人"))])

urlpatterns = [
    path("pick/stations/", picker_view("station"), name="pick-stations"),
    path("pick/sections/", picker_view("section"), name="pick-sections"),
    path("", views.air_dashboard, name="air-dashboard"),
    path("assessment/", views.assessment_page, name="assessment"),
    path("rankings/", views.rankings, name="rankings"),
    path("street-rankings/", views.street_rankings, name="street-rankings"),
    path("street-rankings/notice/", views.street_ranking_notice, name="street-ranking-notice"),
    path("micro-check/", views.micro_check, name="micro-check"),
    path("headline/", views.headline, name="headline"),
    path("targets/", views.targets, name="targets"),
    path("warnings/", views.warnings_list, name="warnings"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning-detail"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/revoke/", views.review_revoke, name="review-revoke"),
    path("water/", water_views.water_dashboard, name="water-dashboard"),
    path("noise/", water_views.noise_dashboard, name="noise-dashboard"),
]
for crud in (stations, sections, drinking, noise_stations, target_list, thresholds, alerts, peer_figures, networks,
             ranking_notices, corrections):
    urlpatterns += crud.urls()
