"""Local parameters of the waste module (危险废物转移管理办法, HJ 1259-2022; provinces vary them).

National defaults below; a deployment overrides any of them in settings.ENVBUREAU["WASTE"], e.g.
{"tolerance_relative": "0.01", "confirm_working_days": 5}.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    # Quantities at the three hands agree when they differ by at most max(relative × sent, absolute) tonnes.
    "tolerance_relative": Decimal("0.005"),
    "tolerance_absolute": Decimal("0.010"),
    # The receiver confirms in the system within 5 working days of receipt (转移管理办法 art. 18).
    "confirm_working_days": 5,
    # A producer's storage limit when its permit sets none (the law fixes 1 year for businesses only).
    "storage_days": 365,
    # Licence renewal is applied for 30 working days before expiry; warn this many days before that.
    "renewal_working_days": 30,
    "licence_warn_days": 60,
    # Cross-province approval valid 12 months (arts. 21–28).
    "approval_months": 12,
    # Cross-province application, working days (arts. 21–28): completeness check (else deemed accepted), the
    # preliminary opinion and letter to the receiving province, that province's reply, the decision.
    "application_accept_working_days": 5,
    "application_opinion_working_days": 5,
    "application_reply_working_days": 10,
    "application_decide_working_days": 5,
    # HJ 1259 §4.2 thresholds, tonnes per year.
    "key_tonnes": Decimal("100"),
    "simplified_tonnes": Decimal("10"),
}


def get(name: str):
    local = settings.ENVBUREAU.get("WASTE", {})
    value = local.get(name, DEFAULTS[name])
    return Decimal(str(value)) if isinstance(DEFAULTS[name], Decimal) else value
