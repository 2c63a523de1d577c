"""Pages of the quality app: dashboards, assessment, rankings, headline numbers, targets, warnings,
data review. Every number comes from assessment.py / envbureau.standards; every chart carries its
data table and an Excel export (``?export=<chart id>``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from urllib.parse import urlencode

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext, pgettext_lazy

from envbureau.core.counting import count_upto
from envbureau.core.excel import xlsx_response
from envbureau.core.models import Jurisdiction
from envbureau.core.params import int_param, month_param, year_param
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object, restrict
from envbureau.standards import stats
from envbureau.standards.air import category
from envbureau.standards.rounding import round_half_even

from . import assessment as A
from . import services
from .choices import POLLUTANT_LABELS, TARGET_DIRECTION, WARNING_COLOURS
from .forms import ReviewForm, WarningActionForm
from .models import AirStation, CityDaily, DataReview, StationLatest, Target, Warning

CATEGORY_HEX = {1: "#00E400", 2: "#FFFF00", 3: "#FF7E00", 4: "#FF0000", 5: "#99004C", 6: "#7E0023"}


def _need_view(request):
    if not has_perm(request.user, "quality.view"):
        raise PermissionDenied


def with_air_results(user=None):
    """EXISTS of a jurisdiction's daily air results (those ``user`` may see, or any): one seek on the
    (jurisdiction, date) key per jurisdiction, where a DISTINCT over the daily results read every
    jurisdiction-day of the history (16 ms a page at 5 years of a 150-street city)."""
    from django.db.models import Exists, OuterRef

    days = CityDaily.objects.filter(jurisdiction=OuterRef("pk"))
    return Exists(days if user is None else restrict(days, user, "view"))


def air_jurisdictions(user) -> list[Jurisdiction]:
    """Jurisdictions with air results that the user may see (city first, then districts …)."""
    return list(Jurisdiction.objects.filter(with_air_results(user)).order_by("path"))


def pick_jurisdiction(request, choices):
    code = request.GET.get("j")
    if code:
        for j in choices:
            if j.code == code:
                return j
        raise Http404
    return choices[0] if choices else None


def latest_date(j) -> dt.date | None:
    return CityDaily.objects.filter(jurisdiction=j).aggregate(m=Max("date"))["m"]


def pick_period(request, j) -> A.Period:
    g = request.GET
    try:
        if g.get("from") and g.get("to"):
            return A.make_period(start=g["from"], end=g["to"])
        if g.get("week"):  # ISO week "2016-W05" (input type=week): Monday … Sunday
            y, w = g["week"].split("-W")
            monday = dt.date.fromisocalendar(int(y), int(w), 1)
            p = A.make_period(start=monday, end=monday + dt.timedelta(days=6))
            return A.Period(p.start, p.end, f"{y}年第{int(w)}周({p.start:%-m月%-d日}～{p.end:%-m月%-d日})")
        last = latest_date(j) if j else None
        year = year_param(g, default=last.year if last else timezone.localdate().year)
        month = month_param(g)
        quarter = int_param(g, "quarter", lo=1, hi=4)
        return clip_to_data(A.make_period(year, month, quarter=quarter), last)
    except (ValueError, TypeError):
        raise Http404 from None


def air_page(title, choices_of=None, empty=None, outside=None):
    """Air pages share their preamble: view right, the jurisdictions the user may pick, the period.
    `empty` is what the page says when there is nothing to pick (default: no air data in your area);
    `outside(request, title, code)` answers for a ?j= that is not among the choices (default: 404)."""
    def deco(view):
        @login_required
        @functools.wraps(view)
        def wrapper(request):
            _need_view(request)
            choices = (choices_of or air_jurisdictions)(request.user)
            code = request.GET.get("j")
            if outside is not None and code and all(c.code != code for c in choices):
                return outside(request, title, code)
            j = pick_jurisdiction(request, choices)
            if j is None:
                return render(request, "quality/empty.html", {"title": title, "empty": empty})
            return view(request, choices, j, pick_period(request, j))
        return wrapper
    return deco


def clip_to_data(period: A.Period, last: dt.date | None) -> A.Period:
    """A period still running (data end inside it) becomes "to date", so that the same period last year
    and the previous period compare like with like ("2017年1—2月", "2017年(截至2月15日)")."""
    if last is None or not (period.start <= last < period.end):
        return period
    month_end = (last + dt.timedelta(days=1)).day == 1
    if month_end and period.start.day == 1 and period.start.month != last.month:
        label = f"{last.year}年{period.start.month}—{last.month}月"
    elif month_end and period.start.day == 1:
        label = f"{last.year}年{last.month}月"
    else:
        label = f"{period.label}(截至{last:%-m月%-d日})"
    return A.Period(period.start, last, label)


def _ctx(request, j, period, choices, **kw):
    last = latest_date(j) if j else None
    years = []
    if j:
        first = CityDaily.objects.filter(jurisdiction=j).order_by("date").values_list("date", flat=True).first()
        years = list(range(last.year, first.year - 1, -1)) if first else []
    for c in [*kw.get("charts", ()), *([kw["monthly"]] if "monthly" in kw else [])]:
        c["json_id"] = f"opt-{c['id']}"
        c["table_id"] = f"tbl-data-{c['id']}"
        c["table"] = {"header": c["header"], "rows": c["rows"]}
    if period is not None:  # headings name the period in the page's language
        period = dataclasses.replace(period, label=period_label_ui(period))
    return {"j": j, "period": period, "choices": choices, "years": years, "last_date": last, "months": range(1, 13),
            "query": urlencode({k: v for k, v in request.GET.items() if k != "export"}), **kw}


def network_notes(period, *juris) -> list[dict]:
    """The networks the figures of these jurisdictions came from (one line per purpose), for the page."""
    from .networks import describe

    out, seen = [], set()
    for j in juris:
        d = describe(j, period)
        if d["purpose"] not in seen:
            seen.add(d["purpose"])
            out.append(d)
    return out


def _export(request, charts, name):
    key = request.GET.get("export")
    if not key:
        return None
    sel = [c for c in charts if key in ("all", c["id"])]
    if not sel:
        raise Http404
    return xlsx_response(f"{name}.xlsx", [(_sheet(i, c["title"]), c["header"], c["rows"]) for i, c in enumerate(sel)],
                         request=request)


def _sheet(i: int, title: str) -> str:
    """Excel sheet titles: ≤ 31 characters, none of []:*?/\\, unique."""
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")
    return f"{i + 1}.{clean}"[:31]


def _f(x, nd=0):
    """Presentation rounding (GB/T 8170 half-even, from the standards library); None for missing."""
    if x is None:
        return None
    x = float(x)
    if np.isnan(x):
        return None
    v = float(round_half_even(x, nd))
    return v if nd else int(v)


# ---------------------------------------------------------------------------
# air dashboard
# ---------------------------------------------------------------------------
@air_page(gettext_lazy("空气质量总览"))
def air_dashboard(request, choices, j, period):
    year = period.start.year
    ypd = A.make_period(year)
    memo = {}  # the same years are read once for trends, targets and projection
    charts = [station_map(request.user, j), calendar_chart(j, ypd)]
    charts += trend_charts(j, year, memo)
    charts.append(category_months(j, year))
    gauges = target_progress(j, year, air_only=True, memo=memo)
    charts.append(gauge_chart(gauges, j, year))
    resp = _export(request, charts, f"空气质量总览-{j.name}-{year}")
    if resp:
        return resp
    return render(request, "quality/air_dashboard.html",
                  _ctx(request, j, ypd, choices, charts=charts, title=_("空气质量总览"), gauges=gauges,
                       networks=network_notes(ypd, j)))


def station_map(user, j):
    stations = list(restrict(AirStation.objects.filter(jurisdiction__path__startswith=j.path), user, "view")
                    .select_related("jurisdiction"))
    # the latest valid day per station is kept as data (StationLatest), not searched in the history
    latest = {d["station_id"]: {**d, "date": d["last_valid_date"]} for d in
              StationLatest.objects.filter(station__in=stations, last_valid_date__isnull=False)
              .values("station_id", "last_valid_date", "aqi", "level", "primary")}
    rows, points = [], []
    # the level labels translated once, not per station (get_FOO_display hashes the lazy choices every call:
    # a third of the dashboard's time at 600 stations)
    level_label = {k: str(v) for k, v in AirStation._meta.get_field("control_level").flatchoices}
    for s in stations:
        d = latest.get(s.pk)
        cat = category(d["aqi"]) if d else None
        rows.append([s.name, s.jurisdiction.name, level_label.get(s.control_level, s.control_level), s.longitude, s.latitude,
                     d["date"] if d else "", d["aqi"] if d else "", cat.name if cat else "",
                     _primary_text(d["primary"]) if d else ""])
        if s.longitude is not None:
            points.append({"name": s.name, "value": [s.longitude, s.latitude, d["aqi"] if d else None],
                           "itemStyle": {"color": cat.hex if cat else "#999"}})
    option = {
        "tooltip": {"trigger": "item"},
        "xAxis": {"type": "value", "scale": True, "name": _("经度(°)")},
        "yAxis": {"type": "value", "scale": True, "name": _("纬度(°)")},
        "series": [{"type": "scatter", "symbolSize": 18, "data": points,
                    "label": {"show": True, "position": "right", "formatter": "{b}"},
                    "labelLayout": {"hideOverlap": True}}],  # names that would overlap are hidden
        "grid": {"left": 50, "right": 80, "top": 30, "bottom": 40},
        # drawn over the districts' boundaries where the platform has them (geo.js), else on these axes
        "eb_boundaries": (j.parent.code if j.parent_id else j.code),
    }
    empty = (_("辖区内没有空气监测站点") if not stations else _("辖区内的站点都没有填写经纬度") if not points
             else None if latest else _("辖区内的站点尚无有效的日AQI"))
    return {"id": "stations", "title": _("站点最新日AQI(按级别着色)"), "option": option, "empty": empty,
            "header": [_("站点"), _("区县"), _("级别"), _("经度"), _("纬度"), _("日期"), "AQI", _("类别"), _("首要污染物")],
            "rows": rows,
            "note": _("底图为平台提供的行政区边界(离线,未导入边界时为坐标散点图);颜色为最近一个有效日的AQI类别")}


# Target statuses stay Chinese in target_rows (API, CLI) and are translated where a page shows them.
STATUS_WORDS = (gettext_noop("无数据"), gettext_noop("目前达到目标"), gettext_noop("目前未达目标"),
                gettext_noop("预计全年可完成"), gettext_noop("预计全年难以完成"), gettext_noop("见水环境页面"))


def _month(m: int) -> str:
    return _("%(m)s月") % {"m": m}


def _year(y: int) -> str:
    return _("%(y)s年") % {"y": y}


# Why a chart has nothing to draw, said under 暂无数据 (quality/_chart.html shows it when the browser finds the
# chart empty): worked out here so that it is in the reader's language.
def air_year_empty(j, year: int) -> str | None:
    """The reason a chart of j's air data in `year` is empty, or None when that year has days."""
    if year > timezone.localdate().year:
        return _("%(y)s年尚未到来") % {"y": year}
    if not CityDaily.objects.filter(jurisdiction=j, date__year=year).exists():
        return _("%(j)s%(y)s年没有空气质量日数据") % {"j": j.name, "y": year}
    return None


