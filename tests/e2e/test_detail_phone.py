"""A record's detail page (core's generic key/value table: cases, inspections, measures, ratings …) on a 390 px
phone in English: the labels wrap in their column and the values keep room to be read. The labels used to stay on
one line ("Late-payment surcharge (yuan)", "Unified social credit code"), leaving a case's values a column about
50 px wide, a character or two per line; and values broke inside English words.

Chromium (/usr/bin/chromium) through Playwright, as the other browser tests."""

import datetime as dt

import pytest
from test_browser import browser, overflow, sign_in, site, watch  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CELLS_JS = """() => [...document.querySelector('main table').rows]
  .filter(tr => tr.querySelector('th') && tr.querySelector('td'))
  .map(tr => ({label: tr.querySelector('th').innerText.trim(), th: tr.querySelector('th').getBoundingClientRect().width,
               td: tr.querySelector('td').getBoundingClientRect().width,
               breaks: getComputedStyle(tr.querySelector('td')).wordBreak}))"""


def _case():
    from envbureau.core.models import Jurisdiction
    from envbureau.enforcement import cases, services
    from envbureau.enforcement.models import Inspector, LegalBasis
    from envbureau.sources.models import Enterprise

    dc = Jurisdiction.objects.get(code="110101")
    ent = Enterprise.objects.create(credit_code="91110101MA01AAAA1X", name="测试企业1", jurisdiction=dc)
    services.sync_pool(None)
    LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                              effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)
    handlers = [Inspector.objects.create(name=f"执法{n}", badge_no=f"B{n:04d}", jurisdiction=dc) for n in (1, 2)]
    return cases.open_case(None, enterprise_id=ent.pk, cause="超标排放", provision="sign", act_date="2026-01-05",
                           filed_on="2026-01-10", handlers=handlers, facts="在线监测显示超标")


def test_case_detail_reads_on_a_phone_in_english(browser, site):  # noqa: F811
    case = _case()
    page = browser.new_page()
    _seen, foreign = watch(page, site)
    sign_in(page, site, "admin")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.goto(f"{site}/enforcement/cases/{case.pk}/").status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    assert not overflow(page, "case-detail-en")
    cells = page.evaluate(CELLS_JS)
    assert len(cells) > 20, cells
    narrow = [c for c in cells if c["td"] < 150]
    assert not narrow, f"values squeezed by their labels at 390 px: {narrow[:5]}"
    # English values wrap between words ("Seal-up and seizur|e", "Awaiting the hea|d's approval" with break-all)
    assert {c["breaks"] for c in cells} == {"normal"}, cells[:3]
    assert not foreign, f"requests to other hosts: {foreign}"
