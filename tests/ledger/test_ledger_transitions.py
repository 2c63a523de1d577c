"""Every transition of the table × every state × every test actor: allowed ones move the state and
append an event; forbidden ones answer 404 (out of scope), 403 (no right) or 400 (illegal now)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ledger_actors import ACTORS

from envbureau.core.permissions import code_matches
from envbureau.ledger import services
from envbureau.ledger.choices import TRANSITIONS, State, Verb
from envbureau.ledger.models import Problem
from savepoint import undone

# Who can sign the first step of the test chain (区级验收, district level): only the district actor.
FIRST_STEP_SIGNERS = {"dist"}
OUT_OF_SCOPE = {"xicheng"}


def expected(actor: str, verb: str, state: str) -> str:
    t = TRANSITIONS[verb]
    perms, _j, _e = ACTORS[actor]
    if actor in OUT_OF_SCOPE:
        return "404"
    if not any(code_matches(p, t.permission) for p in perms):
        return "403"
    if verb in (Verb.SIGN_OFF, Verb.RETURN) and state == State.CLOSURE_REQUESTED and actor not in FIRST_STEP_SIGNERS:
        return "403"
    if state not in t.sources:
        return "400"
    return "ok"


def put_in_state(problem: Problem, state: str) -> Problem:
    # Test setup only: place the problem in a state directly (the verbs are what is under test).
    extra = {"closure_round": 1} if state == State.CLOSURE_REQUESTED else {}
    Problem.objects.filter(pk=problem.pk).update(state=state, **extra)
    problem.refresh_from_db()
    return problem


def kwargs_for(verb, evidence):
    kw = {"note": "说明"}
    if verb in (Verb.PROGRESS, Verb.REQUEST_CLOSE, Verb.SIGN_OFF):
        kw["files"] = [evidence()]
    if verb == Verb.NOTICE:
        kw["public_summary"] = "已整改"
    return kw


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("verb", list(TRANSITIONS))
def test_transition_matrix(verb, actor, actors, chain, make_problem, evidence):
    user = actors[actor]
    seen = set()
    fresh = make_problem().pk  # one problem; each state's cell starts from it as created (tests/savepoint.py)
    for state in State.values:
        with undone():
            _cell(verb, actor, user, state, Problem.objects.get(pk=fresh), evidence, seen)
    # Each actor × verb combination is exercised against both legal and illegal states where it has the right.
    assert seen


def _cell(verb, actor, user, state, p, evidence, seen):
    p = put_in_state(p, state)
    events_before = services.events_of(p).count()
    want = expected(actor, verb, state)
    seen.add(want)
    try:
        services.apply(user, p, verb, **kwargs_for(verb, evidence))
        got = "ok"
    except Http404:
        got = "404"
    except PermissionDenied:
        got = "403"
    except ValidationError:
        got = "400"
    assert got == want, f"{actor} {verb} from {state}: got {got}, want {want}"
    p.refresh_from_db()
    if got == "ok":
        t = TRANSITIONS[verb]
        if verb == Verb.SIGN_OFF:
            assert p.state == State.CLOSURE_REQUESTED and p.current_step.name == "市级复核"
        else:
            assert p.state == (t.target or state)
        ev = services.events_of(p).order_by("-id").first()
        assert services.events_of(p).count() == events_before + 1
        assert ev.verb == verb and ev.actor_id == user.pk and ev.from_state == state
    else:
        assert p.state == state  # nothing moved
        assert services.events_of(p).count() == events_before


def test_table_covers_every_state_and_all_verbs_have_functions():
    reachable = {t.target for t in TRANSITIONS.values() if t.target} | {State.REGISTERED, State.VERIFIED}
    assert reachable == set(State.values)
    assert set(TRANSITIONS) == set(services.VERB_FUNCTIONS)


def test_allowed_transitions_matches_table(actors, chain, make_problem):
    p = make_problem()
    assert [t.verb for t in services.allowed_transitions(actors["mgr"], p)] == [Verb.ASSIGN]
    assert services.allowed_transitions(actors["leader"], p) == []
    services.assign(actors["mgr"], p)
    assert [t.verb for t in services.allowed_transitions(actors["ent"], p)] == [Verb.START]