# assessment's statistic labels and units (its words stay Chinese for reports), for the catalogue
STAT_WORDS = (gettext_noop("PM2.5平均浓度"), gettext_noop("PM10平均浓度"), gettext_noop("SO2平均浓度"),
              gettext_noop("NO2平均浓度"), gettext_noop("CO日均值第95百分位浓度"), gettext_noop("O3日最大8小时平均第90百分位浓度"),
              gettext_noop("综合指数"), gettext_noop("微克/立方米"), gettext_noop("毫克/立方米"))
# AQI categories (HJ 633) as assessment.CATEGORY_NAMES spells them, for the catalogue
CATEGORY_WORDS = (gettext_noop("优"), gettext_noop("良"), gettext_noop("轻度污染"), gettext_noop("中度污染"),
                  gettext_noop("重度污染"), gettext_noop("严重污染"))


def _category(level: int) -> str:
    """The AQI category (优, 良, …) in the reader's language (assessment.CATEGORY_NAMES is the standards' Chinese)."""
    return _(A.CATEGORY_NAMES[level])


def _primary_text(codes: str) -> str:
    names = {"so2_24h": "SO2", "no2_24h": "NO2", "pm10_24h": "PM10", "co_24h": "CO", "o3_1h": "O3(1h)",
             "o3_8h": "O3(8h)", "pm25_24h": "PM2.5"}
    return "、".join(names.get(c, c) for c in codes.split(",") if c)


def calendar_chart(j, period):
    rows = list(CityDaily.objects.filter(jurisdiction=j, date__gte=period.start, date__lte=period.end)
                .order_by("date").values_list("date", "aqi", "level", "primary", "pm25", "rules"))
    data = [[d.isoformat(), a] for d, a, *_r in rows if a is not None]
    pieces = [{"min": lo, "max": hi, "color": CATEGORY_HEX[i + 1], "label": A.CATEGORY_NAMES[i + 1]}
              for i, (lo, hi) in enumerate([(0, 50), (51, 100), (101, 150), (151, 200), (201, 300), (301, 1000)])]
    option = {
        "tooltip": {}, "visualMap": {"type": "piecewise", "orient": "horizontal", "left": "center", "top": 0,
                                     "pieces": pieces},
        "calendar": {"range": str(period.start.year), "top": 60, "left": 40, "right": 20, "cellSize": ["auto", 14],
                     "dayLabel": {"nameMap": "ZH"}, "monthLabel": {"nameMap": "ZH"}, "yearLabel": {"show": False}},
        "series": [{"type": "heatmap", "coordinateSystem": "calendar", "data": data}],
    }
    table = [[d, a, _category(lv) if lv in A.CATEGORY_NAMES else _("无有效AQI"), _primary_text(p), _f(pm), r]
             for d, a, lv, p, pm, r in rows]
    empty = None if data else (air_year_empty(j, period.start.year) or _("所选时段没有有效的日AQI"))
    return {"id": "calendar", "title": _("%(j)s%(y)s年逐日AQI日历") % {"j": j.name, "y": period.start.year},
            "option": option, "height": 220, "empty": empty,
            "header": [_("日期"), "AQI", _("类别"), _("首要污染物"), "PM2.5(µg/m³)", _("标准")], "rows": table}


TREND_INDICATORS = [("pm25_24h", "PM2.5"), ("pm10_24h", "PM10"), ("no2_24h", "NO2"), ("o3_8h", "O3-8h")]


def trend_charts(j, year, memo=None):
    cur_p, prev_p = A.make_period(year), A.make_period(year - 1)
    d1, cur = A.load_daily([j.pk], cur_p, memo)
    d0, prev = A.load_daily([j.pk], prev_p, memo)
    charts = []
    months = [_month(m) for m in range(1, 13)]
    y1, y0 = _year(year), _year(year - 1)
    no_year = air_year_empty(j, year)
    for ind, label in TREND_INDICATORS:
        # monthly means with GB 3095 month validity, computed by the standards library
        g1 = stats.grouped(cur[ind][0], d1, "month", "mean")
        g0 = stats.grouped(prev[ind][0], d0, "month", "mean")
        s1 = [_f(v.value) for v in g1.stats]
        s0 = [_f(v.value) for v in g0.stats]
        option = {"tooltip": {"trigger": "axis"}, "legend": {"data": [y1, y0]},
                  "xAxis": {"type": "category", "data": months, "name": _("月份")},
                  "yAxis": {"type": "value", "name": _("浓度(µg/m³)")},
                  "series": [{"name": y1, "type": "line", "data": s1},
                             {"name": y0, "type": "line", "data": s0, "lineStyle": {"type": "dashed"}}],
                  "grid": {"left": 50, "right": 20, "top": 40, "bottom": 30}}
        rows = [[months[i], s1[i], s0[i], _pct(s1[i], s0[i])] for i in range(12)]
        empty = None
        if all(v is None for v in s1 + s0):
            empty = no_year if no_year and air_year_empty(j, year - 1) else _(
                "%(p)s:各月有效日数不足(GB 3095 表4),不给出月均值") % {"p": label}
        charts.append({"id": f"trend-{ind}", "title": _("%(p)s月均浓度(与上年对比)") % {"p": label}, "option": option,
                       "half": True, "empty": empty, "header": [_("月份"), y1, y0, _("同比(%)")], "rows": rows,
                       "note": _("月有效日数不足(GB 3095 表4)的月份不给出均值")})
    return charts


def _pct(a, b):
    if a is None or b in (None, 0):
        return None
    return round((a - b) / b * 100, 1)


