"""Scoping of pages and API, transition endpoints with their error codes, exports and the public notice."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from envbureau.ledger import services
from envbureau.ledger.choices import State
from pagecheck import shows


def client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def two_districts(make_problem):
    dc = make_problem(title="东城油烟问题")
    xc = make_problem(jurisdiction="110102", title="西城噪声问题", enterprise_id=None)
    return dc, xc


def test_dongcheng_officer_sees_only_dongcheng(client_for, two_districts):
    dc, xc = two_districts
    c = client_for("dongcheng")  # the built-in officer role of the core demo data (110101)
    page = c.get("/ledger/problems/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "东城油烟问题" in body and "西城噪声问题" not in body
    assert c.get(f"/ledger/problems/{xc.pk}/").status_code == 404
    assert c.get(f"/ledger/problems/{dc.pk}/").status_code == 200
    api = c.get("/api/v1/ledger/problems/").json()
    assert [r["code"] for r in api["results"]] == [dc.code]
    assert c.get(f"/api/v1/ledger/problems/{xc.pk}/").status_code == 404
    assert c.post(f"/api/v1/ledger/problems/{xc.pk}/start/", {}).status_code == 404
    stats = c.get("/api/v1/ledger/problems/statistics/").json()
    assert stats["total"] == 1


def test_api_transition_codes(actors, chain, make_problem, evidence):
    p = make_problem()
    mgr, street, leader = client(actors["mgr"]), client(actors["street"]), client(actors["leader"])
    assert leader.post(f"/api/v1/ledger/problems/{p.pk}/assign/", {}).status_code == 403
    r = street.post(f"/api/v1/ledger/problems/{p.pk}/start/", {})
    assert r.status_code == 400 and "已登记" in r.json()["error"]["message"] + str(r.json()["error"].get("fields"))
    r = mgr.post(f"/api/v1/ledger/problems/{p.pk}/assign/", {"note": "请整改", "deadline": "2030-06-30"})
    assert r.status_code == 200 and r.json()["state"] == State.ASSIGNED and r.json()["deadline"] == "2030-06-30"
    assert street.post(f"/api/v1/ledger/problems/{p.pk}/start/", {}).status_code == 200
    r = street.post(f"/api/v1/ledger/problems/{p.pk}/request-close/", {"note": "完成"})
    assert r.status_code == 400 and "佐证材料" in str(r.json())
    r = street.post(f"/api/v1/ledger/problems/{p.pk}/request-close/", {"note": "完成", "files": [evidence()]})
    assert r.status_code == 200 and r.json()["state"] == State.CLOSURE_REQUESTED
    ev = street.get(f"/api/v1/ledger/problems/{p.pk}/events/").json()
    assert ev[-1]["verb"] == "request_close" and ev[-1]["attachments"][0]["sha256"]
    assert mgr.post(f"/api/v1/ledger/problems/{p.pk}/sign-off/", {}).status_code == 403  # district step first
    verbs = client(actors["dist"]).get(f"/api/v1/ledger/problems/{p.pk}/transitions/").json()
    assert {v["verb"] for v in verbs} == {"sign_off", "return"}
    assert Client().get("/api/v1/ledger/problems/").status_code in (401, 403)


def test_api_create_and_patch(actors):
    c = client(actors["street"])
    r = c.post("/api/v1/ledger/problems/", {"source": "patrol", "category": "noise", "title": "广场舞噪声",
                                            "jurisdiction": "110101001000", "responsible_units": ["东华门街道"]},
               content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["state"] == "registered" and r.json()["code"]
    r = c.post("/api/v1/ledger/problems/", {"source": "patrol", "category": "noise", "title": "越权",
                                            "jurisdiction": "110102"}, content_type="application/json")
    assert r.status_code == 403
    r = c.patch(f"/api/v1/ledger/problems/{pk}/", {"title": "广场舞噪声扰民", "state": "noticed"},
                content_type="application/json")
    assert r.status_code == 200 and r.json()["title"] == "广场舞噪声扰民" and r.json()["state"] == "registered"


def test_pages_render_and_actions(actors, chain, make_problem, evidence):
    p = make_problem()
    mgr = client(actors["mgr"])
    shows(mgr, {"/ledger/problems/": p.code, "/ledger/problems/add/": "<title>登记问题 ·",
                f"/ledger/problems/{p.pk}/": p.title, "/ledger/statistics/": "<title>整改统计 ·",
                "/ledger/inbox/": "<title>我的提醒 ·", "/ledger/chains/": chain.name,
                f"/ledger/chains/{chain.pk}/": "区级验收", "/ledger/chain-steps/add/": "新增 · 验收步骤",
                f"/ledger/problems/{p.pk}/edit/": f"编辑问题 · {p.code}",
                f"/ledger/problems/{p.pk}/do/assign/": f"交办 · {p.code}",
                "/ledger/statistics/?source=central_oversight&batch=中央": "<title>整改统计 ·"})
    detail = mgr.get(f"/ledger/problems/{p.pk}/").content.decode()
    assert f"/ledger/problems/{p.pk}/do/assign/" in detail and "do/close_out" not in detail
    r = mgr.post(f"/ledger/problems/{p.pk}/do/assign/", {"responsible_units": "东城区生态环境局", "note": "x"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.state == State.ASSIGNED
    # An illegal transition from the UI is a message, not a crash.
    r = mgr.get(f"/ledger/problems/{p.pk}/do/close_out/", follow=True)
    assert "不能执行" in r.content.decode()
    street = client(actors["street"])
    street.post(f"/ledger/problems/{p.pk}/do/start/", {"note": ""})
    r = street.post(f"/ledger/problems/{p.pk}/do/request_close/", {"note": "完成"})
    assert r.status_code == 400 and "佐证材料" in r.content.decode()
    r = street.post(f"/ledger/problems/{p.pk}/do/request_close/", {"note": "完成", "files": [evidence()]})
    assert r.status_code == 302
    att = p.attachments.first()
    assert street.get(f"/ledger/attachments/{att.pk}/").status_code == 200
    assert client(actors["xicheng"]).get(f"/ledger/attachments/{att.pk}/").status_code == 404
    assert client(actors["leader"]).get("/ledger/chains/add/").status_code == 403
    r = mgr.post("/ledger/problems/add/", {"source": "patrol", "category": "air", "title": "秸秆焚烧",
                                           "jurisdiction": p.jurisdiction_id, "received_on": "2026-01-05",
                                           "responsible_units": "东城区城管委\n东华门街道"})
    assert r.status_code == 302, r.content.decode()[:3000]


def test_exports_use_bureau_layouts(actors, chain, make_problem, evidence):
    p = make_problem(title="导出测试问题")
    services.assign(actors["mgr"], p)
    c = client(actors["mgr"])
    wb = load_workbook(io.BytesIO(c.get("/ledger/problems/?export=tasks").content))
    ws = wb.worksheets[0]
    assert ws["A1"].value.startswith("整改任务清单 · ") and "导出于" in ws["A1"].value  # the title row
    header = [x.value for x in ws[2]]
    assert header[:1] == ["序号"] and "督察反馈问题" in header and "完成情况" in header and "整改时限" in header
    row = [x.value for x in ws[3]]
    assert "导出测试问题" in row[header.index("督察反馈问题")]
    assert row[header.index("责任单位")] == "牵头:东城区生态环境局;配合:东华门街道办事处"
    assert row[header.index("完成情况")] == "序时推进"
    wb = load_workbook(io.BytesIO(c.get("/ledger/problems/?export=closure").content))
    header = [x.value for x in wb.worksheets[0][2]]
    assert "实际区级验收时间" in header and "实际市级复核时间" in header and "问题整改完成时限" in header
    assert c.get("/ledger/statistics/?export=xlsx").status_code == 200


def test_public_notice_shows_no_personal_data(actors, make_problem, evidence):
    p = make_problem(title="公示问题", description="举报人李四反映", responsible_person="王五",
                     responsible_phone="13912345678")
    hidden = make_problem(title="未公示问题")
    services.assign(None, p)
    services.start(None, p)
    services.request_close(None, p, "完成", files=[evidence()])
    services.sign_off(None, p)
    services.close_out(None, p)
    services.publish_notice(None, p, public_summary="已拆除违规设施。")
    anon = Client()
    page = anon.get("/public/ledger/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "公示问题" in body and "已拆除违规设施" in body and "未公示问题" not in body
    for secret in ("王五", "13912345678", "李四", "测试"):
        assert secret not in body
    api = anon.get("/api/v1/public/ledger/notices/").json()
    assert [r["code"] for r in api["results"]] == [p.code]
    text = str(api)
    for secret in ("王五", "13912345678", "李四", "responsible_person", "description"):
        assert secret not in text
    assert anon.get(f"/api/v1/public/ledger/notices/{hidden.code}/").status_code == 404
    # Internally the noticed problem is still scoped: another district does not see it.
    assert client(actors["xicheng"]).get(f"/ledger/problems/{p.pk}/").status_code == 404


def test_detail_shows_chain_timeline_and_buttons(actors, chain, make_problem, evidence):
    p = make_problem(title="链条展示")
    services.assign(actors["mgr"], p)
    services.start(actors["street"], p)
    services.request_close(actors["street"], p, "整改完成", files=[evidence("现场照片.txt")])
    services.sign_off(actors["dist"], p, note="区级验收通过")
    body = client(actors["mgr"]).get(f"/ledger/problems/{p.pk}/").content.decode()
    assert "区级验收" in body and "市级复核" in body and "待签署" in body and "现场照片.txt" in body
    assert f"/ledger/problems/{p.pk}/do/sign_off/" in body and f"/ledger/problems/{p.pk}/do/return/" in body
    # The district verifier already signed: no sign-off button for them now.
    body = client(actors["dist"]).get(f"/ledger/problems/{p.pk}/").content.decode()
    assert "do/sign_off/" not in body
    r = client(actors["mgr"]).post(f"/ledger/problems/{p.pk}/do/sign_off/", {"note": "复核通过"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.state == State.VERIFIED
    body = client(actors["leader"]).get(f"/ledger/problems/{p.pk}/").content.decode()
    assert "复核通过" in body and "do/" not in body  # read-only users see the timeline, no actions


def test_home_card_counts(actors, make_problem):
    import datetime as dt

    from envbureau.ledger.models import Problem

    a = make_problem()
    make_problem(deadline=dt.date.today() - dt.timedelta(days=1))
    Problem.objects.filter(pk=a.pk).update(state=State.CLOSED_OUT)
    make_problem(jurisdiction="110102")  # outside the district user's scope
    body = client(actors["dist"]).get("/").content.decode()
    assert "1/2" in body and "销号率50.0%" in body and "逾期1个" in body
    Problem.objects.all().delete()
    body = client(actors["dist"]).get("/").content.decode()
    assert "0/0" in body and "已销号/总数,暂无问题" in body and "销号率" not in body  # no rate of nothing
