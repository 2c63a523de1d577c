"""Complaint statistics: the monthly summary table (kept by services) and the figures bureaus report.

Definitions (cohort of complaints received in the period, in their current state):
- received 受理/收件数: all complaints registered; accepted: not declined and past registration;
- completed 办结: reply given (replied, visited, closed); completion rate 办结率 = completed / accepted;
- resolved 调处: completed after an investigation finding; resolution rate 调处率 = resolved / accepted;
- satisfaction rate 满意率 = (满意 + 基本满意) / visits that reached the complainant;
- substantiated share 属实率 = (属实 + 部分属实) / investigated;
- repeats 重复件: confirmed repeats of an earlier complaint.
Year on year: counts change in %, ratios in 个百分点 (as MEE and provincial bulletins word changes).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from .choices import ACCEPTED_STATES, COMPLETED_STATES

COUNT_FIELDS = ("received", "accepted", "declined", "completed", "completed_on_time", "resolved", "investigated",
                "substantiated", "partly", "unsubstantiated", "visited", "satisfied", "repeats")


def count_expressions():
    completed = Q(state__in=COMPLETED_STATES)
    return {
        "received": Count("id"),
        "accepted": Count("id", filter=Q(state__in=ACCEPTED_STATES)),
        "declined": Count("id", filter=Q(state="declined")),
        "completed": Count("id", filter=completed),
        "completed_on_time": Count("id", filter=completed & Q(on_time=True)),
        "resolved": Count("id", filter=completed & ~Q(finding="")),
        "investigated": Count("id", filter=~Q(finding="")),
        "substantiated": Count("id", filter=Q(finding="substantiated")),
        "partly": Count("id", filter=Q(finding="partly")),
        "unsubstantiated": Count("id", filter=Q(finding="unsubstantiated")),
        "visited": Count("id", filter=Q(satisfaction__in=("satisfied", "basic", "dissatisfied"))),
        "satisfied": Count("id", filter=Q(satisfaction__in=("satisfied", "basic"))),
        "repeats": Count("id", filter=Q(is_repeat=True)),
    }


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def next_month(d: dt.date) -> dt.date:
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _local_bounds(m: dt.date):
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    a = dt.datetime.combine(m, dt.time.min).replace(tzinfo=tz)
    b = dt.datetime.combine(next_month(m), dt.time.min).replace(tzinfo=tz)
    return a, b


def key_of(c) -> tuple:
    from .deadlines import local_date

    return (month_start(local_date(c.received_at)), c.jurisdiction_id, c.category, c.channel)


def refresh_keys(keys) -> None:
    """Recount the summary rows of the given (month, jurisdiction, category, channel) keys from the complaints."""
    from .models import Complaint, MonthlySummary

    for key in set(keys):
        month, jid, category, channel = key
        a, b = _local_bounds(month)
        agg = Complaint.objects.filter(received_at__gte=a, received_at__lt=b, jurisdiction_id=jid,
                                       category=category, channel=channel).aggregate(**count_expressions())
        if not agg["received"]:
            MonthlySummary.objects.filter(month=month, jurisdiction_id=jid, category=category,
                                          channel=channel).delete()
            continue
        MonthlySummary.objects.update_or_create(month=month, jurisdiction_id=jid, category=category,
                                                channel=channel, defaults=agg)


def rebuild(progress=None) -> int:
    """Rebuild the whole summary from the complaints (after bulk loads); returns rows written."""
    from .models import Complaint, MonthlySummary

    with transaction.atomic():
        MonthlySummary.objects.all().delete()
        first = Complaint.objects.order_by("received_at").values_list("received_at", flat=True).first()
        last = Complaint.objects.order_by("-received_at").values_list("received_at", flat=True).first()
        if first is None:
            return 0
        from .deadlines import local_date

        m, end = month_start(local_date(first)), month_start(local_date(last))
        n = 0
        while m <= end:
            a, b = _local_bounds(m)
            rows = (Complaint.objects.filter(received_at__gte=a, received_at__lt=b)
                    .values("jurisdiction_id", "category", "channel").order_by()
                    .annotate(**count_expressions()))
            objs = [MonthlySummary(month=m, jurisdiction_id=r["jurisdiction_id"], category=r["category"],
                                   channel=r["channel"], **{f: r[f] for f in COUNT_FIELDS}) for r in rows]
            MonthlySummary.objects.bulk_create(objs, batch_size=2000)
            n += len(objs)
            if progress:
                progress(m)
            m = next_month(m)
    return n


# ---------------------------------------------------------------- figures

def ratio(num, den):
    return None if not den else num / den * 100


def derive(c: dict) -> dict:
    out = dict(c)
    out["completion_rate"] = ratio(c["completed"], c["accepted"])
    out["resolution_rate"] = ratio(c["resolved"], c["accepted"])
    out["satisfaction_rate"] = ratio(c["satisfied"], c["visited"])
    out["substantiated_share"] = ratio(c["substantiated"] + c["partly"], c["investigated"])
    out["on_time_rate"] = ratio(c["completed_on_time"], c["completed"])
    out["repeat_share"] = ratio(c["repeats"], c["received"])
    return out


RATE_FIELDS = ("completion_rate", "resolution_rate", "satisfaction_rate", "substantiated_share", "on_time_rate",
               "repeat_share")


def yoy(cur: dict, prev: dict) -> dict:
    """Change on the same period last year: counts in %, ratios in percentage points (个百分点)."""
    out = {}
    for f in COUNT_FIELDS:
        out[f] = None if not prev.get(f) else (cur[f] - prev[f]) / prev[f] * 100
    for f in RATE_FIELDS:
        out[f] = None if cur.get(f) is None or prev.get(f) is None else cur[f] - prev[f]
    return out


def _empty():
    return {f: 0 for f in COUNT_FIELDS}


def summary_qs(user, *, start: dt.date, end: dt.date, jurisdiction=None, category="", channel=""):
    """Summary rows for the months start..end (inclusive, first days of months), within the user's scope."""
    from .models import MonthlySummary

    qs = MonthlySummary.objects.restrict(user, "view") if user is not None else MonthlySummary.objects.all()
    qs = qs.filter(month__gte=month_start(start), month__lte=month_start(end))
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction_id__in=subtree_ids(jurisdiction))
    if category:
        qs = qs.filter(category=category)
    if channel:
        qs = qs.filter(channel=channel)
    return qs


