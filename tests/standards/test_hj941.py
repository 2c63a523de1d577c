"""HJ 941-2018 risk level on worked examples, computed by hand from the method as known without the standard's text (Q
and the levels [2S], Q bands [M], M bands [1S]):
Q = Σ quantity ÷ critical quantity per medium; Q < 1 is Q0 (一般 directly), 1 / 10 / 100 the Q1/Q2/Q3 breaks;
M < 25 M1, 25–45 M2, 45–60 M3, ≥ 60 M4; the level of a medium from E × M × Q; the enterprise takes the higher
of air and water; the label format "较大[较大-大气(Q1-M2-E1) + 一般-水(Q0)]". (The matrix cells used below:
E1·M2·Q1 = 较大, E3·M1·Q3 = 较大, E2·M3·Q2 = 重大, E3·M1·Q1 = 一般 — as remembered, tagged [M] in the module.)"""

import pytest

from boundary import three
from envbureau.standards import hj941
from envbureau.standards.hj941 import AirReceptors, MParts, ProcessUnit, Substance, WaterReceptors


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
# from the module's MATRIX[E][M][Q], so a row/column mix-up in either fails here. Source status: the matrix
# is [M]; the stored docs/pages corpora hold no copy of the standard's tables (searched
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


# ---- M and E from their parts ------------------------------------------------------------------------------------
# Process part [1S]: 10 points per unit (套) of a high-risk process, 5 per unit of another high-temperature /
# high-pressure / flammable one, summed and capped at 30. Risk-control items and E criteria: the module's
# remembered tables [M] (air items 25 + 25 + 20; water items 8 8 8 8 12 12 10 4; air E1 > 50,000 within 5 km or
# > 1,000 within 500 m, E2 10,000–50,000 or 500–1,000).

AIR_ZERO = {name: 0 for name, _most in hj941.M_ITEMS["air"]}
WATER_ZERO = {name: 0 for name, _most in hj941.M_ITEMS["water"]}


def test_process_part_two_hydrogenation_units_and_one_five_point_unit_is_25():
    m, steps = hj941.m_score("air", MParts((ProcessUnit("加氢", 2), ProcessUnit("导热油加热", 1)), AIR_ZERO))
    assert m == 25
    assert "大气:工艺 加氢 2 套 × 10 分 = 20 分" in steps and "大气:工艺 导热油加热 1 套 × 5 分 = 5 分" in steps
    assert steps[-1].startswith("大气:M = 生产工艺 25 + 风险防控 0 = 25")
    # an unlisted 重点监管 process is given its 10 points explicitly
    assert hj941.m_score("air", MParts((ProcessUnit("某重点监管工艺", 1, 10),), AIR_ZERO))[0] == 10


def test_process_part_four_units_is_capped_at_30():
    m, steps = hj941.m_score("water", MParts((ProcessUnit("硝化", 4),), WATER_ZERO))
    assert m == 30 and "水:生产工艺得分 40,超过上限取 30 → 30 分" in steps
    assert hj941.m_score("water", MParts((ProcessUnit("硝化", 3),), WATER_ZERO))[0] == 30


def test_items_are_summed_with_the_process_part_and_every_part_listed():
    items = {"毒性气体泄漏监控预警措施": 10, "符合防护距离要求情况": 0, "近3年内突发大气环境事件发生情况": 20}
    m, steps = hj941.m_score("air", MParts((ProcessUnit("氯化", 1),), items))
    assert m == 40
    assert "大气:毒性气体泄漏监控预警措施 10 分(满分 25)" in steps and "大气:符合防护距离要求情况 0 分(满分 25)" in steps
    assert "风险防控 30 = 40" in steps[-1] and "凭记忆整理" in steps[-1]


def test_item_over_its_maximum_missing_or_unknown_is_refused_naming_it():
    with pytest.raises(ValueError, match="截流措施 得分 9 超出 0–8 分"):
        hj941.m_score("water", MParts((), {**WATER_ZERO, "截流措施": 9}))
    assert hj941.m_score("water", MParts((), {**WATER_ZERO, "截流措施": 8}))[0] == 8  # the maximum itself
    with pytest.raises(ValueError, match="缺少:废水排放去向"):
        hj941.m_score("water", MParts((), {k: v for k, v in WATER_ZERO.items() if k != "废水排放去向"}))
    with pytest.raises(ValueError, match="不是该要素的风险防控评估项目:截流措施"):
        hj941.m_score("air", MParts((), {**AIR_ZERO, "截流措施": 1}))
    with pytest.raises(ValueError, match="每套分值应为 10 或 5"):
        hj941.m_score("air", MParts((ProcessUnit("加氢", 1, 7),), AIR_ZERO))
    with pytest.raises(ValueError, match="套数应为正整数"):
        hj941.m_score("air", MParts((ProcessUnit("加氢", 0),), AIR_ZERO))


