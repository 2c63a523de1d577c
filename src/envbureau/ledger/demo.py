"""Demo step (order 40): sign-off chains, a ledger manager and district verifiers, and realistic problems
from oversight batches in Beijing districts, moved through the real verbs so states spread across the
lifecycle and every timeline is genuine."""

from __future__ import annotations

import datetime as dt

from envbureau.core.demo import register

# Built-in since core/roles.py took the ledger's request; get_or_create keeps older databases working.
MANAGER_ROLE = ("ledger_manager", "督察整改管理员", "staff", ["*.view", "ledger.*", "imports.run"])
# username, display name, district code (None = city-wide manager)
DEMO_LEDGER_USERS = [
    ("oversight", "督察办 孙主任", None),
    ("dongcheng", None, "110101"),  # the core demo officer (officer role: rectify, request closure, verify)
    ("chaoyang", "朝阳区 督察整改专员", "110105"),
    ("haidian", "海淀区 督察整改专员", "110108"),
]

BATCHES = [
    ("central_oversight", "中央第四生态环境保护督察组 第3批", dt.date(2026, 5, 12)),
    ("central_oversight", "中央第四生态环境保护督察组 第7批", dt.date(2026, 5, 26)),
    ("oversight_followup", "中央生态环境保护督察“回头看” 第2批", dt.date(2026, 3, 8)),
    ("provincial_oversight", "北京市第二生态环境保护督察组 第5批", dt.date(2026, 8, 20)),
    ("campaign", "2026年秋冬季大气污染防治专项行动", dt.date(2026, 9, 15)),
    ("complaint", "", dt.date(2026, 10, 9)),
]

# (district code, street code or "", category, title, location, units, description)
PROBLEMS = [
    ("110101", "110101001000", "air", "王府井商圈餐饮油烟直排扰民", "东华门街道 王府井大街北段",
     ["东城区生态环境局", "东华门街道办事处"], "群众反映多家餐饮单位油烟净化设施未正常运行,油烟直排。"),
    ("110101", "110101007000", "noise", "东四片区夜间施工噪声扰民", "东四街道 东四北大街",
     ["东城区住房和城乡建设委员会", "东四街道办事处"], "工地夜间22时后仍进行混凝土浇筑作业,未办理夜间施工许可。"),
    ("110101", "110101009000", "water", "天坛周边雨污管网混接", "天坛街道 永定门内东街",
     ["东城区水务局", "天坛街道办事处"], "雨水管网存在污水混接,降雨时溢流入护城河。"),
    ("110101", "", "solid_waste", "建筑垃圾临时堆放未苫盖", "东城区 广渠门内大街拆迁地块",
     ["东城区城市管理委员会"], "拆迁地块建筑垃圾露天堆放,未采取苫盖措施,扬尘明显。"),
    ("110105", "110105010000", "air", "朝外大街沿线工地扬尘", "朝外街道 朝阳门外大街",
     ["朝阳区住房和城乡建设委员会", "朝外街道办事处"], "工地出入口车辆未冲洗,道路遗撒。"),
    ("110105", "", "water", "温榆河支流黑臭水体反弹", "朝阳区 孙河乡 温榆河支沟",
     ["朝阳区水务局", "孙河乡人民政府"], "支沟水体发黑发臭,沿线存在生活污水直排口。"),
    ("110105", "", "air", "汽修企业喷漆废气无组织排放", "朝阳区 十八里店乡 汽修厂",
     ["朝阳区生态环境局"], "喷漆作业未在密闭空间内进行,VOCs无组织排放。"),
    ("110105", "", "ecology", "温榆河湿地违规占用建设", "朝阳区 温榆河公园周边",
     ["朝阳区园林绿化局", "朝阳区规划和自然资源分局"], "湿地保护范围内存在违规搭建的临时建筑。"),
    ("110108", "", "air", "中关村地区餐饮油烟异味", "海淀区 中关村大街",
     ["海淀区生态环境局", "中关村街道办事处"], "商业综合体餐饮油烟排放口设置不合理,影响周边居民。"),
    ("110108", "", "soil", "原化工厂地块土壤污染风险管控滞后", "海淀区 西北旺镇 原化工厂地块",
     ["海淀区生态环境局", "海淀区规划和自然资源分局"], "地块未完成土壤污染状况调查即开展土方作业。"),
    ("110108", "", "noise", "学校周边道路交通噪声超标", "海淀区 学院路",
     ["海淀区交通委员会"], "道路交通噪声夜间超过4a类区标准。"),
    ("110108", "", "water", "上庄水库周边农家乐污水直排", "海淀区 上庄镇",
     ["海淀区水务局", "上庄镇人民政府"], "农家乐污水未接入管网,经明沟排入水库上游。"),
    ("110106", "", "solid_waste", "丰台区废旧物资回收站点环境脏乱", "丰台区 卢沟桥乡",
     ["丰台区商务局", "卢沟桥乡人民政府"], "回收站点露天存放废旧电器,存在渗漏。"),
    ("110106", "", "air", "丰台物流园柴油货车冒黑烟", "丰台区 王佐镇 物流园",
     ["丰台区生态环境局", "丰台区交通委员会"], "园区内柴油货车尾气排放明显超标。"),
    ("110112", "", "water", "通州区养殖场粪污处理设施不完善", "通州区 漷县镇",
     ["通州区农业农村局"], "养殖场粪污贮存设施防渗不到位。"),
    ("110114", "", "radiation", "昌平区某医院放射诊疗设备辐射安全管理不规范", "昌平区 回龙观",
     ["昌平区生态环境局", "昌平区卫生健康委员会"], "辐射安全许可证台账记录不完整。"),
]

