"""Fixtures for the complaints tests: the petition office role, an officer, an enterprise user,
and a factory that registers complaints through the service."""

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _fresh_caches():
    from envbureau.complaints import routing
    from envbureau.core import deadlines

    deadlines.invalidate_calendar()
    routing.invalidate()
    yield
    deadlines.invalidate_calendar()
    routing.invalidate()


@pytest.fixture
def actors(demo_core):
    """office: complaints.* city-wide (the demo step's role); officer: Dongcheng (built-in officer role);
    leader: *.view; enterprise: an enterprise account; other_officer: Chaoyang."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    role, _ = Role.objects.get_or_create(code="complaints_office", defaults={
        "name": "信访办理人员", "kind": "staff", "permissions": ["*.view", "imports.run", "complaints.*"]})
    office = User.objects.get(username="petition")
    RoleAssignment.objects.get_or_create(user=office, role=role)
    approver = User.objects.create(username="approver", display_name="分管领导")
    RoleAssignment.objects.create(user=approver, role=role)
    ent = User.objects.create(username="ent1", display_name="企业")
    RoleAssignment.objects.create(user=ent, role=Role.objects.get(code="enterprise"), enterprise_id=42)
    # An enterprise account that (wrongly) also got complaints.view must still see no identity.
    ent_role = Role.objects.create(code="ent_plus", name="企业+", kind="enterprise",
                                   permissions=["complaints.view", "complaints.view_identity"])
    ent2 = User.objects.create(username="ent2")
    RoleAssignment.objects.create(user=ent2, role=ent_role, enterprise_id=42)
    other = User.objects.create(username="chaoyang")
    RoleAssignment.objects.create(user=other, role=Role.objects.get(code="officer"),
                                  jurisdiction=Jurisdiction.objects.get(code="110105"))
    users = {u.username: u for u in User.objects.all()}
    return {"office": office, "approver": approver, "officer": users["dongcheng"], "street": users["donghuamen"],
            "leader": users["leader"], "enterprise": ent, "enterprise_plus": ent2, "other_officer": other,
            "admin": users["admin"]}


@pytest.fixture
def make_complaint(demo_core):
    from envbureau.complaints import services
    from envbureau.complaints.models import Complaint
    from envbureau.core.models import Jurisdiction

    def make(code="110101001000", user=None, suggest=False, **kw):
        defaults = dict(channel="hotline", track="clue", category="noise", sub_category="noise_construction",
                        title="夜间施工噪声", content="工地夜间施工噪声扰民", location="东华门大街1号",
                        complainant_name="张三丰", complainant_phone="13812345678", enterprise_id=42,
                        enterprise_name="某建设项目部")
        defaults.update(kw)
        c = Complaint(jurisdiction=Jurisdiction.objects.get(code=code), **defaults)
        return services.register(user, c, suggest=suggest)

    return make


def _aware(y, m, d, h=10):
    return timezone.make_aware(dt.datetime(y, m, d, h))


@pytest.fixture
def aware():
    return _aware
