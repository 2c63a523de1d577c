"""Issue 17: the hourly table keeps only the indexes its reads use. Every read of hourly values names its stations
(derived rebuilds, warning scans, reviews, the latest hour) and is served by the unique (station, time) index; the
index on time alone and the foreign key's own index on station_id were written on every imported hour and read by
nothing (together more than half of the SQLite insert of a month of 600 stations).

The foreign key's index is dropped by name as introspected (its name carries a hash) instead of through AlterField,
which on SQLite would copy the whole table (years of hourly rows) to change nothing but the index."""

import django.db.models.deletion
from django.db import migrations, models


def drop_station_index(apps, schema_editor):
    model = apps.get_model("quality", "AirHourly")
    conn = schema_editor.connection
    table = model._meta.db_table
    with conn.cursor() as cur:
        found = conn.introspection.get_constraints(cur, table)
    for name, info in found.items():
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == ["station_id"]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def add_station_index(apps, schema_editor):
    schema_editor.execute('CREATE INDEX "quality_airhourly_station_id_01bdbf81" ON "quality_airhourly" ("station_id")')


class Migration(migrations.Migration):

    dependencies = [
        ("quality", "0018_page_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="airhourly",
            name="quality_airhourly_time",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name="airhourly",
                name="station",
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                        related_name="hourly", to="quality.airstation", verbose_name="站点"),
            )],
            database_operations=[migrations.RunPython(drop_station_index, add_station_index)],
        ),
    ]
