# A side task (a state beginning with "+") keeps its action as the facts of its sentence (core.texts) beside the
# Chinese wording, so that each reader reads it in their language. Rows opened before: the projects' monthly
# report tasks (the one side task whose action is a formatted sentence) get their facts back from the Chinese
# text they stored; every other row keeps no facts and is read through the catalogue as before.

import re

from django.db import migrations, models

MONTHLY = "填报%(y)s年%(m)s月项目进展"  # frozen copy of projects.services' msgid
MONTHLY_RX = re.compile(r"^填报(\d{4})年(\d{1,2})月项目进展$")


def facts_of(action: str) -> dict:
    m = MONTHLY_RX.match(action or "")
    return {"text": MONTHLY, "args": {"y": int(m[1]), "m": int(m[2])}} if m else {}


def forwards(apps, schema_editor):
    Task = apps.get_model("core", "Task")
    batch = []
    for t in Task.objects.filter(model="projects.project", state__startswith="+report-").only("pk", "action") \
            .iterator(chunk_size=2000):
        facts = facts_of(t.action)
        if facts:
            t.facts = facts
            batch.append(t)
        if len(batch) >= 2000:
            Task.objects.bulk_update(batch, ["facts"])
            batch = []
    if batch:
        Task.objects.bulk_update(batch, ["facts"])


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0012_notification_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="facts",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="待办事项事实"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
