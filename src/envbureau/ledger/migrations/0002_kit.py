"""The ledger on the closed-loop kit: its events become core.TimelineEvent rows, its notifications
core.Notification rows, its responsible units core.Unit rows; ProblemEvent and ledger.Notification go."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

VERB_WORDS = {}  # labels are resolved at display time from the workflow; nothing to store


def forwards(apps, schema_editor):
    Problem = apps.get_model("ledger", "Problem")
    ProblemEvent = apps.get_model("ledger", "ProblemEvent")
    Attachment = apps.get_model("ledger", "Attachment")
    SignOff = apps.get_model("ledger", "SignOff")
    LedgerNotification = apps.get_model("ledger", "Notification")
    TimelineEvent = apps.get_model("core", "TimelineEvent")
    Notification = apps.get_model("core", "Notification")
    Unit = apps.get_model("core", "Unit")

    jur = dict(Problem.objects.values_list("pk", "jurisdiction_id"))
    files = {}
    for a in Attachment.objects.exclude(event_id=None).order_by("pk"):
        files.setdefault(a.event_id, []).append(
            {"id": a.pk, "name": a.name, "size": a.size, "sha256": a.sha256, "url": f"/ledger/attachments/{a.pk}/"})
    mapping = {}
    for ev in ProblemEvent.objects.order_by("pk").iterator():
        new = TimelineEvent.objects.create(
            model="ledger.problem", object_id=str(ev.problem_id), verb=ev.verb, from_state=ev.from_state,
            to_state=ev.to_state, actor_id=ev.actor_id, actor_name=ev.actor_name, time=ev.time, note=ev.note,
            step=ev.step_name, data=ev.data or {}, attachments=files.get(ev.pk, []),
            jurisdiction_id=jur.get(ev.problem_id))
        mapping[ev.pk] = new.pk
    for a in Attachment.objects.exclude(event_id=None):
        Attachment.objects.filter(pk=a.pk).update(timeline_event_id=mapping.get(a.event_id))
    for s in SignOff.objects.exclude(event_id=None):
        SignOff.objects.filter(pk=s.pk).update(timeline_event_id=mapping.get(s.event_id))
    for n in LedgerNotification.objects.order_by("pk").iterator():
        Notification.objects.get_or_create(
            recipient_id=n.recipient_id, key=f"ledger-{n.problem_id}-{n.kind}-{n.key}"[:150],
            defaults=dict(kind=n.kind, message=n.message, url=f"/ledger/problems/{n.problem_id}/",
                          model="ledger.problem", object_id=str(n.problem_id), created=n.created,
                          read_at=n.read_at, emailed_at=n.emailed_at))
    units = {}
    for p in Problem.objects.exclude(responsible_units=[]).iterator():
        linked = []
        for name in p.responsible_units or []:
            name = str(name).strip()[:200]
            if not name:
                continue
            if name not in units:
                unit = Unit.objects.filter(name=name).order_by("pk").first() or Unit.objects.create(
                    code=f"u-{uuid.uuid4().hex[:12]}", name=name, kind="other", jurisdiction_id=p.jurisdiction_id)
                units[name] = unit.pk
            linked.append(units[name])
        p.units.set(linked)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0007_kit"),
        ("ledger", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="problem", name="units",
            field=models.ManyToManyField(blank=True, related_name="+", to="core.unit", verbose_name="责任单位"),
        ),
        migrations.AddField(
            model_name="attachment", name="timeline_event",
            field=models.ForeignKey(null=True, blank=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="core.timelineevent"),
        ),
        migrations.AddField(
            model_name="signoff", name="timeline_event",
            field=models.ForeignKey(null=True, blank=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="core.timelineevent"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="attachment", name="event"),
        migrations.RemoveField(model_name="signoff", name="event"),
        migrations.RenameField(model_name="attachment", old_name="timeline_event", new_name="event"),
        migrations.RenameField(model_name="signoff", old_name="timeline_event", new_name="event"),
        migrations.AlterField(
            model_name="attachment", name="event",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="core.timelineevent", verbose_name="处理记录"),
        ),
        migrations.DeleteModel(name="Notification"),
        migrations.DeleteModel(name="ProblemEvent"),
    ]
