"""The navigation registry: apps add their menu entries in AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from .permissions import has_perm


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


def menu_for(user, path: str | None = None) -> list[dict]:
    """The sections and entries the user may see; with `path`, the entry owning it is marked active."""
    if not user.is_authenticated:
        return []
    out = []
    for key, (_order, label) in sorted(SECTIONS.items(), key=lambda kv: kv[1][0]):
        entries = []
        last_group = None
        for item in sorted((i for i in ITEMS if i.section == key), key=_sort_key):
            if item.perm and not (item.perm(user) if callable(item.perm) else has_perm(user, item.perm)):
                continue
            url = _url(item.url_name)
            if url is None:
                continue
            active = bool(path) and url != "/" and path.startswith(url)
            heading = None
            if item.group != last_group:  # the first visible entry of a group carries its heading
                heading = GROUPS.get((key, item.group), (0, ""))[1] if item.group else None
                last_group = item.group
            entries.append({"label": item.label, "url": url, "name": item.url_name, "active": active,
                            "heading": heading, "divider": heading is not None and bool(entries)})
        if entries:
            out.append({"key": key, "label": label, "items": entries, "active": any(e["active"] for e in entries)})
    return out
