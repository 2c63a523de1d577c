"""The client's address, also behind a reverse proxy, for lockouts, throttles and the audit log.

X-Forwarded-For is read only when the connecting peer (REMOTE_ADDR) is one of settings.TRUSTED_PROXIES
(env TRUSTED_PROXIES, comma-separated addresses or networks); the chain is then walked from the right,
skipping trusted hops, so a client cannot pick its own address by sending the header itself.
(python-ipware matches its proxy list against the header's own entries, not the peer, hence this.)
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]):
    return tuple(ipaddress.ip_network(s.strip(), strict=False) for s in spec if s.strip())


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(addr, nets) -> bool:
    return addr is not None and any(addr.version == n.version and addr in n for n in nets)


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    nets = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not nets or not _trusted(_parse(remote or ""), nets):
        return remote
    chain = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    for hop in reversed(chain):
        addr = _parse(hop)
        if addr is None:
            break  # a garbled entry: trust nothing to its left
        if not _trusted(addr, nets):
            return str(addr)
    return remote
