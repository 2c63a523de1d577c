"""envbureau incidents_watch: incidents whose initial report (初报) is past its hour limit are written on their
timeline and their people told, once each. Scheduled every 5 minutes (ENVBUREAU["JOBS"])."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "突发环境事件:初报超过时限的提示(每起一次)"

    def handle(self, *args, **o):
        from envbureau.approvals import emergency
        from envbureau.core.audit import audit_context

        with audit_context("system"):
            n = emergency.watch_incidents()
        self.stdout.write(f"初报超时提示 {n} 起")
