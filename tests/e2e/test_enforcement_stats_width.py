"""The enforcement statistics' by-industry and by-department tables in English: at 1440 px they fit their card
(headers and each cell's last-year line wrap; they used to scroll sideways), at 390 px the page stays 390 px wide
and the table scrolls inside its card under a first column that stays in view.

Chromium (/usr/bin/chromium) through Playwright, as the other browser tests."""

import pytest
from test_browser import browser, overflow, sign_in, site, watch  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOXES_JS = """() => [...document.querySelectorAll('table.eb-breakdown')].map(t => {
  const box = t.parentElement, first = t.querySelector('tbody tr > :first-child');
  return {scroll: box.scrollWidth, client: box.clientWidth, rows: t.tBodies[0].rows.length,
          sticky: first ? getComputedStyle(first).position : ''};
})"""


def test_breakdown_tables_fit_1440_and_scroll_inside_at_390_in_english(browser, site):  # noqa: F811
    from envbureau.enforcement.demo import load_enforcement
    from envbureau.ledger.demo import load_ledger

    load_ledger(lambda m: None)
    load_enforcement(lambda m: None)
    page = browser.new_page()
    _seen, foreign = watch(page, site)
    sign_in(page, site, "admin")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    page.set_viewport_size({"width": 1440, "height": 900})
    assert page.goto(f"{site}/enforcement/statistics/").status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    tables = page.evaluate(BOXES_JS)
    assert len(tables) == 2 and all(t["rows"] >= 1 for t in tables), tables
    assert all(t["scroll"] <= t["client"] + 1 for t in tables), f"a breakdown table scrolls at 1440 px: {tables}"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/enforcement/statistics/")
    assert not overflow(page, "enforcement-statistics-en")
    assert all(t["sticky"] == "sticky" for t in page.evaluate(BOXES_JS))
    assert not foreign, f"requests to other hosts: {foreign}"
