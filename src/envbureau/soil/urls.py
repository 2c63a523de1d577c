from django.urls import path
from django.utils.translation import gettext_lazy as _

from envbureau.core.generic import Crud

from . import views
from .choices import FARMLAND_ITEM_FIELDS
from .filters import DutyFilter, FarmlandFilter, FarmlandSampleFilter, PlotFilter
from .forms import FarmlandForm, FarmlandSampleForm, KeyUnitForm, PlotForm, SampleForm
from .models import Duty, FarmlandSample, FarmlandUnit, KeyUnit, Plot, Review, Sample

app_name = "soil"
NS = "soil"

plots = Crud(Plot, form_class=PlotForm, filterset_class=PlotFilter, url_prefix="plots", namespace=NS,
             title=_("建设用地地块"), search_fields=("code", "name", "address"), importer_kind="soil.plot",
             detail_fields=["code", "name", "address", "area_m2", "jurisdiction", "holder", "former_industry",
                            "planned_use", "land_class_label", "developed", "state", "listed_on", "removed_on"],
             extra_detail_template="soil/_plot_extra.html", extra_detail_context=views.plot_extra,
             columns=[("code", _("地块编码")), ("name", _("地块名称")), ("jurisdiction", _("属地")),
                      ("area_m2", _("面积(平方米)")), ("planned_use", _("规划用途")), ("state", _("状态")),
                      ("developed", _("已开发利用"))])
samples = Crud(Sample, form_class=SampleForm, url_prefix="samples", namespace=NS, title=_("土壤监测结果"),
               importer_kind="soil.sample",
               search_fields=("plot__code", "pollutant", "point"),
               columns=[("plot", _("地块")), ("point", _("点位")), ("depth_m", _("深度(米)")), ("pollutant", _("污染物")),
                        ("value", _("含量(mg/kg)")), ("level_label", _("判定")), ("sampled_on", _("采样日期"))])
reviews = Crud(Review, url_prefix="reviews", namespace=NS, title=_("报告评审"), read_only=True,
               search_fields=("plot__code", "plot__name"),
               columns=[("plot", _("地块")), ("kind", _("报告类型")), ("round", _("评审轮次")),
                        ("reviewed_on", _("评审日期")), ("outcome", _("评审结论"))])
units = Crud(KeyUnit, form_class=KeyUnitForm, url_prefix="key-units", namespace=NS, title=_("土壤污染重点监管单位"),
             search_fields=("name",),
             columns=[("name", _("单位名称")), ("jurisdiction", _("属地")), ("list_year", _("名录年度")),
                      ("listed_on", _("列入日期")), ("removed_on", _("移出日期"))])
duties = Crud(Duty, url_prefix="duties", namespace=NS, title=_("重点监管单位义务"), read_only=True,
              filterset_class=DutyFilter, search_fields=("unit__name",),
              detail_fields=["unit", "kind", "year", "due", "state", "done_on", "late", "note"],
              extra_detail_template="soil/_actions.html", extra_detail_context=views.duty_extra,
              columns=[("unit", _("重点监管单位")), ("kind", _("义务")), ("year", _("年度")), ("due", _("期限")),
                       ("state", _("状态")), ("done_on", _("完成日期")), ("late", _("逾期完成"))])
farmland = Crud(FarmlandUnit, form_class=FarmlandForm, filterset_class=FarmlandFilter, url_prefix="farmland",
                namespace=NS, title=_("受污染耕地单元"), search_fields=("name",),
                extra_detail_template="soil/_farmland_extra.html", extra_detail_context=views.farmland_extra,
                columns=[("name", _("耕地单元")), ("jurisdiction", _("属地")), ("year", _("年度")),
                         ("area_hm2", _("面积(公顷)")), ("level", _("污染程度")), ("measures", _("措施已落实")),
                         ("produce_ok", _("农产品达标")), ("term", _("核算项"))])
farmland_samples = Crud(
    FarmlandSample, form_class=FarmlandSampleForm, filterset_class=FarmlandSampleFilter,
    url_prefix="farmland-samples", namespace=NS, title=_("农用地土壤样品"), search_fields=("unit__name", "point"),
    importer_kind="soil.farmland_sample",
    detail_fields=["unit", "point", "sampled_on", "land", "ph"],
    extra_detail_template="soil/_farmland_sample_extra.html", extra_detail_context=views.farmland_sample_extra,
    # the page and its Excel export: every value as measured, the sample's class and what exceeds, with limits
    columns=[("unit", _("耕地单元")), ("point", _("样点编号")), ("sampled_on", _("采样日期")), ("land", _("土地利用类型")),
             ("ph", "pH"), *((f, FarmlandSample._meta.get_field(f).verbose_name) for _c, f in FARMLAND_ITEM_FIELDS),
             ("category_label", _("样品类别(GB 15618-2018)")), ("exceedance_text", _("超过筛选值的项目"))])

urlpatterns = [
    path("", views.index, name="index"),
    path("indicators/", views.indicators, name="indicators"),
    path("map/", views.plot_map, name="map"),
    path("plots/<int:pk>/do/<str:verb>/", views.plot_action, name="plot-action"),
    path("duties/<int:pk>/do/<str:verb>/", views.duty_action, name="duty-action"),
]
for crud in (plots, samples, reviews, units, duties, farmland, farmland_samples):
    urlpatterns += crud.urls()
