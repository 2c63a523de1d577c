"""Rules of envbureau.standards.air stated as data from the reference
(HJ 633-2012/2026 table 1/3, GB 3095 limits, HJ 633-2026 §5.3),
checked against the vectorised and scalar paths, with boundaries on either side of each rule."""

import datetime as dt

import numpy as np
import pytest

from envbureau.standards import air
from envbureau.standards.air import (
    RULES_2012,
    RULES_2026,
    aqi,
    aqi_arrays,
    aqi_by_date,
    category,
    category_level,
    hourly_aqi_from_hourly,
    indicator_limit,
    keys_in_report,
    normalize_keys,
    round_concentration,
    standard_to_actual,
    standard_to_reference,
)

NaN = float("nan")

# HJ 633 category table (2012 table 2 / 2026 table 1): upper AQI bound → (level, 级别, 类别, colour, hex)
CATEGORY_TABLE = [
    (50, 1, "一级", "优", "Excellent", "绿色", "#00E400"),
    (100, 2, "二级", "良", "Good", "黄色", "#FFFF00"),
    (150, 3, "三级", "轻度污染", "Lightly polluted", "橙色", "#FF7E00"),
    (200, 4, "四级", "中度污染", "Moderately polluted", "红色", "#FF0000"),
    (300, 5, "五级", "重度污染", "Heavily polluted", "紫色", "#99004C"),
    (500, 6, "六级", "严重污染", "Severely polluted", "褐红色", "#7E0023"),
]

# notes the module must write (wording from HJ 633 table notes)
NOTE_SO2_2026 = "SO2 1小时浓度>800 µg/m³: IAQI按200计 (HJ 633-2026)"
NOTE_SO2_2012 = "SO2 1小时浓度>800 µg/m³: 按24小时平均浓度计算分指数 (HJ 633-2012 表1注)"
NOTE_O3_2026 = "O3 8小时浓度>800 µg/m³: IAQI按300计 (HJ 633-2026)"
NOTE_O3_2012 = "O3 8小时浓度>800 µg/m³: 不计算8小时分指数，按1小时分指数报告 (HJ 633-2012 表1注)"


def _nan_eq(a, b):
    return np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True)


# ---------------------------------------------------------------- categories
@pytest.mark.parametrize("upper,level,level_name,name,name_en,colour,hexcode", CATEGORY_TABLE)
def test_category_bounds_three_points(upper, level, level_name, name, name_en, colour, hexcode):
    lower = {1: 0, 2: 51, 3: 101, 4: 151, 5: 201, 6: 301}[level]
    for a in (lower, upper):
        c = category(a)
        assert (c.level, c.level_name, c.name, c.name_en, c.colour, c.hex) == \
            (level, level_name, name, name_en, colour, hexcode)
    if level < 6:
        assert category(upper + 1).level == level + 1
    assert list(category_level([lower, upper])) == [level, level]


def test_category_level_nan_is_zero_and_dtype():
    lv = category_level([NaN, 0, 50, 51, 300, 301, 500])
    assert lv.dtype == np.int8
    assert lv.tolist() == [0, 1, 1, 2, 5, 6, 6]


def test_category_missing_and_negative():
    assert category(None) is None
    assert category(NaN) is None
    with pytest.raises(ValueError, match="negative"):
        category(-1)
    assert category(0).name == "优"


# ---------------------------------------------------------------- keys
def test_normalize_keys_spellings_day():
    assert normalize_keys([" PM2.5 ", "O3-8", "co", "o3_1", "SO2", "pm10", "no2_24h"], RULES_2012) == {
        " PM2.5 ": "pm25_24h", "O3-8": "o3_8h", "co": "co_24h", "o3_1": "o3_1h", "SO2": "so2_24h",
        "pm10": "pm10_24h", "no2_24h": "no2_24h"}
    assert normalize_keys(["pm2_5", "o3"], RULES_2026) == {"pm2_5": "pm25_24h", "o3": "o3_8h"}


def test_normalize_keys_hour_maps_to_each_rule_sets_hourly_indicator():
    keys = ["so2", "no2", "co", "o3", "pm10", "pm25"]
    assert normalize_keys(keys, RULES_2012, "hour") == {
        "so2": "so2_1h", "no2": "no2_1h", "co": "co_1h", "o3": "o3_1h", "pm10": "pm10_24h", "pm25": "pm25_24h"}
    assert normalize_keys(keys, RULES_2026, "hour") == {
        "so2": "so2_1h", "no2": "no2_1h", "co": "co_1h", "o3": "o3_1h", "pm10": "pm10_1h", "pm25": "pm25_1h"}
    # 2012 hourly: the SO2 24-h moving mean may be given (used when SO2 1-h > 800) ...
    assert normalize_keys(["so2_24h"], RULES_2012, "hour") == {"so2_24h": "so2_24h"}
    # ... but not under 2026, nor in a daily report of 1-h values
    with pytest.raises(ValueError, match=r"'so2_24h' \(so2_24h\) is not an indicator of the HJ 633-2026"):
        normalize_keys(["so2_24h"], RULES_2026, "hour")
    with pytest.raises(ValueError, match="uses so2_24h, no2_24h, pm10_24h, co_24h, o3_8h, pm25_24h"):
        normalize_keys(["o3_1h"], RULES_2026, "day")


def test_normalize_keys_errors_name_the_key():
    with pytest.raises(ValueError, match="period must be 'day' or 'hour', not 'week'"):
        normalize_keys(["pm25"], RULES_2026, "week")
    with pytest.raises(ValueError, match=r"unknown pollutant code 'nox'; known: so2, no2, pm10, co, o3, pm25 "
                                         r"or indicators so2_24h"):
        normalize_keys(["nox"], RULES_2026)
    with pytest.raises(ValueError, match=r"'pm25_24h' duplicates another key for pm25_24h"):
        normalize_keys(["pm25", "pm25_24h"], RULES_2026)


def test_keys_in_report_drops_unused_known_keys_and_raises_for_unknown():
    assert keys_in_report(["pm25", "o3_1h", "o3_8h"], RULES_2026, "day") == ["pm25", "o3_8h"]
    assert keys_in_report(["pm25", "o3_1h", "o3_8h"], RULES_2012, "day") == ["pm25", "o3_1h", "o3_8h"]
    with pytest.raises(ValueError, match="unknown pollutant code 'xx'"):
        keys_in_report(["pm25", "xx"], RULES_2026)


