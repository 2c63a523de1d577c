"""complaints.services' reads for pages: the scope as a list of jurisdictions (scoped, scope_ids, _rebase) and the
restrict() it falls back on, the buttons offered (allowed), the identity fields as a reader may see them
(identity_for), whether the ledger can be reached (ledger_available). Expectations from the docstrings' rules and
the platform's (an area's officer sees its complaints; identities only with complaints.view_identity in the
complaint's area; an anonymous complainant's identity is not shown masked, it is not shown)."""

import dataclasses

import pytest
from django.db import connection
from django.db.models import Q

from envbureau.complaints import services
from envbureau.complaints.models import IDENTITY_FIELDS, Complaint

DONGCHENG = "/110000/110101/"


# ---- _rebase: the complaint scope's filter onto core.Jurisdiction ----------------------------------------

def test_rebase_moves_jurisdiction_lookups_onto_the_jurisdiction():
    q = Q(pk__in=[]) | Q(jurisdiction__path__startswith=DONGCHENG) | Q(jurisdiction__code__in=["110105"])
    assert services._rebase(q) == Q(pk__in=[]) | Q(path__startswith=DONGCHENG) | Q(code__in=["110105"])


def test_rebase_keeps_nesting_connectors_and_negation():
    q = Q(jurisdiction__path__startswith=DONGCHENG) & ~(Q(jurisdiction__code="110101001000")
                                                        | Q(jurisdiction__level="street"))
    want = Q(path__startswith=DONGCHENG) & ~(Q(code="110101001000") | Q(level="street"))
    assert services._rebase(q) == want
    got = services._rebase(q)
    assert (got.connector, got.negated, got.children[1].negated, got.children[1].connector) == ("AND", False, True,
                                                                                                "OR")


def test_rebase_with_another_prefix_in_nested_filters_too():
    q = Q(complaint__jurisdiction__code="110101") | (Q(complaint__jurisdiction__path__startswith=DONGCHENG)
                                                     & Q(complaint__jurisdiction__level="district"))
    want = Q(code="110101") | (Q(path__startswith=DONGCHENG) & Q(level="district"))
    assert services._rebase(q, "complaint__jurisdiction__") == want


@pytest.mark.parametrize("q", [
    Q(enterprise_id=42),                                         # not a jurisdiction
    Q(jurisdiction__path__startswith=DONGCHENG) | Q(pk__in=[7]),  # some rows by pk
    Q(jurisdiction__path__startswith=DONGCHENG) & (Q(jurisdiction__code="110101") | Q(created_by_id=3)),  # nested
])
def test_rebase_refuses_what_is_not_about_the_jurisdiction(q):
    assert services._rebase(q) is None


# ---- scoped: the rows of restrict() as jurisdiction_id IN (...) ----------------------------------------

def _pks(qs):
    return set(qs.values_list("pk", flat=True))


