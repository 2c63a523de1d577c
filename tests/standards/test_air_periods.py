"""Averaging, validity, percentiles and period assessment: vectors 16–18, 20–23, E1–E3, E5–E7."""

import datetime as dt

import numpy as np
import pytest

from envbureau.standards import air, assessment, averaging, stats
from envbureau.standards.assessment import AssessmentConfig, assess_period, change_rate, composite_index
from envbureau.standards.rounding import format_fixed, format_percent

YEAR_2021 = np.arange("2021-01-01", "2022-01-01", dtype="datetime64[D]")


# --- percentiles (vector 16) ------------------------------------------------
def test_vector16_percentiles():
    assert stats.percentile_hj663([3, 4, 8, 2, 5, 4], 90) == 6.5
    assert stats.percentile_hj663(np.arange(1, 366), 90) == pytest.approx(328.6, abs=1e-12)
    assert stats.percentile_hj663(np.arange(1, 11), 95) == pytest.approx(9.55, abs=1e-12)


def test_percentile_hand_checked_small_series():
    # n = 1: the value itself; n = 2: linear between; k integer → X(k)
    assert stats.percentile_hj663([7], 95) == 7
    assert stats.percentile_hj663([10, 20], 50) == 15
    assert stats.percentile_hj663([1, 2, 3, 4, 5], 50) == 3          # k = 3 exactly
    assert stats.percentile_hj663([5, 1, 4, 2, 3], 98) == pytest.approx(4.92)  # k = 4.92
    assert np.isnan(stats.percentile_hj663([np.nan, np.nan], 90))


def test_percentile_vectorised_ignores_nan_and_matches_numpy():
    rng = np.random.default_rng(1)
    x = rng.gamma(2, 30, size=(40, 365))
    x[rng.random(x.shape) < 0.1] = np.nan
    got = stats.percentile(x, 95)
    exp = np.array([np.percentile(r[~np.isnan(r)], 95) for r in x])
    np.testing.assert_allclose(got, exp, rtol=0, atol=1e-9)


# --- daily means and O3 windows (E3, E6, E7, vector 21) --------------------
def test_e3_daily_mean_needs_20_hours():
    h = np.full((2, 24), 40.0)
    h[0, :5] = np.nan   # 19 valid
    h[1, :4] = np.nan   # 20 valid
    r = averaging.daily_mean(h)
    assert np.isnan(r.value[0]) and not r.valid[0] and r.reason[0] == averaging.INSUFFICIENT_HOURS
    assert r.value[1] == 40 and r.valid[1] and r.n_valid.tolist() == [19, 20]


def test_e6_window_needs_six_hours():
    h = np.full((1, 24), 100.0)
    h[0, 3:6] = np.nan            # window k=0 (hours 0..7) has 5 valid
    means, valid = averaging.o3_8h_windows(h)
    assert means.shape == (1, 17)
    assert not valid[0, 0] and np.isnan(means[0, 0])
    assert valid[0, 6]            # hours 6..13 complete


def _o3_day(n_valid_windows: int, peak: float, base: float = 60.0) -> np.ndarray:
    """Day with exactly ``n_valid_windows`` valid 8-h windows and MDA8 = ``peak``.

    With hours t… missing, window k has min(8, t − k) valid hours, so windows 0 … t−6 are valid.
    """
    h = np.full(24, base)
    h[2:10] = peak                   # window k = 2 is all peak
    h[n_valid_windows + 5:] = np.nan
    return h


@pytest.mark.parametrize("nw,peak,valid,value_exceeds", [
    (14, 150, True, False),   # E7 (a)
    (12, 172, True, True),    # E7 (b)
    (12, 150, False, False),  # E7 (c)
    (13, 165, True, True),    # vector 21
    (13, 150, False, False),  # vector 21, second half
    (17, 100, True, False),
])
def test_e7_vector21_mda8_validity(nw, peak, valid, value_exceeds):
    h = _o3_day(nw, peak)
    _, wv = averaging.o3_8h_windows(h[None])
    assert wv.sum() == nw
    r = averaging.mda8(h[None])
    assert bool(r.valid[0]) is valid
    assert r.n_valid[0] == nw
    if valid:
        assert r.value[0] == peak and bool(r.value[0] > 160) is value_exceeds
    else:
        assert np.isnan(r.value[0]) and r.reason[0] == averaging.INSUFFICIENT_WINDOWS


