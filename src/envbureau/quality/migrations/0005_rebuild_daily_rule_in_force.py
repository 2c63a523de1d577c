"""Stored daily AQIs of days under HJ 633-2012 were computed with the HJ 633-2026 §5.3 missing-data
rule; recompute the derived air results once under the rule in force (no-op without raw data)."""

from django.db import migrations


def rebuild(apps, schema_editor):
    AirHourly = apps.get_model("quality", "AirHourly")
    if not AirHourly.objects.exists():
        return
    from envbureau.quality.derived import rebuild_all

    rebuild_all()


class Migration(migrations.Migration):

    dependencies = [
        ('quality', '0004_threshold_ordering'),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
