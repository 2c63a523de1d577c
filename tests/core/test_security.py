"""Login throttling, CSRF, cookies and secrets, password change, bad input named by field."""

import os
import stat
import subprocess
import sys

import pytest
from django.test import Client

from envbureau.core.models import AuditEntry, Jurisdiction, LoginCounter, User

PW = "Demo@2026"
MW = "envbureau.core.middleware.PasswordChangeRequiredMiddleware"


def login(c, username, password):
    return c.post("/accounts/login/", {"username": username, "password": password})


def test_login_lockout_after_repeated_failures(demo_core, settings):
    settings.LOGIN_MAX_FAILURES = 3
    c = Client()
    for _ in range(3):
        r = login(c, "leader", "wrong")
        assert r.status_code == 200 and "_auth_user_id" not in c.session
    # Locked: even the right password is refused, with a message saying so.
    r = login(c, "leader", PW)
    assert "_auth_user_id" not in c.session and "登录失败次数过多" in r.content.decode()
    # The API token endpoint shares the lock (no way around it).
    r = Client().post("/api/v1/auth/token/", {"username": "leader", "password": PW})
    assert r.status_code == 429 and "登录失败次数过多" in r.json()["error"]["message"]
    # The window passes: the account opens again, and a success clears the counter.
    LoginCounter.objects.update(last="2000-01-01T00:00:00Z")
    r = login(c, "leader", PW)
    assert r.status_code == 302 and c.session["_auth_user_id"]
    assert not LoginCounter.objects.filter(username="leader", remote_addr="127.0.0.1").exists()
    # Another account is not affected by someone else's failures.
    assert login(Client(), "petition", PW).status_code == 302


