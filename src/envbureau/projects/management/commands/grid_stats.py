"""Grid supervision statistics of a jurisdiction and period, as printed in reports (or --json): active grids,
covered and coverage rate, overdue, patrols, findings, problems opened, trainings; by level and area."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "网格巡查统计 / grid coverage, patrols and trainings of a period (the report sentence)"

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", default="", help="区划代码 with its sub-areas (default: the city)")
        parser.add_argument("--since", help="first day YYYY-MM-DD (default: the 1st of --until's month)")
        parser.add_argument("--until", help="last day YYYY-MM-DD (default: today)")
        parser.add_argument("--date", help="coverage and overdue as of YYYY-MM-DD (default: today)")
        parser.add_argument("--decimals", type=int, choices=range(0, 5), help="rate decimals")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        from envbureau.projects import grid_stats

        from ._stats_cli import area, day, write

        jur = area(o["jurisdiction"])
        since, until = day(o.get("since"), "--since"), day(o.get("until"), "--until")
        if since and until and since > until:
            raise CommandError("--since: later than --until")
        s = grid_stats.statistics(None, jur, since=since, until=until, today=day(o.get("date"), "--date"),
                                  places=o.get("decimals"))
        lines = [f"{r['label']}: {r['grids']} / {r['covered']} ({r['coverage']}%), overdue {r['overdue']}"
                 for r in s["by_level"] + s["by_area"]]
        write(self, s, o["json"], lines)
