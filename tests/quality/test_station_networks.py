"""Station networks per level and purpose (issue 17): the city's results come from the official network, a
district's from the district network, a street's from the ranking network, each version on the days of its
validity; changing a network rebuilds the results; every page names the network it used; the old flag
"counts in city assessment" became the three networks without changing a number.

Slice: 东城区 110101 = Dongsi + Tiantan, 西城区 110102 = Guanyuan, Jan–Feb 2015 (real data)."""

import datetime as dt

import pytest

from boundary import DAY, three
from pagecheck import shows

pytestmark = pytest.mark.django_db

SWITCH = dt.date(2015, 2, 1)  # the city network's second version starts here


def city_day(code, day):
    from envbureau.quality.models import CityDaily

    return CityDaily.objects.filter(jurisdiction__code=code, date=day).values("n_stations", "pm25").first()


def expected_mean(station_ids, day):
    """HJ 663: the arithmetic mean of the members' valid station daily values (computed here, by hand)."""
    from envbureau.quality.models import AirDaily

    vals = [v for v in AirDaily.objects.filter(station_id__in=station_ids, date=day).values_list("pm25", flat=True)
            if v is not None]
    return len(vals), (sum(vals) / len(vals) if vals else None)


def test_demo_networks_hold_the_demo_stations(stations):
    from envbureau.quality.models import StationNetwork

    nets = {n.purpose: n for n in StationNetwork.objects.all()}
    assert set(nets) == {"city", "district", "ranking"}
    for n in nets.values():
        assert n.valid_from is None and n.valid_to is None
        assert set(n.stations.values_list("code", flat=True)) == {f"BJ-{s}" for s in stations}


def test_city_uses_each_version_on_its_own_days(beijing_slice, stations, user_named):
    from envbureau.core import services as core_services
    from envbureau.quality.models import StationNetwork

    admin = user_named("admin")
    ids = {k: s.pk for k, s in stations.items()}
    slice_ids = [ids["Dongsi"], ids["Tiantan"], ids["Guanyuan"]]
    old = StationNetwork.objects.get(purpose="city")
    old.valid_to = SWITCH - DAY
    core_services.update_object(admin, old)
    new = StationNetwork(purpose="city", name="城市空气质量评价网络", version="2015版", valid_from=SWITCH)
    core_services.create_object(admin, new, m2m={"stations": [stations["Dongsi"]]})

    def city(day):
        return city_day("110000", day)

    # before the switch: all three slice stations; from it: Dongsi alone
    for day, members in ((SWITCH - DAY, slice_ids), (SWITCH, [ids["Dongsi"]]), (SWITCH + DAY, [ids["Dongsi"]])):
        n, mean = expected_mean(members, day)
        got = city(day)
        assert got["n_stations"] == n and got["pm25"] == pytest.approx(mean), day
    assert three(lambda d: city(d)["n_stations"], SWITCH, DAY) == (3, 1, 1)
    # the district network did not change: 东城区 keeps Dongsi and Tiantan on every day
    assert three(lambda d: city_day("110101", d)["n_stations"], SWITCH, DAY) == (2, 2, 2)
    assert city_day("110102", SWITCH)["n_stations"] == 1


def test_overlapping_versions_are_refused_on_every_path(stations, client_for):
    from django.core.exceptions import ValidationError

    from envbureau.quality.models import StationNetwork

    with pytest.raises(ValidationError) as e:
        StationNetwork.objects.create(purpose="city", name="第二个", valid_from=dt.date(2020, 1, 1))
    assert "valid_from" in e.value.message_dict
    # a version ending before the open-ended one starts is fine once the old one is closed
    cur = StationNetwork.objects.get(purpose="city")
    cur.valid_from = dt.date(2020, 1, 1)
    cur.save()
    assert StationNetwork.objects.create(purpose="city", name="旧版", valid_to=dt.date(2019, 12, 31)).pk
    # the day of the start is taken: an old version may not end on it
    with pytest.raises(ValidationError):
        StationNetwork.objects.create(purpose="city", name="重叠一天", valid_from=dt.date(2019, 12, 31),
                                      valid_to=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError) as e:
        StationNetwork.objects.create(purpose="district", name="倒置", valid_from=dt.date(2021, 1, 2),
                                      valid_to=dt.date(2021, 1, 1))
    assert "valid_to" in e.value.message_dict
    # API: 400 naming the field; web: the form shows the error and saves nothing
    c = client_for("air_staff")
    r = c.post("/api/v1/quality/networks/", {"purpose": "ranking", "name": "又一个", "stations": ["BJ-Dongsi"]},
               content_type="application/json")
    assert r.status_code == 400 and "valid_from" in r.json()["error"]["fields"], r.content
    n = StationNetwork.objects.count()
    r = c.post("/quality/networks/add/", {"purpose": "ranking", "name": "又一个"})
    assert r.status_code == 400 and "有效期重叠" in r.content.decode()
    assert StationNetwork.objects.count() == n


