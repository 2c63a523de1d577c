"""A hand-checked assessment on a small slice of real Beijing data: 东城区 (Dongsi + Tiantan),
January and February 2015. The expected values are computed here independently, in plain Python,
from the raw PRSA rows (hour h = h:00–h+1:00 local; 24-h mean ≥ 20 h; MDA8 over the 17 in-day
windows with ≥ 6 h, ≥ 14 windows or above 160; city day = mean of valid stations; HJ 663
percentiles; HJ 633-2012 IAQI rounded up, AQI of the pollutants available; the composite index of
the reported values)."""

import io
import json
import math
from collections import defaultdict

import pytest
from django.core.management import call_command
from quality_helpers import prsa_frame

pytestmark = pytest.mark.django_db

BP_IAQI = [0, 50, 100, 150, 200, 300, 400, 500]
BP_2012 = {
    "so2": [0, 50, 150, 475, 800, 1600, 2100, 2620], "no2": [0, 40, 80, 180, 280, 565, 750, 940],
    "pm10": [0, 50, 150, 250, 350, 420, 500, 600], "co": [0, 2, 4, 14, 24, 36, 48, 60],
    "o3_1h": [0, 160, 200, 300, 400, 800, 1000, 1200], "o3_8h": [0, 100, 160, 215, 265, 800],
    "pm25": [0, 35, 75, 115, 150, 250, 350, 500],
}
PLAIN = {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "CO": "co", "O3": "o3"}


def mean(xs):
    return sum(xs) / len(xs)


def station_days(df):
    hours = defaultdict(lambda: {p: [None] * 24 for p in PLAIN.values()})
    for row in df.to_dict("records"):
        day = (int(row["year"]), int(row["month"]), int(row["day"]))
        for col, p in PLAIN.items():
            v = df_value(row, col)
            if v is not None:
                hours[day][p][int(row["hour"])] = v / 1000 if p == "co" else v
    out = {}
    for day, h in hours.items():
        d = {}
        for p in ("so2", "no2", "pm10", "pm25", "co"):
            ok = [x for x in h[p] if x is not None]
            d[p] = mean(ok) if len(ok) >= 20 else None
        o3 = h["o3"]
        windows = []
        for s in range(17):
            w = [x for x in o3[s:s + 8] if x is not None]
            if len(w) >= 6:
                windows.append(mean(w))
        mx = max(windows) if windows else None
        d["o3_8h"] = mx if (len(windows) >= 14 or (mx is not None and mx > 160)) else None
        ok = [x for x in o3 if x is not None]
        d["o3_1h"] = max(ok) if (len(ok) >= 20 or (ok and max(ok) > 200)) else None
        out[day] = d
    return out


def df_value(row, col):
    v = row[col]
    return None if v in ("NA", "") else float(v)


def iaqi(ind, c):
    bp = BP_2012[ind]
    for i in range(1, len(bp)):
        if c <= bp[i]:
            lo, hi = bp[i - 1], bp[i]
            return math.ceil((BP_IAQI[i] - BP_IAQI[i - 1]) * (c - lo) / (hi - lo) + BP_IAQI[i - 1])
    return 500


def percentile(xs, p):
    xs = sorted(xs)
    k = 1 + (len(xs) - 1) * p / 100
    s = int(math.floor(k))
    return xs[s - 1] + (xs[min(s, len(xs) - 1)] - xs[s - 1]) * (k - s)


def half_even(x, nd=0):
    from decimal import ROUND_HALF_EVEN, Decimal

    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_EVEN))