def subtree_ids(jurisdiction) -> list[int]:
    from envbureau.core.models import Jurisdiction

    return list(Jurisdiction.objects.filter(path__startswith=jurisdiction.path).values_list("id", flat=True))


def group_level_map(level_depth: int) -> dict[int, tuple[int, str]]:
    """jurisdiction id -> (id, name) of its ancestor at the given depth (2 = district under the city)."""
    from envbureau.core.models import Jurisdiction

    rows = list(Jurisdiction.objects.values_list("id", "code", "name", "path"))
    by_code = {code: (jid, name) for jid, code, name, _p in rows}
    out = {}
    for jid, _code, name, path in rows:
        codes = [c for c in path.split("/") if c]
        anc = codes[level_depth - 1] if len(codes) >= level_depth else codes[-1]
        out[jid] = by_code.get(anc, (jid, name))
    return out


def totals(qs) -> dict:
    agg = qs.aggregate(**{f: Sum(f) for f in COUNT_FIELDS})
    return derive({f: agg[f] or 0 for f in COUNT_FIELDS})


def breakdown(qs, by: str) -> dict:
    """{group key: derived figures}; by = category | channel | jurisdiction (district level) | month."""
    acc = defaultdict(_empty)
    if by == "jurisdiction":
        names = group_level_map(2)
        rows = qs.values("jurisdiction_id").order_by().annotate(**{f: Sum(f) for f in COUNT_FIELDS})
        for r in rows:
            key = names.get(r["jurisdiction_id"], (r["jurisdiction_id"], str(r["jurisdiction_id"])))[1]
            for f in COUNT_FIELDS:
                acc[key][f] += r[f] or 0
    else:
        rows = qs.values(by).order_by().annotate(**{f: Sum(f) for f in COUNT_FIELDS})
        for r in rows:
            for f in COUNT_FIELDS:
                acc[r[by]][f] += r[f] or 0
    return {k: derive(v) for k, v in acc.items()}


