"""Problems other modules open keep their title as facts and read in the reader's language (issue #10: "generated
alarm/warning texts"; #12: stored Chinese system text on English pages).

A warning, an alarm, an inspection's findings, a grid patrol's findings and a hidden danger each open a problem whose
stored title is the Chinese wording (search, Excel, old readers) whoever clicked and in whichever language; the pages
word it from its facts: in English the rule's words are English and only data (names, findings) stays as typed.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation

import test_authorization_matrix as matrix

world = matrix.world  # the module-scoped light demo of every app

HAN = re.compile(r"[\u3400-\u9fff]")

# The English beginning of each title (from the catalogue) and the Chinese one, per rule: stated here, not read
# from the code.
WORDED = {
    "enforcement.inspection": ("Problem found on inspection: ", "执法检查发现问题:"),
    "projects.patrol": ("Found on grid patrol: ", "网格巡查发现:"),
    "approvals.hazard": ("Environmental hazard: ", "环境安全隐患:"),
}


def _shown(problem, lang):
    with translation.override(lang):
        return problem.shown_title


@pytest.mark.parametrize("rule", sorted(WORDED))
def test_demo_problems_of_inspections_patrols_and_hazards_read_in_english(world, db, rule):
    from envbureau.ledger.models import Problem

    found = [p for p in Problem.objects.order_by("pk") if (p.title_facts or {}).get("msg") == rule]
    assert found, f"the light demo opens a problem by the rule {rule}"
    en, zh = WORDED[rule]
    for p in found:
        data = next(iter(p.title_facts["args"].values()))
        assert p.title == zh + data  # stored: the Chinese wording
        assert _shown(p, "zh-hans") == p.title
        assert _shown(p, "en") == en + data


def _admin():
    from envbureau.core.models import User

    return User.objects.get(username="admin")


def test_a_warning_handed_over_in_english_keeps_a_chinese_title_and_reads_in_english(world, db):
    from envbureau.ledger.models import Problem
    from envbureau.quality import services
    from envbureau.quality.models import Warning

    w = Warning.objects.filter(state="open").exclude(pollutant="").order_by("pk").first()
    assert w is not None, "the light demo raises air warnings with a pollutant"
    with translation.override("en"):  # the officer works in English: the stored title must not follow
        ref = services.warning_to_problem(_admin(), w, note="")
    p = Problem.objects.get(pk=int(ref.split(":")[1]))
    with translation.override("zh-hans"):
        kind_zh = str(w.get_kind_display())
    with translation.override("en"):
        kind_en = str(w.get_kind_display())
    assert kind_en != kind_zh and not HAN.search(kind_en)
    assert p.title == f"{w.subject} {kind_zh}({w.pollutant_label})"
    assert p.title_facts == {"msg": "quality.warning_item", "args": {"s": w.subject, "k": kind_zh, "p": w.pollutant_label}}
    assert _shown(p, "en") == f"{w.subject} {kind_en} ({w.pollutant_label})"
    assert _shown(p, "zh-hans") == p.title
    # the description too: stored in Chinese, the finding and the period worded per reader
    first = timezone.localtime(w.first_time)
    with translation.override("zh-hans"):
        finding_zh = w.text
    with translation.override("en"):
        finding_en = w.text
        assert p.shown_description.split("\n") == [
            finding_en, f"Seen from {first:%Y-%m-%d %H:%M} to {timezone.localtime(w.last_time):%Y-%m-%d %H:%M}, "
                        f"{w.count} times"]
    assert p.description.split("\n")[0] == finding_zh and finding_en != finding_zh
    assert p.description.split("\n")[1].startswith(f"出现时段:{first:%Y-%m-%d %H:%M} 至 ")
    # edited by a person: shown as typed, in any language
    Problem.objects.filter(pk=p.pk).update(title="人工改过的标题")
    p.refresh_from_db()
    assert _shown(p, "en") == "人工改过的标题"


def test_an_alarm_handed_over_in_english_keeps_a_chinese_title_and_reads_in_english(world, db):
    from envbureau.ledger.models import Problem
    from envbureau.sources import services
    from envbureau.sources.models import Alarm, DossierEvent

    a = Alarm.objects.filter(problem_ref="").exclude(status="closed").order_by("pk").first()
    assert a is not None, "the light demo raises alarms"
    with translation.override("en"):
        ref = services.alarm_to_problem(_admin(), a.pk)
    p = Problem.objects.get(pk=int(ref.split(":")[1]))
    with translation.override("zh-hans"):
        kind_zh = str(a.get_kind_display())
    with translation.override("en"):
        kind_en = str(a.get_kind_display())
    assert p.title == f"{a.enterprise.name} {a.point.name} {kind_zh}"
    assert _shown(p, "en") == f"{a.enterprise.name} {a.point.name} {kind_en}"
    start = f"{timezone.localtime(a.started_at):%Y-%m-%d %H:%M}"
    with translation.override("zh-hans"):
        assert p.description.split("\n")[:3] == [a.text, f"监测点 MN:{a.point.mn}", f"开始时间:{start}"]
        assert p.shown_description == p.description
    with translation.override("en"):
        assert p.shown_description.split("\n")[:3] == [a.text, f"Point MN: {a.point.mn}", f"Start: {start}"]
        assert a.text != p.description.split("\n")[0]  # the finding in English (its limit's standard is data)
    assert not HAN.search(kind_en)
    # the dossier's line is stored in Chinese too, whoever clicked, and reads in the reader's language
    line = DossierEvent.objects.get(enterprise_id=a.enterprise_id, title=f"报警转为问题:{p.title}")
    with translation.override("en"):
        assert line.shown_title == f"Alarm turned into a problem: {a.enterprise.name} {a.point.name} {kind_en}"
    with translation.override("zh-hans"):
        assert line.shown_title == line.title


def test_dossier_lines_written_by_a_rule_read_in_the_readers_language(world, db):
    """Every dossier line a module wrote by a rule keeps its facts: stored in Chinese, worded in English with no
    Han character left but the data (names, numbers, what people typed) — whoever clicked."""
    from envbureau.core import texts
    from envbureau.sources.models import DossierEvent

    ruled = [e for e in DossierEvent.objects.order_by("pk") if e.facts]
    kinds = {e.kind for e in ruled}
    # the light demo writes these by a rule (stated here, not read from the code)
    assert {"sources.declaration", "enforcement.inspection", "enforcement.case", "enforcement.credit",
            "enforcement.measure", "waste.manifest", "projects.card", "projects.outfall",
            "projects.campaigntarget", "approvals.permit", "approvals.eia", "approvals.plan"} <= kinds, kinds
    def han_outside_data(text, facts):
        for f in facts.get("lines") or [facts]:
            listed = set(f.get("listed") or ())
            for k, v in sorted(f["args"].items(), key=lambda kv: -len(str(kv[1]))):
                if k not in listed:
                    text = text.replace(str(v), "")
        return HAN.findall(text)

    details = 0
    for e in ruled:
        assert e.title == texts.chinese(e.facts), e.kind
        with translation.override("en"):
            en, en_detail = e.shown_title, e.shown_detail
        assert en != e.title, (e.kind, en)
        assert not han_outside_data(en, e.facts), (e.kind, en)
        if e.facts.get("detail"):  # a detail written by a rule (the credit rating's computation, …)
            details += 1
            assert e.detail == texts.chinese(e.facts["detail"]) and en_detail != e.detail
            assert not han_outside_data(en_detail, e.facts["detail"]), (e.kind, en_detail)
    assert details, "the light demo's credit ratings write their computation on the dossier"


def test_a_dossier_line_clicked_in_english_is_stored_in_chinese_and_shown_per_reader(world, db, client):
    from envbureau.sources import services
    from envbureau.sources.models import Declaration, DossierEvent

    d = Declaration.objects.filter(status="pending").order_by("pk").first()
    assert d is not None, "the light demo has a declaration waiting for review"
    with translation.override("en"):  # the officer works in English
        services.reject_declaration(_admin(), d.pk, note="资料不全")
    line = DossierEvent.objects.filter(enterprise_id=d.enterprise_id, kind="sources.declaration").latest("pk")
    with translation.override("zh-hans"):
        kind_zh = str(d.get_kind_display())
    with translation.override("en"):
        kind_en = str(d.get_kind_display())
    assert line.title == f"异常申报被驳回:{kind_zh}"
    assert line.facts["listed"] == ["k"] and line.facts["args"] == {"k": kind_zh}
    from django.conf import settings

    client.force_login(_admin())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/sources/enterprises/{d.enterprise_id}/").content.decode()
    assert f"Declaration rejected: {kind_en}" in page
    api = client.get(f"/api/v1/sources/dossier-events/?enterprise={d.enterprise_id}").json()
    row = next(r for r in api["results"] if r["id"] == line.pk)
    assert row["title"] == line.title and row["shown_title"] == f"Declaration rejected: {kind_en}"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    zh_page = client.get(f"/sources/enterprises/{d.enterprise_id}/").content.decode()
    assert f"异常申报被驳回:{kind_zh}" in zh_page
    # a line whose title a person changed reads as stored, in any language
    DossierEvent.objects.filter(pk=line.pk).update(title="人工更正的事项")
    line.refresh_from_db()
    with translation.override("en"):
        assert line.shown_title == "人工更正的事项"


def test_every_rule_a_module_opens_problems_by_is_registered_at_start_up():
    """Registered when the apps are ready (not when a view module happens to be imported): a page, an export or a
    command in any process words the titles."""
    from envbureau.ledger.models import TITLE_TEXTS

    assert {"quality.warning", "quality.warning_item", "sources.alarm", "enforcement.inspection", "projects.patrol",
            "approvals.hazard", "projects.campaign"} <= set(TITLE_TEXTS)
