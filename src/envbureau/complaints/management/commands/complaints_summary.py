from django.core.management.base import BaseCommand

from envbureau.complaints import statistics


class Command(BaseCommand):
    help = "Rebuild the complaints monthly summary table from the complaints (after bulk loads)."

    def handle(self, *args, **opts):
        n = statistics.rebuild(progress=lambda m: self.stdout.write(f"  {m:%Y-%m}"))
        self.stdout.write(self.style.SUCCESS(f"{n} summary rows"))
