"""Stored quarter statistics (issue 17): the all-city street ranking of a quarter reads AirPeriodStat rows, not every
day of the quarter, its previous quarter and the same quarter last year. The stored figures must equal a fresh
assessment of the days, and must follow the days when an import or a data review changes them."""

import datetime as dt

import pytest
from quality_helpers import prsa_bytes

pytestmark = pytest.mark.django_db

KEYS = ("pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95", "o3_8h_p90", "good_days", "valid_days",
        "good_day_ratio", "heavy_days", "composite_index")


def _ids():
    from envbureau.core.models import Jurisdiction

    return list(Jurisdiction.objects.filter(code__in=["110000", "110101", "110102"]).order_by("code")
                .values_list("pk", flat=True))


def _fresh(ids, p):
    from envbureau.quality.assessment import assess_many, summary

    pa = assess_many(ids, p)
    return [{k: summary(pa, i, p)[k] for k in KEYS} for i in range(len(ids))]


def _stored(ids, p):
    from envbureau.quality.models import AirPeriodStat

    rows = {r.jurisdiction_id: r for r in AirPeriodStat.objects.filter(jurisdiction_id__in=ids, period="quarter",
                                                                       start=p.start)}
    return [{k: getattr(rows[j], k) for k in KEYS} if j in rows else None for j in ids]


def test_quarter_is_a_stored_period_kind():
    from envbureau.quality.assessment import Period, make_period, period_kind

    assert [period_kind(make_period(2015, quarter=q)) for q in (1, 2, 3, 4)] == ["quarter"] * 4
    assert period_kind(make_period(2015, 2)) == "month" and period_kind(make_period(2015)) == "year"
    # two months, a half year, three months across a year end, a quarter starting mid-month: computed, not stored
    assert period_kind(Period(dt.date(2015, 1, 1), dt.date(2015, 2, 28), "")) is None
    assert period_kind(make_period(2015, half=1)) is None
    assert period_kind(Period(dt.date(2015, 11, 1), dt.date(2016, 1, 31), "")) is None
    assert period_kind(Period(dt.date(2015, 2, 1), dt.date(2015, 4, 30), "")) is None


def test_stored_quarter_equals_a_fresh_assessment(beijing_slice):
    from envbureau.quality.assessment import make_period, summaries

    ids, q1 = _ids(), make_period(2015, quarter=1)
    stored = _stored(ids, q1)
    assert None not in stored, "an import of January–March stores the first quarter of every jurisdiction"
    fresh = _fresh(ids, q1)
    assert stored == fresh
    assert all(80 <= s["valid_days"] <= 90 for s in stored)  # the slice covers the whole quarter (a few days invalid)
    # summaries() (what the ranking pages call) answers the quarter from the stored rows
    got = summaries(ids, q1)
    assert [{k: g[k] for k in KEYS} for g in got] == fresh
    # the quarter is not the mean of its months: the percentiles are over the quarter's days
    from envbureau.quality.models import AirPeriodStat

    months = AirPeriodStat.objects.filter(jurisdiction_id=ids[0], period="month").order_by("start")
    assert len(months) == 3 and stored[0]["valid_days"] == sum(m.valid_days for m in months)


def test_quarter_follows_a_reimport_with_changed_values(beijing_slice, raw_slice):
    from envbureau.quality.airdata import import_files
    from envbureau.quality.assessment import make_period

    ids, q1 = _ids(), make_period(2015, quarter=1)
    before = _stored(ids, q1)
    df = raw_slice["Dongsi"].copy()  # Dongsi is in 东城区 (110101): its March PM2.5 tripled
    march = (df["month"] == "3").values & (df["PM2.5"] != "NA").values
    df.loc[march, "PM2.5"] = (df.loc[march, "PM2.5"].astype(float) * 3).astype(str)
    out = import_files([("PRSA_Data_Dongsi_slice.csv", prsa_bytes(df))], fmt="prsa")
    assert out["updated"] > 0
    after = _stored(ids, q1)
    assert after == _fresh(ids, q1)
    dongcheng = ids.index(_ids_by_code()["110101"])
    assert after[dongcheng]["pm25_mean"] > before[dongcheng]["pm25_mean"]


def test_quarter_follows_a_data_review(beijing_slice, client_for):
    """Marking hours invalid (a data review) rebuilds the days, and with them the stored quarter."""
    from envbureau.quality.assessment import make_period
    from envbureau.quality.models import AirStation

    ids, q1 = _ids(), make_period(2015, quarter=1)
    before = _stored(ids, q1)
    dongsi = AirStation.objects.get(name_en="Dongsi")
    r = client_for("air_staff").post("/quality/reviews/", {
        "station": dongsi.pk, "start": "2015-03-01T00:00", "end": "2015-03-31T23:00", "pollutants": ["pm25"],
        "reason": "传感器故障"})
    assert r.status_code in (200, 302), r.content[:500]
    after = _stored(ids, q1)
    assert after == _fresh(ids, q1)
    assert after != before


def _ids_by_code():
    from envbureau.core.models import Jurisdiction

    return dict(Jurisdiction.objects.filter(code__in=["110000", "110101", "110102"]).values_list("code", "pk"))
