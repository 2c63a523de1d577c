"""Authorization matrix: every role × every URL of the URL conf.

The list of endpoints is derived from the URL conf at test time (django.urls.get_resolver, walked
recursively), so an endpoint added by any app is swept automatically:

* anonymous: every endpoint outside the public allow-list answers 401/403 (API) or redirects to a
  login page (web) — a new unprotected endpoint fails `test_sweep[anonymous]`;
* signed-in roles: no endpoint errors (5xx); an object outside the role's view scope never answers
  200 (it answers 404, or 403 when the role may not use the module at all); for the generic pages
  and API viewsets, an object in scope answers 200 exactly when the role may perform the action;
* the Django admin site is for platform administrators (is_staff) only;
* core endpoints also have an explicit table of designed outcomes, and write checks (POST/PUT/DELETE).

Only GET requests are swept, so the sweep stays fast and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# ----------------------------------------------------------------------------------------------
# Walking the URL conf
# ----------------------------------------------------------------------------------------------

OBJECT_KWARGS = ("pk", "id", "object_id")
DEFAULT_BY_CONVERTER = {"int": "1", "str": "x", "slug": "x", "path": "x",
                        "uuid": "00000000-0000-0000-0000-000000000000", "drf_format_suffix": ".json"}
DEFAULT_BY_NAME = {"format": "json", "app_label": "core", "content_type_id": "1", "url": "no-such-page/",
                   "kind": "core.jurisdiction"}


@dataclass
class Endpoint:
    pattern: str          # full pattern text, e.g. "api/v1/^core/users/(?P<pk>[^/.]+)/$"
    name: str             # namespaced name, e.g. "core:admin-area-users-detail" ("…:?" when unnamed)
    callback: object
    kwargs: list[str] = field(default_factory=list)
    model: type | None = None

    @property
    def object_kwarg(self) -> str | None:
        return next((k for k in self.kwargs if k in OBJECT_KWARGS), None)

    @property
    def is_admin_site(self) -> bool:
        return self.name.startswith("admin:")

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    def action(self) -> str:
        """The scope action a GET of this endpoint exercises."""
        for suffix, action in (("-edit", "change"), ("-delete", "delete"), ("-add", "add")):
            if self.name.endswith(suffix):
                return action
        return "view"

    @property
    def known_semantics(self) -> bool:
        """Generic Crud pages and API viewsets: in-scope GET answers 200 exactly when allowed."""
        if (getattr(self.callback, "view_initkwargs", None) or {}).get("crud"):
            return True
        cls = getattr(self.callback, "cls", None)
        return cls is not None and hasattr(cls, "get_queryset") and \
            (getattr(self.callback, "actions", None) or {}).get("get") == "retrieve"

    def build(self, values: dict | None = None) -> str | None:
        """A URL resolving to this very pattern (values preferred), or None when nothing fits."""
        values = values or {}
        cands = {k: _candidates(self, k, values.get(k)) for k in self.kwargs}
        first = {k: c[0] for k, c in cands.items()}
        attempts = [first] + [{**first, k: alt} for k, c in cands.items() for alt in c[1:]]
        for chosen in attempts:
            url = "/" + _fill(self.pattern, chosen)
            try:
                match = resolve(url.split("?")[0])
            except Resolver404:
                continue
            if match.func is self.callback:
                return url
            if _route_text(match.route) == _route_text(self.pattern):
                return url  # shadowed: an earlier pattern with the same route serves this URL
        return None


def _candidates(ep, name, preferred):
    out = [] if preferred is None else [str(preferred)]
    if name in DEFAULT_BY_NAME:
        out.append(DEFAULT_BY_NAME[name])
    alt = _first_alternative(ep.pattern, name)
    if alt:
        out.append(alt)
    conv = re.search(r"<(?:(\w+):)?" + re.escape(name) + ">", ep.pattern)
    out.append(DEFAULT_BY_CONVERTER.get((conv.group(1) or "str") if conv else "", "1"))
    out += ["1", "x", "json"]
    return list(dict.fromkeys(out))


def _group_span(pattern, name):
    start = pattern.find(f"(?P<{name}>")
    if start < 0:
        return None
    depth, i = 0, start
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        depth += ch == "("
        depth -= ch == ")"
        if ch == ")" and depth == 0:
            return start, i + 1
        i += 1
    return None


def _first_alternative(pattern, name):
    span = _group_span(pattern, name)
    if not span:
        return None
    first = pattern[span[0] + len(f"(?P<{name}>"):span[1] - 1].split("|")[0]
    return first if re.fullmatch(r"[\w.-]+", first) else None


def _route_text(pattern):
    return pattern.replace("^", "").replace("$", "")


def _fill(pattern, values):
    s = pattern
    for name, value in values.items():
        while (span := _group_span(s, name)) is not None:  # regex groups first: "(?P<pk>…)"
            s = s[:span[0]] + value + s[span[1]:]
        s = re.sub(r"<(?:\w+:)?" + re.escape(name) + ">", lambda _m, v=value: v, s)
    # Optional non-capturing groups such as "(?:\.json)?" are left out; other groups keep their text.
    while (s2 := re.sub(r"\(\?:[^()]*\)\?", "", s)) != s:
        s = s2
    s = re.sub(r"\(\?:([^()|]*)\)", r"\1", s)
    s = s.replace("^", "").replace("$", "").replace("\\Z", "").replace("/?", "/")
    return re.sub(r"\\(.)", r"\1", s)


def _model_of(callback, name):
    crud = (getattr(callback, "view_initkwargs", None) or {}).get("crud")
    if crud is not None:
        return crud.model
    cls = getattr(callback, "cls", None)
    if cls is not None and getattr(cls, "queryset", None) is not None:
        return cls.queryset.model
    if getattr(callback, "scoped_model", None) is not None:  # function views may declare it
        return callback.scoped_model
    m = re.fullmatch(r"admin:(\w+)_(change|delete|history)", name)
    if m:
        for model in apps.get_models():
            if f"{model._meta.app_label}_{model._meta.model_name}" == m.group(1):
                return model
    return None


def endpoints() -> list[Endpoint]:
    out = []

    def walk(resolver, prefix, namespaces):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern), namespaces + ((p.namespace,) if p.namespace else ()))
            elif isinstance(p, URLPattern):
                pattern = prefix + str(p.pattern)
                name = ":".join(namespaces + (p.name or "?",))
                kwargs = list(dict.fromkeys(re.findall(r"<(?:\w+:)?(\w+)>", pattern)
                                            + re.findall(r"\(\?P<(\w+)>", pattern)))
                out.append(Endpoint(pattern, name, p.callback, kwargs, _model_of(p.callback, name)))

    walk(get_resolver(), "", ())
    return out


# ----------------------------------------------------------------------------------------------
# The designed outcomes
# ----------------------------------------------------------------------------------------------

# What anonymous visitors may reach. Everything else: 401/403 (API) or a redirect to login (web).
PUBLIC_ALLOW = [
    r"^/accounts/login/$", r"^/accounts/logout/$", r"^/healthz$", r"^/i18n/", r"^/jsi18n/", r"^/static/",
    r"^/api/schema/", r"^/api/docs/", r"^/favicon\.ico$", r"^/api/v1/auth/token/$", r"^/api/v1/public/",
    r"^/public/", r"^/admin/login/$", r"^/admin/logout/$",
]
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")
HEAVY_PUBLIC = ("api/schema/", "api/docs/")  # ~2 s each: swept for anonymous only

ROLES = ["anonymous", "admin", "leader", "air_staff", "enforcement", "petition", "dongcheng", "donghuamen",
         "enterprise"]


def is_public(path: str) -> bool:
    return any(re.search(p, path) for p in PUBLIC_ALLOW)


@pytest.fixture(scope="module")
def world(light_world, django_db_blocker):
    """All registered demo data (core + every app): the light demo, copied in for the module and gone after it."""
    from envbureau.core.models import ImportJob, RoleAssignment, User

    with django_db_blocker.unblock():
        ImportJob.objects.create(kind="core.jurisdiction", file_name="x.xlsx", status="failed",
                                 created_by=User.objects.get(username="petition"))
        ent = (RoleAssignment.objects.filter(role__kind="enterprise", enterprise_id__isnull=False)
               .select_related("user").first())
        yield {"enterprise": ent.user.username if ent else None}


def client_for(world, role) -> tuple[Client, object]:
    from envbureau.core.models import User

    if role == "anonymous":
        return Client(), None
    username = world["enterprise"] if role == "enterprise" else role
    if username is None:
        pytest.skip("no enterprise user in the demo data yet (the sources app creates one)")
    user = User.objects.get(username=username)
    c = Client()
    c.force_login(user)
    return c, user


def _objects_for(ep, user, cache):
    """(in-scope pk, out-of-scope pk) for the endpoint's model and the user; None where none exists."""
    from envbureau.core.scoping import restrict, scope_q

    model = ep.model
    if model is None:
        return None, None
    if model not in cache:
        qs = model._default_manager.order_by("pk").values_list("pk", flat=True)
        if user is None or not hasattr(model, "scope"):
            cache[model] = (qs.first(), None)
        else:
            q = scope_q(model, user, "view")
            inside = restrict(model._default_manager.order_by("pk"), user, "view").values_list("pk", flat=True).first()
            outside = None if q is None else qs.exclude(q).first()
            cache[model] = (inside, outside)
    return cache[model]


