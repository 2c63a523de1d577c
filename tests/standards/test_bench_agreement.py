"""The engine and the independent pandas baseline of bench/standards_air.py agree on realistic data."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "standards_air.py"


@pytest.fixture(scope="module")
def bench():
    pytest.importorskip("pandas")
    spec = importlib.util.spec_from_file_location("standards_air_bench", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("year", [2025, 2027])
def test_engine_matches_pandas_baseline(bench, year):
    hourly, dates = bench.make_data(30, year, seed=5)
    eng = bench.run_engine(hourly, dates, 3)
    base = bench.run_baseline(bench.to_long(hourly, dates), dates, 3)
    a, b = eng["aqi"], base["aqi"]
    assert np.array_equal(np.isnan(a), np.isnan(b))
    assert np.array_equal(a[~np.isnan(a)], b[~np.isnan(b)])
    for k in ("pm25_mean", "o3_p90", "co_p95", "good_ratio", "city_good_ratio", "city_pm25"):
        np.testing.assert_allclose(eng[k], base[k], rtol=0, atol=1e-9, err_msg=k)