def test_mda8_window_convention():
    """Window k covers hour indices k..k+7 of the same day; the 17th ends at 24:00."""
    h = np.zeros(24)
    h[16:24] = 80.0       # only the last window (16:00–24:00) is high
    r = averaging.mda8(h[None])
    assert r.value[0] == 80.0
    h = np.zeros(24)
    h[20:24] = 200.0      # windows ending after midnight are not part of the day
    assert averaging.mda8(h[None]).value[0] == 100.0  # (4 × 200) / 8


def test_daily_from_hourly_shapes_and_bad_input():
    h = {"pm25": np.full((3, 5, 24), 10.0), "o3": np.full((3, 5, 24), 50.0)}
    ds = averaging.daily_from_hourly(h)
    assert set(ds.values) == {"pm25_24h", "o3_8h", "o3_1h"}
    assert ds.values["pm25_24h"].shape == (3, 5)
    with pytest.raises(ValueError, match=r"\[..., n_days, 24\]"):
        averaging.daily_mean(np.zeros((5, 23)))
    with pytest.raises(ValueError, match="negative"):
        averaging.daily_mean(-np.ones((1, 24)))
    with pytest.raises(ValueError, match="unknown pollutant"):
        averaging.daily_from_hourly({"pm1": np.zeros((1, 24))})


def test_moving_mean_crosses_midnight():
    x = np.arange(48, dtype=float)
    r = averaging.moving_mean(x, 24, min_valid=20)
    assert r.value[23] == np.mean(np.arange(24)) and r.value[30] == np.mean(np.arange(7, 31))
    assert not r.valid[18] and r.valid[19]


# --- period validity (vector 20, E5) -------------------------------------
def test_vector20_february_needs_25():
    x = np.full(365, 30.0)
    feb = (YEAR_2021 >= np.datetime64("2021-02-01")) & (YEAR_2021 < np.datetime64("2021-03-01"))
    x[np.nonzero(feb)[0][:4]] = np.nan       # Feb 24 valid; year 361 ≥ 324
    r = stats.period_mean(x, YEAR_2021)
    assert not r.valid and np.isnan(r.value) and r.reason == averaging.INSUFFICIENT_MONTH
    x[np.nonzero(feb)[0][0]] = 30.0           # Feb 25 → valid
    assert stats.period_mean(x, YEAR_2021).valid
    # 330 valid days but only 24 in February (the vector's wording)
    y = np.full(365, 30.0)
    y[np.nonzero(feb)[0][:4]] = np.nan
    other = np.nonzero(~feb)[0]
    y[other[::10][:31]] = np.nan
    assert (~np.isnan(y)).sum() == 330
    assert not stats.period_percentile(y, YEAR_2021, 95).valid


def test_e5_323_days_invalid_even_with_full_months():
    x = np.full(365, 30.0)
    months = YEAR_2021.astype("datetime64[M]")
    drop = []
    for m in np.unique(months):
        idx = np.nonzero(months == m)[0]
        allowed = len(idx) - (25 if str(m).endswith("-02") else 27)
        drop += list(idx[:allowed])
    x[drop[:42]] = np.nan
    assert (~np.isnan(x)).sum() == 323
    r = stats.period_mean(x, YEAR_2021)
    assert not r.valid and r.reason == averaging.INSUFFICIENT_DAYS
    x[drop[41]] = 30.0
    assert stats.period_mean(x, YEAR_2021).valid


def test_monthly_groups():
    x = np.full(365, 10.0)
    x[:5] = np.nan   # January 26 valid → January invalid
    g = stats.grouped(x, YEAR_2021, "month")
    assert g.labels[0] == "2021-01" and not g.stats[0].valid and g.stats[1].valid
    q = stats.grouped(x, YEAR_2021, "quarter")
    assert q.labels == ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]
    assert not q.stats[0].valid and q.stats[1].valid


# --- composite index, change (vectors 17, 18) --------------------------------
def test_vector17_composite_index():
    total, singles = composite_index(dict(pm25=21, pm10=39, so2=9, no2=15, o3=192, co=0.7))
    assert format_fixed(float(total), 2) == "3.06"
    assert abs(float(total) - 3.0571428571) < 1e-9
    assert format_fixed(sum(float(format_fixed(float(v), 2)) for v in singles.values()), 2) == "3.07"