def _get(client, url):
    accept = {"HTTP_ACCEPT": "application/json"} if url.startswith("/api/v1/") else {}
    return client.get(url, **accept)


def test_every_endpoint_is_buildable(world):
    """The sweep must cover every pattern: one it cannot build is a failure, not a silent skip."""
    eps = endpoints()
    assert len(eps) > 50
    unbuildable = [(ep.name, ep.pattern) for ep in eps if ep.build() is None]
    assert not unbuildable, f"cannot build a URL for: {unbuildable}"


# On PostgreSQL the sweep runs for the roles whose reach makes different SQL: city-wide (admin), a district, a street,
# an enterprise. The city-wide staff roles filter exactly as admin does (their differences are permission codes,
# checked in Python) and anonymous requests stop before any view: those five are swept on SQLite only.
SQL_AS_ADMIN = ("anonymous", "leader", "air_staff", "enforcement", "petition")


def swept_on_sqlite_only(role) -> None:
    """Skip a role whose requests make admin's SQL when the engine is PostgreSQL (see SQL_AS_ADMIN): the page sweep and
    the designed-outcome tables run for it on SQLite, and for admin, the districts and the enterprise on both."""
    from django.db import connection

    if connection.vendor != "sqlite" and role in SQL_AS_ADMIN:
        pytest.skip(f"{role}: the same SQL as admin's; checked on SQLite")


def page_checks(role) -> list:
    """What else a role's sweep checks on the web pages it renders (200, HTML), so that each page is rendered once for
    all of them: no internals shown (tests/test_no_internals.py) as the leader and the admin; rows labelled in words
    and filters that never ask for an id, as the admin and a district officer; every time local and written one way
    (tests/test_times.py) as the admin, whose sweep marks the first rows' times before it starts; charts labelled
    (tests/chart_pages.py) and every list page's total (tests/test_list_totals.py) as the admin."""
    import chart_pages as charts
    import test_list_totals as totals
    import test_no_internals as internals
    import test_times as times

    return {"admin": [internals.internals_in, internals.attribute_labels_in, internals.id_inputs_in_pages,
                      times.local_times_in, charts.charts_in, totals.totals_in],
            "leader": [internals.internals_in],
            "dongcheng": [internals.id_inputs_in_pages]}.get(role, [])


@pytest.mark.parametrize("role", ROLES)
def test_sweep(world, role, db):
    from envbureau.core.scoping import can

    swept_on_sqlite_only(role)
    checks = page_checks(role)
    if role == "admin":
        import test_times

        assert test_times.mark_every_time() > 20  # rolled back with the test
    client, user = client_for(world, role)
    problems = []
    pages = []  # (endpoint, url, html) of the web pages answered 200, for `checks`
    checked = 0
    cache = {}
    for ep in endpoints():
        if user is not None and ("format" in ep.kwargs or ep.pattern.startswith(HEAVY_PUBLIC)):
            continue  # same view as the suffix-less route / anonymous already checked it
        inside, outside = _objects_for(ep, user, cache) if ep.object_kwarg else (None, None)
        variants = [("any", None)]
        if ep.object_kwarg:
            variants = [("in", inside)] if inside is not None else [("dummy", 987654321)]
            if outside is not None:
                variants.append(("out", outside))
        for which, pk in variants:
            url = ep.build({ep.object_kwarg: pk} if ep.object_kwarg and pk is not None else None)
            if url is None:
                continue  # reported by test_every_endpoint_is_buildable
            checked += 1
            try:
                r = _get(client, url)
            except Exception as exc:  # a crash is a finding, with its URL
                problems.append(f"{url} [{ep.name}]: raised {type(exc).__name__}: {exc}")
                continue
            status, location = r.status_code, r.get("Location", "")
            where = f"{url} [{ep.name}] → {status} {location}"
            if status >= 500:
                problems.append(f"{where}: server error")
                continue
            if checks and which != "out" and status == 200 and not ep.is_api and "html" in r.get("Content-Type", ""):
                pages.append((ep, url, r.content.decode()))
            if user is None:
                if is_public(url):
                    pass
                elif ep.is_api:
                    if status not in (401, 403):
                        problems.append(f"{where}: anonymous API request must answer 401/403")
                elif not (status == 302 and location.split("?")[0] in LOGIN_PAGES):
                    problems.append(f"{where}: anonymous web request must redirect to login")
                continue
            if ep.is_admin_site:
                if not user.is_staff and not is_public(url) and \
                        not (status == 302 and location.startswith("/admin/login/")):
                    problems.append(f"{where}: the admin site is for platform administrators only")
                continue
            if is_public(url):
                continue  # published data: what a signed-in user's scope is does not matter here
            if which == "out" and status == 200:
                problems.append(f"{where}: object outside the role's scope must not be shown (404)")
            if which == "out" and status not in (403, 404, 405):  # 405: a POST-only action
                problems.append(f"{where}: object outside scope must answer 404 (or 403)")
            if which == "in" and ep.known_semantics and ep.model is not None and hasattr(ep.model, "scope"):
                obj = ep.model._default_manager.get(pk=inside)
                allowed = can(user, obj, ep.action())
                crud = (getattr(ep.callback, "view_initkwargs", None) or {}).get("crud")
                if allowed and ep.action() in ("change", "delete") and crud is not None and crud.lock_reason(obj):
                    # a record another record owns (a limit a permit set): its edit and delete pages send the
                    # reader back to it with the reason, for every role
                    if not (status == 302 and location == crud.url("detail", obj.pk)):
                        problems.append(f"{where}: a locked record's {ep.action()} page must send back to it")
                    continue
                if allowed and status != 200:
                    problems.append(f"{where}: role may {ep.action()} this object, expected 200")
                if not allowed and status == 200:
                    problems.append(f"{where}: role may not {ep.action()} this object, expected 403")
    assert checked > 50
    for check in checks:
        problems += check(pages)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


# Designed outcomes of core's own pages and API, role by role (independent of the implementation).
STAFF = ("air_staff", "enforcement", "petition")


def expect(default, **by_role):
    out = {r: default for r in ROLES if r != "anonymous"}
    for k, v in by_role.items():
        for r in (STAFF if k == "staff" else (k,)):
            out[r] = v
    return out


ALL_SIGNED_IN = expect(200)
CORE_TABLE = [
    ("/", ALL_SIGNED_IN),
    ("/accounts/profile/", ALL_SIGNED_IN),
    ("/accounts/password/", ALL_SIGNED_IN),
    ("/api/v1/me/", ALL_SIGNED_IN),
    ("/audit/", expect(403, admin=200, leader=200)),
    ("/audit/{audit}/", expect(403, admin=200, leader=200)),
    ("/api/v1/core/audit/", expect(403, admin=200, leader=200)),
    ("/api/v1/core/audit/{audit}/", expect(403, admin=200, leader=200)),
    ("/imports/", {"admin": 200, "leader": 403}),  # others: as their departments' importers allow
    ("/imports/core.user/template/", expect(403, admin=200)),
    ("/imports/core.jurisdiction/upload/", expect(403, admin=200)),
    ("/admin-area/jurisdictions/", expect(200, enterprise=403)),
    ("/admin-area/jurisdictions/add/", expect(403, admin=200)),
    ("/admin-area/jurisdictions/{j_xicheng}/", expect(200, dongcheng=404, donghuamen=404, enterprise=404)),
    ("/admin-area/jurisdictions/{j_dongcheng}/", expect(200, donghuamen=404, enterprise=404)),
    ("/admin-area/jurisdictions/{j_donghuamen}/", expect(200, enterprise=404)),
    ("/admin-area/jurisdictions/{j_dongcheng}/edit/", expect(403, admin=200, donghuamen=404, enterprise=404)),
    ("/admin-area/jurisdictions/{j_xicheng}/delete/", expect(403, admin=200, dongcheng=404, donghuamen=404,
                                                             enterprise=404)),
    ("/admin-area/users/", expect(200, enterprise=403)),
    ("/admin-area/users/add/", expect(403, admin=200)),
    ("/admin-area/users/{u_donghuamen}/", expect(200, enterprise=404)),
    ("/admin-area/users/{u_air_staff}/", expect(200, dongcheng=404, donghuamen=404, enterprise=404)),
    ("/admin-area/users/{u_air_staff}/edit/", expect(403, admin=200, dongcheng=404, donghuamen=404,
                                                     enterprise=404)),
    ("/admin-area/roles/", expect(200, enterprise=403)),
    ("/admin-area/roles/add/", expect(403, admin=200)),
    ("/admin-area/departments/", expect(200, enterprise=403)),
    ("/admin-area/assignments/", expect(200, enterprise=403)),
    ("/api/v1/core/jurisdictions/", expect(200, enterprise=403)),
    ("/api/v1/core/jurisdictions/{j_xicheng}/", expect(200, dongcheng=404, donghuamen=404, enterprise=403)),
    ("/api/v1/core/users/{u_air_staff}/", expect(200, dongcheng=404, donghuamen=404, enterprise=403)),
    ("/api/v1/core/roles/", expect(200, enterprise=403)),
    ("/admin/", expect(302, admin=200)),
    ("/admin/core/auditentry/", expect(302, admin=200)),
    # reports: bureau roles read (*.view), officers and enterprises have no reports.view
    ("/reports/", expect(200, dongcheng=403, donghuamen=403, enterprise=403)),
    ("/reports/download/", expect(400, dongcheng=403, donghuamen=403, enterprise=403)),  # no type/period: 400
    ("/reports/issue/", expect(405)),  # POST only
    ("/reports/archive/", expect(200, dongcheng=403, donghuamen=403, enterprise=403)),
    ("/reports/archive/{report}/", expect(200, dongcheng=403, donghuamen=403, enterprise=403)),
    ("/api/v1/reports/types/", expect(200, dongcheng=403, donghuamen=403, enterprise=403)),
    ("/api/v1/reports/generate/", expect(400, dongcheng=403, donghuamen=403, enterprise=403)),
    ("/api/v1/reports/reports/", expect(200, dongcheng=403, donghuamen=403, enterprise=403)),
    ("/api/v1/reports/reports/{report}/", expect(200, dongcheng=403, donghuamen=403, enterprise=403)),
]


