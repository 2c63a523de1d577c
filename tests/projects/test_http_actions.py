"""The actions of outfalls, funds and campaign targets through HTTP (Django test client), not only through services:
each step's happy path with its audit entry, and a refused case each — wrong state or bad data is a 400 naming the
field (never a 500), an officer without the right a 403, another district's record a 404."""

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

TODAY = dt.date.today()


def _photo(name="现场.jpg"):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 90, 200)).save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _audited(model, pk, user, source, field="state"):
    """The audit entries of the record written by `user` from `source` that changed `field`."""
    from envbureau.core.models import AuditEntry

    return [e for e in AuditEntry.objects.filter(model=model, object_id=str(pk), actor=user, source=source)
            if field in (e.changes or {})]


def _fields(r) -> dict:
    assert r.status_code == 400, (r.status_code, r.content[:300])
    return r.json()["error"]["fields"]


@pytest.fixture
def outfall(world, settings, tmp_path):
    from envbureau.projects import outfalls
    from envbureau.projects.models import Outfall

    settings.MEDIA_ROOT = tmp_path

    def make(code="H-0001", jur="dc"):
        return outfalls.create_outfall(world["mgr"], Outfall(
            code=code, name=f"{code}排口", type1="other", type2="城镇雨洪排口", jurisdiction=world[jur],
            receiving_water="北护城河", target_class=4, basin="北运河流域", longitude=116.43, latitude=39.95))

    return make


def test_api_outfall_steps_multipart_with_evidence_refusals_and_audit(world, outfall, client_for):
    from envbureau.projects.models import Evidence

    o, other = outfall(), outfall("H-0002", jur="cy")
    mgr = world["mgr"]
    api, officer = client_for("pm"), client_for("dongcheng")
    url = f"/api/v1/projects/outfalls/{o.pk}"

    # confirm: a photo is required (400 naming files); a district officer reads but may not act (403);
    # another district's outfall does not exist for him (404)
    assert "files" in _fields(api.post(f"{url}/confirm/", {"note": "无照片"}))
    assert officer.post(f"{url}/confirm/", {"files": [_photo()]}).status_code == 403
    assert officer.post(f"/api/v1/projects/outfalls/{other.pk}/confirm/", {"files": [_photo()]}).status_code == 404
    due = str(TODAY + dt.timedelta(days=30))
    r = api.post(f"{url}/confirm/", {"files": [_photo("立牌.jpg")], "due": due, "note": "现场核实"})
    assert r.status_code == 200 and (r.json()["state"], r.json()["step_due"]) == ("confirmed", due), r.content
    assert list(Evidence.objects.filter(object_id=str(o.pk)).values_list("name", flat=True)) == ["立牌.jpg"]
    assert _audited("projects.outfall", o.pk, mgr, "api")

    # monitor: values as JSON in a multipart field; an unknown item is refused by name
    assert "values" in _fields(api.post(f"{url}/monitor/", {"values": json.dumps({"pm25": 3})}))
    assert "sampled_on" in _fields(api.post(f"{url}/monitor/", {"values": json.dumps({"cod": 20}),
                                                               "sampled_on": str(TODAY + dt.timedelta(days=1))}))
    r = api.post(f"{url}/monitor/", {"values": json.dumps({"cod": 20, "nh3n": "1.2"}), "sampled_on": str(TODAY),
                                     "files": [_photo("采样.jpg")]})
    assert r.status_code == 200 and r.json()["state"] == "monitored", r.content
    assert o.samples.get().water_class == 4

    # trace: the responsible party is required
    assert "responsible_unit" in _fields(api.post(f"{url}/trace/", {"trace_result": "雨污混接"}))
    r = api.post(f"{url}/trace/", {"trace_result": "上游小区雨污混接", "responsible_unit": "东城区水务局"})
    assert r.status_code == 200 and (r.json()["state"], r.json()["responsible_unit"]) == ("traced", "东城区水务局")

    # rectify: merging needs the outfall merged into; a regulated one its due date
    assert "merged_into" in _fields(api.post(f"{url}/rectify/", {"outcome": "merge", "due": due}))
    assert "due" in _fields(api.post(f"{url}/rectify/", {"outcome": "regulate"}))
    r = api.post(f"{url}/rectify/", {"outcome": "regulate", "measures": "雨污分流改造", "due": due})
    assert r.status_code == 200 and (r.json()["state"], r.json()["outcome"]) == ("rectifying", "regulate")

    # close-out: evidence required; then the step is done and a second close-out is the wrong state
    assert "files" in _fields(api.post(f"{url}/close-out/", {"note": "已完成"}))
    r = api.post(f"{url}/close-out/", {"note": "验收合格", "closed_out_on": str(TODAY), "files": [_photo("整治后.jpg")]})
    assert r.status_code == 200 and (r.json()["state"], r.json()["closed_out_on"]) == ("closed_out", str(TODAY))
    r = api.post(f"{url}/close-out/", {"note": "再次", "files": [_photo()]})
    assert r.status_code == 400 and "当前状态为“已销号”" in r.content.decode()
    r = api.post(f"{url}/trace/", {"trace_result": "x", "responsible_unit": "y"})
    assert r.status_code == 400 and "不能执行" in r.content.decode()

    states = [e.changes["state"][1] for e in sorted(_audited("projects.outfall", o.pk, mgr, "api"),
                                                     key=lambda e: (e.time, e.pk))]
    assert states == ["confirmed", "monitored", "traced", "rectifying", "closed_out"]
    assert [e["verb"] for e in api.get(f"{url}/timeline/").json()] == [
        "open", "confirm", "monitor", "trace", "rectify", "close_out"]


