"""The top menu: what a role sees, written out safely, with the page's own entry marked."""

import pytest


def test_menu_html_escapes_and_marks_the_active_entry():
    from envbureau.core.navigation import menu_html

    menu = [{"key": "s", "label": "环境<质量>", "active": True, "items": [
        {"label": "空气 & 水", "url": "/quality/?a=1&b=2", "active": True, "heading": "空气", "divider": False},
        {"label": "噪声", "url": "/noise/", "active": False, "heading": "声", "divider": True}]}]
    html = menu_html(menu)
    assert html == (
        '<li class="nav-item dropdown">\n<a class="nav-link dropdown-toggle active" href="#" role="button" '
        'data-bs-toggle="dropdown" aria-expanded="false">环境&lt;质量&gt;</a>\n<ul class="dropdown-menu">'
        '<li><h6 class="dropdown-header">空气</h6></li>'
        '<li><a class="dropdown-item active" href="/quality/?a=1&amp;b=2">空气 &amp; 水</a></li>'
        '<li><hr class="dropdown-divider"></li><li><h6 class="dropdown-header">声</h6></li>'
        '<li><a class="dropdown-item" href="/noise/">噪声</a></li></ul>\n</li>')
    assert menu_html([]) == ""


@pytest.mark.django_db
def test_each_role_sees_only_what_it_may_use():
    """The menu is kept per set of permission codes (core.navigation._permitted): two roles never share one, and a
    role's menu changes the moment its permissions do."""
    from envbureau.core.demo_core import load_core
    from envbureau.core.models import Role, User
    from envbureau.core.navigation import menu_for

    load_core(lambda m: None)
    names = lambda user: {i["name"] for s in menu_for(user, "/admin-area/users/") for i in s["items"]}  # noqa: E731
    admin, petition = User.objects.get(username="admin"), User.objects.get(username="petition")
    assert "core:admin-area-users-list" in names(admin)
    assert "core:admin-area-users-list" not in names(petition)
    active = [i["name"] for s in menu_for(admin, "/admin-area/users/") for i in s["items"] if i["active"]]
    assert active == ["core:admin-area-users-list"]
    role = Role.objects.get(assignments__user=petition)
    role.permissions = sorted(set(role.permissions) | {"core.change"})
    role.save()
    petition = User.objects.get(pk=petition.pk)  # a new request: grants are read again
    assert "core:admin-area-users-list" in names(petition)


@pytest.mark.django_db
def test_menu_html_is_kept_per_entries_shown_active_page_and_language(monkeypatch):
    """menu_html_for keeps the written menu (core.navigation._HTML): what it returns must still follow the page, the
    language and an entry whose test (a callable) changes its answer."""
    from django.utils import translation

    from envbureau.core import navigation as nav
    from envbureau.core.demo_core import load_core
    from envbureau.core.models import User

    load_core(lambda m: None)
    admin = User.objects.get(username="admin")
    shown = {"on": True}
    extra = nav.NavItem("system", "临时入口", "core:tasks", lambda user: shown["on"], 999)
    monkeypatch.setattr(nav, "ITEMS", [*nav.ITEMS, extra])
    monkeypatch.setattr(nav, "_HTML", {})
    nav._permitted.cache_clear()
    nav._resolved.cache_clear()
    try:
        users = nav.menu_html_for(admin, "/admin-area/users/")
        assert 'class="dropdown-item active" href="/admin-area/users/">用户<' in users
        assert users == nav.menu_html(nav.menu_for(admin, "/admin-area/users/"))
        tasks = nav.menu_html_for(admin, "/tasks/")
        assert 'class="dropdown-item active" href="/admin-area/users/"' not in tasks
        assert 'class="dropdown-item active" href="/tasks/">临时入口<' in tasks
        with translation.override("en"):
            english = nav.menu_html_for(admin, "/admin-area/users/")
        assert 'href="/admin-area/users/">Users<' in english and ">用户<" not in english
        assert nav.menu_html_for(admin, "/admin-area/users/") == users  # Chinese again, from the cache
        shown["on"] = False
        assert "临时入口" not in nav.menu_html_for(admin, "/admin-area/users/")
        assert len(nav._HTML) == 4
    finally:
        nav._permitted.cache_clear()
        nav._resolved.cache_clear()