def category_months(j, year):
    levels = list(CityDaily.objects.filter(jurisdiction=j, date__year=year).values_list("date", "level", "valid"))
    counts = np.zeros((12, 7), dtype=int)
    for d, lv, valid in levels:
        counts[d.month - 1, lv if valid else 0] += 1
    series = [{"name": _category(lv), "type": "bar", "stack": "days", "data": counts[:, lv].tolist(),
               "itemStyle": {"color": CATEGORY_HEX[lv]}} for lv in range(1, 7)]
    option = {"tooltip": {"trigger": "axis"}, "legend": {}, "xAxis": {"type": "category", "name": _("月份"),
                                                                        "data": [_month(m) for m in range(1, 13)]},
              "yAxis": {"type": "value", "name": _("天数(天)")}, "series": series,
              "grid": {"left": 40, "right": 20, "top": 40, "bottom": 30}}
    rows = [[_month(m + 1), *counts[m, 1:].tolist(), int(counts[m, 1:].sum()),
             _f(100 * counts[m, 1:3].sum() / counts[m, 1:].sum(), 1) if counts[m, 1:].sum() else None]
            for m in range(12)]
    empty = None if counts[:, 1:].sum() else (air_year_empty(j, year) or _("%(y)s年没有有效的日AQI") % {"y": year})
    return {"id": "categories", "title": _("%(y)s年各月空气质量级别天数") % {"y": year}, "option": option, "empty": empty,
            "header": [_("月份"), *(_category(lv) for lv in A.CATEGORY_NAMES), _("有效天数"), _("优良天数比率(%)")],
            "rows": rows}


# ---------------------------------------------------------------------------
# targets and their progress
# ---------------------------------------------------------------------------
TARGET_SOURCE = {"pm25_mean": "pm25_mean", "good_day_ratio": "good_day_ratio", "heavy_days": "heavy_days",
                 "composite_index": "composite_index", "pm10_mean": "pm10_mean", "no2_mean": "no2_mean",
                 "o3_8h_p90": "o3_8h_p90"}
WATER_TARGET_SOURCE = {"water_class3_share": "class_1_3_share", "water_class2_share": "class_1_2_share",
                       "water_worse_v_share": "worse_v_share", "water_target_rate": "meeting_target_rate"}


def target_met(value, t) -> bool | None:
    if value is None:
        return None
    return value <= t.value if TARGET_DIRECTION[t.indicator] == "le" else value >= t.value


def county_mean(j, period, key, memo=None) -> tuple[float | None, int]:
    """Arithmetic mean of a figure over the counties (child jurisdictions with air results) that have it
    — the "county-mean" target rule; returns (mean, number of counties averaged)."""
    kids = Jurisdiction.objects.filter(parent=j, pk__in=CityDaily.objects.values("jurisdiction_id").distinct())
    vals = [v for v in (A.assess_air(k, period, compare=False, memo=memo).get(key) for k in kids) if v is not None]
    return (sum(vals) / len(vals) if vals else None), len(vals)


def target_progress(j, year, air_only: bool = False, memo=None) -> list[dict]:
    targets = list(Target.objects.filter(jurisdiction=j, year=year))
    if air_only:
        targets = [t for t in targets if t.indicator in TARGET_SOURCE]
    if not targets:
        return []
    last = latest_date(j)
    end = min(dt.date(year, 12, 31), last) if last else dt.date(year, 12, 31)
    out = []
    if end < dt.date(year, 1, 1):
        ytd = None
    else:
        ytd_p = A.Period(dt.date(year, 1, 1), end, f"{year}年1—{end.month}月")
        ytd = A.assess_air(j, ytd_p, compare=False, memo=memo)
        prev = A.assess_air(j, ytd_p.shifted_year(-1), compare=False, memo=memo)
        proj = projection(j, year, end, memo)
    for t in targets:
        d = {"target": t, "label": t.get_indicator_display(), "value": t.value, "current": None, "previous": None,
             "projected": None, "status": "无数据", "direction": TARGET_DIRECTION[t.indicator]}
        key = TARGET_SOURCE.get(t.indicator)
        if t.section_scope:
            d["label"] = f"{t.get_section_scope_display()}{d['label']}"
        if key and ytd is not None and t.basis == "county_mean":
            d["current"], n = county_mean(j, ytd_p, key, memo)
            d["previous"], _n = county_mean(j, ytd_p.shifted_year(-1), key, memo)
            d["label"] = f"{d['label']}({n}个区县平均)"
            d["period"] = ytd["period"]["label"]
            ok = target_met(d["current"], t)
            if ok is not None:
                d["status"] = "目前达到目标" if ok else "目前未达目标"
        elif key and ytd is not None:
            d["current"], d["previous"] = ytd.get(key), prev.get(key)
            d["projected"] = proj.get(key) if proj else None
            d["period"] = ytd["period"]["label"]
            ok = target_met(d["current"], t)
            if ok is not None:
                d["status"] = "目前达到目标" if ok else "目前未达目标"
            if d["projected"] is not None:
                d["projection_text"] = "预计全年可完成" if target_met(d["projected"], t) else "预计全年难以完成"
        elif (t.indicator in WATER_TARGET_SOURCE or t.indicator == "drinking_compliance") and ytd is not None:
            from .water import assess_water

            def pick(w, t=t):
                return w["drinking"]["rate"] if t.indicator == "drinking_compliance" else w[WATER_TARGET_SOURCE[t.indicator]]

            scope = t.section_scope or None
            d["current"] = pick(assess_water(j, ytd_p, scope=scope))
            d["previous"] = pick(assess_water(j, ytd_p.shifted_year(-1), scope=scope))
            d["period"] = ytd_p.label
            ok = target_met(d["current"], t)
            if ok is not None:
                d["status"] = "目前达到目标" if ok else "目前未达目标"
        else:
            d["status"] = "见水环境页面"
        out.append(d)
    return out


def target_rows(j, year) -> list[dict]:
    """target_progress as plain values (API and CLI)."""
    keys = ("label", "value", "current", "previous", "projected", "status", "period", "projection_text")
    return [{"indicator": g["target"].indicator, "section_scope": g["target"].section_scope,
             "basis": g["target"].basis, **{k: g.get(k) for k in keys}} for g in target_progress(j, year)]


def projection(j, year, end: dt.date, memo=None) -> dict | None:
    """A projection, stated as such: this year's days to date plus last year's remaining days, assessed
    as one year (assumes the rest of the year repeats last year)."""
    if end >= dt.date(year, 12, 31):
        return None
    from envbureau.standards.assessment import assess_period

    full = A.make_period(year)
    dates, cur = A.load_daily([j.pk], full, memo)
    _d, prev = A.load_daily([j.pk], A.make_period(year - 1), memo)
    n_cur = (end - full.start).days + 1
    daily = {}
    for k, v in cur.items():
        pv = prev[k][0]
        if len(pv) != len(v[0]):  # leap years: align by day of year
            pv = np.resize(pv, len(v[0]))
        daily[k] = np.concatenate([v[0][:n_cur], pv[n_cur:]])
    pa = assess_period(daily, dates)
    return A.summary(pa, (), full)


def gauge_chart(gauges, j, year):
    series = []
    n = max(len([g for g in gauges if g["current"] is not None]), 1)
    i = 0
    rows = []
    for g in gauges:
        rows.append([g["label"], g["value"], g.get("current"), g.get("previous"), g.get("projected"), _(g["status"]),
                     _(g["projection_text"]) if g.get("projection_text") else ""])
        if g["current"] is None:
            continue
        mx = max(g["value"] * 1.5, g["current"] * 1.1, 1)
        if g["target"].indicator == "good_day_ratio":
            mx = 100
        series.append({"type": "gauge", "center": [f"{(i + 0.5) * 100 / n:.0f}%", "60%"], "radius": f"{min(80, 160 / n):.0f}%",
                       "min": 0, "max": round(mx, 1), "title": {"offsetCenter": [0, "90%"], "fontSize": 12},
                       "detail": {"fontSize": 16, "offsetCenter": [0, "55%"]},
                       "data": [{"value": g["current"], "name": f"{g['label']} {g['value']:g}"}]})
        i += 1
    option = {"series": series}
    empty = None
    if not gauges:
        empty = _("%(j)s未设定%(y)s年的空气质量目标") % {"j": j.name, "y": year}
    elif not series:
        empty = air_year_empty(j, year) or _("%(y)s年的目标指标尚无年初至今的监测结果") % {"y": year}
    return {"id": "targets", "title": _("%(y)s年目标任务进度(年初至今)") % {"y": year}, "option": option, "height": 240,
            "empty": empty,
            "header": [_("指标"), _("目标"), _("年初至今"), _("上年同期"), _("预测全年"), _("状态"), _("预测说明")],
            "rows": rows,
            "note": _("预测全年 = 今年已有天数 + 上年余下天数按一年评价(假设余下时段与上年相同),仅供参考")}