def expected(months):
    a = station_days(prsa_frame("Dongsi", months))
    b = station_days(prsa_frame("Tiantan", months))
    city = {}
    for day in sorted(set(a) | set(b)):
        d = {}
        for k in ("so2", "no2", "pm10", "pm25", "co", "o3_8h", "o3_1h"):
            vals = [s[day][k] for s in (a, b) if day in s and s[day][k] is not None]
            d[k] = mean(vals) if vals else None
        city[day] = d
    res = {}
    for key, k in (("pm25_mean", "pm25"), ("pm10_mean", "pm10"), ("so2_mean", "so2"), ("no2_mean", "no2")):
        res[key] = half_even(mean([d[k] for d in city.values() if d[k] is not None]))
    res["co_p95"] = half_even(percentile([d["co"] for d in city.values() if d["co"] is not None], 95), 1)
    res["o3_8h_p90"] = half_even(percentile([d["o3_8h"] for d in city.values() if d["o3_8h"] is not None], 90))
    good = valid = heavy = 0
    for d in city.values():
        keys = {"so2": "so2", "no2": "no2", "pm10": "pm10", "co": "co", "o3_1h": "o3_1h", "o3_8h": "o3_8h",
                "pm25": "pm25"}
        avail = [iaqi(ind, d[k]) for ind, k in keys.items() if d[k] is not None]
        aqi = max(avail) if avail else None
        # HJ 633-2012 days (all of 2015): the AQI of the pollutants available (no §5.3 rule yet)
        if aqi is not None:
            valid += 1
            good += aqi <= 100
            heavy += aqi > 200
    res.update(good_days=good, valid_days=valid, heavy_days=heavy,
               good_day_ratio=half_even(100 * good / valid, 1))
    si = {"so2_mean": 60, "no2_mean": 40, "pm10_mean": 70, "pm25_mean": 35, "co_p95": 4, "o3_8h_p90": 160}
    res["composite_index"] = half_even(sum(res[k] / s for k, s in si.items()), 2)
    return res


@pytest.mark.parametrize("month", [1, 2])
def test_assess_air_json_matches_hand_computation(beijing_slice, month):
    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110101", "--year", "2015", "--month", str(month), "--json",
                 stdout=out)
    got = json.loads(out.getvalue())
    exp = expected(((2015, month),))
    for key, value in exp.items():
        assert got[key] == pytest.approx(value), key
    assert got["rules"] == {"HJ 633-2012 / GB 3095-2012": 31 if month == 1 else 28}
    assert sum(got["category_days"].values()) == got["valid_days"]
    assert set(got["category_days"]) == {"优", "良", "轻度污染", "中度污染", "重度污染", "严重污染"}


def test_assess_cli_json_keys_and_table(beijing_slice):
    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110000", "--year", "2015", "--from", "2015-01-01",
                 "--to", "2015-03-31", "--json", stdout=out)
    got = json.loads(out.getvalue())
    for key in ("pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95", "o3_8h_p90", "good_days",
                "valid_days", "good_day_ratio", "heavy_days", "composite_index", "category_days", "rules"):
        assert key in got, key
    assert got["valid_days"] <= 90
    text = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110000", "--year", "2015", "--month", "3", stdout=text)
    assert "优良天数比率" in text.getvalue() and "HJ 633-2012" in text.getvalue()


def test_period_stats_stored_and_equal_to_assessment(beijing_slice, client_for):
    from envbureau.quality.models import AirPeriodStat

    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110102", "--year", "2015", "--month", "2", "--json", stdout=out)
    got = json.loads(out.getvalue())
    st = AirPeriodStat.objects.get(jurisdiction__code="110102", period="month", start="2015-02-01")
    for key in ("pm25_mean", "co_p95", "o3_8h_p90", "good_days", "valid_days", "good_day_ratio", "composite_index"):
        assert getattr(st, key) == got[key], key
    assert st.rules == {"HJ 633-2012 / GB 3095-2012": 28}
    r = client_for("dongcheng").get("/api/v1/quality/period-stats/?period=month").json()
    assert r["count"] == 3 and {x["jurisdiction"] for x in r["results"]} == {"110101"}


def test_stored_month_summaries_equal_a_fresh_assessment(beijing_slice):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.assessment import assess_many, make_period, period_kind, summaries, summary

    ids = list(Jurisdiction.objects.filter(code__in=["110000", "110101", "110102"]).values_list("pk", flat=True))
    p = make_period(2015, 2)
    assert period_kind(p) == "month"
    stored = summaries(ids, p)  # read from AirPeriodStat
    pa = assess_many(ids, p)
    for i, a in enumerate(stored):
        fresh = summary(pa, i, p)
        for key in ("pm25_mean", "composite_index", "good_day_ratio", "valid_days", "heavy_days"):
            assert a[key] == fresh[key], key
