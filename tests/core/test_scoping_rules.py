"""Scoping rules stated case by case (beside the declared matrix in tests/test_authorization_matrix.py):
several grants add up, owners see their own rows, public rows, defaults of the helpers, duplicates, and the
write-time check. Expectations are written here, never computed with scope_q/can."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from envbureau.core import scoping
from envbureau.core.models import ImportJob, Jurisdiction, Role, RoleAssignment, User
from envbureau.ledger import services as ledger
from envbureau.ledger.models import Problem, PublicNotice


@pytest.fixture
def world(demo_core):
    def problem(code, enterprise=None, title=None, state=None):
        p = ledger.create_problem(None, source="inspection", category="air", title=title or f"问题 {code}",
                                  description="扬尘", jurisdiction=code, enterprise_id=enterprise)
        if state:
            Problem.objects.filter(pk=p.pk).update(state=state)
        return p

    rows = {"xc": problem("110102", 8), "street": problem("110101001000", 7), "dc": problem("110101"),
            "noticed": problem("110105", state="noticed")}
    return rows


def user_with(name, *grants):
    """grants: (permissions, jurisdiction code or None, enterprise id or None), in this order."""
    u = User.objects.create(username=name, display_name=name)
    for i, (perms, code, ent) in enumerate(grants):
        kind = "enterprise" if ent else ("officer" if code else "staff")
        role = Role.objects.create(code=f"{name}_{i}", name=f"{name} {i}", kind=kind, permissions=perms)
        RoleAssignment.objects.create(user=u, role=role, enterprise_id=ent,
                                      jurisdiction=Jurisdiction.objects.get(code=code) if code else None)
    return User.objects.get(pk=u.pk)


def names(qs, rows):
    label = {p.pk: k for k, p in rows.items()}
    return {label[pk] for pk in qs.values_list("pk", flat=True) if pk in label}


def test_two_district_grants_add_up(world):
    u = user_with("two_districts", (["ledger.view"], "110101", None), (["ledger.view"], "110102", None))
    assert names(scoping.restrict(Problem.objects.all(), u, "view"), world) == {"street", "dc", "xc"}
    offered = set(scoping.allowed_jurisdictions(u, "ledger", "view").values_list("code", flat=True))
    assert {"110101", "110101001000", "110102"} <= offered and "110105" not in offered and "110000" not in offered


def test_two_enterprise_grants_add_up(world):
    u = user_with("two_firms", (["ledger.view"], None, 7), (["ledger.view"], None, 8))
    assert names(scoping.restrict(Problem.objects.all(), u, "view"), world) == {"street", "xc"}


def test_a_grant_without_the_permission_does_not_stop_the_next(world):
    u = user_with("mixed", (["quality.view"], "110102", None), (["ledger.view", "ledger.add"], "110101", None))
    assert names(scoping.restrict(Problem.objects.all(), u, "view"), world) == {"street", "dc"}
    assert set(scoping.allowed_jurisdictions(u, "ledger").values_list("code", flat=True)) >= {"110101"}
    assert "110102" not in set(scoping.allowed_jurisdictions(u, "ledger").values_list("code", flat=True))


def test_an_enterprise_grant_before_a_district_grant(world):
    u = user_with("firm_then_district", (["ledger.view"], None, 8), (["ledger.view"], "110101", None))
    assert names(scoping.restrict(Problem.objects.all(), u, "view"), world) == {"street", "dc", "xc"}


def test_owner_sees_own_import_jobs_for_viewing_only(world):
    u = user_with("uploader", (["ledger.view"], "110101", None))
    other = user_with("someone")
    mine = ImportJob.objects.create(kind="ledger.problem", file_name="a.xlsx", status="failed", created_by=u)
    theirs = ImportJob.objects.create(kind="ledger.problem", file_name="b.xlsx", status="failed", created_by=other)
    jobs = ImportJob.objects.filter(pk__in=[mine.pk, theirs.pk])
    assert list(scoping.restrict(jobs, u, "view")) == [mine]
    assert list(scoping.restrict(jobs, u, "change")) == []
    assert list(scoping.restrict(jobs, u, "delete")) == []


def test_public_rows_for_anonymous_and_for_users_without_the_module(world):
    notices = PublicNotice.objects.filter(pk__in=[p.pk for p in world.values()])
    anonymous = AnonymousUser()
    assert names(scoping.restrict(notices, anonymous, "view"), world) == {"noticed"}
    assert names(scoping.restrict(notices, anonymous, "change"), world) == set()
    assert names(scoping.restrict(notices, None, "view"), world) == {"noticed"}
    # A signed-in user reads public rows on the public pages (scoped as anonymous), not through their own scope.
    quality_only = user_with("quality_only", (["quality.view"], None, None))
    assert names(scoping.restrict(notices, quality_only, "view"), world) == set()
    assert names(scoping.restrict(notices, quality_only, "change"), world) == set()
    # Problems themselves have no public rows.
    assert names(scoping.restrict(Problem.objects.all(), anonymous, "view"), world) == set()


def test_defaults_are_view_and_add(world):
    u = user_with("viewer", (["ledger.view"], "110101", None))
    assert names(scoping.restrict(Problem.objects.all(), u), world) == {"street", "dc"}
    assert names(scoping.restrict(Problem, u), world) == {"street", "dc"}  # a model class is accepted
    assert names(Problem.objects.restrict(u), world) == {"street", "dc"}
    assert scoping.get_scoped_object(Problem, u, pk=world["dc"].pk) == world["dc"]
    assert scoping.get_scoped_object(Problem.objects.all(), u, pk=world["dc"].pk) == world["dc"]
    assert not scoping.allowed_jurisdictions(u, "ledger").exists()  # default action "add": not held
    city = user_with("city_viewer", (["ledger.view"], None, None))
    assert scoping.is_city_wide(city, "ledger") and not scoping.is_city_wide(u, "ledger")
    with pytest.raises(PermissionDenied):
        scoping.check_created(u, world["dc"])  # default action "add": not held
    adder = user_with("adder", (["ledger.add"], "110101", None))
    scoping.check_created(adder, Problem.objects.get(pk=world["dc"].pk))


def test_get_scoped_object_when_the_lookup_matches_several(world):
    def same_title(code):
        return ledger.create_problem(None, source="inspection", category="air", title="同名问题", description="x",
                                     jurisdiction=code)

    # Newest first in the problem list's order: the hidden one would come first without the scope.
    also, shown, hidden = same_title("110101001000"), same_title("110101"), same_title("110102")
    u = user_with("dc_viewer", (["ledger.view"], "110101", None))
    assert also.pk < shown.pk < hidden.pk
    assert scoping.get_scoped_object(Problem, u, title="同名问题") == shown
    with pytest.raises(Http404):
        scoping.get_scoped_object(Problem, u, pk="not-a-number")
    with pytest.raises(Http404):
        scoping.get_scoped_object(Problem, u, pk=hidden.pk)
    with pytest.raises(PermissionDenied):
        scoping.get_scoped_object(Problem, u, "change", pk=shown.pk)


def test_check_created_refuses_outside_scope_and_runs_the_model_rule(world):
    dc_officer = user_with("dc_writer", (["ledger.view", "ledger.add", "core.view", "core.add"], "110101", None))
    scoping.check_created(dc_officer, Problem.objects.get(pk=world["dc"].pk), "add")
    with pytest.raises(PermissionDenied) as err:
        scoping.check_created(dc_officer, Problem.objects.get(pk=world["xc"].pk), "add")
    assert str(err.value) == "outside your scope"
    # A role is a platform-admin matter (Role.authorize_write), even for one who may add core records.
    city_core = user_with("city_core", (["core.view", "core.add", "core.change"], None, None))
    role = Role.objects.create(code="x_role", name="新角色", kind="staff", permissions=["quality.view"])
    with pytest.raises(PermissionDenied):
        scoping.check_created(city_core, role, "add")
    with pytest.raises(PermissionDenied):
        scoping.check_created(city_core, role, "change")
    scoping.check_created(User.objects.get(username="admin"), role, "add")
    scoping.check_created(None, Problem.objects.get(pk=world["xc"].pk))  # trusted system path


def test_users_listed_once_even_with_several_assignments_in_scope(world):
    u = user_with("twice", (["ledger.view"], "110101", None), (["quality.view"], "110101001000", None))
    dongcheng = User.objects.get(username="dongcheng")
    seen = list(scoping.restrict(User.objects.filter(pk=u.pk), dongcheng, "view"))
    assert seen == [u]


def test_reference_lists_open_to_any_bureau_grant(world):
    from envbureau.core.models import Department

    quality_only = user_with("quality_reader", (["quality.view"], None, None))
    assert scoping.may_view_module(quality_only, Department)
    assert not scoping.may_view_module(quality_only, Problem)
    firm = user_with("firm_reader", (["ledger.view"], None, 7))
    assert not scoping.may_view_module(firm, Department)


def test_a_model_without_a_scope_cannot_be_scoped():
    from django.contrib.contenttypes.models import ContentType

    with pytest.raises(TypeError, match="ContentType declares no ScopeSpec"):
        scoping.spec_of(ContentType)


def test_the_modules_own_view_permission_opens_its_list(world):
    from envbureau.core.models import Department

    viewer = user_with("ledger_list", (["ledger.view"], "110101", None))
    assert scoping.may_view_module(viewer, Problem)  # holding ledger.view anywhere opens the problem list
    assert scoping.may_view_module(viewer, Department)
    firm = user_with("firm_list", (["ledger.view"], None, 7))
    assert scoping.may_view_module(firm, Problem)
    assert not scoping.may_view_module(user_with("nobody"), Problem)


def test_the_manager_and_get_scoped_object_pass_the_action_on(world):
    u = user_with("dc_changer", (["ledger.view", "ledger.change"], "110101", None), (["ledger.view"], "110102", None))
    assert names(Problem.objects.restrict(u, "change"), world) == {"street", "dc"}
    assert names(Problem.objects.restrict(u, "view"), world) == {"street", "dc", "xc"}
    assert scoping.get_scoped_object(Problem, u, "change", pk=world["dc"].pk) == world["dc"]
    with pytest.raises(PermissionDenied):
        scoping.get_scoped_object(Problem, u, "change", pk=world["xc"].pk)  # seen, not changeable: 403
    with pytest.raises(PermissionDenied):
        scoping.get_scoped_object(Problem, u, "delete", pk=world["dc"].pk)


def test_check_created_passes_the_action_to_the_models_own_rule(world):
    # A district's user administrator may change a user whose grants lie inside the district:
    # User.authorize_write asks where the actor holds core.<action>.
    admin_dc = user_with("dc_user_admin", (["core.view", "core.change"], "110101", None))
    member = user_with("dc_member", (["ledger.view"], "110101001000", None))
    scoping.check_created(admin_dc, member, "change", fields=["display_name"])
    outsider = user_with("xc_member", (["ledger.view"], "110102", None))
    with pytest.raises(PermissionDenied):
        scoping.check_created(admin_dc, outsider, "change", fields=["display_name"])


def test_jurisdictions_are_scoped_by_their_own_path(world):
    u = user_with("dc_core", (["core.view"], "110101", None))
    codes = set(scoping.restrict(Jurisdiction.objects.all(), u).values_list("code", flat=True))
    assert codes == {"110101", "110101001000", "110101007000", "110101009000"}


def test_enterprise_lookups_one_or_several():
    assert scoping.enterprise_lookups(scoping.ScopeSpec("x")) == ()
    assert scoping.enterprise_lookups(scoping.ScopeSpec("x", enterprise="enterprise_id")) == ("enterprise_id",)
    both = scoping.ScopeSpec("waste", enterprise=["producer_id", "receiver_id"])  # a manifest's two firms
    assert scoping.enterprise_lookups(both) == ("producer_id", "receiver_id")


def test_scope_q_reads_view_by_default(world):
    u = user_with("q_viewer", (["ledger.view"], "110101", None))
    assert names(Problem.objects.filter(scoping.scope_q(Problem, u)), world) == {"street", "dc"}


def test_anonymous_has_no_grants_and_owns_nothing(world):
    job = ImportJob.objects.create(kind="ledger.problem", file_name="a.xlsx", status="failed",
                                   created_by=user_with("some_uploader"))
    jobs = ImportJob.objects.filter(pk=job.pk)
    assert list(scoping.restrict(jobs, AnonymousUser(), "view")) == []
    assert list(scoping.restrict(jobs, None, "view")) == []


def test_reference_lists_are_for_viewing_only(world):
    from envbureau.core.models import Department

    every = set(Department.objects.values_list("pk", flat=True))
    assert every  # the demo's departments
    quality_only = user_with("dept_reader", (["quality.view"], None, None))
    assert set(scoping.restrict(Department.objects.all(), quality_only).values_list("pk", flat=True)) == every
    assert not scoping.restrict(Department.objects.all(), quality_only, "change").exists()
    district = user_with("dept_reader_dc", (["ledger.view"], "110101", None))  # a jurisdiction grant counts too
    assert set(scoping.restrict(Department.objects.all(), district).values_list("pk", flat=True)) == every
    firm = user_with("dept_reader_firm", (["ledger.view"], None, 7))
    assert not scoping.restrict(Department.objects.all(), firm).exists()


def test_a_reference_to_an_app_not_installed_is_skipped(monkeypatch):
    import dataclasses

    from envbureau.sources.models import Enterprise

    spec = dataclasses.replace(Problem.scope, references={"gone_id": "gone.Thing", "enterprise_id": "sources.Enterprise"})
    monkeypatch.setattr(Problem, "scope", spec)
    refs = scoping.references_of(Problem)
    assert "gone_id" not in refs and refs["enterprise_id"] == ("enterprise_id", Enterprise, "pk")


def test_public_rows_stay_out_of_a_grant_unless_the_list_is_public_to_signed_in_users(world, monkeypatch):
    import dataclasses

    notices = PublicNotice.objects.filter(pk__in=[p.pk for p in world.values()])
    dc_viewer = user_with("notice_viewer", (["ledger.view"], "110101", None))
    # Their district's problems (any state) only: the public's noticed one in 朝阳区 is read on the public page,
    # where the internal details (handlers, reasons, personal data) are not shown.
    assert names(scoping.restrict(notices, dc_viewer, "view"), world) == {"street", "dc"}
    # A 名录 declared public to signed-in users (like the licensed waste operators) adds its public rows, for
    # viewing only.
    monkeypatch.setattr(PublicNotice, "scope", dataclasses.replace(PublicNotice.scope, public_to_signed_in=True))
    assert names(scoping.restrict(notices, dc_viewer, "view"), world) == {"street", "dc", "noticed"}
    assert names(scoping.restrict(notices, dc_viewer, "change"), world) == set()
