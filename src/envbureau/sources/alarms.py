"""Alarm evaluation: exceedance, data absence, flat-line, device-state flags, invalid data.

Rules run at ingest (registry.on_stored, per hour/day packet) and on a schedule (`check_alarms`,
absence and flat-line sweeps).  Every rule goes through :func:`raise_alarm` / :func:`clear_condition`,
which deduplicate: while a condition persists there is one alarm row that is updated, never a new
one; re-evaluating the same data (the gateway delivers at least once) changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from . import conf
from .choices import DEVICE_STATE_FLAGS, INVALID_FLAGS, AlarmKind, AlarmStatus, DeclarationStatus, factor_unit
from .models import Alarm, Declaration, MonitoringPoint, PointHourly, PollutantLimit

LIVE = (AlarmStatus.OPEN, AlarmStatus.ACKNOWLEDGED)


def find_declaration(point: MonitoringPoint, factor: str, at: dt.datetime) -> Declaration | None:
    q = Q(enterprise_id=point.enterprise_id, status=DeclarationStatus.APPROVED, start__lte=at, end__gt=at)
    q &= Q(point__isnull=True) | Q(point_id=point.pk)
    if factor:
        q &= Q(factor="") | Q(factor=factor)
    return Declaration.objects.filter(q).order_by("-start").first()


class ActiveIndex:
    """Which (point, kind, factor) have an active alarm, loaded once per batch, so rules that find
    nothing to clear (the normal case) cost no query."""

    def __init__(self, point_ids):
        self.keys = set(Alarm.objects.filter(point_id__in=list(point_ids), active=True)
                        .values_list("point_id", "kind", "factor"))

    def has(self, point_id, kind, factor) -> bool:
        return (point_id, kind, factor) in self.keys or (factor is None and any(
            k[0] == point_id and k[1] == kind for k in self.keys))


def raise_alarm(point: MonitoringPoint, kind: str, at: dt.datetime, *, factor: str = "", detail_key: str = "",
                value: float | None = None, limit_value: float | None = None, on_converted: bool = False,
                message: str = "", facts: dict | None = None, index: ActiveIndex | None = None) -> tuple[Alarm, bool]:
    """Open an alarm, or fold this occurrence into the live one with the same key. Returns (alarm, created).
    ``facts``: the finding as data (_facts), shown in the reader's language; ``message`` keeps it in Chinese
    (or is the text of an alarm raised without facts)."""
    alarm = None
    if index is None or index.has(point.pk, kind, factor):
        alarm = (Alarm.objects.filter(point=point, kind=kind, factor=factor, detail_key=detail_key, active=True,
                                      status__in=LIVE).order_by("-started_at").first())
    if alarm is not None:
        changed = []
        if at > alarm.last_seen_at:
            alarm.last_seen_at = at
            alarm.occurrences += 1
            changed += ["last_seen_at", "occurrences"]
            if value is not None:
                alarm.value = value
                changed.append("value")
        elif at < alarm.started_at:
            alarm.started_at = at
            alarm.occurrences += 1
            changed += ["started_at", "occurrences"]
        if changed:
            alarm.save(update_fields=changed)
        return alarm, False
    decl = find_declaration(point, factor, at)
    alarm = Alarm.objects.create(
        point=point, enterprise_id=point.enterprise_id, kind=kind, factor=factor, detail_key=detail_key,
        started_at=at, last_seen_at=at, value=value, limit_value=limit_value, on_converted=on_converted,
        message=(_chinese(facts) if facts else message)[:300], facts=facts or {}, declared=decl is not None, declaration=decl)
    from .services import alarm_opened

    alarm_opened(alarm)
    if index is not None:
        index.keys.add((point.pk, kind, factor))
    return alarm, True


def clear_condition(point: MonitoringPoint, kind: str, at: dt.datetime, *, factor: str | None = None,
                    detail_key: str | None = None, index: ActiveIndex | None = None) -> int:
    """The condition is gone as of `at`: live alarms stop folding new occurrences (they stay open
    until staff close them).  Older data than the alarm's last occurrence does not clear it."""
    if index is not None and not index.has(point.pk, kind, factor):
        return 0
    qs = Alarm.objects.filter(point=point, kind=kind, active=True, last_seen_at__lte=at)
    if factor is not None:
        qs = qs.filter(factor=factor)
    if detail_key is not None:
        qs = qs.filter(detail_key=detail_key)
    n = 0
    for alarm in qs:
        alarm.active = False
        alarm.ended_at = at
        alarm.save(update_fields=["active", "ended_at"])
        n += 1
    return n


