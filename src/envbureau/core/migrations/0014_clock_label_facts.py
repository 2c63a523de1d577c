# A clock's label written by a rule (an EIA's 审批时限(法定时限)) keeps the facts of its sentence beside the Chinese
# wording (core.texts), so that pages and the timeline word it per reader; fixed labels keep none.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0013_task_action_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="clock",
            name="facts",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="名称事实"),
        ),
    ]
