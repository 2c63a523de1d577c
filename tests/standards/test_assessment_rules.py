"""Period assessment (HJ 663, GB 3095, bulletins' number style) on small hand-computed networks: every
figure below is worked out by hand from the standards' tables (HJ 633, GB 3095, HJ 663),
not read from the code."""

import numpy as np
import pytest

from envbureau.standards.air import aqi_by_date
from envbureau.standards.assessment import (
    AssessmentConfig,
    _change,
    assess_period,
    assess_year_on_year,
    change_rate,
    city_daily,
    composite_index,
    rank,
    year_on_year,
)

NaN = float("nan")
R12 = "HJ 633-2012 / GB 3095-2012"
R26 = "HJ 633-2026 / GB 3095-2026"
MONTH_REASON = "某月有效日数不足 (GB 3095 表4: 每月至少27个, 二月至少25个)"
DAYS = np.arange(np.datetime64("2027-06-01"), np.datetime64("2027-06-11"))      # 10 days, 2026 rules
PM25_ROW0 = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
PM25_ROW1 = [NaN, NaN] + [20.0] * 8       # 8 valid of 10 June days: needs ceil(27·10/30) = 9
PM25_ROW2 = [20.0] * 10


def _daily(pm25_rows, n=10, **over):
    rows = len(pm25_rows)
    base = dict(so2_24h=10.0, no2_24h=20.0, pm10_24h=40.0, co_24h=0.5, o3_8h=80.0)
    base.update(over)
    d = {k: np.full((rows, n), v) for k, v in base.items() if v is not None}
    d["pm25_24h"] = np.array(pm25_rows, dtype=float)
    return d


@pytest.fixture(scope="module")
def pa():
    return assess_period(_daily([PM25_ROW0, PM25_ROW1, PM25_ROW2]), DAYS)


def test_day_counts(pa):
    # 2026 IAQI PM2.5 10..100 → 15 29 43 60 80 100 110 119 128 137; other indicators at most 40
    # AQI: 40 40 43 60 80 100 110 119 128 137 → levels 1 1 1 2 2 2 3 3 3 3
    assert pa.aqi.aqi[0].tolist() == [40, 40, 43, 60, 80, 100, 110, 119, 128, 137]
    assert pa.valid_days.tolist() == [10, 8, 10]        # row 1: incomplete days with AQI ≤ 100 unpublished
    assert pa.good_days.tolist() == [6, 8, 10]
    assert pa.good_ratio.tolist() == [0.6, 1.0, 1.0]
    assert pa.days_by_level[0].tolist() == [0, 3, 3, 4, 0, 0, 0]
    assert pa.days_by_level[1].tolist() == [2, 8, 0, 0, 0, 0, 0]
    assert pa.heavy_days.tolist() == [0, 0, 0]
    assert pa.primary_days["pm25_24h"].tolist() == [7, 0, 0]     # only days with AQI > 50
    assert pa.primary_days["pm10_24h"].tolist() == [0, 0, 0]
    assert pa.exceeding_days["pm25_24h"].tolist() == [4, 0, 0]   # > 60 (transitional): 70 80 90 100
    assert not pa.mixed_rules and pa.rules_used == {R26: 10}
    assert pa.notes == ["达标评价采用 GB 3095-2026 过渡阶段 限值"]
    h = assess_period(_daily([PM25_ROW0]), DAYS, config=AssessmentConfig(heavy_level=3))
    assert h.heavy_days.tolist() == [4]


def test_statistics_and_compliance(pa):
    s = pa.summary(0)
    assert s["statistics"]["pm25_mean"] == {
        "value": 55.0, "text": "55", "raw": 55.0, "n_days": 10, "valid": True, "reason": 0, "reason_text": "",
        "limit": 30.0, "compliant": False, "exceedance_multiple": "0.83"}     # (55 − 30)/30
    # P95 of 10..100: k = 9·0.95 = 8.55 → 90 + 0.55·10 = 95.5 → reported 96 (half-even)
    assert s["statistics"]["pm25_p95"] == {
        "value": 96.0, "text": "96", "raw": 95.5, "n_days": 10, "valid": True, "reason": 0, "reason_text": "",
        "limit": 60.0, "compliant": False, "exceedance_multiple": "0.60"}
    assert s["statistics"]["co_p95"]["text"] == "0.5" and s["statistics"]["co_p95"]["limit"] == 4.0
    assert s["statistics"]["so2_mean"]["compliant"] is True
    assert s["statistics"]["so2_mean"]["exceedance_multiple"] is None
    assert s["statistics"]["o3_p90"]["limit"] == 160.0
    assert set(s["statistics"]) == {"so2_mean", "so2_p98", "no2_mean", "no2_p98", "pm10_mean", "pm10_p95",
                                    "pm25_mean", "pm25_p95", "co_p95", "o3_p90"}
    assert s["pollutant_compliant"] == {"so2": True, "no2": True, "pm10": True, "pm25": False, "co": True,
                                        "o3": True}
    assert s["all_compliant"] is False
    assert pa.all_compliant.tolist() == [False, False, True]
    assert pa.pollutant_compliant["pm25"].tolist() == [False, False, True]
    assert pa.compliant[("pm25", "mean")].tolist() == [False, False, True]
    assert pa.limits[("pm10", "mean")] == 60.0        # GB 3095-2026 transitional annual PM10
    assert pa.summary(2)["all_compliant"] is True


