"""envbureau scan_warnings [--from DATETIME --to DATETIME] [--stop-hours 6] [--flat-hours 8]

Raises air warnings (hourly values above the configured thresholds, data stops, flat lines) for the
window - by default only the hours new since the last scan (and hours imported since into earlier days);
the first scan ever: the last 24 hours - and water-target warnings for automatic stations; safe to run
repeatedly (an open warning of the same source is updated, not duplicated; an outage stays one warning)."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_datetime


class Command(BaseCommand):
    help = "扫描并生成环境质量预警 / raise quality warnings"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start")
        parser.add_argument("--to", dest="end")
        parser.add_argument("--stop-hours", type=int, default=6)
        parser.add_argument("--flat-hours", type=int, default=8)

    def handle(self, *args, start, end, stop_hours, flat_hours, **opts):
        from envbureau.core.audit import audit_context
        from envbureau.quality.services import scan_air_warnings
        from envbureau.quality.water import scan_water_warnings

        tz = timezone.get_default_timezone()

        def parse(v):
            d = parse_datetime(v) or dt.datetime.fromisoformat(v)
            return d if d.tzinfo else d.replace(tzinfo=tz)

        t1 = parse(end) if end else timezone.now()
        t0 = parse(start) if start else None  # None: what is new since the last scan
        with audit_context("cli", note="scan_warnings"):
            air = scan_air_warnings(t0, t1, stop_hours=stop_hours, flat_hours=flat_hours)
            water = scan_water_warnings(since=air["start"])
        self.stdout.write(f"air warnings created: {air['created']}; water warnings created: {water}")
