from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .navigation import menu_for, menu_html_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        # Both only when a template uses them (the home page lists the menu; base.html writes its HTML).
        "nav_menu": SimpleLazyObject(lambda: menu_for(user, request.path) if user is not None else []),
        "nav_menu_html": lambda: menu_html_for(user, request.path) if user is not None else "",
        "platform_name": getattr(settings, "ENVBUREAU", {}).get("PLATFORM_NAME") or _("生态环境数字监管平台"),
    }

