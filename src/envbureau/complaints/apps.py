from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "envbureau.complaints"
    label = "complaints"
    verbose_name = _("信访投诉")

    def ready(self):

        from envbureau.core import navigation as nav
        from envbureau.core.models import Jurisdiction
        from envbureau.core.permissions import register_permissions

        from . import demo, documents, importers, routing, workflows  # noqa: F401  (importer, demo, documents, workflow)

        register_permissions("complaints", _("信访投诉"), {
            "accept": _("受理/不予受理/确认重复"),
            "assign": _("交办"),
            "handle": _("调查核实与处理"),
            "reply": _("答复与复查复核"),
            "visit": _("回访"),
            "extend_approve": _("批准延期"),
            "close": _("归档"),
            "view_identity": _("查看举报人信息"),
        })
        routing._CACHE.watch(Jurisdiction, "cmp_route")
        nav.register("loops", _("信访投诉"), "complaints:list", "complaints.view", 50)
        nav.register("loops", _("信访统计"), "complaints:stats", "complaints.view", 51)
        nav.register("loops", _("信访热点"), "complaints:hotspots", "complaints.view", 52)
        nav.register("loops", _("信访期限规则"), "complaints:rules-list", "complaints.view", 53)

        from envbureau.core.views import HOME_CARDS

        from .views import home_card

        HOME_CARDS.append(home_card)