def test_web_outfall_step_with_evidence_and_refusal(world, outfall, client_for):
    o = outfall()
    web = client_for("pm")
    r = web.post(f"/projects/outfalls/{o.pk}/do/confirm/", {"note": "x"}, follow=True)
    o.refresh_from_db()
    assert o.state == "suspected" and "须上传佐证材料" in r.content.decode()
    assert web.post(f"/projects/outfalls/{o.pk}/do/confirm/", {"files": [_photo()]}).status_code == 302
    o.refresh_from_db()
    assert o.state == "confirmed" and _audited("projects.outfall", o.pk, world["mgr"], "web")
    assert client_for("dongcheng").post(f"/projects/outfalls/{outfall('H-0009', jur='cy').pk}/do/monitor/",
                                        {"v_cod": "20"}).status_code == 404


def test_api_fund_approve_allocate_spend_refusals_and_audit(world, new_project, client_for):
    from envbureau.projects import services
    from envbureau.projects.models import Fund

    mgr = world["mgr"]
    f = services.create_fund(mgr, Fund(project=new_project(), level="central", name="水污染防治资金",
                                       requested=800000))
    other = services.create_fund(mgr, Fund(project=new_project(jur="cy", name="朝阳项目"), level="local",
                                           name="区级配套", requested=1000))
    api, officer = client_for("pm"), client_for("dongcheng")
    url = f"/api/v1/projects/funds/{f.pk}"
    assert officer.post(f"{url}/approve/", {"approved": "600000"}).status_code == 403  # the bureau decides
    assert officer.post(f"/api/v1/projects/funds/{other.pk}/approve/", {"approved": "1"}).status_code == 404
    r = api.post(f"{url}/spend/", {"amount": "1"}, content_type="application/json")
    assert r.status_code == 400 and "当前状态" in r.content.decode()  # nothing allocated yet
    assert "approved" in _fields(api.post(f"{url}/approve/", {"approved": "abc"}, content_type="application/json"))
    r = api.post(f"{url}/approve/", {"approved": "600000", "reserve_batch": "2026年第一批"},
                 content_type="application/json")
    assert r.status_code == 200 and (r.json()["state"], r.json()["approved"]) == ("approved", "600000.00")

    assert "allocated" in _fields(api.post(f"{url}/allocate/", {"allocated": "600000.01"},
                                           content_type="application/json"))  # more than approved
    r = api.post(f"{url}/allocate/", {"allocated": "600000", "allocation_doc": "京财资环〔2026〕12号",
                                      "allocated_on": "2026-05-10"}, content_type="application/json")
    assert r.status_code == 200 and (r.json()["state"], r.json()["allocated"]) == ("allocated", "600000.00")

    assert "amount" in _fields(api.post(f"{url}/spend/", {"amount": "600000.01"}, content_type="application/json"))
    assert "amount" in _fields(api.post(f"{url}/spend/", {"amount": "0"}, content_type="application/json"))
    r = api.post(f"{url}/spend/", {"amount": "600000"}, content_type="application/json")
    assert r.status_code == 200 and (r.json()["state"], r.json()["spent"]) == ("spent", "600000.00")

    spent = [e for e in _audited("projects.fund", f.pk, mgr, "api", field="spent")]
    assert [e.changes["spent"][1] for e in spent] == ["600000.00"]
    assert [e.changes["state"][1] for e in sorted(_audited("projects.fund", f.pk, mgr, "api"),
                                                  key=lambda e: (e.time, e.pk))] == ["approved", "allocated", "spent"]


@pytest.fixture
def target(world, settings, tmp_path):
    """A 关停取缔 target of a city campaign in 东城区 (its five closure checks), and one in 朝阳区."""
    from envbureau.projects import campaigns
    from envbureau.projects.models import Campaign, CampaignTarget

    settings.MEDIA_ROOT = tmp_path
    c = campaigns.create_campaign(world["mgr"], Campaign(
        code="SLW-H", name="散乱污整治(HTTP)", kind="sanluanwu", jurisdiction=world["dc"].parent,
        start=TODAY - dt.timedelta(days=10), deadline=TODAY + dt.timedelta(days=100), category="air"))

    def make(name="某塑料加工点", jur="dc"):
        return campaigns.create_target(world["mgr"], CampaignTarget(
            campaign=c, name=name, address=f"{name}地址", jurisdiction=world[jur], target_class="close",
            due=c.deadline, lead_unit="东华门街道办事处"))

    return make


