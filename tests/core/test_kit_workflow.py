"""core.workflow, tasks and notifications on a small loop declared here (independent of any module's own
declaration): found → handed to a unit → handled → checked by the district → done."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from envbureau.core import workflow as wf

TODAY = dt.date.today()


def _unit_of(problem):
    from envbureau.core.models import Unit

    return [wf.Assignee(unit=Unit.objects.get(code=problem.batch))]


LOOP = wf.Workflow(
    "ledger.problem", module="ledger",
    states=[
        wf.State("registered", "已登记", task=wf.TaskSpec("交办", "ledger.assign")),
        wf.State("assigned", "已交办", task=wf.TaskSpec("办理", assignees=_unit_of)),
        wf.State("in_rectification", "已办理", task=wf.TaskSpec("区级验收", "ledger.verify", level="district")),
        wf.State("closed_out", "已办结", "success", terminal=True),
    ],
    transitions=[
        wf.Transition("assign", ("registered",), "assigned", "ledger.assign", "交办", required=("batch",),
                      fields=("batch", "deadline")),
        wf.Transition("handle", ("assigned",), "in_rectification", "ledger.rectify", "办理", note_required=True),
        wf.Transition("check", ("in_rectification",), "closed_out", "ledger.verify", "验收", level="district"),
    ],
    title=lambda p: f"{p.code} {p.title}", url=lambda p: f"/ledger/problems/{p.pk}/", due=lambda p: p.deadline)


@pytest.fixture
def loop(demo_core):
    saved = dict(wf.REGISTRY)
    wf.REGISTRY.clear()
    wf.register(LOOP)
    yield LOOP
    wf.REGISTRY.clear()
    wf.REGISTRY.update(saved)


@pytest.fixture
def people(demo_core):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, Unit, User

    def person(name, perms, jcode=None):
        role = Role.objects.create(code=f"k_{name}", name=name, kind="officer" if jcode else "staff", permissions=perms)
        u = User.objects.create(username=f"k_{name}", display_name=name, email=f"{name}@example.org")
        RoleAssignment.objects.create(user=u, role=role, jurisdiction=Jurisdiction.objects.get(code=jcode) if jcode else None)
        return u

    out = {
        "manager": person("manager", ["ledger.view", "ledger.assign"]),
        "street": person("street", ["ledger.view", "ledger.rectify"], "110101001000"),
        "district": person("district", ["ledger.view", "ledger.verify"], "110101"),
        "other_district": person("other_district", ["ledger.view", "ledger.verify"], "110105"),
        "city_verifier": person("city_verifier", ["ledger.view", "ledger.verify"]),
    }
    unit = Unit.objects.create(code="zhujian", name="东城区住建委", kind="agency", phone="010-1234",
                               jurisdiction=Jurisdiction.objects.get(code="110101"))
    unit.members.add(out["street"])
    Unit.objects.create(code="chengguan", name="东城区城管委", kind="agency")
    return out


@pytest.fixture
def problem(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.ledger.models import Problem

    return Problem.objects.create(code="K-1", source="patrol", category="air", title="工地扬尘",
                                  jurisdiction=Jurisdiction.objects.get(code="110101001000"),
                                  deadline=TODAY + dt.timedelta(days=10))


def _open(problem):
    from envbureau.core.models import Task

    return list(Task.objects.filter(model="ledger.problem", object_id=str(problem.pk), is_open=True))


def _me_tasks(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    r = c.get("/api/v1/me/tasks/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    return [(t["model"], t["object_id"], t["action"]) for t in r.json()["results"]]


def test_a_loop_end_to_end(loop, people, problem):
    from envbureau.core.models import Notification, TimelineEvent

    wf.sync_tasks(problem)
    assert [t.action for t in _open(problem)] == ["交办"]
    assert ("ledger.problem", str(problem.pk), "交办") in _me_tasks(people["manager"])
    assert _me_tasks(people["street"]) == []

    wf.apply(people["manager"], problem, "assign", batch="zhujian", note="请住建委办理")
    assert problem.state == "assigned" and problem.batch == "zhujian"  # caller's instance is refreshed
    (task,) = _open(problem)
    assert task.action == "办理" and task.assignee_unit.code == "zhujian" and task.due_date == problem.deadline
    assert _me_tasks(people["manager"]) == []  # the previous step's task closed
    assert _me_tasks(people["street"]) == [("ledger.problem", str(problem.pk), "办理")]  # a unit member
    assert Notification.objects.filter(recipient=people["street"], kind="task").count() == 1

    with pytest.raises(wf.TransitionError) as e:
        wf.apply(people["street"], problem, "handle")
    assert "note" in e.value.message_dict
    wf.apply(people["street"], problem, "handle", note="已覆盖防尘网")
    (task,) = _open(problem)
    assert (task.permission, task.level, task.jurisdiction_path) == ("ledger.verify", "district", "/110000/110101/110101001000/")
    assert ("ledger.problem", str(problem.pk), "区级验收") in _me_tasks(people["district"])
    assert _me_tasks(people["other_district"]) == []  # another district's scope
    assert _me_tasks(people["city_verifier"]) == []  # city level, but the step is the district's
    # told: the district verifier (nearest level holding ledger.verify), not the city one nor admins
    told = set(Notification.objects.filter(kind="task", message__contains="区级验收").values_list(
        "recipient__username", flat=True))
    assert "k_district" in told and "k_city_verifier" not in told and "admin" not in told

    with pytest.raises(PermissionDenied):
        wf.apply(people["city_verifier"], problem, "check")  # right permission, wrong level
    with pytest.raises(Http404):
        wf.apply(people["other_district"], problem, "check")  # outside scope
    wf.apply(people["district"], problem, "check")
    assert problem.state == "closed_out" and _open(problem) == []
    assert _me_tasks(people["district"]) == []

    events = list(TimelineEvent.objects.filter(model="ledger.problem", object_id=str(problem.pk)))
    assert [(e.verb, e.from_state, e.to_state) for e in events] == [
        ("assign", "registered", "assigned"), ("handle", "assigned", "in_rectification"),
        ("check", "in_rectification", "closed_out")]
    assert events[1].actor_unit_name == "东城区住建委" and events[1].actor_name == "street"
    words = wf.timeline(problem)
    assert [(w["verb_label"], w["from_label"], w["to_label"]) for w in words] == [
        ("交办", "已登记", "已交办"), ("办理", "已交办", "已办理"), ("验收", "已办理", "已办结")]


def test_refusals_leave_nothing_written(loop, people, problem):
    from envbureau.core.models import TimelineEvent

    with pytest.raises(wf.TransitionError):
        wf.apply(people["district"], problem, "check")  # wrong state (and no task change)
    with pytest.raises(PermissionDenied):
        wf.apply(people["street"], problem, "assign", batch="zhujian")  # no ledger.assign
    with pytest.raises(wf.TransitionError) as e:
        wf.apply(people["manager"], problem, "assign", batch="")
    assert "batch" in e.value.message_dict
    with pytest.raises(wf.TransitionError):
        wf.apply(people["manager"], problem, "assign", batch="zhujian", colour="red")  # unknown parameter
    with pytest.raises(wf.TransitionError):
        wf.apply(people["manager"], problem, "fly")
    problem.refresh_from_db()
    assert problem.state == "registered" and problem.batch == ""
    assert not TimelineEvent.objects.filter(model="ledger.problem").exists()


def test_reminders_before_due_and_on_overdue_once(loop, people, problem, settings):
    from envbureau.core.models import Notification, TimelineEvent
    from envbureau.core.notify import run_reminders

    settings.ENVBUREAU = {**settings.ENVBUREAU, "REMINDER_LEAD_DAYS": [3, 1]}
    wf.apply(people["manager"], problem, "assign", batch="zhujian", deadline=TODAY + dt.timedelta(days=3))
    street = people["street"]
    assert run_reminders(TODAY + dt.timedelta(days=-1))["near"] == 0  # 4 days before: nothing
    assert run_reminders(TODAY)["near"] == 1  # 3 days before
    assert run_reminders(TODAY)["near"] == 0  # a re-run tells nobody twice
    assert run_reminders(TODAY + dt.timedelta(days=2))["near"] == 1  # 1 day before
    assert run_reminders(TODAY + dt.timedelta(days=3)) == {"near": 0, "overdue": 0, "notifications": 0}  # due day
    out = run_reminders(TODAY + dt.timedelta(days=4))  # the day after: overdue, once
    assert out["overdue"] == 1 and out["notifications"] == 1
    assert run_reminders(TODAY + dt.timedelta(days=5))["overdue"] == 0
    kinds = list(Notification.objects.filter(recipient=street).order_by("id").values_list("kind", flat=True))
    assert kinds == ["task", "near_deadline", "near_deadline", "overdue"]
    assert TimelineEvent.objects.filter(model="ledger.problem", verb="overdue").count() == 1


def test_notifications_pages_and_api(loop, people, problem):
    from django.test import Client

    from envbureau.core.models import Notification

    wf.apply(people["manager"], problem, "assign", batch="zhujian")
    street = people["street"]
    n = Notification.objects.get(recipient=street)
    c = Client()
    c.force_login(street)
    home = c.get("/")
    assert home.status_code == 200
    body = home.content.decode()
    assert 'id="eb-tasks-badge"' in body and "工地扬尘" in body  # badge and the first tasks on the home page
    r = c.get("/api/v1/me/notifications/", HTTP_ACCEPT="application/json")
    assert r.json()["unread"] == 1 and r.json()["results"][0]["message"].startswith("待办:办理")
    other = Client()
    other.force_login(people["district"])
    assert other.post(f"/api/v1/me/notifications/{n.pk}/read/").status_code == 404  # not theirs
    assert other.post(f"/notifications/{n.pk}/read/").status_code == 404
    assert c.get(f"/notifications/{n.pk}/read/").status_code == 405
    r = c.post(f"/notifications/{n.pk}/read/")
    assert r.status_code == 302 and r["Location"] == f"/ledger/problems/{problem.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert c.get("/api/v1/me/notifications/?unread=1", HTTP_ACCEPT="application/json").json()["unread"] == 0
    page = c.get("/tasks/")
    assert page.status_code == 200 and "工地扬尘" in page.content.decode()
    assert c.get("/notifications/").status_code == 200


def test_top_bar_counts_come_after_the_page(loop, people, problem):
    """The page asks for its two counts after it loads (htmx, out of band); the counts are the reader's own."""
    from django.test import Client

    from envbureau.core.notify import tasks_for

    wf.apply(people["manager"], problem, "assign", batch="zhujian")
    street = people["street"]
    c = Client()
    c.force_login(street)
    page = c.get("/").content.decode()
    assert 'hx-get="/me/badges/"' in page and 'id="eb-task-count"' in page and 'id="eb-unread-count"' in page
    n_tasks = tasks_for(street).count()
    assert n_tasks >= 1
    r = c.get("/me/badges/")
    assert r.status_code == 200
    body = r.content.decode()
    # one open task and one unread notification (the assignment), each swapped into its place
    assert f'<span id="eb-task-count" hx-swap-oob="true"> <span class="badge rounded-pill text-bg-warning" title="{n_tasks} 项待办">{n_tasks}</span></span>' in body
    assert '<span id="eb-unread-count" hx-swap-oob="true"> <span class="badge rounded-pill text-bg-danger" title="1 条未读消息">1</span></span>' in body
    c.post("/notifications/read-all/")
    body = c.get("/me/badges/").content.decode()
    assert '<span id="eb-unread-count" hx-swap-oob="true"></span>' in body  # nothing unread: no badge at all
    nobody = Client()
    nobody.force_login(people["manager"])  # the manager's own counts, not the street officer's
    other = nobody.get("/me/badges/").content.decode()
    m = tasks_for(people["manager"]).count()
    assert (f'title="{m} 项待办">{m}</span>' if m else '<span id="eb-task-count" hx-swap-oob="true"></span>') in other
    assert Client().get("/me/badges/").status_code == 302  # signed out: to the login page


