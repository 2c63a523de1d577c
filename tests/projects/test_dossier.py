"""Outfalls and campaign targets linked to an enterprise appear on its dossier timeline (一企一档), as projects do
(test_project_workflow.py::test_enterprise_project_on_dossier): when created, imported or linked by an edit."""

import datetime as dt
import io

import pytest

TODAY = dt.date.today()


@pytest.fixture
def firm(world):
    from envbureau.sources.models import Enterprise

    return Enterprise.objects.create(credit_code="91110101MA01OUT01X", name="京东示范印染", jurisdiction=world["dc"])


def _lines(e, kind):
    from envbureau.sources.models import DossierEvent

    return list(DossierEvent.objects.filter(enterprise=e, kind=kind).order_by("time", "id")
                .values_list("title", "source_ref"))


def _outfall(world, code, **kw):
    from envbureau.projects import outfalls
    from envbureau.projects.models import Outfall

    return outfalls.create_outfall(world["mgr"], Outfall(
        code=code, name=f"{code}排口", type1="industrial", type2="工矿企业排污口", jurisdiction=world["dc"],
        receiving_water="通惠河", **kw))


def test_outfall_created_with_an_enterprise_is_on_its_dossier(world, firm, client_for):
    o = _outfall(world, "TH-0001", enterprise_id=firm.pk)
    _outfall(world, "TH-0002")  # no enterprise: on no dossier
    assert _lines(firm, "projects.outfall") == [("登记入河排污口 TH-0001 TH-0001排口(疑似)", f"projects.outfall:{o.pk}")]
    page = client_for("dongcheng").get(f"/sources/enterprises/{firm.pk}/").content.decode()
    assert "登记入河排污口 TH-0001" in page and f"/projects/outfalls/{o.pk}/" in page


def test_outfall_linked_by_an_edit_once(world, firm):
    from envbureau.projects import outfalls

    o = _outfall(world, "TH-0003")
    assert _lines(firm, "projects.outfall") == []
    o.enterprise_id = firm.pk
    outfalls.update_outfall(world["mgr"], o)
    o.measures = "改名不改企业"
    outfalls.update_outfall(world["mgr"], o)  # same enterprise: no second line
    assert [t for t, _ref in _lines(firm, "projects.outfall")] == ["登记入河排污口 TH-0003 TH-0003排口(疑似)"]


def test_outfall_imported_with_an_enterprise_is_on_its_dossier(world, firm):
    from openpyxl import Workbook

    from envbureau.core.importing import get_importer
    from envbureau.projects.models import Outfall

    wb = Workbook()
    ws = wb.active
    ws.append(["排口编码", "排口名称", "排口类型", "二级类型", "属地", "受纳水体", "排污企业"])
    ws.append(["IM-0001", "印染厂总排口", "工业排污口", "工矿企业排污口", "110101", "通惠河", firm.credit_code])
    ws.append(["IM-0002", "雨洪排口", "其他排口", "城镇雨洪排口", "110101", "通惠河", None])
    ws.append(["IM-0003", "未登记企业排口", "工业排污口", "工矿企业排污口", "110101", "通惠河", "91110101MA0NOTHERE"])
    buf = io.BytesIO()
    wb.save(buf)
    imp = get_importer("projects.outfall")
    res = imp.run(buf.getvalue(), "survey.xlsx", world["mgr"])
    assert not res.ok and {(e["row"], e["column"]) for e in res.errors} == {(4, "排污企业")}  # unknown enterprise
    ws.delete_rows(4)
    buf = io.BytesIO()
    wb.save(buf)
    res = imp.run(buf.getvalue(), "survey.xlsx", world["mgr"])
    assert res.ok, res.errors
    o = Outfall.objects.get(code="IM-0001")
    assert o.enterprise_id == firm.pk and Outfall.objects.get(code="IM-0002").enterprise_id is None
    assert _lines(firm, "projects.outfall") == [("登记入河排污口 IM-0001 印染厂总排口(疑似)", f"projects.outfall:{o.pk}")]
    assert imp.run(buf.getvalue(), "survey.xlsx", world["mgr"]).ok  # idempotent: the same link, no new line
    assert len(_lines(firm, "projects.outfall")) == 1


def test_campaign_target_linked_to_an_enterprise_is_on_its_dossier(world, firm, client_for, settings, tmp_path):
    from envbureau.projects import campaigns
    from envbureau.projects.models import Campaign, CampaignTarget

    settings.MEDIA_ROOT = tmp_path
    c = campaigns.create_campaign(world["mgr"], Campaign(
        code="SLW-D", name="散乱污整治(档案)", kind="sanluanwu", jurisdiction=world["dc"].parent,
        start=TODAY - dt.timedelta(days=10), deadline=TODAY + dt.timedelta(days=90), category="air"))

    def target(name, **kw):
        return campaigns.create_target(world["mgr"], CampaignTarget(
            campaign=c, name=name, address=f"{name}地址", jurisdiction=world["dc"], target_class="upgrade",
            due=c.deadline, **kw))

    a = target("京东示范印染", enterprise_id=firm.pk)
    b = target("某无照作坊")
    assert _lines(firm, "projects.campaigntarget") == [
        ("列入专项行动“散乱污整治(档案)”:升级改造", f"projects.campaigntarget:{a.pk}")]
    b.enterprise_id = firm.pk  # found to be the same enterprise later
    campaigns.update_target(world["mgr"], b)
    campaigns.update_target(world["mgr"], b)  # unchanged: no second line
    assert [ref for _t, ref in _lines(firm, "projects.campaigntarget")] == [
        f"projects.campaigntarget:{a.pk}", f"projects.campaigntarget:{b.pk}"]
    page = client_for("dongcheng").get(f"/sources/enterprises/{firm.pk}/").content.decode()
    assert "列入专项行动“散乱污整治(档案)”" in page and f"/projects/targets/{b.pk}/" in page
