from django.conf import settings
from django.utils.translation import gettext as _

from .navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_menu": menu_for(user, request.path) if user is not None else [],
        "platform_name": getattr(settings, "ENVBUREAU", {}).get("PLATFORM_NAME") or _("生态环境数字监管平台"),
    }


def tasks(request):
    """Top-bar badges: counted only when a page renders them (callables are evaluated by the template)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def task_count():
        from .notify import task_count as count

        return count(user)

    def unread_count():
        return user.notifications.filter(read_at__isnull=True).count()

    return {"my_task_count": task_count, "my_unread_count": unread_count}
