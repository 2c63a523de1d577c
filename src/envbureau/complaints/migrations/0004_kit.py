"""Complaints on the closed-loop kit: events become core.TimelineEvent rows, the free-text 承办单位 a
core.Unit, and the hand-kept holiday table gives way to core.deadlines (the chinese-calendar package):
days the package disagrees with are kept as core.CalendarDay overrides."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    ComplaintEvent = apps.get_model("complaints", "ComplaintEvent")
    Holiday = apps.get_model("complaints", "Holiday")
    TimelineEvent = apps.get_model("core", "TimelineEvent")
    CalendarDay = apps.get_model("core", "CalendarDay")
    Unit = apps.get_model("core", "Unit")

    jur = dict(Complaint.objects.values_list("pk", "jurisdiction_id"))
    batch = []
    for ev in ComplaintEvent.objects.order_by("pk").iterator():
        batch.append(TimelineEvent(
            model="complaints.complaint", object_id=str(ev.complaint_id), verb=ev.kind, from_state=ev.from_state,
            to_state=ev.to_state, actor_id=ev.actor_id, actor_name=ev.actor_name, time=ev.time, note=ev.note,
            data=ev.data or {}, jurisdiction_id=jur.get(ev.complaint_id)))
        if len(batch) >= 2000:
            TimelineEvent.objects.bulk_create(batch)
            batch = []
    TimelineEvent.objects.bulk_create(batch)

    units = {}
    for name in Complaint.objects.exclude(assignee_unit="").values_list("assignee_unit", flat=True).distinct():
        unit = Unit.objects.filter(name=name).order_by("pk").first() or Unit.objects.create(
            code=f"u-{uuid.uuid4().hex[:12]}", name=name[:200], kind="other")
        units[name] = unit.pk
    for name, pk in units.items():
        Complaint.objects.filter(assignee_unit=name).update(unit_id=pk)

    try:
        import chinese_calendar
    except ImportError:  # keep every row as an override when the package is missing
        chinese_calendar = None
    for h in Holiday.objects.all():
        if chinese_calendar is not None:
            try:
                if chinese_calendar.is_workday(h.date) == (h.kind == "workday"):
                    continue  # the package says the same
            except NotImplementedError:
                pass
        CalendarDay.objects.get_or_create(date=h.date, defaults={"kind": h.kind, "name": h.name, "source": h.source})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0007_kit"),
        ("complaints", "0003_mask_query_codes_in_audit"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint", name="unit",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="core.unit", verbose_name="承办单位"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="ComplaintEvent"),
        migrations.DeleteModel(name="Holiday"),
    ]
