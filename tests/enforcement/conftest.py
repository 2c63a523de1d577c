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


def committed_draw(plan, seed, *, on=None, reason="", user=None, period="", witnesses=""):
    """Commit the SHA-256 of `seed` for the plan's period (regulations.md §1.9 step 2), then draw with it: the
    order every draw now takes. `reason` for a second draw of one period."""
    import hashlib

    from envbureau.enforcement import services

    services.commit_seed(user, plan, period, hashlib.sha256(seed.encode()).hexdigest(), on=on)
    return services.run_draw(user, plan, seed, on=on, period=period, reason=reason, witnesses=witnesses)
