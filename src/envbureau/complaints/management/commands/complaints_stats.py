"""envbureau complaints_stats [--jurisdiction CODE] [--year Y | --from YYYY-MM --to YYYY-MM] [--batch TEXT]
[--decimals N] [--json]: the statistics page's figures, incl. the oversight hand-overs (督察交办件)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "信访投诉统计 / complaint figures of a period and jurisdiction, incl. oversight batches"

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", help="区划代码 (with its sub-areas); all when omitted")
        parser.add_argument("--year", type=int)
        parser.add_argument("--from", dest="start", help="first month, YYYY-MM")
        parser.add_argument("--to", dest="end", help="last month, YYYY-MM (inclusive)")
        parser.add_argument("--batch", default="", help="oversight batches containing this text")
        parser.add_argument("--decimals", type=int, help="decimals of rates (default REPORT_RATE_DECIMALS)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        from envbureau.complaints import statistics
        from envbureau.core.models import Jurisdiction
        from envbureau.core.params import decimals_param

        jur = None
        if o["jurisdiction"]:
            jur = Jurisdiction.objects.filter(code=o["jurisdiction"]).first()
            if jur is None:
                raise CommandError(f"unknown jurisdiction {o['jurisdiction']}")
        if o["year"] and (o["start"] or o["end"]):
            raise CommandError("--year cannot be combined with --from/--to")
        if bool(o["start"]) != bool(o["end"]):
            raise CommandError("--from and --to go together")
        try:
            if o["start"]:
                start = dt.date.fromisoformat(o["start"][:7] + "-01")
                end = dt.date.fromisoformat(o["end"][:7] + "-01")
            else:
                year = o["year"] or dt.date.today().year
                start, end = dt.date(year, 1, 1), dt.date(year, 12, 1)
            places = decimals_param({"decimals": o["decimals"]} if o["decimals"] is not None else {})
        except Exception as e:  # ValueError / BadParameter: say which value was wrong
            raise CommandError(str(getattr(e, "text", e))) from None
        if end < start:
            raise CommandError("--to is before --from")
        rep = statistics.report(None, start=start, end=end, jurisdiction=jur)
        ov = statistics.oversight(None, start=start, end=end, jurisdiction=jur, batch=o["batch"], places=places)
        ov["sentence"] = statistics.oversight_sentence(ov)
        t = rep["total"]
        rates = {k: statistics.fmt_rate(t[k], places) for k in statistics.RATE_FIELDS}
        if o["json"]:
            self.stdout.write(json.dumps({"start": str(start), "end": str(end), "decimals": places, "total": t,
                                          "rates": rates, "oversight": ov}, ensure_ascii=False, indent=1,
                                         default=str))
            return
        self.stdout.write(f"{start:%Y-%m} — {end:%Y-%m} {jur.name if jur else ''}")
        self.stdout.write(f"收件 {t['received']} 件,受理 {t['accepted']} 件,办结 {t['completed']} 件,"
                          f"办结率 {rates['completion_rate']}%,满意率 {rates['satisfaction_rate']}%")
        self.stdout.write(ov["sentence"])
        for r in ov["by_batch"]:
            self.stdout.write(f"  {r['batch']}\t{r['received']}\t调查{r['investigated']}\t办结{r['completed']}\t"
                              f"重点件{r['key']}")
