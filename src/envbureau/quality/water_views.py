"""Water and noise pages (sections coloured by class vs target, monthly class table with the deciding
items, share of Ⅰ–Ⅲ over time; noise compliance by zone, day and night)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core.models import Jurisdiction
from envbureau.core.params import int_param, month_param, year_param
from envbureau.core.scoping import restrict
from envbureau.standards import water as std_water

from . import assessment as A
from .choices import water_items_text
from .models import NoiseLeq, NoiseStation, SectionPeriodClass, WaterSection
from .views import _ctx, _export, _need_view
from .water import DRINKING_LEVELS, WATER_SCOPES, assess_water, check_scope, noise_compliance

# quality.water keeps its words Chinese (reports print them); the pages show them in the reader's language.
SCOPE_WORDS = (gettext_noop("国考断面"), gettext_noop("国省考断面"), gettext_noop("市考及以上断面"),
               gettext_noop("县控及以上断面"), gettext_noop("全部断面"), gettext_noop("县级及以上"), gettext_noop("乡镇级"),
               gettext_noop("农村"), gettext_noop("全部"), gettext_noop("劣Ⅴ"))


def _points_words(points) -> str:
    """quality.water.points_words in the reader's language."""
    if points is None:
        return ""
    txt = f"{abs(points):.1f}"
    if txt == "0.0":
        return _("与上年同期持平")
    return (_("同比上升%(p)s个百分点") if points > 0 else _("同比下降%(p)s个百分点")) % {"p": txt}


def water_summary(j, period, r) -> tuple[str, str]:
    """The dashboard's summary sentence and its drinking-water part, in the reader's language (what the
    template used to write in Chinese only)."""
    def pct(v):
        return "—" if v is None else v

    text = _("%(p)s,%(j)s%(s)s %(n)s 个中,Ⅰ～Ⅲ类 %(a)s 个,占 %(ap)s%%") % {
        "p": A.period_label(period), "j": j.name, "s": _(r["scope_label"]), "n": r["n_sections"],
        "a": r["n_class_1_3"], "ap": pct(r["class_1_3_share"])}
    yoy = _points_words(((r.get("yoy") or {}).get("class_1_3_share") or {}).get("points"))
    if yoy:
        text += f"({yoy})"
    text += _(",其中Ⅰ～Ⅱ类 %(b)s 个,占 %(bp)s%%;劣Ⅴ类 %(w)s 个,占 %(wp)s%%;达到目标 %(t)s 个,达标率 %(tp)s%%。") % {
        "b": r["n_class_1_2"], "bp": pct(r["class_1_2_share"]), "w": r["n_worse_v"], "wp": pct(r["worse_v_share"]),
        "t": r["n_meeting_target"], "tp": pct(r["meeting_target_rate"])}
    if r.get("cwqi") is not None:
        text += _("城市水质指数(CWQI) %(c)s。") % {"c": r["cwqi"]}
    d = r.get("drinking") or {}
    drinking = ""
    if d.get("n_sources"):
        drinking = _("%(l)s集中式饮用水水源地 %(n)s 个,按各水源地本期监测均值评价达标 %(ok)s 个,达标率 %(rate)s%%;"
                     "按每次采样评价,%(e)s 次采样中达标 %(eok)s 次,达标率 %(erate)s%%。") % {
            "l": _(d["level_label"]), "n": d["n_assessed"], "ok": d["n_compliant"], "rate": pct(d["rate"]),
            "e": d["n_events"], "eok": d["n_events_compliant"], "erate": pct(d["event_rate"])}
    return text, drinking


def _class_change_words(now, base) -> str:
    """quality.water.class_change_words in the reader's language."""
    if not now or not base:
        return ""
    if now == base:
        return _("持平")
    a, b = _(std_water.class_name(base)), _(std_water.class_name(now))
    return (_("由%(a)s类好转至%(b)s类") if now < base else _("由%(a)s类变差为%(b)s类")) % {"a": a, "b": b}


def _cls(name):
    """A class name (Ⅲ, 劣Ⅴ) in the reader's language; empty stays empty."""
    return _(name) if name else name


def _month(m: int) -> str:
    return _("%(m)s月") % {"m": m}


CLASS_COLOURS = {1: "#CCFFFF", 2: "#00CCFF", 3: "#00FF00", 4: "#FFFF00", 5: "#FF9B00", 6: "#FF0000"}


def _choices(user, model):
    paths = set(restrict(model.objects.all(), user, "view").values_list("jurisdiction__path", flat=True))
    codes = {c for p in paths for c in p.split("/") if c}
    return list(restrict(Jurisdiction.objects.filter(code__in=codes), user, "view").order_by("path"))


