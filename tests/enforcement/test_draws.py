"""Draws through the services and the CLI: recorded, verifiable, unsatisfiable draws write nothing."""

import hashlib
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from envbureau.enforcement import drawing, services
from envbureau.enforcement.models import Draw, Inspection, Recusal

from .conftest import committed_draw


def _cli(*args):
    from io import StringIO

    out = StringIO()
    call_command("draw", *args, stdout=out)
    return out.getvalue()


def test_cli_run_list_verify(world):
    plan = world["plan"]
    _cli("commit", "--plan", str(plan.pk), "--hash", hashlib.sha256("公开种子-1".encode()).hexdigest())
    out = json.loads(_cli("run", "--plan", str(plan.pk), "--seed", "公开种子-1", "--json"))
    assert out["seed"] == "公开种子-1" and out["algorithm"] == "eb-draw" and out["algorithm_version"] == "1"
    assert len(out["pairs"]) == 4  # ratio 1: every enterprise once
    assert all(len(p["inspectors"]) == 2 for p in out["pairs"])
    d = Draw.objects.get(pk=out["id"])
    assert Inspection.objects.filter(draw=d, state="planned").count() == 4
    listed = json.loads(_cli("list", "--json"))
    assert listed[0]["seed"] == "公开种子-1" and listed[0]["enterprise_pool_hash"] == out["enterprise_pool_hash"]
    assert "复核通过" in _cli("verify", str(d.pk))  # exit 0


def test_verify_fails_when_recorded_pairs_or_inputs_changed(world):
    d = committed_draw(world["plan"], "seed-x", on=world["day"])
    pairs = d.pairs
    swapped = [[e, [world["inspectors"][3].pk, world["inspectors"][4].pk]] for e, _m in pairs]
    assert swapped != pairs
    Draw.objects.filter(pk=d.pk).update(pairs=swapped)  # tampering behind the model's back
    with pytest.raises(CommandError):  # the CLI exits 1
        _cli("verify", str(d.pk))
    Draw.objects.filter(pk=d.pk).update(pairs=pairs)
    _cli("verify", str(d.pk))
    inputs = dict(d.inputs)
    inputs["enterprises"] = {**inputs["enterprises"], "cls": [2] * len(inputs["enterprises"]["cls"])}
    Draw.objects.filter(pk=d.pk).update(inputs=inputs)
    ok, problems = services.verify_draw(Draw.objects.get(pk=d.pk))
    assert not ok and any("检查对象库哈希不符" in p for p in problems)


def test_inspections_must_match_the_draw(world):
    d = committed_draw(world["plan"], "seed-y", on=world["day"])
    i = d.inspections.first()
    i.team.set(world["inspectors"][:2] if set(i.team.values_list("pk", flat=True)) != {
        world["inspectors"][0].pk, world["inspectors"][1].pk} else world["inspectors"][2:4])
    ok, problems = services.verify_draw(d)
    assert not ok and any("检查任务" in p for p in problems)


def test_draw_record_cannot_be_edited(world):
    from django.core.exceptions import ValidationError

    d = committed_draw(world["plan"], "seed-z", on=world["day"])
    d.seed = "other"
    with pytest.raises(ValidationError):
        d.save()


def test_pool_change_changes_hash(world):
    a = services.build_inputs(world["plan"], "s", world["day"])
    pe = services.PoolEnterprise.objects.first()
    pe.positive_list = True
    pe.save()
    b = services.build_inputs(world["plan"], "s", world["day"])
    assert drawing.enterprise_pool_hash(a.enterprises) != drawing.enterprise_pool_hash(b.enterprises)
    assert drawing.inspector_pool_hash(a.inspectors, a.recusals) == drawing.inspector_pool_hash(b.inspectors, b.recusals)
    Recusal.objects.create(inspector=world["inspectors"][0], enterprise=pe, reason="亲属", declared_on=world["day"])
    c = services.build_inputs(world["plan"], "s", world["day"])
    assert drawing.inspector_pool_hash(b.inspectors, b.recusals) != drawing.inspector_pool_hash(c.inspectors, c.recusals)


def test_unsatisfiable_draw_draws_nothing_and_says_why(world):
    pe = services.PoolEnterprise.objects.get(name="测试企业1")
    for insp in world["inspectors"][:4]:  # four of five recused: one left, teams need two
        Recusal.objects.create(inspector=insp, enterprise=pe, reason="曾在该企业任职", declared_on=world["day"])
    _cli("commit", "--plan", str(world["plan"].pk), "--hash", hashlib.sha256(b"s").hexdigest())
    with pytest.raises(CommandError) as exc:
        _cli("run", "--plan", str(world["plan"].pk), "--seed", "s")
    assert "测试企业1" in str(exc.value) and "4名须回避" in str(exc.value) and "剩余1名" in str(exc.value)
    assert Draw.objects.count() == 0 and Inspection.objects.count() == 0


