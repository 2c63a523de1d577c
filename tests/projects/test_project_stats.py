"""Progress and rate computations on a bureau's printed figures (靖江市2023年上半年工作总结; 时间过半 is a
convention, no national rule):
"排定年度大气污染防治工程134项,已完成建设104项,完成率77.6%,达到了时间过半、任务超半的目标要求"."""

import datetime as dt
from decimal import Decimal

import pytest

from boundary import DAY, three


def _bulk(world, year, states, battle="air", jur="dc", invest=Decimal("100000")):
    from envbureau.projects.models import Project

    objs = [Project(code=f"T{year}{jur}{battle}{i:04d}", name=f"工程{i}", battle=battle, year=year,
                    jurisdiction=world[jur], owner_unit=world[f"u_{jur}"], planned_start=dt.date(year, 2, 1),
                    planned_finish=dt.date(year, 11, 30), investment_planned=invest, state=s)
            for i, s in enumerate(states)]
    Project.objects.bulk_create(objs)


def _states(finished, started_only, planned_only, cancelled=0):
    return ["accepted"] * finished + ["in_progress"] * started_only + ["planned"] * planned_only + \
        ["cancelled"] * cancelled


def test_seed_001_134_planned_104_done_on_30_june(world):
    from envbureau.projects import stats

    # 104 finished (some accepted, some only built), 20 under way, 10 not started, 3 cancelled (not in the plan).
    _bulk(world, 2023, ["finished"] * 50 + ["accepted"] * 54 + ["in_progress"] * 20 + ["planned"] * 10 +
          ["cancelled"] * 3)
    s = stats.statistics(None, world["dc"], 2023, today=dt.date(2023, 6, 30), places=1)
    tot = s["summary"]
    assert (tot["planned"], tot["started"], tot["finished"], tot["cancelled"]) == (134, 124, 104, 3)
    assert tot["completion_rate"] == "77.6"  # 104/134 = 0.776119
    assert tot["schedule"]["half_met"] is True
    assert tot["schedule"]["verdict"] == "达到时间过半、任务过半"
    assert "排定污染防治工程项目134项" in s["sentence"] and "已完成建设104项,完成率77.6%" in s["sentence"]
    assert "达到时间过半、任务过半" in s["sentence"]
    assert stats.statistics(None, world["dc"], 2023, today=dt.date(2023, 6, 30), places=0)["summary"][
        "completion_rate"] == "78"


def test_half_day_is_30_june_by_default(world):
    from envbureau.projects import stats

    def past_half(day):
        return stats.progress(134, 104, 2023, day)["past_half"]

    assert three(past_half, dt.date(2023, 6, 30), DAY) == (False, True, True)


@pytest.mark.parametrize("done,met", [(66, False), (67, True), (68, True)])  # 67/134 is exactly half
def test_half_share_boundary(done, met):
    from envbureau.projects import stats

    sch = stats.progress(134, done, 2023, dt.date(2023, 6, 30))
    assert sch["half_met"] is met
    assert ("滞后" in sch["verdict"]) is (not met)


def test_red_yellow_flags_against_time_share():
    """On 30 June 2023, 180 of 364 days have passed (0.49451). Yellow below that share, red when more than
    0.2 below it (the defaults)."""
    from envbureau.projects import stats

    day = dt.date(2023, 6, 30)
    assert stats.progress(1000, 495, 2023, day)["flag"] == "green"  # 0.495 ≥ 0.49451
    assert stats.progress(1000, 494, 2023, day)["flag"] == "yellow"  # 0.494 < 0.49451
    assert stats.progress(1000, 295, 2023, day)["flag"] == "yellow"  # behind 0.19951 ≤ 0.2
    assert stats.progress(1000, 294, 2023, day)["flag"] == "red"  # behind 0.20051 > 0.2


