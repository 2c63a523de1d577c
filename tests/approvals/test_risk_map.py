"""Risk-source map: one row per enterprise from its current emergency plan (the filed one wins over a newer
revision still under review; superseded plans are history), coloured by the HJ 941 level, placed by the
registry's coordinates (an enterprise without coordinates only in the table); filters, Excel, API, scope."""

from rest_framework.test import APIClient

from envbureau.approvals import emergency
from envbureau.core import workflow as wf
from pagecheck import XLSX, shows

LARGER = {"air": {"substances": [{"name": "氨", "quantity_t": 20, "critical_t": 5}], "m": 30, "e": "E1"},
          "water": {"substances": [], "m": 0, "e": "E3"}}  # Q = 4 → Q1, M2, E1 → 较大
GENERAL = {"air": {"substances": [{"name": "氨", "quantity_t": 1, "critical_t": 5}], "m": 30, "e": "E1"},
           "water": {"substances": [], "m": 0, "e": "E3"}}  # Q < 1 → 一般


def _plans(world):
    e1, e2 = world["e1"], world["e2"]
    e1.longitude, e1.latitude = 116.41, 39.91
    e1.save()
    old = emergency.submit_plan(None, enterprise_id=e1.pk, title="2023版预案", signed_on="2023-03-01",
                                submitted_on="2023-03-10", risk=GENERAL)
    wf.apply(None, old, "file", filed_on="2023-03-20")
    current = emergency.submit_plan(None, enterprise_id=e1.pk, title="2026版预案", signed_on="2026-03-02",
                                    submitted_on="2026-03-10", risk=LARGER)
    wf.apply(None, current, "file", filed_on="2026-03-20")  # supersedes the 2023 plan
    emergency.submit_plan(None, enterprise_id=e1.pk, title="2026修订稿", signed_on="2026-11-02",
                          submitted_on="2026-11-10", risk=GENERAL)  # not filed yet: the filed one stays current
    e2_plan = emergency.submit_plan(None, enterprise_id=e2.pk, title="印刷厂预案", signed_on="2026-05-06",
                                    submitted_on="2026-05-08", risk=GENERAL)
    return current, e2_plan


def test_current_plan_per_enterprise_riskiest_first(world):
    from envbureau.approvals.models import EmergencyPlan

    current, e2_plan = _plans(world)
    rows = emergency.risk_sources(EmergencyPlan.objects.all())
    assert [(r["enterprise_name"], r["level"], r["plan_code"]) for r in rows] == [
        ("东城热电", "较大", current.code), ("西城印刷", "一般", e2_plan.code)]
    assert (rows[0]["longitude"], rows[0]["latitude"]) == (116.41, 39.91) and rows[1]["longitude"] is None


def test_page_filters_excel_and_scope(world, client):
    _plans(world)
    client.force_login(world["officer"])
    r = client.get("/approvals/risk-map/")
    page = r.content.decode()
    assert r.status_code == 200 and "东城热电" in page and "西城印刷" in page and "无坐标" in page
    assert '"name": "\\u4e1c\\u57ce\\u70ed\\u7535"' in page or '"东城热电"' in page  # the one with coordinates
    assert "\\u897f\\u57ce\\u5370\\u5237" not in page.split('id="risk-points"')[1].split("</script>")[0]
    r = client.get("/approvals/risk-map/", {"risk_level": "较大"})
    assert "东城热电" in r.content.decode() and "西城印刷" not in r.content.decode()
    r = client.get("/approvals/risk-map/", {"export": "xlsx"})
    assert r.status_code == 200 and r.content.startswith(XLSX)
    client.force_login(world["ent_user"])
    shows(client, {"/approvals/risk-map/": "东城热电"})
    assert "西城印刷" not in client.get("/approvals/risk-map/").content.decode()


def test_api(world):
    _plans(world)
    c = APIClient()
    c.force_authenticate(world["officer"])
    r = c.get("/api/v1/approvals/risk-sources/", {"risk_level": "一般"})
    # 东城热电's 一般 revision is not filed yet: it stays 较大 and is not listed under 一般
    assert r.status_code == 200 and [x["enterprise_name"] for x in r.json()] == ["西城印刷"]
    assert c.get("/api/v1/approvals/risk-sources/", {"risk_level": "极大"}).status_code == 400
    c.force_authenticate(world["ent_user"])
    assert [x["enterprise_name"] for x in c.get("/api/v1/approvals/risk-sources/").json()] == ["东城热电"]
    c.force_authenticate(None)
    assert c.get("/api/v1/approvals/risk-sources/").status_code in (401, 403)
