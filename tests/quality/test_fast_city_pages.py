"""The city-scale fast paths of the street rankings and the micro-station check (issue 17: 600 stations × 5 years)
give exactly what the straightforward computation gives.

- street rankings: the streets with results found by an EXISTS per street (not a DISTINCT over the days), the
  figures of a period that is not stored (a week, any run of days) from ``headline_values`` (all rows of one
  PeriodAssessment at once, not a full summary per street), ranks by a binary search: the whole ranking equals the
  one made with a full ``summary`` of every street from its days, the old query and the counting rank, for weeks,
  months, quarters, years and a run of days, for a city reader and a district officer;
- the stored periods are written through ``headline_values`` too, and a week's figures follow the days after a
  re-import, a data review and a correction factor;
- the micro-station check: medians and 7-day block medians of all stations at once equal ``_median`` and ``_step``
  station by station."""

import datetime as dt

import numpy as np
import pytest
from quality_helpers import prsa_bytes

pytestmark = pytest.mark.django_db

EPOCH = dt.date(1970, 1, 1)
STREETS = 9
SPAN = (dt.date(2015, 1, 1), dt.date(2016, 12, 31))


# ---------------------------------------------------------------------------------------------------------------
# the straightforward computations, as the code made them before the fast paths
# ---------------------------------------------------------------------------------------------------------------
def counting_rank(values, better="lower"):
    vals = [None if v is None else (v if better == "lower" else -v) for v in values]
    return [None if v is None else 1 + sum(1 for w in vals if w is not None and w < v) for v in vals]


def distinct_streets_of(city, period, user=None):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import CityDaily

    ids = (CityDaily.objects.filter(jurisdiction__path__startswith=city.path, jurisdiction__level="street",
                                    date__gte=period.start, date__lte=period.end)
           .values("jurisdiction_id").distinct())
    return list(Jurisdiction.objects.filter(pk__in=ids).select_related("parent").order_by("path"))


def full_summaries(ids, period, brief=False):
    """Every period (stored or not) assessed from its days, a full summary per jurisdiction."""
    from envbureau.quality.assessment import assess_many, summary

    pa = assess_many(ids, period)
    return [summary(pa, i, period) for i in range(len(ids))]


def straightforward_ranking(monkeypatch, *args, **kw):
    from envbureau.quality import assessment as A
    from envbureau.quality import street_rankings as SR

    with monkeypatch.context() as m:
        m.setattr(SR, "streets_of", distinct_streets_of)
        m.setattr(A, "summaries", full_summaries)
        m.setattr(A, "competition_rank", counting_rank)
        return SR.street_ranking(*args, **kw)


