"""HJ 941 M and E from their parts on the plan's paths: emergency.assess (the API's and the import's grader), the
plan form, the API and the plan import each accept the parts or the finished values (not both), refuse a wrong
part naming it, and the plan page shows every step of the working. The item list and the E criteria are
configuration (approvals hj941_tables: m_items, e_air, e_water), validated."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client

from envbureau.approvals import config, emergency
from envbureau.approvals.models import EmergencyPlan
from envbureau.core.importing import get_importer
from envbureau.standards import hj941

AIR_ITEMS = {"毒性气体泄漏监控预警措施": 10, "符合防护距离要求情况": 10, "近3年内突发大气环境事件发生情况": 0}
# air: Q = 20/5 = 4 → Q1; M = 加氢 2 套 (20) + 导热油加热 1 套 (5) + 20 = 45 → M3; 62,000 within 5 km → E1 → 重大
# water: Q = 0.2 → Q0 (一般); its E from F and S still checked
PARTS = {"air": {"substances": [{"name": "氨", "quantity_t": 20, "critical_t": 5}],
                 "m_parts": {"processes": [{"name": "加氢", "units": 2}, {"name": "导热油加热", "units": 1}],
                             "items": AIR_ITEMS},
                 "e_parts": {"pop_5km": 62000, "pop_500m": 300}},
         "water": {"substances": [{"name": "硫酸", "quantity_t": 2, "critical_t": 10}], "m": 0,
                   "e_parts": {"f": "F2", "s": "S1"}}}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def tables(settings):
    def use(conf):
        settings.ENVBUREAU = {**settings.ENVBUREAU, "APPROVALS": {"hj941_tables": conf}}
    return use


def test_assess_from_parts_and_either_not_both():
    r = emergency.assess(PARTS)
    assert r.label == "重大[重大-大气(Q1-M3-E1) + 一般-水(Q0)]"
    assert "大气:M = 生产工艺 25 + 风险防控 20 = 45(评估项目及满分:平台暂存表(凭记忆整理,待核对标准原文))" in r.steps
    both = {**PARTS, "air": {**PARTS["air"], "m": 45}}
    with pytest.raises(ValidationError) as exc:
        emergency.assess(both)
    assert "M 值与其分项只填一种" in exc.value.message_dict["air.m"][0]
    over = {**PARTS, "air": {**PARTS["air"], "m_parts": {"processes": [],
                                                          "items": {**AIR_ITEMS, "符合防护距离要求情况": 26}}}}
    with pytest.raises(ValidationError) as exc:
        emergency.assess(over)
    assert exc.value.message_dict["air.m"] == ["大气:符合防护距离要求情况 得分 26 超出 0–25 分"]
    with pytest.raises(ValidationError) as exc:
        emergency.assess({**PARTS, "water": {**PARTS["water"], "e_parts": {"f": "F2"}}})
    assert "f(F1–F3)、s(S1–S3)" in exc.value.message_dict["water.e"][0]


def test_configured_items_and_e_criteria_are_used_and_named(tables):
    tables({"m_items": {"air": [["监控预警", 40], ["防护距离", 30]], "water": [["截流", 70]]},
            "e_air": {"E1": [100000, 2000], "E2": [20000, 1000]},
            "e_water": {s: {f: "E2" for f in ("F1", "F2", "F3")} for s in ("S1", "S2", "S3")},
            "parts_source": "HJ 941-2018 表1、表2、表5(局存文本)"})
    t, _source = config.hj941_tables()
    assert t["m_items"]["air"] == (("监控预警", 40.0), ("防护距离", 30.0)) and t["e_air_thresholds"]["E1"] == (100000, 2000)
    risk = {"air": {"substances": [{"name": "氨", "quantity_t": 20, "critical_t": 5}],
                    "m_parts": {"processes": [], "items": {"监控预警": 40, "防护距离": 5}},
                    "e_parts": {"pop_5km": 62000, "pop_500m": 0}}, "water": {}}
    r = emergency.assess(risk)
    assert (r.air.m_class, r.air.e_class) == ("M3", "E2")  # 45; 62,000 < 100,000 under the bureau's figures
    assert any("HJ 941-2018 表1、表2、表5(局存文本)" in s for s in r.steps)
    with pytest.raises(ValidationError, match="毒性气体泄漏监控预警措施"):  # the remembered items no longer apply
        emergency.assess({**risk, "air": {**risk["air"], "m_parts": {"items": AIR_ITEMS}}})


@pytest.mark.parametrize("conf,key", [
    ({"m_items": {"air": [["a", 25]]}}, '"m_items"'),  # water missing
    ({"m_items": {"air": [["a", 80]], "water": [["b", 10]]}}, "exceed 100"),
    ({"m_items": {"air": [["a", 10], ["a", 10]], "water": [["b", 10]]}}, "distinct"),
    ({"e_air": {"E1": [50000, 1000]}}, '"e_air"'),
    ({"e_air": {"E1": [10000, 1000], "E2": [50000, 500]}}, "below the E1"),
    ({"e_water": {"S1": {"F1": "E1"}}}, '"e_water"'),
    ({"e_water": {s: {f: "E4" for f in ("F1", "F2", "F3")} for s in ("S1", "S2", "S3")}}, '"e_water"'),
])
def test_malformed_parts_tables_are_refused_naming_the_key(tables, conf, key):
    tables(conf)
    with pytest.raises(ImproperlyConfigured, match=key):
        config.hj941_tables()


def test_form_from_parts_and_the_working_on_the_page(world):
    ent = _client(world["ent_user"])
    base = {"enterprise": world["e1"].pk, "title": "分项预案", "signed_on": "2026-09-24",
            "air_substances": "氨,20,5", "air_processes": "加氢,2\n导热油加热,1",
            "air_items": "毒性气体泄漏监控预警措施,10\n符合防护距离要求情况,10\n近3年内突发大气环境事件发生情况,0",
            "air_pop_5km": "62000", "air_pop_500m": "300", "water_substances": "", "water_f": "F2", "water_s": "S1"}
    r = ent.post("/approvals/plans/new/", {**base, "air_m": "45"})
    assert r.status_code == 400 and "M 值与其分项只填一种" in r.content.decode()
    r = ent.post("/approvals/plans/new/", {**base, "air_items": base["air_items"].replace("近3年内突发大气环境事件发生情况,0",
                                                                                         "近3年内突发大气环境事件发生情况,21")})
    assert r.status_code == 400 and "近3年内突发大气环境事件发生情况 得分 21 超出 0–20 分" in r.content.decode()
    r = ent.post("/approvals/plans/new/", {**base, "air_pop_500m": ""})
    assert r.status_code == 400 and "按判定依据确定 E 时须填写此项" in r.content.decode()
    r = ent.post("/approvals/plans/new/", base)
    assert r.status_code == 302, r.content.decode()[:3000]
    plan = EmergencyPlan.objects.get(title="分项预案")
    assert plan.risk_label == "重大[重大-大气(Q1-M3-E1) + 一般-水(Q0)]"
    page = ent.get(f"/approvals/plans/{plan.pk}/").content.decode()
    for step in ("大气:工艺 加氢 2 套 × 10 分 = 20 分", "大气:工艺 导热油加热 1 套 × 5 分 = 5 分", "大气:生产工艺得分 25 → 25 分",
                 "大气:毒性气体泄漏监控预警措施 10 分(满分 25)", "大气:M = 生产工艺 25 + 风险防控 20 = 45",
                 "大气:5 km 内人口 62,000 人 &gt; 50,000 → E1", "大气:M = 45 → M3", "大气:E1 × M3 × Q1 → 重大"):
        assert f"<li>{step}" in page, step


def test_api_from_parts_and_a_named_error(world):
    c = _client(world["officer"])
    body = {"enterprise_id": world["e1"].pk, "title": "接口分项预案", "signed_on": "2026-09-24",
            "submitted_on": "2026-10-20", "risk": PARTS}
    r = c.post("/api/v1/approvals/plans/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["risk_level"] == "重大" and "大气:5 km 内人口 62,000 人 > 50,000 → E1" in data["risk_working"]
    bad = {**body, "title": "坏", "risk": {**PARTS, "air": {**PARTS["air"], "m_parts": {
        "processes": [{"name": "加氢", "units": 1, "points": 7}], "items": AIR_ITEMS}}}}
    r = c.post("/api/v1/approvals/plans/", bad, content_type="application/json")
    assert r.status_code == 400 and "每套分值应为 10 或 5" in str(r.json()["error"]["fields"]["air.m"])


def test_import_from_parts_with_row_errors_naming_the_column(world):
    imp = get_importer("approvals.emergencyplan")
    head = "企业,预案名称,签署发布日期,大气Q值,大气M值,大气E,大气生产工艺,大气风险防控项目得分,大气5公里内人口,大气500米内人口,水Q值,水F,水S\n"
    items = "毒性气体泄漏监控预警措施,10;符合防护距离要求情况,10;近3年内突发大气环境事件发生情况,0"
    ok = f'东城热电,预案P,2024-03-01,4,,,"加氢,2;导热油加热,1","{items}",62000,300,0.5,F2,S1\n'
    both = f'东城热电,预案Q,2024-03-01,4,45,,"加氢,2","{items}",62000,300,,,\n'
    over = f'东城热电,预案R,2024-03-01,4,,,"加氢,2","{items.replace(",0", ",30")}",62000,300,,,\n'
    half_e = f'东城热电,预案S,2024-03-01,4,,,"加氢,2","{items}",62000,,,,\n'
    bad_proc = '东城热电,预案T,2024-03-01,4,,,"加氢",,,,,,\n'
    bad_points = f'东城热电,预案U,2024-03-01,4,,E1,"加氢,1,7","{items}",,,,,\n'
    res = imp.run((head + ok + both + over + half_e + bad_proc + bad_points).encode(), "p.csv", None)
    assert not res.ok
    errs = {(e["row"], e["column"]): e["message"] for e in res.errors}
    assert set(errs) == {(3, "大气M值"), (4, "大气风险防控项目得分"), (5, "大气500米内人口"), (6, "大气生产工艺"),
                         (7, "大气生产工艺")}
    assert "加氢:每套分值应为 10 或 5:7" in errs[(7, "大气生产工艺")]
    assert "近3年内突发大气环境事件发生情况 得分 30 超出 0–20 分" in errs[(4, "大气风险防控项目得分")]
    res = imp.run((head + ok).encode(), "p.csv", None)
    assert res.ok, res.errors
    plan = EmergencyPlan.objects.get(title="预案P")
    assert plan.risk_label == "重大[重大-大气(Q1-M3-E1) + 一般-水(Q0)]"
    assert "大气:M = 生产工艺 25 + 风险防控 20 = 45" in plan.risk_working


def test_remembered_parts_tables_are_the_module_defaults():
    t, _source = config.hj941_tables()
    assert "m_items" not in t and t["parts_source"] == ""
    assert sum(m for _n, m in hj941.M_ITEMS["air"]) + hj941.PROCESS_CAP == 100
    assert sum(m for _n, m in hj941.M_ITEMS["water"]) + hj941.PROCESS_CAP == 100


def test_items_are_listed_and_read_in_the_readers_language():
    """An assessor working in English reads the items in English and may type them so; the stored key is the
    configured (Chinese) name."""
    from django.utils import translation

    from envbureau.approvals import emergency

    with translation.override("en"):
        parsed = emergency.parse_items("interception measures,6\n事故废水收集措施,7")
    assert parsed == {"截流措施": 6.0, "事故废水收集措施": 7.0}
    assert emergency.parse_items("未知项目,3") == {"未知项目": 3.0}  # unknown names are refused later, by name