def test_invalid_statistic_has_no_verdict(pa):
    s = pa.summary(1)
    assert s["statistics"]["pm25_mean"] == {
        "value": None, "text": "", "raw": None, "n_days": 8, "valid": False, "reason": 4,
        "reason_text": MONTH_REASON, "limit": 30.0, "compliant": None, "exceedance_multiple": None}
    assert s["pollutant_compliant"]["pm25"] is None and s["all_compliant"] is None
    assert s["composite_index"] is None and s["composite_index_text"] == "" and s["composite_valid"] is False
    assert s["composite_reason"] == "PM2.5平均浓度：" + MONTH_REASON
    assert s["good_ratio"] == 1.0 and s["good_ratio_text"] == "100.0" and s["good_ratio_reason"] == ""


def test_summary_counts_and_composite(pa):
    s = pa.summary(0)
    assert (s["valid_days"], s["good_days"], s["good_ratio"], s["good_ratio_text"]) == (10, 6, 0.6, "60.0")
    assert s["days_by_level"] == {0: 0, 1: 3, 2: 3, 3: 4, 4: 0, 5: 0, 6: 0}
    assert s["heavy_days"] == 0
    assert s["rules_used"] == {R26: 10} and s["mixed_rules"] is False
    assert s["limits"] == "GB 3095-2026 过渡阶段"
    assert s["notes"] == ["达标评价采用 GB 3095-2026 过渡阶段 限值"]
    # 10/60 + 20/40 + 40/70 + 55/35 + 0.5/4 + 80/160 (2018 rule, GB 3095-2012 Grade II S_i)
    expected = 10 / 60 + 20 / 40 + 40 / 70 + 55 / 35 + 0.5 / 4 + 80 / 160
    assert s["composite_index"] == pytest.approx(expected)
    assert s["composite_index_text"] == "3.43" and s["composite_valid"] is True and s["composite_reason"] == ""
    assert s["single_index"] == pytest.approx({"so2": 10 / 60, "no2": 0.5, "pm10": 40 / 70, "pm25": 55 / 35,
                                               "co": 0.125, "o3": 0.5})
    assert pa.composite_valid.tolist() == [True, False, True]


def test_missing_pollutant_and_no_valid_day():
    pa = assess_period(_daily([[NaN] * 10], co_24h=None), DAYS)
    s = pa.summary(0)
    assert "co_p95" not in s["statistics"]
    assert s["all_compliant"] is None           # fewer than six pollutants: no overall verdict
    assert pa.all_compliant.tolist() == [False]
    assert s["composite_reason"] == ("PM2.5平均浓度：无有效数据；CO：未监测")
    assert s["statistics"]["pm25_mean"]["reason"] == 5
    assert s["valid_days"] == 0 and s["good_ratio"] is None and s["good_ratio_text"] == ""
    assert s["good_ratio_reason"] == "无有效数据"
    assert s["days_by_level"][0] == 10


def test_excluded_days_leave_day_counts_alone():
    exc = np.zeros(10, dtype=bool)
    exc[9] = True       # dust on the day with PM2.5 100
    pa = assess_period(_daily([PM25_ROW0]), DAYS, excluded=exc)
    s = pa.summary(0)
    assert s["statistics"]["pm25_mean"]["raw"] == 50.0          # mean of 10..90
    assert s["statistics"]["pm25_p95"]["raw"] == 86.0           # k = 8·0.95 = 7.6 → 80 + 0.6·10
    assert s["statistics"]["pm25_mean"]["n_days"] == 10 and s["statistics"]["pm25_mean"]["valid"]
    assert s["statistics"]["so2_mean"]["raw"] == 10.0           # gases are not excluded
    assert (s["valid_days"], s["good_days"]) == (10, 6)
    # a 2-D mask per row
    pa2 = assess_period(_daily([PM25_ROW0, PM25_ROW0]), DAYS, excluded=np.array([exc, ~exc]))
    assert pa2.summary(1)["statistics"]["pm25_mean"]["raw"] == 100.0


