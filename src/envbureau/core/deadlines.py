"""One engine for statutory and committed time limits.

Working days come from the `chinese-calendar` package (it carries the State Council's yearly holiday
notices, make-up working days included), overridden day by day by core.CalendarDay rows an admin
enters when a notice is newer than the installed package. Years the package does not know fall back
to Monday–Friday plus the overrides.

Counting (民法典 art. 201/203, the general rule for periods): by default the start day is not counted
and a period of n days ends on the n-th day after it; `inclusive=True` counts the start day as day 1.
Working-day periods count only working days. `roll_forward=True` moves a calendar-day period whose last
day is a day off to the next working day.

A `Clock` row keeps one running limit of one object with its pauses (听证、鉴定、公示、送达) and
extensions (approver and reason); each change is written on the object's timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import texts
from .dbcache import CommittedCache

CALENDAR = "calendar"
WORKING = "working"

_CACHE = CommittedCache()  # core.CalendarDay overrides; watched in CoreConfig.ready


def _overrides() -> dict:
    from .models import CalendarDay

    return _CACHE.get("overrides", lambda: dict(CalendarDay.objects.values_list("date", "kind")))


def is_working_day(d: dt.date) -> bool:
    kind = _overrides().get(d)
    if kind is not None:
        return kind == "workday"
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:  # a year the installed package has no notice for
        return d.weekday() < 5


def calendar_covers(year: int) -> bool:
    """False when neither the package nor an override knows that year's holidays (weekends only)."""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
        return True
    except NotImplementedError:
        return any(d.year == year for d in _overrides())


def next_working_day(d: dt.date) -> dt.date:
    while not is_working_day(d):
        d += dt.timedelta(days=1)
    return d


def add_days(start: dt.date, n: int, kind: str = CALENDAR, *, inclusive: bool = False,
             roll_forward: bool = False) -> dt.date:
    """The last day of a period of `n` days (calendar or working) starting at `start`."""
    if n <= 0:
        return start
    if kind == WORKING:
        d, counted = start, 0
        if inclusive and is_working_day(start):
            counted = 1
        while counted < n:
            d += dt.timedelta(days=1)
            if is_working_day(d):
                counted += 1
        return d
    d = start + dt.timedelta(days=n - 1 if inclusive else n)
    return next_working_day(d) if roll_forward else d


def days_between(start: dt.date, end: dt.date, kind: str = CALENDAR) -> int:
    """Days of `kind` after `start` up to and including `end` (0 if end <= start)."""
    if end <= start:
        return 0
    if kind != WORKING:
        return (end - start).days
    n, d = 0, start
    while d < end:
        d += dt.timedelta(days=1)
        n += is_working_day(d)
    return n


@dataclass(frozen=True)
class Rule:
    """A time limit as the law or the commitment states it."""

    days: int
    kind: str = CALENDAR
    inclusive: bool = False
    roll_forward: bool = False
    label: Any = ""  # a lazy msgid, or the facts of a sentence (core.texts) when a rule words it

    def due(self, start: dt.date, extra: int = 0) -> dt.date:
        return add_days(start, self.days + extra, self.kind, inclusive=self.inclusive,
                        roll_forward=self.roll_forward)


# ---- limits in clock hours ----------------------------------------------------------------------------
# An emergency duty runs around the clock: a seizure taken on the spot is approved by the head within 24 hours
# (MEE Order No. 29 art. 13), an incident is reported upwards within 2 or 4 hours (MEP Order No. 17 art. 3).
# No holiday calendar applies; a step done at the limit itself is in time, a minute after it is late.

def hours_after(start: dt.datetime, hours: int) -> dt.datetime:
    """The moment `hours` clock hours after `start`."""
    return start + dt.timedelta(hours=int(hours))


def hour_late(at: dt.datetime, due: dt.datetime) -> bool:
    """Whether a step done at `at` missed an hour limit ending at `due` (the limit itself is in time)."""
    return at > due


@dataclass(frozen=True)
class HourStep:
    at: dt.datetime
    late: bool
    event_data: dict


def hour_step(value, *, start: dt.datetime, due: dt.datetime, field: str, before_start: str, future: str,
              now: dt.datetime | None = None) -> HourStep:
    """A step owed within an hour limit (the head's approval, an initial report): when it was done — `value` as
    given (an aware datetime, or text in local time such as 2026-09-11 15:30), now when empty — refused with a
    ValidationError naming `field` when it cannot be read, comes before `start` (message `before_start`) or
    after now (message `future`); late when after `due`. `event_data` is what the timeline line keeps:
    {field: the time, "due": the limit, "late": …}."""
    from django.core.exceptions import ValidationError

    now = now or timezone.now()
    if value in (None, ""):
        at = now
    elif isinstance(value, dt.datetime):
        at = value
    else:
        from .importing import parse_local_datetime

        try:
            at = parse_local_datetime(value)
        except (TypeError, ValueError):
            at = None
        if at is None:
            raise ValidationError({field: _("时间格式应为 YYYY-MM-DD HH:MM:%(v)s") % {"v": value}})
    if not timezone.is_aware(at):
        at = timezone.make_aware(at)  # local (Asia/Shanghai)
    if at < start:
        raise ValidationError({field: before_start})
    if at > now:
        raise ValidationError({field: future})
    late = hour_late(at, due)
    return HourStep(at, late, {field: at.isoformat(), "due": due.isoformat(), "late": late})


def local_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


# ---- clocks on objects ------------------------------------------------------------------------

def _label(obj) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def _compute(clock) -> dt.date:
    rule = Rule(clock.days, clock.day_kind, clock.inclusive, clock.roll_forward)
    return rule.due(clock.start, clock.extension_days + clock.paused_days)