def _ids():
    from envbureau.core.models import AuditEntry, Jurisdiction, User
    from envbureau.reports.models import Report

    return {
        "audit": AuditEntry.objects.values_list("pk", flat=True).first(),
        "report": Report.objects.values_list("pk", flat=True).first(),
        "j_xicheng": Jurisdiction.objects.get(code="110102").pk,
        "j_dongcheng": Jurisdiction.objects.get(code="110101").pk,
        "j_donghuamen": Jurisdiction.objects.get(code="110101001000").pk,
        "u_donghuamen": User.objects.get(username="donghuamen").pk,
        "u_air_staff": User.objects.get(username="air_staff").pk,
    }


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_core_designed_outcomes(world, role, db):
    swept_on_sqlite_only(role)
    client, _user = client_for(world, role)
    ids = _ids()
    wrong = []
    for template, outcomes in CORE_TABLE:
        if role not in outcomes:
            continue
        url = template.format(**ids)
        status = _get(client, url).status_code
        if status != outcomes[role]:
            wrong.append(f"{url}: expected {outcomes[role]}, got {status}")
    assert not wrong, "\n".join(wrong)


def test_anonymous_core_outcomes(world, db):
    c = Client()
    assert c.get("/api/v1/core/jurisdictions/").status_code == 401
    assert c.get("/api/v1/me/").status_code == 401
    assert c.get("/healthz").status_code == 200
    assert c.get("/accounts/login/").status_code == 200
    assert c.get("/api/v1/public/").status_code == 200
    r = c.get("/admin-area/users/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=")


# ----------------------------------------------------------------------------------------------
# Writes (POST/PUT/PATCH/DELETE) on core endpoints
# ----------------------------------------------------------------------------------------------

def _api(client, method, url, data=None):
    return getattr(client, method)(url, data=data, content_type="application/json")


def test_api_writes(world, db):
    from envbureau.core.models import AuditEntry, Jurisdiction

    ids = _ids()
    anon = Client()
    assert _api(anon, "post", "/api/v1/core/jurisdictions/", {"code": "110199", "name": "x",
                                                              "level": "district", "parent": "110000"}).status_code == 401
    officer, _ = client_for(world, "dongcheng")
    leader, _ = client_for(world, "leader")
    admin, _ = client_for(world, "admin")
    new = {"code": "110101999000", "name": "测试街道", "level": "street", "parent": "110101"}
    assert _api(officer, "post", "/api/v1/core/jurisdictions/", new).status_code == 403
    assert _api(leader, "post", "/api/v1/core/jurisdictions/", new).status_code == 403
    assert not Jurisdiction.objects.filter(code="110101999000").exists()
    # Visible but not changeable → 403; outside scope → 404.
    assert _api(officer, "patch", f"/api/v1/core/jurisdictions/{ids['j_dongcheng']}/", {"name": "x"}).status_code == 403
    assert _api(officer, "patch", f"/api/v1/core/jurisdictions/{ids['j_xicheng']}/", {"name": "x"}).status_code == 404
    assert _api(officer, "delete", f"/api/v1/core/jurisdictions/{ids['j_xicheng']}/").status_code == 404
    assert _api(leader, "delete", f"/api/v1/core/jurisdictions/{ids['j_xicheng']}/").status_code == 403
    assert _api(leader, "put", f"/api/v1/core/users/{ids['u_air_staff']}/", {"username": "x"}).status_code == 403
    assert Jurisdiction.objects.get(code="110102").name == "西城区"
    # The audit log is read-only for everybody, admins included.
    for method in ("post", "put", "patch", "delete"):
        url = "/api/v1/core/audit/" if method == "post" else f"/api/v1/core/audit/{ids['audit']}/"
        assert _api(admin, method, url, {"note": "x"}).status_code == 405
    assert _api(admin, "post", "/api/v1/core/jurisdictions/", new).status_code == 201
    assert AuditEntry.objects.filter(model="core.jurisdiction", action="create", source="api",
                                     actor_name="admin").exists()


def test_web_writes(world, db):
    from envbureau.core.models import Jurisdiction, Role, User

    ids = _ids()
    officer, _ = client_for(world, "dongcheng")
    leader, _ = client_for(world, "leader")
    staff, _ = client_for(world, "air_staff")
    form = {"code": "110101", "name": "改名", "level": "district", "parent": Jurisdiction.objects.get(code="110000").pk,
            "sort_order": 0}
    assert officer.post(f"/admin-area/jurisdictions/{ids['j_dongcheng']}/edit/", form).status_code == 403
    assert officer.post(f"/admin-area/jurisdictions/{ids['j_xicheng']}/edit/", form).status_code == 404
    assert officer.post(f"/admin-area/jurisdictions/{ids['j_xicheng']}/delete/").status_code == 404
    assert leader.post(f"/admin-area/jurisdictions/{ids['j_xicheng']}/delete/").status_code == 403
    assert leader.post("/admin-area/users/add/", {"username": "evil", "password1": "Very$trong-2026"}).status_code == 403
    assert staff.post("/admin-area/roles/add/", {"code": "god", "name": "god", "kind": "admin",
                                                 "permissions": ["*"]}).status_code == 403
    assert not User.objects.filter(username="evil").exists()
    assert not Role.objects.filter(code="god").exists()
    assert Jurisdiction.objects.get(code="110101").name == "东城区"


