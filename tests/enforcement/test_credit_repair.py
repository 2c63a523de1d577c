"""Credit repair as an application and a decision, each with its document; the window counted at the
application (published + 6 months: day before/of/after); the public ratings page (published only, no login,
no personal data)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from envbureau.core import workflow as wf
from envbureau.enforcement import config, credit
from envbureau.enforcement.models import CreditRating, CreditRepair, PoolEnterprise


def _scores(n):
    return {k: n for k in config.get("credit_indicators") if k != "penalties"}


@pytest.fixture
def yellow(world):
    # 70 on every indicator, 100 on 行政处罚 (no decision): 0.85 × 70 + 15 = 74.5 → 警示 (yellow)
    r = credit.rate(None, enterprise_id=world["enterprises"][0].pk, year=2025, scores=_scores(70),
                    published_on=dt.date(2026, 5, 20))
    assert r.grade == "yellow"
    return r


def _apply(r, on, user=None):
    return credit.apply_repair(user, r, applicant="环保负责人 李某", corrective_actions="在线监控整改完成",
                               materials="整改报告、检测报告", applied_on=on)


@pytest.mark.parametrize("on, ok", [("2026-11-19", True), ("2026-11-20", True), ("2026-11-21", False)])
def test_window_six_months_after_publication(yellow, on, ok):
    # published 2026-05-20 + 6 months = 2026-11-20, the last day to apply
    if ok:
        assert _apply(yellow, on).state == "applied"
    else:
        with pytest.raises(ValidationError, match="2026-11-20"):
            _apply(yellow, on)


def test_apply_then_approve_raises_one_step_with_both_documents(yellow, user_named):
    from envbureau.core.documents import issue

    admin = user_named("admin")
    req = _apply(yellow, "2026-11-20")
    with pytest.raises(ValidationError, match="待审核"):
        _apply(yellow, "2026-11-20")  # one pending application at a time
    assert issue(admin, req, "enforcement.credit_repair_application").number.startswith("环信修申")
    with pytest.raises(ValidationError):
        issue(admin, req, "enforcement.credit_repair_decision")  # nothing decided yet
    with pytest.raises(wf.TransitionError):
        wf.apply(None, req, "approve", decided_on="2026-12-01")  # reasons required
    # decided after the window closed: the window counts at the application
    wf.apply(None, req, "approve", decided_on="2026-12-01", note="整改到位")
    req.refresh_from_db()
    r = CreditRating.objects.get(pk=yellow.pk)
    assert (req.state, req.grade_before, req.grade_after) == ("approved", "yellow", "blue")
    assert (r.grade, r.repaired_from, r.repaired_on) == ("blue", "yellow", dt.date(2026, 12, 1))
    assert PoolEnterprise.objects.get(enterprise_id=r.enterprise_id).credit_grade == "blue"
    doc = issue(admin, req, "enforcement.credit_repair_decision")
    assert doc.number.startswith("环信修决") and "由环保警示企业(黄牌)调整为环保良好企业(蓝牌)" in doc.values["decision"]
    with pytest.raises(ValidationError, match="已修复过一次"):
        _apply(r, "2026-11-01")


def test_refusal_keeps_the_grade_and_allows_a_new_application(yellow):
    req = _apply(yellow, "2026-06-01")
    with pytest.raises(ValidationError, match="早于申请日期"):
        wf.apply(None, req, "refuse", decided_on="2026-05-31", note="材料不全")
    wf.apply(None, req, "refuse", decided_on="2026-06-10", note="材料不全")
    assert CreditRating.objects.get(pk=yellow.pk).grade == "yellow"
    assert _apply(yellow, "2026-06-20").state == "applied"


def test_refusals_of_the_application(world, yellow, user_named):
    green = credit.rate(None, enterprise_id=world["enterprises"][1].pk, year=2025, scores=_scores(100),
                        published_on=dt.date(2026, 5, 20))
    with pytest.raises(ValidationError, match="只有警示、不良"):
        _apply(green, "2026-06-01")
    with pytest.raises(ValidationError, match="早于评价结果公布日期"):
        _apply(yellow, "2026-05-19")
    with pytest.raises(ValidationError) as e:
        credit.apply_repair(None, yellow, applicant="", corrective_actions="x", materials="", applied_on="2026-06-01")
    assert set(e.value.message_dict) == {"applicant", "materials"}
    with pytest.raises(PermissionDenied):
        _apply(yellow, "2026-06-01", user=user_named("dongcheng"))
    assert not CreditRepair.objects.exists()


def test_pages_and_api(yellow, client_for):
    c = client_for("admin")
    r = c.post(f"/enforcement/ratings/{yellow.pk}/repair-apply/", {
        "applied_on": "2026-06-01", "applicant": "李某", "corrective_actions": "整改完成", "materials": "报告"})
    req = CreditRepair.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/enforcement/repairs/{req.pk}/"
    body = c.get(f"/enforcement/repairs/{req.pk}/").content.decode()
    assert "准予修复" in body and "不予修复" in body and "企业环境信用修复申请书" in body
    r = c.post(f"/api/v1/enforcement/repairs/{req.pk}/approve/", {"decided_on": "2026-06-10", "note": "同意"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["grade_after"] == "blue"
    r = c.post("/api/v1/enforcement/repairs/", {"rating": yellow.pk, "applicant": "x", "corrective_actions": "x",
                                                  "materials": "x", "applied_on": "2026-06-11"},
               content_type="application/json")
    assert r.status_code == 400 and "grade" in r.json()["error"]["fields"]


def test_public_ratings_page_shows_published_grades_only(world, yellow):
    unpublished = credit.rate(None, enterprise_id=world["enterprises"][2].pk, year=2025, scores=_scores(100))
    assert unpublished.published_on is None
    anon = Client()
    body = anon.get("/public/enforcement/ratings/").content.decode()
    assert "测试企业1" in body and "环保警示企业(黄牌)" in body and "测试企业3" not in body
    assert "评价过程" not in body and "李某" not in body  # no explanation, no people
    assert "测试企业1" not in anon.get("/public/enforcement/ratings/?grade=green").content.decode()
    assert anon.get("/public/enforcement/ratings/?year=abc").status_code == 400
    api = anon.get("/api/v1/public/enforcement/ratings/").json()
    assert [x["enterprise_name"] for x in api["results"]] == ["测试企业1"]
    assert "explanation" not in api["results"][0] and "scores" not in api["results"][0]


@pytest.fixture
def ent_user(world):
    """A user of the built-in enterprise role for 测试企业1 (the yellow rating's enterprise)."""
    from django.contrib.auth import get_user_model

    from envbureau.core.models import Role, RoleAssignment

    u = get_user_model().objects.create(username="ent_credit", display_name="测试企业1 环保专员")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"),
                                  enterprise_id=world["enterprises"][0].pk)
    return u