# ---------------------------------------------------------------- limits and rounding
def test_indicator_limit_from_gb3095():
    st12, tr, fi = RULES_2012.stages[0], RULES_2026.stage("transitional"), RULES_2026.stage("final")
    assert indicator_limit("pm25_24h", st12) == 75.0
    assert indicator_limit("pm25_24h", tr) == 60.0
    assert indicator_limit("pm25_24h", fi) == 50.0
    assert indicator_limit("pm25_24h", fi, grade=1) == 25.0
    assert indicator_limit("pm10_24h", tr) == 120.0
    assert indicator_limit("so2_1h", st12) == 500.0
    assert indicator_limit("pm25_1h", tr) is None   # GB 3095 has no 1-h PM limit


def test_round_concentration_half_even():
    assert float(round_concentration(35.5, "pm25_24h")) == 36.0
    assert float(round_concentration(36.5, "pm25")) == 36.0
    assert float(round_concentration(2.25, "co_24h")) == 2.2
    assert float(round_concentration(2.35, "co")) == 2.4
    with pytest.raises(ValueError, match="unknown pollutant 'nox'"):
        round_concentration(1.0, "nox")


def test_reference_state_conversions():
    assert standard_to_reference(100) == pytest.approx(100 * 273.15 / 298.15)
    assert round(standard_to_reference(100), 1) == 91.6
    assert isinstance(standard_to_reference(100), float)
    out = standard_to_reference([100.0, 0.0])
    assert isinstance(out, np.ndarray) and out[1] == 0.0
    assert standard_to_reference(100, temperature_k=298.15) == pytest.approx(100.0)
    with pytest.raises(ValueError, match="negative concentration"):
        standard_to_reference(-0.1)
    # 101.325 kPa and 273.15 K: unchanged; half the pressure halves it; 298.15 K scales by 273.15/298.15
    assert standard_to_actual(80, 101.325, 273.15) == pytest.approx(80.0)
    assert standard_to_actual(80, 50.6625, 273.15) == pytest.approx(40.0)
    assert standard_to_actual(80, 101.325, 298.15) == pytest.approx(80 * 273.15 / 298.15)
    assert type(standard_to_actual(80, 101.325, 273.15)) is float  # a plain float for a scalar, not numpy's
    assert standard_to_actual([80.0, 40.0], 101.325, 273.15).tolist() == pytest.approx([80.0, 40.0])
    with pytest.raises(ValueError, match="negative concentration"):
        standard_to_actual(-1, 101.325, 273.15)
    with pytest.raises(ValueError, match=r"kelvin \(> 0\)"):
        standard_to_actual(1, 101.325, 0)
    assert standard_to_actual(1, 101.325, 0.001) > 0


# ---------------------------------------------------------------- aqi_arrays: input errors
def test_aqi_arrays_bad_input_messages():
    with pytest.raises(ValueError, match=r"valid_day_rule must be one of \('in_force'"):
        aqi_arrays({"pm25": [1.0]}, "2026", valid_day_rule="sometimes")
    with pytest.raises(ValueError, match="no concentrations given"):
        aqi_arrays({}, "2026")
    with pytest.raises(ValueError, match=r"same shape, got \[\(1,\), \(2,\)\]"):
        aqi_arrays({"pm25": [1.0], "pm10": [1.0, 2.0]}, "2026")
    with pytest.raises(ValueError, match=r"negative concentration for PM2\.5 at index \(1,\)"):
        aqi_arrays({"PM2.5": [1.0, -2.0]}, "2026")
    with pytest.raises(ValueError, match=r"negative concentration for pm10 at index \(\)"):
        air._check_array("pm10", -1.0)
    with pytest.raises(ValueError, match="infinite concentration for co"):
        aqi_arrays({"co": [1.0, np.inf]}, "2026")
    # zero is a concentration, not an error
    assert aqi_arrays({"pm25": [0.0]}, "2026").iaqi.tolist() == [[0.0]]


# ---------------------------------------------------------------- aqi_arrays: exceedance by stage
def test_exceedance_2026_uses_the_stage_limit_on_the_rounded_value():
    pm25 = np.array([50.0, 50.4, 50.6, 60.0, 60.4, 60.6])   # rounded: 50 50 51 60 60 61
    tr = [False, False, False, False, False, True]        # transitional Grade II 24h limit 60
    fi = [False, False, True, True, True, True]           # final Grade II 24h limit 50
    assert aqi_arrays({"pm25": pm25}, "2026").exceeding[..., 0].tolist() == tr
    assert aqi_arrays({"pm25": pm25}, "2026", stage="transitional").exceeding[..., 0].tolist() == tr
    assert aqi_arrays({"pm25": pm25}, "2026", stage="final").exceeding[..., 0].tolist() == fi
    assert aqi_arrays({"pm25": pm25}, "2026", stage=RULES_2026.stage("final")).exceeding[..., 0].tolist() == fi
    assert aqi_arrays({"pm25": pm25}, "2026", date=dt.date(2031, 1, 1)).exceeding[..., 0].tolist() == fi
    assert aqi_arrays({"pm25": pm25}, "2026", date=dt.date(2030, 12, 31)).exceeding[..., 0].tolist() == tr
    r = aqi_arrays({"pm25": pm25}, "2026", stage="final")
    assert r.stage.name == "final"
    # without input rounding the raw value is still compared after GB/T 8170 rounding (修约值比较)
    r = aqi_arrays({"pm25": pm25}, "2026", stage="final", round_inputs=False)
    assert r.exceeding[..., 0].tolist() == fi
    # 1-h PM in the 2026 hourly report: no GB 3095 limit, never exceeding
    r = aqi_arrays({"pm25": [400.0, 400.0], "co": [10.0, 10.1]}, "2026", period="hour")
    assert r.indicators == ("co_1h", "pm25_1h")
    assert r.exceeding.tolist() == [[False, False], [True, False]]   # CO 1-h limit 10 mg/m³


def test_exceedance_missing_is_not_exceeding():
    r = aqi_arrays({"pm25": [NaN, 80.0], "pm10": [200.0, NaN]}, "2026", valid_day_rule="available")
    assert r.exceeding.tolist() == [[True, False], [False, True]]


