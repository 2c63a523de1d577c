"""envbureau enforcement-stats --jurisdiction CODE --year Y [--json]: the figures and the report sentence."""

import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "执法统计:检查、立案、处罚决定、罚款、不予处罚及免除金额、按日连续处罚、移送、信用评价,按行业和部门,含同比与报告句子"

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        from envbureau.core.models import Jurisdiction
        from envbureau.enforcement import stats

        jur = Jurisdiction.objects.filter(code=o["jurisdiction"]).first()
        if jur is None:
            raise CommandError(f"区划代码 {o['jurisdiction']} 不存在")
        data = stats.statistics(None, jur, o["year"])
        if o["json"]:
            out = {k: v for k, v in data.items() if k != "rows"}
            out["by_industry"] = stats.breakdown(None, jur, o["year"], "industry")
            out["by_department"] = stats.breakdown(None, jur, o["year"], "department")
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1, default=str))
        else:
            for s in data["sentences"]:
                self.stdout.write(s["text"])
