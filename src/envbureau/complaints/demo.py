"""Demo step (order 50): a few hundred complaints in Beijing districts, some repeats, states spread.

Demo street boundaries are not available, so routing uses the chosen street/district.
"""

from __future__ import annotations

import datetime as dt
import random

from envbureau.core.demo import register

PLACES = {
    "110101": ["东华门大街", "王府井大街", "东四北大街", "天坛东路", "崇文门外大街"],
    "110102": ["西单北大街", "德胜门外大街", "广安门内大街", "月坛南街"],
    "110105": ["朝阳路", "望京西路", "酒仙桥路", "双井桥南", "朝外大街"],
    "110106": ["丰台北路", "南苑路", "科技园区汉威路"],
    "110107": ["石景山路", "古城大街"],
    "110108": ["中关村大街", "学院路", "西三旗建材城", "上地信息路"],
    "110109": ["门头沟新城", "永定镇"],
    "110111": ["良乡大街", "燕山迎风街", "窦店镇"],
    "110112": ["新华大街", "宋庄镇", "马驹桥镇"],
    "110113": ["顺义站前街", "后沙峪镇"],
    "110114": ["回龙观西大街", "天通苑北", "沙河镇"],
    "110115": ["黄村西大街", "亦庄经济开发区", "西红门镇"],
    "110116": ["怀柔雁栖镇"],
    "110117": ["平谷新城"],
    "110118": ["密云鼓楼街道"],
    "110119": ["延庆妫水北街"],
}
# Rough district centres (lon, lat) so the hot-spot map has points; not street boundaries.
CENTRES = {
    "110101": (116.416, 39.928), "110102": (116.366, 39.912), "110105": (116.443, 39.921),
    "110106": (116.286, 39.858), "110107": (116.222, 39.906), "110108": (116.298, 39.959),
    "110109": (116.102, 39.941), "110111": (116.143, 39.747), "110112": (116.657, 39.909),
    "110113": (116.654, 40.130), "110114": (116.231, 40.220), "110115": (116.341, 39.726),
    "110116": (116.632, 40.316), "110117": (117.121, 40.140), "110118": (116.843, 40.377),
    "110119": (115.975, 40.456),
}
STREETS = {"110101": ["110101001000", "110101007000", "110101009000"], "110105": ["110105010000"]}
TOPICS = [
    ("noise", "noise_construction", "夜间施工噪声扰民", "工地晚上十点以后还在打桩施工，噪声很大，严重影响休息。", "某建设工程项目部"),
    ("noise", "noise_social", "商铺外放音响噪声", "临街商铺长期用高音喇叭招揽顾客，周边居民不堪其扰。", "某服装店"),
    ("noise", "noise_industrial", "厂房风机噪声", "厂房屋顶风机昼夜运转，噪声明显。", "某金属制品有限公司"),
    ("noise", "noise_traffic", "道路交通噪声", "高架桥车辆通行噪声大，希望加装隔声屏。", ""),
    ("air", "catering_fumes", "餐饮油烟直排", "饭店油烟未经净化直接排放，油烟味熏到楼上住户。", "某餐饮店"),
    ("air", "odour", "异味扰民", "附近企业经常排放刺鼻异味，晚上尤其明显。", "某化工有限公司"),
    ("air", "dust", "工地扬尘", "工地裸土未覆盖，大风天扬尘严重。", "某建设工程项目部"),
    ("air", "industrial_gas", "锅炉冒黑烟", "企业锅炉烟囱冒黑烟。", "某热力有限公司"),
    ("water", "domestic_sewage", "污水直排河道", "小区旁排水口有污水直排入河，河水发黑发臭。", ""),
    ("water", "industrial_wastewater", "企业偷排废水", "企业夜间偷排废水，沟渠颜色异常。", "某印染有限公司"),
    ("solid_waste", "", "建筑垃圾乱倒", "空地上倾倒大量建筑垃圾。", ""),
    ("solid_waste", "", "危险废物露天堆放", "厂区后院露天堆放废油桶。", "某汽修厂"),
    ("radiation", "", "基站辐射担忧", "楼顶新装通信基站，担心辐射影响健康。", "某通信公司"),
    ("ecology", "", "破坏林地", "有人在林地内违规建房。", ""),
    ("other", "", "其他环境问题", "反映周边环境卫生问题。", ""),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
UNITS = {"110101": "东城区生态环境局", "110105": "朝阳区生态环境局"}


@register(50, "信访投诉演示数据 / demo complaints")
def load_demo(log, n: int | None = None, seed: int = 12369):
    from django.utils import timezone

    from envbureau.core.demo import is_light

    if n is None:
        n = 40 if is_light() else 320

    from envbureau.core import workflow as wf
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    from . import deadlines, services, statistics
    from .choices import COMPLETED_STATES, EventKind
    from .models import Complaint, DeadlineRule, DuplicateLink, SatisfactionVisit

    # A role for the petition office with every complaints action (core's default roles give officers
    # view/change/handle; the office needs accept, assign, reply, visit, approve extensions, identity).
    role, _ = Role.objects.get_or_create(code="complaints_office", defaults={
        "name": "信访办理人员", "kind": "staff",
        "permissions": ["*.view", "imports.run", "complaints.*"]})
    petition = User.objects.filter(username="petition").first()
    if petition and not RoleAssignment.objects.filter(user=petition, role=role).exists():
        RoleAssignment.objects.create(user=petition, role=role)
    dongcheng = Jurisdiction.objects.filter(code="110101").first()
    if dongcheng and not DeadlineRule.objects.filter(name__startswith="东城区12369微信").exists():
        DeadlineRule.objects.create(
            name="东城区12369微信举报快速办理(示例)", jurisdiction=dongcheng, channel="wechat",
            accept_days=2, accept_kind="working", start_days=2, start_kind="working", finish_days=30,
            finish_kind="calendar", source="示例:参照福建2018年“百姓身边”专项(2个工作日受理、30日办结)")
    if Complaint.objects.filter(external_ref__startswith="demo-").exists():
        log("   demo complaints already present")
        return
    rnd = random.Random(seed)
    jur = {j.code: j for j in Jurisdiction.objects.all()}
    now = timezone.now()
    start = now - dt.timedelta(days=700)
    created = []
    weights = [6 if c in ("110101", "110105", "110108") else 2 for c in PLACES]
    channels = ["hotline"] * 5 + ["wechat"] * 3 + ["web"] * 2 + ["letter", "visit", "oversight", "platform"]
    for i in range(n):
        dcode = rnd.choices(list(PLACES), weights)[0]
        jcode = rnd.choice(STREETS[dcode]) if dcode in STREETS and rnd.random() < 0.7 else dcode
        j = jur.get(jcode) or jur.get(dcode)
        if j is None:
            continue
        cat, sub, title, content, ent = rnd.choice(TOPICS)
        street = rnd.choice(PLACES[dcode])
        place = f"{j.name if j.level == 'district' else jur[dcode].name + j.name}{street}{rnd.randint(1, 200)}号附近"
        lon0, lat0 = CENTRES[dcode]
        received = start + dt.timedelta(seconds=rnd.randint(0, int((now - start).total_seconds())))
        received = received.replace(hour=rnd.randint(8, 21))
        if received > now:
            received = now - dt.timedelta(hours=1)
        channel = rnd.choice(channels)
        c = Complaint(
            channel=channel, track="petition" if channel in ("letter", "visit") and rnd.random() < 0.5 else "clue",
            category=cat, sub_category=sub, title=title, content=f"{place}：{content}", location=place,
            lon=round(lon0 + rnd.uniform(-0.03, 0.03), 5), lat=round(lat0 + rnd.uniform(-0.02, 0.02), 5),
            jurisdiction=j, routed_by="chosen", enterprise_name=(street + ent) if ent else "",
            batch="第三轮中央生态环境保护督察 第%d批" % rnd.randint(1, 12) if channel == "oversight" else "",
            received_at=received, external_ref=f"demo-{i}",
            complainant_name="" if rnd.random() < 0.15 else rnd.choice(SURNAMES) + rnd.choice("伟芳娜敏静强磊军洋勇艳杰"),
            complainant_phone=f"13{rnd.randint(0, 9)}{rnd.randint(10000000, 99999999)}",
            is_key=rnd.random() < 0.05, query_code=f"{rnd.getrandbits(64):016x}",
        )
        c.anonymous = not c.complainant_name
        age = (now - received).days
        # Older complaints are further along; a few recent ones are still waiting.
        p = rnd.random()
        if age < 3 and p < 0.7:
            stage = "registered"
        elif p < 0.04:
            stage = "declined"
        elif age < 20 and p < 0.5:
            stage = rnd.choice(["accepted", "assigned", "investigated"])
        elif age < 60 and p < 0.3:
            stage = rnd.choice(["assigned", "investigated", "replied"])
        else:
            stage = rnd.choices(["replied", "visited", "closed", "assigned"], [3, 4, 4, 1])[0]
        t = received
        steps = [("register", "registered", t)]
        if stage == "declined":
            c.decline_reason = "不属于生态环境部门职责范围,已告知向城管部门反映"
            t += dt.timedelta(days=rnd.randint(1, 5))
            steps.append(("decline", "declined", t))
        elif stage != "registered":
            t += dt.timedelta(days=rnd.choice([0, 1, 1, 2, 3]), hours=rnd.randint(1, 6))
            c.accepted_at = t
            steps.append(("accept", "accepted", t))
            if stage != "accepted":
                t += dt.timedelta(days=rnd.randint(0, 2), hours=2)
                c.assigned_at = t
                c.assignee_unit = UNITS.get(dcode, f"{jur[dcode].name}生态环境局")
                c.unit = services.unit_named(c.assignee_unit)
                steps.append(("assign", "assigned", t))
            if stage in ("investigated", "replied", "visited", "closed"):
                t += dt.timedelta(days=rnd.randint(2, 15))
                c.investigated_at = t
                c.finding = rnd.choices(["substantiated", "partly", "unsubstantiated"], [5, 3, 2])[0]
                c.investigation = "经现场核查," + {"substantiated": "反映情况属实。", "partly": "反映情况部分属实。",
                                                  "unsubstantiated": "未发现反映的问题,反映情况不属实。"}[c.finding]
                if c.finding != "unsubstantiated":
                    c.measures = "已责令立即整改,并跟踪复查。"
                    c.ordered_rectification = True
                    if rnd.random() < 0.2:
                        c.case_filed = True
                        c.fine_amount = rnd.choice([10000, 20000, 50000, 100000])
                steps.append(("investigate", "investigated", t))
            if stage in ("replied", "visited", "closed"):
                t += dt.timedelta(days=rnd.randint(1, 40))
                c.replied_at = t
                c.reply_text = "您好,您反映的问题已核查处理," + c.investigation + (c.measures or "")
                c.reply_method = rnd.choice(["电话", "短信", "书面"])
                steps.append(("reply", "replied", t))
            if stage in ("visited", "closed"):
                t += dt.timedelta(days=rnd.randint(1, 7))
                c.visited_at = t
                c.satisfaction = rnd.choices(["satisfied", "basic", "dissatisfied", "unreachable"], [6, 3, 1, 1])[0]
                steps.append(("visit", "visited", t))
            if stage == "closed":
                t += dt.timedelta(days=rnd.randint(1, 5))
                c.closed_at = t
                steps.append(("close", "closed", t))
        if t > now:
            # Keep the story in the past: squeeze later steps before now.
            shift = t - now + dt.timedelta(hours=1)
            for name in ("accepted_at", "assigned_at", "investigated_at", "replied_at", "visited_at", "closed_at"):
                v = getattr(c, name)
                if v and v > received + shift:
                    setattr(c, name, v - shift)
            steps = [(k, s, max(received, x - shift) if x > received + shift else x) for k, s, x in steps]
        c.state = stage
        c.state_changed_at = steps[-1][2]
        deadlines.compute(c)
        if c.replied_at and c.finish_due:
            c.on_time = deadlines.local_date(c.replied_at) <= c.finish_due
        c.number = f"tmp-demo-{i}"
        c.save()
        c.number = f"XF{deadlines.local_date(c.received_at):%Y%m%d}{c.pk:06d}"
        c.save(update_fields=["number"])  # audited, unlike queryset.update()
        prev = ""
        for kind, state, when in steps:
            wf.record_event(c, None, kind, from_state=prev, to_state=state, note="演示数据", time=when)
            prev = state
        wf.sync_tasks(c, notify=False)
        if c.visited_at:
            SatisfactionVisit.objects.create(complaint=c, time=c.visited_at, method="电话",
                                             satisfaction=c.satisfaction, fixed=c.satisfaction != "dissatisfied")
        created.append(c)
    # Repeats: later complaints about the same place, some confirmed, some only suggested.
    finished = [c for c in created if c.state in COMPLETED_STATES]
    for k, orig in enumerate(rnd.sample(finished, min(max(n // 12, 4), len(finished)))):
        when = orig.received_at + dt.timedelta(days=rnd.randint(1, 25))
        if when > now:
            continue
        rep = Complaint(
            channel=rnd.choice(channels), track=orig.track, category=orig.category, sub_category=orig.sub_category,
            title=orig.title, content=orig.content + "(再次反映)", location=orig.location,
            lon=orig.lon + 0.0004, lat=orig.lat + 0.0003, jurisdiction=orig.jurisdiction, routed_by="chosen",
            enterprise_name=orig.enterprise_name, received_at=when, external_ref=f"demo-rep-{k}",
            complainant_name=rnd.choice(SURNAMES) + "先生", complainant_phone=f"139{rnd.randint(10000000, 99999999)}",
            query_code=f"{rnd.getrandbits(64):016x}", state="registered")
        deadlines.compute(rep)
        rep.number = f"tmp-demo-rep-{k}"
        rep.save()
        rep.number = f"XF{deadlines.local_date(rep.received_at):%Y%m%d}{rep.pk:06d}"
        rep.save(update_fields=["number"])
        wf.record_event(rep, None, EventKind.REGISTER, to_state="registered", note="演示数据", time=when)
        confirmed = k % 2 == 0
        DuplicateLink.objects.create(complaint=rep, original=orig, state="confirmed" if confirmed else "suggested",
                                     score=0.8, distance_m=45.0, days_apart=(when - orig.received_at).days,
                                     text_similarity=0.85)
        if confirmed:
            rep.is_repeat, rep.repeat_of = True, orig
            rep.accepted_at = rep.replied_at = when + dt.timedelta(hours=3)
            rep.finding, rep.investigation = orig.finding, orig.investigation
            rep.reply_text = f"经核实,您反映的问题与第{orig.number}号件为同一事项,该件已办结。" + orig.reply_text
            rep.state = "replied"
            deadlines.compute(rep)
            rep.on_time = True
            rep.save()
            wf.record_event(rep, None, EventKind.ANSWER_REPEAT, from_state="registered", to_state="replied",
                            note="重复件按原结果答复", time=rep.replied_at)
        wf.sync_tasks(rep, notify=False)
    # The district offices' units get their officers as members, so 交办 to them shows in their tasks.
    from envbureau.core.models import Unit

    for unit_name, username in (("东城区生态环境局", "dongcheng"), ("朝阳区生态环境局", "chaoyang")):
        unit, member = Unit.objects.filter(name=unit_name).first(), User.objects.filter(username=username).first()
        if unit is not None and member is not None:
            unit.members.add(member)
    _demo_photo(created)
    rows = statistics.rebuild()
    log(f"   {Complaint.objects.count()} complaints, {DuplicateLink.objects.count()} duplicate links, "
        f"{rows} summary rows (street boundaries not configured: routing uses the chosen street)")


# Sub-categories whose complaints are about a plant (the demo's topics with an enterprise named).
PLANT_TOPICS = ("odour", "industrial_gas", "industrial_wastewater", "noise_industrial")


@register(51, "信访投诉:被举报企业关联已登记企业 / complaints naming registered enterprises")
def link_enterprises(log):
    """A few demo complaints about a plant name a registered enterprise of their area (`enterprise_id`, the
    registry's name), as the petition office does once it knows the plant, so the enforcement demo (order 60)
    starts checks and a case from them. Idempotent: once any demo complaint names one, nothing changes."""
    import re

    from django.apps import apps
    from django.utils import timezone

    from envbureau.core.demo import is_light

    from .models import Complaint

    demo = Complaint.objects.filter(external_ref__startswith="demo-")
    if demo.filter(enterprise_id__isnull=False).exists() or not apps.is_installed("envbureau.sources"):
        return
    enterprises = list(apps.get_model("sources", "Enterprise").objects.select_related("jurisdiction"))
    want = 3 if is_light() else 8
    latest = timezone.now() - dt.timedelta(days=10)  # a check on the day received, a case a few days on
    linked = 0
    for c in (demo.filter(sub_category__in=PLANT_TOPICS, received_at__lte=latest).select_related("jurisdiction")
              .order_by("-received_at")):
        if not re.fullmatch(r"demo-\d+", c.external_ref):  # repeats keep pointing at their original
            continue
        path = c.jurisdiction.path
        ent = next((e for e in enterprises if path.startswith(e.jurisdiction.path)
                    or e.jurisdiction.path.startswith(path)), None)
        if ent is None:
            continue
        c.enterprise_id, c.enterprise_name = ent.pk, ent.name
        c.save(update_fields=["enterprise_id", "enterprise_name"])
        linked += 1
        if linked >= want:
            break
    log(f"   {linked} complaints name a registered enterprise")

def _demo_photo(created) -> None:
    """One complaint of 东城区 with a citizen's photo (drawn here, stored through the public form's path)."""
    import io

    from PIL import Image, ImageDraw

    from . import photos

    target = next((c for c in created if c.jurisdiction.path.startswith("/110000/110101/")), None) or \
        (created[0] if created else None)
    if target is None:
        return
    im = Image.new("RGB", (320, 240), (120, 130, 140))
    ImageDraw.Draw(im).rectangle((40, 60, 280, 200), fill=(90, 70, 50))  # a pile of construction waste
    buf = io.BytesIO()
    im.save(buf, "JPEG")
    buf.seek(0)
    buf.name = "现场.jpg"
    photos.attach(target, photos.clean_uploads([buf]))
