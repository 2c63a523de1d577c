"""envbureau hj941 grade --q Q [--m M --e E1|E2|E3] [--medium air|water] [--json] — one medium's HJ 941-2018
risk level with the working, graded with the configured tables (approvals hj941_tables; by default the
platform's remembered tables, said so in the output)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ._cli import dump


class Command(BaseCommand):
    help = "HJ 941 环境风险等级:grade --q --m --e(输出等级与计算过程)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        g = sub.add_parser("grade", help="按 Q、M、E 评定一个环境要素的等级")
        g.add_argument("--q", type=float, required=True, help="Q 值(Σ 存在量 ÷ 临界量)")
        g.add_argument("--m", type=float, default=0.0, help="M 值(0–100)")
        g.add_argument("--e", default="", help="环境敏感程度 E1、E2 或 E3(Q≥1 时必填)")
        g.add_argument("--medium", default="air", choices=["air", "water"])
        g.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        from envbureau.approvals import config
        from envbureau.standards import hj941

        q, m, e = o["q"], o["m"], (o["e"] or "").strip().upper()
        if not q == q or q < 0:
            raise CommandError(f"--q 不能为负数:{o['q']}")
        if not 0 <= m <= 100:
            raise CommandError(f"--m 应在 0–100 之间:{o['m']}")
        tables, source = config.hj941_tables()
        try:
            r = hj941.grade_medium(o["medium"], [hj941.Substance("Q", q, 1.0)], m, e, **tables)
        except ValueError as exc:
            raise CommandError(f"--e:{exc}" if "E1" in str(exc) else str(exc)) from None
        tables_words = source or "平台暂存的 HJ 941 表格(凭记忆整理,待核对标准原文)"
        if o["json"]:
            return dump(self, {"medium": r.medium, "q": r.q, "q_class": r.q_class, "m_class": r.m_class,
                               "e_class": r.e_class, "level": r.level, "label": r.label, "steps": r.steps,
                               "tables": source})
        self.stdout.write(f"{r.level}环境风险:{r.label}")
        for s in r.steps:
            self.stdout.write(f"  {s}")
        self.stdout.write(f"  分级表:{tables_words}")
