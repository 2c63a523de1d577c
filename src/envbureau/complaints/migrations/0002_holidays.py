"""Load the State Council holiday notices 2024-2026 (days off and make-up working days)."""

from django.db import migrations


def load(apps, schema_editor):
    from envbureau.complaints.holidays import load as load_rows

    load_rows(apps.get_model("complaints", "Holiday"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