# How far each problem goes through the lifecycle (cycled over the list).
PLAN = ["registered", "assigned", "in_rectification", "progress", "closure_requested", "returned", "verified",
        "closed_out", "noticed", "noticed", "closed_out", "in_rectification", "reopened", "noticed", "verified",
        "assigned"]


def _evidence(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, ("整改佐证材料(演示):" + name).encode("utf-8"), content_type="text/plain")


def _ensure_users(log):
    from envbureau.core.demo_core import DEMO_PASSWORD
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    code, name, kind, perms = MANAGER_ROLE
    roles = {"ledger_manager": Role.objects.get_or_create(code=code, defaults={
        "name": name, "kind": kind, "permissions": perms})[0], "officer": Role.objects.get(code="officer")}
    users = {}
    for username, display, district in DEMO_LEDGER_USERS:
        u = User.objects.filter(username=username).first()
        if u is None:
            u = User(username=username, display_name=display or username)
            u.set_password(DEMO_PASSWORD)
            u.save()
        role = roles["ledger_manager"] if district is None else roles["officer"]
        j = Jurisdiction.objects.get(code=district) if district else None
        if not RoleAssignment.objects.filter(user=u, role=role).exists():
            RoleAssignment.objects.create(user=u, role=role, jurisdiction=j)
        users[username] = u
    users["admin"] = User.objects.filter(username="admin").first()
    return users


def _ensure_chains():
    from .models import SignOffChain, SignOffStep

    specs = [
        ("督察整改验收(默认)", "", [("区级验收", "district"), ("市级复核", "city")]),
        ("中央督察整改验收", "central_oversight", [("区级验收", "district"), ("市级复核", "city"),
                                                   ("行业审查", "city")]),
    ]
    for name, source, steps in specs:
        chain, created = SignOffChain.objects.get_or_create(name=name, defaults={"source": source})
        if created:
            for i, (step, level) in enumerate(steps, start=1):
                SignOffStep.objects.create(chain=chain, order=i, name=step, level=level)


