"""Worked vectors 1–15, 19 and E8–E10 (computed by hand with exact rational arithmetic), and the
breakpoint edges of every IAQI column under both rule sets."""

import math
from fractions import Fraction

import numpy as np
import pytest

from envbureau.standards import air
from envbureau.standards.air import aqi, iaqi, iaqi_array
from envbureau.standards.rounding import round_half_even
from envbureau.standards.tables import BREAKPOINTS_2012, BREAKPOINTS_2026, IAQI_LEVELS

LOW = dict(pm25=5, pm10=5, so2=5, no2=5, co=0.2)


@pytest.mark.parametrize("rules,conc,expected", [
    ("2012", 75, 100),   # vector 1
    ("2026", 75, 114),   # vector 2
    ("2012", 36, 52),    # vector 3: ceiling, not 51
])
def test_pm25_vectors(rules, conc, expected):
    assert iaqi("pm25_24h", conc, rules) == expected


def test_vector1_category():
    r = aqi(dict(LOW, pm25=75, o3_8h=20), "2012")
    assert (r.aqi, r.category.name) == (100, "良")


def test_vector2_category():
    assert aqi(dict(LOW, pm25=75, o3_8h=20), "2026").category.name == "轻度污染"


def test_vector4_pm10_151_exceeding_2012():
    r = aqi(dict(LOW, pm10=151, o3_8h=20), "2012")
    assert r.iaqi["pm10_24h"] == 101
    assert r.exceeding == ["pm10_24h"]


@pytest.mark.parametrize("rules", ["2012", "2026"])
def test_vector5_so2(rules):
    assert iaqi("so2_24h", 200, rules) == 108


def test_vector6_o3_mda8():
    assert iaqi("o3_8h", 170, "2012") == 110
    assert iaqi("o3_8h", 170, "2026") == 110


def test_vector7_co_exact_ceiling():
    assert iaqi("co_24h", 2.2, "2012") == 55
    assert iaqi("co_24h", 2.2, "2026") == 55
    # the naive float computation really is wrong here
    assert math.ceil((100 - 50) / (4 - 2) * (2.2 - 2) + 50) == 56


def test_vector8_no2_1h():
    assert iaqi("no2_1h", 250, "2012") == 105


def test_vector9_and_10_daily():
    d = dict(pm25=80, pm10=120, so2=10, no2=40, co=0.8, o3_8h=100)
    r = aqi(d, "2012")
    assert [r.iaqi[k] for k in ("pm25_24h", "pm10_24h", "so2_24h", "no2_24h", "co_24h", "o3_8h")] == \
        [107, 85, 10, 50, 20, 50]
    assert (r.aqi, r.category.name, r.primary, r.exceeding) == (107, "轻度污染", ["pm25_24h"], ["pm25_24h"])
    r = aqi(d, "2026")
    assert (r.iaqi["pm25_24h"], r.iaqi["pm10_24h"], r.aqi, r.primary) == (119, 100, 119, ["pm25_24h"])


def test_vector11_tie_keeps_both_primary():
    r = aqi(dict(LOW, pm25=75, pm10=150, o3_8h=20), "2012")
    assert r.aqi == 100 and r.category.name == "良"
    assert sorted(r.primary) == ["pm10_24h", "pm25_24h"]
    assert r.exceeding == []


def test_vector12_no_primary_at_or_below_50():
    r = aqi(dict(pm25=30, pm10=40, so2=20, no2=30, co=1.0, o3_8h=80), "2012")
    assert r.aqi <= 50 and r.category.name == "优" and r.primary == []
    r = aqi(dict(pm25=35, pm10=5, so2=5, no2=5, co=0.2, o3_8h=20), "2026")
    assert r.aqi == 50 and r.primary == []


def test_vector13_o3_1h_only_in_2012_daily():
    d = dict(LOW, o3_1h=210, o3_8h=150)
    r12 = aqi(d, "2012")
    assert (r12.aqi, r12.primary) == (105, ["o3_1h"])
    r26 = air.aqi_arrays({k: np.array(v) for k, v in d.items() if k != "o3_1h"}, "2026")
    assert int(r26.aqi) == 92
    with pytest.raises(ValueError, match="not an indicator"):
        aqi(d, "2026")  # o3_1h is not part of the 2026 daily report


