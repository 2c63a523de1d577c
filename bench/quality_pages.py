"""Quality benchmark 2: server time of the city air dashboard (one year) and the annual assessment
page with the 4 years of Beijing data loaded; target p95 < 300 ms.

    .venv/bin/python bench/quality_pages.py [--requests 30] [--keep DIR]
    DATABASE_URL=$(scripts/pg.sh) .venv/bin/python bench/quality_pages.py

Measured with Django's test client in process (routing, middleware, scoping, queries, numpy
assessment through envbureau.standards, template rendering); prints p50/p95/max per page and user.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_MS = 300.0


from harness import login, p95, timed_requests  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--keep", help="data directory to keep/reuse")
    opts = ap.parse_args()
    from harness import setup_django as setup

    data_dir = Path(opts.keep or tempfile.mkdtemp(prefix="eb-bench-quality-pages-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    setup(data_dir)
    from django.db import connection

    from envbureau.core.audit import audit_context
    from envbureau.core.demo_core import load_core
    from envbureau.quality.demo_step import load_air, load_water_noise
    from envbureau.quality.models import AirHourly

    if AirHourly.objects.count() < 400000:
        with audit_context("cli"):
            for step in (load_core, load_air, load_water_noise):  # only the core and quality demo steps
                step(lambda m: None)
    print(f"database: {connection.vendor}; {AirHourly.objects.count()} hourly rows loaded")
    pages = [
        ("city dashboard 2016 /quality/?j=110000&year=2016", "/quality/?j=110000&year=2016", "air_staff"),
        ("annual assessment /quality/assessment/?j=110000&year=2016", "/quality/assessment/?j=110000&year=2016",
         "air_staff"),
        ("annual assessment 东城区 (district officer)", "/quality/assessment/?j=110101&year=2016", "dongcheng"),
        ("district rankings 2016", "/quality/rankings/?j=110000&year=2016", "air_staff"),
        ("headline 2016", "/quality/headline/?j=110000&year=2016", "leader"),
        ("API assessment 2016", "/api/v1/quality/assessment/?jurisdiction=110000&year=2016", "air_staff"),
    ]
    ok = True
    print(f"\n{'page':<62} {'user':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target {TARGET_MS:.0f} ms")
    for title, url, user in pages:
        times = timed_requests(login(user), url, opts.requests)
        v = p95(times)
        ok &= v < TARGET_MS or "rankings" in title or "headline" in title or "API" in title
        print(f"{title:<62} {user:<10} {statistics.median(times):8.1f} {v:8.1f} {max(times):8.1f}  "
              f"{'OK' if v < TARGET_MS else 'SLOW'}")
    if not opts.keep:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envbureau.settings")
    sys.exit(main())
