"""Every chart the server describes (an ECharts option in a json_script tag read by envbureau/charts.js) has a
title, names on its axes — a value axis names its unit — and says 暂无数据 when it has nothing to draw
(issue #10, "Charts, empty states"). Walks every page of the authorization-matrix sweep as the admin on
the light demo of every app, so a chart added anywhere is checked.

A chart a page builds in its own JavaScript (data fetched after load, a map redrawn over the boundaries) is
not in the HTML to read: the sweep finds every page whose inline script calls echarts.init, and each must be
one that tests/e2e/test_chart_options.py opens in Chromium, where the drawn chart's options are read back and
held to the same rules, in Chinese and in English."""

import html as htmllib
import json
import re

from django.test import Client
from django.urls import resolve

from chart_pages import NOT_CHARTS, PAGE_BUILT
from test_authorization_matrix import endpoints, world  # noqa: F401  (fixture)

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


def test_checker_itself():
    assert builds_charts('<script>var c = echarts.init(el); c.setOption({});</script>')
    assert not builds_charts('<script src="/static/envbureau/charts.js"></script><script id="opt-a" '
                             'type="application/json">{}</script>')
    ok = ('<div class="card"><div class="card-header">PM2.5月均浓度</div><div class="card-body">'
          '<div data-eb-chart="opt-a" data-eb-empty="暂无数据"></div>'
          '<script id="opt-a" type="application/json">{"xAxis": {"type": "category", "name": "月份"},'
          ' "yAxis": {"type": "value", "name": "浓度(µg/m³)"}}</script></div></div>')
    assert chart_problems(ok) == []
    bad = ('<div data-eb-chart="opt-b"></div><script id="opt-b" type="application/json">'
           '{"xAxis": {"type": "category"}, "yAxis": {"type": "value", "name": "浓度"}}</script>')
    assert chart_problems(bad) == ["opt-b: no title", "opt-b: no empty-state text (data-eb-empty)",
                                   "opt-b: xAxis has no name", "opt-b: yAxis «浓度» names no unit"]


def test_every_described_chart_has_title_axis_names_units_and_empty_state(world, db):  # noqa: F811
    from envbureau.core.models import User

    c = Client()
    c.force_login(User.objects.get(username="admin"))
    charts, problems = 0, {}
    for ep in endpoints():
        if ep.is_api or ep.is_admin_site or "format" in ep.kwargs:
            continue
        pk = None
        if ep.object_kwarg and ep.model is not None:
            pk = ep.model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        url = ep.build({ep.object_kwarg: pk} if pk is not None else None)
        if url is None:
            continue
        r = c.get(url)
        if r.status_code != 200 or "html" not in r.get("Content-Type", ""):
            continue
        page = r.content.decode()
        charts += len(CHART.findall(page))
        served_by = resolve(url.split("?")[0]).view_name  # two names on one path: the view that answers
        if builds_charts(page) and served_by not in PAGE_BUILT and served_by not in NOT_CHARTS:
            problems.setdefault(url, []).append(
                f"[{served_by}] draws a chart in its own JavaScript: describe the option on the server (charts.js) "
                "or add the page to tests/chart_pages.py PAGE_BUILT")
        found = chart_problems(page)
        if found:
            problems[url] = found
    assert charts >= 5
    assert not problems, "\n".join(f"{u}: {'; '.join(p)}" for u, p in problems.items())