def shift_year(d: dt.date, years: int = -1) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def report(user, *, start: dt.date, end: dt.date, jurisdiction=None, category="", channel="", by="category"):
    """Totals and a breakdown for the period, each with the same period a year before and the change.

    One grouped scan of the summary rows covers both periods (the period is a CASE on the month)."""
    from django.db.models import Case, IntegerField, Value, When

    kw = {"jurisdiction": jurisdiction, "category": category, "channel": channel}
    p_start, p_end = shift_year(start), shift_year(end)
    qs = (summary_qs(user, start=p_start, end=end, **kw)
          .filter(Q(month__gte=month_start(start)) | Q(month__lte=month_start(p_end))))
    qs = qs.annotate(period=Case(When(month__gte=month_start(start), then=Value(1)), default=Value(0),
                                 output_field=IntegerField()))
    field = "jurisdiction_id" if by == "jurisdiction" else by
    rows = qs.values("period", field).order_by().annotate(**{f: Sum(f) for f in COUNT_FIELDS})
    names = group_level_map(2) if by == "jurisdiction" else None
    acc = {0: defaultdict(_empty), 1: defaultdict(_empty)}
    for r in rows:
        key = r[field]
        if names is not None:
            key = names.get(key, (key, str(key)))[1]
        elif by == "month" and r["period"] == 0:
            key = shift_year(key, 1)   # last year's month lines up with this year's
        bucket = acc[r["period"]][key]
        for f in COUNT_FIELDS:
            bucket[f] += r[f] or 0
    totals_ = {}
    for period in (0, 1):
        t = _empty()
        for v in acc[period].values():
            for f in COUNT_FIELDS:
                t[f] += v[f]
        totals_[period] = derive(t)
    out_rows = []
    for key in sorted(set(acc[1]) | set(acc[0]), key=lambda k: -acc[1].get(k, {}).get("received", 0)):
        c = derive(acc[1].get(key) or _empty())
        p = derive(acc[0].get(key) or _empty())
        out_rows.append({"key": key, "cur": c, "prev": p, "yoy": yoy(c, p)})
    return {"total": totals_[1], "prev": totals_[0], "yoy": yoy(totals_[1], totals_[0]), "rows": out_rows}


def vendor() -> str:
    return connection.vendor


# ---------------------------------------------------------------- oversight hand-overs (督察交办件)