def test_the_enterprise_files_its_own_application(world, yellow, ent_user, user_named):
    from envbureau.core.notify import tasks_for

    req = _apply(yellow, "2026-06-01", user=ent_user)
    assert (req.state, req.enterprise_id, req.grade_before) == ("applied", yellow.enterprise_id, "yellow")
    line = wf.timeline(req)[0]
    assert line["actor"] == "测试企业1 环保专员" and line["verb_label"] == "提交申请"
    # the bureau decides: the task reaches whoever rates, not the enterprise, which cannot decide
    assert [t for t in tasks_for(user_named("admin")) if t.object_id == str(req.pk)]
    assert not [t for t in tasks_for(ent_user) if t.object_id == str(req.pk)]
    with pytest.raises(PermissionDenied):
        wf.apply(ent_user, req, "approve", decided_on="2026-06-10", note="自己批准")
    # scoped to itself: another enterprise's published rating is public on /public/ only; through the
    # enterprise's own scope it is not found, so not its to repair
    other = credit.rate(None, enterprise_id=world["enterprises"][2].pk, year=2025, scores=_scores(70),
                        published_on=dt.date(2026, 5, 20))
    with pytest.raises(Http404):
        _apply(other, "2026-06-01", user=ent_user)
    from envbureau.core.scoping import restrict

    assert list(restrict(CreditRepair.objects.all(), ent_user, "view")) == [req]


def test_the_enterprise_applies_from_its_rating_page_and_the_api(world, yellow, ent_user):
    c = Client()
    c.force_login(ent_user)
    page = c.get(f"/enforcement/ratings/{yellow.pk}/").content.decode()
    assert "申请信用修复" in page and 'value="测试企业1 环保专员"' in page and "登记信用修复申请" not in page
    r = c.post(f"/enforcement/ratings/{yellow.pk}/repair-apply/", {
        "applied_on": "2026-06-01", "applicant": "王某", "corrective_actions": "整改完成", "materials": "报告"})
    req = CreditRepair.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/enforcement/repairs/{req.pk}/"
    body = c.get(f"/enforcement/repairs/{req.pk}/").content.decode()
    assert "整改完成" in body and "准予修复" not in body  # its application, without the bureau's buttons
    wf.apply(None, req, "refuse", decided_on="2026-06-05", note="材料不全")
    r = c.post("/api/v1/enforcement/repairs/", {"rating": yellow.pk, "applicant": "王某", "corrective_actions": "补充",
                                                  "materials": "补充报告", "applied_on": "2026-06-10"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["enterprise_id"] == yellow.enterprise_id
    r = c.post("/api/v1/enforcement/repairs/", {"rating": yellow.pk, "applicant": "王某", "corrective_actions": "x",
                                                  "materials": "x", "applied_on": "2026-06-11"},
               content_type="application/json")
    assert r.status_code == 400 and "rating" in r.json()["error"]["fields"]  # one pending application at a time
