"""Campaigns (专项行动): target lists imported all-or-nothing, classes with closure checks (两断三清), progress
through the ledger's loop, completion rates per class and area (散乱污 classes; Liuzhou 2019: 552 → 521), re-checks that reopen."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

TODAY = dt.date.today()


@pytest.fixture
def campaign(world):
    from envbureau.projects import campaigns
    from envbureau.projects.models import Campaign

    return campaigns.create_campaign(world["mgr"], Campaign(
        code="SLW2026", name="2026年散乱污企业整治", kind="sanluanwu", jurisdiction=world["dc"].parent,
        start=TODAY - dt.timedelta(days=100), deadline=TODAY + dt.timedelta(days=100), category="air"))


def _target(world, campaign, name, cls="close", jur="dc", due=None):
    from envbureau.projects import campaigns
    from envbureau.projects.models import CampaignTarget

    return campaigns.create_target(world["mgr"], CampaignTarget(
        campaign=campaign, name=name, address=f"{name}地址", jurisdiction=world[jur], target_class=cls,
        due=due or campaign.deadline, lead_unit="东华门街道办事处"))


def _rectify(problem_id, mgr):
    """Drive the target's ledger problem through the ledger's own verbs to 已验收."""
    from envbureau.ledger import services as ledger
    from envbureau.ledger.models import Problem

    p = Problem.objects.get(pk=problem_id)
    ledger.assign(None, p, responsible_units=["东华门街道办事处"])
    ledger.start(None, p)
    ledger.request_close(None, p, note="已关停", files=[_evidence()])
    while p.state == "closure_requested":
        ledger.sign_off(None, p)
        p.refresh_from_db()
    return p


def _evidence():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("现场照片.txt", b"photo", content_type="text/plain")


def test_seed_000_552_targets_521_rectified():
    from envbureau.projects.campaign_stats import summarise

    items = [("close", "110101", i < 521, False, False) for i in range(552)]
    s = summarise(items, places=1)
    assert (s["total"]["total"], s["total"]["done"], s["total"]["rate"]) == (552, 521, "94.4")  # 0.943841
    assert summarise(items, places=0)["total"]["rate"] == "94"


def test_target_goes_through_the_ledger_and_closes_only_with_two_cuts_three_clears(world, campaign, settings,
                                                                                  tmp_path):
    from envbureau.ledger.models import Problem
    from envbureau.projects import campaign_stats, campaigns

    settings.MEDIA_ROOT = tmp_path
    t = _target(world, campaign, "某五金加工点")
    p = Problem.objects.get(pk=t.problem_id)
    assert (p.source, p.batch, p.source_model, p.source_pk) == ("campaign", campaign.name, "projects.campaigntarget",
                                                                 str(t.pk))
    assert "关停取缔" in p.title and p.deadline == campaign.deadline and p.responsible_units == ["东华门街道办事处"]
    _rectify(t.problem_id, world["mgr"])
    assert campaigns.states([t.pk]) == {t.pk: "verified"}
    assert campaigns.is_done(t, "verified") is False  # 两断三清 not recorded yet
    assert t.missing_checks() == ["断水", "断电", "清原料", "清设备", "清产品"]
    with pytest.raises(ValidationError) as e:
        campaigns.record_checks(world["mgr"], t, {"断气": "2026-05-01"})
    assert "断气" in str(e.value)
    with pytest.raises(ValidationError):
        campaigns.record_checks(world["mgr"], t, {"断水": "2026-13-01"})
    t = campaigns.record_checks(world["mgr"], t, {"断水": "2026-05-01", "断电": "2026-05-01", "清原料": "2026-05-02",
                                                   "清设备": "2026-05-02"}, note="供电公司确认断电")
    assert campaign_stats.statistics(None, campaign)["total"]["done"] == 0  # 清产品 still missing
    t = campaigns.record_checks(world["mgr"], t, {"清产品": "2026-05-03"})
    s = campaign_stats.statistics(None, campaign)
    assert (s["total"]["total"], s["total"]["done"], s["total"]["rate"]) == (1, 1, "100.0")
    assert "完成整治1家(处),完成率100.0%,其中关停取缔1家" in s["sentence"]


def test_upgrade_class_needs_no_checks_and_rates_per_class_and_area(world, campaign, settings, tmp_path):
    from envbureau.projects import campaign_stats

    settings.MEDIA_ROOT = tmp_path
    a = _target(world, campaign, "甲", cls="upgrade")
    _target(world, campaign, "乙", cls="upgrade", jur="cy", due=TODAY - dt.timedelta(days=1))  # overdue
    _target(world, campaign, "丙", cls="relocate", jur="cy", due=TODAY)  # due today: not overdue
    _rectify(a.problem_id, world["mgr"])
    s = campaign_stats.statistics(None, campaign)
    assert (s["total"]["total"], s["total"]["done"], s["total"]["overdue"]) == (3, 1, 1)
    assert [(r["label"], r["total"], r["done"], r["rate"]) for r in s["by_class"]] == [
        ("整合搬迁", 1, 0, "0.0"), ("升级改造", 2, 1, "50.0")]
    assert [(r["label"], r["total"], r["done"]) for r in s["by_area"]] == [("东城区", 1, 1), ("朝阳区", 2, 0)]
    assert s["schedule"]["available"] and s["schedule"]["time_share"] == "50.0"
    # Each number links to exactly its records.
    from django.test import Client

    c = Client()
    c.force_login(world["mgr"])
    for row, key, n in [(s["total"], "done", 1), (s["total"], "overdue", 1), (s["total"], "open", 2),
                        (s["by_class"][1], "total", 2), (s["by_area"][1], "open", 2)]:
        url = row["links"][key].replace("/projects/targets/", "/api/v1/projects/targets/")
        assert c.get(url).json()["count"] == n, url


def test_recheck_finds_relapse_and_reopens_the_ledger_problem(world, campaign, settings, tmp_path):
    from envbureau.core import workflow as wf
    from envbureau.ledger.models import Problem
    from envbureau.projects import campaign_stats, campaigns

    settings.MEDIA_ROOT = tmp_path
    t = _target(world, campaign, "某喷涂作坊", cls="upgrade")
    with pytest.raises(ValidationError):
        campaigns.recheck(world["mgr"], t, passed=False, note="反弹")  # not done yet: nothing to reopen
    _rectify(t.problem_id, world["mgr"])
    t = campaigns.recheck(world["mgr"], t, passed=True, note="未见生产")
    assert (t.rechecks, t.reopened) == (1, 0)
    with pytest.raises(ValidationError):
        campaigns.recheck(world["mgr"], t, passed=False, note="")
    t = campaigns.recheck(world["mgr"], t, passed=False, note="夜间恢复生产")
    assert (t.rechecks, t.reopened) == (2, 1)
    p = Problem.objects.get(pk=t.problem_id)
    assert p.state == "in_rectification" and p.reopened_count == 1
    s = campaign_stats.statistics(None, campaign)
    assert (s["total"]["done"], s["total"]["reopened"]) == (0, 1)
    assert [e["verb"] for e in wf.timeline(t)] == ["recheck", "reopen"]
    with pytest.raises(PermissionDenied):
        campaigns.recheck(world["leader"], t, passed=True, note="x")


def _xlsx(rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["专项行动", "对象名称", "统一社会信用代码", "地址", "属地", "行业", "问题特征", "整治类型", "整治时限", "牵头单位"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_is_all_or_nothing_with_row_errors_and_idempotent(world, campaign):
    from envbureau.core.importing import get_importer
    from envbureau.projects.models import CampaignTarget

    imp = get_importer("projects.campaigntarget")

    good = ["2026年散乱污企业整治", "甲加工点", "", "东华门街道1号", "110101001000", "五金", "散、污", "关停取缔", "", "东华门街道"]
    bad_class = ["SLW2026", "乙加工点", "", "东四2号", "110101", "", "", "取缔", "2026-12-31", ""]
    outside = ["SLW2026", "丙加工点", "", "X", "999999", "", "", "升级改造", "", ""]
    res = imp.run(_xlsx([good, bad_class, outside]), "t.xlsx", world["mgr"])
    assert not res.ok
    msgs = {(e["row"], e["column"]) for e in res.errors}
    assert (3, "整治类型") in msgs and (4, "属地") in msgs
    assert CampaignTarget.objects.count() == 0
    res = imp.run(_xlsx([good, ["SLW2026", "乙加工点", "", "东四2号", "110101", "", "", "整合搬迁", "2026-12-31",
                                ""]]), "t.xlsx", world["mgr"])
    assert res.ok, res.errors
    assert CampaignTarget.objects.count() == 2
    t = CampaignTarget.objects.get(name="甲加工点")
    assert (t.target_class, t.due, t.problem_id is not None) == ("close", campaign.deadline, True)
    first_problem = t.problem_id
    res = imp.run(_xlsx([good[:7] + ["升级改造"] + good[8:]]), "t.xlsx", world["mgr"])
    assert res.ok, res.errors
    t.refresh_from_db()
    assert CampaignTarget.objects.count() == 2 and t.target_class == "upgrade" and t.problem_id == first_problem


def test_targets_are_scoped_and_pages_show(world, campaign, client_for, settings, tmp_path):
    from pagecheck import XLSX, shows

    settings.MEDIA_ROOT = tmp_path
    mine = _target(world, campaign, "东城目标")
    other = _target(world, campaign, "朝阳目标", jur="cy")
    c = client_for("dongcheng")
    shows(c, {f"/projects/targets/{mine.pk}/": "断水", "/projects/targets/": "东城目标",
              f"/projects/campaigns/{campaign.pk}/statistics/?export=xlsx": XLSX})
    assert "朝阳目标" not in c.get("/projects/targets/").content.decode()
    assert c.get(f"/projects/targets/{other.pk}/").status_code == 404
    assert c.get(f"/api/v1/projects/targets/{other.pk}/").status_code == 404
    r = client_for("admin").get(f"/api/v1/projects/campaigns/{campaign.pk}/statistics/").json()
    assert r["total"]["total"] == 2


def test_target_problem_title_is_worded_per_reader(world, campaign, client_for):
    """The ledger problem of a target keeps its title as facts (campaign, target, class): stored in Chinese
    whoever opened it, read in English on the ledger's pages by an English reader (the names are data, the
    class is a word of the fixed list); a title a person edits afterwards is shown as typed. Problems opened
    before get the facts from their stored title (migration projects 0010)."""
    import importlib
    import re

    from django.utils import translation

    from envbureau.ledger import services as ledger
    from envbureau.ledger.models import Problem

    with translation.override("en"):  # an English manager adds the target
        t = _target(world, campaign, "某五金加工点")
    p = Problem.objects.get(pk=t.problem_id)
    assert p.title == "2026年散乱污企业整治:某五金加工点(关停取缔)"
    assert p.title_facts == {"msg": "projects.campaign", "args": {"c": campaign.name, "n": "某五金加工点", "k": "关停取缔"}}
    with translation.override("zh-hans"):
        assert p.shown_title == p.title
    with translation.override("en"):
        en = p.shown_title
    assert en.startswith(f"{campaign.name}: 某五金加工点 (") and not re.search(
        r"[\u3400-\u9fff]", en.replace(campaign.name, "").replace("某五金加工点", "")), en
    c = client_for("admin")
    c.cookies["django_language"] = "en"
    # the heading of the problem and of its action forms, its line in the list (the change history below
    # shows the values as they were stored)
    assert f'<h5 class="text-break">{en}</h5>' in c.get(f"/ledger/problems/{p.pk}/").content.decode()
    assert f"{en} — " in c.get(f"/ledger/problems/{p.pk}/do/assign/").content.decode()
    page = c.get("/ledger/problems/?source=campaign").content.decode()
    assert en[:37] in page and p.title[:37] not in page
    # the API keeps the stored title (what an edit sends back) and gives the reader's wording beside it
    r = c.get(f"/api/v1/ledger/problems/{p.pk}/", HTTP_ACCEPT="application/json").json()
    assert r["title"] == p.title and r["shown_title"] == en
    c.cookies["django_language"] = "zh-hans"
    assert c.get(f"/api/v1/ledger/problems/{p.pk}/", HTTP_ACCEPT="application/json").json()["shown_title"] == p.title
    # the migration reads the facts back from a stored title, and leaves other titles alone
    mig = importlib.import_module("envbureau.projects.migrations.0010_campaign_problem_title_facts")
    assert mig.facts_of(p.title, campaign.name, "某五金加工点") == p.title_facts
    assert mig.facts_of("2026年散乱污企业整治: 某五金加工点 (Closed)", campaign.name, "某五金加工点") == {}
    # a person edits the title: shown as typed in every language
    ledger.update_problem(None, p, title="某五金加工点夜间偷排")
    p.refresh_from_db()
    with translation.override("en"):
        assert p.shown_title == "某五金加工点夜间偷排"
    translation.activate("zh-hans")


def test_a_relapse_found_from_an_english_page_reads_in_each_readers_language(world, campaign, settings, tmp_path):
    """The ledger problem's 重新打开 line a re-check writes: stored in Chinese, read per reader (the finding as
    typed)."""
    from django.utils import translation

    from envbureau.core import workflow as wf
    from envbureau.ledger.models import Problem
    from envbureau.projects import campaigns

    settings.MEDIA_ROOT = tmp_path
    t = _target(world, campaign, "某喷涂作坊", cls="upgrade")
    _rectify(t.problem_id, world["mgr"])
    with translation.override("en"):
        campaigns.recheck(world["mgr"], t, passed=False, note="夜间恢复生产")
    p = Problem.objects.get(pk=t.problem_id)

    def reopened():
        return [e["note"] for e in wf.timeline(p) if e["verb"] == "reopen"]

    with translation.override("zh-hans"):
        assert reopened() == ["复查发现反弹:夜间恢复生产"]
    with translation.override("en"):
        assert reopened() == ["Relapse found on re-check: 夜间恢复生产"]


def test_a_targets_problem_description_reads_in_each_readers_language(world, campaign):
    """Listed from an English page: the target's ledger problem describes the class and the closure checks in
    Chinese as stored and in English for an English reader."""
    from django.utils import translation

    from envbureau.ledger.models import Problem

    with translation.override("en"):
        t = _target(world, campaign, "某小作坊")
    p = Problem.objects.get(pk=t.problem_id)
    assert p.description == "整治类型:关停取缔\n销号核查:断水、断电、清原料、清设备、清产品"
    with translation.override("en"):
        assert p.shown_description == ("Class: Shut down\nClosure checks: Water cut off, Power cut off, "
                                       "Raw materials removed, Equipment removed, Products removed")


@pytest.mark.parametrize("ui", ["zh-hans", "en"])
def test_import_reads_a_class_in_either_language_whatever_the_ui(world, campaign, ui):
    """A campaign's class by its code, its Chinese name or its English one, from either UI language; a class the
    campaign does not have is refused on its row and column, listing the classes in the reader's language."""
    from django.utils import translation

    from envbureau.core.importing import get_importer
    from envbureau.projects.models import CampaignTarget

    imp = get_importer("projects.campaigntarget")
    rows = [["SLW2026", f"{name}加工点", "", "东四2号", "110101", "", "", cls, "", ""]
            for name, cls in (("甲", "关停取缔"), ("乙", "Merge or relocate"), ("丙", "upgrade"), ("丁", " shut DOWN "))]
    with translation.override(ui):
        res = imp.run(_xlsx(rows), "t.xlsx", world["mgr"])
        assert res.ok, res.errors
        assert dict(CampaignTarget.objects.values_list("name", "target_class")) == {
            "甲加工点": "close", "乙加工点": "relocate", "丙加工点": "upgrade", "丁加工点": "close"}
        res = imp.run(_xlsx(rows[:1] + [rows[1][:7] + ["Demolish"] + rows[1][8:]]), "t.xlsx", world["mgr"])
    assert not res.ok
    (e,) = res.errors
    if ui == "en":
        assert (e["row"], e["column"], e["message"]) == (
            3, "Class", '"Demolish" is not a class of this campaign (choose from: Shut down, Merge or relocate, Upgrade)')
    else:
        assert (e["row"], e["column"], e["message"]) == (3, "整治类型", "“Demolish”不是该行动的整治类型(可选:关停取缔、整合搬迁、升级改造)")
