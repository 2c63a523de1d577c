"""Remind the actors of open tasks before their due date (ENVBUREAU["REMINDER_LEAD_DAYS"]) and on overdue."""

import datetime as dt

from django.core.management.base import BaseCommand

from envbureau.core.notify import run_reminders


class Command(BaseCommand):
    help = "Task reminders: before the due date (configurable lead days) and once when overdue. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (default: today, local time)")

    def handle(self, today=None, **o):
        out = run_reminders(dt.date.fromisoformat(today) if today else None)
        self.stdout.write(f"near={out['near']} overdue={out['overdue']} notifications={out['notifications']}")
