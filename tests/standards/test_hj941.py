"""HJ 941-2018 risk level on worked examples, computed by hand from the method as regulations.md §7.2 states it:
Q = Σ quantity ÷ critical quantity per medium; Q < 1 is Q0 (一般 directly), 1 / 10 / 100 the Q1/Q2/Q3 breaks;
M < 25 M1, 25–45 M2, 45–60 M3, ≥ 60 M4; the level of a medium from E × M × Q; the enterprise takes the higher
of air and water; the label format "较大[较大-大气(Q1-M2-E1) + 一般-水(Q0)]". (The matrix cells used below:
E1·M2·Q1 = 较大, E3·M1·Q3 = 较大, E2·M3·Q2 = 重大, E3·M1·Q1 = 一般 — as remembered, tagged [M] in the module.)"""

import pytest

from boundary import three
from envbureau.standards import hj941
from envbureau.standards.hj941 import Substance


def test_worked_example_air_larger_water_general():
    # air: ammonia 20 t / 5 t = 4, methanol 50 t / 10 t = 5 → Q = 9 → Q1; M 30 → M2; E1 → 较大
    # water: sulphuric acid 2 t / 10 t = 0.2 → Q0 → 一般 directly
    r = hj941.grade(([Substance("氨", 20, 5), Substance("甲醇", 50, 10)], 30, "E1"),
                    ([Substance("硫酸", 2, 10)], 30, "E1"))
    assert r.air.q == pytest.approx(9.0) and r.water.q == pytest.approx(0.2)
    assert r.label == "较大[较大-大气(Q1-M2-E1) + 一般-水(Q0)]"
    assert r.level == "较大"
    assert "氨:20 t ÷ 临界量 5 t = 4" in r.steps[0]
    assert r.steps[-1].endswith("较大")


def test_worked_example_water_decides():
    # water: 150 t of a substance with critical quantity 1 t → Q = 150 → Q3; M 10 → M1; E3 → 较大
    r = hj941.grade(([], 0, "E3"), ([Substance("含油废液", 150, 1)], 10, "E3"))
    assert (r.air.level, r.water.label, r.level) == ("一般", "较大-水(Q3-M1-E3)", "较大")


def test_worked_example_major():
    # Q = 10 exactly → Q2; M = 45 exactly → M3; E2 → 重大
    r = hj941.grade(([Substance("氯气", 10, 1)], 45, "E2"), ([], 0, "E2"))
    assert r.air.label == "重大-大气(Q2-M3-E2)" and r.level == "重大"


def test_low_everything_is_general():
    # Q = 1 exactly → Q1 (not Q0); M1, E3 → 一般
    r = hj941.grade(([Substance("氨", 5, 5)], 0, "E3"), ([], 0, "E3"))
    assert r.air.label == "一般-大气(Q1-M1-E3)"


def test_bands_on_their_boundaries():
    assert three(hj941.q_class, 1.0, 0.001) == ("Q0", "Q1", "Q1")
    assert three(hj941.q_class, 10.0, 0.001) == ("Q1", "Q2", "Q2")
    assert three(hj941.q_class, 100.0, 0.001) == ("Q2", "Q3", "Q3")
    assert three(hj941.m_class, 25.0, 0.1) == ("M1", "M2", "M2")
    assert three(hj941.m_class, 45.0, 0.1) == ("M2", "M3", "M3")
    assert three(hj941.m_class, 60.0, 0.1) == ("M3", "M4", "M4")


def test_bad_inputs_say_what():
    with pytest.raises(ValueError, match="临界量"):
        hj941.q_value([Substance("x", 1, 0)])
    with pytest.raises(ValueError, match="M 值"):
        hj941.m_class(120)
    with pytest.raises(ValueError, match="E1"):
        hj941.grade(([Substance("氨", 50, 5)], 30, "E4"), ([], 0, "E1"))
