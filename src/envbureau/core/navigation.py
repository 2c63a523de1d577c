"""The navigation registry: apps add their menu entries in AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .permissions import grants_for


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    perm: str | Callable | None = None  # None = any signed-in user; a callable(user) -> bool for more than a permission
    order: int = 100
    group: str = ""  # a heading inside the section's menu (register_group); "" = no heading


SECTIONS: dict[str, tuple[int, str]] = {}
GROUPS: dict[tuple[str, str], tuple[int, str]] = {}  # (section, group) → (order, label)
ITEMS: list[NavItem] = []


def register_section(key: str, label, order: int) -> None:
    SECTIONS[key] = (order, label)


def register_group(section: str, key: str, label, order: int) -> None:
    """A heading within a section's menu (e.g. 空气 / 水 / 声 under 环境质量); items name it by `group=`."""
    GROUPS[(section, key)] = (order, label)


def register(section: str, label, url_name: str, perm: str | Callable | None = None, order: int = 100,
             group: str = "") -> None:
    if not any(i.url_name == url_name and i.section == section for i in ITEMS):
        ITEMS.append(NavItem(section, label, url_name, perm, order, group))


_URLS: dict[tuple, str | None] = {}


def _url(name: str) -> str | None:
    """reverse() of a menu entry, kept per URL configuration and script prefix: the menu is on every page and
    a hundred reverse() calls were ~7 ms of each request."""
    key = (name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    if key not in _URLS:
        try:
            _URLS[key] = reverse(name)
        except NoReverseMatch:
            _URLS[key] = None
    return _URLS[key]


def _sort_key(item: NavItem):
    return (GROUPS.get((item.section, item.group), (0, ""))[0] if item.group else -1, item.order)


@lru_cache(maxsize=256)
def _permitted(perm_sets: frozenset) -> tuple[tuple[str, NavItem], ...]:
    """The entries the holder of these permission sets sees, before the callable checks — the same few role
    sets on every page (keyed by the codes themselves, so never stale; a hundred checks were ~3 ms a page)."""
    from .permissions import Grant

    grants = [Grant(p, "", None, None) for p in perm_sets]
    out = []
    for key, _label in sorted(SECTIONS.items(), key=lambda kv: kv[1][0]):
        for item in sorted((i for i in ITEMS if i.section == key), key=_sort_key):
            if item.perm and not callable(item.perm) and not any(g.allows(item.perm) for g in grants):
                continue
            out.append((key, item))
    return tuple(out)


@lru_cache(maxsize=256)
def _resolved(perm_sets: frozenset, urlconf, prefix: str) -> tuple[tuple[str, NavItem, str], ...]:
    """_permitted with each entry's URL (entries whose URL does not resolve here dropped)."""
    return tuple((key, item, url) for key, item in _permitted(perm_sets) if (url := _url(item.url_name)) is not None)


def _visible(user) -> list[tuple[str, NavItem, str]]:
    """(section, entry, url) of every entry the user sees, in menu order."""
    grants = grants_for(user)
    entries = _resolved(frozenset(g.perms for g in grants), get_urlconf() or settings.ROOT_URLCONF,
                        get_script_prefix())
    return [e for e in entries if not callable(e[1].perm) or e[1].perm(user)]


def _is_active(path: str | None, url: str) -> bool:
    return bool(path) and url != "/" and path.startswith(url)


def menu_for(user, path: str | None = None, visible: list | None = None) -> list[dict]:
    """The sections and entries the user may see; with `path`, the entry owning it is marked active."""
    if not user.is_authenticated:
        return []
    sections: dict[str, list] = {}
    last_group: dict[str, str | None] = {}
    for key, item, url in _visible(user) if visible is None else visible:
        entries = sections.setdefault(key, [])
        heading = None
        if item.group != last_group.get(key):  # the first visible entry of a group carries its heading
            heading = GROUPS.get((key, item.group), (0, ""))[1] if item.group else None
            last_group[key] = item.group
        entries.append({"label": item.label, "url": url, "name": item.url_name, "active": _is_active(path, url),
                        "heading": heading, "divider": heading is not None and bool(entries)})
    return [{"key": key, "label": SECTIONS[key][1], "items": entries, "active": any(e["active"] for e in entries)}
            for key, entries in sections.items()]


_HTML: dict[tuple, SafeString] = {}


def menu_html_for(user, path: str | None) -> SafeString:
    """menu_html(menu_for(user, path)), kept per everything it depends on: the entries the user sees, which of
    them are active, and the language (translating ~150 labels was ~1.5 ms of every page)."""
    if not user.is_authenticated:
        return mark_safe("")
    visible = _visible(user)
    key = (tuple((k, i.url_name, url) for k, i, url in visible), tuple(url for _k, _i, url in visible if _is_active(path, url)),
           get_language())
    html = _HTML.get(key)
    if html is None:
        if len(_HTML) > 2000:  # bounded: a few role sets × ~150 active entries × languages
            _HTML.clear()
        html = _HTML[key] = menu_html(menu_for(user, path, visible))
    return html


def menu_html(menu: list[dict]) -> SafeString:
    """The top bar's dropdowns, written here rather than by template loops: ~150 entries on every page took
    ~4 ms in the template engine."""
    parts = []
    for section in menu:
        items = []
        for it in section["items"]:
            if it["divider"]:
                items.append('<li><hr class="dropdown-divider"></li>')
            if it["heading"]:
                items.append(f'<li><h6 class="dropdown-header">{escape(str(it["heading"]))}</h6></li>')
            items.append(f'<li><a class="dropdown-item{" active" if it["active"] else ""}" href="{escape(it["url"])}">'
                         f'{escape(str(it["label"]))}</a></li>')
        parts.append(f'<li class="nav-item dropdown">\n<a class="nav-link dropdown-toggle{" active" if section["active"] else ""}" '
                     f'href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false">{escape(str(section["label"]))}</a>\n'
                     f'<ul class="dropdown-menu">{"".join(items)}</ul>\n</li>')
    return mark_safe("\n".join(parts))  # noqa: S308 — every value above is escaped
