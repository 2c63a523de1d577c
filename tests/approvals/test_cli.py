"""The approvals commands (call_command): eia, permits, hj941, hazard-checks, duty — text and --json, scoped by
--user like the other commands — and the scheduled permits_daily and incidents_watch."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from envbureau.approvals import eia, emergency, permits
from envbureau.approvals.models import DutyShift
from envbureau.core import workflow as wf
from envbureau.core.models import Role, RoleAssignment, User

NUMBER = "91110101MA01AAAA1X001P"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def ent2(world):
    u = User.objects.create(username="ent2")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"), enterprise_id=world["e2"].pk)
    return u


def _decided(world):
    a = eia.submit(None, enterprise_id=world["e1"].pk, project_name="锅炉改造", category="form",
                   submitted_on="2026-09-18", location="东城区示范路1号")
    wf.apply(None, a, "accept", accepted_on="2026-09-21")
    wf.apply(None, a, "start_review", on="2026-09-22")
    wf.apply(None, a, "finish_review", on="2026-09-24", expert_opinion="可行")
    a.refresh_from_db()
    wf.apply(None, a, "propose", on=(a.acceptance_notice_until + dt.timedelta(days=1)).isoformat())
    a.refresh_from_db()
    wf.apply(None, a, "approve", decided_on=(a.proposal_notice_until + dt.timedelta(days=1)).isoformat(),
             conditions="落实措施")
    a.refresh_from_db()
    return a


def test_eia_list_and_show_time_used_against_the_limit(world, ent2):
    a = _decided(world)
    paused = eia.submit(None, enterprise_id=world["e1"].pk, project_name="扩建", category="form",
                        submitted_on="2026-09-18")
    wf.apply(None, paused, "request_correction", missing_materials="公众参与说明", on="2026-09-22")
    rows = json.loads(run("eia", "list", "--json"))
    assert [r["code"] for r in rows] == [a.code, paused.code]
    assert [r["code"] for r in json.loads(run("eia", "list", "--state", "approved", "--json"))] == [a.code]
    text = run("eia", "show", a.code)
    assert a.days_used is not None and a.within_limit is True
    assert f"用时 {a.days_used} / 时限 30 工作日" in text and f"应办结 {a.due_on}" in text and "在时限内:是" in text
    data = json.loads(run("eia", "show", a.code, "--json"))
    assert (data["days_used"], data["limit_days"], data["within_limit"]) == (a.days_used, 30, True)
    # open and paused (补正): the days counted up to the pause — 09-20 (a Sunday worked), 21, 22
    data = json.loads(run("eia", "show", paused.code, "--json"))
    assert (data["days_used"], data["paused"], data["within_limit"]) == (3, True, True)
    assert "计时中止中" in run("eia", "show", paused.code)
    # scoped: another enterprise's account sees none of them
    assert json.loads(run("eia", "list", "--json", "--user", "ent2")) == []
    with pytest.raises(CommandError, match="不在您的范围内"):
        run("eia", "show", a.code, "--user", "ent2")
    with pytest.raises(CommandError, match="--user"):
        run("eia", "list", "--user", "nobody")
    with pytest.raises(CommandError, match="--state"):
        run("eia", "list", "--state", "done")


def test_permits_list_and_show_with_limits(world, ent2):
    p = permits.issue(None, enterprise_id=world["e1"].pk, number=NUMBER, category="key", issued_on="2026-01-05",
                      limits=[{"outlet_code": "DW001", "factor": "w01018", "limit_value": 100, "annual_quantity": 20}])
    rows = json.loads(run("permits", "list", "--json"))
    assert [(r["number"], r["state"], r["valid_until"]) for r in rows] == [(NUMBER, "valid", str(p.valid_until))]
    text = run("permits", "show", NUMBER)
    assert "DW001 COD 小时均值 100 mg/L;许可年排放量 20 吨" in text
    assert "在线监控限值(由本证设定):1 项" in text and "88888880000001 废水在线 COD 100" in text
    data = json.loads(run("permits", "show", str(p.pk), "--json"))
    assert data["limits"][0]["limit_value"] == 100 and data["online_limits"][0]["mn"] == "88888880000001"
    assert json.loads(run("permits", "list", "--json", "--user", "ent2")) == []
    with pytest.raises(CommandError, match="不在您的范围内"):
        run("permits", "show", NUMBER, "--user", "ent2")
    days = (p.valid_until - timezone.localdate()).days
    assert len(json.loads(run("permits", "list", "--expiring-days", str(days), "--json"))) == 1
    assert json.loads(run("permits", "list", "--expiring-days", str(days - 1), "--json")) == []


@pytest.mark.parametrize("q,level,q_class", [(0.999, "一般", "Q0"), (1, "较大", "Q1"), (4, "较大", "Q1"), (10, "重大", "Q2")])
def test_hj941_grade_prints_the_level_and_the_working(q, level, q_class):
    text = run("hj941", "grade", "--q", str(q), "--m", "30", "--e", "E1")
    assert text.startswith(f"{level}环境风险:{level}-大气(") and q_class in text.splitlines()[0]
    assert "平台暂存的 HJ 941 表格" in text
    if q_class != "Q0":
        assert f"E1 × M2 × {q_class} → {level}" in text
    data = json.loads(run("hj941", "grade", "--q", str(q), "--m", "30", "--e", "e1", "--medium", "water", "--json"))
    assert (data["level"], data["q_class"], data["medium"], data["tables"]) == (level, q_class, "water", "")


def test_hj941_grade_refuses_bad_input_naming_the_option():
    with pytest.raises(CommandError, match="--e"):
        run("hj941", "grade", "--q", "4", "--m", "30")
    with pytest.raises(CommandError, match="--m"):
        run("hj941", "grade", "--q", "4", "--m", "130", "--e", "E1")
    with pytest.raises(CommandError, match="--q"):
        run("hj941", "grade", "--q", "-1", "--e", "E1")


def test_hazard_checks_list(world, ent2):
    emergency.record_check(world["officer"], enterprise_id=world["e1"].pk, round_name="2026年第一轮",
                           checked_on="2026-06-10", findings=[{"text": "事故应急池被占用"}, {"text": "雨水排口未设切换阀"}],
                           deadline="2026-07-10")
    text = run("hazard-checks", "list")
    assert "2026-06-10  2026年第一轮  东城热电  隐患 2 个" in text and "共 1 家次,隐患 2 个" in text
    assert json.loads(run("hazard-checks", "list", "--round", "第二轮", "--json")) == []
    assert json.loads(run("hazard-checks", "list", "--json", "--user", "ent2")) == []


def test_duty_today_by_area(world):
    today = timezone.localdate()
    city = world["dc"].parent
    DutyShift.objects.create(day=today, role="leader", person="张局", phone="13800000000", jurisdiction=city)
    DutyShift.objects.create(day=today, role="officer", person="李工", phone="13900000000", jurisdiction=world["dc"])
    DutyShift.objects.create(day=today - dt.timedelta(days=1), role="officer", person="昨日", phone="1",
                             jurisdiction=city)
    data = json.loads(run("duty", "--json"))
    assert data["day"] == str(today) and sorted(s["person"] for s in data["shifts"]) == ["张局", "李工"]
    text = run("duty", "--jurisdiction", world["xc"].code)  # 西城区: the city's duty, not 东城区's
    assert "带班领导  张局  13800000000" in text and "李工" not in text
    assert "无排班" in run("duty", "--date", "2020-01-01")
    with pytest.raises(CommandError, match="--date"):
        run("duty", "--date", "2026-13-01")
    with pytest.raises(CommandError, match="--jurisdiction"):
        run("duty", "--jurisdiction", "999999")


def test_permits_daily_command(world):
    from envbureau.sources.models import Alarm

    permits.issue(None, enterprise_id=world["e1"].pk, number=NUMBER, category="key", issued_on="2026-01-05",
                  limits=[{"outlet_code": "DW001", "factor": "w01018", "limit_value": 100}])
    at = timezone.make_aware(dt.datetime(2026, 4, 10, 8))
    Alarm.objects.create(point=world["point"], enterprise=world["e1"], kind="exceedance", factor="w01018",
                         detail_key="hour", started_at=at, last_seen_at=at, value=150, limit_value=100)
    # Q1 report overdue (due 04-15) and April's exceedance: two findings; a re-run adds nothing
    assert run("permits_daily", "--date", "2026-04-16").strip().endswith("新增证后监管事项 2 项")
    assert run("permits_daily", "--date", "2026-04-16").strip().endswith("新增证后监管事项 0 项")
    with pytest.raises(CommandError, match="--date"):
        run("permits_daily", "--date", "16/04/2026")


def test_incidents_watch_command(world):
    emergency.report_incident(world["officer"], title="储罐泄漏", kind="危化品泄漏", description="阀门泄漏", level="IV",
                              occurred_at="2026-11-20 08:30", reported_at="2026-11-20 09:05",
                              enterprise_id=world["e1"].pk)
    assert run("incidents_watch").strip() == "初报超时提示 1 起"  # 4 hours passed long ago
    assert run("incidents_watch").strip() == "初报超时提示 0 起"  # once


def test_hj941_grade_from_parts():
    items = "毒性气体泄漏监控预警措施,10;符合防护距离要求情况,10;近3年内突发大气环境事件发生情况,0"
    text = run("hj941", "grade", "--q", "4", "--processes", "加氢,2;导热油加热,1", "--items", items,
               "--pop-5km", "62000", "--pop-500m", "300")
    assert text.startswith("重大环境风险:重大-大气(Q1-M3-E1)")
    assert "大气:M = 生产工艺 25 + 风险防控 20 = 45" in text and "5 km 内人口 62,000 人 > 50,000 → E1" in text
    data = json.loads(run("hj941", "grade", "--q", "4", "--m", "30", "--water-f", "F3", "--water-s", "S2", "--medium", "water",
                          "--json"))
    assert (data["e_class"], data["label"]) == ("E3", "一般-水(Q1-M2-E3)")
    with pytest.raises(CommandError, match="只填一种"):
        run("hj941", "grade", "--q", "4", "--m", "30", "--items", items, "--e", "E1")
    with pytest.raises(CommandError, match="--pop-500m"):
        run("hj941", "grade", "--q", "4", "--m", "30", "--pop-5km", "100")
    with pytest.raises(CommandError, match="超出 0–25 分"):
        run("hj941", "grade", "--q", "4", "--items", items.replace("防护距离要求情况,10", "防护距离要求情况,26"), "--e", "E1")
