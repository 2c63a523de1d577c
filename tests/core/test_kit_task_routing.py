"""A task reaches the people who can act on it, by the same rule as the transition's own permission check.

The rule, as this test states it: a state's task is for the holders of the permission of a step that leaves
that state (alternatives "a|b" included), and someone among the demo's people holds it. Then, with real
objects: a warning reaches the air department (acting through its department's quality.change), an alarm
and a declaration reach 执法支队 (sources.change, and the built-in 执法人员 role), and each of them acts."""

import datetime as dt

import pytest
from django.test import Client

from envbureau.core import workflow as wf

TZ = dt.timezone(dt.timedelta(hours=8))

# Who the demo has: its department staff (core/demo_core.py), and one person per built-in role of
# core/roles.py (the apps' demo steps hand those roles out: complaints_office to petition, ledger_manager to
# oversight, enforcement_officer to enforcement, report_signer to leader …); officers sit in 东城区.
DEPARTMENT_STAFF = {
    "air_staff": ["air", "water", "monitoring"],
    "enforcement": ["enforcement", "oversight"],
    "petition": ["petition"],
}


@pytest.fixture
def demo_people(demo_core):
    from envbureau.core.models import Department, Jurisdiction, Role, RoleAssignment, User
    from envbureau.core.roles import DEFAULT_ROLES

    out = {name: User.objects.get(username=name) for name in ("leader", "dongcheng", "donghuamen", *DEPARTMENT_STAFF)}
    for name, depts in DEPARTMENT_STAFF.items():
        assert set(out[name].assignments.get().departments.values_list("code", flat=True)) == set(depts)
    for code, name, kind, perms in DEFAULT_ROLES:
        if kind in ("admin", "enterprise"):
            continue  # the platform admin is not a person tasks are for; enterprises get theirs by id
        role = Role.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "permissions": perms})[0]
        u = User.objects.create(username=f"role_{code}", display_name=name)
        RoleAssignment.objects.create(user=u, role=role,
                                      jurisdiction=Jurisdiction.objects.get(code="110101") if kind == "officer" else None)
        out[f"role_{code}"] = u
    assert Department.objects.exists()
    return out


def _leaving(w, state):
    # target None: the handler decides (ctx.target), e.g. projects' outfall "monitor" moves confirmed → monitored
    return [t for t in w.transitions if state in t.sources and t.target != state]


def test_each_permission_task_is_for_the_holders_of_a_step_that_leaves_its_state():
    for w in wf.all_workflows():
        for st in w.states:
            spec = st.task
            if spec is None or spec.assignees is not None:
                continue  # assignee functions are walked with real objects (test_kit_every_workflow)
            leaving = _leaving(w, st.value)
            assert leaving, (w.model, st.value)
            assert any(set(wf.alternatives(t.permission)) == set(wf.alternatives(spec.permission))
                       for t in leaving), (w.model, st.value, spec.permission, [t.permission for t in leaving])