def test_district_admin_cannot_write_outside_subtree(world, db):
    """A role with core add/change inside one district creates there, and nowhere else (rolled back)."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    role = Role.objects.create(code="district_admin", name="区级管理员", kind="officer",
                               permissions=["core.view", "core.add", "core.change"])
    u = User.objects.create(username="dc_admin")
    RoleAssignment.objects.create(user=u, role=role, jurisdiction=Jurisdiction.objects.get(code="110101"))
    c = Client()
    c.force_login(u)
    ok = {"code": "110101888000", "name": "测试街道", "level": "street", "parent": "110101"}
    bad = {"code": "110102888000", "name": "越界街道", "level": "street", "parent": "110102"}
    assert _api(c, "post", "/api/v1/core/jurisdictions/", ok).status_code == 201
    assert _api(c, "post", "/api/v1/core/jurisdictions/", bad).status_code == 403
    assert not Jurisdiction.objects.filter(code="110102888000").exists()
    # Moving a visible node out of the subtree is refused too.
    pk = Jurisdiction.objects.get(code="110101888000").pk
    assert _api(c, "patch", f"/api/v1/core/jurisdictions/{pk}/", {"parent": "110102"}).status_code == 403
    assert Jurisdiction.objects.get(pk=pk).parent.code == "110101"


# ----------------------------------------------------------------------------------------------
# Declared matrix: which rows each role may view / change / delete, stated here as data
# ----------------------------------------------------------------------------------------------
# The sweep above takes its in-scope expectations from `can`; this table does not read the code under
# test at all. It is written from the rules: the built-in roles (docs/contract.md "Permissions"), the demo
# users' departments (README) and the jurisdiction tree (东华门街道 lies inside 东城区; 西城区 does not).
#
# Rows: P_* ledger problems, C_* complaints, J_* jurisdictions, D_* departments, A audit entries.
#   *_street: 东华门街道 110101001000 (enterprise 7 for the problem); *_dc: 东城区 110101; *_xc: 西城区 110102.
ALL_P = {"P_street", "P_dc", "P_xc"}
ALL_C = {"C_street", "C_dc", "C_xc"}
ALL_J = {"J_city", "J_dc", "J_street", "J_xc"}
ALL_D = {"D_air", "D_petition"}
S = {"S"}  # a sign-off chain: ledger reference data without a jurisdiction or an enterprise
NONE: set = set()

# role -> model -> action -> rows. An action missing for a model means "no rows".
DECLARED = {
    "admin": {
        "problem": {"view": ALL_P, "add": ALL_P, "change": ALL_P, "delete": ALL_P, "verify": ALL_P,
                    "close_out": ALL_P, "rectify": ALL_P},
        "complaint": {"view": ALL_C, "change": ALL_C, "delete": ALL_C, "handle": ALL_C},
        "jurisdiction": {"view": ALL_J, "change": ALL_J, "delete": ALL_J},
        "department": {"view": ALL_D, "change": ALL_D, "delete": ALL_D},
        "chain": {"view": S, "change": S, "delete": S},
        # Scope lets the platform admin at the row; the audit model itself refuses every edit (test_audit).
        "audit": {"view": {"A"}, "change": {"A"}},
    },
    # 局领导: everything read-only, and the audit log by name.
    "leader": {"problem": {"view": ALL_P}, "complaint": {"view": ALL_C}, "jurisdiction": {"view": ALL_J},
               "department": {"view": ALL_D}, "chain": {"view": S}, "audit": {"view": {"A"}}},
    # 大气科: city-wide read; its departments (air, water, monitoring) write quality and sources only.
    "air_staff": {"problem": {"view": ALL_P}, "complaint": {"view": ALL_C}, "jurisdiction": {"view": ALL_J},
                  "department": {"view": ALL_D}, "chain": {"view": S}},
    # 执法支队 (departments enforcement, oversight): the ledger's CRUD city-wide, not its workflow verbs.
    "enforcement": {"problem": {"view": ALL_P, "add": ALL_P, "change": ALL_P, "delete": ALL_P},
                    "complaint": {"view": ALL_C}, "jurisdiction": {"view": ALL_J}, "department": {"view": ALL_D},
                    "chain": {"view": S, "change": S, "delete": S}},
    # 信访办 (department petition): complaints and ledger CRUD city-wide.
    "petition": {"problem": {"view": ALL_P, "add": ALL_P, "change": ALL_P, "delete": ALL_P},
                 "complaint": {"view": ALL_C, "change": ALL_C, "delete": ALL_C},
                 "jurisdiction": {"view": ALL_J}, "department": {"view": ALL_D},
                 "chain": {"view": S, "change": S, "delete": S}},
    # 东城区 officer: the district and everything under it; view/change/rectify/verify, never delete.
    "dongcheng": {"problem": {"view": {"P_street", "P_dc"}, "change": {"P_street", "P_dc"},
                              "verify": {"P_street", "P_dc"}, "rectify": {"P_street", "P_dc"}},
                  "complaint": {"view": {"C_street", "C_dc"}, "change": {"C_street", "C_dc"},
                                "handle": {"C_street", "C_dc"}},
                  "jurisdiction": {"view": {"J_dc", "J_street"}}, "department": {"view": ALL_D},
                  # City reference data: an officer reads it but a district grant cannot change it.
                  "chain": {"view": S}},
    # 东华门街道 officer: only the street.
    "donghuamen": {"problem": {"view": {"P_street"}, "change": {"P_street"}, "verify": {"P_street"},
                               "rectify": {"P_street"}},
                   "complaint": {"view": {"C_street"}, "change": {"C_street"}, "handle": {"C_street"}},
                   "jurisdiction": {"view": {"J_street"}}, "department": {"view": ALL_D},
                   "chain": {"view": S}},
    # Enterprise 7's account: its own problem only (view, rectify); no complaints, no core or reference lists
    # (its grant has no jurisdiction limit, but that must never read as city-wide).
    "enterprise7": {"problem": {"view": {"P_street"}, "rectify": {"P_street"}}},
    "anonymous": {},
}
ACTIONS = {"problem": ("view", "add", "change", "delete", "verify", "close_out", "rectify"),
           "complaint": ("view", "change", "delete", "handle"),
           "jurisdiction": ("view", "change", "delete"), "department": ("view", "change", "delete"),
           "chain": ("view", "change", "delete"),
           "audit": ("view", "change")}


@pytest.fixture
def declared_world(demo_core):
    from django.contrib.auth.models import AnonymousUser

    from envbureau.complaints import services as complaints
    from envbureau.complaints.models import Complaint
    from envbureau.core import audit
    from envbureau.core.models import AuditEntry, Department, Jurisdiction, Role, RoleAssignment, User
    from envbureau.ledger import services as ledger
    from envbureau.ledger.models import SignOffChain

    # When the module's full demo (`world`) was loaded first, its app steps gave some demo users extra roles
    # (信访办 the complaints-office role …). The declarations are for the core demo's assignments alone.
    RoleAssignment.objects.filter(user__username__in=DECLARED).exclude(
        role__code__in=("admin", "leader", "staff", "officer", "enterprise")).delete()
    j = {c: Jurisdiction.objects.get(code=c) for c in ("110000", "110101", "110101001000", "110102")}

    def problem(code, enterprise):
        return ledger.create_problem(None, source="inspection", category="air", title=f"问题 {code}",
                                     description="扬尘", jurisdiction=code, enterprise_id=enterprise)

    def complaint(code):
        return complaints.register(None, Complaint(
            jurisdiction=j[code], channel="hotline", track="clue", category="noise",
            sub_category="noise_construction", title="夜间施工", content="噪声", location="某路1号",
            complainant_name="张三", complainant_phone="13812345678"), suggest=False)

    ent = User.objects.create(username="enterprise7", display_name="企业7")
    RoleAssignment.objects.create(user=ent, role=Role.objects.get(code="enterprise"), enterprise_id=7)
    audit.record("create", model_label="core.jurisdiction", object_id="declared", object_repr="声明矩阵")
    rows = {
        "problem": {"P_street": problem("110101001000", 7), "P_dc": problem("110101", None),
                    "P_xc": problem("110102", 8)},
        "complaint": {"C_street": complaint("110101001000"), "C_dc": complaint("110101"),
                      "C_xc": complaint("110102")},
        "jurisdiction": {"J_city": j["110000"], "J_dc": j["110101"], "J_street": j["110101001000"],
                         "J_xc": j["110102"]},
        "department": {"D_air": Department.objects.get(code="air"),
                       "D_petition": Department.objects.get(code="petition")},
        "chain": {"S": SignOffChain.objects.create(name="声明矩阵验收链", source="")},
        "audit": {"A": AuditEntry.objects.filter(object_id="declared").get()},
    }
    users = {name: (AnonymousUser() if name == "anonymous" else User.objects.get(username=name))
             for name in DECLARED}
    return rows, users


@pytest.mark.parametrize("role", list(DECLARED))
def test_declared_rows_per_role(declared_world, role):
    """restrict() gives exactly the declared rows for every role × model × action."""
    from envbureau.core.scoping import restrict

    rows, users = declared_world
    user = users[role]
    wrong = []
    for model, labelled in rows.items():
        pk_label = {obj.pk: label for label, obj in labelled.items()}
        cls = type(next(iter(labelled.values())))
        for action in ACTIONS[model]:
            want = DECLARED[role].get(model, {}).get(action, NONE)
            qs = restrict(cls._default_manager.filter(pk__in=pk_label), user, action)
            got = {pk_label[pk] for pk in qs.values_list("pk", flat=True)}
            if got != want:
                wrong.append(f"{role} {action} {model}: got {sorted(got)}, declared {sorted(want)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", [r for r in DECLARED if r != "anonymous"])
def test_declared_single_object_outcomes(declared_world, role):
    """get_scoped_object: 404 outside the declared view rows, 403 visible but not declared for the
    action, the object otherwise; can() says the same."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from envbureau.core.scoping import can, get_scoped_object

    rows, users = declared_world
    user = users[role]
    wrong = []
    for model in ("problem", "complaint"):
        for label, obj in rows[model].items():
            for action in ACTIONS[model]:
                declared = DECLARED[role].get(model, {})
                want = ("404" if label not in declared.get("view", NONE) else
                        "ok" if label in declared.get(action, NONE) else "403")
                try:
                    get_scoped_object(type(obj), user, action, pk=obj.pk)
                    got = "ok"
                except Http404:
                    got = "404"
                except PermissionDenied:
                    got = "403"
                if got != want:
                    wrong.append(f"{role} {action} {label}: got {got}, declared {want}")
                if can(user, obj, action) != (label in declared.get(action, NONE)):
                    wrong.append(f"{role} can({action}, {label}) disagrees with the declaration")
    assert not wrong, "\n".join(wrong)


