"""Enforcement statistics for a jurisdiction and a period (period.py: a year, a half, a quarter, a month, 1–N月 or
any pair of local dates): the figures with the same period of the previous year and year on year,
the same by industry and by department, and the bureau reports' sentences built from them. Every number
carries the URL of the list of records it counts (filters.py), so a reader can click from it to the records."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from envbureau.core.scoping import restrict

from .choices import NO_PENALTY, PENALTY, Outcome
from .filters import NONE, industry_map, inspected, positive_on, published_grade
from .models import Case, CreditRating, Draw, Inspection, Measure, PoolEnterprise, Transfer
from .period import Period

FIRST_OR_MINOR = (Outcome.FIRST_NO_PENALTY, Outcome.MINOR_NO_PENALTY)


def _pct(now, before):
    return _pct_dec(now, before)


def _yuan(value) -> Decimal:
    """Amounts in yuan to the fen, whatever the database's SUM returned (SQLite drops the scale: 26000 beside
    20000.00 in one table)."""
    return Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _wan(yuan) -> Decimal:
    return (Decimal(yuan or 0) / Decimal(10000)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _scoped(model, user):
    """Trusted system paths (user None: CLI, jobs) read everything; a person reads their scope."""
    return model.objects.all() if user is None else restrict(model.objects.all(), user, "view")


def spared_of(outcome, fine, fine_min) -> Decimal:
    """What an outcome spared the party: the article's minimum when no fine was imposed although the
    violation stands (首违不罚, 轻微不罚), the part below the minimum for 减轻处罚; nothing otherwise."""
    if fine_min is None:
        return Decimal(0)
    if outcome in FIRST_OR_MINOR:
        return Decimal(fine_min)
    if outcome == Outcome.REDUCED and fine is not None and fine < fine_min:
        return Decimal(fine_min) - Decimal(fine)
    return Decimal(0)


def _case_rows(cases):
    return list(cases.values("id", "enterprise_id", "filed_on", "decided_on", "outcome", "fine",
                             "legal_basis__fine_min"))


def as_period(period) -> Period:
    """A Period as it is; a year (int) as its calendar year."""
    return period if isinstance(period, Period) else Period.year(int(period))


def _in(field: str, p: Period) -> dict:
    """Lookups of a date field in the period (a datetime field as `name__date`: its local date)."""
    return {f"{field}__gte": p.start, f"{field}__lte": p.end}


def _figures(user, path: str, period) -> dict:
    p = as_period(period)
    insp = _scoped(Inspection, user).filter(jurisdiction__path__startswith=path, **_in("inspected_on", p))
    cases = _scoped(Case, user).filter(jurisdiction__path__startswith=path)
    decided = cases.filter(**_in("decided_on", p))
    penalties = decided.filter(outcome__in=[str(o) for o in PENALTY])
    # several transfers per case, each counted by the date of its transfer decision (移送行政拘留暂行办法 art. 11; 国务院令第310号 art. 5)
    transfers = _scoped(Transfer, user).filter(jurisdiction__path__startswith=path, **_in("transferred_on", p))
    measures = _scoped(Measure, user).filter(jurisdiction__path__startswith=path, **_in("decided_on", p))
    daily = measures.filter(kind="daily")
    ratings = _scoped(CreditRating, user).filter(jurisdiction__path__startswith=path)
    published = ratings.filter(**_in("published_on", p))
    pool = _scoped(PoolEnterprise, user).filter(jurisdiction__path__startswith=path)
    spared = sum((spared_of(r["outcome"], r["fine"], r["legal_basis__fine_min"])
                  for r in decided.values("outcome", "fine", "legal_basis__fine_min")), Decimal(0))
    return {
        "inspections": insp.count(),
        "draw_inspections": insp.filter(source="draw").count(),
        "enterprises": inspected(pool, insp).count(),
        "draws": _scoped(Draw, user).filter(jurisdiction__path__startswith=path, **_in("drawn_at__date", p)).count(),
        "positive_list": positive_on(pool, p.end).count(),
        "cases_filed": cases.filter(**_in("filed_on", p)).count(),
        "decisions": penalties.count(),
        "fines_yuan": _yuan(penalties.aggregate(s=Sum("fine"))["s"]),
        "not_punished": decided.filter(outcome__in=[str(o) for o in NO_PENALTY]).count(),
        "reduced": decided.filter(outcome=Outcome.REDUCED).count(),
        "spared_yuan": _yuan(spared),
        "measures": measures.count(),
        "daily_penalties": daily.count(),
        "daily_fines_yuan": _yuan(daily.aggregate(s=Sum("fine"))["s"]),
        "corrections": measures.filter(kind="correction").count(),
        "seizures": measures.filter(kind="seizure").count(),
        "production_orders": measures.filter(kind__in=["limit", "stop"]).count(),
        "transfers": transfers.count(),
        "transfers_detention": transfers.filter(kind="detention").count(),
        "detentions": transfers.filter(kind="detention", detained=True).count(),
        "transfers_crime": transfers.filter(kind="crime").count(),
        "ratings": published.count(),
        "ratings_yellow": published_grade(published, "yellow").count(),
        "ratings_red": published_grade(published, "red").count(),
        "repairs": ratings.filter(**_in("repaired_on", p)).count(),
    }


def _link(name, code, **params):
    return reverse(f"enforcement:{name}-list") + "?" + urlencode({"jurisdiction": code, **params})


def _when(p: Period, year_param: str, from_param: str, to_param: str) -> dict:
    """A list's period parameters: ?X_year=Y for a calendar year (as before), else ?X_from=…&X_to=… (dates)."""
    if p.is_year:
        return {year_param: p.start.year}
    return {from_param: p.start.isoformat(), to_param: p.end.isoformat()}


