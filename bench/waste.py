"""Hazardous-waste benchmark (issue 14): a year of a city's manifests (100,000) imported through the import
framework (the provincial system's CSV export, all or nothing), then the reconciliation page and API.

    .venv/bin/python bench/waste.py [--manifests 100000] [--requests 40]
    DATABASE_URL=$(scripts/pg.sh) .venv/bin/python bench/waste.py      # PostgreSQL (a fresh database is used)

Targets: import < 30 s; reconciliation page p95 < 200 ms (server time through Django's test client, as a city
waste officer and as a district officer). Prints the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import login, setup_django, timed_requests  # noqa: E402
from harness import report as _report  # noqa: E402

IMPORT_TARGET_S = 30.0
TARGET_MS = 200.0
HEADER = "联单编号,移出单位,接受单位,承运单位,废物代码,废物名称,移出量(吨),运输量(吨),接受量(吨),填报日期,运出日期,接收日期,确认日期,拒收原因"
WASTES = [("900-249-08", "废矿物油"), ("900-041-49", "废包装桶"), ("772-002-18", "焚烧飞灰"), ("900-047-49", "废实验室化学品")]


def registries(n_producers: int, n_operators: int):
    """Producers spread over the districts (each a registered enterprise), operators licensed for all wastes."""
    from decimal import Decimal

    from envbureau.core.demo_core import load_core
    from envbureau.core.models import Jurisdiction
    from envbureau.sources.models import Enterprise
    from envbureau.waste.models import Licence, Operator, Producer, Transporter

    load_core(lambda m: None)

    districts = list(Jurisdiction.objects.filter(level="district"))
    producers = []
    for i in range(n_producers):
        j = districts[i % len(districts)]
        e = Enterprise.objects.create(credit_code=f"91{j.code}MA{i:07d}", name=f"基准产废企业{i:03d}", jurisdiction=j)
        producers.append(Producer.objects.create(enterprise_id=e.pk, name=e.name, jurisdiction=j, category="key",
                                                 annual_tonnes=Decimal("500")))
    operators = []
    for i in range(n_operators):
        j = districts[(i * 3) % len(districts)]
        e = Enterprise.objects.create(credit_code=f"92{j.code}MB{i:07d}", name=f"基准处置中心{i:02d}", jurisdiction=j)
        op = Operator.objects.create(enterprise_id=e.pk, name=e.name, jurisdiction=j, province="11")
        Licence.objects.create(operator=op, number=f"BENCH-{i}", categories="HW08,HW49,HW18",
                               capacity_tonnes=Decimal("100000"), valid_from=dt.date(2020, 1, 1),
                               valid_to=dt.date(2030, 12, 31))
        operators.append(op)
    Transporter.objects.create(name="基准运输公司", permit_no="B-1")
    return producers, operators


def export_csv(n: int, producers, operators, year: int, path: Path, seed: int = 14) -> None:
    """The provincial export: one row per manifest; ~1 % quantity mismatches, ~2 % still open."""
    rng = random.Random(seed)
    serial = {}
    start = dt.date(year, 1, 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for _i in range(n):
            p = rng.choice(producers)
            pref = p.jurisdiction.code[:4]
            serial[pref] = serial.get(pref, 0) + 1
            number = f"{year}{pref}{serial[pref]:06d}"
            code, name = rng.choice(WASTES)
            sent = round(rng.uniform(0.5, 20), 3)
            received = round(sent * 0.95, 3) if rng.random() < 0.01 else sent
            created = start + dt.timedelta(days=rng.randrange(0, 355))
            shipped = created + dt.timedelta(days=rng.randrange(0, 3))
            recv = shipped + dt.timedelta(days=rng.randrange(0, 2))
            conf = "" if rng.random() < 0.02 else (recv + dt.timedelta(days=rng.randrange(0, 8))).isoformat()
            f.write(f"{number},{p.name},{rng.choice(operators).name},基准运输公司,{code},{name},{sent},{sent},"
                    f"{received},{created},{shipped},{recv},{conf},\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--manifests", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=40)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from envbureau.core.audit import audit_context
        from envbureau.core.importing import get_importer
        from envbureau.waste.models import Manifest

        with audit_context("system"):
            producers, operators = registries(200, 12)
        year = dt.date.today().year
        path = Path(tmp) / "manifests.csv"
        export_csv(args.manifests, producers, operators, year, path)
        print(f"export: {args.manifests:,} manifests, {path.stat().st_size / 1e6:.1f} MB CSV")
        t0 = time.perf_counter()
        result = get_importer("waste.manifest").run(str(path), "manifests.csv", None, source="cli")
        took = time.perf_counter() - t0
        assert result.ok, result.errors[:5]
        stored = Manifest.objects.count()
        mism = Manifest.objects.filter(mismatch=True).count()
        print(f"import: {took:.1f} s for {stored:,} manifests ({stored / took:,.0f}/s), {mism:,} mismatches; "
              f"target < {IMPORT_TARGET_S:.0f} s: {'OK' if took < IMPORT_TARGET_S else 'SLOW'}")
        t0 = time.perf_counter()
        again = get_importer("waste.manifest").run(str(path), "manifests.csv", None, source="cli")
        print(f"re-import of the same file: {time.perf_counter() - t0:.1f} s, {again.saved}")

        from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

        staff = User.objects.create(username="bench_waste")
        RoleAssignment.objects.create(user=staff, role=Role.objects.get(code="waste_officer"))
        officer = User.objects.get(username="dongcheng")
        assert Jurisdiction.objects.get(code="110101")
        rows = []
        for name, user in (("waste", staff), ("dongcheng", officer)):
            c = login(user.username)
            for url in (f"/waste/reconciliation/?year={year}", f"/api/v1/waste/reconciliation/?year={year}",
                        f"/waste/manifests/?year={year}&mismatch=true"):
                rows.append((url, name, timed_requests(c, url, args.requests)))
        ok = _report(f"waste pages at {stored:,} manifests", rows, TARGET_MS)
        ok &= took < IMPORT_TARGET_S
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
