"""The OpenAPI schema describes what the API answers.

Every GET operation of /api/schema/ is called as the platform admin on the light demo, with real
object ids in its path and the query parameters it declares as required, and each 200 answer is
validated against the operation's documented response with openapi-core (maintained by the
python-openapi project; it applies OpenAPI 3.0's own rules — nullable, readOnly, enums — which a
bare JSON-Schema validator does not).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

import test_authorization_matrix as matrix

world = matrix.world  # the module-scoped light demo of every app

REQUIRED_DEFAULTS = {"jurisdiction": "110000", "year": str(dt.date.today().year), "kind": "quality.airstation"}
SKIP = ("/api/v1/public/open311/tokens/", "/api/v1/public/complaints/open311/tokens/")  # throttled lookups
# Known mismatches in code other sessions own and are changing now (the workflow kit's documents,
# tasks and notifications): listed so the sweep guards everything else.
# Remove an entry once its schema is fixed; the test fails if a listed operation starts to match.
KNOWN = set()


def _schema(client):
    r = client.get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    return r.json()


def _value_for(path, name, params):
    """A real value for a path parameter: the first object of the view's model (its lookup field)."""
    probe = path
    for p in params:
        probe = probe.replace("{" + p + "}", "1")
    try:
        match = resolve(probe)
    except Resolver404:
        return None
    cls = getattr(match.func, "cls", None)
    qs = getattr(cls, "queryset", None)
    if qs is None:
        return None
    obj = qs.model._default_manager.order_by("pk").first()
    if obj is None:
        return None
    field = getattr(cls, "lookup_field", "pk")
    return str(getattr(obj, "pk" if field in ("pk", "id") else field))


def _operations(schema):
    for path, item in schema["paths"].items():
        op = item.get("get")
        if op is None or path.startswith(SKIP):
            continue
        yield path, op


def test_every_get_answer_matches_the_schema(world, db):
    from openapi_core import OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    from envbureau.core.models import User

    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="admin"))
    schema = _schema(client)
    api = OpenAPI.from_dict(schema)
    problems, validated, skipped, known_seen = [], [], [], set()
    for path, op in _operations(schema):
        names = re.findall(r"{(\w+)}", path)
        url = path
        for n in names:
            v = _value_for(path, n, names)
            if v is None:
                break
            url = url.replace("{" + n + "}", v)
        if "{" in url:
            skipped.append(f"{path}: no object for its path")
            continue
        query = {p["name"]: REQUIRED_DEFAULTS.get(p["name"], "1") for p in op.get("parameters", [])
                 if p.get("in") == "query" and p.get("required")}
        r = client.get(url, query, HTTP_ACCEPT="application/json")
        if r.status_code != 200:
            skipped.append(f"{path}: {r.status_code}")
            continue
        body = b"".join(r.streaming_content) if r.streaming else r.content  # file downloads stream
        try:
            # By the literal path: the Django adapter rebuilds it from regex routes it cannot read.
            api.validate_response(MockRequest("http://testserver", "get", url, args=query),
                                  MockResponse(body, status_code=r.status_code,
                                               content_type=r["Content-Type"].split(";")[0]))
        except Exception as exc:  # noqa: BLE001 - every mismatch is reported with its operation
            if path in KNOWN:
                known_seen.add(path)
                continue
            detail = "; ".join(str(e) for e in getattr(exc, "schema_errors", []) or [])[:600]
            problems.append(f"GET {url}: {type(exc).__name__}: {exc} {detail}")
            continue
        if path in KNOWN:
            problems.append(f"GET {url}: matches the schema now; take it off KNOWN")
        validated.append(path)
    assert len(validated) >= 40, f"only {len(validated)} validated; skipped: {skipped}"
    assert not problems, f"{len(problems)} answers do not match the schema:\n" + "\n".join(problems)


@pytest.mark.parametrize("needle", ["/ledger/problems/statistics/", "/complaints/complaints/stats/",
                                    "/ledger/problems/{id}/events/", "/ledger/problems/{id}/transitions/",
                                    "/complaints/complaints/{id}/timeline/"])
def test_named_operations_are_documented_apart_from_the_model(world, db, needle):
    """These answers are not the record itself: the schema must not say they are."""
    from envbureau.core.models import User

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    schema = _schema(client)
    ops = [(p, op) for p, op in _operations(schema) if p.endswith(needle)]
    assert ops, needle
    for _p, op in ops:
        body = op["responses"]["200"]["content"]["application/json"]["schema"]
        assert body.get("$ref") not in ("#/components/schemas/Problem", "#/components/schemas/Complaint"), needle


def test_complaint_paging_parameters_are_documented(world, db):
    from envbureau.core.models import User

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    op = _schema(client)["paths"]["/api/v1/complaints/complaints/"]["get"]
    names = {p["name"] for p in op.get("parameters", [])}
    assert {"page", "page_size"} <= names or {"cursor", "page_size"} <= names, names


def test_open311_bodies_are_documented(world, db):
    client = Client()
    schema = _schema(client)
    for path, op in _operations(schema):
        if "/open311/" in path:
            body = op["responses"]["200"].get("content", {}).get("application/json", {}).get("schema")
            assert body, f"{path}: answer undocumented"
