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


# `envbureau demo --light` (and the tests' light world) loads 2016-01 … 2017-02 of each station instead of the four
# years: the last full year (its assessment, rankings and headline) and the two months after it (the latest month
# with its year-on-year comparison). 425 days of hours; the full files hold 1,461 days.
LIGHT_FROM_YEAR = 2016
LIGHT_HOURS = 425 * 24


def light_slice(path: Path) -> tuple[str, bytes]:
    """A station's file cut to the light demo's years, as (name, CSV bytes) for import_files."""
    import gzip
    import io

    out = io.StringIO()
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        writer = csv.writer(out, lineterminator="\n")
        header = next(reader)
        year = header.index("year")
        writer.writerow(header)
        writer.writerows(row for row in reader if int(row[year]) >= LIGHT_FROM_YEAR)
    return path.name.removesuffix(".gz"), out.getvalue().encode("utf-8")


@register(20, "北京12个国控空气站及2013-2017小时数据(真实数据) / Beijing air stations and hourly data (real)")
def load_air(log):
    from envbureau.core.demo import is_light

    from .airdata import import_files
    from .models import AirHourly

    created = ensure_stations(log)
    files = demo_files()
    light = is_light()
    if AirHourly.objects.count() >= (LIGHT_HOURS if light else 35064) * len(files):
        log(f"   {created} stations created; hourly data already loaded")
        return
    sources = [light_slice(p) for p in files] if light else [(p.name, p) for p in files]
    out = import_files(sources, fmt="prsa", source="cli")
    log(f"   {created} stations created; {out['inserted']} hourly rows inserted, "
        f"{out['rebuilt'].get('station_days', 0)} station-days computed")


@register(25, "演示水质断面与噪声数据(合成数据) / synthetic water sections and noise data")
def load_water_noise(log):
    from .demo_synthetic import load_synthetic

    load_synthetic(log)
