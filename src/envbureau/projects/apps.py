from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProjectsConfig(AppConfig):
    name = "envbureau.projects"
    label = "projects"
    verbose_name = _("攻坚项目")

    def ready(self):
        from envbureau.ledger.services import register_title_texts

        from . import campaigns  # noqa: F401  (registers the title of a campaign target's problem)
        from .grids import PROBLEM_TITLES

        register_title_texts(PROBLEM_TITLES)  # the titles of the problems this module opens, worded per reader
        from envbureau.core import navigation as nav
        from envbureau.core.permissions import register_permissions

        from . import demo, documents, importers, pickers, workflows  # noqa: F401  (demo step, documents, importers, workflows)
        from .choices import PERMISSION_ACTIONS
        from .views import may_see_statistics

        register_permissions("projects", _("攻坚项目"), dict(PERMISSION_ACTIONS))
        pickers.register_all()
        self._dossier_badge()
        self._watch_outfalls()
        nav.register_section("projects", pgettext_lazy("nav", "攻坚项目"), 45)
        nav.register("projects", _("工程项目"), "projects:projects-list", "projects.view", 10)
        nav.register("projects", _("专项资金"), "projects:funds-list", "projects.view", 11)
        nav.register("projects", _("月度进展"), "projects:reports-list", "projects.view", 12)
        nav.register("projects", _("项目统计"), "projects:statistics", may_see_statistics, 13)
        nav.register("projects", _("专项行动"), "projects:campaigns-list", "projects.view", 20)
        nav.register("projects", _("行动对象清单"), "projects:targets-list", "projects.view", 21)
        nav.register("projects", _("入河排污口"), "projects:outfalls-list", "projects.view", 30)
        nav.register("projects", _("排污口统计"), "projects:outfall-statistics", may_see_statistics, 31)
        nav.register("projects", _("流域排口整治目标"), "projects:basin-milestones-list", "projects.view", 32)
        nav.register("projects", _("网格"), "projects:grids-list", "projects.view", 40)
        nav.register("projects", _("巡查记录"), "projects:patrols-list", "projects.view", 41)
        nav.register("projects", _("网格巡查统计"), "projects:grid-statistics", may_see_statistics, 42)
        nav.register("projects", _("红黄牌警示"), "projects:cards-list", "projects.view", 50)

    @staticmethod
    def _dossier_badge():
        """The card in force heads the enterprise's dossier (sources' dossier-badge hook)."""
        from envbureau.sources import services as sources

        from .cards import dossier_badge

        sources.register_dossier_badge(dossier_badge)

    @staticmethod
    def _watch_outfalls():
        """Any change of an outfall, or of an area (a moved area moves its outfalls), renews the map's stamp."""
        from django.db.models.signals import post_delete, post_save

        from envbureau.core.models import Jurisdiction

        from .models import Outfall
        from .outfall_stats import outfalls_changed

        for model in (Outfall, Jurisdiction):
            post_save.connect(outfalls_changed, sender=model, dispatch_uid=f"prj_map_{model.__name__}_save")
            post_delete.connect(outfalls_changed, sender=model, dispatch_uid=f"prj_map_{model.__name__}_delete")
