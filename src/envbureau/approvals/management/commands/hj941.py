"""envbureau hj941 grade --q Q [--m M | --processes P --items I] [--e E1|E2|E3 | --pop-5km N --pop-500m N |
--water-f F --water-s S] [--medium air|water] [--json] — one medium's HJ 941-2018 risk level with the working, graded with the
configured tables (approvals hj941_tables; by default the platform's remembered tables, said so in the output).
M and E are given finished or from their parts, as on the plan form ("加氢,2;导热油加热,1,5"; "截流措施,8;…")."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ._cli import dump


class Command(BaseCommand):
    help = "HJ 941 环境风险等级:grade --q --m --e(输出等级与计算过程)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        g = sub.add_parser("grade", help="按 Q、M、E 评定一个环境要素的等级")
        g.add_argument("--q", type=float, required=True, help="Q 值(Σ 存在量 ÷ 临界量)")
        g.add_argument("--m", type=float, default=None, help="M 值(0–100)")
        g.add_argument("--processes", default="", help="M 分项:生产工艺,如 加氢,2;导热油加热,1,5")
        g.add_argument("--items", default="", help="M 分项:风险防控评估项目得分,如 截流措施,8;事故废水收集措施,4")
        g.add_argument("--e", default="", help="环境敏感程度 E1、E2 或 E3(Q≥1 时必填,或给出判定依据)")
        g.add_argument("--pop-5km", type=float, default=None, help="大气 E 依据:5 km 内人口")
        g.add_argument("--pop-500m", type=float, default=None, help="大气 E 依据:500 m 内人口")
        g.add_argument("--water-f", dest="f", default="", help="水 E 依据:受纳水体敏感性 F1–F3")
        g.add_argument("--water-s", dest="s", default="", help="水 E 依据:环境风险受体类型 S1–S3")
        g.add_argument("--medium", default="air", choices=["air", "water"])
        g.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        from envbureau.approvals import config, emergency
        from envbureau.standards import hj941

        q, m, e = o["q"], o["m"], (o["e"] or "").strip().upper()
        if not q == q or q < 0:
            raise CommandError(f"--q 不能为负数:{o['q']}")
        if m is not None and not 0 <= m <= 100:
            raise CommandError(f"--m 应在 0–100 之间:{o['m']}")
        tables, source = config.hj941_tables()
        if o["processes"] or o["items"]:
            if m is not None:
                raise CommandError("--m 与 --processes/--items 只填一种")
            try:
                procs, items = emergency.parse_processes(o["processes"]), emergency.parse_items(o["items"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            m = hj941.MParts(tuple(hj941.ProcessUnit(p["name"], p["units"], p["points"]) for p in procs), items)
        facts = {"air": ("pop_5km", "pop_500m"), "water": ("f", "s")}[o["medium"]]
        options = {"pop_5km": "--pop-5km", "pop_500m": "--pop-500m", "f": "--water-f", "s": "--water-s"}
        given = [k for k in facts if o[k] not in (None, "")]
        if given:
            if e:
                raise CommandError("--e 与其判定依据只填一种")
            if len(given) < 2:
                raise CommandError("判定 E 须同时给出 " + " 与 ".join(options[k] for k in facts))
            e = (hj941.AirReceptors(o["pop_5km"], o["pop_500m"]) if o["medium"] == "air"
                 else hj941.WaterReceptors(o["f"].strip().upper(), o["s"].strip().upper()))
        try:
            r = hj941.grade_medium(o["medium"], [hj941.Substance("Q", q, 1.0)], m if m is not None else 0.0, e,
                                   **tables)
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
