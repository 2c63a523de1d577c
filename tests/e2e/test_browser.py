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


@pytest.fixture
def demo_site(site):
    """The live server over the light demo of every app (built once per test process, tests/demo_image.py)."""
    from demo_image import light_demo

    with light_demo():
        yield site


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
    # The platform's name is whole beside the menu button, in both languages (the English one was cut off).
    for lang in ("zh-hans", "en"):
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": site}])
        page.goto(f"{site}/")
        brand = page.locator(".navbar-brand")
        assert brand.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight + 1"), lang
        box, button = brand.bounding_box(), page.locator(".navbar-toggler").bounding_box()
        assert box["x"] + box["width"] <= button["x"], lang  # not under the button
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(SHOTS / "phone-brand-en.png"))
    assert not foreign, f"requests to other hosts: {foreign}"


# The widest elements of the page, for a failure message that says what to fix.
WIDEST_JS = """() => {
  const vw = window.innerWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right <= vw + 1 || r.width === 0) continue;
    // Inside a box that scrolls sideways on its own (e.g. .table-responsive) it is fine.
    let p = el.parentElement, clipped = false;
    while (p && p !== document.body) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible' && p.getBoundingClientRect().right <= vw + 1) { clipped = true; break; }
      p = p.parentElement;
    }
    if (clipped) continue;
    const id = el.id ? '#' + el.id : '';
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    out.push({right: Math.round(r.right), what: el.tagName.toLowerCase() + id + cls,
              text: (el.innerText || '').trim().slice(0, 40)});
  }
  out.sort((a, b) => b.right - a.right);
  return out.slice(0, 8);
}"""


def overflow(page, label, width=390):
    """None when the page fits `width`, else what is too wide, with a screenshot of it for a human look (pictures of
    pages that fit are `make screenshots`' job: a full-page PNG per page cost the suite more CPU than the checks)."""
    page.wait_for_load_state("load")
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll <= width:
        return None
    page.screenshot(path=str(SHOTS / f"phone-{label}.png"), full_page=True)
    widest = page.evaluate(WIDEST_JS)
    return (f"{label} ({page.url}) is {scroll} px wide at {width} px; widest elements: "
            + "; ".join(f"{w['what']} right={w['right']} «{w['text']}»" for w in widest))


def test_field_pages_fit_a_phone(browser, site):
    """Street and district officers open problems, complaints, their inbox and the rectification and
    verification forms on a 390×844 phone: nothing may make the page scroll sideways."""
    from envbureau.complaints.demo import load_demo
    from envbureau.complaints.models import Complaint
    from envbureau.ledger.demo import load_ledger
    from envbureau.ledger.models import Problem

    load_ledger(lambda m: None)
    load_demo(lambda m: None, n=40)
    dongcheng = Problem.objects.filter(jurisdiction__code__startswith="110101")
    # A reopened problem has been through every step: the longest timeline and the most sign-offs.
    busiest = dongcheng.filter(state="reopened").first() or dongcheng.order_by("-pk").first()
    rectifying = dongcheng.filter(state__in=["in_rectification", "returned", "reopened"]).first()
    signing = dongcheng.filter(state="closure_requested").first()
    assert rectifying is not None and signing is not None, "the demo ledger lost its Dongcheng problems"
    complaint = Complaint.objects.filter(jurisdiction__code__startswith="110101").order_by("-pk").first()
    street_complaint = Complaint.objects.filter(jurisdiction__code="110101001000").first()
    assert complaint is not None

    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    watch(page, site)
    sign_in(page, site, "dongcheng")
    too_wide = []
    # One problem in each state: the buttons, sign-off chain and timeline differ from state to state.
    by_state = {p.state: p for p in dongcheng.order_by("-pk")}
    pages = [(f"problem-{state}", f"/ledger/problems/{p.pk}/") for state, p in sorted(by_state.items())] + [
        ("problem", f"/ledger/problems/{busiest.pk}/"),
        ("problem-rectifying", f"/ledger/problems/{rectifying.pk}/"),
        ("rectification-form", f"/ledger/problems/{rectifying.pk}/do/progress/"),
        ("verification-form", f"/ledger/problems/{signing.pk}/do/sign_off/"),
        ("complaint", f"/complaints/{complaint.pk}/"),
        ("tasks", "/tasks/"),
        ("inbox", "/ledger/inbox/"),
    ]
    for label, path in pages:
        resp = page.goto(f"{site}{path}")
        assert resp.status == 200, f"{label} {path}: HTTP {resp.status}"
        too_wide.append(overflow(page, label))
    # The longest life of a problem: signed off at every step, closed out, published and reopened.
    from envbureau.core.models import User
    from envbureau.ledger import services
    from envbureau.ledger.demo import _signer

    users = {u.username: u for u in User.objects.filter(username__in=["dongcheng", "oversight", "admin"])}
    while signing.state == "closure_requested":
        services.sign_off(_signer(signing, users, users["dongcheng"]), signing, note="经现场核查,整改到位,同意通过。")
    services.close_out(users["oversight"], signing, note="验收通过,予以销号")
    services.publish_notice(users["oversight"], signing, public_summary=f"已完成整改:{signing.measures}", days=7)
    services.reopen(users["oversight"], signing, "群众再次反映问题反弹,重新整改。")
    page.goto(f"{site}/ledger/problems/{signing.pk}/")
    too_wide.append(overflow(page, "problem-reopened"))
    page.context.clear_cookies()
    sign_in(page, site, "donghuamen")
    for label, path in [("street-tasks", "/tasks/")] + (
            [("street-complaint", f"/complaints/{street_complaint.pk}/")] if street_complaint else []):
        resp = page.goto(f"{site}{path}")
        assert resp.status == 200, f"{label} {path}: HTTP {resp.status}"
        too_wide.append(overflow(page, label))
    too_wide = [t for t in too_wide if t]
    assert not too_wide, "\n".join(too_wide)


