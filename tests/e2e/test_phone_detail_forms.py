"""Bureau staff on a 390×844 phone, in Chinese and in English (issue #10, "Phone"): every ledger problem's
detail page (one per state) and every action form its buttons lead to, and every complaint's detail page
(one per state) with all its action forms unfolded, fit the width (nothing scrolls the page sideways) and
cut no table cell; a complaint form's check boxes are Bootstrap check boxes whose label ticks them (a finger
rarely hits a bare 13 px box).

Chromium (/usr/bin/chromium) through Playwright, as the other browser tests."""

import re

import pytest
from test_browser import browser, overflow, sign_in, site, watch  # noqa: F401  (fixtures)
from test_clipping import AUDIT_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTION_LINK = re.compile(r"/ledger/problems/\d+/do/[a-z_]+/$")


def _check(page, label, found):
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    wide = overflow(page, label)
    if wide:
        found.append(wide)
    cut = page.evaluate(AUDIT_JS)
    if cut["clipped"] or cut["loose"]:
        found.append(f"{label} ({page.url}): cut cells {cut['clipped'][:4]}, tables not scrolling {cut['loose'][:4]}")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_problem_and_complaint_pages_and_forms_fit_a_phone(browser, site, lang):  # noqa: F811
    from envbureau.complaints.demo import load_demo
    from envbureau.complaints.models import Complaint
    from envbureau.ledger.demo import load_ledger
    from envbureau.ledger.models import Problem

    load_ledger(lambda m: None)
    load_demo(lambda m: None, n=40)
    problems = {p.state: p for p in Problem.objects.order_by("-pk")}
    complaints = {c.state: c for c in Complaint.objects.order_by("-pk")}
    assert len(problems) >= 5 and len(complaints) >= 5, (sorted(problems), sorted(complaints))

    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    watch(page, site)
    found = []
    for user, pages in [("oversight", [(f"problem-{s}", f"/ledger/problems/{p.pk}/") for s, p in sorted(problems.items())]),
                        ("petition", [(f"complaint-{s}", f"/complaints/{c.pk}/") for s, c in sorted(complaints.items())])]:
        page.context.clear_cookies()
        sign_in(page, site, user)
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": site}])
        forms = set()
        for label, path in pages:
            resp = page.goto(f"{site}{path}")
            assert resp.status == 200, f"{label} {path}: HTTP {resp.status}"
            _check(page, f"{lang}-{label}", found)
            forms |= {h for h in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
                      if ACTION_LINK.search(h or "")}
        if user == "oversight":
            assert len(forms) >= 4, forms  # assign, start, progress, request close-out, close out, reopen …
        for path in sorted(forms):
            resp = page.goto(f"{site}{path}")
            assert resp.status == 200, f"{path}: HTTP {resp.status}"
            _check(page, f"{lang}-form-{path.strip('/').replace('/', '-')}", found)
    assert not found, "\n".join(found)

    # the measures form of a complaint being investigated: its check boxes tick from their label
    c = complaints.get("investigated")
    assert c is not None
    page.goto(f"{site}/complaints/{c.pk}/")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    boxes = page.locator("form input[type=checkbox]")
    assert boxes.count() >= 2
    for i in range(boxes.count()):
        box = boxes.nth(i)
        assert "form-check-input" in (box.get_attribute("class") or "")
        page.click(f"label[for='{box.get_attribute('id')}']")
        assert box.is_checked(), box.get_attribute("id")
