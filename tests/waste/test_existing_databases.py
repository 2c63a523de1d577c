"""A database made before the transporter accounts: its 企业用户 role gains waste.carry with `migrate`, once."""

import importlib

from django.apps import apps
from django.db.migrations.recorder import MigrationRecorder

from envbureau.core.models import Role

MIGRATION = importlib.import_module("envbureau.waste.migrations.0006_existing_databases")


def test_migration_is_applied_by_migrate(db):
    assert MigrationRecorder.Migration.objects.filter(app="waste", name="0006_existing_databases").exists()


def test_an_old_enterprise_role_gains_carry_once_and_keeps_the_rest(demo_core):
    role = Role.objects.get(code="enterprise")
    before = [p for p in role.permissions if p != "waste.carry"]
    role.permissions = before
    role.save(update_fields=["permissions"])
    Role.objects.create(code="custom_ent", name="自定义企业角色", kind="enterprise", permissions=["waste.view"])

    MIGRATION.grant(apps, None)
    MIGRATION.grant(apps, None)  # again: nothing more

    role.refresh_from_db()
    assert role.permissions == [*before, "waste.carry"]
    # only the built-in role: a bureau's own role is left as the admin made it
    assert Role.objects.get(code="custom_ent").permissions == ["waste.view"]
