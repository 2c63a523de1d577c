"""Ranking notice of districts or streets (县区/街道空气质量排名通报, laid out as Sichuan's, Fangcheng's and Beijing's): the order by the
composite index (status), the order by its change on last year (变化程度), the best and worst units, and
the full table as the attachment. Figures are the air bulletin's (`air.unit_table`: quality's
assess_many/summary/changes); ranks are competition ranks (ties share a rank, "（并列）")."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from envbureau.quality import assessment as A

from . import air
from . import words as W
from .registry import Built


def order_phrase(items: list[tuple[str, int | None]]) -> str:
    """"a、b、c和d（并列）、e": units in rank order, those sharing a rank joined with 和 and marked (as bulletins write ties)."""
    groups: list[list[str]] = []
    last = object()
    for name, rank in items:
        if rank == last:
            groups[-1].append(name)
        else:
            groups.append([name])
        last = rank
    return "、".join(g[0] if len(g) == 1 else "和".join(g) + "（并列）" for g in groups)


PERIOD_WORD = {"month": "个月", "quarter": "个季度", "half": "个半年", "year": "年"}


def year_history(units, kind: str, period) -> list[dict]:
    """The composite index of each unit (as printed) in the year's earlier periods of the same kind, oldest
    first: what the escalation rules count (local rules)."""
    out, p = [], period
    ids = [u.pk for u in units]
    while kind in ("month", "quarter", "half"):
        p = p.previous()
        if p.start.year != period.start.year:
            break
        pa = A.assess_many(ids, p)
        out.insert(0, {u.pk: A.summary(pa, i, p)["composite_index"] for i, u in enumerate(units)})
    return out


def _measures(b, j, kind, period, ranked, word, rank_link) -> str:
    """三、奖惩措施: the measure each unit draws under the rules (reports.measures), with why."""
    from . import measures as M

    rule_list = M.rules()
    if not ranked or not rule_list:
        return ""
    current = {t["unit"].pk: t["c"]["composite_index"] for t in ranked}
    decided = M.decide(current, year_history([t["unit"] for t in ranked], kind, period), rule_list)
    if not decided:
        return ""
    n_worst = {r.measure: M._n(r.n, current) for r in rule_list}
    lines = []
    for measure in dict.fromkeys(r.measure for r in rule_list):  # in the rules' order
        names = []
        for t in ranked:
            got = decided.get(t["unit"].pk)
            if not got or got[0] != measure:
                continue
            _m, running, total = got
            why = [f"排名第{t['rank']}位"]
            side = next(r.side for r in rule_list if r.measure == measure)
            if side == "worst" and running > 1:
                why.append(f"连续{running}{PERIOD_WORD[kind]}排名后{n_worst[measure]}位")
            if side == "worst" and total > running:
                why.append(f"本年度第{total}次排名后{n_worst[measure]}位")
            names.append(f"{t['unit'].name}（{'，'.join(why)}）")
        if names:
            lines.append(f"{measure}：{'、'.join(names)}。")
    b.heading("三、奖惩措施")
    text = [b.para([(f"根据排名结果及{j.name}{word}环境空气质量排名奖惩规定，", None)])]
    for line in lines:
        text.append(b.para([(line, rank_link)]))
    return "\n".join(text)


def ranking_jurisdictions(user):
    """Jurisdictions with at least two ranked units below them (districts of a city, streets of a district)."""
    return air.air_jurisdictions(user)


def build(user, j, kind: str, period) -> Built:
    units = air.air_units(j)
    word = air.UNIT_WORD.get(units[0].level, "单位") if units else "单位"
    title = f"{j.name}{period.label}各{word}环境空气质量排名通报"
    b = Built(title=title)
    table = air.unit_table(units, period) if units else []
    ranked = [t for t in table if t["rank"] is not None]
    rank_link = reverse("quality:rankings") + "?" + urlencode(
        {"j": j.code, "from": period.start.isoformat(), "to": period.end.isoformat()})
    opening = b.para([(f"根据各{word}环境空气质量监测数据，按照环境空气质量综合指数评价，现将{period.label}各{word}"
                       "环境空气质量排名情况通报如下。", None)])
    b.heading("一、排名情况")
    if ranked:
        order = b.para([(f"{period.label}，{j.name}{len(ranked)}个{word}环境空气质量由好到差依次为：", None),
                        (order_phrase([(t["unit"].name, t["rank"]) for t in ranked]), rank_link), ("。", None)])
    else:
        order = b.para([(f"{period.label}，{j.name}各{word}无可排名的综合指数。", None)])
    k = min(3, len(ranked) // 2)
    ends = ""
    if k:
        best = W.ranked_names([(t["unit"].name, t["rank"]) for t in ranked[:k]])
        worst = W.ranked_names([(t["unit"].name, t["rank"]) for t in ranked[::-1][:k]])
        ends = b.para([(f"排名前{k}位的{word}为{W.join_names(best)}；后{k}位的{word}（从倒数第1名起）为"
                        f"{W.join_names(worst)}。", rank_link)])

    b.heading("二、变化程度排名")
    changing = [t for t in ranked if ((t["ch"] or {}).get("composite_index") or {}).get("rate") is not None]
    rates = [t["ch"]["composite_index"]["rate"] for t in changing]
    change_ranks = A.competition_rank(rates, "lower")
    for t, r in zip(changing, change_ranks):
        t["change_rank"] = r
    changing.sort(key=lambda t: (t["change_rank"], t["unit"].path))
    if changing:
        items = []
        for t in changing:
            items.append(f"{t['unit'].name}（{W.signed_pct(t['ch']['composite_index']['rate'])}%）")
        frags = [(f"与上年同期相比，{len(changing)}个{word}参与变化程度排名，综合指数变化率相同以并列计。"
                  "改善幅度由大到小依次为：", None), ("、".join(items), rank_link), ("。", None)]
        worse = [t["unit"].name for t in changing if W.rate(t["ch"]["composite_index"]["rate"]).startswith("上升")]
        if worse:
            frags.append((f"综合指数同比上升的{word}为{W.join_names(worse)}。", None))
        change = b.para(frags)
    else:
        change = b.para([("上年同期无可比数据，不进行变化程度排名。", None)])

    measures = _measures(b, j, kind, period, ranked, word, rank_link)

    b.heading("附件 排名表")
    rows_doc, rows_html = [], []
    for t in ranked + [t for t in table if t["rank"] is None]:
        c, chg, u = t["c"], t["ch"] or {}, t["unit"]
        d = {"rank": str(t["rank"]) if t["rank"] is not None else "—", "name": u.name,
             "ci": A.fmt(c["composite_index"], "composite_index"),
             "ci_yoy": W.signed_pct((chg.get("composite_index") or {}).get("rate")),
             "change_rank": str(t["change_rank"]) if t.get("change_rank") is not None else "—",
             "pm25": A.fmt(c["pm25_mean"], "pm25_mean"), "good_ratio": A.fmt(c["good_day_ratio"], "good_day_ratio")}
        rows_doc.append(d)
        lk = air._link(u, period)
        rows_html.append([(d["rank"], rank_link), (d["name"], None), (d["ci"], lk + "#composite_index"),
                          (d["ci_yoy"], lk + "#composite_index"), (d["change_rank"], rank_link),
                          (d["pm25"], lk + "#pm25_mean"), (d["good_ratio"], lk + "#good_day_ratio")])
    b.table(["综合排名", word, "综合指数", "综合指数变化率(%)", "变化程度排名", "PM2.5浓度(μg/m³)", "优良天数比率(%)"],
            rows_html)
    notes = ["1. 状况排名按环境空气质量综合指数由小到大排列（综合指数越小，空气质量越好）；变化程度排名按综合指数同比变化率"
             "由小到大排列（负数表示改善）；数值相同者名次相同。",
             "2. 变化率由修约后数值计算；数据来源：本平台环境空气质量监测数据。"]
    b.heading("说明")
    for n in notes:
        b.para([(n, None)])
    b.values = {"title": title, "jurisdiction": j.name, "period_label": period.label, "unit_word": word,
                "opening": opening, "order": order, "ends": ends, "change": change, "measures": measures,
                "rows": rows_doc,
                "notes": "\n".join(notes)}
    b.figures = {"jurisdiction": {"code": j.code, "name": j.name},
                 "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
                 "units": [{"code": t["unit"].code, **d} for t, d in zip(ranked + [t for t in table if t["rank"] is None],
                                                                        rows_doc)]}
    return b