def test_statistics_and_dossier_fit_a_phone(browser, site):
    """The ledger statistics (tables by district, source, type, responsible unit, batch) and an enterprise's
    dossier (outlets and points, recent alarms with their messages) on a 390×844 phone, in Chinese and English:
    wide tables scroll inside their card, the page itself never scrolls sideways."""
    from envbureau.ledger.demo import load_ledger
    from envbureau.sources.demo import load_sources
    from envbureau.sources.models import Alarm

    load_ledger(lambda m: None)
    load_sources(lambda m: None)
    alarmed = Alarm.objects.values_list("enterprise_id", flat=True).order_by("enterprise_id").first()
    assert alarmed is not None, "the sources demo raised no alarm"
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    _seen, foreign = watch(page, site)
    sign_in(page, site, "admin")
    too_wide = []
    for lang in ("zh", "en"):
        if lang == "en":  # the language menu hides behind the toggler at this width: its cookie
            page.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
        for label, path in [("statistics", "/ledger/statistics/"), ("dossier", f"/sources/enterprises/{alarmed}/")]:
            resp = page.goto(f"{site}{path}")
            assert resp.status == 200, f"{label} {path}: HTTP {resp.status}"
            assert page.locator("html").get_attribute("lang") == ("en" if lang == "en" else "zh-hans")
            if label == "statistics":  # the unit and batch tables arrive by htmx after the load
                page.wait_for_selector("#stat-units")
                page.wait_for_load_state("networkidle")
            else:
                assert page.locator("a[href^='/sources/alarms/']").count() >= 1, "the dossier lists no alarm"
            too_wide.append(overflow(page, f"{label}-{lang}"))
    too_wide = [t for t in too_wide if t]
    assert not too_wide, "\n".join(too_wide)
    assert not foreign, f"requests to other hosts: {foreign}"


