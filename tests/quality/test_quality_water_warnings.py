"""Water section classes, the water assessment CLI, noise compliance, and the warning lifecycle."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def sections(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import WaterSample, WaterSection
    from envbureau.quality.water import rebuild_section_classes

    dc = Jurisdiction.objects.get(code="110101")
    xc = Jurisdiction.objects.get(code="110102")
    a = WaterSection.objects.create(code="T-A", name="甲断面", river="甲河", jurisdiction=dc, target_class=3)
    b = WaterSection.objects.create(code="T-B", name="乙断面", river="乙河", jurisdiction=xc, target_class=3,
                                    automatic=True)
    # GB 3838-2002 table 1: NH3-N Ⅱ ≤ 0.5, Ⅲ ≤ 1.0, Ⅳ ≤ 1.5; CODMn Ⅱ ≤ 4; DO Ⅱ ≥ 6
    for day, nh3n in ((5, 1.0), (20, 1.4)):  # mean 1.2 → Ⅳ, deciding item 氨氮, 0.2 times over Ⅲ
        WaterSample.objects.create(section=a, time=dt.datetime(2016, 1, day, 9, tzinfo=TZ),
                                   values={"nh3n": nh3n, "codmn": 3.0, "do": 7.0, "ph": 7.5})
    WaterSample.objects.create(section=b, time=dt.datetime(2016, 1, 8, 9, tzinfo=TZ),
                               values={"nh3n": 0.4, "codmn": 3.5, "do": 6.5, "ph": 7.6, "tp": "0.01L"})
    rebuild_section_classes({a.pk: {dt.date(2016, 1, 5)}, b.pk: {dt.date(2016, 1, 8)}})
    return a, b


def test_section_classes_and_water_assessment(sections):
    from envbureau.quality.models import SectionPeriodClass

    a, b = sections
    m = SectionPeriodClass.objects.get(section=a, period="month", start=dt.date(2016, 1, 1))
    assert (m.water_class, m.meets_target, m.n_samples) == (4, False, 2)
    assert m.values["nh3n"] == pytest.approx(1.2)
    assert any("氨氮" in d for d in m.deciding)
    assert SectionPeriodClass.objects.get(section=b, period="year", start=dt.date(2016, 1, 1)).water_class == 2
    out = io.StringIO()
    call_command("assess", "water", "--jurisdiction", "110000", "--year", "2016", "--month", "1", "--json", stdout=out)
    r = json.loads(out.getvalue())
    assert (r["n_sections"], r["n_class_1_3"], r["class_1_3_share"], r["n_meeting_target"]) == (2, 1, 50.0, 1)
    row = {s["code"]: s for s in r["sections"]}["T-A"]
    assert row["class"] == "Ⅳ" and row["target_exceedance"] == {"氨氮": 0.2}
    text = io.StringIO()
    call_command("assess", "water", "--jurisdiction", "110000", "--year", "2016", stdout=text)
    assert "Ⅰ～Ⅲ类" in text.getvalue()


def test_water_target_warning_and_lifecycle(sections, user_named):
    from django.core.exceptions import ValidationError

    from envbureau.quality import services
    from envbureau.quality.models import Warning, WaterSample
    from envbureau.quality.water import scan_water_warnings

    _a, b = sections
    WaterSample.objects.create(section=b, time=dt.datetime(2016, 1, 9, 2, tzinfo=TZ), kind="automatic",
                               values={"nh3n": 1.8, "codmn": 3.0, "do": 7.0, "ph": 7.5})  # Ⅴ > target Ⅲ
    assert scan_water_warnings() == 1
    assert scan_water_warnings() == 0  # no duplicate while the first one is open
    w = Warning.objects.get()
    assert (w.kind, w.state, w.jurisdiction.code, w.source_ref) == ("water_target", "open", "110102",
                                                                    f"quality.watersection:{b.pk}")
    staff = user_named("air_staff")
    with pytest.raises(ValidationError):
        services.close_warning(staff, w, "")  # closing needs a note
    services.acknowledge_warning(staff, w)
    with pytest.raises(ValidationError):
        services.acknowledge_warning(staff, w)
    services.close_warning(staff, w, "已核实,上游施工导致")
    w.refresh_from_db()
    assert (w.state, w.close_note) == ("closed", "已核实,上游施工导致")
    from envbureau.core.workflow import timeline

    assert [(e["verb"], e["to_state"]) for e in timeline(w)] == [
        ("open", "open"), ("acknowledge", "acknowledged"), ("close", "closed")]
    # the 东城区 officer does not see a 西城区 warning
    c = __import__("django.test", fromlist=["Client"]).Client()
    c.force_login(user_named("dongcheng"))
    assert c.get(f"/quality/warnings/{w.pk}/").status_code == 404
    assert c.get("/api/v1/quality/warnings/").json()["count"] == 0


def test_air_threshold_stop_and_flat_line_warnings(stations):
    from envbureau.quality.airdata import import_files
    from envbureau.quality.models import AirThreshold, Warning
    from envbureau.quality.services import scan_air_warnings

    lines = []
    for h in range(24):
        pm = 600 if h == 10 else 40 + h  # one hour above the threshold
        so2 = 7  # flat line all day
        if 14 <= h < 22:
            continue  # 8 hours without data
        lines.append(f"BJ-Dongsi,2016-05-01 {h:02d}:00,{pm},80,{so2},30,0.5,60")
    data = ("站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\n" + "\n".join(lines) + "\n").encode()
    import_files([("x.csv", data)])
    AirThreshold.objects.create(pollutant="pm25", hourly_limit=500)
    out = scan_air_warnings(dt.datetime(2016, 5, 1, 0, tzinfo=TZ), dt.datetime(2016, 5, 1, 23, tzinfo=TZ))
    kinds = set(Warning.objects.filter(subject="东四").values_list("kind", flat=True))
    assert {"air_threshold", "data_stop", "flat_line"} <= kinds
    assert out["created"] >= 3
    w = Warning.objects.get(kind="air_threshold")
    assert w.value == 600 and w.first_time == dt.datetime(2016, 5, 1, 10, tzinfo=TZ)


def test_noise_compliance_by_zone(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.assessment import make_period
    from envbureau.quality.models import NoiseLeq, NoiseStation
    from envbureau.quality.water import noise_compliance

    j = Jurisdiction.objects.get(code="110101")
    s = NoiseStation.objects.create(code="N1", name="n1", jurisdiction=j, zone="2")  # GB 3096: 60 / 50 dB(A)
    for i, (ld, ln) in enumerate(((58.0, 49.0), (60.04, 50.1), (61.2, 47.0))):
        NoiseLeq.objects.create(station=s, date=dt.date(2016, 3, 1 + i), period="day", leq=ld)
        NoiseLeq.objects.create(station=s, date=dt.date(2016, 3, 1 + i), period="night", leq=ln)
    rows = noise_compliance(j, make_period(2016))
    assert len(rows) == 1 and rows[0]["zone"] == "2"
    assert rows[0]["day"]["compliant"] == 2 and rows[0]["day"]["limit"] == 60  # 60.04 → 60.0 meets the limit
    assert rows[0]["night"]["compliant"] == 2 and rows[0]["night"]["limit"] == 50


def test_water_page_names_main_pollutants_in_the_reader_language(sections, client_for):
    """The monthly class table names the deciding items (stored in Chinese by the standards library) in the
    reader's language: "Ammonia nitrogen(0.2)" in English, "氨氮(0.2)" in Chinese."""
    c = client_for("air_staff")
    assert "氨氮(0.2)" in c.get("/quality/water/?j=110000&year=2016").content.decode()
    c.cookies["django_language"] = "en"
    page = c.get("/quality/water/?j=110000&year=2016").content.decode()
    assert "Ammonia nitrogen(0.2)" in page and "氨氮(0.2)" not in page
