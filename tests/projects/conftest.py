import datetime as dt

import pytest


@pytest.fixture
def world(demo_core):
    """Two owner units (东城区 with the officer `dongcheng` as member, 朝阳区), a projects manager and a
    leader; no projects yet."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, Unit, User

    dc, cy = Jurisdiction.objects.get(code="110101"), Jurisdiction.objects.get(code="110105")
    u_dc = Unit.objects.create(code="t-dc", name="东城区生态环境局", kind="district", jurisdiction=dc)
    u_cy = Unit.objects.create(code="t-cy", name="朝阳区生态环境局", kind="district", jurisdiction=cy)
    officer = User.objects.get(username="dongcheng")
    u_dc.members.add(officer)
    role = Role.objects.get(code="projects_manager")
    mgr = User.objects.create(username="pm", display_name="攻坚办 孙科")
    RoleAssignment.objects.create(user=mgr, role=role)
    return {"dc": dc, "cy": cy, "u_dc": u_dc, "u_cy": u_cy, "officer": officer, "mgr": mgr,
            "leader": User.objects.get(username="leader")}


@pytest.fixture
def new_project(world):
    from envbureau.projects import services
    from envbureau.projects.models import Project

    def make(jur="dc", year=2026, name="燃气锅炉低氮改造", **kw):
        p = Project(name=name, battle=kw.pop("battle", "air"), year=year, jurisdiction=world[jur],
                    owner_unit=world[f"u_{jur}"], planned_start=kw.pop("planned_start", dt.date(year, 3, 1)),
                    planned_finish=kw.pop("planned_finish", dt.date(year, 10, 31)),
                    investment_planned=kw.pop("investment_planned", 1000000), **kw)
        return services.create_project(world["mgr"], p)

    return make
