import datetime as dt
from decimal import Decimal

import pytest


@pytest.fixture
def world(demo_core):
    """A producer in 东城区, a receiving operator in 朝阳区 with a licence for HW08/HW49, a third enterprise,
    an out-of-province operator; users: the producer's, the operator's, the third's, a waste officer."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User
    from envbureau.sources.models import Enterprise
    from envbureau.waste.models import Licence, Operator, Producer, Transporter

    dc, cy = Jurisdiction.objects.get(code="110101"), Jurisdiction.objects.get(code="110105")
    prod_e = Enterprise.objects.create(credit_code="91110101MA01AAAA1X", name="产废企业甲", jurisdiction=dc)
    op_e = Enterprise.objects.create(credit_code="91110105MA01CCCC3X", name="处置中心乙", jurisdiction=cy)
    other_e = Enterprise.objects.create(credit_code="91110105MA01DDDD4X", name="无关企业丙", jurisdiction=cy)
    producer = Producer.objects.create(enterprise_id=prod_e.pk, name=prod_e.name, jurisdiction=dc,
                                       category="key", annual_tonnes=Decimal("150"))
    operator = Operator.objects.create(enterprise_id=op_e.pk, name=op_e.name, jurisdiction=cy, province="11")
    hebei = Operator.objects.create(name="河北处置中心", province="13")
    day = dt.date(2026, 11, 16)  # a Monday
    Licence.objects.create(operator=operator, number="L-1", categories="HW08,HW49", capacity_tonnes=Decimal("100"),
                           valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2029, 12, 31))
    Licence.objects.create(operator=hebei, number="L-2", categories="HW08", capacity_tonnes=Decimal("100"),
                           valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2029, 12, 31))
    carrier = Transporter.objects.create(name="运输丁", permit_no="P-1")
    ent_role = Role.objects.get(code="enterprise")

    def ent_user(name, e):
        u = User.objects.create(username=name)
        RoleAssignment.objects.create(user=u, role=ent_role, enterprise_id=e.pk)
        return u

    users = {"producer": ent_user("w_producer", prod_e), "operator": ent_user("w_operator", op_e),
             "other": ent_user("w_other", other_e)}
    staff = User.objects.create(username="w_staff")
    RoleAssignment.objects.create(user=staff, role=Role.objects.get(code="waste_officer"))
    users["staff"] = staff
    return {"producer": producer, "operator": operator, "hebei": hebei, "carrier": carrier, "users": users,
            "day": day, "dc": dc, "cy": cy, "enterprises": (prod_e, op_e, other_e)}


@pytest.fixture
def manifest(world):
    from envbureau.waste import services

    return services.create_manifest(world["users"]["producer"], producer=world["producer"],
                                    receiver=world["operator"], transporter=world["carrier"],
                                    waste_code="900-249-08", waste_name="废矿物油", sent_tonnes="10.000",
                                    created_on=world["day"])
