from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "envbureau.sources"
    label = "sources"
    verbose_name = _("污染源")

    def ready(self):
        from envbureau.ledger.services import register_title_texts

        from .services import PROBLEM_TITLES

        register_title_texts(PROBLEM_TITLES)  # the titles of the problems this module opens, worded per reader
        from envbureau.core.texts import register_worder

        from .models import alarm_words

        register_worder("sources.alarm", alarm_words)  # an alarm's finding inside texts other records keep
        from envbureau.core import navigation as nav
        from envbureau.core.permissions import register_permissions

        from . import demo, importers, pickers, workflows  # noqa: F401  (registers importers, the demo step, the loops)

        pickers.register_all()
        register_permissions("sources", _("污染源与在线监控"), {
            "declare": _("提交异常申报"),
            "approve_declaration": _("审核异常申报"),
            "ack_alarm": _("确认报警"),
            "close_alarm": _("关闭报警/转为问题"),
            "bind_mn": _("绑定未登记 MN"),
            "gateway": _("查看数据网关运行指标"),
        })
        nav.register("sources", _("企业档案"), "sources:enterprises-list", "sources.view", 10)
        nav.register("sources", _("在线监控状态"), "sources:board", "sources.view", 20)
        nav.register("sources", _("报警"), "sources:alarm-list", "sources.view", 30)
        nav.register("sources", _("异常申报"), "sources:declaration-list", "sources.view", 40)
        nav.register("sources", _("排放口"), "sources:outlets-list", "sources.view", 50)
        nav.register("sources", _("监测点"), "sources:points-list", "sources.view", 60)
        nav.register("sources", _("排放限值"), "sources:limits-list", "sources.view", 70)
        nav.register("sources", _("未登记 MN"), "sources:unknown-mn-list", "sources.bind_mn", 80)
        nav.register("system", _("数据网关运行"), "sources:gateway-figures", "sources.gateway", 75)

        from envbureau.core import views as core_views

        from .views import home_card, points_card

        for card in (points_card, home_card):  # an enterprise user sees its points first, then its alarms
            if card not in core_views.HOME_CARDS:
                core_views.HOME_CARDS.append(card)