def test_scoped_lists_the_area_by_jurisdiction_ids_without_a_join(actors, make_complaint):
    """The docstring's promise: the same rows as restrict(), filtered on the complaint's own jurisdiction_id, so no
    join to the jurisdictions (restrict's path filter needs one)."""
    here, there = make_complaint(), make_complaint(code="110105")
    officer = actors["officer"]
    assert _pks(services.scoped(officer)) == _pks(Complaint.objects.restrict(officer, "view")) == {here.pk}
    sql = str(services.scoped(officer).query).lower()
    assert "core_jurisdiction" not in sql and "join" not in sql
    assert there.pk not in _pks(services.scoped(officer, "handle"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner only")
def test_on_sqlite_the_scope_keeps_a_list_on_the_received_order_index(actors, make_complaint):
    """A page of the list (newest first, LIMIT) reads the received-order index instead of sorting the whole scope:
    the jurisdiction filter is an expression SQLite cannot answer from the jurisdiction index (services.scoped)."""
    make_complaint()
    qs = services.scoped(actors["officer"]).order_by("-received_at")[:20]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cur.fetchall())
    assert "TEMP B-TREE" not in plan, plan


def test_a_scope_that_is_no_list_of_areas_is_restrict_itself(actors, make_complaint, monkeypatch):
    """Were enterprise accounts given complaints (the scope would then name the enterprise, not an area), scope_ids
    says False and scoped falls back on restrict() for that user and that action."""
    from envbureau.core.models import Role, RoleAssignment, User

    monkeypatch.setattr(Complaint, "scope", dataclasses.replace(Complaint.scope, enterprise="enterprise_id"))
    role = Role.objects.create(code="t_ent_handle", name="t", kind="enterprise", permissions=["complaints.handle"])
    handler = User.objects.create(username="t_ent_handle")
    RoleAssignment.objects.create(user=handler, role=role, enterprise_id=42)
    about = make_complaint()  # the fixture's complaints are about enterprise 42
    make_complaint(enterprise_id=43)
    assert services.scope_ids(handler, "handle") is False
    assert _pks(services.scoped(handler, "handle")) == _pks(Complaint.objects.restrict(handler, "handle")) == {about.pk}
    assert services.scope_ids(handler, "view") == []  # no complaints.view: nothing, as a list
    assert _pks(services.scoped(handler, "view")) == set()


# ---- allowed: the buttons ------------------------------------------------------------------------------

def test_a_button_is_offered_by_state_permission_and_area(actors, make_complaint):
    c = make_complaint(code="110101007000")  # 东四街道: Dongcheng, not the donghuamen officer's street
    office, officer, leader = actors["office"], actors["officer"], actors["leader"]
    assert services.allowed(office, c, "accept") is True
    assert services.allowed(None, c, "accept") is True  # the system
    assert services.allowed(office, c, "visit") is False  # not in this state
    assert services.allowed(leader, c, "accept") is False  # may view, may not accept
    assert services.allowed(actors["other_officer"], c, "accept") is False  # out of area
    Complaint.objects.filter(pk=c.pk).update(state="assigned")
    c.refresh_from_db()
    assert services.allowed(officer, c, "investigate") is True
    assert services.allowed(actors["street"], c, "investigate") is False  # another street's officer


def test_confirming_a_duplicate_is_offered_to_who_may_accept(actors, make_complaint):
    c = make_complaint()
    Complaint.objects.filter(pk=c.pk).update(state="closed")  # in any state
    c.refresh_from_db()
    assert services.allowed(None, c, "confirm_duplicate") is True
    assert services.allowed(actors["office"], c, "confirm_duplicate") is True
    assert services.allowed(actors["officer"], c, "confirm_duplicate") is False  # handles, does not accept
    assert services.allowed(actors["leader"], c, "confirm_duplicate") is False


# ---- identity_for ----------------------------------------------------------------------------------------

SHOWN = {"complainant_name": "张三丰", "complainant_phone": "13812345678", "complainant_id_number": "",
         "complainant_address": "", "complainant_email": ""}
MASKED = {"complainant_name": "张**", "complainant_phone": "138****5678", "complainant_id_number": "",
          "complainant_address": "", "complainant_email": ""}


def test_identity_is_shown_in_the_holders_area_and_masked_elsewhere(make_complaint):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    assert set(SHOWN) == set(IDENTITY_FIELDS)
    role = Role.objects.create(code="t_idf", name="t", kind="staff",
                               permissions=["complaints.view", "complaints.view_identity"])
    user = User.objects.create(username="t_idf")
    RoleAssignment.objects.create(user=user, role=role, jurisdiction=Jurisdiction.objects.get(code="110101"))
    assert services.identity_for(user, make_complaint()) == SHOWN
    assert services.identity_for(user, make_complaint(code="110105")) == MASKED  # Chaoyang: not in its area
    assert services.identity_for(None, make_complaint()) == MASKED
    assert services.identity_for(None, make_complaint(), full=True) == SHOWN  # the caller decided


def test_an_anonymous_complainant_s_fields_are_blank_unless_shown_in_full(actors, make_complaint):
    c = make_complaint(anonymous=True)
    blank = {f: "" for f in IDENTITY_FIELDS}
    assert services.identity_for(actors["leader"], c) == blank
    assert services.identity_for(actors["leader"], c, full=False) == blank
    assert services.identity_for(actors["office"], c) == SHOWN  # what was given is kept, for who may see it


# ---- ledger_available -------------------------------------------------------------------------------------

def test_the_ledger_is_available_unless_its_services_cannot_be_imported(monkeypatch):
    import sys

    assert services.ledger_available() is True
    monkeypatch.setitem(sys.modules, "envbureau.ledger.services", None)  # an import of it raises ImportError
    assert services.ledger_available() is False


def test_confirming_a_duplicate_asks_for_the_accept_right_by_its_name(demo_core, make_complaint):
    # complaints.* (the office's role) matches any action, so a role naming complaints.accept alone shows that the
    # right asked for is "accept" itself, not any complaints right.
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    def holder(name, perms):
        u = User.objects.create(username=name)
        role = Role.objects.create(code=name, name=name, kind="officer", permissions=perms)
        RoleAssignment.objects.create(user=u, role=role, jurisdiction=Jurisdiction.objects.get(code="110101"))
        return User.objects.get(pk=u.pk)

    c = make_complaint()
    assert services.allowed(holder("acceptor", ["complaints.view", "complaints.accept"]), c, "confirm_duplicate")
    assert not services.allowed(holder("replier", ["complaints.view", "complaints.reply"]), c, "confirm_duplicate")
