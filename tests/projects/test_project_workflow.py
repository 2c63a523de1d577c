"""The project and fund loops on the kit: who may act, in which state, what each step leaves behind; monthly
reports as tasks of the owner unit with the overdue flag; performance evaluation with configured weights."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from boundary import DAY, three
from envbureau.core import workflow as wf


def _tasks_of(user):
    from envbureau.core.notify import tasks_for

    return list(tasks_for(user))


def test_project_loop_start_report_finish_accept_evaluate(world, new_project):
    from envbureau.core.models import TimelineEvent
    from envbureau.projects.models import ProgressReport

    p = new_project()
    assert p.code.startswith("XM2026-") and p.state == "planned"
    officer, mgr = world["officer"], world["mgr"]
    # The first step waits for the owner unit, due on the planned start.
    mine = [t for t in _tasks_of(officer) if t.object_id == str(p.pk)]
    assert [(t.action, t.due_date) for t in mine] == [("开工实施", dt.date(2026, 3, 1))]
    with pytest.raises(ValidationError):
        wf.apply(officer, p, "finish")  # not started yet
    wf.apply(officer, p, "start", started_on="2026-03-05")
    assert p.state == "in_progress" and p.started_on == dt.date(2026, 3, 5)
    with pytest.raises(ValidationError) as e:
        wf.apply(officer, p, "report", month="2026-04")  # the progress text is required
    assert "note" in e.value.message_dict
    wf.apply(officer, p, "report", note="完成设备招标", month="2026-04", investment_completed="300000", stage="招标")
    assert p.investment_completed == Decimal("300000.00")
    r = ProgressReport.objects.get(project=p)
    assert (r.month, r.due, r.stage, r.progress) == (dt.date(2026, 4, 1), dt.date(2026, 5, 5), "招标", "完成设备招标")
    with pytest.raises(ValidationError) as e:
        wf.apply(officer, p, "report", note="重复", month="2026-04")
    assert "month" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        wf.apply(officer, p, "report", note="x", month="2026-13")
    assert "month" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        wf.apply(officer, p, "report", note="x", month="2026-05", investment_completed="-1")
    assert "investment_completed" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        wf.apply(officer, p, "finish", finished_on="2026-03-01")  # before the start
    assert "finished_on" in e.value.message_dict
    wf.apply(officer, p, "finish", finished_on="2026-10-20", investment_completed="980000")
    assert p.state == "finished"
    with pytest.raises(PermissionDenied):
        wf.apply(officer, p, "accept", note="通过")  # acceptance is the bureau's
    wf.apply(mgr, p, "reject", note="缺少竣工资料")
    assert p.state == "in_progress"
    wf.apply(officer, p, "finish", finished_on="2026-10-25")
    wf.apply(mgr, p, "accept", note="通过验收", accepted_on="2026-11-10")
    assert (p.state, p.accepted_on) == ("accepted", dt.date(2026, 11, 10))
    # 20/20/40/20 weights: (90×20 + 80×20 + 95×40 + 70×20) / 100 = 86.00 → 良.
    wf.apply(mgr, p, "evaluate", scores={"decision": 90, "process": 80, "output": 95, "effect": 70})
    assert (p.evaluation_score, p.evaluation_grade) == (Decimal("86.00"), "good")
    verbs = list(TimelineEvent.objects.filter(model="projects.project", object_id=str(p.pk))
                 .order_by("time", "id").values_list("verb", flat=True))
    assert verbs == ["open", "start", "report", "finish", "reject", "finish", "accept", "evaluate"]
    with pytest.raises(ValidationError):
        wf.apply(mgr, p, "cancel", note="x")  # evaluated is final


@pytest.mark.parametrize("scores,error", [
    ({"decision": 90, "process": 80, "output": 95}, "项目效益"),  # one missing
    ({"decision": 90, "process": 80, "output": 95, "effect": 101}, "0–100"),
    ({"decision": 90, "process": 80, "output": 95, "effect": "x"}, "数字"),
    ({"decision": 90, "process": 80, "output": 95, "effect": 70, "luck": 5}, "luck"),
])
def test_evaluation_refuses_bad_scores_naming_them(world, new_project, scores, error):
    from envbureau.projects.models import Project

    p = new_project()
    Project.objects.filter(pk=p.pk).update(state="accepted")
    p.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        wf.apply(world["mgr"], p, "evaluate", scores=scores)
    assert error in " ".join(e.value.message_dict["scores"])


def test_grade_bands_are_inclusive_lower_bounds():
    from envbureau.projects.services import grade_of

    assert three(grade_of, Decimal("90"), Decimal("0.01")) == ("good", "excellent", "excellent")
    assert three(grade_of, Decimal("80"), Decimal("0.01")) == ("fair", "good", "good")
    assert three(grade_of, Decimal("60"), Decimal("0.01")) == ("poor", "fair", "fair")


def test_weights_are_configuration(world, new_project, settings):
    from envbureau.projects.models import Project

    settings.ENVBUREAU = {**settings.ENVBUREAU, "PROJECTS": {"evaluation_indicators": {
        "output": ["产出", 50], "effect": ["效益", 50]}}}
    p = new_project()
    Project.objects.filter(pk=p.pk).update(state="accepted")
    p.refresh_from_db()
    wf.apply(world["mgr"], p, "evaluate", scores={"output": 100, "effect": 79})
    assert (p.evaluation_score, p.evaluation_grade) == (Decimal("89.50"), "good")


def test_other_district_cannot_see_or_act(world, new_project):
    p = new_project(jur="cy")
    with pytest.raises(Http404):
        wf.apply(world["officer"], p, "start")
    with pytest.raises(PermissionDenied):
        wf.apply(world["leader"], p, "start")  # sees everything, acts on nothing


def test_monthly_report_tasks_for_the_owner_unit_with_overdue_flag(world, new_project):
    from envbureau.core.models import Task
    from envbureau.projects import services

    p = new_project()
    idle = new_project(name="未开工项目")
    wf.apply(world["officer"], p, "start", started_on="2026-03-05")
    assert services.open_monthly_reports(dt.date(2026, 2, 1)) == 0  # not under way in February
    assert services.open_monthly_reports(dt.date(2026, 3, 1)) == 1
    assert services.open_monthly_reports(dt.date(2026, 3, 1)) == 0  # idempotent
    task = Task.objects.get(model="projects.project", object_id=str(p.pk), state="+report-2026-03")
    assert (task.assignee_unit_id, task.due_date, task.is_open) == (world["u_dc"].pk, dt.date(2026, 4, 5), True)
    assert task.action == "填报2026年3月项目进展"
    assert not Task.objects.filter(object_id=str(idle.pk), state__startswith="+report").exists()
    assert any(t.pk == task.pk for t in _tasks_of(world["officer"]))

    def overdue(today):
        return services.overdue_reports([p.pk], today).get(p.pk, [])

    assert three(overdue, dt.date(2026, 4, 5), DAY) == ([], [], ["2026-03"])
    wf.apply(world["officer"], p, "report", note="施工中", month="2026-03", investment_completed="100000")
    task.refresh_from_db()
    assert task.is_open is False
    assert overdue(dt.date(2026, 5, 1)) == []
    # A month already reported gets no task.
    wf.apply(world["officer"], p, "report", note="施工中", month="2026-04")
    assert services.open_monthly_reports(dt.date(2026, 4, 1)) == 0


def test_fund_from_reserve_to_spent(world, new_project):
    from envbureau.projects import services
    from envbureau.projects.models import Fund

    p = new_project()
    f = services.create_fund(world["mgr"], Fund(project=p, level="provincial", name="大气污染防治资金",
                                               requested=500000))
    assert f.state == "reserve"
    with pytest.raises(PermissionDenied):
        wf.apply(world["officer"], f, "approve")  # fund decisions are the bureau's
    wf.apply(world["mgr"], f, "approve", approved="400000", reserve_batch="2026年第二批")
    with pytest.raises(ValidationError) as e:
        wf.apply(world["mgr"], f, "allocate", allocated="400000.01")
    assert "allocated" in e.value.message_dict
    wf.apply(world["mgr"], f, "allocate", allocated="400000", allocation_doc="京财资环〔2026〕8号",
             allocated_on="2026-05-10")
    wf.apply(world["mgr"], f, "spend", amount="150000")
    assert (f.state, f.spent) == ("allocated", Decimal("150000.00"))
    with pytest.raises(ValidationError) as e:
        wf.apply(world["mgr"], f, "spend", amount="250000.01")  # would pass the allocation
    assert "amount" in e.value.message_dict
    with pytest.raises(ValidationError):
        wf.apply(world["mgr"], f, "spend", amount="0")
    wf.apply(world["mgr"], f, "spend", amount="250000")
    assert (f.state, f.spent) == ("spent", Decimal("400000.00"))


def test_enterprise_project_on_dossier(world, new_project):
    from envbureau.sources.models import DossierEvent, Enterprise

    e = Enterprise.objects.create(credit_code="91110101MA01PRJ01X", name="京东示范热力", jurisdiction=world["dc"])
    p = new_project(enterprise_id=e.pk)
    assert p.enterprise_name == "京东示范热力"
    ev = DossierEvent.objects.get(enterprise=e, kind="projects.project")
    assert ev.source_ref == f"projects.project:{p.pk}" and p.name in ev.title


def test_web_pages_and_actions(world, new_project, client_for):
    from pagecheck import XLSX, shows

    p = new_project()
    other = new_project(jur="cy", name="朝阳区项目")
    c = client_for("dongcheng")
    shows(c, {f"/projects/projects/{p.pk}/": "开工",
              "/projects/projects/?year=2026": p.name,
              "/projects/projects/?year=2026&export=xlsx": XLSX})
    assert other.name not in c.get("/projects/projects/").content.decode()
    assert c.get(f"/projects/projects/{other.pk}/").status_code == 404
    r = c.post(f"/projects/projects/{p.pk}/do/start/", {"started_on": "2026-03-02"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.state == "in_progress"
    c.post(f"/projects/projects/{p.pk}/do/report/", {"month": "2026-03", "note": "进场施工",
                                                     "investment_completed": "abc"})
    p.refresh_from_db()
    assert p.reports.count() == 0  # refused with the field named
    r = c.post(f"/projects/projects/{p.pk}/do/report/", {"month": "2026-03", "note": "进场施工",
                                                         "investment_completed": "120000"}, follow=True)
    assert "进场施工" in r.content.decode() and p.reports.count() == 1
    admin = client_for("admin")
    r = admin.post("/projects/projects/add/", {
        "name": "新建项目", "battle": "water", "year": 2026, "jurisdiction": world["dc"].pk,
        "owner_unit": world["u_dc"].pk, "planned_start": "2026-05-01", "planned_finish": "2026-04-01",
        "investment_planned": "10"})
    assert r.status_code == 400 and "计划完工日期不能早于计划开工日期" in r.content.decode()


def test_api_create_and_act(world, client_for):
    c = client_for("admin")
    r = c.post("/api/v1/projects/projects/", {
        "name": "API项目", "battle": "soil", "year": 2026, "jurisdiction": world["dc"].pk,
        "owner_unit": world["u_dc"].pk, "planned_start": "2026-05-01", "planned_finish": "2026-09-01",
        "investment_planned": "5000000"}, content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["state_label"] == "计划实施" and r.json()["code"].startswith("XM2026-")
    r = c.post(f"/api/v1/projects/projects/{pk}/start/", {"started_on": "2026/05/01"},
               content_type="application/json")
    assert r.status_code == 400 and "started_on" in r.json()["error"]["fields"]
    r = c.post(f"/api/v1/projects/projects/{pk}/start/", {"started_on": "2026-05-01"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "in_progress"
    tl = c.get(f"/api/v1/projects/projects/{pk}/timeline/").json()
    assert [e["verb"] for e in tl] == ["open", "start"]
    d = client_for("dongcheng")
    r = d.post("/api/v1/projects/projects/", {
        "name": "越权项目", "battle": "soil", "year": 2026, "jurisdiction": world["cy"].pk,
        "owner_unit": world["u_cy"].pk, "planned_start": "2026-05-01", "planned_finish": "2026-09-01"},
        content_type="application/json")
    assert r.status_code == 403


def test_the_monthly_report_task_is_stored_in_chinese_whatever_the_language(world, new_project):
    """Opened while the language is English (a job run from an English page): the task's words are Chinese."""
    from django.utils import translation

    from envbureau.core.models import Task
    from envbureau.projects import services

    p = new_project()
    wf.apply(world["officer"], p, "start", started_on="2026-03-05")
    with translation.override("en"):
        assert services.open_monthly_reports(dt.date(2026, 3, 1)) == 1
    assert Task.objects.get(object_id=str(p.pk), state="+report-2026-03").action == "填报2026年3月项目进展"


