"""Recusal from recent postings: an inspector posted to the enterprise's area (a street, a district), or employed
by the enterprise, within `posting_recusal_years` (default 2, a local parameter) before the draw day is recused
automatically — in the frozen inputs and the inspector-pool hash, listed with its reason among the draw's
rejections, never shown to enterprises or the public."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from envbureau.core.importing import get_importer
from envbureau.core.models import Jurisdiction
from envbureau.enforcement import drawing, services
from envbureau.enforcement.models import InspectorPosting, PoolEnterprise

from .conftest import committed_draw

DAY = dt.date(2026, 10, 8)
TWO_YEARS_BEFORE = dt.date(2024, 10, 8)  # the first end date still inside the window


def _pairs(inp):
    return set(inp.recusals)


def _dc_enterprises():
    return set(PoolEnterprise.objects.filter(jurisdiction__code="110101").values_list("enterprise_id", flat=True))


@pytest.mark.parametrize("ended_on, recused", [
    (TWO_YEARS_BEFORE - dt.timedelta(days=1), False),  # the day before the window: out
    (TWO_YEARS_BEFORE, True),  # the day the window opens: in
    (TWO_YEARS_BEFORE + dt.timedelta(days=1), True),
    (None, True),  # still posted there
])
def test_area_posting_window(world, ended_on, recused):
    insp = world["inspectors"][0]
    InspectorPosting.objects.create(inspector=insp, kind="area", jurisdiction=Jurisdiction.objects.get(code="110101"),
                                    post="东城区街道办事处环保员", started_on=dt.date(2020, 3, 1), ended_on=ended_on)
    inp = services.build_inputs(world["plan"], "s", DAY)
    mine = {e for i, e in _pairs(inp) if i == insp.pk}
    assert mine == (_dc_enterprises() if recused else set())
    assert len(_dc_enterprises()) == 2  # both 东城区 enterprises, none of 朝阳区


def test_window_is_a_local_parameter(world, settings):
    insp = world["inspectors"][0]
    InspectorPosting.objects.create(inspector=insp, kind="area", jurisdiction=Jurisdiction.objects.get(code="110101"),
                                    started_on=dt.date(2020, 3, 1), ended_on=dt.date(2023, 10, 8))
    assert not {e for i, e in _pairs(services.build_inputs(world["plan"], "s", DAY)) if i == insp.pk}
    settings.ENVBUREAU = {**settings.ENVBUREAU, "ENFORCEMENT": {"posting_recusal_years": 3}}
    assert {e for i, e in _pairs(services.build_inputs(world["plan"], "s", DAY)) if i == insp.pk} == _dc_enterprises()


def test_a_posting_starting_after_the_draw_day_does_not_count(world):
    insp = world["inspectors"][0]
    InspectorPosting.objects.create(inspector=insp, kind="area", jurisdiction=Jurisdiction.objects.get(code="110101"),
                                    started_on=DAY + dt.timedelta(days=1))
    assert not _pairs(services.build_inputs(world["plan"], "s", DAY))


def test_former_employer_recused_and_hashed(world):
    insp = world["inspectors"][1]
    pe = PoolEnterprise.objects.get(name="测试企业3")
    before = services.build_inputs(world["plan"], "s", DAY)
    InspectorPosting.objects.create(inspector=insp, kind="employer", enterprise=pe, post="环保专员",
                                    started_on=dt.date(2019, 1, 1), ended_on=dt.date(2025, 6, 30))
    after = services.build_inputs(world["plan"], "s", DAY)
    assert _pairs(after) - _pairs(before) == {(insp.pk, pe.enterprise_id)}
    assert drawing.inspector_pool_hash(before.inspectors, before.recusals) != \
        drawing.inspector_pool_hash(after.inspectors, after.recusals)
    assert "曾受雇于该企业" in after.recusal_reasons[(insp.pk, pe.enterprise_id)][0]["text"]


def test_posted_inspectors_never_drawn_and_rejections_say_why(world, client_for):
    dc = Jurisdiction.objects.get(code="110101")
    posted = world["inspectors"][:3]  # three of five posted to 东城区 last year
    for insp in posted:
        InspectorPosting.objects.create(inspector=insp, kind="area", jurisdiction=dc, post="街道环保员",
                                        started_on=dt.date(2022, 1, 1), ended_on=dt.date(2025, 12, 31))
    d = committed_draw(world["plan"], "postings", on=DAY)
    dc_ids = _dc_enterprises()
    posted_ids = {i.pk for i in posted}
    assert all(not (set(team) & posted_ids) for e, team in d.pairs if e in dc_ids)
    assert any(set(team) & posted_ids for e, team in d.pairs if e not in dc_ids)  # elsewhere they still go
    assert services.verify_draw(d)[0]
    assert {(i, e) for i in posted_ids for e in dc_ids} <= {tuple(p) for p in d.inputs["recusals"]}
    assert d.rejections and all(r["inspector"] in posted_ids and r["enterprise"] in dc_ids
                                for r in d.rejections if r["kind"] == "recused")
    staff = client_for("admin").get(f"/enforcement/draws/{d.pk}/").content.decode()
    assert "回避与排除记录" in staff and "曾在东城区任职(2022-01-01 至 2025-12-31),2 年内回避" in staff
    # not for readers without the draw right, not for the public
    leader = client_for("leader").get(f"/enforcement/draws/{d.pk}/").content.decode()
    assert "回避与排除记录" not in leader and "任职" not in leader
    services.publish_draw(None, d)
    anon = Client()
    for url in ("/public/enforcement/", f"/public/enforcement/draws/{d.pk}/",
                f"/api/v1/public/enforcement/draws/{d.pk}/"):
        page = anon.get(url).content.decode()
        assert "任职" not in page and "回避" not in page and "rejections" not in page, url
    assert client_for("leader").get(f"/enforcement/draws/{d.pk}/inputs.json").status_code == 403


def test_rejection_reasons_are_stored_as_facts(world):
    InspectorPosting.objects.create(inspector=world["inspectors"][0], kind="area",
                                    jurisdiction=Jurisdiction.objects.get(code="110101"),
                                    started_on=dt.date(2022, 1, 1))
    for insp in world["inspectors"][1:3]:
        InspectorPosting.objects.create(inspector=insp, kind="area", jurisdiction=Jurisdiction.objects.get(code="110101"),
                                        started_on=dt.date(2022, 1, 1))
    d = committed_draw(world["plan"], "postings-en", on=DAY)
    recused = [r for r in d.rejections if r["kind"] == "recused"]
    assert recused and all(r["enterprise"] in _dc_enterprises() for r in recused)
    reasons = [f for r in recused for f in r["reasons"]]
    # stored as facts (worded per reader), not as a Chinese sentence
    assert all(f == {"text": "现在%(j)s任职(%(a)s 起)", "args": {"j": "东城区", "a": "2022-01-01"}} for f in reasons)


def test_manual_inspection_refuses_a_recently_posted_inspector(world):
    pe = PoolEnterprise.objects.get(name="测试企业1")
    InspectorPosting.objects.create(inspector=world["inspectors"][0], kind="employer", enterprise=pe,
                                    started_on=dt.date(2020, 1, 1), ended_on=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.create_inspection(None, source="complaint", enterprise_id=pe.enterprise_id,
                                   team=world["inspectors"][:2], planned_on=DAY)
    assert "回避" in exc.value.message_dict["team"][0]
    insp = services.create_inspection(None, source="complaint", enterprise_id=pe.enterprise_id,
                                      team=world["inspectors"][1:3], planned_on=DAY)
    assert insp.pk


def test_posting_checks_name_the_field(world):
    p = InspectorPosting(inspector=world["inspectors"][0], kind="area", started_on=DAY)
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "jurisdiction" in exc.value.message_dict
    p = InspectorPosting(inspector=world["inspectors"][0], kind="employer", started_on=DAY,
                         enterprise=PoolEnterprise.objects.first(), ended_on=DAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "ended_on" in exc.value.message_dict


def _csv(rows):
    return ("\n".join(",".join(r) for r in rows) + "\n").encode("utf-8")


def test_posting_import_row_errors_and_all_or_nothing(world):
    imp = get_importer("enforcement.posting")
    header = ["执法人员", "任职类型", "任职区划", "曾任职企业", "职务", "任职起始日期", "任职结束日期"]
    good = ["B0001", "在属地任职", "110101", "", "街道环保员", "2022-01-01", "2025-12-31"]
    employer = ["执法2", "曾受雇于企业", "", "91110105MA01CCCC3X", "环保专员", "2018-05-01", "2024-10-08"]
    no_place = ["B0003", "在属地任职", "", "", "", "2022-01-01", ""]
    backwards = ["B0004", "在属地任职", "110105", "", "", "2022-01-01", "2021-01-01"]
    result = imp.run(_csv([header, good, employer, no_place, backwards]), "postings.csv", None)
    assert not result.ok
    assert any(e["row"] == 4 and e["column"] == "任职区划" for e in result.errors), result.errors
    assert any(e["row"] == 5 and e["column"] == "任职结束日期" for e in result.errors), result.errors
    assert InspectorPosting.objects.count() == 0
    result = imp.run(_csv([header, good, employer]), "postings.csv", None)
    assert result.ok, result.errors
    assert InspectorPosting.objects.count() == 2
    result = imp.run(_csv([header, good[:-1] + ["2026-01-31"]]), "postings.csv", None)  # same posting: updated
    assert result.ok and InspectorPosting.objects.count() == 2
    assert str(InspectorPosting.objects.get(kind="area").ended_on) == "2026-01-31"
    assert (world["inspectors"][1].pk, PoolEnterprise.objects.get(name="测试企业3").enterprise_id) in \
        _pairs(services.build_inputs(world["plan"], "s", DAY))


def test_posting_pages_and_api(world, client_for):
    c = client_for("admin")
    r = c.post("/enforcement/postings/add/", {"inspector": world["inspectors"][0].pk, "kind": "area",
                                               "started_on": "2024-01-01"})
    assert r.status_code in (200, 400) and InspectorPosting.objects.count() == 0
    assert "在属地任职须填写任职区划" in r.content.decode()
    r = c.post("/api/v1/enforcement/postings/", {"inspector": world["inspectors"][0].pk, "kind": "employer",
                                                 "started_on": "2024-01-01"}, content_type="application/json")
    assert r.status_code == 400 and "enterprise" in r.json()["error"]["fields"]
    r = c.post("/api/v1/enforcement/postings/", {"inspector": world["inspectors"][0].pk, "kind": "area",
                                                 "jurisdiction": Jurisdiction.objects.get(code="110101").pk,
                                                 "started_on": "2024-01-01"}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert "东城区" in c.get("/enforcement/postings/").content.decode()