def _links(code: str, period, **extra) -> dict:
    p = as_period(period)

    def link(name, **params):
        return _link(name, code, **params, **extra)

    insp = _when(p, "year", "inspected_from", "inspected_to")
    measure = _when(p, "year", "decided_from", "decided_to")
    filed = _when(p, "filed_year", "filed_from", "filed_to")
    decided = _when(p, "decided_year", "decided_from", "decided_to")
    transferred = _when(p, "year", "transferred_from", "transferred_to")
    published = _when(p, "published_year", "published_from", "published_to")
    measures = {k: link("measures", **measure, kind=k) for k in ("daily", "correction", "seizure")}
    return {
        "measures": link("measures", **measure),
        "inspections": link("inspections", **insp), "draw_inspections": link("inspections", **insp, source="draw"),
        "enterprises": _link("pool", code, **_when(p, "inspected_year", "inspected_from", "inspected_to")),
        "draws": _link("draw", code, **_when(p, "year", "drawn_from", "drawn_to")),
        "positive_list": _link("pool", code, positive_on=p.end.isoformat()),
        "cases_filed": link("cases", **filed),
        "decisions": link("cases", **decided, outcome_group="penalty"),
        "fines_yuan": link("cases", **decided, outcome_group="penalty"),
        "not_punished": link("cases", **decided, outcome_group="no_penalty"),
        "reduced": link("cases", **decided, outcome="reduced"),
        "spared_yuan": link("cases", **decided, outcome_group="spared"),
        "daily_penalties": measures["daily"], "daily_fines_yuan": measures["daily"],
        "corrections": measures["correction"], "seizures": measures["seizure"],
        "production_orders": _link("measures", code, **measure, kind_group="production"),
        "transfers": _link("transfers", code, **transferred),
        "transfers_detention": _link("transfers", code, **transferred, kind="detention"),
        "detentions": _link("transfers", code, **transferred, kind="detention", detained="true"),
        "transfers_crime": _link("transfers", code, **transferred, kind="crime"),
        "ratings": _link("ratings", code, **published),
        "ratings_yellow": _link("ratings", code, **published, published_grade="yellow"),
        "ratings_red": _link("ratings", code, **published, published_grade="red"),
        "repairs": _link("ratings", code, **_when(p, "repaired_year", "repair_from", "repair_to")),
    }