def test_the_monthly_report_task_reads_in_each_readers_language(world, new_project):
    """The side task's action is stored as facts beside its Chinese wording: the inbox and /api/v1/me/tasks/ word it
    for the reader (an English reader reads no Chinese in it); a row older than the facts keeps its stored words."""
    import re

    from django.conf import settings
    from django.test import Client
    from django.utils import translation

    from envbureau.core.models import Task
    from envbureau.core.workflow import task_words
    from envbureau.projects import services

    han = re.compile(r"[\u3400-\u9fff]")
    p = new_project()
    wf.apply(world["officer"], p, "start", started_on="2026-03-05")
    assert services.open_monthly_reports(dt.date(2026, 3, 1)) == 1
    task = Task.objects.get(object_id=str(p.pk), state="+report-2026-03")
    assert task.action == "填报2026年3月项目进展"
    assert task.facts == {"text": "填报%(y)s年%(m)s月项目进展", "args": {"y": 2026, "m": 3}}
    with translation.override("en"):
        action, _title = task_words([task])[task.pk]
    assert action == "Report project progress for 3/2026", action
    with translation.override("zh-hans"):
        assert task_words([task])[task.pk][0] == "填报2026年3月项目进展"
    c = Client()
    c.force_login(world["officer"])
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = c.get("/tasks/?module=projects").content.decode()
    assert "Report project progress for 3/2026" in page and "填报2026年3月项目进展" not in page
    (row,) = [r for r in c.get("/api/v1/me/tasks/?module=projects").json()["results"] if r["id"] == task.pk]
    assert row["action"] == "Report project progress for 3/2026" and not han.search(row["action"]), row
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    (row,) = [r for r in c.get("/api/v1/me/tasks/?module=projects").json()["results"] if r["id"] == task.pk]
    assert row["action"] == "填报2026年3月项目进展", row
    # an action a person changed reads as stored; a row without facts (opened before them) too
    Task.objects.filter(pk=task.pk).update(action="填报三月进展(补报)")
    task.refresh_from_db()
    with translation.override("en"):
        assert task_words([task])[task.pk][0] == "填报三月进展(补报)"
    Task.objects.filter(pk=task.pk).update(action="填报2026年3月项目进展", facts={})
    task.refresh_from_db()
    with translation.override("en"):
        assert task_words([task])[task.pk][0] == "填报2026年3月项目进展"
    # core 0013 gives such a row its facts back from the stored words
    import importlib

    from django.apps import apps as global_apps

    importlib.import_module("envbureau.core.migrations.0013_task_action_facts").forwards(global_apps, None)
    task.refresh_from_db()
    assert task.facts == {"text": "填报%(y)s年%(m)s月项目进展", "args": {"y": 2026, "m": 3}}
    with translation.override("en"):
        assert task_words([task])[task.pk][0] == "Report project progress for 3/2026"
