"""Every registered workflow, walked through its loop with the expectations written here as data:
each step succeeds for the actor named and only in the state named, is refused (403/404/400) for the
others, writes exactly one timeline event, closes the previous step's task, opens the next actor's task
(seen by the users named) and notifies them. A workflow registered without a walk here fails the test unless
NOT_WALKED names it with a reason. Who may act and the order of steps are written from the rules
(the laws, orders and standards named beside each step, and issues 12–16), not read from the kit's tables."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from envbureau.core import workflow as wf

TODAY = dt.date.today()


def evidence():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [SimpleUploadedFile("整改照片.txt", b"photo", content_type="text/plain")]


# ---- the people --------------------------------------------------------------------------------

PEOPLE = {
    # name: (permissions, jurisdiction code or None = city-wide, enterprise id)
    "mgr": (["*.view", "ledger.*"], None, None),
    "dist": (["ledger.view", "ledger.rectify", "ledger.request_close", "ledger.verify"], "110101", None),
    "street": (["ledger.view", "ledger.rectify", "ledger.request_close"], "110101001000", None),
    "xicheng": (["ledger.view", "ledger.rectify", "ledger.request_close", "ledger.verify"], "110102", None),
    "leader": (["*.view"], None, None),
    "office": (["*.view", "complaints.*", "ledger.add"], None, None),  # ledger.add: 转问题台账
    "approver": (["*.view", "complaints.extend_approve"], None, None),
    "handler": (["complaints.view", "complaints.handle"], "110101", None),
    "chaoyang": (["complaints.view", "complaints.handle"], "110105", None),
    "member": (["complaints.view"], "110101", None),  # member of the unit a complaint is handed to
    "qoff": (["quality.view", "quality.handle", "ledger.view", "ledger.change"], "110101", None),
    "qxicheng": (["quality.view", "quality.handle"], "110102", None),
    "pmgr": (["*.view", "projects.*"], None, None),
    "pdc": (["projects.view", "projects.report"], "110101", None),  # member of the project's owner unit
    "pcy": (["projects.view", "projects.report"], "110105", None),
    "qstaff": (["*.view", "quality.change"], None, None),  # the air department acting through its change
    # sources: the district officer acknowledges; the departments (sources.change) and 执法人员 close/review
    "soff": (["sources.view", "sources.ack_alarm"], "110101", None),
    "sxicheng": (["sources.view", "sources.ack_alarm"], "110102", None),
    "sdept": (["*.view", "sources.change", "ledger.add"], None, None),
    "szf": (["*.view", "sources.close_alarm", "sources.approve_declaration"], None, None),
    "ent": (["sources.view", "sources.declare"], None, "E1"),
    "ent2": (["sources.view", "sources.declare"], None, "E2"),
    # enforcement: case handlers, the review board, the deciding head; a 西城 inspector sees nothing in 东城
    "zfcase": (["*.view", "enforcement.case", "enforcement.inspect", "ledger.add"], None, None),
    "zfreview": (["*.view", "enforcement.review"], None, None),
    "zfboss": (["*.view", "enforcement.decide", "enforcement.publish", "ledger.add"], None, None),
    "zfxicheng": (["enforcement.view", "enforcement.inspect", "enforcement.case"], "110102", None),
    # measures: 执法人员 serve and re-check, the head decides extensions and releases (MEP Orders No. 29 and 30 of 2014)
    "zfinsp": (["*.view", "enforcement.inspect"], None, None),
    # credit: the bureau's rating staff decide a repair; the enterprise only applies (local repair practice)
    "zfrate": (["*.view", "enforcement.rate"], None, None),
    "rateent": (["enforcement.view"], None, "E1"),
    # approvals (EIA, permits, emergency plans): acceptance, technical review, decision, permits, emergency filing are separate rights;
    # the enterprise applies, answers 补正, renews, reports, revises its plan
    "aacc": (["*.view", "approvals.accept"], None, None),
    "arev": (["*.view", "approvals.review"], None, None),
    "adec": (["*.view", "approvals.decide"], None, None),
    "aper": (["*.view", "approvals.permit"], None, None),
    "aemg": (["*.view", "approvals.emergency"], None, None),
    "aadd": (["*.view", "approvals.add"], None, None),  # registers (and may withdraw) a project pre-review
    "axc": (["approvals.view", "approvals.accept", "approvals.decide", "approvals.permit", "approvals.emergency"],
            "110102", None),
    "aent": (["approvals.view", "approvals.apply", "approvals.report"], None, "E1"),
    "aent2": (["approvals.view", "approvals.apply", "approvals.report"], None, "E2"),
    # waste: the producer ships and takes back, the receiving operator receives, confirms or rejects
    "wprod": (["waste.view", "waste.ship", "waste.declare"], None, "E1"),
    "wprodall": (["waste.view", "waste.ship", "waste.receive"], None, "E1"),  # the producer cannot receive
    "wrecv": (["waste.view", "waste.receive"], None, "E3"),
    "wother": (["waste.view", "waste.ship", "waste.receive", "waste.declare"], None, "E2"),
    "whandle": (["waste.view", "waste.handle"], "110101", None),
    # the manifest's carrier (its own enterprise account) confirms pickup and handover; the bureau decides
    # cross-province applications (危险废物转移管理办法 arts. 21–28)
    "wcarry": (["waste.view", "waste.carry"], None, "E4"),
    "wappr": (["*.view", "waste.approve"], None, None),
    "wcy": (["waste.view", "waste.handle"], "110105", None),
    # soil: the bureau organises report reviews, the district supervises works, the unit reports its duty
    "soilrev": (["*.view", "soil.review"], None, None),
    "soilmgr": (["soil.view", "soil.manage"], "110101", None),
    "soilcy": (["soil.view", "soil.review", "soil.manage"], "110105", None),
    "soilent": (["soil.view", "soil.report"], None, "E1"),
    "soilent2": (["soil.view", "soil.report"], None, "E2"),
    # reports: the signer issues; a district signer sees no city report
    "rsign": (["*.view", "reports.issue"], None, None),
    "rxc": (["reports.view", "reports.issue"], "110102", None),
    # grids: the grid's own officer patrols; the projects section retires a grid
    "gofficer": (["projects.view", "projects.patrol"], "110101", None),
    "gother": (["projects.view", "projects.patrol"], "110101", None),  # a patrol officer of another grid
}


@pytest.fixture
def people(demo_core):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, Unit, User
    from envbureau.sources import credit_code
    from envbureau.sources.models import Enterprise, MonitoringPoint, Outlet

    street = Jurisdiction.objects.get(code="110101001000")
    firms = {"E1": Enterprise.objects.create(credit_code=credit_code.make("91", "110101", "WALK0001"),
                                             name="东城步行热电", jurisdiction=street),
             "E2": Enterprise.objects.create(credit_code=credit_code.make("91", "110101", "WALK0002"),
                                             name="东城另一家", jurisdiction=street),
             "E3": Enterprise.objects.create(credit_code=credit_code.make("91", "110105", "WALK0003"),
                                             name="朝阳处置中心", jurisdiction=Jurisdiction.objects.get(code="110105")),
             "E4": Enterprise.objects.create(credit_code=credit_code.make("91", "110105", "WALK0004"),
                                             name="朝阳危货运输", jurisdiction=Jurisdiction.objects.get(code="110105"))}
    outlet = Outlet.objects.create(enterprise=firms["E1"], code="DA001", name="烟囱", kind="gas")
    out = {"_point": MonitoringPoint.objects.create(outlet=outlet, mn="WALKMN0001", name="烟囱 CEMS"),
           "_firm": firms["E1"], "_firms": firms}
    for name, (perms, jcode, ent) in PEOPLE.items():
        ent = firms[ent].pk if ent else None
        kind = "enterprise" if ent else ("officer" if jcode else "staff")
        role = Role.objects.create(code=f"w_{name}", name=name, kind=kind, permissions=perms)
        u = User.objects.create(username=f"w_{name}", display_name=name, email=f"{name}@example.org")
        RoleAssignment.objects.create(user=u, role=role, enterprise_id=ent,
                                      jurisdiction=Jurisdiction.objects.get(code=jcode) if jcode else None)
        out[name] = u
    zj = Unit.objects.create(code="zhujian-dc", name="东城区住建委", kind="agency",
                             jurisdiction=Jurisdiction.objects.get(code="110101"))
    zj.members.add(out["member"])
    return out


# ---- the objects -------------------------------------------------------------------------------

def new_problem(people):
    from envbureau.ledger import services
    from envbureau.ledger.models import SignOffChain, SignOffStep

    if not SignOffChain.objects.exists():
        chain = SignOffChain.objects.create(name="区级验收→市级复核", source="")
        SignOffStep.objects.create(chain=chain, order=1, name="区级验收", level="district")
        SignOffStep.objects.create(chain=chain, order=2, name="市级复核", level="city")
    return services.create_problem(None, source="patrol", category="air", title="工地扬尘",
                                   jurisdiction="110101001000", deadline=TODAY + dt.timedelta(days=20))


def new_complaint(people):
    from envbureau.complaints import services
    from envbureau.complaints.models import Complaint
    from envbureau.core.models import Jurisdiction

    c = Complaint(channel="hotline", category="noise", title="夜间施工噪声", content="工地夜间施工",
                  jurisdiction=Jurisdiction.objects.get(code="110101001000"), complainant_name="张三")
    return services.register(None, c, suggest=False)


def finished_complaint(people):
    c = new_complaint(people)
    from django.utils import timezone

    type(c).objects.filter(pk=c.pk).update(state="closed", finding="substantiated", reply_text="已处理",
                                           received_at=timezone.now() - dt.timedelta(days=3))
    c.refresh_from_db()
    return c


def new_warning(people):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.services import _facts, _raise

    tz = dt.timezone(dt.timedelta(hours=8))
    n = len(people.setdefault("_warnings", []))
    w, _new = _raise("data_stop", Jurisdiction.objects.get(code="110101"), f"quality.airstation:{90 + n}", "东四",
                     dt.datetime(2026, 11, 3, 1, tzinfo=tz), dt.datetime(2026, 11, 3, 8, tzinfo=tz),
                     _facts("stop", s="东四", t="2026-11-03 01:00", n=8), count=8)
    people["_warnings"].append(w)
    return w


def new_project(people):
    from envbureau.core.models import Jurisdiction, Unit
    from envbureau.projects import services
    from envbureau.projects.models import Project

    dc = Jurisdiction.objects.get(code="110101")
    unit, created = Unit.objects.get_or_create(code="prj-w-dc", defaults={"name": "东城区生态环境局", "kind": "district",
                                                                          "jurisdiction": dc})
    unit.members.add(people["pdc"])
    return services.create_project(None, Project(
        name="燃气锅炉低氮改造", battle="air", year=2026, jurisdiction=dc, owner_unit=unit,
        planned_start=dt.date(2026, 3, 1), planned_finish=dt.date(2026, 10, 31), investment_planned=1000000))


def new_fund(people):
    from envbureau.projects import services
    from envbureau.projects.models import Fund

    return services.create_fund(None, Fund(project=new_project(people), level="central", name="大气污染防治资金",
                                           requested=100))


def new_review(people):
    from envbureau.quality.demo_step import ensure_stations
    from envbureau.quality.models import AirStation
    from envbureau.quality.services import review_values

    ensure_stations(lambda m: None)
    station = AirStation.objects.get(name_en="Dongsi")
    tz = dt.timezone(dt.timedelta(hours=8))
    return review_values(None, station, dt.datetime(2026, 11, 2, 1, tzinfo=tz), dt.datetime(2026, 11, 2, 5, tzinfo=tz),
                         ["pm25"], "仪器故障")


def new_alarm(people):
    from envbureau.sources.models import Alarm

    tz = dt.timezone(dt.timedelta(hours=8))
    a = Alarm.objects.create(point=people["_point"], enterprise=people["_firm"], kind="exceedance", factor="a21026",
                             started_at=dt.datetime(2026, 11, 3, 1, tzinfo=tz),
                             last_seen_at=dt.datetime(2026, 11, 3, 2, tzinfo=tz), message="二氧化硫超标")
    wf.record_event(a, None, "open", to_state="open")
    wf.sync_tasks(a)
    return a


def new_declaration(people):
    from envbureau.sources import services

    now = dt.datetime.now(dt.timezone.utc)
    return services.submit_declaration(people["ent"], enterprise=people["_firm"], point=people["_point"],
                                       kind="maintenance", start=now + dt.timedelta(hours=1),
                                       end=now + dt.timedelta(hours=5), reason="检修")


def _enforcement_world(people):
    from envbureau.core.models import Jurisdiction
    from envbureau.enforcement import services
    from envbureau.enforcement.models import Inspector, LegalBasis

    if "_inspectors" not in people:
        services.sync_pool(None)
        city = Jurisdiction.objects.get(code="110000")
        people["_inspectors"] = [Inspector.objects.create(name=f"执法{n}", badge_no=f"W{n:04d}", jurisdiction=city)
                                 for n in range(1, 3)]
        LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                                  effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)
    return people["_inspectors"]


def new_inspection(people):
    from envbureau.enforcement import services
    from envbureau.enforcement.models import InspectionItem

    team = _enforcement_world(people)
    item = InspectionItem.objects.get_or_create(code="W-01", defaults={"name": "持证排污", "checklist": "持证排污"})[0]
    return services.create_inspection(None, source="special", enterprise_id=people["_firm"].pk, team=team,
                                      items=[item], planned_on=TODAY)


def new_case(people):
    from envbureau.enforcement import cases

    team = _enforcement_world(people)
    return cases.open_case(None, enterprise_id=people["_firm"].pk, cause="未按证设置排污口标志", provision="sign",
                           act_date="2026-06-20", filed_on="2026-07-03", handlers=team, facts="现场检查发现")


def new_outfall(people):
    from envbureau.core.models import Jurisdiction
    from envbureau.projects import outfalls
    from envbureau.projects.models import Outfall

    n = Outfall.objects.count() + 1
    return outfalls.create_outfall(None, Outfall(
        code=f"W-{n:04d}", name="北护城河排口", type1="other", jurisdiction=Jurisdiction.objects.get(code="110101"),
        receiving_water="北护城河", target_class=4))


# ---- the walks: (verb, kwargs, from, to, actor, refused {actor: outcome}, next task or None, seen by, not seen by)
# "same" as the task: the step leaves the open task as it was.

LEDGER = [
    [
        ("assign", {"responsible_units": ["东城区住建委"]}, "registered", "assigned", "mgr",
         {"street": "403", "xicheng": "404", "leader": "403"}, "签收整改", ["street"], ["xicheng", "leader"]),
        ("start", {}, "assigned", "in_rectification", "street", {"xicheng": "404", "leader": "403"},
         "整改并申请销号", ["street", "dist"], ["xicheng"]),
        ("progress", {"note": "已覆盖防尘网"}, "in_rectification", "in_rectification", "street",
         {"xicheng": "404"}, "same", ["street"], []),
        ("request_close", {"note": "整改完成", "files": evidence}, "in_rectification", "closure_requested", "street",
         {"leader": "403"}, "区级验收", ["dist"], ["street", "mgr", "xicheng"]),
        ("return", {"note": "材料不全"}, "closure_requested", "returned", "dist",
         {"street": "403", "mgr": "403"}, "重新整改", ["street"], ["xicheng"]),
        ("request_close", {"note": "补充材料", "files": evidence}, "returned", "closure_requested", "street",
         {}, "区级验收", ["dist"], ["street"]),
        ("sign_off", {}, "closure_requested", "closure_requested", "dist", {"mgr": "403", "street": "403"},
         "市级复核", ["mgr"], ["dist"]),
        ("sign_off", {}, "closure_requested", "verified", "mgr", {"dist": "403"}, "销号", ["mgr"], ["dist"]),
        ("close_out", {}, "verified", "closed_out", "mgr", {"dist": "403", "leader": "403"}, None, [], ["mgr"]),
        ("notice", {"public_summary": "已整改"}, "closed_out", "noticed", "mgr", {"dist": "403"}, None, [], []),
        ("reopen", {"note": "问题反弹"}, "noticed", "in_rectification", "mgr", {"street": "403"},
         "整改并申请销号", ["street"], ["xicheng", "leader"]),
    ],
]

COMPLAINTS = [
    [
        ("accept", {}, "registered", "accepted", "office", {"handler": "403", "chaoyang": "404"},
         "交办", ["office"], ["handler"]),
        ("assign", {"unit": "东城区住建委"}, "accepted", "assigned", "office", {"handler": "403"},
         "调查核实", ["member", "handler"], ["chaoyang", "leader"]),
        ("investigate", {"finding": "substantiated", "investigation": "属实"}, "assigned", "investigated", "handler",
         {"chaoyang": "404", "member": "403", "leader": "403"}, "答复", ["office"], ["member", "handler"]),
        ("measures", {"measures": "责令整改"}, "investigated", "investigated", "handler", {"chaoyang": "404"},
         "same", ["office"], []),
        ("request_extension", {"days": 10, "reason": "需监测"}, "investigated", "investigated", "handler",
         {"member": "403"}, "same", ["office"], []),
        ("approve_extension", {}, "investigated", "investigated", "approver", {"handler": "403"}, "same",
         ["office"], []),
        ("reply", {"reply_text": "已责令整改"}, "investigated", "replied", "office", {"handler": "403"},
         "回访", ["office"], ["handler"]),
        ("visit", {"satisfaction": "satisfied"}, "replied", "visited", "office", {"handler": "403"},
         "归档", ["office"], []),
        ("request_review", {}, "visited", "reviewing", "office", {"handler": "403"}, "复查/复核答复", ["office"], []),
        ("answer_review", {"reply_text": "维持"}, "reviewing", "replied", "office", {"handler": "403"},
         "回访", ["office"], []),
        ("close", {}, "replied", "closed", "office", {"handler": "403", "leader": "403"}, None, [], ["office"]),
    ],
    [
        ("decline", {"decline_reason": "不属于职责范围"}, "registered", "declined", "office", {"handler": "403"},
         None, [], ["office"]),
    ],
    [
        ("accept", {}, "registered", "accepted", "office", {}, "交办", ["office"], []),
        ("request_extension", {"days": 5, "reason": "需鉴定"}, "accepted", "accepted", "office", {}, "same",
         ["office"], []),
        ("refuse_extension", {}, "accepted", "accepted", "approver", {"handler": "403"}, "same", ["office"], []),
        ("spawn_problem", {}, "accepted", "accepted", "office", {"leader": "403"}, "same", ["office"], []),
    ],
    [
        ("answer_repeat", {"original": finished_complaint}, "registered", "replied", "office",
         {"handler": "403", "chaoyang": "404"}, "回访", ["office"], []),
    ],
]

WARNINGS = [
    [
        ("acknowledge", {}, "open", "acknowledged", "qoff", {"qxicheng": "404", "leader": "403"},
         "跟踪处置并关闭预警", ["qoff"], ["qxicheng", "leader"]),
        ("close", {"note": "设备恢复"}, "acknowledged", "closed", "qoff", {"leader": "403"}, None, [], ["qoff"]),
    ],
    [
        ("to_problem", {"responsible_units": ["东城区生态环境局"]}, "open", "acknowledged", "qoff",
         {"qxicheng": "404", "leader": "403"}, "跟踪处置并关闭预警", ["qoff"], ["qxicheng"]),
    ],
]

PROJECTS = [
    [
        ("start", {"started_on": "2026-03-01"}, "planned", "in_progress", "pdc", {"pcy": "404", "leader": "403"},
         "按期完工", ["pdc"], ["pcy", "leader"]),
        ("report", {"note": "施工中", "month": "2026-03"}, "in_progress", "in_progress", "pdc", {"pcy": "404"},
         "same", ["pdc"], []),
        ("finish", {}, "in_progress", "finished", "pdc", {"pcy": "404", "leader": "403"}, "完工验收", ["pmgr"],
         ["pdc"]),
        ("reject", {"note": "资料不全"}, "finished", "in_progress", "pmgr", {"pdc": "403"}, "按期完工", ["pdc"],
         ["pcy"]),
        ("finish", {}, "in_progress", "finished", "pdc", {}, "完工验收", ["pmgr"], ["pdc"]),
        ("accept", {"note": "通过验收"}, "finished", "accepted", "pmgr", {"pdc": "403", "leader": "403"},
         "资金绩效评价", ["pmgr"], ["pdc"]),
        ("evaluate", {"scores": {"decision": 90, "process": 90, "output": 90, "effect": 90}}, "accepted",
         "evaluated", "pmgr", {"pdc": "403"}, None, [], ["pmgr"]),
    ],
    [
        ("cancel", {"note": "规划调整"}, "planned", "cancelled", "pmgr", {"pdc": "403", "pcy": "404"}, None, [],
         ["pdc"]),
    ],
]

FUNDS = [
    [
        ("approve", {"approved": "100"}, "reserve", "approved", "pmgr", {"pdc": "403", "pcy": "404"}, "下达资金",
         ["pmgr"], ["pdc"]),
        ("allocate", {"allocated": "100"}, "approved", "allocated", "pmgr", {"pdc": "403"}, None, [], ["pmgr"]),
        ("spend", {"amount": "40"}, "allocated", "allocated", "pmgr", {"pdc": "403"}, None, [], []),
        ("spend", {"amount": "60"}, "allocated", "spent", "pmgr", {}, None, [], []),
    ],
    [
        ("reject", {"note": "不符合入库条件"}, "reserve", "rejected", "pmgr", {"pdc": "403"}, None, [], ["pmgr"]),
    ],
]

REVIEWS = [
    [("revoke", {"note": "核实后数据有效"}, "active", "revoked", "qstaff", {"leader": "403", "qoff": "403"}, None, [],
      ["qstaff"])],
]

ALARMS = [
    [
        ("acknowledge", {"note": "已通知企业"}, "open", "acknowledged", "soff",
         {"sxicheng": "404", "leader": "403", "ent": "403"}, "处置并关闭报警", ["sdept", "szf"], ["soff", "sxicheng"]),
        ("close", {"note": "企业已整改"}, "acknowledged", "closed", "szf", {"soff": "403", "leader": "403"}, None, [],
         ["szf", "sdept"]),
    ],
    [
        ("to_problem", {}, "open", "acknowledged", "sdept", {"soff": "403", "sxicheng": "404"}, "处置并关闭报警",
         ["szf", "sdept"], ["soff"]),
    ],
]

DECLARATIONS = [
    [("approve", {"note": "同意"}, "pending", "approved", "szf", {"ent": "403", "soff": "403", "leader": "403"},
      None, [], ["szf", "sdept"])],
    [("reject", {"note": "未附检修计划"}, "pending", "rejected", "sdept", {"ent": "403", "ent2": "404"}, None, [],
      ["szf"])],
    [("withdraw", {}, "pending", "withdrawn", "ent", {"ent2": "404", "szf": "403"}, None, [], ["sdept"])],
]

INSPECTIONS = [
    [
        ("record", {"result": "corrected", "findings": "排放口未按证设置标志",
                    "checklist": {"0": ("problem", "无标志牌")}}, "planned", "recorded", "zfcase",
         {"zfxicheng": "404", "zfreview": "403", "leader": "403"}, "公开检查结果", ["zfboss"], ["zfcase"]),
        ("to_problem", {"category": "other"}, "recorded", "recorded", "zfcase", {"zfreview": "403"}, "same",
         ["zfboss"], []),
        ("publish", {}, "recorded", "published", "zfboss", {"zfcase": "403", "zfxicheng": "404"}, None, [],
         ["zfboss"]),
    ],
    [("cancel", {"note": "企业已停产"}, "planned", "cancelled", "zfcase", {"zfreview": "403", "zfxicheng": "404"},
      None, [], ["zfcase"])],
]

CASES = [
    [
        ("investigate", {}, "filed", "investigating", "zfcase", {"zfreview": "403", "zfxicheng": "404"},
         "调查终结,提交案审", ["zfcase"], ["zfreview"]),
        ("submit_review", {"note": "调查终结"}, "investigating", "reviewing", "zfcase", {"zfreview": "403"},
         "案件审查", ["zfreview"], ["zfcase"]),
        ("notify", {"outcome": "punish", "levels": {"harm": 3}, "notified_on": "2026-08-03"}, "reviewing",
         "notified", "zfreview", {"zfcase": "403", "zfboss": "403"}, "作出处罚决定", ["zfboss"], ["zfreview"]),
        ("statement", {"kind": "statement", "on": "2026-08-05", "note": "当事人陈述申辩"}, "notified", "notified",
         "zfcase", {"zfreview": "403"}, "same", ["zfboss"], []),
        ("resume", {"on": "2026-08-10", "note": "申辩意见未采纳"}, "notified", "notified", "zfcase",
         {"zfboss": "403"}, "same", ["zfboss"], []),
        ("extend", {"days": 10, "note": "案情复杂"}, "notified", "notified", "zfboss", {"zfcase": "403"}, "same",
         ["zfboss"], []),
        ("decide", {"decided_on": "2026-09-01"}, "notified", "decided", "zfboss",
         {"zfcase": "403", "zfreview": "403"}, "送达处罚决定书", ["zfcase"], ["zfboss"]),
        ("publish", {"published_on": "2026-09-02"}, "decided", "decided", "zfboss", {"zfcase": "403"}, "same",
         ["zfcase"], []),
        ("transfer", {"transfer_kind": "detention", "transferred_on": "2026-09-02", "authority": "北京市公安局东城分局",
                      "persons": "张某(生产负责人)", "reason": "拒不改正"}, "decided",
         "decided", "zfboss", {"zfcase": "403"}, "same", ["zfcase"], []),
        ("serve", {"served_on": "2026-09-04"}, "decided", "served", "zfcase", {"zfboss": "403"}, "督促缴款",
         ["zfcase"], ["zfboss"]),
        ("pay", {"paid_on": "2026-09-10"}, "served", "executed", "zfcase", {"zfreview": "403"}, "结案", ["zfboss"],
         ["zfcase"]),
        ("close", {"closed_on": "2026-09-15"}, "executed", "closed", "zfboss", {"zfcase": "403"}, None, [],
         ["zfboss"]),
    ],
    [
        ("investigate", {}, "filed", "investigating", "zfcase", {}, "调查终结,提交案审", ["zfcase"], []),
        ("submit_review", {"note": "调查终结"}, "investigating", "reviewing", "zfcase", {}, "案件审查", ["zfreview"],
         []),
        ("no_penalty", {"outcome": "first_no_penalty", "decided_on": "2026-08-01", "note": "首次违法且及时改正"},
         "reviewing", "closed", "zfreview", {"zfcase": "403"}, None, [], ["zfreview"]),
    ],
]

OUTFALLS = [
    [
        ("confirm", {"files": evidence}, "suspected", "confirmed", "pmgr", {"pdc": "403", "pcy": "404"}, "开展监测",
         ["pmgr"], ["pdc"]),
        ("monitor", {"values": {"cod": 20}}, "confirmed", "monitored", "pmgr", {"pdc": "403"}, "溯源排查", ["pmgr"],
         ["pdc"]),
        ("monitor", {"values": {"cod": 45}}, "monitored", "monitored", "pmgr", {}, "same", ["pmgr"], []),
        ("trace", {"trace_result": "雨污混接", "responsible_unit": "东城区水务局"}, "monitored", "traced", "pmgr",
         {"pdc": "403"}, "确定整治方式", ["pmgr"], ["pdc"]),
        ("rectify", {"outcome": "ban", "due": TODAY + dt.timedelta(days=30)}, "traced", "rectifying", "pmgr",
         {"pdc": "403"}, "完成整治并销号", ["pmgr"], ["pdc"]),
        ("close_out", {"note": "封堵到位", "files": evidence}, "rectifying", "closed_out", "pmgr", {"pdc": "403"}, None,
         [], ["pmgr"]),
    ],
    [
        ("dismiss", {"note": "非排污口"}, "suspected", "dismissed", "pmgr", {"pdc": "403", "pcy": "404"}, None, [],
         ["pmgr"]),
    ],
]


# ---- approvals (环评法, 排污许可管理条例, 环发〔2015〕4号; issue 13) ---------------------------------------

def new_eia(people):
    from envbureau.approvals import eia

    return eia.submit(None, enterprise_id=people["_firm"].pk, project_name="锅炉低氮改造", category="form",
                      submitted_on=TODAY, investment="1200.5", location="东城区示范路1号")


def new_permit(people):
    from envbureau.approvals import permits

    n = len(people.setdefault("_permits", []))
    # 排污许可管理条例 art. 14: valid five years; the second walk's permit was issued six years ago, so its validity has run out
    issued = TODAY - dt.timedelta(days=30 if n != 1 else 6 * 366)
    p = permits.issue(None, enterprise_id=people["_firm"].pk, number=f"91110101WALK0001{n:03d}P", category="key",
                      issued_on=issued, limits=())
    people["_permits"].append(p)
    if n == 2:
        from envbureau.approvals import supervision

        supervision._open(p, f"{supervision.PREFIX}overdue-walk", "证后监管:2026年第3季度 季报 逾期未提交", TODAY)
    return p


def new_execution_report(people):
    from envbureau.approvals.models import ExecutionReport

    p = new_permit(people)
    return ExecutionReport.objects.filter(permit=p, state="due").order_by("due_on").first()


RISK = {"air": {"substances": [{"name": "氨", "quantity_t": 20, "critical_t": 5}], "m": 30, "e": "E1"}}


def new_plan(people):
    from envbureau.approvals import emergency

    return emergency.submit_plan(None, enterprise_id=people["_firm"].pk, title="突发环境事件应急预案",
                                 signed_on=TODAY - dt.timedelta(days=5), submitted_on=TODAY, risk=RISK)


def new_incident(people):
    from envbureau.approvals import emergency
    from envbureau.core.timefmt import local_datetime

    now = dt.datetime.now(dt.timezone.utc)
    return emergency.report_incident(None, title="厂区储罐泄漏", kind="危化品泄漏", description="氨水储罐阀门泄漏",
                                     level="IV", occurred_at=local_datetime(now - dt.timedelta(hours=2)),
                                     reported_at=local_datetime(now - dt.timedelta(hours=1)),
                                     enterprise_id=people["_firm"].pk)


# the EIA form (报告表): acceptance → 补正 → technical review → 拟批准公示 → decision → 竣工验收
EIAS = [
    [
        ("request_correction", {"missing_materials": "公众参与说明"}, "submitted", "correction", "aacc",
         {"arev": "403", "axc": "404", "aent": "403", "leader": "403"}, "补正材料", ["aent"], ["aent2", "aacc"]),
        ("resubmit", {}, "correction", "submitted", "aent", {"aent2": "404", "aacc": "403"}, "受理审查", ["aacc"],
         ["aent", "arev"]),
        ("accept", {}, "submitted", "accepted", "aacc", {"arev": "403", "aent": "403"}, "组织技术评估", ["arev"],
         ["aacc", "aent"]),
        ("start_review", {}, "accepted", "reviewing", "arev", {"aacc": "403", "axc": "404"}, "完成技术评估",
         ["arev"], ["adec"]),
        ("finish_review", {"expert_opinion": "同意"}, "reviewing", "reviewed", "arev", {"adec": "403"},
         "拟批准公示或不予批准", ["adec"], ["arev"]),
        ("propose", {"on": TODAY + dt.timedelta(days=30)}, "reviewed", "proposed", "adec", {"arev": "403", "aent": "403"}, "作出审批决定", ["adec"],
         ["arev"]),
        # 拟批准公示 runs at least 5 working days; the decision comes after it
        ("approve", {"conditions": "落实各项污染防治措施", "decided_on": TODAY + dt.timedelta(days=60)}, "proposed",
         "approved", "adec",
         {"aacc": "403", "axc": "404", "leader": "403"}, "竣工环保验收", ["aent"], ["adec", "aent2"]),
        ("complete", {"completion_note": "验收合格", "completed_on": TODAY + dt.timedelta(days=60)}, "approved", "completed", "aent", {"aent2": "404", "adec": "403"},
         None, [], ["aent"]),
    ],
    [
        ("accept", {}, "submitted", "accepted", "aacc", {}, "组织技术评估", ["arev"], []),
        ("refuse", {"decision_reasons": "选址不符合规划"}, "accepted", "refused", "adec", {"arev": "403", "aent": "403"},
         None, [], ["adec"]),
    ],
    [
        ("withdraw", {"note": "项目取消"}, "submitted", "withdrawn", "aent", {"aent2": "404", "aacc": "403"}, None, [],
         ["aacc"]),
    ],
]

# 排污许可管理条例 art. 14: renewal applied for before expiry, reviewed by the permit section; changes and revocation by the bureau
PERMITS = [
    [
        ("change", {"note": "增加监测频次", "monitoring_duties": "每月手工监测一次"}, "valid", "valid", "aper",
         {"aent": "403", "axc": "404", "leader": "403"}, "same", ["aent"], []),
        ("apply_renewal", {}, "valid", "renewing", "aent", {"aent2": "404", "aper": "403"}, "审查延续申请", ["aper"],
         ["aent"]),
        ("renew", {}, "renewing", "valid", "aper", {"aent": "403", "axc": "404"}, "申请延续(到期前60日)", ["aent"],
         ["aper", "aent2"]),
        ("revoke", {"note": "以欺骗手段取得"}, "valid", "revoked", "aper", {"aent": "403", "leader": "403"}, None, [],
         ["aent"]),
    ],
    [("expire", {}, "valid", "expired", "aper", {"aent": "403", "axc": "404"}, None, [], ["aent"])],
    # 证后监管: the third permit carries an open finding (see new_permit); recording what was done closes it
    [("supervise", {"note": "已电话督促提交季报"}, "valid", "valid", "aper", {"aent": "403", "axc": "404", "leader": "403"},
      "same", [], [])],
]

# 排污许可管理条例 art. 22: the enterprise submits its execution report; the permit section accepts or sends it back
EXECUTION_REPORTS = [
    [
        ("submit", {"content": "本季度达标排放"}, "due", "submitted", "aent", {"aent2": "404", "aper": "403"},
         "审核执行报告", ["aper"], ["aent"]),
        ("send_back", {"note": "缺少自行监测数据"}, "submitted", "due", "aper", {"aent": "403", "axc": "404"},
         "提交执行报告", ["aent"], ["aper", "aent2"]),
        ("submit", {"content": "补充自行监测数据"}, "due", "submitted", "aent", {}, "审核执行报告", ["aper"], []),
        ("accept", {}, "submitted", "accepted", "aper", {"aent": "403", "leader": "403"}, None, [], ["aper"]),
    ],
]

# 环发〔2015〕4号: the bureau files (or sends back) the plan; the enterprise records drills and revises within three years
PLANS = [
    [
        ("file", {}, "submitted", "filed", "aemg", {"aent": "403", "axc": "404", "leader": "403"},
         "回顾性评估与修订(至少每三年)", ["aent"], ["aemg", "aent2"]),
        ("drill", {"note": "泄漏处置演练"}, "filed", "filed", "aent", {"aent2": "404", "aemg": "403"}, "same",
         ["aent"], []),
        ("supersede", {"note": "修订后的预案已备案"}, "filed", "superseded", "aemg", {"aent": "403"}, None, [],
         ["aent"]),
    ],
    [
        ("send_back", {"note": "风险评估不完整"}, "submitted", "returned", "aemg", {"aent": "403", "axc": "404"},
         "修改应急预案后重新提交", ["aent"], ["aemg"]),
        ("resubmit", {}, "returned", "submitted", "aent", {"aent2": "404", "aemg": "403"}, "应急预案备案审查",
         ["aemg"], ["aent"]),
    ],
]

INCIDENTS = [
    [
        ("log", {"note": "已关闭阀门"}, "reported", "reported", "aemg", {"aent": "403", "axc": "404"}, "same",
         ["aemg"], []),
        # 初报 within the hour limit: the inbox step loses its deadline words and becomes the next thing to do
        ("report_up", {"note": "已电话报告区政府和市局"}, "reported", "reported", "aemg",
         {"aent": "403", "axc": "404", "leader": "403"}, "启动应急响应", ["aemg"], ["aent"]),
        ("respond", {"note": "启动IV级响应"}, "reported", "responding", "aemg", {"aent": "403", "leader": "403"},
         "应急处置与结案", ["aemg"], ["aent"]),
        ("follow_up", {"note": "泄漏量约0.5吨,已围堵"}, "responding", "responding", "aemg", {"aent": "403", "axc": "404"},
         "same", ["aemg"], []),
        ("relevel", {"level": "III", "note": "影响范围扩大"}, "responding", "responding", "aemg", {"axc": "404"},
         "same", ["aemg"], []),
        ("close", {"summary": "泄漏已控制,无人员伤亡"}, "responding", "closed", "aemg", {"aent": "403"}, None, [],
         ["aemg"]),
    ],
]


def new_prereview(people):
    from envbureau.approvals import prereview

    return prereview.register(None, origin="internal", project_name="锅炉燃料清洁化改造", industry_name="火力发电",
                              enterprise_id=people["_firm"].pk, received_on=TODAY)


# 项目预审 (issue 13, local practice): the deciding head gives the opinion (不同意/有条件同意 with reasons); the
# registering staff may withdraw it; the enterprise reads its own but gives no opinion
PREREVIEWS = [
    [
        ("conclude", {"conclusion": "conditional", "reasons": "落实VOCs总量替代", "concluded_on": TODAY}, "submitted",
         "concluded", "adec", {"aacc": "403", "axc": "404", "aent": "403", "aent2": "404", "leader": "403"}, None,
         [], ["adec"]),
    ],
    [
        ("withdraw", {"note": "项目放弃落地"}, "submitted", "withdrawn", "aadd", {"adec": "403", "axc": "404"}, None,
         [], ["adec"]),
    ],
]


# ---- enforcement: coercive measures (Orders No. 28–30 of 2014) and credit repair (local practice) ---------

def new_correction(people):
    from envbureau.enforcement import measures

    return measures.order(None, new_case(people), kind="correction", decided_on=TODAY, content="立即停止超标排放")


def new_seizure(people):
    from envbureau.enforcement import measures

    return measures.order(None, new_case(people), kind="seizure", decided_on=TODAY, content="1号排污泵")


def new_limit(people):
    from envbureau.enforcement import measures

    # Order No. 30 art. 11: the party is told of its rights first; having waived them, the decision may follow at once
    return measures.order(None, new_case(people), kind="limit", decided_on=TODAY, content="1号锅炉负荷不超过50%",
                          notified_on=TODAY - dt.timedelta(days=1), rights_waived=True)


def new_daily_penalty(people):
    from envbureau.enforcement import measures

    case = new_case(people)
    for verb, data in (("investigate", {}), ("submit_review", {"note": "调查终结"}),
                       ("notify", {"outcome": "punish", "fine": "100000", "notified_on": "2026-08-03"}),
                       ("decide", {"decided_on": "2026-08-20"})):
        wf.apply(None, case, verb, **data)
    o = measures.order(None, case, kind="correction", decided_on="2026-08-20", content="立即停止超标排放")
    wf.apply(None, o, "serve", served_on="2026-08-21")
    wf.apply(None, o, "recheck", rechecked_on="2026-09-01", recheck_result="continuing")
    return measures.record_daily_penalty(None, case, orders=[o], decided_on="2026-09-02")


def new_transfer(people):
    from envbureau.enforcement import transfers

    case = new_case(people)
    for verb, data in (("investigate", {}), ("submit_review", {"note": "调查终结"}),
                       ("notify", {"outcome": "punish", "fine": "100000", "notified_on": "2026-08-03"}),
                       ("decide", {"decided_on": "2026-08-20"})):
        wf.apply(None, case, verb, **data)
    return transfers.transfer_case(None, case, kind="detention", transferred_on="2026-09-02",
                                   authority="北京市公安局东城分局", persons="张某\n李某", reason="通过暗管排放")


_CLUE_CASE: dict = {}


def new_clue(people):
    """A complaint's clue received three days ago (the filing clock: 15 days); the second walk files a case from
    it, so its factory files the case first (a case of the same enterprise, named on the step)."""
    from envbureau.enforcement import clues

    _enforcement_world(people)
    clue = clues.open_clue(None, source="complaint", enterprise_id=people["_firm"].pk, summary="群众反映夜间偷排",
                           received_on=TODAY - dt.timedelta(days=3))
    _CLUE_CASE["pk"] = new_case(people).pk
    return clue


CLUES = [
    [  # 生态环境行政处罚办法 art. 18: the head extends the 15 days, then the reviewer decides not to file, with reasons
        ("extend", {"days": 5, "note": "需补充调查"}, "pending", "pending", "zfboss",
         {"zfcase": "403", "zfxicheng": "404", "leader": "403"}, "same", ["zfcase"], []),
        ("not_file", {"decided_on": TODAY, "note": "经核查,反映情况不属实"}, "pending", "not_filed", "zfreview",
         {"zfcase": "403", "zfxicheng": "404"}, None, [], ["zfcase"]),
    ],
    [  # filed: the case form names the clue (cases.open_case(…, clue=)), which takes this step
        ("file", {"case": lambda: _CLUE_CASE["pk"], "decided_on": TODAY}, "pending", "filed", "zfcase",
         {"zfreview": "403", "zfxicheng": "404"}, None, [], ["zfcase"]),
    ],
]


TRANSFERS = [
    [  # 移送行政拘留暂行办法 arts. 10–15: the head's transfer decision, the files sent to the police (3 working days), the police's answer
        ("send", {"sent_on": "2026-09-03"}, "approved", "sent", "zfboss",
         {"zfcase": "403", "zfxicheng": "404", "leader": "403"}, "登记公安机关处理结果", ["zfcase"], ["zfboss"]),
        ("conclude", {"outcome": "detained", "outcome_on": "2026-09-10", "detention_days": 10}, "sent", "concluded",
         "zfcase", {"zfreview": "403", "zfxicheng": "404"}, None, [], ["zfcase"]),
    ],
]


def new_spot_seizure(people):
    from envbureau.enforcement import measures

    # Order No. 29 art. 13: taken on the spot two hours ago, the head's approval due within 24 hours
    taken = timezone.localtime() - dt.timedelta(hours=2)
    return measures.order(None, new_case(people), kind="seizure", content="2号排污泵", on_the_spot=True,
                          taken_at=taken.strftime("%Y-%m-%d %H:%M"))


def new_measure(people):
    kinds = people.setdefault("_measure_kinds", [new_correction, new_seizure, new_daily_penalty, new_limit,
                                                 new_spot_seizure])
    return kinds.pop(0)(people)


MEASURES = [
    [  # 责令改正: served, then re-checked within 30 days
        ("serve", {"served_on": TODAY}, "decided", "in_force", "zfcase", {"zfinsp": "403", "zfxicheng": "404",
                                                                          "leader": "403"},
         "复查、解除或督促缴款", ["zfcase"], ["zfreview"]),
        ("recheck", {"rechecked_on": TODAY + dt.timedelta(days=10), "recheck_result": "corrected"}, "in_force",
         "ended", "zfinsp", {"zfreview": "403", "zfxicheng": "404"}, None, [], ["zfcase"]),
    ],
    [  # 查封扣押 (Order No. 29 art. 15): extended by the head with reasons; the party asks for release, the head keeps it on
        # the check, then releases it when the violation is gone; the release decision is served
        ("extend", {"days": 20, "note": "案情复杂"}, "decided", "decided", "zfboss", {"zfcase": "403"}, "same",
         ["zfcase"], []),
        ("serve", {"served_on": TODAY}, "decided", "in_force", "zfcase", {}, "期限内解除查封、扣押或作出处理决定",
         ["zfcase"], []),
        ("request_release", {"release_requested_on": TODAY + dt.timedelta(days=1)}, "in_force", "in_force",
         "zfcase", {"zfinsp": "403", "zfxicheng": "404"}, "same", ["zfcase"], []),
        ("keep", {"kept_on": TODAY + dt.timedelta(days=2), "note": "尚未改正"}, "in_force", "in_force", "zfboss",
         {"zfcase": "403"}, "same", ["zfcase"], []),
        ("release", {"released_on": TODAY + dt.timedelta(days=5), "note": "违法行为已消除"}, "in_force", "ended",
         "zfboss", {"zfcase": "403", "zfxicheng": "404"}, None, [], ["zfcase"]),
        ("serve_release", {"release_served_on": TODAY + dt.timedelta(days=6)}, "ended", "ended", "zfcase",
         {"zfinsp": "403", "zfxicheng": "404"}, None, [], ["zfcase"]),
        # the decision, its extension and its release published (Order No. 29 art. 7) by who may publish
        ("publish", {"published_on": TODAY + dt.timedelta(days=7)}, "ended", "ended", "zfboss",
         {"zfcase": "403", "zfinsp": "403", "zfxicheng": "404"}, None, [], ["zfcase"]),
    ],
    [  # 按日连续处罚: served, then paid
        ("serve", {"served_on": "2026-09-03"}, "decided", "in_force", "zfcase", {}, "复查、解除或督促缴款",
         ["zfcase"], []),
        ("pay", {"paid_on": "2026-09-10"}, "in_force", "ended", "zfcase", {"zfreview": "403", "zfxicheng": "404"},
         None, [], ["zfcase"]),
    ],
    [  # 限制生产 (Order No. 30 arts. 14–20): served, the correction plan filed, released, then the follow-up check
        ("serve", {"served_on": TODAY}, "decided", "in_force", "zfcase", {}, "复查、解除或督促缴款", ["zfcase"], []),
        ("file_plan", {"plan_filed_on": TODAY + dt.timedelta(days=3)}, "in_force", "in_force", "zfcase",
         {"zfinsp": "403", "zfxicheng": "404"}, "same", ["zfcase"], []),
        ("release", {"released_on": TODAY + dt.timedelta(days=30), "note": "整改完成"}, "in_force", "ended", "zfboss",
         {"zfcase": "403"}, None, [], ["zfcase"]),
        ("follow_up", {"followed_up_on": TODAY + dt.timedelta(days=40)}, "ended", "ended", "zfinsp",
         {"zfreview": "403", "zfxicheng": "404"}, None, [], ["zfinsp"]),
    ],
    [  # 查封扣押 taken on the spot (Order No. 29 art. 13): the head approves it afterwards; within its term the seized pump goes to
        # the police with the case (处理决定, Order No. 29 art. 22)
        ("approve", {"approved_at": lambda: (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")},
         "pending", "in_force", "zfboss", {"zfcase": "403", "zfxicheng": "404"}, "期限内解除查封、扣押或作出处理决定",
         ["zfcase"], []),
        ("dispose", {"disposal": "transfer", "disposed_on": TODAY, "note": "涉嫌污染环境罪,公安机关已立案"},
         "in_force", "ended", "zfboss", {"zfcase": "403", "zfxicheng": "404"}, None, [], ["zfcase"]),
    ],
]


def new_repair(people):
    from envbureau.enforcement import config, credit

    _enforcement_world(people)
    n = len(people.setdefault("_ratings", []))
    # 70 on the indicators staff enter (weight 81), 100 on the cases and complaints (19): 75.7 → 警示 (yellow)
    firm = people["_firm"].pk
    scores = {k: 70 for k in credit.entry_keys(firm, 2020 + n)}
    # published 100 days ago: past the 3-month wait, within the 6-month window (NDRC Order No. 58 [2S]; Guangdong [1S])
    r = credit.rate(None, enterprise_id=firm, year=2020 + n, scores=scores, sources="现场核查",
                    published_on=TODAY - dt.timedelta(days=100))
    people["_ratings"].append(r)
    return credit.apply_repair(None, r, applicant="环保负责人", corrective_actions="在线监控整改完成",
                               materials="整改报告", documents=list(config.get("credit_repair_documents")),
                               applied_on=TODAY)


_NOT_RATERS = {"zfcase": "403", "rateent": "403", "zfxicheng": "404", "leader": "403"}
REPAIRS = [
    # 准予修复 → 7 days' publicity (公示) → in effect the day after it ends (by hand here; the job deadline_lapses
    # does it by itself)
    [("approve", {"note": "整改到位", "decided_on": TODAY}, "applied", "publicity", "zfrate", _NOT_RATERS, None, [],
      ["zfrate"]),
     ("take_effect", {"effective_on": TODAY + dt.timedelta(days=8)}, "publicity", "approved", "zfrate", _NOT_RATERS,
      None, [], ["zfrate"])],
    [("approve", {"note": "整改到位", "decided_on": TODAY}, "applied", "publicity", "zfrate", _NOT_RATERS, None, [],
      ["zfrate"]),
     ("objection", {"note": "异议成立:仍有偷排", "objected_on": TODAY + dt.timedelta(days=7)}, "publicity", "objected",
      "zfrate", _NOT_RATERS, None, [], ["zfrate"])],
    [("refuse", {"note": "整改未完成", "decided_on": TODAY}, "applied", "refused", "zfrate", {"zfboss": "403"}, None,
      [], ["zfrate"])],
]


# ---- waste (Order No. 23 manifests, declarations per HJ 1259, alerts) -----------------------------------------------

def _waste_parties(people):
    from envbureau.waste.models import Operator, Producer, Transporter

    if "_producer" not in people:
        f = people["_firms"]
        people["_producer"] = Producer.objects.create(enterprise_id=f["E1"].pk, name=f["E1"].name,
                                                      jurisdiction=f["E1"].jurisdiction, category="key")
        people["_operator"] = Operator.objects.create(enterprise_id=f["E3"].pk, name=f["E3"].name,
                                                      jurisdiction=f["E3"].jurisdiction, province="11")
        from envbureau.waste.models import Licence

        Licence.objects.create(operator=people["_operator"], number="L-W1", categories="HW08",
                               capacity_tonnes=1000, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2029, 12, 31))
        people["_carrier"] = Transporter.objects.create(name="运输丁", permit_no="P-W1", enterprise_id=f["E4"].pk)
    return people["_producer"], people["_operator"], people["_carrier"]


def new_manifest(people):
    from envbureau.waste import services

    producer, operator, carrier = _waste_parties(people)
    return services.create_manifest(people["wprod"], producer=producer, receiver=operator, transporter=carrier,
                                    waste_code="900-249-08", waste_name="废矿物油", sent_tonnes="10.000",
                                    created_on=TODAY)


MANIFESTS = [
    [
        ("ship", {"carried_tonnes": "10.000", "shipped_on": TODAY}, "created", "shipped", "wprod",
         {"wrecv": "403", "wother": "404", "leader": "403"}, "接收危险废物", ["wrecv"], ["wprod", "wother"]),
        ("receive", {"received_tonnes": "10.000", "received_on": TODAY}, "shipped", "received", "wrecv",
         {"wprodall": "403", "wprod": "403", "wother": "404"}, "确认转移联单", ["wrecv"], ["wprod"]),
        ("confirm", {"confirmed_on": TODAY}, "received", "confirmed", "wrecv", {"wprodall": "403", "wother": "404"},
         None, [], ["wrecv"]),
    ],
    [
        ("ship", {"carried_tonnes": "10.000", "shipped_on": TODAY}, "created", "shipped", "wprod", {}, "接收危险废物",
         ["wrecv"], []),
        ("pick_up", {"carried_tonnes": "10.000", "picked_up_on": TODAY}, "shipped", "shipped", "wcarry",
         {"wprod": "403", "wrecv": "403", "wother": "404"}, "same", [], []),
        ("hand_over", {"handed_over_on": TODAY}, "shipped", "shipped", "wcarry",
         {"wprod": "403", "wrecv": "403", "wother": "404"}, "same", [], []),
        ("receive", {"received_tonnes": "10.000", "received_on": TODAY}, "shipped", "received", "wrecv",
         {"wcarry": "403"}, "确认转移联单", ["wrecv"], ["wcarry"]),
    ],
    [("cancel", {"note": "填报错误"}, "created", "cancelled", "wprod", {"wrecv": "403", "wother": "404"}, None, [],
      ["wprod"])],
    [
        ("ship", {"carried_tonnes": "10.000", "shipped_on": TODAY}, "created", "shipped", "wprod", {}, "接收危险废物",
         ["wrecv"], []),
        ("reject", {"note": "类别与联单不符"}, "shipped", "rejected", "wrecv", {"wprodall": "403", "wother": "404"},
         "接回被拒收的危险废物", ["wprod"], ["wrecv"]),
        ("take_back", {}, "rejected", "returned", "wprod", {"wrecv": "403", "wother": "404"}, None, [], ["wprod"]),
    ],
]


def new_cross_province_application(people):
    from decimal import Decimal

    from envbureau.waste import services
    from envbureau.waste.models import CrossProvinceApplication, Licence, Operator

    producer, _o, _c = _waste_parties(people)
    if "_hebei" not in people:
        people["_hebei"] = Operator.objects.create(name="河北处置中心", province="13")
        Licence.objects.create(operator=people["_hebei"], number="L-W2", categories="HW08", capacity_tonnes=1000,
                               valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2029, 12, 31))
    return services.create_application(people["wprod"], CrossProvinceApplication(
        producer=producer, receiver=people["_hebei"], waste_code="900-249-08", waste_name="废矿物油",
        tonnes=Decimal("20"), period_from=TODAY, period_to=TODAY + dt.timedelta(days=200), submitted_on=TODAY))


APPLICATIONS = [
    [
        ("accept", {"accepted_on": TODAY}, "submitted", "accepted", "wappr",
         {"wprod": "403", "wother": "404", "leader": "403"}, "出具初审意见并函商接受地", ["wappr"], ["wprod"]),
        ("consult", {"letter_on": TODAY, "note": "初审同意,函商河北省"}, "accepted", "consulting", "wappr",
         {"wprod": "403", "wother": "404"}, "登记接受地省级部门回复", ["wappr"], ["wprod"]),
        ("record_reply", {"agreed": "是", "reply_on": TODAY}, "consulting", "replied", "wappr", {"wprod": "403"},
         "作出跨省转移审批决定", ["wappr"], ["wprod"]),
        ("approve", {"number": "京环危跨〔WALK〕1号", "decided_on": TODAY}, "replied", "approved", "wappr",
         {"wprod": "403", "leader": "403"}, None, [], ["wappr"]),
    ],
    [
        ("return_for_more", {"note": "缺运输合同"}, "submitted", "returned", "wappr", {"wprod": "403"},
         "补正跨省转移申请材料", ["wprod"], ["wother", "wappr"]),
        ("resubmit", {"submitted_on": TODAY}, "returned", "submitted", "wprod", {"wappr": "403", "wother": "404"},
         "受理跨省转移申请", ["wappr"], ["wprod"]),
        ("withdraw", {}, "submitted", "withdrawn", "wprod", {"wappr": "403", "wother": "404"}, None, [], ["wappr"]),
    ],
    [("refuse", {"note": "接受单位不具备相应能力", "decided_on": TODAY}, "submitted", "refused", "wappr",
      {"wprod": "403", "wother": "404"}, None, [], ["wappr"])],
]


def new_waste_declaration(people):
    from envbureau.waste.models import Declaration

    producer, _o, _c = _waste_parties(people)
    d = Declaration.objects.create(producer=producer, period="month", period_start=TODAY.replace(day=1),
                                   due=TODAY + dt.timedelta(days=10))
    wf.record_event(d, None, "open", to_state=d.state)
    wf.sync_tasks(d, None)
    return d


WASTE_DECLARATIONS = [
    [("submit", {"generated_tonnes": "1.5", "submitted_on": TODAY}, "due", "submitted", "wprod",
      {"wother": "404", "whandle": "403", "leader": "403"}, None, [], ["wprod"])],
]


def new_waste_alert(people):
    from envbureau.waste import services

    f = people["_firms"]["E1"]
    n = len(people.setdefault("_alerts", []))
    a = services.raise_alert("storage", f"walk:{n}", subject=f"{f.name} HW08", detail="贮存超过一年",
                             jurisdiction_id=f.jurisdiction_id, enterprise_id=f.pk, due=TODAY + dt.timedelta(days=15))
    people["_alerts"].append(a)
    return a


WASTE_ALERTS = [
    [("handle", {"note": "已督促转移处置"}, "open", "handled", "whandle", {"wcy": "404", "wprod": "403",
                                                                       "leader": "403"}, None, [], ["whandle"])],
]


# ---- soil (土壤污染防治法: plot lifecycle; key units' duties) --------------------------------------------------

def new_plot(people):
    from decimal import Decimal

    from envbureau.core.models import Jurisdiction
    from envbureau.soil import services
    from envbureau.soil.models import Plot, Sample

    n = Plot.objects.count() + 1
    p = services.create_plot(None, Plot(code=f"WALK-{n}", name=f"地块{n}", planned_use="residential",
                                        jurisdiction=Jurisdiction.objects.get(code="110101"), area_m2=Decimal(1000),
                                        enterprise_id=people["_firm"].pk))
    # GB 36600: arsenic screening value for first-class land (residential) is 20 mg/kg; 30 is above it
    Sample.objects.create(plot=p, point="S1", pollutant="砷", value=Decimal(30), sampled_on=TODAY)
    return p


PLOTS = [
    [
        ("review", {"kind": "survey", "outcome": "passed"}, "suspected", "suspected", "soilrev",
         {"soilmgr": "403", "soilcy": "404", "soilent": "403", "leader": "403"}, "same", ["soilrev"], []),
        ("conclude_survey", {}, "suspected", "risk", "soilrev", {"soilmgr": "403", "soilcy": "404"},
         "组织风险评估报告评审", ["soilrev"], ["soilmgr", "soilcy"]),
        ("review", {"kind": "risk", "outcome": "passed"}, "risk", "risk", "soilrev", {}, "same", ["soilrev"], []),
        ("enlist", {"listed_on": TODAY}, "risk", "listed", "soilrev", {"soilmgr": "403", "soilent": "403"},
         "监督风险管控或修复", ["soilmgr"], ["soilcy", "soilent"]),
        ("review", {"kind": "plan", "outcome": "passed"}, "listed", "listed", "soilrev", {}, "same", ["soilmgr"], []),
        ("finish_works", {}, "listed", "effect", "soilmgr", {"soilrev": "403", "soilcy": "404"},
         "组织效果评估报告评审", ["soilrev"], ["soilmgr"]),
        ("review", {"kind": "effect", "outcome": "passed"}, "effect", "effect", "soilrev", {}, "same", ["soilrev"],
         []),
        ("remove", {"removed_on": TODAY}, "effect", "removed", "soilrev", {"soilmgr": "403", "soilcy": "404"}, None,
         [], ["soilrev"]),
    ],
]


def new_duty(people):
    from envbureau.soil.models import Duty, KeyUnit

    f = people["_firm"]
    unit = KeyUnit.objects.get_or_create(enterprise_id=f.pk, list_year=TODAY.year, defaults={
        "name": f.name, "jurisdiction": f.jurisdiction.parent, "listed_on": TODAY - dt.timedelta(days=100)})[0]
    d = Duty.objects.create(unit=unit, kind="self_monitoring", year=TODAY.year, due=TODAY + dt.timedelta(days=30))
    wf.record_event(d, None, "open", to_state=d.state)
    wf.sync_tasks(d, None)
    return d


DUTIES = [
    [("done", {"done_on": TODAY}, "due", "done", "soilent", {"soilent2": "404", "soilrev": "403", "leader": "403"},
      None, [], ["soilent"])],
]


# ---- reports (issue 15): a report waits for its signer --------------------------------------------------------

def new_report(people):
    from envbureau.core.models import Jurisdiction
    from envbureau.reports import services

    return services.create_report(None, "rectification", Jurisdiction.objects.get(code="110000"), "2026-10")


REPORTS = [
    [("issue", {}, "pending", "issued", "rsign", {"rxc": "404", "leader": "403", "qoff": "404"}, None, [],
      ["rsign"])],
]


# ---- grids (issue 16): the grid's own officers patrol it; the section retires it -------------------------------

def new_grid(people):
    from envbureau.core.models import Jurisdiction
    from envbureau.projects import grids
    from envbureau.projects.models import Grid

    n = Grid.objects.count() + 1
    g = grids.create_grid(None, Grid(code=f"G-W{n}", name=f"网格{n}", level=3,
                                     jurisdiction=Jurisdiction.objects.get(code="110101001000")),
                          m2m={"officers": [people["gofficer"]]})
    return g


GRIDS = [
    [
        # a patrol closes this round's task and opens the next round's (due by the grid's frequency)
        ("patrol", {"visited": "东华门大街", "findings": "无"}, "active", "active", "gofficer",
         {"gother": "403", "leader": "403", "pcy": "404"}, "网格巡查", ["gofficer"], ["gother"]),
        ("retire", {"note": "网格调整"}, "active", "retired", "pmgr", {"gofficer": "403", "pcy": "404"}, None, [],
         ["gofficer"]),
    ],
]


def new_card(people):
    from envbureau.projects import cards
    from envbureau.projects.models import Card

    return cards.create_card(None, Card(enterprise_id=people["_firm"].pk, colour="yellow",
                                        criterion="exceed_penalised", reason="废气颗粒物超标排放,已处罚"))


CARDS = [
    [
        ("issue", {"issued_on": TODAY}, "proposed", "issued", "pmgr", {"pdc": "403", "pcy": "404"},
         "复查整改(摘牌或升级)", ["pmgr"], ["pdc"]),
        ("escalate", {"note": "逾期未完成整改"}, "issued", "issued", "pmgr", {"pdc": "403"}, "复查整改(摘牌或升级)",
         ["pmgr"], ["pdc"]),
        ("remove", {"note": "复查合格"}, "issued", "removed", "pmgr", {"pdc": "403"}, None, [], ["pmgr"]),
    ],
    [
        ("withdraw", {"note": "情形不成立"}, "proposed", "withdrawn", "pmgr", {"pdc": "403", "pcy": "404"}, None, [],
         ["pmgr"]),
    ],
]

WALKS = {
    "projects.card": (new_card, CARDS),
    "projects.outfall": (new_outfall, OUTFALLS),
    "projects.project": (new_project, PROJECTS),
    "projects.fund": (new_fund, FUNDS),
    "quality.warning": (new_warning, WARNINGS),
    "ledger.problem": (new_problem, LEDGER),
    "complaints.complaint": (new_complaint, COMPLAINTS),
    "quality.datareview": (new_review, REVIEWS),
    "sources.alarm": (new_alarm, ALARMS),
    "sources.declaration": (new_declaration, DECLARATIONS),
    "enforcement.inspection": (new_inspection, INSPECTIONS),
    "enforcement.case": (new_case, CASES),
    "enforcement.measure": (new_measure, MEASURES),
    "enforcement.transfer": (new_transfer, TRANSFERS),
    "enforcement.clue": (new_clue, CLUES),
    "enforcement.creditrepair": (new_repair, REPAIRS),
    "approvals.eiaapplication": (new_eia, EIAS),
    "approvals.permit": (new_permit, PERMITS),
    "approvals.executionreport": (new_execution_report, EXECUTION_REPORTS),
    "approvals.emergencyplan": (new_plan, PLANS),
    "approvals.incident": (new_incident, INCIDENTS),
    "approvals.prereview": (new_prereview, PREREVIEWS),
    "waste.manifest": (new_manifest, MANIFESTS),
    "waste.crossprovinceapplication": (new_cross_province_application, APPLICATIONS),
    "waste.declaration": (new_waste_declaration, WASTE_DECLARATIONS),
    "waste.alert": (new_waste_alert, WASTE_ALERTS),
    "soil.plot": (new_plot, PLOTS),
    "soil.duty": (new_duty, DUTIES),
    "reports.report": (new_report, REPORTS),
    "projects.grid": (new_grid, GRIDS),
}

# A workflow registered but not walked must be named here with the reason; the test below fails otherwise.
NOT_WALKED: dict[str, str] = {}


def test_every_walk_covers_all_its_verbs():
    for label, (_factory, walks) in WALKS.items():
        walked = {step[0] for walk in walks for step in walk}
        assert walked == set(wf.REGISTRY[label].transition_map), label


def test_every_registered_workflow_is_walked_or_named_with_a_reason():
    missing = sorted(set(wf.REGISTRY) - set(WALKS) - set(NOT_WALKED))
    assert missing == [], f"registered workflows neither walked in WALKS nor named in NOT_WALKED: {missing}"
    assert all(reason.strip() for reason in NOT_WALKED.values())
    assert not set(NOT_WALKED) & set(WALKS)
    assert set(NOT_WALKED) <= set(wf.REGISTRY), "a workflow named in NOT_WALKED is no longer registered"


def _outcome(fn, *args) -> str:
    try:
        fn(*args)
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    except ValidationError:
        return "400"
    return "ok"


def _seen_by(user, obj) -> set[str]:
    from envbureau.core.notify import tasks_for

    return set(tasks_for(user).filter(model=obj._meta.label_lower, object_id=str(obj.pk))
               .values_list("action", flat=True))


def _call(people, obj, verb, kwargs, actor):
    data = {k: (v(people) if k == "original" and callable(v) else v() if callable(v) else v)
            for k, v in kwargs.items()}
    note = data.pop("note", "")
    files = data.pop("files", ())
    return wf.apply(people[actor], obj, verb, note=note, files=files, **data)


@pytest.mark.parametrize("label", sorted(WALKS))
def test_walk(label, people, settings, tmp_path):
    from envbureau.core.models import Notification, Task, TimelineEvent

    settings.MEDIA_ROOT = tmp_path / "media"
    factory, walks = WALKS[label]
    for walk in walks:
        obj = factory(people)
        for verb, kwargs, frm, to, actor, refused, task, seen, unseen in walk:
            where = f"{label} {verb} from {frm}"
            field = wf.REGISTRY[label].field
            assert getattr(obj, field) == frm, where
            events = TimelineEvent.objects.filter(model=label, object_id=str(obj.pk))
            n_events = events.filter(verb=verb).count()
            before = set(Task.objects.filter(model=label, object_id=str(obj.pk), is_open=True).values_list(
                "pk", flat=True))
            for other, want in refused.items():
                assert _outcome(_call, people, obj, verb, kwargs, other) == want, f"{where} by {other}"
            # the right actor in a wrong state: every other verb that is not allowed from here answers 400
            for wrong in wf.REGISTRY[label].transitions:
                if frm not in wrong.sources and wrong.verb != verb:
                    assert _outcome(wf.check, None, obj, wrong.verb) == "400", f"{where}: {wrong.verb}"
            obj.refresh_from_db()
            assert getattr(obj, field) == frm and events.filter(verb=verb).count() == n_events, f"{where}: wrote"
            n_notes = Notification.objects.filter(kind="task").count()
            _call(people, obj, verb, kwargs, actor)
            obj.refresh_from_db()
            assert getattr(obj, field) == to, where
            assert events.filter(verb=verb).count() == n_events + 1, f"{where}: one event"
            ev = events.order_by("-id").first()
            assert (ev.verb, ev.from_state, ev.to_state, ev.actor_id) == (verb, frm, to, people[actor].pk), where
            open_now = set(Task.objects.filter(model=label, object_id=str(obj.pk), is_open=True, state=to)
                           .values_list("pk", flat=True))
            if task == "same":
                assert before & open_now, f"{where}: the open step should stay"
                continue
            assert not (before & open_now), f"{where}: the previous task must close"
            for name in seen:
                assert task in _seen_by(people[name], obj), f"{where}: {name} should see {task}"
            for name in unseen:
                assert task is None or task not in _seen_by(people[name], obj), f"{where}: {name} sees {task}"
            if task is None:
                assert not open_now, f"{where}: nothing should wait"
            else:
                told = set(Notification.objects.filter(kind="task", message__contains=str(task))
                           .values_list("recipient__username", flat=True))
                assert Notification.objects.filter(kind="task").count() > n_notes, f"{where}: notify"
                assert any(f"w_{name}" in told for name in seen), f"{where}: {seen} not told"


def test_every_lapse_rule_names_a_real_transition_and_clock_start():
    # A Lapse must be a transition from the state it watches (checked at registration), and the deemed step
    # must be one the system may take: these are the rules declared today, written here from the law.
    declared = {(w.model, lp.state, lp.clock, lp.verb) for w in wf.all_workflows() for lp in w.lapses}
    assert declared == {("approvals.eiaapplication", "submitted", "acceptance", "accept"),
                        ("waste.crossprovinceapplication", "submitted", "step", "accept"),
                        # 公示期满无异议: the repaired grade takes effect (local practice [1S])
                        ("enforcement.creditrepair", "publicity", "publicity", "take_effect")}
    with pytest.raises(ValueError, match="lapse"):
        wf.Workflow("x.y", module="x", states=[wf.State("a", "A"), wf.State("b", "B")],
                    transitions=[wf.Transition("go", ("a",), "b", "x.go", "go")],
                    lapses=[wf.Lapse("b", "c", "go", "n")])