class Sentence:
    """A report sentence whose numbers link to their records: parts are text or {"text", "url"}."""

    def __init__(self):
        self.parts: list = []

    def text(self, s: str) -> Sentence:
        self.parts.append(s)
        return self

    def num(self, value, url: str) -> Sentence:
        """A count as it is; an amount (Decimal, 万元) to the fen with thousands separators: 1,234.50."""
        self.parts.append({"text": f"{value:,.2f}" if isinstance(value, Decimal) else str(value), "url": url})
        return self

    def as_dict(self) -> dict:
        return {"text": "".join(p if isinstance(p, str) else p["text"] for p in self.parts), "parts": self.parts}


def _sentences(name: str, period: Period, now: dict, before: dict, links: dict, previous_links: dict) -> list[dict]:
    wan = _wan(now["fines_yuan"])
    yoy = _pct_dec(now["fines_yuan"], before["fines_yuan"])
    s1 = (Sentence().text(_("%(p)s,%(n)s开展执法检查") % {"p": period.label, "n": name})
          .num(now["inspections"], links["inspections"]).text(_("次,检查企业"))
          .num(now["enterprises"], links["enterprises"]).text(_("家,立案调查环境违法案件"))
          .num(now["cases_filed"], links["cases_filed"]).text(_("起,下达行政处罚决定书"))
          .num(now["decisions"], links["decisions"]).text(_("件,罚款金额"))
          .num(wan, links["fines_yuan"]).text(_("万元")))
    if yoy is not None:
        s1.text(_(",同比增长%(p)s%%") % {"p": yoy} if yoy >= 0 else _(",同比下降%(p)s%%") % {"p": abs(yoy)})
    s1.text(_(";不予处罚")).num(now["not_punished"], links["not_punished"]).text(_("件;移送公安机关"))
    s1.num(now["transfers"], links["transfers"]).text(_("件。"))
    s2 = (Sentence().text(_("开展“双随机、一公开”监管,累计抽查企业"))
          .num(now["draw_inspections"], links["draw_inspections"]).text(_("家次,纳入监督执法正面清单企业"))
          .num(now["positive_list"], links["positive_list"]).text(_("家;不予处罚"))
          .num(now["not_punished"], links["not_punished"]).text(_("件,减轻处罚"))
          .num(now["reduced"], links["reduced"]).text(_("件,免除或减轻罚款"))
          .num(_wan(now["spared_yuan"]), links["spared_yuan"]).text(_("万元。")))
    s3 = (Sentence().text(_("实施按日连续处罚")).num(now["daily_penalties"], links["daily_penalties"])
          .text(_("件,罚款")).num(_wan(now["daily_fines_yuan"]), links["daily_fines_yuan"])
          .text(_("万元;查封扣押")).num(now["seizures"], links["seizures"])
          .text(_("件,限产停产")).num(now["production_orders"], links["production_orders"])
          .text(_("件;移送公安机关行政拘留")).num(now["transfers_detention"], links["transfers_detention"])
          .text(_("件,公安机关决定拘留")).num(now["detentions"], links["detentions"])
          .text(_("件;移送涉嫌环境犯罪")).num(now["transfers_crime"], links["transfers_crime"]).text(_("件。")))
    s4 = (Sentence().text(_("对")).num(now["ratings"], links["ratings"]).text(_("家企业的环境行为进行信用评价,"))
          .num(now["ratings_yellow"], links["ratings_yellow"]).text(_("家企业被黄牌警示,"))
          .num(now["ratings_red"], links["ratings_red"]).text(_("家企业被红牌处理;已办理信用修复"))
          .num(now["repairs"], links["repairs"]).text(_("件。")))
    return [s.as_dict() for s in (s1, s2, s3, s4, _yoy_sentence(now, before, links, previous_links, period.is_year))]


# the 与上年相比 sentence: label and unit of each figure (a context of their own: 立案 is a noun here, 起 a counter)
YOY_SENTENCE = (("inspections", pgettext_lazy("执法同比", "执法检查"), pgettext_lazy("执法同比", "次")),
                ("cases_filed", pgettext_lazy("执法同比", "立案"), pgettext_lazy("执法同比", "起")),
                ("decisions", pgettext_lazy("执法同比", "处罚决定"), pgettext_lazy("执法同比·处罚决定", "件")),
                ("measures", pgettext_lazy("执法同比", "行政命令与强制措施"), pgettext_lazy("执法同比·强制措施", "件")),
                ("fines_yuan", pgettext_lazy("执法同比", "罚款"), pgettext_lazy("执法同比", "万元")))


