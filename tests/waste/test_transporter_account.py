"""The transport company as its own user: an enterprise account of the transporter's enterprise sees only the
manifests it carries and acts only on its own steps (confirm pickup with the tonnes it loaded, then handover),
on the page, in the API and through the kit; the producer and receiver cannot do the carrier's steps."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from envbureau.core import workflow as wf
from envbureau.core.models import Role, RoleAssignment, User
from envbureau.waste import services
from envbureau.waste.models import Manifest, Transporter


@pytest.fixture
def carrier(world):
    from envbureau.sources.models import Enterprise

    ent = Enterprise.objects.create(credit_code="91110105MA01EEEE5X", name="运输企业戊", jurisdiction=world["cy"])
    t = world["carrier"]
    t.enterprise_id = ent.pk
    t.save()
    other = Transporter.objects.create(name="运输己", permit_no="P-2")
    user = User.objects.create(username="w_carrier")
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code="enterprise"), enterprise_id=ent.pk)

    def make(transporter=t, tonnes="10.000"):
        return services.create_manifest(world["users"]["producer"], producer=world["producer"],
                                        receiver=world["operator"], transporter=transporter,
                                        waste_code="900-249-08", waste_name="废矿物油", sent_tonnes=tonnes,
                                        created_on=world["day"])

    return {"user": user, "ent": ent, "transporter": t, "other": other, "make": make}


def ship(world, m):
    wf.apply(world["users"]["producer"], m, "ship", carried_tonnes=str(m.sent_tonnes), shipped_on="2026-11-16")
    m.refresh_from_db()
    return m


def test_the_carrier_sees_only_what_it_carries(world, carrier):
    mine, theirs, none = carrier["make"](), carrier["make"](carrier["other"]), carrier["make"](None)
    u = carrier["user"]
    assert set(Manifest.objects.restrict(u, "view").values_list("pk", flat=True)) == {mine.pk}
    assert mine.transporter_enterprise_id == carrier["ent"].pk and none.transporter_enterprise_id is None
    c = Client()
    c.force_login(u)
    assert c.get(f"/waste/manifests/{mine.pk}/").status_code == 200
    assert c.get(f"/waste/manifests/{theirs.pk}/").status_code == 404
    assert [r["id"] for r in c.get("/api/v1/waste/manifests/").json()["results"]] == [mine.pk]
    assert c.get(f"/api/v1/waste/manifests/{none.pk}/").status_code == 404
    # nothing else of the module is the carrier's: producers, declarations and alerts stay with their enterprises
    for url in ("/api/v1/waste/producers/", "/api/v1/waste/declarations/", "/api/v1/waste/alerts/"):
        assert c.get(url).json()["results"] == [], url
    # the producer and the receiver still see theirs; an unrelated enterprise sees none of the three
    assert Manifest.objects.restrict(world["users"]["producer"], "view").count() == 3
    assert Manifest.objects.restrict(world["users"]["other"], "view").count() == 0


def test_pickup_then_handover_by_the_carrier_only(world, carrier):
    u, prod, op = carrier["user"], world["users"]["producer"], world["users"]["operator"]
    m = carrier["make"]()
    with pytest.raises(ValidationError):
        wf.apply(u, m, "pick_up")  # not shipped yet (the kit refuses the state)
    with pytest.raises(PermissionDenied):
        wf.apply(u, m, "ship")  # the producer's step
    ship(world, m)
    assert [t.verb for t in wf.allowed(u, m)] == ["pick_up"]
    for party in (prod, op):
        with pytest.raises(PermissionDenied):
            wf.apply(party, m, "pick_up")
    with pytest.raises(ValidationError):
        wf.apply(u, m, "hand_over")  # before pickup
    wf.apply(u, m, "pick_up", carried_tonnes="9.900", vehicle_no="京B00001", picked_up_on="2026-11-16")
    m.refresh_from_db()
    assert (m.state, m.carried_tonnes, m.vehicle_no, str(m.picked_up_on)) == ("shipped", Decimal("9.900"),
                                                                                "京B00001", "2026-11-16")
    assert m.mismatch and m.difference == Decimal("0.100")  # 10 sent, 9.9 loaded: over max(0.05, 0.01)
    with pytest.raises(ValidationError):
        wf.apply(u, m, "pick_up")  # once
    assert [t.verb for t in wf.allowed(u, m)] == ["hand_over"]
    with pytest.raises(ValidationError):
        wf.apply(u, m, "hand_over", handed_over_on="2026-11-15")  # before the pickup
    wf.apply(u, m, "hand_over", handed_over_on="2026-11-17")
    m.refresh_from_db()
    assert (m.state, str(m.handed_over_on)) == ("shipped", "2026-11-17")
    assert wf.allowed(u, m) == []
    with pytest.raises(PermissionDenied):
        wf.apply(u, m, "receive", received_tonnes="9.9")  # the receiver's step
    wf.apply(op, m, "receive", received_tonnes="9.9", received_on="2026-11-17")
    m.refresh_from_db()
    assert m.state == "received"


def test_another_carrier_cannot_see_or_act(world, carrier):
    m = ship(world, carrier["make"](carrier["other"]))
    with pytest.raises((Http404, PermissionDenied)):
        wf.apply(carrier["user"], m, "pick_up")
    m.refresh_from_db()
    assert m.picked_up_on is None


def test_page_and_api_steps_and_dossier(world, carrier):
    from envbureau.sources.models import DossierEvent

    m = ship(world, carrier["make"]())
    c = Client()
    c.force_login(carrier["user"])
    page = c.get(f"/waste/manifests/{m.pk}/").content.decode()
    assert f"/waste/manifests/{m.pk}/do/pick_up/" in page and "do/receive/" not in page
    r = c.post(f"/waste/manifests/{m.pk}/do/pick_up/", {"carried_tonnes": "10", "picked_up_on": "2026-11-16"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert str(m.picked_up_on) == "2026-11-16" and not m.mismatch
    assert c.get("/api/v1/waste/manifests/", {"on_the_road": "true"}).json()["count"] == 1
    r = c.post(f"/api/v1/waste/manifests/{m.pk}/hand-over/", {"handed_over_on": "2026-11-17"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["handed_over_on"] == "2026-11-17"
    assert c.get("/api/v1/waste/manifests/", {"on_the_road": "true"}).json()["count"] == 0
    r = c.post(f"/api/v1/waste/manifests/{m.pk}/confirm/", {}, content_type="application/json")
    assert r.status_code in (400, 403)
    titles = list(DossierEvent.objects.filter(enterprise_id=carrier["ent"].pk).values_list("title", flat=True))
    assert any("承运提货" in t for t in titles) and any("承运交付" in t for t in titles)
    prod = Client()
    prod.force_login(world["users"]["producer"])
    assert prod.post(f"/api/v1/waste/manifests/{m.pk}/hand-over/", {}, content_type="application/json").status_code \
        in (400, 403)


def test_linking_the_company_later_moves_its_manifests(world, carrier):
    t = Transporter.objects.create(name="运输庚", permit_no="P-3")
    m = carrier["make"](t)
    assert m.transporter_enterprise_id is None
    t.enterprise_id = carrier["ent"].pk
    t.save()
    m.refresh_from_db()
    assert m.transporter_enterprise_id == carrier["ent"].pk
    assert Manifest.objects.restrict(carrier["user"], "view").filter(pk=m.pk).exists()
