from django.db import migrations

ADDED = ["sources.ack_alarm", "sources.close_alarm", "sources.approve_declaration"]


def grant(apps, schema_editor):
    """Existing databases: the built-in 执法人员 role gains what core/roles.py now gives it (declarations
    waited for a permission no built-in role held)."""
    Role = apps.get_model("core", "Role")
    for role in Role.objects.filter(code="enforcement_officer"):
        missing = [p for p in ADDED if p not in role.permissions]
        if missing:
            role.permissions = [*role.permissions, *missing]
            role.save(update_fields=["permissions"])


RENAMED = {  # open tasks: the permission now names the department's `change` as the alternative it always was
    ("quality.warning", "quality.handle"): "quality.handle|quality.change",
    ("sources.alarm", "sources.ack_alarm"): "sources.ack_alarm|sources.change",
    ("sources.alarm", "sources.close_alarm"): "sources.close_alarm|sources.change",
    ("sources.declaration", "sources.approve_declaration"): "sources.approve_declaration|sources.change",
}


def reroute(apps, schema_editor):
    Task = apps.get_model("core", "Task")
    for (model, old), new in RENAMED.items():
        Task.objects.filter(model=model, permission=old, is_open=True).update(permission=new)


class Migration(migrations.Migration):

    dependencies = [("core", "0009_task_lead")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop),
                  migrations.RunPython(reroute, migrations.RunPython.noop)]
