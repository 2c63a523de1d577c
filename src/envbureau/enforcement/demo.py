"""Demo step (order 60): the 一单两库一细则 for Beijing, inspectors, a recusal, a draw with a fixed public
seed and its inspections moved through the real verbs (idempotent; the same under is_light())."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone

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
# provision, instrument, article, from, to, min, max, summary. The Code's article numbers were not available
# (the Code's text was not available to us): its rows say so, and a bureau corrects them in 法律依据.
LEGAL_BASES = [
    ("exceed_standard", "中华人民共和国大气污染防治法", "第九十九条第二项", "2016-01-01", "2026-08-15", 100000, 1000000,
     "超过大气污染物排放标准或者超过重点大气污染物排放总量控制指标排放大气污染物"),
    ("exceed_standard", "中华人民共和国生态环境法典", "(条款号待核定)", "2026-08-15", None, 100000, 1000000,
     "超标排放大气污染物(法典施行后)"),
    ("facility_not_running", "中华人民共和国大气污染防治法", "第一百零八条", "2016-01-01", "2026-08-15", 20000, 200000,
     "未正常运行污染防治设施"),
    ("facility_not_running", "中华人民共和国生态环境法典", "(条款号待核定)", "2026-08-15", None, 20000, 200000,
     "未正常运行污染防治设施(法典施行后)"),
    ("discharge_without_permit", "排污许可管理条例", "第三十三条", "2021-03-01", None, 200000, 1000000,
     "未取得排污许可证排放污染物"),
    ("outlet_sign_missing", "排污许可管理条例", "第三十六条", "2021-03-01", None, 20000, 200000,
     "未按照排污许可证规定设置排污口标志等"),
]


@register(60, "监督执法:一单两库一细则、双随机抽取与执法检查 / enforcement: draws and inspections")
def load_enforcement(log):
    from envbureau.core.models import Department, Jurisdiction, Role, RoleAssignment, User
    from envbureau.core.roles import DEFAULT_ROLES

    from . import services
    from .models import Draw, DrawPlan, InspectionItem, Inspector, InspectorPosting, PoolEnterprise, Recusal

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
    last = PoolEnterprise.objects.order_by("-enterprise_id").first()
    if last is not None and last != first:
        # a former employer within the recusal window: recused from it in every draw until 2027-03-31
        InspectorPosting.objects.get_or_create(
            inspector=Inspector.objects.get(badge_no="11000020260005"), kind="employer", enterprise=last,
            started_on=dt.date(2019, 7, 1), defaults={"ended_on": dt.date(2025, 3, 31), "post": "环保专员"})
    plan, _c = DrawPlan.objects.get_or_create(name="2026年第四季度北京市污染源双随机抽查", defaults=dict(
        jurisdiction=city, year=2026, period="quarter", ratio_key=1, ratio_general=1, ratio_special=1))
    plan.items.set(InspectionItem.objects.all())
    if not Draw.objects.filter(plan=plan).exists() and PoolEnterprise.objects.exists():
        services.commit_seed(None, plan, "", hashlib.sha256(DEMO_SEED.encode()).hexdigest(), on=dt.date(2026, 10, 8),
                             note="局纪检组见证的摇号结果")
        d = services.run_draw(None, plan, DEMO_SEED, witnesses="局纪检组 周同志", on=dt.date(2026, 10, 8))
        insp = list(d.inspections.order_by("id"))
        if insp:
            i = insp[0]
            _evidence(i)  # photo and signatures taken during the visit
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
        _dated(d, dt.date(2026, 10, 8))
    _legal_bases_and_cases(log)
    _earlier_quarters(log)
    _from_alarms_and_complaints(log)
    _on_the_spot(log)
    _ratings(log)
    log(f"   {PoolEnterprise.objects.count()} pool enterprises, {Inspector.objects.count()} inspectors, "
        f"{Draw.objects.count()} draws")


def _legal_bases_and_cases(log):
    from . import cases
    from .models import Case, Inspection, Inspector, LegalBasis

    rows = {}
    for prov, inst, art, start, end, lo, hi, text in LEGAL_BASES:
        b, _c = LegalBasis.objects.get_or_create(provision=prov, effective_from=dt.date.fromisoformat(start), defaults=dict(
            instrument=inst, article=art, text=text, effective_to=dt.date.fromisoformat(end) if end else None,
            fine_min=lo, fine_max=hi))
        rows.setdefault(prov, []).append(b)
    for versions in rows.values():  # old article → its Code successor
        if len(versions) == 2 and versions[0].successor_id is None:
            versions[0].successor = versions[1]
            versions[0].save()
    if Case.objects.exists():
        return
    handlers = list(Inspector.objects.order_by("badge_no")[:2])
    found = Inspection.objects.filter(result="corrected").first()
    if found is None or len(handlers) < 2:
        return
    c1 = cases.open_case(None, enterprise_id=found.enterprise_id, cause="未按照排污许可证规定设置排污口标志",
                         provision="outlet_sign_missing", act_date=found.inspected_on, facts=found.findings,
                         filed_on=dt.date(2026, 10, 22), inspection=found, handlers=handlers, source=found.code)
    from envbureau.core import workflow as wf

    wf.apply(None, c1, "investigate")
    wf.apply(None, c1, "submit_review", note="调查终结,事实清楚,证据确凿。")
    wf.apply(None, c1, "notify", outcome="lighter", levels={"harm": 1, "fault": 2, "attitude": 1},
             notified_on="2026-11-02")
    wf.apply(None, c1, "decide", decided_on="2026-11-12")
    wf.apply(None, c1, "serve", served_on="2026-11-13")
    wf.apply(None, c1, "publish", published_on="2026-11-16")
    other = Inspection.objects.exclude(pk=found.pk).filter(state__in=["recorded", "published"]).first()
    if other is not None:
        c2 = cases.open_case(None, enterprise_id=other.enterprise_id, cause="自动监测数据传输有效率偏低",
                             provision="facility_not_running", act_date=dt.date(2026, 9, 1), filed_on=dt.date(2026, 10, 16),
                             handlers=handlers, inspection=other, source=other.code)
        wf.apply(None, c2, "investigate")
        wf.apply(None, c2, "submit_review", note="初次违法,危害后果轻微并及时改正。")
        wf.apply(None, c2, "no_penalty", outcome="first_no_penalty", decided_on="2026-10-30",
                 note="符合首违不罚条件,已对当事人进行教育。")
    _measures(c1)
    log(f"   {LegalBasis.objects.count()} legal bases, {Case.objects.count()} cases")


def _measures(case):
    """c1: the order to correct served with the decision, an unannounced re-check that found the outlets still
    unmarked, the daily penalty from it; a seizure of the pump decided, extended and released."""
    from envbureau.core import workflow as wf

    from . import measures

    case.address = case.address or "北京市东城区示范路1号"
    case.save(update_fields=["address"])
    o = measures.order(None, case, kind="correction", decided_on=dt.date(2026, 11, 12),
                       content="立即按照排污许可证规定设置排污口标志", correct_by=dt.date(2026, 11, 12))
    wf.apply(None, o, "serve", served_on="2026-11-13")
    wf.apply(None, o, "recheck", rechecked_on="2026-11-20", recheck_result="continuing", note="暗查:仍未设置")
    daily = measures.record_daily_penalty(None, case, orders=[o], decided_on=dt.date(2026, 11, 24))
    wf.apply(None, daily, "serve", served_on="2026-11-25")
    s = measures.order(None, case, kind="seizure", decided_on=dt.date(2026, 11, 20),
                       content="2号排放口旁路排放泵1台")
    wf.apply(None, s, "serve", served_on="2026-11-20")
    wf.apply(None, s, "extend", days=10, note="检测报告未出,经负责人批准延长")
    wf.apply(None, s, "publish", published_on="2026-11-23")  # Order No. 29 art. 7: decision and extension public


def _on_the_spot(log):
    """A seizure taken on the spot in an emergency during the check started by an online-monitoring alarm (the
    bypass pump found running), three hours before the demo was loaded: it waits for the head's approval, due 24
    hours after it was taken, so the inbox shows the hour and `envbureau measures_watch` flags it once late."""
    from django.utils import timezone

    from . import measures
    from .models import Case, Measure

    if Measure.objects.filter(on_the_spot=True).exists():
        return
    case = (Case.objects.filter(source__startswith="sources.alarm:").exclude(state="closed").order_by("pk").first()
            or Case.objects.exclude(state="closed").order_by("pk").first())
    if case is None:
        return
    taken = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    m = measures.order(None, case, kind="seizure", on_the_spot=True, taken_at=taken,
                       content="在线监测报警后现场检查发现正在使用的旁路排放阀门及连接管道(当场查封)",
                       reason="情况紧急,不立即查封将导致污染物持续直接排放")
    log(f"   on-the-spot seizure {m.code}: head's approval due {timezone.localtime(m.approval_due):%Y-%m-%d %H:%M}")


def _ratings(log):
    from . import config, credit
    from .models import CreditRating, PoolEnterprise

    if CreditRating.objects.exists():
        return
    # 2025 ratings published 2026-05-20: 诚信, 良好, 警示 or 不良 (repaired), 良好 — the indicators the records do not
    # decide entered with their source
    levels = [100, 88, 40, 85]
    for n, p in enumerate(PoolEnterprise.objects.order_by("enterprise_id")):
        keys = credit.entry_keys(p.enterprise_id, 2025)
        r = credit.rate(None, enterprise_id=p.enterprise_id, year=2025, scores={k: levels[n % 4] for k in keys},
                        sources="2025年度企业自评及现场核查记录(模拟)", published_on=dt.date(2026, 5, 20))
        if n % 4 == 2 and r.grade in ("yellow", "red"):  # applied for, decided, publicised, in effect
            from envbureau.core import workflow as wf

            req = credit.apply_repair(None, r, applicant="企业环保负责人", applied_on=dt.date(2026, 8, 20),
                                      corrective_actions="已完成在线监控设施整改,数据传输有效率恢复至95%以上",
                                      documents=list(config.get("credit_repair_documents")),
                                      materials="第三方检测报告、在线监控运维记录")
            wf.apply(None, req, "approve", decided_on="2026-09-01", note="整改到位,材料齐全,准予修复")
            wf.apply(None, req, "take_effect", effective_on="2026-09-09", note="公示期满无异议")
    log(f"   {CreditRating.objects.count()} credit ratings")


def _evidence(insp):
    """A photo of the outlet and the two signatures on the first recorded inspection (drawn, like the
    canvas on the phone would; stored through the same path that strips metadata)."""
    import base64
    import io

    from PIL import Image, ImageDraw

    from envbureau.core.demo_media import jpeg

    from . import evidence
    from .models import Inspection

    insp = Inspection.objects.get(pk=insp.pk)
    if insp.evidence.exists() or insp.state not in evidence.OPEN_STATES:
        return
    evidence.add_photo(None, insp, jpeg("outlet.jpg"), caption="废水总排放口及标识牌")
    for role, who in (("party", "企业环保负责人"), ("inspector", None)):
        pad = Image.new("RGBA", (600, 240), (255, 255, 255, 0))
        ImageDraw.Draw(pad).line([(60, 160), (160, 80), (260, 170), (380, 90), (520, 150)], fill=(0, 0, 0, 255), width=4)
        out = io.BytesIO()
        pad.save(out, "PNG")
        url = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
        member = insp.team.order_by("pk").first()
        evidence.add_signature(None, insp, role=role, image=url, signer=who or "",
                               inspector=member.pk if role == "inspector" and member else None)


QUARTERS = [(1, "2026Q1-公开摇号-10293", dt.date(2026, 1, 12)), (2, "2026Q2-公开摇号-55120", dt.date(2026, 4, 8)),
            (3, "2026Q3-公开摇号-73841", dt.date(2026, 7, 6))]


def _earlier_quarters(log):
    """The year's first three quarterly draws (key 25 %, general 5 %, positive list halved), each recorded two
    weeks after the draw and published, so the statistics have a year of 双随机 behind them."""
    from envbureau.core.models import Jurisdiction

    from . import drawing, services
    from .models import Draw, DrawPlan, InspectionItem

    city = Jurisdiction.objects.get(code="110000")
    for q, seed, day in QUARTERS:
        plan, _c = DrawPlan.objects.get_or_create(name=f"2026年第{q}季度北京市污染源双随机抽查", defaults=dict(
            jurisdiction=city, year=2026, period="quarter"))
        plan.items.set(InspectionItem.objects.all())
        if Draw.objects.filter(plan=plan).exists():
            continue
        try:
            if services.open_commitment(plan, services.plan_period(plan, "", day).key) is None:
                services.commit_seed(None, plan, "", hashlib.sha256(seed.encode()).hexdigest(), on=day)
            d = services.run_draw(None, plan, seed, witnesses="局纪检组 周同志", on=day)
        except drawing.Unsatisfiable:
            continue
        for n, i in enumerate(d.inspections.order_by("id")):
            marks = {str(k): ("ok", "") for k in range(len(i.checklist))}
            result = "no_problem"
            if n % 4 == 1 and marks:
                marks["0"] = ("problem", "台账记录不完整")
                result = "corrected"
            services.record_inspection(None, i, checklist=marks, result=result, party_present="企业环保负责人",
                                       findings="" if result == "no_problem" else "台账记录不完整,已责令当场改正。",
                                       inspected_on=(day + dt.timedelta(days=14)).isoformat())
            services.publish_inspection(None, i)
        services.publish_draw(None, d)
        _dated(d, day)
    log(f"   {Draw.objects.count()} draws in 2026")


def _dated(draw, day):
    """The demo builds a year in one run: the draw is dated on its day and it and its checks published a few days
    after the checks (not all at the moment the demo ran, which read as drawn in December and published late)."""
    from django.utils import timezone

    from .models import Draw, Inspection, SeedCommitment

    def at(d, hour):
        return timezone.make_aware(dt.datetime.combine(d, dt.time(hour, 30)))

    from envbureau.core.kit_models import TimelineEvent

    def events(model, pk):
        return TimelineEvent.objects.filter(model=model, object_id=str(pk)).order_by("time", "pk")

    last = day
    for i in Inspection.objects.filter(draw=draw):
        published = at(i.inspected_on + dt.timedelta(days=3), 10) if i.published_at and i.inspected_on else None
        if published:
            Inspection.objects.filter(pk=i.pk).update(published_at=published)
        for e in events("enforcement.inspection", i.pk):  # planned with the draw, recorded on the day, published
            when = {"published": published, "recorded": i.inspected_on and at(i.inspected_on, 11)}.get(e.to_state)
            TimelineEvent.objects.filter(pk=e.pk).update(time=when or at(day, 9))
        last = max(last, i.inspected_on or last)
    published = at(last + dt.timedelta(days=3), 16) if draw.published_at else None
    Draw.objects.filter(pk=draw.pk).update(drawn_at=at(day, 9), published_at=published)
    # the seed's commitment was announced before the draw: three days before, in the afternoon
    SeedCommitment.objects.filter(draw=draw).update(committed_at=at(day - dt.timedelta(days=3), 16))
    for n, e in enumerate(events("enforcement.draw", draw.pk)):  # drawn, then published
        TimelineEvent.objects.filter(pk=e.pk).update(time=at(day, 9) if n == 0 or not published else published)


def _from_alarms_and_complaints(log):
    """Checks started by the demo's online-monitoring exceedance alarms and by complaints naming a registered
    enterprise, in the same records as the draws; the first of each becomes a case that links back to its alarm
    or complaint (Case.source, Inspection.source_ref), and a finding goes to the problem ledger."""
    from django.apps import apps

    from envbureau.core import workflow as wf

    from . import cases, services
    from .models import Inspection, Inspector, PoolEnterprise

    done = set(Inspection.objects.filter(source__in=["alarm", "complaint"]).values_list("source", flat=True))
    pool = {p.enterprise_id: p for p in PoolEnterprise.objects.all()}
    team = list(Inspector.objects.order_by("badge_no")[1:3])
    if len(team) < 2 or not pool:
        return
    rows = []
    Alarm = apps.get_model("sources", "Alarm")  # read through the app registry (no model import)
    alarms = Alarm.objects.filter(kind="exceedance", enterprise_id__in=list(pool)).order_by("started_at")
    for a in alarms[:2] if "alarm" not in done else []:
        day = dl_local(a.started_at)
        rows.append(("alarm", f"sources.alarm:{a.pk}", a.enterprise_id, day, "offsite", "exceed_standard",
                     f"在线监测报警:{a.message or a.get_kind_display()}"))
    Complaint = apps.get_model("complaints", "Complaint")
    complaints = Complaint.objects.filter(enterprise_id__in=list(pool)).order_by("received_at")
    for c in complaints[:2] if "complaint" not in done else []:
        rows.append(("complaint", f"complaints.complaint:{c.pk}", c.enterprise_id, dl_local(c.received_at), "onsite",
                     "facility_not_running", f"信访投诉:{c.title}"))
    seen = set()
    transferred = False
    for source, ref, ent, day, method, provision, why in rows:
        p = pool[ent]
        i = services.create_inspection(None, source=source, enterprise_id=ent, enterprise_name=p.name,
                                       jurisdiction_id=p.jurisdiction_id, team=team, kind="case", method=method,
                                       planned_on=day, source_ref=ref)
        marks = {str(k): ("ok", "") for k in range(len(i.checklist))}
        if marks:
            marks["0"] = ("problem", why[:100])
        first = source not in seen
        seen.add(source)
        services.record_inspection(None, i, checklist=marks, result="case" if first else "corrected",
                                   party_present="企业环保负责人", findings=why, inspected_on=day.isoformat())
        if first:
            case = cases.open_case(None, enterprise_id=ent, cause=why[:200], provision=provision, act_date=day,
                                   filed_on=min(day + dt.timedelta(days=3), timezone.localdate()),  # never ahead
                                   inspection=i, handlers=team, source=ref,
                                   facts=why)
            wf.apply(None, case, "investigate")
            if source == "alarm" and not transferred:  # the first alarm's case: a suspected crime, to the police
                _transfer(case, team)
                transferred = True
        else:
            wf.apply(None, i, "to_problem", category="other")
    log(f"   {len(rows)} checks from alarms and complaints (each complaint's timeline links to its check and case)")


def _transfer(case, team):
    """A case from an online-monitoring alarm reviewed and transferred to the police as a suspected crime
    (国务院令第310号 art. 5): the files sent the same day (within 24 hours), the police's answer not yet in."""
    from envbureau.core import workflow as wf

    from . import transfers

    wf.apply(None, case, "submit_review", note="调查终结,超标倍数较高,涉嫌污染环境罪。")
    on = min(case.filed_on + dt.timedelta(days=2), timezone.localdate())
    t = transfers.transfer_case(None, case, kind="crime", transferred_on=on,
                                authority="北京市公安局环境食品药品和旅游安全保卫总队", persons="王某(生产负责人)",
                                reason="在线监测数据显示持续严重超标排放,涉嫌污染环境罪。")
    wf.apply(None, t, "send", sent_on=on)


def dl_local(value):
    from django.utils import timezone

    return timezone.localtime(value).date()
