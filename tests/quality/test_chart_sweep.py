"""Every chart the server describes (an ECharts option in a json_script tag read by envbureau/charts.js) has a
title, names on its axes — a value axis names its unit — and says 暂无数据 when it has nothing to draw
(issue #10, "Charts, empty states"). Every page of the authorization-matrix sweep as the admin on the light demo of
every app is checked (`charts_in`, one of that sweep's page checks), so a chart added anywhere is checked.

A chart a page builds in its own JavaScript (data fetched after load, a map redrawn over the boundaries) is
not in the HTML to read: the sweep finds every page whose inline script calls echarts.init, and each must be
one that tests/e2e/test_chart_options.py opens in Chromium, where the drawn chart's options are read back and
held to the same rules, in Chinese and in English."""

from chart_pages import builds_charts, chart_problems


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
