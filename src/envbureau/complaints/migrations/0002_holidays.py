"""Once loaded the State Council holiday notices 2024-2026 into complaints.Holiday; the platform's calendar
now comes from the chinese-calendar package (core.deadlines), and 0004 drops the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