def test_exceedance_2012_is_iaqi_over_100():
    # 2012 PM2.5: 75 → 100 (not exceeding), 76 → 102 (exceeding)
    r = aqi_arrays({"pm25": [75.0, 76.0, NaN]}, "2012")
    assert _nan_eq(r.iaqi[..., 0], [100, 102, NaN])
    assert r.exceeding[..., 0].tolist() == [False, True, False]


# ---------------------------------------------------------------- aqi_arrays: rounding switch
def test_round_inputs_switch():
    # 2026 PM2.5 35.4: rounded → 35 → IAQI 50; raw → 50 + ceil(50·0.4/25) = 51
    assert aqi_arrays({"pm25": [35.4]}, "2026").iaqi[0, 0] == 50
    assert aqi_arrays({"pm25": [35.4]}, "2026", round_inputs=False).iaqi[0, 0] == 51
    # 2012 does not round by default: 50 + ceil(50·0.4/40) = 51; forced rounding gives 50
    assert aqi_arrays({"pm25": [35.4]}, "2012").iaqi[0, 0] == 51
    assert aqi_arrays({"pm25": [35.4]}, "2012", round_inputs=True).iaqi[0, 0] == 50


# ---------------------------------------------------------------- aqi_arrays: special rules
def test_so2_1h_over_800_2026_is_200_with_note():
    r = aqi_arrays({"so2": [800.0, 801.0, NaN], "no2": [10.0, 10.0, 10.0]}, "2026", period="hour")
    j = r.indicators.index("so2_1h")
    assert _nan_eq(r.iaqi[:, j], [200, 200, NaN])
    assert r.over_range[:, j].tolist() == [False, False, False]
    assert r.notes == [NOTE_SO2_2026]
    assert aqi_arrays({"so2": [800.0]}, "2026", period="hour").notes == []


def test_so2_1h_over_800_2012_uses_the_24h_iaqi():
    # 24-h SO2 150.4: raw → 100 + ceil(50·0.4/325) = 101; rounded → 150 → 100
    conc = {"so2_1h": [801.0, 700.0], "so2_24h": [150.4, 150.4], "no2": [10.0, 10.0]}
    r = aqi_arrays(conc, "2012", period="hour")
    j = r.indicators.index("so2_1h")
    assert r.iaqi[:, j].tolist() == [101.0, 167.0]    # 700 on the 1-h column: 150 + ceil(50·50/150)
    assert r.notes == [NOTE_SO2_2012]
    assert r.over_range[:, j].tolist() == [False, False]
    r = aqi_arrays(conc, "2012", period="hour", round_inputs=True)
    assert r.iaqi[:, j].tolist() == [100.0, 167.0]
    # without the 24-h mean the 1-h IAQI is not computed
    r = aqi_arrays({"so2_1h": [801.0], "no2": [10.0]}, "2012", period="hour")
    j = r.indicators.index("so2_1h")
    assert np.isnan(r.iaqi[0, j])
    assert r.notes == [NOTE_SO2_2012]
    assert r.aqi.tolist() == [5.0]    # 2012 "available": NO2 1-h 10 → ceil(50·10/100) = 5


def test_o3_8h_over_800():
    # 2026: fixed 300, with its note; 800 itself is still on the table (IAQI 300 at 800)
    r = aqi_arrays({"o3_8h": [800.0, 801.0, NaN]}, "2026", valid_day_rule="available")
    assert _nan_eq(r.iaqi[:, 0], [300, 300, NaN])
    assert r.notes == [NOTE_O3_2026]
    assert r.over_range[:, 0].tolist() == [False, False, False]
    assert aqi_arrays({"o3_8h": [800.0]}, "2026").notes == []
    # 2012: the 8-h IAQI is not computed, O3 reported by its 1-h IAQI; the day is still complete
    conc = {"pm25": [20.0, 20.0], "o3_1h": [900.0, 900.0], "o3_8h": [801.0, NaN]}
    r = aqi_arrays(conc, "2012", valid_day_rule="complete")
    j8, j1 = r.indicators.index("o3_8h"), r.indicators.index("o3_1h")
    assert np.isnan(r.iaqi[0, j8])
    assert r.iaqi[0, j1] == 350    # 300 + ceil(100·100/200)
    assert r.complete.tolist() == [True, False]     # an O3-8h value left out is not "missing"
    assert r.valid.tolist() == [True, False]
    assert _nan_eq(r.aqi, [350, NaN])
    assert r.notes == [NOTE_O3_2012]
    assert r.primary_codes(0) == ["o3_1h"]
    # the left-out 8-h value does not make up for another missing indicator
    r = aqi_arrays({"pm25": [NaN], "o3_1h": [900.0], "o3_8h": [801.0]}, "2012", valid_day_rule="complete")
    assert r.complete.tolist() == [False]
    # only O3 8h given (no other indicator): complete
    r = aqi_arrays({"o3_8h": [801.0]}, "2012", valid_day_rule="complete")
    assert r.complete.tolist() == [True] and np.isnan(r.aqi[0])


def test_over_top_breakpoint_caps_at_500_and_flags():
    r = aqi_arrays({"pm25": [500.0, 500.5, NaN], "pm10": [10.0, 10.0, 10.0]}, "2012",
                   valid_day_rule="available")
    assert _nan_eq(r.iaqi_of("pm25_24h"), [500, 500, NaN])
    assert r.over_range[:, r.indicators.index("pm25_24h")].tolist() == [False, True, False]
    assert r.over_range[:, r.indicators.index("pm10_24h")].tolist() == [False, False, False]
    assert r.notes == ["pm25_24h 浓度超过最高浓度限值，IAQI按500计"]
    assert aqi_arrays({"pm25": [500.0]}, "2012").notes == []
    rep = aqi({"pm25": 600, "pm10": 10}, "2026")
    assert (rep.aqi, rep.over_range, rep.category.name) == (500, ["pm25_24h"], "严重污染")