# Per role: may the list open at all (else 403), which of the four jurisdictions a form offers for an action,
# and whether a grant reaches the whole city. Declared like the rows above.
MODULE_OPEN = {  # role -> models whose list is open to it
    "admin": {"problem", "complaint", "department", "audit"},
    "leader": {"problem", "complaint", "department", "audit"},
    "air_staff": {"problem", "complaint", "department"},
    "enforcement": {"problem", "complaint", "department"},
    "petition": {"problem", "complaint", "department"},
    "dongcheng": {"problem", "complaint", "department"},
    "donghuamen": {"problem", "complaint", "department"},
    "enterprise7": {"problem"},
    "anonymous": set(),
}
FORM_JURISDICTIONS = {  # role -> (module, action) -> jurisdictions offered, beyond the city-wide grants below
    "dongcheng": {("ledger", "change"): {"J_dc", "J_street"}, ("complaints", "change"): {"J_dc", "J_street"},
                  ("ledger", "view"): {"J_dc", "J_street"}, ("complaints", "view"): {"J_dc", "J_street"}},
    "donghuamen": {("ledger", "change"): {"J_street"}, ("complaints", "change"): {"J_street"},
                   ("ledger", "view"): {"J_street"}, ("complaints", "view"): {"J_street"}},
}
CITY_WIDE = {  # role -> (module, action) pairs reaching the whole city (forms offer every jurisdiction)
    "admin": {(m, a) for m in ("ledger", "complaints") for a in ("view", "add", "change")},
    "leader": {("ledger", "view"), ("complaints", "view")},
    "air_staff": {("ledger", "view"), ("complaints", "view")},
    "enforcement": {("ledger", "view"), ("ledger", "add"), ("ledger", "change"), ("complaints", "view")},
    "petition": {(m, a) for m in ("ledger", "complaints") for a in ("view", "add", "change")},
}


@pytest.mark.parametrize("role", list(DECLARED))
def test_declared_module_access_form_choices_and_reach(declared_world, role):
    from envbureau.core.scoping import allowed_jurisdictions, is_city_wide, may_view_module

    rows, users = declared_world
    user = users[role]
    j_label = {obj.pk: label for label, obj in rows["jurisdiction"].items()}
    wrong = []
    for model, labelled in rows.items():
        if model in ("jurisdiction", "chain"):
            continue
        got = may_view_module(user, type(next(iter(labelled.values()))))
        if got != (model in MODULE_OPEN[role]):
            wrong.append(f"{role} may_view_module({model}) = {got}")
    for module in ("ledger", "complaints"):
        for action in ("add", "change", "view"):
            offered = {j_label[pk] for pk in allowed_jurisdictions(user, module, action)
                       .filter(pk__in=j_label).values_list("pk", flat=True)}
            want = (ALL_J if (module, action) in CITY_WIDE.get(role, set())
                    else FORM_JURISDICTIONS.get(role, {}).get((module, action), NONE))
            if offered != want:
                wrong.append(f"{role} allowed_jurisdictions({module}, {action}) = {sorted(offered)}, want {sorted(want)}")
            reach = is_city_wide(user, module, action)
            if reach != ((module, action) in CITY_WIDE.get(role, set())):
                wrong.append(f"{role} is_city_wide({module}, {action}) = {reach}")
    # The queryset method is the same check as the function.
    p = rows["problem"]["P_street"]
    if type(p).objects.filter(pk=p.pk).restrict(user, "change").exists() != (
            "P_street" in DECLARED[role].get("problem", {}).get("change", NONE)):
        wrong.append(f"{role} Problem.objects.restrict(change) disagrees")
    assert not wrong, "\n".join(wrong)


# ----------------------------------------------------------------------------------------------
# Enforcement: orders, coercive measures and daily penalties (declared outcomes on the demo's records)
# ----------------------------------------------------------------------------------------------

VIEWERS = ("admin", "leader", "air_staff", "enforcement", "petition")  # *.view or enforcement.* city-wide
DECIDERS = ("admin", "enforcement")  # enforcement.decide


def _sees(record, user_role, enterprise_user) -> bool:
    """Whether a role reads a record, from where it lies (not from the code under test): city-wide viewers
    always; officers only inside their district/street; an enterprise only its own."""
    from envbureau.core.models import Jurisdiction, RoleAssignment

    path = record.jurisdiction.path

    def reaches(code):
        return path.startswith(Jurisdiction.objects.get(code=code).path)

    if user_role in VIEWERS:
        return True
    if user_role == "dongcheng":
        return reaches("110101")
    if user_role == "donghuamen":
        return reaches("110101001000")
    return RoleAssignment.objects.filter(user=enterprise_user, enterprise_id=record.enterprise_id).exists()


def _measure_outcomes(m, user_role, enterprise_user):
    """The designed outcome per URL for one role."""
    sees = _sees(m, user_role, enterprise_user)
    # A published seizure decision or penalty is public (Order No. 29 art. 7) on the public pages only: the
    # internal pages show handlers, reasons and items, so they stay within the role's own scope.
    detail = 200 if sees else 404
    sees_case = sees
    write = (200 if user_role in DECIDERS else 403) if sees_case else 404
    return {
        "/enforcement/measures/": 200,
        f"/enforcement/measures/{m.pk}/": detail,
        f"/api/v1/enforcement/measures/{m.pk}/": detail,
        "/api/v1/enforcement/measures/": 200,
        f"/enforcement/cases/{m.case_id}/measures/new/": write,
        f"/enforcement/cases/{m.case_id}/daily-penalty/new/": write,
        f"/enforcement/measures/{m.pk}/do/serve/": 405,  # POST only, refused before anything is read
        f"/enforcement/measures/{m.pk}/do/file_plan/": 405,
        **{f"/api/v1/enforcement/measures/{m.pk}/{verb}/": 405  # POST-only actions of the time limits
           for verb in ("file-plan", "request-release", "keep", "serve-release", "follow-up", "approve", "dispose",
                        "publish")},
    }


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_enforcement_measures_designed_outcomes(world, role, db):
    swept_on_sqlite_only(role)
    from envbureau.enforcement.models import Measure

    client, user = client_for(world, role)
    measures = list(Measure.objects.order_by("pk"))
    assert measures, "the enforcement demo step records orders and measures"
    published = [m for m in measures if m.kind == "seizure" and m.published]
    assert published, "the enforcement demo step publishes a seizure decision"
    wrong = []
    for m in measures[:2] + published[:1]:
        for url, want in _measure_outcomes(m, role, user).items():
            got = _get(client, url).status_code
            if got != want:
                wrong.append(f"{url}: expected {want}, got {got}")
    anon = Client()
    for url in (f"/enforcement/measures/{measures[0].pk}/", "/api/v1/enforcement/measures/",
                f"/enforcement/measures/{published[0].pk}/"):
        assert anon.get(url).status_code in (302, 401, 403)
    for url in ("/public/enforcement/seizures/", "/api/v1/public/enforcement/seizures/"):
        assert anon.get(url).status_code == 200
    assert not wrong, "\n".join(wrong)


# ----------------------------------------------------------------------------------------------
# Enforcement: transfers to the police and clues (staff only: persons concerned are personal data, clues are
# internal) and the public penalties API (anonymous, published decisions within their publication period)
# ----------------------------------------------------------------------------------------------

def _staff_sees(record, role, user) -> bool:
    """Transfers and clues have no enterprise path: an enterprise account never reads them."""
    return role != "enterprise" and _sees(record, role, user)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_enforcement_transfers_and_clues_designed_outcomes(world, role, db):
    swept_on_sqlite_only(role)
    from envbureau.enforcement.models import Clue, Transfer

    client, user = client_for(world, role)
    t = Transfer.objects.order_by("pk").first()
    clue = Clue.objects.order_by("pk").first()
    assert t is not None, "the enforcement demo step transfers the first alarm's case as a suspected crime"
    assert clue is not None, "an inspection recorded with 立案查处 is a clue (the demo's alarm checks)"
    wrong = []
    for obj, base in ((t, "transfers"), (clue, "clues")):
        detail = 200 if _staff_sees(obj, role, user) else 404
        for url, want in {f"/enforcement/{base}/": 200, f"/enforcement/{base}/{obj.pk}/": detail,
                          f"/api/v1/enforcement/{base}/{obj.pk}/": detail, f"/api/v1/enforcement/{base}/": 200,
                          f"/enforcement/{base}/{obj.pk}/do/{'send' if base == 'transfers' else 'extend'}/": 405,
                          }.items():
            got = _get(client, url).status_code
            if got != want:
                wrong.append(f"{url}: expected {want}, got {got}")
    listed = _get(client, "/api/v1/enforcement/transfers/").json()
    persons = [r["persons"] for r in listed["results"]]
    if role == "enterprise":  # never the persons concerned, not even of its own case
        assert persons == [], persons
    for url in (f"/enforcement/transfers/{t.pk}/", "/api/v1/enforcement/transfers/", "/enforcement/clues/",
                f"/api/v1/enforcement/clues/{clue.pk}/"):
        assert Client().get(url).status_code in (302, 401, 403), url
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_enforcement_public_penalties_api_for_everyone(world, role, db):
    """Anonymous (and any signed-in user, reading as the public): published decisions inside their period only."""
    from django.utils import timezone

    from envbureau.enforcement.models import Case

    client, _user = client_for(world, role)
    today = timezone.localdate()
    shown = Case.objects.filter(published=True, published_on__lte=today, publish_until__gte=today).first()
    hidden = Case.objects.filter(published=False).first()
    assert shown is not None and hidden is not None, "the demo publishes one penalty decision and not another case"
    resp = _get(client, "/api/v1/public/enforcement/penalties/")
    assert resp.status_code == 200 and shown.code in [r["code"] for r in resp.json()["results"]]
    assert _get(client, f"/api/v1/public/enforcement/penalties/{shown.pk}/").status_code == 200
    assert _get(client, f"/api/v1/public/enforcement/penalties/{hidden.pk}/").status_code == 404