def test_composite_weights_configurable():
    total, _ = composite_index(dict(pm25=35, no2=40, o3=160, pm10=70, so2=60, co=4),
                               weights={"pm25": 3, "no2": 2, "o3": 2})
    assert float(total) == 10.0


def test_vector18_change_rate():
    assert format_percent(change_rate(3.06, 3.40), 1) == "-10.0"


# --- good-day ratio, compliance (vectors 22, 23, E1, E2) --------------------
def _year_daily(pm25=20.0, pm10=40.0, so2=10.0, no2=20.0, co=0.5, o3=80.0, dates=YEAR_2021):
    n = len(dates)
    return {"pm25_24h": np.full(n, pm25), "pm10_24h": np.full(n, pm10), "so2_24h": np.full(n, so2),
            "no2_24h": np.full(n, no2), "co_24h": np.full(n, co), "o3_8h": np.full(n, o3),
            "o3_1h": np.full(n, o3 * 1.2)}


def test_vector22_good_day_ratio():
    dates = np.arange("2021-04-01", "2021-07-01", dtype="datetime64[D]")  # 91 days
    d = _year_daily(dates=dates)
    d["pm25_24h"][:5] = 100.0  # 5 lightly polluted days (IAQI 132)
    pa = assess_period(d, dates)
    assert (int(pa.valid_days), int(pa.good_days)) == (91, 86)
    assert format_percent(float(pa.good_ratio), 1) == "94.5"
    assert int(pa.days_by_level[3]) == 5
    assert int(pa.primary_days["pm25_24h"]) == 5


def test_vector23_and_e1_e2_stage_limits():
    d26 = np.arange("2027-01-01", "2028-01-01", dtype="datetime64[D]")
    pa = assess_period(_year_daily(pm25=32, dates=d26), d26)
    assert pa.limits_stage.name == "transitional"
    assert not pa.compliant[("pm25", "mean")]
    assert format_fixed(float(pa.exceedance_multiple[("pm25", "mean")]), 2) == "0.07"
    pa12 = assess_period(_year_daily(pm25=32), YEAR_2021)
    assert pa12.compliant[("pm25", "mean")] and pa12.limits_stage.name == "gb3095-2012"
    # E1: 2027 means PM2.5 28, PM10 55, NO2 35, SO2 25 → compliant on the annual means
    e1 = assess_period(_year_daily(pm25=28, pm10=55, no2=35, so2=25, dates=d26), d26)
    assert all(bool(e1.compliant[(p, "mean")]) for p in ("pm25", "pm10", "no2", "so2"))
    d31 = np.arange("2031-01-01", "2032-01-01", dtype="datetime64[D]")
    e2 = assess_period(_year_daily(pm25=28, pm10=55, no2=35, so2=25, dates=d31), d31)
    assert e2.limits_stage.name == "final"
    assert not any(bool(e2.compliant[(p, "mean")]) for p in ("pm25", "pm10", "no2", "so2"))
    assert [e2.limits[(p, "mean")] for p in ("pm25", "pm10", "no2", "so2")] == [25, 50, 30, 20]


def test_period_spanning_switch_is_assessed_day_by_day():
    dates = np.arange("2026-02-15", "2026-03-15", dtype="datetime64[D]")
    d = _year_daily(pm25=70.0, dates=dates)  # 2012: 良 (94); 2026: 轻度污染 (110)
    pa = assess_period(d, dates)
    assert pa.mixed_rules
    assert pa.rules_used == {air.RULES_2012.name: 14, air.RULES_2026.name: 14}
    assert int(pa.good_days) == 14 and int(pa.days_by_level[3]) == 14
    assert any("跨越2026-03-01" in n for n in pa.notes)
    # forcing one rule set for every day
    pa26 = assess_period(d, dates, rules="2026")
    assert int(pa26.good_days) == 0 and not pa26.mixed_rules


def test_year_on_year_states_rules_and_recomputes():
    cur_dates = np.arange("2026-03-01", "2026-06-01", dtype="datetime64[D]")
    prev_dates = np.arange("2025-03-01", "2025-06-01", dtype="datetime64[D]")
    cur = _year_daily(pm25=50.0, dates=cur_dates)
    prev = _year_daily(pm25=70.0, dates=prev_dates)
    out = assessment.assess_year_on_year(cur, cur_dates, prev, prev_dates,
                                         recompute_previous_under_current=True)
    pub, same = out["as_published"], out["same_rules"]
    assert "HJ 633-2026" in pub["rules_current"] and "HJ 633-2012" in pub["rules_previous"]
    assert pub["items"]["pm25_mean"]["text"] == "下降28.6%"   # 50 vs 70
    assert pub["items"]["good_ratio"]["base"] == 1.0           # 70 was 良 under 2012
    assert same["items"]["good_ratio"]["base"] == 0.0          # 70 is 轻度污染 under 2026
    assert "HJ 633-2026" in same["rules_previous"]


