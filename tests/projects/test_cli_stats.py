"""The statistics commands of campaigns, outfalls and grids (`envbureau campaign_stats|outfall_stats|grid_stats`),
like `projects_stats`: the report sentence (or --json), the area of --jurisdiction, options refused by name; and the
monthly-report job `projects_monthly`."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

TODAY = dt.date.today()


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_outfall_stats_sentence_json_and_area(world, settings, tmp_path):
    from envbureau.core import workflow as wf
    from envbureau.projects import outfalls
    from envbureau.projects.models import BasinMilestone, Outfall

    settings.MEDIA_ROOT = tmp_path

    def make(code, jur):
        return outfalls.create_outfall(world["mgr"], Outfall(
            code=code, name=code, type1="other", type2="城镇雨洪排口", jurisdiction=world[jur], basin="北运河流域",
            receiving_water="北护城河"))

    make("C-1", "dc"), make("C-2", "dc"), make("C-3", "cy")
    wf.apply(world["mgr"], make("C-4", "dc"), "dismiss", note="非排污口")
    BasinMilestone.objects.create(basin="北运河流域", jurisdiction=world["dc"].parent, due=dt.date(2026, 12, 31))
    text = run("outfall_stats")
    assert text.startswith("北京市共有入河排污口 3 个,其中已监测 0 个、已溯源 0 个(溯源率 0.0%)")
    assert "北运河流域 2026-12-31: 0/3, 0/1" in text
    data = json.loads(run("outfall_stats", "--jurisdiction", "110101", "--json", "--decimals", "0"))
    assert (data["summary"]["found"], data["summary"]["dismissed"], data["summary"]["traced_rate"]) == (2, 1, "0")
    assert data["jurisdiction"] == "110101" and [r["key"] for r in data["by_area"]] == ["110101"]
    assert json.loads(run("outfall_stats", "--basin", "温榆河流域", "--json"))["summary"]["found"] == 0
    with pytest.raises(CommandError, match="--jurisdiction"):
        run("outfall_stats", "--jurisdiction", "999999")
    with pytest.raises(CommandError, match="--date"):
        run("outfall_stats", "--date", "2026-02-30")


def test_grid_stats_sentence_json_and_period(world):
    from envbureau.core.models import Jurisdiction
    from envbureau.projects import grids
    from envbureau.projects.models import Grid, GridTraining

    street = Jurisdiction.objects.get(code="110101001000")
    for code, last in (("G-1", dt.date(2026, 5, 9)), ("G-2", dt.date(2026, 5, 1))):
        g = grids.create_grid(world["mgr"], Grid(code=code, name=code, level=3, jurisdiction=street))
        Grid.objects.filter(pk=g.pk).update(last_patrol_on=last)
    GridTraining.objects.create(jurisdiction=street, held_on=dt.date(2026, 5, 6), topic="巡查要点", trainees=40)
    text = run("grid_stats", "--jurisdiction", "110101", "--since", "2026-05-01", "--until", "2026-05-10",
               "--date", "2026-05-10")
    # level 3 every 2 days: G-1 due 05-11 (covered), G-2 due 05-03 (overdue)
    assert text.startswith("东城区在用网格2个,按频次巡查1个,覆盖率50.0%,逾期未巡查1个;2026-05-01至2026-05-10巡查0次")
    assert "开展网格员培训1次、参训40人次" in text and "三级网格: 2 / 1 (50.0%), overdue 1" in text
    data = json.loads(run("grid_stats", "--jurisdiction", "110105", "--json", "--date", "2026-05-10"))
    assert data["total"]["grids"] == 0 and data["jurisdiction"] == "110105"  # 朝阳区 has none
    with pytest.raises(CommandError, match="--since"):
        run("grid_stats", "--since", "2026-05-11", "--until", "2026-05-10")
    with pytest.raises(CommandError, match="--until"):
        run("grid_stats", "--until", "10/05/2026")


def test_campaign_stats_sentence_json_and_part(world, settings, tmp_path):
    from envbureau.projects import campaigns
    from envbureau.projects.models import Campaign, CampaignTarget

    settings.MEDIA_ROOT = tmp_path
    c = campaigns.create_campaign(world["mgr"], Campaign(
        code="SLW-CLI", name="散乱污整治(命令行)", kind="sanluanwu", jurisdiction=world["dc"].parent,
        start=TODAY - dt.timedelta(days=10), deadline=TODAY + dt.timedelta(days=90), category="air"))
    for name, jur, due in (("甲", "dc", TODAY - dt.timedelta(days=1)), ("乙", "dc", TODAY), ("丙", "cy", TODAY)):
        campaigns.create_target(world["mgr"], CampaignTarget(
            campaign=c, name=name, address=name, jurisdiction=world[jur], target_class="upgrade", due=due))
    text = run("campaign_stats", "SLW-CLI")
    assert text.startswith("散乱污整治(命令行):列入整治清单3家(处),完成整治0家(处),完成率0.0%") and "逾期未完成1家" in text
    data = json.loads(run("campaign_stats", "散乱污整治(命令行)", "--jurisdiction", "110101", "--json"))
    assert (data["total"]["total"], data["total"]["overdue"], data["scope_name"]) == (2, 1, "东城区")
    whole = json.loads(run("campaign_stats", "SLW-CLI", "--jurisdiction", "110000", "--json"))
    assert whole["total"]["total"] == 3
    with pytest.raises(CommandError, match="campaign"):
        run("campaign_stats", "NO-SUCH")
    with pytest.raises(CommandError, match="--jurisdiction"):
        other = campaigns.create_campaign(world["mgr"], Campaign(
            code="SLW-CY", name="朝阳专项", kind="sanluanwu", jurisdiction=world["cy"], start=TODAY,
            deadline=TODAY + dt.timedelta(days=30), category="air"))
        run("campaign_stats", other.code, "--jurisdiction", "110101")  # 东城区 is outside 朝阳区's campaign


def test_projects_monthly_opens_report_tasks_once(world, new_project):
    from envbureau.core import workflow as wf
    from envbureau.core.models import Task

    p = new_project()
    new_project(name="未开工项目")
    wf.apply(world["officer"], p, "start", started_on="2026-03-05")
    assert run("projects_monthly", "--month", "2026-02").strip() == "opened 0 report task(s)"  # not yet under way
    assert run("projects_monthly", "--month", "2026-03").strip() == "opened 1 report task(s)"
    assert run("projects_monthly", "--month", "2026-03").strip() == "opened 0 report task(s)"  # idempotent
    task = Task.objects.get(model="projects.project", object_id=str(p.pk), state="+report-2026-03")
    assert (task.due_date, task.is_open) == (dt.date(2026, 4, 5), True)
    with pytest.raises(CommandError, match="--month"):
        run("projects_monthly", "--month", "2026-13")
