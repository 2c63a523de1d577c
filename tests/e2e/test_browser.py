"""A real browser against a live server: sign in, home, a list page, English, a phone-width layout,
and the offline guarantee (no request to any host but the platform's own).

Drives Debian's Chromium (/usr/bin/chromium) through Playwright for Python; never downloads a browser.
Screenshots land in /tmp/envbureau-e2e/ for a human look.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("ENVBUREAU_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(tempfile.gettempdir()) / "envbureau-e2e"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture
def browser(site, tmp_path):
    """Set up after (and closed before) the live server's database, whose teardown needs no event loop."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the PyPI package playwright is not installed")
    profile = tmp_path / "chromium-profile"
    with sync_api.sync_playwright() as p:
        # A persistent context gives Chromium a fresh user-data-dir of our own.
        ctx = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=ARGS,
                                                   locale="zh-CN", viewport={"width": 1280, "height": 900})
        yield ctx
        ctx.close()


@pytest.fixture
def site(live_server, settings, monkeypatch):
    """Demo users on a live server over plain http (so cookies must not require https here)."""
    from envbureau.core.demo_core import load_core

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    load_core(lambda m: None)
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run under one
    # unless told that this (test-only) thread is not serving async requests.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SHOTS.mkdir(exist_ok=True)
    return live_server.url


def watch(page, base):
    """Every request the page makes, and which of them left the live server."""
    own = urlsplit(base).netloc
    seen, foreign = [], []

    def on_request(req):
        seen.append(req.url)
        host = urlsplit(req.url).netloc
        if req.url.startswith(("data:", "blob:", "about:")) or host == own:
            return
        foreign.append(req.url)

    page.on("request", on_request)
    # Anything leaving the server is refused at once (and recorded above), so no test waits on a network.
    page.context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).netloc == own
                       or route.request.url.startswith(("data:", "blob:")) else route.abort())
    return seen, foreign


def sign_in(page, base, username="admin"):
    page.goto(f"{base}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", "Demo@2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_sign_in_browse_switch_language_offline(browser, site):
    page = browser.new_page()
    seen, foreign = watch(page, site)
    sign_in(page, site)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("nav").get_by_text("系统管理").is_visible()
    assert page.get_by_text("启用的账号").is_visible()  # a home card
    page.screenshot(path=str(SHOTS / "home-zh.png"), full_page=True)
    # A list page through the navigation menu.
    page.locator("nav").get_by_text("系统管理").click()
    page.locator("nav").get_by_role("link", name="行政区划").click()
    page.wait_for_url(f"{site}/admin-area/jurisdictions/")
    assert page.get_by_role("cell", name="东城区").count() >= 1
    assert page.get_by_role("link", name="110101", exact=True).count() == 1
    page.screenshot(path=str(SHOTS / "list-zh.png"), full_page=True)
    # Bootstrap and htmx came from our own /static/ and actually ran.
    assert page.evaluate("typeof bootstrap !== 'undefined' && typeof htmx !== 'undefined'")
    # Switch to English with the language menu.
    page.select_option("#eb-lang-select", "en")
    page.wait_for_load_state("load")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url == f"{site}/admin-area/jurisdictions/"
    assert page.locator("nav").get_by_text("System").is_visible()
    assert page.get_by_role("heading", name="Jurisdictions").is_visible()
    page.goto(f"{site}/")
    assert page.get_by_text("Welcome").is_visible()
    page.screenshot(path=str(SHOTS / "home-en.png"), full_page=True)
    # The API docs page too is served from our own static files.
    page.goto(f"{site}/api/docs/")
    page.wait_for_selector(".swagger-ui", timeout=15000)
    assert any("/static/drf_spectacular_sidecar/" in u for u in seen)
    assert not foreign, f"requests to other hosts: {foreign}"
    assert len(seen) > 10


def test_phone_width_layout(browser, site):
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    seen, foreign = watch(page, site)
    sign_in(page, site, "dongcheng")
    # No sideways scrolling of the page itself; the menu hides behind the toggler.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    assert not page.locator("nav").get_by_text("系统管理").is_visible()
    toggler.click()
    page.wait_for_selector("#ebnav.collapse.show")  # the collapse animation has finished
    page.screenshot(path=str(SHOTS / "phone-menu.png"), full_page=True)
    page.locator("nav").get_by_text("系统管理").click()
    page.locator("nav").get_by_role("link", name="行政区划").click()
    page.wait_for_url(f"{site}/admin-area/jurisdictions/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # Wide tables scroll inside their own box; filters fold away behind a button.
    assert page.locator(".table-responsive").count() >= 1
    assert not page.locator("#eb-filters").is_visible()
    assert page.get_by_role("link", name="导入").count() == 0  # officers cannot import jurisdictions
    page.get_by_role("button", name="筛选").first.click()
    page.wait_for_selector("#eb-filters.collapse.show")
    page.screenshot(path=str(SHOTS / "phone-list.png"), full_page=True)
    assert not foreign, f"requests to other hosts: {foreign}"
