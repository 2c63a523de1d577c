"""Issue 9, "assessment verdicts on missing data": a missing or invalid statistic gets no verdict
(None, shown "—") and carries its reason; the composite index says why it is missing. Boundaries of
the verdict on valid data: equal to the limit is 达标, only strictly above ("超过") is 超标."""

import numpy as np
import pytest

from envbureau.standards import averaging
from envbureau.standards.assessment import assess_period

JAN = np.arange("2021-01-01", "2021-02-01", dtype="datetime64[D]")


def _daily(pm25, n=31, **kw):
    base = {"pm25_24h": pm25, "pm10_24h": 40.0, "so2_24h": 10.0, "no2_24h": 20.0, "co_24h": 0.5,
            "o3_8h": 80.0, "o3_1h": 96.0, **kw}
    return {k: np.full(n, float(v)) for k, v in base.items()}


@pytest.mark.parametrize("pm25, verdict", [(34.0, True), (35.0, True), (35.4, True), (35.5, False), (36.0, False)])
def test_verdict_at_the_limit(pm25, verdict):
    # GB 3095-2012 annual Grade II PM2.5 = 35; the rounded mean is compared (35.4 → 35 meets, 35.5 → 36 exceeds)
    s = assess_period(_daily(pm25), JAN).summary()
    st = s["statistics"]["pm25_mean"]
    assert st["limit"] == 35 and st["compliant"] is verdict and st["reason_text"] == ""
    assert s["pollutant_compliant"]["pm25"] is (verdict and s["statistics"]["pm25_p95"]["compliant"])


def test_too_few_valid_days_gives_no_verdict_and_says_why():
    d = _daily(20.0)
    d["pm25_24h"][:5] = np.nan          # 26 valid days in January: the month needs 27
    s = assess_period(d, JAN).summary()
    st = s["statistics"]["pm25_mean"]
    assert st["value"] is None and st["compliant"] is None and st["n_days"] == 26
    assert st["reason"] == averaging.INSUFFICIENT_MONTH and "每月至少27个" in st["reason_text"]
    assert s["pollutant_compliant"]["pm25"] is None and s["pollutant_compliant"]["so2"] is True
    assert s["all_compliant"] is None              # unknown, not 超标
    assert s["composite_index"] is None and "PM2.5平均浓度" in s["composite_reason"]
    assert "每月至少27个" in s["composite_reason"] and "SO2" not in s["composite_reason"]
    # one more valid day (27) is enough: verdict and composite index are back
    d["pm25_24h"][4] = 20.0
    s = assess_period(d, JAN).summary()
    assert s["statistics"]["pm25_mean"]["compliant"] is True and s["composite_index"] is not None
    assert s["composite_reason"] == "" and s["all_compliant"] is True


def test_a_known_exceedance_wins_over_an_unknown():
    d = _daily(20.0, so2_24h=200.0)      # SO2 24-h P98 200 > 150: known to exceed
    d["pm25_24h"][:] = np.nan             # PM2.5 not measured at all
    s = assess_period(d, JAN).summary()
    assert s["statistics"]["pm25_mean"]["reason"] == averaging.NO_DATA
    assert s["statistics"]["pm25_mean"]["reason_text"] == "无有效数据"
    assert s["pollutant_compliant"]["so2"] is False and s["all_compliant"] is False


def test_month_without_data_has_no_verdicts():
    d = {k: np.full(31, np.nan) for k in _daily(20.0)}
    s = assess_period(d, JAN).summary()
    assert s["valid_days"] == 0 and s["good_ratio"] is None and s["good_ratio_reason"] == "无有效数据"
    assert all(st["compliant"] is None and st["reason_text"] == "无有效数据" for st in s["statistics"].values())
    assert s["all_compliant"] is None and set(s["pollutant_compliant"].values()) == {None}
    assert s["composite_index"] is None and s["composite_reason"].count("无有效数据") == 6
