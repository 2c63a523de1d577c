"""跨省转移 application → approval on the kit (危险废物转移管理办法 arts. 21–28): the
producer applies; the bureau checks completeness (5 working days), gives its opinion and writes to the receiving
province (5 WD), records the reply (10 WD), decides (5 WD); each limit from core.deadlines, late steps counted;
approval issues the CrossProvinceApproval (12 months, no longer than the period asked or the receiver's licence)
that lets a cross-province manifest ship. Scoping: the producer's own, the bureau's steps refused to enterprises."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from envbureau.core import workflow as wf
from envbureau.core.models import Task
from envbureau.waste import services
from envbureau.waste.models import CrossProvinceApplication, CrossProvinceApproval


@pytest.fixture
def app(world):
    a = CrossProvinceApplication(producer=world["producer"], receiver=world["hebei"], waste_code="900-249-08",
                                 waste_name="废矿物油", tonnes=Decimal("50"), period_from=dt.date(2026, 12, 1),
                                 period_to=dt.date(2027, 6, 30), submitted_on=dt.date(2026, 11, 16))  # a Monday
    return services.create_application(world["users"]["producer"], a)


def test_each_step_is_due_in_its_working_days(world, app):
    staff = world["users"]["staff"]
    # submitted Mon 16 Nov → completeness within 5 working days: Mon 23 Nov
    assert (app.state, app.step_due) == ("submitted", dt.date(2026, 11, 23))
    task = Task.objects.get(model="waste.crossprovinceapplication", object_id=str(app.pk), is_open=True)
    assert (task.permission, task.due_date) == ("waste.approve", dt.date(2026, 11, 23))
    wf.apply(staff, app, "accept", accepted_on="2026-11-23")  # on the last day: in time
    app.refresh_from_db()
    assert (app.state, app.step_due, app.late_steps) == ("accepted", dt.date(2026, 11, 30), 0)
    wf.apply(staff, app, "consult", letter_on="2026-12-01", note="初审同意,函商河北省")  # a day late
    app.refresh_from_db()
    # letter Tue 1 Dec → the receiving province replies within 10 working days: Tue 15 Dec
    assert (app.state, app.step_due, app.late_steps) == ("consulting", dt.date(2026, 12, 15), 1)
    wf.apply(staff, app, "record_reply", agreed="是", reply_on="2026-12-10")
    app.refresh_from_db()
    assert (app.state, app.reply_agreed, app.step_due) == ("replied", True, dt.date(2026, 12, 17))
    wf.apply(staff, app, "approve", number="京环危跨〔2026〕9号", decided_on="2026-12-14")
    app.refresh_from_db()
    a = app.approval
    assert app.state == "approved" and app.step_due is None and app.late_steps == 1
    # 12 months from 14 Dec 2026 would be 14 Dec 2027; the period asked ends 30 Jun 2027 → that
    assert (a.number, a.tonnes, a.approved_on, a.valid_until) == ("京环危跨〔2026〕9号", Decimal("50.000"),
                                                                   dt.date(2026, 12, 14), dt.date(2027, 6, 30))
    assert not Task.objects.filter(model="waste.crossprovinceapplication", object_id=str(app.pk),
                                   is_open=True).exists()


def test_the_approval_lets_the_cross_province_manifest_ship(world, app):
    staff, prod = world["users"]["staff"], world["users"]["producer"]
    m = services.create_manifest(prod, producer=world["producer"], receiver=world["hebei"], waste_code="900-249-08",
                                 waste_name="废矿物油", sent_tonnes="5", created_on="2026-12-15")
    with pytest.raises(ValidationError):
        wf.apply(prod, m, "ship", shipped_on="2026-12-15")  # no approval yet
    for verb, data in (("accept", {"accepted_on": "2026-11-17"}), ("consult", {"letter_on": "2026-11-18", "note": "函"}),
                       ("record_reply", {"agreed": "是", "reply_on": "2026-11-25"}),
                       ("approve", {"number": "A-1", "decided_on": "2026-11-26"})):
        wf.apply(staff, app, verb, **data)
    wf.apply(prod, m, "ship", shipped_on="2026-12-15")
    m.refresh_from_db()
    assert m.approval.number == "A-1"


def test_the_licence_bounds_the_validity_and_a_refusal_from_the_other_province(world, app):
    staff = world["users"]["staff"]
    lic = world["hebei"].licences.get()
    lic.valid_to = dt.date(2027, 3, 31)
    lic.save()
    wf.apply(staff, app, "accept", accepted_on="2026-11-17")
    wf.apply(staff, app, "consult", letter_on="2026-11-18", note="函")
    wf.apply(staff, app, "record_reply", agreed="否", reply_on="2026-11-20")
    with pytest.raises(ValidationError):
        wf.apply(staff, app, "approve", number="A-2", decided_on="2026-11-23")  # the other province said no
    app.refresh_from_db()
    app.reply_agreed = True  # (as if it had agreed) the licence ends before the period and the 12 months
    app.save()
    wf.apply(staff, app, "approve", number="A-2", decided_on="2026-11-23")
    assert CrossProvinceApproval.objects.get(number="A-2").valid_until == dt.date(2027, 3, 31)


def test_return_resubmit_withdraw_and_who_may_do_what(world, app):
    staff, prod, other, op = (world["users"][k] for k in ("staff", "producer", "other", "operator"))
    with pytest.raises(PermissionDenied):
        wf.apply(prod, app, "accept")  # the bureau's step
    with pytest.raises(Http404):
        wf.apply(op, app, "accept")  # the receiver does not even see the sender's application
    with pytest.raises(ValidationError):
        wf.apply(staff, app, "return_for_more")  # the missing materials must be listed
    wf.apply(staff, app, "return_for_more", note="缺接受单位经营许可证复印件")
    app.refresh_from_db()
    assert (app.state, app.step_due) == ("returned", None)
    task = Task.objects.get(model="waste.crossprovinceapplication", object_id=str(app.pk), is_open=True)
    assert task.enterprise_id == world["producer"].enterprise_id
    wf.apply(prod, app, "resubmit", submitted_on="2026-11-20")  # Fri → 5 WD: Fri 27 Nov
    app.refresh_from_db()
    assert (app.state, app.step_due) == ("submitted", dt.date(2026, 11, 27))
    assert not CrossProvinceApplication.objects.restrict(other, "view").exists()
    wf.apply(prod, app, "withdraw")
    app.refresh_from_db()
    assert app.state == "withdrawn"


def test_applying_is_for_the_producers_own_enterprise_and_needs_another_province(world):
    base = dict(receiver=world["hebei"], waste_code="900-249-08", waste_name="废矿物油", tonnes=Decimal("5"),
                period_from=dt.date(2026, 12, 1), period_to=dt.date(2027, 1, 31))
    with pytest.raises(PermissionDenied):
        services.create_application(world["users"]["other"], CrossProvinceApplication(producer=world["producer"], **base))
    with pytest.raises(ValidationError):
        services.create_application(world["users"]["producer"], CrossProvinceApplication(
            producer=world["producer"], **{**base, "receiver": world["operator"]}))  # same province: no approval
    assert not CrossProvinceApplication.objects.exists()


def test_pages_and_api(world, app):
    prod, staff = Client(), Client()
    prod.force_login(world["users"]["producer"])
    staff.force_login(world["users"]["staff"])
    r = prod.post("/waste/applications/new/", {"producer": world["producer"].pk, "receiver": world["hebei"].pk,
                                               "waste_code": "900-249-08", "waste_name": "废矿物油", "tonnes": "3",
                                               "period_from": "2026-12-01", "period_to": "2026-11-01"})
    assert r.status_code == 400 and CrossProvinceApplication.objects.count() == 1  # the period ends before it starts
    page = staff.get(f"/waste/applications/{app.pk}/").content.decode()
    assert f"/waste/applications/{app.pk}/do/accept/" in page
    assert "/do/accept/" not in prod.get(f"/waste/applications/{app.pk}/").content.decode()
    r = staff.post(f"/waste/applications/{app.pk}/do/accept/", {"accepted_on": "2026-11-18"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.state == "accepted"
    r = prod.post(f"/api/v1/waste/applications/{app.pk}/consult/", {"note": "x"}, content_type="application/json")
    assert r.status_code == 403
    r = staff.post(f"/api/v1/waste/applications/{app.pk}/consult/", {"note": "函", "letter_on": "2026-11-19"},
                   content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "consulting" and r.json()["step_due"] == "2026-12-03"
    r = prod.post("/api/v1/waste/applications/", {"producer": world["producer"].pk, "receiver": world["hebei"].pk,
                                                  "waste_code": "900-041-49", "waste_name": "废包装桶",
                                                  "tonnes": "2", "period_from": "2026-12-01",
                                                  "period_to": "2027-02-28"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "submitted"
    assert staff.get("/api/v1/waste/applications/", {"late": "false"}).json()["count"] == 2
    assert staff.get(f"/api/v1/waste/applications/{app.pk}/timeline/").status_code == 200


def test_approval_issues_the_batch_document_through_core_documents(world, app):
    import io

    from docx import Document

    from envbureau.core.documents.services import documents_for

    staff = world["users"]["staff"]
    for verb, data in (("accept", {"accepted_on": "2026-11-17"}), ("consult", {"letter_on": "2026-11-18", "note": "函"}),
                       ("record_reply", {"agreed": "是", "reply_on": "2026-11-25"})):
        wf.apply(staff, app, verb, **data)
    assert list(documents_for(app)) == []
    wf.apply(staff, app, "approve", number="京环危跨〔2026〕7号", decided_on="2026-11-26")
    app.refresh_from_db()
    docs = list(documents_for(app))
    assert len(docs) == 1 and docs[0].number.startswith("环危跨批")
    d = Document(io.BytesIO(docs[0].docx.read()))
    text = "\n".join(p.text for p in d.paragraphs)
    for expected in ("关于同意跨省转移危险废物的批复", "京环危跨〔2026〕7号", "产废企业甲", "河北处置中心", "900-249-08",
                     "50吨", "2027年6月30日"):
        assert expected in text, expected
    c = Client()
    c.force_login(staff)
    assert docs[0].number in c.get(f"/waste/applications/{app.pk}/").content.decode()
    assert [x["number"] for x in c.get(f"/api/v1/waste/applications/{app.pk}/documents/").json()] == [docs[0].number]
    prod = Client()
    prod.force_login(world["users"]["producer"])
    r = prod.post(f"/api/v1/waste/applications/{app.pk}/issue-document/", {"kind": "waste.cross_province_approval"},
                  content_type="application/json")
    assert r.status_code == 403  # the bureau issues it, not the applicant


def test_an_unanswered_application_is_deemed_accepted_the_day_after_its_check_was_due(world, app):
    # 行政许可法 art. 32: no 补正 notice by Mon 23 Nov → accepted from the day it was received (Mon 16 Nov).
    assert "waste.crossprovinceapplication" not in wf.run_lapses(dt.date(2026, 11, 23))
    app.refresh_from_db()
    assert app.state == "submitted"
    assert wf.run_lapses(dt.date(2026, 11, 24))["waste.crossprovinceapplication"] == 1
    app.refresh_from_db()
    assert (app.state, app.accepted_on) == ("accepted", dt.date(2026, 11, 16))
    # the next step's limit runs from that acceptance: opinion within 5 working days, Mon 23 Nov (already past)
    assert app.step_due == dt.date(2026, 11, 23)
    last = wf.timeline(app)[-1]
    assert last["actor"] == "系统" and "视为受理" in last["note"]
    task = Task.objects.get(model="waste.crossprovinceapplication", object_id=str(app.pk), is_open=True)
    assert task.action == "出具初审意见并函商接受地"


def test_a_returned_application_is_never_deemed_accepted(world, app):
    wf.apply(world["users"]["staff"], app, "return_for_more", note="缺接受单位经营许可证")
    assert "waste.crossprovinceapplication" not in wf.run_lapses(dt.date(2027, 1, 4))
    app.refresh_from_db()
    assert app.state == "returned"
