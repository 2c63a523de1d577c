"""The ledger's legal transitions written from the rules, not read from choices.py.

Issue 5 ("Lifecycle"): registered → assigned → in rectification → closure requested → verified → closed out (销号)
→ publicly noticed (公示); returned for rework; reopened if it recurs; verification is a chain of sign-offs.
Progress reports are filed while rectifying (also after a return). Each verb is called through its public
service function, so a table or a guard changed in the code has to agree with this one.
"""

import pytest
from django.core.exceptions import ValidationError

from boundary import DAY, three
from envbureau.ledger import services
from envbureau.ledger.models import Problem

STATES = ["registered", "assigned", "in_rectification", "closure_requested", "returned", "verified",
          "closed_out", "noticed"]

# service function -> {state it may start from: state it leaves the problem in}. Anything else is refused.
LEGAL = {
    "assign": {"registered": "assigned"},
    "start": {"assigned": "in_rectification"},
    "record_progress": {"in_rectification": "in_rectification", "returned": "returned"},
    "request_close": {"in_rectification": "closure_requested", "returned": "closure_requested"},
    # With no chain configured, one acceptance (验收) by someone holding ledger.verify verifies the problem.
    "sign_off": {"closure_requested": "verified"},
    "return_for_rework": {"closure_requested": "returned"},
    # 销号 only after verification: never straight from "closure requested".
    "close_out": {"verified": "closed_out"},
    "publish_notice": {"closed_out": "noticed"},
    # 反弹: a problem already accepted recurs and goes back to rectification.
    "reopen": {"verified": "in_rectification", "closed_out": "in_rectification", "noticed": "in_rectification"},
}


def call(verb, user, problem, evidence):
    fn = getattr(services, verb)
    if verb in ("record_progress", "request_close"):
        return fn(user, problem, note="整改进展说明", files=[evidence()])
    if verb == "sign_off":
        return fn(user, problem, note="验收通过", files=[evidence()])
    if verb == "publish_notice":
        return fn(user, problem, public_summary="已完成整改")
    if verb in ("return_for_rework", "reopen"):
        return fn(user, problem, note="说明")
    return fn(user, problem)


def put_in_state(problem, state):
    # Setup only: place the problem directly in a state (the verbs are what is under test).
    Problem.objects.filter(pk=problem.pk).update(state=state, closure_round=1 if state == "closure_requested" else 0)
    problem.refresh_from_db()
    return problem


def test_the_rules_name_every_state_of_the_model():
    # A state added to the model without a rule here fails, so the table stays complete.
    assert sorted(STATES) == sorted(v for v, _label in Problem._meta.get_field("state").choices)


@pytest.mark.parametrize("verb", list(LEGAL))
def test_each_verb_from_each_state(verb, actors, make_problem, evidence):
    mgr = actors["mgr"]  # ledger.* city-wide: only the state decides here
    wrong = []
    for state in STATES:
        p = put_in_state(make_problem(), state)
        events = services.events_of(p).count()
        target = LEGAL[verb].get(state)
        try:
            call(verb, mgr, p, evidence)
            got = "ok"
        except ValidationError:
            got = "refused"
        p.refresh_from_db()
        if target is None:
            if got != "refused" or p.state != state:
                wrong.append(f"{verb} from {state}: must be refused, got {got} → {p.state}")
            elif services.events_of(p).count() != events:
                wrong.append(f"{verb} from {state}: refused but wrote an event")
        elif got != "ok" or p.state != target:
            wrong.append(f"{verb} from {state}: want {target}, got {got} → {p.state}")
        elif services.events_of(p).count() != events + 1:
            wrong.append(f"{verb} from {state}: no event on the timeline")
    assert not wrong, "\n".join(wrong)


def test_whole_lifecycle_through_the_verbs_only(actors, make_problem, evidence):
    mgr = actors["mgr"]
    p = make_problem()
    path = ["registered"]
    for verb in ["assign", "start", "record_progress", "request_close", "return_for_rework", "request_close",
                 "sign_off", "close_out", "publish_notice", "reopen"]:
        p = call(verb, mgr, p, evidence)
        path.append(p.state)
    assert path == ["registered", "assigned", "in_rectification", "in_rectification", "closure_requested",
                    "returned", "closure_requested", "verified", "closed_out", "noticed", "in_rectification"]
    verbs = list(services.events_of(p).values_list("verb", flat=True))
    assert verbs == ["register", "assign", "start", "progress", "request_close", "return", "request_close",
                     "sign_off", "close_out", "notice", "reopen"]


def test_close_out_needs_a_verification_first(actors, make_problem, evidence):
    mgr = actors["mgr"]
    p = make_problem()
    for verb in ["assign", "start", "request_close"]:
        p = call(verb, mgr, p, evidence)
    with pytest.raises(ValidationError):
        services.close_out(mgr, p)
    p.refresh_from_db()
    assert p.state == "closure_requested" and p.closed_out_at is None


def test_two_step_chain_needs_both_signatures(actors, chain, make_problem, evidence):
    """区级验收 → 市级复核: the first signature leaves the problem under verification."""
    p = make_problem()
    for verb in ["assign", "start", "request_close"]:
        p = call(verb, actors["mgr"], p, evidence)
    p = services.sign_off(actors["dist"], p, note="区级验收", files=[evidence()])
    assert p.state == "closure_requested"
    with pytest.raises(ValidationError):
        services.close_out(actors["mgr"], p)
    p = services.sign_off(actors["mgr"], p, note="市级复核", files=[evidence()])
    assert p.state == "verified"


