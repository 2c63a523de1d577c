"""envbureau draw commit|run|reveal|list|verify|inputs — the 双随机 draw from the command line.

  envbureau draw commit --plan PLAN_ID [--period 2026-Q3] [--hash SHA256 | --generate] [--note TEXT] [--json]
                                        (announce the seed's SHA-256 before the draw; --generate: the platform
                                        makes the seed, keeps it secret and prints only its hash)
  envbureau draw run --plan PLAN_ID [--period 2026-Q3] [--seed SEED] [--reason TEXT] [--json] [--user NAME]
                                        (the seed must hash to the period's commitment; none = the platform's seed;
                                        --reason for a second draw of the plan for the same period)
  envbureau draw reveal DRAW_ID         (publish the seed before all visits are done)
  envbureau draw list [--json] [--commitments]  (the draws, then the commitments not yet drawn with;
                                        --commitments --json: those commitments only)
  envbureau draw verify DRAW_ID        (exit 0 only if the seed was committed before the draw with that hash and
                                        re-running from the recorded inputs gives the same pairs)
  envbureau draw inputs DRAW_ID        (the recorded inputs as JSON, for `python -m envbureau.enforcement.drawing`)
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from envbureau.core.audit import audit_context


class Command(BaseCommand):
    help = "双随机抽取:commit / run / reveal / list / verify / inputs"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        com = sub.add_parser("commit", help="抽取前公布种子承诺值(SHA-256)")
        com.add_argument("--plan", type=int, required=True)
        com.add_argument("--period", default="")
        how = com.add_mutually_exclusive_group(required=True)
        how.add_argument("--hash", default="")
        how.add_argument("--generate", action="store_true")
        com.add_argument("--note", default="")
        com.add_argument("--user", default="")
        com.add_argument("--json", action="store_true")
        rev = sub.add_parser("reveal", help="公开抽取的随机种子")
        rev.add_argument("draw_id", type=int)
        rev.add_argument("--user", default="")
        run = sub.add_parser("run", help="按抽查计划抽取")
        run.add_argument("--plan", type=int, required=True)
        run.add_argument("--period", default="")
        run.add_argument("--reason", default="")
        run.add_argument("--seed", default="")
        run.add_argument("--witnesses", default="")
        run.add_argument("--user", default="")
        run.add_argument("--json", action="store_true")
        ls = sub.add_parser("list", help="列出抽取记录")
        ls.add_argument("--json", action="store_true")
        ls.add_argument("--commitments", action="store_true", help="列出尚未用于抽取的种子承诺值")
        ver = sub.add_parser("verify", help="按记录的输入复核抽取")
        ver.add_argument("draw_id", type=int)
        ver.add_argument("--json", action="store_true")
        inp = sub.add_parser("inputs", help="输出抽取输入(JSON)")
        inp.add_argument("draw_id", type=int)

    def handle(self, *args, **o):
        from envbureau.enforcement import drawing, services
        from envbureau.enforcement.models import Draw, DrawPlan, SeedCommitment

        action = o["action"]
        user = self._user(o.get("user"))
        if action == "commit":
            plan = DrawPlan.objects.filter(pk=o["plan"]).first()
            if plan is None:
                raise CommandError(f"抽查计划 {o['plan']} 不存在")
            try:
                with audit_context("cli", actor=user):
                    c = services.commit_seed(user, plan, o["period"], "" if o["generate"] else o["hash"],
                                             note=o["note"])
            except ValidationError as exc:
                raise CommandError(";".join(exc.messages)) from None
            row = {"id": c.pk, "plan": plan.pk, "period": c.period, "commitment": c.commitment,
                   "source": c.source, "committed_at": c.committed_at.isoformat()}
            if o["json"]:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            else:
                self.stdout.write(f"{plan.name} {c.period} 种子承诺值 {c.commitment} "
                                  f"({timezone.localtime(c.committed_at):%Y-%m-%d %H:%M:%S} 公布)")
            return
        if action == "reveal":
            d = Draw.objects.filter(pk=o["draw_id"]).first()
            if d is None:
                raise CommandError(f"抽取 {o['draw_id']} 不存在")
            with audit_context("cli", actor=user):
                d = services.reveal_seed(user, d)
            self.stdout.write(f"{d.code} 随机种子已公开:{d.seed}")
            return
        if action == "list":
            rows = [{"id": d.pk, "code": d.code, "plan": d.plan_id, "jurisdiction": d.jurisdiction.code,
                     "seed": d.seed, "seed_commit": d.seed_commit, "algorithm": d.algorithm,
                     "algorithm_version": d.algorithm_version, "enterprise_pool_hash": d.enterprise_pool_hash,
                     "inspector_pool_hash": d.inspector_pool_hash, "result_hash": d.result_hash,
                     "pairs": len(d.pairs), "status": d.status, "period": d.period,
                     "committed_at": d.committed_at.isoformat() if d.committed_at else None,
                     "drawn_at": d.drawn_at.isoformat(), "repeat_reason": d.repeat_reason}
                    for d in Draw.objects.select_related("jurisdiction", "commitment").defer("inputs").order_by("id")]
            pending = [{"plan": c.plan_id, "period": c.period, "commitment": c.commitment,
                        "committed_at": c.committed_at.isoformat()}
                       for c in SeedCommitment.objects.filter(draw__isnull=True).order_by("committed_at", "id")]
            if o["json"]:
                self.stdout.write(json.dumps(pending if o["commitments"] else rows, ensure_ascii=False, indent=1))
            else:
                for r in rows:
                    self.stdout.write(f"{r['id']:>5} {r['code']} {r['period']} seed={r['seed']} pairs={r['pairs']} "
                                      f"E={r['enterprise_pool_hash'][:12]} I={r['inspector_pool_hash'][:12]}")
                for c in pending:
                    self.stdout.write(f"  承诺 plan={c['plan']} {c['period']} {c['commitment']} {c['committed_at']}")
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
        try:
            with audit_context("cli", actor=user):
                d = services.run_draw(user, plan, o["seed"], witnesses=o["witnesses"], period=o["period"],
                                      reason=o["reason"])
        except drawing.Unsatisfiable as exc:
            if o["json"]:
                self.stdout.write(json.dumps({"error": "unsatisfiable", "reasons": exc.reasons}, ensure_ascii=False))
            raise CommandError("无法完成抽取,未抽取任何企业:" + ";".join(exc.reasons)) from None
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages)) from None
        if o["json"]:
            self.stdout.write(json.dumps({
                "id": d.pk, "code": d.code, "plan": plan.pk, "period": d.period, "seed": d.seed,
                "seed_commit": d.seed_commit, "committed_at": d.committed_at.isoformat(),
                "algorithm": d.algorithm, "algorithm_version": d.algorithm_version,
                "enterprise_pool_hash": d.enterprise_pool_hash, "inspector_pool_hash": d.inspector_pool_hash,
                "result_hash": d.result_hash, "counts": d.counts,
                "pairs": [{"enterprise_id": e, "inspectors": m} for e, m in d.pairs]}, ensure_ascii=False, indent=1))
        else:
            self.stdout.write(f"{d.code}: {len(d.pairs)} 家企业")

    def _user(self, name):
        if not name:
            return None
        from envbureau.core.models import User

        user = User.objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"用户 {name} 不存在")
        return user