# ----------------------------------------------------------------------------------------------
# Enforcement: credit repair applications filed by the enterprise itself (POST, declared per role)
# ----------------------------------------------------------------------------------------------

# (own enterprise's red rating, another enterprise's red rating): web POST …/repair-apply/ → 302 filed (redirect
# to the application) / 403 / 404, API POST /api/v1/enforcement/repairs/ → 201 / 403 / 404, for a role that
# reads the rating. A published rating is public on /public/ only: a rating outside the role's own scope is not
# found (404) on the internal URLs, whatever the role's rights.
REPAIR_APPLY = {
    "admin": ((302, 201), (302, 201)), "enforcement": ((302, 201), (302, 201)),  # enforcement.rate city-wide
    "leader": ((403, 403), (403, 403)), "air_staff": ((403, 403), (403, 403)), "petition": ((403, 403), (403, 403)),
    "dongcheng": ((403, 403), (403, 403)), "donghuamen": ((403, 403), (403, 403)),  # officers: view only
    "enterprise": ((302, 201), (403, 403)),  # enforcement.repair_apply: its own ratings only
}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_enterprise_files_its_own_credit_repair(world, role, db):
    import datetime as dt

    from envbureau.core.models import RoleAssignment
    from envbureau.enforcement import config, credit
    from envbureau.enforcement.models import CreditRepair, PoolEnterprise

    client, user = client_for(world, role)
    ent_id = RoleAssignment.objects.filter(user__username=world["enterprise"]).values_list(
        "enterprise_id", flat=True).first()
    other_id = PoolEnterprise.objects.exclude(enterprise_id=ent_id).values_list("enterprise_id", flat=True).first()
    ratings = [credit.rate(None, enterprise_id=e, year=2030, scores={k: 40 for k in credit.entry_keys(e, 2030)},
                           sources="现场核查", published_on=dt.date(2026, 5, 1)) for e in (ent_id, other_id)]
    assert [r.grade for r in ratings] == ["red", "red"]
    body = {"applicant": "李工", "corrective_actions": "已整改", "materials": "整改报告", "applied_on": "2026-09-10",
            "documents": list(config.get("credit_repair_documents"))}
    got = []
    for r in ratings:
        with transaction.atomic():
            resp = client.post(f"/enforcement/ratings/{r.pk}/repair-apply/", body)
            web = resp.status_code  # 302 counts as filed only when it leads to the new application
            if web == 302 and not resp["Location"].startswith("/enforcement/repairs/"):
                web = f"302 to {resp['Location']}"
            transaction.set_rollback(True)
        with transaction.atomic():
            api = client.post("/api/v1/enforcement/repairs/", {**body, "rating": r.pk},
                              content_type="application/json").status_code
            transaction.set_rollback(True)
        got.append((web, api))
    want = tuple(w if _sees(r, role, user) else (404, 404) for r, w in zip(ratings, REPAIR_APPLY[role]))
    assert tuple(got) == want, got
    assert not CreditRepair.objects.filter(rating__in=ratings).exists()
    anon = Client().post(f"/enforcement/ratings/{ratings[0].pk}/repair-apply/", body)
    assert anon.status_code == 302 and "/login" in anon["Location"]


# ----------------------------------------------------------------------------------------------
# Type-ahead pickers (core/pickers.py): every endpoint answers only names inside the role's view scope
# ----------------------------------------------------------------------------------------------

# The subtree each role may see names from (None: the whole city; "" : nothing but its own enterprise).
PICKER_SUBTREE = {"admin": None, "leader": None, "air_staff": None, "enforcement": None, "petition": None,
                  "dongcheng": "110101", "donghuamen": "110101001000", "enterprise": ""}
PICKER_URLS = {
    # url: (model label, lookup from the model to its jurisdiction path, value field)
    "/pick/jurisdictions/": ("core.Jurisdiction", "path", "code"),
    "/sources/pick/enterprises/": ("sources.Enterprise", "jurisdiction__path", "pk"),
    "/sources/pick/points/": ("sources.MonitoringPoint", "enterprise__jurisdiction__path", "pk"),
    "/quality/pick/stations/": ("quality.AirStation", "jurisdiction__path", "pk"),
    "/quality/pick/sections/": ("quality.WaterSection", "jurisdiction__path", "pk"),
}


def _picker_expected(role, world, model_label, path_lookup):
    """The rows a role must be offered, from the demo data's tree alone (not from restrict())."""
    from envbureau.core.models import Jurisdiction, RoleAssignment

    model = apps.get_model(model_label)
    sub = PICKER_SUBTREE[role]
    if sub is None:
        return model._default_manager.all()
    if sub == "":
        ent = RoleAssignment.objects.filter(user__username=world["enterprise"]).values_list(
            "enterprise_id", flat=True).first()
        if model_label == "sources.Enterprise":
            return model._default_manager.filter(pk=ent)
        if model_label == "sources.MonitoringPoint":
            return model._default_manager.filter(enterprise_id=ent)
        return model._default_manager.none()  # no core/quality view: no areas, stations or sections
    path = Jurisdiction.objects.get(code=sub).path
    return model._default_manager.filter(**{f"{path_lookup}__startswith": path})


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_picker_endpoints_offer_only_names_in_scope(world, role, db):
    client, _user = client_for(world, role)
    wrong = []
    for url, (label, path_lookup, value) in PICKER_URLS.items():
        expected = _picker_expected(role, world, label, path_lookup)
        want = {str(v) for v in expected.values_list(value, flat=True)}
        outside = apps.get_model(label)._default_manager.exclude(pk__in=expected.values("pk"))
        # every name the role may not see, searched for by name: nothing comes back
        for name in list(outside.values_list("name", flat=True).distinct()[:5]):
            r = client.get(url, {"q": name})
            got = {i["value"] for i in r.json()["results"]}
            if got - want:
                wrong.append(f"{role} {url}?q={name}: offered {sorted(got - want)} outside its scope")
        r = client.get(url)
        if r.status_code != 200:
            wrong.append(f"{role} {url}: {r.status_code}")
            continue
        data = r.json()
        got = {i["value"] for i in data["results"]}
        if got - want:
            wrong.append(f"{role} {url}: offered {sorted(got - want)} outside its scope")
        if want and not got:
            wrong.append(f"{role} {url}: offered nothing, {len(want)} in scope")
        if not data["more"] and got != want:
            wrong.append(f"{role} {url}: offered {len(got)} of {len(want)} without saying there are more")
    assert not wrong, "\n".join(wrong)


def test_picker_search_finds_by_name_and_code(world, db):
    from envbureau.core.models import Jurisdiction

    client, _user = client_for(world, "admin")
    r = client.get("/pick/jurisdictions/", {"q": "东华门"}).json()
    assert [i["value"] for i in r["results"]] == ["110101001000"]
    assert r["results"][0]["label"] == "东华门街道" and r["results"][0]["hint"] == "东城区"
    r = client.get("/pick/jurisdictions/", {"q": "110102"}).json()  # a code finds the area first, then its streets
    assert r["results"][0]["label"] == "西城区"
    assert all(i["value"].startswith("110102") for i in r["results"]) and len(r["results"]) > 1
    # tree order with depth: a district sits one level under the city
    r = client.get("/pick/jurisdictions/").json()
    by_code = {i["value"]: i for i in r["results"]}
    city = Jurisdiction.objects.get(parent__isnull=True)
    assert by_code[city.code]["depth"] + 1 == by_code["110101"]["depth"]
    dong, _ = client_for(world, "dongcheng")
    assert dong.get("/pick/jurisdictions/", {"q": "西城"}).json()["results"] == []
    assert client_for(world, "anonymous")[0].get("/pick/jurisdictions/").status_code == 302


def test_picker_filters_never_mean_all(world, db):
    """A filter value outside the scope or unknown lists nothing and says why, without naming the object;
    a name typed without choosing is resolved in scope."""
    from envbureau.complaints.models import Complaint
    from envbureau.sources.models import Enterprise

    dong, _ = client_for(world, "dongcheng")
    far = Enterprise.objects.exclude(jurisdiction__path__contains="/110101/").first()
    for url in ("/ledger/problems/", "/complaints/"):
        html = dong.get(url, {"enterprise_id": far.pk}).content.decode()
        assert "未找到企业" in html, url
        assert far.name not in html, url  # the picker box must not reveal the name behind an id
        assert "没有记录" in html or "暂无" in html, url
    html = dong.get("/sources/alarms/", {"jurisdiction": "110102"}).content.decode()
    assert "未找到区划“110102”" in html
    html = dong.get("/sources/points/", {"enterprise": "没有这家企业"}).content.decode()
    assert "未找到企业“没有这家企业”" in html
    # an invalid value is not dropped either (django-filter would otherwise list everything)
    admin, _ = client_for(world, "admin")
    r = admin.get("/enforcement/inspections/", {"year": "abc"})
    assert r.status_code == 200 and "没有记录" in r.content.decode()
    # a district name typed without choosing: resolved, the box shows it and the hidden input holds its code
    html = admin.get("/complaints/", {"jurisdiction": "东城区"}).content.decode()
    assert "未找到" not in html
    assert 'name="jurisdiction" value="110101"' in html
    n_dong = Complaint.objects.filter(jurisdiction__path__contains="/110101/").count()
    n_all = Complaint.objects.count()
    if n_dong != n_all:  # the filter applied: the page does not list the city's complaints
        html_all = admin.get("/complaints/").content.decode()
        assert html != html_all
    # a city-level code is accepted from a district officer (its lists stay within the district)
    html = dong.get("/ledger/problems/", {"jurisdiction": "110000"}).content.decode()
    assert "未找到" not in html


