"""Clues that may become cases (the step before 立案): whether to file is decided within 15 days of the clue
(生态环境行政处罚办法 art. 18), extendable by 15 days with the head's approval.

What "days" means: 行政处罚法 art. 85 makes only its 二日/三日/五日/七日 working days, so these
15 days are calendar days from the day after the clue; a last day on a rest day moves to the next working day (as the
90-day decision limit). Dates counted by hand on the 2026 holiday calendar:
* received Mon 2026-06-01 → + 15 = Tue 2026-06-16, a working day: due that day;
* received Mon 2026-09-21 → + 15 = Tue 2026-10-06, inside 国庆 (1–7 Oct) → Thu 2026-10-08."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from envbureau.core import notify
from envbureau.core import workflow as wf
from envbureau.core.models import Role, RoleAssignment, User
from envbureau.enforcement import cases, clues
from envbureau.enforcement.models import Clue, LegalBasis

D = dt.date


@pytest.fixture
def basis(db):
    return LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                                     effective_from=D(2021, 3, 1), fine_min=20000, fine_max=200000)


@pytest.fixture
def officer(world):
    u = User.objects.create_user(username="zf_clue", password="x")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enforcement_officer"))
    return u


def _clue(world, received="2026-09-21", **kw):
    return clues.open_clue(None, source=kw.pop("source", "complaint"), enterprise_id=world["enterprises"][0].pk,
                           summary="群众反映夜间偷排", received_on=received, source_ref=kw.pop("source_ref", ""))


def _task(clue):
    tasks = list(wf.open_tasks(clue))
    assert len(tasks) == 1, tasks
    return tasks[0]


def test_filing_due_in_calendar_days_rolled_past_rest_days(world):
    plain = _clue(world, "2026-06-01")
    assert clues.filing_due(plain) == D(2026, 6, 16) and _task(plain).due_date == D(2026, 6, 16)
    holiday = _clue(world, "2026-09-21")
    assert clues.filing_due(holiday) == D(2026, 10, 8) and _task(holiday).due_date == D(2026, 10, 8)
    assert _task(holiday).action == "决定是否立案"
    assert holiday.code == f"XS2026-{holiday.pk:05d}" and holiday.state == "pending"


@pytest.mark.parametrize("decided_on, late", [("2026-10-07", False), ("2026-10-08", False), ("2026-10-09", True)])
def test_decision_day_before_of_after_the_due_date(world, basis, decided_on, late):
    """Filing a case from the clue decides it; a case filed after the due date records the clue as decided late."""
    clue = _clue(world)
    case = cases.open_case(None, enterprise_id=clue.enterprise_id, cause="偷排", provision="sign",
                           act_date="2026-09-20", filed_on=decided_on, handlers=world["inspectors"][:2], clue=clue)
    clue.refresh_from_db()
    assert (clue.state, clue.case_id, clue.decided_on, clue.decided_late) == ("filed", case.pk, D.fromisoformat(
        decided_on), late)
    assert list(wf.open_tasks(clue)) == []


@pytest.mark.parametrize("today, overdue", [(D(2026, 10, 8), 0), (D(2026, 10, 9), 1)])
def test_overdue_in_the_inbox_the_day_after(world, officer, today, overdue):
    """The task is the officer's (enforcement.case); the kit's reminders flag it overdue from the day after."""
    clue = _clue(world)
    from envbureau.core.notify import tasks_for

    assert tasks_for(officer).filter(model="enforcement.clue", object_id=str(clue.pk)).count() == 1
    assert notify.run_reminders(today=today)["overdue"] == overdue


def test_overdue_shown_on_the_task_page(world, officer):
    from django.test import Client

    clue = _clue(world, "2026-11-02")  # due Tue 2026-11-17, passed (the tests run after it)
    c = Client()
    c.force_login(officer)
    page = c.get("/tasks/?overdue=1").content.decode()
    assert clue.code in page and "已逾期" in page
    api = c.get(f"/api/v1/enforcement/clues/{clue.pk}/").json()
    assert (api["filing_due"], api["overdue"]) == ("2026-11-17", True)


def test_extension_by_at_most_fifteen_days_moves_the_task(world, user_named):
    clue = _clue(world)
    head = user_named("admin")
    wf.apply(head, clue, "extend", days=10, note="需补充调查")
    # 2026-09-21 + 25 days = Fri 2026-10-16, a working day
    assert clues.filing_due(clue) == D(2026, 10, 16) and _task(clue).due_date == D(2026, 10, 16)
    with pytest.raises(ValidationError) as exc:
        wf.apply(head, clue, "extend", days=6, note="再延长")  # 16 in all
    assert "days" in exc.value.message_dict
    wf.apply(head, clue, "extend", days=5, note="再延长")
    # 2026-09-21 + 15 + 15 = Wed 2026-10-21, a working day
    assert clues.filing_due(clue) == D(2026, 10, 21) and _task(clue).due_date == D(2026, 10, 21)


def test_not_filed_needs_reasons(world):
    clue = _clue(world)
    with pytest.raises(ValidationError) as exc:
        wf.apply(None, clue, "not_file", decided_on="2026-09-30")
    assert "note" in exc.value.message_dict
    wf.apply(None, clue, "not_file", decided_on="2026-09-30", note="经核查,反映情况不属实")
    clue.refresh_from_db()
    assert (clue.state, clue.reason, clue.decided_late) == ("not_filed", "经核查,反映情况不属实", False)


def test_inspection_recorded_for_a_case_is_a_clue_closed_by_filing(world, basis):
    from envbureau.enforcement import services

    insp = services.create_inspection(None, source="complaint", enterprise_id=world["enterprises"][0].pk,
                                      team=world["inspectors"][:2], items=world["items"][:1], kind="case",
                                      planned_on=D(2026, 9, 21))
    services.record_inspection(None, insp, checklist={str(k): ("problem", "未设标志") for k in
                                                      range(len(insp.checklist))},
                               result="case", party_present="厂长", findings="排污口未设标志牌",
                               inspected_on="2026-09-21")
    clue = Clue.objects.get(source_ref=f"enforcement.inspection:{insp.pk}")
    assert (clue.source, clue.received_on, clue.summary) == ("inspection", D(2026, 9, 21), "排污口未设标志牌")
    assert clues.filing_due(clue) == D(2026, 10, 8)
    case = cases.open_case(None, enterprise_id=insp.enterprise_id, cause="未设标志", provision="sign",
                           act_date="2026-09-21", filed_on="2026-09-25", handlers=world["inspectors"][:2],
                           inspection=insp)
    clue.refresh_from_db()
    assert (clue.state, clue.case_id, clue.decided_late) == ("filed", case.pk, False)


def test_bad_input_names_the_field(world, client_for):
    c = client_for("admin")
    resp = c.post("/api/v1/enforcement/clues/", {"source": "complaint", "enterprise_id": world["enterprises"][0].pk,
                                                 "summary": "  ", "received_on": "2026-09-21"})
    assert resp.status_code == 400 and "summary" in str(resp.json())
    resp = c.post("/api/v1/enforcement/clues/", {"source": "complaint", "enterprise_id": world["enterprises"][0].pk,
                                                 "summary": "偷排", "received_on": "2099-01-01"})
    assert resp.status_code == 400 and "received_on" in str(resp.json())
    resp = c.post("/api/v1/enforcement/clues/", {"source": "complaint", "enterprise_id": world["enterprises"][0].pk,
                                                 "summary": "偷排", "received_on": "2026-09-21"})
    assert resp.status_code == 201 and resp.json()["filing_due"] == "2026-10-08"
    page = c.post("/enforcement/clues/new/", {"source": "alarm", "enterprise": "", "summary": "x",
                                              "received_on": "2026-09-21"})
    assert page.status_code == 400


def test_pages_register_show_and_file(world, basis, client_for):
    c = client_for("admin")
    ent = world["enterprises"][0]
    from envbureau.enforcement.models import PoolEnterprise

    pool = PoolEnterprise.objects.get(enterprise_id=ent.pk)
    resp = c.post("/enforcement/clues/new/", {"enterprise": pool.pk, "source": "referral", "source_ref": "京环转〔2026〕3号",
                                              "received_on": "2026-09-21", "summary": "区政府转来群众反映"})
    assert resp.status_code == 302
    clue = Clue.objects.get(source="referral")
    page = c.get(f"/enforcement/clues/{clue.pk}/").content.decode()
    assert "2026-10-08" in page and "已超期" in page and f"/enforcement/cases/new/?clue={clue.pk}" in page
    listing = c.get("/enforcement/clues/?state=pending").content.decode()
    assert clue.code in listing and "2026-10-08(已超期)" in listing
    form = c.get(f"/enforcement/cases/new/?clue={clue.pk}")
    assert form.status_code == 200 and "区政府转来群众反映" in form.content.decode()
    handlers = [i.pk for i in world["inspectors"][:2]]
    resp = c.post(f"/enforcement/cases/new/?clue={clue.pk}", {
        "enterprise": pool.pk, "cause": "未设标志", "provision": "sign", "act_date": "2026-09-20",
        "filed_on": "2026-10-09", "facts": "区政府转来群众反映", "handlers": handlers, "clue": clue.pk})
    assert resp.status_code == 302, resp.content.decode()[:500]
    clue.refresh_from_db()
    assert (clue.state, clue.decided_late) == ("filed", True)  # 2026-10-09: the day after its due date
    assert clue.case.source == "京环转〔2026〕3号"
