"""Existing databases: the built-in 企业用户 role gains waste.carry (a transport company's users confirm pickup and
handover of the manifests they carry), as core/roles.py gives new databases. Idempotent."""

from django.db import migrations

ENTERPRISE_ADDED = ["waste.carry"]


def grant(apps, schema_editor):
    from envbureau.core.roles import grant_builtin

    grant_builtin(apps, "enterprise", ENTERPRISE_ADDED)


class Migration(migrations.Migration):

    dependencies = [("waste", "0005_manifest_reconciliation_indexes"), ("core", "0011_task_follow_idx")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