def test_no_filter_asks_for_ids_or_codes():
    """Enterprises, points and areas are chosen by name: no filter label asks for an id or a code."""
    import importlib

    import django_filters as df

    asked = []
    for app in ("core", "quality", "sources", "ledger", "complaints", "enforcement"):
        mod = importlib.import_module(f"envbureau.{app}.filters")
        for obj in vars(mod).values():
            if isinstance(obj, type) and issubclass(obj, df.FilterSet) and obj.__module__ == mod.__name__:
                for name, f in obj.base_filters.items():
                    label = str(f.label or "")
                    if any(w in label for w in ("企业ID", "监测点ID", "区划代码", "属地代码")):
                        asked.append(f"{obj.__name__}.{name}: {label}")
    assert not asked, asked


RATERS = ("admin", "enforcement")  # enforcement.rate


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_enforcement_credit_repairs_designed_outcomes(world, role, db):
    from envbureau.enforcement.models import CreditRepair

    client, user = client_for(world, role)
    req = CreditRepair.objects.order_by("pk").first()
    assert req is not None, "the enforcement demo step records a credit repair application"
    sees = _sees(req, role, user)
    sees_rating = sees  # published ratings are public on /public/ only, not on the internal rating page
    want = {
        "/enforcement/repairs/": 200, "/api/v1/enforcement/repairs/": 200,
        f"/enforcement/repairs/{req.pk}/": 200 if sees else 404,
        f"/api/v1/enforcement/repairs/{req.pk}/": 200 if sees else 404,
        f"/enforcement/ratings/{req.rating_id}/": 200 if sees_rating else 404,
        "/api/v1/enforcement/ratings/": 200, f"/api/v1/enforcement/ratings/{req.rating_id}/": 200 if sees_rating else 404,
        f"/enforcement/repairs/{req.pk}/do/approve/": 405, f"/enforcement/ratings/{req.rating_id}/repair-apply/": 405,
        "/public/enforcement/ratings/": 200, "/api/v1/public/enforcement/ratings/": 200,
        # the publicity (公示) of approved repairs, the objection and the taking effect (POST only)
        "/public/enforcement/repairs/": 200,
        f"/enforcement/repairs/{req.pk}/do/objection/": 405, f"/enforcement/repairs/{req.pk}/do/take_effect/": 405,
        f"/api/v1/enforcement/repairs/{req.pk}/objection/": 405,
        f"/api/v1/enforcement/repairs/{req.pk}/take-effect/": 405,
    }
    wrong = [f"{url}: expected {w}, got {g}" for url, w in want.items() if (g := _get(client, url).status_code) != w]
    anon = Client()
    assert anon.get("/public/enforcement/repairs/").status_code == 200
    assert anon.get(f"/api/v1/enforcement/repairs/{req.pk}/").status_code in (401, 403)
    assert anon.get("/api/v1/enforcement/ratings/").status_code in (401, 403)
    assert anon.get("/public/enforcement/ratings/").status_code == 200
    assert anon.get("/api/v1/public/enforcement/ratings/").status_code == 200
    assert anon.get(f"/enforcement/repairs/{req.pk}/").status_code == 302
    assert anon.get("/api/v1/enforcement/repairs/").status_code in (401, 403)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_enforcement_inspection_evidence_designed_outcomes(world, role, db):
    from envbureau.enforcement.models import InspectionEvidence

    client, user = client_for(world, role)
    ev = InspectionEvidence.objects.select_related("inspection").order_by("pk").first()
    assert ev is not None, "the enforcement demo step records a photo and signatures"
    insp = ev.inspection
    # An enterprise reads its inspection (and its photos) once the visit is recorded: the demo's is.
    sees = _sees(insp, role, user) if role != "enterprise" else (
        insp.enterprise_visible_id is not None and _sees(insp, role, user))
    want = {
        f"/enforcement/evidence/{ev.pk}/": 200 if sees else 404,
        f"/api/v1/enforcement/inspections/{insp.pk}/evidence/": 200 if sees else 404,
        f"/enforcement/inspections/{insp.pk}/photos/": 405, f"/enforcement/inspections/{insp.pk}/signatures/": 405,
    }
    wrong = [f"{url}: expected {w}, got {g}" for url, w in want.items() if (g := _get(client, url).status_code) != w]
    assert Client().get(f"/enforcement/evidence/{ev.pk}/").status_code == 302
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_complaint_photo_designed_outcomes(world, role, db):
    from envbureau.complaints.models import ComplaintPhoto

    client, user = client_for(world, role)
    photo = ComplaintPhoto.objects.select_related("complaint__jurisdiction").order_by("pk").first()
    assert photo is not None, "the complaints demo step attaches a citizen's photo"
    c = photo.complaint
    sees = role != "enterprise" and _sees(c, role, user)  # enterprises never read complaints
    got = _get(client, f"/complaints/photos/{photo.pk}/").status_code
    page = _get(client, f"/complaints/{c.pk}/").status_code
    # the photo answers exactly as its complaint's page: 200 where the role reads the complaint, else refused
    assert (got == 200) == sees and page == got, (role, got, page)
    assert Client().get(f"/complaints/photos/{photo.pk}/").status_code == 302


# ----------------------------------------------------------------------------------------------
# Approvals: every URL of the module declared row by row (web and API), none left to the sweep's defaults
# ----------------------------------------------------------------------------------------------

# The demo roles' rights in approvals (core/roles.py, demo_core): everyone signed in holds approvals.view (staff
# through *.view, officers and enterprises explicitly); admin holds everything; the enterprise also
# approvals.apply and approvals.report; no other demo role holds add/permit/emergency/decide.
APPROVALS_RECORDS = {"eia": "approvals.EIAApplication", "permit": "approvals.Permit",
                     "report": "approvals.ExecutionReport", "plan": "approvals.EmergencyPlan",
                     "check": "approvals.HazardCheck", "incident": "approvals.Incident",
                     "duty": "approvals.DutyShift", "material": "approvals.Material",
                     "prereview": "approvals.PreReview"}
SIGNED_IN = [r for r in ROLES if r != "anonymous"]


def _all(status):
    return lambda role, sees: status


def _only(*roles):
    """A form page (GET) for the holders of a right, 403 for the rest (no object involved)."""
    return lambda role, sees: 200 if role in roles else 403


def _seen(role, sees):
    return 200 if sees else 404


def _writes(*roles):
    """A generic edit/delete page: 404 when the role does not see the object, else 200 for writers, 403."""
    return lambda role, sees: (200 if role in roles else 403) if sees else 404


