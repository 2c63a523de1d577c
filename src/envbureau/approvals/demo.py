"""Demo step (order 70): the approvals officer, a discharge permit for each demo enterprise (its limits are the
online-monitoring limits the simulated loggers are checked against), execution reports, and EIA applications
walked through the real verbs (idempotent; the same under is_light())."""

from __future__ import annotations

import datetime as dt

from envbureau.core.demo import register

ANNUAL_T = {"w01018": 12.0, "w21003": 1.5, "w21011": 0.2, "a21026": 30.0, "a21002": 60.0, "a34013": 8.0}
# project, category, industry, investment (万元), env investment, submitted, steps
EIA_PROJECTS = [
    ("2×350MW热电联产机组超低排放改造(模拟)", "report", "火力发电", 86000, 9200, "2026-02-02", "approve"),
    ("精细化工中间体扩建项目(模拟)", "form", "有机化学原料制造", 12000, 1300, "2026-03-09", "approve"),
    ("再生水厂三期工程(模拟)", "form", "污水处理及其再生利用", 23000, 4100, "2026-05-11", "correction_then_approve"),
    ("涂装线VOCs治理设施改造(模拟)", "form", "汽车整车制造", 3600, 3600, "2026-10-19", "reviewing"),
    ("喷漆车间新增生产线(模拟)", "report", "汽车整车制造", 41000, 3800, "2026-11-16", "correction"),
    ("厂区食堂油烟净化(模拟)", "registration", "火力发电", 50, 50, "2026-04-20", ""),
    ("热网换热站改造(模拟)", "form", "火力发电", 5200, 400, "2025-06-02", "approve"),
]


@register(70, "行政审批:环评审批、排污许可证与执行报告 / approvals: EIA, permits, execution reports")
def load_approvals(log):
    from django.apps import apps

    from envbureau.core.models import Department, Role, RoleAssignment, User
    from envbureau.core.roles import DEFAULT_ROLES
    from envbureau.sources.demo import ENTERPRISES, GAS_LIMITS, WATER_LIMITS, demo_credit_code

    from . import eia, permits
    from .models import EIAApplication, Permit

    # Databases made before this app: give the built-in roles and the department what core/roles.py says.
    for code, name, kind, perms in DEFAULT_ROLES:
        role, _c = Role.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "permissions": perms})
        new = {p for p in perms if p.startswith("approvals")}
        if new and not new <= set(role.permissions):
            role.permissions = sorted(set(role.permissions) | new)
            role.save()
    dept, _c = Department.objects.get_or_create(code="approvals", defaults={"name": "行政审批科",
                                                                            "modules": ["approvals"]})
    user = User.objects.filter(username="approvals").first()
    if user is None:
        user = User(username="approvals", display_name="行政审批科 刘科")
        user.set_password("Demo@2026")
        user.save()
    if not RoleAssignment.objects.filter(user=user, role__code="approvals_officer").exists():
        a = RoleAssignment.objects.create(user=user, role=Role.objects.get(code="approvals_officer"))
        a.departments.set([dept])

    Enterprise = apps.get_model("sources", "Enterprise")
    ents = []
    for i, (_name, district, *_rest) in enumerate(ENTERPRISES):
        ent = Enterprise.objects.filter(credit_code=demo_credit_code(district, ENTERPRISES[i][7])).first()
        if ent is None:
            log("   approvals demo: the sources demo enterprises are missing; skipped")
            return
        ents.append(ent)
    for i, ent in enumerate(ents):
        number = f"{ent.credit_code}001P"
        if Permit.objects.filter(number=number).exists():
            continue
        rows = []
        for ocode, oname, limits in (("DW001", "废水总排口", WATER_LIMITS), ("DA001", "1号锅炉烟囱", GAS_LIMITS)):
            for factor, _typ, lim, lower, unit, conv in limits:
                rows.append({"outlet_code": ocode, "outlet_name": oname, "factor": factor, "limit_value": lim,
                             "lower_limit": lower, "unit": unit, "on_converted": conv, "period": "hour",
                             "annual_quantity": ANNUAL_T.get(factor)})
        # The first permit expires soon (its renewal is due: a task and a reminder); the others later.
        issued = dt.date(2022, 1, 10) if i == 0 else dt.date(2024, 3, 1) + dt.timedelta(days=30 * i)
        permits.issue(None, enterprise_id=ent.pk, number=number, category="key" if i < 2 else "simplified",
                      issued_on=issued, authority="北京市生态环境局(模拟)",
                      report_frequency="monthly" if i == 0 else "",
                      monitoring_duties="废水COD、氨氮、总磷及烟气SO₂、NOx、颗粒物自动监测,数据联网",
                      record_keeping="生产设施、治理设施运行台账,保存不少于5年", limits=rows)
    for p in Permit.objects.filter(enterprise_id__in=[e.pk for e in ents]):
        permits.schedule_reports(p, 2026)
        # the enterprise submitted its first-quarter reports; one of them late
        for r in p.reports.filter(year=2026, due_on__lte=dt.date(2026, 4, 15), state="due"):
            from envbureau.core import workflow as wf

            on = r.due_on + dt.timedelta(days=3 if r.kind == "quarter" and p.pk % 2 else -2)
            wf.apply(None, r, "submit", content="按许可证要求运行,无超标排放(模拟)", submitted_on=on.isoformat(),
                     emissions={"w01018": 2.1, "a21026": 6.5})

    _emergency(ents)
    _prereviews(ents)
    if EIAApplication.objects.filter(project_name=EIA_PROJECTS[0][0]).exists():
        log(f"   {Permit.objects.count()} permits; EIA demo already present")
        return
    from envbureau.core import deadlines as dl
    from envbureau.core import workflow as wf

    by_industry = {e.industry_name: e for e in ents}
    for name, cat, industry, inv, env, submitted, steps in EIA_PROJECTS:
        ent = by_industry.get(industry, ents[0])
        on = dt.date.fromisoformat(submitted)
        a = eia.submit(None, enterprise_id=ent.pk, project_name=name, category=cat, submitted_on=on,
                       investment=inv, env_investment=env)
        if cat == "registration":
            continue

        def wd(n, start):
            return dl.add_days(start, n, dl.WORKING).isoformat()

        if steps.startswith("correction"):
            wf.apply(None, a, "request_correction", missing_materials="公众参与说明;总量指标来源说明",
                     on=wd(2, on))
            if steps == "correction":
                continue
            wf.apply(None, a, "resubmit", on=wd(9, on))
        wf.apply(None, a, "accept", accepted_on=wd(11 if steps.startswith("correction") else 3, on))
        a.refresh_from_db()
        wf.apply(None, a, "start_review", on=wd(2, a.accepted_on))
        if steps == "reviewing":
            continue
        wf.apply(None, a, "finish_review", on=wd(22, a.accepted_on),
                 expert_opinion="报告编制规范,污染防治措施可行,同意技术评估结论(模拟)")
        wf.apply(None, a, "propose", on=wd(24, a.accepted_on))
        a.refresh_from_db()
        wf.apply(None, a, "approve", decided_on=wd(1, a.proposal_notice_until),
                 conditions="严格落实报告提出的各项污染防治措施;按规定申领排污许可证并开展竣工环保验收")
    log(f"   {Permit.objects.count()} permits, {EIAApplication.objects.count()} EIA applications")


