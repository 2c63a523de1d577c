"""The pure draw algorithm: reproducible, every pool change changes a hash, the rules hold."""

import math

import numpy as np
import pytest

from envbureau.enforcement import drawing


def inputs(n_ent=200, n_insp=12, seed="s1", recusals=(), previous=(), cap_used=None, ratios=None, **kw):
    ids = list(range(1000, 1000 + n_ent))
    cls = [i % 3 for i in range(n_ent)]  # key, general, special in turn
    return drawing.DrawInputs(
        plan="7", seed=seed,
        enterprises={"id": ids, "cls": cls, "positive": [0] * n_ent,
                     "cap_used": cap_used or [0] * n_ent, "cap_exempt": [0] * n_ent, "excluded": [0] * n_ent},
        inspectors=list(range(1, n_insp + 1)), recusals=list(recusals), previous=list(previous),
        ratios=ratios or {"key": 0.25, "general": 0.05, "special": 0.5}, **kw)


def test_same_inputs_same_pairs_and_json_round_trip():
    a = drawing.run(inputs())
    b = drawing.run(inputs())
    c = drawing.run(drawing.DrawInputs.from_json(inputs().to_json()))
    assert a.pairs == b.pairs == c.pairs
    assert a.result_hash == c.result_hash


def test_other_seed_other_pairs():
    assert drawing.run(inputs(seed="s1")).pairs != drawing.run(inputs(seed="s2")).pairs


def test_counts_follow_ratios_rounding_up():
    r = drawing.run(inputs())
    # 200 enterprises in turn key/general/special: 67 key, 67 general, 66 special
    assert r.counts["key"] == {"pool": 67, "wanted": math.ceil(67 * 0.25), "drawn": 17, "capped": 0}
    assert r.counts["general"]["drawn"] == math.ceil(67 * 0.05) == 4
    assert r.counts["special"]["drawn"] == 33
    assert len(r.pairs) == 17 + 4 + 33


def test_teams_of_two_distinct_inspectors():
    for _e, team in drawing.run(inputs()).pairs:
        assert len(team) == 2 and len(set(team)) == 2


@pytest.mark.parametrize("change", ["class", "positive", "add_enterprise", "cap_used", "excluded"])
def test_any_enterprise_pool_change_changes_its_hash(change):
    base = inputs()
    other = inputs()
    e = {k: list(v) for k, v in other.enterprises.items()}
    if change == "class":
        e["cls"][5] = (e["cls"][5] + 1) % 3
    elif change == "positive":
        e["positive"][5] = 1
    elif change == "add_enterprise":
        for k in e:
            e[k].append(99999 if k == "id" else 0)
    elif change == "cap_used":
        e["cap_used"][5] = 1
    else:
        e["excluded"][5] = 1
    other.enterprises = e
    assert drawing.enterprise_pool_hash(base.enterprises) != drawing.enterprise_pool_hash(other.enterprises)


def test_inspector_pool_hash_changes_with_inspector_or_recusal():
    h = drawing.inspector_pool_hash([1, 2, 3], [])
    assert h == drawing.inspector_pool_hash([3, 2, 1], [])  # order does not matter
    assert h != drawing.inspector_pool_hash([1, 2, 4], [])
    assert h != drawing.inspector_pool_hash([1, 2, 3], [(1, 1000)])


def test_recusal_and_previous_pairs_honoured():
    first = drawing.run(inputs())
    rec = [(i, e) for e, _t in first.pairs for i in (1, 2)]  # inspectors 1 and 2 recused from all drawn
    second = drawing.run(inputs(seed="s1", recusals=rec,
                                previous=[(i, e) for e, team in first.pairs for i in team]))
    prev = {(i, e) for e, team in first.pairs for i in team}
    for e, team in second.pairs:
        for i in team:
            assert (i, e) not in prev
            assert i not in (1, 2) or e not in {x for x, _t in first.pairs}


def test_yearly_cap_respected_and_exemption():
    n = 30
    cap = [2] * n  # everybody already checked twice
    r = drawing.run(inputs(n_ent=n, cap_used=cap, yearly_cap=2, ratios={"key": 1, "general": 1, "special": 1}))
    assert r.pairs == [] and len(r.capped) == n
    inp = inputs(n_ent=n, cap_used=cap, yearly_cap=2, ratios={"key": 1, "general": 1, "special": 1})
    inp.enterprises["cap_exempt"] = [1] + [0] * (n - 1)
    r = drawing.run(inp)
    assert [e for e, _t in r.pairs] == [1000]
    r = drawing.run(inputs(n_ent=n, cap_used=[1] * n, yearly_cap=2, ratios={"key": 1, "general": 1, "special": 1}))
    assert len(r.pairs) == n  # one check so far is under a cap of two


def test_positive_list_factor_reduces_draw():
    inp = inputs(n_ent=90, ratios={"key": 0.5, "general": 0.5, "special": 0.5}, positive_factor=0.0)
    inp.enterprises["positive"] = [1] * 90
    assert drawing.run(inp).pairs == []
    inp.positive_factor = 0.5
    assert len(drawing.run(inp).pairs) == 3 * math.ceil(30 * 0.25)


def test_unsatisfiable_says_why_and_names_the_enterprise():
    # 3 inspectors, two recused from enterprise 1000: only one left for a team of two.
    inp = inputs(n_ent=3, n_insp=3, recusals=[(1, 1000), (2, 1000)], ratios={"key": 1, "general": 1, "special": 1})
    inp.names = {1000: "甲化工"}
    with pytest.raises(drawing.Unsatisfiable) as exc:
        drawing.run(inp)
    msg = exc.value.reasons[0]
    assert "甲化工" in msg and "3名执法人员" in msg and "2名须回避" in msg and "剩余1名" in msg


def test_too_few_inspectors_at_all():
    with pytest.raises(drawing.Unsatisfiable) as exc:
        drawing.run(inputs(n_insp=1))
    assert "只有1名" in exc.value.reasons[0]


def test_team_size_below_two_refused():
    with pytest.raises(drawing.Unsatisfiable):
        drawing.run(inputs(team_size=1))


def test_seed_derivation_is_documented_value():
    # SHA-256("eb-draw-v1|7|s1")[:8] big-endian — the procedure in the README
    import hashlib

    expected = int.from_bytes(hashlib.sha256(b"eb-draw-v1|7|s1").digest()[:8], "big")
    assert int(drawing.seed64("7", "s1")) == expected
    assert np.uint64(expected) == drawing.seed64("7", "s1")
