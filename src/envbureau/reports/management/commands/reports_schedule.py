"""Scheduled generation (listed in settings.ENVBUREAU["JOBS"], run by `envbureau runjobs`): on or after the
day set in ENVBUREAU["REPORT_SCHEDULE"] (default: the monthly air bulletin of the city and each district
on the 5th), the previous period's report is created waiting for sign-off, which opens a 审核签发报告 task
for whoever holds reports.issue there. Re-runs create nothing twice; a period without data is skipped."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone


def previous_period(kind: str, today: dt.date) -> str | None:
    """The last complete period of `kind` before `today` as the report's period text."""
    if kind == "month":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return f"{last.year}-{last.month:02d}"
    if kind == "quarter":
        q = (today.month - 1) // 3  # current quarter index 0..3
        return f"{today.year - 1}-Q4" if q == 0 else f"{today.year}-Q{q}"
    if kind == "half":
        return f"{today.year - 1}-H2" if today.month <= 6 else f"{today.year}-H1"
    if kind == "year":
        return str(today.year - 1)
    return None


def due(kind: str, day: int, today: dt.date) -> bool:
    """On or after `day` of the first month of the new period (month: any month; quarter: Jan/Apr/Jul/Oct …)."""
    first_month = {"month": range(1, 13), "quarter": (1, 4, 7, 10), "half": (1, 7), "year": (1,)}[kind]
    return today.month in first_month and today.day >= day


class Command(BaseCommand):
    help = "按计划生成待签发的报告 / create the reports due by the schedule"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (default: today, local)")

    def handle(self, *args, **o):
        from envbureau.core.audit import audit_context
        from envbureau.reports import periods, registry, services

        today = dt.date.fromisoformat(o["today"]) if o["today"] else timezone.localdate()
        made = 0
        with audit_context("system"):
            for code, kind, day, levels in settings.ENVBUREAU.get("REPORT_SCHEDULE", []):
                t = registry.get(code)
                if t is None or not due(kind, day, today):
                    continue
                text = previous_period(kind, today)
                _k, period = periods.parse(text)
                for j in services.jurisdictions_for(None, t).filter(level__in=levels):
                    if t.has_data is not None and not t.has_data(j, period):
                        continue
                    before = services.Report.objects.filter(kind=code, jurisdiction=j, period_key=text).exists()
                    services.create_report(None, code, j, text, scheduled=True)
                    made += not before
        self.stdout.write(f"reports created: {made}")
