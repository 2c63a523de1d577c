"""The UI shell: home cards, user and role management, audit browsing, offline API docs."""

import re
from datetime import date

from django.test import Client

from envbureau.core.models import AuditEntry, Jurisdiction, Role, RoleAssignment, User


def test_home_cards_by_role(client_for):
    page = client_for("admin").get("/").content.decode()
    assert "启用的账号" in page and "今日变更" not in page and "navbar-toggler" in page  # no audit-count noise
    page = client_for("leader").get("/").content.decode()
    assert "今日变更" not in page and "启用的账号" not in page
    page = client_for("petition").get("/").content.decode()
    assert "今日变更" not in page and "启用的账号" not in page
    assert "信访办" in page or "局机关人员" in page  # the user's own roles are shown


def test_assign_and_revoke_roles_on_the_user_page(client_for):
    c = client_for("admin")
    u = User.objects.get(username="petition")
    page = c.get(f"/admin-area/users/{u.pk}/").content.decode()
    assert "授予角色" in page and "局机关人员" in page
    officer = Role.objects.get(code="officer")
    xicheng = Jurisdiction.objects.get(code="110102")
    r = c.post(f"/admin-area/users/{u.pk}/assign/", {"role": officer.pk, "jurisdiction": xicheng.pk})
    assert r.status_code == 302 and r["Location"] == f"/admin-area/users/{u.pk}/"
    a = RoleAssignment.objects.get(user=u, role=officer)
    assert a.jurisdiction == xicheng
    assert AuditEntry.objects.filter(model="core.roleassignment", object_id=str(a.pk), action="create",
                                     source="web", actor_name="admin").exists()
    assert "西城区" in c.get(f"/admin-area/users/{u.pk}/").content.decode()
    # An officer role without a jurisdiction is refused with the field named.
    r = c.post(f"/admin-area/users/{u.pk}/assign/", {"role": officer.pk}, follow=True)
    assert "属地人员必须指定属地范围" in r.content.decode()
    # Revoke from the user page, back to the user page.
    r = c.post(f"/admin-area/assignments/{a.pk}/delete/", {"next": f"/admin-area/users/{u.pk}/"})
    assert r.status_code == 302 and r["Location"] == f"/admin-area/users/{u.pk}/"
    assert not RoleAssignment.objects.filter(pk=a.pk).exists()
    # The users list shows roles and their reach.
    assert "局机关人员(全市)" in c.get("/admin-area/users/").content.decode()


def test_district_admin_cannot_escalate(demo_core):
    role = Role.objects.create(code="district_admin", name="区级管理员", kind="officer",
                               permissions=["core.view", "core.add", "core.change"])
    boss = User.objects.create(username="dc_admin")
    RoleAssignment.objects.create(user=boss, role=role, jurisdiction=Jurisdiction.objects.get(code="110101"))
    c = Client()
    c.force_login(boss)
    grid = User.objects.get(username="donghuamen")  # inside 东城区
    admin_role = Role.objects.get(code="admin")
    dongcheng = Jurisdiction.objects.get(code="110101")
    page = c.get(f"/admin-area/users/{grid.pk}/").content.decode()
    role_select = re.search(r'<select name="role".*?</select>', page, re.S).group(0)
    assert "授予角色" in page and f'value="{admin_role.pk}"' not in role_select  # not offered
    r = c.post(f"/admin-area/users/{grid.pk}/assign/", {"role": admin_role.pk, "jurisdiction": dongcheng.pk},
               follow=True)
    assert not RoleAssignment.objects.filter(user=grid, role=admin_role).exists()
    assert "角色" in r.content.decode()
    # Granting the district admin role itself is allowed (no more than they hold), inside the district only.
    r = c.post(f"/admin-area/users/{grid.pk}/assign/", {"role": role.pk, "jurisdiction": dongcheng.pk})
    assert RoleAssignment.objects.filter(user=grid, role=role).exists()
    xicheng = Jurisdiction.objects.get(code="110102")
    c.post(f"/admin-area/users/{grid.pk}/assign/", {"role": role.pk, "jurisdiction": xicheng.pk})
    assert not RoleAssignment.objects.filter(user=grid, jurisdiction=xicheng).exists()
    # City-wide accounts are out of reach (404), so is the API for roles (403: admins only).
    leader = User.objects.get(username="leader")
    assert c.post(f"/admin-area/users/{leader.pk}/assign/", {"role": role.pk}).status_code == 404
    r = c.patch(f"/api/v1/core/roles/{role.pk}/", {"permissions": ["*"]}, content_type="application/json")
    assert r.status_code == 403 and Role.objects.get(pk=role.pk).permissions != ["*"]
    # Nor can they reset a password of a user who also holds a city-wide role.
    RoleAssignment.objects.create(user=grid, role=Role.objects.get(code="leader"))
    r = c.patch(f"/api/v1/core/users/{grid.pk}/", {"password": "Taken-over-2026"}, content_type="application/json")
    assert r.status_code == 403 and not User.objects.get(pk=grid.pk).check_password("Taken-over-2026")


