"""Approvals end to end from the web pages and the API, and the access each role has to every URL of the app
(declared here from the roles in core/roles.py: 行政审批人员 acts city-wide, 局领导 reads, the 东城区 officer reads
东城区, an enterprise user applies and reports for its own enterprise only)."""

import pytest
from django.test import Client

from envbureau.approvals import eia, permits
from envbureau.approvals.models import EIAApplication, Permit
from envbureau.core import workflow as wf
from pagecheck import XLSX, shows

COD = {"outlet_code": "DW001", "factor": "w01018", "limit_value": 100, "annual_quantity": 12}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def records(world):
    a1 = eia.submit(None, enterprise_id=world["e1"].pk, project_name="东城锅炉改造", category="form",
                    submitted_on="2026-09-18", location="东城区示范路1号", investment=1000)
    a2 = eia.submit(None, enterprise_id=world["e2"].pk, project_name="西城印刷扩建", category="report",
                    submitted_on="2026-09-18")
    p1 = permits.issue(None, enterprise_id=world["e1"].pk, number="P-DC-1", category="key", issued_on="2026-01-05",
                       limits=[COD])
    p2 = permits.issue(None, enterprise_id=world["e2"].pk, number="P-XC-1", category="simplified",
                       issued_on="2026-01-05")
    from envbureau.approvals import emergency

    risk = {"air": {"substances": [{"name": "氨", "quantity_t": 20, "critical_t": 5}], "m": 30, "e": "E1"}}
    y1 = emergency.submit_plan(None, enterprise_id=world["e1"].pk, title="预案", signed_on="2026-09-24", risk=risk)
    y2 = emergency.submit_plan(None, enterprise_id=world["e2"].pk, title="预案", signed_on="2026-09-24", risk=risk)
    c1 = emergency.record_check(None, enterprise_id=world["e1"].pk, round_name="第一轮", findings=["应急池被占用"])
    c2 = emergency.record_check(None, enterprise_id=world["e2"].pk, round_name="第一轮", findings=[])
    i1 = emergency.report_incident(None, title="泄漏", kind="危化品泄漏", description="x", occurred_at="2026-11-20 08:00",
                                   enterprise_id=world["e1"].pk)
    i2 = emergency.report_incident(None, title="泄漏", kind="水污染", description="x", occurred_at="2026-11-20 08:00",
                                   jurisdiction="110102")
    from envbureau.approvals.models import DutyShift

    d2 = DutyShift.objects.create(day="2026-11-30", person="西城值班员", phone="1", jurisdiction=world["xc"])
    return {"a1": a1, "a2": a2, "p1": p1, "p2": p2, "r1": p1.reports.first(), "r2": p2.reports.first(),
            "y1": y1, "y2": y2, "c1": c1, "c2": c2, "i1": i1, "i2": i2, "d2": d2}


def test_officer_walks_an_application_from_the_pages(world, records):
    c = _client(world["officer"])
    r = c.post("/approvals/eia/new/", {"enterprise": world["e1"].pk, "project_name": "网页申请项目",
                                       "category": "form", "submitted_on": "2026-11-02", "investment": "80"})
    assert r.status_code == 302
    a = EIAApplication.objects.get(project_name="网页申请项目")
    r = c.post(f"/approvals/eia/{a.pk}/do/request_correction/", {"missing_materials": "建设项目选址意见"})
    a.refresh_from_db()
    assert a.state == "correction"
    shows(c, {f"/approvals/eia/{a.pk}/": "建设项目选址意见", "/approvals/eia/?state=correction": "网页申请项目"})
    # an enterprise user answers the 补正 from its page
    _client(world["ent_user"]).post(f"/approvals/eia/{a.pk}/do/resubmit/", {"on": "2026-11-05"})
    a.refresh_from_db()
    assert a.state == "submitted"
    r = c.post(f"/approvals/eia/{a.pk}/do/accept/", {"accepted_on": "2026-11-06"})
    a.refresh_from_db()
    assert a.state == "accepted"
    shows(c, {f"/approvals/eia/{a.pk}/": "受理公示"})
    r = c.post(f"/approvals/eia/{a.pk}/do/accept/", {"accepted_on": "2026-11-06"})  # wrong state: a message
    assert r.status_code == 302


