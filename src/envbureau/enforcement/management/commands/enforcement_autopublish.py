"""envbureau enforcement_autopublish [--date YYYY-MM-DD] [--dry-run]: publish inspection results and final
penalty decisions and seizure decisions whose automatic publication day has come (config auto_publish_*)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "自动公开:已检查的检查结果、已送达(生效)的行政处罚决定、查封扣押决定,按配置的工作日延迟,最迟在应公开日"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按此日期判断(默认今天)")
        parser.add_argument("--dry-run", action="store_true", help="只列出,不公开")

    def handle(self, *args, **o):
        from envbureau.core.audit import audit_context
        from envbureau.enforcement import autopublish

        try:
            today = dt.date.fromisoformat(o["date"]) if o.get("date") else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date 应为 YYYY-MM-DD:{o['date']}") from None
        with audit_context("system"):
            out = autopublish.run(today, dry_run=o["dry_run"])
        verb = "将公开" if o["dry_run"] else "已公开"
        self.stdout.write(f"{verb}检查结果 {len(out['inspections'])} 条,行政处罚决定 {len(out['penalties'])} 件,"
                          f"查封、扣押决定 {len(out['seizures'])} 件")
        for code in out["inspections"] + out["penalties"] + out["seizures"]:
            self.stdout.write(f"  {code}")
