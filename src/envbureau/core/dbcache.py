"""A per-process cache of values read from the database, safe across transactions and processes.

Used for small tables read on every call (holiday overrides, complaint routing boundaries). A change
inside a transaction may still roll back, so until it commits the values are read fresh, not cached: a
rollback leaves them uncached rather than stale. Each request starts from the database, because another
worker process may have changed the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction


class CommittedCache:
    def __init__(self) -> None:
        self._data: dict[str, Any] = {}
        self._uncommitted = False

    def get(self, key: str, build: Callable[[], Any]) -> Any:
        if self._uncommitted and not transaction.get_connection().in_atomic_block:
            self._committed()  # the changing transaction ended without commit (a rollback): the table is as cached before
        if key in self._data:
            return self._data[key]
        value = build()
        if not self._uncommitted:
            self._data[key] = value
        return value

    def invalidate(self, **kwargs) -> None:
        """The table changed (a post_save/post_delete receiver)."""
        self._data.clear()
        if transaction.get_connection().in_atomic_block:
            self._uncommitted = True
            transaction.on_commit(self._committed)

    def _committed(self) -> None:
        self._data.clear()
        self._uncommitted = False

    def clear(self, **kwargs) -> None:
        """A request starts (a request_started receiver)."""
        if not self._uncommitted:
            self._data.clear()

    def watch(self, model: type[models.Model], uid: str) -> None:
        """Invalidate on every save or delete of `model`, and start each request from the database."""
        from django.core.signals import request_started
        from django.db.models.signals import post_delete, post_save

        post_save.connect(self.invalidate, sender=model, dispatch_uid=f"{uid}_save")
        post_delete.connect(self.invalidate, sender=model, dispatch_uid=f"{uid}_delete")
        request_started.connect(self.clear, dispatch_uid=f"{uid}_request")
