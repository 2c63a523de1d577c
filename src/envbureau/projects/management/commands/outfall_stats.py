"""River-outfall statistics of a jurisdiction (and basin), as printed in reports (or --json): found, monitored,
traced and 溯源率, closed out by outcome and 整治完成率, by basin, type and area, basin milestones."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "入河排污口统计 / river outfalls found, traced, rectified (the report sentence), by basin, type and area"

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", default="", help="区划代码 with its sub-areas (default: the city)")
        parser.add_argument("--basin", default="", help="流域, e.g. 北运河流域 (default: every basin)")
        parser.add_argument("--date", help="milestones as of YYYY-MM-DD (default: today)")
        parser.add_argument("--decimals", type=int, choices=range(0, 5), help="rate decimals")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        from envbureau.projects import outfall_stats

        from ._stats_cli import area, day, write

        jur = area(o["jurisdiction"])
        s = outfall_stats.statistics(None, jur, basin=o["basin"].strip()[:100], today=day(o.get("date"), "--date"),
                                     places=o.get("decimals"))
        lines = [f"{r['label']}: {r['found']} / {r['traced']} ({r['traced_rate']}%) / {r['closed_out']} "
                 f"({r['rectified_rate']}%)" for r in s["by_basin"] + s["by_type"] + s["by_area"]]
        lines += [f"{m['basin']} {m['due']}: {m['traced']}/{m['traced_needed']}, {m['rectified']}/"
                  f"{m['rectified_needed']} {'met' if m['met'] else 'missed' if m['missed'] else 'open'}"
                  for m in s["milestones"]]
        write(self, s, o["json"], lines)
