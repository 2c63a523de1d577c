"""core.workflow rule by rule, beside the end-to-end loop of test_kit_workflow.py: how a declaration is read
(labels, colours, words for verbs, terminal states, task permissions), refusals that name what is wrong,
and the small helpers a page or a task relies on. The loop is declared here, not taken from a module."""

import datetime as dt

import pytest

from envbureau.core import workflow as wf

TODAY = dt.date.today()

LOOP = wf.Workflow(
    "Ledger.Problem", module="ledger",
    states=[
        wf.State("registered", "已登记", "secondary", task=wf.TaskSpec("交办", "ledger.assign")),
        wf.State("assigned", "已交办", "info", task=wf.TaskSpec("办理", "ledger.rectify")),
        wf.State("done", "已办结", "success", terminal=True),
        wf.State("dropped", "已撤销", "dark", terminal=True),
    ],
    transitions=[
        wf.Transition("assign", ("registered",), "assigned", "ledger.assign", "交办", required=("batch",),
                      fields=("batch", "deadline"), params=("priority",)),
        wf.Transition("comment", ("registered", "assigned"), None, "ledger.view|ledger.rectify", "留言"),
        wf.Transition("finish", ("assigned",), "done", "ledger.rectify", "办结", evidence_required=True),
        wf.Transition("drop", ("registered",), "dropped", "ledger.assign", "撤销", note_required=True),
        wf.Transition("hold", ("assigned",), None, "ledger.assign", "暂缓", required=("reason",)),
    ],
    verb_labels={"remind": "催办", "visit": "回访"}, due=lambda p: p.deadline)


@pytest.fixture
def loop(demo_core):
    saved = dict(wf.REGISTRY)
    wf.REGISTRY.clear()
    wf.register(LOOP)
    yield LOOP
    wf.REGISTRY.clear()
    wf.REGISTRY.update(saved)


@pytest.fixture
def manager(demo_core):
    from envbureau.core.models import Role, RoleAssignment, User

    role = Role.objects.create(code="r_mgr", name="管理", kind="staff", permissions=["ledger.view", "ledger.assign"])
    u = User.objects.create(username="r_mgr", display_name="台账管理员")
    RoleAssignment.objects.create(user=u, role=role)
    return u


