"""Fixtures of the quality tests: the real Beijing stations and a small slice of their hourly data
(taken from the project's own compressed copy, so no data from outside the repository is needed)."""

import pytest
from quality_helpers import SLICE_STATIONS, prsa_bytes, prsa_frame


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # the core demo users' password hashing dominates these tests otherwise
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def stations(demo_core):
    from envbureau.quality.demo_step import ensure_stations
    from envbureau.quality.models import AirStation

    ensure_stations(lambda m: None)
    return {s.name_en: s for s in AirStation.objects.all()}


@pytest.fixture
def raw_slice():
    return {st: prsa_frame(st) for st in SLICE_STATIONS}


@pytest.fixture
def beijing_slice(stations, raw_slice):
    from envbureau.quality.airdata import import_files

    files = [(f"PRSA_Data_{st}_slice.csv", prsa_bytes(df)) for st, df in raw_slice.items()]
    out = import_files(files, fmt="prsa")
    return out
