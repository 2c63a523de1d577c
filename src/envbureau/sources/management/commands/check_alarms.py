"""Scheduled sweeps: data absence, flat-line, daily values from hourly rows (every few minutes, cron/systemd).

    envbureau check_alarms [--now 2026-07-01T10:00]
"""

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from envbureau.core.audit import audit_context


class Command(BaseCommand):
    help = "Evaluate data-absence and flat-line alarms of online-monitoring points"

    def add_arguments(self, parser):
        parser.add_argument("--now", help="evaluate as of this local time (ISO), for replays and tests")

    def handle(self, *args, **opts):
        from envbureau.sources import aggregates, alarms

        now = timezone.now()
        if opts.get("now"):
            now = timezone.make_aware(dt.datetime.fromisoformat(opts["now"]))
        with audit_context("system", note="check_alarms"), transaction.atomic():
            absent = alarms.check_absence(now=now)
            flat = alarms.check_flatline_all(now=now)
            days = aggregates.rollup_days(now=now)
        self.stdout.write(f"data absence: {len(absent)} new alarm(s); flat-line: {len(flat)} new alarm(s); "
                          f"{days} daily value(s) derived from hourly rows")
