"""Approvals benchmark (issue 13): a city's ten years of approvals — EIA applications, discharge permits with
their limits and execution reports, emergency plans — then the list, statistics and risk-map pages and APIs.

    .venv/bin/python bench/approvals.py [--eia 10000] [--permits 1500] [--plans 1000] [--requests 10]
    DATABASE_URL=$(scripts/pg.sh) .venv/bin/python bench/approvals.py     # PostgreSQL (a fresh database is used)

Scale: the bureau reports 54 reviewed EIAs + 166 registration forms and 257 permits in a year for one city;
the defaults are about ten years of a larger city (--eia 50000 for a province). Rows are bulk-created (the pages, not the writes, are
measured). Prints p50/p95/max server time per page and user (Django's test client in process); target p95 <
200 ms. Runs in well under a minute on SQLite with the defaults.
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
from harness import login, p95, setup_django, timed_cpu  # noqa: E402

TARGET_MS = 200.0
INDUSTRIES = ["火力发电", "化学原料制造", "汽车制造", "印刷", "医药制造", "污水处理", "房地产开发", "交通运输"]


def generate(n_eia: int, n_permits: int, n_plans: int, seed: int = 13) -> dict:
    from envbureau.approvals.models import EIAApplication, EmergencyPlan, ExecutionReport, Permit, PermitLimit
    from envbureau.core.demo_core import load_core
    from envbureau.core.models import Jurisdiction
    from envbureau.sources.models import Enterprise

    rng = random.Random(seed)
    load_core(lambda m: None)
    districts = list(Jurisdiction.objects.filter(level="district"))
    t0 = time.perf_counter()
    ents = Enterprise.objects.bulk_create([Enterprise(
        credit_code=f"9111{i:014d}", name=f"基准企业{i:05d}", jurisdiction=districts[i % len(districts)],
        industry_name=INDUSTRIES[i % len(INDUSTRIES)], longitude=116 + rng.random(), latitude=39.6 + rng.random() * 0.6)
        for i in range(max(n_permits, n_plans, 1000))], batch_size=1000)
    today = dt.date.today()
    eias = []
    for i in range(n_eia):
        e = ents[i % len(ents)]
        sub = today - dt.timedelta(days=rng.randrange(3650))
        cat = rng.choices(["report", "form", "registration"], [1, 6, 20])[0]
        decided = sub + dt.timedelta(days=rng.randrange(10, 80)) if cat != "registration" else sub
        state = "filed" if cat == "registration" else rng.choice(["approved", "approved", "completed", "refused"])
        eias.append(EIAApplication(
            code=f"B{i:07d}", enterprise_id=e.pk, builder=e.name, project_name=f"基准项目{i}", category=cat,
            industry_name=e.industry_name, investment=rng.randrange(100, 100000), jurisdiction_id=e.jurisdiction_id,
            state=state, submitted_on=sub, decided_on=decided, limit_days=60 if cat == "report" else 30,
            within_limit=rng.random() > 0.02, days_used=rng.randrange(5, 60)))
    EIAApplication.objects.bulk_create(eias, batch_size=2000)
    permits, limits, reports = [], [], []
    for i in range(n_permits):
        e = ents[i]
        issued = today - dt.timedelta(days=rng.randrange(1800))
        permits.append(Permit(number=f"BP{i:08d}", enterprise_id=e.pk, enterprise_name=e.name,
                              jurisdiction_id=e.jurisdiction_id, category=rng.choice(["key", "simplified"]),
                              issued_on=issued, valid_from=issued, valid_until=issued + dt.timedelta(days=1826),
                              report_frequency="quarterly"))
    Permit.objects.bulk_create(permits, batch_size=2000)
    for p in permits:
        for f in ("w01018", "w21003", "a21026", "a21002"):
            limits.append(PermitLimit(permit=p, outlet_code="DW001" if f[0] == "w" else "DA001", factor=f,
                                      limit_value=50, annual_quantity=10))
        for y in (today.year - 1, today.year):
            for kind, period, due in (("quarter", 1, dt.date(y, 4, 15)), ("quarter", 2, dt.date(y, 7, 15)),
                                      ("quarter", 3, dt.date(y, 10, 15)), ("year", 0, dt.date(y + 1, 1, 15))):
                done = due < today and rng.random() > 0.1
                reports.append(ExecutionReport(permit=p, kind=kind, year=y, period=period, due_on=due,
                                               state="accepted" if done else "due", submitted_on=due if done else None,
                                               emissions={"w01018": round(rng.random() * 12, 3)} if done else {}))
    PermitLimit.objects.bulk_create(limits, batch_size=5000)
    ExecutionReport.objects.bulk_create(reports, batch_size=5000)
    plans = []
    for i in range(n_plans):
        e = ents[i]
        signed = today - dt.timedelta(days=rng.randrange(1500))
        level = rng.choices(["一般", "较大", "重大"], [70, 25, 5])[0]
        plans.append(EmergencyPlan(code=f"BYA{i:06d}", enterprise_id=e.pk, enterprise_name=e.name,
                                   jurisdiction_id=e.jurisdiction_id, title="突发环境事件应急预案", signed_on=signed,
                                   submitted_on=signed, filing_due=signed + dt.timedelta(days=28), state="filed",
                                   filed_on=signed, revision_due=signed + dt.timedelta(days=1095), risk_level=level,
                                   risk_label=f"{level}[{level}-大气(Q1-M2-E2) + 一般-水(Q0)]"))
    EmergencyPlan.objects.bulk_create(plans, batch_size=2000)
    return {"seconds": time.perf_counter() - t0, "eia": len(eias), "permits": len(permits), "limits": len(limits),
            "reports": len(reports), "plans": len(plans)}




def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eia", type=int, default=10_000)
    ap.add_argument("--permits", type=int, default=1_500)
    ap.add_argument("--plans", type=int, default=1_000)
    ap.add_argument("--requests", type=int, default=10)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from envbureau.core.audit import audit_context

        with audit_context("system"):
            made = generate(args.eia, args.permits, args.plans)
        print(f"generated in {made['seconds']:.1f} s: {made['eia']:,} EIA applications, {made['permits']:,} permits "
              f"({made['limits']:,} limits, {made['reports']:,} execution reports), {made['plans']:,} emergency plans")
        year = dt.date.today().year
        pages = ["/approvals/eia/", f"/approvals/eia/?decided_year={year}&category=report",
                 f"/approvals/statistics/?jurisdiction=110000&year={year}",
                 f"/api/v1/approvals/statistics/?jurisdiction=110000&year={year}",
                 "/approvals/reports/?overdue=true", "/approvals/permits/", "/approvals/risk-map/",
                 "/api/v1/approvals/risk-sources/?risk_level=重大", "/api/v1/approvals/eia/?page_size=50"]
        from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

        role = Role.objects.get(code="approvals_officer")
        for name, jur in (("apr_city", None), ("apr_dc", Jurisdiction.objects.get(code="110101"))):
            RoleAssignment.objects.create(user=User.objects.create(username=name), role=role, jurisdiction=jur)
        import os
        import statistics

        print(f"\napprovals pages at {made['eia']:,} EIA / {made['permits']:,} permits / {made['plans']:,} plans "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"{'page':<60} {'user':<9} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>8} {'cpu p95':>8}  target(cpu p95)")
        ok = True
        for user in ("apr_city", "apr_dc"):
            c = login(user)
            for url in pages:
                if user == "apr_dc" and "statistics" in url:
                    url = url.replace("110000", "110101")
                wall, cpu = timed_cpu(c, url, args.requests, warmup=2)
                good = p95(cpu) < TARGET_MS
                ok &= good
                print(f"{url:<60} {user:<9} {statistics.median(wall):7.1f} {p95(wall):7.1f} "
                      f"{statistics.median(cpu):8.1f} {p95(cpu):8.1f}  {'OK' if good else 'SLOW'}")
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
