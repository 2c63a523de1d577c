"""Demo step 21 (issue 17): synthetic street micro stations beside the real national ones, in the street ranking
network only, so the all-city street rankings and the micro-station check have data on the demo. Built here from
a hand-made December 2016 of the reference stations (the real demo uses their 2016-09 … 2017-02 hours)."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db

HEAD = "站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\n"
REFS = ("BJ-Dongsi", "BJ-Tiantan", "BJ-Nongzhanguan", "BJ-Guanyuan", "BJ-Wanshouxigong")


def _reference_days():
    lines = [f"{code},2016-12-{d:02d} {h:02d}:00,40,80,5,40,0.6,60" for code in REFS for d in range(1, 32)
             for h in range(24)]
    return (HEAD + "\n".join(lines) + "\n").encode()


def test_micro_stations_rank_streets_and_the_drifting_sensor_is_flagged(stations, client_for):
    from envbureau.quality import micro
    from envbureau.quality.airdata import import_files
    from envbureau.quality.assessment import make_period
    from envbureau.quality.demo_micro import DRIFT_CODE, load_micro
    from envbureau.quality.models import AirHourly, AirStation, CityDaily, StationNetwork
    from envbureau.quality.street_rankings import street_ranking

    import_files([("refs.csv", _reference_days())])
    log = []
    load_micro(log.append)
    micros = list(AirStation.objects.filter(control_level="micro"))
    assert len(micros) == 12 and all(s.jurisdiction.level == "street" for s in micros)
    # in the street ranking network only: the official city and district figures stay the national stations'
    nets = {n.purpose: set(n.stations.values_list("pk", flat=True)) for n in StationNetwork.objects.all()}
    assert {s.pk for s in micros} <= nets["ranking"]
    assert not {s.pk for s in micros} & (nets["city"] | nets["district"])
    assert CityDaily.objects.filter(jurisdiction__level="street", date="2016-12-05").count() == 8
    dec = make_period(2016, 12)
    from envbureau.core.models import Jurisdiction

    r = street_ranking(Jurisdiction.objects.get(code="110000"), dec, "pm25_mean")
    assert len([x for x in r["rows"] if x["rank"] is not None]) == 8
    # the sensor reading 50 % high from 2016-12-10 is flagged against its reference
    rows = {x["station"].code: x for x in micro.check(micros, dt.date(2016, 12, 1), dt.date(2016, 12, 31))}
    assert [f for f in rows[DRIFT_CODE]["flags"] if f["kind"] == "step"], rows[DRIFT_CODE]["flags"]
    assert not [f for f in rows["WZ-110101001000-1"]["flags"] if f["kind"] in ("drift", "step")]
    page = client_for("air_staff").get("/quality/street-rankings/?j=110000&year=2016&month=12").content.decode()
    assert "新街口街道" in page and "展览路街道" in page
    # a second run writes nothing
    n = AirHourly.objects.count()
    load_micro(log.append)
    assert AirHourly.objects.count() == n and "already loaded" in log[-1]
