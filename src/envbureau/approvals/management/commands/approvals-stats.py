"""envbureau approvals-stats --jurisdiction CODE --year Y [--json]: the figures and the report sentence."""

import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "审批统计:环评审批(报告书、报告表)、登记表备案、时限内办结比例、分行业投资、排污许可证、执行报告,含同比与报告句子"

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        from envbureau.approvals import stats
        from envbureau.core.models import Jurisdiction

        jur = Jurisdiction.objects.filter(code=o["jurisdiction"]).first()
        if jur is None:
            raise CommandError(f"区划代码 {o['jurisdiction']} 不存在")
        if not 2000 <= o["year"] <= 2100:
            raise CommandError("年度应为 2000–2100 的整数")
        data = stats.statistics(None, jur, o["year"])
        if o["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str))
        else:
            self.stdout.write(data["sentence"])
            for r in data["rows"]:
                self.stdout.write(f"  {stats.LABELS[r['key']]}: {r['value']}(上年 {r['previous']})")