# ---------------------------------------------------------------------------
# assessment page
# ---------------------------------------------------------------------------
HOW = {
    "pm25_mean": gettext_lazy("各有效日城市日均值的算术平均;城市日均值 = 参与评价的站点日均值(≥20个有效小时)的算术平均 (HJ 663 §5, GB 3095 表4)"),
    "pm10_mean": gettext_lazy("同 PM2.5"), "so2_mean": gettext_lazy("同 PM2.5"), "no2_mean": gettext_lazy("同 PM2.5"),
    "co_p95": gettext_lazy("城市CO日均值按 HJ 663 附录A 计算第95百分位数"),
    "o3_8h_p90": gettext_lazy("城市O3日最大8小时滑动平均(17个时段,每段≥6小时)按 HJ 663 附录A 计算第90百分位数"),
    "good_day_ratio": gettext_lazy("AQI(HJ 633)≤100 的天数 ÷ 有效天数 × 100"),
    "good_days": gettext_lazy("AQI ≤ 100 的有效天数"), "heavy_days": gettext_lazy("AQI > 200 的有效天数"),
    "composite_index": gettext_lazy("Σ 各项浓度 ÷ GB 3095-2012 二级限值(CO 用第95百分位、O3 用第90百分位,《城市环境空气质量排名技术规定》)"),
    "valid_days": gettext_lazy("有AQI的天数:HJ 633-2012 适用日按已有指标计算;HJ 633-2026 适用日按 §5.3(指标齐全或 AQI > 100)"),
}


def report_options(request) -> tuple[int, str]:
    """?precision=0|1 (decimals of µg/m³ concentrations) and ?basis=unrounded|reported (changes)."""
    basis = request.GET.get("basis") or "unrounded"
    try:
        precision = A.check_precision(request.GET.get("precision"))
    except ValueError:
        raise Http404 from None
    if basis not in A.CHANGE_BASES:
        raise Http404
    return precision, basis


@air_page(gettext_lazy("空气质量评价"))
def assessment_page(request, choices, j, period):
    precision, basis = report_options(request)
    r = A.assess_air(j, period, precision=precision, change_basis=basis)
    yoy = (r.get("yoy") or {}).get("changes") or {}
    pop = (r.get("pop") or {}).get("changes") or {}
    rows = []
    for key in (*A.KEY_STATS, "composite_index"):
        st = r["statistics"].get("_".join(A.KEY_STATS[key])) if key in A.KEY_STATS else None
        rows.append({"key": key, "label": _(A.STAT_LABELS.get(key, "综合指数")), "value": A.fmt(r[key], key, precision),
                     "unit": _(A.STAT_UNITS.get(key, "微克/立方米")) if key != "composite_index" else "",
                     "limit": st and st["limit"], "compliant": st and st["compliant"],
                     "multiple": st and st["exceedance_multiple"], "n_days": st and st["n_days"],
                     "raw": st and st["raw"], "reason": st and st["reason"],
                     "reason_text": reason_ui(r["reasons"].get(key, "")),
                     "yoy": A.change_text(yoy.get(key), key, precision, lang=None),
                     "pop": A.change_text(pop.get(key), key, precision, lang=None),
                     "how": str(HOW[key])})
    day_rows = [
        {"key": "good_day_ratio", "label": _("优良天数比率(%)"), "value": A.fmt(r["good_day_ratio"], "good_day_ratio"),
         "reason_text": reason_ui(r["reasons"].get("good_day_ratio", "")),
         "yoy": _pp_text(yoy.get("good_day_ratio")), "pop": _pp_text(pop.get("good_day_ratio")), "how": str(HOW["good_day_ratio"])},
        {"key": "good_days", "label": _("优良天数"), "value": r["good_days"], "yoy": _days_text(yoy.get("good_days")),
         "pop": _days_text(pop.get("good_days")), "how": str(HOW["good_days"])},
        {"key": "valid_days", "label": _("有效天数"), "value": r["valid_days"], "yoy": "", "pop": "", "how": str(HOW["valid_days"])},
        {"key": "heavy_days", "label": _("重污染天数"), "value": r["heavy_days"], "yoy": _days_text(yoy.get("heavy_days")),
         "pop": _days_text(pop.get("heavy_days")), "how": str(HOW["heavy_days"])},
    ]
    if request.GET.get("export"):
        header = [_("指标"), _("数值"), _("单位"), _("二级限值"), _("达标"), _("超标倍数"), _("有效天数"), _("同比"),
                  _("环比"), _("计算方法"), _("无数值原因")]
        data = [[x["label"], x["value"], x["unit"], x["limit"], verdict_text(x["compliant"], x["limit"]), x["multiple"],
                 x["n_days"], x["yoy"], x["pop"], x["how"], x["reason_text"]] for x in rows]
        data += [[x["label"], x["value"], "", "", "", "", "", x["yoy"], x["pop"], x["how"], x.get("reason_text", "")]
                 for x in day_rows]
        data += [[_("%(k)s天数") % {"k": _(k)}, v, "", "", "", "", "", "", "", "", ""] for k, v in r["category_days"].items()]
        data += [[_("评价网络"), n["text"], "", "", "", "", "", "", "", "", ""] for n in network_notes(period, j)]
        return xlsx_response(_("空气质量评价-%(j)s-%(p)s.xlsx") % {"j": j.name, "p": period_label_ui(period)},
                             [(_("评价"), header, data)], request=request,
                             what=_("空气质量评价"), scope=j.name, period=A.period_label(period))
    cats = [(k, v, CATEGORY_HEX[i + 1]) for i, (k, v) in enumerate(r["category_days"].items())]
    r = {**r, "notes": [note_ui(n) for n in r["notes"]]}
    return render(request, "quality/assessment.html", _ctx(request, j, period, choices, r=r, rows=rows,
                                                           day_rows=day_rows, cats=cats, title=_("空气质量评价"),
                                                           precision=precision, basis=basis,
                                                           networks=network_notes(period, j)))


# The standards library's reasons for a missing figure (envbureau.standards is pure, without gettext: it
# speaks Chinese, as reports print). Listed here for the catalogue; pages show them through reason_ui.
REASON_WORDS = (gettext_noop("有效"),
                gettext_noop("有效小时数不足 (GB 3095 表4: 日均值至少20个小时平均浓度值; 8小时至少6个)"),
                gettext_noop("有效8小时滑动平均值不足14个且最大值未超标 (HJ 663 §6.1.2)"),
                gettext_noop("有效日数不足 (GB 3095 表4: 每年至少324个日平均浓度值)"),
                gettext_noop("某月有效日数不足 (GB 3095 表4: 每月至少27个, 二月至少25个)"),
                gettext_noop("无有效数据"), gettext_noop("有效点位数不足"), gettext_noop("未监测"))
STAT_NAME_WORDS = (gettext_noop("日最大8小时平均第90百分位"), gettext_noop("日均值第98百分位"),
                   gettext_noop("日均值第95百分位"), gettext_noop("平均浓度"))


def reason_ui(text: str) -> str:
    """A reason from the standards library ("无有效数据", or the composite index's "PM2.5平均浓度：无有效数据；
    CO：未监测") in the reader's language; in Chinese as the library wrote it."""
    from django.utils.translation import get_language

    if not text or (get_language() or "zh").startswith("zh"):
        return text
    out = []
    for part in text.split("；"):
        head, sep, why = part.partition("：")
        if not sep:
            out.append(_(part) if part in REASON_WORDS else part)
            continue
        for st in STAT_NAME_WORDS:
            if head.endswith(st):
                head = f"{head[:-len(st)]} {_(st)}"
                break
        out.append(f"{head}: {_(why) if why in REASON_WORDS else why}")
    return "; ".join(out)


def note_ui(note: str) -> str:
    """A note of the standards library's assessment (Chinese, reports print it) in the reader's language; a
    note of another shape is shown as written."""
    import re

    m = re.fullmatch(r"达标评价采用 (.+) 限值", note)
    if m:
        return _("达标评价采用 %(l)s 限值") % {"l": _(m.group(1))}
    m = re.fullmatch(r"全部日期按指定标准 (.+) 计算", note)
    if m:
        return _("全部日期按指定标准 %(n)s 计算") % {"n": m.group(1)}
    m = re.fullmatch(r"本期跨越2026-03-01，逐日按当日适用标准评价：(.+)", note)
    if m:
        parts = [re.fullmatch(r"(.+) (\d+)天", p) for p in m.group(1).split("，")]
        if all(parts):
            return _("本期跨越2026-03-01，逐日按当日适用标准评价：%(p)s") % {"p": pgettext("工作报告", "；").join(
                pgettext("工作报告", "%(k)s %(v)s天") % {"k": p.group(1), "v": p.group(2)} for p in parts)}
    return note


