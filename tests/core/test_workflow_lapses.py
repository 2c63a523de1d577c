"""core.workflow.run_lapses rule by rule: what a limit the authority let run out does by itself (a Lapse: e.g.
行政许可法 art. 32, 逾期不告知补正的,自收到申请材料之日起即为受理). The rules, stated here and in the Lapse docstring:
an object still in the lapse's state whose running, unpaused clock ended *before* today gets the verb applied by
the system (no user) with the rule's note on its timeline; the due day itself is still in time; a stopped or
paused clock, another clock and another state are left alone; an object the verb refuses stays as it is and is
counted under "refused" with its reason, and the others still move. The loop is declared here."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

from boundary import DAY, three
from envbureau.core import deadlines as dl
from envbureau.core import workflow as wf

START = dt.date(2026, 3, 2)
DUE = dt.date(2026, 3, 7)  # five calendar days after the start (the start day not counted)
NOTE = "逾期未交办,视为已交办"


def _two_faults(user, p):
    if p.measures == "两处不符":
        raise ValidationError(["整改措施不符", "佐证材料不全"])


LAPSING = wf.Workflow(
    "ledger.problem", module="ledger",
    states=[
        wf.State("registered", "已登记", task=wf.TaskSpec("交办", "ledger.assign")),
        wf.State("assigned", "已交办", task=wf.TaskSpec("办理", "ledger.rectify")),
        wf.State("done", "已办结", terminal=True),
    ],
    transitions=[
        wf.Transition("assign", ("registered",), "assigned", "ledger.assign", "交办", fields=("batch",)),
        wf.Transition("finish", ("assigned",), "done", "ledger.rectify", "办结", required=("measures",),
                      guard=_two_faults),
    ],
    lapses=[
        # the first rule hands its clock's due day to the verb; the second passes nothing, so the step's own
        # required field decides (a problem without measures is refused)
        wf.Lapse("registered", "assign_by", "assign", gettext_noop(NOTE),
                 data=lambda p, clock: {"batch": f"{p.code} 逾期 {clock.due}"}),
        wf.Lapse("assigned", "finish_by", "finish", ""),
    ])


@pytest.fixture
def lapsing(demo_core):
    saved = dict(wf.REGISTRY)
    wf.REGISTRY.clear()
    wf.register(LAPSING)
    yield LAPSING
    wf.REGISTRY.clear()
    wf.REGISTRY.update(saved)


@pytest.fixture
def make(lapsing):
    from envbureau.core.models import Jurisdiction
    from envbureau.ledger.models import Problem

    street = Jurisdiction.objects.get(code="110101001000")
    made = []

    def make(state, clock="assign_by", start=START, measures=""):
        p = Problem.objects.create(code=f"L-{len(made) + 1}", source="patrol", category="air", title="工地扬尘",
                                   jurisdiction=street, state=state, measures=measures, deadline=DUE)
        made.append(p)
        if clock:
            assert dl.start_clock(p, clock, dl.Rule(5), start).due == start + 5 * DAY
        return p

    return make


def _state(p):
    p.refresh_from_db()
    return p.state


def _lapses(p, today) -> bool:
    """Whether the problem moved on `today` (each call starts it again from "registered")."""
    from envbureau.ledger.models import Problem

    Problem.objects.filter(pk=p.pk).update(state="registered")
    wf.run_lapses(today)
    return _state(p) != "registered"


def test_a_lapse_applies_only_after_the_due_day(make):
    p = make("registered")
    assert three(lambda today: _lapses(p, today), DUE, DAY) == (False, False, True)


def test_the_lapse_is_applied_by_the_system_with_its_note_and_data(make):
    from envbureau.core.models import TimelineEvent

    p = make("registered")
    assert wf.run_lapses(DUE) == {"refused": 0, "errors": []}  # the due day: nothing moves
    assert wf.run_lapses(DUE + DAY) == {"refused": 0, "errors": [], "ledger.problem": 1}
    p.refresh_from_db()
    assert (p.state, p.batch) == ("assigned", f"{p.code} 逾期 2026-03-07")
    ev = TimelineEvent.objects.filter(model="ledger.problem", object_id=str(p.pk)).order_by("id").last()
    assert (ev.verb, ev.from_state, ev.to_state, ev.actor, ev.actor_name, ev.note) == (
        "assign", "registered", "assigned", None, "系统", NOTE)
    assert ev.data["note_facts"] == {"text": NOTE, "args": {}}
    # once only: the problem is no longer in the lapse's state
    assert wf.run_lapses(DUE + 2 * DAY) == {"refused": 0, "errors": []}


def test_a_rule_without_a_note_writes_none(make):
    from envbureau.core.models import TimelineEvent

    p = make("assigned", clock="finish_by", measures="停工整改")
    assert wf.run_lapses(DUE + DAY) == {"refused": 0, "errors": [], "ledger.problem": 1}
    assert _state(p) == "done"
    ev = TimelineEvent.objects.filter(model="ledger.problem", object_id=str(p.pk)).order_by("id").last()
    assert (ev.verb, ev.note, ev.actor) == ("finish", "", None) and "note_facts" not in ev.data


def test_stopped_paused_other_clocks_and_other_states_are_left_alone(make):
    from envbureau.core.models import Clock

    stopped = make("registered")
    dl.stop(stopped, "assign_by")
    paused = make("registered")
    Clock.objects.filter(object_id=str(paused.pk)).update(paused_since=START + DAY)
    other_clock = make("registered", clock="reply_by")
    other_state = make("done")  # its assign_by clock ran out too, but "done" is not the lapse's state
    assert wf.run_lapses(DUE + 10 * DAY) == {"refused": 0, "errors": []}
    assert [_state(p) for p in (stopped, paused, other_clock, other_state)] == [
        "registered", "registered", "registered", "done"]


def test_every_object_whose_clock_ran_out_moves_and_is_counted(make):
    late = [make("registered"), make("registered", start=START - DAY)]
    in_time = make("registered", start=START + DAY)  # due 8 March
    out = wf.run_lapses(DUE + DAY)
    assert out == {"refused": 0, "errors": [], "ledger.problem": 2}
    assert [_state(p) for p in (*late, in_time)] == ["assigned", "assigned", "registered"]


def test_a_refused_object_is_counted_with_its_reason_and_the_others_still_move(make):
    refused = [make("assigned", clock="finish_by"), make("assigned", clock="finish_by")]  # no measures
    fine = make("assigned", clock="finish_by", measures="停工整改")  # made last: after the refused ones
    first = make("registered")  # the first rule moves this one in the same run
    out = wf.run_lapses(DUE + DAY)
    assert out == {"refused": 2, "ledger.problem": 2, "errors": [
        f"ledger.problem {refused[0].pk}: “办结”须填写整改措施",
        f"ledger.problem {refused[1].pk}: “办结”须填写整改措施"]}
    assert [_state(p) for p in (*refused, fine, first)] == ["assigned", "assigned", "done", "assigned"]


def test_a_rule_with_no_clock_run_out_does_not_stop_the_next_rule(make):
    # the first rule (assign_by) finds no clock; the second still runs
    p = make("assigned", clock="finish_by", measures="停工整改")
    make("registered", start=START + 30 * DAY)  # an assign_by clock, but not run out
    assert wf.run_lapses(DUE + DAY) == {"refused": 0, "errors": [], "ledger.problem": 1}
    assert _state(p) == "done"


def test_without_a_day_it_is_today(make):
    import django.utils.timezone as tz

    today = tz.localdate()
    ran_out = make("registered", start=today - 6 * DAY)  # due yesterday
    due_today = make("registered", start=today - 5 * DAY)
    assert wf.run_lapses() == {"refused": 0, "errors": [], "ledger.problem": 1}
    assert (_state(ran_out), _state(due_today)) == ("assigned", "registered")


def test_a_refusal_with_several_reasons_lists_them_all(make):
    p = make("assigned", clock="finish_by", measures="两处不符")
    assert wf.run_lapses(DUE + DAY) == {"refused": 1, "errors": [f"ledger.problem {p.pk}: 整改措施不符; 佐证材料不全"]}


def test_a_clock_of_another_model_with_the_same_id_is_not_this_objects(make):
    from envbureau.core.models import Unit

    p = make("registered", clock="")  # no clock of its own
    assert not Unit.objects.filter(pk=p.pk).exists()
    twin = Unit.objects.create(pk=p.pk, code="t-twin", name="同号单位", kind="agency")
    dl.start_clock(twin, "assign_by", dl.Rule(5), START)  # core.unit, same id, same key, run out
    assert wf.run_lapses(DUE + DAY) == {"refused": 0, "errors": []}
    assert _state(p) == "registered"
