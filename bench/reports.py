"""Reports benchmark: time to generate the city-month air bulletin (figures, charts, the filled .docx) with
the 4 years of Beijing data loaded; target < 5 s. Also prints the PDF conversion (LibreOffice) apart, the
other report types, and the district bulletin.

    .venv/bin/python bench/reports.py [--runs 5] [--keep DIR] [--pdf]
    DATABASE_URL=$(scripts/pg.sh) .venv/bin/python bench/reports.py

Measured in process through the service behind the page, the API and the CLI (reports.services.render).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_S = 5.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", help="data directory to keep/reuse")
    ap.add_argument("--pdf", action="store_true", help="also time the PDF conversion (LibreOffice)")
    opts = ap.parse_args()
    from harness import setup_django

    data_dir = Path(opts.keep or tempfile.mkdtemp(prefix="eb-bench-reports-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    setup_django(data_dir)
    from django.db import connection

    from envbureau.core.audit import audit_context
    from envbureau.core.demo_core import load_core
    from envbureau.quality.demo_step import load_air, load_water_noise
    from envbureau.quality.models import AirHourly
    from envbureau.reports import services

    if AirHourly.objects.count() < 400000:
        t0 = time.perf_counter()
        with audit_context("cli"):
            for step in (load_core, load_air, load_water_noise):
                step(lambda m: None)
        print(f"loaded the Beijing data in {time.perf_counter() - t0:.0f} s")
    print(f"database: {connection.vendor}; {AirHourly.objects.count()} hourly rows")

    def timed(label, code, j, period, fmt="docx", runs=opts.runs):
        services.render(None, code, j, period, fmt)  # warm-up (fonts, template row)
        out = []
        size = 0
        for _ in range(runs):
            t0 = time.perf_counter()
            _name, data, _ct = services.render(None, code, j, period, fmt)
            out.append(time.perf_counter() - t0)
            size = len(data)
        print(f"{label:<52} p50 {statistics.median(out):6.2f} s  max {max(out):6.2f} s  ({size // 1024} KB)")
        return max(out)

    worst = timed("air bulletin, city, 2016-12 (.docx)", "air_bulletin", "110000", "2016-12")
    timed("air bulletin, city, 2016 (year, .docx)", "air_bulletin", "110000", "2016", runs=3)
    timed("air bulletin, 东城区, 2016-12 (.docx)", "air_bulletin", "110101", "2016-12", runs=3)
    timed("ranking notice, city, 2016-12 (.docx)", "ranking_notice", "110000", "2016-12", runs=3)
    timed("water report, city, 2016-12 (.docx)", "water_report", "110000", "2016-12", runs=3)
    timed("work-summary figures, city, 2016 (.docx)", "work_summary", "110000", "2016", runs=3)
    if opts.pdf:
        timed("air bulletin, city, 2016-12 (.pdf, LibreOffice)", "air_bulletin", "110000", "2016-12", "pdf", runs=2)
    ok = worst < TARGET_S
    print(f"city-month bulletin: worst {worst:.2f} s, target < {TARGET_S:.0f} s: {'OK' if ok else 'MISSED'} "
          f"(ratio {worst / TARGET_S:.2f})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
