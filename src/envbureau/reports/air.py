"""Air-quality bulletin (环境空气质量月报/季报/年报, laid out as MEE and provincial bulletins) of a jurisdiction.

Every number comes from quality's assessment (the same functions behind the assessment page and
`envbureau assess air --json`), with changes computed from the printed values (as MEE bulletins do, basis "reported"):
the jurisdiction through `assess_air`, its districts/streets through `assess_many` + `summary` + `changes`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from envbureau.core.documents.render import Image
from envbureau.core.models import Jurisdiction
from envbureau.quality import assessment as A

from . import charts
from . import words as W
from .registry import Built

POLLUTANT_KEYS = ("pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95", "o3_8h_p90")
SHORT = {"pm25_mean": "PM2.5", "pm10_mean": "PM10", "so2_mean": "SO2", "no2_mean": "NO2", "co_p95": "CO",
         "o3_8h_p90": "O3"}
UNIT_WORD = {"district": "区", "street": "街道（乡镇）", "community": "社区"}


def air_units(j) -> list:
    """The jurisdiction's children that have air results (the units a bulletin ranks)."""
    from envbureau.quality.models import CityDaily

    ids = CityDaily.objects.filter(jurisdiction__parent=j).values_list("jurisdiction_id", flat=True).distinct()
    return list(Jurisdiction.objects.filter(pk__in=set(ids)).order_by("path"))


def air_jurisdictions(user):
    from envbureau.core.scoping import allowed_jurisdictions
    from envbureau.quality.models import CityDaily

    ids = set(CityDaily.objects.values_list("jurisdiction_id", flat=True).distinct())
    return allowed_jurisdictions(user, "reports", "view").filter(pk__in=ids).order_by("path") if user is not None \
        else Jurisdiction.objects.filter(pk__in=ids).order_by("path")


def default_period() -> str:
    """The last complete month with air results (what a bulletin is usually made for)."""
    import datetime as dt

    from envbureau.quality.models import CityDaily

    last = CityDaily.objects.order_by("-date").values_list("date", flat=True).first()
    if last is None:
        return ""
    if (last + dt.timedelta(days=1)).day != 1:
        last = last.replace(day=1) - dt.timedelta(days=1)
    return f"{last.year}-{last.month:02d}"


def has_data(j, period) -> bool:
    from envbureau.quality.models import CityDaily

    return CityDaily.objects.filter(jurisdiction=j, date__gte=period.start, date__lte=period.end).exists()


def unit_table(units, period) -> list[dict]:
    """Each unit's assessment (`summary`), its change on the same period last year (`changes`, from the
    printed values) and its competition rank by the composite index (lower is better), in rank order."""
    ids = [u.pk for u in units]
    yoy_p = period.shifted_year(-1)
    pa, pb = A.assess_many(ids, period), A.assess_many(ids, yoy_p)
    table = []
    for i, u in enumerate(units):
        c, base = A.summary(pa, i, period, u), A.summary(pb, i, yoy_p, u)
        table.append({"unit": u, "c": c, "ch": A.changes(c, base, "reported") if base["valid_days"] else None})
    ranks = A.competition_rank([t["c"]["composite_index"] for t in table], "lower")
    for t, rk in zip(table, ranks):
        t["rank"] = rk
    table.sort(key=lambda t: (t["rank"] is None, t["rank"] or 0, t["unit"].path))
    return table


def station_table(user, j, period) -> list[dict]:
    """Each air station in the jurisdiction with data in the period (in the user's quality view scope): its
    own assessment (quality's `assess_stations`, = `envbureau assess air --station CODE --json`), the change
    on last year from the printed values, and its competition rank by the composite index."""
    from envbureau.quality.models import AirDaily, AirStation

    ids = set(AirDaily.objects.filter(station__jurisdiction__path__startswith=j.path, date__gte=period.start,
                                      date__lte=period.end).values_list("station_id", flat=True).distinct())
    qs = AirStation.objects.filter(pk__in=ids).select_related("jurisdiction").order_by("code")
    if user is not None:
        qs = qs.restrict(user, "view")
    stations = list(qs)
    if not stations:
        return []
    yoy_p = period.shifted_year(-1)
    pa = A.assess_stations([st.pk for st in stations], period)
    pb = A.assess_stations([st.pk for st in stations], yoy_p)
    table = []
    for i, st in enumerate(stations):
        c, base = A.summary(pa, i, period), A.summary(pb, i, yoy_p)
        table.append({"station": st, "c": c, "ch": A.changes(c, base, "reported") if base["valid_days"] else None})
    for t, rk in zip(table, A.competition_rank([t["c"]["composite_index"] for t in table], "lower")):
        t["rank"] = rk
    table.sort(key=lambda t: (t["rank"] is None, t["rank"] or 0, t["station"].code))
    return table


