"""Daily scan of the waste module: storage past its limit, operators past their licensed capacity,
licences near expiry and declarations owed, each as a kit alert/task (re-runs add nothing)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from envbureau.core.audit import audit_context


class Command(BaseCommand):
    help = "危废预警扫描:贮存超期、超许可能力、许可证到期、应申报 / hazardous-waste scan"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期扫描 (YYYY-MM-DD),默认今天")

    def handle(self, *args, date=None, **opts):
        from envbureau.waste import services

        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date: {date!r} 不是 YYYY-MM-DD 格式的日期") from None
        with audit_context("system"):
            found = services.scan(day)
        self.stdout.write("新增预警:贮存超期 %(storage)s、超许可能力 %(capacity)s、许可证到期 %(licence)s;"
                          "新增应申报 %(declarations)s" % found)
