"""core.permissions as rules written down here: what each permission code grants, which role lists are
valid, who may grant which role, and what grants a user holds. Expectations are data in this file, not
read back from the module (the mutation run of core.permissions uses this file)."""

import pytest
from django.core.exceptions import ValidationError

from envbureau.core import permissions as P
from envbureau.core.models import Department, Jurisdiction, Role, RoleAssignment, User

# (granted, wanted, matches) — "*" is everything; "m.*" every action of module m; "*.a" action a of every
# module except audit.view, which is granted only by name, "audit.*" or "*".
CODE_CASES = [
    ("*", "quality.view", True),
    ("*", "audit.view", True),
    ("quality.view", "quality.view", True),
    ("quality.view", "quality.change", False),
    ("quality.view", "ledger.view", False),
    ("quality.*", "quality.change", True),
    ("quality.*", "ledger.change", False),
    ("*.view", "ledger.view", True),
    ("*.view", "ledger.change", False),
    ("*.view", "audit.view", False),
    ("audit.*", "audit.view", True),
    ("audit.view", "audit.view", True),
    ("*.change", "audit.view", False),
    ("ledger", "ledger.view", False),
    ("ledger.verify", "ledger.ver", False),
    ("*.*", "ledger.view", False),  # not a form the platform grants: neither side is "*" alone
]


@pytest.mark.parametrize(("granted", "wanted", "expected"), CODE_CASES)
def test_code_matches(granted, wanted, expected):
    assert P.code_matches(granted, wanted) is expected


def test_grant_allows_any_of_its_codes():
    g = P.Grant(frozenset({"quality.view", "ledger.*"}), "staff", None, None)
    assert g.allows("quality.view") and g.allows("ledger.verify")
    assert not g.allows("quality.change")
    assert not P.Grant(frozenset(), "staff", None, None).allows("quality.view")


def test_register_permissions_adds_crud_and_custom_actions_with_label():
    try:
        P.register_permissions("zz_test", "测试模块", {"sign": "签收"})
        assert set(P.MODULES["zz_test"]) == {"view", "add", "change", "delete", "sign"}
        assert P.MODULES["zz_test"]["sign"] == "签收"
        assert P.MODULE_LABELS["zz_test"] == "测试模块"
        codes = P.all_permission_codes()
        assert {"zz_test.view", "zz_test.sign", "zz_test.delete"} <= set(codes)
        assert codes == sorted(codes)
        # registering again keeps earlier actions and adds new ones
        P.register_permissions("zz_test", "测试模块2", {"close": "销号"})
        assert {"sign", "close", "view"} <= set(P.MODULES["zz_test"])
        assert P.MODULE_LABELS["zz_test"] == "测试模块2"
        P.register_permissions("zz_plain", "无自定义")
        assert set(P.MODULES["zz_plain"]) == {"view", "add", "change", "delete"}
    finally:
        for m in ("zz_test", "zz_plain"):
            P.MODULES.pop(m, None)
            P.MODULE_LABELS.pop(m, None)


def test_core_modules_always_known():
    codes = set(P.all_permission_codes())
    assert {"audit.view", "imports.run", "core.view", "core.add", "core.change", "core.delete"} <= codes


def _refused(codes, already=()):
    with pytest.raises(ValidationError) as e:
        P.validate_permission_codes(codes, already=already)
    return " ".join(e.value.message_dict["permissions"])


def test_validate_permission_codes():
    P.validate_permission_codes([])
    P.validate_permission_codes(["*", "*.view", "ledger.*", "quality.view", "audit.view", "imports.run"])
    assert _refused("quality.view") == "权限必须是列表"
    assert _refused(["noperiod"]) == "无效的权限代码: noperiod"
    assert _refused(["quality.fly"]) == "未知的权限代码: quality.fly"
    # a wildcard is accepted and the codes after it are still checked
    assert _refused(["*.view", "ledger.*", "bogus.fly"]) == "未知的权限代码: bogus.fly"
    assert "列表" in _refused("quality.view")
    assert "列表" in _refused(("quality.view",))
    msg = _refused(["quality.view", "noperiod"])
    assert "无效" in msg and "noperiod" in msg
    assert "无效" in _refused([3])
    msg = _refused(["quality.fly"])
    assert "未知" in msg and "quality.fly" in msg
    assert "未知" in _refused(["nomodule.view"])
    # a code the role already held stays valid (a module not installed here keeps its codes)
    P.validate_permission_codes(["gone.view", "quality.view"], already=["gone.view"])
    assert "gone.other" in _refused(["gone.other"], already=["gone.view"])


