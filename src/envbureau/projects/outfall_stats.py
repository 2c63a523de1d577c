"""Outfall statistics as bureau reports give them (§2.7): found (排查发现, suspected and after, not ruled out),
confirmed, monitored, traced (溯源), rectifying, closed out (销号) by outcome, 溯源率 = traced ÷ found and 整治完成率 =
closed out ÷ found (the denominator is what the survey found, less what the check ruled out; §4 #7), per basin
and type, and each basin milestone's progress (needed = ceil(share × found), §4 #7: 80 % of 2,252 → 1,802).
Every number links to the outfall list filtered the same way."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from envbureau.core.scoping import restrict
from envbureau.ledger.services import pct

from .choices import FOUND_EXCLUDED, MONITORED_STATES, TRACED_STATES, OutfallType
from .models import BasinMilestone, Outfall
from .outfalls import required_count

GROUPS = {  # stage name → states counted
    "found": None, "confirmed": ("confirmed",) + MONITORED_STATES, "monitored": MONITORED_STATES,
    "traced": TRACED_STATES, "rectifying": ("rectifying",), "closed_out": ("closed_out",),
}


def _empty() -> dict:
    return {k: 0 for k in GROUPS} | {"dismissed": 0, "ban": 0, "merge": 0, "regulate": 0}


def _add(m: dict, state: str, outcome: str, n: int) -> None:
    if state in FOUND_EXCLUDED:
        m["dismissed"] += n
        return
    m["found"] += n
    for k, states in GROUPS.items():
        if states is not None and state in states:
            m[k] += n
    if state == "closed_out" and outcome in ("ban", "merge", "regulate"):
        m[outcome] += n


def _rates(m: dict, places: int) -> dict:
    m["traced_rate"] = pct(m["traced"], m["found"], places)
    m["rectified_rate"] = pct(m["closed_out"], m["found"], places)
    return m


def statistics(user, jurisdiction, *, basin: str = "", today: dt.date | None = None, places: int | None = None) -> dict:
    from .stats import default_places

    today = today or timezone.localdate()
    places = default_places() if places is None else places
    qs = Outfall.objects.filter(jurisdiction__path__startswith=jurisdiction.path)
    if basin:
        qs = qs.filter(basin=basin)
    if user is not None:
        qs = restrict(qs, user, "view")
    rows = qs.order_by().values("basin", "type1", "state", "outcome").annotate(n=Count("id"))
    total, by_basin, by_type = _empty(), {}, {}
    for r in rows:
        _add(total, r["state"], r["outcome"], r["n"])
        _add(by_basin.setdefault(r["basin"], _empty()), r["state"], r["outcome"], r["n"])
        _add(by_type.setdefault(r["type1"], _empty()), r["state"], r["outcome"], r["n"])
    base = {"jurisdiction": jurisdiction.code} | ({"basin": basin} if basin else {})

    def links(**params) -> dict:
        url = reverse("projects:outfalls-list") + "?"
        p = {**base, **params}
        return {k: url + urlencode({**p, "stage": k}) for k in GROUPS} | {
            o: url + urlencode({**p, "stage": "closed_out", "outcome": o}) for o in ("ban", "merge", "regulate")}

    summary = _rates(total, places) | {"links": links()}
    basins = [_rates(m, places) | {"key": b, "label": b or "—", "links": links(basin=b)} for b, m in
              sorted(by_basin.items())]
    types = [_rates(by_type[v], places) | {"key": v, "label": label, "links": links(type1=v)}
             for v, label in OutfallType.choices if v in by_type]
    ms = BasinMilestone.objects.filter(jurisdiction__path__startswith=jurisdiction.path)
    if user is not None:
        ms = restrict(ms, user, "view")
    if basin:
        ms = ms.filter(basin=basin)
    milestones = [milestone_progress(m, by_basin.get(m.basin, _empty()), today, places) for m in ms]
    return {"jurisdiction": jurisdiction.code, "jurisdiction_name": jurisdiction.name, "basin": basin,
            "summary": summary, "by_basin": basins, "by_type": types, "milestones": milestones,
            "sentence": sentence(summary, jurisdiction.name, basin)}


def milestone_progress(m: BasinMilestone, counts: dict, today: dt.date, places: int = 1) -> dict:
    found = counts["found"]
    need_traced = required_count(m.traced_share, found)
    need_rectified = required_count(m.rectified_share, found)
    traced_ok = counts["traced"] >= need_traced
    rectified_ok = counts["closed_out"] >= need_rectified
    met = traced_ok and rectified_ok
    return {"id": m.pk, "basin": m.basin, "due": m.due, "found": found,
            "traced": counts["traced"], "traced_needed": need_traced, "traced_ok": traced_ok,
            "traced_rate": pct(counts["traced"], found, places),
            "rectified": counts["closed_out"], "rectified_needed": need_rectified, "rectified_ok": rectified_ok,
            "rectified_rate": pct(counts["closed_out"], found, places),
            "traced_share": f"{m.traced_share * 100:.0f}", "rectified_share": f"{m.rectified_share * 100:.0f}",
            "met": met, "missed": not met and today > m.due, "days_left": (m.due - today).days}


def sentence(s: dict, where: str, basin: str = "") -> str:
    from django.utils.translation import gettext as _

    return _("%(w)s%(b)s排查发现入河排污口%(f)s个,完成监测%(m)s个、溯源%(t)s个(溯源率%(tr)s%%),"
             "完成整治销号%(c)s个(整治完成率%(cr)s%%),其中取缔%(ban)s个、清理合并%(merge)s个、规范整治%(reg)s个。") % {
        "w": where, "b": basin, "f": s["found"], "m": s["monitored"], "t": s["traced"], "tr": s["traced_rate"],
        "c": s["closed_out"], "cr": s["rectified_rate"], "ban": s["ban"], "merge": s["merge"], "reg": s["regulate"]}


def map_points(user, jurisdiction, basin: str = "", limit: int = 20000) -> list[list]:
    """[code, name, longitude, latitude, state] of every located outfall in scope (compact, for the map)."""
    qs = Outfall.objects.filter(jurisdiction__path__startswith=jurisdiction.path, longitude__isnull=False,
                                latitude__isnull=False)
    if basin:
        qs = qs.filter(basin=basin)
    if user is not None:
        qs = restrict(qs, user, "view")
    return [list(r) for r in qs.order_by("code").values_list("code", "name", "longitude", "latitude", "state")[:limit]]