def _change(now, before, whole_year: bool = True) -> str:
    yoy = _pct_dec(now, before)
    if yoy is None:
        return _("上年为0") if whole_year else _("上年同期为0")
    return _("同比增长%(p)s%%") % {"p": yoy} if yoy >= 0 else _("同比下降%(p)s%%") % {"p": abs(yoy)}


def _yoy_sentence(now: dict, before: dict, links: dict, previous_links: dict, whole_year: bool = True) -> Sentence:
    """与上年相比 (与上年同期相比 for a part of a year): each count and amount with the figure of the same period
    last year, both linked to their records."""
    s = Sentence().text(_("与上年相比:") if whole_year else _("与上年同期相比:"))
    for n, (key, label, unit) in enumerate(YOY_SENTENCE):
        a, b = now[key], before[key]
        shown_a, shown_b = (_wan(a), _wan(b)) if key.endswith("_yuan") else (a, b)
        s.text(("" if n == 0 else pgettext("执法同比", ",")) + str(label)).num(shown_a, links[key]).text(
            str(unit) + (_("(上年") if whole_year else _("(上年同期")))
        s.num(shown_b, previous_links[key]).text(str(unit) + pgettext("执法同比", ",") + _change(a, b, whole_year)
                                                 + pgettext("执法同比", ")"))
    return s.text(_("。"))


def statistics(user, jurisdiction, period) -> dict:
    """The figures of `period` (a Period, or a year) and of the same period a year earlier, with their links."""
    p = as_period(period)
    prev = p.previous()
    now, before = _figures(user, jurisdiction.path, p), _figures(user, jurisdiction.path, prev)
    code = jurisdiction.code
    links, previous_links = _links(code, p), _links(code, prev)
    rows = [{"key": key, "value": value, "previous": before[key], "yoy": _pct(value, before[key]), "url": links[key],
             "previous_url": previous_links[key]} for key, value in now.items()]
    sentences = _sentences(jurisdiction.name, p, now, before, links, previous_links)
    return {"jurisdiction": code, "jurisdiction_name": jurisdiction.name, "year": p.start.year,
            "period": p.as_dict(), "previous_period": prev.as_dict(), "figures": now,
            "previous": before, "yoy": {k: _pct(v, before[k]) for k, v in now.items()}, "fines_wan": _wan(now["fines_yuan"]), "previous_fines_wan": _wan(before["fines_yuan"]),
            "yoy_fines": _pct_dec(now["fines_yuan"], before["fines_yuan"]),
            "spared_wan": _wan(now["spared_yuan"]), "rows": rows, "sentence": sentences[0]["text"],
            "sentences": sentences, "links": links, "previous_links": previous_links}


# ---- by industry and by department ----------------------------------------------------------------

BREAKDOWN_KEYS = ("inspections", "cases_filed", "decisions", "measures", "fines_yuan", "not_punished", "spared_yuan")


def _empty():
    return {k: (Decimal(0) if k.endswith("_yuan") else 0) for k in BREAKDOWN_KEYS}