# ---------------------------------------------------------------- aqi_arrays: validity rules
def test_hj633_2026_missing_rule_publishes_incomplete_only_above_100():
    # 2026 PM2.5 60 → 100; 61 → 100 + ceil(50·1/55) = 101; PM10 missing
    conc = {"pm25": [60.0, 61.0, 20.0], "pm10": [NaN, NaN, 30.0]}
    r = aqi_arrays(conc, "2026")
    assert r.valid_day_rule == "hj633_2026"
    assert r.complete.tolist() == [False, False, True]
    assert r.valid.tolist() == [False, True, True]
    assert _nan_eq(r.aqi, [NaN, 101, 30])
    assert _nan_eq(r.aqi_partial, [100, 101, 30])
    assert r.level.tolist() == [0, 3, 1]
    r = aqi_arrays(conc, "2026", valid_day_rule="complete")
    assert r.valid.tolist() == [False, False, True] and r.valid_day_rule == "complete"
    r = aqi_arrays(conc, "2026", valid_day_rule="available")
    assert r.valid.tolist() == [True, True, True]
    assert _nan_eq(r.aqi, [100, 101, 30])
    # 2012's own rule is "available"
    r = aqi_arrays(conc, "2012")
    assert r.valid_day_rule == "available" and r.valid.tolist() == [True, True, True]
    r = aqi_arrays({"pm25": [NaN], "pm10": [NaN]}, "2012")
    assert r.valid.tolist() == [False] and np.isnan(r.aqi[0]) and np.isnan(r.aqi_partial[0])
    r = aqi_arrays({"pm25": [NaN], "pm10": [NaN]}, "2026", valid_day_rule="hj633_2026")
    assert r.valid.tolist() == [False] and r.complete.tolist() == [False]


def test_primary_only_above_50_ties_kept():
    # 2012: PM2.5 35 → 50, PM10 50 → 50 (no primary at 50); 36 → 52 and PM10 54 → 52 (both primary)
    r = aqi_arrays({"pm25": [35.0, 36.0, 36.0], "pm10": [50.0, 54.0, 10.0]}, "2012")
    assert r.indicators == ("pm10_24h", "pm25_24h")
    assert r.iaqi.tolist() == [[50.0, 50.0], [52.0, 52.0], [10.0, 52.0]]
    assert r.primary.tolist() == [[False, False], [True, True], [False, True]]
    assert r.primary_codes(1) == ["pm10_24h", "pm25_24h"]
    assert r.exceeding_codes(1) == []
    assert r.level.tolist() == [1, 2, 2]


def test_result_shapes_for_two_dimensions():
    conc = {"pm25": [[10.0, 80.0, NaN], [40.0, 5.0, 7.0]], "so2": [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]}
    r = aqi_arrays(conc, "2026", valid_day_rule="available")
    assert r.iaqi.shape == r.primary.shape == r.exceeding.shape == r.over_range.shape == (2, 3, 2)
    assert r.aqi.shape == r.level.shape == r.valid.shape == r.complete.shape == (2, 3)
    # 2026 PM2.5 80 → 100 + ceil(50·20/55) = 119; 40 → 50 + ceil(50·5/25) = 60; 10 → ceil(50·10/35) = 15
    assert _nan_eq(r.aqi, [[15, 119, 1], [60, 8, 10]])
    assert r.exceeding_codes((0, 1)) == ["pm25_24h"]
    assert r.primary_codes((1, 0)) == ["pm25_24h"]
    assert r.primary_codes((1, 1)) == []


def test_no_indicator_of_the_report():
    # 2012 hourly: the SO2 24-h mean alone is accepted but enters no hourly IAQI
    r = aqi_arrays({"so2_24h": [10.0, 20.0]}, "2012", period="hour")
    assert r.indicators == ()
    assert r.iaqi.shape == (2, 0) and r.primary.shape == (2, 0) and r.over_range.shape == (2, 0)
    assert r.exceeding.shape == (2, 0)
    assert r.valid.tolist() == [False, False] and r.complete.tolist() == [False, False]
    assert np.isnan(r.aqi).all() and np.isnan(r.aqi_partial).all()
    assert r.level.tolist() == [0, 0]


# ---------------------------------------------------------------- scalar report
def test_report_as_dict_2026():
    rep = aqi({"pm25": 55, "pm10": 20}, "2026", stage="final")
    assert rep.as_dict() == {
        "rules": "HJ 633-2026 / GB 3095-2026", "rules_code": "2026", "period": "day", "stage": "final",
        "concentrations": {"pm25_24h": 55.0, "pm10_24h": 20.0},
        "iaqi": {"pm10_24h": 20, "pm25_24h": 90}, "aqi": 90, "aqi_partial": 90,
        "category": {"level": 2, "level_name": "二级", "name": "良", "name_en": "Good", "colour": "黄色",
                     "hex": "#FFFF00"},
        "primary_pollutants": ["pm25_24h"], "exceeding_pollutants": ["pm25_24h"],
        "exceeding_basis": "concentration > Grade II limit (final)",
        "over_range": [], "notes": [],
    }


def test_report_as_dict_2012_and_missing():
    rep = aqi({"pm25": 80, "pm10": None}, "2012")
    d = rep.as_dict()
    assert d["stage"] is None and d["rules_code"] == "2012"
    assert d["exceeding_basis"] == "IAQI > 100 (HJ 633-2012 §3.4)"
    assert d["concentrations"] == {"pm25_24h": 80.0, "pm10_24h": None}
    assert d["iaqi"] == {"pm10_24h": None, "pm25_24h": 107}
    assert (d["aqi"], d["primary_pollutants"], d["exceeding_pollutants"]) == (107, ["pm25_24h"], ["pm25_24h"])
    assert d["category"]["name"] == "轻度污染"
    # 2026, incomplete and ≤ 100: published as NA with the §5.3 note
    rep = aqi({"pm25": 40, "pm10": None}, "2026")
    d = rep.as_dict()
    assert (d["aqi"], d["aqi_partial"], d["category"], d["primary_pollutants"]) == (None, 60, None, [])
    assert d["notes"] == ["数据不全且分指数最大值≤100: AQI、类别、首要污染物发布为NA (HJ 633-2026 §5.3)"]
    assert d["stage"] == "transitional"


