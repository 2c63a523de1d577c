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


# ---- every cell of the E × Q × M matrix, reached from both edges of its Q and M bands ------------------------
# Written in the standard's own layout (one table per receptor class E, rows Q1–Q3, columns M1–M4), i.e. transposed
# from the module's MATRIX[E][M][Q], so a row/column mix-up in either fails here. Source status: regulations.md
# §7.2 tags the matrix [M]; the stored docs/pages corpora hold no copy of the standard's tables (searched
# 2026-12-01), so these cells are the recalled tables, not read from the text — see the module docstring.
STANDARD_TABLES = {
    #        M1      M2      M3      M4
    "E1": {"Q1": ("较大", "较大", "重大", "重大"),
           "Q2": ("较大", "重大", "重大", "重大"),
           "Q3": ("重大", "重大", "重大", "重大")},
    "E2": {"Q1": ("一般", "较大", "较大", "重大"),
           "Q2": ("较大", "较大", "重大", "重大"),
           "Q3": ("较大", "重大", "重大", "重大")},
    "E3": {"Q1": ("一般", "一般", "较大", "较大"),
           "Q2": ("一般", "较大", "较大", "重大"),
           "Q3": ("较大", "较大", "重大", "重大")},
}
# The lowest and highest value of each band (Q unbounded above: a large value stands for "≥ 100").
Q_EDGES = {"Q1": (1.0, 9.999), "Q2": (10.0, 99.999), "Q3": (100.0, 1e6)}
M_EDGES = {"M1": (0.0, 24.9), "M2": (25.0, 44.9), "M3": (45.0, 59.9), "M4": (60.0, 100.0)}
CELLS = [(e, q, m) for e in STANDARD_TABLES for q in Q_EDGES for m in M_EDGES]


@pytest.mark.parametrize(("e", "q", "m"), CELLS, ids=[f"{e}-{q}-{m}" for e, q, m in CELLS])
def test_every_matrix_cell_from_both_edges_of_its_bands(e, q, m):
    want = STANDARD_TABLES[e][q][int(m[1]) - 1]
    for q_value in Q_EDGES[q]:
        for m_value in M_EDGES[m]:
            for medium in ("air", "water"):  # the same matrix grades each medium
                r = hj941.grade_medium(medium, [Substance("物质", q_value, 1.0)], m_value, e)
                assert (r.q_class, r.m_class, r.e_class, r.level) == (q, m, e, want), (medium, q_value, m_value)


def test_the_module_table_is_the_standard_table():
    assert len(CELLS) == 36
    for e, q, m in CELLS:
        assert hj941.MATRIX[e][m][int(q[1]) - 1] == STANDARD_TABLES[e][q][int(m[1]) - 1], (e, q, m)


def test_q_below_one_is_general_whatever_m_and_e():
    for e in STANDARD_TABLES:
        for m_value in (0.0, 100.0):
            r = hj941.grade_medium("air", [Substance("物质", 0.999, 1.0)], m_value, e)
            assert (r.q_class, r.m_class, r.level) == ("Q0", None, "一般")
    # at Q = 1 exactly the matrix applies: E1 × M4 × Q1 → 重大
    assert hj941.grade_medium("air", [Substance("物质", 1.0, 1.0)], 100.0, "E1").level == "重大"


def test_the_enterprise_takes_the_higher_medium_either_way():
    general = ([Substance("物质", 0.5, 1.0)], 0, "E3")  # Q0 → 一般
    major = ([Substance("物质", 100.0, 1.0)], 60, "E1")  # E1·M4·Q3 → 重大
    assert hj941.grade(general, major).level == "重大"
    assert hj941.grade(major, general).level == "重大"
    larger = ([Substance("物质", 10.0, 1.0)], 0, "E2")  # E2·M1·Q2 → 较大
    assert hj941.grade(larger, general).label == "较大[较大-大气(Q2-M1-E2) + 一般-水(Q0)]"


def test_a_published_filing_record_reads_as_this_matrix_does():
    # a filing record seen in public (hj941 module docstring): "较大 [较大-大气(Q2-M2-E3) 较大-水]" — the air cell
    # E3 × M2 × Q2 is 较大 here too, and the label is written the same way
    r = hj941.grade(([Substance("氨", 50, 5)], 30, "E3"), ([], 0, "E3"))
    assert r.air.label == "较大-大气(Q2-M2-E3)" and r.level == "较大"
