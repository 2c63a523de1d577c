"""Transfers to the police (regulations.md §2.7, §2.8), each with its time limit and its form:

* for administrative detention the penalty decision comes first; the files go within 3 working days of the
  transfer decision (移送行政拘留暂行办法 arts. 11, 19);
* a suspected crime may be transferred from the case review on (行政处罚法 art. 57: transfer to the judicial
  authorities is an outcome of the review) and goes within 24 hours of the head's approval (国务院令第310号
  art. 5), here the day after the approval date;
* the 案件移送书 issues only for a transferred case and names the kind, the basis, the penalty decision (or that
  none was made yet), the materials and the date. Dates counted by hand on the 2026 holiday calendar."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from envbureau.core import deadlines as dl
from envbureau.core import workflow as wf
from envbureau.enforcement import cases
from envbureau.enforcement.models import Case, LegalBasis


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


def test_detention_needs_the_decision_first_then_three_working_days(case):
    with pytest.raises(ValidationError) as exc:
        wf.apply(None, case, "transfer", transfer_kind="detention", transferred_on="2026-09-28", note="篡改数据")
    assert "transfer_kind" in exc.value.message_dict
    wf.apply(None, case, "notify", outcome="punish", levels={"means": 5}, notified_on="2026-09-10")
    wf.apply(None, case, "decide", decided_on="2026-09-24")
    wf.apply(None, case, "transfer", transfer_kind="detention", transferred_on="2026-09-30", note="篡改数据")
    # 3 working days after Wed 2026-09-30: 1–7 Oct off (国庆), Thu 8 (1), Fri 9 (2), Sat 10 worked (3)
    assert dl.clock(case, cases.TRANSFER).due == dt.date(2026, 10, 10)


def test_crime_from_the_review_within_a_day(case):
    wf.apply(None, case, "transfer", transfer_kind="crime", transferred_on="2026-09-30", note="涉嫌污染环境罪")
    c = Case.objects.get(pk=case.pk)
    assert (c.transfer_kind, c.state) == ("crime", "reviewing")
    clock = dl.clock(c, cases.TRANSFER)
    assert clock.due == dt.date(2026, 10, 1)  # 24 hours: the day after, holiday or not
    with pytest.raises(ValidationError):
        wf.apply(None, c, "transfer", transfer_kind="crime", transferred_on="2026-10-01", note="again")
    with pytest.raises(ValidationError) as exc:  # not before the case was filed
        other = cases.open_case(None, enterprise_id=c.enterprise_id, cause="x", provision="evade",
                                act_date="2026-09-01", filed_on="2026-09-03", handlers=list(c.handlers.all()),
                                facts="x")
        wf.apply(None, other, "investigate")
        wf.apply(None, other, "submit_review", note="调查终结")
        wf.apply(None, other, "transfer", transfer_kind="crime", transferred_on="2026-09-02", note="x")
    assert "transferred_on" in exc.value.message_dict


def test_transfer_document(case, user_named):
    from docx import Document

    from envbureau.core.documents import issue

    admin = user_named("admin")
    with pytest.raises(ValidationError):  # not transferred: the kind does not apply
        issue(admin, case, "enforcement.case_transfer")
    wf.apply(None, case, "transfer", transfer_kind="crime", transferred_on="2026-09-30", note="涉嫌污染环境罪")
    doc = issue(admin, Case.objects.get(pk=case.pk), "enforcement.case_transfer")
    v = doc.values
    assert doc.number.startswith("环移")
    assert v["transfer"] == "移送公安(涉嫌犯罪)" and "第三百一十" not in v["basis"] and "第五条" in v["basis"]
    assert v["penalty"] == "尚未作出行政处罚决定" and v["transferred_on"] == "2026年9月30日"
    assert v["materials"].startswith("涉嫌犯罪案件移送书")
    doc.docx.open("rb")
    text = "\n".join(p.text for p in Document(io.BytesIO(doc.docx.read())).paragraphs)
    doc.docx.close()
    assert "案件移送书" in text and "移送类型：移送公安(涉嫌犯罪)" in text and "篡改自动监测数据" in text
