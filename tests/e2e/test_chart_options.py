"""Charts a page builds in its own JavaScript (tests/chart_pages.py), read back from the drawn chart in
Chromium: each has a title (its own, or the card header or heading above it), every axis a name and every
value axis its unit, and — in English — no Chinese in titles, axis names or series names (issue #10).
Described charts (json options read by envbureau/charts.js) are checked without a browser by
tests/chart_pages.py (`charts_in`, run by the matrix's admin sweep); both hold charts to the same rules.

Chromium (/usr/bin/chromium) through Playwright, as the other browser tests; the light demo of every app."""

import re

import pytest
from test_browser import browser, demo_site, sign_in, site, watch  # noqa: F401  (fixtures)

from chart_pages import PAGE_BUILT
from test_english import pending_msgids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNIT = re.compile(r"µg/m³|μg/m³|mg/m³|mg/L|dB\(A\)|%|°|天|个|件|km|AQI|指数|（|\(")
HAN = re.compile(r"[\u4e00-\u9fff]")

# Every drawn chart of the page: its option as ECharts holds it, and the heading it sits under.
READ_JS = """() => Array.from(document.querySelectorAll('[_echarts_instance_]')).map(el => {
  const o = echarts.getInstanceByDom(el).getOption();
  let heading = '';
  for (let n = el; n && !heading && n !== document.body; n = n.parentElement) {
    for (let s = n.previousElementSibling; s && !heading; s = s.previousElementSibling) {
      if (/^H[1-6]$/.test(s.tagName) || s.classList.contains('card-header')) heading = s.innerText.trim();
    }
  }
  const axes = k => (o[k] || []).map(a => ({name: a.name || '', type: a.type || ''}));
  return {id: el.id, heading, title: (o.title || []).map(t => t.text || '').filter(Boolean),
          x: axes('xAxis'), y: axes('yAxis'), geo: (o.geo || []).length,
          series: (o.series || []).map(s => ({name: s.name || '', type: s.type}))};
})"""


def chart_problems(charts: list[dict], english: bool, pending=()) -> list[str]:
    """What is wrong with the drawn charts; `pending`: strings whose English is not merged into the catalogue
    yet (test_english.pending_msgids), which show in Chinese without anything being wrong with the code."""

    def han(word: str) -> bool:
        for anchor, rx in pending:
            if anchor in word:
                word = rx.sub(" ", word)
        return bool(HAN.search(word))

    out = []
    for c in charts:
        where = c["id"] or "chart"
        title = (c["title"] or [c["heading"]])[0]
        if not title:
            out.append(f"{where}: no title")
        for key in ("x", "y"):
            for ax in c[key]:
                if not ax["name"]:
                    out.append(f"{where}: {key}Axis has no name")
                elif ax["type"] == "value" and not UNIT.search(ax["name"]):
                    out.append(f"{where}: {key}Axis «{ax['name']}» names no unit")
        if english:
            words = [title] + [a["name"] for a in c["x"] + c["y"]] + [s["name"] for s in c["series"]]
            chinese = [w for w in words if han(w)]
            if chinese:
                out.append(f"{where}: Chinese in an English chart: {chinese}")
    return out


def test_checker_itself():
    ok = [{"id": "m", "heading": "排口分布", "title": [], "geo": 0, "x": [{"name": "经度(°)", "type": "value"}],
           "y": [{"name": "纬度(°)", "type": "value"}], "series": [{"name": "已确认", "type": "scatter"}]}]
    assert chart_problems(ok, english=False) == []
    assert chart_problems(ok, english=True) == ["m: Chinese in an English chart: ['排口分布', '经度(°)', '纬度(°)', '已确认']"]
    bad = [{"id": "p", "heading": "", "title": [], "geo": 0, "x": [{"name": "", "type": "category"}],
            "y": [{"name": "浓度", "type": "value"}], "series": []}]
    assert chart_problems(bad, english=False) == ["p: no title", "p: xAxis has no name", "p: yAxis «浓度» names no unit"]
    pending = [("排口分布", re.compile("排口分布"))]
    assert chart_problems(ok, english=True, pending=pending) == [
        "m: Chinese in an English chart: ['经度(°)', '纬度(°)', '已确认']"]


def _url(name: str, model_label: str | None) -> str:
    from django.apps import apps
    from django.urls import reverse

    if model_label is None:
        return reverse(name)
    model = apps.get_model(model_label)
    if model_label == "sources.MonitoringPoint":  # a point with data, so that the series is drawn
        obj = model.objects.exclude(last_data_at=None).order_by("pk").first()
    else:
        obj = model.objects.order_by("pk").first()
    assert obj is not None, f"the light demo has no {model_label} for {name}"
    return reverse(name, args=[obj.pk])


def test_page_built_charts_are_labelled_in_the_ui_language(browser, demo_site):  # noqa: F811
    page = browser.new_page()
    _seen, foreign = watch(page, demo_site)
    sign_in(page, demo_site, "admin")
    urls = {name: _url(name, model) for name, model in PAGE_BUILT.items()}
    problems, drawn, pending = [], {}, pending_msgids()
    for lang in ("zh-hans", "en"):
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": demo_site}])
        for name, url in urls.items():
            r = page.goto(demo_site + url)
            assert r is not None and r.status == 200, f"{name} {url}: HTTP {r and r.status}"
            page.wait_for_load_state("networkidle")
            try:  # a chart fed by a fetch is drawn once its data is in
                page.wait_for_function("document.querySelectorAll('[_echarts_instance_]').length > 0", timeout=5000)
            except Exception:
                pass
            charts = page.evaluate(READ_JS)
            drawn[(lang, name)] = len(charts)
            problems += [f"[{lang}] {name} {url}: {p}" for p in chart_problems(charts, english=lang == "en", pending=pending)]
    missing = [k for k, n in drawn.items() if n == 0]
    assert not missing, f"no chart drawn on {missing}"
    assert not problems, "\n".join(problems)
    assert not foreign, f"requests to other hosts: {foreign}"
