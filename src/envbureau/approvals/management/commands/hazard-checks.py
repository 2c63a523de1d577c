"""envbureau hazard-checks list [--round R] [--year Y] [--json] [--user LOGIN] — hidden-danger checks (隐患排查):
enterprise, day, round, hazards found and the ledger problems they opened."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ._cli import acting_user, add_user, dump, scoped


class Command(BaseCommand):
    help = "隐患排查:list 列出排查记录(轮次、企业、隐患数、问题台账)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="列出隐患排查")
        ls.add_argument("--round", default="", help="排查轮次(名称包含)")
        ls.add_argument("--year", type=int)
        add_user(ls)

    def handle(self, *args, **o):
        from envbureau.approvals.models import HazardCheck

        qs = scoped(HazardCheck.objects.all(), acting_user(o))
        if o["round"]:
            qs = qs.filter(round_name__icontains=o["round"])
        if o.get("year"):
            qs = qs.filter(checked_on__year=o["year"])
        rows = [{"id": c.pk, "round_name": c.round_name, "enterprise_name": c.enterprise_name,
                 "checked_on": c.checked_on, "checkers": c.checkers, "hazards": c.finding_count,
                 "problem_refs": list(c.problem_refs or [])} for c in qs.order_by("checked_on", "pk")]
        if o["json"]:
            return dump(self, rows)
        for r in rows:
            self.stdout.write(f"{r['checked_on']}  {r['round_name']}  {r['enterprise_name']}  隐患 {r['hazards']} 个")
        self.stdout.write(f"共 {len(rows)} 家次,隐患 {sum(r['hazards'] for r in rows)} 个")