def test_report_rules_follow_the_date():
    assert aqi({"pm25": 70}, date=dt.date(2026, 2, 28)).rules_code == "2012"
    r = aqi({"pm25": 70}, date=dt.date(2026, 3, 1))
    assert (r.rules_code, r.aqi, r.category.name) == ("2026", 110, "轻度污染")   # HJ 633-2026 table 3: PM2.5 IAQI 100 at 60, not 75
    assert aqi({"pm25": 70}, date=dt.date(2026, 2, 28)).aqi == 94
    assert aqi({"pm25": 55}, date=dt.date(2031, 1, 1)).stage == "final"
    assert aqi({"pm25": 55}, date=dt.date(2030, 12, 31)).stage == "transitional"


# ---------------------------------------------------------------- by date
DAYS = np.array(["2026-02-27", "2026-02-28", "2026-03-01", "2030-12-31", "2031-01-01"], dtype="datetime64[D]")


def test_aqi_by_date_switches_rule_set_and_stage_by_day():
    pm25 = np.array([70.0, 70.0, 70.0, 55.0, 55.0])
    res = aqi_by_date({"pm25": pm25, "o3_1h": [10.0] * 5}, DAYS)
    assert res.indicators == ("so2_24h", "no2_24h", "pm10_24h", "co_24h", "o3_1h", "o3_8h", "pm25_24h")
    assert res.rules_code.tolist() == ["2012", "2012", "2026", "2026", "2026"]
    assert res.rules_used == {"HJ 633-2012 / GB 3095-2012": 2, "HJ 633-2026 / GB 3095-2026": 3}
    assert res.mixed
    # 2012: 70 → 50 + ceil(50·35/40) = 94; 2026: 110; 55 → 90
    assert res.aqi.tolist() == [94.0, 94.0, 110.0, 90.0, 90.0]
    assert res.level.tolist() == [2, 2, 3, 2, 2]
    assert res.valid.tolist() == [True] * 5 and res.complete.tolist() == [True] * 5
    j = res.indicators.index("pm25_24h")
    # exceedance: 2012 IAQI > 100 (no); 2026 transitional limit 60 (70 yes, 55 no); final 50 (55 yes)
    assert res.exceeding[:, j].tolist() == [False, False, True, False, True]
    # O3 1-h enters only 2012 days
    k = res.indicators.index("o3_1h")
    assert _nan_eq(res.iaqi[:, k], [4, 4, NaN, NaN, NaN])   # 2012 O3 1-h 10 → ceil(50·10/160) = 4
    assert res.primary[:, j].tolist() == [True] * 5
    assert res.primary_codes(2) == ["pm25_24h"]
    assert res.dates.dtype == np.dtype("datetime64[D]")


def test_aqi_by_date_stage_and_rules_override():
    pm25 = np.array([[55.0, 55.0, 55.0, 55.0, 55.0]])
    res = aqi_by_date({"pm25": pm25}, DAYS, rules="2026", stage="final")
    assert res.rules_code.tolist() == ["2026"] * 5 and not res.mixed
    assert res.exceeding[0, :, res.indicators.index("pm25_24h")].tolist() == [True] * 5
    res = aqi_by_date({"pm25": pm25}, DAYS, rules="2026")
    assert res.exceeding[0, :, res.indicators.index("pm25_24h")].tolist() == [False] * 4 + [True]
    res = aqi_by_date({"pm25": pm25}, DAYS, rules="2012")
    assert res.rules_used == {"HJ 633-2012 / GB 3095-2012": 5}
    assert res.aqi.tolist() == [[75.0] * 5]    # 2012: 50 + ceil(50·20/40) = 75
    assert res.aqi.shape == (1, 5) and res.iaqi.shape == (1, 5, 7)


def test_aqi_by_date_all_one_rule_set_in_union_order_and_mixed_validity():
    # 2012 days with all seven daily indicators: the union order
    d12 = np.array(["2025-06-01", "2025-06-02"], dtype="datetime64[D]")
    conc = {"so2": [5.0, 5.0], "no2": [5.0, 5.0], "pm10": [5.0, 5.0], "co": [0.2, 0.2], "o3_1h": [10.0, 10.0],
            "o3_8h": [10.0, 10.0], "pm25": [80.0, NaN]}
    res = aqi_by_date(conc, d12, valid_day_rule="complete")
    assert res.valid.tolist() == [True, False] and res.complete.tolist() == [True, False]
    assert _nan_eq(res.aqi, [107, NaN])
    assert res.exceeding[0].tolist() == [False] * 6 + [True]
    assert not res.mixed
    # 2026 days only (o3_1h given but not used under 2026)
    d26 = np.array(["2027-06-01", "2027-06-02"], dtype="datetime64[D]")
    res = aqi_by_date(conc, d26, valid_day_rule="available")
    assert _nan_eq(res.iaqi[:, res.indicators.index("o3_1h")], [NaN, NaN])
    assert res.aqi.tolist() == [119.0, 7.0]    # NO2 5 → ceil(50·5/40) = 7
    assert res.level.tolist() == [3, 1]
    assert res.primary[0].tolist() == [False] * 6 + [True]


def test_aqi_by_date_bad_input():
    with pytest.raises(ValueError, match="no concentrations given"):
        aqi_by_date({}, DAYS)
    with pytest.raises(ValueError, match="all concentration arrays must have the same shape"):
        aqi_by_date({"pm25": [1.0] * 5, "pm10": [1.0] * 4}, DAYS)
    with pytest.raises(ValueError, match=r"dates must be 1-D with the length of the last axis \(4\)"):
        aqi_by_date({"pm25": [1.0] * 4}, DAYS)
    with pytest.raises(ValueError, match=r"last axis \(0\)"):
        aqi_by_date({"pm25": 1.0}, DAYS[:1])


def test_aqi_by_date_no_days():
    res = aqi_by_date({"pm25": np.zeros((2, 0))}, np.array([], dtype="datetime64[D]"))
    assert res.aqi.shape == (2, 0) and res.iaqi.shape == (2, 0, 7)
    assert res.rules_used == {} and not res.mixed