def test_limits_setting_and_forced_rules():
    days = np.arange(np.datetime64("2026-02-25"), np.datetime64("2026-03-07"))   # 4 days 2012, 6 days 2026
    daily = _daily([PM25_ROW0])
    pa = assess_period(daily, days)
    assert pa.rules_used == {R12: 4, R26: 6} and pa.mixed_rules
    assert pa.notes == [f"本期跨越2026-03-01，逐日按当日适用标准评价：{R12} 4天，{R26} 6天",
                        "达标评价采用 GB 3095-2026 过渡阶段 限值"]
    assert pa.summary(0)["mixed_rules"] is True
    assert pa.limits_stage.name == "transitional"
    pa = assess_period(daily, days, config=AssessmentConfig(limits="period_start"))
    assert pa.limits_stage.name == "gb3095-2012" and pa.limits[("pm25", "mean")] == 35.0
    pa = assess_period(daily, days, config=AssessmentConfig(limits="final"))
    assert pa.limits[("pm25", "p95")] == 50.0 and pa.limits[("pm25", "mean")] == 25.0
    pa = assess_period(daily, days, rules="2026")
    assert pa.rules_used == {R26: 10}
    assert pa.notes == [f"全部日期按指定标准 {R26} 计算", "达标评价采用 GB 3095-2026 过渡阶段 限值"]
    with pytest.raises(ValueError, match="unknown limits setting 'middle'"):
        assess_period(daily, days, config=AssessmentConfig(limits="middle"))


def test_bad_input_and_precomputed_aqi():
    daily = _daily([PM25_ROW0])
    with pytest.raises(ValueError, match="unknown indicator 'pm2.5'; use indicator codes"):
        assess_period({"pm2.5": [1.0] * 10}, DAYS)
    pre = aqi_by_date(daily, DAYS)
    pa = assess_period(daily, DAYS, aqi=pre)
    assert pa.aqi is pre and pa.good_days.tolist() == [6]
    with pytest.raises(ValueError, match="aqi was computed for other days or another shape"):
        assess_period(daily, DAYS + 1, aqi=pre)
    with pytest.raises(ValueError, match="aqi was computed for other days or another shape"):
        assess_period(_daily([PM25_ROW0, PM25_ROW0]), DAYS, aqi=pre)


def test_composite_use_raw_and_weights():
    row = [10.0] * 9 + [10.6]        # mean 10.06 → reported 10
    pa = assess_period(_daily([row]), DAYS, config=AssessmentConfig(composite_use_reported=False))
    assert pa.single_index["pm25"].tolist() == pytest.approx([10.06 / 35])
    pa = assess_period(_daily([row]), DAYS)
    assert pa.single_index["pm25"].tolist() == pytest.approx([10 / 35])
    pa = assess_period(_daily([row]), DAYS, config=AssessmentConfig(composite_weights={"pm25": 3.0}))
    assert pa.composite.tolist() == pytest.approx([10 / 60 + 0.5 + 40 / 70 + 3 * 10 / 35 + 0.125 + 0.5])


# ---------------------------------------------------------------- composite index, change rate, rank
def test_composite_index_function():
    total, singles = composite_index({"pm25": 35.0, "o3": 80.0})
    assert total == pytest.approx(1.5) and singles["pm25"] == pytest.approx(1.0)
    total, _ = composite_index({"pm25": 35.0, "no2": 40.0}, weights={"pm25": 3, "no2": 2})
    assert total == pytest.approx(5.0)
    total, _ = composite_index({"pm25": 30.0}, si={"pm25": "30"})
    assert total == pytest.approx(1.0)
    assert composite_index({}) == (None, {})
    with pytest.raises(ValueError, match="unknown pollutant 'nox' for the composite index; known: so2, no2"):
        composite_index({"nox": 1.0})


def test_change_rate_function():
    assert change_rate(3.06, 3.40) == pytest.approx(-0.1)     # vector 18
    assert isinstance(change_rate(1.0, 2.0), float)
    assert np.isnan(change_rate(1.0, 0.0))
    out = change_rate([2.0, 1.0], [1.0, 0.0])
    assert out[0] == 1.0 and np.isnan(out[1])


@pytest.mark.parametrize("now,base,text,rate", [
    (1001, 1000, "上升0.1%", 0.001),
    (999, 1000, "下降0.1%", -0.001),
    (10001, 10000, "持平", 0.0001),        # rounds to 0.0 %
    (9999, 10000, "持平", -0.0001),
    (100, 100, "持平", 0.0),
    (55, 50, "上升10.0%", 0.1),
    (50, 55, "下降9.1%", -5 / 55),
])
def test_change_words_and_signs(now, base, text, rate):
    c = _change(now, base)
    assert c["text"] == text and c["change_rate"] == pytest.approx(rate)
    assert c["now"] == now and c["base"] == base and c["change"] == now - base