@pytest.fixture
def problem(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.ledger.models import Problem

    return Problem.objects.create(code="W-1", source="patrol", category="air", title="工地扬尘",
                                  jurisdiction=Jurisdiction.objects.get(code="110101001000"),
                                  deadline=TODAY + dt.timedelta(days=10))


def test_a_transition_naming_an_unknown_state_is_refused_at_declaration():
    with pytest.raises(ValueError, match=r"ledger\.problem: transition close names unknown states \['closed'\]"):
        wf.Workflow("ledger.Problem", module="ledger", states=[wf.State("open", "打开")],
                    transitions=[wf.Transition("close", ("open",), "closed", "ledger.change", "关闭")])
    with pytest.raises(ValueError, match=r"names unknown states \['draft'\]"):
        wf.Workflow("x.y", module="x", states=[wf.State("open", "打开")],
                    transitions=[wf.Transition("edit", ("draft",), None, "x.change", "编辑")])
    stays = wf.Workflow("x.y", module="x", states=[wf.State("open", "打开")],
                        transitions=[wf.Transition("note", ("open",), None, "x.change", "备注")])
    assert stays.model == "x.y" and LOOP.model == "ledger.problem"  # labels are lower-cased
    # Read back from a declaration made here (the module-level ones are built before any test runs).
    assert (stays.verb_label("note"), stays.state_label("open"), stays.transition_map["note"].target) == (
        "备注", "打开", None)
    assert list(stays.state_map) == ["open"] and list(stays.transition_map) == ["note"]


def test_states_and_verbs_in_words():
    assert LOOP.state_label("assigned") == "已交办"
    assert LOOP.state_label("archived") == "archived"  # an unknown value is shown as it is
    assert LOOP.state_label("") == "" and LOOP.state_label(None) == ""
    assert LOOP.state_colour("done") == "success" and LOOP.state_colour("archived") == "secondary"
    assert LOOP.verb_label("assign") == "交办"             # a transition: its label
    assert LOOP.verb_label("remind") == "催办"             # the workflow's own words beat the generic ones
    assert LOOP.verb_label("deadline_pause") == "期限中止"  # generic words
    assert LOOP.verb_label("teleport") == "teleport"      # nothing known: the verb itself
    assert LOOP.terminal_states() == ["done", "dropped"]
    assert LOOP.task_permissions() == {"ledger.assign", "ledger.rectify", "ledger.view|ledger.rectify"}


def test_registry_lookups(loop):
    from envbureau.ledger.models import Problem, PublicNotice

    assert wf.workflow_for("LEDGER.PROBLEM") is LOOP and wf.workflow_for(Problem) is LOOP
    assert wf.workflow_for(PublicNotice) is LOOP  # a proxy runs its concrete model's workflow
    assert wf.workflow_for("ledger.publicnotice") is LOOP
    with pytest.raises(LookupError, match="no workflow registered for core.jurisdiction"):
        wf.workflow_for("core.jurisdiction")
    assert wf.all_workflows() == [LOOP]
    wf.EXTRA_TASK_PERMISSIONS.update({"ledger.extend_approve", ""})
    try:
        assert wf.task_permissions() == {"ledger.assign", "ledger.rectify", "ledger.view|ledger.rectify",
                                         "ledger.extend_approve"}
    finally:
        wf.EXTRA_TASK_PERMISSIONS.difference_update({"ledger.extend_approve", ""})


def test_alternatives_and_empty_values():
    assert wf.alternatives("sources.ack_alarm|sources.change") == ["sources.ack_alarm", "sources.change"]
    assert wf.alternatives("ledger.view") == ["ledger.view"]
    assert wf.alternatives("") == [] and wf.alternatives(None) == [] and wf.alternatives("a.b||") == ["a.b"]
    for empty in (None, "", "   ", [], (), {}):
        assert wf._empty(empty), empty
    for value in (0, False, "0", [0], {"a": 1}, dt.date(2026, 1, 1)):
        assert not wf._empty(value), value


def test_actor_names():
    from envbureau.core.models import User

    assert wf.actor_name(None) == "系统"
    assert wf.actor_name(User(username="li", display_name="李四")) == "李四"
    assert wf.actor_name(User(username="li", display_name="")) == "li"
    assert wf.unit_of(None) is None and wf.unit_of(User(username="unsaved")) is None


def test_unknown_parameters_are_named(loop, manager, problem):
    with pytest.raises(wf.TransitionError) as err:
        wf.apply(manager, problem, "assign", batch="b1", size=3, colour="red")
    assert err.value.message_dict == {"colour": ["“交办”不接收参数 colour, size"]}
    wf.apply(manager, problem, "assign", batch="b1", priority="high")  # a declared parameter is accepted
    problem.refresh_from_db()
    assert (problem.state, problem.batch) == ("assigned", "b1")


def test_a_required_field_names_itself_in_words(loop, manager, problem):
    with pytest.raises(wf.TransitionError) as err:
        wf.apply(manager, problem, "assign", batch="  ")
    (message,) = err.value.message_dict["batch"]
    assert message == "“交办”须填写批次"  # the field's label, not its name


def test_a_note_is_stripped_and_a_required_note_must_have_words(loop, manager, problem):
    from envbureau.core.models import TimelineEvent

    with pytest.raises(wf.TransitionError) as err:
        wf.apply(manager, problem, "drop", note="   ")
    assert err.value.message_dict == {"note": ["“撤销”须填写说明"]}
    wf.apply(manager, problem, "drop", note="  重复登记  ")
    ev = TimelineEvent.objects.get(model="ledger.problem", object_id=str(problem.pk))
    assert (ev.verb, ev.from_state, ev.to_state, ev.note, ev.actor_name) == (
        "drop", "registered", "dropped", "重复登记", "台账管理员")


def test_evidence_is_required_where_declared(loop, manager, problem):
    from envbureau.core.models import Role, RoleAssignment, User

    wf.apply(manager, problem, "assign", batch="b1")
    role = Role.objects.create(code="r_do", name="办理", kind="staff", permissions=["ledger.view", "ledger.rectify"])
    doer = User.objects.create(username="r_do")
    RoleAssignment.objects.create(user=doer, role=role)
    with pytest.raises(wf.TransitionError) as err:
        wf.apply(doer, problem, "finish")
    assert err.value.message_dict == {"files": ["“办结”须上传佐证材料(照片、报告等)"]}
    assert problem.state == "assigned"


def test_a_step_that_keeps_the_state_keeps_the_tasks(loop, manager, problem):
    from envbureau.core.models import Task, TimelineEvent

    wf.sync_tasks(problem)
    (task,) = wf.open_tasks(problem)
    wf.apply(manager, problem, "comment", note="请尽快")  # "ledger.view|ledger.rectify": either one
    assert list(wf.open_tasks(problem)) == [task]
    ev = TimelineEvent.objects.get(model="ledger.problem", verb="comment")
    assert (ev.from_state, ev.to_state) == ("registered", "registered")
    assert Task.objects.get(pk=task.pk).is_open


def test_a_required_parameter_that_is_no_field_is_named_as_it_is(loop, manager, problem):
    wf.apply(manager, problem, "assign", batch="b1")
    with pytest.raises(wf.TransitionError) as err:
        wf.apply(manager, problem, "hold")
    assert err.value.message_dict == {"reason": ["“暂缓”须填写reason"]}
    wf.apply(manager, problem, "hold", reason="等待检测报告")
    assert problem.state == "assigned"


def test_allowed_lists_every_step_open_to_the_user_now(loop, manager, problem):
    from envbureau.core.models import Role, RoleAssignment, User

    def verbs(user):
        return [t.verb for t in wf.allowed(user, problem)]

    role = Role.objects.create(code="r_xc", name="西城", kind="officer", permissions=["ledger.view", "ledger.assign"])
    outsider = User.objects.create(username="r_xc")
    RoleAssignment.objects.create(user=outsider, role=role, jurisdiction_id=_jur("110102"))
    assert verbs(manager) == ["assign", "comment", "drop"]  # in the order declared
    assert verbs(None) == ["assign", "comment", "drop"]  # the system: whatever the state allows
    assert verbs(outsider) == []  # cannot see the problem at all
    wf.apply(manager, problem, "assign", batch="b1")
    assert verbs(manager) == ["comment", "hold"]  # 办结 needs ledger.rectify
    assert all(isinstance(t, wf.Transition) for t in wf.allowed(manager, problem))


def _jur(code):
    from envbureau.core.models import Jurisdiction

    return Jurisdiction.objects.get(code=code).pk


def test_open_tasks_are_this_objects_open_ones(loop, manager, problem):
    from envbureau.core.models import Task
    from envbureau.ledger.models import Problem

    other = Problem.objects.create(code="W-2", source="patrol", category="air", title="另一件",
                                   jurisdiction_id=_jur("110101"))
    wf.sync_tasks(problem)
    wf.sync_tasks(other)
    same_id = Task.objects.create(model="complaints.complaint", object_id=str(problem.pk), module="complaints",
                                  state="x", action="办理", title="同号的另一类对象")
    (mine,) = wf.open_tasks(problem)
    assert mine.action == "交办" and mine.pk != same_id.pk
    wf.apply(manager, problem, "drop", note="重复")
    assert list(wf.open_tasks(problem)) == []
    assert Task.objects.filter(model="ledger.problem", object_id=str(problem.pk), is_open=False).count() == 1
    assert [t.title for t in wf.open_tasks(other)] == [str(other)]


# ---- tasks: rows of a step, extra tasks, due dates ------------------------------------------------

def test_a_step_folds_its_people_into_as_few_rows_as_possible():
    from types import SimpleNamespace as Obj

    u1, u2, unit, unit2 = Obj(pk=1), Obj(pk=2), Obj(pk=10), Obj(pk=11)
    A = wf.Assignee
    row = {"user": None, "unit": None, "permission": "", "level": ""}
    assert wf._fold([]) == []
    assert wf._fold([A(user=u1), A(unit=unit), A(permission="ledger.verify", level="district")]) == [
        {"user": u1, "unit": unit, "permission": "ledger.verify", "level": "district"}]
    assert wf._fold([A(user=u1), A(user=u2)]) == [{**row, "user": u1}, {**row, "user": u2}]
    assert wf._fold([A(unit=unit), A(unit=unit2), A(user=u1)]) == [{**row, "unit": unit, "user": u1},
                                                                   {**row, "unit": unit2}]
    assert wf._fold([A(permission="a.x"), A(permission="a.y", level="city")]) == [
        {**row, "permission": "a.x"}, {**row, "permission": "a.y", "level": "city"}]
    assert wf._fold([A(user=u1), A(user=u1)]) == [{**row, "user": u1}]  # the same person once


def test_extra_tasks_and_moving_due_dates(loop, manager, problem):
    from envbureau.core.models import Task, Unit

    wf.sync_tasks(problem)
    unit = Unit.objects.create(code="r_unit", name="延期审批组", kind="agency")
    extra = wf.open_extra_task(problem, "extend", "审批延期", [wf.Assignee(unit=unit), wf.Assignee(user=manager)],
                               due=TODAY)
    assert [(t.state, t.action, t.assignee_unit, t.assignee_user, t.lead, t.due_date) for t in extra] == [
        ("+extend", "审批延期", unit, manager, True, TODAY)]
    problem.deadline = TODAY + dt.timedelta(days=30)
    problem.save()
    wf.refresh_due(problem)  # the step's own task follows the new deadline, the extra one keeps its own
    due = dict(Task.objects.filter(model="ledger.problem", object_id=str(problem.pk), is_open=True)
               .values_list("state", "due_date"))
    assert due == {"registered": TODAY + dt.timedelta(days=30), "+extend": TODAY}
    assert wf.close_extra_tasks(problem, "other") == 0
    assert wf.close_extra_tasks(problem, "extend", manager) == 1
    closed = Task.objects.get(pk=extra[0].pk)
    assert (closed.is_open, closed.closed_by) == (False, manager) and closed.closed_at is not None
    assert [t.state for t in wf.open_tasks(problem)] == ["registered"]


def test_task_rows_carry_the_step_and_its_place(loop, manager, problem):
    wf.sync_tasks(problem)
    (task,) = wf.open_tasks(problem)
    assert (task.module, task.state, task.action, task.permission, task.level, task.lead) == (
        "ledger", "registered", "交办", "ledger.assign", "", True)
    assert (task.jurisdiction_path, task.due_date, task.url) == ("/110000/110101/110101001000/", problem.deadline, "")
    problem.state = "done"
    assert wf.sync_tasks(problem) == [] and list(wf.open_tasks(problem)) == []  # a terminal state has no task


def test_a_url_that_cannot_be_built_does_not_stop_the_step(demo_core, problem):
    def broken(p):
        raise ValueError("no route")

    w = wf.Workflow("ledger.problem", module="ledger", states=LOOP.states, transitions=LOOP.transitions,
                    title=lambda p: "长" * 400, url=broken)
    saved = dict(wf.REGISTRY)
    wf.REGISTRY.clear()
    wf.register(w)
    try:
        (task,) = wf.sync_tasks(problem, notify=False)
        assert task.url == "" and task.title == "长" * 300  # a title is cut at 300 characters
    finally:
        wf.REGISTRY.clear()
        wf.REGISTRY.update(saved)


def test_the_timeline_of_an_object_without_a_workflow(demo_core):
    from envbureau.core.models import Jurisdiction, User

    obj = Jurisdiction.objects.get(code="110101")
    admin = User.objects.get(username="admin")
    wf.record_event(obj, admin, "remind", note="请按期办理")
    wf.record_event(obj, None, "custom", from_state="a", to_state="b")
    lines = wf.timeline(obj)
    assert [(x["verb_label"], x["actor"], x["note"], x["changed"]) for x in lines] == [
        ("临期提醒", "平台管理员", "请按期办理", False), ("custom", "系统", "", True)]
    assert (lines[1]["from_label"], lines[1]["to_label"], lines[1]["to_colour"]) == ("a", "b", "secondary")
    from django.utils import translation

    with translation.override("en"):  # the system's lines are worded per reader
        assert [x["actor"] for x in wf.timeline(obj)] == ["平台管理员", "System"]


def test_the_timeline_reads_this_objects_events_in_time_order(loop, manager, problem):
    from django.utils import timezone

    from envbureau.core.models import TimelineEvent
    from envbureau.ledger.models import Problem

    other = Problem.objects.create(code="W-3", source="patrol", category="air", title="另一件",
                                   jurisdiction_id=_jur("110101"))
    early = timezone.now() - dt.timedelta(days=2)
    later = wf.record_event(problem, manager, "remind", note="第二条")
    first = wf.record_event(problem, manager, "assign", from_state="registered", to_state="assigned", time=early,
                            step="区级", note="请办理", attachments=[{"name": "a.jpg"}], documents=[{"title": "通知书"}])
    same_time = wf.record_event(problem, None, "comment", time=early)  # the same moment: in the order written
    wf.record_event(other, manager, "remind", note="别的问题")
    TimelineEvent.objects.create(model="complaints.complaint", object_id=str(problem.pk), verb="note",
                                 actor_name="x")  # the same id on another kind of object
    lines = wf.timeline(problem)
    assert [x["id"] for x in lines] == [first.pk, same_time.pk, later.pk]
    assert lines[0]["time"] == timezone.localtime(early) and str(lines[0]["time"].tzinfo) == "Asia/Shanghai"
    assert [(x["verb"], x["from_state"], x["to_state"]) for x in lines] == [
        ("assign", "registered", "assigned"), ("comment", "", ""), ("remind", "", "")]
    assert lines[0] == {
        "id": first.pk, "time": timezone.localtime(early), "verb": "assign", "verb_label": "交办",
        "from_state": "registered", "from_label": "已登记", "to_state": "assigned", "to_label": "已交办",
        "to_colour": "info", "changed": True, "actor": "台账管理员", "unit": "", "step": "区级", "note": "请办理",
        "attachments": [{"name": "a.jpg"}], "documents": [{"title": "通知书"}]}
    stayed = wf.record_event(problem, manager, "comment", from_state="assigned", to_state="assigned")
    assert [x["changed"] for x in wf.timeline(problem) if x["id"] == stayed.pk] == [False]
    assert [(x["verb_label"], x["from_label"], x["to_label"], x["to_colour"]) for x in lines] == [
        ("交办", "已登记", "已交办", "info"), ("留言", "", "", "secondary"), ("催办", "", "", "secondary")]


OWN_LIMIT = wf.Workflow(
    "ledger.problem", module="ledger",
    states=[
        # 交办 is owed five days before the problem's deadline: the step's own limit, not the workflow's
        wf.State("registered", "已登记", task=wf.TaskSpec("交办", "ledger.assign",
                                                          due=lambda p: p.deadline - dt.timedelta(days=5))),
        wf.State("assigned", "已交办", task=wf.TaskSpec("办理", "ledger.rectify")),
        wf.State("done", "已办结", terminal=True),
    ],
    transitions=[wf.Transition("assign", ("registered",), "assigned", "ledger.assign", "交办")],
    due=lambda p: p.deadline)

NO_LIMIT = wf.Workflow(
    "ledger.problem", module="ledger",
    states=[wf.State("registered", "已登记", task=wf.TaskSpec("交办", "ledger.assign")),
            wf.State("done", "已办结", terminal=True)],
    transitions=[wf.Transition("finish", ("registered",), "done", "ledger.assign", "办结")])


@pytest.fixture
def declared(demo_core):
    saved = dict(wf.REGISTRY)

    def use(w):
        wf.REGISTRY.clear()
        wf.register(w)

    yield use
    wf.REGISTRY.clear()
    wf.REGISTRY.update(saved)


def _copy(task, **changes):
    from envbureau.core.models import Task

    t = Task.objects.get(pk=task.pk)
    t.pk = None
    for k, v in changes.items():
        setattr(t, k, v)
    t.save()
    return t


def test_moving_due_dates_follows_the_steps_own_limit_and_touches_nothing_else(declared, manager, problem):
    from envbureau.core.models import AuditEntry, Task
    from envbureau.ledger.models import Problem

    declared(OWN_LIMIT)
    other = Problem.objects.create(code="W-2", source="patrol", category="air", title="另一处扬尘",
                                   jurisdiction=problem.jurisdiction, deadline=problem.deadline)
    wf.sync_tasks(problem)
    wf.sync_tasks(other)
    (task,) = wf.open_tasks(problem)
    old = problem.deadline - dt.timedelta(days=5)
    assert task.due_date == old
    Task.objects.filter(pk=task.pk).update(reminded_for=old, overdue_notified=True)  # reminded about the old day
    closed = _copy(task, is_open=False)  # this problem's closed task: history, left as it was
    twin = _copy(task, model="complaints.complaint")  # another kind of object with the same id
    problem.deadline += dt.timedelta(days=30)
    problem.save()
    wf.refresh_due(problem)
    new = problem.deadline - dt.timedelta(days=5)
    got = {t.pk: (t.due_date, t.reminded_for, t.overdue_notified)
           for t in Task.objects.filter(pk__in=[task.pk, closed.pk, twin.pk])}
    assert got == {task.pk: (new, None, False), closed.pk: (old, old, True), twin.pk: (old, old, True)}
    assert [t.due_date for t in wf.open_tasks(other)] == [old]  # another problem's task keeps its day
    entry = AuditEntry.objects.filter(model="core.task", object_id=str(task.pk), action="update").order_by("id").last()
    assert entry.changes == {"due_date": new.isoformat(), "reminded_for": None, "overdue_notified": False}
    # already on the right day: nothing is written, a reminder sent since stays recorded
    Task.objects.filter(pk=task.pk).update(reminded_for=new)
    entries = AuditEntry.objects.filter(model="core.task").count()
    wf.refresh_due(problem)
    assert Task.objects.get(pk=task.pk).reminded_for == new
    assert AuditEntry.objects.filter(model="core.task").count() == entries


def test_without_any_limit_a_task_is_due_on_no_day(declared, problem):
    declared(NO_LIMIT)
    (task,) = wf.sync_tasks(problem, notify=False)
    assert task.due_date is None
    wf.refresh_due(problem)
    assert [t.due_date for t in wf.open_tasks(problem)] == [None]


WORDED = wf.Workflow(
    "ledger.problem", module="ledger",
    states=[wf.State("registered", "已登记", task=wf.TaskSpec(lambda p: f"交办 {p.code}", "ledger.assign")),
            wf.State("assigned", "已交办", task=wf.TaskSpec("办理", "ledger.rectify")),
            wf.State("done", "已办结", terminal=True)],
    transitions=[wf.Transition("assign", ("registered",), "assigned", "ledger.assign", "交办")],
    title=lambda p: f"问题 {p.code}")


def test_task_words_are_worded_again_from_the_object_and_its_step(declared, manager, problem):
    """A page words each task from its object and step now (the stored words may be stale); a task whose object's
    kind is unknown keeps its stored words, and a side task keeps its own action under the object's title."""
    from envbureau.core.models import Task
    from envbureau.ledger.models import Problem

    declared(WORDED)
    (task,) = wf.sync_tasks(problem, notify=False)
    other = Problem.objects.create(code="W-3", source="patrol", category="air", title="工地扬尘", state="assigned",
                                   jurisdiction=problem.jurisdiction, deadline=problem.deadline)
    (other_task,) = wf.sync_tasks(other, notify=False)
    Task.objects.filter(pk__in=[task.pk, other_task.pk]).update(action="旧的说法", title="旧标题")
    gone = _copy(task, model="retired.thing", action="已撤销模块的步骤", title="已撤销模块的对象")
    (extra,) = wf.open_extra_task(problem, "extend", "审批延期", [wf.Assignee(user=manager)])
    tasks = list(Task.objects.filter(pk__in=[gone.pk, task.pk, other_task.pk, extra.pk]).order_by("-model", "pk"))
    assert tasks[0].model == "retired.thing"  # the unknown kind comes first: the known ones are still worded
    assert wf.task_words(tasks) == {
        gone.pk: ("已撤销模块的步骤", "已撤销模块的对象"),
        task.pk: (f"交办 {problem.code}", f"问题 {problem.code}"),
        other_task.pk: ("办理", "问题 W-3"),
        extra.pk: ("审批延期", f"问题 {problem.code}"),
    }


def test_an_object_in_an_undeclared_state_gets_the_workflows_limit(declared, problem):
    from envbureau.core.models import Task

    declared(OWN_LIMIT)
    (task,) = wf.sync_tasks(problem, notify=False)  # 交办, due five days before the deadline
    problem.state = "archived"  # a value the workflow does not declare (e.g. left by an old version)
    problem.save()
    wf.refresh_due(problem)
    assert Task.objects.get(pk=task.pk).due_date == problem.deadline


def test_a_lapse_must_name_a_transition_from_its_state():
    """A lapse applies a step by itself: one naming no declared step, or a step that cannot leave the lapse's
    state, is refused when the workflow is declared, naming the lapse."""
    states = [wf.State("open", "打开"), wf.State("late", "逾期"), wf.State("shut", "关闭")]
    steps = [wf.Transition("close", ("open",), "shut", "x.change", "关闭")]
    with pytest.raises(ValueError, match=r"x\.y: lapse expire is not a transition from open"):
        wf.Workflow("x.y", module="x", states=states, transitions=steps,
                    lapses=[wf.Lapse("open", "close_by", "expire", "")])
    with pytest.raises(ValueError, match=r"x\.y: lapse close is not a transition from late"):
        wf.Workflow("x.y", module="x", states=states, transitions=steps,
                    lapses=[wf.Lapse("late", "close_by", "close", "")])
    ok = wf.Workflow("x.y", module="x", states=states, transitions=steps,
                     lapses=[wf.Lapse("open", "close_by", "close", "")])
    assert [lp.verb for lp in ok.lapses] == ["close"]


def test_a_side_task_tells_its_people_and_closing_it_touches_only_that_objects_open_ones(loop, manager, problem):
    from envbureau.core.models import Notification, Task
    from envbureau.ledger.models import Problem

    other = Problem.objects.create(code="W-2", source="patrol", category="air", title="堆场扬尘",
                                   jurisdiction=problem.jurisdiction, deadline=problem.deadline)
    (mine,) = wf.open_extra_task(problem, "extend", "审批延期", [wf.Assignee(user=manager)])
    assert Notification.objects.filter(recipient=manager, kind="task").count() == 1  # told, like a step's task
    (theirs,) = wf.open_extra_task(other, "extend", "审批延期", [wf.Assignee(user=manager)])
    # the same key on another model's object of the same id (a side task row written as such a step writes it)
    elsewhere = _copy(mine, model="complaints.complaint")
    assert wf.close_extra_tasks(problem, "extend", manager) == 1
    still = dict(Task.objects.filter(pk__in=[mine.pk, theirs.pk, elsewhere.pk]).values_list("pk", "is_open"))
    assert still == {mine.pk: False, theirs.pk: True, elsewhere.pk: True}
    closed_at = Task.objects.get(pk=mine.pk).closed_at
    assert wf.close_extra_tasks(problem, "extend") == 0  # already closed: nothing closed again
    assert Task.objects.get(pk=mine.pk).closed_at == closed_at


def _assigned(name, perms, code=None, *, level_role=None, depts=(), enterprise=None):
    """A user with one role assignment: `perms` at jurisdiction `code` (None = city-wide)."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    role = Role.objects.create(code=level_role or f"r_{name}", name=name, kind="staff", permissions=list(perms))
    u = User.objects.create(username=name)
    a = RoleAssignment.objects.create(user=u, role=role, enterprise_id=enterprise,
                                      jurisdiction=Jurisdiction.objects.get(code=code) if code else None)
    a.departments.set(depts)
    return User.objects.get(pk=u.pk)


def test_acting_at_a_level_or_in_a_role_follows_the_assignment_over_the_object(demo_core, problem):
    """problem is in a street (110101001000) of 东城 (110101): an assignment acts at its own level over it, a
    city-wide one at city level, one elsewhere not at all; roles, when named, must match."""
    from envbureau.core.models import CalendarDay, Department

    dist = _assigned("aa_dist", ["ledger.assign"], "110101")
    city = _assigned("aa_city", ["ledger.*"])
    west = _assigned("aa_west", ["ledger.assign"], "110102")
    assert wf.acts_at(None, problem, "ledger.assign", roles=("nobody",), level="city")  # the system path
    assert wf.acts_at(_assigned("aa_none", []), problem, "ledger.assign")  # neither role nor level asked
    assert wf.acts_at(dist, problem, "ledger.assign", roles=("r_aa_dist",))
    assert not wf.acts_at(dist, problem, "ledger.assign", roles=("r_other",))
    assert wf.acts_at(dist, problem, "ledger.assign", level="district")
    assert not wf.acts_at(dist, problem, "ledger.assign", level="street")
    assert not wf.acts_at(dist, problem, "ledger.verify", level="district")  # not held
    assert wf.acts_at(dist, problem, "ledger.verify|ledger.assign", level="district")  # an alternative held
    assert wf.acts_at(city, problem, "ledger.verify", level="city")
    assert not wf.acts_at(city, problem, "ledger.verify", level="district")
    assert not wf.acts_at(west, problem, "ledger.assign", level="district")  # another district
    on = Department.objects.create(code="aa_on", name="台账科", modules=["ledger"])
    off = Department.objects.create(code="aa_off", name="撤销科", modules=["ledger"], active=False)
    assert wf.acts_at(_assigned("aa_dept", [], "110101", depts=[on]), problem, "ledger.change", level="district")
    assert not wf.acts_at(_assigned("aa_gone", [], "110101", depts=[off]), problem, "ledger.change",
                          level="district")
    # an object in no jurisdiction: only a city-wide assignment acts on it
    day = CalendarDay(date=TODAY, kind="holiday")
    assert wf.acts_at(city, day, "ledger.verify", level="city")
    assert not wf.acts_at(dist, day, "ledger.assign", level="district")


def test_acting_in_scope_needs_the_permission_of_the_objects_module_reaching_it(demo_core, problem):
    view_all = _assigned("as_view", ["ledger.view", "quality.view"])
    assert wf.allowed_in_scope(None, problem, "ledger.assign")
    # quality.view is held and ledger.view reaches the problem, but a quality permission does not act on a ledger row
    assert not wf.allowed_in_scope(view_all, problem, "quality.view")
    assert wf.allowed_in_scope(view_all, problem, "quality.view|ledger.view")  # the next alternative counts
    assert wf.allowed_in_scope(view_all, problem, "ledger.view")
    assert not wf.allowed_in_scope(view_all, problem, "ledger.assign")  # not held
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment

    # assign held only in 西城 and view city-wide: the assign grant does not reach this 东城 problem
    west = Role.objects.create(code="r_as_west", name="西城交办", kind="staff", permissions=["ledger.assign"])
    RoleAssignment.objects.create(user=view_all, role=west, jurisdiction=Jurisdiction.objects.get(code="110102"))
    view_all = type(view_all).objects.get(pk=view_all.pk)
    assert not wf.allowed_in_scope(view_all, problem, "ledger.assign")
    east = _assigned("as_east", ["ledger.assign", "ledger.view"], "110101")
    assert wf.allowed_in_scope(east, problem, "ledger.assign")


def test_a_side_task_opened_with_a_sentence_is_worded_in_the_readers_language(declared, manager, problem):
    """A side task whose action is a sentence's facts is worded from them per reader; one whose action a person
    changed since (the facts no longer word it) is read as stored, through the catalogue."""
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from envbureau.core import texts
    from envbureau.core.models import Task

    declared(WORDED)
    said = texts.sentence(gettext_noop("填报%(y)s年%(m)s月项目进展"), y=2031, m=5)
    (extra,) = wf.open_extra_task(problem, "report", said, [wf.Assignee(user=manager)])
    (plain,) = wf.open_extra_task(problem, "extend", "审批延期申请", [wf.Assignee(user=manager)])  # no facts
    rows = list(Task.objects.filter(pk__in=[extra.pk, plain.pk]))
    assert {r.pk: r.action for r in rows} == {extra.pk: "填报2031年5月项目进展", plain.pk: "审批延期申请"}
    with translation.override("en"):
        words = wf.task_words(rows)
    assert words == {extra.pk: ("Report project progress for 5/2031", f"问题 {problem.code}"),
                     plain.pk: ("Decide the extension request", f"问题 {problem.code}")}
    Task.objects.filter(pk=extra.pk).update(action="主任批示:暂缓")
    with translation.override("en"):
        assert wf.task_words(list(Task.objects.filter(pk=extra.pk)))[extra.pk][0] == "主任批示:暂缓"


def test_each_refusal_says_why_in_words(declared, manager, problem):
    """check() refuses in order: an unknown step, a step the user's grants do not reach, a step not open in the
    object's state, a step reserved to a role or level; then the step's own guard is asked, with the user."""
    from django.core.exceptions import PermissionDenied

    asked = []
    declared(wf.Workflow(
        "ledger.problem", module="ledger",
        states=[wf.State("registered", "已登记", task=wf.TaskSpec("交办", "ledger.assign")),
                wf.State("assigned", "已交办")],
        transitions=[wf.Transition("assign", ("registered",), "assigned", "ledger.assign", "交办",
                                   guard=lambda user, obj: asked.append((user, obj.pk))),
                     wf.Transition("escalate", ("registered",), None, "ledger.assign", "上报", level="district"),
                     wf.Transition("redo", ("assigned",), "registered", "ledger.assign", "退回")]))
    with pytest.raises(wf.TransitionError) as err:
        wf.check(manager, problem, "fly")
    assert err.value.messages == ["未知的操作: fly"]
    viewer = _assigned("ck_view", ["ledger.view"])
    with pytest.raises(PermissionDenied) as denied:
        wf.check(viewer, problem, "assign")
    assert str(denied.value) == "您无权对该对象执行“交办”"
    with pytest.raises(wf.TransitionError) as err:
        wf.check(manager, problem, "redo")
    assert err.value.messages == ["当前状态为“已登记”,不能执行“退回”"]
    with pytest.raises(PermissionDenied) as denied:
        wf.check(manager, problem, "escalate")  # the manager is city-wide: acts at city level, not district
    assert str(denied.value) == "“上报”须由指定角色或层级的人员办理"
    assert wf.check(manager, problem, "assign").verb == "assign" and asked == [(manager, problem.pk)]


def test_acting_looks_at_every_assignment_of_the_user(demo_core, problem):
    """One user, several assignments: those without the permission, in another role, of an enterprise or over
    another district are passed over, and the one that fits still counts, whatever came before it."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment

    u = _assigned("aa_many", ["quality.view"])  # first: no ledger permission
    other_role = Role.objects.create(code="r_aa_other", name="其他", kind="staff", permissions=["ledger.assign"])
    fit = Role.objects.create(code="r_aa_fit", name="交办", kind="staff", permissions=["ledger.assign"])
    RoleAssignment.objects.create(user=u, role=other_role, jurisdiction=Jurisdiction.objects.get(code="110101"))
    RoleAssignment.objects.create(user=u, role=fit, enterprise_id=1)  # an enterprise's: no level
    RoleAssignment.objects.create(user=u, role=fit, jurisdiction=Jurisdiction.objects.get(code="110102"))
    RoleAssignment.objects.create(user=u, role=fit, jurisdiction=Jurisdiction.objects.get(code="110101"))
    u = type(u).objects.get(pk=u.pk)
    assert wf.acts_at(u, problem, "ledger.assign", roles=("r_aa_fit",), level="district")
    assert not wf.acts_at(u, problem, "ledger.assign", roles=("r_aa_fit",), level="city")


def test_a_users_unit_is_read_once_per_user_object(demo_core, django_assert_num_queries):
    """unit_of is asked for every task and timeline line a request writes: the user's unit (the first active one
    by kind, then code) is read once and kept on the user object."""
    from envbureau.core.models import Unit

    u = _assigned("unit_once", [])
    Unit.objects.create(code="u_b", name="乙组", kind="agency").members.add(u)
    Unit.objects.create(code="u_a", name="甲组", kind="agency").members.add(u)
    Unit.objects.create(code="u_0", name="停用组", kind="agency", active=False).members.add(u)
    Unit.objects.create(code="t_z", name="科室", kind="department").members.add(u)  # first by code alone
    assert wf.unit_of(u).code == "u_a"  # agency before department (the kinds' codes), then by code
    with django_assert_num_queries(0):
        assert wf.unit_of(u).code == "u_a"
    none = _assigned("unit_none", [])
    assert wf.unit_of(none) is None
    with django_assert_num_queries(0):
        assert wf.unit_of(none) is None  # no unit is kept too


# ---- where an object is and whose it is (unsaved objects: no database) ------------------------------

def test_an_objects_place_and_enterprise_follow_its_scope_lookups():
    """jurisdiction_of / enterprise_of read the object's ScopeSpec: an area is its own jurisdiction, a model in no
    jurisdiction has none, a lookup through a relation ("producer__jurisdiction") is followed part by part and a
    missing link on the way gives None; of several enterprise lookups (a manifest's producer, receiver, carrier)
    the first one is the object's enterprise."""
    from envbureau.core.models import Department, Jurisdiction
    from envbureau.waste.models import CrossProvinceApplication, Manifest, Producer

    area = Jurisdiction(code="110101", name="东城区", path="/110000/110101/")
    assert wf.jurisdiction_of(area) is area and wf.enterprise_of(area) is None
    assert wf.jurisdiction_of(Department(code="d", name="科室")) is None  # declared in no jurisdiction
    producer = Producer(name="某厂", enterprise_id=7, jurisdiction=area)
    application = CrossProvinceApplication(producer=producer)
    assert wf.jurisdiction_of(application) is area and wf.enterprise_of(application) == 7
    orphan = CrossProvinceApplication()  # no producer yet: the lookup stops on the way
    assert wf.jurisdiction_of(orphan) is None and wf.enterprise_of(orphan) is None
    assert wf.jurisdiction_of(producer) is area and wf.enterprise_of(producer) == 7
    manifest = Manifest(producer_enterprise_id=1, receiver_enterprise_id=2, transporter_enterprise_id=3,
                        jurisdiction=area)
    assert wf.enterprise_of(manifest) == 1 and wf.jurisdiction_of(manifest) is area
    assert wf._follow(None, "producer__jurisdiction") is None
    assert wf._follow(application, "producer__jurisdiction__path") == "/110000/110101/"
    assert wf._follow(application, "producer__nothing__path") is None  # an unknown attribute reads as None


# ---- closing tasks: who, when, only these, audited ----------------------------------------------

def test_a_step_closes_only_this_objects_open_tasks_and_records_who_in_one_audit_entry(loop, manager, problem):
    """The step closes the object's open tasks (not another kind of object's of the same id, not its own closed
    ones again), stamps when and by whom, and writes one audit entry saying what changed."""
    from envbureau.core.models import AuditEntry, Task

    wf.sync_tasks(problem)
    (task,) = wf.open_tasks(problem)
    earlier = _copy(task, is_open=False, closed_at=None)  # closed long ago (no stamp): history stays as it is
    twin = _copy(task, model="complaints.complaint")  # another kind of object with the same id, still waiting
    wf.apply(manager, problem, "assign", batch="b1")
    closed = Task.objects.get(pk=task.pk)
    assert (closed.is_open, closed.closed_by) == (False, manager) and closed.closed_at is not None
    assert Task.objects.get(pk=twin.pk).is_open
    assert Task.objects.get(pk=earlier.pk).closed_at is None
    entry = AuditEntry.objects.get(model="core.task", object_id=str(task.pk), action="update")
    assert entry.changes == {"is_open": [True, False], "closed_at": [None, closed.closed_at.isoformat()],
                             "closed_by": [None, manager.pk]}
    assert not AuditEntry.objects.filter(model="core.task", object_id=str(earlier.pk), action="update").exists()
    (step,) = wf.open_tasks(problem)  # the next step's task
    assert step.state == "assigned"


def test_tasks_closed_by_no_one_name_no_one(loop, manager, problem):
    """Closed by the system (no user, or an anonymous one): closed_by stays empty, in the row and in the audit."""
    from django.contrib.auth.models import AnonymousUser

    from envbureau.core.models import AuditEntry, Task

    for key, who in (("a", None), ("b", AnonymousUser())):
        (side,) = wf.open_extra_task(problem, key, "审批延期", [wf.Assignee(user=manager)])
        assert wf.close_extra_tasks(problem, key, who) == 1
        row = Task.objects.get(pk=side.pk)
        assert (row.is_open, row.closed_by) == (False, None) and row.closed_at is not None
        entry = AuditEntry.objects.get(model="core.task", object_id=str(side.pk), action="update")
        assert entry.changes == {"is_open": [True, False], "closed_at": [None, row.closed_at.isoformat()],
                                 "closed_by": [None, None]}


def test_closing_several_tasks_at_once_returns_how_many(loop, manager, problem):
    from envbureau.core.models import AuditEntry, Unit

    units = [Unit.objects.create(code=f"r_c{i}", name=f"组{i}", kind="agency") for i in range(3)]
    rows = wf.open_extra_task(problem, "extend", "审批延期", [wf.Assignee(unit=u) for u in units])
    assert len(rows) == 3
    assert wf.close_extra_tasks(problem, "extend", manager) == 3
    entry = AuditEntry.objects.get(model="core.task", object_id="3 rows")
    assert entry.changes["ids"] == sorted(str(t.pk) for t in rows)
    assert entry.changes["closed_by"] == [None, manager.pk] and entry.changes["is_open"] == [True, False]


# ---- the task a state opens: whose, worded how, told once ---------------------------------------

HELD = wf.Workflow(
    "ledger.problem", module="ledger",
    states=[
        wf.State("registered", "已登记", task=wf.TaskSpec(lambda p: f"整改 {p.code}", "ledger.rectify")),
        # a step held by another enterprise than the object's own (a manifest's receiver confirms it)
        wf.State("assigned", "已交办", task=wf.TaskSpec("确认", "ledger.rectify", enterprise=lambda p: p.enterprise_id + 1000)),
        wf.State("long", "长", task=wf.TaskSpec(lambda p: "办" * 150, "ledger.rectify")),
        # terminal: the loop ends here, even though a task is (wrongly) declared on it
        wf.State("done", "已办结", terminal=True, task=wf.TaskSpec("不应出现", "ledger.assign")),
    ],
    transitions=[wf.Transition("assign", ("registered",), "assigned", "ledger.assign", "交办")])


def test_a_task_is_held_by_the_objects_enterprise_unless_its_step_names_another(declared, manager, problem):
    from envbureau.ledger.models import Problem

    declared(HELD)
    problem.enterprise_id = 501
    problem.save()
    (task,) = wf.sync_tasks(problem, notify=False)
    assert (task.enterprise_id, task.action, task.state) == (501, f"整改 {problem.code}", "registered")
    (side,) = wf.open_extra_task(problem, "extend", "审批延期", [wf.Assignee(user=manager)])
    assert side.enterprise_id == 501  # a side task: the object's enterprise
    problem.state = "assigned"
    (task,) = wf.sync_tasks(problem, notify=False)
    assert (task.enterprise_id, task.action) == (1501, "确认")  # the step's own enterprise, from this object
    assert [t.state for t in wf.open_tasks(problem)] == ["assigned"]  # the side task closed with the old step
    no_one = Problem.objects.create(code="W-9", source="patrol", category="air", title="无企业",
                                    jurisdiction=problem.jurisdiction)
    (task,) = wf.sync_tasks(no_one, notify=False)
    assert task.enterprise_id is None


def test_a_terminal_state_opens_no_task_and_a_long_action_is_cut(declared, problem):
    declared(HELD)
    problem.state = "long"
    (task,) = wf.sync_tasks(problem, notify=False)
    assert task.action == "办" * 100  # the column's 100 characters
    problem.state = "done"
    assert wf.sync_tasks(problem, notify=False) == [] and list(wf.open_tasks(problem)) == []
    problem.state = "long"
    wf.sync_tasks(problem, notify=False)
    problem.state = "archived"  # a value the workflow does not declare: its old task closes, none opens
    assert wf.sync_tasks(problem, notify=False) == [] and list(wf.open_tasks(problem)) == []


def test_one_step_tells_a_person_it_reaches_through_several_rows_once(loop, problem):
    """Two units on one step are two rows; a member of both is told once (the notice names the step's lead row),
    a member of the second only is told too."""
    from envbureau.core.models import Notification, Unit, User

    both, second = User.objects.create(username="r_both"), User.objects.create(username="r_second")
    u1 = Unit.objects.create(code="r_u1", name="一组", kind="agency")
    u2 = Unit.objects.create(code="r_u2", name="二组", kind="agency")
    u1.members.add(both)
    u2.members.add(both, second)
    rows = wf.open_extra_task(problem, "extend", "审批延期", [wf.Assignee(unit=u1), wf.Assignee(unit=u2)])
    assert [(t.assignee_unit, t.lead) for t in rows] == [(u1, True), (u2, False)]
    told = Notification.objects.filter(kind="task")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["r_both", "r_second"]


# ---- what a handler sees, what it may change ------------------------------------------------------

def _ctx_workflow(seen):
    def handler(ctx):
        seen.append(("handler", ctx.user, ctx.obj, ctx.workflow, ctx.transition.verb, ctx.note, ctx.files,
                     dict(ctx.data), ctx.from_state, ctx.target))
        if ctx.data.get("urgent"):
            ctx.target = "escalated"  # a handler may send the object elsewhere
        if ctx.data.get("quiet"):
            ctx.keep_tasks = True  # ... or keep the tasks as they are
        ctx.step = "区级"
        ctx.event_data = {"k": 1}
        ctx.attachments = [{"name": "a.jpg"}]
        ctx.documents = [{"title": "通知书"}]

    def after(ctx):
        seen.append(("after", ctx.event.verb, ctx.event.to_state, ctx.event.pk is not None))

    return wf.Workflow(
        "ledger.problem", module="ledger",
        states=[wf.State("registered", "已登记", task=wf.TaskSpec("交办", "ledger.assign")),
                wf.State("assigned", "已交办", task=wf.TaskSpec("办理", "ledger.assign")),
                wf.State("escalated", "已上报", task=wf.TaskSpec("督办", "ledger.assign"))],
        transitions=[
            wf.Transition("assign", ("registered",), "assigned", "ledger.assign", "交办", params=("urgent", "quiet"),
                          handler=handler, after=after),
            wf.Transition("handover", ("assigned", "escalated"), None, "ledger.assign", "转办", reassign=True),
            wf.Transition("remark", ("assigned", "escalated"), None, "ledger.assign", "批注")])


def test_a_handler_sees_the_step_and_its_data_and_the_line_keeps_what_it_set(declared, manager, problem):
    from envbureau.core.models import TimelineEvent

    seen = []
    w = _ctx_workflow(seen)
    declared(w)
    wf.apply(manager, problem, "assign", note=" 请办理 ", files=["x.pdf"], urgent="")
    (h, a) = seen
    assert h[0] == "handler" and h[1] == manager and h[2] is not problem and h[2].pk == problem.pk  # the locked row
    assert h[3:] == (w, "assign", "请办理", ("x.pdf",), {"urgent": ""}, "registered", "assigned")
    assert a == ("after", "assign", "assigned", True)  # after() runs once the line exists
    ev = TimelineEvent.objects.get(model="ledger.problem", object_id=str(problem.pk))
    assert (ev.from_state, ev.to_state, ev.step, ev.data, ev.attachments, ev.documents, ev.note, ev.actor) == (
        "registered", "assigned", "区级", {"k": 1}, [{"name": "a.jpg"}], [{"title": "通知书"}], "请办理", manager)


def test_a_handler_may_change_the_target_or_keep_the_tasks(declared, manager, problem):
    from envbureau.core.models import Task, TimelineEvent
    from envbureau.ledger.models import Problem

    declared(_ctx_workflow([]))
    wf.sync_tasks(problem)
    wf.apply(manager, problem, "assign", urgent="1")
    assert problem.state == "escalated" and Problem.objects.get(pk=problem.pk).state == "escalated"
    assert TimelineEvent.objects.get(model="ledger.problem", object_id=str(problem.pk)).to_state == "escalated"
    assert [t.action for t in wf.open_tasks(problem)] == ["督办"]
    other = Problem.objects.create(code="W-5", source="patrol", category="air", title="另一件",
                                   jurisdiction=problem.jurisdiction)
    (kept,) = wf.sync_tasks(other)
    wf.apply(manager, other, "assign", quiet="1")  # the state moved, the handler kept the tasks
    assert other.state == "assigned" and list(wf.open_tasks(other)) == [kept]
    assert Task.objects.get(pk=kept.pk).is_open


def test_a_step_that_reassigns_reopens_the_task_though_the_state_stays(declared, manager, problem):
    from envbureau.core.models import Task

    declared(_ctx_workflow([]))
    problem.state = "assigned"
    problem.save()
    (first,) = wf.sync_tasks(problem)
    wf.apply(manager, problem, "remark")  # neither moves nor reassigns: the same task waits
    assert list(wf.open_tasks(problem)) == [first]
    wf.apply(manager, problem, "handover")
    (again,) = wf.open_tasks(problem)
    assert again.pk != first.pk and again.action == "办理" and again.state == "assigned"
    closed = Task.objects.get(pk=first.pk)
    assert not closed.is_open and closed.closed_by == manager  # closed by whoever handed it over


def test_a_line_written_from_facts_keeps_the_data_it_was_given(loop, manager, problem):
    """record_event: a note or a step given as facts adds them to the line's data, beside the data given."""
    from django.utils.translation import gettext_noop

    from envbureau.core import texts
    from envbureau.core.models import TimelineEvent

    said = texts.sentence(gettext_noop("自动公开"))
    step = texts.sentence(gettext_noop("%(k)s:%(s)s"), k="区级", s="复核")
    ev = wf.record_event(problem, manager, "note", note=said, step=step, data={"key": "rectify"})
    ev = TimelineEvent.objects.get(pk=ev.pk)
    assert ev.data == {"key": "rectify", "note_facts": said, "step_facts": step}
    assert (ev.note, ev.step) == ("自动公开", "区级:复核")
    only_note = wf.record_event(problem, manager, "note", note=said, data={"due": "2026-05-01"})
    assert TimelineEvent.objects.get(pk=only_note.pk).data == {"due": "2026-05-01", "note_facts": said}
    only_step = wf.record_event(problem, manager, "note", step=step, data={"due": "2026-05-01"})
    assert TimelineEvent.objects.get(pk=only_step.pk).data == {"due": "2026-05-01", "step_facts": step}
    plain = TimelineEvent.objects.get(pk=wf.record_event(problem, manager, "note").pk)
    assert (plain.note, plain.step, plain.from_state, plain.to_state, plain.data, plain.attachments,
            plain.documents) == ("", "", "", "", {}, [], [])


def test_an_anonymous_actor_has_no_name_and_reads_as_the_system(loop, problem):
    from django.contrib.auth.models import AnonymousUser

    assert wf.actor_name(AnonymousUser()) == ""
    wf.record_event(problem, AnonymousUser(), "note")
    assert wf.timeline(problem)[-1]["actor"] == "系统"


def test_a_required_field_already_on_the_object_is_enough_and_a_given_value_counts_first(loop, manager, problem):
    from envbureau.core.models import TimelineEvent

    problem.batch = "b0"
    problem.save()
    with pytest.raises(wf.TransitionError) as err:
        wf.apply(manager, problem, "assign", batch="")  # given empty: the given value counts, not the stored one
    assert list(err.value.message_dict) == ["batch"]
    wf.apply(manager, problem, "assign")  # nothing given: the stored batch fills the requirement
    assert (problem.state, problem.batch) == ("assigned", "b0")
    ev = TimelineEvent.objects.get(model="ledger.problem", object_id=str(problem.pk))
    assert (ev.note, ev.step, ev.data, ev.attachments, ev.documents) == ("", "", {}, [], [])  # no note given


def test_a_handler_reads_a_rules_note_in_chinese(declared, manager, problem):
    """A note written by a rule comes as facts: the handler reads its Chinese wording, the line keeps the facts."""
    from django.utils.translation import gettext_noop

    from envbureau.core import texts
    from envbureau.core.models import TimelineEvent

    seen = []
    declared(_ctx_workflow(seen))
    said = texts.sentence(gettext_noop("自动公开"))
    wf.apply(manager, problem, "assign", note=said)
    assert seen[0][5] == "自动公开"
    ev = TimelineEvent.objects.get(model="ledger.problem", object_id=str(problem.pk))
    assert (ev.note, ev.data) == ("自动公开", {"k": 1, "note_facts": said})


def test_the_callers_instance_is_brought_up_to_date_but_stays_its_own(loop, manager, problem):
    """apply returns the saved (locked) row and copies its values onto the caller's instance; the two stay separate
    objects: changing one's relation afterwards leaves the other as it was."""
    from envbureau.core.models import Jurisdiction

    problem.jurisdiction  # noqa: B018 — the relation read (cached) before the step
    fresh = wf.apply(manager, problem, "assign", batch="b1")
    assert fresh is not problem and (problem.state, problem.batch) == (fresh.state, fresh.batch) == ("assigned", "b1")
    assert problem.jurisdiction == fresh.jurisdiction
    west = Jurisdiction.objects.get(code="110102")
    problem.jurisdiction = west
    assert fresh.jurisdiction.code == "110101001000" and fresh.jurisdiction_id != west.pk


def test_a_person_named_twice_does_not_hide_the_people_after_them():
    from types import SimpleNamespace as Obj

    u1, u2, unit = Obj(pk=1), Obj(pk=2), Obj(pk=10)
    A = wf.Assignee
    row = {"user": None, "unit": None, "permission": "", "level": ""}
    assert wf._fold([A(user=u1), A(user=u1), A(user=u2), A(unit=unit)]) == [
        {**row, "user": u1, "unit": unit}, {**row, "user": u2}]


def test_a_side_task_on_an_object_in_no_jurisdiction_or_enterprise(declared, manager):
    """An object whose scope has no jurisdiction (a department) gets tasks with no jurisdiction path and no
    enterprise; a row for a person carries no level."""
    from envbureau.core.models import Department

    declared(wf.Workflow("core.department", module="core", states=[wf.State("open", "打开")], transitions=[]))
    dept = Department.objects.create(code="r_dept", name="测试科")
    (task,) = wf.open_extra_task(dept, "review", "审核", [wf.Assignee(user=manager)])
    assert (task.model, task.object_id, task.module, task.state) == ("core.department", str(dept.pk), "core", "+review")
    assert (task.jurisdiction_path, task.enterprise_id, task.level, task.permission, task.assignee_user) == (
        "", None, "", "", manager)
    assert task.title == str(dept)


def test_a_registered_label_is_found_without_asking_for_its_model(loop):
    """The registry answers first: a workflow registered under a label is found even when no installed model has
    that label (only an unregistered label is resolved through its model, for a proxy's concrete one)."""
    w = wf.register(wf.Workflow("retired.thing", module="retired", states=[wf.State("open", "打开")], transitions=[]))
    assert wf.workflow_for("retired.thing") is w and wf.workflow_for("Retired.Thing") is w


def test_a_line_about_an_object_whose_area_is_not_saved_names_no_area(loop, manager, problem):
    from envbureau.core.models import Jurisdiction, TimelineEvent

    problem.jurisdiction = Jurisdiction(code="110199", name="新设区", path="/110000/110199/")  # not saved yet
    ev = wf.record_event(problem, manager, "note", note="区划调整中")
    assert TimelineEvent.objects.get(pk=ev.pk).jurisdiction is None


# ---- files a step carries are bounded (ENVBUREAU STEP_FILES_MAX / STEP_FILE_MAX_BYTES) ----------------------

def _refusal(files):
    """check_files' words for `files`, or None when accepted."""
    try:
        wf.check_files(tuple(files))
    except wf.TransitionError as exc:
        return exc.message_dict["files"][0]
    return None


def test_a_step_carries_at_most_the_set_number_of_files(settings):
    import io

    from boundary import three

    settings.ENVBUREAU = {**settings.ENVBUREAU, "STEP_FILES_MAX": 3, "STEP_FILE_MAX_BYTES": 100}
    many = lambda n: [io.BytesIO(b"x") for _ in range(n)]  # noqa: E731
    assert three(lambda n: _refusal(many(n)), 3, 1) == (None, None, "每次最多上传 3 个文件,本次 4 个")


def test_each_file_is_at_most_the_set_size_and_the_refusal_names_it(settings, manager, problem, loop):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from boundary import three

    settings.ENVBUREAU = {**settings.ENVBUREAU, "STEP_FILES_MAX": 10, "STEP_FILE_MAX_BYTES": 100}
    upload = lambda n: SimpleUploadedFile("照片/现场.jpg", b"j" * n)  # noqa: E731  (size from the upload)
    assert three(lambda n: _refusal([upload(n)]), 100, 1) == (
        None, None, "文件 现场.jpg 为 101 字节,超过上限 100 字节")
    # a plain file object is measured from its end and left where it was
    f = io.BytesIO(b"p" * 150)
    f.seek(7)
    assert _refusal([io.BytesIO(b"ok"), f]) == "文件  为 150 字节,超过上限 100 字节" and f.tell() == 7
    f.name = "/tmp/证据/第2批/检测报告.pdf"  # a file object's own path: the refusal names the file only
    assert _refusal([f]) == "文件 检测报告.pdf 为 150 字节,超过上限 100 字节"
    settings.ENVBUREAU = {**settings.ENVBUREAU, "STEP_FILE_MAX_BYTES": 0}
    assert _refusal(["x.pdf"]) is None  # a name a handler resolves is no upload, whatever the cap
    settings.ENVBUREAU = {**settings.ENVBUREAU, "STEP_FILE_MAX_BYTES": 100}
    # through apply: nothing changes and the refusal stands on the files field
    wf.apply(manager, problem, "assign", batch="第一批")
    problem.refresh_from_db()
    with pytest.raises(wf.TransitionError) as err:
        wf.apply(None, problem, "finish", files=[upload(101)])
    assert err.value.message_dict == {"files": ["文件 现场.jpg 为 101 字节,超过上限 100 字节"]}
    problem.refresh_from_db()
    assert problem.state == "assigned"


def test_the_step_file_caps_default_when_the_settings_leave_them_out(settings):
    import io

    settings.ENVBUREAU = {"APPROVALS": {}}  # a deployment's own ENVBUREAU without the caps: 10 files, 20 MB each
    assert _refusal([io.BytesIO(b"x")] * 10) is None
    assert _refusal([io.BytesIO(b"x")] * 11) == "每次最多上传 10 个文件,本次 11 个"
    big = io.BytesIO()
    big.seek((20 << 20) - 1)
    big.write(b"x")  # exactly 20 MB
    assert _refusal([big]) is None
    big.write(b"x")
    assert _refusal([big]) == f"文件  为 {(20 << 20) + 1} 字节,超过上限 {20 << 20} 字节"