def test_flags_and_half_day_are_configuration_per_jurisdiction(world, settings):
    from envbureau.projects import config, stats

    settings.ENVBUREAU = {**settings.ENVBUREAU, "PROJECTS": {
        "red_behind": 0.5, "jurisdictions": {"110101": {"half_day": "07-15", "half_share": 0.6}}}}
    day = dt.date(2023, 6, 30)
    assert stats.progress(1000, 294, 2023, day)["flag"] == "yellow"  # red needs 0.5 behind now
    assert config.half_on(2023, world["dc"]) == dt.date(2023, 7, 15)
    assert config.half_on(2023, world["cy"]) == dt.date(2023, 6, 30)
    assert stats.progress(10, 6, 2023, dt.date(2023, 7, 15), world["dc"])["half_met"] is True
    assert stats.progress(10, 5, 2023, dt.date(2023, 7, 15), world["dc"])["half_met"] is False  # 0.5 < 0.6
    assert stats.progress(10, 5, 2023, dt.date(2023, 7, 14), world["dc"])["past_half"] is False


def test_breakdowns_and_every_number_links_to_its_records(world, client_for):
    from envbureau.projects import stats

    _bulk(world, 2026, _states(3, 2, 1, cancelled=1), battle="air", jur="dc")
    _bulk(world, 2026, _states(1, 0, 3), battle="water", jur="cy", invest=Decimal("250000"))
    _bulk(world, 2025, _states(5, 0, 0), battle="air", jur="dc")  # another year: never counted
    city = world["dc"].parent
    s = stats.statistics(None, city, 2026, today=dt.date(2026, 11, 30))
    tot = s["summary"]
    assert (tot["planned"], tot["started"], tot["finished"]) == (10, 6, 4)
    assert tot["investment_planned"] == Decimal("1600000.00")  # 6 × 100,000 + 4 × 250,000
    assert tot["investment_planned_wan"] == Decimal("160.00")
    battles = {r["key"]: (r["planned"], r["finished"], r["completion_rate"]) for r in s["by_battle"]}
    assert battles == {"air": (6, 3, "50.0"), "water": (4, 1, "25.0")}
    areas = {r["key"]: (r["label"], r["planned"]) for r in s["by_area"]}
    assert areas == {"110101": ("东城区", 6), "110105": ("朝阳区", 4)}
    owners = {r["label"]: r["planned"] for r in s["by_owner"]}
    assert owners == {"东城区生态环境局": 6, "朝阳区生态环境局": 4}
    c = client_for("admin")
    for row, key, expected in [(tot, "planned", 10), (tot, "started", 6), (tot, "finished", 4),
                               (s["by_battle"][0], "finished", 3), (s["by_area"][1], "planned", 4),
                               (s["by_owner"][1], "unfinished", 3)]:
        url = row["links"][key].replace("/projects/projects/", "/api/v1/projects/projects/")
        assert c.get(url, HTTP_ACCEPT="application/json").json()["count"] == expected, url
        page = c.get(row["links"][key])
        assert page.status_code == 200


def test_funds_by_level_and_execution_rate(world, new_project):
    from envbureau.core import workflow as wf
    from envbureau.projects import services, stats
    from envbureau.projects.models import Fund

    p = new_project()
    f = services.create_fund(world["mgr"], Fund(project=p, level="central", name="水污染防治资金", requested=800000))
    wf.apply(world["mgr"], f, "approve", approved="600000")
    wf.apply(world["mgr"], f, "allocate", allocated="600000", allocation_doc="京财资环〔2026〕12号")
    wf.apply(world["mgr"], f, "spend", amount="450000")
    services.create_fund(world["mgr"], Fund(project=p, level="local", name="区级配套", requested=100000))
    s = stats.statistics(None, world["dc"], 2026, today=dt.date(2026, 11, 30))
    levels = {r["key"]: (r["n"], r["allocated_wan"], r["spent_wan"], r["execution_rate"]) for r in s["funds"]}
    assert levels == {"central": (1, Decimal("60.00"), Decimal("45.00"), "75.0"), "local": (1, Decimal("0.00"),
                                                                                          Decimal("0.00"), "—")}
    assert s["funds_total"]["execution_rate"] == "75.0"
    assert "下达专项资金60.00万元,已支出45.00万元,执行率75.0%" in s["sentence"]


