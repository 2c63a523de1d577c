"""Fixtures of the portal tests: real Beijing air data (December 2016, two stations of 东城区) and the
synthetic water/noise demo, loaded as the demo loads them."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "quality"))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def published(demo_core):
    from quality_helpers import prsa_bytes, prsa_frame

    from envbureau.quality.airdata import import_files
    from envbureau.quality.demo_step import ensure_stations
    from envbureau.quality.demo_synthetic import load_synthetic

    ensure_stations(lambda m: None)
    files = [(f"PRSA_Data_{st}_slice.csv", prsa_bytes(prsa_frame(st, ((2016, 12),)))) for st in ("Dongsi", "Tiantan")]
    import_files(files, fmt="prsa")
    load_synthetic(lambda m: None)