def _pick(request, choices, years):
    code = request.GET.get("j")
    j = next((c for c in choices if c.code == code), None) if code else (choices[0] if choices else None)
    if code and j is None:
        raise Http404
    year = year_param(request.GET, default=years[0] if years else dt.date.today().year)
    return j, year


@login_required
def water_dashboard(request):
    _need_view(request)
    choices = _choices(request.user, WaterSection)
    years = sorted({d.year for d in SectionPeriodClass.objects.filter(period="year").values_list("start", flat=True)},
                   reverse=True)
    j, year = _pick(request, choices, years)
    if j is None:
        return render(request, "quality/empty.html", {"title": _("水环境质量")})
    period = water_period(request, year)
    try:
        scope = check_scope(request.GET.get("scope"))
    except ValueError:
        raise Http404 from None
    level = request.GET.get("drinking_level") or None
    if level and level not in DRINKING_LEVELS:
        raise Http404
    r = assess_water(j, period, request.user, scope=scope, compare=True, drinking_level=level)
    secs = {s.pk: s for s in restrict(WaterSection.objects.filter(jurisdiction__path__startswith=j.path), request.user, "view")
            if not scope or s.control_level in WATER_SCOPES[scope][1]}
    monthly = {}
    for c in SectionPeriodClass.objects.filter(section_id__in=secs, period="month", start__year=year):
        monthly[(c.section_id, c.start.month)] = c
    months = range(1, 13)
    table = []
    share = []
    for m in months:
        cs = [monthly[(sid, m)] for sid in secs if (sid, m) in monthly and monthly[(sid, m)].water_class]
        n13 = sum(1 for c in cs if c.water_class <= 3)
        share.append(round(100 * n13 / len(cs), 1) if cs else None)
    for sid, s in sorted(secs.items(), key=lambda kv: kv[1].code):
        row = [s.name, s.river, s.get_control_level_display(), _(std_water.class_name(s.target_class))]
        for m in months:
            c = monthly.get((sid, m))
            row.append("" if c is None or not c.water_class else
                       _(std_water.class_name(c.water_class)) + ("" if c.meets_target else "✗")
                       + (f" {water_items_text(c.deciding)}" if c.water_class > 3 and c.deciding else ""))
        table.append(row)
    points = [{"name": x["name"], "value": [secs_by_code.longitude, secs_by_code.latitude, x["class_number"]],
               "itemStyle": {"color": CLASS_COLOURS.get(x["class_number"], "#999"),
                             "borderColor": "#198754" if x["meets_target"] else "#dc3545", "borderWidth": 3}}
              for x in r["sections"] for secs_by_code in [next(s for s in secs.values() if s.code == x["code"])]
              if secs_by_code.longitude is not None]
    # why a chart is empty (under 暂无数据, in the reader's language)
    if year > timezone.localdate().year:
        no_data = _("%(y)s年尚未到来") % {"y": year}
    elif not secs:
        no_data = _("所选范围内没有水质断面")
    else:
        no_data = _("%(p)s断面没有监测数据") % {"p": A.period_label(period)}
    sampled = any(x["class_number"] for x in r["sections"])
    charts = [
        {"id": "sections", "empty": no_data if not sampled else (None if points else _("断面都没有填写经纬度")), "title": _("%(p)s%(s)s水质类别(填充色=类别,边框绿=达标/红=未达目标)") % {"p": A.period_label(period), "s": _(r["scope_label"])}, "option": {
            "tooltip": {}, "xAxis": {"type": "value", "scale": True, "name": _("经度(°)")},
            "yAxis": {"type": "value", "scale": True, "name": _("纬度(°)")},
            "series": [{"type": "scatter", "symbolSize": 20, "data": points,
                        "label": {"show": True, "position": "right", "formatter": "{b}"},
                        "labelLayout": {"hideOverlap": True}}],  # names that would overlap are hidden
            "grid": {"left": 50, "right": 80, "top": 30, "bottom": 40},
            # drawn over the districts' boundaries where the platform has them (geo.js), as the air map
            "eb_boundaries": (j.parent.code if j.parent_id else j.code)},
         "header": [_("断面"), _("河流"), _("控制级别"), _("目标"), _("本期类别"), _("上年同期类别"), _("同比变化"), _("达标"), _("超标项目(倍数)"),
                    _("样品数")],
         "rows": [[x["name"], x["river"], x["control_level"], _cls(x["target"]), _cls(x["class"]), _cls(x.get("class_last_year")),
                   _class_change_words(x["class_number"], x.get("class_number_last_year")), "—" if not x["class"] else (_("是") if x["meets_target"] else _("否")),
                   "、".join(f"{k}({v})" for k, v in x["target_exceedance"].items()), x["n_samples"]] for x in r["sections"]]},
        {"id": "share", "title": _("%(y)s年各月Ⅰ～Ⅲ类断面比例(%%)") % {"y": year}, "half": True,
         "empty": None if any(v is not None for v in share) else (
             no_data if not secs or year > timezone.localdate().year else _("%(y)s年各月都没有断面监测数据") % {"y": year}),
         "option": {
            "tooltip": {"trigger": "axis"}, "xAxis": {"type": "category", "data": [_month(m) for m in months], "name": _("月份")},
            "yAxis": {"type": "value", "max": 100, "name": _("比例(%)")}, "series": [{"type": "bar", "data": share, "name": _("Ⅰ～Ⅲ类比例")}]},
         "header": [_("月份"), _("Ⅰ～Ⅲ类比例(%)")], "rows": [[_month(m), share[m - 1]] for m in months]},
        {"id": "classes", "title": _("%(y)s年断面水质类别构成") % {"y": year}, "half": True,
         "empty": None if any(r["class_counts"].values()) else no_data, "option": {
            "tooltip": {}, "series": [{"type": "pie", "radius": "65%", "data": [
                {"name": _(k), "value": v, "itemStyle": {"color": CLASS_COLOURS[i + 1]}}
                for i, (k, v) in enumerate(r["class_counts"].items()) if v]}]},
         "header": [_("类别"), _("断面数")], "rows": [[_(k), v] for k, v in r["class_counts"].items()]},
        {"id": "drinking", "title": _("%(p)s集中式饮用水水源地(%(l)s)") % {"p": A.period_label(period), "l": _(r["drinking"]["level_label"])},
         "header": [_("水源地"), _("级别"), _("监测断面"), _("本期均值类别"), _("按均值达标"), _("采样次数"), _("达标次数")],
         "rows": [[x["name"], x["level"], x["section"], _cls(x["class"]),
                   "—" if not x["class"] else (_("是") if x["compliant"] else _("否")),
                   x["n_events"], x["n_events_compliant"]] for x in r["drinking"]["sources"]],
         "note": _("达标:GB 3838-2002 Ⅲ类及以上。“按均值”= 各水源地本期监测均值定类;“按每次采样”= 每次采样分别定类")},
        {"id": "figures", "title": _("%(p)s%(s)s水质指标(同比:%(y)s)") % {"p": A.period_label(period), "s": _(r["scope_label"]),
                                                                   "y": A.period_label(period.shifted_year(-1))},
         "header": [_("指标"), _("断面数"), _("比例(%)"), _("上年同期(%)"), _("同比(百分点)"), _("表述")],
         "rows": water_figure_rows(r)},
    ]
    # districts (or streets) by water quality index CWQI, with the change on last year (lower = better)
    units = [u for u in choices if u.parent_id == j.pk]
    ranking = []
    for u in units:
        now = assess_water(u, period, request.user, scope=scope)
        base = assess_water(u, period.shifted_year(-1), request.user, scope=scope)
        if now["cwqi"] is None:
            continue
        delta = None if not base["cwqi"] else round(100 * (now["cwqi"] - base["cwqi"]) / base["cwqi"], 1)
        ranking.append([u.name, now["n_sections"], now["cwqi"], base["cwqi"], delta, now["class_1_3_share"]])
    ranks = A.competition_rank([r[2] for r in ranking], "lower")
    ranking = sorted(([rk, *r] for rk, r in zip(ranks, ranking)), key=lambda r: r[0])
    charts.append({"id": "cwqi", "title": _("%(y)s年各区县城市水质指数(CWQI)排名") % {"y": year},
                   "empty": None if ranking else (_("%(j)s没有下级区县") % {"j": j.name} if not units else
                                                  _("下级区县本期都没有断面监测数据,无法计算水质指数")), "option": {
        "tooltip": {"trigger": "axis"}, "xAxis": {"type": "category", "data": [r[1] for r in ranking], "name": _("断面")},
        "yAxis": {"type": "value", "name": _("CWQI(指数)")}, "series": [{"type": "bar", "data": [r[3] for r in ranking]}]},
        "header": [_("排名"), _("区县"), _("断面数"), "CWQI", _("上年CWQI"), "ΔCWQI(%)", _("Ⅰ～Ⅲ类比例(%)")], "rows": ranking,
        "note": _("CWQI 越小水质越好(环办监测〔2017〕51号);ΔCWQI 为负表示改善;并列者名次相同")})
    monthly_chart = {"id": "monthly", "title": _("%(y)s年各断面逐月水质类别(✗=未达目标;劣于Ⅲ类时列出主要超标项目)") % {"y": year},
                     "header": [_("断面"), _("河流"), _("控制级别"), _("目标"), *[_month(m) for m in months]], "rows": table}
    resp = _export(request, charts + [monthly_chart], _("水环境质量-%(j)s-%(y)s") % {"j": j.name, "y": year})
    if resp:
        return resp
    return render(request, "quality/water_dashboard.html",
                  _ctx(request, j, period, choices, charts=charts, monthly=monthly_chart, r=r, title=_("水环境质量"),
                       summary=water_summary(j, period, r),
                       years_override=years, scopes=WATER_SCOPES, scope=scope or "", drinking_levels=DRINKING_LEVELS,
                       drinking_level=level or ""))


