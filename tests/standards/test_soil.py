"""GB 36600 / GB 15618 lookups on hand-worked examples and the table values
of GB 36600-2018 table 1 (stated here, not read from the module)."""

import pytest

from envbureau.standards import soil

# GB 36600-2018 table 1: item → (screening cl.1, cl.2, intervention cl.1, cl.2)
QUOTED = {
    "砷": (20, 60, 120, 140), "镉": (20, 65, 47, 172), "铬（六价）": (3.0, 5.7, 30, 78),
    "铜": (2000, 18000, 8000, 36000), "铅": (400, 800, 800, 2500), "汞": (8, 38, 33, 82),
    "镍": (150, 900, 600, 2000), "苯": (1, 4, 10, 40), "三氯乙烯": (0.7, 2.8, 7, 20),
    "氯乙烯": (0.12, 0.43, 1.2, 4.3), "苯并[a]芘": (0.55, 1.5, 5.5, 15), "萘": (25, 70, 255, 700),
    "1,1,1-三氯乙烷": (701, 840, 840, 840),
}


@pytest.mark.parametrize("name,values", QUOTED.items())
def test_construction_values_match_the_reference(name, values):
    it = soil.construction_item(name)
    assert it.screening + it.intervention == pytest.approx(values)


def test_table_sizes_and_lookup_by_cas():
    items = soil.construction_items()
    assert len(items) == 85
    assert sum(1 for i in items if i.table == 1) == 45
    assert soil.construction_item("50-32-8").name == "苯并[a]芘"
    assert soil.construction_item("铬(六价)").name == "铬（六价）"
    with pytest.raises(ValueError, match="no item"):
        soil.construction_item("水")


def test_example_1_benzo_a_pyrene_between_on_both_classes():
    for cls, scr, inter in ((2, 1.5, 15), (1, 0.55, 5.5)):
        v = soil.assess_construction("苯并[a]芘", 2.0, cls)
        assert (v.level, v.screening, v.intervention) == ("between", scr, inter)
        assert v.exceeds_screening


def test_example_2_arsenic_class_1_above_intervention_class_2_between_with_footnote_a():
    v1, v2 = soil.assess_construction("砷", 125, 1), soil.assess_construction("砷", 125, 2)
    assert v1.level == "above_intervention" and v2.level == "between"
    assert v1.background_applies and v2.background_applies
    # Above screening but within the local background: not contamination.
    assert soil.assess_construction("砷", 125, 2, background=130).level == "background"
    assert soil.assess_construction("苯", 5, 2, background=100).level == "between"  # no footnote a


def test_construction_boundaries():
    # Lead, class 2: screening 800, intervention 2500. At a limit is not above it.
    assert [soil.assess_construction("铅", v, 2).level for v in (799.9, 800, 800.1)] == \
        ["negligible", "negligible", "between"]
    assert [soil.assess_construction("铅", v, 2).level for v in (2499.9, 2500, 2500.1)] == \
        ["between", "between", "above_intervention"]
    assert soil.assess_construction("铅", 1600, 2).multiple == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [-1, "x", None, float("nan")])
def test_bad_values_are_refused(bad):
    with pytest.raises(ValueError):
        soil.assess_construction("铅", bad, 2)


def test_bad_land_class():
    with pytest.raises(ValueError, match="land_class"):
        soil.assess_construction("铅", 1, 3)


def test_example_3_cadmium_paddy_ph_bins():
    a = soil.assess_farmland("cd", 0.9, 6.8, "paddy")
    assert (a.screening, a.intervention, a.category) == (0.6, 3.0, "safe_use")
    assert soil.assess_farmland("cd", 3.6, 6.8, "paddy").category == "strict"
    c = soil.assess_farmland("cd", 0.5, 6.5, "paddy")  # pH 6.5 belongs to 5.5 < pH ≤ 6.5
    assert (c.screening, c.intervention, c.category) == (0.4, 2.0, "safe_use")
    assert c.label == "安全利用类"


def test_ph_bin_edges_right_closed():
    assert [soil.ph_bin(p) for p in (5.5, 5.51, 6.5, 6.51, 7.5, 7.51)] == [0, 1, 1, 2, 2, 3]
    with pytest.raises(ValueError):
        soil.ph_bin(15)


def test_farmland_lands_and_items_without_intervention():
    assert soil.farmland_values("cu", 7.0, "orchard")[1:] == (200, None)
    assert soil.farmland_values("cu", 7.0, "paddy")[1:] == (100, None)  # paddy reads the 其他 row
    assert soil.farmland_values("ni", 8.0, "paddy")[1:] == (190, None)
    assert soil.assess_farmland("zn", 1000, 5.0).category == "safe_use"  # no intervention value
    assert soil.assess_farmland("pb", 70, 5.0).category == "priority"  # 其他 ≤5.5 screening 70
    with pytest.raises(ValueError, match="land"):
        soil.farmland_values("cd", 6, "forest")


def test_example_9_farmland_safe_use_rate():
    assert soil.farmland_safe_use_rate(200, 700, 50, 1000) == pytest.approx(0.95)
    assert soil.farmland_safe_use_rate(0, 0, 0, 0) is None
    with pytest.raises(ValueError):
        soil.farmland_safe_use_rate(600, 600, 0, 1000)
