"""envbureau ledger_stats [--jurisdiction CODE] [--year Y | --from D --to D] [--batch B] [--decimals N] [--json]

The statistics page's figures (the same StatsFilter and stats.overview) for operators and scripts."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "整改统计 / ledger statistics of problems received (交办日期) in a period and jurisdiction"

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", help="区划代码 (with its sub-areas); all when omitted")
        parser.add_argument("--year", type=int, help="交办日期 in this calendar year")
        parser.add_argument("--from", dest="start", help="first 交办日期, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last 交办日期, YYYY-MM-DD (inclusive)")
        parser.add_argument("--batch", help="exact batch, or a prefix ending in *")
        parser.add_argument("--source", help="problem source code, e.g. central_oversight")
        parser.add_argument("--decimals", type=int, help="decimals of rates (default REPORT_RATE_DECIMALS)")
        parser.add_argument("--today", help="count overdue as of this date (YYYY-MM-DD); default today")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        from envbureau.core.models import Jurisdiction
        from envbureau.core.params import decimals_param
        from envbureau.ledger import stats
        from envbureau.ledger.filters import StatsFilter
        from envbureau.ledger.models import Problem

        query = {}
        if o["jurisdiction"]:
            if not Jurisdiction.objects.filter(code=o["jurisdiction"]).exists():
                raise CommandError(f"unknown jurisdiction {o['jurisdiction']}")
            query["jurisdiction"] = o["jurisdiction"]
        if o["year"] and (o["start"] or o["end"]):
            raise CommandError("--year cannot be combined with --from/--to")
        if o["year"]:
            query.update(since=f"{o['year']:04d}-01-01", until=f"{o['year']:04d}-12-31")
        for opt, key in (("start", "since"), ("end", "until"), ("batch", "batch"), ("source", "source")):
            if o[opt]:
                query[key] = o[opt]
        f = StatsFilter(query, queryset=Problem.objects.all())
        if not f.is_valid():
            raise CommandError("; ".join(f"--{k}: {' '.join(v)}" for k, v in f.errors.items()))
        try:
            places = decimals_param({"decimals": o["decimals"]} if o["decimals"] is not None else {})
            today = dt.date.fromisoformat(o["today"]) if o["today"] else timezone.localdate()
        except Exception as e:  # BadParameter / ValueError: name what was wrong
            raise CommandError(str(getattr(e, "text", e))) from None
        ov = stats.overview(f.qs, today, places=places)
        s = ov.pop("summary")
        scope = Jurisdiction.objects.get(code=o["jurisdiction"]).name if o["jurisdiction"] else ""
        out = {**s, "sentence": stats.sentence(s, scope), **ov}
        if o["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1, default=str))
            return
        self.stdout.write(out["sentence"])
        if out["by_unit"]:
            self.stdout.write("责任单位\t主办\t主办完成整改\t主办已销号\t协办\t协办完成整改\t协办已销号")
            for r in out["by_unit"]:
                self.stdout.write(f"{r['unit']}\t{r['lead']}\t{r['lead_done']}\t{r['lead_closed']}\t"
                                  f"{r['assist']}\t{r['assist_done']}\t{r['assist_closed']}")
