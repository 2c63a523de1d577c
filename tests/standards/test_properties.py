"""Property tests (hypothesis), bad input, the python-aqi ±1 check and the Beijing real-data check."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envbureau.standards import air, assessment, averaging, stats, water
from envbureau.standards.tables import BREAKPOINTS_2012, BREAKPOINTS_2026, WATER_ITEMS

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
BEIJING = SHARED / "data" / "beijing-prsa"

INDICATORS = sorted(set(BREAKPOINTS_2012) | set(BREAKPOINTS_2026))


def _table(code):
    return BREAKPOINTS_2012 if code == "2012" else BREAKPOINTS_2026


conc = st.floats(min_value=0, max_value=3000, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["2012", "2026"]), st.sampled_from(INDICATORS), conc, conc)
def test_iaqi_monotone(code, ind, a, b):
    if ind not in _table(code):
        return
    lo, hi = min(a, b), max(a, b)
    ia, ib = air.iaqi(ind, lo, code), air.iaqi(ind, hi, code)
    if ia is None or ib is None:   # 2012 SO2 1h / O3 8h above 800: not computed
        assert hi > 800
        return
    assert ia <= ib
    assert 0 <= ia <= 500 and 0 <= ib <= 500


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["2012", "2026"]),
       st.fixed_dictionaries({k: st.floats(0, 700, allow_nan=False) for k in ("pm25", "pm10", "so2", "no2", "o3_8h")}),
       st.floats(0, 60, allow_nan=False))
def test_aqi_is_max_iaqi_and_primary_consistent(code, d, co):
    d = dict(d, co=co)
    r = air.aqi(d, code)
    vals = [v for v in r.iaqi.values() if v is not None]
    assert r.aqi == max(vals)
    if r.aqi > 50:
        assert r.primary and all(r.iaqi[p] == r.aqi for p in r.primary)
        assert set(r.primary) == {k for k, v in r.iaqi.items() if v == r.aqi}
    else:
        assert r.primary == []
    assert r.category.level == int(air.category_level(r.aqi))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 600, allow_nan=False), min_size=1, max_size=40), st.sampled_from(["2012", "2026"]))
def test_vectorised_equals_scalar(values, code):
    arr = np.array(values)
    vec = air.iaqi_array("pm25_24h", arr, code)
    assert [int(v) for v in vec] == [air.iaqi("pm25_24h", v, code) for v in values]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([k for k, v in WATER_ITEMS.items() if v[2] in ("le", "ge")]),
       st.floats(0, 50000, allow_nan=False), st.floats(0, 50000, allow_nan=False), st.sampled_from(["river", "lake"]))
def test_water_class_monotone(item, a, b, body):
    lo, hi = min(a, b), max(a, b)
    c_lo, c_hi = water.item_class(item, lo, body), water.item_class(item, hi, body)
    if WATER_ITEMS[item][2] == "le":
        assert c_lo <= c_hi
    else:  # DO: more is better
        assert c_lo >= c_hi
    assert 1 <= c_lo <= 6


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 500, allow_nan=False), min_size=1, max_size=60), st.sampled_from([50, 90, 95, 98]))
def test_percentile_within_range_and_numpy_linear(xs, p):
    v = float(stats.percentile(np.array(xs), p))
    assert min(xs) <= v <= max(xs)
    assert v == pytest.approx(float(np.percentile(xs, p)), rel=1e-12, abs=1e-9)


# --- bad input -------------------------------------------------------------------
def test_bad_input_messages():
    with pytest.raises(ValueError, match="negative concentration"):
        air.iaqi("pm25_24h", -1, "2012")
    with pytest.raises(ValueError, match="negative concentration"):
        air.aqi_arrays({"pm25": np.array([10.0, -0.5])}, "2026")
    with pytest.raises(ValueError, match="unknown pollutant code"):
        air.aqi({"pm1": 10}, "2026")
    with pytest.raises(ValueError, match="unknown indicator"):
        air.iaqi("pm1_24h", 10, "2026")
    with pytest.raises(ValueError, match="same shape"):
        air.aqi_arrays({"pm25": np.zeros(3), "pm10": np.zeros(4)}, "2026")
    with pytest.raises(ValueError, match="unknown rule set"):
        air.aqi({"pm25": 1}, "2019")
    with pytest.raises(ValueError, match="period"):
        air.aqi({"pm25": 1}, "2026", period="week")
    with pytest.raises(ValueError, match=r"\[..., n_days, 24\]"):
        air.daily_aqi_from_hourly({"pm25": np.zeros((3, 10))}, np.arange(3))
    with pytest.raises(ValueError, match="dates must be 1-D"):
        air.aqi_by_date({"pm25": np.zeros((2, 5))}, np.arange("2025-01-01", "2025-01-04", dtype="datetime64[D]"))
    with pytest.raises(ValueError, match="unknown indicator"):
        assessment.assess_period({"pm2": np.zeros(5)}, np.arange("2025-01-01", "2025-01-06", dtype="datetime64[D]"))


def test_nan_is_missing_not_error():
    r = air.aqi_arrays({"pm25": np.array([np.nan, 80.0]), "pm10": np.array([40.0, np.nan])}, "2012",
                       valid_day_rule="hj633_2026")
    assert not r.complete.any()
    # HJ 633-2026 §5.3: incomplete day published only when the available IAQIs exceed 100
    assert np.isnan(r.aqi[0]) and r.aqi[1] == 107
    # the rule in force for 2012 days: AQI of what is available (PM10 40 → 40)
    r0 = air.aqi_arrays({"pm25": np.array([np.nan, 80.0]), "pm10": np.array([40.0, np.nan])}, "2012")
    assert r0.aqi[0] == 40 and r0.aqi[1] == 107 and r0.valid.all()
    r2 = air.aqi_arrays({"pm25": np.array([np.nan, 80.0]), "pm10": np.array([40.0, np.nan])}, "2012",
                        valid_day_rule="complete")
    assert np.isnan(r2.aqi).all() and r2.aqi_partial[0] == 40
    assert air.aqi({"pm25": None, "pm10": 40}, "2012", valid_day_rule="hj633_2026").aqi is None
    assert air.aqi({"pm25": None, "pm10": 40}, "2026").aqi is None


# --- python-aqi: older table, ±1 on in-range integers only ----------------------
def test_python_aqi_within_one_for_integer_inputs():
    aqi = pytest.importorskip("aqi")
    pairs = [(aqi.POLLUTANT_PM25, "pm25_24h", 500), (aqi.POLLUTANT_PM10, "pm10_24h", 600),
             (aqi.constants.POLLUTANT_SO2_24H, "so2_24h", 2620), (aqi.constants.POLLUTANT_NO2_24H, "no2_24h", 940),
             (aqi.POLLUTANT_O3_8H, "o3_8h", 800), (aqi.POLLUTANT_O3_1H, "o3_1h", 1200),
             (aqi.POLLUTANT_NO2_1H, "no2_1h", 3840), (aqi.POLLUTANT_SO2_1H, "so2_1h", 800)]
    worst = 0
    for pol, ind, top in pairs:
        ours = air.iaqi_array(ind, np.arange(top + 1, dtype=float), "2012")
        for c in range(top + 1):
            theirs = int(aqi.to_iaqi(pol, str(c), algo=aqi.ALGO_MEP))
            d = abs(theirs - int(ours[c]))
            worst = max(worst, d)
            assert d <= 1, (ind, c, theirs, int(ours[c]))
    assert worst == 1  # they do differ (gapped breakpoints, truncation): it is only a tolerance check


# --- Beijing PRSA: real hourly data, 12 national stations ---------------------------
# Published Beijing figures (北京市环境状况公报 2014–2016, quoted from memory; the 12 PRSA stations are
# a subset of the official network, so a few percent of difference is expected):
PUBLISHED = {2014: dict(pm25=85.9, good_days=172), 2015: dict(pm25=80.6, good_days=186),
             2016: dict(pm25=73.0, good_days=198)}


@pytest.fixture(scope="module")
def beijing():
    pd = pytest.importorskip("pandas")
    files = sorted(BEIJING.glob("PRSA_Data_*_20130301-20170228.csv"))
    if len(files) != 12:
        pytest.skip(f"shared Beijing data not present: {BEIJING}")
    cols = {"pm25": "PM2.5", "pm10": "PM10", "so2": "SO2", "no2": "NO2", "co": "CO", "o3": "O3"}
    dfs = [pd.read_csv(f, usecols=["year", "month", "day", "hour", *cols.values()]) for f in files]
    d0 = dfs[0]
    assert (d0["hour"].to_numpy().reshape(-1, 24) == np.arange(24)).all()  # hour-starting 0..23, no gaps
    S, D = len(dfs), len(d0) // 24
    hourly = {k: np.stack([d[c].to_numpy(float) for d in dfs]).reshape(S, D, 24) for k, c in cols.items()}
    hourly["co"] = hourly["co"] / 1000.0   # µg/m³ → mg/m³ at the boundary
    dates = pd.to_datetime(d0[["year", "month", "day"]].iloc[::24]).to_numpy().astype("datetime64[D]")
    return hourly, dates


def test_beijing_city_years_close_to_published(beijing):
    hourly, dates = beijing
    r = air.daily_aqi_from_hourly(hourly, dates)
    assert r.aqi.rules_used == {air.RULES_2012.name: len(dates)}
    cd = assessment.city_daily(r.daily.values, np.zeros(hourly["pm25"].shape[0], dtype=int), 1)
    for year, pub in PUBLISHED.items():
        sel = (dates >= np.datetime64(f"{year}-01-01")) & (dates < np.datetime64(f"{year + 1}-01-01"))
        pa = assessment.assess_period({k: v[:, sel] for k, v in cd.values.items()}, dates[sel])
        s = pa.summary(0)
        pm25 = s["statistics"]["pm25_mean"]["value"]
        print(f"Beijing {year}: PM2.5 {pm25} (published {pub['pm25']}), good days {s['good_days']}/"
              f"{s['valid_days']} (published {pub['good_days']}), composite {s['composite_index_text']}")
        assert s["statistics"]["pm25_mean"]["valid"]
        assert abs(pm25 - pub["pm25"]) / pub["pm25"] < 0.05
        assert abs(s["good_days"] - pub["good_days"]) <= 8


def test_beijing_vectorised_matches_scalar_path(beijing):
    """Every station-day of one station-year: array engine == one-value-at-a-time path."""
    hourly, dates = beijing
    sel = slice(0, 365)
    h = {k: v[3, sel] for k, v in hourly.items()}
    r = air.daily_aqi_from_hourly(h, dates[sel])
    for day in range(0, 365, 7):
        conc = {k: (None if np.isnan(v[day]) else float(v[day])) for k, v in r.daily.values.items()}
        rep = air.aqi(conc, "2012")
        got = r.aqi.aqi[day]
        assert (rep.aqi is None and np.isnan(got)) or rep.aqi == got
        mda = averaging.mda8(h["o3"][day][None])
        assert np.isnan(mda.value[0]) == np.isnan(r.daily.values["o3_8h"][day])


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**12), st.sampled_from([0, 1, 2, 3]))
def test_half_even_float_path_equals_integer_path(v, decimals):
    from envbureau.standards.rounding import round_half_even_scaled

    ints = np.array([v, v - v % 10**(6 - decimals) + 10**(6 - decimals) // 2], dtype=np.int64)  # incl. a tie
    assert np.array_equal(round_half_even_scaled(ints.astype(np.float64), decimals),
                          round_half_even_scaled(ints, decimals).astype(np.float64))
