from django.core.management.base import BaseCommand
from django.utils import timezone

from envbureau.complaints.filters import ComplaintFilter
from envbureau.complaints.models import Complaint


class Command(BaseCommand):
    help = "List complaints past their acceptance or finishing deadline (for a daily scheduled job)."

    def handle(self, *args, **opts):
        qs = ComplaintFilter({"overdue": True}, queryset=Complaint.objects.select_related("jurisdiction")).qs
        n = 0
        for c in qs.order_by("finish_due")[:1000]:
            n += 1
            due = c.accept_due if c.state == "registered" else c.finish_due
            self.stdout.write(f"{c.number}\t{c.jurisdiction.name}\t{c.get_state_display()}\t{due}\t{c.title}")
        self.stdout.write(self.style.WARNING(f"{n} overdue on {timezone.localdate()}"))