def test_m_25_from_parts_is_m2_through_the_bands():
    # Q 3 (Q1), E2; M = 20 + 5 = 25 → M2 (25 ≤ M < 45): E2 × M2 × Q1 → 较大; M = 20 + 4 = 24 → M1: E2 × M1 × Q1 → 一般
    units = (ProcessUnit("加氢", 2), ProcessUnit("导热油加热", 1))
    r = hj941.grade_medium("air", [Substance("氨", 15, 5)], MParts(units, AIR_ZERO), "E2")
    assert (r.m_class, r.level) == ("M2", "较大") and "大气:M = 25 → M2" in r.steps
    r = hj941.grade_medium("air", [Substance("氨", 15, 5)], MParts(units[:1], {**AIR_ZERO, "符合防护距离要求情况": 4}),
                           "E2")
    assert (r.m_class, r.level) == ("M1", "一般")  # 20 + 4 = 24


@pytest.mark.parametrize("pop_5km,pop_500m,e", [
    (50_000, 0, "E2"), (50_001, 0, "E1"),  # 5 km: over 50,000 is E1
    (0, 1_000, "E2"), (0, 1_001, "E1"),  # 500 m: over 1,000 is E1
    (10_000, 0, "E2"), (9_999, 0, "E3"),  # 5 km: 10,000 and more is E2
    (0, 500, "E2"), (0, 499, "E3"),  # 500 m: 500 and more is E2
    (9_999, 499, "E3"),
])
def test_air_e_on_both_edges_of_each_threshold(pop_5km, pop_500m, e):
    assert hj941.e_air(AirReceptors(pop_5km, pop_500m))[0] == e


def test_air_e_shows_the_working():
    assert hj941.e_air(AirReceptors(62_000, 300))[1][0].startswith("大气:5 km 内人口 62,000 人 > 50,000 → E1")
    assert "500 m 内人口 1,001 人 > 1,000 → E1" in hj941.e_air(AirReceptors(0, 1_001))[1][0]
    with pytest.raises(ValueError, match="5 km 内人口应为非负数"):
        hj941.e_air(AirReceptors(-1, 0))


@pytest.mark.parametrize("f,s,e", [("F1", "S1", "E1"), ("F2", "S1", "E1"), ("F3", "S1", "E2"), ("F1", "S2", "E1"),
                                   ("F2", "S2", "E2"), ("F3", "S2", "E3"), ("F1", "S3", "E1"), ("F2", "S3", "E2"),
                                   ("F3", "S3", "E3")])
def test_water_e_from_f_and_s(f, s, e):
    got, steps = hj941.e_water(WaterReceptors(f, s))
    assert got == e and steps[0].startswith(f"水:受纳水体 {f} × 敏感目标 {s} → {e}")


def test_water_e_refuses_unknown_classes_and_takes_a_configured_matrix():
    with pytest.raises(ValueError, match="受纳水体敏感性应为 F1、F2、F3:F4"):
        hj941.e_water(WaterReceptors("F4", "S1"))
    with pytest.raises(ValueError, match="环境风险受体类型应为"):
        hj941.e_water(WaterReceptors("F1", "S9"))
    mine = {s: {f: "E3" for f in ("F1", "F2", "F3")} for s in ("S1", "S2", "S3")}
    assert hj941.e_water(WaterReceptors("F1", "S1"), mine, parts_source="局存表")[1][0].endswith("(矩阵:局存表)")


def test_whole_level_from_parts_through_grade():
    # air: Q = 20/5 + 50/10 = 9 → Q1; M = 加氢 2 套 20 + items 10 + 10 + 0 = 40 → M2; 62,000 within 5 km → E1
    #      E1 × M2 × Q1 → 较大
    # water: Q = 150 / 1 → Q3; M = 电解 1 套 10 + items 8 + 0… = 18 → M1; F3 × S2 → E3; E3 × M1 × Q3 → 较大
    air_items = {"毒性气体泄漏监控预警措施": 10, "符合防护距离要求情况": 10, "近3年内突发大气环境事件发生情况": 0}
    r = hj941.grade(([Substance("氨", 20, 5), Substance("甲醇", 50, 10)],
                     MParts((ProcessUnit("加氢", 2),), air_items), AirReceptors(62_000, 300)),
                    ([Substance("含油废液", 150, 1)], MParts((ProcessUnit("电解", 1),), {**WATER_ZERO, "截流措施": 8}),
                     WaterReceptors("F3", "S2")))
    assert r.label == "较大[较大-大气(Q1-M2-E1) + 较大-水(Q3-M1-E3)]"
    steps = r.steps
    order = ["大气:Q = 9 → Q1", "大气:工艺 加氢 2 套 × 10 分 = 20 分", "大气:M = 生产工艺 20 + 风险防控 20 = 40",
             "大气:5 km 内人口 62,000 人 > 50,000 → E1", "大气:M = 40 → M2", "大气:E1 × M2 × Q1 → 较大",
             "水:M = 生产工艺 10 + 风险防控 8 = 18", "水:受纳水体 F3 × 敏感目标 S2 → E3", "水:E3 × M1 × Q3 → 较大"]
    at = [next(i for i, s in enumerate(steps) if s.startswith(o)) for o in order]
    assert at == sorted(at)


def test_parts_are_checked_even_when_q_is_below_1():
    with pytest.raises(ValueError, match="截流措施 得分 9"):
        hj941.grade_medium("water", [], MParts((), {**WATER_ZERO, "截流措施": 9}), "E1")
    with pytest.raises(ValueError, match="人口数用于大气"):
        hj941.grade_medium("water", [Substance("x", 2, 1)], 30, AirReceptors(1, 1))
