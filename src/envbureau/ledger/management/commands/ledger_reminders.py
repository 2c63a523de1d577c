"""Flag overdue problems and remind responsible units of near deadlines.

Runs without extra servers (cron, systemd timer or a scheduler calls it); idempotent: each problem is
claimed with a conditional UPDATE, so running it twice, or on two machines at once, never notifies twice.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from envbureau.ledger.services import run_reminders


class Command(BaseCommand):
    help = "问题台账:标记逾期问题,提醒临近整改时限的问题(可重复运行)"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="到期前多少天提醒(默认7)")
        parser.add_argument("--today", help="按此日期计算(YYYY-MM-DD,默认今天)")

    def handle(self, *args, **opts):
        today = None
        if opts.get("today"):
            try:
                today = dt.date.fromisoformat(opts["today"])
            except ValueError as exc:
                raise CommandError("--today 应为 YYYY-MM-DD") from exc
        if opts["days"] < 0:
            raise CommandError("--days 不能为负")
        out = run_reminders(today=today, near_days=opts["days"])
        self.stdout.write(f"逾期标记 {out['overdue']} 个,临期提醒 {out['near']} 个,发出消息 {out['notifications']} 条")