def test_form_errors_are_400_not_500(world, records):
    c = _client(world["officer"])
    r = c.post("/approvals/eia/new/", {"enterprise": world["e1"].pk, "project_name": "x", "category": "big"})
    assert r.status_code == 400
    r = c.post("/approvals/permits/new/", {"enterprise": world["e1"].pk, "number": "N1", "category": "key",
                                           "issued_on": "2026-01-01", "limits": "DW001,w01018,abc"})
    assert r.status_code == 400 and "第 1 行上限应为数字" in r.content.decode()
    assert c.get("/approvals/statistics/?year=abc").status_code == 400
    assert c.get("/approvals/statistics/?jurisdiction=999999").status_code == 400


def test_permit_page_shows_where_the_limits_went_and_change_from_the_page(world, records):
    c = _client(world["officer"])
    p = records["p1"]
    shows(c, {f"/approvals/permits/{p.pk}/": "88888880000001"})
    r = c.post(f"/approvals/permits/{p.pk}/do/change/", {"note": "提标", "limit_lines": "DW001,COD,60,,mg/L,小时,10"})
    assert r.status_code == 302
    assert p.limits.get().limit_value == 60
    from envbureau.sources.models import PollutantLimit

    assert PollutantLimit.objects.get(point=world["point"], factor="w01018").limit_value == 60


def test_enterprise_submits_its_report_from_the_page(world, records):
    r1 = records["r1"]
    c = _client(world["ent_user"])
    c.post(f"/approvals/reports/{r1.pk}/do/submit/", {"content": "正常", "submitted_on": "2026-04-10",
                                                      "e_w01018": "2.5"})
    r1.refresh_from_db()
    assert r1.state == "submitted" and r1.emissions == {"w01018": 2.5}


def test_statistics_page_excel_api_and_cli(world, records, capsys):
    from django.core.management import call_command

    a = records["a1"]
    o = world["officer"]
    for verb, data in (("accept", {"accepted_on": "2026-09-21"}), ("start_review", {"on": "2026-09-22"}),
                       ("finish_review", {"on": "2026-09-29", "expert_opinion": "可行"}),
                       ("propose", {"on": "2026-10-13"}), ("approve", {"decided_on": "2026-10-21", "conditions": "落实"})):
        wf.apply(o, a, verb, **data)
        a.refresh_from_db()
    c = _client(o)
    shows(c, {"/approvals/statistics/?jurisdiction=110000&year=2026": "均在承诺的时限内办结",
              "/approvals/statistics/?jurisdiction=110000&year=2026&export=xlsx": XLSX,
              "/approvals/eia/?jurisdiction=110000&decided_year=2026&decision=approved&category=form": "东城锅炉改造"})
    data = c.get("/api/v1/approvals/statistics/?jurisdiction=110000&year=2026").json()
    assert data["figures"]["approved_form"] == 1 and data["within_share"] == 100.0
    assert data["industries"][0]["industry"] == "火力发电"
    call_command("approvals-stats", "--jurisdiction", "110000", "--year", "2026")
    assert "环评审批1件(报告书0件、报告表1件)" in capsys.readouterr().out


