"""The station-network form picks its stations with the scoped type-ahead (issue 17): a city has 600 stations,
so the form lists the chosen ones (with district and level) and adds by name or code, never a select of every
station; a name typed without choosing resolves in scope or is refused with a message naming it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(stations):
    from envbureau.quality.models import StationNetwork

    net = StationNetwork.objects.get(purpose="ranking")  # the one the demo declares, long-term
    net.stations.set([stations["Dongsi"], stations["Tiantan"]])
    return net


def test_form_has_no_select_of_every_station(network, stations, client_for):
    from envbureau.quality.models import AirStation

    html = client_for("air_staff").get(f"/quality/networks/{network.pk}/edit/").content.decode()
    assert 'name="stations"' in html
    assert not re.search(r'<select[^>]*name="stations"', html)
    assert "<option" not in html.split('id="id_stations"')[0].rsplit("<label", 1)[-1]
    picker = html[html.index("eb-picker-multi"):]
    picker = picker[:picker.index('role="listbox"')]
    assert 'data-url="/quality/pick/stations/"' in picker
    # the two members are listed, each with its own hidden value, its district and its level; no other station is
    chips = re.findall(r'<input type="hidden" name="stations" value="(\d+)">', picker)
    assert sorted(int(c) for c in chips) == sorted([stations["Dongsi"].pk, stations["Tiantan"].pk])
    assert stations["Dongsi"].name in picker and "东城区" in picker
    assert stations["Dongsi"].get_control_level_display() in picker
    others = AirStation.objects.exclude(pk__in=[stations["Dongsi"].pk, stations["Tiantan"].pk])
    assert not [s.name for s in others if s.name in picker]


def test_listing_the_members_is_one_query_whatever_their_number(network, stations, client_for):
    c = client_for("air_staff")
    url = f"/quality/networks/{network.pk}/edit/"
    c.get(url)
    with CaptureQueriesContext(connection) as two:
        c.get(url)
    network.stations.set(list(stations.values()))
    with CaptureQueriesContext(connection) as all_:
        html = c.get(url).content.decode()
    assert html.count('name="stations" value=') == len(stations) > 2
    assert len(all_) == len(two), [q["sql"] for q in all_.captured_queries]


def test_post_ids_and_a_typed_name_or_code(network, stations, client_for):
    c = client_for("air_staff")
    r = c.post(f"/quality/networks/{network.pk}/edit/", {
        "purpose": "ranking", "name": "测试排名网络", "rank_by": "composite_index",
        "stations": [str(stations["Dongsi"].pk), stations["Guanyuan"].name, stations["Gucheng"].code]})
    assert r.status_code == 302, re.findall(r'invalid-feedback[^>]*>([^<]*)', r.content.decode())
    network.refresh_from_db()
    assert set(network.stations.values_list("name_en", flat=True)) == {"Dongsi", "Guanyuan", "Gucheng"}
    # nothing chosen: the network is emptied (an empty list, not an untouched field)
    r = c.post(f"/quality/networks/{network.pk}/edit/", {
        "purpose": "ranking", "name": "测试排名网络", "rank_by": "composite_index"})
    assert r.status_code == 302
    assert network.stations.count() == 0


def test_unknown_name_is_refused_and_named(network, stations, client_for):
    c = client_for("air_staff")
    r = c.post(f"/quality/networks/{network.pk}/edit/", {
        "purpose": "ranking", "name": "测试排名网络", "rank_by": "composite_index",
        "stations": [str(stations["Dongsi"].pk), "没有这个站"]})
    assert r.status_code == 400
    html = r.content.decode()
    assert "未找到站点“没有这个站”" in html
    assert set(network.stations.values_list("name_en", flat=True)) == {"Dongsi", "Tiantan"}  # unchanged
    # the form comes back with what was sent: the known station listed, the unknown text marked
    assert 'text-bg-danger" data-value="没有这个站"' in html


def test_widget_names_only_stations_in_the_readers_scope(stations, user_named):
    """The names of chosen values are looked up in scope: a district officer's form never shows the name of a
    station outside the district, even when a value names one."""
    from envbureau.core.pickers import PickerMultipleWidget

    w = PickerMultipleWidget("station")
    w.user = user_named("dongcheng")
    outside, inside = stations["Guanyuan"], stations["Dongsi"]  # 西城区, 东城区
    items = {i["value"]: i for i in w.get_context("stations", [outside.pk, inside.pk], {"id": "id_stations"})[
        "widget"]["items"]}
    assert items[str(inside.pk)]["known"] and items[str(inside.pk)]["label"] == inside.name
    assert not items[str(outside.pk)]["known"] and items[str(outside.pk)]["label"] == str(outside.pk)
