from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
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
        # the intranet tile server of the maps (geo.js reads #eb-map-tiles), None when not configured (or wrongly:
        # the system check map_tiles_check names the mistake when the platform starts)
        "map_tiles": _map_tiles_or_none(),
    }



def map_tiles_config() -> dict | None:
    """The intranet tile server the maps draw under the boundaries (settings ENVBUREAU["MAP_TILES"]), or None.

    A url without the {z}, {x} and {y} placeholders, or not http(s) or a path on this platform, is refused
    (ImproperlyConfigured) rather than silently drawing nothing."""
    conf = getattr(settings, "ENVBUREAU", {}).get("MAP_TILES") or {}
    url = (conf.get("url") or "").strip()
    if not url:
        return None
    if not (url.startswith(("http://", "https://", "/")) and all(p in url for p in ("{z}", "{x}", "{y}"))):
        raise ImproperlyConfigured(
            'ENVBUREAU["MAP_TILES"]["url"] must be an http(s) URL or a path with {z}, {x} and {y}, e.g. '
            f'"http://tiles.bureau.local/{{z}}/{{x}}/{{y}}.png"; got {url!r}')
    try:
        max_zoom = int(conf.get("max_zoom", 18))
    except (TypeError, ValueError):
        raise ImproperlyConfigured('ENVBUREAU["MAP_TILES"]["max_zoom"] must be a whole number') from None
    if not 0 <= max_zoom <= 22:
        raise ImproperlyConfigured('ENVBUREAU["MAP_TILES"]["max_zoom"] must be between 0 and 22')
    return {"url": url, "attribution": str(conf.get("attribution") or ""), "max_zoom": max_zoom}


def _map_tiles_or_none() -> dict | None:
    try:
        return map_tiles_config()
    except ImproperlyConfigured:
        return None


def map_tiles_check(app_configs=None, **kwargs):
    """System check (migrate, check, `make run`): a wrong ENVBUREAU["MAP_TILES"] is named at start."""
    from django.core import checks

    try:
        map_tiles_config()
    except ImproperlyConfigured as e:
        return [checks.Error(str(e), id="envbureau.E010")]
    return []
