"""Everyday use of the projects pages (issues #10 and #16): filters pick projects, campaigns, grids, units,
enterprises and areas by name in the user's scope (never an id typed in a box, never "all" for an unknown
value); the patrol list names the ledger problem a finding opened; the card in force heads the enterprise's
dossier; the public reads the cards published for each period, and nothing else of them."""

import datetime as dt
import re

import pytest
from django.test import Client

from envbureau.core import workflow as wf

TODAY = dt.date.today()


@pytest.fixture
def firms(world):
    from envbureau.sources.models import Enterprise

    return {"dc": Enterprise.objects.create(credit_code="91110101MA01EVD01X", name="东城示范电镀厂",
                                            jurisdiction=world["dc"]),
            "cy": Enterprise.objects.create(credit_code="91110105MA01EVD02X", name="朝阳示范印染厂",
                                            jurisdiction=world["cy"])}


def _rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return 0 if "没有记录" in body else body.count("<tr")


# ---------------------------------------------------------------- filters by name, in scope

def test_filters_pick_projects_units_and_areas_by_name_in_scope(world, new_project, client_for):
    from envbureau.projects import services
    from envbureau.projects.models import Fund

    p_dc = new_project("dc", name="东城燃气锅炉低氮改造")
    p_cy = new_project("cy", name="朝阳污水管网建设")
    for p in (p_dc, p_cy):
        services.create_fund(world["mgr"], Fund(project=p, level="central", name=f"{p.name}中央资金", requested=100))
    mgr = Client()
    mgr.force_login(world["mgr"])
    # the project chosen by name (a name typed without choosing is resolved too): its funds only
    html = mgr.get("/projects/funds/", {"project": "东城燃气锅炉低氮改造"}).content.decode()
    assert _rows(html) == 1 and "东城燃气锅炉低氮改造中央资金" in html and "朝阳污水管网建设中央资金" not in html
    assert f'name="project" value="{p_dc.pk}"' in html  # the picker keeps the id, the box shows the name
    assert 'value="东城燃气锅炉低氮改造"' in html
    # the owner unit and the area by name; the area from the tree covers what lies below it
    html = mgr.get("/projects/projects/", {"owner_unit": "朝阳区生态环境局"}).content.decode()
    assert _rows(html) == 1 and "朝阳污水管网建设" in html
    html = mgr.get("/projects/projects/", {"jurisdiction": "东城区"}).content.decode()
    assert _rows(html) == 1 and "东城燃气锅炉低氮改造" in html
    assert 'name="jurisdiction" value="110101"' in html
    # unknown: says so on the field and lists nothing (never the whole list)
    html = mgr.get("/projects/funds/", {"project": "没有这个项目"}).content.decode()
    assert "未找到工程项目“没有这个项目”" in html and _rows(html) == 0
    # a district officer: a project of another district is "not found", without its name being shown
    dong = client_for("dongcheng")
    html = dong.get("/projects/funds/", {"project": p_cy.pk}).content.decode()
    assert "未找到工程项目" in html and "朝阳污水管网建设" not in html and _rows(html) == 0
    # the API reads the same filterset: ids keep working for API clients
    r = mgr.get("/api/v1/projects/funds/", {"project": p_cy.pk}).json()
    assert [f["project"] for f in r["results"]] == [p_cy.pk]


def test_pickers_offer_only_names_in_scope(world, new_project, client_for, grid_factory):
    from envbureau.projects import campaigns
    from envbureau.projects.models import Campaign

    new_project("dc", name="东城燃气锅炉低氮改造")
    new_project("cy", name="朝阳污水管网建设")
    campaigns.create_campaign(world["mgr"], Campaign(code="C-CY", name="朝阳散乱污整治", kind="sanluanwu",
                                                     jurisdiction=world["cy"], start=TODAY,
                                                     deadline=TODAY + dt.timedelta(days=90)))
    grid_factory()
    dong = client_for("dongcheng")
    mgr = Client()
    mgr.force_login(world["mgr"])

    def labels(client, url, q=""):
        r = client.get(url, {"q": q})
        assert r.status_code == 200, url
        return [i["label"] for i in r.json()["results"]]

    assert sorted(labels(mgr, "/projects/pick/projects/")) == sorted(["东城燃气锅炉低氮改造", "朝阳污水管网建设"])
    assert labels(dong, "/projects/pick/projects/") == ["东城燃气锅炉低氮改造"]
    assert labels(dong, "/projects/pick/projects/", "朝阳") == []
    assert labels(mgr, "/projects/pick/campaigns/", "散乱污") == ["朝阳散乱污整治"]
    # campaigns are a reference list every bureau or local user reads (their targets stay scoped)
    assert labels(dong, "/projects/pick/campaigns/") == ["朝阳散乱污整治"]
    assert labels(dong, "/projects/pick/grids/") == ["G-001网格"]
    assert "朝阳区生态环境局" in labels(mgr, "/pick/units/", "朝阳")
    assert Client().get("/projects/pick/projects/").status_code == 302  # signed-in users only