def _link(j, period, key="") -> str:
    q = urlencode({"j": j.code, "from": period.start.isoformat(), "to": period.end.isoformat(), "basis": "reported"})
    return reverse("quality:assessment") + "?" + q + (f"#{key}" if key else "")


def _unit(key: str) -> str:
    return "毫克/立方米" if key == "co_p95" else "微克/立方米"


def build(user, j, kind: str, period) -> Built:
    r = A.assess_air(j, period, change_basis="reported")
    yoy = (r.get("yoy") or {}).get("changes") or {}
    title = f"{j.name}{period.label}环境空气质量通报"
    b = Built(title=title)

    def num(key, text):
        return (text, _link(j, period, key))

    def ch(key, words):
        return f"，同比{words}" if words else ""

    # 一、overall: composite index, good days and their share, heavy days (Tianjin/MEE sentence patterns)
    b.heading("一、总体状况")
    s1 = [(f"{period.label}，{j.name}环境空气质量综合指数为", None),
          num("composite_index", A.fmt(r["composite_index"], "composite_index")),
          (ch("composite_index", W.rate((yoy.get("composite_index") or {}).get("rate"))) + "；优良天数", None),
          num("good_days", str(r["good_days"])),
          ("天" + ch("good_days", W.days((yoy.get("good_days") or {}).get("change"))) + "，优良天数比率为", None),
          num("good_day_ratio", A.fmt(r["good_day_ratio"], "good_day_ratio")),
          ("%" + ch("good_day_ratio", W.points((yoy.get("good_day_ratio") or {}).get("points"))) + "；重污染天数", None),
          num("heavy_days", str(r["heavy_days"])),
          ("天" + ch("heavy_days", W.days((yoy.get("heavy_days") or {}).get("change"))) + "。", None)]
    summary = b.para(s1)
    s2 = []
    for key in POLLUTANT_KEYS:
        if r[key] is None:
            continue
        s2 += [(("；" if s2 else "") + A.STAT_LABELS[key] + "为", None), num(key, A.fmt(r[key], key)),
               (_unit(key) + ch(key, W.rate((yoy.get(key) or {}).get("rate"))), None)]
    pollutants = b.para(s2 + [("。", None)]) if s2 else ""
    over = [(key, r["statistics"]["_".join(A.KEY_STATS[key])]) for key in POLLUTANT_KEYS
            if r["statistics"].get("_".join(A.KEY_STATS[key]), {}).get("compliant") is False]
    s3 = [(f"按{r['limits']}评价，", None)]
    for i, (key, st) in enumerate(over):
        s3 += [(("；" if i else "") + f"{SHORT[key]}超标", None), num(key, st["exceedance_multiple"]), ("倍", None)]
    s3.append(("；其余污染物均达标。" if over and len(over) < 6 else "。" if over else "六项污染物均达标。", None))
    prim = r.get("primary_pollutant_days") or {}
    if prim:
        top = max(prim.items(), key=lambda kv: kv[1])
        s3 += [(f"以{top[0]}为首要污染物的天数最多（", None), (str(top[1]), _link(j, period)), ("天）。", None)]
    exceedance = b.para(s3)

    # 二、units: ranked by the composite index (lower is better), the city row last
    units = air_units(j)
    unit_word = UNIT_WORD.get(units[0].level, "单位") if units else "单位"
    rows_doc, rows_html, callouts, units_intro = [], [], [], ""
    figures_units = []
    cur_all = [{"unit": j, "c": r, "ch": yoy or None}]
    if units:
        b.heading(f"二、各{unit_word}环境空气质量状况")
        table = unit_table(units, period)
        cur_all = table + cur_all
        ranked = [t for t in table if t["rank"] is not None]
        pm = [t["c"]["pm25_mean"] for t in table if t["c"]["pm25_mean"] is not None]
        gr = [t["c"]["good_day_ratio"] for t in table if t["c"]["good_day_ratio"] is not None]
        intro = [(f"{period.label}，各{unit_word}", None)]
        if pm:
            intro += [("PM2.5平均浓度在", None), (A.fmt(min(pm), "pm25_mean"), None), ("～", None),
                      (A.fmt(max(pm), "pm25_mean"), None), ("微克/立方米之间", None)]
        if gr:
            intro += [("，优良天数比率在" if pm else "优良天数比率在", None), (A.fmt(min(gr), "good_day_ratio"), None),
                      ("%～", None), (A.fmt(max(gr), "good_day_ratio"), None), ("%之间", None)]
        intro.append(("。", None))
        k = min(3, len(ranked) // 2)
        if k:
            best = W.ranked_names([(t["unit"].name, t["rank"]) for t in ranked[:k]])
            worst = W.ranked_names([(t["unit"].name, t["rank"]) for t in ranked[::-1][:k]])
            intro.append((f"按照环境空气质量综合指数排名，排名较好的{unit_word}为{W.join_names(best)}，"
                          f"较差的{unit_word}为{W.join_names(worst)}。", reverse("quality:rankings") + "?" + urlencode(
                              {"j": j.code, "from": period.start.isoformat(), "to": period.end.isoformat()})))
        units_intro = b.para(intro)

        def cells(t, rank_text):
            c, chg, u = t["c"], t["ch"] or {}, t["unit"]
            return {
                "rank": rank_text, "name": u.name if u != j else f"{u.name}（全部）",
                "pm25": A.fmt(c["pm25_mean"], "pm25_mean"),
                "pm25_yoy": W.signed_pct((chg.get("pm25_mean") or {}).get("rate")),
                "good_ratio": A.fmt(c["good_day_ratio"], "good_day_ratio"),
                "good_ratio_yoy": W.signed_points((chg.get("good_day_ratio") or {}).get("points")),
                "ci": A.fmt(c["composite_index"], "composite_index"),
                "ci_yoy": W.signed_pct((chg.get("composite_index") or {}).get("rate")),
                "valid_days": str(c["valid_days"]),
            }
        keys = ("rank", "name", "pm25", "pm25_yoy", "good_ratio", "good_ratio_yoy", "ci", "ci_yoy", "valid_days")
        anchors = {"pm25": "pm25_mean", "pm25_yoy": "pm25_mean", "good_ratio": "good_day_ratio",
                   "good_ratio_yoy": "good_day_ratio", "ci": "composite_index", "ci_yoy": "composite_index",
                   "valid_days": "valid_days"}
        for t in cur_all:
            d = cells(t, "" if t["unit"] == j else (str(t["rank"]) if t["rank"] is not None else "—"))
            (rows_doc if t["unit"] != j else []).append(d)
            rows_html.append([(d[k2], _link(t["unit"], period, anchors[k2]) if k2 in anchors else None) for k2 in keys])
            figures_units.append({"code": t["unit"].code, **d})
        b.table(["排名", unit_word, "PM2.5浓度(μg/m³)", "PM2.5同比(%)", "优良天数比率(%)", "优良率同比(百分点)",
                 "综合指数", "综合指数同比(%)", "有效天数"], rows_html)

        # 三、call-outs: the worst units, and those whose index rose year on year
        worst = ranked[::-1][:k] if k else []
        for t in worst:
            c, chg = t["c"], t["ch"] or {}
            frags = [(f"{t['unit'].name}：综合指数", None),
                     (A.fmt(c["composite_index"], "composite_index"), _link(t["unit"], period, "composite_index")),
                     (f"，列第{t['rank']}位（共{len(ranked)}个）", None)]
            w = W.rate((chg.get("composite_index") or {}).get("rate"))
            frags.append((f"，同比{w}" if w else "", None))
            frags += [("；PM2.5平均浓度", None), (A.fmt(c["pm25_mean"], "pm25_mean"), _link(t["unit"], period, "pm25_mean")),
                      ("微克/立方米", None)]
            w = W.rate((chg.get("pm25_mean") or {}).get("rate"))
            frags.append((f"，同比{w}" if w else "", None))
            frags += [("；优良天数比率", None),
                      (A.fmt(c["good_day_ratio"], "good_day_ratio"), _link(t["unit"], period, "good_day_ratio")),
                      ("%", None)]
            w = W.points((chg.get("good_day_ratio") or {}).get("points"))
            frags.append((f"，同比{w}。" if w else "。", None))
            callouts.append(frags)
        worse = [t for t in ranked if ((t["ch"] or {}).get("composite_index") or {}).get("rate") is not None
                 and t["ch"]["composite_index"]["rate"] > 0 and W.rate(t["ch"]["composite_index"]["rate"]) != "持平"]
        if worse:
            frags = [(f"综合指数同比上升（空气质量变差）的{unit_word}：", None)]
            for i, t in enumerate(worse):
                frags += [("、" if i else "", None), (t["unit"].name, None), ("（", None),
                          (W.rate(t["ch"]["composite_index"]["rate"]).removeprefix("上升"),
                           _link(t["unit"], period, "composite_index")), ("）", None)]
            frags.append(("。", None))
            callouts.append(frags)
        if callouts:
            b.heading("三、需重点关注的" + unit_word)
            for frags in callouts:
                b.para(frags)

    # a district's (or street's) bulletin: each of its stations, from the station's own days
    rows_st, figures_stations = [], []
    if j.parent_id is not None:
        st_table = station_table(user, j, period)
        if st_table:
            b.heading("各监测站点环境空气质量状况")
            html_st = []
            for t in st_table:
                c, chg, st = t["c"], t["ch"] or {}, t["station"]
                d = {"rank": str(t["rank"]) if t["rank"] is not None else "—", "name": st.name,
                     "level": st.get_control_level_display(), "district": st.jurisdiction.name,
                     "pm25": A.fmt(c["pm25_mean"], "pm25_mean"),
                     "pm25_yoy": W.signed_pct((chg.get("pm25_mean") or {}).get("rate")),
                     "pm10": A.fmt(c["pm10_mean"], "pm10_mean"),
                     "good_ratio": A.fmt(c["good_day_ratio"], "good_day_ratio"),
                     "good_ratio_yoy": W.signed_points((chg.get("good_day_ratio") or {}).get("points")),
                     "ci": A.fmt(c["composite_index"], "composite_index"),
                     "ci_yoy": W.signed_pct((chg.get("composite_index") or {}).get("rate")),
                     "valid_days": str(c["valid_days"])}
                rows_st.append(d)
                link = reverse("quality:stations-detail", args=[st.pk])
                html_st.append([(d[k], link if k not in ("rank", "name", "level", "district") else None)
                                for k in ("rank", "name", "level", "district", "pm25", "pm25_yoy", "pm10",
                                          "good_ratio", "good_ratio_yoy", "ci", "ci_yoy", "valid_days")])
                figures_stations.append({"station": st.code, **d})
            b.table(["排名", "站点", "级别", "所在区划", "PM2.5浓度(μg/m³)", "PM2.5同比(%)", "PM10浓度(μg/m³)",
                     "优良天数比率(%)", "优良率同比(百分点)", "综合指数", "综合指数同比(%)", "有效天数"], html_st)

    # charts: level days per unit and the city; six pollutants against the Grade II limit
    names = [t["unit"].name for t in cur_all]
    cats = list(A.CATEGORY_NAMES.values())
    lv = charts.level_days(names, [[t["c"]["category_days"][c] for c in cats] for t in cur_all], cats,
                           f"{period.label}空气质量级别天数")
    base = (r.get("yoy") or {}).get("base") or {}
    limits = [r["statistics"]["_".join(A.KEY_STATS[k])]["limit"] or 0 for k in POLLUTANT_KEYS]
    six = charts.pollutants([SHORT[k] for k in POLLUTANT_KEYS], [r[k] for k in POLLUTANT_KEYS],
                            [base.get(k) for k in POLLUTANT_KEYS], limits, period.label,
                            (r.get("yoy") or {}).get("period", {}).get("label", "上年同期"),
                            f"{j.name}六项污染物浓度（占二级标准限值）")
    b.image("空气质量级别天数", lv)
    b.image("六项污染物", six)

    rules = "；".join(f"{k} {v}天" for k, v in r["rules"].items())
    notes = ["1. 排名方法：按环境空气质量综合指数由小到大排名，综合指数越小表明空气质量越好；并列者名次相同。",
             "2. 同比变化率＝（本期－上年同期）÷上年同期，由修约后数值计算；负数表示同比改善，正数表示同比恶化；"
             "优良天数比率的同比变化以百分点计。",
             f"3. 评价依据：{rules or '—'}；{r['limits']}。",
             "4. 数据来源：本平台环境空气质量监测数据；最终结果以上级生态环境监测部门发布结果为准。"]
    b.heading("说明")
    for n in notes:
        b.para([(n, None)])
    b.values = {"title": title, "jurisdiction": j.name, "period_label": period.label, "summary": summary,
                "pollutants": pollutants, "exceedance": exceedance, "units_intro": units_intro,
                "unit_word": unit_word, "rows": rows_doc, "stations": rows_st,
                "total": next((d for d in figures_units if d["code"] == j.code), {}),
                "callouts": "\n".join("".join(t for t, _h in f) for f in callouts),
                "chart_levels": Image(lv, 150), "chart_pollutants": Image(six, 150), "notes": "\n".join(notes)}
    b.figures = {"jurisdiction": {"code": j.code, "name": j.name},
                 "period": r["period"], "assessment": {k: r[k] for k in (*POLLUTANT_KEYS, "composite_index", "good_days",
                                                                          "good_day_ratio", "heavy_days", "valid_days")},
                 "units": figures_units, "stations": figures_stations}
    return b