# ---------------------------------------------------------------------------------------------------------------
# street days: 9 streets in two districts, two years of seeded random days (integers, so ties happen), gaps
# ---------------------------------------------------------------------------------------------------------------
@pytest.fixture
def street_days(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.derived import rebuild_period_stats
    from envbureau.quality.models import CityDaily

    rng = np.random.default_rng(17)
    streets = []
    for i in range(STREETS):
        district = Jurisdiction.objects.get(code="110101" if i < 5 else "110102")
        streets.append(Jurisdiction.objects.create(code=f"{district.code}{880 + i}000", name=f"测试街道{i}",
                                                   level="street", parent=district))
    days = [SPAN[0] + dt.timedelta(days=k) for k in range((SPAN[1] - SPAN[0]).days + 1)]
    rows = []
    for i, s in enumerate(streets):
        for d in days:
            if rng.random() < 0.08:  # a gap
                continue
            if i == STREETS - 1 and d.year == 2016 and d.month in (2, 3):  # a street without results for a while
                continue
            pm25 = None if rng.random() < 0.05 else float(rng.integers(25, 45))
            rows.append(CityDaily(jurisdiction=s, date=d, pm25=pm25, pm10=float(rng.integers(50, 90)),
                                  so2=float(rng.integers(3, 12)), no2=float(rng.integers(20, 50)),
                                  co=float(rng.integers(4, 14)) / 10, o3_8h=float(rng.integers(60, 180)),
                                  valid=True, rules="2012", n_stations=1))
    CityDaily.objects.bulk_create(rows)
    rebuild_period_stats([s.pk for s in streets], (SPAN[0] - EPOCH).days, (SPAN[1] - EPOCH).days)
    return streets


def _periods():
    from envbureau.quality.assessment import Period, make_period

    weeks = [Period(dt.date.fromisocalendar(2016, w, 1), dt.date.fromisocalendar(2016, w, 7), f"2016年第{w}周")
             for w in (1, 9, 10, 23, 50)]
    return [*weeks, make_period(2016, 3), make_period(2016, 1), make_period(2016, quarter=1),
            make_period(2016, quarter=4), make_period(2016), make_period(start="2016-02-10", end="2016-04-05")]


@pytest.mark.parametrize("by", ["composite_index", "pm25_mean"])
def test_street_ranking_equals_the_straightforward_computation(street_days, monkeypatch, by):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.street_rankings import street_ranking

    city = Jurisdiction.objects.get(code="110000")
    ties = 0
    for p in _periods():
        fast = street_ranking(city, p, by, 3)
        assert fast == straightforward_ranking(monkeypatch, city, p, by, 3), p
        assert fast["n_streets"] >= STREETS - 1
        ties += sum(1 for r in fast["rows"] if r["tied"])
    if by == "pm25_mean":
        assert ties, "integer PM2.5 means tie somewhere: the ranks of ties are compared too"
    # a district officer's rows (ranks among all streets of the city)
    dongcheng = {s.pk for s in street_days[:5]}
    p = _periods()[2]
    assert (street_ranking(city, p, by, 3, visible=dongcheng)
            == straightforward_ranking(monkeypatch, city, p, by, 3, visible=dongcheng))


def test_a_street_without_results_in_the_period_is_not_listed(street_days):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.assessment import make_period
    from envbureau.quality.street_rankings import streets_of

    city, district = Jurisdiction.objects.get(code="110000"), Jurisdiction.objects.get(code="110102")
    for p in (make_period(2016, 2), make_period(2016, 4), make_period(start="2016-03-31", end="2016-04-01")):
        for area in (city, district):
            assert streets_of(area, p) == distinct_streets_of(area, p)
    assert street_days[-1] not in streets_of(city, make_period(2016, 3))
    assert street_days[-1] in streets_of(city, make_period(start="2016-03-31", end="2016-04-01"))


def test_the_page_and_api_rank_a_week_as_before(street_days, client_for, monkeypatch):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.assessment import Period

    c = client_for("air_staff")
    r = c.get("/api/v1/quality/street-rankings/?jurisdiction=110000&week=2016-W10&by=pm25_mean")
    assert r.status_code == 200
    monday = dt.date.fromisocalendar(2016, 10, 1)
    want = straightforward_ranking(monkeypatch, Jurisdiction.objects.get(code="110000"),
                                   Period(monday, monday + dt.timedelta(days=6), "2016年第10周"), "pm25_mean")
    assert r.json()["rows"] == want["rows"]
    page = c.get("/quality/street-rankings/?j=110000&week=2016-W10&by=pm25_mean")
    assert page.status_code == 200 and want["rows"][0]["street"] in page.content.decode()


def test_competition_rank_by_search_equals_counting():
    import random

    from envbureau.quality.assessment import competition_rank

    rnd = random.Random(17)
    for _k in range(200):
        n = rnd.randint(0, 40)
        values = [None if rnd.random() < 0.15 else rnd.choice([rnd.randint(20, 30), round(rnd.uniform(2, 6), 2)])
                  for _i in range(n)]
        for better in ("lower", "higher"):
            assert competition_rank(values, better) == counting_rank(values, better), values
    assert competition_rank([1.0, float("nan"), 1.0, None]) == counting_rank([1.0, float("nan"), 1.0, None])
    assert competition_rank([3, 1, 1, 2]) == [4, 1, 1, 3]


# ---------------------------------------------------------------------------------------------------------------
# headline_values = summary() for the stored keys; stored and not-stored periods follow the days
# ---------------------------------------------------------------------------------------------------------------
KEYS = ("pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95", "o3_8h_p90", "good_days", "valid_days",
        "good_day_ratio", "heavy_days", "composite_index", "rules", "category_days")


def _fresh(ids, p):
    from envbureau.quality.assessment import assess_many, summary

    pa = assess_many(ids, p)
    return [{k: summary(pa, i, p)[k] for k in KEYS} for i in range(len(ids))]


def _ids():
    from envbureau.core.models import Jurisdiction

    return list(Jurisdiction.objects.filter(code__in=["110000", "110101", "110102"]).order_by("code")
                .values_list("pk", flat=True))


def _week():
    from envbureau.quality.assessment import make_period

    return make_period(start="2015-03-09", end="2015-03-15")


def _brief(ids, p):
    from envbureau.quality.assessment import summaries

    return summaries(ids, p, brief=True)


def _stored(ids, kind, p):
    from envbureau.quality.models import AirPeriodStat

    rows = {r.jurisdiction_id: r for r in AirPeriodStat.objects.filter(jurisdiction_id__in=ids, period=kind,
                                                                       start=p.start)}
    return [{k: getattr(rows[j], k) for k in KEYS} if j in rows else None for j in ids]


def test_headline_values_equal_summary(beijing_slice, street_days):
    from envbureau.quality.assessment import assess_many, headline_values, make_period

    ids = _ids() + [s.pk for s in street_days]
    for p in (_week(), make_period(2015, 2), make_period(2015, quarter=1), make_period(start="2015-01-20",
                                                                                       end="2015-04-02"),
              make_period(2014, 6), make_period(2016, 2)):  # (no data at all in June 2014 for the Beijing slice)
        got = [{k: v[k] for k in KEYS} for v in headline_values(assess_many(ids, p))]
        assert got == _fresh(ids, p), p
    # the stored months, quarters and years are written with it: equal to a fresh full summary, key by key
    for kind, p in (("month", make_period(2015, 3)), ("quarter", make_period(2015, quarter=1)),
                    ("year", make_period(2015))):
        fresh = _fresh(ids, p)
        assert _stored(ids, kind, p) == [f if f["valid_days"] else None for f in fresh], kind


def test_week_figures_follow_a_reimport_a_review_and_a_correction(beijing_slice, raw_slice, client_for):
    from envbureau.quality.airdata import import_files
    from envbureau.quality.assessment import make_period
    from envbureau.quality.models import AirStation, SensorCorrection

    ids, week, q1 = _ids(), _week(), make_period(2015, quarter=1)
    seen = [_brief(ids, week)]
    assert seen[0] == [{k: f[k] for k in KEYS if k != "category_days"} for f in _fresh(ids, week)]

    def check():
        now = _brief(ids, week)
        assert now == [{k: f[k] for k in KEYS if k != "category_days"} for f in _fresh(ids, week)]
        assert _stored(ids, "quarter", q1) == _fresh(ids, q1)
        assert now != seen[-1]
        seen.append(now)

    df = raw_slice["Dongsi"].copy()  # Dongsi (东城区): its March PM2.5 doubled, re-imported
    march = (df["month"] == "3").values & (df["PM2.5"] != "NA").values
    df.loc[march, "PM2.5"] = (df.loc[march, "PM2.5"].astype(float) * 2).astype(str)
    assert import_files([("PRSA_Data_Dongsi_slice.csv", prsa_bytes(df))], fmt="prsa")["updated"] > 0
    check()
    dongsi = AirStation.objects.get(name_en="Dongsi")
    r = client_for("air_staff").post("/quality/reviews/", {
        "station": dongsi.pk, "start": "2015-03-10T00:00", "end": "2015-03-12T23:00", "pollutants": ["pm25"],
        "reason": "传感器故障"})
    assert r.status_code in (200, 302), r.content[:500]
    check()
    SensorCorrection.objects.create(station=dongsi, pollutant="pm25", start=dt.date(2015, 3, 1),
                                    end=dt.date(2015, 3, 31), factor=0.5, reason="比对")
    check()


# ---------------------------------------------------------------------------------------------------------------
# micro-station check: all stations at once = station by station
# ---------------------------------------------------------------------------------------------------------------
def test_medians_at_once_equal_np_median_row_by_row():
    from envbureau.quality.micro import medians

    rng = np.random.default_rng(17)
    a = rng.uniform(0.3, 2.5, size=(400, 31))
    a[rng.random(a.shape) < 0.3] = np.nan
    a[:20] = np.nan  # no value at all
    a[20:40, 4:] = np.nan  # four values: below 5, at 4
    a[40:60, :3] = 1.25  # repeated values
    for min_n in (4, 5):
        got = medians(a, min_n)
        for i, row in enumerate(a):
            x = row[~np.isnan(row)]
            want = float(np.median(x)) if len(x) >= min_n else None
            assert (None if np.isnan(got[i]) else float(got[i])) == want, (i, min_n)
    blocks = medians(a[:, :28].reshape(400, 4, 7), 4)
    assert blocks.shape == (400, 4)


def _reference_check(stations, start, end):
    """micro.check as it was: a loop per micro station over _median and _step."""
    from envbureau.quality import micro
    from envbureau.quality.choices import AirControlLevel
    from envbureau.quality.models import AirStation, SensorCorrection

    ms = [s for s in stations if s.control_level == AirControlLevel.MICRO]
    refs = list(AirStation.objects.exclude(control_level=AirControlLevel.MICRO).filter(active=True))
    factors = {}
    for c in SensorCorrection.objects.filter(station__in=ms, pollutant="pm25", start__lte=end):
        if c.end is None or c.end >= start:
            factors.setdefault(c.station_id, []).append(c)
    pairs = [(m, *micro.nearest_reference(m, refs)) for m in ms]
    ref_ids = sorted({r.pk for _m, r, _d in pairs if r is not None})
    mine, theirs = micro._daily([m.pk for m in ms], start, end), micro._daily(ref_ids, start, end)
    rpos = {r: i for i, r in enumerate(ref_ids)}
    with np.errstate(invalid="ignore", divide="ignore"):
        pm_ratio = mine["pm25_raw"] / mine["pm10_raw"]
    out = []
    for i, (m, ref, km) in enumerate(pairs):
        row = {"station": m, "reference": ref, "distance_km": None if km is None else round(km, 2),
               "paired_days": 0, "ratio_raw": None, "ratio": None, "suggested_factor": None,
               "factors": factors.get(m.pk, []), "flags": []}
        if ref is not None:
            rd = theirs["pm25"][rpos[ref.pk]]
            ok = ~np.isnan(mine["pm25"][i]) & ~np.isnan(rd) & (rd > 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                q_raw = np.where(ok, mine["pm25_raw"][i] / rd, np.nan)
                q_cor = np.where(ok, mine["pm25"][i] / rd, np.nan)
            row["paired_days"] = int(ok.sum())
            row["ratio_raw"], row["ratio"] = micro._median(q_raw), micro._median(q_cor)
            if row["ratio_raw"]:
                row["suggested_factor"] = round(1 / row["ratio_raw"], 2)
            if micro.drift_flag(row["ratio"]):
                pct = f"{abs(row['ratio'] - 1) * 100:.0f}"
                text = (f"与参比站相比偏高{pct}%" if row["ratio"] > 1 else f"与参比站相比偏低{pct}%")
                row["flags"].append({"kind": "drift", "text": text})
            step = micro._step(q_cor, start)
            if step:
                row["flags"].append({"kind": "step", "text": step})
        pr = pm_ratio[i]
        both = ~np.isnan(pr) & ~np.isinf(pr)
        if both.sum():
            bad = both & ((pr > micro.PM_RATIO_RANGE[1]) | (pr < micro.PM_RATIO_RANGE[0]))
            share = bad.sum() / both.sum()
            row["pm_bad_share"] = round(float(share) * 100, 1)
            if share > micro.PM_SHARE_LIMIT:
                row["flags"].append({"kind": "pm_ratio", "text": f"PM2.5/PM10 日均值比值不合理的天数占{share * 100:.1f}%"})
        out.append(row)
    return out


@pytest.fixture
def micro_days(demo_core):
    """3 reference and 40 micro stations with seeded random daily PM2.5/PM10 for March 2016: gaps, drifting and
    stepping sensors, PM2.5 above PM10 on some days, a reference without coordinates, a micro without either."""
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import AirDaily, AirStation

    rng = np.random.default_rng(17)
    dc = Jurisdiction.objects.get(code="110101")
    refs = [AirStation.objects.create(code=f"R{k}", name=f"参比{k}", control_level="national", jurisdiction=dc,
                                      longitude=None if k == 2 else 116.3 + 0.1 * k, latitude=39.9)
            for k in range(3)]
    micros = [AirStation.objects.create(code=f"M{k:02d}", name=f"微站{k}", control_level="micro", jurisdiction=dc,
                                        longitude=None if k == 39 else 116.25 + rng.uniform(0, 0.2),
                                        latitude=39.85 + rng.uniform(0, 0.1)) for k in range(40)]
    start, rows = dt.date(2016, 3, 1), []
    for k, s in enumerate(refs + micros):
        gain = 1.0 if k < 3 else rng.choice([1.0, 1.0, 1.4, 0.6, 1.31])
        for day in range(31):
            if rng.random() < (0.1 if k % 7 else 0.85):  # some stations with few days
                continue
            g = gain * (1.5 if k % 5 == 0 and day >= 15 else 1.0)  # a step half way
            pm25 = round(float(rng.integers(20, 90)) * g, 1)
            pm10 = None if rng.random() < 0.1 else round(pm25 * rng.uniform(0.8, 2.2), 1)
            rows.append(AirDaily(station=s, date=start + dt.timedelta(days=day), pm25=pm25, pm10=pm10, rules="2012"))
    AirDaily.objects.bulk_create(rows)
    return refs + micros


def _comparable(rows):
    return [{**r, "station": r["station"].pk, "reference": r["reference"] and r["reference"].pk,
             "factors": [c.pk for c in r["factors"]]} for r in rows]


def test_micro_check_at_once_equals_the_station_loop(micro_days):
    from envbureau.quality import micro
    from envbureau.quality.models import SensorCorrection

    start, end = dt.date(2016, 3, 1), dt.date(2016, 3, 31)
    got = micro.check(micro_days, start, end)
    assert _comparable(got) == _comparable(_reference_check(micro_days, start, end))
    kinds = {f["kind"] for r in got for f in r["flags"]}
    assert kinds == {"drift", "step", "pm_ratio"}
    assert any(r["ratio"] is None and r["reference"] is not None for r in got)  # too few paired days
    # with correction factors (raw ratios recovered from the stored corrected days)
    for k in (4, 5, 6):
        SensorCorrection.objects.create(station=micro_days[3 + k], pollutant="pm25", start=dt.date(2016, 3, 10),
                                        factor=0.7, reason="比对")
    got = micro.check(micro_days, start, end)
    assert _comparable(got) == _comparable(_reference_check(micro_days, start, end))
    assert sum(1 for r in got if r["factors"]) == 3
    # a month with no micro data, and no micro stations
    assert _comparable(micro.check(micro_days, dt.date(2016, 4, 1), dt.date(2016, 4, 30))) == \
        _comparable(_reference_check(micro_days, dt.date(2016, 4, 1), dt.date(2016, 4, 30)))
    assert micro.check(micro_days[:3], start, end) == []


# ---------------------------------------------------------------------------------------------------------------
# the import's helpers: the same values with less Python per row
# ---------------------------------------------------------------------------------------------------------------
def test_import_helpers_equal_the_per_row_forms():
    from envbureau.quality.airdata import _time_list, _time_strings
    from envbureau.quality.derived import _codes, _path_prefixes, day_offsets

    rng = np.random.default_rng(17)
    epoch = (1_700_000_000 // 3600 + rng.integers(0, 800, size=5000)) * 3600
    assert _time_list(epoch) == _time_strings(epoch).tolist()
    assert _time_list(epoch[:0]) == []
    union = ["so2_24h", "no2_24h", "co_24h", "pm10_24h", "pm25_24h", "o3_8h", "o3_1h"]
    flags = rng.random((3000, 7)) < 0.2
    names = np.array(union)
    assert _codes(flags, union) == [",".join(names[row]) for row in flags]
    assert _codes(flags[:0], union) == []
    d0 = (dt.date(2025, 12, 31) - EPOCH).days
    for days in ([dt.date(2025, 12, 30), dt.date(2026, 1, 2), dt.date(2026, 1, 1), dt.datetime(2026, 1, 5, 0, 0)],
                 ["2025-12-30", "2026-01-02", "2026-01-01", "2026-01-05 00:00:00"]):
        assert day_offsets(days, d0).tolist() == [-1, 2, 1, 5]
        assert day_offsets(days, dt.date(2025, 12, 31)).tolist() == [-1, 2, 1, 5]
    assert day_offsets([], d0).tolist() == []
    # a station lies in a jurisdiction when its path starts with the jurisdiction's
    paths = ["/110000/", "/110000/110101/", "/110000/110101/110101001000/", "/110000/11010/", "/120000/"]
    for station in ("/110000/110101/110101001000/", "/110000/110101/", "/110000/1101011/"):
        assert [p for p in paths if p in _path_prefixes(station)] == [p for p in paths if station.startswith(p)]


def test_day_rows_of_a_filter_that_matches_nothing(db):
    """An empty id list (a street ranking with no street of the area ranked) reads no rows instead of raising
    EmptyResultSet (the all-city street rankings page answered 500 in the sweep)."""
    from envbureau.quality import derived
    from envbureau.quality.models import CityDaily

    assert derived.day_rows(CityDaily.objects.filter(jurisdiction_id__in=[]), "jurisdiction_id",
                            [derived.DAILY_COLUMNS[0]]) == []


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_table_rows_render_as_the_template_loop(lang):
    """{% table_rows rows %} (each distinct str/int/float rendered once) gives exactly the markup of the loop
    {% for row in rows %}<tr>{% for v in row %}<td>{{ v|default_if_none:"—" }}</td>{% endfor %}</tr>{% endfor %}:
    escaping, safe strings, localised numbers, 0.0 and -0.0, None, dates and Decimals, repeated values."""
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation
    from django.utils.safestring import mark_safe

    rows = [["天坛<微站>", "A&B", 1234, 1.5, 0.0, None, dt.date(2016, 12, 10), Decimal("1.50"), mark_safe("<b>x</b>")],
            ["天坛<微站>", "A&B", 1234, 1.5, -0.0, None, dt.date(2016, 12, 10), Decimal("1.5"), "<b>x</b>"],
            ["", "", 31, 1234567.25, float("nan"), True, False, 0, 1.0]]
    loop = Template('{% for row in rows %}<tr>{% for v in row %}<td>{{ v|default_if_none:"—" }}</td>{% endfor %}</tr>'
                    '{% endfor %}')
    fast = Template("{% load quality_tags %}{% table_rows rows %}")
    with translation.override(lang):
        assert fast.render(Context({"rows": rows})) == loop.render(Context({"rows": rows}))