def verdict_text(compliant, limit=True) -> str:
    """达标 / 超标 for a valid statistic; "—" when it has no value (no verdict on missing data)."""
    if limit is None:
        return ""
    return "—" if compliant is None else (_("达标") if compliant else _("超标"))


def _pp_text(c):
    if not c or c.get("points") is None:
        return ""
    return A.change_words(c["points"], "points", lang=None)


def _days_text(c):
    if not c or c.get("change") is None:
        return ""
    return A.change_words(c["change"], "days", lang=None)


# ---------------------------------------------------------------------------
# rankings
# ---------------------------------------------------------------------------
RANK_BY = {"composite_index": (gettext_noop("综合指数"), "lower"), "pm25_mean": (gettext_noop("PM2.5浓度"), "lower"),
           "improvement": (gettext_noop("PM2.5改善率"), "lower"), "good_day_ratio": (gettext_noop("优良天数比率"), "higher")}


@air_page(gettext_lazy("区县排名"))
def rankings(request, choices, j, period):
    by = request.GET.get("by", "composite_index")
    if by not in RANK_BY:
        raise Http404
    units = [u for u in choices if u.parent_id == j.pk] or [u for u in choices if u.pk != j.pk and u.path.startswith(j.path)]
    units_all = units + [j]
    ids = [u.pk for u in units_all]
    yoy_p, pop_p = period.shifted_year(-1), period.previous()
    cur, yoy, pop = A.summaries(ids, period), A.summaries(ids, yoy_p), A.summaries(ids, pop_p)
    table = []
    for i, u in enumerate(units_all):
        c, y, p = cur[i], yoy[i], pop[i]
        cy, cp = A.changes(c, y), A.changes(c, p)
        table.append({"unit": u, "c": c, "yoy": cy, "pop": cp,
                      "improvement": cy["pm25_mean"]["rate"]})
    body, total = table[:-1], table[-1]
    values = [t["improvement"] if by == "improvement" else t["c"][by] for t in body]
    ranks = A.competition_rank(values, RANK_BY[by][1])
    for t, r in zip(body, ranks):
        t["rank"] = r
    body.sort(key=lambda t: (t["rank"] is None, t["rank"] or 0, t["unit"].path))
    unranked_reasons(body, by, period, yoy_p)
    header = [_("排名"), _("区县"), _("综合指数"), _("综合指数同比(%)"), _("综合指数环比(%)"), "PM2.5(µg/m³)",
              _("PM2.5同比(%)"), _("PM2.5环比(%)"), _("优良天数比率(%)"), _("优良率同比(百分点)"), _("优良率环比(百分点)"),
              _("有效天数"), _("说明")]

    def row(t, rank):
        c, y, p = t["c"], t["yoy"], t["pop"]
        return [rank, t["unit"].name, A.fmt(c["composite_index"], "composite_index"), _pct100(y["composite_index"]["rate"]),
                _pct100(p["composite_index"]["rate"]), A.fmt(c["pm25_mean"], "pm25_mean"), _pct100(y["pm25_mean"]["rate"]),
                _pct100(p["pm25_mean"]["rate"]), A.fmt(c["good_day_ratio"], "good_day_ratio"),
                y["good_day_ratio"]["points"], p["good_day_ratio"]["points"], c["valid_days"], t.get("why", "")]

    rows = [row(t, t["rank"]) for t in body] + [row(total, "")]
    from .peers import peer_ranks

    peers = peer_ranks(j, period, A.assess_air(j, period, compare=False))
    rows[-1][1] = _("%(j)s(全部)") % {"j": j.name}
    networks = network_notes(period, *[t["unit"] for t in body[:1]], j)  # the ranked level's network, then the total's
    if request.GET.get("export"):
        note = [[_("说明"), _("%(p)s(%(s)s—%(e)s),按%(b)s排名,并列者名次相同;同比/环比为变化率(负数表示改善),由修约后数值计算;"
                            "上年同期 %(ys)s—%(ye)s,上期 %(ps)s—%(pe)s")
                 % {"p": A.period_label(period), "s": period.start, "e": period.end, "b": _(RANK_BY[by][0]),
                    "ys": yoy_p.start, "ye": yoy_p.end, "ps": pop_p.start, "pe": pop_p.end}]]
        note += [[_("评价网络"), n["text"]] for n in networks]
        return xlsx_response(_("区县排名-%(j)s-%(p)s.xlsx") % {"j": j.name, "p": A.period_label(period)},
                             [(_("排名"), header, rows), (_("说明"), [_("项目"), _("内容")], note)],
                             request=request, what=_("区县排名"), scope=j.name, period=A.period_label(period))
    unit = {"improvement": "%", "pm25_mean": "µg/m³", "good_day_ratio": "%"}.get(by, "")
    by_label = _(RANK_BY[by][0])
    chart = {"title": {"text": by_label, "left": "center", "textStyle": {"fontSize": 13}},
             "tooltip": {"trigger": "axis"}, "xAxis": {"type": "category", "data": [t["unit"].name for t in body],
                                                       "name": _("区县")},
             "yAxis": {"type": "value", "name": f"{by_label}({unit})" if unit else
                       "%s(%s)" % (by_label, _("指数"))}, "grid": {"left": 40, "right": 20, "top": 30, "bottom": 40},
             "series": [{"type": "bar", "name": by_label,
                         "data": [(_pct100(t["improvement"]) if by == "improvement" else t["c"][by]) for t in body]}]}
    return render(request, "quality/rankings.html", _ctx(request, j, period, choices, header=header, rows=rows, by=by,
                                                         rank_by=RANK_BY, chart=chart, yoy_p=yoy_p, pop_p=pop_p,
                                                         peers=peers, networks=networks,
                                                         title=_("区县排名")))


def unranked_reasons(body: list[dict], by: str, period: A.Period, yoy_p: A.Period) -> None:
    """Each unranked unit gets ``why``: the figure ranked on is missing, and the reason (assessed again
    for those units only, since the stored period statistics keep no reasons)."""
    todo = [t for t in body if t["rank"] is None]
    if not todo:
        return
    key = "pm25_mean" if by == "improvement" else by
    ids = [t["unit"].pk for t in todo]
    for t in todo:
        t["why"] = _("未排名:%(b)s无有效值") % {"b": _(RANK_BY[by][0])}
    pa = A.assess_many(ids, period)
    pb = A.assess_many(ids, yoy_p) if by == "improvement" else None
    for i, t in enumerate(todo):
        cur = A.summary(pa, i, period)
        reason = reason_ui(cur["reasons"].get(key))
        if reason is None and pb is not None:
            base = A.summary(pb, i, yoy_p)
            reason = _("上年同期%(r)s") % {"r": reason_ui(base["reasons"].get(key)) or _("无可比数值")}
        if reason:
            t["why"] += f"({reason})"


def _pct100(rate):
    return None if rate is None else round(rate * 100, 1)


# ---------------------------------------------------------------------------
# headline numbers in the words of a work report
# ---------------------------------------------------------------------------
@air_page(gettext_lazy("工作报告数据"))
def headline(request, choices, j, period):
    precision, basis = report_options(request)
    r = A.assess_air(j, period, precision=precision, change_basis=basis)
    link = reverse("quality:assessment") + "?" + urlencode({"j": j.code, **_period_params(period),
                                                             "precision": precision, "basis": basis})
    sentences = headline_sentences(j, period, r, link) + water_sentences(j, period, request.user)
    from .registry import commissioned, registry_sentence

    built = registry_sentence(commissioned(j, period, request.user))
    if built:
        sentences.append([(built, reverse("quality:stations-list") + "?" + urlencode(
            {"commissioned_from": period.start.isoformat(), "commissioned_to": period.end.isoformat()}),
            _("按各站点、断面、监测点的建成投运日期计数"))])
    networks = network_notes(period, j)
    if request.GET.get("export") == "docx":
        return _headline_docx(j, period, sentences, networks)
    return render(request, "quality/headline.html", _ctx(request, j, period, choices, sentences=sentences, r=r,
                                                         link=link, title=_("工作报告数据"), precision=precision,
                                                         basis=basis, networks=networks))


