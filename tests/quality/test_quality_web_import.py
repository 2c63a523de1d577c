"""Small files through the core import framework: templates, site import, hourly data with the bulk
path's validation; and the demo step is idempotent."""

import pytest

pytestmark = pytest.mark.django_db


def test_templates_download(client_for):
    c = client_for("air_staff")
    for kind in ("quality.airstation", "quality.watersection", "quality.noisestation", "quality.airhourly",
                 "quality.watersample", "quality.noiseleq", "quality.drinkingwatersource"):
        r = c.get(f"/imports/{kind}/template/")
        assert r.status_code == 200 and r.content[:2] == b"PK", kind


def test_station_and_hourly_import_through_framework(demo_core, user_named):
    from envbureau.core.importing import get_importer
    from envbureau.quality.models import AirDaily, AirHourly, AirStation

    staff = user_named("air_staff")
    st = "编码,名称,区划代码,经度,纬度,控制级别\nX-1,测试站,110101,116.4,39.9,国控\n".encode()
    res = get_importer("quality.airstation").run(st, "s.csv", staff)
    assert res.ok, res.errors
    assert AirStation.objects.get(code="X-1").control_level == "national"
    again = get_importer("quality.airstation").run(st, "s.csv", staff)
    assert again.saved == {"created": 0, "updated": 0}
    rows = "\n".join(f"X-1,2016-01-01 {h:02d}:00,{30 + h},50,5,20,0.6,60" for h in range(24))
    data = ("站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\n" + rows + "\n").encode()
    res = get_importer("quality.airhourly").run(data, "h.csv", staff)
    assert res.ok, res.errors
    assert AirHourly.objects.count() == 24
    assert AirDaily.objects.get(station__code="X-1").pm25 == pytest.approx(sum(30 + h for h in range(24)) / 24)
    bad = ("站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\nX-1,2016-01-02 00:00,10,20,3,40,2500,60\n").encode()
    res = get_importer("quality.airhourly").run(bad, "h.csv", staff)
    assert not res.ok and res.errors == [{"row": 2, "column": "CO", "value": "2500", "message": "超出范围 0～50 mg/m³"}]
    assert AirHourly.objects.count() == 24
    # the district officer may not import
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        get_importer("quality.airhourly").run(data, "h.csv", user_named("dongcheng"))


def test_demo_steps_idempotent(stations, monkeypatch):
    """The demo step with a 2-day slice (patched file list) run twice changes nothing the second time. Run as
    `envbureau demo` runs it (not --light: the tests' environment asks for the light demo, which keeps 2016 on)."""
    import gzip

    from envbureau.quality import demo_step
    from envbureau.quality.models import AirHourly, CityDaily, WaterSection

    monkeypatch.setenv("ENVBUREAU_DEMO_SMALL", "0")
    src = demo_step.DEMO_DIR / "PRSA_Data_Dongsi_20130301-20170228.csv.gz"
    tmp = __import__("tempfile").mkdtemp()
    dst = __import__("pathlib").Path(tmp) / "PRSA_Data_Dongsi_20130301-20170228.csv.gz"
    with gzip.open(src, "rt") as f:
        head = [next(f) for _ in range(49)]
    with gzip.open(dst, "wt") as f:
        f.writelines(head)
    monkeypatch.setattr(demo_step, "demo_files", lambda: [dst])
    from envbureau.quality import demo_synthetic

    monkeypatch.setattr(demo_synthetic, "SYN_YEARS", (2016,))  # keep the test quick
    monkeypatch.setattr(demo_synthetic, "NOISE_DAYS", 10)
    demo_step.load_air(lambda m: None)
    demo_step.load_water_noise(lambda m: None)
    n = (AirHourly.objects.count(), CityDaily.objects.count(), WaterSection.objects.count())
    assert n[0] == 48 and n[2] == 9
    assert WaterSection.objects.filter(synthetic=True).count() == 9
    demo_step.load_air(lambda m: None)
    demo_step.load_water_noise(lambda m: None)
    assert (AirHourly.objects.count(), CityDaily.objects.count(), WaterSection.objects.count()) == n