def _facts(msg: str, **args) -> dict:
    """An alarm's finding as data (sources.models.ALARM_TEXTS); values that are not given are left out."""
    return {"msg": msg, "args": {k: v for k, v in args.items() if v is not None}}


def _chinese(facts: dict | None) -> str:
    """The stored text of a finding (search, the problem opened from it): in Chinese, whatever the request."""
    from django.utils import translation

    from .models import alarm_words

    with translation.override("zh-hans"):
        return alarm_words(facts)


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"


def _measure(v: float | None, unit: str) -> str:
    """A value as a reader compares it with its limit: two decimals at most from 1 up, three significant
    figures below (a 0.0123 mg/m³ mercury value keeps its digits), then the unit."""
    if v is None:
        return "—"
    text = f"{round(v, 2):g}" if abs(v) >= 1 else f"{v:.3g}"
    return f"{text} {unit}" if unit else text


def evaluate_values(point: MonitoringPoint, at: dt.datetime, factors: dict[str, dict], period: str,
                    limits: list[PollutantLimit], index: ActiveIndex | None = None) -> list[Alarm]:
    """Evaluate one hour (period="hour") or day ("day") of a point.

    factors: {factor: {"Avg": .., "ZsAvg": .., "Min": .., "Max": .., "Flag": ..}}.
    """
    raised = []
    by_factor = {}
    for lim in limits:
        if lim.period == period:
            by_factor.setdefault(lim.factor, []).append(lim)
    for factor, fields in factors.items():
        flag = fields.get("Flag") or ""
        # Device states (M/D/C/F/P) and invalid flags (T/B): one alarm per flag while it persists.
        if flag in DEVICE_STATE_FLAGS:
            a, created = raise_alarm(point, AlarmKind.DEVICE_STATE, at, factor=factor, detail_key=flag,
                                     facts=_facts("flag", f=flag), index=index)
            if created:
                raised.append(a)
        else:
            clear_condition(point, AlarmKind.DEVICE_STATE, at, factor=factor, index=index)
        avg = fields.get("Avg")
        invalid_reason = None
        if flag in INVALID_FLAGS:
            invalid_reason = _facts("flag", f=flag)
        elif avg is not None and avg < 0:
            invalid_reason = _facts("negative", v=_fmt(avg))
        elif factor == "w01001" and avg is not None and avg > 14:
            invalid_reason = _facts("ph")
        if invalid_reason:
            a, created = raise_alarm(point, AlarmKind.INVALID, at, factor=factor, value=avg, facts=invalid_reason,
                                     index=index)
            if created:
                raised.append(a)
        else:
            clear_condition(point, AlarmKind.INVALID, at, factor=factor, index=index)
        if invalid_reason or flag in DEVICE_STATE_FLAGS:
            continue  # a value the device itself marks unusable is not judged against the limit
        for lim in by_factor.get(factor, ()):
            value = fields.get("ZsAvg") if lim.on_converted else avg
            key = period
            if value is None:
                continue  # a limit on the converted value needs ZsAvg; without it there is nothing to judge
            if lim.breached(value):
                over = lim.limit_value is not None and value > lim.limit_value
                bound = lim.limit_value if over else lim.lower_limit
                # exceedance multiple (超标倍数) = value / limit - 1; the alarm cites where the limit comes from
                msg = _facts("over" if over else "under", p=period, z=True if lim.on_converted else None,
                             v=_measure(value, factor_unit(factor)), l=_measure(bound, factor_unit(factor)),
                             x=round(value / lim.limit_value - 1, 2) if over and lim.limit_value else None,
                             s=lim.standard or None)
                a, created = raise_alarm(point, AlarmKind.EXCEEDANCE, at, factor=factor, detail_key=key, value=value,
                                         limit_value=bound, on_converted=lim.on_converted, facts=msg,
                                         index=index)
                if created:
                    raised.append(a)
            else:
                clear_condition(point, AlarmKind.EXCEEDANCE, at, factor=factor, detail_key=key, index=index)
    return raised


