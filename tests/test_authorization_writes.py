"""Write sweep: a reference a user sets must point inside the user's scope (and, where the model says
so, inside the record's own jurisdiction), on every write path.

The writable references are discovered, not listed: every foreign key a generic Crud form or an API
viewset (PATCH) lets a user set, plus the id columns a model declares in `ScopeSpec.references`
(e.g. a problem's `enterprise_id`). For each one a district writer (東城区 only) edits an object of
their own district and points the reference at an object outside their scope, then at an id that
does not exist: the write is refused (400 naming the field, or 403) and nothing is saved.
"""

from __future__ import annotations

from django import forms
from django.test import Client
from rest_framework import serializers

import test_authorization_matrix as matrix

world = matrix.world  # the module-scoped light demo of every app

DISTRICT = "110101"   # 东城区: the writer's district
OTHER = "110102"      # 西城区


def _writer(module: str):
    """A user who may view everything and add/change `module` records, in 东城区 only."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    role, _ = Role.objects.get_or_create(code=f"writer_{module}", defaults={
        "name": f"{module} writer", "kind": "officer",
        "permissions": ["*.view", f"{module}.add", f"{module}.change"]})
    user, created = User.objects.get_or_create(username=f"writer_{module}")
    if created:
        RoleAssignment.objects.create(user=user, role=role, jurisdiction=Jurisdiction.objects.get(code=DISTRICT))
    c = Client()
    c.force_login(user)
    return c, user


def _bad_targets(user, target, column="pk"):
    """Values the user may not point at: an object outside their view scope (if any), and a missing id."""
    from django.db.models import Max

    from envbureau.core.scoping import restrict

    out = []
    if hasattr(target, "scope"):
        visible = restrict(target._default_manager.all(), user, "view").values("pk")
        # The newest such object: the least likely to collide with a unique constraint first.
        outside = target._default_manager.exclude(pk__in=visible).order_by("-pk").first()
        if outside is not None:
            out.append(("out of scope", outside))
    top = target._default_manager.aggregate(m=Max("pk"))["m"] or 0
    out.append(("missing", top + 1000))
    return out


def _value(field, obj_or_id):
    """How a serializer/form field names the object: its slug, or its pk."""
    if not hasattr(obj_or_id, "pk"):
        return obj_or_id if not isinstance(field, serializers.SlugRelatedField) else f"nope-{obj_or_id}"
    if isinstance(field, serializers.SlugRelatedField):
        return getattr(obj_or_id, field.slug_field)
    return obj_or_id.pk


def _api_cases():
    """(url prefix, viewset, model, field name, serializer field, model attname) for every settable reference."""
    from envbureau.core.api import ScopedModelViewSet
    from envbureau.core.scoping import references_of

    seen, out = set(), []
    for ep in matrix.endpoints():
        cls = getattr(ep.callback, "cls", None)
        actions = getattr(ep.callback, "actions", None) or {}
        if cls is None or not issubclass(cls, ScopedModelViewSet) or actions.get("patch") != "partial_update":
            continue
        if "patch" not in cls.http_method_names or cls in seen or "format" in ep.kwargs:
            continue
        seen.add(cls)
        model = cls.queryset.model
        refs = references_of(model)
        ser = cls.serializer_class()
        for name, f in ser.fields.items():
            if f.read_only:
                continue
            source = f.source or name
            if source in refs and isinstance(f, (serializers.RelatedField, serializers.IntegerField)):
                out.append((ep, cls, model, name, f, refs[source][0]))
    return out


def test_discovery_finds_the_references():
    names = {(m.__name__, n) for _ep, _c, m, n, _f, _a in _api_cases()}
    # The known ones must be among what is discovered (the sweep covers more).
    assert {("Problem", "enterprise_id"), ("Outlet", "enterprise"), ("PollutantLimit", "point"),
            ("RoleAssignment", "enterprise_id"), ("DrinkingWaterSource", "section")} <= names


def test_api_patch_sweep(world, db):
    from envbureau.core.scoping import restrict, spec_of

    problems, checked = [], 0
    for ep, _cls, model, name, field, attname in _api_cases():
        client, user = _writer(spec_of(model).module)
        obj = restrict(model._default_manager.order_by("pk"), user, "change").first()
        if obj is None:
            continue
        target = model._meta.get_field(name).related_model if attname != name or model._meta.get_field(
            name).is_relation else None
        if target is None:
            from envbureau.core.scoping import references_of

            target = references_of(model)[name][1]
        url = ep.build({ep.object_kwarg: obj.pk})
        before = getattr(obj, attname)
        for why, bad in _bad_targets(user, target):
            if getattr(bad, "pk", bad) == before:
                continue
            r = client.patch(url, {name: _value(field, bad)}, content_type="application/json")
            checked += 1
            obj.refresh_from_db()
            where = f"PATCH {url} {name}={getattr(bad, 'pk', bad)} ({why}) → {r.status_code}"
            if r.status_code not in (400, 403):
                problems.append(f"{where}: expected 400/403")
            elif r.status_code == 400 and name not in r.json()["error"].get("fields", {}):
                problems.append(f"{where}: the error does not name the field: {r.json()}")
            if getattr(obj, attname) != before:
                problems.append(f"{where}: the value was saved")
    assert checked >= 10
    assert not problems, "\n".join(problems)


def _crud_cases():
    from envbureau.core.scoping import references_of

    out, seen = [], set()
    for ep in matrix.endpoints():
        crud = (getattr(ep.callback, "view_initkwargs", None) or {}).get("crud")
        if crud is None or not ep.name.endswith("-edit") or crud.model in seen:
            continue
        seen.add(crud.model)
        refs = references_of(crud.model)
        for name, f in crud.form_class.base_fields.items():
            if name in refs and isinstance(f, (forms.ModelChoiceField, forms.IntegerField)):
                out.append((ep, crud, name, refs[name]))
    return out


def _form_data(form) -> dict:
    data = {}
    for name, bf in form.fields.items():
        value = form[name].value()
        if isinstance(bf, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value.pk if hasattr(value, "pk") else value)
    return data


def test_web_form_sweep(world, db):
    from envbureau.core.scoping import restrict, spec_of

    problems, checked = [], 0
    cases = _crud_cases()
    assert {(c.model.__name__, n) for _e, c, n, _r in cases} >= {("Outlet", "enterprise"), ("PollutantLimit", "point"),
                                                               ("RoleAssignment", "enterprise_id")}
    for ep, crud, name, (attname, target, _col) in cases:
        client, user = _writer(spec_of(crud.model).module)
        obj = restrict(crud.model._default_manager.order_by("pk"), user, "change").first()
        if obj is None:
            continue
        form = crud.form_class(instance=obj)
        data = _form_data(form)
        url = ep.build({ep.object_kwarg: obj.pk})
        before = getattr(obj, attname)
        for why, bad in _bad_targets(user, target):
            r = client.post(url, {**data, name: str(getattr(bad, "pk", bad))})
            checked += 1
            obj.refresh_from_db()
            where = f"POST {url} {name}={getattr(bad, 'pk', bad)} ({why}) → {r.status_code}"
            if r.status_code not in (400, 403):
                problems.append(f"{where}: expected the form refused (400) or 403")
            if getattr(obj, attname) != before:
                problems.append(f"{where}: the value was saved")
    assert checked >= 8
    assert not problems, "\n".join(problems)


# ---- the reported case and the paths that do not go through the generic views -------------------

def _enterprises():
    """An enterprise in 东城区 and one in 西城区 (created when the light demo has none there)."""
    from envbureau.core.models import Jurisdiction
    from envbureau.sources.models import Enterprise

    out = []
    for code, credit in ((DISTRICT, "91110101MA00000001"), (OTHER, "91110102MA00000002")):
        e = Enterprise.objects.filter(jurisdiction__path__startswith=_path(code)).order_by("pk").first()
        if e is None:
            e = Enterprise(credit_code=_valid_credit(credit), name=f"测试企业{code}",
                           jurisdiction=Jurisdiction.objects.get(code=code))
            e.save()
        out.append(e)
    return out


def _valid_credit(base17_plus: str) -> str:
    from envbureau.sources.models import Enterprise

    field = Enterprise._meta.get_field("credit_code")
    for check in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        code = base17_plus[:17] + check
        try:
            field.run_validators(code)
            return code
        except Exception:  # noqa: BLE001 - try the next check character
            continue
    raise AssertionError("no valid credit code")


def _path(code):
    from envbureau.core.models import Jurisdiction

    return Jurisdiction.objects.get(code=code).path


def _problem_in(code):
    from envbureau.ledger.models import Problem

    p = Problem.objects.filter(jurisdiction__path__startswith=_path(code)).order_by("pk").first()
    assert p is not None
    return p


def test_officer_cannot_point_a_problem_at_another_districts_enterprise(world, db):
    """The reported defect: PATCH enterprise_id to another district's enterprise, or to no enterprise."""
    client, _u = matrix.client_for(world, "dongcheng")
    mine, other = _enterprises()
    p = _problem_in(DISTRICT)
    before = p.enterprise_id
    for bad in (other.pk, 987654321):
        r = client.patch(f"/api/v1/ledger/problems/{p.pk}/", {"enterprise_id": bad}, content_type="application/json")
        assert r.status_code == 400, r.content
        assert "enterprise_id" in r.json()["error"]["fields"]
        p.refresh_from_db()
        assert p.enterprise_id == before
    # Its own district's enterprise is fine.
    r = client.patch(f"/api/v1/ledger/problems/{p.pk}/", {"enterprise_id": mine.pk}, content_type="application/json")
    assert r.status_code == 200, r.content
    p.refresh_from_db()
    assert p.enterprise_id == mine.pk


