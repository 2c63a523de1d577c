"""Transfers to the police (环境保护法 art. 63 with 移送行政拘留暂行办法; 国务院令第310号): several per case, each a record with its form, time limit,
receiving authority, persons concerned and the police's answer.

* for administrative detention the penalty decision comes first; the files go within 3 working days of the
  transfer decision (移送行政拘留暂行办法 arts. 11, 19);
* a suspected crime may be transferred from the case review on and goes within 24 hours of the head's approval
  (国务院令第310号 art. 5), here the day after the approval date; the police answer within 3 days of receipt;
* detention is 10–15 days, 5–10 in minor cases (环境保护法 art. 63): 5–15 accepted;
* the persons concerned are personal data: staff in scope only, never the enterprise's users, never public;
* the 案件移送书 issues per transfer. Dates counted by hand on the 2026 holiday calendar."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from envbureau.core import deadlines as dl
from envbureau.core import workflow as wf
from envbureau.core.models import Role, RoleAssignment, User
from envbureau.enforcement import cases, stats, transfers
from envbureau.enforcement.models import Case, LegalBasis, Transfer

POLICE = "北京市公安局东城分局"


@pytest.fixture
def case(world):
    LegalBasis.objects.create(provision="evade", instrument="水污染防治法", article="第八十三条",
                              effective_from=dt.date(2018, 1, 1), fine_min=100000, fine_max=1000000)
    c = cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="篡改自动监测数据", provision="evade",
                        act_date="2026-09-01", filed_on="2026-09-03", handlers=world["inspectors"][:2],
                        facts="现场发现人为干扰采样")
    wf.apply(None, c, "investigate")
    wf.apply(None, c, "submit_review", note="调查终结")
    return Case.objects.get(pk=c.pk)


def _decided(case):
    wf.apply(None, case, "notify", outcome="punish", levels={"means": 5}, notified_on="2026-09-10")
    wf.apply(None, case, "decide", decided_on="2026-09-24")
    return Case.objects.get(pk=case.pk)


def test_detention_needs_the_decision_first_then_three_working_days(case):
    with pytest.raises(ValidationError) as exc:
        transfers.transfer_case(None, case, kind="detention", transferred_on="2026-09-28", authority=POLICE)
    assert "transfer_kind" in exc.value.message_dict
    case = _decided(case)
    with pytest.raises(ValidationError) as exc:  # the receiving authority is named
        transfers.transfer_case(None, case, kind="detention", transferred_on="2026-09-30", authority=" ")
    assert "authority" in exc.value.message_dict
    t = transfers.transfer_case(None, case, kind="detention", transferred_on="2026-09-30", authority=POLICE,
                                persons="张某(厂长)\n李某(环保专员)", reason="篡改数据")
    assert (t.code, t.state, t.kind, t.authority) == (f"{case.code}-YS1", "approved", "detention", POLICE)
    # 3 working days after Wed 2026-09-30: 1–7 Oct off (国庆), Thu 8 (1), Fri 9 (2), Sat 10 worked (3)
    assert dl.clock(t, transfers.SEND).due == dt.date(2026, 10, 10)
    assert transfers.workflow_due(t) == dt.date(2026, 10, 10)


@pytest.mark.parametrize("sent_on, late", [("2026-10-09", False), ("2026-10-10", False), ("2026-10-11", True)])
def test_files_sent_day_before_of_after_the_limit(case, sent_on, late):
    t = transfers.transfer_case(None, _decided(case), kind="detention", transferred_on="2026-09-30", authority=POLICE)
    wf.apply(None, t, "send", sent_on=sent_on)
    t.refresh_from_db()
    assert (t.state, t.sent_late) == ("sent", late)
    assert dl.clock(t, transfers.SEND).stopped_at is not None


def test_several_transfers_per_case_each_with_its_own_clock(case):
    """A suspected crime from the review, then (after the decision) the managers for detention: two records."""
    crime = transfers.transfer_case(None, case, kind="crime", transferred_on="2026-09-30", authority="北京市公安局环食药旅总队")
    assert Case.objects.get(pk=case.pk).state == "reviewing"
    assert dl.clock(crime, transfers.SEND).due == dt.date(2026, 10, 1)  # 24 hours: the day after, holiday or not
    det = transfers.transfer_case(None, _decided(case), kind="detention", transferred_on="2026-10-09",
                                  authority=POLICE)
    assert [x.code for x in Transfer.objects.filter(case=case).order_by("pk")] == [
        f"{case.code}-YS1", f"{case.code}-YS2"]
    # Fri 2026-10-09 + 3 working days: Sat 10 (make-up day) 1, Mon 12 2, Tue 13 3
    assert dl.clock(det, transfers.SEND).due == dt.date(2026, 10, 13)
    # the crime's police answer: 3 days after receipt
    wf.apply(None, crime, "send", sent_on="2026-10-01")
    assert dl.clock(crime, transfers.ANSWER).due == dt.date(2026, 10, 4)
    assert transfers.workflow_due(Transfer.objects.get(pk=crime.pk)) == dt.date(2026, 10, 4)
    with pytest.raises(ValidationError) as exc:  # not before the case was filed
        transfers.transfer_case(None, case, kind="crime", transferred_on="2026-09-02", authority=POLICE)
    assert "transferred_on" in exc.value.message_dict


@pytest.mark.parametrize("days, ok", [("4", False), ("5", True), ("15", True), ("16", False), ("", False)])
def test_detention_outcome_days_within_the_law(case, days, ok):
    t = transfers.transfer_case(None, _decided(case), kind="detention", transferred_on="2026-09-30", authority=POLICE)
    wf.apply(None, t, "send", sent_on="2026-10-08")
    kw = {"outcome": "detained", "outcome_on": "2026-10-12", "detention_days": days}
    if not ok:
        with pytest.raises(ValidationError) as exc:
            wf.apply(None, t, "conclude", **kw)
        assert "detention_days" in exc.value.message_dict
        return
    wf.apply(None, t, "conclude", **kw)
    t.refresh_from_db()
    assert (t.state, t.detained, t.detention_days) == ("concluded", True, int(days))


def test_outcome_matches_the_kind(case):
    t = transfers.transfer_case(None, case, kind="crime", transferred_on="2026-09-30", authority=POLICE)
    wf.apply(None, t, "send", sent_on="2026-09-30")
    with pytest.raises(ValidationError) as exc:  # a crime transfer is not answered with detention
        wf.apply(None, t, "conclude", outcome="detained", outcome_on="2026-10-02", detention_days=10)
    assert "outcome" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        wf.apply(None, t, "conclude", outcome="prosecuted", outcome_on="2026-09-29")  # before the files went
    assert "outcome_on" in exc.value.message_dict
    wf.apply(None, t, "conclude", outcome="prosecuted", outcome_on="2026-10-02", note="已立案侦查")
    t.refresh_from_db()
    assert (t.state, t.outcome, t.detained) == ("concluded", "prosecuted", None)


def test_transfers_of_for_credit_and_the_veto(world, case):
    ent = world["enterprises"][0]
    transfers.transfer_case(None, case, kind="crime", transferred_on="2026-09-30", authority=POLICE)
    transfers.transfer_case(None, _decided(case), kind="detention", transferred_on="2026-10-09", authority=POLICE)
    assert cases.transfers_of(ent, 2026).count() == 2
    assert [t.kind for t in cases.transfers_of(ent.pk, 2026, "detention")] == ["detention"]
    assert cases.transfers_of(ent, 2025).count() == 0
    assert cases.transfers_of(world["enterprises"][1], 2026).count() == 0
    from envbureau.core.texts import chinese
    from envbureau.enforcement.credit_records import vetoes

    # credit's one-vote veto reads these records: both transfers of 2026 (the detention not answered yet counts)
    found = vetoes(ent.pk, 2026)
    assert [v["kind"] for v in found] == ["crime", "detention"]
    assert all(case.code in chinese(v["reason"]) for v in found)
    assert {v["url"] for v in found} == {f"/enforcement/cases/{case.pk}/"}
    assert vetoes(ent.pk, 2025) == []


def test_statistics_count_transfers_and_detentions_with_links(world, case, client_for):
    """Two transfers of one case in 2026 (one crime, one detention answered with detention) and one detention not
    answered yet: 移送 3, of which detention 2, detained 1, crime 1; each number opens exactly those records."""
    transfers.transfer_case(None, case, kind="crime", transferred_on="2026-09-30", authority=POLICE)
    case = _decided(case)
    det = transfers.transfer_case(None, case, kind="detention", transferred_on="2026-10-09", authority=POLICE)
    transfers.transfer_case(None, case, kind="detention", transferred_on="2026-10-12", authority=POLICE)
    wf.apply(None, det, "send", sent_on="2026-10-10")
    wf.apply(None, det, "conclude", outcome="detained", outcome_on="2026-10-14", detention_days=10)
    data = stats.statistics(None, world["city"], 2026)
    f = data["figures"]
    assert (f["transfers"], f["transfers_detention"], f["detentions"], f["transfers_crime"]) == (3, 2, 1, 1)
    assert stats.statistics(None, world["city"], 2025)["figures"]["transfers"] == 0
    text = data["sentences"][2]["text"]
    assert "移送公安机关行政拘留2件,公安机关决定拘留1件;移送涉嫌环境犯罪1件" in text
    client = client_for("admin")
    for key, n in (("transfers", 3), ("transfers_detention", 2), ("detentions", 1), ("transfers_crime", 1)):
        url = data["links"][key]
        assert url.startswith("/enforcement/transfers/"), url
        resp = client.get(url)
        assert resp.status_code == 200
        assert f"共 {n} 条" in resp.content.decode(), (key, url)
    # the API, the Excel export and the CLI give the same figures
    resp = client.get("/api/v1/enforcement/statistics/", {"jurisdiction": "110000", "year": 2026})
    assert resp.status_code == 200 and resp.json()["figures"]["detentions"] == 1
    from openpyxl import load_workbook

    r = client.get("/enforcement/statistics/?jurisdiction=110000&year=2026&export=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    row = {ws.cell(n, 1).value: ws.cell(n, 2).value for n in range(1, ws.max_row + 1)}
    assert row["移送公安(件)"] == 3 and row["公安机关决定拘留(件)"] == 1 and row["其中涉嫌犯罪(件)"] == 1
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("enforcement-stats", "--jurisdiction", "110000", "--year", "2026", "--json", stdout=out)
    figures = json.loads(out.getvalue())["figures"]
    assert (figures["transfers"], figures["detentions"]) == (3, 1)
    out = StringIO()
    call_command("enforcement-stats", "--jurisdiction", "110000", "--year", "2026", stdout=out)
    assert "公安机关决定拘留1件" in out.getvalue()


def test_persons_are_staff_only(world, case, client_for):
    t = transfers.transfer_case(None, _decided(case), kind="detention", transferred_on="2026-09-30", authority=POLICE,
                                persons="王小明")
    staff = client_for("admin")
    assert "王小明" in staff.get(f"/enforcement/transfers/{t.pk}/").content.decode()
    assert staff.get(f"/api/v1/enforcement/transfers/{t.pk}/").json()["persons"] == "王小明"
    assert staff.get(f"/api/v1/enforcement/cases/{case.pk}/").json()["transfers"][0]["code"] == t.code
    u = User.objects.create(username="t_ent_tr", display_name="企业1")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"),
                                  enterprise_id=world["enterprises"][0].pk)
    from django.test import Client

    ent = Client()
    ent.force_login(u)
    assert ent.get(f"/enforcement/transfers/{t.pk}/").status_code in (403, 404)
    assert ent.get(f"/api/v1/enforcement/transfers/{t.pk}/").status_code in (403, 404)
    case_json = ent.get(f"/api/v1/enforcement/cases/{case.pk}/")
    if case_json.status_code == 200:  # the enterprise reads its case, not the transfer or the persons
        assert case_json.json()["transfers"] == [] and "王小明" not in case_json.content.decode()
    # the case's own timeline names the transfer by its number, not the persons
    from envbureau.core.models import TimelineEvent

    notes = " ".join(str(e.note) for e in TimelineEvent.objects.filter(model="enforcement.case", object_id=str(case.pk)))
    assert "王小明" not in notes


def test_transfer_document(case, user_named):
    from docx import Document

    from envbureau.core.documents import issue

    admin = user_named("admin")
    t = transfers.transfer_case(None, case, kind="crime", transferred_on="2026-09-30", authority=POLICE,
                                persons="张某\n李某", reason="涉嫌污染环境罪")
    doc = issue(admin, t, "enforcement.case_transfer")
    v = doc.values
    assert doc.number.startswith("环移")
    assert v["transfer"] == "移送公安(涉嫌犯罪)" and "第三百一十" not in v["basis"] and "第五条" in v["basis"]
    assert v["penalty"] == "尚未作出行政处罚决定" and v["transferred_on"] == "2026年9月30日"
    assert v["authority"] == POLICE and v["persons"] == "张某、李某" and v["transfer_code"] == t.code
    assert v["materials"].startswith("涉嫌犯罪案件移送书")
    doc.docx.open("rb")
    text = "\n".join(p.text for p in Document(io.BytesIO(doc.docx.read())).paragraphs)
    doc.docx.close()
    assert "案件移送书" in text and "移送类型：移送公安(涉嫌犯罪)" in text and "篡改自动监测数据" in text
    assert f"接收机关：{POLICE}" in text and "涉案人员：张某、李某" in text


def test_case_page_form_makes_a_transfer(world, case, client_for):
    case = _decided(case)
    client = client_for("admin")
    resp = client.post(f"/enforcement/cases/{case.pk}/do/transfer/", {
        "transfer_kind": "detention", "transferred_on": "2026-09-30", "authority": POLICE, "persons": "张某"})
    assert resp.status_code == 302
    t = Transfer.objects.get(case=case)
    page = client.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert t.code in page and POLICE in page
    resp = client.post(f"/enforcement/transfers/{t.pk}/do/send/", {"sent_on": "2026-10-08"})
    assert resp.status_code == 302 and Transfer.objects.get(pk=t.pk).state == "sent"
    # a bad number answers with the field named, not a 500
    resp = client.post(f"/enforcement/transfers/{t.pk}/do/conclude/", {"outcome": "detained",
                                                                        "outcome_on": "2026-10-09",
                                                                        "detention_days": "abc"}, follow=True)
    assert resp.status_code == 200 and "拘留天数" in resp.content.decode()
    assert Transfer.objects.get(pk=t.pk).state == "sent"
