"""EIA applications on the kit: time limits over the 2026 holiday calendar with pauses (补正, 技术评估), notices,
告知承诺制, local commitments, registration filing, documents, statistics, scoping.

The 2026 calendar used below is the State Council notice (国办发明电〔2025〕7号), written out here by hand:
weekday holidays 01-01, 01-02, 02-16…02-20, 02-23, 04-06, 05-01, 05-04, 05-05, 06-19, 09-25, 10-01, 10-02,
10-05…10-07; make-up working days (weekend days worked) 01-04, 02-14, 02-28, 05-09, 09-20, 10-10.
Counting (民法典 art. 201): the start day is not counted; a period of n working days ends on the n-th working
day after it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.test import override_settings

from boundary import DAY, three
from envbureau.approvals import eia
from envbureau.approvals.models import EIAApplication
from envbureau.core import deadlines as dl
from envbureau.core import workflow as wf

D = dt.date


def _form(world, on="2026-09-18", category="form", **kw):
    return eia.submit(None, enterprise_id=world["e1"].pk, project_name="锅炉改造", category=category,
                      submitted_on=on, investment="1200.5", location="东城区示范路1号", **kw)


def test_form_30_working_days_over_national_day_with_correction_and_review(world):
    a = _form(world)  # Friday 2026-09-18
    c = dl.clock(a, eia.REVIEW)
    # 30 working days after 09-18: 09-20 (Sunday, make-up) 21 22 23 24 | 28 29 30 | 10-08 09 10(Sat make-up)
    # 12-16 | 19-23 | 26-30 | 11-02 03 04 05 → the 30th is 2026-11-05
    assert (c.days, c.day_kind, c.due) == (30, "working", D(2026, 11, 5))
    # the acceptance check: 5 working days → 09-20, 21, 22, 23, 24
    assert dl.clock(a, eia.ACCEPTANCE).due == D(2026, 9, 24)
    wf.apply(None, a, "request_correction", missing_materials="公众参与说明", on="2026-09-22")
    a.refresh_from_db()
    assert a.state == "correction" and a.corrections == 1
    wf.apply(None, a, "resubmit", on="2026-10-09")
    # paused: working days after 09-22 up to 10-09: 23 24 28 29 30 10-08 10-09 = 7 → 37th working day = 11-16
    assert dl.clock(a, eia.REVIEW).due == D(2026, 11, 16)
    wf.apply(None, a, "accept", accepted_on="2026-10-12")
    a.refresh_from_db()
    # 受理公示 10 working days after 10-12: 13 14 15 16 19 20 21 22 23 26
    assert a.acceptance_notice_until == D(2026, 10, 26)
    wf.apply(None, a, "start_review", on="2026-10-14")
    wf.apply(None, a, "finish_review", on="2026-10-28", expert_opinion="可行")
    # technical review not counted: 15 16 19 20 21 22 23 26 27 28 = 10 more → 47th working day = 11-30
    assert dl.clock(a, eia.REVIEW).due == D(2026, 11, 30)
    wf.apply(None, a, "propose", on="2026-10-29")
    a.refresh_from_db()
    # 拟批准公示 5 working days after 10-29: 30, 11-02, 03, 04, 05
    assert a.proposal_notice_until == D(2026, 11, 5)

    def within(day):
        sid = transaction.savepoint()
        try:
            x = EIAApplication.objects.get(pk=a.pk)
            wf.apply(None, x, "approve", decided_on=day.isoformat(), conditions="落实措施")
            x.refresh_from_db()
            return x.within_limit
        finally:
            transaction.savepoint_rollback(sid)

    assert three(within, D(2026, 11, 30), DAY) == (True, True, False)
    with pytest.raises(ValidationError, match="拟批准公示"):
        wf.apply(None, a, "approve", decided_on="2026-11-05", conditions="落实措施")  # the notice's last day
    wf.apply(None, a, "approve", decided_on="2026-11-06", conditions="落实措施")
    a.refresh_from_db()
    # days counted: 31 working days from 09-18 to 11-06 (11-05 was the 30th) minus 7 (补正) minus 10 (评估) = 14
    assert (a.state, a.within_limit, a.due_on, a.days_used) == ("approved", True, D(2026, 11, 30), 14)
    assert dl.clock(a, eia.REVIEW).stopped_at is not None


def test_acceptance_check_boundary(world):
    a = _form(world)
    due = dl.clock(a, eia.ACCEPTANCE).due
    assert due == D(2026, 9, 24)
    assert three(lambda d: d > dl.clock(a, eia.ACCEPTANCE).due, due, DAY) == (False, False, True)


@override_settings(ENVBUREAU={"APPROVALS": {"eia_commitments": {"110101": {"report": 20}}}})
def test_local_commitment_is_configuration(world):
    a = eia.submit(None, enterprise_id=world["e1"].pk, project_name="扩建", category="report", submitted_on="2026-01-30")
    b = eia.submit(None, enterprise_id=world["e2"].pk, project_name="扩建", category="report", submitted_on="2026-01-30")
    # 东城区 promises 20 working days: 02-02…06, 09…13, 14 (Sat make-up), 24…27, 28 (Sat make-up), 03-02…05
    assert (a.limit_days, dl.clock(a, eia.REVIEW).due) == (20, D(2026, 3, 5))
    # the commitment's jurisdiction by its name, never its code
    assert a.limit_source == f"承诺时限({world['dc'].name})" and "110101" not in a.limit_source
    assert dl.clock(a, eia.REVIEW).label == f"审批时限(承诺时限({world['dc'].name}))"
    # 西城区 keeps the national 60
    assert b.limit_days == 60 and b.limit_source == "法定时限"


@override_settings(ENVBUREAU={"APPROVALS": {"eia_commitment_system": {"110000": {"categories": ["form"], "days": 1}}}})
def test_commitment_system_decides_within_one_working_day(world):
    with pytest.raises(ValidationError, match="告知承诺制"):
        eia.submit(None, enterprise_id=world["e1"].pk, project_name="x", category="report", commitment=True,
                   submitted_on="2026-09-28")
    a = _form(world, on="2026-09-28", commitment=True)
    wf.apply(None, a, "accept", accepted_on="2026-09-30")
    # 1 working day after Wednesday 09-30: National Day runs to 10-07 → 10-08
    assert dl.clock(a, eia.REVIEW).due == D(2026, 10, 8)
    wf.apply(None, a, "approve", decided_on="2026-10-08", conditions="按承诺落实")
    a.refresh_from_db()
    assert a.state == "approved" and a.within_limit is True


def test_without_commitment_no_shortcut(world):
    a = _form(world)
    wf.apply(None, a, "accept", accepted_on="2026-09-21")
    with pytest.raises(ValidationError, match="技术评估"):
        wf.apply(None, a, "approve", decided_on="2026-09-22", conditions="x")


def test_refusal_while_paused_counts_until_the_decision(world):
    a = _form(world)
    wf.apply(None, a, "accept", accepted_on="2026-09-21")
    wf.apply(None, a, "start_review", on="2026-09-22")
    with pytest.raises(ValidationError):
        wf.apply(None, a, "refuse", decided_on="2026-10-09")  # reasons required
    wf.apply(None, a, "refuse", decided_on="2026-10-09", decision_reasons="选址不符合生态环境分区管控要求")
    a.refresh_from_db()
    # counted: 09-20 21 22 = 3 (the review from 09-22 on stands still); due 30 + 7 paused = 37th → 11-16
    assert (a.state, a.days_used, a.due_on, a.within_limit) == ("refused", 3, D(2026, 11, 16), True)


# the legal transitions, written from the rules (not read from workflows.py)
LEGAL = {
    "submitted": {"request_correction", "accept", "withdraw"},
    "correction": {"resubmit", "withdraw"},
    "accepted": {"start_review", "approve", "refuse", "withdraw"},
    "reviewing": {"finish_review", "refuse", "withdraw"},
    "reviewed": {"propose", "refuse", "withdraw"},
    "proposed": {"approve", "refuse", "withdraw"},
    "approved": {"complete"},
    "refused": set(), "filed": set(), "withdrawn": set(), "completed": set(),
}


def test_transition_table(world):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    a = _form(world)
    for state, verbs in LEGAL.items():
        EIAApplication.objects.filter(pk=a.pk).update(state=state)
        a.refresh_from_db()
        got = {t.verb for t in wf.allowed(admin, a)}
        assert got == verbs, state


def test_registration_form_is_filed_at_once(world):
    a = _form(world, category="registration")
    assert a.state == "filed" and a.filing_no.startswith("110101") and a.decided_on == D(2026, 9, 18)
    assert dl.clock(a, eia.REVIEW) is None
    from envbureau.core.models import Task

    assert not Task.objects.filter(model="approvals.eiaapplication", object_id=str(a.pk), is_open=True).exists()


def test_enterprise_user_applies_answers_correction_and_sees_only_its_own(world):
    from envbureau.core.scoping import get_scoped_object, restrict

    ent = world["ent_user"]
    with pytest.raises(ValidationError, match="不存在或不在您的权限范围内"):
        eia.submit(ent, enterprise_id=world["e2"].pk, project_name="x", category="form")
    mine = eia.submit(ent, enterprise_id=world["e1"].pk, project_name="本企业项目", category="form")
    other = eia.submit(None, enterprise_id=world["e2"].pk, project_name="他人项目", category="form")
    assert list(restrict(EIAApplication.objects.all(), ent, "view")) == [mine]
    with pytest.raises(Http404):
        get_scoped_object(EIAApplication, ent, "view", pk=other.pk)
    with pytest.raises(PermissionDenied):
        wf.apply(ent, mine, "accept")  # the bureau accepts, not the applicant
    wf.apply(world["officer"], mine, "request_correction", missing_materials="总量来源说明")
    mine.refresh_from_db()
    wf.apply(ent, mine, "resubmit")
    mine.refresh_from_db()
    assert mine.state == "submitted"


def test_documents_acceptance_notice_and_approval(world):
    from envbureau.core.documents import issue

    officer = world["officer"]
    a = _form(world)
    with pytest.raises(ValidationError, match="受理日期"):
        issue(officer, a, "approvals.eia_acceptance")
    wf.apply(officer, a, "accept", accepted_on="2026-09-21")
    a.refresh_from_db()
    doc = issue(officer, a, "approvals.eia_acceptance")
    assert doc.number.startswith("环受")
    with pytest.raises(ValidationError, match="审批意见"):
        issue(officer, a, "approvals.eia_approval")  # not approved yet
    for verb, data in (("start_review", {"on": "2026-09-22"}), ("finish_review", {"on": "2026-09-29",
                                                                                   "expert_opinion": "可行"}),
                       ("propose", {"on": "2026-10-13"}), ("approve", {"decided_on": "2026-10-21",
                                                                        "conditions": "落实措施"})):
        wf.apply(officer, a, verb, **data)
        a.refresh_from_db()
    assert issue(officer, a, "approvals.eia_approval").number.startswith("环审")


def test_dossier_lines(world):
    from envbureau.sources.models import DossierEvent

    a = _form(world)
    wf.apply(None, a, "accept", accepted_on="2026-09-21")
    titles = list(DossierEvent.objects.filter(enterprise=world["e1"], kind="approvals.eia")
                  .values_list("title", flat=True))
    assert len(titles) == 2 and any("已受理" in t for t in titles) and any("提交环评申请" in t for t in titles)


def test_bad_input_names_the_field(world):
    with pytest.raises(ValidationError, match="investment"):
        eia.submit(None, enterprise_id=world["e1"].pk, project_name="x", category="form", investment="abc")
    with pytest.raises(ValidationError) as exc:
        eia.submit(None, enterprise_id=world["e1"].pk, project_name="x", category="big")
    assert "category" in exc.value.message_dict
    a = _form(world)
    with pytest.raises(ValidationError) as exc:
        wf.apply(None, a, "accept", accepted_on="2026-13-01")
    assert "accepted_on" in exc.value.message_dict


def test_acceptance_not_answered_in_time_is_deemed_accepted_from_receipt(world):
    # 行政许可法 arts. 32, 82: no 补正 notice within 5 working days → accepted from receipt.
    from io import StringIO

    from django.core.management import call_command

    a = _form(world)  # received Fri 18 Sep; check due Thu 24 Sep (Sun 20 Sep is a make-up working day)
    assert "approvals.eiaapplication" not in wf.run_lapses(D(2026, 9, 24))  # the due day is still in time
    a.refresh_from_db()
    assert a.state == "submitted"
    out = StringIO()
    call_command("deadline_lapses", today="2026-09-25", stdout=out)  # the day after: deemed accepted
    assert "moved=1" in out.getvalue()
    a.refresh_from_db()
    assert (a.state, a.accepted_on) == ("accepted", D(2026, 9, 18))
    assert dl.clock(a, eia.ACCEPTANCE).stopped_at is not None
    last = wf.timeline(a)[-1]
    assert (last["verb"], last["to_state"], last["actor"]) == ("accept", "accepted", "系统")
    assert "视为受理" in last["note"]
    from django.utils import translation

    with translation.override("en"):  # the rule's note, stored in Chinese, reads in the reader's language
        assert wf.timeline(a)[-1]["note"] == ("No request for missing materials within the time limit: deemed "
                                              "accepted by law from the day the materials were received")
    assert "approvals.eiaapplication" not in wf.run_lapses(D(2026, 10, 30))  # once only


def test_a_correction_notice_in_time_stops_deemed_acceptance_and_resubmission_restarts_it(world):
    a = _form(world)
    wf.apply(world["officer"], a, "request_correction", missing_materials="监测报告", on="2026-09-24")
    assert "approvals.eiaapplication" not in wf.run_lapses(D(2026, 10, 30))  # the check was answered
    a.refresh_from_db()
    assert a.state == "correction"
    wf.apply(None, a, "resubmit", on="2026-10-09")  # Fri 9 Oct; then 10 Oct (make-up), 12–15 Oct → due Thu 15 Oct
    assert dl.clock(a, eia.ACCEPTANCE).due == D(2026, 10, 15)
    assert "approvals.eiaapplication" not in wf.run_lapses(D(2026, 10, 15))
    assert wf.run_lapses(D(2026, 10, 16))["approvals.eiaapplication"] == 1
    a.refresh_from_db()
    assert (a.state, a.accepted_on) == ("accepted", D(2026, 10, 9))  # from the day the full materials arrived


def test_bad_today_is_a_clear_cli_error():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--today"):
        call_command("deadline_lapses", today="2026-13-01")


def test_proposal_notice_starts_only_after_the_acceptance_notice_ends(world):
    a = _form(world)
    wf.apply(None, a, "accept", accepted_on="2026-09-21")
    wf.apply(None, a, "start_review", on="2026-09-22")
    wf.apply(None, a, "finish_review", on="2026-09-24", expert_opinion="可行")
    a.refresh_from_db()
    # 受理公示 10 working days after 09-21: 22 23 24 | 28 29 30 | 10-08 09 10 (Sat, make-up) 12
    assert a.acceptance_notice_until == D(2026, 10, 12)
    with pytest.raises(ValidationError) as err:
        wf.apply(None, a, "propose", on="2026-10-12")  # the notice's last day
    assert err.value.message_dict == {"on": ["受理公示至 2026-10-12 结束,拟批准公示须在其后开始"]}
    wf.apply(None, a, "propose", on="2026-10-13")
    a.refresh_from_db()
    assert (a.state, a.proposed_on) == ("proposed", D(2026, 10, 13))


def test_review_clock_lines_clicked_in_english_read_in_each_readers_language(world):
    """Submitted, corrected and resubmitted from English pages: the limit's source and the clock's label are
    stored in Chinese; the pause line's reason reads in each reader's language; the resume keeps why in Chinese."""
    from django.utils import translation

    from envbureau.core.models import TimelineEvent

    with translation.override("en"):
        a = _form(world)
        wf.apply(world["officer"], a, "request_correction", missing_materials="公众参与说明", on="2026-09-22")
        wf.apply(None, a, "resubmit", on="2026-10-09")
    a.refresh_from_db()
    assert a.limit_source == "法定时限" and dl.clock(a, eia.REVIEW).label == "审批时限(法定时限)"
    assert dl.clock(a, eia.ACCEPTANCE).label == "受理审查(补正告知)"

    def pause():
        return [e["note"] for e in wf.timeline(a) if e["verb"] == "deadline_pause"]

    with translation.override("zh-hans"):
        assert pause() == ["审批时限(法定时限)中止:补正材料:公众参与说明"]
        assert (a.limit_source_label, dl.clock(a, eia.REVIEW).shown_label) == ("法定时限", "审批时限(法定时限)")
    with translation.override("en"):
        assert pause() == ["Decision limit (statutory limit) paused: Missing materials: 公众参与说明"]
        assert a.limit_source_label == "statutory limit"
        assert dl.clock(a, eia.REVIEW).shown_label == "Decision limit (statutory limit)"
    resumed = TimelineEvent.objects.get(model="approvals.eiaapplication", object_id=str(a.pk), verb="deadline_resume")
    assert resumed.data["note"] == "补正材料已提交"


@override_settings(ENVBUREAU={"APPROVALS": {"eia_commitments": {"110101": {"report": 20}}}})
def test_the_limit_and_its_source_read_in_the_readers_language_on_the_page_and_in_the_api(world, client_for):
    """The detail page's 时限依据 row and its clocks table, and the API's limit_source_label: worded for the reader
    from the facts (the commitment's jurisdiction by name); the stored Chinese stays for documents and the CLI; a
    source a person changed reads as stored."""
    import re

    from django.conf import settings

    han = re.compile(r"[\u3400-\u9fff]")
    a = eia.submit(None, enterprise_id=world["e1"].pk, project_name="扩建", category="report", submitted_on="2026-01-30")
    b = eia.submit(None, enterprise_id=world["e2"].pk, project_name="扩建", category="report", submitted_on="2026-01-30")
    c = client_for("admin")
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = c.get(f"/approvals/eia/{b.pk}/").content.decode()
    cell = re.search(r'<th class="pe-4">Limit from</th><td class="eb-wrap">([^<]*)<', page)
    assert cell and cell[1] == "statutory limit", cell
    # the clocks table (the audit history below keeps the values as stored)
    assert "<td>Decision limit (statutory limit)</td>" in page and "<td>审批时限(法定时限)</td>" not in page
    page = c.get(f"/approvals/eia/{a.pk}/").content.decode()
    name = world["dc"].name
    cell = re.search(r'<th class="pe-4">Limit from</th><td class="eb-wrap">([^<]*)<', page)
    assert cell and cell[1] == f"limit committed by {name}" and not han.search(cell[1].replace(name, "")), cell
    assert f"<td>Decision limit (limit committed by {name})</td>" in page and "110101" not in cell[1]
    row = c.get(f"/api/v1/approvals/eia/{a.pk}/").json()
    assert (row["limit_source"], row["limit_source_label"]) == (f"承诺时限({name})", f"limit committed by {name}")
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert c.get(f"/api/v1/approvals/eia/{a.pk}/").json()["limit_source_label"] == f"承诺时限({name})"
    page = c.get(f"/approvals/eia/{a.pk}/").content.decode()
    assert f"<td>审批时限(承诺时限({name}))</td>" in page
    EIAApplication.objects.filter(pk=a.pk).update(limit_source="区政府承诺时限(人工更正)")
    a.refresh_from_db()
    from django.utils import translation

    with translation.override("en"):
        assert a.limit_source_label == "区政府承诺时限(人工更正)"


def test_limits_stored_before_their_facts_are_read_back_by_name():
    """approvals 0008: an old limit_source (the clock's label, the jurisdiction by code) becomes the source by name
    with its facts; its Chinese wording is what the facts word."""
    import importlib

    from envbureau.core import texts

    m = importlib.import_module("envbureau.approvals.migrations.0008_eia_limit_facts")
    names = {"110101": "东城区"}.get
    assert m.source_of("审批时限(法定时限)", names) == texts.sentence("法定时限")
    committed = m.source_of("审批时限(承诺时限(110101))", names)
    assert committed == texts.sentence("承诺时限(%(j)s)", j="东城区")
    assert m.chinese(committed) == texts.chinese(committed) == "承诺时限(东城区)"
    label = {"text": m.LABEL, "args": {"s": committed}}
    assert m.chinese(label) == texts.chinese(label) == "审批时限(承诺时限(东城区))"
    assert m.source_of("告知承诺制审批时限", names) == texts.sentence("告知承诺制审批时限")
    assert m.source_of("区政府特别承诺", names) is None and m.source_of("", names) is None


def test_the_migration_rewrites_older_rows_by_name_with_their_facts(world):
    """approvals 0008 run over rows as they were stored before: limit_source the clock's label with the code; the
    review clock's label with the code; both by name with their facts afterwards (the acceptance clock untouched)."""
    import importlib

    from django.apps import apps as global_apps
    from django.utils import translation

    from envbureau.core.models import Clock

    m = importlib.import_module("envbureau.approvals.migrations.0008_eia_limit_facts")
    a = _form(world)
    EIAApplication.objects.filter(pk=a.pk).update(limit_source="审批时限(承诺时限(110101))", limit_facts={})
    Clock.objects.filter(model="approvals.eiaapplication", object_id=str(a.pk), key=eia.REVIEW).update(
        label="审批时限(承诺时限(110101))", facts={})
    m.forwards(global_apps, None)
    a.refresh_from_db()
    name = world["dc"].name
    assert a.limit_source == f"承诺时限({name})" and a.limit_facts["args"] == {"j": name}
    review = dl.clock(a, eia.REVIEW)
    assert review.label == f"审批时限(承诺时限({name}))" and review.facts["args"]["s"] == a.limit_facts
    assert dl.clock(a, eia.ACCEPTANCE).facts == {}
    with translation.override("en"):
        assert review.shown_label == f"Decision limit (limit committed by {name})"
        assert a.limit_source_label == f"limit committed by {name}"
