"""Issue 9, "valid days under the rule set in force": days under HJ 633-2012 get an AQI from the
pollutants available; the HJ 633-2026 §5.3 rule applies only to days under the 2026 rules.

Beijing 2014 from the demo's real data (all 12 stations, city day = mean of the valid stations):
applying the 2026 rule to 2014 gave 360 days with an AQI and 167 good days (the defect reported);
under the rule in force the 3 days lacking one pollutant get their AQI: 363 and 170."""

import gzip

import numpy as np
import pandas as pd

from envbureau.quality.demo_step import DEMO_DIR
from envbureau.standards import air, assessment

COLS = (("so2", "SO2"), ("no2", "NO2"), ("co", "CO"), ("pm10", "PM10"), ("pm25", "PM2.5"), ("o3", "O3"))


def _beijing_city_daily(year):
    files = sorted(DEMO_DIR.glob("PRSA_Data_*.csv.gz"))
    dates = np.arange(f"{year}-01-01", f"{year + 1}-01-01", dtype="datetime64[D]")
    hourly = {p: np.full((len(files), len(dates), 24), np.nan) for p, _c in COLS}
    for i, f in enumerate(files):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            df = pd.read_csv(fh, usecols=["year", "month", "day", "hour", *(c for _p, c in COLS)])
        df = df[df.year == year]
        di = (pd.to_datetime(df[["year", "month", "day"]]).to_numpy().astype("datetime64[D]") - dates[0]).astype(int)
        for p, c in COLS:
            v = df[c].to_numpy(float)
            hourly[p][i, di, df.hour.to_numpy()] = v / 1000 if p == "co" else v
    daily = air.daily_aqi_from_hourly(hourly, dates).daily.values
    return assessment.city_daily(daily, np.zeros(len(files), dtype=int), 1).values, dates


def test_beijing_2014_keeps_its_days_with_a_missing_pollutant():
    city, dates = _beijing_city_daily(2014)
    pa = assessment.assess_period(city, dates)
    assert pa.rules_used == {air.RULES_2012.name: 365}
    assert int(pa.valid_days[0]) == 363 and int(pa.good_days[0]) == 170
    forced = assessment.assess_period(city, dates, config=assessment.AssessmentConfig(valid_day_rule="hj633_2026"))
    assert int(forced.valid_days[0]) == 360 and int(forced.good_days[0]) == 167