def evaluate_flatline(point: MonitoringPoint, factor: str, at: dt.datetime, hours: int | None = None,
                      series: dict | None = None, index: ActiveIndex | None = None) -> Alarm | None:
    """N consecutive hourly averages of a factor identical (a stuck analyser) → flat-line alarm.

    `series` ({hour: avg}) may carry the recent values already read for the batch."""
    hours = hours or int(conf.get("SOURCES_FLATLINE_HOURS"))
    start = at - dt.timedelta(hours=hours - 1)
    if series is None:
        rows = list(PointHourly.objects.filter(point=point, factor=factor, hour__gte=start, hour__lte=at)
                    .order_by("hour").values_list("hour", "avg"))
    else:
        rows = [(start + dt.timedelta(hours=i), series[start + dt.timedelta(hours=i)]) for i in range(hours)
                if start + dt.timedelta(hours=i) in series]
    values = [v for _h, v in rows if v is not None]
    if len(rows) == hours and len(values) == hours and max(values) - min(values) <= 1e-9:
        a, created = raise_alarm(point, AlarmKind.FLATLINE, at, factor=factor, value=values[-1], index=index,
                                 facts=_facts("flat", n=hours, v=_fmt(values[-1])))
        return a if created else None
    if len(values) >= 2 and values[-1] != values[-2]:
        clear_condition(point, AlarmKind.FLATLINE, at, factor=factor, index=index)
    return None


def absence_threshold(point: MonitoringPoint) -> dt.timedelta:
    return dt.timedelta(minutes=point.absence_minutes or int(conf.get("SOURCES_ABSENCE_MINUTES")))


def check_absence(now: dt.datetime | None = None, points=None) -> list[Alarm]:
    """Enabled points silent for longer than their threshold get (or keep) a data-absence alarm."""
    now = now or timezone.now()
    raised = []
    qs = points if points is not None else MonitoringPoint.objects.filter(enabled=True)
    for point in qs:
        if point.last_data_at is None:
            continue  # never reported: listed as "未上线" on the board, not an alarm
        silent_since = point.last_data_at
        if now - silent_since > absence_threshold(point):
            mins = int((now - silent_since).total_seconds() // 60)
            a, created = raise_alarm(point, AlarmKind.ABSENCE, silent_since,
                                     facts=_facts("absence", m=mins))
            if created:
                raised.append(a)
    return raised


def check_flatline_all(now: dt.datetime | None = None) -> list[Alarm]:
    """Sweep: the latest hour of every factor of every enabled point."""
    now = now or timezone.now()
    out = []
    since = now - dt.timedelta(hours=int(conf.get("SOURCES_FLATLINE_HOURS")) + 2)
    latest = {}
    for point_id, factor, hour in (PointHourly.objects.filter(hour__gte=since, point__enabled=True)
                                   .values_list("point_id", "factor", "hour")):
        key = (point_id, factor)
        if key not in latest or hour > latest[key]:
            latest[key] = hour
    points = MonitoringPoint.objects.in_bulk({p for p, _f in latest})
    for (point_id, factor), hour in latest.items():
        a = evaluate_flatline(points[point_id], factor, hour)
        if a is not None:
            out.append(a)
    return out