def test_role_form_labels_are_readable(client_for):
    page = client_for("admin").get("/admin-area/roles/add/").content.decode()
    assert "平台基础 · 查看 (core.view)" in page and "全部权限 (*)" in page


def test_audit_browsing_and_filtering(client_for):
    c = client_for("leader")
    today = date.today().isoformat()
    page = c.get(f"/audit/?source=cli&model=core.user&since={today}").content.decode()
    assert "命令行" in page and "admin" in page
    assert c.get("/audit/?source=web").content.decode().count("<tr>") <= 2  # nothing from the web yet
    e = AuditEntry.objects.filter(model="core.user", action="create").first()
    page = c.get(f"/audit/{e.pk}/").content.decode()
    assert "变更前" in page and "用户名" in page and "该对象的全部记录" in page
    r = c.get(f"/audit/?model=core.user&object_id={e.object_id}")
    assert e.object_repr in r.content.decode()
    r = c.get("/audit/?export=xlsx&source=cli")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_audit_export_names_kinds_and_objects_in_words(client_for):
    """The Excel export reads like the page: the object type and the object by name, never `core.user` or a
    model label with an id; a deleted object is marked so."""
    import io

    from openpyxl import load_workbook

    from envbureau.core.models import Department, User

    admin = User.objects.get(username="admin")
    d = Department.objects.create(code="tmpdept", name="临时科室", modules=[])
    dept_pk = d.pk
    d.delete()
    c = client_for("leader")
    wb = load_workbook(io.BytesIO(c.get("/audit/?export=xlsx&model=core.user").content))
    rows = [[cell.value for cell in r] for r in wb.active.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == "时间")
    assert rows[head][4:7] == ["对象类型", "对象ID", "对象"]
    data = rows[head + 1:]
    mine = [r for r in data if r[5] == str(admin.pk) and r[3] == "新增"]
    assert mine and mine[0][4] == "用户" and mine[0][6] == str(admin)  # 平台管理员, not core.user:1
    assert not any(r[4] == "core.user" for r in data)
    wb = load_workbook(io.BytesIO(c.get(f"/audit/?export=xlsx&model=core.department&object_id={dept_pk}").content))
    rows = [[cell.value for cell in r] for r in wb.active.iter_rows()]
    gone = [r for r in rows if r[3] == "删除"]
    assert gone and gone[0][4] == "科室" and gone[0][6].startswith("临时科室") and gone[0][6].endswith("(已删除)")


def test_api_docs_are_served_offline(client_for):
    c = Client()
    # Redoc's bundle hard-codes a logo from its CDN, so the platform serves Swagger UI only.
    assert c.get("/api/redoc/").status_code == 404
    for page in ("/api/docs/",):
        html = c.get(page).content.decode()
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets, page
        for url in assets:
            assert not url.startswith(("http:", "https:", "//")), f"{page} loads {url} from another host"
        for url in assets:
            if url.startswith("/static/"):
                assert c.get(url).status_code == 200, url
    # Swagger UI would ask validator.swagger.io to check the schema unless told not to.
    assert 'validatorUrl": null' in c.get("/api/docs/").content.decode()
    r = c.get("/api/schema/")
    assert r.status_code == 200 and b"/api/v1/core/jurisdictions/" in r.content


def test_favicon_is_served(db):
    c = Client()
    r = c.get("/favicon.ico")
    assert r.status_code == 301 and r["Location"] == "/static/envbureau/favicon.svg"
    assert 'rel="icon" href="/static/envbureau/favicon.svg"' in c.get("/accounts/login/").content.decode()
