"""Nothing a bureau user reads is an internal value.

Every web page of the URL conf (found like the authorization matrix does) is rendered as the bureau leader
and as the platform admin, on the first object of each kind, and the visible text (outside scripts, styles and
tags) must not carry the tell-tales of a developer's view of the data: Python lists/dicts (``['…']``,
``{'rows': …}``), Python reprs (``<Enterprise: …>``, ``object at 0x…``, ``None``/``True``/``False``), object
labels of the form ``ledger.problem:54`` / ``sources.alarm#1`` / ``企业 (#1)``, state codes (``open``,
``petition → registered``) and pollutant codes (``so2``, HJ 212 ``w01001``).

The pages are the ones the authorization matrix's sweep renders anyway (tests/test_authorization_matrix.py,
``test_sweep``): one render of each page serves every check, so the checks of whole pages here are functions of
(endpoint, url, html) that the sweep runs on its 200 HTML answers — internals as the leader and the admin, row labels
as the admin, filter forms as the admin and a district officer (``page_checks`` there). This module tests the checkers
themselves and what is not a page sweep.
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.apps import apps
from django.db import models

from test_authorization_matrix import world  # noqa: F401  (fixture)

OWN_APPS = {"core", "quality", "sources", "ledger", "complaints", "enforcement", "reports", "projects", "waste", "soil", "approvals"}

TELL_TALES = [
    (re.compile(r"\['|\[\"|\[\]"), "a Python list"),
    (re.compile(r"\{'|\{\"|\{\}"), "a Python dict"),
    (re.compile(r"<[A-Z]\w*: |object at 0x[0-9a-f]+|\b(?:QuerySet|Decimal|datetime\.\w+)\("), "a Python repr"),
    (re.compile(r"\b[a-z_]+\.[a-z_]+(?::|#)\d+\b"), "a model label with a primary key"),
    (re.compile(r"\(#\d+\)"), "an object shown by its id"),
    (re.compile(r"(?<![\w&/#])#\d+\b"), "an object shown by its id"),
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
    """The text between tags, outside scripts, styles, <pre>/<textarea> and form controls' options values.
    Text in <code> is checked like any other: it hid a warning's references as stored ("quality.warning:12 ←
    quality.airstation:1"). What <code> still holds is what its reader types or compares: random-draw seeds and
    hashes, permission codes of sign-off steps, MN/CN codes and a command on the gateway page, the audit entry's
    model and request id; none of them is one of the tell-tales below."""
    html = re.sub(r"(?is)<(script|style|pre|textarea)\b.*?</\1>", " ", html)
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
           "<span>open</span>", "<td>so2</td>", "<td>w01001</td>", "<td>None</td>", "<p>&lt;Enterprise: x&gt;</p>",
           "<dd><code>quality.warning:12</code></dd>", "<td>COD <code>w01018</code></td>",
           "<h3>报警 #4 · 恒值</h3>", "<td>东城热电 #12</td>"]
    for html in bad:
        assert problems_in(html, "t", codes), html
    good = ["<td>水环境重点排污单位、大气环境重点排污单位</td>", "<td>SO₂ (μg/m³)</td>", "<td>化学需氧量</td>",
            "<span>已登记</span>", "<td>No. 1</td>", "<td>pH (w01001)</td>", "<script>x = {'a': 1}</script>"]
    for html in good:
        assert not problems_in(html, "t", codes), html


def internals_in(pages) -> list[str]:
    """Sweep check: tell-tale internals on any web page (the admin site is Django's own)."""
    codes = _state_codes()
    problems, n = [], 0
    for ep, url, html in pages:
        if ep.is_admin_site:
            continue
        n += 1
        problems += problems_in(html, f"{url} [{ep.name}]", codes)
    if n <= 40:
        problems.append(f"internals: only {n} pages rendered (more than 40 expected)")
    return problems


# ---------------------------------------------------------------- detail pages label rows in words
SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
LABEL_CELL = re.compile(r"(?is)<(th|dt|label)\b[^>]*>(.*?)</\1>")


def attribute_labels(html: str) -> list[str]:
    """Row and field labels (th, dt, label) that are an attribute name ("land_class_label")."""
    out = []
    for _tag, inner in LABEL_CELL.findall(html):
        text = htmllib.unescape(re.sub(r"<[^>]+>", " ", inner)).strip()
        if SNAKE.fullmatch(text):
            out.append(text)
    return out


def test_attribute_label_checker_itself():
    assert attribute_labels('<tr><th class="pe-4">land_class_label</th><td>第一类用地</td></tr>') == ["land_class_label"]
    assert attribute_labels("<dt>kind_label</dt><label for=x>level_label</label>") == ["kind_label", "level_label"]
    assert attribute_labels("<th>用地类别</th><th>PM2.5</th><th>MN</th><th>pH</th><th>w01001</th><th>No. 1</th>") == []


def test_unlabelled_detail_field_is_refused():
    """A module that lists a computed attribute without a label on its detail page fails at start-up."""
    from django.core.exceptions import ImproperlyConfigured

    from envbureau.core.generic import Crud, detail_label
    from envbureau.projects.models import CampaignTarget, Grid
    from envbureau.soil.models import Plot

    assert str(detail_label(Plot, "land_class_label")) == "用地类别"  # labelled
    assert str(detail_label(Grid, "level_label")) == str(Grid._meta.get_field("level").verbose_name)  # <field>_label
    assert str(detail_label(CampaignTarget, "class_label")) == "整治类型"
    assert detail_label(Plot, "safely_used") is None
    with pytest.raises(ImproperlyConfigured, match="safely_used"):
        Crud(Plot, url_prefix="x", namespace="soil", title="x", detail_fields=["code", "safely_used"])


def attribute_labels_in(pages) -> list[str]:
    """Sweep check: every page of an object (the first of each kind) labels its rows and fields in words, never
    ``land_class_label``: the generic detail page takes a field's verbose name or a property's label."""
    problems, n = [], 0
    for ep, url, html in pages:
        if not ep.object_kwarg or ep.is_admin_site:
            continue
        n += 1
        problems += [f"{url} [{ep.name}]: row labelled by attribute name: {label}" for label in attribute_labels(html)]
    if n <= 30:
        problems.append(f"row labels: only {n} object pages rendered (more than 30 expected)")
    return problems


# ---------------------------------------------------------------- filter forms ask for names, not ids

ASKS_FOR_ID = re.compile(r"(?<![A-Za-z])ID(?![A-Za-z])|\bId\b|区划代码|属地代码|部门代码|单位代码")
CONTROL = re.compile(r"(?is)<label\b(?P<lattrs>[^>]*)>(?P<label>.*?)</label>|<(?P<tag>input|select|textarea)\b(?P<attrs>[^>]*)>")
ATTR = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')


def _fk_names() -> set[str]:
    """Names of the foreign keys (and stored ids of other apps' objects) of every model of the project: a
    filter on one of them typed into a box asks the user for an id."""
    out = set()
    for model in apps.get_models():
        if model._meta.app_label not in OWN_APPS:
            continue
        for f in model._meta.concrete_fields:
            if f.is_relation or (f.name.endswith("_id") and isinstance(f, models.IntegerField)):
                out.add(f.name)
    return out


def id_inputs_in(page: str, where: str, fk_names: set[str]) -> list[str]:
    """Every visible control of the page's GET forms (filters) that asks for an id or a code: its label says
    so (企业ID, 区划代码…), or it is a number box for an object reference, or any box for an `…_id` (not a
    list to choose from, not the type-ahead picker, whose value input is hidden)."""
    out = []
    for form in re.findall(r'(?is)<form\b[^>]*method="get"[^>]*>(.*?)</form>', page):
        labels = {m.group(1): _text(m.group(2))
                  for m in re.finditer(r'(?is)<label\b[^>]*for="([^"]+)"[^>]*>(.*?)</label>', form)}
        last_label = ""  # a label without `for` names the control that follows it
        for m in CONTROL.finditer(form):
            if m.group("label") is not None:
                last_label = "" if 'for="' in m.group("lattrs") else _text(m.group("label"))
                continue
            tag, a = m.group("tag").lower(), dict(ATTR.findall(m.group("attrs")))
            kind = a.get("type", "text").lower() if tag == "input" else tag
            if kind in ("hidden", "submit", "button", "reset", "checkbox", "radio"):
                continue
            name = a.get("name", "")
            label = labels.get(a.get("id", ""), "") or last_label
            last_label = ""
            if ASKS_FOR_ID.search(label) or ASKS_FOR_ID.search(a.get("placeholder", "")):
                out.append(f"{where}: «{label or a.get('placeholder')}» ({name or 'unnamed'}) asks for an id or a code")
            elif (kind == "number" and name in fk_names) or (
                    kind not in ("select", "textarea") and (name == "id" or name.endswith("_id"))):
                out.append(f"{where}: the box «{name}» ({label}) takes an object's id: pick it by name")
    return out


def _text(html: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", html)).strip()


def test_id_input_checker_itself():
    fks = {"project", "enterprise_id"}
    bad = ['<form method="get"><label for="a">企业ID</label><input id="a" name="x"></form>',
           '<form method="get"><label for="a">属地(区划代码)</label><input id="a" name="jurisdiction"></form>',
           '<form method="get"><label for="a">项目</label><input type="number" id="a" name="project"></form>',
           '<form method="get"><input name="enterprise_id" type="number"></form>',
           '<form method="get"><label for="d">Department ID</label><input id="d" name="department"></form>',
           '<form method="get"><div><label class="x">区划代码</label><input name="jurisdiction"></div></form>']
    for html in bad:
        assert id_inputs_in(html, "t", fks), html
    good = ['<form method="get"><label for="a">企业</label><div class="eb-picker"><input type="text" id="a">'
            '<input type="hidden" name="enterprise_id" value="3"></div></form>',
            '<form method="get"><label for="p">项目</label><select id="p" name="project"></select></form>',
            '<form method="get"><label for="q">搜索</label><input id="q" name="q"></form>',
            '<form method="get"><label>责任单位</label><input name="unit"></form>',
            '<form method="post"><input name="enterprise_id"></form>']
    for html in good:
        assert not id_inputs_in(html, "t", fks), html


def id_inputs_in_pages(pages) -> list[str]:
    """Sweep check (issue #10): every list and statistics page's filters pick enterprises, projects, campaigns, grids,
    cases, departments and areas by name (type-ahead in scope, or a list), never by typing an id or a code. Read in
    Chinese: the labels it looks for (区划代码, 企业ID) are the Chinese UI's."""
    fks = _fk_names()
    problems, forms = [], 0
    for ep, url, page in pages:
        if ep.is_admin_site:
            continue
        forms += len(re.findall(r'(?i)<form\b[^>]*method="get"', page))
        problems += id_inputs_in(page, f"{url} [{ep.name}]", fks)
    if forms <= 30:
        problems.append(f"filter forms: only {forms} GET forms rendered (more than 30 expected)")
    return problems