@pytest.fixture
def setup(db):
    city = Jurisdiction.objects.create(code="110000", name="市", level="city")
    dist = Jurisdiction.objects.create(code="110101", name="东城区", level="district", parent=city)
    roles = {
        "admin": Role.objects.create(code="t_admin", name="管理员", kind="admin", permissions=["*"]),
        "staff": Role.objects.create(code="t_staff", name="机关", kind="staff", permissions=["*.view", "imports.run"]),
        "officer": Role.objects.create(code="t_off", name="属地", kind="officer",
                                       permissions=["quality.view", "ledger.view", "ledger.change"]),
        "wide": Role.objects.create(code="t_wide", name="宽", kind="staff", permissions=["ledger.*"]),
    }
    dept = Department.objects.create(code="air", name="大气科", modules=["quality"])
    off_dept = Department.objects.create(code="old", name="撤销科", modules=["sources"], active=False)
    return city, dist, roles, dept, off_dept


def _user(name, role, **kw):
    u = User.objects.create_user(name, password="x")
    depts = kw.pop("depts", [])
    a = RoleAssignment.objects.create(user=u, role=role, **kw)
    a.departments.set(depts)
    return User.objects.get(pk=u.pk)


def test_grants_for_reads_roles_departments_and_reach(setup):
    city, dist, roles, dept, off_dept = setup
    staff = _user("s", roles["staff"], depts=[dept, off_dept])
    (g,) = P.grants_for(staff)
    assert g.kind == "staff" and g.jurisdiction_path is None and g.enterprise_id is None
    # an active department adds CRUD on its modules; an inactive one adds nothing
    assert {"*.view", "imports.run", "quality.view", "quality.add", "quality.change", "quality.delete"} == set(g.perms)
    assert P.has_perm(staff, "quality.delete") and not P.has_perm(staff, "sources.change")

    off = _user("o", roles["officer"], jurisdiction=dist)
    (g,) = P.grants_for(off)
    assert g.kind == "officer" and g.jurisdiction_path == dist.path
    assert P.has_perm(off, "ledger.change") and not P.has_perm(off, "ledger.verify")

    ent = _user("e", roles["officer"], jurisdiction=dist, enterprise_id=77)
    assert P.grants_for(ent)[0].enterprise_id == 77


def test_grants_for_reads_in_one_query(setup, django_assert_num_queries):
    city, dist, roles, dept, off_dept = setup
    u = _user("q", roles["staff"], depts=[dept, off_dept], jurisdiction=dist)
    RoleAssignment.objects.create(user=u, role=roles["officer"], jurisdiction=city)
    u = User.objects.get(pk=u.pk)
    with django_assert_num_queries(1):  # assignments with role, area and departments: one row per department
        gs = P.grants_for(u)
    assert [(g.kind, g.jurisdiction_path) for g in gs] == [("staff", dist.path), ("officer", city.path)]
    # The active department's modules widen only the assignment that carries it; the inactive one adds nothing.
    dept_perms = {f"{m}.{a}" for m in dept.modules for a in P.CRUD}
    assert dept_perms <= gs[0].perms and not dept_perms <= gs[1].perms
    off_perms = {f"{m}.{a}" for m in off_dept.modules for a in P.CRUD} - dept_perms - set(roles["staff"].permissions)
    assert off_perms and not off_perms & gs[0].perms


def test_grants_for_nobody(setup):
    city, dist, roles, dept, off_dept = setup
    from django.contrib.auth.models import AnonymousUser

    assert P.grants_for(None) == []
    assert P.grants_for(AnonymousUser()) == []
    u = _user("gone", roles["admin"])
    u.is_active = False
    assert P.grants_for(u) == [] and not P.has_perm(u, "quality.view") and not P.is_platform_admin(u)
    bare = User.objects.create_user("bare", password="x")
    assert P.grants_for(bare) == [] and not P.has_perm(bare, "quality.view")


def test_superuser_gets_a_city_wide_admin_grant(setup):
    root = User.objects.create_superuser("root", password="x")
    gs = P.grants_for(root)
    assert [(g.kind, g.jurisdiction_path, g.perms) for g in gs] == [("admin", None, frozenset({"*"}))]
    assert P.is_platform_admin(root)


