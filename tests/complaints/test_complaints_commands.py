"""complaints_overdue and complaints_summary as the scheduled job and an operator run them."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from envbureau.complaints.models import Complaint


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_complaints_overdue_lists_only_those_past_their_day(make_complaint):
    today = timezone.localdate()
    rows = {}
    for name, state, due in (("late", "accepted", today - dt.timedelta(days=1)), ("due_today", "accepted", today),
                             ("late_registration", "registered", today - dt.timedelta(days=1)),
                             ("finished_late", "replied", today - dt.timedelta(days=3))):
        c = make_complaint(title=name)
        field = "accept_due" if state == "registered" else "finish_due"
        Complaint.objects.filter(pk=c.pk).update(state=state, **{field: due})
        rows[name] = Complaint.objects.get(pk=c.pk)
    out = run("complaints_overdue")
    lines = out.strip().splitlines()
    listed = {line.split("\t")[0] for line in lines[:-1]}
    assert listed == {rows["late"].number, rows["late_registration"].number}
    assert lines[-1] == f"2 overdue on {today}"
    late = next(line for line in lines if line.startswith(rows["late"].number)).split("\t")
    assert late[1] == rows["late"].jurisdiction.name
    assert late[3] == str(today - dt.timedelta(days=1)) and late[4] == "late"


def test_complaints_summary_rebuilds_the_monthly_table(make_complaint, aware):
    from envbureau.complaints.models import MonthlySummary

    for month in (1, 1, 3):
        make_complaint(received_at=aware(2025, month, 10))
    MonthlySummary.objects.all().delete()
    out = run("complaints_summary")
    n = MonthlySummary.objects.count()
    assert n >= 2 and out.strip().endswith(f"{n} summary rows")
    assert "2025-01" in out and "2025-03" in out
    by_month = {}
    for row in MonthlySummary.objects.all():
        by_month[row.month] = by_month.get(row.month, 0) + row.received
    assert by_month == {dt.date(2025, 1, 1): 2, dt.date(2025, 3, 1): 1}
    assert run("complaints_summary").strip().endswith(f"{n} summary rows")  # idempotent
