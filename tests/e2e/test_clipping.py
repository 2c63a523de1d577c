"""Lists and statistics at 1440 px (issue #10): every list and statistics page, opened as the platform
admin on the light demo of every app, shows each table cell whole (nothing cut by overflow:hidden or an
ellipsis), and a table wider than its card scrolls inside the card, never the page itself.

Chromium (/usr/bin/chromium) through Playwright, as the other browser tests."""

import pytest
from test_browser import browser, demo_site, overflow, sign_in, site, watch  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 1440

# Per page: table cells whose content is cut, and tables wider than their box that do not scroll in a box.
AUDIT_JS = """() => {
  const out = {clipped: [], loose: []};
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  for (const table of document.querySelectorAll('main table, .container table, .container-fluid table')) {
    if (!table.getClientRects().length) continue;  // folded away
    for (const el of table.querySelectorAll('th, td, th *, td *')) {
      const s = getComputedStyle(el);
      const hides = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
      if (hides && el.scrollWidth > el.clientWidth + 1)
        out.clipped.push({what: name(el), text: (el.innerText || '').trim().slice(0, 40),
                          scroll: el.scrollWidth, client: el.clientWidth});
    }
    const box = table.parentElement;
    if (table.scrollWidth > box.clientWidth + 1) {
      let p = box, scrolls = false;
      while (p && p !== document.body) {
        if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) { scrolls = true; break; }
        p = p.parentElement;
      }
      if (!scrolls) out.loose.push({what: name(table), width: table.scrollWidth, box: box.clientWidth});
    }
  }
  return out;
}"""


def _pages():
    """List and statistics pages of the authorization-matrix sweep that need no object."""
    import test_authorization_matrix as matrix

    out = []
    for ep in matrix.endpoints():
        if ep.is_api or ep.is_admin_site or ep.object_kwarg or ep.kwargs:
            continue
        if not (ep.name.endswith(("-list", ":list", "statistics", "stats", "dashboard", "rankings", "board"))
                or ep.name in ("quality:assessment", "quality:headline", "quality:warnings", "core:audit-list",
                               "core:tasks", "ledger:inbox", "sources:alarm-list")):
            continue
        url = ep.build()
        if url and not url.startswith("/public"):
            out.append((ep.name, url))
    return sorted(set(out))


def test_lists_and_statistics_show_every_cell_whole_at_1440(browser, demo_site):  # noqa: F811
    page = browser.new_page()
    page.set_viewport_size({"width": WIDTH, "height": 900})
    _seen, foreign = watch(page, demo_site)
    sign_in(page, demo_site, "admin")
    pages = _pages()
    assert len(pages) > 30
    problems, visited = [], 0
    for name, url in pages:
        r = page.goto(demo_site + url)
        if r is None or r.status != 200:
            continue
        visited += 1
        page.wait_for_load_state("load")
        found = page.evaluate(AUDIT_JS)
        wide = overflow(page, f"desk-{name.replace(':', '-')}", width=WIDTH)
        for c in found["clipped"][:3]:
            problems.append(f"{name} {url}: cell cut ({c['what']} «{c['text']}» {c['scroll']}>{c['client']} px)")
        for t in found["loose"][:3]:
            problems.append(f"{name} {url}: table {t['width']} px in a {t['box']} px box that does not scroll")
        if wide:
            problems.append(wide)
    assert visited > 30
    assert not problems, "\n".join(problems)
    # the audit itself: a cut cell and a loose wide table are found
    page.evaluate("""() => document.querySelector('main, .container, .container-fluid').insertAdjacentHTML('beforeend',
      '<table><tr><td style="max-width:60px;overflow:hidden;white-space:nowrap">一段很长很长很长很长的文字</td></tr></table>'
      + '<div style="width:200px"><table style="width:3000px"><tr><td>宽</td></tr></table></div>')""")
    found = page.evaluate(AUDIT_JS)
    assert [c["text"] for c in found["clipped"]] == ["一段很长很长很长很长的文字"]
    assert [t["width"] for t in found["loose"]] == [3000]
    assert not foreign, f"requests to other hosts: {foreign}"
