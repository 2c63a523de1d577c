"""Demo step (order 70): a year of pollution-control projects in Beijing's districts with funds, milestones
and monthly reports, moved through the real verbs (idempotent; fewer projects under is_light())."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from envbureau.core.demo import is_light, register
from envbureau.core.demo_media import jpeg

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


def district_firms() -> dict:
    """{district code: the first demo enterprise registered in it}: the campaign targets and outfalls the demo
    links to an enterprise of their own district, so its dossier (一企一档) shows them."""
    from django.apps import apps

    out = {}
    for e in apps.get_model("sources", "Enterprise").objects.select_related("jurisdiction").order_by("pk"):
        out.setdefault(e.jurisdiction.code[:6], e)
    return out


SLW_TARGETS = [  # name, street or district, industry, flags, class
    ("东华门五金加工点", "110101001000", "金属制品加工", "散、污", "close"),
    ("东四塑料颗粒作坊", "110101007000", "塑料制品", "散、乱、污", "close"),
    ("天坛家具喷漆点", "110101009000", "家具制造", "乱、污", "upgrade"),
    ("朝外印刷小作坊", "110105010000", "印刷", "散、污", "relocate"),
    ("西城洗涤加工点", "110102", "洗涤服务", "污", "upgrade"),
    ("海淀废品回收站", "110108", "再生资源回收", "散、乱", "close"),
    ("通州石材切割点", "110112", "石材加工", "散、污", "relocate"),
    ("朝阳汽修喷涂点", "110105", "汽车维修", "污", "upgrade"),
]


@register(71, "攻坚项目:“散乱污”专项行动及其问题台账 / projects: a 散乱污 campaign through the ledger")
def load_campaign(log):

    from envbureau.core.audit import audit_context
    from envbureau.core.models import Jurisdiction, User
    from envbureau.ledger import services as ledger

    from . import campaigns
    from .models import Campaign, CampaignTarget

    today = dt.date.today()
    if Campaign.objects.filter(code=f"SLW{today.year}").exists():
        log("   散乱污 campaign (already loaded)")
        return
    admin = User.objects.filter(username="admin").first()
    rows = SLW_TARGETS[:4] if is_light() else SLW_TARGETS * 5
    with audit_context("system", note="demo"):
        c = campaigns.create_campaign(admin, Campaign(
            code=f"SLW{today.year}", name=f"{today.year}年“散乱污”企业综合整治", kind="sanluanwu",
            jurisdiction=Jurisdiction.objects.get(code="110000"), start=dt.date(today.year, 3, 1),
            deadline=dt.date(today.year, 12, 31), category="air",
            description="按照“先停后治”原则,关停取缔类须达到“两断三清”后方可销号。"))
        for i, (name, jcode, industry, flags, cls) in enumerate(rows):
            t = campaigns.create_target(admin, CampaignTarget(
                campaign=c, name=name if i < len(SLW_TARGETS) else f"{name}{i // len(SLW_TARGETS) + 1}号",
                address=f"{name}所在地", jurisdiction=Jurisdiction.objects.get(code=jcode), industry=industry,
                flags=flags, target_class=cls, due=dt.date(today.year, 9 + i % 4, 28), lead_unit="属地街道办事处"))
            if i % 5 in (0, 1, 2):  # most are rectified through the ledger's loop
                p = ledger.problems_for_ref(campaigns.REF, str(t.pk)).get()
                ledger.assign(None, p, responsible_units=["属地街道办事处"])
                ledger.start(None, p)
                ledger.request_close(None, p, note="已完成整治",
                                     files=[jpeg("整治后现场.jpg", background=(150, 170, 140))])
                for _i in range(5):
                    p.refresh_from_db()
                    if p.state != "closure_requested":
                        break
                    ledger.sign_off(None, p)
                if cls == "close" and i % 5 != 2:
                    campaigns.record_checks(admin, t, {k: today.isoformat() for k in t.required_checks()},
                                            note="供电公司确认断电,现场原料设备产品已清理")
            if i == 1:
                campaigns.recheck(admin, t, passed=False, note="夜间复查发现恢复生产")
        # Two registered enterprises on the list (升级改造 of their VOCs handling): on their dossiers.
        firms = district_firms()
        for k, code in enumerate(("110101", "110105")):
            e = firms.get(code)
            if e is not None:
                campaigns.create_target(admin, CampaignTarget(
                    campaign=c, name=e.name, credit_code=e.credit_code, enterprise_id=e.pk,
                    address=e.address or f"{e.name}厂区", jurisdiction=e.jurisdiction, industry=e.industry_name,
                    flags="污", target_class="upgrade", due=dt.date(today.year, 10 + k, 30), lead_unit="区生态环境局"))
    log(f"   散乱污 campaign with {CampaignTarget.objects.filter(campaign__code=f'SLW{today.year}').count()} targets")


@register(72, "攻坚项目:入河排污口排查溯源整治(一口一档) / projects: river outfalls along the demo sections")
def load_outfalls(log):
    from django.apps import apps

    from envbureau.core import workflow as wf
    from envbureau.core.audit import audit_context
    from envbureau.core.models import Jurisdiction, User

    from . import outfalls
    from .models import BasinMilestone, Outfall

    today = dt.date.today()
    if Outfall.objects.filter(survey_batch=f"{today.year}年排查").exists():
        log(f"   {Outfall.objects.count()} outfalls (already loaded)")
        return
    sections = list(apps.get_model("quality", "WaterSection").objects.select_related("jurisdiction")
                    .order_by("code"))
    if not sections:
        log("   no water sections: outfalls skipped")
        return
    admin = User.objects.filter(username="admin").first()
    city = Jurisdiction.objects.get(code="110000")
    per = 2 if is_light() else 34
    stages = ["suspected"] * 8 + ["confirmed"] * 4 + ["monitored"] * 3 + ["traced"] * 2 + ["rectifying"] * 2 + \
        ["closed_out"] + ["dismissed"]
    kinds = [("other", "城镇雨洪排口"), ("other", "城镇生活污水散排口"), ("industrial", "工矿企业排污口"),
             ("sewage_plant", "城镇污水处理厂排污口"), ("other", "农村生活污水散排口"), ("agricultural", "规模化畜禽养殖排污口")]

    def pic():
        return jpeg("排口现场照片(演示).jpg", background=(110, 140, 160), fill=(70, 80, 90))

    firms, linked = district_firms(), {}
    n = 0
    with audit_context("system", note="demo"):
        for si, s in enumerate(sections):
            basin = f"{s.river}流域"
            # "通惠河高碑店", not "通惠河通惠河高碑店" (the section's name starts with its river)
            where = s.name if s.name.startswith(s.river) else f"{s.river}{s.name}"
            lng, lat = (s.longitude or 116.4), (s.latitude or 39.9)
            for k in range(per):
                i = si * per + k
                t1, t2 = kinds[i % len(kinds)]
                # In a district with a demo enterprise, the first outfall of a section (and its industrial ones),
                # two at most, are that enterprise's: on its dossier (light demo too).
                firm = firms.get(s.jurisdiction.code[:6]) if (k == 0 or t1 == "industrial") else None
                if firm is not None and linked.get(firm.pk, 0) < 2:
                    linked[firm.pk] = linked.get(firm.pk, 0) + 1
                    t1, t2 = "industrial", "工矿企业排污口"
                else:
                    firm = None
                o = outfalls.create_outfall(admin, Outfall(
                    code=f"PK-{s.code}-{k + 1:03d}", name=f"{where}上游{k + 1}号排口", type1=t1, type2=t2,
                    jurisdiction=s.jurisdiction, longitude=round(lng + (k - per / 2) * 0.004, 5),
                    latitude=round(lat + ((k * 7) % 11 - 5) * 0.002, 5), basin=basin, receiving_water=s.river,
                    section_id=s.pk, survey_batch=f"{today.year}年排查",
                    enterprise_id=firm.pk if firm else None,
                    responsible_unit=firm.name if firm else "" if t1 == "other" else f"{s.jurisdiction.name}某企业"),
                    notify=False)
                stage = stages[i % len(stages)]
                if stage == "dismissed":
                    wf.apply(admin, o, "dismiss", note="现场核查为雨水篦子,非排污口")
                    continue
                order = ["confirmed", "monitored", "traced", "rectifying", "closed_out"]
                reach = order.index(stage) + 1 if stage in order else 0
                if reach >= 1:
                    wf.apply(admin, o, "confirm", files=[pic()], due=today + dt.timedelta(days=30))
                if reach >= 2:
                    wf.apply(admin, o, "monitor", values={"cod": 18 + i % 40, "nh3n": round(0.4 + (i % 9) * 0.3, 2)},
                             sampled_on=today - dt.timedelta(days=20), due=today + dt.timedelta(days=45))
                if reach >= 3:
                    wf.apply(admin, o, "trace", trace_result="上游小区雨污混接,生活污水经雨水管网排入",
                             responsible_unit=o.responsible_unit or f"{s.jurisdiction.name}水务局")
                if reach >= 4:
                    wf.apply(admin, o, "rectify", outcome=("ban", "regulate", "regulate")[i % 3],
                             measures="雨污分流改造,设置标识牌", due=today + dt.timedelta(days=(i % 5) * 20 - 20))
                if reach >= 5:
                    wf.apply(admin, o, "close_out", note="现场核查整治到位,同意销号", files=[pic()])
                n += 1
        for basin in sorted({f"{s.river}流域" for s in sections}):
            BasinMilestone.objects.get_or_create(basin=basin, jurisdiction=city, due=dt.date(today.year, 12, 31),
                                                 defaults={"traced_share": Decimal("0.8"),
                                                           "rectified_share": Decimal("0.3"),
                                                           "note": "国办函〔2022〕17号:80%溯源、30%整治"})
    log(f"   {Outfall.objects.count()} outfalls along {len(sections)} sections")


@register(73, "攻坚项目:网格化监管(三级网格、网格员、巡查记录) / projects: grids, officers and patrols")
def load_grids(log):
    from envbureau.core import workflow as wf
    from envbureau.core.audit import audit_context
    from envbureau.core.models import Jurisdiction, User

    from . import grids
    from .models import Grid

    if Grid.objects.filter(code="WG-110101001").exists():
        log(f"   {Grid.objects.count()} grids (already loaded)")
        return
    admin = User.objects.filter(username="admin").first()
    officer = User.objects.filter(username="donghuamen").first()
    today = dt.date.today()
    made = 0
    with audit_context("system", note="demo"):
        for code, street_name in (("110101001000", "东华门"), ("110101007000", "东四")):
            street = Jurisdiction.objects.filter(code=code).first()
            if street is None:
                continue
            top = grids.create_grid(admin, Grid(code=f"WG-{code[:9]}", name=f"{street_name}街道网格", level=1,
                                                jurisdiction=street, head=f"{street_name}街道办事处主任"))
            for k, community in enumerate(("社区甲", "社区乙")):
                mid = grids.create_grid(admin, Grid(code=f"WG-{code[:9]}-{k + 1}", name=f"{street_name}{community}",
                                                    level=2, parent=top, jurisdiction=street,
                                                    head=f"{community}书记"))
                for j, spot in enumerate(("餐饮街区", "建筑工地", "汽修点位")):
                    cell = grids.create_grid(
                        admin, Grid(code=f"WG-{code[:9]}-{k + 1}-{j + 1}", name=f"{street_name}{community}{spot}",
                                    level=3, parent=mid, jurisdiction=street, head=f"{community}网格长",
                                    objects_note=f"重点巡查:{spot}油烟、扬尘、露天焚烧"),
                        {"officers": [officer] if officer and code == "110101001000" else []})
                    made += 3 if j == 0 else 1
                    for back in ((1, 3, 5) if (k + j) % 2 == 0 else (6,)):
                        wf.apply(officer if officer and code == "110101001000" else admin, cell, "patrol",
                                 patrol_on=today - dt.timedelta(days=back), visited=f"{spot}及周边",
                                 findings="某餐馆油烟净化器未开启" if back == 5 and j == 0 else "",
                                 to_ledger="1" if back == 5 and j == 0 else "", category="air",
                                 longitude=116.395 + j * 0.002, latitude=39.914 + k * 0.002)
    log(f"   {Grid.objects.count()} grids, {made} made now")


@register(74, "攻坚项目:企业红黄牌警示 / projects: red and yellow cards on enterprises")
def load_cards(log):
    from django.apps import apps

    from envbureau.core import workflow as wf
    from envbureau.core.audit import audit_context
    from envbureau.core.models import User

    from . import cards
    from .models import Card

    if Card.objects.exists():
        log(f"   {Card.objects.count()} cards (already loaded)")
        return
    firms = list(apps.get_model("sources", "Enterprise").objects.order_by("pk").values_list("pk", flat=True)[:3])
    admin = User.objects.filter(username="admin").first()
    today = dt.date.today()
    with audit_context("system", note="demo"):
        for k, (pk, colour, criterion) in enumerate(zip(firms, ("yellow", "yellow", "red"),
                                                       ("exceed_penalised", "repeat_violation", "ordered_closure"))):
            c = cards.create_card(admin, Card(enterprise_id=pk, colour=colour, criterion=criterion,
                                              reason="在线监测数据显示废气颗粒物多次超标排放,已依法处罚(模拟)"))
            if k < 2:
                wf.apply(admin, c, "issue", issued_on=today - dt.timedelta(days=60 - 20 * k))
            if k == 1:
                wf.apply(admin, c, "remove", note="复查:已完成除尘设施改造,连续三个月达标排放(模拟)", removed_on=today)
    log(f"   {Card.objects.count()} cards")
