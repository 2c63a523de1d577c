"""The process's long-lived state is frozen out of the cyclic collector after its first response (core
FreezeLongLivedMiddleware): full collections then walk only what requests made since, not the ~270k objects
of the loaded platform (the risk map's and the outfall map's p95 were such collections: 160 ms of CPU)."""

import gc
import weakref

import pytest

from envbureau.core.middleware import FreezeLongLivedMiddleware


class _Node:
    pass


@pytest.mark.django_db
def test_first_response_freezes_the_live_heap_once_and_no_garbage(client):
    gc.unfreeze()
    FreezeLongLivedMiddleware.done = False
    try:
        cycle = _Node()
        cycle.me = cycle  # cyclic garbage: only the collector can free it
        ref = weakref.ref(cycle)
        del cycle
        assert ref() is not None
        r = client.get("/healthz")
        assert r.status_code == 200
        frozen = gc.get_freeze_count()
        assert frozen > 10_000, frozen  # the platform's modules, URLconf, templates
        assert ref() is None  # collected before freezing: garbage is never frozen
        assert FreezeLongLivedMiddleware.done
        gc.unfreeze()
        client.get("/healthz")
        assert gc.get_freeze_count() == 0  # once per process, not on every request
    finally:
        FreezeLongLivedMiddleware.done = True
        gc.unfreeze()


def test_it_is_the_outermost_middleware(settings):
    assert settings.MIDDLEWARE[0] == "envbureau.core.middleware.FreezeLongLivedMiddleware"
