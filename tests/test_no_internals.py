"""Nothing a bureau user reads is an internal value.

Every web page of the URL conf (found like the authorization matrix does) is rendered as the bureau leader
and as the platform admin, on the first object of each kind, and the visible text (outside scripts, styles and
tags) must not carry the tell-tales of a developer's view of the data: Python lists/dicts (``['…']``,
``{'rows': …}``), Python reprs (``<Enterprise: …>``, ``object at 0x…``, ``None``/``True``/``False``), object
labels of the form ``ledger.problem:54`` / ``sources.alarm#1`` / ``企业 (#1)``, state codes (``open``,
``petition → registered``) and pollutant codes (``so2``, HJ 212 ``w01001``).
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from test_authorization_matrix import HEAVY_PUBLIC, endpoints, world  # noqa: F401  (fixture)

OWN_APPS = {"core", "quality", "sources", "ledger", "complaints", "enforcement", "reports", "projects", "waste", "soil", "approvals"}

TELL_TALES = [
    (re.compile(r"\['|\[\"|\[\]"), "a Python list"),
    (re.compile(r"\{'|\{\"|\{\}"), "a Python dict"),
    (re.compile(r"<[A-Z]\w*: |object at 0x[0-9a-f]+|\b(?:QuerySet|Decimal|datetime\.\w+)\("), "a Python repr"),
    (re.compile(r"\b[a-z_]+\.[a-z_]+(?::|#)\d+\b"), "a model label with a primary key"),
    (re.compile(r"\(#\d+\)"), "an object shown by its id"),
    (re.compile(r"(?<![\w-])(?:None|True|False)(?![\w-])"), "a Python constant"),
    (re.compile(r"(?<![\w./-])(?:so2|no2|pm25|pm2_5|pm10|o3|o3_8h|co)(?![\w./-])"), "a pollutant code in lower case"),
    # a factor code alone; beside its name in brackets ("pH (w01001)", "w01018(COD)") it is a reference
    (re.compile(r"(?<![\w./(（-])[aw]\d{5}(?![\w./)）(（-])"), "an HJ 212 factor code"),
]


def _state_codes() -> set[str]:
    """The stored values of every state/status field whose label differs: never shown bare. (Other codes,
    such as a department's or a role's code, are data an administrator types and reads.)"""
    out = set()
    for model in apps.get_models():
        if model._meta.app_label not in OWN_APPS:
            continue
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.CharField) or not f.choices or f.name not in ("state", "status"):
                continue
            for value, label in f.flatchoices:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]+", value) and str(label) != value:
                    out.add(value)
    return out


def visible_chunks(html: str) -> list[str]:
    """The text between tags, outside scripts, styles, <code> and form controls' options values."""
    html = re.sub(r"(?is)<(script|style|code|pre|textarea)\b.*?</\1>", " ", html)
    html = re.sub(r"(?is)<!--.*?-->", " ", html)
    return [htmllib.unescape(t).strip() for t in re.split(r"<[^>]+>", html) if t.strip()]


def problems_in(html: str, where: str, codes: set[str]) -> list[str]:
    out = []
    for chunk in visible_chunks(html):
        for rx, what in TELL_TALES:
            m = rx.search(chunk)
            if m:
                out.append(f"{where}: {what}: {chunk[max(m.start() - 40, 0):m.end() + 40]!r}")
        words = re.split(r"\s*(?:→|->|:|：)\s*", chunk)
        bare = [w for w in words if w in codes]
        if bare:
            out.append(f"{where}: a bare state/kind code {bare[0]!r} in {chunk[:80]!r}")
    return out


def _page_urls():
    out = []
    for ep in endpoints():
        if ep.is_api or ep.is_admin_site or ep.pattern.startswith(HEAVY_PUBLIC) or "format" in ep.kwargs:
            continue
        pk = None
        if ep.object_kwarg and ep.model is not None:
            pk = ep.model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        url = ep.build({ep.object_kwarg: pk} if pk is not None else None)
        if url is not None:
            out.append((ep, url))
    return out


def test_references_read_as_objects(world, db):  # noqa: F811
    """A stored cross-app reference ("app.model:pk") is shown as the object it names."""
    from envbureau.core.humanize import human
    from envbureau.core.models import Jurisdiction

    j = Jurisdiction.objects.get(code="110101")
    assert human(f"core.jurisdiction:{j.pk}") == f"行政区划 {j}"
    assert "core.jurisdiction" not in human("core.jurisdiction:987654321")
    assert human([True, None, "x"]) == "是、—、x"


def test_tell_tales_are_caught():
    """The checker itself: each internal it must catch, caught; ordinary Chinese text, not."""
    codes = {"registered", "open"}
    bad = ["<td>['水环境重点排污单位']</td>", "<div>{'rows': 3}</div>", "<a>ledger.problem:54</a>",
           "<a>sources.alarm#1</a>", "<td>企业 (#1)</td>", "<li>petition → registered</li>",
           "<span>open</span>", "<td>so2</td>", "<td>w01001</td>", "<td>None</td>", "<p>&lt;Enterprise: x&gt;</p>"]
    for html in bad:
        assert problems_in(html, "t", codes), html
    good = ["<td>水环境重点排污单位、大气环境重点排污单位</td>", "<td>SO₂ (μg/m³)</td>", "<td>化学需氧量</td>",
            "<span>已登记</span>", "<td>No. 1</td>", "<td>pH (w01001)</td>", "<code>w01001</code>", "<script>x = {'a': 1}</script>"]
    for html in good:
        assert not problems_in(html, "t", codes), html


@pytest.mark.parametrize("username", ["leader", "admin"])
def test_no_page_shows_internals(world, username, db):  # noqa: F811
    from envbureau.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    codes = _state_codes()
    problems, pages = [], 0
    for ep, url in _page_urls():
        r = client.get(url)
        if r.status_code != 200 or "html" not in r.get("Content-Type", ""):
            continue
        pages += 1
        problems += problems_in(r.content.decode(), f"{url} [{ep.name}]", codes)
    assert pages > 40
    assert not problems, f"{len(problems)} internals shown:\n" + "\n".join(problems)
