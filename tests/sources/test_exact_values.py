"""Online values read back as the decimal the device sent (3.3, never 3.3000000000000003); an hour
rolled up from minutes is rounded to the factor's declared precision (HJ 212-2017 Appendix B) with
round-half-to-even (GB/T 8170)."""

import datetime as dt
import json
import time

import pytest

from envbureau.sources.models import PointHourly
from envbureau.sources.registry import SourcesRegistry

from .conftest import packet


def _store_minutes(tmp_path, mn, start, values, factor="a21026"):
    """Minute frames in the gateway's packet log, as the gateway would have written them."""
    from envbureau.gateway.store import PacketLog, encode_record
    from envbureau.hj212 import build_frame

    log = PacketLog(tmp_path / "online", sync=False)
    log.open()
    recs = []
    for i, v in enumerate(values):
        t = (start + dt.timedelta(minutes=i)).strftime("%Y%m%d%H%M%S")
        recs.append(encode_record(time.time(), build_frame(
            f"QN=1;ST=31;CN=2051;PW=123456;MN={mn};Flag=4;CP=&&DataTime={t};{factor}-Avg={v},{factor}-Flag=N&&")))
    log.append_and_sync(b"".join(recs))
    log.close()


DEVICE_TEXTS = ["3.3", "1.15", "2.675", "0.07", "12.340", "3.563168", "0.09055002", "1425", "-4.70"]


def test_point_chart_json_gives_the_decimal_as_sent(world, client_for, tmp_path):
    from envbureau.hj212 import CHINA_TZ

    p1 = world["p1"]
    start = dt.datetime.now(CHINA_TZ).replace(second=0, microsecond=0) - dt.timedelta(minutes=30)
    _store_minutes(tmp_path, p1.mn, start, DEVICE_TEXTS)
    r = client_for("admin").get(f"/sources/points/{p1.pk}/series.json?factor=a21026&kind=minute")
    body = r.content.decode()
    assert "3.3000000000000003" not in body and "1.1499999999999999" not in body
    got = [row[1] for row in json.loads(body)["points"]]
    assert got == [3.3, 1.15, 2.675, 0.07, 12.34, 3.563168, 0.09055002, 1425.0, -4.7]
    # and as JSON text, exactly the digits the device sent (trailing zeros aside)
    for text in ["3.3", "1.15", "2.675", "0.07", "12.34", "3.563168", "0.09055002"]:
        assert f", {text}, " in body or f",{text}," in body


def test_read_series_values_equal_the_device_decimals(tmp_path):
    from envbureau.gateway.query import read_series
    from envbureau.hj212 import CHINA_TZ

    start = dt.datetime(2026, 3, 1, 8, 0, tzinfo=CHINA_TZ)
    _store_minutes(tmp_path, "EXACT01", start, DEVICE_TEXTS)
    df = read_series("EXACT01", "minute", start, start + dt.timedelta(hours=1), root=tmp_path / "online")
    assert df["value"].to_list() == [float(t) for t in DEVICE_TEXTS]


def _minutes(point, hour, values, factor):
    return [packet(point, hour + dt.timedelta(minutes=i), {factor: {"Avg": v}}, cn="2051", kind="minute")
            for i, v in enumerate(values)]


@pytest.mark.parametrize("factor, values, expected", [
    ("w01018", [1.1, 2.2], 1.6),      # COD, N5.1: 1.65 -> 1.6 (half to even), not 1.6500000000000001
    ("w01018", [1.7, 1.8], 1.8),      # 1.75 -> 1.8 (half to even: 7 is odd)
    ("w01018", [1.1, 2.21], 1.7),     # 1.655 -> 1.7 (above the half)
    ("w21003", [0.1, 0.2, 0.4], 0.23),  # NH3-N, N4.2: 0.2333… -> 0.23
    ("a34013", [12.4, 12.4], 12.0),   # smoke, N4: no decimals
    ("x99001", [1.1, 2.2], 1.65),     # a vendor factor: one more place than its minutes (1) -> 1.65
])
def test_rolled_up_hour_is_rounded_to_the_declared_precision(world, this_hour, client_for, factor, values, expected):
    p2 = world["p2"]
    reg = SourcesRegistry()
    reg.on_stored(_minutes(p2, this_hour, values, factor))
    reg.on_stored(_minutes(p2, this_hour + dt.timedelta(hours=1), [1.0], factor))  # the hour is over
    row = PointHourly.objects.get(point=p2, factor=factor, hour=this_hour)
    assert row.rolled_up and row.samples == len(values) and row.avg == expected
    body = client_for("admin").get(f"/api/v1/sources/hourly/?point={p2.pk}").content.decode()
    assert f'"avg":{expected}' in body.replace(" ", "")


@pytest.fixture
def this_hour():
    from envbureau.hj212 import CHINA_TZ

    return dt.datetime.now(CHINA_TZ).replace(minute=0, second=0, microsecond=0)
