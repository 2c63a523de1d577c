"""规范化管理评估 pass rates, collection platforms, general industrial solid waste and 无废城市 cells counted from
the records (expectations stated here), each figure linking to the rows it counts."""

import datetime as dt
from decimal import Decimal

from django.test import Client

from envbureau.waste import stats
from envbureau.waste.models import (
    CollectionPlatform,
    IndustrialWaste,
    NormCheck,
    NormRound,
    Producer,
    ZeroWasteCell,
)


def test_norm_pass_rate_with_the_pass_mark_inclusive(world):
    from envbureau.core.models import Jurisdiction
    from envbureau.sources.models import Enterprise

    city = Jurisdiction.objects.get(code="110000")
    r = NormRound.objects.create(name="2026年评估", year=2026, jurisdiction=city, pass_mark=Decimal("60"))
    producers = [world["producer"]]
    for i in range(3):
        e = Enterprise.objects.create(credit_code=f"91110101MA01EEE{i}1X", name=f"产废{i}", jurisdiction=world["dc"])
        producers.append(Producer.objects.create(enterprise_id=e.pk, name=e.name, jurisdiction=world["dc"]))
    for p, score in zip(producers, ("59.9", "60", "60.1", "95")):
        NormCheck.objects.create(round=r, producer=p, checked_on=dt.date(2026, 6, 1), score=Decimal(score))
    s = stats.statistics(world["users"]["staff"], {"year": "2026"})
    assert [(x["checked"], x["passed"], x["rate"]) for x in s["rounds"]] == [(4, 3, "75.0%")]
    c = Client()
    c.force_login(world["users"]["staff"])
    page = c.get(s["rounds"][0]["passed_url"]).content.decode()
    assert "产废0" in page and "产废甲" not in page  # 59.9 is under the mark
    assert c.get("/api/v1/waste/statistics/?year=2026").json()["rounds"][0]["rate"] == "75.0%"


def test_platforms_industrial_and_cells(world):
    p = world["producer"]
    p.small_quantity = True
    p.save()
    s = stats.statistics(None, {"year": "2026"})
    assert (s["small"], s["joined"]) == (1, 0)
    platform = CollectionPlatform.objects.create(name="平台", jurisdiction=world["dc"])
    platform.members.add(p)
    IndustrialWaste.objects.create(enterprise_id=p.enterprise_id, name=p.name, jurisdiction=world["dc"], year=2026,
                                   kind="fly_ash", generated=Decimal("1000"), utilised=Decimal("943.8"))
    IndustrialWaste.objects.create(enterprise_id=p.enterprise_id, name=p.name, jurisdiction=world["dc"], year=2025,
                                   kind="fly_ash", generated=Decimal("5"), utilised=Decimal("0"))
    for name, status in (("学校", "accepted"), ("社区", "accepted"), ("工厂", "building")):
        ZeroWasteCell.objects.create(name=name, kind="school" if name == "学校" else "community", status=status,
                                     jurisdiction=world["dc"])
    s = stats.statistics(None, {"year": "2026"})
    assert (s["small"], s["joined"]) == (1, 1)
    assert s["utilisation"] == "94.4%"  # 943.8 / 1000 this year only
    assert s["cells"] == 2
    assert sorted((label, n) for label, n, _u in s["cells_by_kind"]) == [("学校", 1), ("社区", 1)]
    c = Client()
    c.force_login(world["users"]["staff"])
    assert "平台" in c.get("/waste/statistics/?year=2026").content.decode()
    assert "产废企业甲" in c.get(s["joined_url"]).content.decode()
    assert c.get("/waste/statistics/?year=x").status_code == 400
    # an enterprise reads its own rows only
    assert stats.statistics(world["users"]["other"], {"year": "2026"})["small"] == 0
