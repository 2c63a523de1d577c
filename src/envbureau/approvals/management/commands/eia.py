"""envbureau eia list|show — EIA applications from the command line.

  envbureau eia list [--state S] [--category report|form|registration] [--year Y] [--json] [--user LOGIN]
  envbureau eia show CODE [--json] [--user LOGIN]     (the time used against the limit, paused days excluded)
--user: only what that user may read (404-like "不存在" outside it); without it: every application."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ._cli import acting_user, add_user, dump, filter_choice, scoped, yes_no


def timing(app, today) -> dict:
    """Days counted so far (or at the decision) against the limit: the review clock's start, its kind of days,
    paused days excluded, the due date and whether it was (or still is) within the limit."""
    from envbureau.approvals import eia
    from envbureau.core import deadlines as dl

    c = eia.review_clock(app)
    if c is None:
        return {"limit_days": app.limit_days, "limit_source": app.limit_source, "days_used": app.days_used,
                "due_on": app.due_on, "within_limit": app.within_limit, "day_kind": "", "paused": False}
    if app.days_used is not None:
        used = app.days_used
    else:
        end = c.paused_since or today
        used = max(0, dl.days_between(c.start, end, c.day_kind) - c.paused_days)
    if app.within_limit is not None or c.stopped_at:
        within = app.within_limit
    elif c.paused_since is not None:  # the clock stands still: the due date moves on when it resumes
        within = used <= c.days + c.extension_days
    else:
        within = today <= c.due
    return {"limit_days": app.limit_days or c.days, "limit_source": app.limit_source, "days_used": used,
            "due_on": app.due_on or c.due, "within_limit": within, "day_kind": c.day_kind,
            "paused": c.paused_since is not None}


def row(app) -> dict:
    return {"id": app.pk, "code": app.code, "project_name": app.project_name, "builder": app.builder,
            "category": app.category, "category_label": app.get_category_display(), "state": app.state,
            "state_label": app.get_state_display(), "submitted_on": app.submitted_on, "decided_on": app.decided_on,
            "within_limit": app.within_limit}


class Command(BaseCommand):
    help = "环评审批:list 列表 / show 详情(用时与时限)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="列出环评申请")
        ls.add_argument("--state", default="")
        ls.add_argument("--category", default="")
        ls.add_argument("--year", type=int, help="申请年度")
        add_user(ls)
        show = sub.add_parser("show", help="一件申请:状态、用时与时限")
        show.add_argument("code", help="申请编号或ID")
        add_user(show)

    def handle(self, *args, **o):
        from envbureau.approvals.choices import EIACategory, EIAState
        from envbureau.approvals.models import EIAApplication

        user = acting_user(o)
        qs = scoped(EIAApplication.objects.all(), user)
        if o["action"] == "list":
            qs = filter_choice(qs, o["state"], "state", "state", EIAState.values)
            qs = filter_choice(qs, o["category"], "category", "category", EIACategory.values)
            if o.get("year"):
                qs = qs.filter(submitted_on__year=o["year"])
            rows = [row(a) for a in qs.order_by("submitted_on", "pk")]
            if o["json"]:
                return dump(self, rows)
            for r in rows:
                self.stdout.write(f"{r['code']}  {r['category_label']}  {r['state_label']}  {r['submitted_on']}  "
                                  f"{r['project_name']}({r['builder']})")
            self.stdout.write(f"共 {len(rows)} 件")
            return
        key = o["code"].strip()
        app = qs.filter(code=key).first() or (qs.filter(pk=int(key)).first() if key.isdigit() else None)
        if app is None:
            raise CommandError(f"环评申请 {key} 不存在或不在您的范围内")
        t = timing(app, timezone.localdate())
        data = {**row(app), **t}
        if o["json"]:
            return dump(self, data)
        kind = "工作日" if t["day_kind"] == "working" else ("日" if t["day_kind"] else "")
        self.stdout.write(f"{app.code} {app.project_name}({app.builder})")
        self.stdout.write(f"  类别:{data['category_label']};状态:{data['state_label']};申请日期:{app.submitted_on}")
        if t["limit_days"] is None:
            self.stdout.write("  不计审批时限(登记表即时备案)")
        else:
            self.stdout.write(f"  用时 {t['days_used']} / 时限 {t['limit_days']} {kind}({t['limit_source']});"
                              f"应办结 {t['due_on']};在时限内:{yes_no(t['within_limit'])}"
                              + (";计时中止中(补正或技术评估)" if t["paused"] else ""))