@register(40, "问题台账:验收链、督察批次问题 / ledger: sign-off chains and oversight problems")
def load_ledger(log):
    from envbureau.core.models import Jurisdiction

    from . import services
    from .models import Problem

    users = _ensure_users(log)
    _ensure_chains()
    district_user = {"110101": users["dongcheng"], "110105": users["chaoyang"], "110108": users["haidian"]}
    made = 0
    n = 0
    from envbureau.core.demo import is_light

    for b, (source, batch, received) in enumerate(BATCHES[:2] if is_light() else BATCHES):
        for i, (district, street, category, title, location, units, description) in enumerate(PROBLEMS):
            if (i + b) % 3 and source != "central_oversight":
                continue  # not every problem in every batch
            n += 1
            code = f"DEMO-{b + 1}-{i + 1:02d}"
            if Problem.objects.filter(code=code).exists():
                continue
            plan = PLAN[(i + b) % len(PLAN)]
            verifier = district_user.get(district)
            if verifier is None and plan not in ("registered", "assigned", "in_rectification", "progress"):
                plan = "progress"  # only districts with a demo verifier get past rectification
            deadline = received + dt.timedelta(days=[60, 120, 200, 30][(i + b) % 4])
            p = services.create_problem(
                None, code=code, source=source, batch=batch, category=category, title=title,
                description=description, location=location,
                jurisdiction=Jurisdiction.objects.get(code=street or district), responsible_units=units,
                received_on=received, deadline=None if (i + b) % 7 == 0 else deadline, long_term=(i + b) % 7 == 0,
                key_problem=(i % 5 == 0), target="问题彻底整改,群众满意",
                measures="制定整改方案,明确责任人和完成时限,加强日常巡查,建立长效机制。")
            made += 1
            mgr = users["oversight"]
            if plan == "registered":
                continue
            services.assign(mgr, p, deadline=p.deadline, responsible_person="张科长", responsible_phone="13800000000",
                            note="按督察组交办要求转办")
            if plan == "assigned":
                continue
            rect = verifier or mgr
            services.start(rect, p, note="已签收,组织现场核查")
            if plan == "in_rectification":
                continue
            services.record_progress(rect, p, "已完成现场核查,制定整改方案,正在推进整改。",
                                     files=[_evidence("现场核查照片说明.txt")])
            if plan == "progress":
                continue
            services.request_close(rect, p, "整改措施已全部落实,经复查问题已解决,申请销号。",
                                   files=[_evidence("整改完成情况报告.txt")])
            if plan == "closure_requested":
                continue
            if plan == "returned":
                services.return_for_rework(_signer(p, users, verifier), p, "佐证材料不充分,请补充整改前后对比照片。")
                continue
            while p.state == "closure_requested":
                services.sign_off(_signer(p, users, verifier), p, note="经现场核查,整改到位,同意通过。")
            if plan == "verified":
                continue
            services.close_out(mgr, p, note="验收通过,予以销号")
            if plan == "closed_out":
                continue
            services.publish_notice(mgr, p, public_summary=f"已完成整改:{p.measures}", days=7)
            if plan == "reopened":
                services.reopen(mgr, p, "群众再次反映问题反弹,重新整改。")
    log(f"   {made} ledger problems ({Problem.objects.count()} in total)")


@register(98, "问题台账:逾期标记与临期提醒 / ledger: overdue flags and near-deadline reminders")
def flag_ledger_deadlines(log):
    # Last, after every step that opens ledger problems (campaigns, grids, approvals…): run between the
    # ledger step and theirs, a second `demo` would flag their late problems and so change data.
    from . import services

    log(f"   reminders: {services.run_reminders(today=dt.date.today())}")


def _signer(problem, users, verifier):
    from . import services

    step = services.pending_step(problem)
    if step is None:
        return users["oversight"]
    for u in (verifier, users["oversight"], users["admin"]):
        if u is not None and services.can_sign(u, problem, step):
            return u
    return None  # trusted system path if no demo user fits

