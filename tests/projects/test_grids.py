"""Grid supervision: levels and patrol frequencies as configuration, the next patrol as the officers' task with
its due date, patrols from a phone (location, photos without EXIF), findings → ledger problems, coverage."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from boundary import DAY, three
from envbureau.core import workflow as wf

TODAY = dt.date.today()


def jpeg_with_gps() -> bytes:
    from PIL import Image

    im = Image.new("RGB", (8, 8), (10, 120, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {2: (39.0, 54.0, 0.0), 4: (116.0, 24.0, 0.0)}
    buf = io.BytesIO()
    im.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


@pytest.fixture
def grid(world, settings, tmp_path):
    from envbureau.core.models import Jurisdiction, User
    from envbureau.projects import grids
    from envbureau.projects.models import Grid

    settings.MEDIA_ROOT = tmp_path
    street = Jurisdiction.objects.get(code="110101001000")
    officer = User.objects.get(username="donghuamen")

    def make(code="G-001", level=3, parent=None, frequency=None, officers=(officer,)):
        return grids.create_grid(world["mgr"], Grid(code=code, name=f"{code}网格", level=level, parent=parent,
                                                    jurisdiction=street, head="王网格长", frequency_days=frequency),
                                 {"officers": list(officers)})

    return make


def test_next_patrol_is_the_officers_task_due_by_level_frequency(world, grid):
    from envbureau.core.models import Task, User
    from envbureau.core.notify import tasks_for
    from envbureau.projects.models import Grid

    g = grid(level=3)  # level 3: every 2 days (config)
    Grid.objects.filter(pk=g.pk).update(created_at=dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC))
    g.refresh_from_db()
    assert g.next_due() == dt.date(2026, 5, 3)
    officer = User.objects.get(username="donghuamen")
    wf.apply(officer, g, "patrol", patrol_on="2026-05-02", visited="餐饮店3家", longitude="116.39", latitude="39.91")
    assert (g.last_patrol_on, g.next_due()) == (dt.date(2026, 5, 2), dt.date(2026, 5, 4))
    task = Task.objects.get(model="projects.grid", object_id=str(g.pk), is_open=True)
    assert (task.action, task.due_date, task.assignee_user_id) == ("网格巡查", dt.date(2026, 5, 4), officer.pk)
    assert tasks_for(officer).filter(pk=task.pk).exists()
    assert not tasks_for(world["officer"]).filter(pk=task.pk).exists()  # the district officer is not its officer

    def overdue(day):
        from envbureau.projects import grid_stats

        return grid_stats.statistics(None, world["dc"], today=day)["total"]["overdue"]

    assert three(overdue, dt.date(2026, 5, 4), DAY) == (0, 0, 1)


def test_level_frequencies_are_configuration(world, grid, settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "PROJECTS": {"patrol_frequency_days": {"1": 7, "2": 3, "3": 1}}}
    assert grid(level=3).frequency() == 1
    assert grid(code="G-2", level=3, frequency=5).frequency() == 5  # the grid's own setting wins
    with pytest.raises(ValidationError):
        grid(code="G-3", level=4)  # only the configured levels


def test_only_its_officers_patrol_and_findings_become_problems(world, grid, client_for):
    from PIL import Image

    from envbureau.core.models import User
    from envbureau.ledger.models import Problem
    from envbureau.projects.models import Evidence

    g = grid()
    with pytest.raises(PermissionDenied):
        wf.apply(world["officer"], g, "patrol")  # a district officer who is not the grid's officer
    officer = User.objects.get(username="donghuamen")
    with pytest.raises(ValidationError) as e:
        wf.apply(officer, g, "patrol", patrol_on=str(TODAY + dt.timedelta(days=1)))
    assert "patrol_on" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        wf.apply(officer, g, "patrol", longitude="116.3")
    assert "latitude" in e.value.message_dict
    wf.apply(officer, g, "patrol", findings="某餐馆油烟直排", to_ledger="1", category="air",
             files=[SimpleUploadedFile("油烟.jpg", jpeg_with_gps(), "image/jpeg")])
    p = g.patrols.get()
    problem = Problem.objects.get(pk=p.problem_id)
    assert (problem.source, problem.category, problem.jurisdiction.code) == ("patrol", "air", "110101001000")
    assert (problem.source_model, problem.source_pk) == ("projects.patrol", str(p.pk))
    ev = Evidence.objects.get(model="projects.grid")
    with ev.file.open("rb") as f, Image.open(f) as im:
        assert not im.getexif()


def test_patrol_page_on_a_phone(world, grid, client_for):
    g = grid()
    c = client_for("donghuamen")
    r = c.get(f"/projects/grids/{g.pk}/patrol/")
    html = r.content.decode()
    assert r.status_code == 200 and 'capture="environment"' in html and "获取当前位置" in html
    assert 'name="viewport"' in html  # base layout scales to the phone's width
    assert "<table" not in html.split("<main", 1)[-1]  # nothing wide on the patrol page itself
    r = c.post(f"/projects/grids/{g.pk}/patrol/", {"visited": "工地2处", "longitude": "116.39", "latitude": "39.91"})
    assert r.status_code == 302 and g.patrols.count() == 1
    r = c.post(f"/projects/grids/{g.pk}/patrol/", {"longitude": "999", "latitude": "39.91"}, follow=True)
    assert "坐标超出范围" in r.content.decode() and g.patrols.count() == 1
    assert client_for("dongcheng").post(f"/projects/grids/{g.pk}/patrol/", {}).status_code == 403


def test_coverage_statistics(world, grid):
    from envbureau.core.models import User
    from envbureau.projects import grid_stats
    from envbureau.projects.models import Grid

    officer = User.objects.get(username="donghuamen")
    a, b, c = grid("A"), grid("B"), grid("C", frequency=30)
    Grid.objects.filter(pk__in=[a.pk, b.pk, c.pk]).update(created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    for x in (a, b, c):
        x.refresh_from_db()
    wf.apply(officer, a, "patrol", patrol_on="2026-05-09", findings="渣土车未苫盖")
    s = grid_stats.statistics(None, world["dc"], since=dt.date(2026, 5, 1), until=dt.date(2026, 5, 31),
                              today=dt.date(2026, 5, 10))
    # A patrolled yesterday (due 05-11), B never (due 01-03), C never but monthly (due 01-31): 1 of 3 covered.
    assert (s["total"]["grids"], s["total"]["covered"], s["total"]["overdue"], s["total"]["coverage"]) == \
        (3, 1, 2, "33.3")
    assert (s["patrols"]["n"], s["patrols"]["found"], s["patrols"]["problems"]) == (1, 1, 0)


def test_finding_follows_up_a_complaint_both_ways(world, grid, client_for):
    """A patrol's finding hands off to a complaint being handled: the complaint's timeline gets the finding with a
    link back to the patrol and its photos, its open step's holder is told; the patrol links to the complaint.
    Only complaints the officer may handle and that are still open can be followed up."""
    from envbureau.complaints import services as complaints
    from envbureau.complaints.models import Complaint
    from envbureau.core.models import Jurisdiction, Notification, Role, RoleAssignment, TimelineEvent, User

    office = User.objects.get(username="petition")
    role, _c = Role.objects.get_or_create(code="complaints_office", defaults={
        "name": "信访办理人员", "kind": "staff", "permissions": ["*.view", "complaints.*"]})
    RoleAssignment.objects.get_or_create(user=office, role=role)

    def complaint(code, title):
        return complaints.register(None, Complaint(
            jurisdiction=Jurisdiction.objects.get(code=code), channel="hotline", track="clue", category="air",
            title=title, content=title, location="东华门大街1号"), suggest=False)

    ours, elsewhere, declined = complaint("110101001000", "餐馆油烟扰民"), complaint("110105", "朝阳工地扬尘"), \
        complaint("110101001000", "已不予受理的件")
    wf.apply(None, declined, "decline", decline_reason="不属于本部门职责")
    g = grid()
    officer = User.objects.get(username="donghuamen")
    for ref, field in ((elsewhere.pk, "complaint"), (declined.pk, "complaint"), ("XF-none", "complaint")):
        with pytest.raises(ValidationError) as e:
            wf.apply(officer, g, "patrol", findings="油烟直排", complaint=str(ref))
        assert field in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        wf.apply(officer, g, "patrol", visited="某餐馆", complaint=str(ours.pk))  # nothing found, nothing to hand off
    assert "findings" in e.value.message_dict
    assert g.patrols.count() == 0  # each refusal left nothing behind

    c = client_for("donghuamen")
    page = c.get(f"/projects/grids/{g.pk}/patrol/").content.decode()
    assert ours.number in page and elsewhere.number not in page and declined.number not in page
    r = c.post(f"/projects/grids/{g.pk}/patrol/", {"findings": "油烟净化器未开启,直排", "complaint": str(ours.pk),
                                                   "files": SimpleUploadedFile("现场.jpg", jpeg_with_gps(), "image/jpeg")})
    assert r.status_code == 302
    p = g.patrols.get()
    assert (p.complaint_id, p.complaint_number, p.problem_id) == (ours.pk, ours.number, None)
    ours.refresh_from_db()
    assert ours.state == "registered"  # a follow-up neither moves nor closes the complaint's own step
    ev = TimelineEvent.objects.filter(model="complaints.complaint", object_id=str(ours.pk)).latest("id")
    assert (ev.verb, ev.note, ev.actor_id) == ("follow_up", "油烟净化器未开启,直排", officer.pk)
    assert ev.attachments[0]["url"] == f"/projects/patrols/{p.pk}/"
    assert len(ev.attachments) == 2 and ev.attachments[1]["url"].startswith("/projects/evidence/")
    told = Notification.objects.get(recipient=office, kind="complaints.follow_up")
    assert told.url == f"/complaints/{ours.pk}/" and ours.number in told.message
    assert not Notification.objects.filter(recipient=officer, kind="complaints.follow_up").exists()

    detail = c.get(f"/complaints/{ours.pk}/").content.decode()
    assert "网格巡查跟进" in detail and f"/projects/patrols/{p.pk}/" in detail
    back = c.get(f"/projects/patrols/{p.pk}/").content.decode()
    assert f"/complaints/{ours.pk}/" in back and ours.number in back


def test_grids_and_patrols_through_the_api(world, grid, client_for):
    from envbureau.core.models import Jurisdiction, User

    officer = User.objects.get(username="donghuamen")
    mgr = client_for("admin")
    street = Jurisdiction.objects.get(code="110101001000")
    r = mgr.post("/api/v1/projects/grids/", {"code": "API-1", "name": "接口网格", "level": 3,
                                             "jurisdiction": street.pk, "officers": [officer.pk]},
                 content_type="application/json")
    assert r.status_code == 201, r.content
    g = r.json()
    assert (g["level_label"], g["state"], g["officers"]) == ("三级网格", "active", [officer.pk])
    phone = client_for("donghuamen")
    r = phone.post(f"/api/v1/projects/grids/{g['id']}/patrol/", {
        "visited": "建筑工地1处", "findings": "裸土未苫盖", "longitude": "116.401", "latitude": "39.913",
        "files": SimpleUploadedFile("现场.jpg", jpeg_with_gps(), "image/jpeg")})
    assert r.status_code == 201, r.content
    p = r.json()
    assert (p["grid"], p["officer"], p["longitude"], p["findings"]) == (g["id"], officer.pk, 116.401, "裸土未苫盖")
    r = phone.post(f"/api/v1/projects/grids/{g['id']}/patrol/", {"longitude": "116.4"})
    assert r.status_code == 400 and "latitude" in r.json()["error"]["fields"]
    assert client_for("dongcheng").post(f"/api/v1/projects/grids/{g['id']}/patrol/", {}).status_code == 403
    assert [x["id"] for x in phone.get("/api/v1/projects/patrols/?found=true").json()["results"]] == [p["id"]]
    other = grid("CY-1", officers=())
    other.jurisdiction = world["cy"]
    other.save()
    assert phone.get(f"/api/v1/projects/grids/{other.pk}/").status_code == 404


def test_grid_officer_trainings_counted_with_a_link_to_their_records(world, client_for):
    """"网格化管理…开展网格员培训7次": trainings are recorded on their page (a manager adds one through the form)
    and counted, with their trainees, for the area and period on the coverage page, the count linking to the
    same records; a district officer sees only their area's."""
    from envbureau.core.models import Jurisdiction
    from envbureau.projects import grid_stats
    from envbureau.projects.models import GridTraining

    street = Jurisdiction.objects.get(code="110101001000")
    mgr = client_for("pm")
    r = mgr.post("/projects/grid-trainings/add/", {"jurisdiction": street.pk, "held_on": "2026-05-06",
                                                    "topic": "巡查App使用与问题上报", "trainees": "32",
                                                    "organiser": "东城区生态环境局"})
    assert r.status_code == 302, r.content.decode()[:500]
    for jur, on, n in ((world["dc"], "2026-05-31", 18), (world["dc"], "2026-06-01", 40),  # the day after: out
                       (world["cy"], "2026-05-10", 25)):  # another district
        GridTraining.objects.create(jurisdiction=jur, held_on=on, topic="网格员业务培训", trainees=n)
    GridTraining.objects.create(jurisdiction=world["dc"], held_on="2026-04-30", topic="上月", trainees=9)
    s = grid_stats.statistics(None, world["dc"], since=dt.date(2026, 5, 1), until=dt.date(2026, 5, 31))
    assert (s["trainings"]["n"], s["trainings"]["trainees"]) == (2, 50)
    city = Jurisdiction.objects.get(code="110000")
    assert grid_stats.statistics(None, city, since=dt.date(2026, 5, 1), until=dt.date(2026, 5, 31))[
        "trainings"]["n"] == 3
    page = mgr.get("/projects/grids/statistics/?jurisdiction=110101&since=2026-05-01&until=2026-05-31")
    assert page.status_code == 200
    url = s["trainings"]["url"]
    assert f'href="{url.replace("&", "&amp;")}"' in page.content.decode()
    listed = mgr.get(url)
    assert listed.context["page"].paginator.count == 2
    assert {o.topic for o in listed.context["page"].object_list} == {"巡查App使用与问题上报", "网格员业务培训"}
    # scoping: the 东城区 officer never sees 朝阳区's training
    dc = client_for("dongcheng")
    assert dc.get("/projects/grid-trainings/?since=2026-05-01&until=2026-05-31").context["page"].paginator.count == 2
    other = GridTraining.objects.get(jurisdiction=world["cy"])
    assert dc.get(f"/projects/grid-trainings/{other.pk}/").status_code == 404


