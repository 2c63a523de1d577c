from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WasteConfig(AppConfig):
    name = "envbureau.waste"
    label = "waste"
    verbose_name = _("固体废物")

    def ready(self):
        from envbureau.core import navigation as nav
        from envbureau.core.permissions import register_permissions

        from . import demo, documents, importers, workflows  # noqa: F401  (demo step, documents, importers, workflows)
        from .choices import PERMISSION_ACTIONS

        register_permissions("waste", _("固体废物"), dict(PERMISSION_ACTIONS))
        nav.register_section("waste", pgettext_lazy("nav", "固体废物"), 45)
        nav.register("waste", _("转移联单"), "waste:manifests-list", "waste.view", 10)
        nav.register("waste", _("填报联单"), "waste:manifest-add", "waste.ship", 9)
        nav.register("waste", _("联单核对"), "waste:reconciliation", "waste.view", 11)
        nav.register("waste", _("危废预警"), "waste:alerts-list", "waste.view", 12)
        nav.register("waste", _("危废申报"), "waste:declarations-list", "waste.view", 13)
        nav.register("waste", _("产生单位"), "waste:producers-list", "waste.view", 20)
        nav.register("waste", _("管理计划"), "waste:plans-list", "waste.view", 21)
        nav.register("waste", _("贮存台账"), "waste:stock-list", "waste.view", 22)
        nav.register("waste", _("经营单位"), "waste:operators-list", "waste.view", 30)
        nav.register("waste", _("经营许可证"), "waste:licences-list", "waste.view", 31)
        nav.register("waste", _("运输单位"), "waste:transporters-list", "waste.view", 32)
        nav.register("waste", _("跨省转移审批"), "waste:approvals-list", "waste.view", 33)
        nav.register("waste", _("跨省转移申请"), "waste:applications-list", "waste.view", 34)
        nav.register("waste", _("提出跨省转移申请"), "waste:application-add", "waste.ship", 35)
        nav.register("waste", _("固废统计"), "waste:statistics", "waste.view", 14)
        nav.register("waste", _("规范化管理评估"), "waste:norm-rounds-list", "waste.view", 40)
        nav.register("waste", _("规范化管理评估结果"), "waste:norm-checks-list", "waste.view", 41)
        nav.register("waste", _("小微收集平台"), "waste:platforms-list", "waste.view", 42)
        nav.register("waste", _("一般工业固体废物"), "waste:industrial-list", "waste.view", 43)
        nav.register("waste", _("无废城市细胞"), "waste:cells-list", "waste.view", 44)
