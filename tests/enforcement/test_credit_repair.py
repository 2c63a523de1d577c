"""Credit repair as an application and a decision, each with its document; the window counted at the
application (no earlier than published + 3 months, no later than published + 6 months: day before/of/after), the
documents required, the 7-day publicity (公示) before the raised grade takes effect (day before/of/after its end),
an objection during it; the public ratings and publicity pages (published only, no login, no personal data)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from envbureau.core import workflow as wf
from envbureau.enforcement import credit
from envbureau.enforcement.models import CreditRating, CreditRepair, PoolEnterprise

DOCS = ["application", "commitment", "rectification", "penalty_fulfilled"]


def _rate(ent, level, **kw):
    keys = credit.entry_keys(ent.pk, 2025)
    return credit.rate(None, enterprise_id=ent.pk, year=2025, scores={k: level for k in keys}, sources="现场核查", **kw)


@pytest.fixture
def yellow(world):
    # 70 on the 19 entered indicators (weight 81), 100 on 行政处罚 and 群众投诉 (no record; weight 19):
    # (70 × 81 + 100 × 19) / 100 = 75.7 → 警示 (yellow)
    r = _rate(world["enterprises"][0], 70, published_on=dt.date(2026, 5, 20))
    assert (r.score, r.grade) == (Decimal("75.70"), "yellow")
    return r


def _apply(r, on, user=None, documents=DOCS):
    return credit.apply_repair(user, r, applicant="环保负责人 李某", corrective_actions="在线监控整改完成",
                               materials="第三方检测报告", documents=documents, applied_on=on)


@pytest.mark.parametrize("on, ok", [("2026-08-19", False), ("2026-08-20", True), ("2026-08-21", True),
                                    ("2026-11-19", True), ("2026-11-20", True), ("2026-11-21", False)])
def test_window_three_to_six_months_after_publication(yellow, on, ok):
    # published 2026-05-20: + 3 months = 2026-08-20 the first day to apply, + 6 months = 2026-11-20 the last
    if ok:
        assert _apply(yellow, on).state == "applied"
    else:
        with pytest.raises(ValidationError, match="2026-08-20" if on < "2026-09" else "2026-11-20") as e:
            _apply(yellow, on)
        assert set(e.value.message_dict) == {"applied_on"}


def test_the_waiting_period_is_configuration(yellow, settings):
    settings.ENVBUREAU = {"ENFORCEMENT": {"credit_repair_wait_months": 1}}
    assert credit.repair_window(yellow) == (dt.date(2026, 6, 20), dt.date(2026, 11, 20))
    assert _apply(yellow, "2026-06-20").state == "applied"


def test_every_required_document(yellow):
    with pytest.raises(ValidationError) as e:
        _apply(yellow, "2026-09-01", documents=["application", "rectification", "penalty_fulfilled"])
    assert e.value.message_dict == {"documents": ["缺少修复材料:信用修复承诺书"]}
    with pytest.raises(ValidationError) as e:
        _apply(yellow, "2026-09-01", documents=[])
    assert "信用修复申请书" in e.value.message_dict["documents"][0] and "行政处罚决定履行完毕的证明" in e.value.message_dict[
        "documents"][0]
    with pytest.raises(ValidationError, match="未知的修复材料"):
        _apply(yellow, "2026-09-01", documents=[*DOCS, "selfie"])
    with pytest.raises(ValidationError, match="列表"):
        _apply(yellow, "2026-09-01", documents=42)
    assert _apply(yellow, "2026-09-01", documents=",".join(DOCS)).documents == DOCS  # a form's comma list
    CreditRepair.objects.all().delete()
    assert not CreditRepair.objects.exists()
    assert _apply(yellow, "2026-09-01").documents == DOCS


def _approve(req, on="2026-09-01"):
    wf.apply(None, req, "approve", decided_on=on, note="整改到位")
    req.refresh_from_db()
    return req


@pytest.mark.parametrize("today, effective", [("2026-09-08", False), ("2026-09-09", False), ("2026-09-10", True)])
def test_publicity_seven_calendar_days_before_the_grade_rises(yellow, today, effective):
    # decided 2026-09-02: publicised 09-03 … 09-09 (7 calendar days, day 1 the day after the decision); the job on
    # 09-08 (the day before the last) or 09-09 (the last day) leaves it; on 09-10 the grade rises, effective that day
    req = _approve(_apply(yellow, "2026-08-25"), "2026-09-02")
    assert (req.state, req.publicity_until, req.grade_after) == ("publicity", dt.date(2026, 9, 9), "blue")
    assert CreditRating.objects.get(pk=yellow.pk).grade == "yellow"
    wf.run_lapses(dt.date.fromisoformat(today))
    req.refresh_from_db()
    r = CreditRating.objects.get(pk=yellow.pk)
    if effective:
        assert (req.state, req.effective_on) == ("approved", dt.date(2026, 9, 10))
        assert (r.grade, r.repaired_from, r.repaired_on) == ("blue", "yellow", dt.date(2026, 9, 10))
        assert PoolEnterprise.objects.get(enterprise_id=r.enterprise_id).credit_grade == "blue"
    else:
        assert (req.state, req.effective_on, r.grade) == ("publicity", None, "yellow")


def test_taking_effect_by_hand_only_after_the_publicity(yellow):
    req = _approve(_apply(yellow, "2026-08-25"), "2026-09-02")
    with pytest.raises(ValidationError, match="2026-09-09"):
        wf.apply(None, req, "take_effect", effective_on="2026-09-09")
    wf.apply(None, req, "take_effect", effective_on="2026-09-10")
    assert CreditRating.objects.get(pk=yellow.pk).grade == "blue"


@pytest.mark.parametrize("on, upheld", [("2026-09-08", True), ("2026-09-09", True), ("2026-09-10", False)])
def test_an_objection_during_the_publicity_stops_it(yellow, on, upheld):
    req = _approve(_apply(yellow, "2026-08-25"), "2026-09-02")
    if upheld:
        wf.apply(None, req, "objection", objected_on=on, note="群众反映整改后仍有夜间偷排")
        req.refresh_from_db()
        assert (req.state, req.objected_on, req.objection) == ("objected", dt.date.fromisoformat(on),
                                                               "群众反映整改后仍有夜间偷排")
        wf.run_lapses(dt.date(2026, 9, 30))  # the stopped clock never raises the grade
        assert CreditRating.objects.get(pk=yellow.pk).grade == "yellow"
    else:
        with pytest.raises(ValidationError, match="公示期已于 2026-09-09 结束"):
            wf.apply(None, req, "objection", objected_on=on, note="迟到的异议")


def test_the_public_publicity_page(world, yellow):
    req = _approve(_apply(yellow, "2026-08-25"), "2026-09-02")
    anon = Client()
    body = anon.get("/public/enforcement/repairs/").content.decode()
    assert "测试企业1" in body and "公示至 2026-09-09" in body and "环保良好企业(蓝牌)" in body
    assert "李某" not in body and "第三方检测报告" not in body  # no applicant, no materials
    wf.run_lapses(dt.date(2026, 9, 10))
    assert "测试企业1" not in anon.get("/public/enforcement/repairs/").content.decode()
    req.refresh_from_db()
    assert req.state == "approved"


def test_apply_then_approve_raises_one_step_with_both_documents(yellow, user_named):
    from envbureau.core.documents import issue

    admin = user_named("admin")
    req = _apply(yellow, "2026-11-20")
    with pytest.raises(ValidationError, match="待审核"):
        _apply(yellow, "2026-11-20")  # one pending application at a time
    doc = issue(admin, req, "enforcement.credit_repair_application")
    assert doc.number.startswith("环信修申") and "信用修复承诺书" in doc.values["materials"]
    with pytest.raises(ValidationError):
        issue(admin, req, "enforcement.credit_repair_decision")  # nothing decided yet
    with pytest.raises(wf.TransitionError):
        wf.apply(None, req, "approve", decided_on="2026-12-01")  # reasons required
    # decided after the window closed: the window counts at the application
    req = _approve(req, "2026-12-01")
    with pytest.raises(ValidationError, match="公示中"):
        _apply(yellow, "2026-11-20")  # publicity: still pending
    wf.run_lapses(dt.date(2026, 12, 9))
    req.refresh_from_db()
    r = CreditRating.objects.get(pk=yellow.pk)
    assert (req.state, req.grade_before, req.grade_after) == ("approved", "yellow", "blue")
    assert (r.grade, r.repaired_from, r.repaired_on) == ("blue", "yellow", dt.date(2026, 12, 9))
    doc = issue(admin, req, "enforcement.credit_repair_decision")
    assert doc.number.startswith("环信修决") and "由环保警示企业(黄牌)调整为环保良好企业(蓝牌)" in doc.values["decision"]
    assert "公示至2026年12月8日" in doc.values["publicity"]
    with pytest.raises(ValidationError, match="已修复过一次"):
        _apply(r, "2026-11-01")


def test_refusal_keeps_the_grade_and_allows_a_new_application(yellow):
    req = _apply(yellow, "2026-09-01")
    with pytest.raises(ValidationError, match="早于申请日期"):
        wf.apply(None, req, "refuse", decided_on="2026-08-31", note="材料不全")
    wf.apply(None, req, "refuse", decided_on="2026-09-10", note="材料不全")
    assert CreditRating.objects.get(pk=yellow.pk).grade == "yellow"
    assert _apply(yellow, "2026-09-20").state == "applied"


def test_refusals_of_the_application(world, yellow, user_named):
    green = _rate(world["enterprises"][1], 100, published_on=dt.date(2026, 5, 20))
    with pytest.raises(ValidationError, match="只有警示、不良"):
        _apply(green, "2026-09-01")
    with pytest.raises(ValidationError, match="早于评价结果公布日期"):
        _apply(yellow, "2026-05-19")
    with pytest.raises(ValidationError) as e:
        credit.apply_repair(None, yellow, applicant="", corrective_actions="", documents=DOCS, applied_on="2026-09-01")
    assert set(e.value.message_dict) == {"applicant", "corrective_actions"}
    with pytest.raises(PermissionDenied):
        _apply(yellow, "2026-09-01", user=user_named("dongcheng"))
    assert not CreditRepair.objects.exists()


def test_pages_and_api(yellow, client_for):
    c = client_for("admin")
    missing = c.post(f"/enforcement/ratings/{yellow.pk}/repair-apply/", {
        "applied_on": "2026-09-01", "applicant": "李某", "corrective_actions": "整改完成", "documents": DOCS[:3]})
    assert missing.status_code == 302 and missing["Location"] == f"/enforcement/ratings/{yellow.pk}/"
    assert "缺少修复材料:行政处罚决定履行完毕的证明" in c.get(missing["Location"]).content.decode()
    r = c.post(f"/enforcement/ratings/{yellow.pk}/repair-apply/", {
        "applied_on": "2026-09-01", "applicant": "李某", "corrective_actions": "整改完成", "materials": "报告",
        "documents": DOCS})
    req = CreditRepair.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/enforcement/repairs/{req.pk}/"
    body = c.get(f"/enforcement/repairs/{req.pk}/").content.decode()
    assert "准予修复" in body and "不予修复" in body and "企业环境信用修复申请书" in body
    r = c.post(f"/api/v1/enforcement/repairs/{req.pk}/approve/", {"decided_on": "2026-09-10", "note": "同意"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["grade_after"] == "blue" and r.json()["state"] == "publicity"
    assert r.json()["publicity_until"] == "2026-09-17"
    r = c.post(f"/api/v1/enforcement/repairs/{req.pk}/take-effect/", {"effective_on": "2026-09-17"},
               content_type="application/json")
    assert r.status_code == 400 and "effective_on" in r.json()["error"]["fields"]
    r = c.post(f"/api/v1/enforcement/repairs/{req.pk}/take-effect/", {"effective_on": "2026-09-18"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "approved" and r.json()["effective_on"] == "2026-09-18"
    r = c.post("/api/v1/enforcement/repairs/", {"rating": yellow.pk, "applicant": "x", "corrective_actions": "x",
                                                  "materials": "x", "documents": DOCS, "applied_on": "2026-09-11"},
               content_type="application/json")
    assert r.status_code == 400 and "grade" in r.json()["error"]["fields"]


def test_public_ratings_page_shows_published_grades_only(world, yellow):
    unpublished = _rate(world["enterprises"][2], 100)
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

    req = _apply(yellow, "2026-09-01", user=ent_user)
    assert (req.state, req.enterprise_id, req.grade_before) == ("applied", yellow.enterprise_id, "yellow")
    line = wf.timeline(req)[0]
    assert line["actor"] == "测试企业1 环保专员" and line["verb_label"] == "提交申请"
    # the bureau decides: the task reaches whoever rates, not the enterprise, which cannot decide
    assert [t for t in tasks_for(user_named("admin")) if t.object_id == str(req.pk)]
    assert not [t for t in tasks_for(ent_user) if t.object_id == str(req.pk)]
    with pytest.raises(PermissionDenied):
        wf.apply(ent_user, req, "approve", decided_on="2026-09-10", note="自己批准")
    # scoped to itself: another enterprise's published rating is public on /public/ only; through the
    # enterprise's own scope it is not found, so not its to repair
    other = _rate(world["enterprises"][2], 70, published_on=dt.date(2026, 5, 20))
    with pytest.raises(Http404):
        _apply(other, "2026-09-01", user=ent_user)
    from envbureau.core.scoping import restrict

    assert list(restrict(CreditRepair.objects.all(), ent_user, "view")) == [req]


def test_the_enterprise_applies_from_its_rating_page_and_the_api(world, yellow, ent_user):
    c = Client()
    c.force_login(ent_user)
    page = c.get(f"/enforcement/ratings/{yellow.pk}/").content.decode()
    assert "申请信用修复" in page and 'value="测试企业1 环保专员"' in page and "登记信用修复申请" not in page
    r = c.post(f"/enforcement/ratings/{yellow.pk}/repair-apply/", {
        "applied_on": "2026-09-01", "applicant": "王某", "corrective_actions": "整改完成", "materials": "报告",
        "documents": DOCS})
    req = CreditRepair.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/enforcement/repairs/{req.pk}/"
    body = c.get(f"/enforcement/repairs/{req.pk}/").content.decode()
    assert "整改完成" in body and "准予修复" not in body  # its application, without the bureau's buttons
    wf.apply(None, req, "refuse", decided_on="2026-09-05", note="材料不全")
    r = c.post("/api/v1/enforcement/repairs/", {"rating": yellow.pk, "applicant": "王某", "corrective_actions": "补充",
                                                  "materials": "补充报告", "documents": DOCS,
                                                  "applied_on": "2026-09-10"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["enterprise_id"] == yellow.enterprise_id
    r = c.post("/api/v1/enforcement/repairs/", {"rating": yellow.pk, "applicant": "王某", "corrective_actions": "x",
                                                  "materials": "x", "documents": DOCS, "applied_on": "2026-09-11"},
               content_type="application/json")
    assert r.status_code == 400 and "rating" in r.json()["error"]["fields"]  # one pending application at a time


def test_statistics_count_repairs_in_effect_in_the_period(yellow, client_for, user_named):
    from envbureau.core.models import Jurisdiction
    from envbureau.enforcement import stats
    from envbureau.enforcement.period import parse_key

    admin, city = user_named("admin"), Jurisdiction.objects.get(code="110000")
    req = _approve(_apply(yellow, "2026-08-20"), "2026-08-24")  # publicity 08-25 … 08-31
    aug, sep = parse_key("2026-08"), parse_key("2026-09")
    assert stats.statistics(admin, city, aug)["figures"]["repairs"] == 0  # under publicity: not yet done
    wf.run_lapses(dt.date(2026, 9, 1))
    req.refresh_from_db()
    assert req.effective_on == dt.date(2026, 9, 1)
    assert stats.statistics(admin, city, aug)["figures"]["repairs"] == 0
    data = stats.statistics(admin, city, sep)
    assert data["figures"]["repairs"] == 1
    assert any("已办理信用修复" in str(x) for x in data["sentences"])
    body = client_for("admin").get(data["links"]["repairs"]).content.decode()
    assert "测试企业1" in body
