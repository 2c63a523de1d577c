"""Domain verbs of the quality app: data review, warnings and their lifecycle.

Each verb takes the acting user, checks scope, changes the records in one transaction and leaves
an audit trail (DataReview and Warning are audited models; raw value flags are audited per batch).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import audit, texts
from envbureau.core.scoping import can, check_created

from .airdata import LOCAL_OFFSET, _time_strings, epoch_sql, station_days_of
from .choices import POLLUTANT_BIT, POLLUTANTS
from .models import AirHourly, DataReview, Warning


# ---------------------------------------------------------------------------
# data review (审核): invalidate values before assessment
# ---------------------------------------------------------------------------
def _mask_of(pollutants) -> int:
    bad = [p for p in pollutants if p not in POLLUTANT_BIT]
    if bad or not pollutants:
        raise ValidationError({"pollutants": _("未知污染物: %(p)s") % {"p": ", ".join(bad) or "—"}})
    m = 0
    for p in pollutants:
        m |= POLLUTANT_BIT[p]
    return m


def _affected(station_id: int, start, end) -> dict:
    t = AirHourly._meta.db_table
    t0, t1 = _time_strings(np.array([int(start.timestamp()), int(end.timestamp())]))
    with connection.cursor() as cur:
        cur.execute(f"SELECT {epoch_sql('time')} FROM {t} WHERE station_id = %s AND time >= %s AND time <= %s",
                    [station_id, str(t0), str(t1)])
        ep = np.array([r[0] for r in cur.fetchall()], dtype=np.int64)
    return station_days_of(np.full(len(ep), station_id, dtype=np.int64), ep), len(ep)


def _reapply_masks(station_id: int, start, end) -> None:
    """invalid_mask in [start, end] = OR of every active review of the station covering each hour."""
    qs = AirHourly.objects.filter(station_id=station_id, time__gte=start, time__lte=end)
    qs.update(invalid_mask=0)
    for r in DataReview.objects.filter(station_id=station_id, revoked=False, start__lte=end, end__gte=start):
        m = _mask_of(r.pollutants)
        t = AirHourly._meta.db_table
        lo, hi = max(r.start, start), min(r.end, end)
        t0, t1 = _time_strings(np.array([int(lo.timestamp()), int(hi.timestamp())]))
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {t} SET invalid_mask = (invalid_mask | %s) WHERE station_id = %s "
                        f"AND time >= %s AND time <= %s", [m, station_id, str(t0), str(t1)])


@transaction.atomic
def review_values(user, station, start: dt.datetime, end: dt.datetime, pollutants: list[str], reason: str) -> DataReview:
    """Mark the values of ``pollutants`` at ``station`` from ``start`` to ``end`` (inclusive) invalid,
    then rebuild the derived results of the affected station-days."""
    from . import derived

    if user is not None and not can(user, station, "change"):
        raise PermissionDenied(_("超出您的权限范围"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写原因")})
    if end < start:
        raise ValidationError({"end": _("结束时间早于开始时间")})
    _mask_of(pollutants)
    review = DataReview(station=station, start=start, end=end, pollutants=list(pollutants), reason=reason.strip(),
                        reviewed_by=user if user is not None and user.pk else None)
    review.full_clean()
    review.save()
    check_created(user, review, "change")
    _reapply_masks(station.pk, start, end)
    days, n = _affected(station.pk, start, end)
    review.affected_hours = n
    review.save(update_fields=["affected_hours"])  # a save, not .update(): audited
    if days:
        derived.rebuild(days)
    from envbureau.core import workflow as wf

    wf.record_event(review, user, "review", to_state="active", note=review.reason,
                    data={"pollutants": list(review.pollutants), "affected_hours": n})
    return review


def revoke_review(user, review: DataReview, note: str = "") -> DataReview:
    """Revoke a review (workflow verb "revoke"): its values count again, the affected days are rebuilt."""
    from envbureau.core import workflow as wf

    return wf.apply(user, review, "revoke", note=note)


def unapply_review(review: DataReview) -> None:
    from . import derived

    _reapply_masks(review.station_id, review.start, review.end)
    days, _n = _affected(review.station_id, review.start, review.end)
    if days:
        derived.rebuild(days)


# ---------------------------------------------------------------------------
# warnings
# ---------------------------------------------------------------------------
def may_handle(user, warning) -> bool:
    """Bureau staff who may change quality records, or anyone granted quality.handle in the warning's area."""
    return user is None or can(user, warning, "change") or can(user, warning, "handle")


