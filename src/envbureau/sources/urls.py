from django.urls import path
from django.utils.translation import gettext_lazy as _

from envbureau.core.generic import Crud
from envbureau.core.pickers import picker_view

from . import views
from .choices import factor_label
from .filters import EnterpriseFilter, LimitFilter, OutletFilter, PointFilter
from .forms import EnterpriseForm, LimitForm, OutletForm, PointForm
from .models import Enterprise, MonitoringPoint, Outlet, PollutantLimit

app_name = "sources"

enterprises = Crud(Enterprise, form_class=EnterpriseForm, filterset_class=EnterpriseFilter, url_prefix="enterprises",
                   namespace="sources", title=_("企业档案"), importer_kind="sources.enterprise",
                   search_fields=("name", "credit_code", "address"), ordering=("jurisdiction__path", "name"),
                   columns=[("name", _("企业名称")), ("credit_code", _("统一社会信用代码")), ("jurisdiction", _("属地")),
                            ("industry_code", _("行业代码")), ("industry_name", _("行业")), ("key_flags", _("重点类别")),
                            ("status", _("状态")), ("contact_person", _("联系人")), ("contact_phone", _("电话"))])
outlets = Crud(Outlet, form_class=OutletForm, filterset_class=OutletFilter, url_prefix="outlets", namespace="sources",
               title=_("排放口"), importer_kind="sources.outlet", search_fields=("code", "name", "enterprise__name"),
               columns=[("code", _("编号")), ("name", _("名称")), ("enterprise", _("企业")), ("kind", _("类型")),
                        ("longitude", _("经度")), ("latitude", _("纬度")), ("destination", _("排放去向"))])
points = Crud(MonitoringPoint, form_class=PointForm, filterset_class=PointFilter, url_prefix="points",
              namespace="sources", title=_("监测点"), importer_kind="sources.monitoringpoint",
              search_fields=("mn", "name", "enterprise__name"),
              columns=[("mn", "MN"), ("name", _("名称")), ("enterprise", _("企业")), ("outlet__name", _("排放口")),
                       ("enabled", _("启用")), ("crc_dialects", _("CRC 方言")), ("last_data_at", _("最近数据时间"))])
limits = Crud(PollutantLimit, form_class=LimitForm, filterset_class=LimitFilter, url_prefix="limits",
              namespace="sources", title=_("排放限值"), importer_kind="sources.pollutantlimit",
              locked=lambda o: err.messages[0] if (err := o.owner_error()) else "",
              search_fields=("factor", "point__mn", "point__enterprise__name", "standard"),
              columns=[("point__mn", "MN"), ("point__enterprise", _("企业")), (lambda o: factor_label(o.factor), _("污染物")),
                       ("period", _("均值周期")), ("limit_value", _("上限")), ("lower_limit", _("下限")),
                       ("unit", _("单位")), ("on_converted", _("折算")), ("standard", _("执行标准"))])

urlpatterns = [
    path("pick/enterprises/", picker_view("enterprise"), name="pick-enterprises"),
    path("pick/points/", picker_view("point"), name="pick-points"),
    # the dossier and the point page take the place of the generic detail pages
    path("enterprises/<int:pk>/", views.dossier, name="dossier"),
    path("points/<int:pk>/", views.point_page, name="point-page"),
    path("points/<int:pk>/series.json", views.point_series, name="point-series"),
    path("board/", views.board, name="board"),
    path("alarms/", views.alarm_list, name="alarm-list"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm-detail"),
    path("declarations/", views.declaration_list, name="declaration-list"),
    path("declarations/add/", views.declaration_add, name="declaration-add"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration-detail"),
    path("unknown-mns/", views.unknown_mn_list, name="unknown-mn-list"),
    path("unknown-mns/<int:pk>/bind/", views.unknown_mn_bind, name="unknown-mn-bind"),
    path("gateway/", views.gateway_figures, name="gateway-figures"),
]
urlpatterns += enterprises.urls() + outlets.urls() + points.urls() + limits.urls()
