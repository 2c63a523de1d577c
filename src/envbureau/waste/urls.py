from django.urls import path
from django.utils.translation import gettext_lazy as _

from envbureau.core.generic import Crud

from . import views
from .filters import (
    AlertFilter,
    ApplicationFilter,
    CellFilter,
    DeclarationFilter,
    IndustrialWasteFilter,
    ManifestFilter,
    NormCheckFilter,
    ProducerFilter,
)
from .forms import (
    ApprovalForm,
    CellForm,
    IndustrialWasteForm,
    LicenceForm,
    NormCheckForm,
    NormRoundForm,
    OperatorForm,
    PlanForm,
    PlatformForm,
    ProducerForm,
    StockForm,
    TransporterForm,
)
from .models import (
    Alert,
    CollectionPlatform,
    CrossProvinceApplication,
    CrossProvinceApproval,
    Declaration,
    IndustrialWaste,
    Licence,
    ManagementPlan,
    Manifest,
    NormCheck,
    NormRound,
    Operator,
    Producer,
    Stock,
    Transporter,
    ZeroWasteCell,
)

app_name = "waste"
NS = "waste"

producers = Crud(Producer, form_class=ProducerForm, filterset_class=ProducerFilter, url_prefix="producers",
                 namespace=NS, title=_("危险废物产生单位"), search_fields=("name", "credit_code"),
                 importer_kind="waste.producer",
                 columns=[("name", _("单位名称")), ("jurisdiction", _("属地")), ("category", _("管理类别")),
                          ("annual_tonnes", _("年产生量(吨)")), ("small_quantity", _("小微产废单位")),
                          ("storage_days", _("贮存期限(天)"))])
plans = Crud(ManagementPlan, form_class=PlanForm, url_prefix="plans", namespace=NS, title=_("危险废物管理计划"),
             search_fields=("producer__name", "filing_no"),
             columns=[("producer", _("产生单位")), ("year", _("计划年度")), ("filing_no", _("备案号")),
                      ("filed_on", _("备案日期")), ("filed_late", _("逾期备案")), ("planned_tonnes", _("计划产生量(吨)"))])
operators = Crud(Operator, form_class=OperatorForm, url_prefix="operators", namespace=NS, title=_("危险废物经营单位"),
                 search_fields=("name", "credit_code"),
                 columns=[("name", _("单位名称")), ("jurisdiction", _("属地")), ("province", _("省份代码"))])
licences = Crud(Licence, form_class=LicenceForm, url_prefix="licences", namespace=NS, title=_("危险废物经营许可证"),
                search_fields=("number", "operator__name"),
                columns=[("number", _("许可证编号")), ("operator", _("经营单位")), ("kind", _("类别")),
                         ("categories", _("核准经营类别")), ("capacity_tonnes", _("经营规模(吨/年)")),
                         ("valid_from", _("有效期起")), ("valid_to", _("有效期至"))])
transporters = Crud(Transporter, form_class=TransporterForm, url_prefix="transporters", namespace=NS,
                    title=_("危险废物运输单位"), search_fields=("name", "permit_no"),
                    columns=[("name", _("运输单位")), ("permit_no", _("道路运输经营许可证号")), ("jurisdiction", _("属地"))])
approvals = Crud(CrossProvinceApproval, form_class=ApprovalForm, url_prefix="approvals", namespace=NS,
                 title=_("跨省转移审批"), search_fields=("number", "producer__name"),
                 columns=[("number", _("审批文号")), ("producer", _("移出单位")), ("receiver", _("接受单位")),
                          ("waste_code", _("废物代码")), ("tonnes", _("批准转移量(吨)")), ("approved_on", _("批准日期")),
                          ("valid_until", _("有效期至"))])
stock = Crud(Stock, form_class=StockForm, url_prefix="stock", namespace=NS, title=_("贮存台账"),
             search_fields=("producer__name", "waste_code"),
             columns=[("producer", _("产生单位")), ("waste_code", _("废物代码")), ("tonnes", _("贮存量(吨)")),
                      ("stored_on", _("入库日期")), ("cleared_on", _("出库日期"))])
manifests = Crud(Manifest, url_prefix="manifests", namespace=NS, title=_("危险废物转移联单"), read_only=True,
                 filterset_class=ManifestFilter, search_fields=("number", "waste_name"),
                 importer_kind="waste.manifest",
                 detail_fields=["number", "producer", "transporter", "receiver", "jurisdiction", "waste_code",
                                "waste_name", "hazard", "sent_tonnes", "carried_tonnes", "received_tonnes",
                                "difference", "mismatch", "vehicle_no", "method", "created_on", "shipped_on",
                                "picked_up_on", "handed_over_on",
                                "received_on", "confirm_due", "confirmed_on", "confirmed_late", "cross_province",
                                "approval", "reject_reason", "imported", "state"],
                 extra_detail_template="waste/_actions.html", extra_detail_context=views.manifest_extra,
                 columns=[("number", _("联单编号")), ("producer", _("移出单位")), ("receiver", _("接受单位")),
                          ("waste_name", _("废物名称")), ("sent_tonnes", _("移出量(吨)")),
                          ("received_tonnes", _("接受量(吨)")), ("mismatch", _("数量不一致")),
                          ("created_on", _("填报日期")), ("confirm_due", _("确认期限")), ("state", _("状态"))])
