"""A small world for the sources tests: two enterprises in two districts with points and limits."""

import datetime as dt

import pytest


def packet(point, data_time, factors, *, cn="2061", kind="hour", pno=None, received_at=None):
    """A StoredPacket built by hand, as the gateway would hand it to on_stored.

    factors: {code: {"Avg": 1.0, "ZsAvg": 2.0, "Flag": "N"}}"""
    from envbureau.gateway.registry import StoredPacket, StoredValue
    from envbureau.hj212 import codes

    values = []
    for code, fields in factors.items():
        flag = fields.get("Flag", "N")
        for name, v in fields.items():
            if name != "Flag":
                values.append(StoredValue(codes.normalise_factor(code), code, name, float(v), flag))
    dt_text = data_time.strftime("%Y%m%d%H%M%S")
    return StoredPacket(point_id=point.pk, mn=point.mn, cn=cn, kind=kind, data_time=data_time, pno=pno,
                        received_at=(received_at or data_time + dt.timedelta(minutes=5)).timestamp(),
                        values=values, params={"DataTime": dt_text}, crc_dialect="hj212", version=1)


@pytest.fixture
def world(demo_core):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User
    from envbureau.sources import credit_code
    from envbureau.sources.models import Enterprise, MonitoringPoint, Outlet, PollutantLimit

    dc = Jurisdiction.objects.get(code="110101")
    cy = Jurisdiction.objects.get(code="110105")
    street = Jurisdiction.objects.get(code="110101001000")
    e1 = Enterprise.objects.create(credit_code=credit_code.make("91", "110101", "TEAM0001"), name="东城测试热电",
                                   jurisdiction=street)
    e2 = Enterprise.objects.create(credit_code=credit_code.make("91", "110105", "TEAM0002"), name="朝阳测试化工",
                                   jurisdiction=cy)
    o1 = Outlet.objects.create(enterprise=e1, code="DA001", name="烟囱", kind="gas")
    o2 = Outlet.objects.create(enterprise=e2, code="DW001", name="总排口", kind="water")
    p1 = MonitoringPoint.objects.create(outlet=o1, mn="TESTMN0001", name="烟囱 CEMS")
    p2 = MonitoringPoint.objects.create(outlet=o2, mn="TESTMN0002", name="废水在线", crc_dialects=["modbus"])
    PollutantLimit.objects.create(point=p1, factor="a21026", limit_value=35, on_converted=True, unit="mg/m³")
    PollutantLimit.objects.create(point=p1, factor="a21002", limit_value=50, on_converted=False, unit="mg/m³")
    PollutantLimit.objects.create(point=p2, factor="w01018", limit_value=50, unit="mg/L")
    PollutantLimit.objects.create(point=p2, factor="w01001", limit_value=9, lower_limit=6)
    PollutantLimit.objects.create(point=p2, factor="w01018", period="day", limit_value=40, unit="mg/L")
    u = User.objects.create(username="ent1")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"), enterprise_id=e1.pk)
    del dc
    return {"e1": e1, "e2": e2, "o1": o1, "o2": o2, "p1": p1, "p2": p2, "ent_user": u}


@pytest.fixture
def hour0():
    from envbureau.hj212 import CHINA_TZ

    now = dt.datetime.now(CHINA_TZ).replace(minute=0, second=0, microsecond=0)
    return now - dt.timedelta(hours=12)
