"""Issue 18: heavy-pollution alerts are issued acts (level, start, end, measures, enterprises on the
reduction list), counted apart from the automatic data warnings ("启动重污染天气预警N次")."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def alerts(beijing_slice):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import HeavyPollutionAlert, Warning
    from envbureau.sources.models import Enterprise

    dc, xc = Jurisdiction.objects.get(code="110101"), Jurisdiction.objects.get(code="110102")
    e1 = Enterprise.objects.create(credit_code="91110101MA00000001", name="甲厂", jurisdiction=dc)
    e2 = Enterprise.objects.create(credit_code="91110101MA00000002", name="乙厂", jurisdiction=dc)
    t = lambda d, h=8: dt.datetime(2016, 1, d, h, tzinfo=TZ)  # noqa: E731
    rows = [
        (dc, "yellow", dt.datetime(2016, 1, 1, 0, tzinfo=TZ), [e1, e2]),   # first local minute: in January
        (xc, "orange", t(15), [e1]),                                      # e1 again: 2 distinct enterprises
        (dc, "yellow", t(31, 23), []),                                    # last local hour: in January
        (dc, "red", dt.datetime(2016, 2, 1, 0, tzinfo=TZ), []),           # February: outside
        (dc, "blue", dt.datetime(2015, 12, 31, 23, 59, tzinfo=TZ), []),   # December: outside
    ]
    for j, level, start, ents in rows:
        a = HeavyPollutionAlert.objects.create(jurisdiction=j, level=level, start=start, end=start + dt.timedelta(days=2),
                                               measures="工地停工、重点企业限产")
        a.enterprises.set(ents)
    for d in (3, 20):
        Warning.objects.create(kind="air_threshold", jurisdiction=dc, source_ref="quality.airstation:1", subject="东四",
                               pollutant="pm25", first_time=t(d), last_time=t(d), message="PM2.5 超阈值")


def test_counts_in_api_cli_and_headline(alerts, client_for):
    c = client_for("leader")
    r = c.get("/api/v1/quality/assessment/?jurisdiction=110000&from=2016-01-01&to=2016-01-31").json()
    assert r["alerts"] == {"issued": 3, "by_level": {"黄色预警": 2, "橙色预警": 1}, "enterprises": 2,
                           "automatic_warnings": 2, "automatic_by_kind": {"空气小时值超阈值": 2}}
    # 东城区 alone: its two January alerts, not 西城区's
    r = c.get("/api/v1/quality/assessment/?jurisdiction=110101&from=2016-01-01&to=2016-01-31").json()
    assert r["alerts"]["issued"] == 2 and r["alerts"]["by_level"] == {"黄色预警": 2}
    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110000", "--from", "2016-01-01", "--to", "2016-01-31", stdout=out)
    assert "启动重污染天气预警3次(黄色预警2次、橙色预警1次),涉及应急减排清单企业2家;另有监测数据自动预警2次" in out.getvalue()
    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110000", "--year", "2016", "--month", "3", "--json", stdout=out)
    assert json.loads(out.getvalue())["alerts"]["issued"] == 0


def test_alert_api_and_pages(alerts, client_for):
    from envbureau.sources.models import Enterprise

    c = client_for("admin")
    e = Enterprise.objects.get(name="甲厂")
    body = {"jurisdiction": "110101", "level": "orange", "start": "2016-03-01T08:00:00+08:00",
            "end": "2016-03-03T08:00:00+08:00", "measures": "限产", "enterprises": [e.pk]}
    r = c.post("/api/v1/quality/alerts/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["level_display"] == "橙色预警"
    bad = dict(body, end="2016-02-28T08:00:00+08:00")
    assert c.post("/api/v1/quality/alerts/", bad, content_type="application/json").status_code == 400
    assert c.get("/quality/alerts/").status_code == 200
    assert "橙色预警" in c.get("/quality/alerts/").content.decode()
