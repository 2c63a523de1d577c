"""Outfall types in three levels (HJ 1312-2023: under 工矿企业排污口 / 工矿企业雨洪排口 the works — 工业企业, 矿山,
尾矿库), checked in the model, form, API and import; 设置手续 (permit_status) read by its label; statistics by area
(scoped, each number a link); the outfall's own page draws its position with the statistics page's map code."""

import io

import pytest
from django.core.exceptions import ValidationError


def _new(world, code="KS-0001", jur="dc", **kw):
    from envbureau.projects import outfalls
    from envbureau.projects.models import Outfall

    kw = {"type1": "industrial", "type2": "工矿企业排污口", "receiving_water": "凉水河", **kw}
    return outfalls.create_outfall(world["mgr"], Outfall(code=code, name=f"{code}排口", jurisdiction=world[jur], **kw))


def test_third_level_under_industrial_outfalls(world):
    o = _new(world, type3="矿山排污口")
    assert o.type_path == "工业排污口 / 工矿企业排污口 / 矿山排污口"
    assert _new(world, "KS-0002", type2="工矿企业雨洪排口", type3="尾矿库雨洪排口").type3 == "尾矿库雨洪排口"
    assert _new(world, "KS-0003").type_path == "工业排污口 / 工矿企业排污口"  # the third level is optional
    with pytest.raises(ValidationError) as e:
        _new(world, "KS-0004", type3="尾矿库雨洪排口")  # a 雨洪 kind under the 排污口 one
    assert "type3" in e.value.message_dict and "矿山排污口" in str(e.value.message_dict["type3"])
    with pytest.raises(ValidationError) as e:
        _new(world, "KS-0005", type1="other", type2="城镇雨洪排口", type3="矿山排污口")  # no third level there
    assert "type3" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        _new(world, "KS-0006", type1="agricultural", type2="工矿企业排污口")  # not an agricultural kind
    assert "type2" in e.value.message_dict


def test_third_level_through_form_api_and_import(world, client_for):
    from openpyxl import Workbook

    from envbureau.core.importing import get_importer
    from envbureau.projects.models import Outfall

    web = client_for("pm")
    form = {"code": "KS-W1", "name": "矿区排口", "type1": "industrial", "type2": "工矿企业排污口", "type3": "矿山雨洪排口",
            "jurisdiction": world["dc"].pk, "receiving_water": "凉水河", "permit_status": "none"}
    r = web.post("/projects/outfalls/add/", form)
    assert r.status_code == 400 and "不是工矿企业排污口的三级类型" in r.content.decode()
    page = web.get("/projects/outfalls/add/").content.decode()
    assert '<option value="尾矿库排污口">尾矿库排污口</option>' in page
    assert web.post("/projects/outfalls/add/", {**form, "type3": "矿山排污口"}).status_code == 302
    assert Outfall.objects.get(code="KS-W1").type3 == "矿山排污口"

    api = client_for("pm")
    body = {**form, "code": "KS-A1", "jurisdiction": world["dc"].pk, "type3": "农田排口"}
    r = api.post("/api/v1/projects/outfalls/", body, content_type="application/json")
    assert r.status_code == 400 and "type3" in r.json()["error"]["fields"]
    r = api.post("/api/v1/projects/outfalls/", {**body, "type3": "尾矿库排污口"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["type_path"] == "工业排污口 / 工矿企业排污口 / 尾矿库排污口"

    wb = Workbook()
    ws = wb.active
    ws.append(["排口编码", "排口名称", "排口类型", "二级类型", "三级类型", "属地", "受纳水体"])
    ws.append(["KS-I1", "尾矿库排口", "工业排污口", "工矿企业排污口", "尾矿库排污口", "110101", "凉水河"])
    ws.append(["KS-I2", "雨洪排口", "其他排口", "城镇雨洪排口", "矿山排污口", "110101", "凉水河"])
    buf = io.BytesIO()
    wb.save(buf)
    res = get_importer("projects.outfall").run(buf.getvalue(), "survey.xlsx", world["mgr"])
    assert not res.ok and [(e["row"], e["column"]) for e in res.errors] == [(3, "三级类型")]
    ws.delete_rows(3)
    buf = io.BytesIO()
    wb.save(buf)
    assert get_importer("projects.outfall").run(buf.getvalue(), "survey.xlsx", world["mgr"]).ok
    assert Outfall.objects.get(code="KS-I1").type3 == "尾矿库排污口"


@pytest.mark.parametrize("status,label", [("none", "未办理"), ("approved", "已审批"), ("registered", "已登记"),
                                          ("filed", "已备案")])
def test_permit_status_is_read_by_its_label(world, client_for, status, label):
    o = _new(world, permit_status=status, permit_no="京环排口〔2026〕3号" if status != "none" else "")
    c = client_for("dongcheng")
    detail = c.get(f"/projects/outfalls/{o.pk}/").content.decode()
    assert f'<th class="pe-4">设置手续</th><td class="eb-wrap">{label}</td>' in detail
    assert f">{status}<" not in detail  # never the stored code
    assert c.get(f"/api/v1/projects/outfalls/{o.pk}/").json()["permit_status_label"] == label


def test_statistics_by_area_scoped_with_links(world, client_for):
    from envbureau.core import workflow as wf
    from envbureau.projects import outfall_stats

    a, _b = _new(world, "AR-1"), _new(world, "AR-2")
    _new(world, "AR-3", jur="cy")
    wf.apply(world["mgr"], a, "dismiss", note="非排污口")
    s = outfall_stats.statistics(None, world["dc"].parent)
    areas = {r["key"]: (r["label"], r["found"], r["dismissed"]) for r in s["by_area"]}
    assert areas == {"110101": ("东城区", 1, 1), "110105": ("朝阳区", 1, 0)}
    admin = client_for("admin")
    for r in s["by_area"]:
        url = r["links"]["found"].replace("/projects/outfalls/", "/api/v1/projects/outfalls/")
        assert admin.get(url).json()["count"] == r["found"], url
    # a district officer counts his own district only, by its streets (records at the district itself: its code)
    dc = client_for("dongcheng")
    mine = dc.get("/api/v1/projects/outfalls/statistics/").json()
    assert [(r["key"], r["found"]) for r in mine["by_area"]] == [("110101", 1)]
    assert dc.get(f"/api/v1/projects/outfalls/statistics/?jurisdiction={world['cy'].code}").status_code == 400
    page = admin.get("/projects/outfalls/statistics/").content.decode()
    assert "按属地" in page and "朝阳区" in page
    assert admin.get("/projects/outfalls/statistics/?export=xlsx").content[:2] == b"PK"


def test_the_outfalls_page_draws_its_position_with_local_scripts(world, client_for):
    located = _new(world, "MAP-1", longitude=116.4312346, latitude=39.8712346)
    nowhere = _new(world, "MAP-2")
    c = client_for("dongcheng")
    page = c.get(f"/projects/outfalls/{located.pk}/").content.decode()
    assert 'id="eb-outfall-point"' in page and 'data-lng="116.431235"' in page and 'data-lat="39.871235"' in page
    assert "/static/vendor/echarts/echarts.min.js" in page and "/static/envbureau/geo.js" in page
    assert "cdn" not in page.lower()
    assert 'id="eb-outfall-point"' not in c.get(f"/projects/outfalls/{nowhere.pk}/").content.decode()
