"""Bulk insert of model instances for imports of tens of thousands of rows: one COPY (PostgreSQL) or batched
executemany (SQLite) instead of bulk_create, whose SQL compiler prepares every value of every row through the
field API (at 100,000 manifests that is most of the import's time) and on SQLite cuts the rows into batches of
999 parameters.

Values are converted once per column with the field's own database preparation where the field needs one
(decimals, JSON, times) and passed through where the driver takes the Python value as it is (text, numbers,
booleans, foreign keys, dates). Instances get their primary keys back through a unique field (``key``). Call it
inside the import's transaction: the insert is all or nothing with it. No signals are sent (as bulk_create)."""

from __future__ import annotations

import datetime as dt
import decimal

from django.db import connection, models

BATCH = 5000
# field types whose Python value the drivers store exactly as Django would (sqlite3 and psycopg both)
_PASS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey,
         models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField)


def _converter(field):
    if isinstance(field, _PASS) and not isinstance(field, models.JSONField):
        return None
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":
            return lambda v: v.isoformat() if isinstance(v, dt.date) else v
        return None
    if isinstance(field, models.DecimalField):
        # a Decimal goes to the driver as it is (what DecimalField's preparation hands it, unquantized)
        return lambda v, f=field: v if isinstance(v, decimal.Decimal) else f.get_db_prep_save(v, connection)
    return lambda v, f=field: f.get_db_prep_save(v, connection)


def insert_objects(model, objs: list, *, key: str) -> None:
    """Insert ``objs`` (unsaved instances of ``model``) and set their primary keys from the unique field ``key``.
    pre_save runs per field (auto_now and defaults as in save())."""
    if not objs:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for o in objs:
                f.pre_save(o, add=True)
    convs = [_converter(f) for f in fields]
    attnames = [f.attname for f in fields]
    cols = [f.column for f in fields]
    table = meta.db_table
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        for i in range(0, len(objs), BATCH):
            part = objs[i:i + BATCH]
            columns = []
            for a, c in zip(attnames, convs):
                vals = [getattr(o, a) for o in part]
                columns.append(vals if c is None else [None if v is None else c(v) for v in vals])
            rows = list(zip(*columns))
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {q(table)} ({', '.join(q(c) for c in cols)}) FROM STDIN") as cp:
                    for r in rows:
                        cp.write_row(r)
            else:
                cur.executemany(f"INSERT INTO {q(table)} ({', '.join(q(c) for c in cols)}) "
                                f"VALUES ({', '.join(['%s'] * len(cols))})", rows)
        # the primary keys, by the unique key
        kf = meta.get_field(key)
        by_key = {getattr(o, kf.attname): o for o in objs}
        keys = list(by_key)
        for i in range(0, len(keys), 900):
            part = keys[i:i + 900]
            cur.execute(f"SELECT {q(meta.pk.column)}, {q(kf.column)} FROM {q(table)} "
                        f"WHERE {q(kf.column)} IN ({', '.join(['%s'] * len(part))})", part)
            for pk, k in cur.fetchall():
                o = by_key[k]
                o.pk = pk
                o._state.adding = False
                o._state.db = connection.alias
