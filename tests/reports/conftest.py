"""Fixtures of the reports tests: real Beijing air data for December 2015 and 2016 (the bulletin and its
year-on-year base) at five stations in three districts, from the project's own compressed copy."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "quality"))

STATIONS = ("Dongsi", "Tiantan", "Guanyuan", "Wanshouxigong", "Aotizhongxin")
MONTHS = ((2015, 12), (2016, 12))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def air(demo_core):
    from quality_helpers import prsa_bytes, prsa_frame

    from envbureau.quality.airdata import import_files
    from envbureau.quality.demo_step import ensure_stations

    ensure_stations(lambda m: None)
    files = [(f"PRSA_Data_{st}_slice.csv", prsa_bytes(prsa_frame(st, MONTHS))) for st in STATIONS]
    import_files(files, fmt="prsa")


@pytest.fixture
def signer(demo_core):
    """leader holds 报告签发人 city-wide (what the reports demo step gives)."""
    from envbureau.core.models import Role, RoleAssignment, User

    leader = User.objects.get(username="leader")
    RoleAssignment.objects.create(user=leader, role=Role.objects.get(code="report_signer"))
    return leader
