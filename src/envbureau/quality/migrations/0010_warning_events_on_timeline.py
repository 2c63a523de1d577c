# Warnings keep their history on core's timeline (core.workflow): copy every WarningEvent there, then drop it.

from django.db import migrations

VERBS = {"open": "open", "acknowledged": "acknowledge", "closed": "close"}
STATES = {"open": "open", "acknowledged": "acknowledged", "closed": "closed"}


def copy_events(apps, schema_editor):
    WarningEvent = apps.get_model("quality", "WarningEvent")
    TimelineEvent = apps.get_model("core", "TimelineEvent")
    rows, prev = [], {}
    for e in WarningEvent.objects.select_related("warning", "actor").order_by("warning_id", "time", "id").iterator():
        to = STATES.get(e.action, "")
        actor = e.actor
        rows.append(TimelineEvent(
            model="quality.warning", object_id=str(e.warning_id), verb=VERBS.get(e.action, e.action),
            from_state=prev.get(e.warning_id, ""), to_state=to, actor_id=e.actor_id,
            actor_name=(actor.display_name or actor.username) if actor else "系统", time=e.time, note=e.note,
            jurisdiction_id=e.warning.jurisdiction_id))
        prev[e.warning_id] = to or prev.get(e.warning_id, "")
        if len(rows) >= 1000:
            TimelineEvent.objects.bulk_create(rows)
            rows = []
    TimelineEvent.objects.bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ('quality', '0009_drinking_source_level'),
        ('core', '0007_kit'),
    ]

    operations = [
        migrations.RunPython(copy_events, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='WarningEvent',
        ),
    ]
