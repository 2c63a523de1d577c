"""The complaint as other modules reach it (enforcement checks and cases, grid patrols): references, scope, the
timeline line they add, and which complaints may still be followed up. Expectations from the docstrings' rules:
a reference is "complaints.complaint:<pk>" (or the 受理编号 where people type it); a complaint outside the user's
scope answers exactly like a missing one; a record is linked once; a finished complaint is not followed up."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from envbureau.complaints import services
from envbureau.complaints.models import Complaint
from envbureau.core.models import Jurisdiction

pytestmark = pytest.mark.django_db

DONGCHENG_STREET = "110101001000"


def test_complaint_ref_reads_only_complaint_references():
    assert services.complaint_ref("complaints.complaint:12") == 12
    assert services.complaint_ref("complaints.complaint:007") == 7
    for other in ("ledger.problem:12", "complaints.complaint:", "complaints.complaint:x1", "complaints.complaint:1:2",
                  "complaints.complaint", "12", "", None, "Complaints.Complaint:12"):
        assert services.complaint_ref(other) is None, other


def test_check_source_by_reference_and_by_number(actors, make_complaint):
    c = make_complaint()
    ref = f"complaints.complaint:{c.pk}"
    assert services.check_source(actors["officer"], ref) == c
    assert services.check_source(None, ref) == c  # a trusted system path sees every complaint
    # the 受理编号 only where people type it
    assert services.check_source(actors["officer"], f"  {c.number} ", by_number=True) == c
    assert services.check_source(actors["officer"], c.number) is None
    assert services.check_source(actors["officer"], "   ", by_number=True) is None
    assert services.check_source(actors["officer"], "ledger.problem:3") is None


def test_check_source_answers_out_of_scope_like_missing(actors, make_complaint):
    c = make_complaint()  # in Dongcheng; the other officer works in Chaoyang
    answers = []
    for ref in (f"complaints.complaint:{c.pk}", f"complaints.complaint:{c.pk + 1000}"):
        with pytest.raises(ValidationError) as err:
            services.check_source(actors["other_officer"], ref, "complaint_ref")
        answers.append(err.value.message_dict)
    assert list(answers[0]) == ["complaint_ref"] and f"complaints.complaint:{c.pk}" in answers[0]["complaint_ref"][0]
    assert answers[0]["complaint_ref"][0].split(":")[0] == answers[1]["complaint_ref"][0].split(":")[0]
    with pytest.raises(ValidationError) as err:
        services.check_source(actors["other_officer"], c.number, by_number=True)
    assert list(err.value.message_dict) == ["source_ref"]


def test_link_record_adds_one_line_per_record_in_any_state(actors, make_complaint):
    c = make_complaint()
    state, n = c.state, services.events_of(c).count()
    link = {"name": "检查记录 J-1", "url": "/enforcement/inspections/1/"}
    got = services.link_record(actors["office"], f"complaints.complaint:{c.pk}", verb="inspection",
                               note="现场检查", source_ref="enforcement.inspection:1", link=link)
    assert got == c
    ev = services.events_of(c).last()
    assert (ev.verb, ev.from_state, ev.to_state, ev.note) == ("inspection", state, state, "现场检查")
    assert ev.attachments == [link] and ev.data["source_ref"] == "enforcement.inspection:1"
    assert ev.actor == actors["office"]
    # the same record again: no second line; another record (a case): one more
    services.link_record(actors["office"], f"complaints.complaint:{c.pk}", verb="inspection", note="again",
                         source_ref="enforcement.inspection:1", link=link)
    assert services.events_of(c).count() == n + 1
    services.link_record(actors["office"], f"complaints.complaint:{c.pk}", verb="case", note="立案",
                         source_ref="enforcement.case:5", link={"name": "案件", "url": "/x/"})
    assert services.events_of(c).count() == n + 2 and services.events_of(c).last().verb == "case"
    c.refresh_from_db()
    assert c.state == state
    # not a complaint reference: nothing to link; an unknown verb is a programming error
    assert services.link_record(actors["office"], "ledger.problem:1", verb="case", note="", source_ref="s",
                                link={}) is None
    with pytest.raises(ValueError):
        services.link_record(actors["office"], f"complaints.complaint:{c.pk}", verb="follow_up", note="",
                             source_ref="t", link={})
    with pytest.raises(ValidationError) as err:
        services.link_record(actors["other_officer"], f"complaints.complaint:{c.pk}", verb="case", note="",
                             source_ref="u", link={}, field="complaint")
    assert list(err.value.message_dict) == ["complaint"]


def test_followable_by_pk_or_number_only_while_open_and_in_scope(actors, make_complaint):
    c = make_complaint()
    assert services.followable(actors["office"], c.pk) == c
    assert services.followable(actors["office"], f" {c.number} ") == c
    assert services.followable(None, str(c.pk)) == c
    for ref in ("", None, "NO-SUCH", c.pk + 1000):
        with pytest.raises(ValidationError) as err:
            services.followable(actors["office"], ref)
        assert list(err.value.message_dict) == ["complaint"]
    with pytest.raises(ValidationError) as err:  # out of scope: the same answer as missing
        services.followable(actors["other_officer"], c.pk)
    assert list(err.value.message_dict) == ["complaint"]
    with pytest.raises(PermissionDenied):  # sees it (*.view) but neither handles nor changes complaints
        services.followable(actors["leader"], c.pk)
    Complaint.objects.filter(pk=c.pk).update(state="closed")
    with pytest.raises(ValidationError) as err:
        services.followable(actors["office"], c.pk)
    assert c.number in err.value.message_dict["complaint"][0]


def test_open_for_follow_up_is_the_area_above_and_below_newest_first(actors, make_complaint, aware):
    street = Jurisdiction.objects.get(code=DONGCHENG_STREET)
    district = street.parent
    a = make_complaint(received_at=aware(2025, 3, 1))                      # in the street
    b = make_complaint(code=district.code, received_at=aware(2025, 3, 2))  # routed to its district: above
    other = make_complaint(code="110105", received_at=aware(2025, 3, 3))   # another district
    done = make_complaint(received_at=aware(2025, 3, 4))
    Complaint.objects.filter(pk=done.pk).update(state="closed")
    assert list(services.open_for_follow_up(None, street)) == [b, a]
    assert list(services.open_for_follow_up(None, district)) == [b, a]  # a street's complaint is below
    assert list(services.open_for_follow_up(None)) == [other, b, a]
    assert list(services.open_for_follow_up(None, limit=2)) == [other, b]
    assert list(services.open_for_follow_up(actors["other_officer"])) == [other]
    assert list(services.open_for_follow_up(actors["leader"])) == []  # may view, may not handle


def test_scoped_is_restrict_as_jurisdiction_ids(actors, make_complaint):
    here = make_complaint()
    there = make_complaint(code="110105")
    street = Jurisdiction.objects.get(code=DONGCHENG_STREET)
    assert services.scope_ids(actors["office"]) is None and services.scope_ids(actors["leader"]) is None
    ids = services.scope_ids(actors["officer"])
    assert street.pk in ids and Jurisdiction.objects.get(code="110105").pk not in ids
    assert set(ids) == set(Jurisdiction.objects.filter(path__startswith=street.parent.path).values_list("pk", flat=True))
    assert services.scope_ids(actors["enterprise"]) == []  # no complaints.view: nothing
    for name in ("office", "officer", "other_officer", "leader", "enterprise", "enterprise_plus", "street"):
        user = actors[name]
        for action in ("view", "change"):
            want = set(Complaint.objects.restrict(user, action).values_list("pk", flat=True))
            assert set(services.scoped(user, action).values_list("pk", flat=True)) == want, (name, action)
    assert set(services.scoped(actors["officer"]).values_list("pk", flat=True)) >= {here.pk}
    assert there.pk not in set(services.scoped(actors["officer"]).values_list("pk", flat=True))


def test_the_words_of_each_refusal(actors, make_complaint):
    c = make_complaint()
    with pytest.raises(ValidationError) as err:
        services.followable(actors["office"], "")
    assert err.value.message_dict == {"complaint": ["未找到该信访投诉:"]}
    with pytest.raises(ValidationError) as err:
        services.followable(actors["office"], "NO-SUCH")
    assert err.value.message_dict == {"complaint": ["未找到该信访投诉:NO-SUCH"]}
    with pytest.raises(PermissionDenied) as err:
        services.followable(actors["leader"], c.pk)
    assert str(err.value) == "您没有跟进该信访投诉的权限"
    Complaint.objects.filter(pk=c.pk).update(state="closed")
    c.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        services.followable(actors["office"], c.pk)
    assert err.value.message_dict == {"complaint": [f"信访投诉 {c.number} 已{c.get_state_display()},不再跟进"]}
    # link_record names "source_ref" unless told otherwise, and an unknown verb names itself
    with pytest.raises(ValidationError) as err:
        services.link_record(actors["other_officer"], f"complaints.complaint:{c.pk}", verb="case", note="",
                             source_ref="v", link={})
    assert list(err.value.message_dict) == ["source_ref"]
    with pytest.raises(ValueError, match="^follow_up$"):
        services.link_record(actors["office"], f"complaints.complaint:{c.pk}", verb="follow_up", note="",
                             source_ref="w", link={})


def test_a_record_linked_elsewhere_is_still_linked_here(actors, make_complaint):
    """"Once per record" is per complaint: the same check started from two complaints is on both timelines, and a
    line of another kind of object with the same id and reference does not count."""
    from envbureau.core.models import TimelineEvent

    first, second = make_complaint(), make_complaint()
    TimelineEvent.objects.create(model="ledger.problem", object_id=str(second.pk), verb="inspection",
                                 data={"source_ref": "enforcement.inspection:9"})
    for c in (first, second):
        n = services.events_of(c).count()
        services.link_record(actors["office"], f"complaints.complaint:{c.pk}", verb="inspection", note="联合检查",
                             source_ref="enforcement.inspection:9", link={"name": "J-9", "url": "/j/9/"})
        assert services.events_of(c).count() == n + 1


def test_check_source_without_a_reference_is_no_complaint(actors, make_complaint):
    c = make_complaint()
    for empty in ("", None):
        assert services.check_source(actors["officer"], empty, by_number=True) is None
    with pytest.raises(ValidationError) as err:
        services.check_source(actors["other_officer"], f"complaints.complaint:{c.pk}")
    assert err.value.message_dict == {"source_ref": [f"未找到该信访投诉:complaints.complaint:{c.pk}"]}


def test_follow_up_needs_handle_or_change_either_one_is_enough(make_complaint):
    from envbureau.core.models import Role, RoleAssignment, User

    c = make_complaint()
    dongcheng = Jurisdiction.objects.get(code=DONGCHENG_STREET).parent
    seen = {}
    for perms in (["complaints.view", "complaints.handle"], ["complaints.view", "complaints.change"],
                  ["complaints.view"]):
        code = "_".join(p.split(".")[1] for p in perms)
        role = Role.objects.create(code=f"t_{code}", name=code, kind="staff", permissions=perms)
        user = User.objects.create(username=f"u_{code}")
        RoleAssignment.objects.create(user=user, role=role, jurisdiction=dongcheng)
        seen[code] = list(services.open_for_follow_up(user))
    assert seen == {"view_handle": [c], "view_change": [c], "view": []}


def test_spawning_a_problem_is_checked_recorded_and_said(actors, make_complaint, aware, monkeypatch):
    import sys

    from envbureau.ledger.services import problems_for_ref

    c = put_open(make_complaint(received_at=aware(2025, 3, 3), enterprise_id=None))
    with pytest.raises(PermissionDenied):  # may view complaints, may not move them
        services.spawn_problem(actors["leader"], c)
    c = services.spawn_problem(actors["office"], c)
    p = problems_for_ref("complaints.complaint", str(c.pk)).get()
    assert p.created_by == actors["office"]
    assert services.events_of(c).last().data == {"problem": str(p.pk)}
    with pytest.raises(ValidationError) as err:
        services.spawn_problem(actors["office"], c)
    assert err.value.messages == [f"已转入问题台账(编号 {p.pk})"]  # in exactly these words
    # a deployment without the ledger: its own error, in words
    other = put_open(make_complaint(enterprise_id=None))
    monkeypatch.setitem(sys.modules, "envbureau.ledger.services", None)
    with pytest.raises(services.LedgerUnavailable, match="^问题台账模块尚未提供 open_problem,暂不能转问题台账$"):
        services.spawn_problem(actors["office"], other)


def put_open(c):
    Complaint.objects.filter(pk=c.pk).update(state="investigated", finding="substantiated", investigation="属实",
                                             accepted_at=c.received_at)
    c.refresh_from_db()
    return c


def test_rate_limited_says_so():
    e = services.RateLimited(30)
    assert (str(e), e.wait_seconds) == ("提交过于频繁,请稍后再试", 30)


def test_open_for_follow_up_lists_fifty_unless_told(make_complaint):
    c = make_complaint()
    fields = {f.attname: getattr(c, f.attname) for f in Complaint._meta.concrete_fields if not f.primary_key}
    Complaint.objects.bulk_create([Complaint(**(fields | {"number": f"T-{i:03d}"})) for i in range(55)])
    assert len(services.open_for_follow_up(None)) == 50
    assert len(services.open_for_follow_up(None, limit=60)) == 56
