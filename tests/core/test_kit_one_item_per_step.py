"""One inbox item per object and step: the demo's district officer `dongcheng` is both a member of the unit
东城区生态环境局 and holder of complaints.handle / ledger.rectify in 东城区, so a complaint handed to that unit
reaches him twice (as member, as permission holder). /tasks/, the API, the badge and the notifications count it
once; the next step closes every row of the step."""

import datetime as dt

import pytest
from django.test import Client

from envbureau.complaints import services as complaints
from envbureau.ledger import services as ledger

TITLE = "夜间施工噪声(一项一条)"


@pytest.fixture
def demo_like(demo_core):
    """What `envbureau demo` sets up for complaints: the petition office's role, and the district office's
    unit with its officer as a member."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, Unit, User

    RoleAssignment.objects.create(user=User.objects.get(username="petition"),
                                  role=Role.objects.get(code="complaints_office"))
    unit = Unit.objects.create(code="dc-eeb", name="东城区生态环境局", kind="district",
                               jurisdiction=Jurisdiction.objects.get(code="110101"))
    unit.members.add(User.objects.get(username="dongcheng"))
    return unit


def _client(username):
    from envbureau.core.models import User

    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def _api_items(username, model, pk):
    r = _client(username).get("/api/v1/me/tasks/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    return [t["action"] for t in r.json()["results"] if t["model"] == model and t["object_id"] == str(pk)]


def _complaint():
    from envbureau.complaints.models import Complaint
    from envbureau.core.models import Jurisdiction

    return complaints.register(None, Complaint(
        channel="hotline", category="noise", title=TITLE, content="油烟",
        jurisdiction=Jurisdiction.objects.get(code="110101001000")), suggest=False)


def test_dongcheng_sees_a_complaint_assigned_to_his_unit_once(demo_like, user_named):
    from envbureau.core.models import Notification, Task
    from envbureau.core.notify import task_count, tasks_for

    petition, dongcheng = user_named("petition"), user_named("dongcheng")
    c = _complaint()
    complaints.accept(petition, c)
    complaints.assign(petition, c, demo_like)
    # both ways in reach him: the unit and the permission at his level
    rows = Task.objects.filter(model="complaints.complaint", object_id=str(c.pk), is_open=True)
    assert {r.assignee_unit_id for r in rows} == {demo_like.pk} and {r.permission for r in rows} == {
        "complaints.handle"}
    assert _api_items("dongcheng", "complaints.complaint", c.pk) == ["调查核实"]
    page = _client("dongcheng").get("/tasks/").content.decode()
    assert page.count(TITLE) == 1
    assert tasks_for(dongcheng).filter(object_id=str(c.pk), model="complaints.complaint").count() == 1
    assert task_count(user_named("dongcheng")) == tasks_for(dongcheng).count()
    told = Notification.objects.filter(recipient=dongcheng, kind="task", message__contains="调查核实")
    assert told.count() == 1
    # the street officer holds complaints.handle at street level, nearer: he sees it too (once)
    assert _api_items("donghuamen", "complaints.complaint", c.pk) == ["调查核实"]

    complaints.investigate(dongcheng, c, "substantiated", "属实")
    assert not Task.objects.filter(model="complaints.complaint", object_id=str(c.pk), state="assigned",
                                   is_open=True).exists()
    assert _api_items("dongcheng", "complaints.complaint", c.pk) == []
    assert TITLE not in _client("dongcheng").get("/tasks/").content.decode()


def test_a_problem_with_two_responsible_units_is_one_item_for_a_member_of_both(demo_like, user_named, settings,
                                                                              tmp_path):
    from envbureau.core.models import Jurisdiction, Notification, Role, RoleAssignment, Task, Unit, User
    from envbureau.core.notify import tasks_for

    settings.MEDIA_ROOT = tmp_path / "media"
    mgr = User.objects.create(username="mgr1", display_name="督察办")
    RoleAssignment.objects.create(user=mgr, role=Role.objects.create(code="m1", name="m1", kind="staff",
                                                                     permissions=["*.view", "ledger.*"]))
    zj = Unit.objects.create(code="zj-dc", name="东城区住建委", kind="agency",
                             jurisdiction=Jurisdiction.objects.get(code="110101"))
    only_zj = User.objects.create(username="zj_only", display_name="住建委 王")
    zj.members.add(user_named("dongcheng"), only_zj)
    p = ledger.create_problem(None, source="patrol", category="air", title="工地扬尘(两个单位)",
                              jurisdiction="110101001000", deadline=dt.date.today() + dt.timedelta(days=10))
    ledger.assign(mgr, p, responsible_units=["东城区生态环境局", "东城区住建委"])
    rows = Task.objects.filter(model="ledger.problem", object_id=str(p.pk), is_open=True)
    assert rows.count() == 2 and rows.filter(lead=True).count() == 1
    for name in ("dongcheng", "zj_only", "donghuamen"):
        assert _api_items(name, "ledger.problem", p.pk) == ["签收整改"], name
        assert tasks_for(User.objects.get(username=name)).filter(object_id=str(p.pk)).count() == 1, name
    told = Notification.objects.filter(kind="task", message__contains="签收整改")
    assert told.filter(recipient=user_named("dongcheng")).count() == 1
    assert told.filter(recipient=only_zj).count() == 1
    ledger.start(user_named("donghuamen"), p)
    assert not rows.filter(state="assigned").exists()  # every row of the step closed
    assert _api_items("zj_only", "ledger.problem", p.pk) == ["整改并申请销号"]
    assert _api_items("dongcheng", "ledger.problem", p.pk) == ["整改并申请销号"]


def test_the_fold_puts_one_user_unit_and_permission_on_a_row():
    from envbureau.core.workflow import Assignee, _fold

    class U:  # stands for a saved Unit/User: only pk is read
        def __init__(self, pk):
            self.pk = pk

    a, b = U(1), U(2)
    assert _fold([Assignee(permission="x.y"), Assignee(unit=a)]) == [
        {"user": None, "unit": a, "permission": "x.y", "level": ""}]
    assert _fold([Assignee(unit=a), Assignee(unit=b), Assignee(permission="x.y", level="district")]) == [
        {"user": None, "unit": a, "permission": "x.y", "level": "district"},
        {"user": None, "unit": b, "permission": "", "level": ""}]
    assert _fold([Assignee(unit=a), Assignee(unit=a)]) == [{"user": None, "unit": a, "permission": "", "level": ""}]
    assert _fold([]) == []
