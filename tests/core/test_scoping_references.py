"""check_references, case by case (the write sweep in tests/test_authorization_writes.py runs it through
every form and API; here each rule of its docstring is one small case, fast enough for `make mutate`).

Rules, as the contract states them: every reference the user set must name an existing object inside the
user's view scope (else a 400 naming the field, the same words whether it is missing or hidden); references
listed in `ScopeSpec.within` must also lie in the record's own branch of the jurisdiction tree (inside it,
or the unit containing it, never beside it); the reference that places the record is the caller's check;
a reference to the acting user is always allowed; no user means a trusted system path.

World: 东城区 110101 with its streets 东华门 110101001000 and 东四 110101007000; 西城区 110102 beside it.
"""

import pytest
from django.core.exceptions import ValidationError

from envbureau.core import scoping
from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User
from envbureau.ledger.models import Problem
from envbureau.sources.models import Enterprise, Outlet

HIDDEN = "所选对象不存在或不在您的权限范围内({})"
BESIDE = "所选对象不在本记录的属地({})范围内"


@pytest.fixture
def firms(demo_core):
    def firm(n, code):
        return Enterprise.objects.create(credit_code=f"91110101MA0000{n:04d}", name=f"企业{n}",
                                         jurisdiction=Jurisdiction.objects.get(code=code))

    return {"district": firm(1, "110101"), "donghuamen": firm(2, "110101001000"),
            "dongsi": firm(3, "110101007000"), "xicheng": firm(4, "110102")}


def writer(name="dc_writer", perms=("ledger.view", "ledger.add", "ledger.change", "sources.view"), code="110101"):
    u = User.objects.create(username=name, display_name=name)
    role = Role.objects.create(code=name, name=name, kind="officer", permissions=list(perms))
    RoleAssignment.objects.create(user=u, role=role, jurisdiction=Jurisdiction.objects.get(code=code))
    return User.objects.get(pk=u.pk)


def problem(code, enterprise=None, **kw):
    """An unsaved problem placed in `code` naming `enterprise` (a firm, an id or None)."""
    ent = enterprise.pk if isinstance(enterprise, Enterprise) else enterprise
    return Problem(code="R-1", source="inspection", category="air", title="扬尘", description="x",
                   jurisdiction=Jurisdiction.objects.get(code=code), enterprise_id=ent, **kw)


def errors(user, obj, fields=None) -> dict:
    """The field errors check_references raises ({} when it accepts)."""
    try:
        scoping.check_references(user, obj, fields)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def test_references_of_lists_foreign_keys_and_declared_ids():
    refs = scoping.references_of(Problem)
    assert refs["jurisdiction"] == ("jurisdiction_id", Jurisdiction, "id")
    assert refs["created_by"] == ("created_by_id", User, "id")
    assert refs["enterprise_id"] == ("enterprise_id", Enterprise, "pk")  # declared in ScopeSpec.references
    assert "units" not in refs and "title" not in refs  # many-to-many and plain fields are not references
    assert scoping.references_of(Outlet) == {"enterprise": ("enterprise_id", Enterprise, "id")}


def test_a_one_to_one_field_is_a_reference_like_any_foreign_key():
    # A one-to-one field is a foreign key with a unique constraint: an application's approval named by a user
    # must be checked like an enterprise is (mutation testing found it skipped: many_to_one is False for it).
    from envbureau.quality.models import AirStation, StationLatest
    from envbureau.waste.models import CrossProvinceApplication, CrossProvinceApproval

    refs = scoping.references_of(CrossProvinceApplication)
    assert refs["approval"] == ("approval_id", CrossProvinceApproval, "id")
    assert refs["producer"][1].__name__ == "Producer"
    assert scoping.references_of(StationLatest) == {"station": ("station_id", AirStation, "id")}


def test_an_enterprise_in_the_records_branch_is_accepted(firms):
    u = writer()
    assert errors(u, problem("110101", firms["donghuamen"])) == {}   # inside the district's own street
    assert errors(u, problem("110101", firms["district"])) == {}     # the district itself
    assert errors(u, problem("110101001000", firms["district"])) == {}  # registered with the containing district
    assert errors(u, problem("110101001000", firms["donghuamen"])) == {}  # the same street


def test_an_enterprise_beside_the_record_is_refused_naming_the_records_jurisdiction(firms):
    u = writer()
    # Both streets are in the writer's view scope, but a 东华门 problem may not name a 东四 enterprise.
    assert errors(u, problem("110101001000", firms["dongsi"])) == {"enterprise_id": [BESIDE.format("东华门街道")]}
    assert errors(u, problem("110101007000", firms["donghuamen"])) == {"enterprise_id": [BESIDE.format("东四街道")]}


def test_missing_and_hidden_objects_get_the_same_words(firms):
    u = writer()
    hidden = firms["xicheng"]
    missing = Enterprise.objects.order_by("-pk").first().pk + 1000
    assert errors(u, problem("110101", hidden)) == {"enterprise_id": [HIDDEN.format(hidden.pk)]}
    assert errors(u, problem("110101", missing)) == {"enterprise_id": [HIDDEN.format(missing)]}
    # A user whose view reaches 西城区 too may name it (the within rule aside: a city-level record).
    city = writer("city_writer", code="110000")
    assert errors(city, problem("110000", hidden)) == {}


def test_no_user_is_a_trusted_path_and_empty_references_are_skipped(firms):
    missing = Enterprise.objects.order_by("-pk").first().pk + 1000
    assert errors(None, problem("110101", missing)) == {}
    u = writer()
    assert errors(u, problem("110101", None)) == {}
    p = problem("110101", None)
    p.created_by_id = None
    assert errors(u, p, ["enterprise_id", "created_by"]) == {}