def test_change_missing_or_zero_base():
    assert _change(None, 5) == {"now": None, "base": 5, "change": None, "change_rate": None, "text": ""}
    assert _change(5, None) == {"now": 5, "base": None, "change": None, "change_rate": None, "text": ""}
    assert _change(5, 0) == {"now": 5, "base": 0, "change": 5, "change_rate": None, "text": ""}


def test_rank_ties_rounding_and_missing():
    assert rank([3.06, 3.064, 2.5, NaN, 3.2]).tolist() == [2, 2, 1, 0, 4]
    assert rank([3.06, 3.064, 2.5, NaN, 3.2], decimals=None).tolist() == [2, 3, 1, 0, 4]
    assert rank([0.9, 0.8, 0.9, 0.7], ascending=False).tolist() == [1, 3, 1, 4]
    assert rank([2.5, 3.5, 2.4], decimals=0).tolist() == [1, 3, 1]   # half-even: 2, 4, 2


# ---------------------------------------------------------------- year on year
PREV_DAYS = np.arange(np.datetime64("2026-06-01"), np.datetime64("2026-06-11"))


def test_year_on_year_items(pa):
    prev = assess_period(_daily([[50.0] * 10]), PREV_DAYS)    # PM2.5 50 → IAQI 80 every day: all good
    y = year_on_year(pa, prev, 0)
    assert y["rules_current"] == f"{R26}（10天）" and y["rules_previous"] == f"{R26}（10天）"
    assert y["rules_identical"] is True
    assert y["limits_current"] == y["limits_previous"] == "GB 3095-2026 过渡阶段"
    it = y["items"]
    assert it["pm25_mean"] == {"now": 55.0, "base": 50.0, "change": 5.0, "change_rate": pytest.approx(0.1),
                               "text": "上升10.0%"}
    assert it["pm25_p95"]["text"] == "上升92.0%"            # 96 vs 50 (reported values)
    assert it["so2_mean"]["text"] == "持平" and it["so2_mean"]["change"] == 0.0
    # composite: 3.43 vs 3.29 (rounded to 2 places first): +0.14/3.29 = 4.3 %
    assert it["composite_index"]["now"] == 3.43 and it["composite_index"]["base"] == 3.29
    assert it["composite_index"]["text"] == "上升4.3%"
    assert it["good_ratio"] == {"now": 0.6, "base": 1.0, "change_points": -40.0}
    back = year_on_year(prev, pa, 0)
    assert back["items"]["pm25_mean"]["text"] == "下降9.1%"
    assert back["items"]["good_ratio"]["change_points"] == 40.0


def test_year_on_year_from_raw_values(pa):
    prev = assess_period(_daily([[50.0] * 10]), PREV_DAYS)
    y = year_on_year(pa, prev, 0, from_reported=False)
    assert y["items"]["pm25_p95"]["now"] == 95.5
    cur_c = 10 / 60 + 20 / 40 + 40 / 70 + 55 / 35 + 0.5 / 4 + 80 / 160
    prev_c = cur_c - 5 / 35
    assert y["items"]["composite_index"]["now"] == pytest.approx(cur_c)
    assert y["items"]["composite_index"]["change_rate"] == pytest.approx(cur_c / prev_c - 1)
    assert y["items"]["good_ratio"]["change_points"] == pytest.approx(-40.0)
    cfg = AssessmentConfig(change_from_reported=False)
    pa_raw = assess_period(_daily([PM25_ROW0]), DAYS, config=cfg)
    assert year_on_year(pa_raw, prev)["items"]["pm25_p95"]["now"] == 95.5
    # the default compares the reported (rounded) statistic
    assert year_on_year(pa, prev, 0)["items"]["pm25_p95"]["now"] == 96.0


def test_year_on_year_missing_sides(pa):
    prev = assess_period(_daily([[NaN] * 10], co_24h=None), PREV_DAYS)
    y = year_on_year(pa, prev, 0)
    assert "co_p95" not in y["items"]
    assert y["items"]["composite_index"] == {"now": pytest.approx(3.434524, abs=1e-6), "base": None,
                                             "change": None, "change_rate": None, "text": ""}
    assert y["items"]["good_ratio"] == {"now": 0.6, "base": None, "change_points": None}
    assert y["items"]["pm25_mean"]["text"] == ""


