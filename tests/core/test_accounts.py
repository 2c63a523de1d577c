"""Accounts and API tokens: rotation on password change, forced password change, digests only, audit, validators."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from knox.models import AuthToken

from envbureau.core.models import AuditEntry, User

PW = "Demo@2026"
NEW_PW = "Gr33n-River-Valley"


def obtain(username, password=PW):
    return Client().post("/api/v1/auth/token/", {"username": username, "password": password})


def api(key):
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def password_entries(username):
    u = User.objects.get(username=username)
    return AuditEntry.objects.filter(model="core.user", object_id=str(u.pk), action="update",
                                     changes__has_key="password")


@pytest.fixture
def leader_token(demo_core):
    r = obtain("leader")
    assert r.status_code == 200, r.content
    key = r.json()["token"]
    assert api(key).get("/api/v1/me/").status_code == 200
    return key


def test_own_password_change_ends_tokens_and_is_audited(leader_token):
    c = Client()
    c.force_login(User.objects.get(username="leader"))
    assert not password_entries("leader").exists()
    r = c.post("/accounts/password/", {"old_password": PW, "new_password1": NEW_PW, "new_password2": NEW_PW})
    assert r.status_code == 302
    assert api(leader_token).get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user__username="leader").exists()
    e = password_entries("leader").get()
    assert e.changes["password"] == ["***", "***"] and e.actor_name == "leader" and e.source == "web"
    # The new password works, and a new token is issued for it.
    assert obtain("leader", NEW_PW).status_code == 200


def test_admin_password_reset_ends_tokens_web_and_api(leader_token, client_for):
    leader = User.objects.get(username="leader")
    admin = client_for("admin")
    r = admin.post(f"/admin-area/users/{leader.pk}/edit/", {
        "username": "leader", "display_name": leader.display_name, "email": "", "phone": "", "is_active": "on",
        "password1": NEW_PW})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert api(leader_token).get("/api/v1/me/").status_code == 401
    e = password_entries("leader").get()
    assert e.actor_name == "admin" and NEW_PW not in str(e.changes)
    # Through the API: same rotation, same audit.
    key = obtain("leader", NEW_PW).json()["token"]
    r = admin.patch(f"/api/v1/core/users/{leader.pk}/", {"password": "An0ther-Long-Phrase"},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    assert api(key).get("/api/v1/me/").status_code == 401
    assert password_entries("leader").count() == 2


def test_saving_without_a_new_password_keeps_tokens(leader_token):
    leader = User.objects.get(username="leader")
    leader.phone = "12369"
    leader.save()
    assert api(leader_token).get("/api/v1/me/").status_code == 200
    assert not password_entries("leader").exists()


def test_cli_password_change_is_audited_without_value(leader_token):
    leader = User.objects.get(username="leader")
    leader.set_password(NEW_PW)  # what `envbureau changepassword` does
    leader.save()
    assert api(leader_token).get("/api/v1/me/").status_code == 401
    e = password_entries("leader").get()
    assert NEW_PW not in str(e.changes) and e.changes["password"] == ["***", "***"]


def test_disabling_the_password_ends_tokens(leader_token):
    leader = User.objects.get(username="leader")
    leader.set_unusable_password()
    leader.save()
    assert api(leader_token).get("/api/v1/me/").status_code == 401
    assert password_entries("leader").get().changes["password"] == ["***", "***"]


def test_token_refused_while_password_change_due(leader_token):
    User.objects.filter(username="leader").update(must_change_password=True)
    r = api(leader_token).get("/api/v1/me/")
    assert r.status_code == 403 and r.json()["error"]["code"] == "password_change_required"
    r = api(leader_token).get("/api/v1/core/jurisdictions/")
    assert r.status_code == 403
    # No new token either, although the password is right; a wrong one still counts as wrong.
    r = obtain("leader")
    assert r.status_code == 403 and r.json()["error"]["code"] == "password_change_required"
    assert obtain("leader", "wrong").status_code == 400
    User.objects.filter(username="leader").update(must_change_password=False)
    assert api(leader_token).get("/api/v1/me/").status_code == 200


def test_only_digests_are_stored_and_admin_site_never_shows_tokens(leader_token, client_for):
    row = AuthToken.objects.get(user__username="leader")
    stored = " ".join(str(getattr(row, f.attname)) for f in row._meta.concrete_fields)
    assert leader_token not in stored and row.digest != leader_token
    admin = client_for("admin")
    for url in ("/admin/knox/authtoken/", f"/admin/knox/authtoken/{row.pk}/change/"):
        r = admin.get(url)
        assert r.status_code == 200, url
        body = r.content.decode()
        assert leader_token[:15] not in body, url  # the digest (the row's key) may show: it opens nothing
    assert admin.get("/admin/knox/authtoken/add/").status_code == 403
    assert not any(leader_token[:15] in str(e.changes) + e.object_repr for e in AuditEntry.objects.all())


@pytest.mark.parametrize("password", ["1", "12345678", "password1", "admin2026x"])
def test_createadmin_refuses_weak_passwords(demo_core, password):
    with pytest.raises(CommandError):
        call_command("createadmin", "admin2026x", "--password", password, stdout=io.StringIO())
    assert not User.objects.filter(username="admin2026x").exists()


def test_createadmin_accepts_strong_password(demo_core):
    call_command("createadmin", "root9", "--password", NEW_PW, stdout=io.StringIO())
    assert User.objects.get(username="root9").check_password(NEW_PW)


def test_createuser_refuses_weak_password(demo_core):
    with pytest.raises(CommandError):
        call_command("createuser", "weak1", "--role", "leader", "--password", "1", stdout=io.StringIO())
    assert not User.objects.filter(username="weak1").exists()


def test_weak_passwords_refused_on_web_api_and_admin_site(demo_core, client_for):
    admin = client_for("admin")
    leader = User.objects.get(username="leader")
    r = admin.post(f"/admin-area/users/{leader.pk}/edit/", {"username": "leader", "is_active": "on", "password1": "1"})
    assert r.status_code == 400 and "password1" in r.context["form"].errors
    r = admin.patch(f"/api/v1/core/users/{leader.pk}/", {"password": "1"}, content_type="application/json")
    assert r.status_code == 400 and "password" in r.json()["error"]["fields"]
    r = admin.post("/api/v1/core/users/", {"username": "weak2", "password": "12345678"},
                   content_type="application/json")
    assert r.status_code == 400
    # Django admin: add form and the password change form.
    r = admin.post("/admin/core/user/add/", {"username": "weak3", "usable_password": "true",
                                            "password1": "1", "password2": "1"})
    assert r.status_code == 200 and not User.objects.filter(username="weak3").exists()
    r = admin.post(f"/admin/core/user/{leader.pk}/password/", {"password1": "1", "password2": "1",
                                                               "usable_password": "true"})
    assert r.status_code == 200
    leader.refresh_from_db()
    assert leader.check_password(PW)


def test_cli_changepassword_validates_rotates_and_audits(leader_token, monkeypatch):
    import getpass

    answers = iter(["1", "1"] * 3)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError):  # "1" is refused three times: nothing changes
        call_command("changepassword", "leader", stdout=io.StringIO())
    assert api(leader_token).get("/api/v1/me/").status_code == 200 and not password_entries("leader").exists()
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": NEW_PW)
    call_command("changepassword", "leader", stdout=io.StringIO())
    assert api(leader_token).get("/api/v1/me/").status_code == 401
    e = password_entries("leader").get()
    assert e.changes["password"] == ["***", "***"] and NEW_PW not in str(e.changes)
