"""Complaint time limits (信访工作条例), counted by the platform's one engine (core.deadlines: the official
holiday calendar from the chinese-calendar package plus the admin's overrides under 系统管理 → 节假日调整).

Counting (民法典 art. 201/203, the general rule for periods): the day of the start event is not
counted; a period of n days ends on the n-th day after it. Working days skip weekends and days off
and count make-up working days (调休上班). With `roll_forward`, a calendar-day period whose last
day is a day off ends on the next working day instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from envbureau.core import deadlines as core_deadlines

from .choices import DayKind


def is_working_day(d: dt.date) -> bool:
    return core_deadlines.is_working_day(d)


def calendar_covers(year: int) -> bool:
    """False when no holiday notice is known for that year (weekends only would be used)."""
    return core_deadlines.calendar_covers(year)


def add_days(start: dt.date, n: int, kind: str = DayKind.CALENDAR, roll_forward: bool = False) -> dt.date:
    return core_deadlines.add_days(start, n, core_deadlines.WORKING if kind == DayKind.WORKING
                                   else core_deadlines.CALENDAR, roll_forward=roll_forward)


@dataclass
class Rule:
    name: str = "全国默认规则(信访工作条例、环保举报热线工作管理办法)"
    accept_days: int = 15
    accept_kind: str = DayKind.CALENDAR
    start_days: int | None = None
    start_kind: str = DayKind.WORKING
    finish_days: int = 60
    finish_kind: str = DayKind.CALENDAR
    extension_max_days: int = 30
    review_request_days: int = 30
    review_answer_days: int = 30
    roll_forward: bool = True
    source: str = "信访工作条例(2022)第22、23、34、35、36条;环保举报热线工作管理办法(环境保护部令第15号)"
    pk: int | None = None


NATIONAL = Rule()


def rule_for(jurisdiction, channel: str = "", track: str = "", on: dt.date | None = None) -> Rule:
    """The most specific active rule: nearest jurisdiction (own, then ancestors, then national),
    then one naming the channel, then one naming the track."""
    from .models import DeadlineRule

    on = on or dt.date.today()
    codes = [c for c in (jurisdiction.path.split("/") if jurisdiction is not None else []) if c]
    depth = {code: i + 1 for i, code in enumerate(codes)}
    qs = (DeadlineRule.objects.filter(active=True)
          .filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__code__in=codes))
          .filter(Q(channel="") | Q(channel=channel))
          .filter(Q(track="") | Q(track=track))
          .filter(Q(effective_from__isnull=True) | Q(effective_from__lte=on))
          .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
          .select_related("jurisdiction")
          .order_by("pk"))  # the key below chooses, not the list's ordering (whose NULLs sort per database)
    best, best_key = None, None
    for r in qs:
        key = (depth.get(r.jurisdiction.code, 0) if r.jurisdiction_id else 0, bool(r.channel), bool(r.track), r.pk)
        if best_key is None or key > best_key:
            best, best_key = r, key
    if best is None:
        return NATIONAL
    return Rule(name=best.name, accept_days=best.accept_days, accept_kind=best.accept_kind,
                start_days=best.start_days, start_kind=best.start_kind, finish_days=best.finish_days,
                finish_kind=best.finish_kind, extension_max_days=best.extension_max_days,
                review_request_days=best.review_request_days, review_answer_days=best.review_answer_days,
                roll_forward=best.roll_forward, source=best.source, pk=best.pk)


def local_date(value) -> dt.date:
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def compute(complaint, rule: Rule | None = None) -> Rule:
    """Set the complaint's deadline fields from its dates and rule; returns the rule used."""
    rule = rule or rule_for(complaint.jurisdiction, complaint.channel, complaint.track,
                            local_date(complaint.received_at))
    rf = rule.roll_forward
    received = local_date(complaint.received_at)
    complaint.accept_due = add_days(received, rule.accept_days, rule.accept_kind, rf)
    complaint.rule_label = rule.name[:200]
    if complaint.accepted_at:
        accepted = local_date(complaint.accepted_at)
        complaint.start_due = (add_days(accepted, rule.start_days, rule.start_kind, rf)
                               if rule.start_days else None)
        base = add_days(accepted, rule.finish_days, rule.finish_kind, rf)
        # An approved extension runs on from the original deadline in the same kind of days.
        complaint.finish_due = (add_days(base, complaint.extension_days, rule.finish_kind, rf)
                                if complaint.extension_days else base)
    else:
        complaint.start_due = None
        complaint.finish_due = None
    return rule


def review_request_due(replied: dt.date, rule: Rule) -> dt.date:
    return add_days(replied, rule.review_request_days, DayKind.CALENDAR, rule.roll_forward)


def review_answer_due(requested: dt.date, rule: Rule) -> dt.date:
    return add_days(requested, rule.review_answer_days, DayKind.CALENDAR, rule.roll_forward)