def test_city_wide_user_cannot_tie_a_problem_to_an_enterprise_outside_its_jurisdiction(world, db):
    client, _u = matrix.client_for(world, "admin")
    mine, other = _enterprises()
    p = _problem_in(DISTRICT)
    r = client.patch(f"/api/v1/ledger/problems/{p.pk}/", {"enterprise_id": other.pk}, content_type="application/json")
    assert r.status_code == 400 and "enterprise_id" in r.json()["error"]["fields"]
    # Moving the problem away from its enterprise's district is refused too.
    client.patch(f"/api/v1/ledger/problems/{p.pk}/", {"enterprise_id": mine.pk}, content_type="application/json")
    r = client.patch(f"/api/v1/ledger/problems/{p.pk}/", {"jurisdiction": OTHER}, content_type="application/json")
    assert r.status_code == 400, r.content
    p.refresh_from_db()
    assert p.jurisdiction.code != OTHER


def test_problem_create_and_web_form_refuse_a_foreign_enterprise(world, db):
    from envbureau.ledger.models import Problem

    client, _u = matrix.client_for(world, "dongcheng")
    _mine, other = _enterprises()
    n = Problem.objects.count()
    body = {"source": "inspection", "category": "air", "title": "越界", "description": "x", "jurisdiction": DISTRICT,
            "received_on": "2026-01-05", "enterprise_id": other.pk}
    r = client.post("/api/v1/ledger/problems/", body, content_type="application/json")
    assert r.status_code in (400, 403), r.content
    p = _problem_in(DISTRICT)
    form = {"source": p.source, "category": p.category, "title": p.title, "description": p.description,
            "jurisdiction": p.jurisdiction_id, "received_on": p.received_on.isoformat(), "enterprise_id": other.pk}
    r = client.post(f"/ledger/problems/{p.pk}/edit/", form)
    assert r.status_code == 400
    p.refresh_from_db()
    assert p.enterprise_id != other.pk
    assert Problem.objects.count() == n