def water_period(request, year: int) -> A.Period:
    """Any period: the year, ?month=, ?quarter=, ?half= (1 上半年, 2 下半年) or ?from=&to= (dates)."""
    g = request.GET
    try:
        if g.get("from") or g.get("to"):
            return A.make_period(start=g.get("from"), end=g.get("to"))
        return A.make_period(year, month_param(g), quarter=int_param(g, "quarter", lo=1, hi=4),
                             half=int_param(g, "half", lo=1, hi=2))
    except (ValueError, TypeError):
        raise Http404 from None


def water_figure_rows(r: dict) -> list[list]:
    """The report's water figures: shares of Ⅰ–Ⅱ, Ⅰ–Ⅲ, 劣Ⅴ and the target rate, as count and %, with
    the change on the same period last year in percentage points."""
    yoy = r.get("yoy") or {}
    rows = []
    for label, n_key, key in ((_("Ⅰ～Ⅱ类(优Ⅱ)"), "n_class_1_2", "class_1_2_share"),
                              (_("Ⅰ～Ⅲ类(优Ⅲ)"), "n_class_1_3", "class_1_3_share"),
                              (_("劣Ⅴ类"), "n_worse_v", "worse_v_share"),
                              (_("达到目标(达标率)"), "n_meeting_target", "meeting_target_rate")):
        c = yoy.get(key) or {}
        rows.append([label, f"{r[n_key]}/{r['n_sections']}", r[key], c.get("base"), c.get("points"),
                     _points_words(c.get("points"))])
    return rows