def clock(obj, key: str):
    from .models import Clock

    model, pk = _label(obj)
    return Clock.objects.filter(model=model, object_id=pk, key=key).first()


def start_clock(obj, key: str, rule: Rule, start, *, user=None, label: Any = "", quiet: bool = True):
    """Start (or restart) the clock `key` of `obj` at `start` under `rule`; returns the Clock."""
    from .models import Clock

    model, pk = _label(obj)
    said = label or rule.label or key  # a lazy msgid, or the facts of a sentence (core.texts)
    facts = said if isinstance(said, dict) else {}
    c, _created = Clock.objects.update_or_create(model=model, object_id=pk, key=key, defaults=dict(
        # the label stored in Chinese (from a lazy label or the facts), worded on display (Clock.shown_label)
        # and in the timeline's notes (Clock.label_facts)
        label=(texts.chinese(facts) if facts else texts.zh(said))[:100], facts=facts,
        start=local_date(start), days=rule.days, day_kind=rule.kind,
        inclusive=rule.inclusive, roll_forward=rule.roll_forward, paused_since=None, paused_days=0,
        extension_days=0, due=rule.due(local_date(start)), stopped_at=None))
    if not quiet:
        _timeline(obj, user, "deadline_start",
                  texts.sentence(gettext_noop("开始计时:%(l)s,期满 %(d)s"), ("l",), l=c.label_facts, d=c.due),
                  {"key": key, "due": str(c.due)})
    return c


@transaction.atomic
def pause(user, obj, key: str, reason: str | dict, on=None):
    """Stop the clock for a hearing, an appraisal, a public notice or service (期限中止). `reason` as typed, or
    the facts of a sentence a rule writes (core.texts), worded per reader on the timeline."""
    from .models import Clock

    reason = reason if isinstance(reason, dict) else (reason or "").strip()
    if not reason:
        from django.core.exceptions import ValidationError

        raise ValidationError({"reason": _("请填写中止理由")})
    model, pk = _label(obj)
    c = Clock.objects.select_for_update().get(model=model, object_id=pk, key=key)
    if c.paused_since is None:
        c.paused_since = local_date(on or timezone.localdate())
        c.save(update_fields=["paused_since"])
        _timeline(obj, user, "deadline_pause", texts.sentence(gettext_noop("%(l)s中止:%(r)s"), ("l",), l=c.label_facts, r=reason),
                  {"key": key, "since": str(c.paused_since)})
    return c


@transaction.atomic
def resume(user, obj, key: str, on=None, note: str | dict = ""):
    """Resume a paused clock; the days it stood still (in its own kind of days) move the end. `note` (why, kept
    in the line's data in Chinese) as typed or as the facts of a sentence."""
    from .models import Clock

    model, pk = _label(obj)
    c = Clock.objects.select_for_update().get(model=model, object_id=pk, key=key)
    if c.paused_since is not None:
        on = local_date(on or timezone.localdate())
        c.paused_days += days_between(c.paused_since, on, c.day_kind)
        c.paused_since = None
        c.due = _compute(c)
        c.save(update_fields=["paused_since", "paused_days", "due"])
        _timeline(obj, user, "deadline_resume", texts.sentence(gettext_noop("%(l)s恢复计时,期满 %(d)s"), ("l",), l=c.label_facts, d=c.due),
                  {"key": key, "due": str(c.due), "note": texts.chinese(note) if isinstance(note, dict) else note,
                   **({"resume_facts": note} if isinstance(note, dict) else {})})
    return c


@transaction.atomic
def extend(user, obj, key: str, days: int, *, approver, reason: str):
    """Extend by `days` (same kind of days as the rule), approved by `approver` (a user, a name, or the facts
    of a word such as 系统, worded per reader) for `reason`."""
    from django.core.exceptions import ValidationError

    from .models import Clock

    if not reason or not str(reason).strip():
        raise ValidationError({"reason": _("请填写延期理由")})
    if approver is None:
        raise ValidationError({"approver": _("延期须有批准人")})
    if int(days) <= 0:
        raise ValidationError({"days": _("延长天数须大于0")})
    model, pk = _label(obj)
    c = Clock.objects.select_for_update().get(model=model, object_id=pk, key=key)
    c.extension_days += int(days)
    c.due = _compute(c)
    c.save(update_fields=["extension_days", "due"])
    name = texts.chinese(approver) if isinstance(approver, dict) else \
        getattr(approver, "display_name", "") or getattr(approver, "username", str(approver))
    _timeline(obj, user, "deadline_extend", texts.sentence(
        gettext_noop("%(l)s延长 %(n)s 天至 %(d)s(批准人:%(a)s):%(r)s"), ("l",), l=c.label_facts, n=days, d=c.due,
        a=approver if isinstance(approver, dict) else name, r=reason),
        {"key": key, "days": int(days), "due": str(c.due), "approver": name, "reason": reason})
    return c


def stop(obj, key: str) -> None:
    from . import audit
    from .models import Clock

    model, pk = _label(obj)
    running = Clock.objects.filter(model=model, object_id=pk, key=key, stopped_at__isnull=True)
    ids, now = list(running.values_list("pk", flat=True)), timezone.now()
    if ids:
        Clock.objects.filter(pk__in=ids).update(stopped_at=now)
        audit.record_batch("update", Clock, ids, {"stopped_at": [None, now]})


def _timeline(obj, user, verb, note, data):
    from .workflow import record_event

    record_event(obj, user, verb, note=note, data=data)


invalidate_calendar = _CACHE.invalidate  # for callers that change CalendarDay without a signal (tests, bulk loads)
