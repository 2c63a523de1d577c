"""Every page renders for the roles that may see it; the demo step loads and is idempotent."""

import pytest

from envbureau.sources.models import Alarm, Declaration, Enterprise, MonitoringPoint, PointHourly, UnknownMN
from pagecheck import XLSX, api_count_at_least, shows


@pytest.fixture
def demo(demo_core):
    from envbureau.sources.demo import load_sources

    load_sources(lambda m: None)


def test_demo_step(demo):
    from envbureau.core.models import RoleAssignment
    from envbureau.sources import credit_code
    from envbureau.sources.demo import load_sources

    assert Enterprise.objects.filter(synthetic=True).count() == 4
    assert all(credit_code.is_valid(c) for c in Enterprise.objects.values_list("credit_code", flat=True))
    assert PointHourly.objects.count() > 500
    kinds = set(Alarm.objects.values_list("kind", flat=True))
    assert {"exceedance", "flatline", "device_state", "absence"} <= kinds
    assert Alarm.objects.filter(declared=True).exists()
    a = RoleAssignment.objects.get(user__username="enterprise_demo")
    assert a.role.code == "enterprise" and Enterprise.objects.filter(pk=a.enterprise_id).exists()
    n = (PointHourly.objects.count(), Alarm.objects.count(), Declaration.objects.count())
    load_sources(lambda m: None)
    assert (PointHourly.objects.count(), Alarm.objects.count(), Declaration.objects.count()) == n


def test_pages_render(demo, client_for):
    c = client_for("admin")
    e = Enterprise.objects.first()
    p = MonitoringPoint.objects.filter(mn="SIM000003").get()
    a = Alarm.objects.first()
    d = Declaration.objects.first()
    u = UnknownMN.objects.create(mn="STRAY01")
    shows(c, {"/sources/enterprises/": e.name, f"/sources/enterprises/{e.pk}/": e.name, "/sources/board/": p.name,
              f"/sources/points/{p.pk}/": p.name, "/sources/alarms/": "<title>在线监控报警 ·",
              f"/sources/alarms/{a.pk}/": f"{a.get_kind_display()} · {a.point.name}", "/sources/declarations/": "<title>异常申报 ·",
              "/sources/declarations/add/": "提交异常申报", f"/sources/declarations/{d.pk}/": f"异常申报 · {d.enterprise.name}",
              "/sources/unknown-mns/": "STRAY01", f"/sources/unknown-mns/{u.pk}/bind/": "绑定 MN STRAY01",
              "/sources/gateway/": "<title>数据网关运行 ·", "/sources/outlets/": "<title>排放口 ·",
              "/sources/points/": p.name, "/sources/limits/": "<title>排放限值 ·",
              f"/sources/enterprises/{e.pk}/edit/": "编辑 · 企业档案", "/sources/enterprises/add/": "新增 · 企业档案",
              "/sources/enterprises/?export=xlsx": XLSX, "/sources/board/?export=xlsx": XLSX,
              "/api/v1/sources/alarms/": api_count_at_least(1), "/api/v1/sources/hourly/": api_count_at_least(1)})
    html = c.get(f"/sources/points/{p.pk}/").content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()


def test_series_json_has_limits_and_converted_values(demo, client_for):
    p = MonitoringPoint.objects.get(mn="SIM000003")
    r = client_for("admin").get(f"/sources/points/{p.pk}/series.json?factor=a21026&kind=hour&days=4").json()
    assert r["converted"] and r["limits"][0]["limit"] == 100
    from envbureau.sources.demo import demo_hours

    assert len(r["points"]) == demo_hours()  # one per hour of the generated history
    # the converted value is reported next to the measured one
    assert all(row[2] is not None for row in r["points"])
    r = client_for("admin").get(f"/sources/points/{p.pk}/series.json?factor=a21026&kind=minute").json()
    assert r["points"] == [] and r["kind"] == "minute"  # no gateway store in tests: empty, not an error page


def test_enterprise_demo_user(demo):
    from django.test import Client

    c = Client()
    assert c.login(username="enterprise_demo", password="Demo@2026")
    board = c.get("/sources/board/?format=json").json()
    assert {p["mn"] for p in board["points"]} == {"SIM000000", "SIM000001"}
    assert c.get("/sources/unknown-mns/").status_code == 403
    assert c.get("/sources/gateway/").status_code == 403
    assert c.get("/sources/declarations/add/").status_code == 200


def test_bind_unknown_mn(demo, client_for):
    from envbureau.sources import services

    u = services.note_unknown_mn("STRAY02", "1.2.3.4:5", b"##0000")
    o = MonitoringPoint.objects.get(mn="SIM000000").outlet
    c = client_for("admin")
    r = c.post(f"/sources/unknown-mns/{u.pk}/bind/", {"outlet": o.pk, "name": "新设备"})
    assert r.status_code == 302
    p = MonitoringPoint.objects.get(mn="STRAY02")
    assert p.enterprise_id == o.enterprise_id
    u.refresh_from_db()
    assert u.bound_point == p
    from envbureau.sources.registry import SourcesRegistry

    assert "STRAY02" in {x.mn for x in SourcesRegistry().load_points()}


def test_gateway_figures_page_reads_stats(demo, client_for, settings, tmp_path):
    import json
    import time

    online = tmp_path / "online"
    online.mkdir(parents=True, exist_ok=True)
    (online / "stats.json").write_text(json.dumps({
        "pid": 1, "port": 9212, "updated_at": time.time() - 100,
        "since_start": {"counters": {"received": 123, "stored": 120}, "rejected": {"crc": 3}},
        "totals": {"counters": {"received": 1000}, "rejected": {"crc": 7}},
        "unknown_mns": {"GHOST9": {"count": 4, "first_seen": time.time() - 50, "last_seen": time.time(), "peer": "x"}}}))
    settings.ENVBUREAU = {**settings.ENVBUREAU, "DATA_DIR": tmp_path}
    c = client_for("admin")
    html = c.get("/sources/gateway/").content.decode()
    assert "123" in html and "1000" in html and "CRC" in html
    assert c.get("/sources/gateway/?format=json").json()["totals"]["counters"]["received"] == 1000
    html = c.get("/sources/unknown-mns/").content.decode()
    assert "GHOST9" in html and UnknownMN.objects.get(mn="GHOST9").count == 4


def test_gateway_figures_page_shows_repeated_fields_and_values_under_other_cns(demo, client_for, settings, tmp_path):
    import json
    import time

    online = tmp_path / "online"
    online.mkdir(parents=True, exist_ok=True)
    (online / "stats.json").write_text(json.dumps({
        "pid": 1, "port": 9212, "updated_at": time.time() - 100,
        "since_start": {"counters": {"frames_repeating_fields": 57, "repeated_fields": 114}, "rejected": {}},
        "totals": {"counters": {"frames_repeating_fields": 57}, "rejected": {}},
        "repeated_fields": {"kept": "first", "by_mn": {"LD130104000268": {"B01-Rtd": 114}}},
        "data_fields_under_cn": {"2021": 9}}))
    settings.ENVBUREAU = {**settings.ENVBUREAU, "DATA_DIR": tmp_path}
    html = client_for("admin").get("/sources/gateway/").content.decode()
    assert "字段重复的报文(取首个值)" in html and "只存储第一个值" in html
    assert "LD130104000268" in html and "B01-Rtd" in html and ">114<" in html
    assert "CN=2021</code> ×9" in html