def test_assess_year_on_year_recomputes_previous_under_current_rules():
    prev_days = np.arange(np.datetime64("2025-06-01"), np.datetime64("2025-06-11"))     # 2012 rules
    cur = _daily([[70.0] * 10])
    prev = _daily([[70.0] * 10])
    out = assess_year_on_year(cur, DAYS, prev, prev_days, recompute_previous_under_current=True)
    pub, same = out["as_published"], out["same_rules"]
    assert pub["rules_previous"] == f"{R12}（10天）" and pub["rules_identical"] is False
    assert pub["limits_previous"] == "GB 3095-2012 二级"
    # 70 µg/m³: 2012 IAQI 94 (良), 2026 IAQI 110 (轻度污染)
    assert pub["items"]["good_ratio"] == {"now": 0.0, "base": 1.0, "change_points": -100.0}
    assert same["rules_previous"] == f"{R26}（10天）" and same["rules_identical"] is True
    assert same["limits_previous"] == "GB 3095-2026 过渡阶段"
    assert same["items"]["good_ratio"] == {"now": 0.0, "base": 0.0, "change_points": 0.0}
    assert same["note"] == f"上年同期按 {R26}（GB 3095-2026 过渡阶段）重新计算"
    assert "same_rules" not in assess_year_on_year(cur, DAYS, prev, prev_days)


# ---------------------------------------------------------------- city daily
def test_city_daily_means_of_valid_stations():
    st = {"pm25_24h": [[10.0, NaN], [20.0, 30.0], [40.0, NaN]]}
    c = city_daily(st, [0, 0, 1])
    assert np.array_equal(c.values["pm25_24h"], [[15.0, 30.0], [40.0, NaN]], equal_nan=True)
    assert c.n_stations["pm25_24h"].tolist() == [[2, 1], [1, 0]]
    # stations need not be sorted by city; a city without stations stays empty
    c = city_daily({"pm25_24h": [[40.0, NaN], [10.0, NaN], [20.0, 30.0]]}, [2, 0, 0], n_cities=3)
    assert np.array_equal(c.values["pm25_24h"], [[15.0, 30.0], [NaN, NaN], [40.0, NaN]], equal_nan=True)
    assert c.n_stations["pm25_24h"].tolist() == [[2, 1], [0, 0], [1, 0]]
    c = city_daily(st, [0, 0, 1], config=AssessmentConfig(city_min_stations=2))
    assert np.array_equal(c.values["pm25_24h"], [[15.0, NaN], [NaN, NaN]], equal_nan=True)
    c = city_daily(st, [0, 0, 1], config=AssessmentConfig(city_min_stations=0))   # at least one station
    assert np.isnan(c.values["pm25_24h"][1, 1])


def test_city_daily_max_of_city_8h():
    hourly = np.zeros((2, 1, 24))
    hourly[0, 0, :] = 100.0
    hourly[1, 0, :] = 50.0
    st = {"o3_8h": [[120.0], [60.0]], "pm25_24h": [[10.0], [20.0]]}
    c = city_daily(st, [0, 0])
    assert c.values["o3_8h"].tolist() == [[90.0]]                 # mean of station MDA8s
    c = city_daily(st, [0, 0], hourly_o3=hourly, config=AssessmentConfig(city_mda8="max_of_city_8h"))
    assert c.values["o3_8h"].tolist() == [[75.0]]                 # MDA8 of the city-mean hourly series
    assert c.values["pm25_24h"].tolist() == [[15.0]]


def test_city_daily_bad_input():
    st = {"pm25_24h": [[10.0], [20.0]]}
    with pytest.raises(ValueError, match="city_mda8 must be 'mean_of_station_mda8' or 'max_of_city_8h'"):
        city_daily(st, [0, 0], config=AssessmentConfig(city_mda8="median"))
    with pytest.raises(ValueError, match="city_of_station must be a 1-D array of city indices 0..n_cities-1"):
        city_daily(st, [0, -1])
    with pytest.raises(ValueError, match="city_of_station must be a 1-D array"):
        city_daily(st, [0, 2], n_cities=2)
    with pytest.raises(ValueError, match="city_of_station must be a 1-D array"):
        city_daily(st, [[0, 0]])
    with pytest.raises(ValueError, match=r"pm25_24h: station daily array must be \[n_stations=2, n_days\], "
                                         r"got \(3, 1\)"):
        city_daily({"pm25_24h": [[1.0], [2.0], [3.0]]}, [0, 0])
    with pytest.raises(ValueError, match=r"station daily array must be \[n_stations=2, n_days\], got \(2,\)"):
        city_daily({"pm25_24h": [1.0, 2.0]}, [0, 0])
    cfg = AssessmentConfig(city_mda8="max_of_city_8h")
    with pytest.raises(ValueError, match=r"city_mda8='max_of_city_8h' needs hourly_o3 \[S, D, 24\]"):
        city_daily({"o3_8h": [[1.0], [2.0]]}, [0, 0], config=cfg)
    with pytest.raises(ValueError, match=r"hourly_o3 must be \[n_stations=2, n_days, 24\], got \(2, 1, 23\)"):
        city_daily({"o3_8h": [[1.0], [2.0]]}, [0, 0], hourly_o3=np.zeros((2, 1, 23)), config=cfg)
    with pytest.raises(ValueError, match=r"hourly_o3 must be .*got \(1, 1, 24\)"):
        city_daily({"o3_8h": [[1.0], [2.0]]}, [0, 0], hourly_o3=np.zeros((1, 1, 24)), config=cfg)
    # without an O3 key the hourly series is not needed
    assert city_daily(st, [0, 0], config=cfg).values["pm25_24h"].tolist() == [[15.0]]


