"""The whole lifecycle through a configurable sign-off chain, clear errors, audit, and the interface."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

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
    services.update_problem(actors["street"], p, title="新标题")
    assert Problem.objects.get(pk=p.pk).title == "新标题"
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
