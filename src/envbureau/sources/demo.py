"""Demo step (order 30): simulated enterprises in Beijing districts with outlets, points, limits,
72 hours of generated hourly history (labelled synthetic) run through the real alarm rules, a
declaration, and the enterprise demo user.

The MNs SIM000000… match `envbureau hj212-sim` (even = waste water, odd = flue gas), so a running
simulator keeps these points alive on the monitoring screens.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from envbureau.core.demo import register

from . import credit_code

DEMO_PASSWORD = "Demo@2026"

# name, district, industry, flags, lon, lat, org-code body
ENTERPRISES = [
    ("京东热电示范有限公司(模拟)", "110101", "D4411", "火力发电", ("key_air", "key_water"), 116.428, 39.905, "MA01DC01"),
    ("朝阳精细化工示范有限公司(模拟)", "110105", "C2614", "有机化学原料制造", ("key_water", "key_air", "risk_source"),
     116.520, 39.950, "MA01CY02"),
    ("海淀再生水示范有限公司(模拟)", "110108", "D4620", "污水处理及其再生利用", ("key_water",), 116.290, 40.010, "MA01HD03"),
    ("顺义汽车涂装示范有限公司(模拟)", "110113", "C3610", "汽车整车制造", ("key_air", "key_noise"), 116.650, 40.130, "MA01HY04"),
]

# factor, typical value, limit, lower limit, unit, on converted
WATER_LIMITS = [("w01018", 40.0, 100.0, None, "mg/L", False), ("w21003", 5.0, 15.0, None, "mg/L", False),
                ("w21011", 0.3, 1.0, None, "mg/L", False), ("w01001", 7.2, 9.0, 6.0, "", False)]
GAS_LIMITS = [("a21026", 35.0, 100.0, None, "mg/m³", True), ("a21002", 80.0, 150.0, None, "mg/m³", True),
              ("a34013", 8.0, 20.0, None, "mg/m³", True)]


def demo_hours() -> int:
    # light demo (`envbureau demo --light`, and every test session): a day of history instead of three
    from envbureau.core.demo import is_light

    return 24 if is_light() else 72


def demo_credit_code(division: str, body: str) -> str:
    return credit_code.make("91", division, body)


@register(30, "污染源:模拟企业、监测点、小时数据与报警 / sources demo (synthetic)")
def load_sources(log):
    from django.utils import timezone

    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    from .models import Enterprise, MonitoringPoint, Outlet, PointHourly, PollutantLimit

    now = timezone.now()
    points = []
    for i, (name, district, ind, ind_name, flags, lon, lat, body) in enumerate(ENTERPRISES):
        code = demo_credit_code(district, body)
        ent, _ = Enterprise.objects.get_or_create(credit_code=code, defaults=dict(
            name=name, industry_code=ind, industry_name=ind_name, jurisdiction=Jurisdiction.objects.get(code=district),
            address=f"北京市{Jurisdiction.objects.get(code=district).name}示范路{i + 1}号(模拟)", longitude=lon, latitude=lat,
            contact_person="张工(模拟)", contact_phone="010-0000000" + str(i), synthetic=True,
            note="演示用模拟企业,数据为程序生成", **{f: True for f in flags}))
        if not ent.events.exists():
            from .services import add_dossier_event

            add_dossier_event(ent.pk, "sources.enterprise", "建立企业环境档案(模拟)", time=now - dt.timedelta(days=400),
                              detail="纳入重点排污单位名录:" + "、".join(ent.key_flags))
            add_dossier_event(ent.pk, "sources.point", "在线监控设备联网验收(模拟)", time=now - dt.timedelta(days=200))
        for j, (kind, ocode, oname, limits) in enumerate([("water", "DW001", "废水总排口", WATER_LIMITS),
                                                          ("gas", "DA001", "1号锅炉烟囱", GAS_LIMITS)]):
            outlet, _ = Outlet.objects.get_or_create(enterprise=ent, code=ocode, defaults=dict(
                name=oname, kind=kind, longitude=lon + 0.002 * j, latitude=lat + 0.001 * j))
            mn = f"SIM{2 * i + j:06d}"
            point = MonitoringPoint.objects.filter(mn=mn).first()
            if point is None:
                point = MonitoringPoint(outlet=outlet, mn=mn, name=f"{oname}在线监测")
                point.save()
            for factor, _typ, lim, lower, unit, conv in limits:
                PollutantLimit.objects.get_or_create(point=point, factor=factor, period="hour", defaults=dict(
                    limit_value=lim, lower_limit=lower, unit=unit, on_converted=conv,
                    standard="GB 13223-2011(示例)" if kind == "gas" else "GB 8978-1996 一级(示例)"))
            points.append((point, limits))

    # the enterprise demo user: sees only the first demo enterprise
    first = Enterprise.objects.get(credit_code=demo_credit_code(ENTERPRISES[0][1], ENTERPRISES[0][7]))
    user = User.objects.filter(username="enterprise_demo").first()
    if user is None:
        user = User(username="enterprise_demo", display_name="企业用户(京东热电)")
        user.set_password(DEMO_PASSWORD)
        user.save()
    if not RoleAssignment.objects.filter(user=user, role__code="enterprise").exists():
        RoleAssignment.objects.create(user=user, role=Role.objects.get(code="enterprise"), enterprise_id=first.pk)

    if PointHourly.objects.filter(point__enterprise__synthetic=True).exists():
        log("   sources demo history already present")
        return
    _history(points, now, log)


def _history(points, now, log):
    from django.utils import timezone

    from envbureau.gateway.registry import StoredPacket, StoredValue

    from . import alarms, services
    from .models import Alarm, PointHourly
    from .registry import SourcesRegistry

    n_hours = demo_hours()
    rng = random.Random(2026)
    reg = SourcesRegistry()
    top = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    start = top - dt.timedelta(hours=n_hours)
    batch = []
    for pi, (point, limits) in enumerate(points):
        silent_after = n_hours - 6 if pi == 5 else n_hours  # one point went quiet six hours ago
        for h in range(n_hours):
            if h >= silent_after:
                break
            ago = n_hours - h  # scenarios are placed relative to now, so a short history shows them all
            t = start + dt.timedelta(hours=h)
            values = []
            for fi, (factor, typical, lim, _lower, _unit, conv) in enumerate(limits):
                daily = 1 + 0.15 * math.sin((t.hour + pi) / 24 * 2 * math.pi)
                v = typical * daily * rng.uniform(0.85, 1.15)
                flag = "N"
                if pi == 2 and fi == 0 and 18 <= ago <= 20:
                    v = lim * rng.uniform(1.1, 1.5)  # COD exceedance, three hours
                if pi == 1 and fi == 1 and 11 <= ago <= 12:
                    v = lim * 1.2  # NOx (converted) exceedance, two hours
                if pi == 3 and fi == 0 and ago <= 3:
                    v = lim * 1.3  # SO2 (converted) over the limit, still going on
                if pi == 4 and fi == 1 and ago <= 8:
                    v = 3.217  # a stuck ammonia analyser: flat line
                if pi == 6 and 14 <= ago <= 16:
                    flag = "M"  # maintenance
                if factor == "w01001":
                    v = 7.2 + rng.uniform(-0.4, 0.4)
                fields = [("Avg", v), ("Min", v * 0.9), ("Max", v * 1.1)]
                if conv:
                    fields.append(("ZsAvg", v * 1.08))
                    fields[0] = ("Avg", v / 1.08)  # measured below, converted at v
                values += [StoredValue(factor, factor, f, round(x, 3), flag) for f, x in fields]
            dt_text = t.strftime("%Y%m%d%H%M%S")
            batch.append(StoredPacket(point_id=point.pk, mn=point.mn, cn="2061", kind="hour", data_time=t, pno=None,
                                      received_at=(t + dt.timedelta(minutes=62)).timestamp(), values=values,
                                      params={"DataTime": dt_text}, crc_dialect="hj212", version=1))
    batch.sort(key=lambda p: p.data_time)
    reg._process(batch)
    absent = alarms.check_absence(now=now)
    # An approved maintenance declaration covering the maintenance hours of one point
    point6 = points[6][0]
    d = services.submit_declaration(None, enterprise=point6.enterprise, point=point6, kind="maintenance",
                                    start=top - dt.timedelta(hours=17), end=top - dt.timedelta(hours=12),
                                    reason="CEMS 季度比对校准(模拟申报)", now=top - dt.timedelta(hours=18))
    services.approve_declaration(None, d.pk, "同意(模拟)")
    services.submit_declaration(None, enterprise=points[0][0].enterprise, point=points[0][0], kind="production_stopped",
                                start=now + dt.timedelta(days=1), end=now + dt.timedelta(days=3),
                                reason="计划停产检修(模拟申报)")
    log(f"   {PointHourly.objects.filter(point__enterprise__synthetic=True).count()} hourly rows (synthetic), "
        f"{Alarm.objects.count()} alarms ({len(absent)} data absence)")
