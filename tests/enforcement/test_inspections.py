"""Inspections on the kit: checklist, record, dossier, publish, ledger problem, 笔录 document, scoping."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from envbureau.core import workflow as wf
from envbureau.enforcement import services
from envbureau.enforcement.models import Inspection

from .conftest import committed_draw


@pytest.fixture
def drawn(world):
    d = committed_draw(world["plan"], "insp", on=world["day"])
    return {**world, "draw": d}


def _all_ok(i):
    return {str(n): ("ok", "") for n in range(len(i.checklist))}


def test_checklist_from_items(drawn):
    i = drawn["draw"].inspections.first()
    # T-01 has two points, T-02 none (its name becomes the point)
    assert [r["point"] for r in i.checklist] == ["持证排污", "按证排污", "设施运行"]


def test_record_needs_full_checklist_and_consistent_result(drawn):
    i = drawn["draw"].inspections.first()
    with pytest.raises(ValidationError, match="检查表尚未填写"):
        services.record_inspection(None, i, checklist={"0": ("ok", "")}, result="no_problem")
    marks = _all_ok(i)
    marks["1"] = ("problem", "排放口未按证设置")
    with pytest.raises(ValidationError, match="不能为“未发现问题”"):
        services.record_inspection(None, i, checklist=marks, result="no_problem")
    with pytest.raises(ValidationError):
        services.record_inspection(None, i, checklist=_all_ok(i))  # result required
    i.refresh_from_db()
    assert i.state == "planned"


def test_record_publish_dossier_and_publication_deadline(drawn):
    from envbureau.sources.models import DossierEvent

    i = drawn["draw"].inspections.first()
    # recorded on 2026-09-25 (中秋, a holiday); 20 working days over the 2026 notice (10-01..10-07 off,
    # Saturday 10-10 a make-up working day): 09-28, 29, 30, 10-08, 09, 10, 12..16, 19..23, 26..29 → 2026-10-29
    services.record_inspection(None, i, checklist=_all_ok(i), result="no_problem", findings="",
                               party_present="张三", inspected_on="2026-09-25")
    i.refresh_from_db()
    assert i.state == "recorded" and i.inspected_on == dt.date(2026, 9, 25)
    assert i.publish_due == dt.date(2026, 10, 29)
    assert DossierEvent.objects.filter(enterprise_id=i.enterprise_id, kind="enforcement.inspection").count() == 1
    # the draw made public: anonymous readers see the drawn enterprises only once their check is public
    # (the list stays secret until the visit)
    from django.test import Client

    services.publish_draw(None, drawn["draw"])
    public = Client().get(f"/api/v1/public/enforcement/draws/{drawn['draw'].pk}/").json()
    assert public["enterprises"] == []
    services.publish_inspection(None, i)
    i.refresh_from_db()
    assert i.state == "published" and i.published_at is not None
    public = Client().get(f"/api/v1/public/enforcement/draws/{drawn['draw'].pk}/").json()
    assert public["enterprises"] == [i.enterprise_name] and drawn["draw"].inspections.count() > 1
    with pytest.raises(wf.TransitionError):
        services.publish_inspection(None, i)


def test_finding_opens_ledger_problem(drawn):
    from envbureau.ledger.services import problems_for_ref

    i = drawn["draw"].inspections.first()
    with pytest.raises(wf.TransitionError):
        wf.apply(None, i, "to_problem")  # not recorded yet
    marks = _all_ok(i)
    marks["0"] = ("problem", "无证排污")
    services.record_inspection(None, i, checklist=marks, result="corrected", findings="发现无证排污",
                               party_present="李四", inspected_on="2026-10-09")
    wf.apply(None, i, "to_problem", category="water")
    probs = list(problems_for_ref("enforcement.inspection", str(i.pk)))
    assert len(probs) == 1 and probs[0].source == "inspection" and probs[0].enterprise_id == i.enterprise_id
    i.refresh_from_db()
    assert probs[0].code in i.follow_up


def test_inspection_record_document_refused_until_fields_present(drawn, user_named):
    from envbureau.core.documents import issue

    boss = user_named("admin")
    i = drawn["draw"].inspections.first()
    with pytest.raises(ValidationError) as exc:
        issue(boss, i, "enforcement.inspection_record")  # planned: no date, no party, no result
    text = str(exc.value)
    assert "检查日期" in text and "在场当事人" in text
    services.record_inspection(None, i, checklist=_all_ok(i), result="no_problem", party_present="王五",
                               inspected_on="2026-10-09")
    doc = issue(boss, Inspection.objects.get(pk=i.pk), "enforcement.inspection_record")
    assert doc.number.startswith("环检录")


def test_team_rules_on_manual_inspection(world):
    ent = world["enterprises"][0]
    with pytest.raises(ValidationError, match="至少2名"):
        services.create_inspection(None, source="complaint", enterprise_id=ent.pk, team=world["inspectors"][:1])
    i = services.create_inspection(None, source="complaint", enterprise_id=ent.pk, team=world["inspectors"][:2],
                                   items=world["items"])
    assert i.kind == "case" and not i.counts_toward_cap  # a complaint check does not count toward the cap


def test_enterprise_sees_own_inspection_only_after_the_visit(drawn):
    from django.contrib.auth import get_user_model

    from envbureau.core.models import Role, RoleAssignment
    from envbureau.core.scoping import restrict
    from envbureau.enforcement.models import Recusal

    i = drawn["draw"].inspections.first()
    other = drawn["draw"].inspections.exclude(enterprise_id=i.enterprise_id).first()
    u = get_user_model().objects.create(username="ent_x")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"), enterprise_id=i.enterprise_id)
    assert not restrict(Inspection.objects.all(), u, "view").exists()  # the draw is secret before the visit
    services.record_inspection(None, i, checklist=_all_ok(i), result="no_problem", party_present="赵六",
                               inspected_on="2026-10-09")
    services.record_inspection(None, other, checklist=_all_ok(other), result="no_problem", party_present="孙七",
                               inspected_on="2026-10-09")
    assert list(restrict(Inspection.objects.all(), u, "view")) == [Inspection.objects.get(pk=i.pk)]
    Recusal.objects.create(inspector=drawn["inspectors"][0], enterprise=services.PoolEnterprise.objects.get(
        enterprise_id=i.enterprise_id), reason="亲属", declared_on=drawn["day"])
    assert not restrict(Recusal.objects.all(), u, "view").exists()  # never the recusal data


def test_district_officer_sees_own_district(drawn, user_named):
    from envbureau.core.scoping import restrict

    seen = set(restrict(Inspection.objects.all(), user_named("dongcheng"), "view")
               .values_list("jurisdiction__code", flat=True))
    assert seen == {"110101"}


def test_checks_made_by_hand_respect_the_yearly_cap(world):
    """The 2025 cap (2 routine/special checks of one enterprise a year by default) holds for checks planned by hand
    too: the third is refused naming the kind; a check from a clue (个案检查) is not counted; an exempt enterprise is
    not held to it."""
    from envbureau.enforcement.models import PoolEnterprise

    ent = world["enterprises"][2]
    team = world["inspectors"][:2]

    def plan(kind, day):
        return services.create_inspection(None, source="special", enterprise_id=ent.pk, team=team,
                                          items=world["items"], kind=kind, planned_on=day)

    plan("routine", dt.date(2026, 3, 2))
    plan("special", dt.date(2026, 6, 1))  # two counted: the cap is reached, not passed
    with pytest.raises(ValidationError) as e:
        plan("routine", dt.date(2026, 9, 1))
    assert "kind" in e.value.message_dict and "上限 2 次" in e.value.message_dict["kind"][0]
    assert plan("case", dt.date(2026, 9, 1)).counts_toward_cap is False  # from a clue: not counted
    assert plan("routine", dt.date(2027, 1, 4)).counts_toward_cap  # a new year, a new count
    PoolEnterprise.objects.filter(enterprise_id=ent.pk).update(cap_exempt=True)
    assert plan("routine", dt.date(2026, 9, 2)).counts_toward_cap  # exempt: not held to the cap


def test_the_ledger_line_of_follow_up_reads_in_the_readers_language(drawn, user_named):
    """转问题台账 clicked on an English page: 后续处理 keeps the Chinese line beside what people typed, and the
    inspection's page words the system's line for each reader."""
    from django.test import Client
    from django.utils import translation

    from envbureau.ledger.services import problems_for_ref

    i = drawn["draw"].inspections.first()
    marks = _all_ok(i)
    marks["0"] = ("problem", "无证排污")
    services.record_inspection(None, i, checklist=marks, result="corrected", findings="发现无证排污",
                               party_present="李四", inspected_on="2026-10-09", follow_up="责令当场改正")
    with translation.override("en"):
        wf.apply(None, i, "to_problem", category="water")
    code = problems_for_ref("enforcement.inspection", str(i.pk)).get().code
    i.refresh_from_db()
    assert i.follow_up == f"责令当场改正\n已转问题台账 {code}"
    from django.conf import settings

    c = Client()
    c.force_login(user_named("admin"))
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = c.get(f"/enforcement/inspections/{i.pk}/").content.decode()
    assert f"Sent to the ledger as {code}" in en and f"已转问题台账 {code}" not in en and "责令当场改正" in en
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    zh = c.get(f"/enforcement/inspections/{i.pk}/").content.decode()
    assert f"已转问题台账 {code}" in zh