# ---------------------------------------------------------------- hourly
def test_hourly_aqi_2026_one_hour_values():
    t = np.array(["2027-01-01T00", "2027-01-01T01"], dtype="datetime64[h]")
    res = hourly_aqi_from_hourly({"PM2.5": [80.0, 30.0], "SO2": [900.0, 10.0], "o3": [10.0, 10.0]}, t)
    assert res.indicators == air.HOURLY_UNION
    ip = res.indicators.index("pm25_1h")
    i_so2 = res.indicators.index("so2_1h")
    assert res.iaqi[:, ip].tolist() == [119.0, 43.0]      # daily breakpoints: 50·30/35 → 43
    assert res.iaqi[:, i_so2].tolist() == [200.0, 4.0]    # 2026 SO2 1-h > 800 → 200; 10 → ceil(50·10/150)
    assert np.isnan(res.iaqi[:, res.indicators.index("pm25_24h")]).all()
    assert res.aqi.tolist() == [200.0, 43.0]
    assert res.dates.dtype == np.dtype("datetime64[h]")
    assert res.rules_used == {"HJ 633-2026 / GB 3095-2026": 2}


def test_hourly_aqi_2012_moving_means_need_enough_hours():
    t = np.arange(np.datetime64("2025-01-01T00"), np.datetime64("2025-01-02T02"), dtype="datetime64[h]")
    n = len(t)   # 26 hours
    res = hourly_aqi_from_hourly({"pm25": np.full(n, 75.0), "o3": np.full(n, 120.0), "so2": np.full(n, 50.0)},
                                 t, valid_day_rule="available")
    ip = res.indicators.index("pm25_24h")
    i8 = res.indicators.index("o3_8h")
    i24 = res.indicators.index("so2_24h") if "so2_24h" in res.indicators else None
    assert i24 is None    # the SO2 24-h mean is an aid, not an hourly indicator
    # PM 24-h moving mean: ≥ 20 valid hours → from hour index 19 on
    assert np.isnan(res.iaqi[:19, ip]).all() and (res.iaqi[19:, ip] == 100).all()
    # O3 8-h moving mean: ≥ 6 valid hours → from index 5 on; 120 → 50 + ceil(50·20/60) = 67
    assert np.isnan(res.iaqi[:5, i8]).all() and (res.iaqi[5:, i8] == 67).all()
    assert np.isnan(res.iaqi[:, res.indicators.index("pm25_1h")]).all()


def test_hourly_aqi_bad_input():
    t = np.array(["2027-01-01T00", "2027-01-01T01"], dtype="datetime64[h]")
    with pytest.raises(ValueError, match="unknown pollutant code 'nox'; known: so2, no2, pm10, co, o3, pm25"):
        hourly_aqi_from_hourly({"nox": [1.0, 1.0]}, t)
    with pytest.raises(ValueError, match="pm25: last axis must be hours, length 2"):
        hourly_aqi_from_hourly({"pm25": [1.0, 1.0, 1.0]}, t)
    with pytest.raises(ValueError, match="pm25: last axis must be hours, length 2"):
        hourly_aqi_from_hourly({"pm25": 1.0}, t)
    with pytest.raises(ValueError, match=r"negative concentration for pm25 at index \(1,\)"):
        hourly_aqi_from_hourly({"pm25": [1.0, -1.0]}, t)


# ---------------------------------------------------------------- more boundaries and types
def test_result_dtypes_and_identity():
    r = aqi_arrays({"pm25": [10.0, NaN], "pm10": [20.0, 30.0]}, "2026", valid_day_rule="available")
    assert r.rules is RULES_2026 and r.period == "day"
    assert r.iaqi.dtype == np.float64 and r.level.dtype == np.int8
    for a in (r.primary, r.exceeding, r.over_range, r.valid, r.complete):
        assert a.dtype == np.bool_
    e = aqi_arrays({"so2_24h": [10.0, 20.0]}, "2012", period="hour")
    assert e.iaqi.dtype == np.float64
    for a in (e.primary, e.exceeding, e.over_range, e.valid, e.complete):
        assert a.dtype == np.bool_
    # 1-h PM has no limit: its column is still boolean
    h = aqi_arrays({"pm25": [10.0]}, "2026", period="hour")
    assert h.exceeding.dtype == np.bool_


def test_primary_at_aqi_51():
    # 2012 PM10 51 → 50 + ceil(50·1/100) = 51: above 50, so it is the primary pollutant
    r = aqi_arrays({"pm10": [50.0, 51.0]}, "2012")
    assert r.aqi.tolist() == [50.0, 51.0]
    assert r.primary[..., 0].tolist() == [False, True]


def test_decimal_and_none_inputs_are_numbers():
    from decimal import Decimal
    assert aqi_arrays({"pm25": [Decimal("75")]}, "2012").aqi.tolist() == [100.0]
    assert standard_to_actual(Decimal("80"), Decimal("101.325"), Decimal("273.15")) == pytest.approx(80.0)
    assert standard_to_reference(Decimal("298.15")) == pytest.approx(273.15)
    assert category_level([None, 50]).tolist() == [0, 1]
    assert category(100.0).name == "良" and category(100.5).name == "轻度污染"


def test_conversions_at_zero_and_messages():
    assert standard_to_reference(0) == 0.0
    assert standard_to_reference(0.5) == pytest.approx(0.5 * 273.15 / 298.15)
    assert standard_to_actual(0, 101.325, 273.15) == 0.0
    assert standard_to_actual(0.5, 101.325, 273.15) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="^negative concentration$"):
        standard_to_reference(-1)
    with pytest.raises(ValueError, match="^negative concentration$"):
        standard_to_actual(-1, 101.325, 273.15)
    with pytest.raises(ValueError, match=r"^temperature must be in kelvin \(> 0\)$"):
        standard_to_actual(1, 101.325, -5)


def test_check_array_index_and_message():
    with pytest.raises(ValueError, match=r"^negative concentration for no2 at index \(2,\): concentrations must be "
                                         r"≥ 0 \(NaN = missing\)$"):
        aqi_arrays({"no2": [0.0, 0.5, -2.0]}, "2026")
    with pytest.raises(ValueError, match=r"^infinite concentration for co$"):
        aqi_arrays({"co": [np.inf]}, "2026")


def test_iaqi_array_messages_and_missing():
    assert _nan_eq(air.iaqi_array("pm25_24h", [NaN, 35.0, 0.0], "2026"), [NaN, 50, 0])
    with pytest.raises(ValueError, match=r"known: so2_24h, so2_1h, no2_24h"):
        air.iaqi_array("x", [1.0])
    with pytest.raises(ValueError, match=r"negative concentration for pm25_24h"):
        air.iaqi_array("pm25_24h", [-1.0])


