"""API tokens moved to knox, which stores only a digest: drop DRF's table of clear-text tokens."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_import_running"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
    ]
