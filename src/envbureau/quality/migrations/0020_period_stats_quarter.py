"""AirPeriodStat keeps quarters too (issue 17: the all-city street ranking of a quarter read every day of the
quarter, its previous quarter and the same quarter last year); store the quarters of the days already derived."""

from django.db import migrations, models


def store_quarters(apps, schema_editor):
    CityDaily = apps.get_model("quality", "CityDaily")
    if not CityDaily.objects.exists():
        return
    import datetime as dt

    from django.db.models import Max, Min

    from envbureau.quality.derived import rebuild_period_stats

    span = CityDaily.objects.aggregate(a=Min("date"), b=Max("date"))
    ids = sorted(set(CityDaily.objects.values_list("jurisdiction_id", flat=True).distinct()))
    epoch = dt.date(1970, 1, 1)
    rebuild_period_stats(ids, (span["a"] - epoch).days, (span["b"] - epoch).days)


class Migration(migrations.Migration):

    dependencies = [
        ('quality', '0019_hourly_write_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='airperiodstat',
            name='period',
            field=models.CharField(choices=[('month', '月'), ('quarter', '季度'), ('year', '年')], max_length=8, verbose_name='周期'),
        ),
        migrations.RunPython(store_quarters, migrations.RunPython.noop),
    ]