def _headline_docx(j, period, sentences, networks=()):
    """The headline sentences as a Word document, ready to paste into a work report (python-docx, in deps)."""
    import io
    from urllib.parse import quote

    import docx
    from django.http import HttpResponse

    from envbureau.core.timefmt import local_datetime

    doc = docx.Document()
    title = f"{_('工作报告数据')} · {j.name} {period_label_ui(period)}"
    doc.add_heading(title, level=1)
    for s in sentences:
        doc.add_paragraph("".join(text for text, _href, _how in s))
    for n in networks:
        doc.add_paragraph(n["text"]).runs[0].italic = True
    doc.add_paragraph(_("导出时间:%(t)s") % {"t": local_datetime(timezone.now())}).runs[0].italic = True
    buf = io.BytesIO()
    doc.save(buf)
    resp = HttpResponse(buf.getvalue(),
                        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title + '.docx')}"
    return resp


def _period_params(period: A.Period) -> dict:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


# Headline sentences (and the work summary, which renders them in Chinese): every fragment goes through
# pgettext with the 工作报告 context, so that an English page reads an English sentence and the Chinese one is
# exactly the bulletin's wording.
HEADLINE_NAMES = {"pm25_mean": gettext_noop("PM2.5平均浓度"), "pm10_mean": gettext_noop("PM10平均浓度"),
                  "so2_mean": gettext_noop("SO2平均浓度"), "no2_mean": gettext_noop("NO2平均浓度"),
                  "co_p95": gettext_noop("CO浓度(日均值第95百分位)"),
                  "o3_8h_p90": gettext_noop("O3浓度(日最大8小时平均第90百分位)")}
UNIT_WORDS = {"mg": pgettext_lazy("工作报告", "毫克/立方米"), "ug": pgettext_lazy("工作报告", "微克/立方米")}


def _unit(key: str) -> str:
    return str(UNIT_WORDS["mg" if key == "co_p95" else "ug"])


def period_label_ui(period: A.Period) -> str:
    """assessment.period_label in the reader's language."""
    return A.period_label(period)


def water_sentences(j, period, user) -> list[list[tuple[str, str | None, str]]]:
    """The water sentences of a work report: "国省考断面N个，Ⅰ～Ⅲ类比例x%(同比…)，其中Ⅰ～Ⅱ类比例y%…" for
    the 国省考 sections (when there are any) and all sections, and the 县级及以上 drinking-water sources
    per sampling event (bureaus print that 达标率)."""
    from .water import assess_water
    from .water_views import _points_words

    link = reverse("quality:water-dashboard") + "?" + urlencode({"j": j.code, **_period_params(period)})
    out = []
    for scope in ("provincial", None):
        w = assess_water(j, period, user, scope=scope, compare=True, drinking_level="county")
        if not w["n_sections"] or (scope is None and out and w["n_sections"] == out[-1][1]):
            continue
        y = _points_words(w["yoy"]["class_1_3_share"]["points"])
        text = pgettext("工作报告", "%(p)s，%(j)s%(s)s%(n)s个，Ⅰ～Ⅲ类比例%(a)s%%%(y)s，其中Ⅰ～Ⅱ类比例%(b)s%%；劣Ⅴ类比例%(c)s%%；"
                  "断面达标率%(d)s%%。") % {
            "p": period_label_ui(period), "j": j.name, "s": _(w["scope_label"]), "n": w["n_sections"],
            "a": w["class_1_3_share"], "y": pgettext("工作报告", "(%(y)s)") % {"y": y} if y else "", "b": w["class_1_2_share"],
            "c": w["worse_v_share"], "d": w["meeting_target_rate"]}
        out.append(([(text, link + (f"&scope={scope}" if scope else ""), _("Ⅰ～Ⅲ类比例同比变化以百分点计"))],
                    w["n_sections"]))
    sentences = [s for s, _n in out]
    d = assess_water(j, period, user, drinking_level="county")["drinking"]
    if d["n_events"]:
        sentences.append([(pgettext("工作报告", "县级及以上集中式饮用水水源地%(n)s个，水质达标率%(r)s%%(%(b)s)。") % {
            "n": d["n_sources"], "r": d["event_rate"], "b": _(d["event_rate_basis"])},
            link + "&drinking_level=county", _(d["rate_basis"]))])
    return sentences


def _alert_sentence_ui(c: dict) -> str:
    """alerts.alert_sentence in the reader's language."""
    if c["issued"]:
        levels = pgettext("工作报告", "、").join(pgettext("工作报告", "%(l)s%(n)s次") % {"l": _(k), "n": v} for k, v in c["by_level"].items())
        s = pgettext("工作报告", "启动重污染天气预警%(n)s次(%(l)s)") % {"n": c["issued"], "l": levels}
        if c["enterprises"]:
            s += pgettext("工作报告", ",涉及应急减排清单企业%(n)s家") % {"n": c["enterprises"]}
    else:
        s = pgettext("工作报告", "未启动重污染天气预警")
    return s + pgettext("工作报告", ";另有监测数据自动预警%(n)s次(不计入预警启动次数)。") % {"n": c["automatic_warnings"]}


def headline_sentences(j, period, r, link) -> list[list[tuple[str, str | None, str]]]:
    """Sentences as lists of (text, anchor or None, how) fragments; numbers link to the assessment."""
    yoy = (r.get("yoy") or {}).get("changes") or {}

    def num(key, text):
        return (text, f"{link}#{key}", str(HOW.get(key, "")))

    precision = r.get("precision", 0)

    def ch(key, kind):
        c = yoy.get(key)
        if not c:
            return ""
        if kind == "rate":  # absolute change with the rate: "同比下降4.2微克/立方米(10.7%)"
            t = A.change_text(c, key, precision, lang=None)
            return pgettext("工作报告", "，同比%(c)s") % {"c": t} if t else ""
        v = c.get({"points": "points", "days": "change"}[kind])
        return "" if v is None else pgettext("工作报告", "，同比%(c)s") % {"c": A.change_words(v, kind, lang=None)}

    s1 = [(pgettext("工作报告", "%(p)s，%(j)s环境空气质量优良天数") % {"p": period_label_ui(period), "j": j.name}, None, ""),
          num("good_days", str(r["good_days"])),
          (pgettext("工作报告", "天") + ch("good_days", "days") + pgettext("工作报告", "，优良天数比率"), None, ""),
          num("good_day_ratio", A.fmt(r["good_day_ratio"], "good_day_ratio")),
          ("%" + ch("good_day_ratio", "points") + pgettext("工作报告", "；重污染天数"), None, ""), num("heavy_days", str(r["heavy_days"])),
          (pgettext("工作报告", "天") + ch("heavy_days", "days") + pgettext("工作报告", "。"), None, "")]
    s2 = []
    for key in A.KEY_STATS:
        if r[key] is None:
            continue
        s2 += [((pgettext("工作报告", "；") if s2 else "") + pgettext("工作报告", "%(n)s为") % {"n": _(HEADLINE_NAMES[key])}, None, ""),
               num(key, A.fmt(r[key], key, precision)), (_unit(key) + ch(key, "rate"), None, "")]
    if s2:
        s2.append((pgettext("工作报告", "。"), None, ""))
    s3 = []
    if r["composite_index"] is not None:
        s3 = [(pgettext("工作报告", "环境空气质量综合指数为"), None, ""),
              num("composite_index", A.fmt(r["composite_index"], "composite_index")),
              (ch("composite_index", "rate") + pgettext("工作报告", "。"), None, "")]
    else:  # say why instead of dropping the figure silently
        s3 = [(pgettext("工作报告", "环境空气质量综合指数："), None, ""), num("composite_index", "—"),
              (pgettext("工作报告", "（无法计算：%(r)s）。") % {"r": reason_ui(r["reasons"].get("composite_index", ""))}, None, "")]
    out = [s1, s2, s3]
    ranked = [p for p in r.get("peer_ranks") or [] if p["rank"] is not None]
    if ranked:
        srcs = sorted({src for p in ranked for src in p["sources"]})
        out.append([("；".join(p["text"] for p in ranked) + "。", reverse("quality:rankings") + "?" + urlencode(
            {"j": j.code, **_period_params(period)}) + "#peers", pgettext("工作报告", "同级单位数据来源：") + "；".join(srcs))])
    if r.get("alerts") is not None:
        out.append([(_alert_sentence_ui(r["alerts"]), reverse("quality:alerts-list"),
                     pgettext("工作报告", "重污染天气预警按发布的预警计数;监测数据超阈值等自动预警另计"))])
    targets = Target.objects.filter(jurisdiction=j, year=period.start.year)
    parts = []
    water_memo: dict = {}
    for t in targets:
        key = TARGET_SOURCE.get(t.indicator)
        value, basis = r.get(key) if key else None, ""
        if key is None and (t.indicator in WATER_TARGET_SOURCE or t.indicator == "drinking_compliance"):
            from .water import assess_water

            scope = t.section_scope or None
            if scope not in water_memo:
                water_memo[scope] = assess_water(j, period, scope=scope)
            w = water_memo[scope]
            value = w["drinking"]["rate"] if t.indicator == "drinking_compliance" else w[WATER_TARGET_SOURCE[t.indicator]]
            basis = pgettext("工作报告", "(本期%(v)s)") % {"v": f"{value:g}"} if value is not None else ""
        elif key is None:
            continue
        elif t.basis == "county_mean":
            value, n = county_mean(j, period, key)
            basis = pgettext("工作报告", "(%(n)s个区县平均%(v)s)") % {"n": n, "v": A.fmt(value, key)}
        ok = target_met(value, t)
        if ok is None:
            continue
        scope_label = t.get_section_scope_display() if t.section_scope else ""
        parts.append(pgettext("工作报告", "%(s)s%(i)s目标%(v)s%(b)s") % {"s": scope_label, "i": str(t.get_indicator_display()).rstrip(" ≤≥"),
                                                     "v": f"{t.value:g}", "b": basis}
                     + (pgettext("工作报告", "(已完成)") if ok else pgettext("工作报告", "(未完成)")))
    if parts:
        out.append([(pgettext("工作报告", "目标任务：") + pgettext("工作报告", "；").join(parts)
                     + (pgettext("工作报告", "(本期非全年,仅供参考)") if period.days < 365 else "") + pgettext("工作报告", "。"), None, "")])
    rules = pgettext("工作报告", "；").join(pgettext("工作报告", "%(k)s %(v)s天") % {"k": k, "v": v} for k, v in r["rules"].items())
    out.append([(pgettext("工作报告", "评价依据：%(r)s；%(l)s；") % {"r": rules, "l": _(r["limits"])}
                 + pgettext("工作报告", "数据来源：本平台监测数据(演示数据为北京市12个国控站真实监测数据,UCI 501数据集)。"), None, "")])
    return [s for s in out if s]