# ---- the deadline: the due day itself is not overdue -----------------------------------------------

@pytest.mark.parametrize("state", ["registered", "assigned", "in_rectification", "closure_requested", "returned"])
def test_open_problem_is_overdue_only_after_the_due_day(state, make_problem):
    p = put_in_state(make_problem(), state)
    # today = the day before / the due day / the day after
    assert three(lambda today: p.is_overdue(today), p.deadline, DAY) == (False, False, True)
    assert three(lambda today: Problem.objects.filter(_overdue_q(today), pk=p.pk).exists(), p.deadline, DAY) \
        == (False, False, True)


@pytest.mark.parametrize("state", ["verified", "closed_out", "noticed"])
def test_accepted_problem_is_never_overdue(state, make_problem):
    p = put_in_state(make_problem(), state)
    assert three(lambda today: p.is_overdue(today), p.deadline, DAY) == (False, False, False)


def _overdue_q(today):
    from envbureau.ledger.models import overdue_q

    return overdue_q(today)


def test_reminders_flag_on_the_day_after_the_due_day_not_on_it(make_problem):
    p = put_in_state(make_problem(), "in_rectification")
    for today, flagged in ((p.deadline - DAY, False), (p.deadline, False), (p.deadline + DAY, True)):
        services.run_reminders(today=today)
        p.refresh_from_db()
        assert p.overdue is flagged, f"on {today} (due {p.deadline})"
    assert p.overdue_since == p.deadline + DAY


# ---- titles(): what other apps' lists show of the problems they opened -----------------------------

def test_titles_name_the_problems_the_reader_may_view_by_code_and_title(actors, make_problem):
    near = make_problem(title="东华门油烟直排")  # 东华门街道, Dongcheng
    far = make_problem(jurisdiction="110102", title="西城工地扬尘")  # Xicheng
    ids = [near.pk, str(far.pk), "", None, 0]  # as pages hand them over: ids, text, blanks
    assert services.titles(actors["mgr"], ids) == {near.pk: f"{near.code} 东华门油烟直排",
                                                    far.pk: f"{far.code} 西城工地扬尘"}
    # the street officer views Dongcheng's 东华门 only; Xicheng's officer only the other
    assert services.titles(actors["street"], ids) == {near.pk: f"{near.code} 东华门油烟直排"}
    assert services.titles(actors["xicheng"], ids) == {far.pk: f"{far.code} 西城工地扬尘"}
    assert services.titles(actors["mgr"], []) == {} and services.titles(actors["mgr"], ["", None]) == {}


def test_titles_are_read_in_one_query(actors, make_problem, django_assert_num_queries):
    ps = [make_problem(title=f"油烟{i}") for i in range(3)]
    services.titles(actors["mgr"], [p.pk for p in ps])  # the reader's grants, read once
    with django_assert_num_queries(1):
        assert len(services.titles(actors["mgr"], [p.pk for p in ps])) == 3


# ---- open_problem from facts: another module's rule writes the title and description -----------------

def _open(**kw):
    fields = dict(source="patrol", category="air", jurisdiction="110101001000")
    fields.update(kw)
    return services.open_problem(None, **fields)


def test_a_problem_opened_from_facts_stores_their_chinese_wording_whoever_clicked(make_problem):
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from envbureau.core import texts

    services.register_title_texts({"tests.found": (gettext_noop("巡查发现:%(x)s"), ())})
    described = texts.sentence(gettext_noop("连续%(n)s小时超标"), n=3)
    with translation.override("en"):
        p = _open(title_facts={"msg": "tests.found", "args": {"x": "工地扬尘"}}, description_facts=described)
    p.refresh_from_db()
    assert (p.title, p.title_facts) == ("巡查发现:工地扬尘", {"msg": "tests.found", "args": {"x": "工地扬尘"}})
    assert (p.description, p.description_facts) == ("连续3小时超标", described)
    plain = _open(title="工地扬尘", description="现场发现")  # no facts: stored as given, no facts kept
    plain.refresh_from_db()
    assert (plain.title, plain.title_facts, plain.description, plain.description_facts) == (
        "工地扬尘", {}, "现场发现", {})


def test_facts_that_cannot_be_worded_are_refused_naming_the_field(make_problem):
    with pytest.raises(ValidationError) as err:
        _open(title_facts={"msg": "tests.never_registered", "args": {}})
    assert err.value.message_dict == {"title": ["未登记的标题模板: tests.never_registered"]}
    with pytest.raises(ValidationError) as err:
        _open(title="工地扬尘", description_facts={"text": "", "args": {}})
    assert err.value.message_dict == {"description": ["描述无法生成"]}


def test_a_problem_opened_without_a_description_has_none_and_one_without_a_title_is_refused(make_problem):
    p = _open(title="工地扬尘")
    p.refresh_from_db()
    assert p.description == ""
    with pytest.raises(ValidationError) as err:
        _open()
    assert list(err.value.message_dict) == ["title"]
