"""The approvals forms choose their enterprise with the platform's scoped type-ahead picker (core.pickers), not a
<select> of every enterprise: the HJ 941 emergency plan form above all. An enterprise user finds only their own
enterprise, already chosen; a bureau officer finds any in scope by name; a name out of scope is refused on the field."""

import re

from django.test import Client

from envbureau.core.pickers import unknown_message

PLAN = {"title": "网页预案", "signed_on": "2026-09-24", "air_substances": "氨,20,5", "air_m": "30", "air_e": "E1",
        "water_substances": "", "water_m": "0", "water_e": "E3"}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _picker(page: str) -> tuple[str, str]:
    """(the name shown, the hidden value) of the enterprise picker; fails if the field is a <select>."""
    assert '<select name="enterprise"' not in page
    box = re.search(r'<div class="eb-picker[^"]*" data-url="([^"]+)"[^>]*>\s*<input type="text"[^>]*id="id_enterprise"'
                    r'[^>]*value="([^"]*)"[^>]*>\s*<input type="hidden" name="enterprise" value="([^"]*)"', page)
    assert box is not None, "the enterprise field is not the type-ahead picker"
    assert box.group(1) == "/sources/pick/enterprises/"
    return box.group(2), box.group(3)


def test_plan_form_enterprise_is_the_scoped_picker_preselected_for_an_enterprise_user(world):
    from envbureau.approvals.models import EmergencyPlan

    ent = _client(world["ent_user"])
    page = ent.get("/approvals/plans/new/").content.decode()
    assert _picker(page) == ("东城热电", str(world["e1"].pk))  # their own enterprise, chosen already
    assert "西城印刷" not in page  # no list of every enterprise
    url = re.search(r'data-url="([^"]+)"', page[page.index("eb-picker"):]).group(1)
    assert [r["label"] for r in ent.get(url, {"q": ""}).json()["results"]] == ["东城热电"]  # the picker: own only
    assert ent.get(url, {"q": "西城"}).json()["results"] == []
    r = ent.post("/approvals/plans/new/", {"enterprise": world["e2"].pk, **PLAN})  # another's id: refused, named
    assert r.status_code == 400
    assert r.context["form"].errors["enterprise"] == [unknown_message("enterprise", world["e2"].pk)]
    assert not EmergencyPlan.objects.exists()
    r = ent.post("/approvals/plans/new/", {"enterprise": world["e1"].pk, **PLAN})
    assert r.status_code == 302 and EmergencyPlan.objects.get().enterprise_id == world["e1"].pk


def test_officer_picks_by_name_nothing_preselected(world):
    from envbureau.approvals.models import EmergencyPlan

    off = _client(world["officer"])
    page = off.get("/approvals/plans/new/").content.decode()
    assert _picker(page) == ("", "")  # a bureau officer files for any enterprise in scope: nothing chosen for them
    url = re.search(r'data-url="([^"]+)"', page[page.index("eb-picker"):]).group(1)
    assert [r["label"] for r in off.get(url, {"q": "西城"}).json()["results"]] == ["西城印刷"]
    r = off.post("/approvals/plans/new/", {"enterprise": "西城印刷", **PLAN})  # a name typed without choosing
    assert r.status_code == 302 and EmergencyPlan.objects.get().enterprise_id == world["e2"].pk
    r = off.post("/approvals/plans/new/", {"enterprise": "不存在的企业", **PLAN})
    assert r.status_code == 400
    page = r.content.decode()
    assert r.context["form"].errors["enterprise"] == [unknown_message("enterprise", "不存在的企业")]
    assert _picker(page)[0] == "不存在的企业"  # the typed text kept, marked invalid
    for url in ("/approvals/eia/new/", "/approvals/permits/new/", "/approvals/checks/new/"):
        _picker(off.get(url).content.decode())  # the other approvals forms: the same picker
