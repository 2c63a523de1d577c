"""Checks and cases started from a complaint: the check names its complaint (来源记录) and the complaint's
timeline names the check and the case, each linking to the other's page, once per record; a reference to a
complaint that does not exist or lies outside the user's scope is a 400 naming the field."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from envbureau.core import workflow as wf
from envbureau.enforcement import cases, services
from envbureau.enforcement.models import LegalBasis


@pytest.fixture
def complaint(world):
    from envbureau.complaints import services as complaints
    from envbureau.complaints.models import Complaint

    ent = world["enterprises"][0]  # 测试企业1, 东城区
    c = Complaint(jurisdiction=ent.jurisdiction, channel="hotline", track="clue", category="air",
                  sub_category="odour", title="异味扰民", content="附近企业经常排放刺鼻异味", location="示范路1号",
                  complainant_name="张三", complainant_phone="13812345678", enterprise_id=ent.pk,
                  enterprise_name=ent.name)
    return complaints.register(None, c, suggest=False)


def _check(world, complaint, user=None, ref=None):
    ent = world["enterprises"][0]
    return services.create_inspection(user, source="complaint", enterprise_id=ent.pk, enterprise_name=ent.name,
                                      jurisdiction_id=ent.jurisdiction_id, team=world["inspectors"][:2],
                                      items=world["items"], planned_on=dt.date(2026, 10, 9),
                                      source_ref=ref or f"complaints.complaint:{complaint.pk}")


def _lines(complaint, verb):
    return [e for e in wf.timeline(complaint) if e["verb"] == verb]


def test_check_and_case_show_on_the_complaint_and_link_back(world, complaint, client_for):
    i = _check(world, complaint)
    [line] = _lines(complaint, "inspection")
    assert line["verb_label"] == "执法检查" and i.code in line["note"]
    assert line["attachments"] == [{"name": f"执法检查 {i.code}", "url": f"/enforcement/inspections/{i.pk}/"}]
    assert complaint.state == type(complaint).objects.get(pk=complaint.pk).state  # the complaint's state is untouched
    LegalBasis.objects.create(provision="odour", instrument="大气污染防治法", article="第八十条",
                              effective_from=dt.date(2016, 1, 1), fine_min=10000, fine_max=100000)
    case = cases.open_case(None, enterprise_id=i.enterprise_id, cause="恶臭气体", provision="odour",
                           act_date="2026-10-09", filed_on="2026-10-12", inspection=i, handlers=world["inspectors"][:2],
                           source=i.source_ref)
    [line] = _lines(complaint, "case")
    assert line["verb_label"] == "立案查处" and line["attachments"][0]["url"] == f"/enforcement/cases/{case.pk}/"
    # once per record: linking the same check again adds nothing
    services.link_to_complaint(None, i.source_ref, "inspection", "again", f"enforcement.inspection:{i.pk}",
                               {"name": "x", "url": "/"})
    assert len(_lines(complaint, "inspection")) == 1
    admin = client_for("admin")
    page = admin.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f'href="/enforcement/inspections/{i.pk}/"' in page and f'href="/enforcement/cases/{case.pk}/"' in page
    assert f'href="/complaints/{complaint.pk}/"' in admin.get(f"/enforcement/inspections/{i.pk}/").content.decode()
    assert f'href="/complaints/{complaint.pk}/"' in admin.get(f"/enforcement/cases/{case.pk}/").content.decode()


def test_a_reference_to_no_visible_complaint_is_refused(world, complaint, client_for):
    from django.contrib.auth import get_user_model

    from envbureau.core.models import Jurisdiction, Role, RoleAssignment
    from envbureau.enforcement.models import Inspection

    with pytest.raises(ValidationError) as exc:
        _check(world, complaint, ref="complaints.complaint:999999")
    assert "source_ref" in exc.value.message_dict
    # an enforcement officer of 朝阳区 does not see a 东城区 complaint: the same words as for a missing one
    u = get_user_model().objects.create(username="cy_enforcer")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enforcement_officer"),
                                  jurisdiction=Jurisdiction.objects.get(code="110105"))
    ent = world["enterprises"][2]  # 朝阳区
    with pytest.raises(ValidationError, match="未找到该信访投诉") as exc:
        services.create_inspection(u, source="complaint", enterprise_id=ent.pk, jurisdiction_id=ent.jurisdiction_id,
                                   team=world["inspectors"][:2], planned_on=dt.date(2026, 10, 9),
                                   source_ref=f"complaints.complaint:{complaint.pk}")
    assert "source_ref" in exc.value.message_dict
    assert not Inspection.objects.exists() and not _lines(complaint, "inspection")  # nothing half-written
    # the page: a 400 naming the complaint reference
    from envbureau.enforcement.models import PoolEnterprise

    pool = PoolEnterprise.objects.get(enterprise_id=world["enterprises"][0].pk)
    r = client_for("admin").post("/enforcement/inspections/new/", {
        "source": "complaint", "source_ref": "complaints.complaint:999999", "enterprise": pool.pk,
        "method": "onsite", "kind": "case", "planned_on": "2026-10-09",
        "team": [m.pk for m in world["inspectors"][:2]]})
    assert r.status_code == 400 and "未找到该信访投诉" in r.content.decode()


def test_start_a_check_from_the_complaint_page_by_its_number(world, complaint, client_for):
    from envbureau.enforcement.models import Inspection, PoolEnterprise

    admin = client_for("admin")
    page = admin.get(f"/complaints/{complaint.pk}/").content.decode()
    start = f"/enforcement/inspections/new/?source=complaint&amp;source_ref={complaint.number}"
    assert start in page and "发起执法检查" in page
    assert start not in client_for("petition").get(f"/complaints/{complaint.pk}/").content.decode()  # no inspect right
    form = admin.get(start.replace("&amp;", "&")).content.decode()
    assert f'value="{complaint.number}"' in form
    pool = PoolEnterprise.objects.get(enterprise_id=world["enterprises"][0].pk)
    r = admin.post("/enforcement/inspections/new/", {
        "source": "complaint", "source_ref": complaint.number, "enterprise": pool.pk, "method": "onsite",
        "kind": "case", "planned_on": "2026-10-09", "team": [m.pk for m in world["inspectors"][:2]]})
    i = Inspection.objects.get()
    assert r.status_code == 302 and i.source_ref == f"complaints.complaint:{complaint.pk}"  # stored as the record
    assert len(_lines(complaint, "inspection")) == 1


def test_the_complaints_lines_written_from_an_english_page_read_in_each_readers_language(world, complaint):
    """A check and a case started from a complaint in English: the complaint's lines read per reader, the links'
    names are stored in Chinese."""
    from django.utils import translation

    LegalBasis.objects.create(provision="odour", instrument="大气污染防治法", article="第八十条",
                              effective_from=dt.date(2016, 1, 1), fine_min=10000, fine_max=100000)
    with translation.override("en"):
        i = _check(world, complaint)
        case = cases.open_case(None, enterprise_id=i.enterprise_id, cause="恶臭气体", provision="odour",
                               act_date="2026-10-09", filed_on="2026-10-12", inspection=i,
                               handlers=world["inspectors"][:2], source=i.source_ref)
    with translation.override("zh-hans"):
        [check], [filed] = _lines(complaint, "inspection"), _lines(complaint, "case")
        assert check["note"] == f"执法检查 {i.code}(测试企业1,计划 2026-10-09)"
        assert filed["note"] == f"立案查处 {case.code}:恶臭气体"
        assert check["attachments"][0]["name"] == f"执法检查 {i.code}"
        assert filed["attachments"][0]["name"] == f"行政处罚案件 {case.code}"
    with translation.override("en"):
        [check], [filed] = _lines(complaint, "inspection"), _lines(complaint, "case")
        assert check["note"] == f"Inspection {i.code} (测试企业1, planned 2026-10-09)"
        assert filed["note"] == f"Case {case.code} opened: 恶臭气体"
