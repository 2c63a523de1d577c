"""Demo step (order 70): producers, operators and licences for the simulated enterprises, a year of
manifests moved through the real verbs (a few quantity mismatches, late and overdue confirmations, a
rejection, a cross-province transfer), stock past its limit and the daily scan (idempotent; a month under
is_light())."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from envbureau.core.demo import register

WASTES = [("900-249-08", "废矿物油", "T,I"), ("900-041-49", "废包装桶", "T/In"), ("772-002-18", "焚烧飞灰", "T"),
          ("900-047-49", "废实验室化学品", "T/C/I/R")]
DEMO_PASSWORD = "Demo@2026"
WASTE_PERMS = {"officer": ["waste.view", "waste.handle"],
               "enterprise": ["waste.view", "waste.ship", "waste.receive", "waste.declare", "waste.carry"]}


CARRIER_BODY = "MA01WY01"


def _carrier_enterprise(jurisdiction_id):
    from envbureau.sources import credit_code

    from . import services

    ent, _c = services.enterprise_model().objects.get_or_create(
        credit_code=credit_code.make("91", "110105", CARRIER_BODY), defaults=dict(
            name="京运危货运输示范公司(模拟)", jurisdiction_id=jurisdiction_id, synthetic=True,
            industry_name="危险货物道路运输"))
    return ent


@register(31, "固体废物:危险废物运输企业(模拟) / waste: the transport company's enterprise (synthetic)")
def load_waste_carrier(log):
    """Before the steps that go through every enterprise (the enforcement pool at 60), so that a second run of
    the demo finds it already there and adds nothing."""
    from envbureau.core.models import Jurisdiction

    j = Jurisdiction.objects.filter(code="110105").first()
    if j is not None:
        _carrier_enterprise(j.pk)


@register(70, "固体废物:产生单位、经营许可证、一年的转移联单与预警(模拟) / waste: manifests and alerts (synthetic)")
def load_waste(log):
    from django.utils import timezone

    from envbureau.core.demo import is_light
    from envbureau.core.models import Department, Role, RoleAssignment, User
    from envbureau.core.roles import DEFAULT_DEPARTMENTS, DEFAULT_ROLES

    from . import rules, services
    from .models import (
        CrossProvinceApproval,
        Licence,
        ManagementPlan,
        Manifest,
        Operator,
        Producer,
        Stock,
        Transporter,
    )

    # Databases made before this app: the built-in roles and departments get what core/roles.py now says.
    for code, name, kind, perms in DEFAULT_ROLES:
        role, _c = Role.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "permissions": perms})
        extra = set(WASTE_PERMS.get(code, ())) - set(role.permissions)
        if extra:
            role.permissions = sorted(set(role.permissions) | extra)
            role.save()
    for code, name, modules in DEFAULT_DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name, "modules": modules})

    def user(username, display, role, enterprise_id=None, depts=()):
        u = User.objects.filter(username=username).first()
        if u is None:
            u = User(username=username, display_name=display)
            u.set_password(DEMO_PASSWORD)
            u.save()
        if not RoleAssignment.objects.filter(user=u, role__code=role).exists():
            a = RoleAssignment.objects.create(user=u, role=Role.objects.get(code=role), enterprise_id=enterprise_id)
            if depts:
                a.departments.set(Department.objects.filter(code__in=depts))
        return u

    Enterprise = services.enterprise_model()
    ents = {e.name: e for e in Enterprise.objects.filter(synthetic=True)}
    if len(ents) < 4:
        log("   waste demo skipped: the sources demo enterprises are missing")
        return
    jd, cy, hd, sy = (ents[n] for n in ("京东热电示范有限公司(模拟)", "朝阳精细化工示范有限公司(模拟)",
                                        "海淀再生水示范有限公司(模拟)", "顺义汽车涂装示范有限公司(模拟)"))
    user("waste_staff", "固体废物科 孙工", "waste_officer")
    user("waste_operator", "危废经营单位用户(朝阳精细化工)", "enterprise", enterprise_id=cy.pk)

    today = timezone.localdate()
    producers = []
    for e, tonnes, small in ((jd, Decimal("160"), False), (sy, Decimal("45"), False), (hd, Decimal("6"), True)):
        p, _c = Producer.objects.get_or_create(enterprise_id=e.pk, defaults=dict(
            name=e.name, credit_code=e.credit_code, jurisdiction_id=e.jurisdiction_id, annual_tonnes=tonnes,
            category=rules.classify(tonnes), small_quantity=small, waste_codes="900-249-08、900-041-49"))
        producers.append(p)
        ManagementPlan.objects.get_or_create(producer=p, year=today.year, defaults=dict(
            filing_no=f"{today.year}-{e.jurisdiction.code}-{p.pk:04d}", filed_on=dt.date(today.year, 3, 20),
            planned_tonnes=tonnes))
    local, _c = Operator.objects.get_or_create(enterprise_id=cy.pk, defaults=dict(
        name=cy.name, credit_code=cy.credit_code, jurisdiction_id=cy.jurisdiction_id, province="11"))
    hebei, _c = Operator.objects.get_or_create(name="河北危废综合处置示范中心(模拟)", defaults=dict(province="13"))
    Licence.objects.get_or_create(number="京危废经第D11000001号(模拟)", defaults=dict(
        operator=local, categories="HW08,HW49,HW18", capacity_tonnes=Decimal("3000"),
        valid_from=today - dt.timedelta(days=5 * 365 - 40), valid_to=today + dt.timedelta(days=40)))
    Licence.objects.get_or_create(number="冀危废经第13000002号(模拟)", defaults=dict(
        operator=hebei, categories="HW08,HW49", capacity_tonnes=Decimal("50"),
        valid_from=today - dt.timedelta(days=700), valid_to=today + dt.timedelta(days=1100)))
    # the transport company as its own enterprise (made at step 31), with an account that sees and acts on what
    # it carries
    carrier_ent = _carrier_enterprise(cy.jurisdiction_id)
    carrier, _c = Transporter.objects.get_or_create(name="京运危货运输示范公司(模拟)",
                                                    defaults={"permit_no": "京交运管许可字110000000001号(模拟)"})
    if carrier.enterprise_id != carrier_ent.pk:
        carrier.enterprise_id = carrier_ent.pk
        carrier.save()
    user("waste_carrier", "危废运输单位用户(京运危货)", "enterprise", enterprise_id=carrier_ent.pk)
    approval, _c = CrossProvinceApproval.objects.get_or_create(number="京环危跨〔%d〕1号(模拟)" % today.year, defaults=dict(
        producer=producers[0], receiver=hebei, waste_code="900-249-08", tonnes=Decimal("500"),
        approved_on=today - dt.timedelta(days=200), valid_until=rules.add_months(today - dt.timedelta(days=200), 12)))
    Stock.objects.get_or_create(producer=producers[1], waste_code="900-041-49", stored_on=today - dt.timedelta(days=400),
                                defaults={"tonnes": Decimal("3.2")})
    Stock.objects.get_or_create(producer=producers[0], waste_code="900-249-08", stored_on=today - dt.timedelta(days=30),
                                defaults={"tonnes": Decimal("8.5")})

    if Manifest.objects.filter(producer__in=producers).exists():
        log("   waste demo manifests already present")
    else:
        _manifests(producers, local, hebei, approval, carrier, today, 30 if is_light() else 365, log)
    _registries(producers, local, today)
    _applications(producers, hebei, today)
    found = services.scan(today)
    log(f"   waste scan: {found}")


def _manifests(producers, local, hebei, approval, carrier, today, days, log):
    from envbureau.core import workflow as wf

    from . import rules, services

    rng = random.Random(2026)
    made = 0
    for ago in range(days, 0, -3):
        day = today - dt.timedelta(days=ago)
        for pi, p in enumerate(producers):
            if pi == 2 and ago % 30:
                continue  # the small producer ships monthly
            code, name, hazard = WASTES[(ago + pi) % 2]
            cross = pi == 0 and ago % 45 == 0 and code == "900-249-08"
            receiver = hebei if cross else local
            sent = Decimal(str(round(rng.uniform(1.0, 12.0), 3)))
            m = services.create_manifest(None, producer=p, receiver=receiver, transporter=carrier, waste_code=code,
                                         waste_name=name, hazard=hazard, sent_tonnes=sent, created_on=day,
                                         approval=approval if cross else None)
            made += 1
            if ago <= 1:
                continue  # still at the producer's
            wf.apply(None, m, "ship", carried_tonnes=str(sent), vehicle_no=f"京A{10000 + made}", shipped_on=str(day))
            if ago <= 4:
                continue  # on the road
            if made % 97 == 0:
                wf.apply(None, m, "reject", note="包装破损、标签与联单不符(模拟)")
                wf.apply(None, m, "take_back")
                continue
            received = sent
            if made % 41 == 0:  # a few quantity mismatches
                received = (sent * Decimal("0.95")).quantize(Decimal("0.001"))
            arrived = day + dt.timedelta(days=1)
            wf.apply(None, m, "receive", received_tonnes=str(received), received_on=str(arrived))
            m.refresh_from_db()
            if ago <= 12 and made % 3 == 0:
                continue  # received, confirmation still owed (some past the 5 working days)
            lag = 9 if made % 53 == 0 else rng.randint(0, 3)  # a few late confirmations
            confirmed = min(arrived + dt.timedelta(days=lag), today)
            wf.apply(None, m, "confirm", confirmed_on=str(confirmed), method="R9" if code == "900-249-08" else "D10")
    log(f"   {made} manifests over {days} days (synthetic); due check {rules.confirm_due(today)}")


def _registries(producers, local, today):
    """A 规范化管理评估 round, a collection platform with the small producer, industrial solid waste, cells."""
    from envbureau.core.models import Jurisdiction

    from .models import CollectionPlatform, IndustrialWaste, NormCheck, NormRound, ZeroWasteCell

    city = Jurisdiction.objects.get(code="110000")
    r, _c = NormRound.objects.get_or_create(name=f"{today.year}年危险废物规范化环境管理评估(模拟)", year=today.year,
                                            defaults={"jurisdiction": city})
    for p, score in zip(producers, ("92.5", "86", "58")):
        NormCheck.objects.get_or_create(round=r, producer=p, defaults={"checked_on": today - dt.timedelta(days=60),
                                                                       "score": Decimal(score)})
    platform, _c = CollectionPlatform.objects.get_or_create(name="海淀区小微产废单位收集平台(模拟)", defaults=dict(
        operator=local, jurisdiction=producers[2].jurisdiction, started_on=today - dt.timedelta(days=500)))
    platform.members.add(producers[2])
    for p, kind, g, u in ((producers[0], "fly_ash", "12000", "11500"), (producers[0], "slag", "3000", "2900"),
                          (producers[1], "other", "800", "500")):
        IndustrialWaste.objects.get_or_create(enterprise_id=p.enterprise_id, year=today.year, kind=kind, defaults=dict(
            name=p.name, jurisdiction=p.jurisdiction, generated=Decimal(g), utilised=Decimal(u),
            disposed=Decimal(g) - Decimal(u)))
    for name, kind, district, accepted in (("东城区示范无废学校(模拟)", "school", "110101", True),
                                           ("朝阳区示范无废社区(模拟)", "community", "110105", True),
                                           ("海淀区示范无废机关(模拟)", "office", "110108", True),
                                           ("顺义区示范无废工厂(模拟)", "enterprise", "110113", False)):
        ZeroWasteCell.objects.get_or_create(name=name, defaults=dict(
            kind=kind, jurisdiction=Jurisdiction.objects.get(code=district),
            status="accepted" if accepted else "building", accepted_on=today - dt.timedelta(days=90) if accepted else None))


def _applications(producers, hebei, today):
    """Cross-province applications on the kit: one replied to by the other province and waiting for the decision
    (approving it issues the 批复 document), one waiting for the other province's reply, one returned for missing
    materials."""
    from envbureau.core import workflow as wf

    from . import services
    from .models import CrossProvinceApplication

    if CrossProvinceApplication.objects.exists():
        return
    d = today - dt.timedelta(days=40)

    def apply(producer, code, name, tonnes, start):
        return services.create_application(None, CrossProvinceApplication(
            producer=producer, receiver=hebei, waste_code=code, waste_name=name, tonnes=Decimal(tonnes),
            method="R9", period_from=start, period_to=start + dt.timedelta(days=300), submitted_on=start))

    a = apply(producers[0], "900-249-08", "废矿物油", "200", d)
    wf.apply(None, a, "accept", accepted_on=str(d + dt.timedelta(days=2)))
    wf.apply(None, a, "consult", letter_on=str(d + dt.timedelta(days=6)), note="初审同意,已函商河北省(模拟)")
    wf.apply(None, a, "record_reply", agreed="是", reply_on=str(today - dt.timedelta(days=2)))
    b = apply(producers[1], "900-041-49", "废包装桶", "30", today - dt.timedelta(days=10))
    wf.apply(None, b, "accept", accepted_on=str(today - dt.timedelta(days=9)))
    wf.apply(None, b, "consult", letter_on=str(today - dt.timedelta(days=8)), note="初审同意(模拟)")
    c = apply(producers[1], "900-249-08", "废矿物油", "12", today - dt.timedelta(days=3))
    wf.apply(None, c, "return_for_more", note="缺运输合同与接受单位经营许可证复印件(模拟)")