def test_complaint_intake_refuses_a_foreign_enterprise(world, db):
    from envbureau.complaints.models import Complaint
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    _mine, other = _enterprises()
    role, _ = Role.objects.get_or_create(code="dc_intake", defaults={
        "name": "区信访登记", "kind": "officer", "permissions": ["*.view", "complaints.add", "complaints.change"]})
    u = User.objects.create(username="dc_intake")
    RoleAssignment.objects.create(user=u, role=role, jurisdiction=Jurisdiction.objects.get(code=DISTRICT))
    c = Client()
    c.force_login(u)
    n = Complaint.objects.count()
    r = c.post("/api/v1/complaints/complaints/", {
        "channel": "hotline", "category": "air", "title": "越界", "content": "x", "location": "东城",
        "jurisdiction": Jurisdiction.objects.get(code=DISTRICT).pk, "enterprise_id": other.pk},
        content_type="application/json")
    assert r.status_code == 400, r.content
    assert "enterprise_id" in r.json()["error"]["fields"], r.json()
    assert Complaint.objects.count() == n


def test_import_refuses_an_enterprise_that_does_not_exist(world, db):
    """The import path: a user row granting an enterprise role names an enterprise id; one that does not
    exist is refused with the id in the message, and nothing is written."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Max

    from envbureau.core.models import ImportJob, User
    from envbureau.sources.models import Enterprise

    client, _u = matrix.client_for(world, "admin")
    missing = (Enterprise.objects.aggregate(m=Max("pk"))["m"] or 0) + 1000
    csv = ("用户名,姓名,电话,邮箱,初始密码,角色代码,属地区划代码,企业ID\n"
           f"ent_ghost,,,,Ghost#2026-a,enterprise,,{missing}\n").encode("utf-8")
    client.post("/imports/core.user/upload/", {"file": SimpleUploadedFile("u.csv", csv)})
    job = ImportJob.objects.latest("pk")
    if job.status == "validated":
        client.post(f"/imports/jobs/{job.pk}/")
        job.refresh_from_db()
    assert job.status != "done", job.errors
    assert any(str(missing) in str(e.get("message", "")) for e in job.errors or []), job.errors
    assert not User.objects.filter(username="ent_ghost").exists()