def test_plan_and_check_from_the_pages(world, records):
    ent = _client(world["ent_user"])
    r = ent.post("/approvals/plans/new/", {"enterprise": world["e1"].pk, "title": "网页预案", "signed_on": "2026-09-24",
                                           "air_substances": "氨,20,5\n甲醇,50,10", "air_m": "30", "air_e": "E1",
                                           "water_substances": "", "water_m": "0", "water_e": "E3"})
    assert r.status_code == 302, r.content.decode()[:2000]
    from envbureau.approvals.models import EmergencyPlan, HazardCheck

    plan = EmergencyPlan.objects.get(title="网页预案")
    shows(ent, {f"/approvals/plans/{plan.pk}/": "E1 × M2 × Q1 → 较大"})
    r = ent.post("/approvals/plans/new/", {"enterprise": world["e1"].pk, "title": "坏预案", "signed_on": "2026-09-24",
                                           "air_substances": "氨,20", "air_m": "30", "air_e": "E1", "water_m": "0",
                                           "water_e": "E3"})
    assert r.status_code == 400 and "第 1 行应为" in r.content.decode()
    off = _client(world["officer"])
    r = off.post("/approvals/checks/new/", {"enterprise": world["e1"].pk, "round_name": "第二轮",
                                            "checked_on": "2026-10-09", "findings": "应急物资过期\n围堰破损"})
    assert r.status_code == 302
    check = HazardCheck.objects.get(round_name="第二轮")
    assert len(check.problem_refs) == 2
    shows(off, {f"/approvals/checks/{check.pk}/": "围堰破损"})


