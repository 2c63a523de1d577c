"""Chinese by default, English when chosen: pages, navigation, errors; the catalogue is complete."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import envbureau

CATALOGUE = Path(envbureau.__file__).parent / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[-+ #0]*\d*(?:\.\d+)?([sdfr])")


def english(client):
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    return client


def test_login_page_switches_language(db):
    c = Client()
    page = c.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page and "用户名" in page and "Sign in" not in page
    page = english(c).get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page and "Sign in" in page and "Username" in page and "用户名" not in page


def test_navigation_labels_switch_language(client_for):
    c = client_for("admin")
    page = c.get("/").content.decode()
    for label in ("系统管理", "用户", "审计日志", "行政区划", "退出登录"):
        assert label in page
    page = english(c).get("/").content.decode()
    for label in ("System", "Users", "Audit log", "Jurisdictions", "Sign out", "Welcome"):
        assert label in page, label
    assert "系统管理" not in page and "退出登录" not in page


def test_errors_in_the_users_language(client_for):
    from envbureau.core.models import Jurisdiction

    c = english(client_for("admin"))
    city = Jurisdiction.objects.get(code="110000").pk
    r = c.post("/admin-area/jurisdictions/add/", {"code": "bad code!", "name": "", "level": "district",
                                                  "parent": city, "sort_order": 0})
    page = r.content.decode()  # what the user reads (the form's lazy messages are rendered in the request's language)
    assert "This field is required." in page and "A code may contain only letters" in page
    assert "该字段是必填项" not in page
    r = c.post("/api/v1/core/jurisdictions/", {"code": "bad code!"}, content_type="application/json",
               HTTP_ACCEPT_LANGUAGE="en")
    fields = r.json()["error"]["fields"]
    assert fields["name"] == ["This field is required."] and fields["code"][0].startswith("A code may")
    r = client_for("admin").post("/api/v1/core/jurisdictions/", {"code": "bad code!"},
                                 content_type="application/json")
    assert r.json()["error"]["fields"]["code"][0].startswith("代码只能包含")


def test_import_errors_in_english(client_for):
    from envbureau.core.models import ImportJob

    c = english(client_for("admin"))
    data = "区划代码,名称,层级,上级区划代码\n110105100000,,区县,110105\n".encode()
    c.post("/imports/core.jurisdiction/upload/", {"file": SimpleUploadedFile("a.csv", data)})
    assert ImportJob.objects.get().errors == [{"row": 2, "column": "Name", "value": "",
                                               "message": "Required value is empty"}]


def test_catalogue_complete_and_compiled():
    polib = pytest.importorskip("polib", reason="polib (test extra) reads the catalogue")
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    assert len(po) > 150
    # Core and the shared templates are fully translated (other apps' strings may join the catalogue
    # untranslated when scripts/i18n.sh runs over the whole tree; they then show in Chinese).
    ours = [e for e in po if any(f.startswith(("core/", "templates/")) for f, _line in e.occurrences)]
    assert len(ours) > 150
    untranslated = [e.msgid for e in ours if not e.translated()]
    assert not untranslated, f"untranslated UI strings: {untranslated[:20]}"
    # The committed .mo is the compiled .po (run scripts/i18n.sh after editing the .po).
    # Keyed by (context, msgid): a word may be translated one way in the menu (pgettext "nav") and another in text.
    assert {(e.msgctxt, e.msgid): e.msgstr for e in po if e.translated()} == \
        {(e.msgctxt, e.msgid): e.msgstr for e in mo if e.msgid}
    # Placeholders survive translation.

    for e in po:
        if not e.translated():
            continue
        # Plural entries (ngettext) carry their translations in msgstr_plural.
        for msgstr in ([e.msgstr] if not e.msgid_plural else list(e.msgstr_plural.values())):
            # the same names and conversions; flags and widths may differ (%(m)02d for %(m)d in "2016-03")
            assert sorted(PLACEHOLDER.findall(e.msgid)) == sorted(PLACEHOLDER.findall(msgstr)), e.msgid


def test_browser_language_is_ignored_for_pages(db, settings):
    settings.MIDDLEWARE = [("envbureau.core.middleware.LocaleMiddleware"
                            if m == "django.middleware.locale.LocaleMiddleware" else m) for m in settings.MIDDLEWARE]
    c = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名" in c.get("/accounts/login/").content.decode()
    assert "Username" in english(c).get("/accounts/login/").content.decode()
    api = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert api.get("/api/v1/me/").json()["error"]["message"].startswith("Authentication credentials")
    assert Client().get("/api/v1/me/").json()["error"]["message"] == "身份认证信息未提供。"


def test_a_request_in_english_leaves_the_threads_language_alone(db):
    """A page served in English must not leave English active for what runs next on the thread (a command,
    a job, the next test): the work summary once came out in the wrong language after such a request."""
    from django.utils import translation

    with translation.override("zh-hans"):
        c = english(Client())
        assert "Sign in" in c.get("/accounts/login/").content.decode()
        assert translation.get_language() == "zh-hans"
        assert translation.gettext("用户名") == "用户名"
