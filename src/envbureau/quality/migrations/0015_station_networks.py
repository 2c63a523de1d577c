"""Station networks per level and purpose (issue 17). The one flag "counts in city assessment" governed the
city, district and street results together: its stations become the members of the official city
network, the district network and the street ranking network alike (no dates), so every stored result
stays exactly as it was; the bureau then edits each network on its own. Nothing to do on an empty database."""

from django.db import migrations, models

NETWORKS = (("city", "城市空气质量评价网络", "HJ 663-2013 及省有关规定"),
            ("district", "区县空气质量评价网络", "HJ 663-2013 及省有关规定"),
            ("ranking", "街道(网格)排名网络", "本市街道空气质量排名办法"))


def flag_to_networks(apps, schema_editor):
    AirStation = apps.get_model("quality", "AirStation")
    StationNetwork = apps.get_model("quality", "StationNetwork")
    if not AirStation.objects.exists():
        return
    members = list(AirStation.objects.filter(counts_in_city_assessment=True).values_list("pk", flat=True))
    from envbureau.core import audit

    with audit.audit_context("system", note="counts_in_city_assessment → networks"):  # the signals write the entries
        for purpose, name, basis in NETWORKS:
            net = StationNetwork.objects.create(purpose=purpose, name=name, basis=basis,
                                                note="由站点“参与城市评价”标记迁移")
            net.stations.add(*members)


def networks_to_flag(apps, schema_editor):
    AirStation = apps.get_model("quality", "AirStation")
    StationNetwork = apps.get_model("quality", "StationNetwork")
    official = set(StationNetwork.stations.through.objects.filter(stationnetwork__purpose="city")
                   .values_list("airstation_id", flat=True))
    AirStation.objects.exclude(pk__in=official).update(counts_in_city_assessment=False)


class Migration(migrations.Migration):

    dependencies = [
        ('quality', '0014_flagged_hours_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='StationNetwork',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(choices=[('city', '城市评价(官方)'), ('district', '区县评价'), ('ranking', '街道(网格)排名')], max_length=12, verbose_name='用途')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('version', models.CharField(blank=True, help_text='如 2025版', max_length=40, verbose_name='版本')),
                ('valid_from', models.DateField(blank=True, help_text='留空表示自有数据起', null=True, verbose_name='生效日期')),
                ('valid_to', models.DateField(blank=True, help_text='留空表示仍然有效', null=True, verbose_name='失效日期(含)')),
                ('basis', models.CharField(blank=True, help_text='如 HJ 663-2013 及省有关规定', max_length=200, verbose_name='依据')),
                ('note', models.TextField(blank=True, verbose_name='备注')),
                ('stations', models.ManyToManyField(blank=True, related_name='networks', to='quality.airstation', verbose_name='站点')),
            ],
            options={
                'verbose_name': '站点评价网络',
                'verbose_name_plural': '站点评价网络',
                'ordering': ['purpose', 'valid_from', 'id'],
            },
        ),
        migrations.RunPython(flag_to_networks, networks_to_flag),
        migrations.RemoveField(
            model_name='airstation',
            name='counts_in_city_assessment',
        ),
    ]
