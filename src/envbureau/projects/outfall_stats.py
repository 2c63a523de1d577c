"""Outfall statistics as bureau reports give them: found (排查发现, suspected and after, not ruled out),
confirmed, monitored, traced (溯源), rectifying, closed out (销号) by outcome, 溯源率 = traced ÷ found and 整治完成率 =
closed out ÷ found (the denominator is what the survey found, less what the check ruled out; our choice [M]), per basin,
type and area (the child jurisdictions of the one asked for), and each basin milestone's progress (needed = ceil(share × found), rounding up ours [M]; Jingjiang 2023: 80 % of 2,252 → 1,802).
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
    from envbureau.core.models import Jurisdiction

    from .stats import _area_of

    rows = qs.order_by().values("basin", "type1", "jurisdiction__path", "state", "outcome").annotate(n=Count("id"))
    total, by_basin, by_type, by_area = _empty(), {}, {}, {}
    for r in rows:
        _add(total, r["state"], r["outcome"], r["n"])
        _add(by_basin.setdefault(r["basin"], _empty()), r["state"], r["outcome"], r["n"])
        _add(by_type.setdefault(r["type1"], _empty()), r["state"], r["outcome"], r["n"])
        _add(by_area.setdefault(_area_of(r["jurisdiction__path"], jurisdiction.path), _empty()), r["state"],
             r["outcome"], r["n"])
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
    names = dict(Jurisdiction.objects.filter(code__in=list(by_area)).values_list("code", "name"))
    areas = [_rates(m, places) | {"key": code, "label": names.get(code, code), "links": links(jurisdiction=code)}
             for code, m in sorted(by_area.items())]
    ms = BasinMilestone.objects.filter(jurisdiction__path__startswith=jurisdiction.path)
    if user is not None:
        ms = restrict(ms, user, "view")
    if basin:
        ms = ms.filter(basin=basin)
    milestones = [milestone_progress(m, by_basin.get(m.basin, _empty()), today, places) for m in ms]
    return {"jurisdiction": jurisdiction.code, "jurisdiction_name": jurisdiction.name, "basin": basin,
            "summary": summary, "by_basin": basins, "by_type": types, "by_area": areas, "milestones": milestones,
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


def sentence(s: dict, where: str, basin: str = "", *, links: bool = False) -> str:
    """The bureau's sentence: "北京市共有入河排污口 292 个,其中……" / "River outfalls in Beijing: 292, of which …".
    With ``links`` (the page), each count links to the list of those outfalls (s["links"]) and the result is HTML."""
    from django.utils.html import escape, format_html
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext as _

    if basin:
        text = _("%(w)s%(b)s共有入河排污口 %(f)s 个,其中已监测 %(m)s 个、已溯源 %(t)s 个(溯源率 %(tr)s%%),"
                 "已整治销号 %(c)s 个(整治完成率 %(cr)s%%),销号的排口中取缔 %(ban)s 个、清理合并 %(merge)s 个、"
                 "规范整治 %(reg)s 个。")
    else:
        text = _("%(w)s共有入河排污口 %(f)s 个,其中已监测 %(m)s 个、已溯源 %(t)s 个(溯源率 %(tr)s%%),"
                 "已整治销号 %(c)s 个(整治完成率 %(cr)s%%),销号的排口中取缔 %(ban)s 个、清理合并 %(merge)s 个、"
                 "规范整治 %(reg)s 个。")
    counts = {"f": "found", "m": "monitored", "t": "traced", "c": "closed_out", "ban": "ban", "merge": "merge",
              "reg": "regulate"}
    values = {"w": where, "b": basin, "tr": s["traced_rate"], "cr": s["rectified_rate"]} | {
        k: s[key] for k, key in counts.items()}
    if not links:
        return text % values
    html = {k: format_html('<a href="{}">{}</a>', s["links"][counts[k]], v) if k in counts else escape(v)
            for k, v in values.items()}
    return mark_safe(escape(text) % html)


def map_points(user, jurisdiction, basin: str = "", limit: int = 20000) -> list[list]:
    """[code, name, longitude, latitude, state] of every located outfall in scope (compact, for the map)."""
    return [list(r) for r in _map_query(user, jurisdiction, basin, limit)]


def _map_query(user, jurisdiction, basin: str, limit: int):
    qs = Outfall.objects.filter(longitude__isnull=False, latitude__isnull=False)
    if jurisdiction.parent_id is not None:  # the whole tree needs no filter (nor the join it takes)
        qs = qs.filter(jurisdiction__path__startswith=jurisdiction.path)
    if basin:
        qs = qs.filter(basin=basin)
    if user is not None:
        qs = restrict(qs, user, "view")
    # In storage order: a map needs no sorting, and reading the table straight through is its cheapest walk.
    return qs.order_by("pk").values_list("code", "name", "longitude", "latitude", "state")[:limit]


def _map_rows(user, jurisdiction, basin: str, limit: int):
    """As _map_query, coordinates rounded to 6 decimals (about 0.1 m) by the database."""
    from django.db.models.functions import Round

    return _map_query(user, jurisdiction, basin, limit).annotate(
        lng6=Round("longitude", 6), lat6=Round("latitude", 6)).values_list("code", "name", "lng6", "lat6", "state")


# ---- the map's payload, cached ---------------------------------------------------------------------------
MAP_STAMP = "projects.outfall"
MAP_CACHE_SECONDS = 3600  # an entry no change has replaced is dropped after this (memory only; never stale)


def outfalls_changed(**kwargs) -> None:
    """The outfall table changed (post_save/post_delete of Outfall and Jurisdiction): a new stamp, in the same
    transaction, so every cached map built before is unreachable once it commits."""
    import uuid

    from .models import ChangeStamp

    ChangeStamp.objects.update_or_create(key=MAP_STAMP, defaults={"token": uuid.uuid4().hex})


def map_payload(user, jurisdiction, basin: str = "", limit: int = 20000) -> tuple[bytes, str]:
    """The map's JSON (bytes) and its ETag. Compact: each row [code, name, longitude, latitude, state index]
    with coordinates to 6 decimals (about 0.1 m) and the states listed once. Cached under the outfall
    table's stamp and the SQL of the scoped query itself (so the user's scope, the area and the basin are
    all in the key: two users share an entry only when they would run the same query)."""
    import hashlib
    import json

    from django.core.cache import cache

    from .choices import OutfallState
    from .models import ChangeStamp

    qs = _map_rows(user, jurisdiction, basin, limit)
    token = ChangeStamp.objects.filter(key=MAP_STAMP).values_list("token", flat=True).first() or "-"
    digest = hashlib.sha1(str(qs.query).encode()).hexdigest()
    key = f"projects:outfall-map:{token}:{digest}"
    body = cache.get(key)
    if body is None:
        states = list(OutfallState.values)
        index = {s: i for i, s in enumerate(states)}
        rows = [[c, n, x, y, index.get(st, -1)] for c, n, x, y, st in qs]
        body = json.dumps({"fields": ["code", "name", "longitude", "latitude", "state"], "states": states,
                           "rows": rows}, ensure_ascii=False, separators=(",", ":")).encode()
        cache.set(key, body, MAP_CACHE_SECONDS)
    return body, f'"{token[:12]}-{digest[:16]}"'