def test_overdue_first_and_highlighted(loop, people, demo_core):
    from django.test import Client

    from envbureau.core.models import Jurisdiction
    from envbureau.ledger.models import Problem

    jur = Jurisdiction.objects.get(code="110101")
    late = Problem.objects.create(code="K-L", source="patrol", category="air", title="逾期的", jurisdiction=jur,
                                  deadline=TODAY - dt.timedelta(days=1))
    later = Problem.objects.create(code="K-N", source="patrol", category="air", title="不急的", jurisdiction=jur,
                                   deadline=TODAY + dt.timedelta(days=20))
    undated = Problem.objects.create(code="K-U", source="patrol", category="air", title="未定期限", jurisdiction=jur)
    for p in (later, undated, late):
        wf.sync_tasks(p)
    c = Client()
    c.force_login(people["manager"])
    rows = c.get("/api/v1/me/tasks/", HTTP_ACCEPT="application/json").json()["results"]
    assert [(r["title"], r["overdue"]) for r in rows] == [("K-L 逾期的", True), ("K-N 不急的", False),
                                                         ("K-U 未定期限", False)]
    page = c.get("/tasks/").content.decode()
    assert page.index("逾期的") < page.index("不急的") and "table-danger" in page


def test_a_timeline_line_records_who_from_which_unit_where_and_about_what(loop, people, problem):
    """record_event writes the line as a person reads it later: the actor and their unit, the object's
    jurisdiction (the fallback scope of the line), no step unless one is named, the object it is about handed to
    the audit label; a rule's line (no actor) names nobody."""
    from envbureau.core.models import Jurisdiction, TimelineEvent

    ev = wf.record_event(problem, people["street"], "note", note="现场查看")
    ev = TimelineEvent.objects.get(pk=ev.pk)
    assert ev.actor_id == people["street"].pk and ev.actor_name == "street"
    assert ev.actor_unit.code == "zhujian" and ev.actor_unit_name == "东城区住建委"
    assert ev.jurisdiction == Jurisdiction.objects.get(code="110101001000") and ev.step == ""
    fresh = wf.record_event(problem, None, "remind", step="第一次提醒")
    assert fresh.__dict__["_subject"] is problem  # the audit entry names the problem without a query
    fresh = TimelineEvent.objects.get(pk=fresh.pk)
    assert fresh.actor_id is None and fresh.actor_unit is None and fresh.step == "第一次提醒"
    from django.contrib.auth.models import AnonymousUser

    assert wf.record_event(problem, AnonymousUser(), "note").actor_id is None


