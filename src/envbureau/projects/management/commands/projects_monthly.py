"""Open last month's (or --month YYYY-MM) progress-report tasks of projects under way (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from envbureau.projects import services


class Command(BaseCommand):
    help = "Open the monthly progress-report tasks of projects under way (one per project and month)"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: last month)")

    def handle(self, *args, **opts):
        from django.core.exceptions import ValidationError

        month = None
        if opts.get("month"):
            try:
                month = services.parse_month(opts["month"])
            except ValidationError as exc:
                raise CommandError("--month: " + "; ".join(exc.messages)) from None
        n = services.open_monthly_reports(month)
        self.stdout.write(f"opened {n} report task(s)")