def test_only_the_fields_the_user_set_are_checked(firms):
    u = writer()
    bad = problem("110101", firms["xicheng"])
    assert errors(u, bad, []) == {}                    # nothing set: nothing checked
    assert errors(u, bad, ["title", "deadline"]) == {}  # plain fields are not references
    assert errors(u, bad, ["enterprise_id"]) == {"enterprise_id": [HIDDEN.format(firms["xicheng"].pk)]}
    assert errors(u, bad, None) == {"enterprise_id": [HIDDEN.format(firms["xicheng"].pk)]}  # None: every one


def test_moving_the_record_rechecks_what_it_names(firms):
    u = writer()
    moved = problem("110101007000", firms["donghuamen"])  # moved from 东华门 to 东四, its enterprise untouched
    assert errors(u, moved, ["title"]) == {}
    assert errors(u, moved, ["jurisdiction"]) == {"enterprise_id": [BESIDE.format("东四街道")]}
    assert errors(u, problem("110101", firms["donghuamen"]), ["jurisdiction"]) == {}


def test_the_placing_reference_is_left_to_the_callers_scope_check(firms):
    u = writer()
    # An outlet hangs on its enterprise: naming a hidden one is the record being out of scope (can(), 403),
    # which check_created decides, not a reference error.
    outlet = Outlet(enterprise=firms["xicheng"], code="DW001", name="总排口", kind="water")
    assert errors(u, outlet) == {}
    assert errors(u, outlet, ["enterprise"]) == {}
    # A problem's jurisdiction likewise: 西城区 is not checked here, only what the problem names.
    assert errors(u, problem("110102", None)) == {}


def test_a_record_without_its_own_jurisdiction_skips_the_branch_rule(firms):
    u = writer()
    p = problem("110101", firms["dongsi"])
    p.jurisdiction = None
    assert errors(u, p) == {}


def test_a_reference_to_oneself_is_always_allowed(firms):
    u = writer(perms=("ledger.view", "ledger.add"))  # no core.view: other users are out of sight
    other = User.objects.get(username="donghuamen")
    mine = problem("110101", None, created_by=u)
    assert errors(u, mine) == {}
    theirs = problem("110101", None, created_by=other)
    assert errors(u, theirs) == {"created_by": [HIDDEN.format(other.pk)]}


def test_every_bad_reference_is_named_at_once(firms):
    u = writer(perms=("ledger.view", "ledger.add", "sources.view"))
    other = User.objects.get(username="donghuamen")
    p = problem("110101001000", firms["dongsi"], created_by=other)
    assert errors(u, p) == {"enterprise_id": [BESIDE.format("东华门街道")], "created_by": [HIDDEN.format(other.pk)]}


def test_check_created_checks_references_on_add_and_the_set_fields_on_change(firms):
    u = writer()
    p = problem("110101", firms["xicheng"])
    p.save()  # check_created runs after the insert, inside the transaction
    with pytest.raises(ValidationError) as err:
        scoping.check_created(u, p, "add", fields=["title"])  # on add every reference, whatever was set
    assert err.value.message_dict == {"enterprise_id": [HIDDEN.format(firms["xicheng"].pk)]}
    scoping.check_created(u, p, "change", fields=["title"])  # a change checks what the user set
    with pytest.raises(ValidationError):
        scoping.check_created(u, p, "change", fields=["enterprise_id"])
    with pytest.raises(ValidationError):
        scoping.check_created(u, p, "change")  # fields None: every reference


def test_a_reference_to_oneself_does_not_end_the_check(firms):
    u = writer()
    p = problem("110101", firms["xicheng"], created_by=u)  # created_by is checked first (names in order)
    assert errors(u, p) == {"enterprise_id": [HIDDEN.format(firms["xicheng"].pk)]}


def test_an_empty_text_reference_is_no_reference(firms):
    u = writer()
    assert errors(u, problem("110101", "")) == {}  # a form's empty field


def test_records_and_targets_without_a_scope(firms):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    u = writer()
    # Django's permission rows have no ScopeSpec, nor do content types: the reference need only exist.
    ct = ContentType.objects.get_for_model(Problem)
    assert errors(u, Permission(codename="x", name="x", content_type=ct)) == {}
    missing = ContentType.objects.order_by("-pk").first().pk + 1000
    assert errors(u, Permission(codename="x", name="x", content_type_id=missing)) == {
        "content_type": [HIDDEN.format(missing)]}
    assert scoping.references_of(Permission) == {"content_type": ("content_type_id", ContentType, "id")}


def test_the_records_own_jurisdiction_follows_its_lookup(firms):
    from envbureau.core.models import CalendarDay

    outlet = Outlet(enterprise=firms["donghuamen"], code="DW001", name="总排口", kind="water")
    assert scoping._jurisdiction_of(outlet) == Jurisdiction.objects.get(code="110101001000")
    assert scoping._jurisdiction_of(firms["dongsi"]) == Jurisdiction.objects.get(code="110101007000")
    assert scoping._jurisdiction_of(Outlet(code="DW002", name="x", kind="water")) is None  # no enterprise yet
    assert scoping._jurisdiction_of(CalendarDay()) is None  # a model placed nowhere
    from django.contrib.auth.models import Permission

    assert scoping._jurisdiction_of(Permission()) is None  # a model without a ScopeSpec