def _grouped(user, path: str, period, by: str) -> tuple[dict, dict]:
    """{group key: figures} and {group key: label} for one period, grouped by the enterprise's industry or by
    the department of an inspection's team members / a case's handlers (a record counts once per group)."""
    p = as_period(period)
    insp = _scoped(Inspection, user).filter(jurisdiction__path__startswith=path, **_in("inspected_on", p))
    cases = _scoped(Case, user).filter(jurisdiction__path__startswith=path)
    insp_rows = list(insp.values("id", "enterprise_id"))
    case_rows = _case_rows(cases.filter(Q(**_in("filed_on", p)) | Q(**_in("decided_on", p))))
    measure_rows = list(_scoped(Measure, user).filter(jurisdiction__path__startswith=path, **_in("decided_on", p))
                        .values("id", "enterprise_id", "case_id"))
    labels = {}
    if by == "industry":
        names = industry_map({r["enterprise_id"] for r in insp_rows} | {r["enterprise_id"] for r in case_rows}
                             | {r["enterprise_id"] for r in measure_rows})

        def keys_insp(r):
            return {names.get(r["enterprise_id"]) or NONE}

        keys_case = keys_measure = keys_insp
        for k in set(names.values()) | {NONE}:
            labels[k or NONE] = k or _("未登记行业")
    else:
        from envbureau.core.models import Department

        team = defaultdict(set)
        for i, d in Inspection.team.through.objects.filter(inspection_id__in=[r["id"] for r in insp_rows]) \
                .values_list("inspection_id", "inspector__department_id"):
            team[i].add(str(d) if d else NONE)
        hands = defaultdict(set)
        case_ids = {r["id"] for r in case_rows} | {r["case_id"] for r in measure_rows}
        for c, d in Case.handlers.through.objects.filter(case_id__in=case_ids) \
                .values_list("case_id", "inspector__department_id"):
            hands[c].add(str(d) if d else NONE)

        def keys_measure(r):  # a measure counts for the departments of its case's handlers
            return hands.get(r["case_id"]) or {NONE}

        def keys_insp(r):
            return team.get(r["id"]) or {NONE}

        def keys_case(r):
            return hands.get(r["id"]) or {NONE}

        labels = {str(pk): name for pk, name in Department.objects.values_list("pk", "name")}
        labels[NONE] = _("未分配部门")
    out = defaultdict(_empty)
    for r in insp_rows:
        for k in keys_insp(r):
            out[k]["inspections"] += 1
    for r in measure_rows:
        for k in keys_measure(r):
            out[k]["measures"] += 1
    for r in case_rows:
        for k in keys_case(r):
            f = out[k]
            if p.contains(r["filed_on"]):
                f["cases_filed"] += 1
            if p.contains(r["decided_on"]):
                if r["outcome"] in PENALTY:
                    f["decisions"] += 1
                    f["fines_yuan"] += r["fine"] or 0
                elif r["outcome"] in NO_PENALTY:
                    f["not_punished"] += 1
                f["spared_yuan"] += spared_of(r["outcome"], r["fine"], r["legal_basis__fine_min"])
    return out, labels


def breakdown(user, jurisdiction, period, by: str) -> list[dict]:
    """Rows per industry or department: the period's figures with links, and for every figure the value of the
    same period last year (`previous`, linked in `previous_links`) and the change in % (`yoy`, None when 0)."""
    per = as_period(period)
    prev = per.previous()
    now, labels = _grouped(user, jurisdiction.path, per, by)
    before, labels_before = _grouped(user, jurisdiction.path, prev, by)
    labels = {**labels_before, **labels}
    rows = []
    for key in sorted(set(now) | set(before), key=lambda k: (k == NONE, str(labels.get(k, k)))):
        f, p = now.get(key, _empty()), before.get(key, _empty())
        links = _links(jurisdiction.code, per, **{by: key})
        previous_links = _links(jurisdiction.code, prev, **{by: key})
        rows.append({"key": key, "label": labels.get(key, key), **{k: f[k] for k in BREAKDOWN_KEYS},
                     "previous": {k: p[k] for k in BREAKDOWN_KEYS},
                     "yoy": {k: _pct_dec(f[k], p[k]) for k in BREAKDOWN_KEYS},
                     "previous_links": {k: previous_links[k] for k in BREAKDOWN_KEYS},
                     "fines_wan": _wan(f["fines_yuan"]), "spared_wan": _wan(f["spared_yuan"]),
                     "previous_fines_wan": _wan(p["fines_yuan"]), "previous_cases_filed": p["cases_filed"],
                     "yoy_fines": _pct_dec(f["fines_yuan"], p["fines_yuan"]),
                     "links": {k: links[k] for k in BREAKDOWN_KEYS}})
    return rows


def _pct_dec(now, before):
    if not before:
        return None
    return float(((Decimal(now) - Decimal(before)) / Decimal(before) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP))
