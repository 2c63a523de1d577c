"""Project milestones (项目节点): late from the day after the due date while not done; shown as 逾期未完成 on the
project page, the milestone list and detail, and in the API (field and filter `overdue`), scoped as projects."""

import datetime as dt

from django.utils import timezone

from boundary import DAY, three


def test_is_late_on_the_boundary_and_never_once_done(world, new_project):
    from envbureau.projects.models import Milestone

    due = dt.date(2026, 6, 30)
    m = Milestone(project=new_project(), name="主体完工", due=due)
    assert three(m.is_late, due, DAY) == (False, False, True)  # the due day itself is still in time
    m.done_on = due + dt.timedelta(days=5)
    assert three(m.is_late, due, DAY) == (False, False, False)


def test_overdue_is_judged_on_todays_date(world, new_project):
    from envbureau.projects.models import Milestone

    today = timezone.localdate()
    p = new_project()

    def overdue(due):
        return Milestone(project=p, name="节点", due=due).overdue

    assert three(overdue, today, DAY) == (True, False, False)  # due yesterday / today / tomorrow


def _three_milestones(project):
    today = timezone.localdate()
    return [project.milestones.create(name=name, due=today + dt.timedelta(days=d), done_on=done)
            for name, d, done in [("招标完成", -1, None), ("设备进场", 0, None), ("主体完工", 1, None),
                                  ("立项批复", -30, today - dt.timedelta(days=31))]]


def test_pages_show_overdue_and_filter_it(world, new_project, client_for):
    import html

    p = new_project()
    late, due_today, _tomorrow, done = _three_milestones(p)
    c = client_for("dongcheng")
    page = c.get(f"/projects/projects/{p.pk}/").content.decode()
    assert page.count("逾期未完成</span>") == 1  # only 招标完成 (due yesterday)
    listed = c.get("/projects/milestones/?overdue=true").content.decode()
    assert "招标完成" in listed and "设备进场" not in listed and "立项批复" not in listed
    everything = c.get("/projects/milestones/?overdue=false").content.decode()
    assert "设备进场" in everything and "立项批复" in everything and "招标完成" not in everything
    detail = c.get(f"/projects/milestones/{late.pk}/").content.decode()
    assert "逾期未完成" in detail and html.escape(p.name) in detail
    assert c.get(f"/projects/milestones/{new_project(jur='cy').milestones.create(name='x', due='2026-01-01').pk}/"
                 ).status_code == 404


def test_api_overdue_field_filter_and_scope(world, new_project, client_for):
    p = new_project()
    late, due_today, tomorrow, done = _three_milestones(p)
    other = new_project(jur="cy", name="朝阳项目")
    hidden = other.milestones.create(name="朝阳节点", due=timezone.localdate() - dt.timedelta(days=3))
    c = client_for("dongcheng")
    rows = {r["name"]: r["overdue"] for r in c.get("/api/v1/projects/milestones/?page_size=100").json()["results"]}
    assert rows == {"招标完成": True, "设备进场": False, "主体完工": False, "立项批复": False}  # no 朝阳节点
    assert [r["id"] for r in c.get("/api/v1/projects/milestones/?overdue=true").json()["results"]] == [late.pk]
    assert c.get(f"/api/v1/projects/milestones/{hidden.pk}/").status_code == 404
    mgr = client_for("pm")
    assert mgr.get("/api/v1/projects/milestones/?overdue=1").json()["count"] == 2  # both districts for the bureau
    r = mgr.post("/api/v1/projects/milestones/", {"project": p.pk, "name": "竣工验收", "due": "2026-02-30"},
                 content_type="application/json")
    assert r.status_code == 400 and "due" in r.json()["error"]["fields"]
    r = mgr.patch(f"/api/v1/projects/milestones/{late.pk}/", {"done_on": str(timezone.localdate())},
                  content_type="application/json")
    assert r.status_code == 200 and r.json()["overdue"] is False  # done: no longer late