def test_ranking_network_feeds_streets_only(beijing_slice, stations, user_named):
    """A station of a street counts in the street's results through the ranking network alone: taking it out of
    the ranking network removes the street's results and leaves the city and district as they were."""
    from envbureau.core import services as core_services
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import StationNetwork

    admin = user_named("admin")
    d = stations["Dongsi"]
    d.jurisdiction = Jurisdiction.objects.get(code="110101001000")  # 东华门街道
    core_services.update_object(admin, d)
    day = SWITCH
    before = {c: city_day(c, day) for c in ("110000", "110101")}
    assert city_day("110101001000", day)["n_stations"] == 1
    ranking = StationNetwork.objects.get(purpose="ranking")
    core_services.update_object(admin, ranking, m2m={"stations": [s for s in ranking.stations.all() if s.pk != d.pk]})
    assert city_day("110101001000", day) is None
    assert {c: city_day(c, day) for c in ("110000", "110101")} == before
    # and a station only in the ranking network does not reach the city or the district
    for purpose in ("city", "district"):
        net = StationNetwork.objects.get(purpose=purpose)
        core_services.update_object(admin, net, m2m={"stations": [s for s in net.stations.all() if s.pk != d.pk]})
    core_services.update_object(admin, ranking, m2m={"stations": [d]})
    assert city_day("110101001000", day)["n_stations"] == 1
    assert city_day("110000", day)["n_stations"] == expected_mean(
        [stations["Tiantan"].pk, stations["Guanyuan"].pk], day)[0]
    assert city_day("110101", day)["n_stations"] == expected_mean([stations["Tiantan"].pk], day)[0]


def test_pages_and_api_name_the_network(beijing_slice, client_for):
    c = client_for("air_staff")
    shows(c, {"/quality/assessment/?year=2015&month=2": "城市评价(官方)网络:城市空气质量评价网络(长期有效,12个站点)",
              "/quality/headline/?year=2015&month=2": "城市评价(官方)网络:城市空气质量评价网络",
              "/quality/?year=2015": "城市评价(官方)网络",
              "/quality/assessment/?year=2015&month=2&j=110101": "区县评价网络:区县空气质量评价网络"})
    r = c.get("/quality/rankings/?year=2015&month=2")
    page = r.content.decode()
    assert "区县评价网络:区县空气质量评价网络" in page and "城市评价(官方)网络:" in page
    a = c.get("/api/v1/quality/assessment/?jurisdiction=110000&year=2015&month=2").json()
    assert a["network"]["purpose"] == "city" and a["network"]["networks"][0]["stations"] == 12
    # the Word export of the headline carries the line too
    import io

    import docx

    r = c.get("/quality/headline/?year=2015&month=2&export=docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "城市空气质量评价网络" in text


def test_only_city_wide_quality_writers_change_networks(stations, client_for):
    from envbureau.quality.models import StationNetwork

    net = StationNetwork.objects.get(purpose="ranking")
    officer = client_for("dongcheng")
    assert officer.get(f"/quality/networks/{net.pk}/").status_code == 200  # a district reads what its pages used
    assert officer.get(f"/quality/networks/{net.pk}/edit/").status_code == 403
    r = officer.patch(f"/api/v1/quality/networks/{net.pk}/", {"name": "x"}, content_type="application/json")
    assert r.status_code == 403
    staff = client_for("air_staff")
    r = staff.patch(f"/api/v1/quality/networks/{net.pk}/", {"version": "2026版", "stations": ["BJ-Dongsi"]},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    assert list(net.stations.values_list("code", flat=True)) == ["BJ-Dongsi"]
    from envbureau.core.models import AuditEntry

    assert AuditEntry.objects.filter(model="quality.stationnetwork", object_id=str(net.pk),
                                     action="update").exists()


@pytest.mark.django_db(transaction=True)
def test_migration_turns_the_flag_into_the_three_networks():
    """Stations flagged "参与城市评价" become the members of all three networks (so no result changes), the
    others of none; going back restores the flag from the official network."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("quality", "0014_flagged_hours_index")], [("quality", "0015_station_networks")]
    ex = MigrationExecutor(connection)
    ex.migrate(before)
    try:
        ex.loader.build_graph()
        apps = ex.loader.project_state(before).apps
        J, S = apps.get_model("core", "Jurisdiction"), apps.get_model("quality", "AirStation")
        city = J.objects.create(code="110000", name="北京市", level="city", path="/110000/")
        S.objects.create(code="IN", name="计入", jurisdiction=city, counts_in_city_assessment=True)
        S.objects.create(code="OUT", name="不计入", jurisdiction=city, counts_in_city_assessment=False)
        ex = MigrationExecutor(connection)
        ex.migrate(after)
        apps = ex.loader.project_state(after).apps
        N = apps.get_model("quality", "StationNetwork")
        got = {n.purpose: sorted(n.stations.values_list("code", flat=True)) for n in N.objects.all()}
        assert got == {"city": ["IN"], "district": ["IN"], "ranking": ["IN"]}
        ex = MigrationExecutor(connection)
        ex.migrate(before)
        apps = ex.loader.project_state(before).apps
        S = apps.get_model("quality", "AirStation")
        assert dict(S.objects.values_list("code", "counts_in_city_assessment")) == {"IN": True, "OUT": False}
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
