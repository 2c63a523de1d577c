"""core.bulk.insert_objects (the manifest import's insert): rows read back exactly as the ORM's own save would
have stored them - decimals to the thousandth, dates, booleans, null foreign keys - primary keys set on the
instances, and nothing written when the transaction rolls back."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction


def _manifest(world, number, **kw):
    from envbureau.waste.models import Manifest

    m = Manifest(number=number, producer=world["producer"], receiver=world["operator"], transporter=None,
                 waste_code="900-249-08", waste_name="废矿物油", sent_tonnes=Decimal("10.125"),
                 carried_tonnes=Decimal("10.125"), received_tonnes=Decimal("9.875"), created_on=dt.date(2026, 11, 2),
                 shipped_on=dt.date(2026, 11, 3), received_on=None, imported=True, **kw)
    m.copy_parties()
    m.reconcile()
    return m


FIELDS = ("number", "producer_id", "receiver_id", "transporter_id", "jurisdiction_id", "producer_enterprise_id",
          "receiver_enterprise_id", "waste_code", "sent_tonnes", "carried_tonnes", "received_tonnes", "created_on",
          "shipped_on", "received_on", "mismatch", "difference", "cross_province", "imported", "state", "hazard")


@pytest.mark.django_db
def test_bulk_rows_equal_orm_rows_and_get_their_keys(world):
    from envbureau.core.bulk import insert_objects
    from envbureau.waste.models import Manifest

    orm = _manifest(world, "20261101000001")
    orm.save()
    bulk = [_manifest(world, f"2026110100{i:04d}") for i in range(2, 7)]
    insert_objects(Manifest, bulk, key="number")
    assert all(m.pk is not None and not m._state.adding for m in bulk)
    assert len({m.pk for m in bulk}) == 5
    a = Manifest.objects.get(pk=orm.pk)
    for m in bulk:
        b = Manifest.objects.get(pk=m.pk)
        assert b.number == m.number
        for f in FIELDS[1:]:
            assert getattr(b, f) == getattr(a, f), f
    assert a.mismatch is True and a.difference == Decimal("0.250") and a.transporter_id is None


@pytest.mark.django_db(transaction=True)
def test_bulk_insert_rolls_back_with_its_transaction(world):
    from envbureau.core.bulk import insert_objects
    from envbureau.waste.models import Manifest

    with pytest.raises(RuntimeError), transaction.atomic():
        insert_objects(Manifest, [_manifest(world, "20261101000009")], key="number")
        assert Manifest.objects.filter(number="20261101000009").exists()
        raise RuntimeError
    assert not Manifest.objects.filter(number="20261101000009").exists()
