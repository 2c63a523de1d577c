"""What the projects statistics commands share: the area (--jurisdiction, the city by default), dates and
decimals read with errors naming the option, and the output (the report sentence, or --json)."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import CommandError


def area(code: str):
    from envbureau.core.models import Jurisdiction

    code = (code or "").strip()
    jur = (Jurisdiction.objects.filter(code=code).first() if code
           else Jurisdiction.objects.filter(parent__isnull=True).order_by("code").first())
    if jur is None:
        raise CommandError(f"--jurisdiction: no jurisdiction with code {code!r}")
    return jur


def day(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: expected YYYY-MM-DD, got {value!r}") from None


def write(command, data: dict, as_json: bool, lines=()) -> None:
    from envbureau.projects.api import _jsonable

    if as_json:
        command.stdout.write(json.dumps(_jsonable(data), ensure_ascii=False, indent=1))
        return
    command.stdout.write(data["sentence"])
    for line in lines:
        command.stdout.write("  " + line)
