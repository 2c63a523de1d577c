"""Existing databases: the enforcement documents' templates and the enterprise role's right to apply for credit
repair, so a database made before these shipped works without anyone re-uploading or re-editing anything.
Runs once with `envbureau migrate`; each step is idempotent (it adds only what is missing or outdated)."""

from django.db import migrations

ENTERPRISE_ADDED = ["enforcement.repair_apply"]


def enforcement_kinds():
    from envbureau.core.documents.registry import kinds
    from envbureau.enforcement import documents  # noqa: F401  (registers the kinds)

    return [k for k in kinds() if k.code.startswith("enforcement.")]


def templates(apps, schema_editor):
    """Each enforcement document kind gets its settings row and the template shipped now; a template the system
    shipped earlier is followed by the current one as a new version (a user's own upload stays current)."""
    from django.conf import settings

    from envbureau.core.documents.services import refresh_shipped

    # A new, empty database has no city yet: its kinds are created on first use with the city's name as the
    # signing unit (services.type_for), so only a database already in use gets the missing rows here.
    in_use = apps.get_model("core", "Jurisdiction").objects.filter(
        code=settings.ENVBUREAU.get("CITY_CODE", "")).exists()
    refresh_shipped(enforcement_kinds(), type_model=apps.get_model("core", "DocumentType"),
                    template_model=apps.get_model("core", "DocumentTemplate"), create_missing=in_use)


def grant(apps, schema_editor):
    """The built-in 企业用户 role gains enforcement.repair_apply (core/roles.py gives it to new databases)."""
    from envbureau.core.roles import grant_builtin

    grant_builtin(apps, "enterprise", ENTERPRISE_ADDED)


class Migration(migrations.Migration):

    dependencies = [("enforcement", "0008_measure_on_the_spot_disposal"), ("core", "0011_task_follow_idx")]

    operations = [migrations.RunPython(templates, migrations.RunPython.noop),
                  migrations.RunPython(grant, migrations.RunPython.noop)]
