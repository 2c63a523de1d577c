"""Statistics of any filtered set of problems, in the wording bureaus print.

Definitions (used by the statistics page, its export, the API and the tests):
- total: problems in the set;
- closed out (已销号): state closed_out or noticed; closure rate (销号率) = closed out / total,
  printed with 1 decimal ("办结率96.4%", as work summaries print rates), "—" when total is 0;
- done (完成整改): verified, closed out or noticed;
- overdue (逾期): still open (not yet verified) and past the deadline, as of `today`;
- in progress (正在整改): open, i.e. total − done;
- long term (需长期坚持): open problems flagged long-term;
- enterprises (涉及企业): distinct enterprises named on the set (by enterprise id, else by name);
  enterprises done (完成整改企业, "97家企业完成整改"): those whose problems in the set are all done;
- per unit (主办/协办): a problem's first responsible unit leads it (牵头/主办), the others assist
  (配合/协办); each unit's led and assisted problems are counted separately (total, done, closed out);
- rates print with `places` decimals (default settings.REPORT_RATE_DECIMALS; "完成率86.02%" needs 2);
- 时间过半任务过半: for the set (a campaign or batch), the share of time elapsed between the earliest
  交办日期 and the latest deadline, against the share done; "达到" when time is past half and at least
  half is done, and "序时" when the share done is at least the share of time elapsed.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import CLOSED_STATES, DONE_STATES, OPEN_STATES, Category, Source


def pct(num: int, den: int, places: int = 1) -> str:
    if not den:
        return "—"
    q = Decimal(1).scaleb(-places)
    return str((Decimal(num) * 100 / Decimal(den)).quantize(q, rounding=ROUND_HALF_UP))


def _grouped(qs, fields: list[str], today: dt.date, dates: bool = False) -> list[dict]:
    """One scan: counts per (fields…, state, long_term) with the past-deadline count; the covering
    indexes of Problem (models.py) let the database answer from an index alone."""
    ann = {"n": Count("id"), "late": Count("id", filter=Q(deadline__lt=today))}
    if dates:
        ann.update(start=Min("received_on"), end=Max("deadline"))
    return list(qs.order_by().values(*fields, "state", "long_term").annotate(**ann))


def _empty() -> dict:
    return {"total": 0, "closed": 0, "done": 0, "overdue": 0, "long_term": 0}


def _fold(rows: list[dict], key) -> dict:
    """Fold grouped rows into summary counters per key(row)."""
    out: dict = {}
    for r in rows:
        k = key(r)
        m = out.get(k)
        if m is None:
            m = out[k] = _empty()
        n, state = r["n"], r["state"]
        m["total"] += n
        if state in CLOSED_STATES:
            m["closed"] += n
        if state in DONE_STATES:
            m["done"] += n
        if state in OPEN_STATES:
            m["overdue"] += r["late"]
            if r["long_term"]:
                m["long_term"] += n
    return out


def default_places() -> int:
    from django.conf import settings

    return int(getattr(settings, "REPORT_RATE_DECIMALS", 1))


def _finish(row: dict, places: int | None = None) -> dict:
    places = default_places() if places is None else places
    row["in_progress"] = row["total"] - row["done"]
    row["closure_rate"] = pct(row["closed"], row["total"], places)
    row["done_rate"] = pct(row["done"], row["total"], places)
    return row


def summary(qs, today: dt.date | None = None, rows: list[dict] | None = None, places: int | None = None) -> dict:
    today = today or timezone.localdate()
    if rows is None:
        rows = _grouped(qs, [], today, dates=True)
    out = _finish(_fold(rows, lambda r: None).get(None) or _empty(), places)
    starts = [r["start"] for r in rows if r.get("start")]
    ends = [r["end"] for r in rows if r.get("end")]
    out["schedule"] = schedule(min(starts) if starts else None, max(ends) if ends else None, out["done"],
                               out["total"], today)
    return out


def _enterprise_key(eid, name: str):
    name = (name or "").strip()
    return ("id", eid) if eid is not None else (("name", name) if name else None)


def enterprises(qs) -> dict:
    """Distinct enterprises of the set, and those whose problems in the set are all done (grouped in the
    database: one row per enterprise, not per problem)."""
    rows = (qs.order_by().values("enterprise_id", "enterprise_name")
            .annotate(n=Count("id"), d=Count("id", filter=Q(state__in=DONE_STATES))))
    seen: dict = {}
    for r in rows:
        k = _enterprise_key(r["enterprise_id"], r["enterprise_name"])
        if k is not None:
            seen[k] = seen.get(k, True) and r["n"] == r["d"]
    return {"enterprises": len(seen), "enterprises_done": sum(1 for v in seen.values() if v)}


def by_unit(qs, places: int | None = None) -> list[dict]:
    """Per responsible unit: problems it leads (主办/牵头) and assists (协办/配合), counted separately."""
    places = default_places() if places is None else places
    out: dict[str, dict] = {}
    # Grouped by the unit list in the database: a handful of distinct lists to decode, not every problem.
    for units, state, n in qs.order_by().values_list("responsible_units", "state").annotate(n=Count("id")):
        for i, name in enumerate(units or []):
            name = str(name).strip()
            if not name:
                continue
            m = out.setdefault(name, {"unit": name, "lead": 0, "lead_done": 0, "lead_closed": 0,
                                      "assist": 0, "assist_done": 0, "assist_closed": 0})
            role = "lead" if i == 0 else "assist"
            m[role] += n
            m[f"{role}_done"] += n if state in DONE_STATES else 0
            m[f"{role}_closed"] += n if state in CLOSED_STATES else 0
    rows = sorted(out.values(), key=lambda r: (-(r["lead"] + r["assist"]), r["unit"]))
    for r in rows:
        r["lead_closure_rate"] = pct(r["lead_closed"], r["lead"], places)
        r["assist_closure_rate"] = pct(r["assist_closed"], r["assist"], places)
    return rows


def schedule(start: dt.date | None, end: dt.date | None, done: int, total: int, today: dt.date,
             half_on: dt.date | None = None, half_share: float = 0.5) -> dict:
    """时间过半任务过半: share of time elapsed against share done. `half_on` names the day from which time
    counts as past half (a yearly plan's 30 June, a local convention) instead of the midpoint; `half_share`
    is the share that must be done by then (local practice; 0.5 by default)."""
    if not total or start is None or end is None or end <= start:
        return {"available": False}
    elapsed = min(max((today - start).days, 0), (end - start).days)
    time_share = elapsed / (end - start).days
    done_share = done / total
    past_half = today >= half_on if half_on is not None else time_share >= 0.5
    if past_half:
        verdict = _("达到时间过半、任务过半") if done_share >= half_share else _("时间过半、任务未过半(滞后)")
    else:
        verdict = _("时间未过半")
    return {
        "available": True, "start": start, "end": end,
        "time_share": pct(elapsed, (end - start).days), "done_share": pct(done, total),
        "time_fraction": time_share, "done_fraction": done_share, "past_half": past_half,
        "half_met": past_half and done_share >= half_share,
        "on_schedule": done_share >= time_share,
        "verdict": verdict,
    }


def breakdown(qs, field: str, today: dt.date | None = None, limit: int | None = None,
              rows: list[dict] | None = None, places: int | None = None) -> list[dict]:
    """Rows of the summary grouped by one field (source, category, batch, jurisdiction_id…), largest first."""
    today = today or timezone.localdate()
    if rows is None:
        rows = _grouped(qs, [field], today)
    out = [_finish({field: k, **v}, places) for k, v in _fold(rows, lambda r: r[field]).items()]
    out.sort(key=lambda r: (-r["total"], str(r[field])))
    return out[:limit] if limit else out


def overview(qs, today: dt.date | None = None, batches: bool = True, places: int | None = None,
             units: bool = True) -> dict:
    """Everything the statistics page shows. Two scans, each in the order of a covering index (so no
    sort): (source, category) gives the summary and two breakdowns, jurisdiction the third; batches
    take one more (loaded separately by the page)."""
    today = today or timezone.localdate()
    main = _grouped(qs, ["source", "category"], today, dates=True)
    out = {
        "summary": summary(qs, today, rows=main, places=places),
        "by_source": labelled(breakdown(qs, "source", today, rows=main, places=places), "source"),
        "by_category": labelled(breakdown(qs, "category", today, rows=main, places=places), "category"),
        "by_district": by_district(qs, today, places=places),
    }
    if units:  # two more scans without a covering index: the page loads them after itself
        out["summary"].update(enterprises(qs))
        out["by_unit"] = by_unit(qs, places)
    if batches:
        out["by_batch"] = by_batch(qs, today, places=places)
    return out


def by_batch(qs, today: dt.date | None = None, limit: int = 30, places: int | None = None) -> list[dict]:
    return labelled(breakdown(qs.exclude(batch=""), "batch", today, limit=limit, places=places), "batch")


def by_district(qs, today: dt.date | None = None, rows: list[dict] | None = None,
                places: int | None = None) -> list[dict]:
    """Roll problems up to their district (or to the jurisdiction itself when above district)."""
    from envbureau.core.models import Jurisdiction

    rows = breakdown(qs, "jurisdiction_id", today, rows=rows)
    juris = {j.pk: j for j in Jurisdiction.objects.filter(pk__in=[r["jurisdiction_id"] for r in rows])}
    districts = {j.path: j for j in Jurisdiction.objects.filter(level__in=["district", "city", "province"])}
    merged: dict[str, dict] = {}
    for r in rows:
        j = juris[r["jurisdiction_id"]]
        codes = [c for c in j.path.split("/") if c]
        target = j
        for i in range(len(codes), 0, -1):
            cand = districts.get("/" + "/".join(codes[:i]) + "/")
            if cand is not None and cand.level == "district":
                target = cand
                break
        m = merged.setdefault(target.path, {"name": target.name, "label": target.name, "code": target.code, "total": 0, "closed": 0,
                                            "done": 0, "overdue": 0, "long_term": 0})
        for k in ("total", "closed", "done", "overdue", "long_term"):
            m[k] += r[k]
    return [_finish(m, places) for _p, m in sorted(merged.items())]


def labelled(rows: list[dict], field: str) -> list[dict]:
    labels = {"source": dict(Source.choices), "category": dict(Category.choices)}.get(field, {})
    for r in rows:
        r["label"] = str(labels.get(r[field], r[field])) or _("(未填)")
    return rows


def sentence(s: dict, scope_name: str = "") -> str:
    """The sentence a work report prints, e.g. "共有问题250个,已销号241个,销号率96.4%…"."""
    parts = [_("%(scope)s共有问题%(n)d个") % {"scope": scope_name, "n": s["total"]}]
    parts.append(_("完成整改%(d)d个,完成率%(r)s%%") % {"d": s["done"], "r": s["done_rate"]}
                 if s["total"] else _("完成整改0个"))
    parts.append(_("已销号%(c)d个,销号率%(r)s%%") % {"c": s["closed"], "r": s["closure_rate"]}
                 if s["total"] else _("已销号0个"))
    parts.append(_("正在整改%(p)d个") % {"p": s["in_progress"]})
    if s["long_term"]:
        parts.append(_("其中需长期坚持%(l)d个") % {"l": s["long_term"]})
    if s["overdue"]:
        parts.append(_("逾期未完成%(o)d个") % {"o": s["overdue"]})
    if s.get("enterprises"):
        parts.append(_("涉及企业%(e)d家,%(d)d家企业完成整改") % {"e": s["enterprises"], "d": s["enterprises_done"]})
    return ",".join(parts) + "。"
