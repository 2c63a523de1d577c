"""The newer pages as a user reads them (issue #10): the river outfall map and an outfall's page, the projects'
fund statistics, the HJ 941 parts of an emergency plan filing, and an incident's list of the enterprise's alarms,
at 390 px in Chinese and English — nothing scrolls the page sideways, an alarm's words and a record's change
history are readable (not squeezed into a column a letter wide); and the maps draw the bureau's intranet tiles
under the boundaries when, and only when, a tile server is configured."""

import pytest
from test_browser import browser, demo_site, overflow, sign_in, site, watch  # noqa: F401  (fixtures)

# a browser test like its neighbours: on the SQLite run only (`make test` runs "not browser" on PostgreSQL)
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pages():
    from envbureau.approvals.models import Incident
    from envbureau.projects.models import Fund, Outfall

    incident = Incident.objects.exclude(enterprise_id=None).order_by("pk").first()
    assert incident is not None, "the light demo has no incident of an enterprise"
    return [("outfalls", "/projects/outfalls/"), ("outfall", f"/projects/outfalls/{Outfall.objects.first().pk}/"),
            ("outfall-statistics", "/projects/outfalls/statistics/"), ("fund-statistics", "/projects/statistics/"),
            ("fund", f"/projects/funds/{Fund.objects.first().pk}/"), ("plan-form", "/approvals/plans/new/"),
            ("incident", f"/approvals/incidents/{incident.pk}/")]


# The narrowest a block of words may be drawn: the widest box of its words (a change history's values, an alarm's
# text) must be most of the phone's width, not a column squeezed beside four others.
NARROWEST = """sel => [...document.querySelectorAll(sel)].map(e => Math.round(e.getBoundingClientRect().width))"""


def test_newer_pages_read_on_a_phone(browser, demo_site):  # noqa: F811
    base = demo_site
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    _seen, foreign = watch(page, base)
    sign_in(page, base, "admin")
    too_wide, squeezed = [], []
    for lang in ("zh-hans", "en"):
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
        for label, path in _pages():
            resp = page.goto(f"{base}{path}")
            assert resp.status == 200, f"{label} {path}: HTTP {resp.status}"
            page.wait_for_load_state("networkidle")
            too_wide.append(overflow(page, f"{label}-{lang}"))
            for sel in ("[data-eb-history] .eb-wrap", "[data-incident-alarms] .text-break"):
                widths = page.evaluate(NARROWEST, sel)
                if widths and min(widths) < 300:
                    squeezed.append(f"{label}-{lang}: {sel} drawn {min(widths)} px wide")
        if lang == "zh-hans":  # the incident lists its enterprise's alarms, each with its words
            assert page.locator("[data-incident-alarms] li").count() >= 1
    too_wide = [t for t in too_wide if t]
    assert not too_wide, "\n".join(too_wide)
    assert not squeezed, "\n".join(squeezed)
    assert not foreign, f"requests to other hosts: {foreign}"


def test_maps_draw_the_intranet_tiles_only_when_configured(browser, demo_site, settings):  # noqa: F811
    """ENVBUREAU["MAP_TILES"] pointing at a tile server on the platform's own host (here a static file standing in
    for the tiles): the outfall statistics' map asks it for the tiles of the view, at a zoom within max_zoom, and
    shows the attribution; without the setting no tile is asked for."""
    base = demo_site
    from envbureau.core.boundaries import default_file, import_file
    from envbureau.core.models import Jurisdiction

    if not default_file().exists():
        import pytest

        pytest.skip("the bundled boundaries are not installed (scripts/install.sh)")
    import_file(default_file(), Jurisdiction.objects.get(code="110000"))
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    seen, foreign = watch(page, base)
    sign_in(page, base, "admin")

    def tiles_asked():
        return [u for u in seen if "favicon.svg?tile=" in u]

    page.goto(f"{base}/projects/outfalls/statistics/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert page.locator("#eb-map-tiles").count() == 0 and not tiles_asked()
    settings.ENVBUREAU = {**settings.ENVBUREAU, "MAP_TILES": {
        "url": "/static/envbureau/favicon.svg?tile={z}/{x}/{y}", "attribution": "本局瓦片", "max_zoom": 9}}
    page.goto(f"{base}/projects/outfalls/statistics/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)
    asked = tiles_asked()
    assert asked, "the map asked for no tile"
    zooms = {int(u.split("tile=")[1].split("/")[0]) for u in asked}
    assert zooms and max(zooms) <= 9
    # Beijing (116.4° E, 39.9° N) is tile x = 210, y = 97 at zoom 8 (x scales by 2 per zoom level)
    z = max(zooms)
    xs = {int(u.split("tile=")[1].split("/")[1]) for u in asked if u.split("tile=")[1].startswith(f"{z}/")}
    assert any(abs(x - 210 * 2 ** (z - 8)) <= 2 ** max(z - 8, 0) * 2 for x in xs), (z, xs)
    graphic = page.evaluate("echarts.getInstanceByDom(document.getElementById('eb-outfall-map')).getOption()"
                            ".graphic[0].elements.map(e => e.style && e.style.text)")
    assert "本局瓦片" in graphic
    assert not foreign, f"requests to other hosts: {foreign}"
