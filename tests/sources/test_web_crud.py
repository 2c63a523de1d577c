"""Registry pages through core.generic: credit-code validation in the form, audit of web writes."""

from envbureau.core.models import AuditEntry, Jurisdiction
from envbureau.sources import credit_code
from envbureau.sources.models import Enterprise


def test_create_enterprise_validates_credit_code_and_is_audited(client_for):
    c = client_for("enforcement")
    j = Jurisdiction.objects.get(code="110105")
    good = credit_code.make("91", "110105", "WEB00001")
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    form = {"credit_code": bad, "name": "网页新增企业", "jurisdiction": j.pk, "status": "operating", "industry_code": "C2614"}
    r = c.post("/sources/enterprises/add/", form)
    assert r.status_code == 400 and "校验位" in r.content.decode()
    assert not Enterprise.objects.exists()
    r = c.post("/sources/enterprises/add/", {**form, "credit_code": good.lower()})
    assert r.status_code == 302
    e = Enterprise.objects.get()
    assert e.credit_code == good  # stored upper case
    entry = AuditEntry.objects.get(model="sources.enterprise", object_id=str(e.pk), action="create")
    assert entry.source == "web" and entry.actor_name == "enforcement" and entry.changes["credit_code"][1] == good
    r = c.post(f"/sources/enterprises/{e.pk}/edit/", {**form, "credit_code": good, "name": "改名企业"})
    assert r.status_code == 302
    upd = AuditEntry.objects.get(model="sources.enterprise", object_id=str(e.pk), action="update")
    assert upd.changes["name"] == ["网页新增企业", "改名企业"]


def test_officer_cannot_add_enterprises(client_for):
    assert client_for("dongcheng").get("/sources/enterprises/add/").status_code == 403


def test_bad_industry_code(client_for):
    c = client_for("enforcement")
    j = Jurisdiction.objects.get(code="110105")
    r = c.post("/sources/enterprises/add/", {"credit_code": credit_code.make("91", "110105", "WEB00002"), "name": "x",
                                             "jurisdiction": j.pk, "status": "operating", "industry_code": "2614"})
    assert r.status_code == 400 and not Enterprise.objects.exists()