# ---------------------------------------------------------------------------
# targets
# ---------------------------------------------------------------------------
@air_page(gettext_lazy("目标任务"))
def targets(request, choices, j, period):
    year = period.start.year
    rows = target_progress(j, year)
    all_targets = restrict(Target.objects.filter(year=year), request.user, "view").select_related("jurisdiction")
    return render(request, "quality/targets.html", _ctx(request, j, A.make_period(year), choices, rows=rows,
                                                        all_targets=all_targets, title=_("目标任务"),
                                                        can_add=has_perm(request.user, "quality.add")))


# ---------------------------------------------------------------------------
# warnings
# ---------------------------------------------------------------------------
WARNINGS_PAGE = 100
WARNING_HEADER = [gettext_noop("类型"), gettext_noop("状态"), gettext_noop("区划"), gettext_noop("对象"), gettext_noop("项目"),
                  gettext_noop("首次出现"), gettext_noop("最近出现"), gettext_noop("次数"), gettext_noop("说明")]


@login_required
def warnings_list(request):
    _need_view(request)
    from .filters import WarningFilter

    qs = restrict(Warning.objects.all(), request.user, "view").select_related("jurisdiction").order_by("-last_time", "-id")
    f = WarningFilter(request.GET, queryset=qs, request=request)
    header = [_(h) for h in WARNING_HEADER]
    # a page at a time, newest first, without counting every warning (one row more tells whether a next page exists)
    page = int_param(request.GET, "page", 1, lo=1, hi=100_000)
    start = (page - 1) * WARNINGS_PAGE
    chunk = list(f.qs[start:start + WARNINGS_PAGE + 1])
    items, more = chunk[:WARNINGS_PAGE], len(chunk) > WARNINGS_PAGE
    total = count_upto(f.qs)
    if request.GET.get("export"):
        rows = [[w.get_kind_display(), w.get_state_display(), w.jurisdiction.name, w.subject, w.pollutant_label,
                 w.first_time, w.last_time, w.count, w.text] for w in f.qs[:100000]]
        return xlsx_response(_("预警.xlsx"), [(_("预警"), header, rows)], request=request, what=_("预警"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    return render(request, "quality/warnings.html", {"filterset": f, "items": items, "colours": WARNING_COLOURS,
                                                     "title": _("预警"), "query": query, "page": page, "total": total,
                                                     "more": more, "first": start + 1, "last": start + len(items)})


@login_required
def warning_detail(request, pk):
    _need_view(request)
    w = get_scoped_object(Warning, request.user, "view", pk=pk)
    form = WarningActionForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.acknowledge_warning(request.user, w, request.POST.get("note", ""))
            elif action == "close":
                services.close_warning(request.user, w, request.POST.get("note", ""))
            elif action == "to_problem":
                services.warning_to_problem(request.user, w, note=request.POST.get("note", ""))
            else:
                raise Http404
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        except PermissionDenied as e:
            messages.error(request, str(e) or _("超出您的权限范围"))
        else:
            messages.success(request, _("已交办为问题台账问题") if action == "to_problem" else _("已更新"))
            return redirect("quality:warning-detail", pk=w.pk)
    from envbureau.core.humanize import ref_label

    # references by what they name ("空气站 东四"), never as stored ("quality.airstation:1")
    return render(request, "quality/warning_detail.html", {
        "w": w, "form": form, "title": _("预警"), "source": ref_label(w.source_ref),
        "problem_label": ref_label(w.problem_ref) if w.problem_ref else "",
        "can_change": services.may_handle(request.user, w), "colours": WARNING_COLOURS,
        "problem": services.problem_of(request.user, w),
        "can_problem": not w.problem_ref and w.state != "closed" and services.may_handle(request.user, w)
        and (has_perm(request.user, "ledger.add") or has_perm(request.user, "ledger.change"))})


# ---------------------------------------------------------------------------
# data review
# ---------------------------------------------------------------------------
@login_required
def reviews(request):
    _need_view(request)
    may_change = has_perm(request.user, "quality.change")
    form = ReviewForm(request.POST or None)
    form.fields["station"].queryset = restrict(AirStation.objects.all(), request.user, "change" if may_change else "view")
    form.fields["station"].widget.user = request.user
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            cd = form.cleaned_data
            try:
                rv = services.review_values(request.user, cd["station"], cd["start"], cd["end"], cd["pollutants"],
                                            cd["reason"])
            except ValidationError as e:
                form.add_error(None, "；".join(e.messages))
            else:
                messages.success(request, _("已标记 %(n)s 个小时的数据无效,相关日评价已重算") % {"n": rv.affected_hours})
                return redirect("quality:reviews")
    reviews_qs = restrict(DataReview.objects.all(), request.user, "view")
    items = reviews_qs.select_related("station", "reviewed_by")[:200]
    from .plausibility import FLAGGED_COUNT_CAP, flagged_hours

    n_flagged, flagged = flagged_hours(request.user)
    return render(request, "quality/reviews.html", {"form": form, "items": items, "may_change": may_change,
                                                    "total": count_upto(reviews_qs), "shown": 200,
                                                    "labels": POLLUTANT_LABELS, "title": _("数据审核"),
                                                    "flagged": flagged, "n_flagged": n_flagged,
                                                    "n_flagged_more": n_flagged > FLAGGED_COUNT_CAP,
                                                    "flagged_cap": FLAGGED_COUNT_CAP})


@login_required
def review_revoke(request, pk):
    if request.method != "POST":
        raise Http404
    rv = get_scoped_object(DataReview, request.user, "change", pk=pk)
    services.revoke_review(request.user, rv)
    messages.success(request, _("已撤销审核,相关日评价已重算"))
    return redirect("quality:reviews")


# ---------------------------------------------------------------------------
# all-city street rankings (street_rankings.py)
# ---------------------------------------------------------------------------
def _visible_streets(user, j) -> set[int] | None:
    """Streets whose rows the user may read (None = all: a city-wide reader)."""
    from envbureau.core.scoping import scope_q

    if scope_q(CityDaily, user, "view") is None:
        return None
    return set(Jurisdiction.objects.filter(path__startswith=j.path, level="street").filter(with_air_results(user))
               .values_list("pk", flat=True))


def street_ranking_params(request, period):
    from .street_rankings import DEFAULT_TOP, RANK_BY, ranking_indicator

    by = request.GET.get("by") or ranking_indicator(period)
    if by not in RANK_BY:
        raise Http404
    top = int_param(request.GET, "top", DEFAULT_TOP, lo=1, hi=100)
    return by, top


# The street ranking's columns, in the active language (the issued notice renders them in Chinese).
STREET_HEADER = [gettext_noop("排名"), gettext_noop("街道(乡镇)"), gettext_noop("所属区县"), gettext_noop("数值"),
                 gettext_noop("上期数值"), gettext_noop("上期排名"), gettext_noop("名次变化"), gettext_noop("上年同期"),
                 gettext_noop("同比变化率(%)"), gettext_noop("变化程度排名"), gettext_noop("说明")]


def street_header(r) -> list[str]:
    header = [_(h) for h in STREET_HEADER]
    header[3] = f"{r['by_label']}{'(' + r['unit'] + ')' if r.get('unit') else ''}"
    return header


def street_rows(r) -> list[list]:
    from .street_rankings import tied_mark

    return [[("" if x["rank"] is None else f"{x['rank']}{tied_mark() if x['tied'] else ''}"), x["street"], x["district"],
             x["value"], x["previous_value"], x["previous_rank"], x["rank_change_text"], x["yoy_base"], x["yoy_rate"],
             x["change_rank"], x["why"]] for x in r["rows"]]


def street_parents(user) -> list[Jurisdiction]:
    """The city and districts above streets with results (the areas whose streets can be ranked), as the user
    may see them."""
    from envbureau.core.scoping import restrict as _restrict

    paths = Jurisdiction.objects.filter(with_air_results(), level="street").values_list("path", flat=True)
    codes = {c for p in paths for c in p.strip("/").split("/")[:-1]}
    return list(_restrict(Jurisdiction.objects.filter(code__in=codes).exclude(level__in=("street", "community")),
                          user, "view").order_by("path"))


def no_street_results(request, title, code):
    """?j= of an area the user may see whose streets have no results at all: 200, saying so (404 stays for an
    area outside the user's scope, or a street, which has no streets to rank)."""
    from envbureau.core.scoping import restrict as _restrict

    j = _restrict(Jurisdiction.objects.filter(code=code[:20]), request.user, "view").exclude(
        level__in=("street", "community")).first()
    if j is None:
        raise Http404
    return render(request, "quality/empty.html", {"title": title, "empty": _(
        "%(j)s暂无街道的空气质量评价结果:其下没有街道的评价数据。街道按其辖区内站点网络中的站点评价排名:请在“站点评价网络”中为街道排名设置网络并加入站点,"
        "站点须填写所属街道。") % {"j": j.name}})


@air_page(gettext_lazy("全市街道排名"), choices_of=street_parents, outside=no_street_results,
          empty=gettext_lazy("暂无街道的空气质量评价结果。街道按其辖区内站点网络中的站点评价排名:请在“站点评价网络”中为街道排名设置网络并加入站点,"
                             "站点须填写所属街道。"))
def street_rankings(request, choices, j, period):
    from . import street_rankings as SR

    by, top = street_ranking_params(request, period)
    r = SR.street_ranking(j, period, by, top, visible=_visible_streets(request.user, j))
    texts = SR.sentences(r)
    header = street_header(r)
    rows = street_rows(r)
    if request.GET.get("export"):
        pp, yp = r["previous_period"], r["yoy_period"]
        notes = [[t] for t in texts] + [[r["network"]["text"]], [_("上期 %(a)s—%(b)s;上年同期 %(c)s—%(d)s") % {
            "a": pp["start"], "b": pp["end"], "c": yp["start"], "d": yp["end"]}]]
        return xlsx_response(_("街道排名-%(j)s-%(p)s.xlsx") % {"j": j.name, "p": r["period"]["label"]},
                             [(_("排名"), header, rows), (_("说明"), [_("内容")], notes)], request=request,
                             what=_("街道排名"), scope=j.name, period=r["period"]["label"])
    from envbureau.core.scoping import can

    from .models import StreetRankingNotice

    # nothing to rank in this period (the area's streets have results in others): say so instead of "0 streets"
    no_streets = "" if r["n_streets"] else _(
        "%(j)s在%(p)s没有街道的空气质量评价结果(本时段街道排名网络的站点没有数据),无法排名;请选择其他时段。") % {
        "j": j.name, "p": period_label_ui(period)}
    may_notify = bool(r["n_streets"]) and can(request.user, StreetRankingNotice(jurisdiction=j), "add")
    return render(request, "quality/street_rankings.html",
                  _ctx(request, j, period, choices, header=header, rows=rows, r=r, texts=texts, by=by, top=top,
                       rank_by={k: (_(label), unit) for k, (label, unit) in SR.RANK_BY.items()},
                       networks=[r["network"]], may_notify=may_notify, no_streets=no_streets,
                       title=_("全市街道排名")))


@login_required
def street_ranking_notice(request):
    """POST: freeze the ranking shown (same parameters) as a notice; its page issues the Word document."""
    from django.http import HttpResponseNotAllowed

    from . import street_rankings as SR

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _need_view(request)
    choices = street_parents(request.user)
    request.GET = request.POST  # the period and area come as the page's own parameters
    j = pick_jurisdiction(request, choices)
    if j is None:
        raise Http404
    period = pick_period(request, j)
    by, top = street_ranking_params(request, period)
    from django.utils import translation

    with translation.override("zh-hans"):  # the notice is a Chinese document: its frozen words are Chinese
        ranking = SR.street_ranking(j, period, by, top)
    n = services.create_ranking_notice(request.user, j, period, ranking, by)
    messages.success(request, _("已生成排名通报,可在本页签发文书"))
    return redirect("quality:ranking-notices-detail", n.pk)


# ---------------------------------------------------------------------------
# micro-station data quality (micro.py)
# ---------------------------------------------------------------------------
@login_required
def micro_check(request):
    """Micro stations against their nearest reference station for one month: ratio, drift, step changes,
    implausible PM2.5/PM10, the suggested and the recorded correction factors."""
    from . import micro
    from .models import AirDaily, SensorCorrection

    _need_view(request)
    stations = list(restrict(AirStation.objects.filter(control_level="micro"), request.user, "view")
                    .select_related("jurisdiction").order_by("jurisdiction__path", "code"))
    last = None
    # the default year or month is the latest data's (read only when one is not given)
    if stations and any(not str(request.GET.get(k) or "").strip() for k in ("year", "month")):
        last = AirDaily.objects.filter(station__in=[s.pk for s in stations]).aggregate(m=Max("date"))["m"]
    year = year_param(request.GET, default=(last or timezone.localdate()).year)
    month = month_param(request.GET, default=(last or timezone.localdate()).month)
    from envbureau.core.humanize import month_label

    # the page names the month in the reader's language (the stored reports keep make_period's Chinese label)
    period = dataclasses.replace(A.make_period(year, month), label=month_label(year, month))
    rows = micro.check(stations, period.start, period.end)
    flagged = request.GET.get("flagged") == "1"
    if flagged:
        rows = [r for r in rows if r["flags"]]
    # what staff act on (the problems) comes right after the station, so it stays on screen at phone and desktop width
    header = [_("微站"), _("问题"), _("所属区划"), _("最近参比站"), _("距离(km)"), _("比对天数"), _("PM2.5比值(原始)"),
              _("PM2.5比值(校准后)"), _("建议系数"), _("现用系数")]
    table = [[r["station"].name, ";".join(f["text"] for f in r["flags"]), r["station"].jurisdiction.name,
              r["reference"].name if r["reference"] else "", r["distance_km"], r["paired_days"],
              None if r["ratio_raw"] is None else round(r["ratio_raw"], 2),
              None if r["ratio"] is None else round(r["ratio"], 2), r["suggested_factor"],
              "、".join(f"×{c.factor:g}" for c in r["factors"])]
             for r in rows]
    if request.GET.get("export"):
        return xlsx_response(f"微站比对-{period.label}.xlsx", [(_("微站比对"), header, table)], request=request,
                             what=_("微站比对"), period=period.label)
    may_correct = has_perm(request.user, "quality.add")
    return render(request, "quality/micro_check.html", {
        "title": _("微站数据质量"), "header": header, "rows": table, "period": period, "flagged": flagged,
        "n_flagged": sum(1 for r in rows if r["flags"]), "n": len(rows), "limits": micro,
        "query": urlencode({k: v for k, v in request.GET.items() if k != "export"}), "may_correct": may_correct,
        "n_corrections": restrict(SensorCorrection.objects.all(), request.user, "view").count()})


