"""Pages and API of the waste module end to end, and the designed outcome of every waste URL per role
(stated here as data, not read from the code)."""

import pytest
from django.test import Client

from envbureau.core import workflow as wf
from envbureau.waste.models import Manifest


@pytest.fixture
def clients(world):
    out = {"anonymous": Client()}
    for k, u in world["users"].items():
        c = Client()
        c.force_login(u)
        out[k] = c
    from envbureau.core.models import User

    for name in ("dongcheng", "leader", "admin"):
        c = Client()
        c.force_login(User.objects.get(username=name))
        out[name] = c
    return out


def test_web_walk_producer_files_operator_receives_and_confirms(world, clients):
    r = clients["producer"].post("/waste/manifests/new/", {
        "producer": world["producer"].pk, "receiver": world["operator"].pk, "transporter": world["carrier"].pk,
        "waste_code": "900-249-08", "waste_name": "废矿物油", "sent_tonnes": "8.5", "created_on": "2026-11-16"})
    assert r.status_code == 302, r.content.decode()[:500]
    m = Manifest.objects.get()
    url = f"/waste/manifests/{m.pk}/"
    assert r["Location"] == url
    page = clients["producer"].get(url).content.decode()
    assert "20261101000001" in page and "待运出" in page and "运出" in page
    clients["producer"].post(f"/waste/manifests/{m.pk}/do/ship/", {"shipped_on": "2026-11-16", "vehicle_no": "京A1"})
    clients["operator"].post(f"/waste/manifests/{m.pk}/do/receive/", {"received_tonnes": "8.2",
                                                                       "received_on": "2026-11-17"})
    m.refresh_from_db()
    assert (m.state, m.mismatch) == ("received", True)  # 0.3 t > 0.5 % of 8.5 t
    r = clients["operator"].post(f"/waste/manifests/{m.pk}/do/confirm/", {"confirmed_on": "2026-11-18"})
    m.refresh_from_db()
    assert m.state == "confirmed"
    # the operator's bad number is a message on the page, never a 500
    r = clients["producer"].post(f"/waste/manifests/{m.pk}/do/ship/", {})
    assert r.status_code == 302


def test_web_form_errors_are_400_not_500(world, clients):
    r = clients["producer"].post("/waste/manifests/new/", {"producer": world["producer"].pk,
                                                           "receiver": world["operator"].pk, "waste_code": "HW08",
                                                           "waste_name": "x", "sent_tonnes": "-1"})
    assert r.status_code == 400
    assert "900-249-08" in r.content.decode()


