"""Audit entries written before query codes were masked kept them in clear text: mask them."""

from django.db import migrations


def mask(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")  # historical model: its plain manager may update
    for pk, changes in AuditEntry.objects.filter(model="complaints.complaint").values_list("pk", "changes").iterator():
        if not isinstance(changes, dict) or "query_code" not in changes:
            continue
        value = changes["query_code"]
        changes["query_code"] = ["***" if v else v for v in value] if isinstance(value, list) else "***"
        AuditEntry.objects.filter(pk=pk).update(changes=changes)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_holidays"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(mask, migrations.RunPython.noop)]
