"""envbureau enforcement-stats --jurisdiction CODE (--year Y | --period 2026-H1 | --from D --to D) [--json]:
the figures and the report sentences for a year, a half, a quarter, a month, 1–N月 or any pair of dates."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("执法统计:检查、立案、处罚决定、罚款、不予处罚及免除金额、按日连续处罚、移送、信用评价,按行业和部门,"
            "含同比(上年同期)与报告句子;期间:--year Y,或 --period 2026-H1|2026-Q2|2026-05|2026-1-6,或 --from --to")

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", required=True)
        parser.add_argument("--year", help="年度,如 2026")
        parser.add_argument("--period", help="期间:2026、2026-H1、2026-Q2、2026-05 或 2026-1-6(1-6月)")
        parser.add_argument("--from", dest="from_", help="起始日期 YYYY-MM-DD(含)")
        parser.add_argument("--to", help="截止日期 YYYY-MM-DD(含)")
        parser.add_argument("--json", action="store_true")

    def _period(self, o):
        from envbureau.enforcement.period import from_to, parse_key

        given = [n for n, k in (("--year", "year"), ("--period", "period"), ("--from/--to", "from_"),
                                ("--from/--to", "to")) if o.get(k)]
        if len(set(given)) != 1:
            raise CommandError("请给出且只给出一种统计期间:--year、--period 或 --from 与 --to")
        try:
            if o.get("year"):
                if not str(o["year"]).strip().isdigit():
                    raise CommandError(f"--year: 年度应为整数,如 2026(半年、季度、月份用 --period),收到 {o['year'][:20]}")
                return parse_key(str(o["year"]), "year")
            if o.get("period"):
                return parse_key(o["period"])
            return from_to(o.get("from_"), o.get("to"))
        except ValidationError as exc:
            name, msgs = next(iter(exc.message_dict.items()))
            raise CommandError(f"--{name}: {' '.join(msgs)}") from None

    def handle(self, *args, **o):
        from envbureau.core.models import Jurisdiction
        from envbureau.enforcement import stats

        period = self._period(o)
        jur = Jurisdiction.objects.filter(code=o["jurisdiction"]).first()
        if jur is None:
            raise CommandError(f"--jurisdiction: 区划代码 {o['jurisdiction']} 不存在")
        data = stats.statistics(None, jur, period)
        if o["json"]:
            out = {k: v for k, v in data.items() if k != "rows"}
            out["by_industry"] = stats.breakdown(None, jur, period, "industry")
            out["by_department"] = stats.breakdown(None, jur, period, "department")
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1, default=str))
        else:
            for s in data["sentences"]:
                self.stdout.write(s["text"])
