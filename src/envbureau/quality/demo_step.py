"""Demo step 20: the 12 real Beijing stations (each in its real district) and their hourly data
2013-03 … 2017-02 from the project's own copy (demo/, CC BY 4.0, UCI dataset 501); then synthetic
water sections and noise data, labelled as such."""

from __future__ import annotations

import csv
from pathlib import Path

from envbureau.core.demo import register

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("PRSA_Data_*.csv.gz"))


def ensure_stations(log=print) -> int:
    from envbureau.core.models import Jurisdiction

    from .models import AirStation

    n = 0
    with open(DEMO_DIR / "stations.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            j = Jurisdiction.objects.filter(code=row["district_code"]).first()
            if j is None:
                log(f"   district {row['district_code']} missing; run the core demo step first")
                continue
            _s, created = AirStation.objects.get_or_create(code=f"BJ-{row['station']}", defaults={
                "name": row["name_zh"], "name_en": row["station"], "jurisdiction": j,
                "longitude": float(row["longitude"]), "latitude": float(row["latitude"]),
                "control_level": "national",
                "note": "北京市国控站(UCI 501 数据集,真实监测数据)"})
            n += created
    from .networks import ensure_default_networks

    # the 12 national stations make every network of the demo (the official one first of all)
    ensure_default_networks(list(AirStation.objects.filter(code__startswith="BJ-").values_list("pk", flat=True)))
    return n


@register(20, "北京12个国控空气站及2013-2017小时数据(真实数据) / Beijing air stations and hourly data (real)")
def load_air(log):
    from .airdata import import_files
    from .models import AirHourly

    created = ensure_stations(log)
    files = demo_files()
    if AirHourly.objects.count() >= 35064 * len(files):
        log(f"   {created} stations created; hourly data already loaded")
        return
    out = import_files([(p.name, p) for p in files], fmt="prsa", source="cli")
    log(f"   {created} stations created; {out['inserted']} hourly rows inserted, "
        f"{out['rebuilt'].get('station_days', 0)} station-days computed")


@register(25, "演示水质断面与噪声数据(合成数据) / synthetic water sections and noise data")
def load_water_noise(log):
    from .demo_synthetic import load_synthetic

    load_synthetic(log)
