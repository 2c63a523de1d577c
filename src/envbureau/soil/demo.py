"""Demo step (order 75): plots at every stage with samples and reviews moved through the real verbs, two
key supervised units with their duties, farmland units (synthetic; idempotent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from envbureau.core.demo import register

# code, name, district, planned use, area, stage, samples [(pollutant, value)], developed
PLOTS = [
    ("DK-110105-001", "原朝阳化工厂地块(模拟)", "110105", "residential", 52000, "removed", [("苯", "6.2"), ("砷", "18")], False),
    ("DK-110105-002", "原焦化厂南区地块(模拟)", "110105", "public", 31000, "listed", [("苯并[a]芘", "7.1"), ("萘", "40")], False),
    ("DK-110108-003", "原电镀厂地块(模拟)", "110108", "industrial", 8800, "risk", [("铬（六价）", "9.5"), ("镍", "300")], False),
    ("DK-110101-004", "原印染厂地块(模拟)", "110101", "residential", 12000, "clean", [("铅", "120"), ("镉", "0.8")], True),
    ("DK-110113-005", "原农药仓库地块(模拟)", "110113", "park", 6000, "suspected", [], False),
    ("DK-110106-006", "原制革厂地块(模拟)", "110106", "commercial", 15000, "effect", [("铬（六价）", "12")], False),
]


@register(75, "土壤:地块全生命周期、重点监管单位与受污染耕地(模拟) / soil: plots, key units, farmland (synthetic)")
def load_soil(log):
    from django.utils import timezone

    from envbureau.core import workflow as wf
    from envbureau.core.models import Jurisdiction, Role
    from envbureau.core.roles import DEFAULT_ROLES

    from . import services
    from .models import FarmlandUnit, KeyUnit, Plot, Sample

    perms = {"officer": ["soil.view"], "enterprise": ["soil.view", "soil.report"]}
    for code, name, kind, p in DEFAULT_ROLES:
        role, _c = Role.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "permissions": p})
        extra = set(perms.get(code, ())) - set(role.permissions)
        if extra:
            role.permissions = sorted(set(role.permissions) | extra)
            role.save()
    today = timezone.localdate()
    j = {c: Jurisdiction.objects.get(code=c) for c in ("110101", "110105", "110106", "110108", "110113")}
    for code, name, district, use, area, stage, samples, developed in PLOTS:
        if Plot.objects.filter(code=code).exists():
            continue
        plot = services.create_plot(None, Plot(code=code, name=name, jurisdiction=j[district], planned_use=use,
                                               area_m2=Decimal(area), address=f"北京市{j[district].name}(模拟)",
                                               former_industry=name[1:4], developed=developed,
                                               longitude=116.3 + len(code) % 7 * 0.05, latitude=39.8 + area % 7 * 0.03))
        for i, (pollutant, value) in enumerate(samples):
            Sample.objects.create(plot=plot, point=f"S{i + 1}", depth_m=Decimal("0.5"), pollutant=pollutant,
                                  value=Decimal(value), sampled_on=today - dt.timedelta(days=300))
        if stage == "suspected":
            continue
        day = today - dt.timedelta(days=280)
        if code.endswith("003"):  # a survey report that failed its first review
            wf.apply(None, plot, "review", kind="survey", outcome="failed", reviewed_on=str(day), note="布点不足(模拟)")
        wf.apply(None, plot, "review", kind="survey", outcome="passed", reviewed_on=str(day + dt.timedelta(days=20)))
        wf.apply(None, plot, "conclude_survey")
        for step, kind, verb in (("listed", "risk", "enlist"), ("effect", "plan", "finish_works"),
                                 ("removed", "effect", "remove")):
            order = ["risk", "listed", "effect", "removed"]
            if stage not in order or order.index(stage) < order.index(step):
                break
            day += dt.timedelta(days=60)
            wf.apply(None, plot, "review", kind=kind, outcome="passed", reviewed_on=str(day))
            wf.apply(None, plot, verb, **({"listed_on": str(day)} if verb == "enlist" else
                                          {"removed_on": str(day)} if verb == "remove" else {}))
    Enterprise = services_enterprise()
    for e in Enterprise.objects.filter(synthetic=True, name__in=("朝阳精细化工示范有限公司(模拟)",
                                                                 "顺义汽车涂装示范有限公司(模拟)")):
        KeyUnit.objects.get_or_create(enterprise_id=e.pk, list_year=today.year, defaults=dict(
            name=e.name, jurisdiction_id=e.jurisdiction_id, listed_on=dt.date(today.year - 1, 3, 1)))
    made = services.ensure_duties(today)
    for name, level, area, measures, ok in (("朝阳东坝耕地单元(模拟)", "slight", "200", True, True),
                                           ("顺义北小营耕地单元(模拟)", "moderate", "700", True, True),
                                           ("顺义赵全营耕地单元(模拟)", "moderate", "50", True, False),
                                           ("通州永乐店耕地单元(模拟)", "heavy", "50", True, False)):
        FarmlandUnit.objects.get_or_create(name=name, year=today.year, defaults=dict(
            jurisdiction=j["110113"], level=level, area_hm2=Decimal(area), measures=measures, produce_ok=ok))
    # farmland samples classified per GB 15618-2018 (one per class and a Cu-on-paddy case reading the 其他 row)
    from .models import FarmlandSample

    for unit, point, land, ph, values in (
            ("朝阳东坝耕地单元(模拟)", "NY-01", "other", "6.8", {"cadmium": "0.25", "lead": "60", "copper": "40"}),
            ("顺义北小营耕地单元(模拟)", "NY-02", "paddy", "5.6", {"cadmium": "0.9", "arsenic": "25", "copper": "60"}),
            ("顺义赵全营耕地单元(模拟)", "NY-03", "rotation", "7.6", {"cadmium": "0.7", "zinc": "320"}),
            ("通州永乐店耕地单元(模拟)", "NY-04", "paddy", "5.2", {"cadmium": "1.8", "mercury": "0.4"})):
        u = FarmlandUnit.objects.filter(name=unit, year=today.year).first()
        if u is not None:
            FarmlandSample.objects.get_or_create(unit=u, point=point, sampled_on=dt.date(today.year, 4, 15), defaults=dict(
                land=land, ph=Decimal(ph), **{k: Decimal(v) for k, v in values.items()}))
    log(f"   soil: {Plot.objects.count()} plots, {KeyUnit.objects.count()} key units, {made} duties opened")


def services_enterprise():
    from django.apps import apps

    return apps.get_model("sources", "Enterprise")
