"""Sign-in lockout shared by the login page, the admin site and the API token endpoint.

Matches django-axes's per (account, client address) lock with an account-wide ceiling, but counts a
try *before* the password is checked, with one conditional UPDATE: axes checks the lock first and
records the failure afterwards, so parallel guesses all pass the check. A stranger can lock only their
own address out of an account; locking the account for everyone takes LOGIN_ACCOUNT_MAX_FAILURES
failures, i.e. many addresses.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LoginCounter


class _Locked(Exception):
    pass


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def _bump(username: str, addr: str, limit: int, now, window) -> bool:
    """Add one to the counter unless it already reached `limit` (expired counters start over)."""
    # get_or_create survives a parallel insert of the same row (it retries the get).
    LoginCounter.objects.get_or_create(username=username, remote_addr=addr, defaults={"last": now})
    LoginCounter.objects.filter(username=username, remote_addr=addr, last__lt=now - window).update(failures=0)
    return bool(LoginCounter.objects.filter(username=username, remote_addr=addr, failures__lt=limit)
                .update(failures=F("failures") + 1, last=now))


def reserve(username: str, addr: str | None) -> bool:
    """Count this sign-in try; False when the account is locked for this address (do not check the password)."""
    name = _key(username)
    if not name:
        return True
    now = timezone.now()
    window = dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    try:
        with transaction.atomic():
            if not _bump(name, addr or "-", settings.LOGIN_MAX_FAILURES, now, window):
                raise _Locked
            if not _bump(name, LoginCounter.ACCOUNT_WIDE, settings.LOGIN_ACCOUNT_MAX_FAILURES, now, window):
                raise _Locked  # rolls back the pair's count as well
    except _Locked:
        return False
    if secrets.randbelow(100) == 0:  # now and then: drop counters long expired (names sprayed once)
        LoginCounter.objects.filter(last__lt=now - 4 * window).delete()
    return True


def succeeded(username: str, addr: str | None) -> None:
    """The password was right: clear this address's count and give back the reservation account-wide."""
    name = _key(username)
    LoginCounter.objects.filter(username=name, remote_addr=addr or "-").delete()
    LoginCounter.objects.filter(username=name, remote_addr=LoginCounter.ACCOUNT_WIDE, failures__gt=0) \
        .update(failures=F("failures") - 1)


def locked_message() -> str:
    return _("登录失败次数过多,账号已临时锁定,请%(m)d分钟后再试。") % {"m": max(settings.LOGIN_LOCKOUT_SECONDS // 60, 1)}