def test_normalize_keys_indicator_of_other_period_raises():
    with pytest.raises(ValueError, match=r"indicators so2_24h, so2_1h, no2_24h"):
        normalize_keys(["x"], RULES_2026)
    with pytest.raises(ValueError, match=r"'so2_1h' \(so2_1h\) is not an indicator of the HJ 633-2012"):
        normalize_keys(["so2_1h"], RULES_2012, "day")
    with pytest.raises(ValueError, match=r"'pm25_1h' \(pm25_1h\) is not an indicator of the HJ 633-2012"):
        normalize_keys(["pm25_1h"], RULES_2012, "hour")


def test_report_without_date_uses_today_and_all_missing():
    import datetime as _d
    expected = "2026" if _d.date.today() >= _d.date(2026, 3, 1) else "2012"
    assert aqi({"pm25": 70}).rules_code == expected
    r = aqi({"pm25": None, "pm10": None}, "2026")
    assert (r.aqi, r.aqi_partial, r.category, r.primary, r.notes) == (None, None, None, [], [])


def test_aqi_by_date_more():
    # all 2026 days in the final stage: only the "final" part is computed
    late = np.array(["2031-01-01", "2031-01-02"], dtype="datetime64[D]")
    res = aqi_by_date({"pm25": [55.0, 45.0]}, late)
    assert res.exceeding[:, res.indicators.index("pm25_24h")].tolist() == [True, False]
    # a named stage does not apply to 2012 days
    res = aqi_by_date({"pm25": [55.0] * 5}, DAYS, stage="final")
    assert res.exceeding[:, res.indicators.index("pm25_24h")].tolist() == [False, False, True, True, True]
    # round_inputs is passed on: 2026 PM2.5 35.4 raw → 51
    res = aqi_by_date({"pm25": [35.4]}, late[:1], round_inputs=False)
    assert res.aqi.tolist() == [51.0]
    # a note on a 2012 day survives the 2026 days after it
    res = aqi_by_date({"pm25": [600.0, 10.0, 10.0, 10.0, 10.0]}, DAYS)
    assert res.notes == ["pm25_24h 浓度超过最高浓度限值，IAQI按500计"]
    # dates as strings: returned as datetime64[D]
    res = aqi_by_date({"pm25": [10.0]}, ["2027-01-01"])
    assert res.dates.dtype == np.dtype("datetime64[D]")
    with pytest.raises(ValueError, match="dates must be 1-D"):
        aqi_by_date({"pm25": [1.0] * 5}, DAYS.reshape(5, 1))
    # the 2026-only path (indicators not in union order) keeps values, flags and dtypes
    res = aqi_by_date({"pm25": [80.0], "so2": [10.0]}, late[:1])
    j = res.indicators.index("pm25_24h")
    assert res.iaqi[0, j] == 119 and res.exceeding[0, j] and res.primary[0, j]
    mixed = aqi_by_date({"pm25": [70.0] * 5}, DAYS)
    assert mixed.level.dtype == np.int8
    for a in (mixed.valid, mixed.complete, mixed.primary, mixed.exceeding):
        assert a.dtype == np.bool_


def test_hourly_more():
    t = np.arange(np.datetime64("2025-01-01T00"), np.datetime64("2025-01-02T02"), dtype="datetime64[h]")
    n = len(t)
    pm = np.full(n, 75.0)
    pm[0] = 200.0
    o3 = np.full(n, 120.0)
    o3[0] = 300.0
    so2 = np.full(n, 900.0)
    so2[0] = 1700.0
    res = hourly_aqi_from_hourly({"pm25": pm, "pm10": np.full(n, 150.0), "o3": o3, "so2": so2,
                                  "no2": np.full(n, 100.0), "co": np.full(n, 5.0)}, t, valid_day_rule="available")
    ix = res.indicators.index
    # PM2.5 24-h moving mean: hours 0–23 → (200 + 23·75)/24 = 80.2 → 107; hours 1–24 → 75 → 100
    assert res.iaqi[23, ix("pm25_24h")] == 107 and res.iaqi[24, ix("pm25_24h")] == 100
    assert res.iaqi[24, ix("pm10_24h")] == 100
    # O3 8-h moving mean: hours 0–7 → 142.5 → 86; hours 1–8 → 120 → 67
    assert res.iaqi[7, ix("o3_8h")] == 86 and res.iaqi[8, ix("o3_8h")] == 67
    # SO2 1-h > 800: the 24-h moving mean's IAQI; hours 0–19 → 940 → 218; 0–23 → 933.3 → 217; 1–24 → 900 → 213
    assert np.isnan(res.iaqi[18, ix("so2_1h")]) and res.iaqi[19, ix("so2_1h")] == 218
    assert res.iaqi[23, ix("so2_1h")] == 217 and res.iaqi[24, ix("so2_1h")] == 213
    assert res.iaqi[0, ix("no2_1h")] == 50 and res.iaqi[0, ix("co_1h")] == 50
    assert res.iaqi[1, ix("o3_1h")] == 38     # 120 on the 1-h column: ceil(50·120/160)
    # a rule set named for the whole series
    t27 = t + np.timedelta64(2 * 365 * 24, "h")     # 2027
    res = hourly_aqi_from_hourly({"pm25": pm}, t27, rules="2012", valid_day_rule="available")
    assert res.rules_code[0] == "2012" and res.iaqi[24, res.indicators.index("pm25_24h")] == 100
    # 2026: PM10 and NO2, CO 1-h values
    t2 = np.array(["2027-01-01T00"], dtype="datetime64[h]")
    res = hourly_aqi_from_hourly({"pm10": [120.0], "no2": [200.0], "co": [10.0], "o3": [160.0]}, t2)
    assert [res.iaqi[0, res.indicators.index(c)] for c in ("pm10_1h", "no2_1h", "co_1h", "o3_1h")] == \
        [100, 100, 100, 50]


