"""Issue 18, air targets: PM10, NO2, O3 P90 and the composite index as targets, and the optional
county-mean rule (the target is judged on the mean of the counties' values, not the city's own)."""

import pytest

pytestmark = pytest.mark.django_db


def _ytd(c, code):
    return c.get(f"/api/v1/quality/assessment/?jurisdiction={code}&from=2015-01-01&to=2015-03-31").json()


def test_new_air_target_indicators(client_for, beijing_slice):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import Target
    from envbureau.quality.views import target_progress

    c = client_for("leader")
    own = _ytd(c, "110000")
    bj = Jurisdiction.objects.get(code="110000")
    for ind in ("pm10_mean", "no2_mean", "o3_8h_p90"):
        Target.objects.create(jurisdiction=bj, year=2015, indicator=ind, value=own[ind])   # equal: met
    Target.objects.create(jurisdiction=bj, year=2015, indicator="composite_index", value=own["composite_index"] - 0.01)
    got = {g["target"].indicator: g for g in target_progress(bj, 2015)}
    for ind in ("pm10_mean", "no2_mean", "o3_8h_p90"):
        assert got[ind]["current"] == own[ind] and got[ind]["status"] == "目前达到目标", ind
    assert got["composite_index"]["status"] == "目前未达目标"
    # the same progress in the API and the CLI
    api = {t["indicator"]: t for t in c.get("/api/v1/quality/assessment/?jurisdiction=110000&year=2015").json()["targets"]}
    assert api["pm10_mean"]["current"] == own["pm10_mean"] and api["composite_index"]["status"] == "目前未达目标"
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110000", "--year", "2015", stdout=out)
    assert f"目标: PM10平均浓度(微克/立方米) ≤ {own['pm10_mean']:g}" in out.getvalue() and "目前达到目标" in out.getvalue()


@pytest.mark.parametrize("delta, status", [(-1, "目前未达目标"), (0, "目前达到目标"), (1, "目前达到目标")])
def test_county_mean_rule(client_for, beijing_slice, delta, status):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import Target
    from envbureau.quality.views import target_progress

    c = client_for("leader")
    # the slice's counties with data: 东城区 (Dongsi, Tiantan) and 西城区 (Guanyuan)
    dc, xc, city = _ytd(c, "110101")["pm25_mean"], _ytd(c, "110102")["pm25_mean"], _ytd(c, "110000")["pm25_mean"]
    mean = (dc + xc) / 2
    assert mean != city          # the rule makes a difference here
    bj = Jurisdiction.objects.get(code="110000")
    Target.objects.create(jurisdiction=bj, year=2015, indicator="pm25_mean", basis="county_mean", value=mean + delta)
    (g,) = target_progress(bj, 2015)
    assert g["current"] == pytest.approx(mean) and g["status"] == status
    assert "2个区县平均" in g["label"]