def test_someone_in_the_demo_sees_and_may_take_each_permission_task(demo_people):
    """A task row for an object in 东华门街道 (as the kit opens it) reaches at least one demo person besides
    the platform admin, and each person it reaches holds the step's permission."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, Task, User
    from envbureau.core.notify import tasks_for
    from envbureau.core.permissions import code_matches, grants_for
    from envbureau.core.roles import DEFAULT_DEPARTMENTS, DEFAULT_ROLES

    path = Jurisdiction.objects.get(code="110101001000").path
    ent_perms = next(perms for code, _n, kind, perms in DEFAULT_ROLES if kind == "enterprise")
    ent_role = Role.objects.get_or_create(code="enterprise", defaults={"name": "企业用户", "kind": "enterprise",
                                                                       "permissions": ent_perms})[0]
    staff_codes = [g for _c, _n, kind, perms in DEFAULT_ROLES if kind not in ("admin", "enterprise") for g in perms]
    staff_codes += [f"{m}.{a}" for _c, _n, mods in DEFAULT_DEPARTMENTS for m in mods
                    for a in ("view", "add", "change", "delete")]
    ent_user_enterprise = 990001  # an enterprise id; tasks reach enterprise users by id
    ent_user = User.objects.create(username="routing_enterprise")
    RoleAssignment.objects.create(user=ent_user, role=ent_role, enterprise_id=ent_user_enterprise)
    for w in wf.all_workflows():
        for st in w.states:
            spec = st.task
            if spec is None or spec.assignees is not None or st.terminal:
                continue
            alts = wf.alternatives(spec.permission)
            # A step only the enterprise itself takes (e.g. 补正 of an EIA application): its task row carries
            # the enterprise, and that enterprise's user is the one it reaches.
            ent_only = not any(code_matches(g, p) for g in staff_codes for p in alts)
            task = Task.objects.create(model=w.model, object_id=f"routing-{st.value}", module=w.module,
                                       state=st.value, action="x", title="x", permission=spec.permission,
                                       level=spec.level, jurisdiction_path=path,
                                       enterprise_id=ent_user_enterprise if ent_only else None)
            people = {**demo_people, "enterprise_user": ent_user} if ent_only else demo_people
            seers = [n for n, u in people.items() if tasks_for(u).filter(pk=task.pk).exists()]
            if ent_only:
                assert any(code_matches(g, p) for g in ent_perms for p in alts), (w.model, st.value, "nobody")
                assert seers == ["enterprise_user"], (w.model, st.value, seers)
                task.delete()
                continue
            assert seers, (w.model, st.value, spec.permission)
            for n in seers:
                assert any(g.allows(p) for g in grants_for(people[n])
                           for p in wf.alternatives(spec.permission)), (w.model, st.value, n)
            task.delete()


def _seen(user, obj):
    from envbureau.core.notify import tasks_for

    return list(tasks_for(user).filter(model=obj._meta.label_lower, object_id=str(obj.pk))
                .values_list("action", flat=True))


def test_a_station_warning_reaches_the_air_department_which_closes_it(demo_people):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality import services

    w, _new = services._raise("data_stop", Jurisdiction.objects.get(code="110101"), "quality.airstation:7", "东四",
                              dt.datetime(2026, 11, 3, 1, tzinfo=TZ), dt.datetime(2026, 11, 3, 8, tzinfo=TZ),
                              services._facts("stop", s="东四", t="2026-11-03 01:00", n=8), count=8)
    air = demo_people["air_staff"]  # staff role: quality.change through the air department, no quality.handle
    assert _seen(air, w) == ["处理预警"]
    assert _seen(demo_people["dongcheng"], w) == ["处理预警"]  # quality.handle in 东城区
    assert _seen(demo_people["leader"], w) == []  # reads everything, acts on nothing
    assert _seen(demo_people["petition"], w) == []
    services.acknowledge_warning(air, w)
    assert _seen(air, w) == ["跟踪处置并关闭预警"]
    services.close_warning(air, w, "设备恢复")
    assert _seen(air, w) == [] and _seen(demo_people["dongcheng"], w) == []


@pytest.fixture
def plant(demo_people):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User
    from envbureau.sources import credit_code
    from envbureau.sources.models import Enterprise, MonitoringPoint, Outlet

    e = Enterprise.objects.create(credit_code=credit_code.make("91", "110101", "RTE00001"), name="东城路由热电",
                                  jurisdiction=Jurisdiction.objects.get(code="110101001000"))
    p = MonitoringPoint.objects.create(outlet=Outlet.objects.create(enterprise=e, code="DA001", name="烟囱",
                                                                    kind="gas"), mn="ROUTMN0001", name="CEMS")
    u = User.objects.create(username="rout_ent")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"), enterprise_id=e.pk)
    return {"enterprise": e, "point": p, "user": u}


def _declaration(plant):
    from envbureau.sources import services

    now = dt.datetime.now(dt.timezone.utc)
    return services.submit_declaration(plant["user"], enterprise=plant["enterprise"], point=plant["point"],
                                       kind="maintenance", start=now + dt.timedelta(hours=1),
                                       end=now + dt.timedelta(hours=5), reason="检修")


@pytest.mark.parametrize("reviewer", ["enforcement", "air_staff"])
def test_a_declaration_reaches_the_departments_that_review_it(plant, demo_people, reviewer):
    from envbureau.sources import services

    d = _declaration(plant)
    for name in ("enforcement", "air_staff"):  # sources.change through 执法支队 / 监测站
        assert _seen(demo_people[name], d) == ["审核异常申报"], name
    for name in ("dongcheng", "leader", "petition"):
        assert _seen(demo_people[name], d) == [], name
    assert _seen(plant["user"], d) == []  # the enterprise waits, it does not review
    services.approve_declaration(demo_people[reviewer], d.pk, "同意")
    d.refresh_from_db()
    assert d.status == "approved" and _seen(demo_people["enforcement"], d) == []


def test_the_built_in_enforcement_role_reviews_declarations_without_a_department(plant, demo_people):
    from envbureau.core.models import Role, RoleAssignment, User
    from envbureau.sources import services

    role = Role.objects.get(code="enforcement_officer")
    assert "sources.approve_declaration" in role.permissions
    only_role = User.objects.create(username="zf_role_only", display_name="执法人员 孙")
    RoleAssignment.objects.create(user=only_role, role=role)
    d = _declaration(plant)
    assert _seen(only_role, d) == ["审核异常申报"]
    services.reject_declaration(only_role, d.pk, "未附检修计划")
    d.refresh_from_db()
    assert d.status == "rejected"


def test_an_alarm_reaches_whoever_acknowledges_and_closes_it(plant, demo_people):
    from envbureau.sources import services
    from envbureau.sources.models import Alarm

    a = Alarm.objects.create(point=plant["point"], enterprise=plant["enterprise"], kind="exceedance",
                             factor="a21026", started_at=dt.datetime(2026, 11, 3, 1, tzinfo=TZ),
                             last_seen_at=dt.datetime(2026, 11, 3, 2, tzinfo=TZ),
                             message="二氧化硫超标")
    wf.record_event(a, None, "open", to_state="open")
    wf.sync_tasks(a)
    for name in ("dongcheng", "enforcement", "air_staff"):  # ack_alarm in 东城区; sources.change (departments)
        assert _seen(demo_people[name], a) == ["处理报警"], name
    assert _seen(demo_people["leader"], a) == []
    services.acknowledge_alarm(demo_people["dongcheng"], a.pk, "已通知企业")
    assert _seen(demo_people["dongcheng"], a) == []  # closing is not an officer's step
    assert _seen(demo_people["enforcement"], a) == ["处置并关闭报警"]
    services.close_alarm(demo_people["enforcement"], a.pk, "已整改")
    assert _seen(demo_people["enforcement"], a) == []


def test_the_inbox_page_shows_the_air_department_its_warning(demo_people):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality import services

    services._raise("data_stop", Jurisdiction.objects.get(code="110105"), "quality.airstation:8", "朝阳奥体",
                    dt.datetime(2026, 11, 3, 1, tzinfo=TZ), dt.datetime(2026, 11, 3, 8, tzinfo=TZ),
                    services._facts("stop", s="朝阳奥体", t="2026-11-03 01:00", n=8), count=8)
    c = Client()
    c.force_login(demo_people["air_staff"])
    assert "朝阳奥体" in c.get("/tasks/").content.decode()