def test_daily_aqi_from_hourly_options():
    from envbureau.standards.air import daily_aqi_from_hourly
    days = ["2027-01-01"]
    pm = np.full((1, 24), 75.0)
    pm[0, :6] = NaN                  # 18 valid hours
    o3 = np.full((1, 24), 100.0)
    # default: a day needs 20 hours; min_hours=18 accepts it
    r = daily_aqi_from_hourly({"pm25": pm, "o3": o3}, days, valid_day_rule="available")
    assert np.isnan(r.aqi.iaqi[0, r.aqi.indicators.index("pm25_24h")])
    assert r.aqi.valid.tolist() == [True]       # "available": O3 alone publishes the day
    assert daily_aqi_from_hourly({"pm25": pm, "o3": o3}, days).aqi.valid.tolist() == [False]   # §5.3
    r = daily_aqi_from_hourly({"pm25": pm, "o3": o3}, days, min_hours=18, valid_day_rule="available")
    assert r.aqi.iaqi[0, r.aqi.indicators.index("pm25_24h")] == 114      # 2026: 75 → 114 (vector 2)
    # the 2012 rules named for a 2027 day: O3 daily max 1-h enters the AQI
    r = daily_aqi_from_hourly({"o3": o3}, days, rules="2012", valid_day_rule="available")
    assert r.aqi.rules_code.tolist() == ["2012"]
    assert r.aqi.iaqi[0, r.aqi.indicators.index("o3_1h")] == 32          # ceil(50·100/160)
    # "complete": the day without its PM2.5 mean is not published
    r = daily_aqi_from_hourly({"pm25": pm, "o3": o3}, days, valid_day_rule="complete", min_hours=20)
    assert r.aqi.valid.tolist() == [False]
    # too few 8-h windows: with mda8_min_windows=1 a day of 6 valid hours still has an MDA8
    o3s = np.full((1, 24), NaN)
    o3s[0, :6] = 100.0
    r = daily_aqi_from_hourly({"o3": o3s}, days, valid_day_rule="available")
    assert np.isnan(r.aqi.iaqi[0, r.aqi.indicators.index("o3_8h")])
    r = daily_aqi_from_hourly({"o3": o3s}, days, mda8_min_windows=1, valid_day_rule="available")
    assert r.aqi.iaqi[0, r.aqi.indicators.index("o3_8h")] == 50


# ---- boundaries and input forms found by the standards mutation run (2026-12-01) ---------------------------

@pytest.mark.parametrize("valid_hours, published", [(19, False), (20, True), (21, True)])
def test_daily_mean_needs_20_valid_hours_by_default(valid_hours, published):
    from envbureau.standards.air import daily_aqi_from_hourly
    pm = np.full((1, 24), 75.0)
    pm[0, valid_hours:] = NaN
    r = daily_aqi_from_hourly({"pm25": pm}, ["2027-01-01"], valid_day_rule="available")
    iaqi = r.aqi.iaqi[0, r.aqi.indicators.index("pm25_24h")]
    assert (iaqi == 114) if published else np.isnan(iaqi)


@pytest.mark.parametrize("missing_tail, published", [(4, True), (5, True), (6, False)])
def test_mda8_needs_14_valid_windows_by_default(missing_tail, published):
    # 17 windows of 8 h, each valid with ≥ 6 hours: the last k hours missing leave 19 − k valid windows
    from envbureau.standards.air import daily_aqi_from_hourly
    o3 = np.full((1, 24), 100.0)
    o3[0, 24 - missing_tail:] = NaN
    r = daily_aqi_from_hourly({"o3": o3}, ["2027-01-01"], valid_day_rule="available")
    iaqi = r.aqi.iaqi[0, r.aqi.indicators.index("o3_8h")]
    assert (iaqi == 50) if published else np.isnan(iaqi)


def test_daily_o3_max_1h_only_for_days_under_the_2012_rules():
    from envbureau.standards.air import daily_aqi_from_hourly
    o3 = np.full((1, 24), 100.0)
    r = daily_aqi_from_hourly({"o3": o3}, ["2026-01-15"])        # the 2012 rules still in force
    assert r.aqi.rules_code.tolist() == ["2012"] and sorted(r.daily.values) == ["o3_1h", "o3_8h"]
    assert r.aqi.iaqi[0, r.aqi.indicators.index("o3_1h")] == 32
    r = daily_aqi_from_hourly({"o3": o3}, ["2027-01-15"])
    assert r.aqi.rules_code.tolist() == ["2026"] and list(r.daily.values) == ["o3_8h"]


def test_hourly_aqi_takes_none_as_a_missing_hour():
    from envbureau.standards.air import hourly_aqi_from_hourly
    t = np.arange(np.datetime64("2027-01-01T00"), np.datetime64("2027-01-02T06"))
    pm = [75.0] * len(t)
    pm[3] = None
    o3 = [100.0] * len(t)
    o3[5] = None
    with_none = hourly_aqi_from_hourly({"pm25": pm, "o3": o3}, t)
    with_nan = hourly_aqi_from_hourly({"pm25": [NaN if x is None else x for x in pm],
                                       "o3": [NaN if x is None else x for x in o3]}, t)
    np.testing.assert_array_equal(with_none.iaqi, with_nan.iaqi)
    assert with_none.aqi[-1] == 114


def test_aqi_arrays_without_concentrations_says_so():
    from envbureau.standards.air import aqi_arrays
    with pytest.raises(ValueError) as e:
        aqi_arrays({})
    assert str(e.value) == "no concentrations given"


@pytest.mark.parametrize("rules, code, period", [("2026", "so2_1h", "hour"), ("2012", "so2_1h", "hour"),
                                                 ("2026", "o3_8h", "day"), ("2012", "o3_8h", "day")])
def test_a_value_past_800_handled_by_its_own_rule_is_not_flagged_over_range(rules, code, period):
    from envbureau.standards.air import aqi_arrays
    conc = {code: np.array([900.0, 100.0])}
    if code == "so2_1h" and rules == "2012":  # the 2012 rule takes the 24-h mean's sub-index instead
        conc["so2_24h"] = np.array([100.0, 100.0])
    r = aqi_arrays(conc, rules, period=period)
    assert r.over_range.dtype == bool and not r.over_range.any()


def test_iaqi_of_a_missing_value_is_none():
    from envbureau.standards.air import iaqi
    assert iaqi("pm25_24h", None) is None and iaqi("pm25_24h", float("nan")) is None
    assert iaqi("pm25_24h", 75) == 114
