"""Per-client throttles of public lookups (DRF's cache-based SimpleRateThrottle, keyed by core.clientip).

DRF's own key reads X-Forwarded-For from anyone unless NUM_PROXIES is set; ours trusts it only from
settings.TRUSTED_PROXIES. Counters live in the default cache: set REDIS_URL when several server
processes run, or each counts on its own.
"""

from __future__ import annotations

import math

from rest_framework.throttling import SimpleRateThrottle

from .clientip import client_ip


class PublicLookupThrottle(SimpleRateThrottle):
    """Lookups by a secret code (complaint status, Open311 token and request with query_code): rate
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["public_lookup"] (env PUBLIC_LOOKUP_RATE) per client."""

    scope = "public_lookup"

    def get_rate(self):
        # Read at each request (DRF binds its rates at import, which tests and reloads cannot change).
        from django.conf import settings

        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope) or "30/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


def throttle_wait(request, throttle_class=PublicLookupThrottle) -> int | None:
    """For plain Django views: None when the request may go on, else the seconds to wait (Retry-After)."""
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))
