"""All-city street rankings (issue 17; the conventions of bureaus' ranking notices): every street of the city
ranked together for a week, month, quarter or year, on the street/grid ranking network (networks.py), by
the composite index or PM2.5 (the ranking network's ``rank_by``, or the page's choice).

- ranks: competition ranking on the printed values ("1224", as MEE, Anhui and Sichuan rank; composite index 2 decimals, PM2.5 an integer);
  a street without a value is listed unranked with the reason;
- change in rank: against the previous period of the same kind (previous week/month/quarter/year);
- change ranking (MEE 《城市环境空气质量变化程度排名方案》, 2017): the change rate on the same period last year, (now − base) / base from the printed
  values (as MEE bulletins compute it), more negative = more improved, ties share a rank;
- call-outs (local notices: Zhengzhou, Anyang, Fangcheng, Beijing): the best N and the worst N (a list grows
  when the N-th place is tied, as Jiangsu's and Guangdong's lists do) and the streets
  in the worst N in this period and the previous one (连续两期排名靠后). N is the asked size (default 10) for a
  city of more than 20 ranked streets; with 20 or fewer it is at most 3 (前三名/后三名, as Beijing's and Fangcheng's
  notices), and there is no call-out when the best N and the worst N together would name every ranked street
  (6 or fewer with N = 3): the table says it all (`callout_size`)."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from . import assessment as A
from .networks import describe

#: the indicators a street ranking may use: (label, unit, key in the summaries). The ranking's words are in the
#: active language: pages show the reader's, the issued notice is made and printed in Chinese (views, documents).
RANK_BY = {"composite_index": (gettext_noop("综合指数"), ""), "pm25_mean": (gettext_noop("PM2.5浓度"), gettext_noop("微克/立方米"))}
DEFAULT_TOP = 10
SMALL_RANKING = 20  # ranked streets: at or below it the call-outs name at most SMALL_TOP
SMALL_TOP = 3


def callout_size(asked: int, n_ranked: int) -> int:
    """How many places each call-out names: `asked` for more than SMALL_RANKING ranked streets, else at most
    SMALL_TOP; 0 (no call-outs) when the best and the worst lists together would name every ranked street."""
    n = asked if n_ranked > SMALL_RANKING else min(asked, SMALL_TOP)
    return n if 2 * n < n_ranked else 0


def streets_of(city, period, user=None) -> list:
    """Streets under ``city`` with results of the ranking network in the period (with their district).
    One EXISTS per street on the (jurisdiction, date) key: a DISTINCT over the period's day rows scanned every
    jurisdiction-day of the history on SQLite (40 ms at 5 years of 150 streets)."""
    from django.db.models import Exists, OuterRef

    from envbureau.core.models import Jurisdiction

    from .models import CityDaily

    days = CityDaily.objects.filter(jurisdiction=OuterRef("pk"), date__gte=period.start, date__lte=period.end)
    return list(Jurisdiction.objects.filter(path__startswith=city.path, level="street").filter(Exists(days))
                .select_related("parent").order_by("path"))


def _ranks(values: list, better: str = "lower") -> list:
    return A.competition_rank(values, better)


def _top(streets_ranks: list[tuple], n: int) -> list[tuple]:
    """The first n places, grown to every street tied with the n-th (as published lists grow)."""
    ranked = sorted([x for x in streets_ranks if x[1] is not None], key=lambda x: x[1])
    if len(ranked) <= n:
        return ranked
    cut = ranked[n - 1][1]
    return [x for x in ranked if x[1] <= cut]


def rank_values(streets, period, by: str) -> tuple[list, list]:
    """(values at the printed precision, competition ranks) of each street for one period."""
    rows = A.summaries([s.pk for s in streets], period, brief=True)
    # the summaries carry the printed values (composite index 2 decimals, PM2.5 an integer): ranks are on them
    vals = [None if r.get(by) is None else float(r[by]) for r in rows]
    return vals, _ranks(vals), rows


def street_ranking(city, period, by: str | None = None, top: int = DEFAULT_TOP, visible=None) -> dict:
    """The ranking as plain data (page, API, Excel, the issued notice). ``visible``: ids of the streets the
    reader may see (rows and call-outs are limited to them; ranks stay those among all streets of ``city``)."""
    if by is None:
        by = ranking_indicator(period)
    if by not in RANK_BY:
        raise ValueError(f"by must be one of {', '.join(RANK_BY)}")
    streets = streets_of(city, period)
    prev_p, yoy_p = period.previous(), period.shifted_year(-1)
    cur, ranks, _rows = rank_values(streets, period, by)
    prev, prev_ranks, _r = rank_values(streets, prev_p, by)
    base, _yr, _r = rank_values(streets, yoy_p, by)
    rates = [None if a is None or b in (None, 0) else (a - b) / b for a, b in zip(cur, base)]
    change_ranks = _ranks([None if r is None else round(r, 3) for r in rates])  # on the printed 0.1 %
    label, unit = RANK_BY[by]
    label, unit = _(label), _(unit) if unit else ""
    out_rows = []
    per_rank = Counter(ranks)
    for i, s in enumerate(streets):
        move = None if ranks[i] is None or prev_ranks[i] is None else prev_ranks[i] - ranks[i]
        tied = ranks[i] is not None and per_rank[ranks[i]] > 1
        out_rows.append({
            "street": s.name, "code": s.code, "district": s.parent.name if s.parent_id else "", "id": s.pk,
            "value": cur[i], "rank": ranks[i], "tied": tied,
            "previous_value": prev[i], "previous_rank": prev_ranks[i], "rank_change": move,
            "rank_change_text": rank_change_text(move, ranks[i], prev_ranks[i]),
            "yoy_base": base[i], "yoy_rate": None if rates[i] is None else round(rates[i] * 100, 1),
            "change_rank": change_ranks[i],
            "why": "" if ranks[i] is not None else _("未排名:本期%(b)s无有效值") % {"b": label},
        })
    out_rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]))
    n_ranked = sum(1 for r in ranks if r is not None)
    asked, top = top, callout_size(top, n_ranked)
    worst_ranks = _ranks(cur, "higher")  # rank 1 = the worst (倒数第1名)
    prev_worst = _ranks(prev, "higher")
    worst = _top([(s, r) for s, r in zip(streets, worst_ranks)], top) if top else []
    best = _top([(s, r) for s, r in zip(streets, ranks)], top) if top else []
    worst_prev_ids = {s.pk for s, _r in _top([(s, r) for s, r in zip(streets, prev_worst)], top)} if top else set()
    twice = [s for s, _r in worst if s.pk in worst_prev_ids]
    rate_of = {s.pk: rt for s, rt in zip(streets, rates)}
    improved = _top([(s, r) for s, r in zip(streets, change_ranks) if rate_of[s.pk] is not None and rate_of[s.pk] < 0],
                    top) if top else []
    seen = (lambda s: True) if visible is None else (lambda s: s.pk in visible)
    net = describe(streets[0], period) if streets else describe(_street_level(city), period)
    return {
        "city": {"code": city.code, "name": city.name},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": A.period_label(period)},
        "previous_period": {"start": prev_p.start.isoformat(), "end": prev_p.end.isoformat(),
                            "label": A.period_label(prev_p)},
        "yoy_period": {"start": yoy_p.start.isoformat(), "end": yoy_p.end.isoformat(), "label": A.period_label(yoy_p)},
        "by": by, "by_label": label, "unit": unit, "top": top, "top_asked": asked, "n_streets": len(streets),
        "n_ranked": n_ranked,
        "network": net, "data_basis": net["data_basis"],
        "rows": [r for r in out_rows if visible is None or r["id"] in visible],
        "callouts": {
            "best": [_named(s, r, ranks) for s, r in best if seen(s)],
            "worst": [_named(s, r, worst_ranks) for s, r in worst if seen(s)],
            "worst_twice": [s.name for s in twice if seen(s)],
            "most_improved": [_named(s, r, change_ranks) for s, r in improved if seen(s)],
        },
    }


def _street_level(city):
    """A stand-in street for naming the ranking network when no street has results yet."""
    from envbureau.core.models import Jurisdiction

    return Jurisdiction(code=city.code, name=city.name, level="street")


def _named(s, r, ranks) -> dict:
    return {"street": s.name, "rank": r, "tied": ranks.count(r) > 1}


def rank_change_text(move, rank, prev_rank) -> str:
    if rank is None:
        return ""
    if prev_rank is None:
        return _("上期未排名")
    if move == 0:
        return pgettext("工作报告", "持平")
    return (_("上升%(n)s位") if move > 0 else _("下降%(n)s位")) % {"n": abs(move)}


def names_text(items: list[dict]) -> str:
    """"A、B(并列)、C" in list order, ties marked as bulletins write them."""
    return pgettext("列举", "、").join(f"{x['street']}{tied_mark() if x['tied'] else ''}" for x in items)


def tied_mark() -> str:
    """"(并列)" after a tied rank or name."""
    return "(%s)" % _("并列")


def sentences(r: dict) -> list[str]:
    """The ranking notice in the words published notices use (Sichuan, Fangcheng, Beijing)."""
    out = [_("%(p)s，全市%(n)s个街道（乡镇）按%(b)s参与排名（%(r)s个有有效数值），并列者名次相同。%(net)s；%(basis)s。")
           % {"p": r["period"]["label"], "n": r["n_streets"], "b": r["by_label"], "r": r["n_ranked"],
              "net": r["network"]["text"], "basis": r.get("data_basis", "")}]
    c = r["callouts"]
    asked = r.get("top_asked", r["top"])
    if r["n_ranked"] and r["top"] == 0:
        out.append(_("参与排名的街道（乡镇）较少（%(n)s个），不单列排名前、后几位的名单，名次见排名表。") % {"n": r["n_ranked"]})
    elif r["top"] < asked:
        out.append(_("参与排名的街道（乡镇）不超过%(m)s个，只列排名前、后%(k)s位。") % {"m": SMALL_RANKING, "k": r["top"]})
    if c["best"]:
        out.append(_("排名前%(n)s位的依次是：%(s)s。") % {"n": r["top"], "s": names_text(c["best"])})
    if c["worst"]:
        out.append(_("排名后%(n)s位的（从倒数第1名起）依次是：%(s)s。") % {"n": r["top"], "s": names_text(c["worst"])})
    if c["worst_twice"]:
        out.append(_("连续两期排名后%(n)s位的：%(s)s。") % {"n": r["top"], "s": pgettext("列举", "、").join(c["worst_twice"])})
    if c["most_improved"]:
        out.append(_("与%(y)s相比，%(b)s改善幅度前%(n)s位的依次是：%(s)s。")
                   % {"y": r["yoy_period"]["label"], "b": r["by_label"], "n": r["top"], "s": names_text(c["most_improved"])})
    return out


def ranking_indicator(period) -> str:
    """The indicator declared on the ranking network in force at the end of the period (default composite)."""
    from .networks import networks_for

    nets = networks_for("ranking", period.start, period.end)
    return nets[-1].rank_by if nets else "composite_index"
