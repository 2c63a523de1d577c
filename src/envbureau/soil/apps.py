from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SoilConfig(AppConfig):
    name = "envbureau.soil"
    label = "soil"
    verbose_name = _("土壤")

    def ready(self):
        from envbureau.core import navigation as nav
        from envbureau.core.permissions import register_permissions

        from . import demo, importers, workflows  # noqa: F401  (demo step, importers, workflows)
        from .choices import PERMISSION_ACTIONS

        register_permissions("soil", _("土壤"), dict(PERMISSION_ACTIONS))
        nav.register_section("soil", pgettext_lazy("nav", "土壤"), 46)
        nav.register("soil", _("建设用地地块"), "soil:plots-list", "soil.view", 10)
        nav.register("soil", _("地块分布图"), "soil:map", "soil.view", 11)
        nav.register("soil", _("土壤监测结果"), "soil:samples-list", "soil.view", 12)
        nav.register("soil", _("报告评审"), "soil:reviews-list", "soil.view", 13)
        nav.register("soil", _("土壤污染重点监管单位"), "soil:key-units-list", "soil.view", 20)
        nav.register("soil", _("重点监管单位义务"), "soil:duties-list", "soil.view", 21)
        nav.register("soil", _("受污染耕地单元"), "soil:farmland-list", "soil.view", 30)
        nav.register("soil", _("农用地土壤样品"), "soil:farmland-samples-list", "soil.view", 31)
        nav.register("soil", _("土壤指标"), "soil:indicators", "soil.view", 40)
