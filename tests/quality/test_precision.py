"""Issue 18, reporting precision: µg/m³ concentrations as integers (GB 3095) or with one decimal, the
absolute change beside the rate on the page, the headline and the CLI, computed from the unrounded
values (default) or from the printed ones (as MEE bulletins do).

Hand data for 东城区: every day of January 2016 PM2.5 35.54, of January 2015 39.76 (other pollutants
equal in both years).  Unrounded: 35.54 − 39.76 = −4.22, −4.22 / 39.76 = −10.61 %.
Printed with 1 decimal: 35.5 vs 39.8 → −4.3, −10.80 %.  Printed as integers: 36 vs 40 → −4, −10.0 %."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def months(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import CityDaily

    dc = Jurisdiction.objects.get(code="110101")
    for year, pm25 in ((2016, 35.54), (2015, 39.76)):
        for day in range(1, 32):
            CityDaily.objects.create(jurisdiction=dc, date=dt.date(year, 1, day), pm25=pm25, pm10=60.0, so2=10.0,
                                     no2=30.0, co=0.8, o3_8h=80.0, o3_1h=100.0, rules="2012", n_stations=2)


def _cli(*args):
    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110101", "--year", "2016", "--month", "1", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("precision, basis, value, base, text", [
    ("1", "unrounded", 35.5, 39.8, "下降4.2微克/立方米(10.6%)"),
    ("1", "reported", 35.5, 39.8, "下降4.3微克/立方米(10.8%)"),
    ("0", "unrounded", 36.0, 40.0, "下降4微克/立方米(10.6%)"),
    ("0", "reported", 36.0, 40.0, "下降4微克/立方米(10.0%)"),
])
def test_precision_and_change_basis(months, client_for, precision, basis, value, base, text):
    r = json.loads(_cli("--precision", precision, "--change-basis", basis, "--json"))
    c = r["yoy"]["changes"]["pm25_mean"]
    assert (r["pm25_mean"], c["now"], c["base"]) == (value, value, base)
    assert c["rate"] == pytest.approx(-4.22 / 39.76 if basis == "unrounded" else (value - base) / base)
    # PM10 60 both years: no change
    assert r["yoy"]["changes"]["pm10_mean"]["rate"] == 0
    assert text in _cli("--precision", precision, "--change-basis", basis)
    q = f"j=110101&year=2016&month=1&precision={precision}&basis={basis}"
    page = client_for("leader").get(f"/quality/assessment/?{q}").content.decode()
    assert text in page
    head = client_for("leader").get(f"/quality/headline/?{q}").content.decode()
    assert f"微克/立方米，同比{text}" in head
    api = client_for("leader").get(f"/api/v1/quality/assessment/?jurisdiction=110101&year=2016&month=1"
                                   f"&precision={precision}&change_basis={basis}").json()
    assert api["pm25_mean"] == value and api["precision"] == int(precision)


def test_compliance_stays_on_integers_and_bad_options_are_refused(months, client_for):
    r = json.loads(_cli("--precision", "1", "--json"))
    # the verdict compares the GB 3095 integer value (36 > 35), whatever the printed precision
    assert r["pm25_mean"] == 35.5 and r["statistics"]["pm25_mean"]["value"] == 36.0
    assert r["statistics"]["pm25_mean"]["compliant"] is False
    assert "持平" in _cli("--precision", "1").splitlines()[4]      # PM10 row
    c = client_for("leader")
    assert c.get("/quality/assessment/?j=110101&year=2016&month=1&precision=2").status_code == 404
    assert c.get("/api/v1/quality/assessment/?jurisdiction=110101&year=2016&precision=x").status_code == 400
    assert c.get("/api/v1/quality/assessment/?jurisdiction=110101&year=2016&change_basis=x").status_code == 400
