"""GET /api/v1/me/tasks/ as the people who act: the verifying officer sees a problem from the moment it is
submitted for verification until it is verified; a unit member sees a complaint once it is handed to the unit."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from envbureau.complaints import services as complaints
from envbureau.ledger import services as ledger


def _user(name, perms, jcode=None):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    role = Role.objects.create(code=f"m_{name}", name=name, kind="officer" if jcode else "staff", permissions=perms)
    u = User.objects.create(username=f"m_{name}", display_name=name)
    RoleAssignment.objects.create(user=u, role=role, jurisdiction=Jurisdiction.objects.get(code=jcode) if jcode else None)
    return u


def _listed(user, model, pk) -> list[str]:
    c = Client()
    c.force_login(user)
    r = c.get("/api/v1/me/tasks/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    return [t["action"] for t in r.json()["results"] if t["model"] == model and t["object_id"] == str(pk)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_verifier_sees_the_problem_only_while_it_waits_for_verification(demo_core, media):
    mgr = _user("mgr", ["*.view", "ledger.*"])
    street = _user("street", ["ledger.view", "ledger.rectify", "ledger.request_close"], "110101001000")
    verifier = _user("verifier", ["ledger.view", "ledger.verify"], "110101")
    p = ledger.create_problem(None, source="patrol", category="air", title="渣土裸露", jurisdiction="110101001000",
                              deadline=dt.date.today() + dt.timedelta(days=15))
    ledger.assign(mgr, p, responsible_units=["东华门街道办事处"])
    ledger.start(street, p)
    assert _listed(verifier, "ledger.problem", p.pk) == []
    ledger.request_close(street, p, "已苫盖", files=[SimpleUploadedFile("照片.txt", b"x")])
    assert _listed(verifier, "ledger.problem", p.pk) == ["验收"]  # right after submission (no chain: one step)
    assert _listed(street, "ledger.problem", p.pk) == []
    ledger.sign_off(verifier, p)
    assert p.state == "verified"
    assert _listed(verifier, "ledger.problem", p.pk) == []  # no longer after verification
    assert _listed(mgr, "ledger.problem", p.pk) == ["销号"]


def test_unit_member_sees_the_complaint_handed_to_the_unit(demo_core):
    from envbureau.complaints.models import Complaint
    from envbureau.core.models import Jurisdiction, Unit

    office = _user("office", ["*.view", "complaints.*"])
    member = _user("member", ["complaints.view"], "110101")
    outsider = _user("outsider", ["complaints.view"], "110101")
    unit = Unit.objects.create(code="cg-dc", name="东城区城管委", kind="agency")
    unit.members.add(member)
    c = complaints.register(None, Complaint(channel="hotline", category="noise", title="商铺外放音乐",
                                            content="噪声", jurisdiction=Jurisdiction.objects.get(code="110101")),
                            suggest=False)
    complaints.accept(office, c)
    assert _listed(member, "complaints.complaint", c.pk) == []
    complaints.assign(office, c, unit)
    assert _listed(member, "complaints.complaint", c.pk) == ["调查核实"]
    assert _listed(outsider, "complaints.complaint", c.pk) == []  # same district, not in the unit
    c.refresh_from_db()
    assert c.unit == unit and c.assignee_unit == "东城区城管委"
    complaints.investigate(office, c, "substantiated", "属实")
    assert _listed(member, "complaints.complaint", c.pk) == []
