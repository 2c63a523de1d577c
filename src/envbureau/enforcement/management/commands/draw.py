"""envbureau draw run|list|verify|inputs — the 双随机 draw from the command line.

  envbureau draw run --plan PLAN_ID --seed SEED [--json] [--user NAME]
  envbureau draw list [--json]
  envbureau draw verify DRAW_ID        (exit 0 only if re-running from the recorded inputs gives the same pairs)
  envbureau draw inputs DRAW_ID        (the recorded inputs as JSON, for `python -m envbureau.enforcement.drawing`)
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from envbureau.core.audit import audit_context


class Command(BaseCommand):
    help = "双随机抽取:run / list / verify / inputs"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="按抽查计划抽取")
        run.add_argument("--plan", type=int, required=True)
        run.add_argument("--seed", default="")
        run.add_argument("--witnesses", default="")
        run.add_argument("--user", default="")
        run.add_argument("--json", action="store_true")
        ls = sub.add_parser("list", help="列出抽取记录")
        ls.add_argument("--json", action="store_true")
        ver = sub.add_parser("verify", help="按记录的输入复核抽取")
        ver.add_argument("draw_id", type=int)
        ver.add_argument("--json", action="store_true")
        inp = sub.add_parser("inputs", help="输出抽取输入(JSON)")
        inp.add_argument("draw_id", type=int)

    def handle(self, *args, **o):
        from envbureau.enforcement import drawing, services
        from envbureau.enforcement.models import Draw, DrawPlan

        action = o["action"]
        if action == "list":
            rows = [{"id": d.pk, "code": d.code, "plan": d.plan_id, "jurisdiction": d.jurisdiction.code,
                     "seed": d.seed, "seed_commit": d.seed_commit, "algorithm": d.algorithm,
                     "algorithm_version": d.algorithm_version, "enterprise_pool_hash": d.enterprise_pool_hash,
                     "inspector_pool_hash": d.inspector_pool_hash, "result_hash": d.result_hash,
                     "pairs": len(d.pairs), "status": d.status}
                    for d in Draw.objects.select_related("jurisdiction").defer("inputs").order_by("id")]
            if o["json"]:
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            else:
                for r in rows:
                    self.stdout.write(f"{r['id']:>5} {r['code']} seed={r['seed']} pairs={r['pairs']} "
                                      f"E={r['enterprise_pool_hash'][:12]} I={r['inspector_pool_hash'][:12]}")
            return
        if action in ("verify", "inputs"):
            d = Draw.objects.filter(pk=o["draw_id"]).first()
            if d is None:
                raise CommandError(f"抽取 {o['draw_id']} 不存在")
            if action == "inputs":
                self.stdout.write(json.dumps(d.inputs, ensure_ascii=False))
                return
            ok, problems = services.verify_draw(d)
            if o.get("json"):
                self.stdout.write(json.dumps({"id": d.pk, "ok": ok, "problems": problems}, ensure_ascii=False))
            if not ok:
                raise CommandError(f"{d.code} 复核未通过:" + ";".join(problems))
            if not o.get("json"):
                self.stdout.write(f"{d.code} 复核通过:按记录的输入重新抽取,{len(d.pairs)} 组结果一致")
            return
        plan = DrawPlan.objects.filter(pk=o["plan"]).first()
        if plan is None:
            raise CommandError(f"抽查计划 {o['plan']} 不存在")
        user = None
        if o["user"]:
            from envbureau.core.models import User

            user = User.objects.filter(username=o["user"]).first()
            if user is None:
                raise CommandError(f"用户 {o['user']} 不存在")
        try:
            with audit_context("cli", actor=user):
                d = services.run_draw(user, plan, o["seed"], witnesses=o["witnesses"])
        except drawing.Unsatisfiable as exc:
            if o["json"]:
                self.stdout.write(json.dumps({"error": "unsatisfiable", "reasons": exc.reasons}, ensure_ascii=False))
            raise CommandError("无法完成抽取,未抽取任何企业:" + ";".join(exc.reasons)) from None
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages)) from None
        if o["json"]:
            self.stdout.write(json.dumps({
                "id": d.pk, "code": d.code, "plan": plan.pk, "seed": d.seed, "seed_commit": d.seed_commit,
                "algorithm": d.algorithm, "algorithm_version": d.algorithm_version,
                "enterprise_pool_hash": d.enterprise_pool_hash, "inspector_pool_hash": d.inspector_pool_hash,
                "result_hash": d.result_hash, "counts": d.counts,
                "pairs": [{"enterprise_id": e, "inspectors": m} for e, m in d.pairs]}, ensure_ascii=False, indent=1))
        else:
            self.stdout.write(f"{d.code}: {len(d.pairs)} 家企业")