def test_api_scoping_create_and_verbs(world, clients, manifest):
    assert clients["producer"].get("/api/v1/waste/manifests/").json()["count"] == 1
    assert clients["operator"].get("/api/v1/waste/manifests/").json()["count"] == 1
    assert clients["other"].get("/api/v1/waste/manifests/").json()["count"] == 0
    assert clients["other"].get(f"/api/v1/waste/manifests/{manifest.pk}/").status_code == 404
    r = clients["operator"].post(f"/api/v1/waste/manifests/{manifest.pk}/ship/", {}, content_type="application/json")
    assert r.status_code == 403
    r = clients["producer"].post(f"/api/v1/waste/manifests/{manifest.pk}/ship/", {"shipped_on": "2026-11-16"},
                                 content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "shipped"
    r = clients["operator"].post(f"/api/v1/waste/manifests/{manifest.pk}/receive/", {"received_tonnes": "abc"},
                                 content_type="application/json")
    assert r.status_code == 400 and "received_tonnes" in r.content.decode()
    r = clients["operator"].post(f"/api/v1/waste/manifests/{manifest.pk}/receive/",
                                 {"received_tonnes": "10", "received_on": "2026-11-16"}, content_type="application/json")
    assert r.json()["confirm_due"] == "2026-11-23"
    r = clients["producer"].post("/api/v1/waste/manifests/", {
        "producer": world["producer"].pk, "receiver": world["operator"].pk, "waste_code": "900-041-49",
        "waste_name": "废包装桶", "sent_tonnes": "1.5", "created_on": "2026-11-20"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["number"] == "20261101000002"
    r = clients["other"].post("/api/v1/waste/manifests/", {
        "producer": world["producer"].pk, "receiver": world["operator"].pk, "waste_code": "900-041-49",
        "waste_name": "废包装桶", "sent_tonnes": "1.5"}, content_type="application/json")
    assert r.status_code in (400, 403)
    timeline = clients["producer"].get(f"/api/v1/waste/manifests/{manifest.pk}/timeline/").json()
    assert [e["verb"] for e in timeline] == ["open", "ship", "receive"]


def test_reconciliation_page_and_api(world, clients, manifest):
    wf.apply(None, manifest, "ship", shipped_on="2026-11-16")
    wf.apply(None, manifest, "receive", received_tonnes="9", received_on="2026-11-16")
    page = clients["staff"].get("/waste/reconciliation/?year=2026").content.decode()
    assert "20261101000001" in page and "数量不一致" in page
    import re

    # Tonnes are read to the kilogram, as stored: no float tails like 1385.62500000000 (seen on the demo).
    assert not re.search(r"\d\.\d{4,}", page), re.search(r"\d\.\d{4,}", page).group()
    data = clients["staff"].get("/api/v1/waste/reconciliation/?year=2026").json()
    assert all(re.fullmatch(r"\d+\.\d{3}", data[k]) for k in ("sent_tonnes", "received_tonnes")), data
    assert data["figures"]["total"] == 1 and data["figures"]["mismatch"] == 1
    assert data["links"]["mismatch"] == "/waste/manifests/?year=2026&mismatch=true"
    listed = clients["staff"].get(data["links"]["mismatch"]).content.decode()
    assert "20261101000001" in listed
    assert clients["other"].get("/api/v1/waste/reconciliation/?year=2026").json()["figures"]["total"] == 0
    assert clients["staff"].get("/api/v1/waste/reconciliation/?year=abc").status_code == 400
    x = clients["staff"].get("/waste/reconciliation/?year=2026&export=xlsx")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")


# Designed outcomes: URL template → {role: status}. Roles: the world's producer/operator/other enterprise users,
# the city waste officer (staff), 东城区 officer (the producer is in 东城区, the operator in 朝阳区), leader, admin.
TABLE = [
    ("/waste/manifests/", dict(anonymous=302, producer=200, operator=200, other=200, staff=200, dongcheng=200)),
    ("/waste/manifests/{m}/", dict(anonymous=302, producer=200, operator=200, other=404, staff=200, dongcheng=200,
                                   leader=200)),
    ("/api/v1/waste/manifests/{m}/", dict(anonymous=401, producer=200, operator=200, other=404, staff=200,
                                          dongcheng=200)),
    ("/waste/manifests/new/", dict(anonymous=302, producer=200, operator=200, staff=200, dongcheng=403, leader=403)),
    ("/waste/reconciliation/", dict(anonymous=302, producer=200, other=200, staff=200, dongcheng=200, leader=200)),
    ("/waste/producers/add/", dict(anonymous=302, producer=403, staff=200, dongcheng=403, admin=200)),
    ("/waste/producers/{p}/", dict(producer=200, operator=404, other=404, staff=200, dongcheng=200)),
    ("/waste/producers/{p}/edit/", dict(producer=403, staff=200, dongcheng=403)),
    ("/waste/operators/{o}/", dict(producer=200, operator=200, other=200, staff=200)),
    ("/waste/alerts/", dict(anonymous=302, producer=200, staff=200, dongcheng=200)),
    ("/waste/declarations/", dict(anonymous=302, producer=200, staff=200)),
    ("/api/v1/waste/reconciliation/", dict(anonymous=401, producer=200, staff=200)),
]


def test_designed_outcomes(world, clients, manifest):
    ids = {"m": manifest.pk, "p": world["producer"].pk, "o": world["operator"].pk}
    wrong = []
    for template, outcomes in TABLE:
        url = template.format(**ids)
        for role, want in outcomes.items():
            c = clients[role]
            got = c.get(url, HTTP_ACCEPT="application/json" if url.startswith("/api/") else "text/html").status_code
            if got != want:
                wrong.append(f"{role} {url}: expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)
