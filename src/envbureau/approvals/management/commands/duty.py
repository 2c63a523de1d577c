"""envbureau duty [--date YYYY-MM-DD] [--jurisdiction CODE] [--json] [--user LOGIN] — who is on call (24-hour duty
roster, 应急值班表) on a day, today by default; --jurisdiction: that area and the areas above it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ._cli import acting_user, add_user, date_arg, dump, scoped


class Command(BaseCommand):
    help = "应急值班:某日(默认今天)的带班领导与值班员"

    def add_arguments(self, parser):
        parser.add_argument("--date", default="")
        parser.add_argument("--jurisdiction", default="")
        add_user(parser)

    def handle(self, *args, **o):
        from envbureau.approvals.models import DutyShift
        from envbureau.core.models import Jurisdiction

        day = date_arg(o["date"], "--date") or timezone.localdate()
        qs = scoped(DutyShift.objects.filter(day=day).select_related("jurisdiction"), acting_user(o))
        if o["jurisdiction"]:
            j = Jurisdiction.objects.filter(code=o["jurisdiction"]).first()
            if j is None:
                raise CommandError(f"--jurisdiction:区划代码 {o['jurisdiction']} 不存在")
            qs = qs.filter(jurisdiction__path__in=[j.path[:n] for n in range(1, len(j.path) + 1)])
        rows = [{"day": s.day, "role": s.role, "role_label": s.get_role_display(), "person": s.person,
                 "phone": s.phone, "jurisdiction": s.jurisdiction.code, "jurisdiction_name": s.jurisdiction.name}
                for s in qs.order_by("jurisdiction__path", "role", "person")]
        if o["json"]:
            return dump(self, {"day": day, "shifts": rows})
        self.stdout.write(f"{day} 应急值班:")
        for r in rows:
            self.stdout.write(f"  {r['jurisdiction_name']}  {r['role_label']}  {r['person']}  {r['phone']}")
        if not rows:
            self.stdout.write("  无排班")