# air: M and E from their parts (合成氨 1 套 10 + items 10 + 10 + 0 = 30 → M2; 62,000 people within 5 km → E1);
# water: the finished values, as a report gives them
RISK_DEMO = {"air": {"substances": [{"name": "氨", "quantity_t": 20, "critical_t": 5},
                                    {"name": "甲醇", "quantity_t": 50, "critical_t": 10}],
                     "m_parts": {"processes": [{"name": "合成氨", "units": 1}],
                                 "items": {"毒性气体泄漏监控预警措施": 10, "符合防护距离要求情况": 10,
                                           "近3年内突发大气环境事件发生情况": 0}},
                     "e_parts": {"pop_5km": 62000, "pop_500m": 300}},
             "water": {"substances": [{"name": "硫酸", "quantity_t": 2, "critical_t": 10}], "m": 30, "e": "E2"}}


def _emergency(ents):
    """The chemical works (a risk source) files its plan, drills, and is checked in a round of hidden-danger
    checks whose findings go to the ledger."""
    from envbureau.core import workflow as wf

    from . import emergency
    from .models import EmergencyPlan, HazardCheck

    chem = ents[1]
    if not EmergencyPlan.objects.filter(enterprise_id=chem.pk).exists():
        plan = emergency.submit_plan(None, enterprise_id=chem.pk, title="突发环境事件应急预案(2026年修订,模拟)",
                                     signed_on="2026-03-02", submitted_on="2026-03-20", risk=RISK_DEMO)
        wf.apply(None, plan, "file", filed_on="2026-03-25")
        wf.apply(None, plan, "drill", drilled_on="2026-06-12", note="储罐区氨泄漏应急演练(模拟)")
    _incident(chem)
    if not HazardCheck.objects.filter(enterprise_id=chem.pk).exists():
        emergency.record_check(None, enterprise_id=chem.pk, round_name="2026年重点环境风险源企业第一轮(模拟)",
                               checked_on="2026-05-14", checkers="应急科 王工(模拟)",
                               findings=[{"text": "事故应急池被雨水占用,有效容积不足", "category": "water"},
                                         {"text": "雨水排口切换阀未定期检查"}])