def test_exceptional_days_removed_from_concentrations_only():
    dates = np.arange("2021-04-01", "2021-05-01", dtype="datetime64[D]")
    d = _year_daily(dates=dates)
    d["pm10_24h"][:2] = 600.0
    exc = np.zeros(30, dtype=bool)
    exc[:2] = True
    pa = assess_period(d, dates, excluded=exc)
    assert float(pa.statistics[("pm10", "mean")].value) == 40.0
    assert int(pa.good_days) == 28


def test_city_daily_mean_of_valid_stations_and_mda8_options():
    st = {"pm25_24h": np.array([[10.0, np.nan], [20.0, 30.0], [np.nan, np.nan]]),
          "o3_8h": np.array([[100.0, 100.0], [120.0, 80.0], [50.0, 50.0]])}
    cd = assessment.city_daily(st, np.array([0, 0, 1]))
    np.testing.assert_array_equal(cd.values["pm25_24h"], [[15.0, 30.0], [np.nan, np.nan]])
    assert cd.n_stations["pm25_24h"].tolist() == [[2, 1], [0, 0]]
    h = np.zeros((3, 2, 24))
    h[0, :, 0:8] = 160.0
    h[1, :, 8:16] = 160.0
    cfg = AssessmentConfig(city_mda8="max_of_city_8h")
    cd2 = assessment.city_daily(st, np.array([0, 0, 1]), hourly_o3=h, config=cfg)
    assert cd2.values["o3_8h"][0].tolist() == [80.0, 80.0]  # vs mean of station MDA8s 110, 90
    with pytest.raises(ValueError):
        assessment.city_daily(st, np.array([0, 0]))


def test_daily_aqi_from_hourly_station_year_one_call():
    rng = np.random.default_rng(3)
    dates = np.arange("2026-01-01", "2027-01-01", dtype="datetime64[D]")
    h = {p: rng.gamma(2, s, size=(4, 365, 24)) for p, s in
         dict(pm25=20, pm10=35, so2=4, no2=12, co=0.3, o3=35).items()}
    h["pm25"][0, 10, :6] = np.nan    # 18 valid hours → PM2.5 invalid that day
    r = air.daily_aqi_from_hourly(h, dates)
    assert r.aqi.aqi.shape == (4, 365)
    assert r.aqi.rules_used == {air.RULES_2012.name: 59, air.RULES_2026.name: 306}
    assert np.isnan(r.daily.values["pm25_24h"][0, 10])
    # the same as computing each station-day through the scalar path
    for s, day in ((1, 3), (2, 200), (0, 10)):
        date = dt.date.fromisoformat(str(dates[day]))
        rs = air.rules_for(date)
        conc = {k: float(v[s, day]) for k, v in r.daily.values.items() if k in air.keys_in_report(
            list(r.daily.values), rs)}
        rep = air.aqi(conc, rs, date=date)
        exp = np.nan if rep.aqi is None else rep.aqi
        assert (np.isnan(exp) and np.isnan(r.aqi.aqi[s, day])) or r.aqi.aqi[s, day] == exp


def test_rank_ties_share_rank():
    assert assessment.rank([3.061, 2.5, 3.058, np.nan, 4.0]).tolist() == [2, 1, 2, 0, 4]
    assert assessment.rank([0.9, 0.95, 0.9], ascending=False, decimals=3).tolist() == [2, 1, 2]


