"""envbureau permits_daily [--date YYYY-MM-DD]: permits past their validity expire (their online-monitoring
limits are released); valid permits get this year's execution reports; overdue and off-the-mark reports, and a month's concentration-exceedance
alarms on limits a permit owns, become post-permit supervision tasks (证后监管). Re-runs change nothing."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "排污许可证:到期失效,生成本年度执行报告(可重复运行)"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期运行(默认今天)")

    def handle(self, *args, **o):
        from django.utils import timezone

        from envbureau.approvals import permits
        from envbureau.approvals.models import Permit

        try:
            today = dt.date.fromisoformat(o["date"]) if o.get("date") else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date 应为 YYYY-MM-DD:{o['date']}") from None
        expired = permits.expire_due(today)
        created = sum(permits.schedule_reports(p, today.year) for p in Permit.objects.filter(
            state__in=["valid", "renewing"], valid_from__lte=today))
        from envbureau.approvals import supervision

        found = supervision.scan(today)
        self.stdout.write(f"到期失效 {expired} 本;新生成执行报告 {created} 份;新增证后监管事项 {found} 项")