def _accept_problem(t):
    """Bring the target's ledger problem to 已验收 through the ledger's own verbs."""
    from envbureau.ledger import services as ledger
    from envbureau.ledger.models import Problem

    p = Problem.objects.get(pk=t.problem_id)
    ledger.assign(None, p, responsible_units=["东华门街道办事处"])
    ledger.start(None, p)
    ledger.request_close(None, p, note="已关停", files=[SimpleUploadedFile("现场.txt", b"x", "text/plain")])
    while p.state == "closure_requested":
        ledger.sign_off(None, p)
        p.refresh_from_db()


def test_api_target_checks_and_recheck(world, target, client_for):
    t, other = target(), target("朝阳某点", jur="cy")
    mgr = world["mgr"]
    api, officer = client_for("pm"), client_for("dongcheng")
    url = f"/api/v1/projects/targets/{t.pk}"
    post = lambda c, u, body: c.post(u, body, content_type="application/json")  # noqa: E731

    assert "checks" in _fields(post(api, f"{url}/checks/", {"checks": ["断水"]}))  # not {check: date}
    r = post(api, f"{url}/checks/", {"checks": {"断气": "2026-05-01"}})
    assert "checks" in _fields(r) and "断气" in r.content.decode()
    assert "checks" in _fields(post(api, f"{url}/checks/", {"checks": {"断水": "2026-13-01"}}))
    assert post(officer, f"/api/v1/projects/targets/{other.pk}/checks/",
                {"checks": {"断水": "2026-05-01"}}).status_code == 404
    r = post(api, f"{url}/checks/", {"checks": {"断水": "2026-05-01", "断电": "2026-05-02"}, "note": "供电公司确认"})
    assert r.status_code == 200 and r.json()["checks"] == {"断水": "2026-05-01", "断电": "2026-05-02"}
    assert r.json()["missing_checks"] == ["清原料", "清设备", "清产品"] and r.json()["done"] is False
    assert _audited("projects.campaigntarget", t.pk, mgr, "api", field="checks")

    assert "passed" in _fields(post(api, f"{url}/recheck/", {"note": "复查"}))  # passed missing
    assert "note" in _fields(post(api, f"{url}/recheck/", {"passed": True, "note": " "}))
    assert "passed" in _fields(post(api, f"{url}/recheck/", {"passed": False, "note": "反弹"}))  # not done yet
    assert post(officer, f"/api/v1/projects/targets/{other.pk}/recheck/",
                {"passed": True, "note": "x"}).status_code == 404
    r = post(api, f"{url}/recheck/", {"passed": True, "note": "未见反弹"})
    assert r.status_code == 200 and (r.json()["rechecks"], r.json()["reopened"]) == (1, 0)
    _accept_problem(t)
    r = post(api, f"{url}/recheck/", {"passed": "false", "note": "夜间偷偷生产"})
    assert r.status_code == 200 and (r.json()["rechecks"], r.json()["reopened"], r.json()["checks"]) == (2, 1, {})
    assert [e.changes["reopened"][1] for e in _audited("projects.campaigntarget", t.pk, mgr, "api",
                                                       field="reopened")] == [1]
    assert [e["verb"] for e in api.get(f"{url}/timeline/").json()][-3:] == ["check", "recheck", "reopen"]


def test_web_target_checks_and_recheck(world, target, client_for):
    t, other = target(), target("朝阳某点", jur="cy")
    web, officer = client_for("pm"), client_for("dongcheng")
    # the page's fields are check_<index of the class's checks>: 断水 is 0, 断电 1
    r = web.post(f"/projects/targets/{t.pk}/checks/", {"check_0": "2026-02-30"}, follow=True)
    t.refresh_from_db()
    assert t.checks == {} and "日期格式应为 YYYY-MM-DD" in r.content.decode()
    assert web.post(f"/projects/targets/{t.pk}/checks/", {"check_0": "2026-05-01", "check_1": "2026-05-01"}
                    ).status_code == 302
    t.refresh_from_db()
    assert t.checks == {"断水": "2026-05-01", "断电": "2026-05-01"}
    assert _audited("projects.campaigntarget", t.pk, world["mgr"], "web", field="checks")
    assert officer.post(f"/projects/targets/{other.pk}/checks/", {"check_0": "2026-05-01"}).status_code == 404

    r = web.post(f"/projects/targets/{t.pk}/recheck/", {"passed": "1", "note": ""}, follow=True)
    t.refresh_from_db()
    assert t.rechecks == 0 and "须填写复查情况" in r.content.decode()
    assert web.post(f"/projects/targets/{t.pk}/recheck/", {"passed": "1", "note": "未见反弹"}).status_code == 302
    t.refresh_from_db()
    assert (t.rechecks, t.last_checked_on) == (1, TODAY)
    assert _audited("projects.campaigntarget", t.pk, world["mgr"], "web", field="rechecks")
    assert officer.post(f"/projects/targets/{other.pk}/recheck/", {"passed": "1", "note": "x"}).status_code == 404
