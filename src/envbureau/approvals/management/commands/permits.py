"""envbureau permits list|show — discharge permits from the command line.

  envbureau permits list [--state S] [--category key|simplified|registration] [--expiring-days N] [--json] [--user LOGIN]
  envbureau permits show NUMBER [--json] [--user LOGIN]   (validity, renewal date, the permitted limits and the
                                                          online-monitoring limits they set, open 证后监管 findings)"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ._cli import acting_user, add_user, dump, filter_choice, scoped


def row(p) -> dict:
    return {"id": p.pk, "number": p.number, "enterprise_name": p.enterprise_name, "category": p.category,
            "category_label": p.get_category_display(), "state": p.state, "state_label": p.get_state_display(),
            "valid_from": p.valid_from, "valid_until": p.valid_until, "renewal_due": p.renewal_due,
            "version": p.version}


def _num(v) -> str:
    return "—" if v is None else f"{v:g}"


class Command(BaseCommand):
    help = "排污许可证:list 列表 / show 详情(许可限值、在线监控限值、证后监管事项)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="列出许可证")
        ls.add_argument("--state", default="")
        ls.add_argument("--category", default="")
        ls.add_argument("--expiring-days", type=int, help="有效期在今后 N 天内届满")
        add_user(ls)
        show = sub.add_parser("show", help="一本许可证及其限值")
        show.add_argument("number", help="许可证编号或ID")
        add_user(show)

    def handle(self, *args, **o):
        from envbureau.approvals.choices import PermitCategory, PermitState
        from envbureau.approvals.models import Permit

        user = acting_user(o)
        qs = scoped(Permit.objects.all(), user)
        if o["action"] == "list":
            qs = filter_choice(qs, o["state"], "state", "state", PermitState.values)
            qs = filter_choice(qs, o["category"], "category", "category", PermitCategory.values)
            if o.get("expiring_days") is not None:
                if o["expiring_days"] < 0:
                    raise CommandError("--expiring-days 不能为负数")
                today = timezone.localdate()
                qs = qs.filter(state__in=[PermitState.VALID, PermitState.RENEWING], valid_until__gte=today,
                               valid_until__lte=today + dt.timedelta(days=o["expiring_days"]))
            rows = [row(p) for p in qs.order_by("valid_until", "number")]
            if o["json"]:
                return dump(self, rows)
            for r in rows:
                self.stdout.write(f"{r['number']}  {r['category_label']}  {r['state_label']}  有效期至 {r['valid_until']}"
                                  f"  {r['enterprise_name']}")
            self.stdout.write(f"共 {len(rows)} 本")
            return
        from envbureau.approvals import supervision
        from envbureau.sources.choices import factor_label
        from envbureau.sources.services import limits_from

        key = o["number"].strip()
        p = qs.filter(number=key).first() or (qs.filter(pk=int(key)).first() if key.isdigit() else None)
        if p is None:
            raise CommandError(f"许可证 {key} 不存在或不在您的范围内")
        limits = [{"outlet_code": x.outlet_code, "factor": x.factor, "label": factor_label(x.factor),
                   "period": x.period, "period_label": x.get_period_display(), "limit_value": x.limit_value,
                   "lower_limit": x.lower_limit, "unit": x.unit, "annual_quantity": x.annual_quantity}
                  for x in p.limits.order_by("outlet_code", "factor")]
        online = [{"mn": x["point__mn"], "point": x["point__name"], "factor": x["factor"],
                   "label": factor_label(x["factor"]), "limit_value": x["limit_value"], "lower_limit": x["lower_limit"]}
                  for x in limits_from(p.source_ref)]
        findings = [{"key": t.state.lstrip("+"), "what": t.action, "due": t.due_date}
                    for t in supervision.open_findings(p)]
        data = {**row(p), "limits": limits, "online_limits": online, "supervision": findings}
        if o["json"]:
            return dump(self, data)
        self.stdout.write(f"{p.number} {p.enterprise_name}({data['category_label']},{data['state_label']},"
                          f"第 {p.version} 版)")
        self.stdout.write(f"  有效期 {p.valid_from} 至 {p.valid_until};应申请延续日期 {p.renewal_due}")
        self.stdout.write("  许可排放限值:")
        for x in limits:
            lower = f"{_num(x['lower_limit'])}–" if x["lower_limit"] is not None else ""
            self.stdout.write(f"    {x['outlet_code']} {x['label']} {x['period_label']} {lower}{_num(x['limit_value'])} "
                              f"{x['unit']};许可年排放量 {_num(x['annual_quantity'])} 吨")
        self.stdout.write(f"  在线监控限值(由本证设定):{len(online)} 项"
                          + "".join(f"\n    {x['mn']} {x['point']} {x['label']} {_num(x['limit_value'])}" for x in online))
        if findings:
            self.stdout.write("  待办证后监管事项:" + "".join(f"\n    {f['what']}(期限 {f['due']})" for f in findings))
