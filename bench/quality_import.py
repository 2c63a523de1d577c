"""Quality benchmark 1: import the whole Beijing PRSA dataset (12 stations × 35,064 hours ≈ 420,768
station-hours) including the derived station and jurisdiction daily results; target < 60 s.

    .venv/bin/python bench/quality_import.py [--keep DIR]
    DATABASE_URL=$(scripts/pg.sh) .venv/bin/python bench/quality_import.py   # PostgreSQL (fresh *_bench database)

Uses the project's own compressed copy (src/envbureau/quality/demo/). Prints rows/s for the first
import and the time of an identical re-import (which must change nothing).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

TARGET_S = 60.0


sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import setup_django as setup  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", help="data directory to keep (default: a temporary one)")
    opts = ap.parse_args()
    data_dir = Path(opts.keep or tempfile.mkdtemp(prefix="eb-bench-quality-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    setup(data_dir)
    from django.db import connection

    from envbureau.core.demo_core import load_core
    from envbureau.quality.airdata import import_files
    from envbureau.quality.demo_step import demo_files, ensure_stations
    from envbureau.quality.models import AirDaily, AirHourly, CityDaily

    load_core(lambda m: None)
    ensure_stations(print)
    files = [(p.name, p) for p in demo_files()]
    t0 = time.perf_counter()
    out = import_files(files, fmt="prsa", source="cli")
    t1 = time.perf_counter() - t0
    rows = out["rows"]
    print(f"database: {connection.vendor}")
    print(f"first import: {rows} rows in {t1:.1f} s = {rows / t1:,.0f} rows/s "
          f"(incl. {out['rebuilt']['station_days']} station-days and {out['rebuilt']['jurisdiction_days']} "
          f"jurisdiction-days)  target < {TARGET_S:.0f} s: {'OK' if t1 < TARGET_S else 'SLOW'}")
    print(f"stored: {AirHourly.objects.count()} hourly, {AirDaily.objects.count()} station-days, "
          f"{CityDaily.objects.count()} jurisdiction-days")
    t0 = time.perf_counter()
    again = import_files(files, fmt="prsa", source="cli")
    t2 = time.perf_counter() - t0
    print(f"identical re-import: {t2:.1f} s, inserted {again['inserted']}, updated {again['updated']}, "
          f"unchanged {again['unchanged']}")
    ok = t1 < TARGET_S and again["inserted"] == 0 and again["updated"] == 0
    if not opts.keep:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envbureau.settings")
    sys.exit(main())
