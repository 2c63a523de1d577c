"""Apply what the law makes of limits the authority let run out (each workflow's Lapse rules, core.workflow),
e.g. an application whose completeness check was not answered in time is deemed accepted. Idempotent: an object
leaves the state the rule watches, so a second run finds nothing."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from envbureau.core.audit import audit_context
from envbureau.core.workflow import run_lapses


class Command(BaseCommand):
    help = "期限届满的法定后果(如逾期未告知补正视为受理) / apply the legal effect of lapsed limits. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (default: today, local time)")

    def handle(self, today=None, **o):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"--today: {today!r} is not a YYYY-MM-DD date") from None
        with audit_context("system"):
            out = run_lapses(day)
        moved = {k: v for k, v in out.items() if k not in ("refused", "errors")}
        self.stdout.write(f"moved={sum(moved.values())} {moved} refused={out['refused']}")
        for line in out["errors"]:
            self.stderr.write(line)