def test_statistics_are_scoped(world, client_for):
    _bulk(world, 2026, _states(1, 1, 1), jur="dc")
    _bulk(world, 2026, _states(2, 0, 0), jur="cy")
    c = client_for("dongcheng")
    r = c.get("/api/v1/projects/statistics/?year=2026", HTTP_ACCEPT="application/json")
    assert r.status_code == 200 and r.json()["summary"]["planned"] == 3 and r.json()["jurisdiction"] == "110101"
    r = c.get("/api/v1/projects/statistics/?year=2026&jurisdiction=110105", HTTP_ACCEPT="application/json")
    assert r.status_code == 400 and "jurisdiction" in r.json()["error"]["fields"]
    assert c.get("/api/v1/projects/statistics/?year=abc", HTTP_ACCEPT="application/json").status_code == 400
    admin = client_for("admin")
    assert admin.get("/api/v1/projects/statistics/?year=2026").json()["summary"]["planned"] == 5


def test_statistics_page_and_export(world, client_for):
    from pagecheck import XLSX, shows

    _bulk(world, 2026, _states(2, 1, 1), jur="dc")
    shows(client_for("admin"), {
        "/projects/statistics/?year=2026": "排定污染防治工程项目4项,已开工3项,已完成建设2项,完成率50.0%",
        "/projects/statistics/?year=2026&export=xlsx": XLSX,
        "/projects/projects/?year=2026&stage=finished": "工程0",
    })
    assert client_for("admin").get("/projects/statistics/?year=20x6").status_code == 400


def test_cli_prints_the_sentence_and_json(world):
    import json
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    _bulk(world, 2023, ["finished"] * 104 + ["planned"] * 30)
    out = StringIO()
    call_command("projects_stats", "--jurisdiction", "110101", "--year", "2023", "--date", "2023-06-30", stdout=out)
    assert "已完成建设104项,完成率77.6%" in out.getvalue() and "达到时间过半、任务过半" in out.getvalue()
    out = StringIO()
    call_command("projects_stats", "--year", "2023", "--date", "2023-06-30", "--json", stdout=out)
    assert json.loads(out.getvalue())["summary"]["completion_rate"] == "77.6"
    with pytest.raises(CommandError, match="--jurisdiction"):
        call_command("projects_stats", "--jurisdiction", "999999")
    with pytest.raises(CommandError, match="--date"):
        call_command("projects_stats", "--date", "2023-02-30")


