"""pandas / polars wrappers."""

import numpy as np
import pytest

from envbureau.standards import frames


def _long(lib):
    t = np.arange("2026-02-27T00", "2026-03-03T00", dtype="datetime64[h]")
    n = len(t)
    data = {"station": np.repeat(["A", "B"], n), "time": np.tile(t, 2).astype("datetime64[us]"),
            "pm25": np.tile(np.full(n, 70.0), 2), "pm10": 50.0, "so2": 5.0, "no2": 20.0, "co": 0.5, "o3": 60.0}
    data = {k: (np.full(2 * n, v) if np.isscalar(v) else v) for k, v in data.items()}
    data["pm25"][5:10] = np.nan   # station A, day 1: 19 valid hours → PM2.5 invalid
    return lib.DataFrame(data)


@pytest.mark.parametrize("libname", ["pandas", "polars"])
def test_daily_aqi_frame(libname):
    lib = pytest.importorskip(libname)
    out = frames.daily_aqi_frame(_long(lib))
    assert type(out).__module__.split(".")[0] == libname
    assert len(out) == 2 * 4
    aqi = np.asarray(out["aqi"].to_numpy(), dtype=float)
    rules = list(out["rules"].to_numpy())
    # PM2.5 70 is 良 (94) under 2012 and 轻度污染 (110) under 2026
    assert rules == ["2012", "2012", "2026", "2026"] * 2
    # station A, 2026-02-27 (2012 rules): PM2.5 invalid, AQI from what is available: PM10 50 → 50
    assert aqi[0] == 50 and aqi[1] == 94 and aqi[2] == 110 and aqi[4] == 94
    assert list(out["category"].to_numpy())[2] == "轻度污染"
    assert list(out["primary_pollutants"].to_numpy())[2] == "pm25_24h"
    assert int(out["pm25_24h_n"].to_numpy()[0]) == 19


def test_aqi_frame_rows():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"date": ["2026-02-28", "2026-03-01"], "pm25": [75, 75], "pm10": [150, 150]})
    out = frames.aqi_frame(df)
    assert out["aqi"].tolist() == [100, 114]
    assert out["primary_pollutants"].tolist() == ["pm10_24h;pm25_24h", "pm25_24h"]
    with pytest.raises(ValueError):
        frames.aqi_frame(pd.DataFrame({"x": [1]}))
