"""Core demo data: Beijing (110000) and its 16 districts, default roles and departments, demo users."""

from .demo import register

DEMO_PASSWORD = "Demo@2026"

BEIJING_DISTRICTS = [
    ("110101", "东城区"), ("110102", "西城区"), ("110105", "朝阳区"), ("110106", "丰台区"),
    ("110107", "石景山区"), ("110108", "海淀区"), ("110109", "门头沟区"), ("110111", "房山区"),
    ("110112", "通州区"), ("110113", "顺义区"), ("110114", "昌平区"), ("110115", "大兴区"),
    ("110116", "怀柔区"), ("110117", "平谷区"), ("110118", "密云区"), ("110119", "延庆区"),
]
# A few real streets so street-level scoping has something to show (codes per the 2023 division list).
DEMO_STREETS = [
    ("110101001000", "东华门街道", "110101"), ("110101007000", "东四街道", "110101"),
    ("110101009000", "天坛街道", "110101"), ("110105010000", "朝外街道", "110105"),
]

DEMO_USERS = [
    ("admin", DEMO_PASSWORD, "平台管理员 platform admin"),
    ("leader", DEMO_PASSWORD, "局领导(全市只读+审计) bureau leader"),
    ("air_staff", DEMO_PASSWORD, "大气环境科(全市只读,可写环境质量) air department"),
    ("enforcement", DEMO_PASSWORD, "执法支队(可写污染源、问题台账) enforcement"),
    ("petition", DEMO_PASSWORD, "信访办(可写信访投诉) complaints office"),
    ("dongcheng", DEMO_PASSWORD, "东城区属地人员(仅东城区) Dongcheng district officer"),
    ("donghuamen", DEMO_PASSWORD, "东华门街道属地人员 street officer"),
    # Created by the apps' own demo steps:
    ("oversight", DEMO_PASSWORD, "督察整改管理员(全市问题台账) ledger manager"),
    ("chaoyang", DEMO_PASSWORD, "朝阳区属地人员 Chaoyang district officer"),
    ("haidian", DEMO_PASSWORD, "海淀区属地人员 Haidian district officer"),
    ("enterprise_demo", DEMO_PASSWORD, "企业用户(京东热电示范,模拟) enterprise user"),
    ("waste_staff", DEMO_PASSWORD, "固体废物管理人员(全市危废) waste officer"),
    ("waste_operator", DEMO_PASSWORD, "危废经营单位企业用户(朝阳精细化工,模拟) waste operator"),
    ("approvals", DEMO_PASSWORD, "行政审批科(环评审批、排污许可) approvals officer"),
]


@register(10, "行政区划、角色、科室与演示账号 / jurisdictions, roles, departments, demo users")
def load_core(log):
    from .models import Department, Jurisdiction, Role, RoleAssignment, User
    from .roles import ensure_defaults

    ensure_defaults()
    city, _ = Jurisdiction.objects.get_or_create(code="110000", defaults={"name": "北京市", "level": "city"})
    for code, name in BEIJING_DISTRICTS:
        Jurisdiction.objects.get_or_create(code=code, defaults={"name": name, "level": "district", "parent": city})
    for code, name, parent in DEMO_STREETS:
        Jurisdiction.objects.get_or_create(code=code, defaults={
            "name": name, "level": "street", "parent": Jurisdiction.objects.get(code=parent)})

    def user(username, display, role, jurisdiction=None, depts=(), superuser=False):
        u = User.objects.filter(username=username).first()
        if u is None:
            u = User(username=username, display_name=display, is_superuser=superuser, is_staff=superuser)
            u.set_password(DEMO_PASSWORD)
            u.save()
        a = RoleAssignment.objects.filter(user=u, role__code=role).first()
        if a is None:
            a = RoleAssignment.objects.create(
                user=u, role=Role.objects.get(code=role),
                jurisdiction=Jurisdiction.objects.get(code=jurisdiction) if jurisdiction else None)
            if depts:
                a.departments.set(Department.objects.filter(code__in=depts))
        return u

    user("admin", "平台管理员", "admin", superuser=True)
    user("leader", "局领导", "leader")
    user("air_staff", "大气科 王工", "staff", depts=["air", "water", "monitoring"])
    user("enforcement", "执法支队 李队", "staff", depts=["enforcement", "oversight"])
    user("petition", "信访办 赵科", "staff", depts=["petition"])
    user("dongcheng", "东城区 属地专员", "officer", jurisdiction="110101")
    user("donghuamen", "东华门街道 网格员", "officer", jurisdiction="110101001000")
    log(f"   {Jurisdiction.objects.count()} jurisdictions, {User.objects.count()} users")


@register(95, "行政区边界(地图底图)/ district boundaries for the maps")
def load_boundaries(log):
    """The bundled district boundaries (npm, copied by scripts/install.sh) onto the city's districts; after the
    other steps so the demo's records keep the places they were given. Not in the light slice of the tests."""
    from .boundaries import default_file, import_file
    from .demo import is_light
    from .models import Jurisdiction

    city = Jurisdiction.objects.filter(parent__isnull=True).order_by("path").first()
    path = default_file()
    if is_light() or city is None or not path.exists():
        log("   district boundaries skipped" + ("" if is_light() else f" (no {path})"))
        return
    done, _unmatched = import_file(path, city)
    log(f"   {len(done)} district boundaries")
