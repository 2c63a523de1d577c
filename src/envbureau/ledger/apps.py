from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "envbureau.ledger"
    label = "ledger"
    verbose_name = _("问题台账")

    def ready(self):
        from envbureau.core import navigation as nav
        from envbureau.core.permissions import register_permissions
        from envbureau.core.views import HOME_CARDS

        from . import demo, documents, importers, workflows  # noqa: F401  (importer, demo step, documents, workflow)
        from .choices import PERMISSION_ACTIONS
        from .views import home_card

        register_permissions("ledger", _("问题台账"), dict(PERMISSION_ACTIONS))
        nav.register("loops", _("问题台账"), "ledger:problem-list", "ledger.view", 10)
        nav.register("loops", _("整改统计"), "ledger:statistics", "ledger.view", 11)
        nav.register("loops", _("我的提醒"), "ledger:inbox", "ledger.view", 12)
        nav.register("loops", _("验收链配置"), "ledger:chains-list", "ledger.change", 13)
        if home_card not in HOME_CARDS:
            HOME_CARDS.append(home_card)
