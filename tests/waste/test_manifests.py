"""Manifest lifecycle through the kit, quantity reconciliation, the 5-working-day confirmation, cross-province
approval and scoping (an enterprise sees its own manifests; an operator those addressed to it)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from envbureau.core import workflow as wf
from envbureau.core.models import Task
from envbureau.waste import services
from envbureau.waste.models import Alert, CrossProvinceApproval, Manifest


def walk(m, world, received="10.000", carried="10.000", received_on="2026-11-17"):
    u = world["users"]
    wf.apply(u["producer"], m, "ship", carried_tonnes=carried, vehicle_no="京A12345", shipped_on="2026-11-16")
    wf.apply(u["operator"], m, "receive", received_tonnes=received, received_on=received_on)
    m.refresh_from_db()
    return m


def test_number_is_issued_in_the_art15_format(manifest, world):
    # 2026 + 11 (Beijing) + 01 (prefecture code of 110101) + serial 000001
    assert manifest.number == "20261101000001"
    assert manifest.state == "created"
    second = services.create_manifest(None, producer=world["producer"], receiver=world["operator"],
                                      waste_code="900-041-49", waste_name="废包装桶", sent_tonnes="1",
                                      created_on=world["day"])
    assert second.number == "20261101000002"


def test_full_walk_with_tasks_for_the_right_enterprise(manifest, world):
    u = world["users"]
    prod_e, op_e, _other = world["enterprises"]
    task = Task.objects.get(object_id=str(manifest.pk), is_open=True)
    assert (task.permission, task.enterprise_id) == ("waste.ship", prod_e.pk)
    wf.apply(u["producer"], manifest, "ship", carried_tonnes="10", shipped_on="2026-11-16")
    task = Task.objects.get(object_id=str(manifest.pk), is_open=True)
    assert (task.permission, task.enterprise_id) == ("waste.receive", op_e.pk)  # the receiver's step
    wf.apply(u["operator"], manifest, "receive", received_tonnes="9.98", received_on="2026-11-16")
    manifest.refresh_from_db()
    assert manifest.confirm_due == dt.date(2026, 11, 23)
    task = Task.objects.get(object_id=str(manifest.pk), is_open=True)
    assert (task.enterprise_id, task.due_date) == (op_e.pk, dt.date(2026, 11, 23))
    assert not manifest.mismatch  # 0.02 t ≤ 0.05 t
    wf.apply(u["operator"], manifest, "confirm", confirmed_on="2026-11-23")
    manifest.refresh_from_db()
    assert (manifest.state, manifest.confirmed_late) == ("confirmed", False)
    assert not Task.objects.filter(object_id=str(manifest.pk), model="waste.manifest", is_open=True).exists()
    assert [e["verb"] for e in wf.timeline(manifest)][:4] == ["open", "ship", "receive", "confirm"]


@pytest.mark.parametrize("confirmed_on,late", [("2026-11-20", False), ("2026-11-23", False), ("2026-11-24", True)])
def test_confirmation_limit_day_before_of_after(manifest, world, confirmed_on, late):
    m = walk(manifest, world, received_on="2026-11-16")
    wf.apply(world["users"]["operator"], m, "confirm", confirmed_on=confirmed_on)
    m.refresh_from_db()
    assert m.confirmed_late is late


@pytest.mark.parametrize("received,mismatch", [("9.951", False), ("9.950", False), ("9.949", True)])
def test_mismatch_flag_and_alert_at_the_tolerance(manifest, world, received, mismatch):
    m = walk(manifest, world, received=received)
    assert m.mismatch is mismatch
    assert Alert.objects.filter(kind="mismatch", source_ref=f"waste.manifest:{m.pk}").exists() is mismatch


def test_only_the_receiver_receives_and_only_the_producer_ships(manifest, world):
    u = world["users"]
    with pytest.raises(PermissionDenied):
        wf.apply(u["operator"], manifest, "ship")
    wf.apply(u["producer"], manifest, "ship")
    with pytest.raises(PermissionDenied):
        wf.apply(u["producer"], manifest, "receive", received_tonnes="10")
    with pytest.raises(Http404):
        wf.apply(u["other"], manifest, "receive", received_tonnes="10")


def test_wrong_state_and_bad_numbers_are_400(manifest, world):
    u = world["users"]
    with pytest.raises(ValidationError):
        wf.apply(u["operator"], manifest, "confirm")  # not received yet
    wf.apply(u["producer"], manifest, "ship")
    with pytest.raises(ValidationError) as e:
        wf.apply(u["operator"], manifest, "receive", received_tonnes="十吨")
    assert "received_tonnes" in e.value.message_dict
    with pytest.raises(ValidationError):
        wf.apply(u["operator"], manifest, "receive", received_tonnes="10", received_on="2026-11-01")  # before shipping


def test_rejection_and_return(manifest, world):
    u = world["users"]
    wf.apply(u["producer"], manifest, "ship")
    with pytest.raises(ValidationError):
        wf.apply(u["operator"], manifest, "reject")  # a reason is required
    wf.apply(u["operator"], manifest, "reject", note="标签不符")
    task = Task.objects.get(object_id=str(manifest.pk), model="waste.manifest", is_open=True)
    assert task.enterprise_id == world["enterprises"][0].pk
    wf.apply(u["producer"], manifest, "take_back")
    manifest.refresh_from_db()
    assert (manifest.state, manifest.reject_reason) == ("returned", "标签不符")


def test_receiver_needs_a_licence_covering_the_waste(world):
    with pytest.raises(ValidationError, match="许可证"):
        services.create_manifest(None, producer=world["producer"], receiver=world["operator"],
                                 waste_code="772-002-18", waste_name="飞灰", sent_tonnes="1", created_on=world["day"])


def test_cross_province_needs_an_approval_within_date_and_quantity(world):
    m = services.create_manifest(None, producer=world["producer"], receiver=world["hebei"], waste_code="900-249-08",
                                 waste_name="废矿物油", sent_tonnes="30", created_on=world["day"])
    assert m.cross_province
    with pytest.raises(ValidationError, match="跨省"):
        wf.apply(None, m, "ship", shipped_on="2026-11-16")
    a = CrossProvinceApproval.objects.create(number="A-1", producer=world["producer"], receiver=world["hebei"],
                                             waste_code="900-249-08", tonnes=Decimal("50"),
                                             approved_on=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31))
    wf.apply(None, m, "ship", shipped_on="2026-11-16")
    m.refresh_from_db()
    assert m.approval == a
    m2 = services.create_manifest(None, producer=world["producer"], receiver=world["hebei"], waste_code="900-249-08",
                                  waste_name="废矿物油", sent_tonnes="20.001", created_on=world["day"])
    with pytest.raises(ValidationError):  # 30 + 20.001 > 50 t approved
        wf.apply(None, m2, "ship", shipped_on="2026-11-16")
    a.valid_until = dt.date(2027, 1, 2)  # more than 12 months after approval
    with pytest.raises(ValidationError):
        a.full_clean()


def test_scoping_enterprise_sees_own_and_addressed(manifest, world):
    u = world["users"]
    visible = lambda user: set(Manifest.objects.restrict(user, "view").values_list("pk", flat=True))  # noqa: E731
    assert visible(u["producer"]) == {manifest.pk}
    assert visible(u["operator"]) == {manifest.pk}
    assert visible(u["other"]) == set()
    assert visible(u["staff"]) == {manifest.pk}


def test_enterprise_cannot_file_for_another(world):
    with pytest.raises(PermissionDenied):
        services.create_manifest(world["users"]["other"], producer=world["producer"], receiver=world["operator"],
                                 waste_code="900-249-08", waste_name="废矿物油", sent_tonnes="1",
                                 created_on=world["day"])