def acknowledge_warning(user, warning: Warning, note: str = "") -> Warning:
    from envbureau.core import workflow as wf

    return wf.apply(user, warning, "acknowledge", note=note)


def close_warning(user, warning: Warning, note: str) -> Warning:
    from envbureau.core import workflow as wf

    return wf.apply(user, warning, "close", note=note)


def warning_to_problem(user, warning: Warning, *, category: str | None = None, deadline=None,
                       responsible_units: list[str] | None = None, note: str = "") -> str:
    """预警交办: hand a warning to a unit as a problem of the ledger, traced to closure there
    (溯源治理、跟踪督查、通报反馈). Returns the ledger's reference, also stored in ``problem_ref``."""
    from envbureau.core import workflow as wf

    if warning.state == "closed":
        raise ValidationError(_("已关闭的预警不能交办"))
    data = {k: v for k, v in (("category", category), ("deadline", deadline),
                              ("responsible_units", responsible_units)) if v is not None}
    return wf.apply(user, warning, "to_problem", note=note, **data).problem_ref


# The titles of the problems warnings open, as facts worded in each reader's language (ledger.Problem.title_facts);
# registered with the ledger in QualityConfig.ready. "k" (the kind) and "p" (the item) are words of fixed lists.
PROBLEM_TITLES = {
    "quality.warning": (gettext_noop("%(s)s %(k)s"), ("k",)),
    "quality.warning_item": (gettext_noop("%(s)s %(k)s(%(p)s)"), ("k", "p")),
}


def open_problem_for(user, warning: Warning, *, note: str = "", category: str | None = None, deadline=None,
                     responsible_units: list[str] | None = None) -> tuple[str, str]:
    """Open the ledger problem of a warning (the to_problem handler); (reference, problem code)."""
    try:
        from envbureau.ledger.services import open_problem
    except ImportError:
        raise ValidationError(_("问题台账模块尚未启用")) from None
    if category is None:  # the ledger's categories are environmental media: the source says which
        category = "water" if warning.source_ref.startswith("quality.watersection") else "air"
    with translation.override("zh-hans"):  # the facts hold the words' Chinese (their msgids)
        facts = {"msg": "quality.warning", "args": {"s": warning.subject, "k": str(warning.get_kind_display())}}
    if warning.pollutant:
        facts = {"msg": "quality.warning_item", "args": {**facts["args"], "p": warning.pollutant_label}}
    first, last = timezone.localtime(warning.first_time), timezone.localtime(warning.last_time)
    # the description as facts: the finding and the period in each reader's language, the note as typed
    description = texts.lines(*filter(None, [
        texts.worded_by("quality.warning", warning.facts) if warning.facts
        else texts.sentence("%(t)s", t=warning.message),
        texts.sentence(gettext_noop("出现时段:%(a)s 至 %(b)s,共 %(n)s 次"), a=f"{first:%Y-%m-%d %H:%M}",
                       b=f"{last:%Y-%m-%d %H:%M}", n=warning.count),
        texts.sentence("%(t)s", t=note.strip()) if (note or "").strip() else None]))
    kwargs = {"source": "alarm", "title_facts": facts, "description_facts": description, "category": category,
              "jurisdiction": warning.jurisdiction, "source_ref": ("quality.warning", str(warning.pk)),
              "responsible_units": list(responsible_units or [])}
    if deadline is not None:
        kwargs["deadline"] = deadline
    problem = open_problem(user, **kwargs)
    return f"ledger.problem:{getattr(problem, 'pk', problem)}", getattr(problem, "code", str(problem))


def problem_of(user, warning: Warning):
    """The ledger problem a warning was handed over as (to trace it to closure), if the user may see it."""
    if not warning.problem_ref:
        return None
    try:
        from envbureau.ledger.services import problems_for_ref
    except ImportError:
        return None
    return problems_for_ref("quality.warning", str(warning.pk), user).first()


def _facts(msg: str, **args) -> dict:
    """A warning's finding as data (quality.models.targets.WARNING_TEXTS), worded in the reader's language."""
    return {"msg": msg, "args": args}


