"""Online-monitoring data captured on an inspection (frozen alarms and hourly values); the 现场检查(勘察)笔录 template
gains its line 在线监控数据 (a template the system shipped is followed by the current one as a new version; one the
bureau uploaded stays current)."""

from django.db import migrations, models


def template(apps, schema_editor):
    from django.conf import settings

    from envbureau.core.documents.registry import get_kind
    from envbureau.core.documents.services import refresh_shipped
    from envbureau.enforcement import documents  # noqa: F401  (registers the kinds)

    in_use = apps.get_model("core", "Jurisdiction").objects.filter(
        code=settings.ENVBUREAU.get("CITY_CODE", "")).exists()
    refresh_shipped([get_kind("enforcement.inspection_record")], type_model=apps.get_model("core", "DocumentType"),
                    template_model=apps.get_model("core", "DocumentTemplate"), create_missing=in_use)


class Migration(migrations.Migration):

    dependencies = [
        ('enforcement', '0014_clues'),
    ]

    operations = [
        migrations.AddField(
            model_name='inspectionevidence',
            name='data',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='调取的数据'),
        ),
        migrations.AlterField(
            model_name='inspectionevidence',
            name='kind',
            field=models.CharField(choices=[('photo', '现场照片'), ('sign_inspector', '执法人员签名'), ('sign_party', '当事人签名'), ('monitoring', '在线监控数据')], max_length=16, verbose_name='类型'),
        ),
        migrations.RunPython(template, migrations.RunPython.noop),
    ]
