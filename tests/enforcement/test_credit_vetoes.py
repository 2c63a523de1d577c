"""One-vote vetoes straight to 不良 fed by records (环发〔2013〕150号; Quanzhou list [1S]): a case transferred as a
suspected crime, a responsible person transferred for detention, a 较大 or worse 突发环境事件, a penalty not carried
out (forced execution applied / fine unpaid past its time), construction without EIA approval or operation
before acceptance (a case citing that provision); a general 突发环境事件 lowers the grade one level. Each with its
reason worded per reader and a link; the rated year's boundaries (31 Dec vs 1 Jan, local time)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from envbureau.core import texts
from envbureau.enforcement import credit, credit_records
from envbureau.enforcement.models import Case, Transfer

SOURCE = "现场核查"


def _rate(ent, year=2025, level=100, today=None):
    keys = credit.entry_keys(ent.pk, year)
    return credit.rate(None, enterprise_id=ent.pk, year=year, scores={k: level for k in keys}, sources=SOURCE,
                       today=today)


def _case(ent, code, **kw):
    data = dict(enterprise_id=ent.pk, party=ent.name, jurisdiction=ent.jurisdiction, cause="超标排放",
                act_date=dt.date(2025, 1, 5), provision="exceed_standard", filed_on=dt.date(2025, 1, 10))
    data.update(kw)
    transfer = {k: data.pop(k) for k in ("transfer_kind", "transferred_on", "detained") if k in data}
    case = Case.objects.create(code=code, **data)
    if transfer:  # a transfer to the police is its own record (several per case)
        Transfer.objects.create(code=f"{code}-YS1", case=case, kind=transfer["transfer_kind"],
                                enterprise_id=ent.pk, party=ent.name, jurisdiction=ent.jurisdiction,
                                transferred_on=transfer["transferred_on"], detained=transfer.get("detained"))
    return case


def _incident(ent, code, level, when):
    from envbureau.approvals.models import Incident

    return Incident.objects.create(code=code, title="泄漏", kind="水污染", level=level, jurisdiction=ent.jurisdiction,
                                   enterprise_id=ent.pk, enterprise_name=ent.name, occurred_at=when, reported_at=when,
                                   description="储罐泄漏")


def _words(r, lang):
    with override(lang):
        return [texts.words(v["reason"]) for v in r.facts["vetoes"]]


@pytest.mark.parametrize("kind, zh", [
    ("crime", "以涉嫌环境犯罪移送公安机关"),
    ("detention", "移送公安机关对责任人员行政拘留"),
])
def test_transfers_to_the_police(world, kind, zh):
    ent = world["enterprises"][0]
    c = _case(ent, "C-T-1", transfer_kind=kind, transferred_on=dt.date(2025, 12, 31))
    r = _rate(ent)
    assert r.score == Decimal("100.00") and r.grade == "red"
    assert r.facts["vetoes"][0]["url"] == f"/enforcement/cases/{c.pk}/"
    assert zh in _words(r, "zh-hans")[0] and "C-T-1" in _words(r, "zh-hans")[0]
    # stored as facts (msgid and values), so each reader reads it in their language
    assert r.facts["vetoes"][0]["reason"] == {"text": credit_records.VETO_TEXTS[kind],
                                              "args": {"c": "C-T-1", "d": "2025-12-31"}}


def test_a_detention_the_police_declined_does_not_veto(world):
    ent = world["enterprises"][0]
    _case(ent, "C-T-3", transfer_kind="detention", transferred_on=dt.date(2025, 6, 1), detained=False)
    assert _rate(ent).grade == "green"
    _case(ent, "C-T-4", transfer_kind="detention", transferred_on=dt.date(2025, 7, 1), detained=True)
    assert _rate(ent).grade == "red"


def test_a_transfer_of_another_year_does_not_veto(world):
    ent = world["enterprises"][0]
    _case(ent, "C-T-2", transfer_kind="crime", transferred_on=dt.date(2026, 1, 1))
    assert _rate(ent).grade == "green"


@pytest.mark.parametrize("level, grade", [("III", "red"), ("II", "red"), ("I", "red"), ("IV", "blue")])
def test_incidents_by_level(world, level, grade):
    ent = world["enterprises"][0]
    i = _incident(ent, "SJ-1", level, timezone.make_aware(dt.datetime(2025, 6, 1, 8)))
    r = _rate(ent)  # 100 → 诚信 before the incident
    assert r.grade == grade
    if grade == "red":
        assert r.facts["vetoes"][0]["url"] == f"/approvals/incidents/{i.pk}/"
        assert "较大" in _words(r, "zh-hans")[0] or "重大" in _words(r, "zh-hans")[0]
    else:  # 一般: one level down, not a veto
        assert r.facts["vetoes"] == [] and r.facts["lowered"][0]["url"] == f"/approvals/incidents/{i.pk}/"


@pytest.mark.parametrize("when, year, vetoed", [
    (dt.datetime(2025, 12, 31, 23, 59), 2025, True),  # last minute of the rated year (local time)
    (dt.datetime(2026, 1, 1, 0, 0), 2025, False),  # first minute of the next: not this year's
    (dt.datetime(2026, 1, 1, 0, 0), 2026, True),
])
def test_incident_year_boundary(world, when, year, vetoed):
    ent = world["enterprises"][0]
    _incident(ent, "SJ-2", "III", timezone.make_aware(when))
    assert (_rate(ent, year=year).grade == "red") is vetoed


def test_a_general_incident_never_lowers_below_red_and_the_page_shows_it(world, client_for):
    ent = world["enterprises"][0]
    _incident(ent, "SJ-3", "IV", timezone.make_aware(dt.datetime(2025, 12, 31, 23, 0)))
    r = _rate(ent, level=40)
    assert r.grade == "red" and r.facts["lowered"]
    r = _rate(ent, level=85)  # 85·81 + 100·19 = 87.85 → 良好, one level down → 警示
    assert (r.score, r.grade) == (Decimal("87.85"), "yellow")
    body = client_for("admin").get(f"/enforcement/ratings/{r.pk}/").content.decode()
    assert "一般突发环境事件,等级降一级" in body and "SJ-3" in body


@pytest.mark.parametrize("today, vetoed", [
    (dt.date(2025, 12, 30), False),  # the day before the payment due date
    (dt.date(2025, 12, 31), False),  # the due date itself: still in time
    (dt.date(2026, 1, 1), True),  # the day after: unpaid past its time
])
def test_a_fine_unpaid_past_its_time(world, today, vetoed):
    ent = world["enterprises"][0]
    c = _case(ent, "C-P-1", outcome="punish", fine=Decimal(50000), decided_on=dt.date(2025, 12, 1),
              payment_due=dt.date(2025, 12, 31), state="served")
    r = _rate(ent, today=today)
    assert (r.grade == "red") is vetoed
    if vetoed:
        assert r.facts["vetoes"][0]["url"] == f"/enforcement/cases/{c.pk}/"
        assert "逾期未缴纳" in _words(r, "zh-hans")[0] and "2025-12-31" in _words(r, "zh-hans")[0]


def test_a_fine_paid_is_no_veto(world):
    ent = world["enterprises"][0]
    _case(ent, "C-P-2", outcome="punish", fine=Decimal(50000), decided_on=dt.date(2025, 12, 1),
          payment_due=dt.date(2025, 12, 16), paid_on=dt.date(2025, 12, 16), state="executed")
    r = _rate(ent, today=dt.date(2026, 3, 1))
    assert r.facts["vetoes"] == []


@pytest.mark.parametrize("provision, vetoed", [
    ("construction_without_eia", True), ("operation_before_acceptance", True), ("exceed_standard", False),
])
def test_eia_violations_from_the_cases(world, provision, vetoed):
    ent = world["enterprises"][0]
    _case(ent, "C-E-1", provision=provision, cause="未批先建", outcome="punish", fine=Decimal(10000),
          decided_on=dt.date(2025, 8, 1), payment_due=dt.date(2025, 8, 20), paid_on=dt.date(2025, 8, 10))
    r = _rate(ent, today=dt.date(2026, 3, 1))
    assert (r.grade == "red") is vetoed
    assert [v["kind"] for v in r.facts["vetoes"]] == (["eia"] if vetoed else [])


def test_every_veto_listed_with_links_on_the_page(world, client_for):
    ent = world["enterprises"][0]
    a = _case(ent, "C-V-1", transfer_kind="detention", transferred_on=dt.date(2025, 3, 1))
    b = _case(ent, "C-V-2", transfer_kind="crime", transferred_on=dt.date(2025, 4, 1))
    r = _rate(ent)
    assert [v["kind"] for v in r.facts["vetoes"]] == ["detention", "crime"]
    body = client_for("admin").get(f"/enforcement/ratings/{r.pk}/").content.decode()
    assert "一票否决" in body
    assert f'href="/enforcement/cases/{a.pk}/"' in body and f'href="/enforcement/cases/{b.pk}/"' in body
    assert r.veto_reason.startswith("案件 C-V-1")
