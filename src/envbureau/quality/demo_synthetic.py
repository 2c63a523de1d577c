"""SYNTHETIC demo data (generated, not measured): water sections on Beijing's rivers with monthly
samples 2014–2016 and two automatic stations, noise stations with daily Ld/Ln for 2016, demo targets
and thresholds. Every synthetic site carries ``synthetic=True`` and the UI labels it. The air data of
the demo are real (see demo/ATTRIBUTION.md)."""

from __future__ import annotations

import datetime as dt

import numpy as np

# code, name, river, district, control level, target class, lake?, automatic?, typical class, lon, lat
SECTIONS = [
    ("SYN-W01", "通惠河高碑店(演示)", "通惠河", "110105", "national", 4, False, True, 4, 116.53, 39.91),
    ("SYN-W02", "凉水河大红门(演示)", "凉水河", "110106", "city", 4, False, False, 5, 116.40, 39.83),
    ("SYN-W03", "清河沙子营(演示)", "清河", "110108", "city", 4, False, False, 4, 116.41, 40.04),
    ("SYN-W04", "温榆河沙子营(演示)", "温榆河", "110113", "provincial", 4, False, False, 4, 116.55, 40.08),
    ("SYN-W05", "永定河三家店(演示)", "永定河", "110107", "national", 2, False, True, 2, 116.10, 39.96),
    ("SYN-W06", "潮白河苏庄(演示)", "潮白河", "110113", "national", 3, False, False, 3, 116.68, 40.11),
    ("SYN-W07", "怀沙河怀柔(演示)", "怀沙河", "110116", "county", 2, False, False, 2, 116.63, 40.32),
    ("SYN-W08", "怀柔水库(演示)", "怀柔水库", "110116", "national", 2, True, False, 2, 116.60, 40.31),
    ("SYN-W09", "北运河榆林庄(演示)", "北运河", "110101", "national", 4, False, False, 5, 116.44, 39.90),
]
# rough mid-class concentrations (mg/L) per typical class, for the deciding items
LEVELS = {2: {"codmn": 3.0, "nh3n": 0.3, "tp": 0.06, "cod": 12, "bod5": 2.5},
          3: {"codmn": 5.0, "nh3n": 0.8, "tp": 0.15, "cod": 17, "bod5": 3.5},
          4: {"codmn": 8.0, "nh3n": 1.2, "tp": 0.25, "cod": 25, "bod5": 5.0},
          5: {"codmn": 12.0, "nh3n": 1.8, "tp": 0.35, "cod": 35, "bod5": 8.0}}
NOISE = [("SYN-N01", "东城区居住区(演示)", "110101", "1", 53, 44), ("SYN-N02", "西城区混合区(演示)", "110102", "2", 57, 48),
         ("SYN-N03", "朝阳区商业区(演示)", "110105", "2", 58, 49), ("SYN-N04", "海淀区工业区(演示)", "110108", "3", 62, 52),
         ("SYN-N05", "丰台区交通干线(演示)", "110106", "4a", 68, 58), ("SYN-N06", "怀柔区疗养区(演示)", "110116", "0", 48, 40)]
SYN_NOTE = "演示合成数据(随机生成,不是监测结果)"
SYN_YEARS = (2014, 2015, 2016)
NOISE_DAYS = 366  # from 2016-01-01


