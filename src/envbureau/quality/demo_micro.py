"""Demo step 21 (issue 17): street micro stations (微站), synthetic and labelled as such, so the all-city street
rankings and the micro-station check have something to show on the demo.

Eight streets of 东城区, 西城区 and 朝阳区 (the core demo's four and four real 西城区 streets) get one or two micro
stations each, placed a few hundred metres from a real national station of the demo; their hourly values from
2016-09 to 2017-02 (six-parameter sensors, so streets get a composite index) are that station's real values with
sensor noise, PM2.5 and PM10 also times a street factor. One sensor reads 50 % high from 2016-12-10 (a drift the check flags). The micro stations join
the street ranking network only: the official city and district figures stay those of the 12 national stations.
Deterministic (seeded) and idempotent: nothing is written again once the micro stations have data. The light demo
(tests) loads December 2016 only."""

from __future__ import annotations

import datetime as dt

import numpy as np

from envbureau.core.demo import register

XICHENG_STREETS = (("110102001000", "西长安街街道"), ("110102003000", "新街口街道"), ("110102007000", "月坛街道"),
                   ("110102011000", "展览路街道"))
# street code → (reference station, how many micro stations, street factor)
PLAN = {"110101001000": ("BJ-Dongsi", 2, 0.95), "110101007000": ("BJ-Dongsi", 1, 1.12),
        "110101009000": ("BJ-Tiantan", 2, 1.02), "110105010000": ("BJ-Nongzhanguan", 2, 1.18),
        "110102001000": ("BJ-Wanshouxigong", 1, 0.9), "110102003000": ("BJ-Guanyuan", 2, 1.06),
        "110102007000": ("BJ-Wanshouxigong", 1, 0.98), "110102011000": ("BJ-Guanyuan", 1, 1.25)}
START, END = dt.datetime(2016, 9, 1), dt.datetime(2017, 3, 1)  # local time, END excluded
DRIFT_CODE, DRIFT_FROM = "WZ-110101009000-2", dt.datetime(2016, 12, 10)
POLS = ("pm25", "pm10", "so2", "no2", "co", "o3")


def ensure_micro_stations(log=print) -> list:
    from envbureau.core.models import Jurisdiction

    from .models import AirStation, StationNetwork

    xicheng = Jurisdiction.objects.filter(code="110102").first()
    if xicheng is not None:
        for code, name in XICHENG_STREETS:
            Jurisdiction.objects.get_or_create(code=code, defaults={"name": name, "level": "street", "parent": xicheng})
    refs = {s.code: s for s in AirStation.objects.filter(code__in={r for r, _n, _f in PLAN.values()})}
    out = []
    for street in Jurisdiction.objects.filter(code__in=PLAN, level="street").order_by("code"):
        ref_code, n, _factor = PLAN[street.code]
        ref = refs.get(ref_code)
        if ref is None or ref.longitude is None:
            continue
        for k in range(1, n + 1):
            code = f"WZ-{street.code}-{k}"
            # a few hundred metres east/north of the reference, a little further for the second sensor
            s, _c = AirStation.objects.get_or_create(code=code, defaults={
                "name": f"{street.name}微站{k}(演示)", "name_en": f"{code} (demo micro)", "jurisdiction": street,
                "control_level": "micro", "longitude": round(ref.longitude + 0.004 * k, 4),
                "latitude": round(ref.latitude + 0.003 * k, 4),
                "note": "演示微站(合成数据:参比国控站的真实数据乘以街道系数和传感器噪声)"})
            out.append((s, ref))
    if out:
        net = (StationNetwork.objects.filter(purpose="ranking", valid_to__isnull=True).order_by("-valid_from").first())
        if net is not None:
            missing = {s.pk for s, _r in out} - set(net.stations.values_list("pk", flat=True))
            if missing:
                net.stations.add(*missing)
    return out


def micro_csv(pairs, start: dt.datetime = START, end: dt.datetime = END) -> tuple[bytes, int]:
    """The micro stations' hours as a standard-template CSV (local hour-start times) from their references' hours."""
    from .airdata import LOCAL_OFFSET, epoch_sql
    from .models import AirHourly

    rng = np.random.default_rng(21)
    t0 = (start - dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    t1 = (end - dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    lines, n = ["站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3"], 0
    cache: dict = {}
    from django.db import connection

    for station, ref in pairs:
        if ref.pk not in cache:
            with connection.cursor() as cur:
                cur.execute(f"SELECT {epoch_sql('time')}, {', '.join(POLS)} FROM {AirHourly._meta.db_table} "
                            f"WHERE station_id = %s AND time >= %s AND time < %s ORDER BY time", [ref.pk, t0, t1])
                cache[ref.pk] = cur.fetchall()
        factor = PLAN[station.jurisdiction.code][2] * (1 + 0.04 * (int(station.code[-1]) - 1))
        drift_from = (DRIFT_FROM.timestamp() - 8 * 3600) if station.code == DRIFT_CODE else None
        for epoch, *vals in cache[ref.pk]:
            if rng.random() < 0.02:  # a micro sensor misses an hour now and then
                continue
            f = factor * (1.5 if drift_from is not None and epoch >= drift_from else 1.0)
            local = dt.datetime.fromtimestamp(int(epoch) + LOCAL_OFFSET, tz=dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
            cells = []
            for key, v in zip(POLS, vals):
                if v is None:
                    cells.append("")
                    continue
                noise = rng.lognormal(0, 0.08)
                x = v * (f if key in ("pm25", "pm10") else 1.0) * noise
                cells.append(f"{x:.1f}" if key == "co" else f"{x:.0f}")
            pm25, pm10, so2, no2, co, o3 = cells
            if pm25 and pm10 and float(pm25) > float(pm10):
                pm10 = pm25
            lines.append(f"{station.code},{local},{pm25},{pm10},{so2},{no2},{co},{o3}")
            n += 1
    return ("\n".join(lines) + "\n").encode("utf-8"), n


@register(21, "街道微站及2016-09至2017-02小时数据(合成数据) / street micro stations and their hours (synthetic)")
def load_micro(log):
    from .airdata import import_files
    from .models import AirHourly

    pairs = ensure_micro_stations(log)
    if not pairs:
        log("   no reference station: run the Beijing air step first")
        return
    if AirHourly.objects.filter(station__control_level="micro", station__code__startswith="WZ-").exists():
        log(f"   {len(pairs)} micro stations; hourly data already loaded")
        return
    from envbureau.core.demo import is_light

    # the light demo (tests): December 2016 only, the month the drifting sensor is flagged in
    data, n = micro_csv(pairs, dt.datetime(2016, 12, 1), dt.datetime(2017, 1, 1)) if is_light() else micro_csv(pairs)
    if not n:
        log(f"   {len(pairs)} micro stations; their references have no hours in 2016-09 … 2017-02")
        return
    out = import_files([("demo_micro_stations.csv", data)], fmt="standard", source="cli")
    log(f"   {len(pairs)} micro stations in {len(PLAN)} streets (ranking network only); {out['inserted']} hourly rows, "
        f"{out['rebuilt'].get('station_days', 0)} station-days, {out['rebuilt'].get('jurisdiction_days', 0)} "
        f"jurisdiction-days")