def test_no_pair_repeated_in_consecutive_draws_and_cap(world):
    d1 = committed_draw(world["plan"], "a", on=world["day"])
    d2 = committed_draw(world["plan"], "b", on=world["day"], reason="复核前次抽取")
    first = {(i, e) for e, team in d1.pairs for i in team}
    assert all((i, e) not in first for e, team in d2.pairs for i in team)
    # two routine checks each this year = the default cap of 2: the third draw finds nobody to draw
    d3 = committed_draw(world["plan"], "c", on=world["day"], reason="复核前次抽取")
    assert d3.pairs == [] and len(d3.counts["capped"]) == 4
    pe = services.PoolEnterprise.objects.get(name="测试企业2")
    pe.cap_exempt = True
    pe.save()
    d4 = committed_draw(world["plan"], "d", on=world["day"], reason="复核前次抽取")
    assert [e for e, _t in d4.pairs] == [pe.enterprise_id]


def test_draw_needs_permission_and_scope(world, user_named):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from envbureau.core.models import Jurisdiction
    from envbureau.enforcement.models import DrawPlan

    with pytest.raises(Http404):  # a city plan lies outside the district officer's scope
        services.run_draw(user_named("dongcheng"), world["plan"], "s")
    local = DrawPlan.objects.create(name="东城计划", jurisdiction=Jurisdiction.objects.get(code="110101"), year=2026)
    with pytest.raises(PermissionDenied):  # visible, but officers hold no enforcement.draw
        services.run_draw(user_named("dongcheng"), local, "s")
    assert Draw.objects.count() == 0


def test_draw_buttons_name_their_plan_in_words(world, client_for):
    """The draws page has one button per plan: 按“计划”抽取 / Draw by “plan” — never the bare 抽取:计划 that read
    "Draw:2026…" in English (a Chinese colon glued to the plan's name)."""
    c = client_for("admin")
    page = c.get("/enforcement/draws/").content.decode()
    assert "按“测试计划”抽取" in page and "抽取:测试计划" not in page
    c.cookies["django_language"] = "en"
    page = c.get("/enforcement/draws/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in page and "“测试计划”" in page
    assert ":测试计划" not in page and "Draw:" not in page


def test_draw_page_names_every_drawn_enterprise_and_inspector(world, client_for):
    """A pair without its inspection yet reads as the enterprise's name from the pool, never its id."""
    from envbureau.enforcement.models import Inspection, PoolEnterprise

    d = committed_draw(world["plan"], "seed-names", on=world["day"])
    detached = d.inspections.order_by("pk").first()
    Inspection.objects.filter(pk=detached.pk).update(draw=None)  # a pair whose inspection is no longer the draw's
    assert d.inspections.count() == len(d.pairs) - 1
    page = client_for("admin").get(f"/enforcement/draws/{d.pk}/").content.decode()
    body = page.split("抽取结果</h5>")[1].split("<tbody>")[1].split("</tbody>")[0]
    names = dict(PoolEnterprise.objects.values_list("enterprise_id", "name"))
    shown = [re.findall(r"<td>(.*?)</td>", row)[1] for row in body.split("<tr>")[1:]]
    assert shown == [names[ent_id] for ent_id, _team in d.pairs]  # the detached pair too, by name


def test_consecutive_draws_across_levels_share_the_no_repeat_rule(world):
    """A district plan's previous draw is the city's over it, and the city's next previous draw is the district's:
    the pairs of the last draw over any part of the area are the ones not to repeat."""
    from envbureau.core.models import Jurisdiction
    from envbureau.enforcement.models import DrawPlan

    dc = Jurisdiction.objects.get(code="110101")
    local = DrawPlan.objects.create(name="东城计划", jurisdiction=dc, year=2026, ratio_key=1, ratio_general=1)
    elsewhere = DrawPlan.objects.create(name="朝阳计划", jurisdiction=Jurisdiction.objects.get(code="110105"),
                                        year=2026)
    assert services.previous_draw(local) is None
    city = committed_draw(world["plan"], "c1", on=world["day"])
    assert services.previous_draw(local) == city  # the city's draw covered 东城区
    assert services.build_inputs(local, "x", on=world["day"]).previous == [
        (i, e) for e, team in city.pairs for i in team]
    d = Draw.objects.create(code="SJ-T", plan=local, jurisdiction=dc, seed="t", pairs=[],
                            inputs={}, counts={}, algorithm="t", algorithm_version="1")
    assert services.previous_draw(world["plan"]) == d  # a district's draw inside the city's area
    assert services.previous_draw(elsewhere) == city  # 朝阳区's last: the city's, not 东城区's