@pytest.mark.parametrize("name, actor, shown", [
    ("", False, "系统"), ("系统", False, "系统"), ("System", False, "系统"), ("system", False, "system"),
    ("张三", False, "张三"), ("", True, ""), ("系统", True, "系统")])
def test_who_a_timeline_line_names(loop, people, problem, name, actor, shown):
    """A line nobody signed ("", or "系统"/"System" as stored in either language) names the system in the reader's
    language; a stored name, or a line with an actor, is shown as written."""
    from envbureau.core.models import TimelineEvent

    TimelineEvent.objects.create(model="ledger.problem", object_id=str(problem.pk), verb="note", actor_name=name,
                                 actor=people["manager"] if actor else None)
    assert wf.timeline(problem)[-1]["actor"] == shown


def test_a_clock_started_aloud_is_on_the_timeline_with_its_key_and_due_day(loop, people, problem):
    from envbureau.core import deadlines as dl
    from envbureau.core.models import TimelineEvent

    c = dl.start_clock(problem, "rectify", dl.Rule(10, dl.CALENDAR, label="整改期限"), dt.date(2026, 3, 2),
                       user=people["manager"], quiet=False)
    ev = TimelineEvent.objects.get(model="ledger.problem", object_id=str(problem.pk), verb="deadline_start")
    assert ev.actor_id == people["manager"].pk
    assert {k: v for k, v in ev.data.items() if k != "note_facts"} == {"key": "rectify", "due": str(c.due)}
    assert c.due == dt.date(2026, 3, 12)