def test_coverage_numbers_click_through_to_the_same_records(world, grid, client_for):
    """Each number of the coverage page lists exactly the records it counts: active grids (not a retired one),
    covered and overdue ones, patrols with findings, patrols turned into problems (the boolean links used to
    carry "=1", which the filter ignored, so they listed everything)."""
    from envbureau.core.models import User
    from envbureau.projects import grid_stats
    from envbureau.projects.models import Grid

    officer = User.objects.get(username="donghuamen")
    a, b, d = grid("A"), grid("B"), grid("D")
    Grid.objects.filter(pk__in=[a.pk, b.pk, d.pk]).update(created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    Grid.objects.filter(pk=d.pk).update(state="retired")
    a.refresh_from_db()
    wf.apply(officer, a, "patrol", patrol_on=TODAY.isoformat(), findings="渣土车未苫盖")
    a.refresh_from_db()
    wf.apply(officer, a, "patrol", patrol_on=TODAY.isoformat(), findings="")
    s = grid_stats.statistics(None, world["dc"])
    t, p = s["total"], s["patrols"]
    assert (t["grids"], t["covered"], t["overdue"], p["n"], p["found"], p["problems"]) == (2, 1, 1, 2, 1, 0)
    c = client_for("pm")

    def listed(url):
        r = c.get(url)
        assert r.status_code == 200, url
        return sorted(str(o.pk) for o in r.context["page"].object_list)

    assert listed(t["url"]) == sorted([str(a.pk), str(b.pk)])
    assert listed(t["covered_url"]) == [str(a.pk)]
    assert listed(t["overdue_url"]) == [str(b.pk)]
    assert len(listed(p["url"])) == 2 and len(listed(p["found_url"])) == 1 and listed(p["problems_url"]) == []
    for row in [*s["by_level"], *s["by_area"]]:
        assert len(listed(row["url"])) == row["grids"]
        assert len(listed(row["covered_url"])) == row["covered"]
        assert len(listed(row["overdue_url"])) == row["overdue"]
    page = c.get("/projects/grids/statistics/?jurisdiction=110101").content.decode()
    for url in (t["covered_url"], t["overdue_url"], p["found_url"]):
        assert f'href="{url.replace("&", "&amp;")}"' in page


def test_overdue_filter_on_the_list_and_the_api(world, grid, client_for):
    """?overdue=true|false on the grid list and the API (both join the area: the filter's own query must not
    defer it; it answered 500)."""
    from envbureau.projects.models import Grid

    a, b = grid("A"), grid("B")
    Grid.objects.filter(pk=b.pk).update(created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    c = client_for("pm")
    for value, expect in (("true", [b.pk]), ("false", [a.pk])):
        r = c.get(f"/projects/grids/?overdue={value}")
        assert r.status_code == 200 and [o.pk for o in r.context["page"].object_list] == expect, value
        r = c.get(f"/api/v1/projects/grids/?overdue={value}")
        assert r.status_code == 200 and [g["id"] for g in r.json()["results"]] == expect, value


def test_statistics_api_and_excel_answer_what_the_page_counts(world, grid, client_for):
    """GET /api/v1/projects/grids/statistics/ gives the page's figures for the user's scope (a district officer
    asking for another district gets nothing of it; a bad date is a 400; an account without projects.view
    is refused); the page exports the same figures to Excel."""
    import io

    import openpyxl

    from envbureau.core.models import User
    from envbureau.projects import grid_stats
    from envbureau.projects.models import Grid

    officer = User.objects.get(username="donghuamen")
    a, b = grid("A"), grid("B")
    Grid.objects.filter(pk__in=[a.pk, b.pk]).update(created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    a.refresh_from_db()
    wf.apply(officer, a, "patrol", patrol_on=TODAY.isoformat(), findings="渣土车未苫盖")
    s = grid_stats.statistics(None, world["dc"])
    c = client_for("pm")
    r = c.get("/api/v1/projects/grids/statistics/?jurisdiction=110101")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["total"]["grids"], body["total"]["covered"], body["total"]["overdue"], body["patrols"]["n"],
            body["patrols"]["found"]) == (2, 1, 1, 1, 1) == (s["total"]["grids"], s["total"]["covered"],
                                                              s["total"]["overdue"], s["patrols"]["n"],
                                                              s["patrols"]["found"])
    assert body["total"]["overdue_url"] == s["total"]["overdue_url"] and body["by_level"] and body["by_area"]
    assert c.get("/api/v1/projects/grids/statistics/?since=2026-13-01").status_code == 400
    assert c.get("/api/v1/projects/grids/statistics/?since=2026-06-02&until=2026-06-01").status_code == 400
    # scoping: the street officer's own area counts its grids; 朝阳区 is outside and counts none of them
    dc = client_for("donghuamen").get("/api/v1/projects/grids/statistics/").json()
    assert dc["total"]["grids"] == 2
    out = client_for("dongcheng").get("/api/v1/projects/grids/statistics/?jurisdiction=110105")
    assert out.status_code in (400, 403, 404) or out.json()["total"]["grids"] == 0
    User.objects.create(username="no_projects")  # holds no projects.view (like an enterprise account)
    assert client_for("no_projects").get("/api/v1/projects/grids/statistics/").status_code == 403
    schema = c.get("/api/schema/").content.decode()
    assert "/api/v1/projects/grids/statistics/" in schema
    x = c.get(f"/projects/grids/statistics/?jurisdiction=110101&since={TODAY.replace(day=1)}&until={TODAY}"
              "&export=xlsx")
    assert x.status_code == 200 and x.content.startswith(b"PK")
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    totals = {row[0]: row[1] for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert (totals["在用网格"], totals["逾期未巡查"], totals["巡查次数"]) == (2, 1, 1)
    assert any(str(r[0]).startswith("属地:") for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True))


def test_statistics_ask_anonymous_visitors_to_sign_in(db):
    from django.test import Client

    page = Client().get("/projects/grids/statistics/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert Client().get("/api/v1/projects/grids/statistics/").status_code in (401, 403)


def test_levels_and_patrol_frequency_are_configuration_per_jurisdiction(world, settings, client_for):
    """As the 时间过半 settings (test_project_stats.py): a jurisdiction's entry applies to its grids and those below
    it. 朝阳区 has a fourth level and patrols level 3 daily; 东城区 keeps the defaults (three levels, level 3 every
    2 days)."""
    from envbureau.core.models import Jurisdiction
    from envbureau.projects import grid_stats, grids
    from envbureau.projects.models import Grid

    settings.ENVBUREAU = {**settings.ENVBUREAU, "PROJECTS": {"jurisdictions": {"110105": {
        "grid_levels": {"4": "四级网格(楼院)"}, "patrol_frequency_days": {"3": 1, "4": 1}}}}}
    dc = Jurisdiction.objects.get(code="110101001000")
    cy = world["cy"]

    def make(code, jur, level):
        return grids.create_grid(world["mgr"], Grid(code=code, name=f"{code}网格", level=level, jurisdiction=jur))

    g_dc, g_cy = make("DC-3", dc, 3), make("CY-3", cy, 3)
    assert (g_dc.frequency(), g_cy.frequency()) == (2, 1)
    g4 = make("CY-4", cy, 4)
    assert (g4.level_label, g4.frequency()) == ("四级网格(楼院)", 1)
    with pytest.raises(ValidationError) as e:
        make("DC-4", dc, 4)  # 东城区 has three levels
    assert "level" in e.value.message_dict and "1、2、3" in str(e.value.message_dict["level"])

    day = dt.date(2026, 5, 10)
    for g in (g_dc, g_cy, g4):
        Grid.objects.filter(pk=g.pk).update(last_patrol_on=day)
        g.refresh_from_db()
    assert (g_dc.next_due(), g_cy.next_due()) == (day + 2 * DAY, day + DAY)
    # overdue from the day after the next due date: 朝阳区's grid a day sooner
    assert three(lambda today: g_cy.next_due() < today, day + DAY, DAY) == (False, False, True)
    assert three(lambda today: g_dc.next_due() < today, day + 2 * DAY, DAY) == (False, False, True)
    s = grid_stats.statistics(None, cy, today=day + 2 * DAY)
    assert [(r["label"], r["grids"], r["overdue"]) for r in s["by_level"]] == [("三级网格", 1, 1),
                                                                             ("四级网格(楼院)", 1, 1)]
    assert grid_stats.statistics(None, dc.parent, today=day + 2 * DAY)["total"]["overdue"] == 0
    # the list's overdue filter (and the API's) judges each grid by its own area's interval
    Grid.objects.filter(pk__in=[g_dc.pk, g_cy.pk, g4.pk]).update(last_patrol_on=TODAY - 2 * DAY)
    api = client_for("admin")
    late = {r["code"] for r in api.get("/api/v1/projects/grids/?overdue=true&page_size=50").json()["results"]}
    assert {"CY-3", "CY-4"} <= late and "DC-3" not in late
    # the form offers every configured level; the model checks the chosen area's
    page = client_for("pm").get("/projects/grids/add/").content.decode()
    assert "四级网格(楼院)" in page
    r = client_for("pm").post("/projects/grids/add/", {"code": "DC-4B", "name": "东城四级", "level": 4,
                                                       "jurisdiction": dc.pk})
    assert r.status_code == 400 and "网格层级应为 1、2、3" in r.content.decode()


def test_a_patrols_step_reads_in_the_readers_language(world, grid):
    """A patrol recorded from an English page: its timeline step reads "巡查 <day>" to a Chinese reader."""
    from django.utils import translation

    from envbureau.core.models import User

    g = grid(level=3)
    officer = User.objects.get(username="donghuamen")
    with translation.override("en"):
        wf.apply(officer, g, "patrol", patrol_on="2026-05-02", visited="餐饮店3家")
    with translation.override("zh-hans"):
        assert [e["step"] for e in wf.timeline(g) if e["verb"] == "patrol"] == ["巡查 2026-05-02"]
    with translation.override("en"):
        assert [e["step"] for e in wf.timeline(g) if e["verb"] == "patrol"] == ["Patrol 2026-05-02"]


def test_a_follow_up_from_an_english_page_names_the_patrol_in_chinese(world, grid):
    """The link a patrol leaves on the complaint is stored text: Chinese whoever patrolled."""
    from django.utils import translation

    from envbureau.complaints import services as complaints
    from envbureau.complaints.models import Complaint
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, TimelineEvent, User

    ours = complaints.register(None, Complaint(
        jurisdiction=Jurisdiction.objects.get(code="110101001000"), channel="hotline", track="clue", category="air",
        title="餐馆油烟扰民", content="餐馆油烟扰民", location="东华门大街1号"), suggest=False)
    role, _c = Role.objects.get_or_create(code="complaints_office", defaults={
        "name": "信访办理人员", "kind": "staff", "permissions": ["*.view", "complaints.*"]})
    RoleAssignment.objects.get_or_create(user=User.objects.get(username="petition"), role=role)
    g = grid()
    with translation.override("en"):
        wf.apply(User.objects.get(username="donghuamen"), g, "patrol", patrol_on="2026-05-02",
                 findings="油烟直排", complaint=str(ours.pk))
    ev = TimelineEvent.objects.filter(model="complaints.complaint", object_id=str(ours.pk), verb="follow_up").get()
    assert ev.attachments[0]["name"] == f"网格巡查记录:{g.name} 2026-05-02"
