"""Whose figures the projects statistics count: a reader's own area by default (a district or street officer its
district or street, never the city), an area outside it refused (400), an account without an area (an enterprise
given projects rights) refused (403) with the menu entries hidden — and a campaign's statistics, read by an officer
whose area does not cover the campaign, count and name the officer's own part.

Hand-built records (2026):
  projects   东城区 1, 东华门街道 1, 朝阳区 1      → city 3, 东城区 2, 东华门街道 1
  grids      东华门街道 2, 朝外街道 1              → city 3, 东城区 2, 东华门街道 2
  outfalls   东城区 2, 朝阳区 1                    → city 3, 东城区 2, 东华门街道 0
  campaign (city-wide) targets: 东华门街道 1, 东四街道 1, 朝阳区 1
"""

import datetime as dt

import pytest
from django.test import Client

TODAY = dt.date.today()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def data(world, new_project, settings, tmp_path):
    from envbureau.core.models import Jurisdiction, User
    from envbureau.projects import campaigns, grids, outfalls
    from envbureau.projects.models import Campaign, CampaignTarget, Grid, Outfall, Project

    settings.MEDIA_ROOT = tmp_path
    street = Jurisdiction.objects.get(code="110101001000")
    dongsi = Jurisdiction.objects.get(code="110101007000")
    chaowai = Jurisdiction.objects.get(code="110105010000")
    new_project(name="东城区项目")
    p = new_project(name="东华门项目")
    Project.objects.filter(pk=p.pk).update(jurisdiction=street)
    new_project(jur="cy", name="朝阳区项目")
    mgr = world["mgr"]
    for code, jur in (("G-1", street), ("G-2", street), ("G-3", chaowai)):
        grids.create_grid(mgr, Grid(code=code, name=f"{code}网格", level=3, jurisdiction=jur, head="王"), {})
    for code, jur in (("O-1", "dc"), ("O-2", "dc"), ("O-3", "cy")):
        outfalls.create_outfall(mgr, Outfall(code=code, name=f"{code}排口", type1="other", type2="城镇雨洪排口",
                                             jurisdiction=world[jur], receiving_water="北护城河", target_class=4,
                                             basin="北运河流域"))
    c = campaigns.create_campaign(mgr, Campaign(
        code="SLW2026", name="2026年散乱污企业整治", kind="sanluanwu", jurisdiction=world["dc"].parent,
        start=TODAY - dt.timedelta(days=100), deadline=TODAY + dt.timedelta(days=100), category="air"))
    for name, jur in (("东华门小作坊", street), ("东四小作坊", dongsi), ("朝阳小作坊", world["cy"])):
        campaigns.create_target(mgr, CampaignTarget(campaign=c, name=name, address=f"{name}地址", jurisdiction=jur,
                                                    target_class="close", due=c.deadline, lead_unit="街道办"))
    return {**world, "campaign": c, "donghuamen": User.objects.get(username="donghuamen")}


def _api(user, path):
    r = _client(user).get(path)
    assert r.status_code == 200, (path, r.status_code, r.content[:300])
    return r.json()


@pytest.mark.parametrize("who, code, projects, grids, outfalls", [
    ("mgr", "110000", 3, 3, 3), ("officer", "110101", 2, 2, 2), ("donghuamen", "110101001000", 1, 2, 0)])
def test_each_reader_counts_its_own_area_by_default(data, who, code, projects, grids, outfalls):
    u = data[who]
    s = _api(u, "/api/v1/projects/statistics/?year=2026")
    assert (s["jurisdiction"], s["summary"]["planned"]) == (code, projects)
    g = _api(u, "/api/v1/projects/grids/statistics/")
    assert (g["jurisdiction"], g["total"]["grids"]) == (code, grids)
    o = _api(u, "/api/v1/projects/outfalls/statistics/")
    assert (o["jurisdiction"], o["summary"]["found"]) == (code, outfalls)
    page = _client(u).get("/projects/statistics/?year=2026").content.decode()
    name = {"110000": "北京市", "110101": "东城区", "110101001000": "东华门街道"}[code]
    assert f"2026年{name}排定污染防治工程项目{projects}项" in page


def test_an_officers_area_breakdown_and_a_wider_area_refused(data):
    c = _client(data["officer"])
    s = c.get("/api/v1/projects/statistics/?year=2026").json()
    assert [(r["label"], r["planned"]) for r in s["by_area"]] == [("东城区", 1), ("东华门街道", 1)]
    assert c.get("/api/v1/projects/statistics/?year=2026&jurisdiction=110101001000").json()["summary"]["planned"] == 1
    for url in ("/projects/statistics/", "/api/v1/projects/statistics/", "/projects/grids/statistics/",
                "/api/v1/projects/grids/statistics/", "/projects/outfalls/statistics/",
                "/api/v1/projects/outfalls/statistics/", "/api/v1/projects/outfalls/map/"):
        for code in ("110000", "110105"):
            assert c.get(f"{url}?jurisdiction={code}").status_code == 400, (url, code)


def test_an_account_without_an_area_reads_no_projects_statistics(data):
    from envbureau.core.models import Role, RoleAssignment, User
    from envbureau.projects.models import Project
    from envbureau.sources.models import Enterprise

    e = Enterprise.objects.create(credit_code="91110101MA01DDDD4X", name="东城项目企业", jurisdiction=data["dc"])
    Project.objects.filter(name="东城区项目").update(enterprise_id=e.pk)
    role = Role.objects.create(code="ent_projects", name="企业(攻坚项目)", kind="enterprise",
                               permissions=["projects.view"])
    u = User.objects.create(username="ent_projects")
    RoleAssignment.objects.create(user=u, role=role, enterprise_id=e.pk)
    c = _client(u)
    assert c.get("/api/v1/projects/projects/").json()["count"] == 1  # it does read its own project
    for url in ("/projects/statistics/", "/projects/statistics/?jurisdiction=110000", "/api/v1/projects/statistics/",
                "/projects/grids/statistics/", "/api/v1/projects/grids/statistics/", "/projects/outfalls/statistics/",
                "/api/v1/projects/outfalls/statistics/", "/api/v1/projects/outfalls/map/"):
        assert c.get(url).status_code == 403, url
    home = c.get("/").content.decode()
    assert 'href="/projects/projects/"' in home
    for url in ("/projects/statistics/", "/projects/grids/statistics/", "/projects/outfalls/statistics/"):
        assert f'href="{url}"' not in home, url
    assert 'href="/projects/statistics/"' in _client(data["officer"]).get("/").content.decode()


@pytest.mark.parametrize("who, total, areas, named", [
    ("mgr", 3, [("东城区", 2), ("朝阳区", 1)], "2026年散乱污企业整治:"),
    ("officer", 2, [("东华门街道", 1), ("东四街道", 1)], "2026年散乱污企业整治(东城区):"),
    ("donghuamen", 1, [("东华门街道", 1)], "2026年散乱污企业整治(东华门街道):")])
def test_campaign_statistics_count_and_name_the_readers_part(data, who, total, areas, named):
    c = _client(data[who])
    pk = data["campaign"].pk
    s = c.get(f"/api/v1/projects/campaigns/{pk}/statistics/").json()
    assert s["total"]["total"] == total
    assert [(r["label"], r["total"]) for r in s["by_area"]] == areas
    assert s["sentence"].startswith(f"{named}列入整治清单{total}家(处)")
    page = c.get(f"/projects/campaigns/{pk}/statistics/").content.decode()
    assert s["sentence"] in page
    assert ("统计范围:本专项行动在" in page) == (who != "mgr")
