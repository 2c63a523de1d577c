"""envbureau measures_watch: seizures taken on the spot in an emergency whose head's approval is past its 24-hour
limit (Order No. 29 art. 13) are written on their timeline and their people told, once each. Scheduled every
5 minutes (ENVBUREAU["JOBS"])."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "当场实施的查封、扣押:超过24小时未补办负责人批准的提示(每件一次)"

    def handle(self, *args, **o):
        from envbureau.core.audit import audit_context
        from envbureau.enforcement import measures

        with audit_context("system"):
            n = measures.watch()
        self.stdout.write(f"补办批准超时提示 {n} 件")