# name (web: namespaced; API: "api:" + route name) → (record kind or None, outcome(role, sees)). Format-suffix
# variants of an API route (.json) share its row.
APPROVALS_TABLE = {
    "approvals:index": (None, _all(302)),  # → the EIA list
    # every role reads figures: of its area, or (enterprise) of its own enterprise; see STATISTICS_DESIGN
    "approvals:statistics": (None, _all(200)),
    "approvals:risk-map": (None, _all(200)),
    "approvals:eia-new": (None, _only("admin", "enterprise")),  # approvals.add or approvals.apply
    "approvals:permit-new": (None, _only("admin")),  # approvals.permit
    "approvals:plan-new": (None, _only("admin", "enterprise")),  # approvals.apply or approvals.emergency
    "approvals:check-new": (None, _only("admin")),  # approvals.emergency
    "approvals:incident-new": (None, _only("admin")),
    "approvals:prereview-new": (None, _only("admin")),  # approvals.add
    "approvals:prereview-action": ("prereview", _all(405)),
    # POST-only steps and uploads: a GET is refused before anything is read
    "approvals:eia-action": ("eia", _all(405)), "approvals:permit-action": ("permit", _all(405)),
    "approvals:report-action": ("report", _all(405)), "approvals:plan-action": ("plan", _all(405)),
    "approvals:incident-action": ("incident", _all(405)),
    "approvals:eia-material-upload": ("eia", _all(405)), "approvals:plan-material-upload": ("plan", _all(405)),
    "approvals:material": ("material", _seen),
    **{f"approvals:{p}-list": (None, _all(200)) for p in ("eia", "permits", "reports", "plans", "checks",
                                                          "incidents", "duty", "prereviews")},
    **{f"approvals:{p}-detail": (k, _seen) for p, k in (("eia", "eia"), ("permits", "permit"),
                                                         ("reports", "report"), ("plans", "plan"),
                                                         ("checks", "check"), ("incidents", "incident"),
                                                         ("duty", "duty"), ("prereviews", "prereview"))},
    "approvals:duty-add": (None, _only("admin")),  # approvals.add
    "approvals:duty-edit": ("duty", _writes("admin")), "approvals:duty-delete": ("duty", _writes("admin")),
    # API
    "api:api-root": (None, _all(200)),
    "api:statistics": (None, _all(200)), "api:risk-sources": (None, _all(200)),
    **{f"api:{k}-list": (None, _all(200)) for k in ("eia", "permit", "report", "plan", "check", "incident",
                                                    "prereview")},
    **{f"api:{k}-detail": (k, _seen) for k in ("eia", "permit", "report", "plan", "check", "incident", "prereview")},
    **{f"api:{k}-timeline": (k, _seen) for k in ("eia", "permit", "report", "plan", "incident", "prereview")},
    "api:eia-documents": ("eia", _seen), "api:eia-materials": ("eia", _seen), "api:plan-materials": ("plan", _seen),
    "api:report-monitoring": ("report", _seen),
    "api:duty-list": (None, _all(200)), "api:duty-detail": ("duty", _seen),  # read only, scoped as the page
    **{f"api:{k}-{verb}": (k, _all(405)) for k, verbs in (
        ("eia", ("accept", "approve", "complete", "finish-review", "issue-document", "propose", "refuse",
                 "request-correction", "resubmit", "start-review", "withdraw")),
        ("permit", ("apply-renewal", "change", "expire", "renew", "revoke", "supervise")),
        ("report", ("accept", "send-back", "submit")),
        ("plan", ("drill", "file", "resubmit", "send-back", "supersede")),
        ("incident", ("close", "follow-up", "log", "relevel", "report-up", "respond")),
        ("prereview", ("conclude", "withdraw"))) for verb in verbs},
}


def _approvals_endpoints():
    out = []
    for ep in endpoints():
        if ep.pattern.startswith("approvals/"):
            out.append((ep.name, ep))
        elif ep.pattern.startswith("api/v1/approvals/"):
            out.append(("api:" + ep.name.rsplit(":", 1)[-1], ep))
    return out


def test_every_approvals_url_has_a_declared_row(db):
    names = {name for name, _ep in _approvals_endpoints()}
    assert len(names) > 40
    missing = sorted(names - set(APPROVALS_TABLE))
    assert not missing, f"approvals URLs without a declared row in APPROVALS_TABLE: {missing}"
    stale = sorted(set(APPROVALS_TABLE) - names)
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def _approvals_sees(record, role, user) -> bool:
    """Whether a role reads an approvals record, from where it lies (not from the code under test)."""
    from envbureau.core.models import Jurisdiction, RoleAssignment

    holder = getattr(record, "permit", None) or record  # execution reports lie where their permit lies
    path = holder.jurisdiction.path
    if role in VIEWERS:
        return True
    if role in ("dongcheng", "donghuamen"):
        code = "110101" if role == "dongcheng" else "110101001000"
        return path.startswith(Jurisdiction.objects.get(code=code).path)
    ent = getattr(holder, "enterprise_id", None)
    return ent is not None and RoleAssignment.objects.filter(user=user, enterprise_id=ent).exists()


@pytest.mark.parametrize("role", SIGNED_IN)
def test_approvals_designed_outcomes(world, role, db):
    swept_on_sqlite_only(role)
    from envbureau.core.models import Jurisdiction

    client, user = client_for(world, role)
    district = Jurisdiction.objects.get(code="110101").path
    records = {}
    for k, label in APPROVALS_RECORDS.items():
        qs = apps.get_model(label)._default_manager.order_by("pk")
        where = "permit__jurisdiction__path" if k == "report" else "jurisdiction__path"
        # the first record, one outside 东城区 and one inside: both answers (seen / not seen) for the officers and
        # the enterprise, not only the first record's
        picks = [qs.first(), qs.exclude(**{f"{where}__startswith": district}).first(),
                 qs.filter(**{f"{where}__startswith": district}).first()]
        records[k] = list({r.pk: r for r in picks if r is not None}.values())
    wrong, checked, both = [], 0, set()
    for name, ep in _approvals_endpoints():
        kind, outcome = APPROVALS_TABLE[name]
        chosen = (records.get(kind) or [None]) if kind else [None]
        if "format" in ep.kwargs:
            chosen = chosen[:1]  # the .json variant: the first record is enough
        for record in chosen:
            values = {"pk": str(record.pk if record is not None else 999999), "verb": "x", "format": "json"}
            url = ep.build(values)
            assert url is not None, (name, ep.pattern)
            sees = record is not None and _approvals_sees(record, role, user)
            want = outcome(role, sees)
            got = _get(client, url).status_code
            checked += 1
            both.add((kind, sees))
            if got != want:
                wrong.append(f"{url} ({name}): expected {want}, got {got}")
    assert checked > 100
    if role in ("dongcheng", "enterprise"):  # the demo has records on both sides of their scope
        assert {("eia", True), ("eia", False), ("permit", True), ("permit", False)} <= both, sorted(both, key=str)
    anon = Client()
    for url in ("/approvals/eia/", "/api/v1/approvals/eia/"):
        assert anon.get(url).status_code in (302, 401, 403)
    assert not wrong, "\n".join(wrong)


# ----------------------------------------------------------------------------------------------
# Statistics pages: whose figures each role reads (core.params.statistics_scope)
# ----------------------------------------------------------------------------------------------
# The product rule: a statistics page counts one scope and names it. Readers with an area get their own (widest)
# area by default, and an area outside it is a 400 naming `jurisdiction`. An enterprise account gets its own
# enterprise where the module keeps an enterprise's own records (approvals: its applications, permits, reports,
# plans) — a ?jurisdiction= is then not applied (200, with a note), never widened — and 403 where the statistics
# count an area's work (enforcement; projects: projects and funds, outfalls, grids).
AREA = {"admin": "110000", "leader": "110000", "air_staff": "110000", "enforcement": "110000",
        "petition": "110000", "dongcheng": "110101", "donghuamen": "110101001000"}
OFFICERS = ("dongcheng", "donghuamen")


def _area_or_refused(role, city_param):
    if role == "enterprise":
        return 403
    return 400 if (city_param and role in OFFICERS) else 200


STATISTICS_DESIGN = {
    # approvals: every role 200; an officer asking for the city 400; an enterprise asking for it 200 (not applied)
    "/approvals/statistics/": lambda role: 200,
    "/api/v1/approvals/statistics/": lambda role: 200,
    "/approvals/statistics/?jurisdiction=110000": lambda role: 400 if role in OFFICERS else 200,
    "/api/v1/approvals/statistics/?jurisdiction=110000": lambda role: 400 if role in OFFICERS else 200,
    "/approvals/statistics/?jurisdiction=110000&export=xlsx": lambda role: 400 if role in OFFICERS else 200,
    **{url + q: (lambda role, c=bool(q): _area_or_refused(role, c))
       for url in ("/projects/statistics/", "/api/v1/projects/statistics/", "/projects/grids/statistics/",
                   "/api/v1/projects/grids/statistics/", "/projects/outfalls/statistics/",
                   "/api/v1/projects/outfalls/statistics/", "/api/v1/projects/outfalls/map/",
                   "/enforcement/statistics/", "/api/v1/enforcement/statistics/")
       for q in ("", "?jurisdiction=110000")},
    "/projects/statistics/?export=xlsx": lambda role: _area_or_refused(role, False),
}


@pytest.mark.parametrize("role", SIGNED_IN)
def test_statistics_designed_outcomes(world, role, db):
    swept_on_sqlite_only(role)
    from envbureau.core.models import RoleAssignment

    client, user = client_for(world, role)
    wrong = []
    for url, outcome in STATISTICS_DESIGN.items():
        want, got = outcome(role), _get(client, url).status_code
        if got != want:
            wrong.append(f"{url}: expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)
    # and whose figures they are: the role's own area, or its own enterprise named as such
    a = _get(client, "/api/v1/approvals/statistics/").json()
    if role == "enterprise":
        ent = RoleAssignment.objects.filter(user=user, enterprise_id__isnull=False).first()
        assert (a["scope"], a["jurisdiction"], a["scope_name"]) == ("enterprise", "", ent.enterprise_name)
        assert "北京市" not in a["sentence"]
        b = _get(client, "/api/v1/approvals/statistics/?jurisdiction=110000").json()
        assert b["figures"] == a["figures"] and b["scope"] == "enterprise" and b["note"]
    else:
        assert (a["scope"], a["jurisdiction"]) == ("area", AREA[role])
        assert _get(client, "/api/v1/projects/statistics/").json()["jurisdiction"] == AREA[role]
        assert _get(client, "/api/v1/projects/grids/statistics/").json()["jurisdiction"] == AREA[role]