@pytest.fixture
def grid_factory(world, settings, tmp_path):
    from envbureau.core.models import Jurisdiction, User
    from envbureau.projects import grids
    from envbureau.projects.models import Grid

    settings.MEDIA_ROOT = tmp_path
    street = Jurisdiction.objects.get(code="110101001000")
    officer = User.objects.get(username="donghuamen")

    def make(code="G-001"):
        return grids.create_grid(world["mgr"], Grid(code=code, name=f"{code}网格", level=3, jurisdiction=street,
                                                    head="王网格长"), {"officers": [officer]})

    return make


# ---------------------------------------------------------------- the patrol list names its problem

def test_patrol_list_shows_the_problem_by_title_with_a_link(world, grid_factory, client_for):
    from envbureau.core.models import User
    from envbureau.ledger.models import Problem

    g = grid_factory()
    officer = User.objects.get(username="donghuamen")
    wf.apply(officer, g, "patrol", findings="某餐馆油烟直排", to_ledger="1", category="air")
    wf.apply(officer, g, "patrol", findings="", visited="沿街商户")
    found = g.patrols.exclude(problem_id=None).get()
    problem = Problem.objects.get(pk=found.problem_id)
    html = client_for("dongcheng").get("/projects/patrols/").content.decode()
    assert "问题台账ID" not in html
    link = re.search(rf'<a href="/ledger/problems/{problem.pk}/">([^<]+)</a>', html)
    assert link and problem.title in link.group(1) and problem.code in link.group(1)
    assert f"<td>{problem.pk}</td>" not in html
    # the Excel export reads the same words, without markup
    import io

    from openpyxl import load_workbook

    r = client_for("dongcheng").get("/projects/patrols/", {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert f"{problem.code} {problem.title}" in cells and not any("<a " in c for c in cells)


def test_patrol_list_names_no_problem_the_reader_may_not_see(world, grid_factory):
    """A reader of patrols who may not read the ledger learns that a problem was opened, not its title."""
    from envbureau.core.models import Role, RoleAssignment, User
    from envbureau.projects.views import patrol_problems

    g = grid_factory()
    wf.apply(User.objects.get(username="donghuamen"), g, "patrol", findings="油烟直排", to_ledger="1", category="air")
    patrol = g.patrols.get()

    class Req:
        user = world["officer"]

    patrol_problems(Req, [patrol])
    assert patrol.problem_cell.url == f"/ledger/problems/{patrol.problem_id}/"
    reader = User.objects.create(username="projects-reader")
    role = Role.objects.create(code="projects_reader", name="项目查阅", kind="staff", permissions=["projects.view"])
    RoleAssignment.objects.create(user=reader, role=role)
    Req.user = reader
    patrol_problems(Req, [patrol])
    assert patrol.problem_cell == "已转问题台账" and not hasattr(patrol.problem_cell, "url")


# ---------------------------------------------------------------- the card on the dossier, the public page

@pytest.fixture
def card(world, firms):
    from envbureau.projects import cards
    from envbureau.projects.models import Card

    def make(firm="dc", colour="yellow", criterion="exceed_penalised", issue_on=None):
        c = cards.create_card(world["mgr"], Card(enterprise_id=firms[firm].pk, colour=colour, criterion=criterion,
                                                 reason="废水总铬超标排放,已处罚(内部备注:经办人张三)"))
        if issue_on:
            wf.apply(world["mgr"], c, "issue", issued_on=str(issue_on))
            c.refresh_from_db()
        return c

    return make


def _badges(html: str) -> list[str]:
    return re.findall(r"<a class=\"badge[^>]*data-eb-badge>([^<]+)</a>", html)


def test_dossier_shows_the_card_in_force(world, firms, card, client_for):
    url = f"/sources/enterprises/{firms['dc'].pk}/"
    dong = client_for("dongcheng")
    proposed = card()
    assert _badges(dong.get(url).content.decode()) == []  # proposed: not in force yet
    wf.apply(world["mgr"], proposed, "issue", issued_on=str(TODAY))
    proposed.refresh_from_db()
    html = dong.get(url).content.decode()
    assert _badges(html) == [f"黄牌警示({proposed.period})"]
    assert f'href="/projects/cards/{proposed.pk}/"' in html and "text-bg-warning" in html
    red = card(colour="red", criterion="ordered_closure", issue_on=TODAY)
    html = dong.get(url).content.decode()
    assert _badges(html) == [f"红牌警示({red.period})"] and "text-bg-danger" in html  # the graver card first
    wf.apply(world["mgr"], red, "remove", note="复查合格", removed_on=str(TODAY))
    assert _badges(dong.get(url).content.decode()) == [f"黄牌警示({proposed.period})"]
    wf.apply(world["mgr"], proposed, "remove", note="复查合格", removed_on=str(TODAY))
    assert _badges(dong.get(url).content.decode()) == []


def test_dossier_badge_follows_the_readers_scope(world, firms, card):
    from envbureau.core.models import User
    from envbureau.projects.cards import dossier_badge

    card("cy", issue_on=TODAY)
    assert dossier_badge(world["mgr"], firms["cy"])[0]["colour"] == "warning"
    assert dossier_badge(world["officer"], firms["cy"]) == []  # a Dongcheng officer does not read Chaoyang's cards
    assert dossier_badge(User.objects.get(username="dongcheng"), firms["dc"]) == []  # none in force there


def test_public_card_page_lists_what_was_published_and_nothing_more(world, firms, card):
    issued = card("dc", issue_on=TODAY)
    removed = card("cy", issue_on=TODAY)
    wf.apply(world["mgr"], removed, "remove", note="复查合格", removed_on=str(TODAY))
    card("dc", colour="red", criterion="ordered_closure")  # proposed only: never public
    withdrawn = card("cy", colour="red", criterion="ordered_closure")
    wf.apply(world["mgr"], withdrawn, "withdraw", note="证据不足")
    anon = Client()
    r = anon.get("/public/projects/cards/")
    assert r.status_code == 200
    html = r.content.decode()
    items = re.findall(r'<div class="fw-bold">([^<]+)</div>', html)
    assert sorted(items) == sorted(["东城示范电镀厂", "朝阳示范印染厂"])
    assert re.findall(r'<span class="badge text-bg-(?:danger|warning)">([^<]+)</span>', html) == ["黄牌", "黄牌"]
    assert "内部备注" not in html and "张三" not in html  # the reason staff wrote stays inside
    assert issued.criterion_label in html and "摘牌日期" in html
    # filters; an unknown value lists nothing rather than everything
    one = anon.get("/public/projects/cards/", {"state": "removed"}).content.decode()
    assert re.findall(r'<div class="fw-bold">([^<]+)</div>', one) == ["朝阳示范印染厂"]
    assert re.findall(r'<div class="fw-bold">([^<]+)</div>',
                      anon.get("/public/projects/cards/", {"colour": "purple"}).content.decode()) == []
    assert re.findall(r'<div class="fw-bold">([^<]+)</div>',
                      anon.get("/public/projects/cards/", {"state": "proposed"}).content.decode()) == []
    assert issued.period == removed.period  # both issued today
    assert len(re.findall(r'<div class="fw-bold">', anon.get("/public/projects/cards/",
                                                              {"period": issued.period}).content.decode())) == 2
    assert re.findall(r'<div class="fw-bold">', anon.get("/public/projects/cards/",
                                                         {"period": "1999年上半年"}).content.decode()) == []
    # the portal links to it
    assert "/public/projects/cards/" in anon.get("/public/").content.decode()


def test_evidence_photos_are_cleaned_by_core_images(world, settings, tmp_path):
    """projects' evidence goes through core.images (no copy of its own): a photo loses its EXIF, a PDF is
    kept as it came, a picture too large to be a photo is refused naming the field."""
    import io

    from PIL import Image

    from envbureau.core.images import strip_metadata

    exif = Image.Exif()
    exif[0x8825] = {2: (39.0, 54.0, 0.0), 4: (116.0, 24.0, 0.0)}
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, format="JPEG", exif=exif)
    clean, cleaned = strip_metadata(buf.getvalue(), field="files", max_pixels=10_000)
    assert cleaned and not Image.open(io.BytesIO(clean)).getexif()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    assert strip_metadata(pdf, field="files", max_pixels=10_000) == (pdf, False)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as e:
        strip_metadata(buf.getvalue(), field="files", max_pixels=1_000)
    assert "files" in e.value.message_dict
    import envbureau.projects.outfalls as outfalls

    assert not hasattr(outfalls, "strip_exif")
