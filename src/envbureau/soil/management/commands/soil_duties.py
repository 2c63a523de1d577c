"""Open the year's duties of the key supervised units (self-monitoring report, hidden-danger check) as kit
tasks with due dates; re-runs add nothing."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from envbureau.core.audit import audit_context


class Command(BaseCommand):
    help = "土壤重点监管单位年度义务 / key soil units' duties"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期生成 (YYYY-MM-DD),默认今天")

    def handle(self, *args, date=None, **opts):
        from django.utils import timezone

        from envbureau.soil import services

        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date: {date!r} 不是 YYYY-MM-DD 格式的日期") from None
        with audit_context("system"):
            n = services.ensure_duties(day)
        self.stdout.write(f"新增监管义务 {n} 项")
