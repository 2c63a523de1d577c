"""Identity masking (UI, API, export), enterprise users never seeing complainant data, scoping, audit."""

import pytest

from envbureau.complaints import services
from envbureau.complaints.models import mask_name, mask_phone
from pagecheck import XLSX, shows

pytestmark = pytest.mark.django_db


def test_mask_helpers():
    assert mask_name("张三丰") == "张**"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("") == "" and mask_phone("") == ""


def _client(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_identity_visible_only_with_permission(actors, make_complaint):
    c = make_complaint()
    office = _client(actors["office"]).get(f"/complaints/{c.pk}/").content.decode()
    assert "张三丰" in office and "13812345678" in office
    for role in ("officer", "leader"):
        page = _client(actors[role]).get(f"/complaints/{c.pk}/").content.decode()
        assert "张三丰" not in page and "13812345678" not in page, role
        assert "张**" in page and "138****5678" in page, role


def test_enterprise_users_never_see_complaints_or_identity(actors, make_complaint):
    c = make_complaint(enterprise_id=42)
    ent = _client(actors["enterprise"])
    assert ent.get(f"/complaints/{c.pk}/").status_code in (403, 404)
    assert ent.get("/complaints/").status_code == 403
    r = ent.get("/api/v1/complaints/complaints/")
    assert r.status_code == 403
    assert ent.get(f"/api/v1/complaints/complaints/{c.pk}/").status_code in (403, 404)
    # Even an enterprise account mistakenly granted complaints.view + view_identity gets nothing:
    plus = _client(actors["enterprise_plus"])
    assert plus.get(f"/complaints/{c.pk}/").status_code == 404
    data = plus.get("/api/v1/complaints/complaints/").json()
    assert data["results"] == [] and data["next"] is None
    assert not services.can_view_identity(actors["enterprise_plus"], c)
    assert "张三丰" not in plus.get("/complaints/?export=xlsx").content.decode("latin-1")


def test_api_masks_identity(actors, make_complaint):
    c = make_complaint()
    full = _client(actors["office"]).get(f"/api/v1/complaints/complaints/{c.pk}/").json()
    assert full["complainant"]["complainant_name"] == "张三丰"
    masked = _client(actors["officer"]).get(f"/api/v1/complaints/complaints/{c.pk}/").json()
    assert masked["complainant"]["complainant_name"] == "张**"
    assert masked["complainant"]["complainant_phone"] == "138****5678"
    assert "13812345678" not in str(masked)


def test_export_includes_identity_only_with_permission(actors, make_complaint):
    import io

    from openpyxl import load_workbook

    make_complaint()

    def cells(user):
        r = _client(user).get("/complaints/?export=xlsx")
        assert r.status_code == 200
        ws = load_workbook(io.BytesIO(r.content)).active
        return {str(v) for row in ws.iter_rows(values_only=True) for v in row}

    assert "张三丰" in cells(actors["office"])
    officer_cells = cells(actors["officer"])
    assert "张三丰" not in officer_cells and "13812345678" not in officer_cells


def test_scoping(actors, make_complaint):
    dc = make_complaint(code="110101001000")
    cy = make_complaint(code="110105")
    officer = _client(actors["officer"])
    ids = {r["id"] for r in officer.get("/api/v1/complaints/complaints/").json()["results"]}
    assert dc.pk in ids and cy.pk not in ids
    assert officer.get(f"/complaints/{cy.pk}/").status_code == 404
    assert officer.get(f"/api/v1/complaints/complaints/{cy.pk}/").status_code == 404
    street = _client(actors["street"])  # 东华门街道 officer
    assert street.get(f"/complaints/{dc.pk}/").status_code == 200
    other_street = make_complaint(code="110101007000")
    assert street.get(f"/complaints/{other_street.pk}/").status_code == 404
    # Acting out of scope through the API answers 404, not a leak.
    r = officer.post(f"/api/v1/complaints/complaints/{cy.pk}/act/", {"action": "investigate"},
                     content_type="application/json")
    assert r.status_code == 404
    # An officer registering a complaint outside their district is refused.
    r = officer.post("/api/v1/complaints/complaints/", {
        "channel": "hotline", "category": "air", "title": "异味", "content": "异味", "jurisdiction": cy.jurisdiction_id},
        content_type="application/json")
    assert r.status_code == 403


def test_api_actions_and_errors(actors, make_complaint):
    c = make_complaint()
    office = _client(actors["office"])
    url = f"/api/v1/complaints/complaints/{c.pk}/act/"
    r = office.post(url, {"action": "reply", "reply_text": "x"}, content_type="application/json")
    assert r.status_code == 400 and "不能执行" in r.json()["error"]["message"] + str(r.json()["error"].get("fields"))
    assert office.post(url, {"action": "accept"}, content_type="application/json").json()["state"] == "accepted"
    r = office.post(url, {"action": "assign"}, content_type="application/json")
    assert r.status_code == 400 and "unit" in r.json()["error"]["fields"]
    officer = _client(actors["officer"])
    assert officer.post(url, {"action": "assign", "unit": "街道"}, content_type="application/json").status_code == 403
    assert office.post(url, {"action": "assign", "unit": "东华门街道"}, content_type="application/json").status_code == 200
    r = officer.post(url, {"action": "investigate", "finding": "substantiated", "investigation": "属实"},
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["finding"] == "substantiated"
    tl = office.get(f"/api/v1/complaints/complaints/{c.pk}/timeline/").json()
    assert [e["kind"] for e in tl["events"]] == ["register", "accept", "assign", "investigate"]
    assert _client(actors["enterprise"]).post(url, {"action": "accept"},
                                              content_type="application/json").status_code in (403, 404)


def test_audit_entries_and_identity_not_in_events(actors, make_complaint):
    from envbureau.core.audit import audit_context, history

    c = make_complaint()
    with audit_context("web", actor=actors["office"]):
        services.accept(actors["office"], c)
    entries = history(c)
    assert entries.filter(action="create").exists()
    upd = entries.filter(action="update", actor_name="petition")
    assert upd.exists() and "state" in upd.first().changes
    for e in services.events_of(c):
        assert "张三丰" not in str(e.note) + str(e.data)
    # core.audit masks the fields Complaint.audit_masked_fields lists (信访工作条例 art. 21).
    created = entries.get(action="create")
    assert created.changes["complainant_name"][1] == "***" and "13812345678" not in str(created.changes)


def test_ui_pages_render(actors, make_complaint, client):
    c = make_complaint()
    office = _client(actors["office"])
    shows(office, {"/complaints/": c.number,
                   "/complaints/?state=registered&category=noise&jurisdiction=110101&since=2020-01-01": c.number,
                   f"/complaints/{c.pk}/": c.complainant_name,  # the office may see who complained
                   "/complaints/add/": "<title>登记信访投诉 ·", "/complaints/stats/": "<title>信访投诉统计 ·",
                   "/complaints/stats/?by=jurisdiction": c.jurisdiction.parent.name,
                   "/complaints/stats/?by=month&start=2024-01&end=2026-12": "<title>信访投诉统计 ·",
                   "/complaints/hotspots/": "<title>信访热点 ·", "/complaints/rules/": "<title>办理期限规则 ·",
                   "/admin-area/calendar/": "<title>节假日调整 ·", "/complaints/stats/?export=xlsx": XLSX})
    home = office.get("/")
    assert home.status_code == 200 and "在办信访投诉" in home.content.decode()
    r = office.post(f"/complaints/{c.pk}/act/accept/", {"accept-note": "受理"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.state == "accepted"
    r = office.post(f"/complaints/{c.pk}/act/decline/", {"decline-reason": "x"}, follow=True)
    assert "不能执行" in r.content.decode()
    for url in ["/complaints/", f"/complaints/{c.pk}/", "/complaints/stats/"]:
        assert client.get(url).status_code == 302  # anonymous → login


def test_scoped_equals_core_restrict(actors, make_complaint):
    from envbureau.complaints.models import Complaint

    for code in ("110101001000", "110101007000", "110105", "110108", "110105010000"):
        make_complaint(code=code)
    for name, user in actors.items():
        for action in ("view", "handle", "accept"):
            assert set(services.scoped(user, action).values_list("id", flat=True)) == \
                set(Complaint.objects.restrict(user, action).values_list("id", flat=True)), (name, action)
    assert services.scoped(None, "view").count() == 0


def test_may_see_identities_at_all(actors, make_complaint):
    """Without a complaint: whether any identity may be shown (the lists' column). Anonymous and enterprise accounts
    never, even one wrongly granted complaints.view_identity; *.view does not reach it; complaints.* does."""
    from django.contrib.auth.models import AnonymousUser

    assert services.can_view_identity(None) is False
    assert services.can_view_identity(AnonymousUser()) is False
    assert services.can_view_identity(AnonymousUser(), make_complaint()) is False
    assert services.can_view_identity(actors["enterprise_plus"]) is False
    assert services.can_view_identity(actors["leader"]) is False
    assert services.can_view_identity(actors["office"]) is True
    assert services.can_view_identity(actors["office"], make_complaint()) is True


def test_identity_by_the_named_permission_in_its_area(make_complaint):
    """complaints.view_identity held by name (no wildcard), in Dongcheng: its complaints' identities, not Chaoyang's."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    role = Role.objects.create(code="t_identity", name="t", kind="staff",
                               permissions=["complaints.view", "complaints.view_identity"])
    user = User.objects.create(username="t_identity")
    RoleAssignment.objects.create(user=user, role=role, jurisdiction=Jurisdiction.objects.get(code="110101"))
    assert services.can_view_identity(user, make_complaint()) is True
    assert services.can_view_identity(user, make_complaint(code="110105")) is False
