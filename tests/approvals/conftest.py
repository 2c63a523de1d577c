import pytest


@pytest.fixture
def world(demo_core):
    """Two enterprises (东城区 with a waste-water outlet DW001 and its online point; 西城区), the approvals officer
    (role approvals_officer, city-wide) and an enterprise user of the first enterprise."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User
    from envbureau.sources.models import Enterprise, MonitoringPoint, Outlet

    dc, xc = Jurisdiction.objects.get(code="110101"), Jurisdiction.objects.get(code="110102")
    e1 = Enterprise.objects.create(credit_code="91110101MA01AAAA1X", name="东城热电", jurisdiction=dc,
                                   industry_name="火力发电", industry_code="D4411")
    e2 = Enterprise.objects.create(credit_code="91110102MA01BBBB2X", name="西城印刷", jurisdiction=xc,
                                   industry_name="印刷")
    outlet = Outlet.objects.create(enterprise=e1, code="DW001", name="废水总排口", kind="water")
    point = MonitoringPoint(outlet=outlet, mn="88888880000001", name="废水在线")
    point.save()
    officer = User.objects.create(username="apr_officer", display_name="审批员")
    RoleAssignment.objects.create(user=officer, role=Role.objects.get(code="approvals_officer"))
    ent_user = User.objects.create(username="ent1", display_name="东城热电环保员")
    RoleAssignment.objects.create(user=ent_user, role=Role.objects.get(code="enterprise"), enterprise_id=e1.pk)
    return {"e1": e1, "e2": e2, "point": point, "officer": officer, "ent_user": ent_user, "dc": dc, "xc": xc}
