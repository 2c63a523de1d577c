"""envbureau report TYPE --jurisdiction CODE --period 2016-12 [--format docx|pdf] --out FILE
envbureau report --list                       (one type per line, the monthly air bulletin first)
envbureau report TYPE … --json                (the numbers of the report, as the API answers them)
envbureau report TYPE … --issue [--user U]    (sign off: numbered, archived; prints the 文号)
--user LOGIN: the report as that user may make it (their scope; without --jurisdiction, the top of it)"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "生成报告(Word/PDF)/ make a report as Word or PDF"

    def add_arguments(self, parser):
        parser.add_argument("type", nargs="?")
        parser.add_argument("--list", action="store_true")
        parser.add_argument("--jurisdiction")
        parser.add_argument("--period", help="2016-12 | 2016-Q4 | 2016-H2 | 2016")
        parser.add_argument("--format", default="docx", choices=["docx", "pdf"])
        parser.add_argument("--out")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--issue", action="store_true")
        parser.add_argument("--user")

    def handle(self, *args, **o):
        from envbureau.core.audit import audit_context
        from envbureau.reports import registry, services

        if o["list"]:
            for t in registry.types():
                self.stdout.write(f"{t.code}\t{t.label}")
            return
        if not o["type"] or not o["period"] or not (o["jurisdiction"] or o["user"]):
            raise CommandError("TYPE, --jurisdiction (or --user) and --period are required (or --list)")
        user = None
        if o["user"]:
            from envbureau.core.models import User

            user = User.objects.filter(username=o["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"--user: no active user {o['user']}")
            if not o["jurisdiction"]:
                # the top of the user's reports scope (a district officer's own district)
                t = registry.get(o["type"])
                if t is None:
                    raise CommandError(f"TYPE: unknown report type {o['type']} (see --list)")
                top = services.jurisdictions_for(user, t).first()
                if top is None:
                    raise CommandError(f"--user: {o['user']} may make no {o['type']} report (no reports.view "
                                       "where the type has data)")
                o["jurisdiction"] = top.code
        try:
            with audit_context("cli", actor=user):
                if o["json"]:
                    *_rest, built = services.build(user, o["type"], o["jurisdiction"], o["period"])
                    self.stdout.write(json.dumps(built.figures, ensure_ascii=False, indent=1, default=str))
                    return
                if o["issue"]:
                    rep, doc = services.issue_now(user, o["type"], o["jurisdiction"], o["period"])
                    self.stdout.write(f"{doc.number}\t{rep.title}")
                    if o["out"]:
                        src = doc.pdf if o["format"] == "pdf" and doc.pdf else doc.docx
                        with src.open("rb") as fh:
                            Path(o["out"]).write_bytes(fh.read())
                    return
                if not o["out"]:
                    raise CommandError("--out FILE is required")
                name, data, _ctype = services.render(user, o["type"], o["jurisdiction"], o["period"], o["format"])
        except ValidationError as exc:
            msgs = exc.message_dict if hasattr(exc, "message_dict") else {"": exc.messages}
            raise CommandError("; ".join(f"{k}: {'; '.join(v)}" if k else "; ".join(v) for k, v in msgs.items())) \
                from None
        except Exception as exc:
            from django.core.exceptions import PermissionDenied
            from django.http import Http404

            if isinstance(exc, PermissionDenied):
                raise CommandError(f"--user: {o['user']} may not make reports ({exc})") from None
            if isinstance(exc, Http404):
                raise CommandError(f"--jurisdiction: outside the user's scope ({o['jurisdiction']})") from None
            raise
        Path(o["out"]).write_bytes(data)
        self.stdout.write(f"{o['out']}\t{len(data)} bytes\t{name}")
