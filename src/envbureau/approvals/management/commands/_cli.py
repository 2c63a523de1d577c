"""Shared by the approvals commands (not a command itself: Django skips names starting with "_"): the acting user
(--user LOGIN, an active user, whose scope restricts what is listed; without it the command reads as the system,
like approvals-stats and permits_daily), dates, and JSON output."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import CommandError


def add_user(parser) -> None:
    parser.add_argument("--user", default="", help="按该用户的权限范围读取(默认:系统,全部)")
    parser.add_argument("--json", action="store_true")


def acting_user(o):
    if not o.get("user"):
        return None
    from envbureau.core.models import User

    user = User.objects.filter(username=o["user"], is_active=True).first()
    if user is None:
        raise CommandError(f"--user:没有启用的用户 {o['user']}")
    return user


def scoped(qs, user):
    """The records `user` may read (None: all)."""
    from envbureau.core.scoping import restrict

    return qs if user is None else restrict(qs, user, "view")


def filter_choice(qs, value: str, option: str, field: str, values):
    """`--option value` as a filter on `field`: one of `values`, else an error naming the option."""
    if not value:
        return qs
    if value not in values:
        raise CommandError(f"--{option} 应为 {', '.join(values)} 之一:{value}")
    return qs.filter(**{field: value})


def date_arg(value, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name} 应为 YYYY-MM-DD:{value}") from None


def dump(cmd, data) -> None:
    cmd.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str))


def yes_no(value) -> str:
    return "—" if value is None else ("是" if value else "否")
