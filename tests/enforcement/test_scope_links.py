"""Links and numbers that lead outside the reader's scope (issue #12's last check, after the scoping change that
took the public rows out of a signed-in user's own scope): what a page links to, the reader can open."""

import datetime as dt
import re

import pytest

from envbureau.core.models import Role, RoleAssignment, User
from envbureau.enforcement import services

from .conftest import committed_draw


@pytest.fixture
def enterprise_user(world):
    """The enterprise account of 测试企业1 (东城区), as the demo's enterprise_demo: no projects.view."""
    u = User.objects.create(username="t_ent1", display_name="企业1")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"),
                                  enterprise_id=world["enterprises"][0].pk)
    return u


def _client(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def _dossier_links(client, ent) -> dict[str, str]:
    """{event title: href} of the dossier's timeline (events without a link are absent)."""
    resp = client.get(f"/sources/enterprises/{ent.pk}/")
    assert resp.status_code == 200, resp.status_code
    html = resp.content.decode()
    return dict((t, h) for h, t in re.findall(r'<li class="list-group-item small">.*?<a href="([^"]+)">([^<]+)</a>', html))


def test_dossier_timeline_links_only_what_the_reader_may_open(world, enterprise_user, client_for):
    """The enterprise's own yellow card is on its dossier, but an enterprise account has no projects.view: the
    line stays, without a link that answered 404 (enterprise_demo's 黄牌警示 in the demo). Its own inspection
    keeps its link; a district officer (projects.view in 东城区) keeps both."""
    from envbureau.projects.models import Card
    from envbureau.sources.services import add_dossier_event

    ent = world["enterprises"][0]
    insp = services.create_inspection(None, source="special", enterprise_id=ent.pk, enterprise_name=ent.name,
                                      team=world["inspectors"][:2], items=world["items"], planned_on=world["day"])
    # recorded: now the enterprise's own (a planned check stays hidden from it, unannounced)
    services.record_inspection(None, insp, checklist={str(n): ("ok", "") for n in range(len(insp.checklist))},
                               result="no_problem", inspected_on=world["day"])
    card = Card.objects.create(enterprise_id=ent.pk, enterprise_name=ent.name, jurisdiction=ent.jurisdiction,
                               colour="yellow", criterion="penalised", reason="超标排放受到行政处罚", state="issued",
                               issued_on=dt.date(2026, 10, 1))
    add_dossier_event(ent.pk, "projects.card", "黄牌警示测试", source_ref=f"projects.card:{card.pk}",
                      url=f"/projects/cards/{card.pk}/")
    own = _client(enterprise_user)
    links = _dossier_links(own, ent)
    assert f"/enforcement/inspections/{insp.pk}/" in links.values(), links
    assert "黄牌警示测试" not in links, links
    assert "黄牌警示测试" in own.get(f"/sources/enterprises/{ent.pk}/").content.decode()  # the line itself stays
    for href in links.values():  # every link the enterprise is shown, it may open
        assert own.get(href).status_code == 200, href
    officer = client_for("dongcheng")
    links = _dossier_links(officer, ent)
    assert links.get("黄牌警示测试") == f"/projects/cards/{card.pk}/", links
    assert officer.get(links["黄牌警示测试"]).status_code == 200
    # the API says the same: listed and one by one
    api = {e["title"]: e for e in own.get(f"/api/v1/sources/dossier-events/?enterprise={ent.pk}").json()["results"]}
    assert api["黄牌警示测试"]["url"] == "" and api["黄牌警示测试"]["source_ref"] == f"projects.card:{card.pk}"
    assert own.get(f"/api/v1/sources/dossier-events/{api['黄牌警示测试']['id']}/").json()["url"] == ""
    inspection = next(e for e in api.values() if e["source_ref"] == f"enforcement.inspection:{insp.pk}")
    assert inspection["url"] == f"/enforcement/inspections/{insp.pk}/"
    ours = {e["title"]: e for e in officer.get(f"/api/v1/sources/dossier-events/?enterprise={ent.pk}").json()["results"]}
    assert ours["黄牌警示测试"]["url"] == f"/projects/cards/{card.pk}/"


def test_statistics_are_for_users_with_an_area(world, enterprise_user, client_for):
    """An enterprise account has no area in enforcement: the statistics page read "2026年,北京市开展执法检查2次"
    from its own two checks and its Excel link (?jurisdiction=110000) answered 400. Page, Excel and API answer 403
    and the menu has no entry; a district officer keeps all of them."""
    from envbureau.core.navigation import menu_for

    def entries(user):
        return {i["name"] for s in menu_for(user) for i in s["items"]}

    own = _client(enterprise_user)
    for url in ("/enforcement/statistics/", "/enforcement/statistics/?export=xlsx",
                "/enforcement/statistics/?jurisdiction=110000&year=2026&export=xlsx",
                "/api/v1/enforcement/statistics/"):
        assert own.get(url).status_code == 403, url
    assert "enforcement:statistics" not in entries(enterprise_user)
    assert "enforcement:inspections-list" in entries(enterprise_user)  # its own checks stay in the menu
    officer = client_for("dongcheng")
    for url in ("/enforcement/statistics/", "/enforcement/statistics/?jurisdiction=110101&year=2026&export=xlsx",
                "/api/v1/enforcement/statistics/?jurisdiction=110101&year=2026"):
        assert officer.get(url).status_code == 200, url
    assert "enforcement:statistics" in entries(User.objects.get(username="dongcheng"))


def test_a_checks_source_links_only_for_those_who_may_open_it(world, enterprise_user, client_for):
    """A check started from a complaint names it (来源记录) on its page; the enterprise reads its recorded check,
    but the complaint's page is not for it (waste_carrier's JC2026-00013 linked to /complaints/36/, a 404): the
    name stays, without the link. The district officer who handles complaints keeps the link."""
    from envbureau.complaints import services as complaints
    from envbureau.complaints.models import Complaint

    ent = world["enterprises"][0]
    c = complaints.register(None, Complaint(
        jurisdiction=ent.jurisdiction, channel="hotline", track="clue", category="air", sub_category="odour",
        title="异味扰民", content="附近企业经常排放刺鼻异味", location="示范路1号", complainant_name="张三",
        complainant_phone="13812345678", enterprise_id=ent.pk, enterprise_name=ent.name), suggest=False)
    insp = services.create_inspection(None, source="complaint", enterprise_id=ent.pk, enterprise_name=ent.name,
                                      team=world["inspectors"][:2], items=world["items"], planned_on=world["day"],
                                      source_ref=f"complaints.complaint:{c.pk}")
    services.record_inspection(None, insp, checklist={str(n): ("ok", "") for n in range(len(insp.checklist))},
                               result="no_problem", inspected_on=world["day"])
    page = _client(enterprise_user).get(f"/enforcement/inspections/{insp.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "异味扰民" in html  # the source by name
    assert f'href="/complaints/{c.pk}/"' not in html
    officer = client_for("dongcheng")
    assert f'href="/complaints/{c.pk}/"' in officer.get(f"/enforcement/inspections/{insp.pk}/").content.decode()
    assert officer.get(f"/complaints/{c.pk}/").status_code == 200


def test_draw_inputs_button_only_for_those_who_draw(world, client_for):
    """The draw's frozen inputs (with the recusal lists) are for enforcement.draw: the bureau leader reads the draw
    but its '下载抽取输入' button answered 403; now it shows only to those it serves."""
    d = committed_draw(world["plan"], "links", on=world["day"])
    url = f"/enforcement/draws/{d.pk}/inputs.json"
    leader = client_for("leader")
    page = leader.get(f"/enforcement/draws/{d.pk}/")
    assert page.status_code == 200
    assert f'href="{url}"' not in page.content.decode()
    assert leader.get(url).status_code == 403
    staff = client_for("admin")  # enforcement.draw (the demo's enforcement user gets it from the enforcement step)
    assert f'href="{url}"' in staff.get(f"/enforcement/draws/{d.pk}/").content.decode()
    assert staff.get(url).status_code == 200
