"""Project and fund statistics of a jurisdiction and plan year, as printed in reports (or --json)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Projects planned/started/finished, completion rate, 时间过半任务过半, funds (the report sentence)"

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", default="", help="区划代码 (default: the city)")
        parser.add_argument("--year", type=int, help="plan year (default: this year)")
        parser.add_argument("--date", help="as of YYYY-MM-DD (default: today)")
        parser.add_argument("--decimals", type=int, choices=range(0, 5), help="rate decimals")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        from django.utils import timezone

        from envbureau.core.models import Jurisdiction
        from envbureau.projects import stats
        from envbureau.projects.api import _jsonable

        code = opts["jurisdiction"].strip()
        jur = (Jurisdiction.objects.filter(code=code).first() if code
               else Jurisdiction.objects.filter(parent__isnull=True).order_by("code").first())
        if jur is None:
            raise CommandError(f"--jurisdiction: no jurisdiction with code {code!r}")
        try:
            today = dt.date.fromisoformat(opts["date"]) if opts.get("date") else timezone.localdate()
        except ValueError:
            raise CommandError("--date: expected YYYY-MM-DD") from None
        data = stats.statistics(None, jur, opts.get("year") or today.year, today, places=opts.get("decimals"))
        if opts["json"]:
            self.stdout.write(json.dumps(_jsonable(data), ensure_ascii=False, indent=1))
            return
        self.stdout.write(data["sentence"])
        for group in ("by_battle", "by_area", "by_owner"):
            for r in data[group]:
                sch = r["schedule"]
                self.stdout.write(f"  {r['label']}: {r['planned']} / {r['started']} / {r['finished']}  "
                                  f"{r['completion_rate']}%  {sch.get('flag_label', '')}  "
                                  f"{r['allocated_wan']} / {r['spent_wan']} 万元 {r['execution_rate']}%")