def test_vector14_so2_1h_over_800():
    r = aqi(dict(so2=900, so2_24h=200), "2012", period="hour")
    assert r.iaqi["so2_1h"] == 108
    assert aqi(dict(so2=900), "2026", period="hour").iaqi["so2_1h"] == 200
    assert iaqi("so2_1h", 900, "2012") is None


def test_vector15_o3_8h_over_800():
    r = aqi(dict(o3_8h=850, o3_1h=300), "2012", period="hour")
    assert r.iaqi["o3_8h"] is None and r.aqi == r.iaqi["o3_1h"] == 150
    assert iaqi("o3_8h", 850, "2026") == 300


def test_vector19_input_rounding():
    assert iaqi("pm25_24h", 115.5, "2026") == 152
    assert iaqi("pm25_24h", 115.5, "2026", round_inputs=False) == 151


def test_e8_half_even():
    assert [round_half_even(v) for v in (34.5, 35.5, 60.5, 34.51)] == [34, 36, 60, 35]
    assert [round_half_even(v, 1) for v in (1.25, 1.35)] == [1.2, 1.4]
    assert list(round_half_even(np.array([34.5, 35.5, 60.5, 34.51]))) == [34, 36, 60, 35]
    assert list(round_half_even(np.array([1.25, 1.35, 0.25, 0.35]), 1)) == [1.2, 1.4, 0.2, 0.4]


@pytest.mark.parametrize("conc,i12,i26", [(60, 82, 100), (61, 83, 101), (70, 94, 110), (75, 100, 114)])
def test_e9_pm25(conc, i12, i26):
    assert aqi(dict(LOW, pm25=conc, o3_8h=20), "2012").aqi == i12
    assert aqi(dict(LOW, pm25=conc, o3_8h=20), "2026").aqi == i26


@pytest.mark.parametrize("conc,i12,i26", [(120, 85, 100), (121, 86, 101), (150, 100, 112)])
def test_e10_pm10(conc, i12, i26):
    assert aqi(dict(LOW, pm10=conc, o3_8h=20), "2012").aqi == i12
    assert aqi(dict(LOW, pm10=conc, o3_8h=20), "2026").aqi == i26


def _exact_iaqi(bps, c):
    bps = [Fraction(b) for b in bps]
    c = Fraction(c)
    for i in range(1, len(bps)):
        if c <= bps[i]:
            lo, hi = bps[i - 1], bps[i]
            val = Fraction(IAQI_LEVELS[i] - IAQI_LEVELS[i - 1]) / (hi - lo) * (c - lo) + IAQI_LEVELS[i - 1]
            return math.ceil(val)
    return None


def _edge_cases():
    for code, table in (("2012", BREAKPOINTS_2012), ("2026", BREAKPOINTS_2026)):
        for ind, bps in table.items():
            step = Fraction(1, 10) if ind.startswith("co") else Fraction(1)
            for i, b in enumerate(bps):
                for c in (Fraction(b) - step, Fraction(b), Fraction(b) + step):
                    if c < 0:
                        continue
                    yield code, ind, i, c


@pytest.mark.parametrize("code,ind,i,c", list(_edge_cases()))
def test_breakpoint_edges_both_sides(code, ind, i, c):
    table = BREAKPOINTS_2012 if code == "2012" else BREAKPOINTS_2026
    bps = table[ind]
    got = iaqi(ind, float(c), code)
    exp = _exact_iaqi(bps, c)
    if exp is None:  # above the top breakpoint
        if ind == "so2_1h":
            assert got == (None if code == "2012" else 200)
        elif ind == "o3_8h":
            assert got == (None if code == "2012" else 300)
        else:
            assert got == 500
    else:
        assert got == exp
        if c == Fraction(bps[i]):
            assert got == IAQI_LEVELS[i]  # exactly on a breakpoint → its IAQI


def test_full_scan_matches_rational_arithmetic():
    """Every 0.1 mg/m³ CO step and every integer step of the other columns, vectorised."""
    for code, table in (("2012", BREAKPOINTS_2012), ("2026", BREAKPOINTS_2026)):
        for ind, bps in table.items():
            step = Fraction(1, 10) if ind.startswith("co") else Fraction(1)
            top = Fraction(bps[-1])
            cs = [step * k for k in range(int(top / step) + 1)]
            got = iaqi_array(ind, np.array([float(c) for c in cs]), code)
            exp = np.array([_exact_iaqi(bps, c) for c in cs], dtype=float)
            np.testing.assert_array_equal(got, exp, err_msg=f"{code} {ind}")