def test_grants_cached_per_user_object(setup, django_assert_num_queries):
    city, dist, roles, dept, off_dept = setup
    u = _user("c", roles["staff"])
    first = P.grants_for(u)
    with django_assert_num_queries(0):
        assert P.grants_for(u) is first
    fresh = User.objects.get(pk=u.pk)  # a new request's user object reads the grants again
    assert not hasattr(fresh, "_eb_grants")
    assert P.grants_for(fresh) == first


def test_platform_admin_needs_admin_kind_star_and_city_wide(setup):
    city, dist, roles, dept, off_dept = setup
    assert P.is_platform_admin(_user("a", roles["admin"]))
    # an admin role limited to a district is not a platform admin
    assert not P.is_platform_admin(_user("ad", roles["admin"], jurisdiction=dist))
    # "*" held by a staff role is not a platform admin either
    star_staff = Role.objects.create(code="t_star", name="全权机关", kind="staff", permissions=["*"])
    assert not P.is_platform_admin(_user("ss", star_staff))
    # an admin-kind role without "*" is not one
    weak = Role.objects.create(code="t_weak", name="弱管理", kind="admin", permissions=["core.*"])
    assert not P.is_platform_admin(_user("w", weak))
    assert not P.is_platform_admin(None)


def test_can_grant_no_escalation(setup):
    city, dist, roles, dept, off_dept = setup
    assert P.can_grant(None, roles["admin"])  # trusted system path
    admin = _user("a", roles["admin"])
    assert all(P.can_grant(admin, r) for r in roles.values())
    wide = _user("wd", roles["wide"], depts=[dept])  # ledger.* + quality CRUD
    assert not P.can_grant(wide, roles["admin"])  # never an admin role
    # the officer role's quality.view comes from the department, ledger.view/change from ledger.*
    assert P.can_grant(wide, roles["officer"])
    wide_q = _user("wq", roles["wide"], depts=[dept])
    assert P.can_grant(wide_q, Role(code="x", name="x", kind="staff", permissions=["ledger.verify", "quality.add"]))
    assert not P.can_grant(wide_q, Role(code="y", name="y", kind="staff", permissions=["ledger.verify", "sources.view"]))
    assert P.can_grant(wide_q, Role(code="z", name="z", kind="officer", permissions=[]))
    # "*" held through a staff role still grants no admin role (only a platform admin does)
    star = _user("star", Role.objects.create(code="t_star2", name="全权机关", kind="staff", permissions=["*"]))
    assert not P.can_grant(star, roles["admin"])
    assert P.can_grant(star, roles["wide"])
    staff = _user("st", roles["staff"])  # *.view + imports.run
    assert P.can_grant(staff, Role(code="v", name="v", kind="officer", permissions=["quality.view", "ledger.view"]))
    assert not P.can_grant(staff, Role(code="v2", name="v2", kind="officer", permissions=["audit.view"]))
    assert not P.can_grant(staff, roles["officer"])  # ledger.change not held


def test_has_perm_answers_follow_grants_read_again(setup):
    """has_perm keeps its answers with the grants they came from: when a user's grants are read again (a new request,
    or a cache dropped after a change) the answers follow the new grants, never the ones kept before."""
    city, dist, roles, dept, off_dept = setup
    u = _user("memo", roles["officer"], jurisdiction=dist)
    assert P.has_perm(u, "ledger.change") and not P.has_perm(u, "quality.change")
    RoleAssignment.objects.filter(user=u).delete()
    RoleAssignment.objects.create(user=u, role=roles["staff"], jurisdiction=city)
    assert P.has_perm(u, "ledger.change")  # same request: the grants read before still answer
    del u._eb_grants  # read again
    assert not P.has_perm(u, "ledger.change") and P.has_perm(u, "quality.view")


def test_has_perm_keeps_each_answer_for_the_request(setup, monkeypatch):
    """The menu asks has_perm ~120 times a page: an answer, once worked out from the user's grants, is kept
    with them on the user object, so asking again for the same permission does not go through the grants."""
    city, dist, roles, dept, off_dept = setup
    u = _user("kept", roles["officer"], jurisdiction=dist)
    assert P.has_perm(u, "ledger.change") and not P.has_perm(u, "quality.change")
    asked = []
    real = P.Grant.allows
    monkeypatch.setattr(P.Grant, "allows", lambda self, perm: asked.append(perm) or real(self, perm))
    for _ in range(3):
        assert P.has_perm(u, "ledger.change") and not P.has_perm(u, "quality.change")
    assert asked == []  # both answers kept from the first asking
    assert P.has_perm(u, "ledger.view") and asked  # a permission not asked before is worked out
