"""Demo step (order 70): a year of pollution-control projects in Beijing's districts with funds, milestones
and monthly reports, moved through the real verbs (idempotent; fewer projects under is_light())."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from envbureau.core.demo import is_light, register

DISTRICTS = ["110101", "110102", "110105", "110108", "110112"]
KINDS = [  # battle, task, name pattern, planned investment (yuan)
    ("air", "燃煤锅炉清洁能源改造", "{d}燃气锅炉低氮改造工程", Decimal("3200000")),
    ("air", "挥发性有机物综合治理", "{d}汽修行业VOCs治理项目", Decimal("850000")),
    ("water", "城市黑臭水体治理", "{d}河道截污纳管工程", Decimal("12600000")),
    ("water", "入河排污口整治", "{d}入河排污口规范化整治工程", Decimal("2400000")),
    ("soil", "建设用地风险管控", "{d}原化工厂地块风险管控项目", Decimal("5600000")),
    ("rural", "农村生活污水治理", "{d}农村生活污水处理设施建设", Decimal("4100000")),
    ("capacity", "监测监控能力建设", "{d}空气质量微站网络建设", Decimal("1500000")),
]
# States the demo brings projects to (index → verbs after registration).
PLANS = [("start", "report", "finish", "accept", "evaluate"), ("start", "report", "finish", "accept"),
         ("start", "report", "finish"), ("start", "report"), ("start",), ()]


@register(70, "攻坚项目:年度工程项目、专项资金与月度进展 / projects: a year of projects and funds")
def load_projects(log):
    from envbureau.core import workflow as wf
    from envbureau.core.audit import audit_context
    from envbureau.core.models import Department, Jurisdiction, Role, Unit, User
    from envbureau.core.roles import DEFAULT_DEPARTMENTS, DEFAULT_ROLES

    from . import services
    from .models import Fund, Project

    # Databases made before this app: give the built-in roles what core/roles.py now says.
    for code, name, kind, perms in DEFAULT_ROLES:
        role, _c = Role.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "permissions": perms})
        want = {p for p in perms if p.startswith("projects")}
        if want and not want <= set(role.permissions):
            role.permissions = sorted(set(role.permissions) | want)
            role.save()
    for code, name, modules in DEFAULT_DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name, "modules": modules})

    year = dt.date.today().year
    today = dt.date.today()
    units = {}
    for code in DISTRICTS:
        j = Jurisdiction.objects.get(code=code)
        unit, _c = Unit.objects.get_or_create(code=f"prj-{code}", defaults={
            "name": f"{j.name}生态环境局", "kind": "district", "jurisdiction": j})
        units[code] = (j, unit)
    dc_user = User.objects.filter(username="dongcheng").first()
    if dc_user is not None:
        units["110101"][1].members.add(dc_user)
    if Project.objects.filter(year=year).exists():
        log(f"   {Project.objects.count()} projects (already loaded)")
        return
    admin = User.objects.filter(username="admin").first()
    n_per = 1 if is_light() else 6
    made = 0
    with audit_context("system", note="demo"):
        for di, code in enumerate(DISTRICTS):
            j, unit = units[code]
            for ki, (battle, task, pattern, invest) in enumerate(KINDS):
                for k in range(n_per):
                    idx = di * 7 + ki + k
                    start = dt.date(year, 1 + (idx % 6), 1 + (idx % 20))
                    finish = dt.date(year, min(12, start.month + 4 + (idx % 5)), 28)
                    p = Project(name=pattern.format(d=j.name) + (f"(第{k + 1}期)" if k else ""), battle=battle,
                                task=task, year=year, jurisdiction=j, owner_unit=unit, planned_start=start,
                                planned_finish=finish, investment_planned=invest + Decimal(idx * 10000),
                                location=j.name)
                    services.create_project(admin, p, milestones=[("完成招标", start + dt.timedelta(days=30)),
                                                                  ("主体工程完工", finish - dt.timedelta(days=20))])
                    plan = PLANS[idx % len(PLANS)]
                    started = min(start, today)
                    for verb in plan:
                        if verb == "start":
                            wf.apply(admin, p, "start", started_on=started)
                        elif verb == "report":
                            month = max(started.replace(day=1), (today.replace(day=1) - dt.timedelta(days=1))
                                        .replace(day=1))
                            wf.apply(admin, p, "report", note="按计划推进,主体施工进行中", month=f"{month:%Y-%m}",
                                     investment_completed=str((p.investment_planned * Decimal("0.6")).quantize(
                                         Decimal("0.01"))), stage="施工阶段")
                        elif verb == "finish":
                            wf.apply(admin, p, "finish", finished_on=max(started, min(finish, today)),
                                     investment_completed=str(p.investment_planned))
                        elif verb == "accept":
                            wf.apply(admin, p, "accept", note="经现场核查,达到设计要求,同意通过验收",
                                     accepted_on=max(p.finished_on, min(finish + dt.timedelta(days=10), today)))
                        elif verb == "evaluate":
                            wf.apply(admin, p, "evaluate", scores={"decision": 92, "process": 88, "output": 95,
                                                                   "effect": 90})
                    if battle in ("air", "water", "soil"):
                        f = services.create_fund(admin, Fund(
                            project=p, level=("central" if battle == "water" else "provincial" if battle == "soil"
                                              else "local"),
                            name={"air": "大气污染防治资金", "water": "水污染防治资金", "soil": "土壤污染防治资金"}[battle],
                            reserve_batch=f"{year}年第一批", requested=(p.investment_planned * Decimal("0.5")).quantize(Decimal("0.01"))))
                        if plan:
                            wf.apply(admin, f, "approve", approved=str(f.requested))
                            wf.apply(admin, f, "allocate", allocated=str(f.requested), allocation_doc=f"京财资环〔{year}〕{10 + idx}号",
                                     allocated_on=min(start, today))
                            if len(plan) >= 3:
                                wf.apply(admin, f, "spend", amount=str((f.allocated * Decimal("0.8")).quantize(Decimal("0.01"))))
                    made += 1
    log(f"   {made} projects of {year}, {Fund.objects.count()} funds")
