"""Demo step (order 60): the 一单两库一细则 for Beijing, inspectors, a recusal, a draw with a fixed public
seed and its inspections moved through the real verbs (idempotent; the same under is_light())."""

from __future__ import annotations

import datetime as dt

from envbureau.core.demo import register

ITEMS = [
    ("SJ-01", "排污许可制度执行情况", "排污许可管理条例 第三十三条", "onsite", "key",
     "持证排污\n按证排污(排放口、污染物种类)\n执行报告按时提交"),
    ("SJ-02", "污染防治设施运行情况", "生态环境法典(原环境保护法第四十二条)", "onsite", "key",
     "治理设施正常运行\n运行台账完整"),
    ("SJ-03", "自动监控设施运行与数据质量", "污染源自动监控设施现场监督检查办法", "offsite", "general",
     "在线监测数据传输有效率\n无篡改、伪造数据迹象"),
    ("SJ-04", "危险废物规范化环境管理", "危险废物转移管理办法", "onsite", "general", "贮存场所规范\n转移联单完整"),
]
INSPECTORS = [  # badge, name, username or ""
    ("11000020260001", "李队", "enforcement"),
    ("11000020260002", "王执法", ""),
    ("11000020260003", "张执法", ""),
    ("11000020260004", "赵执法", ""),
    ("11000020260005", "陈执法", ""),
]
DEMO_SEED = "2026Q4-公开摇号-38417"


@register(60, "监督执法:一单两库一细则、双随机抽取与执法检查 / enforcement: draws and inspections")
def load_enforcement(log):
    from envbureau.core.models import Department, Jurisdiction, Role, RoleAssignment, User
    from envbureau.core.roles import DEFAULT_ROLES

    from . import services
    from .models import Draw, DrawPlan, InspectionItem, Inspector, PoolEnterprise, Recusal

    # Databases made before this app: give the built-in roles and department what core/roles.py now says.
    for code, name, kind, perms in DEFAULT_ROLES:
        role, _c = Role.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "permissions": perms})
        if code in ("officer", "enterprise", "enforcement_officer") and not set(perms) <= set(role.permissions):
            role.permissions = sorted(set(role.permissions) | {p for p in perms if p.startswith("enforcement")})
            role.save()
    dept = Department.objects.filter(code="enforcement").first()
    if dept and "enforcement" not in dept.modules:
        dept.modules = [*dept.modules, "enforcement"]
        dept.save()
    city = Jurisdiction.objects.get(code="110000")
    boss = User.objects.filter(username="enforcement").first()
    if boss and not RoleAssignment.objects.filter(user=boss, role__code="enforcement_officer").exists():
        a = RoleAssignment.objects.create(user=boss, role=Role.objects.get(code="enforcement_officer"))
        if dept:
            a.departments.set([dept])

    for code, name, basis, method, cls, checklist in ITEMS:
        InspectionItem.objects.get_or_create(code=code, defaults=dict(
            name=name, legal_basis=basis, method=method, item_class=cls, checklist=checklist, body="执法支队"))
    services.sync_pool(None)
    for badge, name, username in INSPECTORS:
        Inspector.objects.get_or_create(badge_no=badge, defaults=dict(
            name=name, jurisdiction=city, department=dept,
            user=User.objects.filter(username=username).first() if username else None))
    first = PoolEnterprise.objects.order_by("enterprise_id").first()
    if first is not None:
        first.supervision_class = "key"
        first.save()
        Recusal.objects.get_or_create(inspector=Inspector.objects.get(badge_no="11000020260005"), enterprise=first,
                                      defaults={"reason": "近亲属在该企业任职", "declared_on": dt.date(2026, 1, 5)})
    plan, _c = DrawPlan.objects.get_or_create(name="2026年第四季度北京市污染源双随机抽查", defaults=dict(
        jurisdiction=city, year=2026, period="quarter", ratio_key=1, ratio_general=1, ratio_special=1))
    plan.items.set(InspectionItem.objects.all())
    if not Draw.objects.filter(plan=plan).exists() and PoolEnterprise.objects.exists():
        d = services.run_draw(None, plan, DEMO_SEED, witnesses="局纪检组 周同志", on=dt.date(2026, 10, 8))
        insp = list(d.inspections.order_by("id"))
        if insp:
            i = insp[0]
            services.record_inspection(None, i, checklist={str(n): ("ok", "") for n in range(len(i.checklist))},
                                       result="no_problem", findings="未发现环境违法问题。",
                                       party_present="企业环保负责人", inspected_on="2026-10-15")
            services.publish_inspection(None, i)
        if len(insp) > 1:
            i = insp[1]
            marks = {str(n): ("ok", "") for n in range(len(i.checklist))}
            marks["0"] = ("problem", "部分排放口未按证设置标识")
            services.record_inspection(None, i, checklist=marks, result="corrected",
                                       findings="排放口标识不全,已责令当场改正。", party_present="企业法定代表人",
                                       inspected_on="2026-10-20")
        services.publish_draw(None, d)
    log(f"   {PoolEnterprise.objects.count()} pool enterprises, {Inspector.objects.count()} inspectors, "
        f"{Draw.objects.count()} draws")