def _chinese(facts: dict) -> str:
    """The stored text of a finding (search, the problem opened from it): in Chinese, whoever triggered it."""
    from django.utils import translation

    from .models.targets import warning_words

    with translation.override("zh-hans"):
        return warning_words(facts)


def _raise(kind, jurisdiction, source_ref, subject, first, last, facts, *, pollutant="", value=None,
           threshold=None, count=1) -> tuple[Warning, bool]:
    """Open a warning, or update the open/acknowledged one of the same kind and source (no duplicates).
    ``facts``: the finding as data (_facts), shown in the reader's language."""
    message = _chinese(facts)
    w = Warning.objects.filter(kind=kind, source_ref=source_ref, pollutant=pollutant,
                               state__in=["open", "acknowledged"]).first()
    if w is not None:
        changed = last > w.last_time
        if changed:
            w.last_time, w.value, w.count, w.message, w.facts = last, value, w.count + count, message, facts
            w.save()
        return w, False
    w = Warning.objects.create(kind=kind, jurisdiction=jurisdiction, source_ref=source_ref, subject=subject,
                               pollutant=pollutant, first_time=first, last_time=last, value=value,
                               threshold=threshold, count=count, message=message, facts=facts)
    opened(w)
    return w, True


def opened(warning: Warning) -> None:
    """A new warning: the first line of its timeline, and the task for whoever handles it. The description is
    on the warning's page in the reader's language: the timeline repeats it only for a warning without facts."""
    from envbureau.core import workflow as wf

    wf.record_event(warning, None, "open", to_state=warning.state, note="" if warning.facts else warning.message)
    wf.sync_tasks(warning)


SCAN_BLOCK_STATIONS = 100  # stations per block …
SCAN_WINDOW_DAYS = 31     # … and days per window: the block in memory is 100 × 744 hours × 6 values (~3.6 MB)


