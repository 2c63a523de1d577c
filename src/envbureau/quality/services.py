"""Domain verbs of the quality app: data review, warnings and their lifecycle.

Each verb takes the acting user, checks scope, changes the records in one transaction and leaves
an audit trail (DataReview and Warning are audited models; raw value flags are audited per batch).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from envbureau.core import audit
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


def open_problem_for(user, warning: Warning, *, note: str = "", category: str | None = None, deadline=None,
                     responsible_units: list[str] | None = None) -> tuple[str, str]:
    """Open the ledger problem of a warning (the to_problem handler); (reference, problem code)."""
    try:
        from envbureau.ledger.services import open_problem
    except ImportError:
        raise ValidationError(_("问题台账模块尚未启用")) from None
    if category is None:  # the ledger's categories are environmental media: the source says which
        category = "water" if warning.source_ref.startswith("quality.watersection") else "air"
    title = _("%(s)s %(k)s") % {"s": warning.subject, "k": warning.get_kind_display()}
    if warning.pollutant:
        title = f"{title}({warning.pollutant.upper()})"
    first, last = timezone.localtime(warning.first_time), timezone.localtime(warning.last_time)
    description = "\n".join(filter(None, [
        warning.message, _("出现时段:%(a)s 至 %(b)s,共 %(n)s 次") % {
            "a": f"{first:%Y-%m-%d %H:%M}", "b": f"{last:%Y-%m-%d %H:%M}", "n": warning.count},
        (note or "").strip()]))
    kwargs = {"source": "alarm", "title": title[:200], "description": description, "category": category,
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


def _raise(kind, jurisdiction, source_ref, subject, first, last, message, *, pollutant="", value=None,
           threshold=None, count=1) -> tuple[Warning, bool]:
    """Open a warning, or update the open/acknowledged one of the same kind and source (no duplicates)."""
    w = Warning.objects.filter(kind=kind, source_ref=source_ref, pollutant=pollutant,
                               state__in=["open", "acknowledged"]).first()
    if w is not None:
        changed = last > w.last_time
        if changed:
            w.last_time, w.value, w.count, w.message = last, value, w.count + count, message
            w.save()
        return w, False
    w = Warning.objects.create(kind=kind, jurisdiction=jurisdiction, source_ref=source_ref, subject=subject,
                               pollutant=pollutant, first_time=first, last_time=last, value=value,
                               threshold=threshold, count=count, message=message)
    opened(w, message)
    return w, True


def opened(warning: Warning, message: str) -> None:
    """A new warning: the first line of its timeline, and the task for whoever handles it."""
    from envbureau.core import workflow as wf

    wf.record_event(warning, None, "open", to_state=warning.state, note=message)
    wf.sync_tasks(warning)


def _epoch_dt(e) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(e), tz=dt.timezone.utc)


@transaction.atomic
def scan_air_warnings(start: dt.datetime, end: dt.datetime, *, stop_hours: int = 6, flat_hours: int = 8) -> dict:
    """Raise air warnings for [start, end]: hourly values above the active thresholds, data stops
    (no row or all pollutants missing for ``stop_hours`` consecutive hours) and flat lines (the same
    non-missing value for ``flat_hours`` consecutive hours)."""
    from .derived import load_hourly
    from .models import AirStation, AirThreshold

    created = 0
    d0 = (int(start.timestamp()) + LOCAL_OFFSET) // 86400
    d1 = (int(end.timestamp()) + LOCAL_OFFSET) // 86400
    stations = list(AirStation.objects.filter(active=True).select_related("jurisdiction"))
    if not stations:
        return {"created": 0}
    hourly = load_hourly([s.pk for s in stations], d0, d1)
    base = d0 * 86400 - LOCAL_OFFSET
    lo = int(start.timestamp()) - base
    hi = int(end.timestamp()) - base
    i0, i1 = max(0, lo // 3600), hi // 3600 + 1
    series = {p: hourly[p].reshape(len(stations), -1)[:, i0:i1] for p in POLLUTANTS}
    thresholds = list(AirThreshold.objects.filter(active=True).select_related("jurisdiction"))
    for si, st in enumerate(stations):
        ref = f"quality.airstation:{st.pk}"
        for th in thresholds:
            if th.jurisdiction_id and not st.jurisdiction.path.startswith(th.jurisdiction.path):
                continue
            v = series[th.pollutant][si]
            over = np.nonzero(v > th.hourly_limit)[0]
            if len(over):
                t_first = _epoch_dt(base + (i0 + over[0]) * 3600)
                t_last = _epoch_dt(base + (i0 + over[-1]) * 3600)
                vmax = float(np.nanmax(v[over]))
                msg = _("%(s)s %(p)s 小时浓度 %(n)s 次超过阈值 %(t)s,最高 %(v)s") % {
                    "s": st.name, "p": th.pollutant.upper(), "n": len(over), "t": f"{th.hourly_limit:g}", "v": f"{vmax:g}"}
                _w, new = _raise("air_threshold", st.jurisdiction, ref, st.name, t_first, t_last, msg,
                                 pollutant=th.pollutant, value=vmax, threshold=th.hourly_limit, count=len(over))
                created += new
        missing = np.logical_and.reduce([np.isnan(series[p][si]) for p in POLLUTANTS])
        run = _longest_run(missing)
        if run[1] >= stop_hours:
            t_first = _epoch_dt(base + (i0 + run[0]) * 3600)
            t_last = _epoch_dt(base + (i0 + run[0] + run[1] - 1) * 3600)
            msg = _("%(s)s 连续 %(n)s 小时无数据") % {"s": st.name, "n": run[1]}
            _w, new = _raise("data_stop", st.jurisdiction, ref, st.name, t_first, t_last, msg, count=run[1])
            created += new
        for p in POLLUTANTS:
            v = series[p][si]
            same = np.zeros(len(v), dtype=bool)
            same[1:] = (v[1:] == v[:-1]) & ~np.isnan(v[1:])
            run = _longest_run(same)
            if run[1] + 1 >= flat_hours:
                t_first = _epoch_dt(base + (i0 + run[0] - 1) * 3600)
                t_last = _epoch_dt(base + (i0 + run[0] + run[1] - 1) * 3600)
                msg = _("%(s)s %(p)s 连续 %(n)s 小时数值不变(%(v)s)") % {
                    "s": st.name, "p": p.upper(), "n": run[1] + 1, "v": f"{v[run[0]]:g}"}
                _w, new = _raise("flat_line", st.jurisdiction, ref, st.name, t_first, t_last, msg, pollutant=p,
                                 value=float(v[run[0]]), count=run[1] + 1)
                created += new
    if created:  # a scan that changed nothing leaves no trace (re-running the demo changes nothing)
        audit.record("create", model_label="quality.warning", object_id="scan",
                     object_repr=_("空气预警扫描 新增 %(n)s 条") % {"n": created},
                     changes={"start": start.isoformat(), "end": end.isoformat()})
    return {"created": created}


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    """(start index, length) of the longest run of True."""
    best, best_start, cur, cur_start = 0, 0, 0, 0
    for i, m in enumerate(mask.tolist()):
        if m:
            if cur == 0:
                cur_start = i
            cur += 1
            if cur > best:
                best, best_start = cur, cur_start
        else:
            cur = 0
    return best_start, best