# ---------------------------------------------------------------- more boundaries
def test_limit_boundaries_per_statistic():
    # PM2.5 mean exactly 30 (transitional annual limit): compliant, no exceedance multiple;
    # PM2.5 40 every day: mean 40 > 30 fails although P95 40 ≤ 60 passes → pollutant not compliant
    pa = assess_period(_daily([[30.0] * 10, [40.0] * 10]), DAYS)
    s0, s1 = pa.summary(0), pa.summary(1)
    assert s0["statistics"]["pm25_mean"]["compliant"] is True
    assert s0["statistics"]["pm25_mean"]["exceedance_multiple"] is None
    assert s0["pollutant_compliant"]["pm25"] is True and s0["all_compliant"] is True
    assert s1["statistics"]["pm25_mean"]["compliant"] is False
    assert s1["statistics"]["pm25_p95"]["compliant"] is True
    assert s1["pollutant_compliant"]["pm25"] is False and s1["all_compliant"] is False
    assert pa.pollutant_compliant["pm25"].tolist() == [True, False]
    assert pa.all_compliant.tolist() == [True, False]


def test_one_valid_day_has_a_ratio():
    row = [20.0] + [NaN] * 9        # only day 1 complete; the others unpublished (AQI ≤ 100, incomplete)
    pa = assess_period(_daily([row]), DAYS)
    assert pa.valid_days.tolist() == [1] and pa.good_ratio.tolist() == [1.0]


def test_missing_pollutant_keeps_later_statistics():
    pa = assess_period(_daily([PM25_ROW0], co_24h=None), DAYS)
    s = pa.summary(0)
    assert "o3_p90" in s["statistics"] and "o3" in pa.single_index
    assert pa.composite_valid.tolist() == [False] and np.isnan(pa.composite[0])
    prev = assess_period(_daily([PM25_ROW0], co_24h=None), PREV_DAYS)
    cur = assess_period(_daily([PM25_ROW0]), DAYS)
    items = year_on_year(cur, prev)["items"]
    assert "co_p95" not in items and items["o3_p90"]["text"] == "持平"


def test_no_composite_pollutant_at_all():
    d12 = np.arange(np.datetime64("2025-06-01"), np.datetime64("2025-06-11"))
    pa = assess_period({"o3_1h": np.full((2, 10), 100.0)}, d12)
    assert pa.composite.shape == (2,) and np.isnan(pa.composite).all()
    assert pa.single_index == {}


def test_composite_si_setting():
    si = {"so2": "60", "no2": "40", "pm10": "60", "pm25": "30", "co": "4", "o3": "160"}    # 2026 transitional S_i
    pa = assess_period(_daily([[30.0] * 10]), DAYS, config=AssessmentConfig(composite_si=si))
    assert pa.composite.tolist() == pytest.approx([10 / 60 + 0.5 + 40 / 60 + 1.0 + 0.125 + 0.5])


def test_min_year_days_setting():
    year = np.arange(np.datetime64("2027-01-01"), np.datetime64("2028-01-01"))
    x = np.full((1, 365), 20.0)
    x[0, [d * 30 + k for d in range(12) for k in range(3)][:35]] = NaN   # 330 valid days, ≤ 3 missing a month
    daily = {"pm25_24h": x}
    assert assess_period(daily, year).summary(0)["statistics"]["pm25_mean"]["valid"] is True
    s = assess_period(daily, year, config=AssessmentConfig(min_year_days=331)).summary(0)["statistics"]["pm25_mean"]
    assert (s["valid"], s["n_days"], s["reason"]) == (False, 330, 3)


def test_no_runtime_warnings_on_empty_rows():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        pa = assess_period(_daily([[NaN] * 10, PM25_ROW0], co_24h=None, so2_24h=NaN), DAYS)
    assert np.isnan(pa.good_ratio[0]) and pa.valid_days.tolist()[0] == 0


