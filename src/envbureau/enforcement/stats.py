"""Enforcement statistics for a jurisdiction and year, with year on year and the report sentence; every
figure carries the URL of the list of records it counts (filters.py)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse

from envbureau.core.scoping import restrict

from .choices import NO_PENALTY, PENALTY
from .models import Case, Draw, Inspection


def _pct(now, before):
    return _pct_dec(now, before)


def _wan(yuan) -> Decimal:
    return (Decimal(yuan or 0) / Decimal(10000)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _scoped(model, user):
    """Trusted system paths (user None: CLI, jobs) read everything; a person reads their scope."""
    return model.objects.all() if user is None else restrict(model.objects.all(), user, "view")


def _figures(user, path: str, year: int) -> dict:
    insp = _scoped(Inspection, user).filter(jurisdiction__path__startswith=path,
                                                                   inspected_on__year=year)
    cases = _scoped(Case, user).filter(jurisdiction__path__startswith=path)
    decided = cases.filter(decided_on__year=year)
    penalties = decided.filter(outcome__in=[str(o) for o in PENALTY])
    transfers = cases.filter(transferred_on__year=year).exclude(transfer_kind="")
    return {
        "inspections": insp.count(),
        "draw_inspections": insp.filter(source="draw").count(),
        "enterprises": insp.values("enterprise_id").distinct().count(),
        "draws": _scoped(Draw, user).filter(jurisdiction__path__startswith=path,
                                                                    drawn_at__year=year).count(),
        "cases_filed": cases.filter(filed_on__year=year).count(),
        "decisions": penalties.count(),
        "fines_yuan": penalties.aggregate(s=Sum("fine"))["s"] or Decimal(0),
        "not_punished": decided.filter(outcome__in=[str(o) for o in NO_PENALTY]).count(),
        "transfers": transfers.count(),
        "transfers_detention": transfers.filter(transfer_kind="detention").count(),
        "transfers_crime": transfers.filter(transfer_kind="crime").count(),
    }


def statistics(user, jurisdiction, year: int) -> dict:
    now, before = _figures(user, jurisdiction.path, year), _figures(user, jurisdiction.path, year - 1)
    code = jurisdiction.code

    def link(name, **params):
        return reverse(f"enforcement:{name}-list") + "?" + urlencode({"jurisdiction": code, **params})

    links = {
        "inspections": link("inspections", year=year), "draw_inspections": link("inspections", year=year, source="draw"),
        "enterprises": link("inspections", year=year), "draws": reverse("enforcement:draw-list"),
        "cases_filed": link("cases", filed_year=year),
        "decisions": link("cases", decided_year=year, outcome_group="penalty"),
        "fines_yuan": link("cases", decided_year=year, outcome_group="penalty"),
        "not_punished": link("cases", decided_year=year, outcome_group="no_penalty"),
        "transfers": link("cases", transferred_year=year),
        "transfers_detention": link("cases", transferred_year=year),
        "transfers_crime": link("cases", transferred_year=year),
    }
    rows = []
    for key, value in now.items():
        prev = before[key]
        rows.append({"key": key, "value": value, "previous": prev,
                     "yoy": _pct(value, prev),
                     "url": links[key]})
    fines_wan = _wan(now["fines_yuan"])
    yoy = _pct_dec(now["fines_yuan"], before["fines_yuan"])
    sentence = (f"{year}年,{jurisdiction.name}开展执法检查{now['inspections']}次,检查企业{now['enterprises']}家,"
                f"立案调查环境违法案件{now['cases_filed']}起,下达行政处罚决定书{now['decisions']}件,"
                f"罚款金额{fines_wan}万元")
    if yoy is not None:
        sentence += f",同比{'增长' if yoy >= 0 else '下降'}{abs(yoy)}%"
    sentence += f";不予处罚{now['not_punished']}件;移送公安机关{now['transfers']}件。"
    return {"jurisdiction": code, "jurisdiction_name": jurisdiction.name, "year": year, "figures": now,
            "previous": before, "fines_wan": fines_wan, "previous_fines_wan": _wan(before["fines_yuan"]),
            "rows": rows, "sentence": sentence, "links": links}


def _pct_dec(now, before):
    if not before:
        return None
    return float(((Decimal(now) - Decimal(before)) / Decimal(before) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP))