def load_synthetic(log) -> None:
    from django.utils import timezone

    from envbureau.core.models import Jurisdiction

    from .models import AirThreshold, NoiseLeq, NoiseStation, Target, WaterSample, WaterSection
    from .water import rebuild_section_classes, scan_water_warnings

    rng = np.random.default_rng(2026)
    tz = timezone.get_default_timezone()
    juris = {j.code: j for j in Jurisdiction.objects.filter(code__startswith="11")}
    if "110000" not in juris:
        log("   Beijing jurisdictions missing; run the core demo step first")
        return
    new_sections = []
    for code, name, river, dist, level, target, lake, auto, typ, lon, lat in SECTIONS:
        s, created = WaterSection.objects.get_or_create(code=code, defaults={
            "name": name, "river": river, "jurisdiction": juris[dist], "control_level": level, "target_class": target,
            "water_body_type": "lake" if lake else "river", "automatic": auto, "synthetic": True,
            "longitude": lon, "latitude": lat, "note": SYN_NOTE})
        if created:
            new_sections.append((s, typ))
    samples = []
    dates: dict[int, set] = {}
    for s, typ in new_sections:
        for y in SYN_YEARS:
            for m in range(1, 13):
                t = dt.datetime(y, m, 10, 9, tzinfo=tz)
                base = LEVELS[typ]
                vals = {k: round(float(v * rng.lognormal(0, 0.25)), 3) for k, v in base.items()}
                vals.update({"ph": round(float(rng.normal(7.8, 0.3)), 2), "do": round(float(rng.normal(7.5 - typ * 0.6, 0.8)), 2),
                             "f": round(float(rng.uniform(0.3, 0.8)), 2), "cu": "0.001L", "hg": "0.00004L"})
                vals["do"] = max(vals["do"], 1.0)
                samples.append(WaterSample(section=s, time=t, kind="manual", values=vals))
                dates.setdefault(s.pk, set()).add(t.date())
        if s.automatic:
            start = dt.datetime(2016, 12, 1, tzinfo=tz)
            for i in range(31 * 6):
                t = start + dt.timedelta(hours=4 * i)
                spike = 2.2 if 100 <= i < 104 else 1.0  # a short pollution episode the warning scan finds
                vals = {"codmn": round(float(LEVELS[typ]["codmn"] * rng.lognormal(0, 0.15)), 2),
                        "nh3n": round(float(LEVELS[typ]["nh3n"] * spike * rng.lognormal(0, 0.15)), 3),
                        "tp": round(float(LEVELS[typ]["tp"] * rng.lognormal(0, 0.15)), 3),
                        "do": round(float(max(rng.normal(7.0, 0.6), 2)), 2), "ph": round(float(rng.normal(7.9, 0.2)), 2)}
                samples.append(WaterSample(section=s, time=t + dt.timedelta(hours=2), kind="automatic", values=vals))
    WaterSample.objects.bulk_create(samples, batch_size=500)
    n_cls = rebuild_section_classes(dates)
    from .models import DrinkingWaterSource

    for code, name, sec, kind in (("SYN-D01", "怀柔水库水源地(演示)", "SYN-W08", "lake"),
                                  ("SYN-D02", "怀沙河水源地(演示)", "SYN-W07", "river")):
        DrinkingWaterSource.objects.get_or_create(code=code, defaults={
            "name": name, "source_type": kind, "section": WaterSection.objects.get(code=sec),
            "jurisdiction": juris["110116"], "note": SYN_NOTE})
    n_warn = scan_water_warnings() if new_sections else 0

    new_noise = 0
    leqs = []
    days = [dt.date(2016, 1, 1) + dt.timedelta(days=i) for i in range(NOISE_DAYS)]
    for code, name, dist, zone, ld, ln in NOISE:
        st, created = NoiseStation.objects.get_or_create(code=code, defaults={
            "name": name, "jurisdiction": juris[dist], "zone": zone, "synthetic": True, "note": SYN_NOTE})
        if not created:
            continue
        new_noise += 1
        for d in days:
            leqs.append(NoiseLeq(station=st, date=d, period="day", leq=round(float(rng.normal(ld, 2.5)), 1)))
            leqs.append(NoiseLeq(station=st, date=d, period="night", leq=round(float(rng.normal(ln, 2.5)), 1)))
    NoiseLeq.objects.bulk_create(leqs, batch_size=1000)

    city = juris["110000"]
    for year, pm25, good, heavy in ((2014, 85, 50, 50), (2015, 80, 52, 45), (2016, 75, 55, 40)):
        for ind, val in (("pm25_mean", pm25), ("good_day_ratio", good), ("heavy_days", heavy),
                         ("water_class3_share", 45), ("drinking_compliance", 100)):
            Target.objects.get_or_create(jurisdiction=city, year=year, indicator=ind,
                                         defaults={"value": val, "issued_by": "演示(非真实目标)"})
    Target.objects.get_or_create(jurisdiction=juris["110101"], year=2016, indicator="pm25_mean",
                                 defaults={"value": 72, "issued_by": "演示(非真实目标)"})
    for pol, lim in (("pm25", 500), ("o3", 400)):
        AirThreshold.objects.get_or_create(pollutant=pol, jurisdiction=None, defaults={"hourly_limit": lim})
    log(f"   synthetic: {len(new_sections)} sections, {len(samples)} water samples, {n_cls} section-period classes, "
        f"{n_warn} water warnings, {new_noise} noise stations, {len(leqs)} noise Leq")
    # air warnings over the last month of the real data (thresholds above are demo settings)
    from .services import scan_air_warnings

    out = scan_air_warnings(dt.datetime(2017, 2, 1, tzinfo=tz), dt.datetime(2017, 2, 28, 23, tzinfo=tz))
    log(f"   air warnings raised for 2017-02: {out['created']}")
