"""Import benchmark: peak memory of importing the Beijing year file (issue 9: under 500 MB).

    .venv/bin/python bench/import_memory.py [--year 2014] [--xlsx] [--data DIR]
    DATABASE_URL=postgres://… .venv/bin/python bench/import_memory.py     # PostgreSQL (fresh *_bench database)

The year file is built from the shared Beijing PRSA data (../shared/data/beijing-prsa: 12 stations,
hourly) in the platform's hourly template (站点编码, 监测时间, PM2.5 … O3; CO in mg/m³): one calendar year,
12 × 8,760 ≈ 105,000 rows. It is imported through the import framework exactly as the web's background job
does (validation with the typed columns, then the all-or-nothing save and the daily rebuild), in a child
process whose peak resident memory (ru_maxrss) is the figure. Skips with a message when the data are absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "beijing-prsa"
TARGET_MB = 500.0

sys.path.insert(0, str(Path(__file__).resolve().parent))


def build_year_file(src: Path, year: int, out: Path, xlsx: bool) -> int:
    """The year's rows of every PRSA station file in the hourly template; returns the row count."""
    header = ["站点编码", "监测时间", "PM2.5", "PM10", "SO2", "NO2", "CO", "O3"]
    rows = []
    for f in sorted(src.glob("PRSA_Data_*.csv")):
        with f.open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if int(r["year"]) != year:
                    continue
                co = "" if r["CO"] in ("NA", "") else f"{float(r['CO']) / 1000:g}"  # µg/m³ → mg/m³
                rows.append([f"BJ-{r['station']}", f"{year}-{int(r['month']):02d}-{int(r['day']):02d} "
                             f"{int(r['hour']):02d}:00"] + ["" if r[k] == "NA" else r[k]
                                                            for k in ("PM2.5", "PM10", "SO2", "NO2")]
                            + [co, "" if r["O3"] == "NA" else r["O3"]])
    if xlsx:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("空气小时数据")
        ws.append(header)
        for r in rows:
            ws.append(r)
        wb.save(out)
    else:
        with out.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)
    return len(rows)


def child(path: str) -> None:
    """Runs in a fresh process: set up, import the file, print figures as JSON."""
    from harness import setup_django

    setup_django(Path(os.environ["ENVBUREAU_DATA_DIR"]))
    from envbureau.core.demo_core import load_core
    from envbureau.core.importing import get_importer
    from envbureau.quality.demo_step import ensure_stations

    load_core(lambda m: None)
    ensure_stations(lambda m: None)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    res = get_importer("quality.airhourly").run(path, Path(path).name, None, source="cli")
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from django.db import connection

    print(json.dumps({"ok": res.ok, "errors": res.errors[:3], "rows": res.total, "saved": res.saved,
                      "seconds": seconds, "rss_before_mb": before, "peak_mb": peak, "db": connection.vendor},
                     default=str))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--year", type=int, default=2014)
    ap.add_argument("--xlsx", action="store_true", help="the year file as .xlsx (default .csv)")
    ap.add_argument("--data", type=Path, default=SHARED, help="folder of the PRSA files (default ../shared/data/…)")
    ap.add_argument("--child")
    opts = ap.parse_args()
    if opts.child:
        child(opts.child)
        return 0
    if not opts.data.is_dir() or not any(opts.data.glob("PRSA_Data_*.csv")):
        print(f"SKIP: the Beijing PRSA data are absent ({opts.data}); this benchmark needs ../shared/data "
              f"(or --data DIR)")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="eb-bench-import-"))
    year_file = tmp / f"beijing-{opts.year}.{'xlsx' if opts.xlsx else 'csv'}"
    t0 = time.perf_counter()
    n = build_year_file(opts.data, opts.year, year_file, opts.xlsx)
    print(f"year file: {year_file.name}, {n:,} rows, {year_file.stat().st_size / 2**20:.1f} MB "
          f"(built in {time.perf_counter() - t0:.1f} s)")
    env = {**os.environ, "ENVBUREAU_DATA_DIR": str(tmp / "data"), "PYTHONPATH": str(ROOT / "src")}
    (tmp / "data").mkdir()
    out = subprocess.run([sys.executable, __file__, "--child", str(year_file)], env=env, capture_output=True,
                         text=True)
    if out.returncode != 0:
        print(out.stderr[-3000:])
        return 1
    fig = json.loads(out.stdout.strip().splitlines()[-1])
    if not fig["ok"]:
        print("import failed:", fig["errors"])
        return 1
    ok = fig["peak_mb"] < TARGET_MB
    print(f"database: {fig['db']}")
    print(f"import of {fig['rows']:,} rows: {fig['seconds']:.1f} s = {fig['rows'] / fig['seconds']:,.0f} rows/s; "
          f"saved {fig['saved']['inserted']:,} hours, rebuilt {fig['saved']['rebuilt'].get('station_days', 0):,} "
          f"station-days")
    print(f"peak memory: {fig['peak_mb']:.0f} MB (process after setup {fig['rss_before_mb']:.0f} MB, import adds "
          f"{fig['peak_mb'] - fig['rss_before_mb']:.0f} MB); target < {TARGET_MB:.0f} MB: "
          f"{'OK' if ok else 'TOO MUCH'} (ratio {fig['peak_mb'] / TARGET_MB:.2f})")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envbureau.settings")
    sys.exit(main())