def test_funds_by_battle_area_and_owner_with_links_to_their_records(world, new_project, client_for):
    """Funds allocated, spent and the execution rate (spent ÷ allocated) on every row of the battle, area and owner
    breakdowns; a row whose funds are not yet allocated has no rate ("—"), one allocated and unspent 0.0; the
    amounts link to the fund list filtered as they were summed, the investment to the projects counted."""
    import html
    import io

    from openpyxl import load_workbook

    from envbureau.core import workflow as wf
    from envbureau.projects import services, stats
    from envbureau.projects.models import Fund

    mgr = world["mgr"]

    def fund(project, level, approved=None, allocated=None, spent=None):
        f = services.create_fund(mgr, Fund(project=project, level=level, name="专项资金", requested=1000000))
        if approved:
            wf.apply(mgr, f, "approve", approved=approved)
        if allocated:
            wf.apply(mgr, f, "allocate", allocated=allocated, allocation_doc="京财资环〔2026〕1号")
        if spent:
            wf.apply(mgr, f, "spend", amount=spent)
        return f

    air_dc = new_project(name="东城锅炉改造")
    water_dc = new_project(name="东城管网", battle="water")
    water_cy = new_project(jur="cy", name="朝阳污水厂", battle="water")
    fund(air_dc, "central", "600000", "600000", "450000")
    fund(water_dc, "local", "300000")  # approved only: nothing allocated yet
    fund(water_cy, "provincial", "200000", "200000")  # allocated, nothing spent
    s = stats.statistics(None, world["dc"].parent, 2026, today=dt.date(2026, 11, 30))

    def figures(rows):
        return {r["key"]: (r["fund_n"], r["allocated_wan"], r["spent_wan"], r["execution_rate"]) for r in rows}

    assert figures(s["by_battle"]) == {"air": (1, Decimal("60.00"), Decimal("45.00"), "75.0"),
                                       "water": (2, Decimal("20.00"), Decimal("0.00"), "0.0")}
    assert figures(s["by_area"]) == {"110101": (2, Decimal("60.00"), Decimal("45.00"), "75.0"),
                                     "110105": (1, Decimal("20.00"), Decimal("0.00"), "0.0")}
    owners = {r["label"]: v for r in s["by_owner"] for v in [figures([r])[r["key"]]]}
    assert owners == {"东城区生态环境局": (2, Decimal("60.00"), Decimal("45.00"), "75.0"),
                      "朝阳区生态环境局": (1, Decimal("20.00"), Decimal("0.00"), "0.0")}
    assert figures([{**s["summary"], "key": "all"}]) == {"all": (3, Decimal("80.00"), Decimal("45.00"), "56.3")}
    dc_only = stats.statistics(None, world["dc"], 2026, today=dt.date(2026, 11, 30))
    assert figures(dc_only["by_battle"])["water"] == (1, Decimal("0.00"), Decimal("0.00"), "—")  # no allocation

    admin = client_for("admin")
    water = next(r for r in s["by_battle"] if r["key"] == "water")
    cy = next(r for r in s["by_area"] if r["key"] == "110105")
    dc_owner = next(r for r in s["by_owner"] if r["label"] == "东城区生态环境局")
    for row, expected in [(water, {water_dc.pk, water_cy.pk}), (cy, {water_cy.pk}), (dc_owner, {air_dc.pk, water_dc.pk})]:
        url = row["links"]["funds"].replace("/projects/funds/", "/api/v1/projects/funds/")
        assert {f["project"] for f in admin.get(url).json()["results"]} == expected, url
        url = row["links"]["investment"].replace("/projects/projects/", "/api/v1/projects/projects/")
        assert admin.get(url).json()["count"] == row["planned"], url
    # the statistics API carries the same figures; the page links the amounts; the Excel has the columns
    api = admin.get("/api/v1/projects/statistics/?year=2026").json()
    assert [(r["key"], r["allocated_wan"], r["execution_rate"]) for r in api["by_battle"]] == \
        [("air", "60.00", "75.0"), ("water", "20.00", "0.0")]
    page = admin.get("/projects/statistics/?year=2026").content.decode()
    for href in (water["links"]["funds"], cy["links"]["funds"], dc_owner["links"]["investment"],
                 s["funds"][0]["url"]):
        assert f'href="{html.escape(href)}"' in page, href
    ws = load_workbook(io.BytesIO(admin.get("/projects/statistics/?year=2026&export=xlsx").content))["工程项目"]
    all_rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(all_rows) if r[0] == "分组")  # under the title row
    rows = {r[0]: dict(zip(all_rows[at], r)) for r in all_rows[at + 1:]}
    assert (rows["攻坚领域:水污染防治"]["下达资金(万元)"], rows["攻坚领域:水污染防治"]["执行率(%)"]) == (20, "0.0")
    assert rows["属地:东城区"]["资金支出(万元)"] == 45


def test_the_sentence_in_english_and_amounts_with_separators(world):
    """134 projects of 100,000 yuan each = 1,340.00 万元 planned; the English sentence ends on the half-time
    verdict as a sentence of its own, and calls the funds' rate what the table calls it (spending rate)."""
    from django.utils.translation import override

    from envbureau.projects import stats
    from envbureau.projects.models import Project

    _bulk(world, 2023, ["finished"] * 104 + ["planned"] * 30, invest=Decimal("100000"))
    Project.objects.filter(year=2023).update(investment_completed=Decimal("100000"))
    with override("zh-hans"):
        s = stats.statistics(None, world["dc"], 2023, today=dt.date(2023, 6, 30), places=1)
    assert s["summary"]["investment_planned_wan"] == Decimal("1340.00")
    assert "完成投资1,340.00万元" in s["sentence"] and s["sentence"].endswith(",达到时间过半、任务过半。")
    with override("en"):
        en = stats.statistics(None, world["dc"], 2023, today=dt.date(2023, 6, 30), places=1)["sentence"]
    assert ". Half the tasks done by half time" in en and ", Half" not in en and en.endswith(".")