applications = Crud(
    CrossProvinceApplication, url_prefix="applications", namespace=NS, title=_("跨省转移申请"), read_only=True,
    filterset_class=ApplicationFilter, search_fields=("producer__name", "receiver__name", "waste_code"),
    detail_fields=["producer", "receiver", "waste_code", "waste_name", "tonnes", "method", "period_from", "period_to",
                   "state", "submitted_on", "accepted_on", "letter_on", "reply_on", "reply_agreed", "decided_on",
                   "step_due", "late_steps", "approval"],
    extra_detail_template="waste/_actions.html", extra_detail_context=views.application_extra,
    columns=[("producer", _("移出单位")), ("receiver", _("接受单位")), ("waste_code", _("废物代码")),
             ("tonnes", _("申请转移量(吨)")), ("submitted_on", _("提交日期")), ("state", _("状态")),
             ("step_due", _("本环节期限")), ("overdue", _("已超期")), ("approval", _("跨省转移审批"))])
declarations = Crud(Declaration, url_prefix="declarations", namespace=NS, title=_("危废申报"), read_only=True,
                    filterset_class=DeclarationFilter, search_fields=("producer__name",),
                    detail_fields=["producer", "period", "period_start", "due", "state", "submitted_on",
                                   "generated_tonnes", "transferred_tonnes", "late"],
                    extra_detail_template="waste/_actions.html", extra_detail_context=views.declaration_extra,
                    columns=[("producer", _("产生单位")), ("period", _("申报周期")), ("label", _("所属期")),
                             ("due", _("申报期限")), ("state", _("状态")), ("submitted_on", _("申报日期")),
                             ("late", _("逾期申报"))])
alerts = Crud(Alert, url_prefix="alerts", namespace=NS, title=_("危废预警"), read_only=True,
              filterset_class=AlertFilter, search_fields=("subject",),
              detail_fields=["kind", "subject", "description", "jurisdiction", "raised_on", "due", "state"],
              extra_detail_template="waste/_actions.html", extra_detail_context=views.alert_extra,
              columns=[("kind", _("预警类型")), ("subject", _("对象")), ("jurisdiction", _("属地")),
                       ("raised_on", _("预警日期")), ("due", _("处理期限")), ("state", _("状态"))])

norm_rounds = Crud(NormRound, form_class=NormRoundForm, url_prefix="norm-rounds", namespace=NS,
                   title=_("规范化管理评估"), search_fields=("name",),
                   columns=[("name", _("评估名称")), ("year", _("年度")), ("jurisdiction", _("属地")),
                            ("pass_mark", _("合格分数线"))])
norm_checks = Crud(NormCheck, form_class=NormCheckForm, filterset_class=NormCheckFilter, url_prefix="norm-checks",
                   namespace=NS, title=_("规范化管理评估结果"), search_fields=("producer__name",),
                   columns=[("round", _("评估")), ("producer", _("被评估单位")), ("checked_on", _("评估日期")),
                            ("score", _("得分")), ("passed", _("合格"))])
platforms = Crud(CollectionPlatform, form_class=PlatformForm, url_prefix="platforms", namespace=NS,
                 title=_("小微收集平台"), search_fields=("name",),
                 columns=[("name", _("平台名称")), ("operator", _("运营单位")), ("jurisdiction", _("服务区域")),
                          ("started_on", _("运行日期")), ("members", _("纳入平台的产废单位"))])
industrial = Crud(IndustrialWaste, form_class=IndustrialWasteForm, filterset_class=IndustrialWasteFilter,
                  url_prefix="industrial", namespace=NS, title=_("一般工业固体废物"), search_fields=("name",),
                  columns=[("name", _("企业名称")), ("jurisdiction", _("属地")), ("year", _("年度")), ("kind", _("种类")),
                           ("generated", _("产生量(吨)")), ("utilised", _("综合利用量(吨)")), ("disposed", _("处置量(吨)")),
                           ("stored", _("贮存量(吨)"))])
cells = Crud(ZeroWasteCell, form_class=CellForm, filterset_class=CellFilter, url_prefix="cells", namespace=NS,
             title=_("无废城市细胞"), search_fields=("name",),
             columns=[("name", _("细胞名称")), ("kind", _("类型")), ("status", _("状态")), ("jurisdiction", _("属地")),
                      ("accepted_on", _("验收命名日期"))])

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("", views.index, name="index"),
    path("manifests/new/", views.manifest_add, name="manifest-add"),
    path("manifests/<int:pk>/do/<str:verb>/", views.manifest_action, name="manifest-action"),
    path("applications/new/", views.application_add, name="application-add"),
    path("applications/<int:pk>/do/<str:verb>/", views.application_action, name="application-action"),
    path("declarations/<int:pk>/do/<str:verb>/", views.declaration_action, name="declaration-action"),
    path("alerts/<int:pk>/do/<str:verb>/", views.alert_action, name="alert-action"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
]
for crud in (producers, plans, operators, licences, transporters, approvals, applications, stock, manifests,
             declarations, alerts,
             norm_rounds, norm_checks, platforms, industrial, cells):
    urlpatterns += crud.urls()