def test_top_menu_stays_on_one_line_at_1440(browser, site):
    """The platform admin (every menu section) at 1440 px: the top menu is one line in Chinese and in English
    (English labels are longer; the menu wrapped onto two lines)."""
    page = browser.new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    watch(page, site)
    sign_in(page, site, "admin")
    for lang in ("zh-hans", "en"):
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": site}])
        page.goto(f"{site}/")
        assert page.locator("html").get_attribute("lang") == lang
        tops = page.eval_on_selector_all("#ebnav .navbar-nav > .nav-item, #eb-user-menu, #eb-lang-select",
                                         "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
        assert len(tops) >= 10, tops
        assert max(tops) - min(tops) <= 12, f"{lang}: the top menu wraps (item tops {tops})"
        # each language by its own name (in Chinese mode English read 英语)
        assert page.eval_on_selector_all("#eb-lang-select option", "os => os.map(o => o.textContent.trim())") == [
            "简体中文", "English"]
        page.screenshot(path=str(SHOTS / f"menu-{lang}-1440.png"))


def test_top_bar_counts_arrive_after_the_page(browser, demo_site):
    """The district officer's page loads without its counts, then htmx fetches them and puts each in place: the
    task badge equals the count of the officer's own task list, in both languages."""
    site = demo_site
    page = browser.new_page()
    seen, foreign = watch(page, site)
    sign_in(page, site, "dongcheng")
    expected = page.request.get(f"{site}/api/v1/me/tasks/", headers={"Accept": "application/json"}).json()["count"]
    assert expected > 0  # the demo gives the district officer work
    for lang, word in (("zh-hans", "项待办"), ("en", "task")):
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": site}])
        page.goto(f"{site}/")
        badge = page.wait_for_selector("#eb-task-count .badge")
        assert badge.text_content().strip() == str(expected)
        assert word in badge.get_attribute("title")
    assert any(u.endswith("/me/badges/") for u in seen)
    assert not foreign, f"requests to other hosts: {foreign}"


def test_type_ahead_picker_offers_names_in_scope(browser, site):
    """A district officer filters by area by typing its name: the list offers the district's streets only,
    choosing one puts its code in the query, and a name outside the district is not offered."""
    page = browser.new_page()
    seen, foreign = watch(page, site)
    sign_in(page, site, "dongcheng")
    page.goto(f"{site}/admin-area/jurisdictions/")
    box = page.locator(".eb-picker-text").first
    box.fill("西城")
    page.wait_for_selector(".eb-picker-menu.show >> text=无匹配结果")
    menu = page.locator(".eb-picker-menu.show")
    assert menu.get_by_text("西城区").count() == 0
    box.fill("东华")
    page.wait_for_selector(".eb-picker-menu.show .dropdown-item >> text=东华门街道")
    assert menu.locator(".dropdown-item").count() == 1
    menu.locator(".dropdown-item").filter(has_text="东华门街道").click()
    assert box.input_value() == "东华门街道"
    page.locator("form.eb-filter button.btn-primary").click()
    page.wait_for_url("**within=110101001000**")
    assert page.locator(".eb-picker-text").first.input_value() == "东华门街道"
    page.screenshot(path=str(SHOTS / "picker-zh.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_station_network_picks_stations_by_name(browser, site, width):
    """The station-network form (issue 17: 600 stations in a city) lists the chosen stations and adds more by
    typing a name: choosing adds a chip, × removes one, saving stores exactly the listed stations; on a phone
    the form does not scroll sideways."""
    from envbureau.quality.demo_step import ensure_stations
    from envbureau.quality.models import AirStation, StationNetwork

    ensure_stations(lambda m: None)
    net = StationNetwork.objects.get(purpose="ranking")
    dongsi, tiantan = AirStation.objects.get(name_en="Dongsi"), AirStation.objects.get(name_en="Tiantan")
    net.stations.set([dongsi, tiantan])
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    seen, foreign = watch(page, site)
    sign_in(page, site, "admin")
    page.goto(f"{site}/quality/networks/{net.pk}/edit/")
    assert page.locator("select[name=stations]").count() == 0
    chips = page.locator(".eb-picker-multi .eb-picker-chip")
    assert chips.count() == 2 and page.locator(".eb-picker-multi .eb-picker-n").inner_text() == "2"
    box = page.locator(".eb-picker-multi .eb-picker-text")
    box.fill("官园")
    page.wait_for_selector(".eb-picker-menu.show .dropdown-item")
    page.locator(".eb-picker-menu.show .dropdown-item").filter(has_text="官园").first.click()
    assert chips.count() == 3 and box.input_value() == ""
    assert page.locator(".eb-picker-multi .eb-picker-n").inner_text() == "3"
    chips.filter(has_text=tiantan.name).locator(".eb-picker-remove").click()
    assert chips.count() == 2
    if width == 390:
        problem = overflow(page, "network-form")
        assert problem is None, problem
    else:
        page.screenshot(path=str(SHOTS / "network-form.png"), full_page=True)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/quality/networks/{net.pk}/")
    assert set(net.stations.values_list("name_en", flat=True)) == {"Dongsi", "Guanyuan"}
    assert not foreign, f"requests to other hosts: {foreign}"


def test_public_ratings_fit_a_phone(browser, site):
    """The public credit ratings page, opened without signing in on a 390 px phone, with a long name."""
    from envbureau.core.models import Jurisdiction
    from envbureau.enforcement.models import CreditRating

    CreditRating.objects.create(enterprise_id=1, enterprise_name="北京市东城区某某环保科技股份有限公司第一分公司污水处理厂",
                                jurisdiction=Jurisdiction.objects.get(code="110101"), year=2025, score=74.5,
                                grade="yellow", published_on="2026-05-20")
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    seen, foreign = watch(page, site)
    page.goto(f"{site}/public/enforcement/ratings/")
    assert "/accounts/login/" not in page.url
    assert page.get_by_text("环保警示企业(黄牌)").count() >= 1
    problem = overflow(page, "public-ratings")
    assert problem is None, problem
    assert not foreign, f"requests to other hosts: {foreign}"


def test_credit_rating_and_repair_publicity_fit_a_phone(browser, site):
    """A rating's page (21 indicators with group, band, source and links; a veto) and its repair on a 390 px phone
    for the bureau, and the public publicity list of repairs without signing in."""
    import datetime as dt

    from envbureau.core import workflow as wf
    from envbureau.core.models import Jurisdiction
    from envbureau.enforcement import config, credit, services
    from envbureau.enforcement.models import Case, Transfer
    from envbureau.sources.models import Enterprise

    e = Enterprise.objects.create(credit_code="91110101MA01ZZZZ9X", name="北京市东城区某某环保科技股份有限公司第一分公司污水处理厂",
                                  jurisdiction=Jurisdiction.objects.get(code="110101"))
    services.sync_pool(None)
    keys = credit.entry_keys(e.pk, 2025)
    r = credit.rate(None, enterprise_id=e.pk, year=2025, scores={k: 70 for k in keys},
                    sources="2025年度企业自评报告及现场核查记录(第12号核查表)", published_on=dt.date(2026, 5, 20))
    req = credit.apply_repair(None, r, applicant="环保负责人", corrective_actions="在线监控设施整改完成",
                              documents=list(config.get("credit_repair_documents")), applied_on="2026-08-20")
    wf.apply(None, req, "approve", decided_on="2026-08-24", note="整改到位")
    case = Case.objects.create(code="AJ2025-E2E", enterprise_id=e.pk, party=e.name, jurisdiction=e.jurisdiction,
                               cause="篡改数据", act_date=dt.date(2025, 3, 1), provision="x", filed_on=dt.date(2025, 3, 2))
    Transfer.objects.create(code="AJ2025-E2E-YS1", case=case, kind="crime", enterprise_id=e.pk, party=e.name,
                            jurisdiction=e.jurisdiction, transferred_on=dt.date(2025, 4, 1))
    vetoed = credit.rate(None, enterprise_id=e.pk, year=2025, scores={k: 70 for k in keys}, sources="核查")
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    seen, foreign = watch(page, site)
    page.goto(f"{site}/public/enforcement/repairs/")
    assert page.get_by_text("公示至").count() >= 1
    problems = [overflow(page, "public-repairs")]
    sign_in(page, site, "admin")
    for label, path in (("rating", f"/enforcement/ratings/{vetoed.pk}/"), ("repair", f"/enforcement/repairs/{req.pk}/")):
        resp = page.goto(f"{site}{path}")
        assert resp.status == 200, f"{label}: HTTP {resp.status}"
        problems.append(overflow(page, label))
    assert page.get_by_text("公示期异议成立").count() >= 1
    assert [p for p in problems if p] == []
    assert not foreign, f"requests to other hosts: {foreign}"


def test_public_portal_and_report_preview_fit_a_phone(browser, site):
    """An anonymous visitor opens the public portal, and the leader a bulletin's preview, on a 390×844 phone:
    nothing may make the page scroll sideways, and nothing is fetched from another host."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "quality"))
    from quality_helpers import prsa_bytes, prsa_frame

    from envbureau.quality.airdata import import_files
    from envbureau.quality.demo_step import ensure_stations
    from envbureau.quality.demo_synthetic import load_synthetic

    ensure_stations(lambda m: None)
    import_files([(f"PRSA_Data_{st}_slice.csv", prsa_bytes(prsa_frame(st, ((2016, 12),))))
                  for st in ("Dongsi", "Guanyuan", "Aotizhongxin")], fmt="prsa")
    load_synthetic(lambda m: None)
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    _seen, foreign = watch(page, site)
    too_wide = []
    for label, path in [("portal", "/public/"), ("portal-air", "/public/air/?location=BJ-Dongsi"),
                        ("portal-water", "/public/water/?year=2016"), ("portal-noise", "/public/noise/?year=2016")]:
        resp = page.goto(f"{site}{path}")
        assert resp.status == 200, f"{label} {path}: HTTP {resp.status}"
        too_wide.append(overflow(page, label))
    sign_in(page, site, "leader")
    for label, path in [("report-air", "/reports/?type=air_bulletin&j=110000&period=2016-12"),
                        ("report-water", "/reports/?type=water_report&j=110000&period=2016-12")]:
        resp = page.goto(f"{site}{path}")
        assert resp.status == 200, f"{label} {path}: HTTP {resp.status}"
        too_wide.append(overflow(page, label))
    too_wide = [t for t in too_wide if t]
    assert not too_wide, "\n".join(too_wide)
    assert not foreign, f"requests to other hosts: {foreign}"


def test_patrol_from_a_phone(browser, site, settings, tmp_path):
    """A grid officer on a 390×844 phone records a patrol: the page fits, "获取当前位置" fills the position from
    the phone's location, a photo is attached, the finding follows up a complaint in the grid's street; the
    patrol is stored with that position, the photo without its EXIF, and the complaint's timeline has it."""
    import io

    from PIL import Image

    from envbureau.complaints import services as complaints
    from envbureau.complaints.models import Complaint
    from envbureau.core.models import Jurisdiction, TimelineEvent, User
    from envbureau.projects import grids
    from envbureau.projects.models import Evidence, Grid, Patrol

    settings.MEDIA_ROOT = tmp_path
    street = Jurisdiction.objects.get(code="110101001000")
    officer = User.objects.get(username="donghuamen")
    grid = grids.create_grid(None, Grid(code="E2E-G1", name="东华门一号网格", level=3, jurisdiction=street,
                                        head="王网格长"), {"officers": [officer]})
    complaint = complaints.register(None, Complaint(
        jurisdiction=street, channel="hotline", track="clue", category="air", title="餐馆油烟扰民",
        content="东华门大街餐馆油烟直排", location="东华门大街1号"), suggest=False)
    im, buf = Image.new("RGB", (64, 48), (200, 90, 30)), io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    im.save(buf, format="JPEG", exif=exif)

    browser.grant_permissions(["geolocation"], origin=site)
    browser.set_geolocation({"latitude": 39.915123, "longitude": 116.397456})
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    seen, foreign = watch(page, site)
    sign_in(page, site, "donghuamen")
    resp = page.goto(f"{site}/projects/grids/{grid.pk}/patrol/")
    assert resp.status == 200
    assert overflow(page, "patrol") is None, overflow(page, "patrol")
    page.get_by_role("button", name="获取当前位置").click()
    page.wait_for_function("document.getElementById('eb-lat').value !== ''")
    assert page.locator("#eb-pos").inner_text().startswith("116.39746, 39.91512")
    page.locator("textarea[name=visited]").fill("东华门大街餐馆3家")
    page.locator("textarea[name=findings]").fill("一家餐馆油烟净化器未开启")
    page.locator("#eb-complaint").select_option(str(complaint.pk))
    page.locator("input[name=files]").set_input_files(
        [{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": buf.getvalue()}])
    page.get_by_role("button", name="提交巡查记录").click()
    page.wait_for_url(f"{site}/projects/grids/{grid.pk}/patrol/")
    assert "已提交巡查记录" in page.content()
    assert complaint.number in page.locator("ul.list-group").inner_text()  # the recent patrols say what it followed
    assert overflow(page, "patrol-done") is None, overflow(page, "patrol-done")

    p = Patrol.objects.get(grid=grid)
    assert (p.longitude, p.latitude, p.officer_id, p.complaint_id) == (116.397456, 39.915123, officer.pk, complaint.pk)
    assert (p.visited, p.findings) == ("东华门大街餐馆3家", "一家餐馆油烟净化器未开启")
    ev = Evidence.objects.get(model="projects.grid", object_id=str(grid.pk))
    with ev.file.open("rb") as f, Image.open(f) as stored:
        assert stored.size == (64, 48) and not stored.getexif()
    assert TimelineEvent.objects.filter(model="complaints.complaint", object_id=str(complaint.pk),
                                        verb="follow_up").count() == 1
    # the officer's other patrol pages on the same phone: the patrol list and record, the grids and the coverage
    too_wide = []
    for label, url, needle in (("patrols", "/projects/patrols/", "东华门一号网格"),
                               ("patrol-detail", f"/projects/patrols/{p.pk}/", "一家餐馆油烟净化器未开启"),
                               ("grids", "/projects/grids/", "E2E-G1"),
                               ("grid-detail", f"/projects/grids/{grid.pk}/", "王网格长"),
                               ("grid-statistics", "/projects/grids/statistics/", "东华门")):
        resp = page.goto(site + url)
        assert resp.status == 200, (url, resp.status)
        assert needle in page.content(), (url, needle)
        too_wide.append(overflow(page, label))
    assert not [t for t in too_wide if t], [t for t in too_wide if t]
    assert not foreign, f"requests to other hosts: {foreign}"


def test_public_complaint_map_picks_a_place_offline_at_phone_width(browser, site):
    """The complaint form's map: the districts' boundaries from the platform, a tap fills longitude and latitude
    (and the district), nothing requested from any other host, no horizontal scroll at 390 px."""
    from envbureau.core.boundaries import import_features
    from envbureau.core.models import Jurisdiction

    city = Jurisdiction.objects.get(code="110000")
    # two districts side by side (a test-made file; the bundled one is tested in tests/core/test_boundaries.py)
    sq = lambda x: {"type": "Polygon", "coordinates": [[[x, 39.8], [x + 0.1, 39.8], [x + 0.1, 39.9], [x, 39.9],  # noqa: E731
                                                         [x, 39.8]]]}
    import_features({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "东城区"}, "geometry": sq(116.4)},
        {"type": "Feature", "properties": {"name": "西城区"}, "geometry": sq(116.3)}]}, city)
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    _seen, foreign = watch(page, site)
    page.goto(f"{site}/public/complaints/")
    page.wait_for_selector("#eb-pick-map canvas")
    page.locator("#eb-pick-map").scroll_into_view_if_needed()
    box = page.locator("#eb-pick-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 2)  # the right half: 东城区
    page.wait_for_function("document.getElementById('id_lon').value !== ''", timeout=5000)
    lon, lat = float(page.input_value("#id_lon")), float(page.input_value("#id_lat"))
    assert 116.4 < lon < 116.5 and 39.8 < lat < 39.9, (lon, lat)
    assert page.input_value("#id_jurisdiction") == str(Jurisdiction.objects.get(code="110101").pk)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    marker = page.evaluate("echarts.getInstanceByDom(document.getElementById('eb-pick-map')).getOption().series[0].data")
    assert [[round(x, 6) for x in p] for p in marker] == [[lon, lat]]  # the picked place is marked on the map
    page.wait_for_timeout(800)  # the marker's animation, for the screenshot
    page.screenshot(path=str(SHOTS / "public-complaint-map-390.png"))
    assert not foreign, foreign



def test_dashboard_maps_redraw_their_points_over_the_boundaries(browser, site):
    """geo.js's apply(), which the dashboards' maps use (air stations via envbureau/charts.js, complaint hot
    spots, soil plots, river outfalls): a scatter on longitude/latitude axes becomes the same points on the
    districts' boundaries served by the platform; without boundaries it stays on its axes."""
    from envbureau.core.boundaries import import_features
    from envbureau.core.models import Jurisdiction

    page = browser.new_page()
    _seen, foreign = watch(page, site)
    draw = ("async () => { const el = document.createElement('div'); el.style.width = '300px';"
            " el.style.height = '200px'; document.body.appendChild(el); const c = echarts.init(el);"
            " const drawn = await window.ebGeo.apply(c, {xAxis: {type: 'value'}, yAxis: {type: 'value'},"
            " series: [{type: 'scatter', data: [[116.4, 39.9]]}]}, '110000'); const o = c.getOption();"
            " return {drawn, geo: (o.geo || []).map(g => g.map), cs: o.series[0].coordinateSystem,"
            " axes: (o.xAxis || []).length}; }")
    page.goto(f"{site}/public/complaints/")
    assert page.evaluate(draw) == {"drawn": False, "geo": [], "cs": "cartesian2d", "axes": 1}
    sq = {"type": "Polygon", "coordinates": [[[116.3, 39.8], [116.5, 39.8], [116.5, 40.0], [116.3, 40.0],
                                              [116.3, 39.8]]]}
    import_features({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "东城区"}, "geometry": sq}]}, Jurisdiction.objects.get(code="110000"))
    page.goto(f"{site}/public/complaints/")
    assert page.evaluate(draw) == {"drawn": True, "geo": ["eb-110000"], "cs": "geo", "axes": 0}
    assert not foreign, foreign