def _incident(chem):
    """A closed incident at the chemical works and this week's duty roster."""
    import datetime as dt

    from django.utils import timezone

    from envbureau.core import workflow as wf
    from envbureau.core.models import Jurisdiction

    from . import emergency
    from .models import DutyShift, Incident

    city = Jurisdiction.objects.get(code="110000")
    today = timezone.localdate()
    for n in range(7):
        day = today + dt.timedelta(days=n)
        DutyShift.objects.get_or_create(day=day, role="leader", person=("刘局(模拟)", "陈局(模拟)")[n % 2],
                                        jurisdiction=city, defaults={"phone": "010-0000001"})
        DutyShift.objects.get_or_create(day=day, role="officer", person=("值班员甲(模拟)", "值班员乙(模拟)")[n % 2],
                                        jurisdiction=city, defaults={"phone": "010-0000002"})
    if Incident.objects.filter(enterprise_id=chem.pk).exists():
        return
    inc = emergency.report_incident(None, title="氨水储罐阀门泄漏(模拟)", kind="危化品泄漏", level="IV",
                                    description="储罐区阀门法兰渗漏,少量氨水进入围堰,无外排(模拟)",
                                    occurred_at="2026-08-06 07:40", reported_at="2026-08-06 08:05",
                                    enterprise_id=chem.pk)
    wf.apply(None, inc, "respond", note="启动企业应急预案,环境监测组赶赴现场(模拟)")
    wf.apply(None, inc, "report_up", at="2026-08-06 09:30", note="电话报告区政府和市生态环境局,随后书面报告(模拟)")
    wf.apply(None, inc, "log", note="厂界氨浓度监测未超标,雨水排口已封堵(模拟)")
    wf.apply(None, inc, "follow_up", note="续报:泄漏已控制,周边监测正常(模拟)")
    wf.apply(None, inc, "close", summary="泄漏点已更换法兰,围堰内废液转运处置,无环境影响(模拟)")


# project pre-reviews: name, origin, applicant (None: the demo enterprise of that index), district, industry,
# investment (万元), zoning, received, conclusion, reasons, working days to the opinion
PREREVIEWS = [
    ("年产5万吨新型包装材料项目(模拟)", "investment", "某新材料科技有限公司(模拟)", "110105", "塑料制品业", 18000,
     "key", "2026-01-12", "agree", "", 3),
    ("高端医疗器械研发生产基地(模拟)", "investment", "某医疗科技有限公司(模拟)", "110108", "医疗仪器设备制造", 52000,
     "general", "2026-02-23", "agree", "", 4),
    ("电镀加工中心(模拟)", "investment", "某表面处理有限公司(模拟)", "110102", "金属表面处理及热处理加工", 6000,
     "priority", "2026-03-16", "disagree", "拟选址位于优先保护单元,不符合生态环境准入清单中禁止新建电镀项目的要求", 5),
    ("锅炉燃料清洁化改造(模拟)", "internal", 0, "", "火力发电", 3200, "key", "2026-04-07", "agree", "", 2),
    ("精细化工中间体技术改造(模拟)", "internal", 1, "", "有机化学原料制造", 9000, "key", "2026-05-18",
     "conditional", "须落实VOCs总量替代来源,新增储罐纳入应急预案修订", 6),
    ("数据中心配套储能项目(模拟)", "investment", "某数据科技有限公司(模拟)", "110101", "其他电力生产", 26000,
     "general", "2026-11-23", "", "", 0),
]


def _prereviews(ents):
    """A year of project pre-reviews (招商引资 and 工业内生), concluded through the workflow's verb; one waits."""
    from envbureau.core import deadlines as dl
    from envbureau.core import workflow as wf
    from envbureau.core.models import Jurisdiction

    from . import prereview
    from .models import PreReview

    if PreReview.objects.filter(project_name=PREREVIEWS[0][0]).exists():
        return
    for name, origin, who, district, industry, inv, zoning, received, conclusion, reasons, days in PREREVIEWS:
        ent = ents[who] if isinstance(who, int) else None
        r = prereview.register(None, origin=origin, project_name=name, applicant="" if ent else who,
                               enterprise_id=ent.pk if ent else None,
                               jurisdiction=None if ent else Jurisdiction.objects.get(code=district),
                               industry_name=industry, investment=inv, zoning_category=zoning,
                               zoning_unit="", received_on=received,
                               summary="项目对照三线一单生态环境准入清单及产业政策预审(模拟)")
        if conclusion:
            on = dl.add_days(dt.date.fromisoformat(received), days, dl.WORKING)
            wf.apply(None, r, "conclude", conclusion=conclusion, reasons=reasons, concluded_on=on.isoformat())
