"""The pages that draw charts in their own JavaScript (the data comes after the page, or a map is redrawn over
the district boundaries): tests/e2e/test_chart_options.py opens each in Chromium and reads the drawn charts'
options back; `charts_in` below fails on any other page whose inline script calls echarts.init.

PAGE_BUILT: URL name → the model of the object the URL names (None: the page needs no object).

`charts_in(pages)` is the check of the charts the server describes, run by the authorization matrix's admin sweep
(tests/test_authorization_matrix.py, `page_checks`) on every page it renders; tests/quality/test_chart_sweep.py tests
the checker."""

import html as htmllib
import json
import re

from django.urls import resolve

PAGE_BUILT = {
    "sources:board": None,              # online status pie, redrawn after each htmx refresh
    "sources:point-page": "sources.MonitoringPoint",  # a factor's series, fetched for the chosen period
    "projects:outfall-statistics": None,  # outfalls by longitude/latitude, fetched from the map API
    "complaints:hotspots": None,        # complaint hot spots over the boundaries
    "soil:map": None,                   # plots over the boundaries
    "approvals:risk-map": None,         # enterprises by environmental risk level over the boundaries
}

# Pages that use ECharts for something that is not a chart of data (no axes, no series to read).
NOT_CHARTS = {
    "complaints_public:public-complaints-form": "the citizen picks the place on a map",
    "projects:outfalls-detail": "the outfall's own position on a map (one point, no data series)",
}


CHART = re.compile(r'<div data-eb-chart="([^"]+)"([^>]*)>')
INLINE_SCRIPT = re.compile(r"(?is)<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>")
UNIT = re.compile(r"µg/m³|μg/m³|mg/m³|mg/L|dB\(A\)|%|°|天|个|件|km|AQI|指数|（|\(")


def _option(page: str, ident: str) -> dict:
    m = re.search(rf'<script id="{re.escape(ident)}" type="application/json">(.*?)</script>', page, re.S)
    assert m, f"no option {ident}"
    return json.loads(htmllib.unescape(m.group(1)))


def _title(page: str, pos: int, option: dict) -> str:
    titles = option.get("title")
    for t in titles if isinstance(titles, list) else [titles]:
        if isinstance(t, dict) and t.get("text"):
            return t["text"]
    head = page.rfind('class="card-header', 0, pos)
    body = page.rfind('class="card-body', 0, pos)
    if head == -1 or head < page.rfind("</div></div>", 0, pos) or body < head:
        return ""
    return re.sub(r"<[^>]+>|\s+", " ", page[head:body]).split(">", 1)[-1].strip()


def chart_problems(page: str) -> list[str]:
    out = []
    for m in CHART.finditer(page):
        ident, attrs = m.group(1), m.group(2)
        option = _option(page, ident)
        if not isinstance(option, dict):  # nothing to draw: the empty-state text must stand in
            option = {}
        if not _title(page, m.start(), option):
            out.append(f"{ident}: no title")
        if "暂无数据" not in htmllib.unescape(attrs):
            out.append(f"{ident}: no empty-state text (data-eb-empty)")
        for key in ("xAxis", "yAxis"):
            axes = option.get(key)
            for ax in axes if isinstance(axes, list) else [axes] if axes else []:
                if not isinstance(ax, dict):
                    continue
                name = str(ax.get("name") or "")
                if not name:
                    out.append(f"{ident}: {key} has no name")
                elif ax.get("type", "category" if key == "xAxis" else "value") == "value" and not UNIT.search(name):
                    out.append(f"{ident}: {key} «{name}» names no unit")
    return out


def builds_charts(page: str) -> bool:
    """Whether an inline script of the page draws an ECharts chart itself."""
    return any("echarts.init(" in body for body in INLINE_SCRIPT.findall(page))


def charts_in(pages) -> list[str]:
    """Sweep check, on the pages the authorization matrix's admin sweep renders (tests/test_authorization_matrix.py,
    `page_checks`): every described chart is labelled, and a page drawing charts in its own JavaScript is one
    tests/e2e/test_chart_options.py opens."""
    charts, problems = 0, []
    for ep, url, page in pages:
        if ep.is_admin_site:
            continue
        charts += len(CHART.findall(page))
        served_by = resolve(url.split("?")[0]).view_name  # two names on one path: the view that answers
        if builds_charts(page) and served_by not in PAGE_BUILT and served_by not in NOT_CHARTS:
            problems.append(
                f"{url} [{served_by}] draws a chart in its own JavaScript: describe the option on the server "
                "(charts.js) or add the page to tests/chart_pages.py PAGE_BUILT")
        problems += [f"{url}: {p}" for p in chart_problems(page)]
    if charts < 5:
        problems.append(f"charts: only {charts} described charts on the pages (5 or more expected)")
    return problems
