"""Transfers to the police become records of their own (several per case). Each case transferred before keeps its
transfer as one record: its kind and date, state 已批准移送 (nothing said the files were sent), the case's running
「移送案卷」 clock and any 案件移送书 already issued move to it; receiving authority and persons were not recorded then
and stay empty. The 案件移送书 template gains the authority, persons and reason (a template the system shipped is
followed by the current one as a new version; one the bureau uploaded stays current)."""

import django.db.models.deletion
from django.db import migrations, models


def copy_transfers(apps, schema_editor):
    Case = apps.get_model("enforcement", "Case")
    Transfer = apps.get_model("enforcement", "Transfer")
    Clock = apps.get_model("core", "Clock")
    IssuedDocument = apps.get_model("core", "IssuedDocument")
    for case in Case.objects.exclude(transfer_kind="").exclude(transferred_on__isnull=True).order_by("pk"):
        t = Transfer.objects.create(code=f"{case.code}-YS1", case_id=case.pk, kind=case.transfer_kind,
                                    enterprise_id=case.enterprise_id, party=case.party,
                                    jurisdiction_id=case.jurisdiction_id, transferred_on=case.transferred_on)
        Clock.objects.filter(model="enforcement.case", object_id=str(case.pk), key="transfer").update(
            model="enforcement.transfer", object_id=str(t.pk))
        IssuedDocument.objects.filter(doc_type__code="enforcement.case_transfer", object_model="enforcement.case",
                                      object_id=case.pk).update(object_model="enforcement.transfer", object_id=t.pk)


def template(apps, schema_editor):
    from django.conf import settings

    from envbureau.core.documents.registry import get_kind
    from envbureau.core.documents.services import refresh_shipped
    from envbureau.enforcement import documents  # noqa: F401  (registers the kinds)

    in_use = apps.get_model("core", "Jurisdiction").objects.filter(
        code=settings.ENVBUREAU.get("CITY_CODE", "")).exists()
    refresh_shipped([get_kind("enforcement.case_transfer")], type_model=apps.get_model("core", "DocumentType"),
                    template_model=apps.get_model("core", "DocumentTemplate"), create_missing=in_use)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0012_notification_facts'),
        ('enforcement', '0012_credit_repair_publicity'),
    ]

    operations = [
        migrations.CreateModel(
            name='Transfer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=40, unique=True, verbose_name='移送编号')),
                ('kind', models.CharField(choices=[('detention', '移送公安(行政拘留)'), ('crime', '移送公安(涉嫌犯罪)')], max_length=12, verbose_name='移送类型')),
                ('enterprise_id', models.BigIntegerField(verbose_name='企业ID')),
                ('party', models.CharField(max_length=200, verbose_name='当事人')),
                ('state', models.CharField(choices=[('approved', '已批准移送'), ('sent', '已移送'), ('concluded', '已办结')], default='approved', max_length=10, verbose_name='状态')),
                ('transferred_on', models.DateField(help_text='负责人批准移送的日期,移送时限由此起算', verbose_name='移送决定日期')),
                ('authority', models.CharField(blank=True, help_text='如某市公安局某分局', max_length=200, verbose_name='接收机关')),
                ('persons', models.TextField(blank=True, help_text='直接负责的主管人员和其他直接责任人员,每行一人', verbose_name='涉案人员')),
                ('reason', models.TextField(blank=True, verbose_name='移送理由')),
                ('sent_on', models.DateField(blank=True, null=True, verbose_name='案卷移送日期')),
                ('sent_late', models.BooleanField(default=False, verbose_name='超期移送')),
                ('outcome', models.CharField(blank=True, choices=[('detained', '决定行政拘留'), ('not_detained', '决定不予行政拘留'), ('prosecuted', '立案侦查'), ('not_prosecuted', '不予立案'), ('returned', '不予受理,退回案卷')], max_length=16, verbose_name='公安机关处理结果')),
                ('outcome_on', models.DateField(blank=True, null=True, verbose_name='处理结果日期')),
                ('detained', models.BooleanField(blank=True, null=True, verbose_name='行政拘留')),
                ('detention_days', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='拘留天数')),
                ('outcome_note', models.TextField(blank=True, verbose_name='处理结果说明')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfers', to='enforcement.case', verbose_name='所属案件')),
                ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.jurisdiction', verbose_name='属地')),
            ],
            options={
                'verbose_name': '移送公安',
                'verbose_name_plural': '移送公安',
                'ordering': ['-transferred_on', '-id'],
            },
        ),
        migrations.RunPython(copy_transfers, migrations.RunPython.noop),
        migrations.RunPython(template, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='case',
            name='transfer_kind',
        ),
        migrations.RemoveField(
            model_name='case',
            name='transferred_on',
        ),
    ]
