"""envbureau legal_basis remap [--json] [--on YYYY-MM-DD] — each article cited by cases beside the article that
corresponds to it now (the 生态环境法典 article, following `successor`; the Code took effect 2026-08-15 and repealed
环境保护法 and other laws [1S]).

Cases keep citing the article in force on the day of the act; this lists, for each cited article, the number of
cases, the span of their act dates and the current article with its effective range. Exit 1 (with --strict) when
a cited article is no longer in force and has no successor yet (a remapping still to be entered).
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "法律依据:remap(案件引用的条款及现对应条款)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rm = sub.add_parser("remap", help="列出案件引用的每一条款及其现对应条款(生态环境法典)")
        rm.add_argument("--json", action="store_true")
        rm.add_argument("--on", default="", help="对应到哪一天(默认今天)")
        rm.add_argument("--strict", action="store_true", help="有已失效且未填写对应新条款的引用时退出码为1")

    def handle(self, *args, **o):
        from envbureau.enforcement import cases

        day = None
        if o["on"]:
            try:
                day = dt.date.fromisoformat(o["on"])
            except ValueError:
                raise CommandError(f"--on:“{o['on']}”不是日期(YYYY-MM-DD)") from None
        rows = cases.remap_rows(None, day)
        if o["json"]:
            self.stdout.write(json.dumps(cases.remap_json(rows), ensure_ascii=False, indent=1))
        else:
            for r in rows:
                now = (" → ".join(str(x["basis"]) for x in r["chain"]) + f"({r['current_range']})" if r["changed"]
                       else ("现行有效" if r["in_force"] else "已失效,尚未填写对应新条款"))
                self.stdout.write(f"{r['cited']}({r['cited_range']})案件 {r['cases']} 件"
                                  f"({r['first_act']:%Y-%m-%d}–{r['last_act']:%Y-%m-%d}):{now}")
        missing = [r for r in rows if not r["changed"] and not r["in_force"]]
        if o["strict"] and missing:
            raise CommandError("已失效且未填写对应新条款:" + ";".join(str(r["cited"]) for r in missing))