def test_good_ratio_points_use_published_percentages(pa):
    # previous: 9 valid days (day 1 incomplete and ≤ 100), 3 good → 33.3 %
    prev = assess_period(_daily([[NaN, 20.0, 20.0, 20.0, 80.0, 80.0, 80.0, 80.0, 80.0, 80.0]]), PREV_DAYS)
    assert prev.valid_days.tolist() == [9] and prev.good_days.tolist() == [3]
    up = year_on_year(pa, prev, 0)["items"]["good_ratio"]
    assert up["change_points"] == pytest.approx(60.0 - 33.3, abs=1e-9)
    down = year_on_year(prev, assess_period(_daily([PM25_ROW0]), DAYS))["items"]["good_ratio"]
    assert down["change_points"] == pytest.approx(33.3 - 60.0, abs=1e-9)
    raw = year_on_year(prev, assess_period(_daily([PM25_ROW0]), DAYS), from_reported=False)["items"]["good_ratio"]
    assert raw["change_points"] == pytest.approx((1 / 3 - 0.6) * 100)


def test_city_count_and_limits_options():
    c = city_daily({"pm25_24h": [[10.0], [20.0], [40.0]]}, [0, 0, 1], n_cities=3)
    assert np.array_equal(c.values["pm25_24h"], [[15.0], [40.0], [NaN]], equal_nan=True)
    assert c.n_stations["pm25_24h"].dtype.kind == "i"
    late = np.arange(np.datetime64("2031-03-01"), np.datetime64("2031-03-11"))
    pa = assess_period(_daily([PM25_ROW2]), late, config=AssessmentConfig(limits="period_start"))
    assert pa.limits_stage.name == "final"


def test_assess_year_on_year_config_and_index():
    prev_days = np.arange(np.datetime64("2025-06-01"), np.datetime64("2025-06-11"))
    cur = _daily([[20.0] * 10, [70.0] * 10])
    prev = _daily([[20.0] * 10, [35.0] * 10])
    out = assess_year_on_year(cur, DAYS, prev, prev_days, config=AssessmentConfig(limits="final"), index=1)
    pub = out["as_published"]
    assert pub["limits_current"] == pub["limits_previous"] == "GB 3095-2026 最终阶段"
    assert pub["items"]["pm25_mean"]["now"] == 70.0 and pub["items"]["pm25_mean"]["base"] == 35.0
    out = assess_year_on_year(cur, DAYS, prev, prev_days, recompute_previous_under_current=True, index=1)
    assert out["same_rules"]["items"]["pm25_mean"]["text"] == "上升100.0%"


# ---- input forms the API promises (standards mutation run, 2026-12-01) ----------------------------------

def test_rank_takes_missing_values_as_none_and_returns_integer_ranks():
    # None in a plain list is a missing value like NaN: not ranked (0); the ranks are integers
    for decimals in (2, None):
        r = rank([3.0, None, 1.0, 3.0], decimals=decimals)
        assert r.tolist() == [2, 0, 1, 2] and r.dtype.kind == "i"
    r = rank([1, 2, 2])
    assert r.tolist() == [1, 2, 2] and r.dtype.kind == "i"


def test_city_daily_takes_city_indices_as_whole_floats_and_names_a_bad_option():
    st = {"pm25_24h": np.array([[10.0], [20.0], [40.0]])}
    as_int = city_daily(st, np.array([0, 0, 1]))
    as_float = city_daily(st, np.array([0.0, 0.0, 1.0]))  # e.g. a column read from a spreadsheet
    np.testing.assert_array_equal(as_float.values["pm25_24h"], [[15.0], [40.0]])
    np.testing.assert_array_equal(as_float.values["pm25_24h"], as_int.values["pm25_24h"])
    with pytest.raises(ValueError) as e:
        city_daily(st, [0, 0, 1], config=AssessmentConfig(city_mda8="median"))
    assert str(e.value) == "city_mda8 must be 'mean_of_station_mda8' or 'max_of_city_8h'"