def test_light_demo_keeps_2016_on_and_runs_again_unchanged(stations, monkeypatch):
    """`envbureau demo --light` (is_light()) loads each station's hours from 2016 on: of a file holding the last day
    of 2015 and the first of 2016, only 2016's 24 hours, the same after a second run."""
    import datetime as dt
    import gzip

    from django.utils import timezone

    from envbureau.core import demo
    from envbureau.quality import demo_step
    from envbureau.quality.models import AirHourly

    monkeypatch.setenv("ENVBUREAU_DEMO_SMALL", "0")
    monkeypatch.setattr(demo, "_LIGHT", True)
    src = demo_step.DEMO_DIR / "PRSA_Data_Dongsi_20130301-20170228.csv.gz"
    with gzip.open(src, "rt") as f:
        lines = f.readlines()
    header, body = lines[0], lines[1:]
    year, month, day = (header.replace('"', "").split(",").index(c) for c in ("year", "month", "day"))
    keep = [ln for ln in body if (ln.split(",")[year], ln.split(",")[month], ln.split(",")[day]) in
            {("2015", "12", "31"), ("2016", "1", "1")}]
    assert len(keep) == 48
    dst = __import__("pathlib").Path(__import__("tempfile").mkdtemp()) / src.name
    with gzip.open(dst, "wt") as f:
        f.writelines([header, *keep])
    monkeypatch.setattr(demo_step, "demo_files", lambda: [dst])
    for _run in range(2):
        demo_step.load_air(lambda m: None)
        days = {timezone.localtime(t).date() for t in AirHourly.objects.values_list("time", flat=True)}
        assert AirHourly.objects.count() == 24 and days == {dt.date(2016, 1, 1)}


def test_water_sample_and_noise_import(demo_core, user_named):
    from envbureau.core.importing import get_importer
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import NoiseLeq, NoiseStation, SectionPeriodClass, WaterSample, WaterSection

    j = Jurisdiction.objects.get(code="110101")
    WaterSection.objects.create(code="W-1", name="测试断面", river="测试河", jurisdiction=j, target_class=3)
    NoiseStation.objects.create(code="N-1", name="测试点", jurisdiction=j, zone="1")
    staff = user_named("air_staff")
    head = "断面编码,采样时间,监测方式,氨氮(mg/L),总磷(mg/L),pH(无量纲),溶解氧(mg/L)\n"
    bad = (head + "W-1,2017-01-10 09:00,手工监测,0.4,0.01L,7.6,6\nW-1,2017-01-10 09:00,手工监测,0.4,0.1,7.6,6\n"
           "W-9,2017-01-11 09:00,手工监测,0.4,0.1,7.6,6\nW-1,2017-01-12 09:00,手工监测,abc,0.1,7.6,6\n").encode()
    res = get_importer("quality.watersample").run(bad, "w.csv", staff)
    msgs = {(e["row"], e["column"]) for e in res.errors}
    assert {(3, "采样时间"), (4, "断面编码"), (5, "氨氮(mg/L)")} <= msgs
    assert WaterSample.objects.count() == 0
    good = (head + "W-1,2017-01-10 09:00,手工监测,1.2,0.01L,7.6,6\n").encode()
    res = get_importer("quality.watersample").run(good, "w.csv", staff)
    assert res.ok and res.saved["created"] == 1
    assert SectionPeriodClass.objects.get(section__code="W-1", period="month").water_class == 4  # NH3-N 1.2 → Ⅳ
    assert get_importer("quality.watersample").run(good, "w.csv", staff).saved["created"] == 0
    noise = "监测点编码,日期,时段,等效声级 dB(A)\nN-1,2017-01-10,昼间,52.5\nN-1,2017-01-10,夜间,140\n".encode()
    res = get_importer("quality.noiseleq").run(noise, "n.csv", staff)
    assert not res.ok and res.errors[0]["row"] == 3
    noise = "监测点编码,日期,时段,等效声级 dB(A)\nN-1,2017-01-10,昼间,52.5\nN-1,2017-01-10,夜间,41\n".encode()
    assert get_importer("quality.noiseleq").run(noise, "n.csv", staff).ok
    assert NoiseLeq.objects.count() == 2
