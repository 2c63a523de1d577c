"""The waste module's rules with their numbers stated here (危险废物转移管理办法; HJ 1259-2022), boundaries on three points."""

import datetime as dt
from decimal import Decimal

import pytest

from boundary import three
from envbureau.waste import rules

T = Decimal("0.001")


def test_reconciliation_tolerance_relative_boundary():
    # Default tolerance: 0.5 % of the sent quantity, at least 0.010 t. Sent 10 t → 0.050 t.
    ok = lambda received: rules.reconcile(Decimal("10"), Decimal("10"), received).ok  # noqa: E731
    assert three(ok, Decimal("9.950"), T) == (False, True, True)
    assert three(ok, Decimal("10.050"), T) == (True, True, False)
    assert rules.reconcile(Decimal("10"), Decimal("10"), Decimal("9.949")).difference == Decimal("0.051")


def test_reconciliation_tolerance_absolute_floor_and_transporter_hand():
    # Sent 1 t: 0.5 % is 0.005 t, below the 0.010 t floor.
    ok = lambda carried: rules.reconcile(Decimal("1"), carried, None).ok  # noqa: E731
    assert three(ok, Decimal("0.990"), T) == (False, True, True)
    r = rules.reconcile(Decimal("1"), None, None)
    assert r.ok and r.difference is None and not r.complete
    # The transporter and receiver agree with each other but not with the producer: still a mismatch.
    assert not rules.reconcile(Decimal("10"), Decimal("9.5"), Decimal("9.5")).ok


def test_reconciliation_tolerance_is_configurable(settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "WASTE": {"tolerance_relative": "0.02"}}
    assert rules.reconcile(Decimal("10"), Decimal("10"), Decimal("9.8")).ok
    assert not rules.reconcile(Decimal("10"), Decimal("10"), Decimal("9.799")).ok


def test_hj1259_categories_at_10_and_100_tonnes():
    cat = lambda t: rules.classify(t)  # noqa: E731
    assert three(cat, Decimal("100"), T) == ("simplified", "key", "key")
    assert three(cat, Decimal("10"), T) == ("registered", "simplified", "simplified")
    assert rules.classify(Decimal("1"), own_facility=True) == "key"
    assert rules.classify(Decimal("1"), licensed=True) == "key"


@pytest.mark.parametrize("kind,start,due", [
    ("month", dt.date(2026, 10, 1), dt.date(2026, 11, 15)),
    ("month", dt.date(2026, 12, 1), dt.date(2027, 1, 15)),
    ("quarter", dt.date(2026, 7, 1), dt.date(2026, 10, 15)),
    ("quarter", dt.date(2026, 10, 1), dt.date(2027, 1, 15)),
    ("year", dt.date(2026, 1, 1), dt.date(2027, 3, 31)),
])
def test_declaration_due_dates(kind, start, due):
    assert rules.declaration_due(kind, start) == due


def test_periods_by_category():
    assert rules.PERIODS_BY_CATEGORY == {"key": ("month", "year"), "simplified": ("quarter", "year"),
                                         "registered": ("year",)}
    assert rules.period_start("quarter", dt.date(2026, 11, 30)) == dt.date(2026, 10, 1)


@pytest.mark.parametrize("number,code,ok", [
    ("20261101000001", "110101", True),
    ("2026110100001", "110101", False),   # 13 digits
    ("2026110100000A", "110101", False),
    ("20261301000001", "110101", False),  # province 13 is not Beijing
    ("20261102000001", "110101", False),  # prefecture 02
    ("18991101000001", "", False),
])
def test_manifest_number_format(number, code, ok):
    assert (rules.check_number(number, code) is None) == ok


def test_confirmation_limit_is_five_working_days_after_receipt(db):
    # Received Monday 2026-11-16: Tue 17 … Fri 20, Mon 23 is the fifth working day.
    assert rules.confirm_due(dt.date(2026, 11, 16)) == dt.date(2026, 11, 23)
    # Received Friday 2026-11-20: the weekend does not count → Fri 27.
    assert rules.confirm_due(dt.date(2026, 11, 20)) == dt.date(2026, 11, 27)


def test_renewal_deadline_thirty_working_days_before_expiry(db):
    # Expiry Thursday 2026-12-31. Working days back from it: Dec 1–30 are 22, Nov 30 the 23rd, Nov 23–27 the
    # 24th–28th, Nov 20 the 29th, Thursday Nov 19 the 30th (no public holiday in between).
    assert rules.renewal_deadline(dt.date(2026, 12, 31)) == dt.date(2026, 11, 19)