def test_token_endpoint_failures_count(demo_core, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        assert Client().post("/api/v1/auth/token/", {"username": "admin", "password": "x"}).status_code == 400
    assert Client().post("/api/v1/auth/token/", {"username": "admin", "password": PW}).status_code == 429
    LoginCounter.objects.all().delete()
    r = Client().post("/api/v1/auth/token/", {"username": "admin", "password": PW})
    assert r.status_code == 200 and len(r.json()["token"]) == 64


def test_csrf_is_enforced(demo_core):
    c = Client(enforce_csrf_checks=True)
    assert login(c, "admin", PW).status_code == 403
    page = c.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    r = c.post("/accounts/login/", {"username": "admin", "password": PW, "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    # A session-authenticated API write needs the CSRF token too.
    r = c.post("/api/v1/core/departments/", {"code": "x1", "name": "x1"}, content_type="application/json")
    assert r.status_code == 403 and "CSRF" in r.json()["error"]["message"]
    r = c.post("/api/v1/core/departments/", {"code": "x1", "name": "x1"}, content_type="application/json",
               HTTP_X_CSRFTOKEN=c.cookies["csrftoken"].value)
    assert r.status_code == 201


def _settings_in_subprocess(env_extra, expr, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "SECURE_COOKIES")}
    env.update({"ENVBUREAU_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "envbureau.settings", **env_extra})
    out = subprocess.run([sys.executable, "-c", f"import envbureau.settings as s; print({expr})"], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_secure_cookies_unless_debug_and_generated_secret(tmp_path):
    expr = "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.DEBUG"
    assert _settings_in_subprocess({}, expr, tmp_path) == "True True True False"
    assert _settings_in_subprocess({"DEBUG": "1"}, expr, tmp_path) == "False False True True"
    # No secret in the repo: generated once into the data folder, private, and stable.
    key1 = _settings_in_subprocess({}, "s.SECRET_KEY", tmp_path)
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == key1 and len(key1) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _settings_in_subprocess({}, "s.SECRET_KEY", tmp_path) == key1
    assert _settings_in_subprocess({"SECRET_KEY": "from-env"}, "s.SECRET_KEY", tmp_path) == "from-env"


def test_passwords_are_hashed(demo_core):
    u = User.objects.get(username="admin")
    assert PW not in u.password and u.check_password(PW)
    e = AuditEntry.objects.filter(model="core.user", object_id=str(u.pk)).first()
    assert e.changes["password"][1] == "***"


def test_password_change_flow(client_for):
    c = client_for("petition")
    r = c.post("/accounts/password/", {"old_password": "wrong", "new_password1": "N3w-secret-pw!",
                                       "new_password2": "N3w-secret-pw!"})
    assert r.status_code == 200 and "旧密码" in r.content.decode()
    r = c.post("/accounts/password/", {"old_password": PW, "new_password1": "N3w-secret-pw!",
                                       "new_password2": "N3w-secret-pw!"})
    assert r.status_code == 302 and r["Location"] == "/accounts/password/done/"
    assert User.objects.get(username="petition").check_password("N3w-secret-pw!")
    assert c.get("/").status_code == 200  # still signed in (session hash updated)


@pytest.fixture
def forced(settings, demo_core):
    if MW not in settings.MIDDLEWARE:
        i = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:i + 1], MW, *settings.MIDDLEWARE[i + 1:]]
    User.objects.filter(username="dongcheng").update(must_change_password=True)


def test_must_change_password_redirect(forced):
    c = Client()
    r = login(c, "dongcheng", PW)
    assert r.status_code == 302 and r["Location"] == "/accounts/password/"
    r = c.get("/admin-area/jurisdictions/")
    assert r.status_code == 302 and r["Location"] == "/accounts/password/"
    r = c.get("/api/v1/me/")
    assert r.status_code == 403 and r.json()["error"]["code"] == "password_change_required"
    assert c.get("/accounts/password/").status_code == 200
    r = c.post("/accounts/password/", {"old_password": PW, "new_password1": "Dc-new-pass-2026",
                                       "new_password2": "Dc-new-pass-2026"})
    assert r.status_code == 302
    assert not User.objects.get(username="dongcheng").must_change_password
    assert c.get("/admin-area/jurisdictions/").status_code == 200


def test_form_rejects_bad_input_naming_the_field(client_for):
    c = client_for("admin")
    city = Jurisdiction.objects.get(code="110000").pk
    r = c.post("/admin-area/jurisdictions/add/", {"code": "bad code!", "name": "", "level": "district",
                                                  "parent": city, "sort_order": "x"})
    assert r.status_code == 400
    form = r.context["form"]
    assert set(form.errors) == {"code", "name", "sort_order"}
    assert form.errors["name"] == ["该字段是必填项。"]
    assert "代码只能包含字母、数字、下划线或连字符" in form.errors["code"][0]
    page = r.content.decode()
    assert "区划代码" in page and "该字段是必填项。" in page
    assert not Jurisdiction.objects.filter(code="bad code!").exists()


def test_api_rejects_bad_input_naming_the_field(client_for):
    c = client_for("admin")
    before = AuditEntry.objects.count()
    r = c.post("/api/v1/core/jurisdictions/", {"code": "bad code!", "level": "nowhere", "parent": "999"},
               content_type="application/json")
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "invalid" and err["status"] == 400
    assert set(err["fields"]) == {"code", "name", "level", "parent"}
    assert err["fields"]["name"] == ["该字段是必填项。"]
    assert "代码只能包含字母、数字" in err["fields"]["code"][0]
    r = c.post("/api/v1/core/users/", {"username": "newbie", "password": "123"}, content_type="application/json")
    assert r.status_code == 400 and "这个密码太常见了。" in r.json()["error"]["fields"]["password"]
    assert not User.objects.filter(username="newbie").exists()
    assert AuditEntry.objects.count() == before  # nothing half-written


def test_user_form_bad_password_writes_nothing(client_for):
    c = client_for("admin")
    r = c.post("/admin-area/users/add/", {"username": "weak", "password1": "123"})
    assert r.status_code == 400 and "password1" in r.context["form"].errors
    assert not User.objects.filter(username="weak").exists()


def test_malformed_query_parameters_do_not_crash(client_for):
    c = client_for("admin")
    assert c.get("/admin-area/jurisdictions/?page_size=abc&page=zz").status_code == 200
    assert c.get("/admin-area/jurisdictions/?page_size=100000").status_code == 200
    assert c.get("/audit/?since=not-a-date").status_code == 200
    assert c.get("/api/v1/core/audit/?since=not-a-date").status_code == 400


def test_admin_site_login_shares_the_lockout(demo_core, settings):
    settings.LOGIN_MAX_FAILURES = 2
    c = Client()
    for _ in range(2):
        c.post("/admin/login/", {"username": "admin", "password": "wrong"})
    r = c.post("/admin/login/?next=/admin/", {"username": "admin", "password": PW})
    assert r.status_code == 200 and "登录失败次数过多" in r.content.decode()
    assert "_auth_user_id" not in c.session