def test_hourly_aqi_2012_moving_means_and_2026_hourly_values():
    t = np.arange("2026-02-28T00", "2026-03-02T00", dtype="datetime64[h]")
    n = len(t)
    h = dict(pm25=np.full(n, 70.0), pm10=np.full(n, 50.0), so2=np.full(n, 5.0), no2=np.full(n, 20.0),
             co=np.full(n, 0.5), o3=np.full(n, 100.0))
    h["so2"][30] = 900.0
    r = air.hourly_aqi_from_hourly(h, t)
    assert r.rules_used == {air.RULES_2012.name: 24, air.RULES_2026.name: 24}
    # 2012: PM from the 24-h moving mean — needs ≥ 20 hours, so the first 19 hours have no PM IAQI;
    # the 2012 practice computes the AQI from what is available: O3 1-h 100 → 32 (hours 0–4), then the
    # O3 8-h mean (≥ 6 hours) 100 → 50; from hour 19 on: PM2.5 70 → 94
    assert (r.aqi[:5] == 32).all() and (r.aqi[5:19] == 50).all() and r.aqi[19] == 94 and r.aqi[23] == 94
    strict = air.hourly_aqi_from_hourly(h, t, valid_day_rule="hj633_2026")
    assert np.isnan(strict.aqi[:19]).all() and strict.aqi[19] == 94
    j = r.indicators.index
    assert r.iaqi[23, j("o3_8h")] == 50 and np.isnan(r.iaqi[23, j("pm25_1h")])
    # 2026: 1-h PM on the daily breakpoints (70 → 110); SO2 1-h 900 → 200
    assert r.aqi[24] == 110 and r.iaqi[30, j("so2_1h")] == 200 and r.aqi[30] == 200
    assert np.isnan(r.iaqi[24, j("o3_8h")])


def test_valid_day_rule_changes_the_good_day_ratio():
    dates = np.arange("2021-04-01", "2021-05-01", dtype="datetime64[D]")
    d = _year_daily(dates=dates)
    d["no2_24h"][:10] = np.nan          # 10 incomplete, clean days
    lenient = assess_period(d, dates, config=AssessmentConfig(valid_day_rule="available"))
    strict = assess_period(d, dates, config=AssessmentConfig(valid_day_rule="complete"))
    hj2026 = assess_period(d, dates, config=AssessmentConfig(valid_day_rule="hj633_2026"))
    assert int(lenient.valid_days) == 30 and int(strict.valid_days) == 20 and int(hj2026.valid_days) == 20
    assert int(hj2026.days_by_level[0]) == 10
    # default = the rule in force: 2021 is under HJ 633-2012, which computes the AQI from what is available
    default = assess_period(d, dates)
    assert int(default.valid_days) == 30 and int(default.days_by_level[0]) == 0


def test_valid_day_rule_in_force_follows_each_days_rule_set():
    """HJ 633-2012 days: AQI from the pollutants available; HJ 633-2026 days: §5.3 (complete or > 100)."""
    dates = np.array(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"], dtype="datetime64[D]")
    nan = np.nan
    # every day lacks NO2; PM2.5 30 (clean) on the 27th and 1st, 80 on the 28th and 2nd
    d = {"so2_24h": np.full(4, 10.0), "no2_24h": np.full(4, nan), "pm10_24h": np.full(4, 50.0),
         "co_24h": np.full(4, 0.5), "o3_8h": np.full(4, 60.0), "o3_1h": np.full(4, 80.0),
         "pm25_24h": np.array([30.0, 80.0, 30.0, 80.0])}
    r = air.aqi_by_date(d, dates)
    # 2012, PM2.5 30 → IAQI 43 (30/35×50 = 42.9 → 43), PM10 50 → 50: AQI 50 although NO2 is missing
    assert r.aqi[0] == 50 and r.valid[0]
    # 2012, PM2.5 80 → 100 + 5/40×50 = 106.25 → 107
    assert r.aqi[1] == 107 and r.valid[1]
    # 2026, clean and incomplete: no AQI (HJ 633-2026 §5.3 "NA")
    assert np.isnan(r.aqi[2]) and not r.valid[2]
    # 2026, incomplete but > 100: PM2.5 80 → 100 + 20/55×50 = 118.2 → 119, published
    assert r.aqi[3] == 119 and r.valid[3]
    pa = assess_period(d, dates)
    assert int(pa.valid_days) == 3 and int(pa.good_days) == 1


def test_summary_is_plain_and_rounded():
    s = assess_period(_year_daily(pm25=31.5), YEAR_2021).summary()
    st = s["statistics"]["pm25_mean"]
    assert st["value"] == 32.0 and st["text"] == "32" and st["raw"] == 31.5 and st["valid"]
    assert s["good_ratio_text"] == "100.0" and s["composite_index_text"]
    assert s["rules_used"] == {air.RULES_2012.name: 365} and not s["mixed_rules"]
    assert s["statistics"]["co_p95"]["text"] == "0.5"
