"""Red and yellow cards (红黄牌警示; local practice, e.g. Liuzhou, Jincheng): the criteria decide the colour, the period and
its publication date follow the area's cycle (half-yearly by default, quarterly where configured), the card runs
through the kit (proposed → issued → 摘牌, or yellow raised to red) and every step lands on the enterprise's dossier."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from boundary import DAY, three
from envbureau.core import workflow as wf


@pytest.fixture
def firms(world):
    from envbureau.sources.models import Enterprise

    return {"dc": Enterprise.objects.create(credit_code="91110101MA01CRD01X", name="京东示范电镀厂",
                                            jurisdiction=world["dc"]),
            "cy": Enterprise.objects.create(credit_code="91110105MA01CRD02X", name="朝阳某印染厂",
                                            jurisdiction=world["cy"])}


@pytest.fixture
def propose(world, firms):
    from envbureau.projects import cards
    from envbureau.projects.models import Card

    def make(firm="dc", colour="yellow", criterion="exceed_penalised", user=None):
        return cards.create_card(user or world["mgr"], Card(enterprise_id=firms[firm].pk, colour=colour,
                                                            criterion=criterion, reason="废水总铬超标排放,已处罚"))

    return make


def test_periods_follow_the_cycle():
    from envbureau.projects.cards import period_of

    half = lambda d: period_of(d, "half_year")[0]  # noqa: E731
    assert three(half, dt.date(2026, 6, 30), DAY) == ("2026年上半年", "2026年上半年", "2026年下半年")
    assert period_of(dt.date(2026, 7, 1), "half_year")[1] == dt.date(2026, 12, 31)
    quarter = lambda d: period_of(d, "quarter")  # noqa: E731
    assert three(lambda d: quarter(d)[0], dt.date(2026, 3, 31), DAY) == ("2026年第1季度", "2026年第1季度",
                                                                          "2026年第2季度")
    assert [quarter(dt.date(2026, m, 15))[1] for m in (2, 5, 8, 11)] == [
        dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30), dt.date(2026, 12, 31)]
    with pytest.raises(ValidationError):
        period_of(dt.date(2026, 1, 1), "monthly")


def test_the_criterion_decides_the_colour(propose):
    with pytest.raises(ValidationError) as e:
        propose(colour="red")  # a penalised exceedance gives a yellow card, not a red one
    assert "colour" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        propose(criterion="made_up")
    assert "criterion" in e.value.message_dict
    assert propose(colour="red", criterion="ordered_closure").colour == "red"


def test_issue_recheck_escalate_and_remove_on_the_dossier(world, firms, propose, client_for):
    from envbureau.core.models import Task
    from envbureau.sources.models import DossierEvent

    card = propose()
    assert (card.state, card.jurisdiction_id, card.enterprise_name) == ("proposed", world["dc"].pk, "京东示范电镀厂")
    with pytest.raises(PermissionDenied):
        wf.apply(world["officer"], card, "issue", issued_on="2026-05-10")  # a district officer views, not issues
    wf.apply(world["mgr"], card, "issue", issued_on="2026-05-10")
    # Half-yearly by default: published within 30 days after 30 June; 90 days to rectify.
    assert (card.state, card.period, card.publish_due, card.rectify_due) == \
        ("issued", "2026年上半年", dt.date(2026, 7, 30), dt.date(2026, 8, 8))
    task = Task.objects.get(model="projects.card", object_id=str(card.pk), is_open=True)
    assert (task.action, task.due_date) == ("复查整改(摘牌或升级)", dt.date(2026, 8, 8))
    with pytest.raises(ValidationError) as e:
        wf.apply(world["mgr"], card, "escalate", note="逾期未改", rectify_due="2026-01-01")
    assert "rectify_due" in e.value.message_dict
    wf.apply(world["mgr"], card, "escalate", note="逾期未完成整改")
    assert (card.colour, card.criterion, card.state) == ("red", "not_fixed_after_yellow", "issued")
    with pytest.raises(ValidationError):
        wf.apply(world["mgr"], card, "escalate", note="再次升级")  # red is the last colour
    with pytest.raises(ValidationError) as e:
        wf.apply(world["mgr"], card, "remove", note="复查合格", removed_on="2026-05-09")  # before it was issued
    assert "removed_on" in e.value.message_dict
    wf.apply(world["mgr"], card, "remove", note="复查合格,已完成提标改造", removed_on="2026-06-01")
    assert (card.state, card.removed_on) == ("removed", dt.date(2026, 6, 1))
    assert not Task.objects.filter(model="projects.card", object_id=str(card.pk), is_open=True).exists()
    lines = list(DossierEvent.objects.filter(enterprise=firms["dc"], kind="projects.card").order_by("time", "pk")
                 .values_list("title", flat=True))
    assert lines == ["黄牌警示(2026年上半年):超标排放受到行政处罚", "黄牌升级为红牌警示", "红牌摘牌"]
    page = client_for("dongcheng").get(f"/sources/enterprises/{firms['dc'].pk}/").content.decode()
    assert "黄牌警示(2026年上半年)" in page and f"/projects/cards/{card.pk}/" in page


def test_quarterly_where_configured_and_scoped(world, propose, settings, client_for):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "PROJECTS": {"jurisdictions": {"110105": {
        "card_cycle": "quarter", "card_rectify_days": 30}}}}
    cy, dc = propose("cy"), propose("dc")
    wf.apply(world["mgr"], cy, "issue", issued_on="2026-05-10")
    wf.apply(world["mgr"], dc, "issue", issued_on="2026-05-10", rectify_due="2026-06-30")
    assert (cy.period, cy.publish_due, cy.rectify_due) == ("2026年第2季度", dt.date(2026, 7, 30), dt.date(2026, 6, 9))
    assert (dc.period, dc.rectify_due) == ("2026年上半年", dt.date(2026, 6, 30))
    api = client_for("dongcheng")
    assert [c["id"] for c in api.get("/api/v1/projects/cards/").json()["results"]] == [dc.pk]
    assert api.get(f"/api/v1/projects/cards/{cy.pk}/").status_code == 404
    assert api.post(f"/api/v1/projects/cards/{dc.pk}/remove/", {"note": "合格"},
                    content_type="application/json").status_code == 403
    mgr = client_for("admin")
    r = mgr.post("/api/v1/projects/cards/", {"enterprise_id": cy.enterprise_id, "colour": "red",
                                             "criterion": "exceed_penalised", "reason": "x"},
                 content_type="application/json")
    assert r.status_code == 400 and "colour" in r.json()["error"]["fields"]
    page = mgr.get(f"/projects/cards/{dc.pk}/").content.decode()
    assert "可责令限制生产或停产整治" in page and "复查合格,摘牌" in page
    assert "2026年第2季度" in mgr.get("/projects/cards/?period=2026年第2季度").content.decode()


def test_a_card_issued_in_english_reads_in_each_readers_language(world, firms, propose):
    """The period is stored in Chinese whoever issued the card (the public list filters on it); the timeline's
    steps and the dossier line are worded for each reader: period, colour and rectification date."""
    from django.utils import timezone, translation

    from envbureau.projects import cards
    from envbureau.sources.models import DossierEvent

    card = propose()
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()  # escalation counts from today
    with translation.override("en"):
        wf.apply(world["mgr"], card, "issue", issued_on="2026-05-10")
        wf.apply(world["mgr"], card, "escalate", note="逾期未完成整改", rectify_due=later)
    assert card.period == "2026年上半年"

    def steps():
        return [e["step"] for e in wf.timeline(card) if e["verb"] in ("issue", "escalate")]

    with translation.override("zh-hans"):
        assert steps() == ["2026年上半年 黄牌,整改期限 2026-08-08", f"整改期限 {later}"]
        line = DossierEvent.objects.filter(enterprise=firms["dc"], kind="projects.card").order_by("pk").first()
        assert line.shown_title.startswith("黄牌警示(2026年上半年)")
    with translation.override("en"):
        assert steps() == ["2026 H1 Yellow card, rectify by 2026-08-08", f"Rectify by {later}"]
        assert line.shown_title.startswith("Yellow card (2026 H1)")
        assert card.shown_period == "2026 H1"
        assert cards.dossier_badge(world["mgr"], firms["dc"])[0]["text"] == "Red card (2026 H1)"


def test_the_period_reads_in_the_readers_language_on_the_list_the_detail_page_and_the_api(world, propose, settings,
                                                                                           client_for):
    """Stored in Chinese (filtered on); the list's and the detail page's 公布批次 cell and the API's period_label
    are worded for the reader, the API's period stays as stored."""
    import re

    han = re.compile(r"[\u3400-\u9fff]")
    settings.ENVBUREAU = {**settings.ENVBUREAU, "PROJECTS": {"jurisdictions": {"110105": {
        "card_cycle": "quarter"}}}}
    cy, dc = propose("cy"), propose("dc")
    wf.apply(world["mgr"], cy, "issue", issued_on="2026-05-10")
    wf.apply(world["mgr"], dc, "issue", issued_on="2026-05-10")
    c = client_for("admin")
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    listing = c.get("/projects/cards/").content.decode()
    assert "2026 Q2" in listing and "2026 H1" in listing
    assert "2026年第2季度" not in listing and "2026年上半年" not in listing
    detail = c.get(f"/projects/cards/{cy.pk}/").content.decode()
    cell = re.search(r"<th class=\"pe-4\">Publication batch</th><td class=\"eb-wrap\">([^<]*)<", detail)
    assert cell and cell[1].strip() == "2026 Q2" and not han.search(cell[1]), cell
    rows = {r["id"]: r for r in c.get("/api/v1/projects/cards/").json()["results"]}
    assert (rows[cy.pk]["period"], rows[cy.pk]["period_label"]) == ("2026年第2季度", "2026 Q2")
    assert (rows[dc.pk]["period"], rows[dc.pk]["period_label"]) == ("2026年上半年", "2026 H1")
    # Chinese readers read the stored words; a period typed by hand reads as typed
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "2026年第2季度" in c.get(f"/projects/cards/{cy.pk}/").content.decode()
    assert c.get(f"/api/v1/projects/cards/{cy.pk}/").json()["period_label"] == "2026年第2季度"
    type(cy).objects.filter(pk=cy.pk).update(period="2026年专项行动")
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert c.get(f"/api/v1/projects/cards/{cy.pk}/").json()["period_label"] == "2026年专项行动"
