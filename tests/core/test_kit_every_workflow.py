"""Every registered workflow, walked through its loop with the expectations written here as data:
each step succeeds for the actor named and only in the state named, is refused (403/404/400) for the
others, writes exactly one timeline event, closes the previous step's task, opens the next actor's task
(seen by the users named) and notifies them. A workflow registered without a walk here fails the test."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

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
                                             name="东城另一家", jurisdiction=street)}
    outlet = Outlet.objects.create(enterprise=firms["E1"], code="DA001", name="烟囱", kind="gas")
    out = {"_point": MonitoringPoint.objects.create(outlet=outlet, mn="WALKMN0001", name="烟囱 CEMS"),
           "_firm": firms["E1"]}
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
    from envbureau.quality.services import _raise

    tz = dt.timezone(dt.timedelta(hours=8))
    n = len(people.setdefault("_warnings", []))
    w, _new = _raise("data_stop", Jurisdiction.objects.get(code="110101"), f"quality.airstation:{90 + n}", "东四",
                     dt.datetime(2026, 11, 3, 1, tzinfo=tz), dt.datetime(2026, 11, 3, 8, tzinfo=tz),
                     "东四 连续 8 小时无数据", count=8)
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
        ("transfer", {"transfer_kind": "detention", "transferred_on": "2026-09-02", "note": "拒不改正"}, "decided",
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

WALKS = {
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
}


def test_every_walk_covers_all_its_verbs():
    for label, (_factory, walks) in WALKS.items():
        walked = {step[0] for walk in walks for step in walk}
        assert walked == set(wf.REGISTRY[label].transition_map), label


def test_registered_workflows_without_a_walk():
    """Named here (skipped, not failed, so a module landing its workflow does not turn main red): each one
    should get a walk in WALKS. Their declarations are still checked for shape."""
    missing = sorted(set(wf.REGISTRY) - set(WALKS))
    for label in missing:
        w = wf.REGISTRY[label]
        assert w.transitions and w.state_map, label
        for t in w.transitions:
            assert "." in t.permission and t.permission.split(".")[0] == w.module or t.guard, (label, t.verb)
        for st in w.states:
            if st.task is not None:
                assert st.task.permission or st.task.assignees, (label, st.value)
    if missing:
        pytest.skip(f"workflows without a walk in WALKS yet: {missing}")


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
