"""Water and noise pages (sections coloured by class vs target, monthly class table with the deciding
items, share of Ⅰ–Ⅲ over time; noise compliance by zone, day and night)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from envbureau.core.models import Jurisdiction
from envbureau.core.params import int_param, month_param, year_param
from envbureau.core.scoping import restrict
from envbureau.standards import water as std_water

from . import assessment as A
from .models import NoiseLeq, NoiseStation, SectionPeriodClass, WaterSection
from .views import _ctx, _export, _need_view
from .water import DRINKING_LEVELS, WATER_SCOPES, assess_water, check_scope, noise_compliance

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
        row = [s.name, s.river, s.get_control_level_display(), std_water.class_name(s.target_class)]
        for m in months:
            c = monthly.get((sid, m))
            row.append("" if c is None or not c.water_class else
                       std_water.class_name(c.water_class) + ("" if c.meets_target else "✗")
                       + (f" {'、'.join(c.deciding)}" if c.water_class > 3 and c.deciding else ""))
        table.append(row)
    points = [{"name": x["name"], "value": [secs_by_code.longitude, secs_by_code.latitude, x["class_number"]],
               "itemStyle": {"color": CLASS_COLOURS.get(x["class_number"], "#999"),
                             "borderColor": "#198754" if x["meets_target"] else "#dc3545", "borderWidth": 3}}
              for x in r["sections"] for secs_by_code in [next(s for s in secs.values() if s.code == x["code"])]
              if secs_by_code.longitude is not None]
    charts = [
        {"id": "sections", "title": f"{period.label}{r['scope_label']}水质类别(填充色=类别,边框绿=达标/红=未达目标)", "option": {
            "tooltip": {}, "xAxis": {"type": "value", "scale": True, "name": _("经度(°)")},
            "yAxis": {"type": "value", "scale": True, "name": _("纬度(°)")},
            "series": [{"type": "scatter", "symbolSize": 20, "data": points,
                        "label": {"show": True, "position": "right", "formatter": "{b}"}}]},
         "header": ["断面", "河流", "控制级别", "目标", "本期类别", "上年同期类别", "同比变化", "达标", "超标项目(倍数)",
                    "样品数"],
         "rows": [[x["name"], x["river"], x["control_level"], x["target"], x["class"], x.get("class_last_year"),
                   x.get("class_change", ""), "—" if not x["class"] else ("是" if x["meets_target"] else "否"),
                   "、".join(f"{k}({v})" for k, v in x["target_exceedance"].items()), x["n_samples"]] for x in r["sections"]]},
        {"id": "share", "title": f"{year}年各月Ⅰ～Ⅲ类断面比例(%)", "half": True, "option": {
            "tooltip": {"trigger": "axis"}, "xAxis": {"type": "category", "data": [f"{m}月" for m in months], "name": _("月份")},
            "yAxis": {"type": "value", "max": 100, "name": _("比例(%)")}, "series": [{"type": "bar", "data": share, "name": "Ⅰ～Ⅲ类比例"}]},
         "header": ["月份", "Ⅰ～Ⅲ类比例(%)"], "rows": [[f"{m}月", share[m - 1]] for m in months]},
        {"id": "classes", "title": f"{year}年断面水质类别构成", "half": True, "option": {
            "tooltip": {}, "series": [{"type": "pie", "radius": "65%", "data": [
                {"name": k, "value": v, "itemStyle": {"color": CLASS_COLOURS[i + 1]}}
                for i, (k, v) in enumerate(r["class_counts"].items()) if v]}]},
         "header": ["类别", "断面数"], "rows": [[k, v] for k, v in r["class_counts"].items()]},
        {"id": "drinking", "title": f"{period.label}集中式饮用水水源地({r['drinking']['level_label']})",
         "header": ["水源地", "级别", "监测断面", "本期均值类别", "按均值达标", "采样次数", "达标次数"],
         "rows": [[x["name"], x["level"], x["section"], x["class"], "—" if not x["class"] else ("是" if x["compliant"] else "否"),
                   x["n_events"], x["n_events_compliant"]] for x in r["drinking"]["sources"]],
         "note": "达标:GB 3838-2002 Ⅲ类及以上。“按均值”= 各水源地本期监测均值定类;“按每次采样”= 每次采样分别定类"},
        {"id": "figures", "title": f"{period.label}{r['scope_label']}水质指标(同比:{r['yoy']['period']['label']})",
         "header": ["指标", "断面数", "比例(%)", "上年同期(%)", "同比(百分点)", "表述"],
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
    charts.append({"id": "cwqi", "title": f"{year}年各区县城市水质指数(CWQI)排名", "option": {
        "tooltip": {"trigger": "axis"}, "xAxis": {"type": "category", "data": [r[1] for r in ranking], "name": _("断面")},
        "yAxis": {"type": "value", "name": _("CWQI(指数)")}, "series": [{"type": "bar", "data": [r[3] for r in ranking]}]},
        "header": ["排名", "区县", "断面数", "CWQI", "上年CWQI", "ΔCWQI(%)", "Ⅰ～Ⅲ类比例(%)"], "rows": ranking,
        "note": "CWQI 越小水质越好(环办监测〔2017〕51号);ΔCWQI 为负表示改善;并列者名次相同"})
    monthly_chart = {"id": "monthly", "title": f"{year}年各断面逐月水质类别(✗=未达目标;劣于Ⅲ类时列出主要超标项目)",
                     "header": ["断面", "河流", "控制级别", "目标", *[f"{m}月" for m in months]], "rows": table}
    resp = _export(request, charts + [monthly_chart], f"水环境质量-{j.name}-{year}")
    if resp:
        return resp
    return render(request, "quality/water_dashboard.html",
                  _ctx(request, j, period, choices, charts=charts, monthly=monthly_chart, r=r, title=_("水环境质量"),
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
    for label, n_key, key in (("Ⅰ～Ⅱ类(优Ⅱ)", "n_class_1_2", "class_1_2_share"),
                              ("Ⅰ～Ⅲ类(优Ⅲ)", "n_class_1_3", "class_1_3_share"),
                              ("劣Ⅴ类", "n_worse_v", "worse_v_share"),
                              ("达到目标(达标率)", "n_meeting_target", "meeting_target_rate")):
        c = yoy.get(key) or {}
        rows.append([label, f"{r[n_key]}/{r['n_sections']}", r[key], c.get("base"), c.get("points"), c.get("text", "")])
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
    zone_label = {z: f"{z}类" for z in ("0", "1", "2", "3", "4a", "4b")}
    table = [[zone_label[r["zone"]], r["n_stations"], r["day"]["limit"], r["day"]["mean_leq"], r["day"]["rate"],
              r["night"]["limit"], r["night"]["mean_leq"], r["night"]["rate"]] for r in rows]
    chart = {"id": "noise", "title": f"{year}年各类功能区昼夜达标率(%)", "option": {
        "tooltip": {"trigger": "axis"}, "legend": {}, "xAxis": {"type": "category", "data": [t[0] for t in table], "name": _("功能区")},
        "yAxis": {"type": "value", "max": 100, "name": _("达标率(%)")},
        "series": [{"name": "昼间", "type": "bar", "data": [t[4] for t in table]},
                   {"name": "夜间", "type": "bar", "data": [t[7] for t in table]}]},
        "header": ["功能区", "监测点数", "昼间限值dB(A)", "昼间能量平均Leq", "昼间达标率(%)", "夜间限值dB(A)",
                   "夜间能量平均Leq", "夜间达标率(%)"], "rows": table,
        "note": "达标率 = 达标的监测日数 ÷ 有效监测日数(GB 3096-2008 表1 限值,Leq 修约到0.1 dB 后比较)"}
    resp = _export(request, [chart], f"声环境质量-{j.name}-{year}")
    if resp:
        return resp
    synthetic = NoiseStation.objects.filter(synthetic=True).exists()
    return render(request, "quality/noise_dashboard.html",
                  _ctx(request, j, period, choices, charts=[chart], title=_("声环境质量"), synthetic=synthetic,
                       years_override=years))
