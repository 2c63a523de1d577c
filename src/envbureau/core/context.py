from django.conf import settings
from django.utils.translation import gettext as _

from .navigation import menu_for, menu_html


def navigation(request):
    user = getattr(request, "user", None)
    menu = menu_for(user, request.path) if user is not None else []
    return {
        "nav_menu": menu,
        "nav_menu_html": lambda: menu_html(menu),
        "platform_name": getattr(settings, "ENVBUREAU", {}).get("PLATFORM_NAME") or _("生态环境数字监管平台"),
    }

