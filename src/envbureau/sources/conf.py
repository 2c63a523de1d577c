"""Settings of the sources app, read from settings.ENVBUREAU (or environment variables) with defaults."""

from __future__ import annotations

import os

from django.conf import settings

DEFAULTS = {
    # A point with no data for this long is offline and gets a data-absence alarm (per point overridable).
    "SOURCES_ABSENCE_MINUTES": 120,
    # This many consecutive identical hourly averages of a factor make a flat-line alarm.
    "SOURCES_FLATLINE_HOURS": 6,
    # A declaration may start at most this many hours before it is submitted (no back-dating beyond).
    "SOURCES_DECLARATION_BACKDATE_HOURS": 72,
    # A day computed from hourly rows is judged against daily limits only with this many hours
    # (our working assumption, after the 20-hour rule of HJ 75 for CEMS; no national rule found [M]).
    "SOURCES_DAILY_MIN_HOURS": 20,
    # ...and may not last longer than this many days.
    "SOURCES_DECLARATION_MAX_DAYS": 90,
}


def get(name: str):
    conf = getattr(settings, "ENVBUREAU", {}) or {}
    if name in conf:
        return conf[name]
    env = os.environ.get(f"ENVBUREAU_{name}")
    if env is not None:
        return type(DEFAULTS[name])(env)
    return DEFAULTS[name]
