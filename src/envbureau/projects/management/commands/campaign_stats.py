"""A campaign's statistics (专项行动), as printed in reports (or --json): targets, done and completion rate,
overdue, relapsed, by class and area, 时间过半任务过半."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "专项行动统计 / a campaign's targets, done and rate by class and area (the report sentence)"

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="行动编号 or 行动名称")
        parser.add_argument("--jurisdiction", default="",
                            help="区划代码: count this area's part of the campaign (default: the whole campaign)")
        parser.add_argument("--date", help="overdue as of YYYY-MM-DD (default: today)")
        parser.add_argument("--decimals", type=int, choices=range(0, 5), help="rate decimals")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        from django.db.models import Q

        from envbureau.projects import campaign_stats
        from envbureau.projects.models import Campaign

        from ._stats_cli import area, day, write

        key = o["campaign"].strip()
        c = Campaign.objects.select_related("jurisdiction").filter(Q(code=key) | Q(name=key)).first()
        if c is None:
            raise CommandError(f"campaign: no campaign with code or name {key!r}")
        from django.core.exceptions import ValidationError

        jur = area(o["jurisdiction"]) if o["jurisdiction"].strip() else None
        try:
            s = campaign_stats.statistics(None, c, today=day(o.get("date"), "--date"), places=o.get("decimals"),
                                          area=jur)
        except ValidationError as exc:
            raise CommandError("--jurisdiction: " + "; ".join(exc.messages)) from None
        lines = [f"{r['label']}: {r['done']} / {r['total']} ({r['rate']}%), overdue {r['overdue']}"
                 for r in s["by_class"] + s["by_area"]]
        write(self, s, o["json"], lines)
