import datetime as dt

import pytest


@pytest.fixture
def world(demo_core):
    """Four enterprises (two in 东城区, two in 朝阳区), five certified inspectors, items, a city plan."""
    from envbureau.core.models import Jurisdiction
    from envbureau.enforcement import services
    from envbureau.enforcement.models import DrawPlan, InspectionItem, Inspector
    from envbureau.sources.models import Enterprise

    city = Jurisdiction.objects.get(code="110000")
    dc, cy = Jurisdiction.objects.get(code="110101"), Jurisdiction.objects.get(code="110105")
    codes = ["91110101MA01AAAA1X", "91110101MA01BBBB2X", "91110105MA01CCCC3X", "91110105MA01DDDD4X"]
    ents = []
    for n, (code, jur) in enumerate(zip(codes, [dc, dc, cy, cy])):
        ents.append(Enterprise.objects.create(credit_code=code, name=f"测试企业{n + 1}",
                                              jurisdiction=jur, key_air=(n == 0)))
    services.sync_pool(None)
    items = [InspectionItem.objects.create(code="T-01", name="持证排污", checklist="持证排污\n按证排污"),
             InspectionItem.objects.create(code="T-02", name="设施运行")]
    inspectors = [Inspector.objects.create(name=f"执法{n}", badge_no=f"B{n:04d}", jurisdiction=city)
                  for n in range(1, 6)]
    plan = DrawPlan.objects.create(name="测试计划", jurisdiction=city, year=2026, ratio_key=1, ratio_general=1,
                                   ratio_special=1)
    plan.items.set(items)
    return {"enterprises": ents, "inspectors": inspectors, "plan": plan, "items": items, "city": city,
            "day": dt.date(2026, 10, 8)}


@pytest.fixture
def make_records(world):
    """Records of other modules about one enterprise for its 2025 credit rating: a 规范化 check (72.5), complaints
    (one found true in 2025, one not true in 2025, one true in 2026), a permit valid through 2025 with one report late,
    an approved EIA, a filed emergency plan."""
    from decimal import Decimal

    from django.utils import timezone

    from envbureau.approvals.models import EIAApplication, EmergencyPlan, ExecutionReport, Permit
    from envbureau.complaints import services as complaints
    from envbureau.complaints.models import Complaint
    from envbureau.waste.models import NormCheck, NormRound, Producer

    def make(ent):
        jur = ent.jurisdiction
        producer = Producer.objects.create(enterprise_id=ent.pk, name=ent.name, jurisdiction=jur)
        rnd = NormRound.objects.create(name="2025年危险废物规范化环境管理评估", year=2025, jurisdiction=jur)
        check = NormCheck.objects.create(round=rnd, producer=producer, checked_on=dt.date(2025, 9, 1),
                                         score=Decimal("72.5"))
        made = []
        for when, finding in ((dt.datetime(2025, 6, 1, 9), "substantiated"), (dt.datetime(2025, 7, 1, 9),
                              "unsubstantiated"), (dt.datetime(2026, 1, 1, 9), "substantiated")):
            c = Complaint(jurisdiction=jur, channel="hotline", track="clue", category="noise",
                          sub_category="noise_construction", title="夜间噪声", content="夜间生产噪声扰民",
                          location="某路1号", complainant_name="张某", complainant_phone="13812345678",
                          enterprise_id=ent.pk, enterprise_name=ent.name, received_at=timezone.make_aware(when))
            c = complaints.register(None, c, suggest=False)
            Complaint.objects.filter(pk=c.pk).update(finding=finding)
            made.append(c)
        permit = Permit.objects.create(number="91110101MA01AAAA1X001P", enterprise_id=ent.pk, enterprise_name=ent.name,
                                       jurisdiction=jur, category="key", issued_on=dt.date(2024, 1, 1),
                                       valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2028, 12, 31))
        ExecutionReport.objects.create(permit=permit, kind="year", year=2024, due_on=dt.date(2025, 1, 15),
                                       state="accepted", submitted_on=dt.date(2025, 1, 20), late=True)
        ExecutionReport.objects.create(permit=permit, kind="quarter", year=2025, period=1, due_on=dt.date(2025, 4, 15),
                                       state="accepted", submitted_on=dt.date(2025, 4, 10))
        eia = EIAApplication.objects.create(code="EIA-2024-001", enterprise_id=ent.pk, builder=ent.name,
                                            project_name="技改项目", category="form", jurisdiction=jur,
                                            submitted_on=dt.date(2024, 3, 1), decided_on=dt.date(2024, 5, 1),
                                            state="approved")
        plan = EmergencyPlan.objects.create(code="YA-2024-001", enterprise_id=ent.pk, enterprise_name=ent.name,
                                            jurisdiction=jur, title="突发环境事件应急预案", signed_on=dt.date(2024, 1, 20),
                                            submitted_on=dt.date(2024, 2, 1), filing_due=dt.date(2024, 2, 20),
                                            state="filed", filed_on=dt.date(2024, 2, 10),
                                            revision_due=dt.date(2027, 2, 1), risk_level="一般", risk_label="一般")
        return {"check": check, "complaint": made[0], "permit": permit, "eia": eia, "plan": plan}

    return make


def committed_draw(plan, seed, *, on=None, reason="", user=None, period="", witnesses=""):
    """Commit the SHA-256 of `seed` for the plan's period (step 2 of our commit–reveal design [M]), then draw with it: the
    order every draw now takes. `reason` for a second draw of one period."""
    import hashlib

    from envbureau.enforcement import services

    services.commit_seed(user, plan, period, hashlib.sha256(seed.encode()).hexdigest(), on=on)
    return services.run_draw(user, plan, seed, on=on, period=period, reason=reason, witnesses=witnesses)