def test_city_daily_takes_none_as_missing_warns_nothing_and_names_its_errors():
    import warnings

    st = {"pm25_24h": [[10.0, None], [20.0, 30.0], [None, None]], "o3_8h": [[100.0, 100.0], [120.0, 80.0], [50.0, 50.0]]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a city with no valid station is NaN, not a RuntimeWarning
        cd = city_daily(st, [0, 0, 1])
    np.testing.assert_array_equal(cd.values["pm25_24h"], [[15.0, 30.0], [NaN, NaN]])
    h = [[[None] * 2 + [160.0] * 22] * 2] * 3  # hourly O3 as nested lists, None for missing hours
    cd = city_daily(st, [0, 0, 1], hourly_o3=h, config=AssessmentConfig(city_mda8="max_of_city_8h"))
    assert cd.values["o3_8h"].tolist() == [[160.0, 160.0], [160.0, 160.0]]
    with pytest.raises(ValueError) as e:
        city_daily(st, [0, 0, 1], config=AssessmentConfig(city_mda8="max_of_city_8h"))
    assert str(e.value) == "city_mda8='max_of_city_8h' needs hourly_o3 [S, D, 24]"
    with pytest.raises(ValueError) as e:
        city_daily(st, [0, 0, 1], n_cities=1)
    assert str(e.value) == "city_of_station must be a 1-D array of city indices 0..n_cities-1"


def test_year_on_year_states_both_rule_sets_of_a_mixed_period():
    days = np.arange(np.datetime64("2026-02-15"), np.datetime64("2026-03-15"))  # 14 days each side of 03-01
    mixed = assess_period(_daily([[20.0] * 28], n=28), days)
    y = year_on_year(mixed, mixed)
    assert y["rules_current"] == f"{R12}（14天）；{R26}（14天）" == y["rules_previous"]


def test_change_rate_of_a_missing_or_zero_base_is_nan_without_warnings():
    import math
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 5/0 and 0/0 are answered NaN, never a RuntimeWarning
        assert math.isnan(change_rate(5, 0)) and math.isnan(change_rate(0, 0))
        assert math.isnan(change_rate(None, 10)) and math.isnan(change_rate(5, None))  # None: missing
        r = change_rate([None, 6, 5], [10, 0, 4])
        assert np.isnan(r[0]) and np.isnan(r[1]) and r[2] == 0.25
    assert change_rate(9, 10) == pytest.approx(-0.1)


def test_assess_period_takes_none_as_a_missing_day_and_names_a_foreign_aqi():
    with_nan = assess_period(_daily([PM25_ROW1]), DAYS)
    daily = _daily([PM25_ROW1])
    daily["pm25_24h"] = [[None if v != v else v for v in PM25_ROW1]]  # a plain list, None for missing
    with_none = assess_period(daily, DAYS)
    assert with_none.valid_days.tolist() == with_nan.valid_days.tolist() == [8]
    assert with_none.summary(0)["statistics"]["pm25_mean"] == with_nan.summary(0)["statistics"]["pm25_mean"]
    other = aqi_by_date(_daily([PM25_ROW0]), DAYS + 1)
    with pytest.raises(ValueError) as e:
        assess_period(_daily([PM25_ROW0]), DAYS, aqi=other)
    assert str(e.value) == "aqi was computed for other days or another shape"


def test_exceptional_days_leave_other_pollutants_alone_and_the_period_keeps_its_dates():
    daily = _daily([PM25_ROW2])
    daily["so2_24h"] = np.array([[100.0, 100.0] + [10.0] * 8])
    exc = np.zeros(10, dtype=bool)
    exc[:2] = True  # 沙尘 days: removed from PM10/PM2.5 only (HJ 663)
    pa = assess_period(daily, DAYS, excluded=exc)
    assert float(pa.statistics[("so2", "mean")].value[0]) == 28.0  # (2·100 + 8·10) / 10, excluded days kept
    assert float(pa.statistics[("pm25", "mean")].value[0]) == 20.0
    np.testing.assert_array_equal(pa.dates, DAYS)


def test_all_compliant_needs_all_six_pollutants_and_is_boolean():
    only_pm = assess_period({"pm25_24h": np.array([PM25_ROW2])}, DAYS)  # compliant, but alone
    assert only_pm.all_compliant.dtype == bool and only_pm.all_compliant.tolist() == [False]
    six = assess_period(_daily([PM25_ROW2]), DAYS)
    assert six.all_compliant.dtype == bool and six.all_compliant.tolist() == [True]


def test_composite_index_takes_none_as_missing():
    total, singles = composite_index({"pm25": [35.0, None]})
    assert singles["pm25"][0] == 1.0 and np.isnan(singles["pm25"][1])


def test_aqi_by_date_names_its_input_errors_and_takes_none_as_missing():
    with pytest.raises(ValueError) as e:
        aqi_by_date({}, DAYS)
    assert str(e.value) == "no concentrations given"
    with pytest.raises(ValueError) as e:
        aqi_by_date({"pm25_24h": [1.0] * 10, "pm10_24h": [1.0] * 9}, DAYS)
    assert str(e.value) == "all concentration arrays must have the same shape"
    with_none = aqi_by_date({"pm25_24h": [75.0, None] + [20.0] * 8}, DAYS, valid_day_rule="available")
    with_nan = aqi_by_date({"pm25_24h": [75.0, NaN] + [20.0] * 8}, DAYS, valid_day_rule="available")
    np.testing.assert_array_equal(with_none.aqi, with_nan.aqi)
    assert with_none.aqi[0] == 114 and np.isnan(with_none.aqi[1])