def test_float_trap_count_matches_reference():
    """A count we were given claims 46 naive-float ceiling flips over these scans, all CO.

    Finding: 46 is the count over both rule sets' tables; the CO columns are identical in 2012 and
    2026, so there are 23 distinct cases (with the formula written in the order of HJ 633).
    """
    flips = []
    for table in (BREAKPOINTS_2012, BREAKPOINTS_2026):
        flips += _naive_flips(table)
    assert flips and all(ind.startswith("co") for ind, _ in flips)
    assert len(flips) == 46
    assert len(set(flips)) == 23 == len(_naive_flips(BREAKPOINTS_2012))
    # and the engine is right on every one of them
    for ind, c in set(flips):
        assert iaqi(ind, float(c), "2012") == _exact_iaqi(BREAKPOINTS_2012[ind], c)


def _naive_flips(table):
    flips = []
    for ind, bps in table.items():
        step = Fraction(1, 10) if ind.startswith("co") else Fraction(1)
        top = Fraction(bps[-1])
        for k in range(int(top / step) + 1):
            c = step * k
            b = [float(x) for x in bps]
            cf = float(c)
            for i in range(1, len(b)):
                if cf <= b[i]:
                    naive = math.ceil((IAQI_LEVELS[i] - IAQI_LEVELS[i - 1]) / (b[i] - b[i - 1]) * (cf - b[i - 1])
                                      + IAQI_LEVELS[i - 1])
                    break
            if naive != _exact_iaqi(bps, c):
                flips.append((ind, c))
    return flips


def test_vector24_reference_state():
    assert round_half_even(air.standard_to_reference(100), 1) == 91.6
    assert air.standard_to_actual(100, 101.325, 273.15) == pytest.approx(100)
    assert air.standard_to_actual(100, 90.0, 300.0) == pytest.approx(100 * 90 / 101.325 * 273.15 / 300)
    with pytest.raises(ValueError):
        air.standard_to_reference(-1)


def test_vector12_all_iaqi_at_most_45():
    r = aqi(dict(pm25=30, pm10=40, so2=20, no2=30, co=0.5, o3_8h=80), "2012")
    assert max(v for v in r.iaqi.values()) <= 45
    assert r.aqi == 43 and r.category.name == "优" and r.primary == []


def test_categories_and_colours():
    assert [air.category(a).name for a in (0, 50, 51, 100, 101, 150, 151, 200, 201, 300, 301, 500)] == \
        ["优", "优", "良", "良", "轻度污染", "轻度污染", "中度污染", "中度污染", "重度污染", "重度污染",
         "严重污染", "严重污染"]
    c = air.category(301)
    assert (c.level, c.level_name, c.colour, c.hex, c.rgb) == (6, "六级", "褐红色", "#7E0023", (126, 0, 35))
    assert air.category(None) is None
    assert air.category_level([np.nan, 35, 420]).tolist() == [0, 1, 6]


def test_rule_sets_are_explicit_objects():
    import datetime as dt

    assert air.rules_for(dt.date(2026, 2, 28)) is air.RULES_2012
    assert air.rules_for("2026-03-01") is air.RULES_2026
    assert air.RULES_2026.name == "HJ 633-2026 / GB 3095-2026"
    assert air.RULES_2026.effective_from == dt.date(2026, 3, 1)
    assert air.RULES_2012.effective_to == dt.date(2026, 2, 28)
    assert air.RULES_2026.stage_for("2030-12-31").name == "transitional"
    assert air.RULES_2026.stage_for("2031-01-01").name == "final"
    assert air.RULES_2026.stage("final").limit("pm25", "annual") == 25
    assert air.RULES_2026.stage("transitional").limit("pm10", "24h") == 120
    assert air.RULES_2012.stage_for("2020-01-01").limit("pm25", "24h") == 75
    assert air.RULES_2026.breakpoints["pm25_24h"][2] == "60" and air.RULES_2012.breakpoints["pm25_24h"][2] == "75"
    assert "o3_1h" in air.RULES_2012.daily_indicators and "o3_1h" not in air.RULES_2026.daily_indicators
    assert air.rule_codes_for(np.array(["2026-02-28", "2026-03-01"], dtype="datetime64[D]")).tolist() == \
        ["2012", "2026"]
