"""`undone()`: run a block whose database writes are rolled back after it (a savepoint inside the test's transaction).

Tables of rules (every verb × every state × every actor) need the same fresh record in each cell; creating one per cell
through its service (a ledger problem: ~40 ms with its code, timeline, tasks and audit) cost most of their time. Create
the record once and run each cell in `undone()`: every cell starts from the record as created, as before."""

from __future__ import annotations

import contextlib

from django.db import transaction


@contextlib.contextmanager
def undone(using: str = "default"):
    sid = transaction.savepoint(using=using)
    try:
        yield
    finally:
        transaction.savepoint_rollback(sid, using=using)
