from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportsConfig(AppConfig):
    name = "envbureau.reports"
    label = "reports"
    verbose_name = _("报告")

    def ready(self):
        from envbureau.core import navigation as nav
        from envbureau.core.permissions import register_permissions

        from . import demo, documents, types, workflows  # noqa: F401  (types register, then their documents)
        from .choices import PERMISSION_ACTIONS

        documents.register_all()
        register_permissions("reports", _("报告"), dict(PERMISSION_ACTIONS))
        nav.register_section("reports", pgettext_lazy("nav", "报告与公开"), 50)
        nav.register("reports", _("生成报告"), "reports:index", "reports.view", 10)
        nav.register("reports", _("报告归档"), "reports:archive-list", "reports.view", 20)