def _runs(mask: np.ndarray, carry: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Length of the run of True ending at each hour, rows = stations; ``carry`` = the run length each row
    already had at the hour before column 0. Returns (run lengths [S, H], carry out [S])."""
    S, H = mask.shape
    idx = np.broadcast_to(np.arange(H), (S, H))
    last_false = np.maximum.accumulate(np.where(mask, -1, idx), axis=1)
    run = np.where(mask, idx - last_false, 0)
    run = np.where(mask & (last_false < 0), run + carry[:, None], run)
    return run, run[:, -1].copy() if H else carry


def _scan_window(start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    """First and last hour (epoch // 3600) of [start, end], whole hours."""
    return int(start.timestamp()) // 3600, int(end.timestamp()) // 3600


@transaction.atomic
def scan_air_warnings(start: dt.datetime | None, end: dt.datetime, *, stop_hours: int = 6, flat_hours: int = 8) -> dict:
    """Raise air warnings for [start, end]: hourly values above the active thresholds, data stops (no row or all
    pollutants missing for ``stop_hours`` consecutive hours) and flat lines (the same non-missing value for
    ``flat_hours`` consecutive hours).

    Vectorised: stations in blocks of 100, hours in windows of 31 days, numpy over each block (no Python loop
    per hour); runs carry over from one window to the next. ``start=None`` scans only what is new since the
    last scan (WarningScan: from where it stopped, or from the earliest hour imported since, if earlier).
    An outage already warned about is extended - one warning "自 … 起无数据" however many scans it spans."""
    from .derived import load_hourly
    from .models import AirStation, AirThreshold, WarningScan

    state, _c = WarningScan.objects.select_for_update().get_or_create(name="air")
    if start is None:
        start = state.scanned_until or (end - dt.timedelta(hours=24))
        if state.dirty_from is not None and state.dirty_from < start:
            start = state.dirty_from
    created = 0
    h0, h1 = _scan_window(start, end)
    if h1 < h0:
        return {"created": 0, "hours": 0, "start": start}
    stations = list(AirStation.objects.filter(active=True).select_related("jurisdiction").order_by("pk"))
    thresholds = list(AirThreshold.objects.filter(active=True).select_related("jurisdiction"))
    for b0 in range(0, len(stations), SCAN_BLOCK_STATIONS):
        block = stations[b0: b0 + SCAN_BLOCK_STATIONS]
        created += _scan_block(block, thresholds, h0, h1, stop_hours, flat_hours, load_hourly)
    if state.scanned_until is None or end > state.scanned_until:
        state.scanned_until = end
    if state.dirty_from is not None and start <= state.dirty_from:
        state.dirty_from = None
    state.save()
    if created:  # a scan that changed nothing leaves no trace (re-running the demo changes nothing)
        audit.record("create", model_label="quality.warning", object_id="scan",
                     object_repr=texts.sentence(gettext_noop("空气预警扫描 新增 %(n)s 条"), n=created),
                     changes={"start": start.isoformat(), "end": end.isoformat()})
    return {"created": created, "hours": h1 - h0 + 1, "start": start}


def _scan_block(block, thresholds, h0: int, h1: int, stop_hours: int, flat_hours: int, load_hourly) -> int:
    S, T = len(block), len(thresholds)
    applies = np.array([[not th.jurisdiction_id or st.jurisdiction.path.startswith(th.jurisdiction.path)
                         for th in thresholds] for st in block], dtype=bool).reshape(S, T)
    over_n = np.zeros((S, T), dtype=np.int64)
    over_first = np.full((S, T), -1, dtype=np.int64)
    over_last = np.full((S, T), -1, dtype=np.int64)
    over_max = np.full((S, T), -np.inf)
    stop_carry = np.zeros(S, dtype=np.int64)
    stop_best = np.zeros(S, dtype=np.int64)
    stop_best_end = np.full(S, -1, dtype=np.int64)
    lead = np.zeros(S, dtype=np.int64)  # missing hours from the scan start (continues an earlier outage)
    lead_open = np.ones(S, dtype=bool)
    flat_carry = {p: np.zeros(S, dtype=np.int64) for p in POLLUTANTS}
    flat_prev = {p: np.full(S, np.nan) for p in POLLUTANTS}
    flat_best = {p: np.zeros(S, dtype=np.int64) for p in POLLUTANTS}
    flat_best_end = {p: np.full(S, -1, dtype=np.int64) for p in POLLUTANTS}
    flat_value = {p: np.full(S, np.nan) for p in POLLUTANTS}
    ids = [st.pk for st in block]
    step = SCAN_WINDOW_DAYS * 24
    for w0 in range(h0, h1 + 1, step):
        w1 = min(h1, w0 + step - 1)
        d0 = (w0 * 3600 + LOCAL_OFFSET) // 86400
        d1 = (w1 * 3600 + LOCAL_OFFSET) // 86400
        hourly = load_hourly(ids, d0, d1)
        off = (w0 * 3600 - (d0 * 86400 - LOCAL_OFFSET)) // 3600
        v = {p: hourly[p].reshape(S, -1)[:, off: off + (w1 - w0 + 1)] for p in POLLUTANTS}
        H = w1 - w0 + 1
        g = np.arange(w0, w1 + 1)  # global hour numbers of the columns
        for t, th in enumerate(thresholds):
            over = (v[th.pollutant] > th.hourly_limit) & applies[:, t][:, None]
            n = over.sum(axis=1)
            hit = n > 0
            if not hit.any():
                continue
            first = g[np.argmax(over, axis=1)]
            last = g[H - 1 - np.argmax(over[:, ::-1], axis=1)]
            over_first[:, t] = np.where(hit & (over_first[:, t] < 0), first, over_first[:, t])
            over_last[:, t] = np.where(hit, last, over_last[:, t])
            over_n[:, t] += n
            over_max[:, t] = np.maximum(over_max[:, t], np.nanmax(np.where(over, v[th.pollutant], -np.inf), axis=1))
        missing = np.logical_and.reduce([np.isnan(v[p]) for p in POLLUTANTS])
        run, stop_carry = _runs(missing, stop_carry)
        best_i = np.argmax(run, axis=1)
        best = run[np.arange(S), best_i]
        better = best > stop_best
        stop_best = np.where(better, best, stop_best)
        stop_best_end = np.where(better, g[best_i], stop_best_end)
        first_ok = np.where(missing.all(axis=1), H, np.argmin(missing, axis=1))
        lead = np.where(lead_open, lead + first_ok, lead)
        lead_open &= first_ok == H
        for p in POLLUTANTS:
            x = v[p]
            prev = np.concatenate([flat_prev[p][:, None], x[:, :-1]], axis=1)
            same = (x == prev) & ~np.isnan(x)
            run, flat_carry[p] = _runs(same, flat_carry[p])
            bi = np.argmax(run, axis=1)
            bl = run[np.arange(S), bi]
            better = bl > flat_best[p]
            flat_best[p] = np.where(better, bl, flat_best[p])
            flat_best_end[p] = np.where(better, g[bi], flat_best_end[p])
            flat_value[p] = np.where(better, x[np.arange(S), bi], flat_value[p])
            flat_prev[p] = x[:, -1].copy()
    created = 0
    for si, t in zip(*np.nonzero(over_n)):  # a Python loop over hits only
        st, th = block[si], thresholds[t]
        vmax = float(over_max[si, t])
        msg = _facts("over", s=st.name, p=th.pollutant, n=int(over_n[si, t]), t=f"{th.hourly_limit:g}", v=f"{vmax:g}")
        _w, new = _raise("air_threshold", st.jurisdiction, f"quality.airstation:{st.pk}", st.name,
                         _hour_dt(over_first[si, t]), _hour_dt(over_last[si, t]), msg, pollutant=th.pollutant,
                         value=vmax, threshold=th.hourly_limit, count=int(over_n[si, t]))
        created += new
    for si in np.nonzero((stop_best >= stop_hours) | (lead > 0))[0]:
        created += _raise_stop(block[si], int(stop_best[si]), int(stop_best_end[si]), int(lead[si]), h0, stop_hours)
    for p in POLLUTANTS:
        for si in np.nonzero(flat_best[p] + 1 >= flat_hours)[0]:
            st, n = block[si], int(flat_best[p][si]) + 1
            end_h = int(flat_best_end[p][si])
            msg = _facts("flat", s=st.name, p=p, n=n, v=f"{flat_value[p][si]:g}")
            _w, new = _raise("flat_line", st.jurisdiction, f"quality.airstation:{st.pk}", st.name,
                             _hour_dt(end_h - n + 1), _hour_dt(end_h), msg, pollutant=p,
                             value=float(flat_value[p][si]), count=n)
            created += new
    return created


def _hour_dt(h) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(h) * 3600, tz=dt.timezone.utc)


def _stop_facts(name: str, first: dt.datetime, hours: int) -> dict:
    return _facts("stop", s=name, t=f"{timezone.localtime(first):%Y-%m-%d %H:%M}", n=hours)


def _raise_stop(st, best: int, best_end: int, lead: int, h0: int, stop_hours: int) -> int:
    """One warning per outage: an open data-stop warning whose outage reaches the hour before this scan is
    extended by the missing hours this scan starts with; otherwise the longest outage found is raised."""
    ref = f"quality.airstation:{st.pk}"
    w = Warning.objects.filter(kind="data_stop", source_ref=ref, pollutant="", state__in=["open", "acknowledged"]).first()
    if w is not None and lead > 0 and int(w.last_time.timestamp()) // 3600 >= h0 - 1:
        last = max(int(w.last_time.timestamp()) // 3600, h0 + lead - 1)
        if best > lead and best_end - best + 1 <= last + 1:
            last = max(last, best_end)
        first_h = int(w.first_time.timestamp()) // 3600
        if _hour_dt(last) > w.last_time:
            w.last_time, w.count = _hour_dt(last), last - first_h + 1
            w.facts = _stop_facts(st.name, w.first_time, w.count)
            w.message = _chinese(w.facts)
            w.save()
        return 0
    if best < stop_hours:
        return 0
    first = _hour_dt(best_end - best + 1)
    _w, new = _raise("data_stop", st.jurisdiction, ref, st.name, first, _hour_dt(best_end),
                     _stop_facts(st.name, first, best), count=best)
    return int(new)


# ---------------------------------------------------------------------------
# street ranking notices (排名通报): the ranking frozen, then issued through core.documents
# ---------------------------------------------------------------------------
@transaction.atomic
def create_ranking_notice(user, jurisdiction, period, ranking: dict, by: str):
    from .models import StreetRankingNotice

    n = StreetRankingNotice.objects.create(jurisdiction=jurisdiction, start=period.start, end=period.end,
                                           label=period.label, rank_by=by, data=ranking,
                                           created_by=user if getattr(user, "pk", None) else None)
    check_created(user, n)  # only where the user may add quality records (rolled back otherwise)
    return n
