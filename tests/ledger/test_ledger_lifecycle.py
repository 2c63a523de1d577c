"""The whole lifecycle through a configurable sign-off chain, clear errors, audit, and the interface."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from envbureau.core.models import AuditEntry
from envbureau.ledger import services
from envbureau.ledger.choices import State, Verb
from envbureau.ledger.models import Problem, SignOff, SignOffChain, SignOffStep


def run_to_closure_requested(actors, p, evidence):
    services.assign(actors["mgr"], p, note="交办")
    services.start(actors["street"], p)
    services.record_progress(actors["ent"], p, "已安装油烟净化器", files=[evidence()])
    services.request_close(actors["street"], p, "整改完成", files=[evidence("对比照片.txt")])
    return p


def test_full_lifecycle_through_chain(actors, chain, make_problem, evidence):
    p = run_to_closure_requested(actors, make_problem(), evidence)
    assert p.state == State.CLOSURE_REQUESTED and p.current_step.name == "区级验收" and p.closure_round == 1
    with pytest.raises(PermissionDenied, match="区级验收"):
        services.sign_off(actors["mgr"], p)  # a city user cannot sign the district step
    services.sign_off(actors["dist"], p, note="区级验收通过")
    assert p.state == State.CLOSURE_REQUESTED and p.current_step.name == "市级复核"
    with pytest.raises(PermissionDenied):
        services.sign_off(actors["dist"], p)  # and the district cannot do the city re-check
    services.sign_off(actors["mgr"], p, note="市级复核通过")
    assert p.state == State.VERIFIED and p.verified_at is not None
    assert [s.step_name for s in SignOff.objects.filter(problem=p)] == ["区级验收", "市级复核"]
    services.close_out(actors["mgr"], p)
    services.publish_notice(actors["mgr"], p, public_summary="已整改到位,联系人电话13912345678", days=7)
    p.refresh_from_db()
    assert p.state == State.NOTICED and p.notice_until == dt.date.today() + dt.timedelta(days=7)
    assert "13912345678" not in p.public_summary  # personal data scrubbed from the notice
    services.reopen(actors["mgr"], p, "群众反映问题反弹")
    assert p.state == State.IN_RECTIFICATION and p.reopened_count == 1 and p.closed_out_at is None
    verbs = list(services.events_of(p).values_list("verb", flat=True))
    assert verbs == ["register", "assign", "start", "progress", "request_close", "sign_off", "sign_off",
                     "close_out", "notice", "reopen"]


def test_return_starts_a_new_round(actors, chain, make_problem, evidence):
    p = run_to_closure_requested(actors, make_problem(), evidence)
    services.sign_off(actors["dist"], p)
    with pytest.raises(PermissionDenied):
        services.return_for_rework(actors["dist"], p, "x")  # the pending step is the city's now
    services.return_for_rework(actors["mgr"], p, "材料不全")
    assert p.state == State.RETURNED and p.current_step is None
    services.request_close(actors["street"], p, "已补充材料", files=[evidence()])
    assert p.closure_round == 2 and p.current_step.name == "区级验收"  # the chain restarts


def test_missing_evidence_and_note_are_clear_errors(actors, chain, make_problem, evidence):
    p = make_problem()
    services.assign(actors["mgr"], p)
    services.start(actors["street"], p)
    with pytest.raises(ValidationError) as e:
        services.request_close(actors["street"], p, "完成了", files=[])
    assert "佐证材料" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.request_close(actors["street"], p, "", files=[evidence()])
    assert "说明" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.close_out(actors["mgr"], p)
    assert "整改中" in str(e.value) and "销号" in str(e.value)
    assert Problem.objects.get(pk=p.pk).state == State.IN_RECTIFICATION


def test_assign_needs_units(actors, make_problem):
    p = make_problem(responsible_units=[])
    with pytest.raises(ValidationError, match="责任单位"):
        services.assign(actors["mgr"], p)
    services.assign(actors["mgr"], p, responsible_units=["东城区城管委"])
    assert p.state == State.ASSIGNED and p.lead_unit == "东城区城管委"


def test_city_problem_skips_district_step_and_implicit_step_without_chain(actors, chain, make_problem, evidence):
    p = make_problem(jurisdiction="110000", enterprise_id=None)
    assert [s.name for s in services.applicable_steps(p)] == ["市级复核"]
    SignOffChain.objects.all().delete()
    q = make_problem()
    assert [s.name for s in services.applicable_steps(q)] == ["验收"]
    run_to_closure_requested(actors, q, evidence)
    services.sign_off(actors["dist"], q)
    assert q.state == State.VERIFIED


def test_chain_per_source_and_role_restriction(actors, chain, make_problem, evidence):
    from envbureau.core.models import Role

    special = SignOffChain.objects.create(name="回头看验收", source="oversight_followup")
    SignOffStep.objects.create(chain=special, order=1, name="督察办审核", level="city",
                               role=Role.objects.get(code="t_mgr"), evidence_required=True)
    p = run_to_closure_requested(actors, make_problem(source="oversight_followup"), evidence)
    assert p.current_step.name == "督察办审核"
    with pytest.raises(ValidationError, match="验收材料"):
        services.sign_off(actors["mgr"], p)
    services.sign_off(actors["mgr"], p, files=[evidence("验收报告.txt")])
    assert p.state == State.VERIFIED


def test_same_person_never_signs_two_steps(actors, make_problem, evidence):
    c = SignOffChain.objects.create(name="两步市级", source="")
    SignOffStep.objects.create(chain=c, order=1, name="市级复核", level="city")
    SignOffStep.objects.create(chain=c, order=2, name="行业审查", level="city")
    p = run_to_closure_requested(actors, make_problem(), evidence)
    services.sign_off(actors["mgr"], p)
    with pytest.raises(PermissionDenied):
        services.sign_off(actors["mgr"], p)


def _user(name, perms, kind="officer", jurisdiction=None, enterprise_id=None, **fields):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    role = Role.objects.create(code=f"t_{name}", name=f"test {name}", kind=kind, permissions=perms)
    u = User.objects.create(username=f"t_{name}", **fields)
    RoleAssignment.objects.create(user=u, role=role, enterprise_id=enterprise_id,
                                  jurisdiction=Jurisdiction.objects.get(code=jurisdiction) if jurisdiction else None)
    return u


VERIFY = ["ledger.view", "ledger.rectify", "ledger.verify"]


@pytest.mark.parametrize("with_chain", [False, True], ids=["implicit step", "chain step without level or role"])
def test_an_enterprise_never_signs_acceptance_even_holding_verify(actors, make_problem, evidence, with_chain):
    # Acceptance is the authorities' (Boshan's procedure, 镇街整改、区级验收、市级审核: 验收 by the district/city, never the rectifying enterprise).
    # A step with no level and no role used to accept anyone passing the scope check, an enterprise grant included.
    if with_chain:
        c = SignOffChain.objects.create(name="不限层级", source="")
        SignOffStep.objects.create(chain=c, order=1, name="行业审查")
    ent = _user("entv", VERIFY, kind="enterprise", enterprise_id=7)
    p = run_to_closure_requested(actors, make_problem(), evidence)
    step = services.pending_step(p)
    assert (step.level, step.role_id) == ("", None)
    assert services.can_sign(ent, p, step) is False
    assert Verb.SIGN_OFF not in [t.verb for t in services.allowed_transitions(ent, p)]
    # nor is the step in the enterprise's inbox or notifications: it waits only for the authorities
    from envbureau.core.models import Task
    from envbureau.core.notify import recipients, tasks_q

    sign_task = Task.objects.get(model="ledger.problem", object_id=str(p.pk), is_open=True, lead=True)
    assert sign_task.enterprise_id is None
    assert ent.pk not in set(recipients(sign_task).values_list("pk", flat=True))
    told = recipients(sign_task)  # the nearest authority holding verify (the street officer here)
    assert told.exists() and not told.filter(assignments__enterprise_id__isnull=False).exists()
    assert not Task.objects.filter(tasks_q(ent), pk=sign_task.pk).exists()
    with pytest.raises(PermissionDenied):
        services.sign_off(ent, p)
    with pytest.raises(PermissionDenied):
        services.return_for_rework(ent, p, "不合格")
    p.refresh_from_db()
    assert p.state == State.CLOSURE_REQUESTED and not SignOff.objects.filter(problem=p).exists()
    # the district officer holding the same permission signs it
    assert services.can_sign(actors["dist"], p, step) is True
    services.sign_off(actors["dist"], p)
    assert p.state == State.VERIFIED


def test_unrestricted_step_needs_an_authority_grant_that_reaches_the_problem(actors, make_problem, evidence):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    p = run_to_closure_requested(actors, make_problem(), evidence)  # 东华门街道 (Dongcheng), enterprise 7
    step = services.pending_step(p)
    # verify through the enterprise, only viewing in Dongcheng: no authority grant holds verify here
    mixed = _user("mixed", VERIFY, kind="enterprise", enterprise_id=7)
    viewer = Role.objects.create(code="t_viewer", name="viewer", kind="officer", permissions=["ledger.view"])
    RoleAssignment.objects.create(user=mixed, role=viewer, jurisdiction=Jurisdiction.objects.get(code="110101"))
    assert services.can_sign(mixed, p, step) is False
    # verify through the enterprise and in another district (Xicheng): neither reaches it as an authority
    far = _user("far", VERIFY, kind="enterprise", enterprise_id=7)
    xicheng = Role.objects.create(code="t_xc", name="xicheng", kind="officer", permissions=VERIFY)
    RoleAssignment.objects.create(user=far, role=xicheng, jurisdiction=Jurisdiction.objects.get(code="110102"))
    assert services.can_sign(far, p, step) is False
    assert services.can_sign(actors["xicheng"], p, step) is False
    # the street's own grant reaches the problem: a street officer holding verify signs the unrestricted step
    street = _user("streetv", VERIFY, jurisdiction="110101001000")
    assert services.can_sign(street, p, step) is True
    # a city-wide grant reaches it, and so does an administrator's
    assert services.can_sign(actors["mgr"], p, step) is True
    admin = User.objects.create(username="t_root", is_superuser=True)
    assert services.can_sign(admin, p, step) is True
    # holding only view is no signature, city-wide or not
    assert services.can_sign(actors["leader"], p, step) is False


def test_every_verb_is_audited(actors, chain, make_problem, evidence):
    p = run_to_closure_requested(actors, make_problem(), evidence)
    entries = AuditEntry.objects.filter(model="ledger.problem", object_id=str(p.pk))
    states = [e.changes.get("state", [None, None])[1] for e in entries.order_by("id")]
    assert states[0] == State.REGISTERED  # the create entry
    for s in (State.ASSIGNED, State.IN_RECTIFICATION, State.CLOSURE_REQUESTED):
        assert s in states
    assert AuditEntry.objects.filter(model="core.timelineevent").count() >= 5
    assert AuditEntry.objects.filter(model="ledger.attachment").count() == 2


def test_out_of_scope_edit_is_refused(actors, make_problem):
    p = make_problem()
    with pytest.raises(PermissionDenied):
        services.update_problem(actors["ent"], p, title="x")  # enterprises rectify but do not edit
    with translation.override("en"):  # edited by an officer working in English
        services.update_problem(actors["street"], p, title="新标题", deadline=dt.date(2030, 7, 1))
    assert Problem.objects.get(pk=p.pk).title == "新标题"
    ev = services.events_of(p).last()
    assert ev.note == "修改:问题标题、整改时限"  # stored in Chinese, the fields by their labels
    with translation.override("en"):
        assert ev.shown_note == "Edited: Problem title, Rectification deadline"
    with pytest.raises(PermissionDenied):  # moving it out of one's own scope is refused and rolled back
        services.update_problem(actors["street"], p, jurisdiction="110102")
    assert Problem.objects.get(pk=p.pk).jurisdiction.code == "110101001000"


def test_open_problem_interface(actors):
    p = services.open_problem(None, source="alarm", title="COD超标报警", description="连续3小时超标", category="water",
                              jurisdiction="110101", enterprise_id=12, source_ref=("sources.Alarm", 55),
                              deadline=dt.date(2030, 1, 1), responsible_units=["东城区生态环境局"])
    assert p.state == State.REGISTERED and p.code and p.source_ref == ("sources.alarm", "55")
    assert list(services.problems_for_ref("sources.alarm", "55")) == [p]
    assert list(services.problems_for_ref("sources.alarm", "55", user=actors["xicheng"])) == []
    assert list(services.problems_for_ref("sources.alarm", "55", user=actors["dist"])) == [p]
    with pytest.raises(ValidationError):
        services.open_problem(None, source="nope", title="x", description="", category="air", jurisdiction="110101")
    with pytest.raises(PermissionDenied):  # an officer cannot open a problem in another district
        services.open_problem(actors["dist"], source="complaint", title="x", description="", category="air",
                              jurisdiction="110102")
    assert not Problem.objects.filter(jurisdiction__code="110102").exists()
    q = services.open_problem(actors["dist"], source="complaint", title="噪声", description="", category="noise",
                              jurisdiction="110101001000")
    assert q.created_by == actors["dist"]
    assert services.events_of(q).get().verb == Verb.REGISTER


# ---- the interface other apps use, stated field by field ------------------------------------------------

def test_open_problem_stores_what_it_is_given_and_defaults_the_rest(actors):
    p = services.open_problem(None, source="inspection", title="雨污混排", description="检查发现雨污混排",
                              category="water", jurisdiction="110101", enterprise_id=12, batch="第3批",
                              source_ref=("Enforcement.Inspection", 8), deadline=dt.date(2030, 1, 1),
                              location="东城区某路", responsible_units=["东城区水务局", "  ", ""])
    p.refresh_from_db()
    assert (p.source, p.title, p.description, p.category, p.jurisdiction.code, p.enterprise_id) == \
        ("inspection", "雨污混排", "检查发现雨污混排", "water", "110101", 12)
    assert (p.batch, p.deadline, p.location, p.responsible_units) == \
        ("第3批", dt.date(2030, 1, 1), "东城区某路", ["东城区水务局"])
    assert (p.source_model, p.source_pk) == ("enforcement.inspection", "8")
    q = services.open_problem(None, source="patrol", title="渣土撒漏", description="", category="solid_waste",
                              jurisdiction="110101")
    q.refresh_from_db()
    assert (q.batch, q.location, q.responsible_units, q.deadline, q.enterprise_id) == ("", "", [], None, None)
    assert (q.source_model, q.source_pk) == ("", "")


@pytest.mark.parametrize(("kw", "field", "message"), [
    ({"source": "nope"}, "source", "未知的问题来源: nope"),
    ({"category": "smell"}, "category", "未知的问题类型: smell"),
    ({"source_ref": ("sourcesalarm", 5)}, "source_ref", '来源记录须为 ("应用.模型", "主键")'),
    ({"source_ref": ("sources.alarm", "")}, "source_ref", '来源记录须为 ("应用.模型", "主键")'),
])
def test_open_problem_names_the_bad_field(actors, kw, field, message):
    args = dict(source="alarm", title="x", description="", category="air", jurisdiction="110101") | kw
    with pytest.raises(ValidationError) as e:
        services.open_problem(None, **args)
    assert e.value.message_dict == {field: [message]}
    assert not Problem.objects.exists()


def test_states_and_problems_by_source_record(actors, make_problem):
    a = services.open_problem(None, source="alarm", title="a", description="", category="air", jurisdiction="110101",
                              source_ref=("sources.Alarm", 55), responsible_units=["东城区生态环境局"])
    services.open_problem(None, source="alarm", title="b", description="", category="air", jurisdiction="110101",
                          source_ref=("sources.alarm", 56))
    services.open_problem(None, source="complaint", title="c", description="", category="air",
                          jurisdiction="110101", source_ref=("complaints.complaint", 55))
    services.assign(actors["mgr"], a)
    assert services.states_by_ref("sources.alarm") == {"55": "assigned", "56": "registered"}
    assert services.states_by_ref("Sources.Alarm", pks=[56]) == {"56": "registered"}
    assert services.states_by_ref("sources.alarm", pks=[]) == {}
    assert services.states_by_ref("complaints.complaint") == {"55": "registered"}
    # a record opened twice: the latest problem's state is the one reported
    services.open_problem(None, source="alarm", title="d", description="", category="air", jurisdiction="110101",
                          source_ref=("sources.alarm", 55))
    assert services.states_by_ref("sources.alarm", pks=["55"]) == {"55": "registered"}
    assert [x.title for x in services.problems_for_ref("sources.alarm", 55).order_by("pk")] == ["a", "d"]
    assert [x.title for x in services.problems_for_ref("Complaints.Complaint", "55")] == ["c"]


def test_check_transition_answers_like_the_verb(actors, make_problem):
    from django.http import Http404

    from envbureau.core.workflow import TransitionError

    p = make_problem()
    assert services.check_transition(actors["mgr"], p, Verb.ASSIGN) is not None
    with pytest.raises(Http404):
        services.check_transition(actors["xicheng"], p, Verb.ASSIGN)  # not in its view scope
    with pytest.raises(PermissionDenied):
        services.check_transition(actors["street"], p, Verb.ASSIGN)  # sees it, may not assign
    with pytest.raises(TransitionError):
        services.check_transition(actors["mgr"], p, Verb.CLOSE_OUT)  # not verified
    assert Problem.objects.get(pk=p.pk).state == State.REGISTERED


def test_edit_out_of_view_scope_is_not_found_and_the_callers_instance_follows_an_edit(actors, make_problem):
    from django.http import Http404

    p = make_problem(enterprise_id=None)
    with pytest.raises(Http404):
        services.update_problem(actors["xicheng"], p, title="x")
    services.update_problem(actors["mgr"], p, title="新标题", jurisdiction="110101")
    assert p.title == "新标题" and p.jurisdiction.code == "110101"  # the caller's object, not only the row


def test_assign_drops_blank_unit_names(actors, make_problem):
    p = make_problem(responsible_units=[])
    services.assign(actors["mgr"], p, responsible_units=["东城区城管委", "  ", ""])
    assert Problem.objects.get(pk=p.pk).responsible_units == ["东城区城管委"]


def test_return_names_the_step_it_was_returned_at(actors, chain, make_problem, evidence):
    p = run_to_closure_requested(actors, make_problem(), evidence)
    services.return_for_rework(actors["dist"], p, "材料不全")
    ev = services.events_of(p).last()
    assert (ev.verb, ev.step, ev.note, ev.data) == ("return", "区级验收", "材料不全", {"round": 1})


def test_close_out_records_when(actors, make_problem):
    p = make_problem()
    Problem.objects.filter(pk=p.pk).update(state=State.VERIFIED)
    p.refresh_from_db()
    services.close_out(actors["mgr"], p)
    p.refresh_from_db()
    assert p.state == State.CLOSED_OUT and p.closed_out_at is not None


@pytest.mark.parametrize(("permission", "ok"), [
    ("ledger.verify", True), ("ledger.close_out", True), ("*", False), ("enforcement.view", False),
    ("*.view", False),
])
def test_sign_off_step_permission_must_be_a_ledger_one(chain, permission, ok):
    step = SignOffStep(chain=chain, order=3, name="行业审查", permission=permission)
    if ok:
        step.full_clean()
    else:
        with pytest.raises(ValidationError) as e:
            step.full_clean()
        assert e.value.message_dict == {"permission": ["验收步骤的权限必须是问题台账模块的权限,如 ledger.verify"]}


def test_state_colours_read_at_a_glance(make_problem):
    p = make_problem()
    # grey while waiting, red when returned, green when closed out; an unknown state falls back to grey
    for state, colour in (("registered", "secondary"), ("returned", "danger"), ("closed_out", "success"),
                          ("gone", "secondary")):
        p.state = state
        assert p.state_colour() == colour


# ---- reminders: who is told, what they read, what the timeline and the audit log keep ---------------------

def test_responsible_users_are_the_nearest_level_and_the_enterprise(actors, make_problem):
    street = make_problem()  # 东华门街道, enterprise 7
    assert {u.username for u in services.responsible_users(street)} == {"t_street", "donghuamen", "t_ent"}
    district = make_problem(jurisdiction="110101", enterprise_id=None)
    assert {u.username for u in services.responsible_users(district)} == {"t_dist", "dongcheng"}
    other_ent = make_problem(enterprise_id=8)
    assert {u.username for u in services.responsible_users(other_ent)} == {"t_street", "donghuamen"}
    actors["street"].is_active = False
    actors["street"].save()
    assert {u.username for u in services.responsible_users(street)} == {"donghuamen", "t_ent"}
    # nobody in 丰台区 itself: the city level (北京市) is the nearest
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    role = Role.objects.create(code="t_city_rectify", name="市级整改", kind="officer", permissions=["ledger.rectify"])
    city = User.objects.create(username="t_city")
    RoleAssignment.objects.create(user=city, role=role, jurisdiction=Jurisdiction.objects.get(code="110000"))
    fengtai = make_problem(jurisdiction="110106", enterprise_id=None)
    assert {u.username for u in services.responsible_users(fengtai)} == {"t_city"}


def test_reminders_words_events_audit_and_the_horizon(actors, make_problem):
    from django.urls import reverse

    from envbureau.core.models import AuditEntry, Notification

    today = dt.date(2030, 6, 10)
    late = make_problem(title="油烟", deadline=today - dt.timedelta(days=1))
    late2 = make_problem(title="污水", deadline=today - dt.timedelta(days=20))
    due_today = make_problem(title="噪声", deadline=today)
    edge = make_problem(title="扬尘", deadline=today + dt.timedelta(days=7))  # the last day of the 7-day horizon
    edge2 = make_problem(title="堆场", deadline=today + dt.timedelta(days=7))  # the same deadline: told too
    beyond = make_problem(title="异味", deadline=today + dt.timedelta(days=8))
    done = make_problem(title="已销号", deadline=today - dt.timedelta(days=3))
    done_near = make_problem(title="已验收", deadline=today + dt.timedelta(days=2))
    Problem.objects.filter(pk=done.pk).update(state=State.CLOSED_OUT)
    Problem.objects.filter(pk=done_near.pk).update(state=State.VERIFIED)
    out = services.run_reminders(today=today)  # the default horizon is 7 days
    # 5 problems x 3 people told (t_street, donghuamen, t_ent)
    assert out == {"overdue": 2, "near": 3, "notifications": 15}
    for p in (late, late2, due_today, edge, edge2, beyond, done, done_near):
        p.refresh_from_db()
    assert (late.overdue, late.overdue_since, late.near_notified_for) == (True, today, None)
    assert (late2.overdue, late2.overdue_since) == (True, today)
    assert (due_today.overdue, due_today.near_notified_for) == (False, today)
    assert (edge.near_notified_for, edge2.near_notified_for) == (edge.deadline, edge.deadline)
    assert (beyond.overdue, beyond.near_notified_for) == (False, None)
    assert (done.overdue, done_near.near_notified_for) == (False, None)  # accepted problems are not chased
    ev = services.events_of(late).last()
    assert (ev.verb, ev.from_state, ev.to_state, ev.note, ev.data, ev.actor_id) == (
        "overdue", "registered", "registered", "已超过整改时限 2030-06-09",
        {"deadline": "2030-06-09", "note_facts": {"text": "已超过整改时限 %(d)s", "args": {"d": "2030-06-09"}}}, None)
    ev = services.events_of(edge).last()
    assert (ev.verb, ev.from_state, ev.to_state, ev.note, ev.data) == (
        "remind", "registered", "registered", "整改时限 2030-06-17 临近",
        {"deadline": "2030-06-17", "note_facts": {"text": "整改时限 %(d)s 临近", "args": {"d": "2030-06-17"}}})
    with translation.override("en"):  # a job's note reads in the reader's language
        assert ev.shown_note == "Deadline 2030-06-17 is approaching"
    told = Notification.objects.filter(recipient=actors["ent"], kind__in=["overdue", "near_deadline"],
                                       object_id__in=[str(late.pk), str(due_today.pk)])
    assert sorted((n.kind, n.message, n.url, n.model, n.object_id) for n in told) == sorted([
        ("overdue", f"问题 {late.code}“油烟”已超过整改时限(2030-06-09),请抓紧整改",
         reverse("ledger:problem-detail", args=[late.pk]), "ledger.problem", str(late.pk)),
        ("near_deadline", f"问题 {due_today.code}“噪声”将于 2030-06-10 到期,请按时完成整改",
         reverse("ledger:problem-detail", args=[due_today.pk]), "ledger.problem", str(due_today.pk)),
    ])

    def batch_entry(p, field):
        (e,) = [e for e in AuditEntry.objects.filter(model="ledger.problem", object_id=str(p.pk)).exclude(action="create")
                if field in e.changes]
        return e.action, e.source, e.note, e.changes

    assert batch_entry(late, "overdue") == ("update", "system", "ledger_reminders",
                                            {"overdue": [False, True], "overdue_since": [None, "2030-06-10"]})
    assert batch_entry(edge, "near_notified_for") == ("update", "system", "ledger_reminders",
                                                      {"near_notified_for": [None, "2030-06-17"]})
    # the next day: the problem due yesterday is overdue, the one 8 days out enters the horizon, the rest were told
    assert services.run_reminders(today=today + dt.timedelta(days=1)) == {"overdue": 1, "near": 1, "notifications": 6}
    # a new deadline is a new reminder, and a new overdue flag once that deadline passes too
    services.update_problem(None, edge, deadline=today + dt.timedelta(days=5))
    services.update_problem(None, late, deadline=today + dt.timedelta(days=2))
    assert services.run_reminders(today=today + dt.timedelta(days=1)) == {"overdue": 0, "near": 2, "notifications": 6}
    # six days on, both moved deadlines (day 2 and day 5) have passed
    assert services.run_reminders(today=today + dt.timedelta(days=6)) == {"overdue": 2, "near": 0, "notifications": 6}
    assert Problem.objects.get(pk=late.pk).overdue_since == today + dt.timedelta(days=6)


def test_overdue_q_leaves_accepted_problems_out(make_problem):
    from envbureau.ledger.models import overdue_q

    p = make_problem(deadline=dt.date(2030, 1, 1))
    day_after = dt.date(2030, 1, 2)
    assert Problem.objects.filter(overdue_q(day_after), pk=p.pk).exists()
    Problem.objects.filter(pk=p.pk).update(state=State.VERIFIED)
    assert not Problem.objects.filter(overdue_q(day_after), pk=p.pk).exists()


def test_choices_transitions_is_the_workflow_table():
    from envbureau.ledger import choices, workflows

    assert choices.TRANSITIONS is workflows.TRANSITIONS
    with pytest.raises(AttributeError, match="^NOPE$"):
        choices.NOPE  # noqa: B018


def test_scrub_personal_masks_phones_ids_and_mail():
    assert services.scrub_personal("联系人13912345678,身份证11010119900101123X,电话010-12345678,a.b@example.org") == \
        "联系人1**********,身份证******************,电话****,***@***"
    assert services.scrub_personal("") == "" and services.scrub_personal(None) == ""


def test_notice_days_summary_fallbacks_and_errors(actors, make_problem, evidence):
    from django.utils import timezone

    p = make_problem()
    Problem.objects.filter(pk=p.pk).update(state=State.CLOSED_OUT, progress="已安装净化器", public_summary="")
    p.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        services.publish_notice(actors["mgr"], p, public_summary="已整改", days=0)
    assert e.value.message_dict == {"days": ["公示期至少1天"]}
    services.publish_notice(actors["mgr"], p, days="")  # blank days: the 7-day default; blank summary: the progress
    p.refresh_from_db()
    assert (p.public_summary, p.notice_until) == ("已安装净化器", timezone.localdate() + dt.timedelta(days=7))
    assert services.events_of(p).last().note == ""
    q = make_problem()
    Problem.objects.filter(pk=q.pk).update(state=State.CLOSED_OUT, progress="", measures="", public_summary="")
    q.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        services.publish_notice(actors["mgr"], q, public_summary="  ")
    assert e.value.message_dict == {"public_summary": ["公示须填写整改情况"]}
    Problem.objects.filter(pk=q.pk).update(measures="拆除违建")
    q.refresh_from_db()
    services.publish_notice(actors["mgr"], q, days=3)
    q.refresh_from_db()
    assert (q.public_summary, q.notice_until) == ("拆除违建", timezone.localdate() + dt.timedelta(days=3))


# ---- what each step leaves on the timeline, and its refusals in words -------------------------------------

def test_chain_steps_leave_their_name_round_and_signature_on_the_timeline(actors, chain, make_problem, evidence):
    from envbureau.core.models import AuditEntry

    p = make_problem()
    services.assign(actors["mgr"], p, responsible_units=["东城区城管委"], responsible_person="赵六",
                    responsible_phone="13800000000", deadline=dt.date(2030, 3, 1), measures="加装净化器")
    p.refresh_from_db()
    assert (p.responsible_person, p.responsible_phone, p.deadline, p.measures) == \
        ("赵六", "13800000000", dt.date(2030, 3, 1), "加装净化器")
    assert services.events_of(p).last().data == {"units": ["东城区城管委"]}
    services.start(actors["street"], p)
    services.request_close(actors["street"], p, "整改完成", files=[evidence()])
    assert p.closure_requested_at is not None
    ev = services.events_of(p).last()
    assert (ev.verb, ev.step, ev.data) == ("request_close", "区级验收", {"round": 1})
    with pytest.raises(PermissionDenied) as e:
        services.sign_off(actors["mgr"], p)
    assert str(e.value) == "当前验收步骤“区级验收”须由区县级具有“ledger.verify”权限的人员签署"  # the level by its name (区县)
    services.sign_off(actors["dist"], p, note="区级验收通过", files=[evidence("验收单.txt")])
    ev = services.events_of(p).last()
    assert (ev.verb, ev.step, ev.data, ev.note) == ("sign_off", "区级验收", {"round": 1}, "区级验收通过")
    assert [a["name"] for a in ev.attachments] == ["验收单.txt"]
    assert p.attachments.get(event_id=ev.pk).uploaded_by == actors["dist"]
    signed = SignOff.objects.get(problem=p, step_name="区级验收")
    assert (signed.event_id, signed.signed_by, signed.round) == (ev.pk, actors["dist"], 1)
    entry = AuditEntry.objects.filter(model="ledger.signoff", object_id=str(signed.pk)).exclude(action="create").get()
    assert (entry.action, entry.changes) == ("update", {"event_id": [None, ev.pk]})
    # the city step is deleted by the administrator while the problem waits: nothing is left to sign
    chain.steps.filter(level="city").delete()
    with pytest.raises(ValidationError) as e:
        services.sign_off(actors["mgr"], p)
    assert e.value.messages == ["没有待签署的验收步骤"]


def test_step_who_names_level_role_and_permission(actors):
    from envbureau.core.models import Role

    role = Role.objects.get(code="t_mgr")
    assert services.step_who(SignOffStep(name="复核", level="city", role=role, permission="ledger.verify")) == \
        "市级test mgr具有“ledger.verify”权限的人员"
    assert services.step_who(SignOffStep(name="审查", permission="ledger.close_out")) == "具有“ledger.close_out”权限的人员"


def test_evidence_required_step_names_itself(actors, make_problem, evidence):
    c = SignOffChain.objects.create(name="须材料", source="")
    SignOffStep.objects.create(chain=c, order=1, name="现场核查", level="city", evidence_required=True)
    p = run_to_closure_requested(actors, make_problem(), evidence)
    with pytest.raises(ValidationError) as e:
        services.sign_off(actors["mgr"], p)
    assert e.value.message_dict == {"files": ["“现场核查”须上传验收材料"]}


def test_assign_without_units_names_the_field(actors, make_problem):
    p = make_problem(responsible_units=[])
    with pytest.raises(ValidationError) as e:
        services.assign(actors["mgr"], p)
    assert e.value.message_dict == {"responsible_units": ["交办须指定责任单位"]}


def test_verification_clears_the_overdue_flag(actors, make_problem, evidence):
    p = run_to_closure_requested(actors, make_problem(), evidence)
    Problem.objects.filter(pk=p.pk).update(overdue=True, overdue_since=dt.date(2030, 1, 2))
    p.refresh_from_db()
    services.sign_off(actors["dist"], p)
    p.refresh_from_db()
    assert (p.state, p.overdue, p.overdue_since) == (State.VERIFIED, False, None)


def test_notice_period_of_one_day_is_the_shortest(actors, make_problem):
    from boundary import three

    def publish(days):
        p = make_problem()
        Problem.objects.filter(pk=p.pk).update(state=State.CLOSED_OUT)
        p.refresh_from_db()
        try:
            services.publish_notice(actors["mgr"], p, public_summary="已整改", days=days, note="公示")
        except ValidationError as e:
            assert e.message_dict == {"days": ["公示期至少1天"]}
            return False
        p.refresh_from_db()
        ev = services.events_of(p).last()
        assert (ev.note, ev.data, p.noticed_at is not None) == ("公示", {"days": days}, True)
        return True

    assert three(publish, 1, 1) == (False, True, True)


def test_close_out_note_and_reopening_counts(actors, make_problem):
    p = make_problem()
    Problem.objects.filter(pk=p.pk).update(state=State.VERIFIED)
    p.refresh_from_db()
    services.close_out(actors["mgr"], p, note="验收合格,同意销号")
    assert services.events_of(p).last().note == "验收合格,同意销号"
    services.reopen(actors["mgr"], p, "反弹")
    Problem.objects.filter(pk=p.pk).update(state=State.VERIFIED)
    p.refresh_from_db()
    services.close_out(actors["mgr"], p)
    assert services.events_of(p).last().note == ""
    services.reopen(actors["mgr"], p, "再次反弹")
    assert Problem.objects.get(pk=p.pk).reopened_count == 2


def test_the_sign_off_task_waits_for_the_pending_steps_signers(actors, chain, make_problem, evidence):
    from envbureau.core import workflow as wf

    def waiting(p):
        return sorted((t.action, t.permission, t.level) for t in wf.open_tasks(p))

    p = run_to_closure_requested(actors, make_problem(), evidence)
    assert waiting(p) == [("区级验收", "ledger.verify", "district")]
    services.sign_off(actors["dist"], p)
    assert waiting(p) == [("市级复核", "ledger.verify", "city")]
    SignOffChain.objects.all().delete()
    q = run_to_closure_requested(actors, make_problem(), evidence)
    assert waiting(q) == [("验收", "ledger.verify", "")]  # no chain: one acceptance, any level
    services.sign_off(actors["dist"], q)
    assert services.events_of(q).last().note == ""


def test_can_sign_basics(actors, make_problem, evidence):
    p = run_to_closure_requested(actors, make_problem(), evidence)
    step = services.ImplicitStep()
    assert services.can_sign(None, p, step) is True  # the trusted system path
    assert services.can_sign(actors["dist"], p, None) is False  # nothing to sign
    assert services.can_sign(actors["street"], p, step) is False  # holds no ledger.verify
    assert services.can_sign(actors["dist"], p, step) is True


# ---- can_sign on a level or role step, grant by grant (ledger can_sign mutation run, 2026-12-01) ----------

def _assign(user, code, perms, kind="officer", jurisdiction=None, enterprise_id=None):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment

    role = Role.objects.create(code=code, name=code, kind=kind, permissions=perms)
    return RoleAssignment.objects.create(
        user=user, role=role, enterprise_id=enterprise_id,
        jurisdiction=Jurisdiction.objects.get(code=jurisdiction) if jurisdiction else None)


def test_a_level_step_looks_past_grants_that_do_not_fit(actors, chain, make_problem, evidence):
    from envbureau.core.models import User

    p = run_to_closure_requested(actors, make_problem(), evidence)
    step = services.pending_step(p)
    assert step.level == "district"
    # each user's first grant does not fit (enterprise's, one without verify, the wrong role);
    # a later district grant with verify does, and it signs
    u1 = User.objects.create(username="t_ent_then_dist")
    _assign(u1, "t_r_ent", VERIFY, kind="enterprise", enterprise_id=7)
    _assign(u1, "t_r_dist1", VERIFY, jurisdiction="110101")
    u2 = User.objects.create(username="t_view_then_dist")
    _assign(u2, "t_r_view", ["ledger.view"], jurisdiction="110101")
    _assign(u2, "t_r_dist2", VERIFY, jurisdiction="110101")
    u3 = User.objects.create(username="t_far_then_dist")
    _assign(u3, "t_r_far", VERIFY, jurisdiction="110102")  # Xicheng: does not reach a Dongcheng problem
    _assign(u3, "t_r_dist3", VERIFY, jurisdiction="110101")
    for u in (u1, u2, u3):
        assert services.can_sign(u, p, step) is True, u.username
    # an inactive officer signs nothing, whatever his grants
    actors["dist"].is_active = False
    actors["dist"].save()
    assert services.can_sign(User.objects.get(pk=actors["dist"].pk), p, step) is False


def test_a_role_step_looks_past_other_roles_and_reads_department_modules(actors, make_problem, evidence):
    from envbureau.core.models import Department, User

    c = SignOffChain.objects.create(name="行业审查", source="")
    inspectors = _assign(User.objects.create(username="t_x"), "t_r_insp", ["ledger.view", "ledger.change"],
                         jurisdiction="110101").role
    SignOffStep.objects.create(chain=c, order=1, name="行业审查", role=inspectors, level="district",
                               permission="ledger.change")
    p = run_to_closure_requested(actors, make_problem(), evidence)
    step = services.pending_step(p)
    u = User.objects.create(username="t_two_roles")
    _assign(u, "t_r_other", ["ledger.view", "ledger.change"], jurisdiction="110101")  # right level, other role
    a = _assign_role(u, inspectors)
    assert services.can_sign(u, p, step) is True
    # the role holds only view; ledger.change comes from an active department in charge of the ledger
    inspectors.permissions = ["ledger.view"]
    inspectors.save()
    u = User.objects.get(pk=u.pk)
    assert services.can_sign(u, p, step) is False
    dept = Department.objects.create(code="dc", name="督察科", modules=["ledger"])
    a.departments.add(dept)
    assert services.can_sign(User.objects.get(pk=u.pk), p, step) is True
    dept.active = False
    dept.save()
    assert services.can_sign(User.objects.get(pk=u.pk), p, step) is False


def _assign_role(user, role):
    from envbureau.core.models import Jurisdiction, RoleAssignment

    return RoleAssignment.objects.create(user=user, role=role, jurisdiction=Jurisdiction.objects.get(code="110101"))
