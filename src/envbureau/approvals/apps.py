from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApprovalsConfig(AppConfig):
    name = "envbureau.approvals"
    label = "approvals"
    verbose_name = _("行政审批")

    def ready(self):
        from envbureau.ledger.services import register_title_texts

        from .emergency import PROBLEM_TITLES

        register_title_texts(PROBLEM_TITLES)  # the titles of the problems this module opens, worded per reader
        from envbureau.sources.services import register_limit_owner

        from .permits import describe_limit_owners

        register_limit_owner("approvals.permit", describe_limit_owners)  # permit-owned limits name their permit
        from envbureau.core.texts import register_worder

        from .supervision import finding_words

        register_worder("approvals.supervision", finding_words)  # supervision findings, worded per reader
        from envbureau.core import navigation as nav
        from envbureau.core.permissions import register_permissions

        from . import demo, documents, importers, workflows  # noqa: F401  (demo step, documents, imports, workflows)
        from .choices import PERMISSION_ACTIONS

        register_permissions("approvals", _("行政审批"), dict(PERMISSION_ACTIONS))
        nav.register_section("approvals", pgettext_lazy("nav", "行政审批"), 45)
        nav.register("approvals", _("环评审批"), "approvals:eia-list", "approvals.view", 10)
        nav.register("approvals", _("项目预审"), "approvals:prereviews-list", "approvals.view", 15)
        nav.register("approvals", _("排污许可证"), "approvals:permits-list", "approvals.view", 20)
        nav.register("approvals", _("执行报告"), "approvals:reports-list", "approvals.view", 21)
        nav.register("approvals", _("应急预案备案"), "approvals:plans-list", "approvals.view", 24)
        nav.register("approvals", _("环境风险源分布"), "approvals:risk-map", "approvals.view", 24)
        nav.register("approvals", _("隐患排查"), "approvals:checks-list", "approvals.view", 25)
        nav.register("approvals", _("突发环境事件"), "approvals:incidents-list", "approvals.view", 26)
        nav.register("approvals", _("应急值班表"), "approvals:duty-list", "approvals.view", 27)
        nav.register("approvals", _("审批统计"), "approvals:statistics", "approvals.view", 30)