def fmt_rate(v, places: int | None = None) -> str:
    """A rate printed with the report's decimals ("86.02"); "—" when there is nothing to divide by."""
    from decimal import ROUND_HALF_UP, Decimal

    from django.conf import settings

    if v is None:
        return "—"
    places = int(getattr(settings, "REPORT_RATE_DECIMALS", 1)) if places is None else places
    return str(Decimal(repr(v)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _enterprise_key(eid, name):
    name = (name or "").strip()
    return ("id", eid) if eid is not None else (("name", name) if name else None)


def oversight(user, *, start: dt.date, end: dt.date, jurisdiction=None, batch: str = "",
              places: int | None = None) -> dict:
    """Complaints handed over by an oversight team (those with a 督察批次), received from the first day of
    `start`'s month to the last day of `end`'s month, within the user's scope:
    batches (distinct 批次), received, investigated (完成调查处理: a finding recorded), completed (办结),
    completion rate = completed / received, key cases (重点件) with their investigated/completed counts,
    repeats, unsubstantiated, and distinct enterprises (by id, else name): named, rectified
    (完成整改: completed with 责令整改), filed (立案处罚), with the fines in 万元.
    `batch` narrows to batches containing the text (as the list's filter does)."""
    from decimal import Decimal

    from .choices import COMPLETED_STATES
    from .deadlines import local_date
    from .models import Complaint
    from .services import scoped

    a, _b = _local_bounds(month_start(start))
    _a, b = _local_bounds(month_start(end))
    qs = scoped(user, "view") if user is not None else Complaint.objects.all()
    qs = qs.filter(received_at__gte=a, received_at__lt=b).exclude(batch="")
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction_id__in=subtree_ids(jurisdiction))
    if batch:
        qs = qs.filter(batch__icontains=batch)
    rows = list(qs.order_by().values_list("batch", "state", "finding", "is_key", "is_repeat", "enterprise_id",
                                          "enterprise_name", "ordered_rectification", "case_filed", "fine_amount",
                                          "received_at"))
    t = {"received": 0, "investigated": 0, "completed": 0, "key": 0, "key_investigated": 0, "key_completed": 0,
         "repeats": 0, "unsubstantiated": 0}
    per_batch: dict[str, dict] = {}
    named, rectified, filed = set(), set(), set()
    fines = Decimal(0)
    for bt, state, finding, is_key, is_repeat, eid, ename, rect, filed_, fine, received in rows:
        done, inv = state in COMPLETED_STATES, bool(finding)
        b_ = per_batch.setdefault(bt, {"batch": bt, "received": 0, "investigated": 0, "completed": 0, "key": 0,
                                       "first": local_date(received)})
        b_["first"] = min(b_["first"], local_date(received))
        for m in (t, b_):
            m["received"] += 1
            m["investigated"] += inv
            m["completed"] += done
            m["key"] += bool(is_key)
        t["key_investigated"] += bool(is_key) and inv
        t["key_completed"] += bool(is_key) and done
        t["repeats"] += bool(is_repeat)
        t["unsubstantiated"] += finding == "unsubstantiated"
        k = _enterprise_key(eid, ename)
        if k is not None:
            named.add(k)
            if done and rect:
                rectified.add(k)
            if filed_:
                filed.add(k)
        fines += fine or 0
    rate = ratio(t["completed"], t["received"])
    batches = sorted(per_batch.values(), key=lambda r: (r["first"], r["batch"]))
    for r in batches:
        r["completion_rate"] = fmt_rate(ratio(r["completed"], r["received"]), places)
        r["first"] = str(r["first"])
    return {**t, "batches": len(per_batch), "completion_rate": rate, "completion_rate_text": fmt_rate(rate, places),
            "enterprises": len(named), "enterprises_rectified": len(rectified), "enterprises_filed": len(filed),
            "fines_10k": str((fines / 10000).quantize(Decimal("0.01"))), "by_batch": batches}


def oversight_sentence(o: dict) -> str:
    """E.g. "督察交办信访件14批次53件,其中重点件4件;全部完成调查处理,已办结35件,办结率66.0%;完成整改企业…"."""
    from django.utils.translation import gettext as _

    if not o["received"]:
        return _("本期无督察交办信访件。")
    inv = (_("全部完成调查处理") if o["investigated"] == o["received"]
           else _("完成调查处理%(i)d件") % {"i": o["investigated"]})
    text = _("督察交办信访件%(b)d批次%(n)d件(重复%(r)d件,不属实%(u)d件),其中重点件%(k)d件;%(inv)s,已办结%(c)d件,"
             "办结率%(rate)s%%") % {"b": o["batches"], "n": o["received"], "r": o["repeats"], "u": o["unsubstantiated"],
                                  "k": o["key"], "inv": inv, "c": o["completed"], "rate": o["completion_rate_text"]}
    if o["enterprises"]:
        text += _(";涉及企业%(e)d家,完成整改企业%(d)d家,立案处罚%(f)d家,处罚金额%(m)s万元") % {
            "e": o["enterprises"], "d": o["enterprises_rectified"], "f": o["enterprises_filed"], "m": o["fines_10k"]}
    return text + "。"
