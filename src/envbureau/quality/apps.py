from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "envbureau.quality"
    label = "quality"
    verbose_name = _("环境质量")

    def ready(self):
        from envbureau.ledger.services import register_title_texts

        from .services import PROBLEM_TITLES

        register_title_texts(PROBLEM_TITLES)  # the titles of the problems this module opens, worded per reader
        from envbureau.core.texts import register_worder

        from .models.targets import warning_words

        register_worder("quality.warning", warning_words)  # a warning's finding inside texts other records keep
        from envbureau.core import navigation as nav
        from envbureau.core.permissions import register_permissions

        from . import demo_micro, demo_step, documents, importers, pickers, signals, workflows  # noqa: F401  (importers, demo, signals, loops, documents)

        pickers.register_all()
        register_permissions("quality", _("环境质量"), {"handle": _("处理预警(确认/关闭)")})
        from envbureau.core.views import HOME_CARDS

        from .home import air_card

        if air_card not in HOME_CARDS:
            HOME_CARDS.append(air_card)
        # 环境质量 is long: headed groups (air, water, noise, targets and rankings, data management)
        for key, label, order in (("air", _("空气"), 1), ("water", _("水"), 2), ("noise", _("声"), 3),
                                  ("targets", _("目标与排名"), 4), ("data", _("数据管理"), 5)):
            nav.register_group("quality", key, label, order)
        nav.register("quality", _("空气质量总览"), "quality:air-dashboard", "quality.view", 10, group="air")
        nav.register("quality", _("空气质量评价"), "quality:assessment", "quality.view", 20, group="air")
        nav.register("quality", _("区县排名"), "quality:rankings", "quality.view", 30, group="targets")
        nav.register("quality", _("全市街道排名"), "quality:street-rankings", "quality.view", 35, group="targets")
        nav.register("quality", _("工作报告数据"), "quality:headline", "quality.view", 40, group="targets")
        nav.register("quality", _("目标任务"), "quality:targets", "quality.view", 50, group="targets")
        nav.register("quality", _("同级单位公布数据"), "quality:peer-figures-list", "quality.view", 55, group="targets")
        nav.register("quality", _("预警"), "quality:warnings", "quality.view", 60, group="air")
        nav.register("quality", _("重污染天气预警"), "quality:alerts-list", "quality.view", 65, group="air")
        nav.register("quality", _("水环境质量"), "quality:water-dashboard", "quality.view", 70, group="water")
        nav.register("quality", _("声环境质量"), "quality:noise-dashboard", "quality.view", 80, group="noise")
        nav.register("quality", _("空气站点"), "quality:stations-list", "quality.view", 110, group="data")
        nav.register("quality", _("水质断面"), "quality:sections-list", "quality.view", 120, group="data")
        nav.register("quality", _("饮用水水源地"), "quality:drinking-list", "quality.view", 130, group="data")
        nav.register("quality", _("噪声监测点"), "quality:noise-stations-list", "quality.view", 140, group="data")
        nav.register("quality", _("站点评价网络"), "quality:networks-list", "quality.view", 115, group="data")
        nav.register("quality", _("微站数据质量"), "quality:micro-check", "quality.view", 117, group="data")
        nav.register("quality", _("数据审核"), "quality:reviews", "quality.view", 150, group="data")
        nav.register("quality", _("空气预警阈值"), "quality:thresholds-list", "quality.view", 160, group="data")
