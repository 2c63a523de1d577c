"""Benchmark: daily AQI for every station-day and the annual assessment of every station and city.

    .venv/bin/python bench/standards_air.py [--stations 1000] [--cities 10] [--year 2025] [--seed 0]

Synthetic but realistic hourly data (station levels, seasonal and diurnal cycles, day-to-day
weather persistence, integer µg/m³ and 0.1 mg/m³ CO, random gaps, multi-hour outages and a few
stations down for weeks) for ``stations × one year × six pollutants``.  The same work is done by

- the engine (``envbureau.standards``: ``air.daily_aqi_from_hourly`` on [stations, days, 24]
  arrays, ``assessment.assess_period`` for all stations at once, ``assessment.city_daily`` +
  ``assess_period`` for the cities), and
- a baseline written the way a competent pandas user would (long table, groupby daily means with
  validity counts, rolling 8-h O3, np.interp IAQIs with ceil, groupby quantiles, monthly counts).

Each phase runs in a forked child so its peak memory (VmHWM: data + working set) is its own.
Data generation is not timed.  Prints both times, the ratio and both peak memories, and checks
that the two implementations agree.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from envbureau.standards import air, assessment  # noqa: E402
from envbureau.standards.tables import BREAKPOINTS_2012, BREAKPOINTS_2026, IAQI_LEVELS  # noqa: E402

POLS = ("so2", "no2", "co", "pm10", "pm25", "o3")


# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------
def make_data(n_stations: int, year: int, seed: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(seed)
    dates = np.arange(f"{year}-01-01", f"{year + 1}-01-01", dtype="datetime64[D]")
    D = len(dates)
    S = n_stations
    doy = np.arange(D)
    winter = np.cos(2 * np.pi * (doy - 15) / 365.0)          # +1 mid-January
    hours = np.arange(24)
    # day-to-day weather: AR(1) shared by a city, plus station noise
    city_of = np.arange(S) % 10
    w_city = np.zeros((10, D))
    e = rng.normal(0, 0.35, size=(10, D))
    for t in range(1, D):
        w_city[:, t] = 0.7 * w_city[:, t - 1] + e[:, t]
    weather = w_city[city_of] + rng.normal(0, 0.12, size=(S, D))
    base = {"pm25": 38, "pm10": 70, "so2": 9, "no2": 30, "co": 0.8, "o3": 65}
    season = {"pm25": 0.45, "pm10": 0.3, "so2": 0.5, "no2": 0.25, "co": 0.35, "o3": -0.45}
    diurnal = {
        "pm25": 1 + 0.15 * np.cos(2 * np.pi * (hours - 22) / 24),
        "pm10": 1 + 0.2 * np.cos(2 * np.pi * (hours - 20) / 24),
        "so2": 1 + 0.2 * np.cos(2 * np.pi * (hours - 11) / 24),
        "no2": 1 + 0.3 * np.cos(2 * np.pi * (hours - 21) / 24),
        "co": 1 + 0.2 * np.cos(2 * np.pi * (hours - 21) / 24),
        "o3": 1 + 0.7 * np.cos(2 * np.pi * (hours - 15) / 24),
    }
    hourly: dict[str, np.ndarray] = {}
    for p in POLS:
        lvl = base[p] * rng.lognormal(0, 0.25, size=S)                      # station level
        sign = -1 if p == "o3" else 1
        daily = lvl[:, None] * (1 + season[p] * winter)[None, :] * np.exp(sign * weather)
        x = daily[:, :, None] * diurnal[p][None, None, :]
        x *= rng.lognormal(0, 0.25, size=x.shape)
        if p == "co":
            np.round(x, 1, out=x)
        else:
            np.round(x, 0, out=x)
        # gaps: 3 % random hours, outages of 3–30 h, 1 % of stations down for 2–6 weeks
        x[rng.random(x.shape) < 0.03] = np.nan
        flat = x.reshape(S, D * 24)
        for _ in range(S * 4):
            s = rng.integers(S)
            t0 = rng.integers(D * 24)
            flat[s, t0:t0 + rng.integers(3, 31)] = np.nan
        for s in rng.choice(S, size=max(1, S // 100), replace=False):
            t0 = rng.integers(D * 24)
            flat[s, t0:t0 + rng.integers(14, 43) * 24] = np.nan
        hourly[p] = x
    return hourly, dates


def to_long(hourly: dict[str, np.ndarray], dates: np.ndarray):
    import pandas as pd

    S, D, _ = hourly["pm25"].shape
    df = pd.DataFrame({
        "station": np.repeat(np.arange(S, dtype=np.int32), D * 24),
        "day": np.tile(np.repeat(np.arange(D, dtype=np.int16), 24), S),
        "hour": np.tile(np.arange(24, dtype=np.int8), S * D),
    })
    for p in POLS:
        df[p] = hourly[p].reshape(-1)
    return df


# ---------------------------------------------------------------------------
# engine
# ---------------------------------------------------------------------------
def run_engine(hourly, dates, n_cities, phases=None):
    S = hourly["pm25"].shape[0]
    city_of = np.arange(S) % n_cities
    t0 = time.perf_counter()
    r = air.daily_aqi_from_hourly(hourly, dates)
    t1 = time.perf_counter()
    st = assessment.assess_period(r.daily.values, dates, aqi=r.aqi)
    t2 = time.perf_counter()
    cd = assessment.city_daily(r.daily.values, city_of, n_cities)
    ct = assessment.assess_period(cd.values, dates)
    t3 = time.perf_counter()
    if phases is not None:
        phases.update(daily_aqi=t1 - t0, station_assessment=t2 - t1, cities=t3 - t2)
    return {
        "aqi": r.aqi.aqi, "good_ratio": st.good_ratio, "pm25_mean": st.statistics[("pm25", "mean")].value,
        "o3_p90": st.statistics[("o3", "p90")].value, "co_p95": st.statistics[("co", "p95")].value,
        "composite": st.composite, "city_composite": ct.composite, "city_good_ratio": ct.good_ratio,
        "city_pm25": ct.statistics[("pm25", "mean")].value, "phases": phases,
    }


def run_engine_phases(hourly, dates, n_cities):
    return run_engine(hourly, dates, n_cities, phases={})


# ---------------------------------------------------------------------------
# pandas baseline
# ---------------------------------------------------------------------------
def _iaqi_interp(c: np.ndarray, bps) -> np.ndarray:
    bp = np.array([float(b) for b in bps])
    lv = np.array(IAQI_LEVELS[: len(bp)], dtype=float)
    v = np.ceil(np.interp(c, bp, lv))
    return np.where(np.isnan(c), np.nan, np.where(c > bp[-1], lv[-1], v))


def run_baseline(df, dates, n_cities):
    import pandas as pd

    year_rules = air.rules_for(str(dates[0]))
    bpt = BREAKPOINTS_2012 if year_rules.code == "2012" else BREAKPOINTS_2026
    S = int(df["station"].max()) + 1
    # daily means with validity counts (≥ 20 h)
    g = df.groupby(["station", "day"], sort=True)
    cols = ["so2", "no2", "co", "pm10", "pm25"]
    cnt = g[cols].count()
    daily = g[cols].mean().where(cnt >= 20)
    # O3: 8-h rolling mean (≥ 6 h); windows ending at hour ≥ 7 stay inside the day (and the station)
    roll = df["o3"].rolling(8, min_periods=6).mean()
    roll = roll.where(df["hour"].to_numpy() >= 7)
    o3 = pd.DataFrame({"station": df["station"], "day": df["day"], "w": roll, "h": df["o3"]})
    og = o3.groupby(["station", "day"], sort=True)
    mda8 = og["w"].max()
    nwin = og["w"].count()
    mda8 = mda8.where((nwin >= 14) | (mda8.round() > 160))
    o3max = og["h"].max().where((og["h"].count() >= 20) | (og["h"].max() > 200))
    daily["o3_8h"] = mda8
    daily["o3_1h"] = o3max
    # IAQI and AQI
    codes = {"so2": "so2_24h", "no2": "no2_24h", "co": "co_24h", "pm10": "pm10_24h", "pm25": "pm25_24h",
             "o3_8h": "o3_8h", "o3_1h": "o3_1h"}
    use = [c for c in codes if codes[c] in year_rules.daily_indicators]
    def rounded(frame, c):  # HJ 633-2026 §4.2.2: GB/T 8170 rounding before the IAQI (np.round is half-even)
        v = frame[c].to_numpy()
        return np.round(v, 1 if c == "co" else 0) if year_rules.round_inputs else v

    iaqi = pd.DataFrame({c: _iaqi_interp(rounded(daily, c), bpt[codes[c]]) for c in use}, index=daily.index)
    complete = iaqi.notna().all(axis=1)
    partial = iaqi.max(axis=1)
    # missing indicators: HJ 633-2012 days use what is available; HJ 633-2026 §5.3 needs complete or > 100
    aqi = partial if year_rules.code == "2012" else partial.where(complete | (partial > 100))
    daily["aqi"] = aqi
    daily["cat"] = pd.cut(aqi, [-1, 50, 100, 150, 200, 300, np.inf], labels=False) + 1
    primary = iaqi.eq(aqi, axis=0) & (aqi > 50).to_numpy()[:, None]   # ties kept
    daily["n_primary"] = primary.sum(axis=1)
    daily = daily.reset_index()
    daily["month"] = dates[daily["day"].to_numpy()].astype("datetime64[M]").astype(int) % 12 + 1

    def annual(dd: pd.DataFrame, key: str) -> pd.DataFrame:
        gg = dd.groupby(key)
        out = pd.DataFrame(index=gg.size().index)
        for p in ("so2", "no2", "pm10", "pm25"):
            out[f"{p}_mean"] = gg[p].mean()
        out["co_p95"] = gg["co"].quantile(0.95)
        out["o3_p90"] = gg["o3_8h"].quantile(0.90)
        out["pm25_p95"] = gg["pm25"].quantile(0.95)
        out["pm10_p95"] = gg["pm10"].quantile(0.95)
        out["so2_p98"] = gg["so2"].quantile(0.98)
        out["no2_p98"] = gg["no2"].quantile(0.98)
        # validity: ≥ 324 days and ≥ 27 per month (Feb ≥ 25)
        mc = dd.groupby([key, "month"])[["so2", "no2", "pm10", "pm25", "co", "o3_8h"]].count()
        need = np.where(mc.index.get_level_values("month") == 2, 25, 27)
        month_ok = mc.ge(need, axis=0).groupby(level=0).all()
        year_ok = gg[["so2", "no2", "pm10", "pm25", "co", "o3_8h"]].count() >= 324
        ok = (month_ok & year_ok)
        for p, col in (("so2", "so2_mean"), ("no2", "no2_mean"), ("pm10", "pm10_mean"), ("pm25", "pm25_mean"),
                       ("co", "co_p95"), ("o3_8h", "o3_p90")):
            out[col] = out[col].where(ok[p])
        valid = gg["aqi"].count()
        out["good_ratio"] = (dd["cat"] <= 2).groupby(dd[key]).sum() / valid
        days = dd.groupby([key, "cat"]).size().unstack(fill_value=0)
        for lvl in range(1, 7):
            out[f"days_{lvl}"] = days[lvl] if lvl in days.columns else 0
        rp = out.copy()
        for c in ("so2_mean", "no2_mean", "pm10_mean", "pm25_mean", "o3_p90"):
            rp[c] = np.round(rp[c])
        rp["co_p95"] = np.round(rp["co_p95"], 1)
        out["composite"] = (rp["so2_mean"] / 60 + rp["no2_mean"] / 40 + rp["pm10_mean"] / 70
                            + rp["pm25_mean"] / 35 + rp["co_p95"] / 4 + rp["o3_p90"] / 160)
        return out

    st = annual(daily, "station")
    daily["city"] = daily["station"] % n_cities
    cdaily = daily.groupby(["city", "day"])[["so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h"]].mean()
    ciaqi = pd.DataFrame({c: _iaqi_interp(rounded(cdaily, c), bpt[codes[c]]) for c in use}, index=cdaily.index)
    cpart = ciaqi.max(axis=1)
    cdaily["aqi"] = cpart.where(ciaqi.notna().all(axis=1) | (cpart > 100))
    cdaily["cat"] = pd.cut(cdaily["aqi"], [-1, 50, 100, 150, 200, 300, np.inf], labels=False) + 1
    cdaily = cdaily.reset_index()
    cdaily["month"] = dates[cdaily["day"].to_numpy()].astype("datetime64[M]").astype(int) % 12 + 1
    ct = annual(cdaily, "city")
    aqi_arr = np.full((S, len(dates)), np.nan)
    aqi_arr[daily["station"].to_numpy(), daily["day"].to_numpy()] = daily["aqi"].to_numpy()
    return {"aqi": aqi_arr, "good_ratio": st["good_ratio"].to_numpy(), "pm25_mean": st["pm25_mean"].to_numpy(),
            "o3_p90": st["o3_p90"].to_numpy(), "co_p95": st["co_p95"].to_numpy(),
            "composite": st["composite"].to_numpy(), "city_composite": ct["composite"].to_numpy(),
            "city_good_ratio": ct["good_ratio"].to_numpy(), "city_pm25": ct["pm25_mean"].to_numpy()}


# ---------------------------------------------------------------------------
# run each phase in a forked child: own wall time and own peak RSS
# ---------------------------------------------------------------------------
def in_child(fn, *args):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        try:
            t0 = time.perf_counter()
            c0 = time.process_time()
            res = fn(*args)
            dt = time.perf_counter() - t0
            cpu = time.process_time() - c0
            hwm = 0
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm = int(line.split()[1]) * 1024
            if isinstance(res, dict):
                res["cpu_seconds"] = cpu
            payload = pickle.dumps((dt, hwm, res, None))
        except BaseException as e:  # report, never hang the parent
            payload = pickle.dumps((0.0, 0, None, repr(e)))
        with os.fdopen(w, "wb") as fw:
            fw.write(payload)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fr:
        data = fr.read()
    os.waitpid(pid, 0)
    dt, hwm, res, err = pickle.loads(data)
    if err:
        raise RuntimeError(err)
    return dt, hwm, res


def current_rss() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, default=1000)
    ap.add_argument("--cities", type=int, default=10)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="engine runs (best time is reported)")
    ap.add_argument("--skip-baseline", action="store_true")
    a = ap.parse_args(argv)

    t0 = time.perf_counter()
    hourly, dates = make_data(a.stations, a.year, a.seed)
    n_values = sum(v.size for v in hourly.values())
    n_missing = sum(int(np.isnan(v).sum()) for v in hourly.values())
    nbytes = sum(v.nbytes for v in hourly.values())
    print(f"data: {a.stations} stations × {len(dates)} days × 24 h × 6 pollutants = {n_values / 1e6:.1f} M values "
          f"({n_missing / n_values:.1%} missing), {nbytes / 2**30:.2f} GiB; generated in "
          f"{time.perf_counter() - t0:.1f} s (not timed)")
    print(f"rules: {air.rules_for(str(dates[0])).name}; parent RSS before phases {current_rss() / 2**30:.2f} GiB")

    runs = [in_child(run_engine_phases, hourly, dates, a.cities) for _ in range(max(1, a.repeat))]
    e_time = min(r[0] for r in runs)
    e_mem = max(r[1] for r in runs)
    eng = runs[0][2]
    e_cpu = min(r[2]["cpu_seconds"] for r in runs)
    print(f"engine  : {e_time:6.2f} s wall (best of {len(runs)}: {', '.join(f'{r[0]:.2f}' for r in runs)}), "
          f"{e_cpu:.2f} s CPU, peak memory {e_mem / 2**30:.2f} GiB (incl. the data)")
    best = min(runs, key=lambda r: r[0])[2]["phases"]
    print("          phases of the best run: " + ", ".join(f"{k} {v:.2f} s" for k, v in best.items()))
    try:
        print(f"          load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (other processes slow both sides)")
    except OSError:
        pass
    if a.skip_baseline:
        return 0
    df = to_long(hourly, dates)
    del hourly
    b_time, b_mem, base = in_child(run_baseline, df, dates, a.cities)
    print(f"baseline: {b_time:6.2f} s wall, {base['cpu_seconds']:.2f} s CPU, peak memory {b_mem / 2**30:.2f} GiB "
          "(incl. the data as a long DataFrame)")
    print(f"ratio   : engine is {b_time / e_time:.1f}× faster (wall), {base['cpu_seconds'] / e_cpu:.1f}× (CPU)")
    # agreement
    both = ~np.isnan(eng["aqi"]) & ~np.isnan(base["aqi"])
    same = (eng["aqi"][both] == base["aqi"][both]).mean()
    only = int((np.isnan(eng["aqi"]) != np.isnan(base["aqi"])).sum())
    print(f"check   : daily AQI identical on {same:.4%} of {both.sum()} station-days; validity differs on "
          f"{only} station-days (any difference would be a ceiling that plain floats flip)")
    for k in ("pm25_mean", "o3_p90", "co_p95", "good_ratio", "composite", "city_composite", "city_good_ratio",
              "city_pm25"):
        x, y = np.asarray(eng[k], float), np.asarray(base[k], float)
        ok = ~np.isnan(x) & ~np.isnan(y)
        diff = np.abs(x[ok] - y[ok]).max() if ok.any() else float("nan")
        print(f"          {k:<16} max |engine − baseline| = {diff:.3g} over {ok.sum()} rows; "
              f"valid {int((~np.isnan(x)).sum())} vs {int((~np.isnan(y)).sum())}")
    print("          (composite differences: the baseline rounds float percentiles such as 292.5000000000001 up;"
          " the engine's exact 292.5 rounds half-even to 292, as GB/T 8170 requires)")
    target = "OK" if (e_time < 1.5 and b_time / e_time >= 5 and e_mem < 1.5 * 2**30) else "MISSED"
    print(f"targets (< 1.5 s, ≥ 5× baseline, < 1.5 GiB): {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
