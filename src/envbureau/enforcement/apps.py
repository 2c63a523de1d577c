from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EnforcementConfig(AppConfig):
    name = "envbureau.enforcement"
    label = "enforcement"
    verbose_name = _("监督执法")

    def ready(self):
        from envbureau.ledger.services import register_title_texts

        from .services import PROBLEM_TITLES

        register_title_texts(PROBLEM_TITLES)  # the titles of the problems this module opens, worded per reader
        from envbureau.core import navigation as nav
        from envbureau.core.permissions import register_permissions

        from . import demo, documents, importers, pickers, workflows  # noqa: F401  (demo step, documents, workflows)
        from .choices import PERMISSION_ACTIONS

        register_permissions("enforcement", _("监督执法"), dict(PERMISSION_ACTIONS))
        from django.apps import apps

        if apps.is_installed("envbureau.sources"):  # the alarm's page links to the checks and cases that followed it
            from envbureau.sources.services import register_follow_ups

            from .services import alarm_follow_ups

            register_follow_ups(alarm_follow_ups)
        pickers.register_all()
        nav.register_section("enforcement", pgettext_lazy("nav", "监督执法"), 40)
        nav.register("enforcement", _("执法检查"), "enforcement:inspections-list", "enforcement.view", 30)
        nav.register("enforcement", _("行政处罚案件"), "enforcement:cases-list", "enforcement.view", 29)
        nav.register("enforcement", _("行政命令与强制措施"), "enforcement:measures-list", "enforcement.view", 29)
        from .views import may_see_statistics

        nav.register("enforcement", _("执法统计"), "enforcement:statistics", may_see_statistics, 28)
        nav.register("enforcement", _("环境信用评价"), "enforcement:ratings-list", "enforcement.view", 30)
        nav.register("enforcement", _("信用修复申请"), "enforcement:repairs-list", "enforcement.view", 30)
        nav.register("enforcement", _("法律依据"), "enforcement:legal-bases-list", "enforcement.view", 36)
        nav.register("enforcement", _("双随机抽取"), "enforcement:draw-list", "enforcement.view", 31)
        nav.register("enforcement", _("抽查计划"), "enforcement:plans-list", "enforcement.view", 32)
        nav.register("enforcement", _("检查对象名录库"), "enforcement:pool-list", "enforcement.view", 33)
        nav.register("enforcement", _("执法人员名录库"), "enforcement:inspectors-list", "enforcement.view", 34)
        nav.register("enforcement", _("随机抽查事项清单"), "enforcement:items-list", "enforcement.view", 35)