@login_required
def noise_dashboard(request):
    _need_view(request)
    choices = _choices(request.user, NoiseStation)
    years = sorted({d.year for d in NoiseLeq.objects.dates("date", "year")}, reverse=True)
    j, year = _pick(request, choices, years)
    if j is None:
        return render(request, "quality/empty.html", {"title": _("声环境质量")})
    period = A.make_period(year)
    rows = noise_compliance(j, period, request.user)
    zone_label = {z: _("%(z)s类") % {"z": z} for z in ("0", "1", "2", "3", "4a", "4b")}
    table = [[zone_label[r["zone"]], r["n_stations"], r["day"]["limit"], r["day"]["mean_leq"], r["day"]["rate"],
              r["night"]["limit"], r["night"]["mean_leq"], r["night"]["rate"]] for r in rows]
    has_rate = any(t[4] is not None or t[7] is not None for t in table)
    chart = {"id": "noise", "title": _("%(y)s年各类功能区昼夜达标率(%%)") % {"y": year},
             "empty": None if has_rate else (_("所选范围内没有声环境监测点") if not rows or not any(t[1] for t in table)
                                             else _("%(y)s年没有有效的监测日") % {"y": year}), "option": {
        "tooltip": {"trigger": "axis"}, "legend": {}, "xAxis": {"type": "category", "data": [t[0] for t in table], "name": _("功能区")},
        "yAxis": {"type": "value", "max": 100, "name": _("达标率(%)")},
        "series": [{"name": _("昼间"), "type": "bar", "data": [t[4] for t in table]},
                   {"name": _("夜间"), "type": "bar", "data": [t[7] for t in table]}]},
        "header": [_("功能区"), _("监测点数"), _("昼间限值dB(A)"), _("昼间能量平均Leq"), _("昼间达标率(%)"),
                   _("夜间限值dB(A)"), _("夜间能量平均Leq"), _("夜间达标率(%)")], "rows": table,
        "note": _("达标率 = 达标的监测日数 ÷ 有效监测日数(GB 3096-2008 表1 限值,Leq 修约到0.1 dB 后比较)")}
    resp = _export(request, [chart], _("声环境质量-%(j)s-%(y)s") % {"j": j.name, "y": year})
    if resp:
        return resp
    synthetic = NoiseStation.objects.filter(synthetic=True).exists()
    return render(request, "quality/noise_dashboard.html",
                  _ctx(request, j, period, choices, charts=[chart], title=_("声环境质量"), synthetic=synthetic,
                       years_override=years))