def test_api_create_act_timeline_and_errors(world, records):
    c = _client(world["officer"])
    r = c.post("/api/v1/approvals/eia/", {"enterprise_id": world["e1"].pk, "project_name": "接口项目",
                                          "category": "report", "submitted_on": "2026-11-02"},
               content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = c.post(f"/api/v1/approvals/eia/{pk}/accept/", {"accepted_on": "bad"}, content_type="application/json")
    assert r.status_code == 400 and "accepted_on" in r.json()["error"]["fields"]
    r = c.post(f"/api/v1/approvals/eia/{pk}/accept/", {"accepted_on": "2026-11-04"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    assert [e["verb"] for e in c.get(f"/api/v1/approvals/eia/{pk}/timeline/").json()][-1] == "accept"
    r = c.post("/api/v1/approvals/permits/", {"enterprise_id": world["e1"].pk, "number": "API-1", "category": "key",
                                              "limits": [{"outlet_code": "DW001", "factor": "w01018",
                                                          "limit_value": "x"}]}, content_type="application/json")
    assert r.status_code == 400 and "limits" in r.json()["error"]["fields"]
    ent = _client(world["ent_user"])
    assert ent.post(f"/api/v1/approvals/eia/{pk}/approve/", {"conditions": "x"},
                    content_type="application/json").status_code == 403
    assert ent.get(f"/api/v1/approvals/eia/{records['a2'].pk}/").status_code == 404
    assert [x["number"] for x in ent.get("/api/v1/approvals/permits/").json()["results"]] == ["P-DC-1"]


# ---- declared access: role → URL → status (GET) --------------------------------------------------------
# officer = 行政审批人员 (city-wide), leader = 局领导 (reads everything), dongcheng = 东城区 officer (reads 东城区),
# ent = the enterprise user of 东城热电 (its own records; applies, reports).
URLS = {
    "/approvals/": {"officer": 302, "leader": 302, "dongcheng": 302, "ent": 302},
    "/approvals/eia/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/eia/{a1}/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/eia/{a2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/approvals/eia/new/": {"officer": 200, "leader": 403, "dongcheng": 403, "ent": 200},
    "/approvals/permits/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/permits/{p1}/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/permits/{p2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/approvals/permits/new/": {"officer": 200, "leader": 403, "dongcheng": 403, "ent": 403},
    "/approvals/reports/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/reports/{r1}/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/reports/{r2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/approvals/statistics/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/api/v1/approvals/eia/{a1}/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/api/v1/approvals/eia/{a2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/api/v1/approvals/eia/{a1}/timeline/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/api/v1/approvals/permits/{p2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/api/v1/approvals/reports/{r2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/api/v1/approvals/statistics/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/plans/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/plans/{y1}/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/plans/{y2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/approvals/plans/new/": {"officer": 200, "leader": 403, "dongcheng": 403, "ent": 200},
    "/approvals/checks/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/checks/{c1}/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/checks/{c2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/approvals/checks/new/": {"officer": 200, "leader": 403, "dongcheng": 403, "ent": 403},
    "/api/v1/approvals/plans/{y2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/api/v1/approvals/checks/{c2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/approvals/incidents/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/incidents/{i1}/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},
    "/approvals/incidents/{i2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/approvals/incidents/new/": {"officer": 200, "leader": 403, "dongcheng": 403, "ent": 403},
    "/approvals/duty/": {"officer": 200, "leader": 200, "dongcheng": 200, "ent": 200},  # an enterprise: no rows
    "/approvals/duty/{d2}/": {"officer": 200, "leader": 200, "dongcheng": 404, "ent": 404},
    "/approvals/duty/{d2}/edit/": {"officer": 200, "leader": 403, "dongcheng": 404, "ent": 404},
}
# POST-only actions: a reader is refused (403), an object outside scope is not found (404)
POSTS = {
    "/approvals/eia/{a1}/do/accept/": {"leader": 403, "dongcheng": 403, "ent": 403},
    "/approvals/eia/{a2}/do/accept/": {"dongcheng": 404, "ent": 404},
    "/approvals/permits/{p1}/do/revoke/": {"leader": 403, "dongcheng": 403, "ent": 403},
    "/approvals/reports/{r2}/do/submit/": {"ent": 404},
    "/approvals/reports/{r1}/do/accept/": {"ent": 403},
    "/approvals/plans/{y1}/do/file/": {"leader": 403, "dongcheng": 403, "ent": 403},
    "/approvals/plans/{y2}/do/file/": {"dongcheng": 404, "ent": 404},
    "/approvals/incidents/{i1}/do/log/": {"leader": 403, "dongcheng": 403, "ent": 403},
    "/approvals/incidents/{i2}/do/log/": {"dongcheng": 404, "ent": 404},
}


def test_declared_access(world, records):
    from envbureau.core.models import User

    users = {"officer": world["officer"], "leader": User.objects.get(username="leader"),
             "dongcheng": User.objects.get(username="dongcheng"), "ent": world["ent_user"]}
    ids = {k: v.pk for k, v in records.items()}
    wrong = []
    anon = Client()
    for template, outcomes in URLS.items():
        url = template.format(**ids)
        status = anon.get(url).status_code
        if status not in ((401, 403) if url.startswith("/api/") else (302,)):
            wrong.append(f"anonymous {url}: {status}")
        for role, want in outcomes.items():
            got = _client(users[role]).get(url).status_code
            if got != want:
                wrong.append(f"{role} GET {url}: got {got}, declared {want}")
    for template, outcomes in POSTS.items():
        url = template.format(**ids)
        for role, want in outcomes.items():
            got = _client(users[role]).post(url, {"note": "x", "content": "x"}).status_code
            if got != want:
                wrong.append(f"{role} POST {url}: got {got}, declared {want}")
    assert not wrong, "\n".join(wrong)
    assert "西城值班员" not in _client(users["ent"]).get("/approvals/duty/").content.decode()
    assert "西城值班员" not in _client(users["dongcheng"]).get("/approvals/duty/").content.decode()
    # nothing changed by the refused posts
    assert EIAApplication.objects.get(pk=ids["a1"]).state == "submitted"
    assert Permit.objects.get(pk=ids["p1"]).state == "valid"


def test_limit_lines_speak_the_readers_language_and_read_either(world, records):
    """The averaging period of a limit line is written in the page's language (小时 / hour) and read in
    either: a line copied from a Chinese permit works on an English page and the other way round."""
    from django.utils import translation

    from envbureau.approvals.forms import limit_lines, parse_limit_lines

    p = records["p1"]
    with translation.override("en"):
        lines = limit_lines(p)
        assert ",hour," in lines and "小时" not in lines
        rows = parse_limit_lines("DW001,COD,60,,mg/L,小时,10\nDW001,COD,60,,mg/L,Day,10\nDW001,COD,60,,mg/L,week,1")
    with translation.override("zh-hans"):
        assert ",小时," in limit_lines(p)
        rows += parse_limit_lines("DW001,COD,60,,mg/L,hour,10\nDW001,COD,60,,mg/L,日均值,10")
    assert [r["period"] for r in rows] == ["hour", "day", "week", "hour", "day"]  # unknown words kept for the check
