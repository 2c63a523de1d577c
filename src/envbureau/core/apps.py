from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CoreConfig(AppConfig):
    name = "envbureau.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self):
        from . import (  # noqa: F401  (registers importers and demo steps)
            audit,  # noqa: F401  (connects the audit signal handlers)
            demo_core,
            importers,
        )
        from . import navigation as nav

        nav.register_section("quality", pgettext_lazy("nav", "环境质量"), 10)
        nav.register_section("sources", pgettext_lazy("nav", "污染源"), 20)
        nav.register_section("loops", pgettext_lazy("nav", "督察整改与信访"), 30)
        nav.register_section("system", pgettext_lazy("nav", "系统管理"), 90)
        nav.register("system", _("用户"), "core:admin-area-users-list", "core.change", 10)
        nav.register("system", _("角色"), "core:admin-area-roles-list", "core.change", 20)
        nav.register("system", _("角色授权"), "core:admin-area-assignments-list", "core.change", 30)
        nav.register("system", _("科室"), "core:admin-area-departments-list", "core.change", 40)
        nav.register("system", _("行政区划"), "core:admin-area-jurisdictions-list", "core.view", 50)
        nav.register("system", _("数据导入"), "core:import-index", "imports.run", 60)
        nav.register("system", _("审计日志"), "core:audit-list", "audit.view", 70)
        nav.register("system", _("文书模板"), "core:document-types", "core.change", 75)
        nav.register("system", _("单位"), "core:admin-area-units-list", "core.change", 45)
        nav.register("system", _("节假日调整"), "core:admin-area-calendar-list", "core.change", 55)
        from . import deadlines
        from .models import CalendarDay

        deadlines._CACHE.watch(CalendarDay, "eb_calendar")
        nav.register("system", _("接口文档"), "api-docs", None, 80)
        from . import pickers

        pickers.register_core()
        from django.core import checks

        from .context import map_tiles_check

        checks.register(map_tiles_check)