def test_a_step_a_rule_takes_keeps_its_note_as_facts(loop, people, problem):
    """wf.apply with a note written by a rule (core.texts facts): handlers and the stored line read the Chinese,
    each reader reads it in their language; a person's note stays as typed."""
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from envbureau.core import texts

    problem.batch = "zhujian"
    problem.save()
    wf.apply(people["manager"], problem, "assign", note=texts.sentence(gettext_noop("自动公开")))
    line = wf.timeline(problem)[-1]
    assert line["note"] == "自动公开"
    with translation.override("en"):
        assert wf.timeline(problem)[-1]["note"] == "Published automatically"
    wf.apply(people["street"], problem, "handle", note="已整改")
    with translation.override("en"):
        assert wf.timeline(problem)[-1]["note"] == "已整改"


def test_a_step_written_by_a_rule_is_stored_in_chinese_and_read_per_reader(loop, people, problem):
    """record_event(step=facts): the column keeps the Chinese (at most its 100 characters), data["step_facts"]
    the facts, and each reader reads the step in their language; a value that is itself a sentence's facts is
    worded too; a step given as text stays as given."""
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from envbureau.core import texts
    from envbureau.core.models import TimelineEvent

    nested = texts.sentence(gettext_noop("整改期限 %(d)s"), d="2026-08-08")
    with translation.override("en"):
        ev = wf.record_event(problem, people["manager"], "remind",
                             step=texts.sentence(gettext_noop("%(k)s:%(s)s"), k="自动公开", s=nested))
    ev = TimelineEvent.objects.get(pk=ev.pk)
    assert ev.step == "自动公开:整改期限 2026-08-08"
    assert ev.data["step_facts"]["args"]["s"] == {"text": "整改期限 %(d)s", "args": {"d": "2026-08-08"}}
    with translation.override("en"):
        assert ev.shown_step == "自动公开: Rectify by 2026-08-08"
        assert wf.timeline(problem)[-1]["step"] == "自动公开: Rectify by 2026-08-08"
    long = wf.record_event(problem, None, "remind", step=texts.sentence(gettext_noop("%(k)s:%(s)s"), ("k",),
                                                                       k="有条件同意", s="理" * 150))
    assert len(long.step) == 100
    with translation.override("en"):
        assert TimelineEvent.objects.get(pk=long.pk).shown_step.startswith("Agreed with conditions: 理理")
    typed = wf.record_event(problem, None, "remind", step="第一步")
    with translation.override("en"):
        assert TimelineEvent.objects.get(pk=typed.pk).shown_step == "第一步"
