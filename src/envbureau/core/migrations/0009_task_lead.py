from django.db import migrations, models
from django.db.models import Count, Min


def mark_followers(apps, schema_editor):
    """Open steps opened as several rows (unit + permission) before: all but the first are followers."""
    Task = apps.get_model("core", "Task")
    steps = (Task.objects.filter(is_open=True).values("model", "object_id", "state")
             .annotate(first=Min("id"), n=Count("id")).filter(n__gt=1).order_by())
    for s in steps.iterator():
        (Task.objects.filter(is_open=True, model=s["model"], object_id=s["object_id"], state=s["state"],
                             id__gt=s["first"]).update(lead=False))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_task_paths'),
    ]

    operations = [
        migrations.AddField(
            model_name='task',
            name='lead',
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.RunPython(mark_followers, migrations.RunPython.noop),
    ]
