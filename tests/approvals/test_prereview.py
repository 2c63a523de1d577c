"""Project pre-review (项目预审 of 招商引资 / 工业内生 projects) on the kit: the limit over the 2026 holiday calendar,
the conclusion with its reasons, the dossier line, scoping, the page, the API, the import (all or nothing, row
errors) and the statistics figures — "开展招商引资、工业内生项目预审102只" and "完成建设项目环评审批登记备案844只" — each
linking to a list that counts the same records.

2026 calendar (国办发明电〔2025〕7号): 10-01, 10-02, 10-05…10-07 are holidays and 10-10 (Saturday) a working day."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from envbureau.approvals import eia, prereview, stats
from envbureau.approvals.models import PreReview
from envbureau.core import workflow as wf
from envbureau.core.importing import get_importer

D = dt.date


def _has(response, *texts):
    body = response.content.decode()
    return response.status_code == 200 and all(t in body for t in texts)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _new(world, **kw):
    args = dict(origin="investment", project_name="新型包装材料项目", applicant="某新材料公司", jurisdiction="110101",
                industry_name="塑料制品业", investment="18000", zoning_category="key", received_on="2026-09-29")
    args.update(kw)
    return prereview.register(world["officer"], **args)


def test_limit_over_the_national_day_holidays_and_conclusion(world):
    r = _new(world)
    assert r.code == f"YS2026-{r.pk:04d}" and r.state == "submitted" and r.jurisdiction == world["dc"]
    # 5 working days after Tue 09-29: 09-30, 10-08, 10-09, 10-10 (make-up Saturday), 10-12
    assert r.due_on == D(2026, 10, 12)
    tasks = list(wf.open_tasks(r))
    assert len(tasks) == 1 and tasks[0].due_date == D(2026, 10, 12)
    # 不同意 and 有条件同意 need their reasons; the date may not precede receipt
    with pytest.raises(ValidationError) as e:
        wf.apply(world["officer"], r, "conclude", conclusion="disagree", concluded_on="2026-10-09")
    assert "reasons" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        wf.apply(world["officer"], r, "conclude", conclusion="maybe", concluded_on="2026-10-09")
    assert "conclusion" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        wf.apply(world["officer"], r, "conclude", conclusion="agree", concluded_on="2026-09-28")
    assert "concluded_on" in e.value.message_dict
    wf.apply(world["officer"], r, "conclude", conclusion="conditional", reasons="落实VOCs总量替代",
             concluded_on="2026-10-12")
    r.refresh_from_db()
    assert (r.state, r.conclusion, r.concluded_on, r.within_limit) == ("concluded", "conditional", D(2026, 10, 12), True)
    late = _new(world, project_name="晚出具意见的项目")
    wf.apply(world["officer"], late, "conclude", conclusion="agree", concluded_on="2026-10-13")
    late.refresh_from_db()
    assert late.within_limit is False
    events = wf.timeline(r)
    assert events[0]["verb"] == "submit" and events[-1]["verb"] == "conclude", events
    assert events[-1]["step"] == "有条件同意:落实VOCs总量替代"  # the timeline says what was decided
    assert not list(wf.open_tasks(r))


def test_applicant_or_enterprise_and_the_dossier(world):
    from envbureau.sources.models import DossierEvent

    with pytest.raises(ValidationError) as e:
        _new(world, applicant="")
    assert "applicant" in e.value.message_dict
    r = prereview.register(world["officer"], origin="internal", project_name="锅炉燃料清洁化改造",
                           enterprise_id=world["e1"].pk, industry_name="火力发电", received_on="2026-09-29")
    assert (r.applicant, r.credit_code, r.jurisdiction) == ("东城热电", "91110101MA01AAAA1X", world["dc"])
    wf.apply(world["officer"], r, "conclude", conclusion="agree", concluded_on="2026-09-30")
    lines = list(DossierEvent.objects.filter(enterprise_id=world["e1"].pk, kind="approvals.prereview")
                 .values_list("title", flat=True))
    assert sorted(lines) == ["项目预审意见:锅炉燃料清洁化改造 同意", "项目预审登记:锅炉燃料清洁化改造"]


def test_rights_and_scope(world):
    from envbureau.core.models import Role, RoleAssignment, User

    with pytest.raises(PermissionDenied):  # an enterprise does not register pre-reviews
        prereview.register(world["ent_user"], origin="internal", project_name="x", enterprise_id=world["e1"].pk,
                           industry_name="y")
    dc_officer = User.objects.create(username="dc_off")
    RoleAssignment.objects.create(user=dc_officer, role=Role.objects.get(code="officer"), jurisdiction=world["dc"])
    r_dc = _new(world)
    r_xc = _new(world, project_name="西城项目", jurisdiction="110102")
    seen = set(PreReview.objects.restrict(dc_officer, "view").values_list("pk", flat=True))
    assert r_dc.pk in seen and r_xc.pk not in seen
    c = _client(dc_officer)
    assert c.get(f"/approvals/prereviews/{r_xc.pk}/").status_code == 404
    assert c.get(f"/api/v1/approvals/prereviews/{r_xc.pk}/").status_code == 404
    assert c.post(f"/api/v1/approvals/prereviews/{r_dc.pk}/conclude/", {"conclusion": "agree"}).status_code == 403
    # the enterprise reads none of them (not its own enterprise)
    assert _client(world["ent_user"]).get("/api/v1/approvals/prereviews/").json()["count"] == 0


def test_page_and_api_end_to_end(world):
    c = _client(world["officer"])
    page = c.get("/approvals/prereviews/")
    assert page.status_code == 200 and "/approvals/prereviews/new/" in page.content.decode()
    r = c.post("/approvals/prereviews/new/", {"origin": "investment", "project_name": "网页登记的招商项目",
                                              "applicant": "某公司", "jurisdiction": world["dc"].pk,
                                              "industry_name": "医疗仪器设备制造", "received_on": "2026-11-02"})
    assert r.status_code == 302, r.content.decode()[:2000]
    obj = PreReview.objects.get(project_name="网页登记的招商项目")
    detail = c.get(f"/approvals/prereviews/{obj.pk}/")
    assert _has(detail, "出具预审意见", "预审时限", "待预审")
    r = c.post(f"/approvals/prereviews/{obj.pk}/do/conclude/", {"conclusion": "disagree", "reasons": "",
                                                                  "concluded_on": "2026-11-03"})
    obj.refresh_from_db()
    assert obj.state == "submitted"  # refused: no reasons
    c.post(f"/approvals/prereviews/{obj.pk}/do/conclude/", {"conclusion": "disagree", "reasons": "位于优先保护单元",
                                                           "concluded_on": "2026-11-03"})
    obj.refresh_from_db()
    assert (obj.state, obj.conclusion) == ("concluded", "disagree")
    api = c.post("/api/v1/approvals/prereviews/", {"origin": "internal", "project_name": "API项目",
                                                   "enterprise_id": world["e2"].pk, "industry_name": "印刷",
                                                   "received_on": "2026-11-02"}, content_type="application/json")
    assert api.status_code == 201, api.content
    body = api.json()
    assert body["applicant"] == "西城印刷" and body["state"] == "submitted" and body["due_on"]
    bad = c.post("/api/v1/approvals/prereviews/", {"origin": "investment", "project_name": "x", "industry_name": "y"},
                 content_type="application/json")
    assert bad.status_code == 400 and "applicant" in bad.json().get("errors", bad.json()).__str__()
    done = c.post(f"/api/v1/approvals/prereviews/{body['id']}/conclude/",
                  {"conclusion": "agree", "concluded_on": "2026-11-04"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["conclusion_label"] == "同意"
    tl = c.get(f"/api/v1/approvals/prereviews/{body['id']}/timeline/")
    assert tl.status_code == 200
    listed = c.get("/api/v1/approvals/prereviews/?conclusion=agree&concluded_year=2026").json()
    assert listed["count"] == 1


HEADER = ["项目来源", "项目名称", "企业", "申报单位", "属地", "行业", "总投资(万元)", "管控单元类别", "收件日期", "预审结论",
          "预审意见及理由", "出具意见日期"]


def _csv(rows):
    return ("\n".join(",".join(r) for r in rows) + "\n").encode("utf-8")


def test_import_all_or_nothing_with_row_errors(world):
    imp = get_importer("approvals.prereview")
    ok = ["招商引资", "包装材料项目", "", "某新材料公司", "东城区", "塑料制品业", "18000", "重点管控", "2026-03-02", "同意", "",
          "2026-03-05"]
    ent = ["工业内生", "锅炉改造", "91110101MA01AAAA1X", "", "", "火力发电", "3200", "", "2026-04-07", "", "", ""]
    no_reason = ["招商引资", "电镀项目", "", "某表面处理公司", "西城区", "电镀", "6000", "优先保护", "2026-03-16", "不同意", "",
                 "2026-03-20"]
    no_place = ["招商引资", "无属地项目", "", "某公司", "", "电镀", "", "", "2026-03-16", "", "", ""]
    bad_origin = ["外资", "某项目", "", "某公司", "东城区", "电镀", "", "", "2026-03-16", "", "", ""]
    result = imp.run(_csv([HEADER, ok, ent, no_reason, no_place, bad_origin]), "pre.csv", None)
    assert not result.ok
    assert {(e["row"], e["column"]) for e in result.errors} == {
        (4, "预审意见及理由"), (5, "属地"), (6, "项目来源")}
    assert not PreReview.objects.exists()
    result = imp.run(_csv([HEADER, ok, ent]), "pre.csv", None)
    assert result.ok, result.errors
    assert PreReview.objects.get(project_name="包装材料项目").conclusion == "agree"
    assert PreReview.objects.get(project_name="锅炉改造").state == "submitted"
    again = imp.run(_csv([HEADER, ok]), "pre.csv", None)
    assert not again.ok and "已登记" in again.errors[0]["message"]
    assert PreReview.objects.count() == 2


def test_statistics_figures_link_to_lists_counting_the_same(world):
    from envbureau.core.models import Jurisdiction

    a = eia.submit(None, enterprise_id=world["e1"].pk, project_name="登记表项目", category="registration",
                   submitted_on="2026-03-02")
    assert a.state == "filed"
    eia.submit(None, enterprise_id=world["e1"].pk, project_name="去年登记表", category="registration",
               submitted_on="2025-12-30")
    for n, (conclusion, reasons) in enumerate((("agree", ""), ("conditional", "条件"), ("disagree", "理由"))):
        r = _new(world, project_name=f"预审{n}", received_on="2026-03-02")
        wf.apply(None, r, "conclude", conclusion=conclusion, reasons=reasons, concluded_on="2026-03-04")
    _new(world, project_name="未出具意见", received_on="2026-03-02")
    city = Jurisdiction.objects.get(code="110000")
    s = stats.statistics(world["officer"], city, 2026)
    f = s["figures"]
    assert (f["approved_filed"], f["filed"], f["prereviews"], f["prereviews_agreed"], f["prereviews_conditional"],
            f["prereviews_refused"]) == (f["approved"] + 1, 1, 3, 1, 1, 1)
    assert "完成建设项目环评审批登记备案1件,开展招商引资、工业内生项目预审3件" in s["sentence"]
    c = _client(world["officer"])
    for key in ("approved_filed", "filed", "prereviews", "prereviews_agreed", "prereviews_refused"):
        url = s["links"][key]
        api = "/api/v1/approvals/" + ("eia/" if "/eia/" in url else "prereviews/") + "?" + url.split("?", 1)[1]
        assert c.get(api).json()["count"] == f[key], (key, url)
        assert c.get(url).status_code == 200
    page = c.get("/approvals/statistics/?jurisdiction=110000&year=2026")
    assert _has(page, "环评审批登记备案合计(件)", "招商引资、工业内生项目预审(件)")


def test_the_conclusion_step_reads_in_the_readers_language(world):
    """Concluded from an English page: the step names the conclusion in each reader's language, the reasons as
    typed."""
    from django.utils import translation

    r = _new(world)
    with translation.override("en"):
        wf.apply(world["officer"], r, "conclude", conclusion="conditional", reasons="落实VOCs总量替代",
                 concluded_on="2026-10-12")
    with translation.override("zh-hans"):
        assert wf.timeline(r)[-1]["step"] == "有条件同意:落实VOCs总量替代"
    with translation.override("en"):
        assert wf.timeline(r)[-1]["step"] == "Agreed with conditions: 落实VOCs总量替代"


def test_the_clock_started_from_an_english_page_reads_in_each_readers_language(world):
    """The pre-review clock's label is stored in Chinese whoever registered it; its start line reads per reader."""
    from django.utils import translation

    from envbureau.core import deadlines as dl

    with translation.override("en"):
        r = _new(world)
    assert dl.clock(r, prereview.CLOCK).label == "预审时限"
    def start():
        return [e["note"] for e in wf.timeline(r) if e["verb"] == "deadline_start"][0]

    with translation.override("zh-hans"):
        assert start().startswith("开始计时:预审时限,期满 ")
    with translation.override("en"):
        assert start().startswith("Clock started: Pre-review limit, due ")
