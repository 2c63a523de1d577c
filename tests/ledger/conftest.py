"""Ledger test actors with explicit permission lists (not the built-in roles, so the tests state what they rely on)."""

import datetime as dt

import pytest
from ledger_actors import ACTORS


@pytest.fixture
def actors(demo_core):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    out = {}
    for name, (perms, jcode, ent) in ACTORS.items():
        kind = "enterprise" if ent else ("officer" if jcode else "staff")
        role = Role.objects.create(code=f"t_{name}", name=f"test {name}", kind=kind, permissions=perms)
        u = User.objects.create(username=f"t_{name}", display_name=f"测试{name}", email=f"{name}@example.org")
        RoleAssignment.objects.create(user=u, role=role, enterprise_id=ent,
                                      jurisdiction=Jurisdiction.objects.get(code=jcode) if jcode else None)
        out[name] = u
    return out


@pytest.fixture
def chain(db):
    """区级验收 → 市级复核 for every source."""
    from envbureau.ledger.models import SignOffChain, SignOffStep

    c = SignOffChain.objects.create(name="默认验收链", source="")
    SignOffStep.objects.create(chain=c, order=1, name="区级验收", level="district")
    SignOffStep.objects.create(chain=c, order=2, name="市级复核", level="city")
    return c


@pytest.fixture
def make_problem(demo_core):
    from envbureau.ledger import services

    def make(jurisdiction="110101001000", **kw):
        fields = dict(source="central_oversight", batch="中央第四生态环境保护督察组 第3批", category="air",
                      title="餐饮油烟扰民", description="油烟直排", jurisdiction=jurisdiction, enterprise_id=7,
                      responsible_units=["东城区生态环境局", "东华门街道办事处"], responsible_person="王五",
                      responsible_phone="13912345678", deadline=dt.date.today() + dt.timedelta(days=30))
        fields.update(kw)
        return services.create_problem(None, **fields)

    return make


@pytest.fixture
def evidence():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(name="整改照片.txt", body=b"photo"):
        return SimpleUploadedFile(name, body, content_type="text/plain")

    return make


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # The core demo users get real passwords; PBKDF2 would dominate the ledger tests' run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
