"""Credit rating by the national method (环发〔2013〕150号): 21 indicators in 4 groups with weights (the seven the
sources give), bands 80–100 / 50–79 / 0–49, each indicator computed from the platform's own records where it has
them (online monitoring, cases and orders, 规范化 checks, emergency plans, permits, execution reports, EIA
records, complaints) and otherwise entered by staff with the source stated; the rating page shows each."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from envbureau.enforcement import config, credit, credit_records
from envbureau.enforcement.models import Case

SOURCE = "2025年度现场核查记录"


def _aware(y, m, d, h=10, mi=0):
    return timezone.make_aware(dt.datetime(y, m, d, h, mi))


def _rate(ent, year=2025, level=100, **kw):
    keys = credit.entry_keys(ent.pk, year)
    return credit.rate(None, enterprise_id=ent.pk, year=year, scores={k: level for k in keys}, sources=SOURCE, **kw)


def _row(r, key):
    return next(x for x in r.facts["indicators"] if x["key"] == key)


def test_the_national_method_as_shipped():
    ind, groups = config.get("credit_indicators"), config.get("credit_indicator_groups")
    assert len(ind) == 21
    assert set(groups) == set(ind)
    by_group = {}
    for k, g in groups.items():
        by_group.setdefault(g, []).append(k)
    assert {config.get("credit_groups")[g] for g in by_group} == {"污染防治", "生态保护", "环境管理", "社会监督"}
    # the weights the sources give (national annex, one copy [1S])
    named = {label: w for label, w in ind.values()}
    assert named["大气及水污染物达标排放"] == 15 and named["行政处罚与行政命令"] == 15 and named["环境风险管理"] == 10
    assert named["一般固体废物处理处置"] == 5 and named["危险废物规范化管理"] == 5 and named["噪声污染防治"] == 4
    assert named["选址布局中的生态保护"] == 2
    assert sum(w for _l, w in ind.values()) == 100


@pytest.mark.parametrize("score, band", [(100, 1), (80, 1), (79.9, 2), (50, 2), (49.9, 3), (0, 3)])
def test_bands(score, band):
    assert credit_records.band(score) == band


@pytest.mark.parametrize("rate, score", [
    ("1", "100.0"), ("0.90", "80.0"), ("0.8999", "79.0"), ("0.75", "50.0"), ("0.7499", "49.0"),
    ("0.50", "0.0"), ("0.4999", "0.0"),
])
def test_outlet_compliance_bands(rate, score):
    # ≥ 90 % band 1 (80–100), 75–90 % band 2 (50–79), below band 3, below 50 % scores 0; linear inside a band:
    # 89.99 % → 50 + 0.1499 / 0.15 × 29 = 78.98; 74.99 % → 0.2499 / 0.25 × 49 = 48.98
    assert credit_records.compliance_score(Decimal(rate)) == Decimal(score)


def test_entered_indicators_need_a_score_and_a_source(world):
    ent = world["enterprises"][0]
    keys = credit.entry_keys(ent.pk, 2025)
    # no records of this enterprise but the cases and the complaints, which decide by their absence too
    assert "penalties" not in keys and "complaints" not in keys and "noise" in keys and len(keys) == 19
    with pytest.raises(ValidationError) as e:
        credit.rate(None, enterprise_id=ent.pk, year=2025, scores={k: 90 for k in keys if k != "noise"},
                    sources=SOURCE)
    assert "噪声污染防治" in str(e.value.message_dict["scores.noise"])
    with pytest.raises(ValidationError) as e:
        credit.rate(None, enterprise_id=ent.pk, year=2025, scores={k: 90 for k in keys},
                    sources={k: SOURCE for k in keys if k != "media"})
    assert set(e.value.message_dict) == {"sources.media"} and "媒体监督" in e.value.message_dict["sources.media"][0]
    with pytest.raises(ValidationError) as e:
        credit.rate(None, enterprise_id=ent.pk, year=2025, scores={**{k: 90 for k in keys}, "penalties": 100},
                    sources=SOURCE)
    assert "由平台记录计算" in e.value.message_dict["scores.penalties"][0]
    with pytest.raises(ValidationError, match="0–100"):
        credit.rate(None, enterprise_id=ent.pk, year=2025, scores={**{k: 90 for k in keys}, "noise": 101},
                    sources=SOURCE)


def test_weighted_score_and_rows(world):
    ent = world["enterprises"][0]
    keys = credit.entry_keys(ent.pk, 2025)
    # entered 60 everywhere (weight 81), records 100 (penalties 15 + complaints 4): (60×81 + 100×19) / 100 = 67.6
    r = credit.rate(None, enterprise_id=ent.pk, year=2025, scores={k: 60 for k in keys}, sources=SOURCE)
    assert r.score == Decimal("67.60") and r.grade == "yellow"
    noise = _row(r, "noise")
    assert (noise["group"], noise["weight"], noise["score"], noise["band"], noise["source"]) == (
        "pollution", 4, 60, 2, "entered")
    assert SOURCE in noise["note"]["args"]["s"]
    pen = _row(r, "penalties")
    assert (pen["group"], pen["score"], pen["band"], pen["source"]) == ("management", 100, 1, "records")


def test_penalties_and_orders_from_the_cases(world):
    from envbureau.enforcement.models import LegalBasis

    ent = world["enterprises"][0]
    basis = LegalBasis.objects.create(provision="exceed_standard", instrument="大气污染防治法", article="第九十九条",
                                      effective_from=dt.date(2016, 1, 1))
    common = dict(enterprise_id=ent.pk, party=ent.name, jurisdiction=ent.jurisdiction, cause="超标排放",
                  act_date=dt.date(2025, 1, 5), provision="exceed_standard", legal_basis=basis,
                  filed_on=dt.date(2025, 1, 10), outcome="punish", fine=Decimal(100000), state="decided")
    c1 = Case.objects.create(code="C-2025-1", decided_on=dt.date(2025, 12, 31), **common)
    Case.objects.create(code="C-2026-1", decided_on=dt.date(2026, 1, 1), **common)  # next year: not counted
    r = _rate(ent)
    pen = _row(r, "penalties")
    assert (pen["score"], pen["band"]) == (60, 2)
    assert [ln["url"] for ln in pen["links"]] == [f"/enforcement/cases/{c1.pk}/"]


def test_online_monitoring_compliance_and_its_alarms(world):
    from envbureau.sources.models import Alarm, MonitoringPoint, Outlet, PointDaily

    ent = world["enterprises"][0]
    o = Outlet.objects.create(enterprise=ent, code="DA001", name="烟囱", kind="gas")
    p = MonitoringPoint.objects.create(outlet=o, enterprise=ent, mn="88888880000001", name="CEMS")
    for n in range(20):  # 20 point-days with data
        PointDaily.objects.create(point=p, factor="a21026", code="a21026", day=dt.date(2025, 3, 1) + dt.timedelta(n),
                                  avg=1)
    # one exceedance over 3 days with data (3/20 = 15 % → 85 % compliant, band 2), one declared (not counted)
    a = Alarm.objects.create(point=p, enterprise=ent, kind="exceedance", factor="a21026", started_at=_aware(2025, 3, 2),
                             last_seen_at=_aware(2025, 3, 4, 20), ended_at=_aware(2025, 3, 4, 21), active=False)
    Alarm.objects.create(point=p, enterprise=ent, kind="exceedance", factor="a21026", started_at=_aware(2025, 3, 10),
                         last_seen_at=_aware(2025, 3, 10, 12), ended_at=_aware(2025, 3, 10, 13), active=False,
                         declared=True)
    r = _rate(ent)
    row = _row(r, "emission_compliance")
    # 85 %: 50 + (0.85 − 0.75) / 0.15 × 29 = 69.3
    assert (row["source"], row["score"], row["band"]) == ("records", 69.3, 2)
    assert row["note"]["args"] == {"n": 20, "x": 3, "p": "85.0"}
    assert row["links"][0]["url"].startswith(f"/sources/alarms/?enterprise={ent.pk}&kind=exceedance")
    assert a.pk  # the alarm counted is the undeclared one


def test_waste_complaints_permits_reports_eia_and_plans_from_their_modules(world, make_records):
    ent = world["enterprises"][0]
    made = make_records(ent)
    r = _rate(ent)
    assert _row(r, "hazardous_waste")["score"] == 72.5 and _row(r, "hazardous_waste")["source"] == "records"
    assert _row(r, "hazardous_waste")["links"][0]["url"] == f"/waste/norm-checks/{made['check'].pk}/"
    assert (_row(r, "complaints")["score"], _row(r, "complaints")["band"]) == (60, 2)  # one found true in 2025
    assert _row(r, "complaints")["links"][0]["url"] == f"/complaints/{made['complaint'].pk}/"
    assert _row(r, "permit")["score"] == 100
    assert _row(r, "execution_report")["score"] == 60  # one report late
    assert _row(r, "eia")["score"] == 100
    assert _row(r, "risk")["score"] == 100
    # none of these is asked of staff any more
    assert not {"hazardous_waste", "complaints", "permit", "execution_report", "eia", "risk"} & set(
        credit.entry_keys(ent.pk, 2025))


def test_the_rating_page_shows_each_indicator(world, make_records, client_for):
    ent = world["enterprises"][0]
    made = make_records(ent)
    r = _rate(ent, published_on=dt.date(2026, 5, 20))
    body = client_for("admin").get(f"/enforcement/ratings/{r.pk}/").content.decode()
    for text in ("污染防治", "生态保护", "环境管理", "社会监督", "危险废物规范化管理", "平台记录", "人工录入", SOURCE,
                 f"/waste/norm-checks/{made['check'].pk}/", f"/complaints/{made['complaint'].pk}/", "50–79分"):
        assert text in body, text


def test_the_rating_form_takes_scores_and_sources(world, client_for):
    ent = world["enterprises"][1]
    pool = ent.pk
    keys = credit.entry_keys(ent.pk, 2025)
    c = client_for("admin")
    from envbureau.enforcement.models import PoolEnterprise

    pe = PoolEnterprise.objects.get(enterprise_id=pool)
    body = {"enterprise": pe.pk, "year": 2025, **{f"s_{k}": 90 for k in keys}}
    r = c.post("/enforcement/ratings/new/", body)
    assert r.status_code == 400 and "请注明指标" in r.content.decode()
    r = c.post("/enforcement/ratings/new/", {**body, **{f"src_{k}": SOURCE for k in keys}})
    assert r.status_code == 302


def test_the_api_rates_and_shows_each_indicator(world, make_records, client_for):
    ent = world["enterprises"][0]
    made = make_records(ent)
    keys = credit.entry_keys(ent.pk, 2025)
    c = client_for("admin")
    body = {"enterprise_id": ent.pk, "year": 2025, "scores": {k: 90 for k in keys},
            "sources": {k: SOURCE for k in keys if k != "noise"}}
    r = c.post("/api/v1/enforcement/ratings/", body, content_type="application/json")
    assert r.status_code == 400 and "sources.noise" in r.json()["error"]["fields"]
    r = c.post("/api/v1/enforcement/ratings/", {**body, "sources": {k: SOURCE for k in keys}},
               content_type="application/json")
    assert r.status_code == 201, r.content
    data = c.get(f"/api/v1/enforcement/ratings/{r.json()['id']}/").json()
    rows = {x["key"]: x for x in data["indicators"]}
    assert len(rows) == 21 and data["vetoes"] == []
    assert (rows["hazardous_waste"]["group_label"], rows["hazardous_waste"]["band"]) == ("污染防治", 2)
    assert rows["hazardous_waste"]["links"][0]["url"] == f"/waste/norm-checks/{made['check'].pk}/"
    assert rows["noise"]["source"] == "entered" and SOURCE in rows["noise"]["note"]
    # a district officer without enforcement.rate may not rate
    r = client_for("dongcheng").post("/api/v1/enforcement/ratings/", {**body, "sources": {k: SOURCE for k in keys}},
                                     content_type="application/json")
    assert r.status_code == 403
