"""Sign-in lockout: atomic per (account, client address) with an account-wide ceiling; proxies trusted only by setting."""

import threading
import time

import pytest
from django.contrib.auth.backends import ModelBackend
from django.test import Client, RequestFactory

from envbureau.core.clientip import client_ip
from envbureau.core.models import LoginCounter

PW = "Demo@2026"


def login(username, password, addr="127.0.0.1", **extra):
    c = Client(REMOTE_ADDR=addr, **extra)
    r = c.post("/accounts/login/", {"username": username, "password": password})
    return r, "_auth_user_id" in c.session


def token(username, password, addr="127.0.0.1"):
    return Client(REMOTE_ADDR=addr).post("/api/v1/auth/token/", {"username": username, "password": password})


@pytest.fixture
def limits(settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_ACCOUNT_MAX_FAILURES = 8
    settings.LOGIN_LOCKOUT_SECONDS = 900
    settings.TRUSTED_PROXIES = []
    return settings


def test_limit_boundary_per_address(demo_core, limits):
    limits.LOGIN_ACCOUNT_MAX_FAILURES = 50
    for _ in range(4):
        assert not login("leader", "wrong", "10.1.1.1")[1]
    assert login("leader", PW, "10.1.1.1")[1], "4 failures < limit 5: the right password still works"
    assert not LoginCounter.objects.filter(username="leader", remote_addr="10.1.1.1").exists()
    for _ in range(5):
        assert not login("leader", "wrong", "10.1.1.1")[1]
    r, ok = login("leader", PW, "10.1.1.1")
    assert not ok and "登录失败次数过多" in r.content.decode(), "5 failures = limit: locked"
    # A stranger cannot lock the account out for others: another address signs in.
    assert login("leader", PW, "10.2.2.2")[1]
    # Same lock on the API token endpoint (429 with Retry-After) and the admin site for that address.
    r = token("leader", PW, "10.1.1.1")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert token("leader", PW, "10.3.3.3").status_code == 200


def test_account_wide_ceiling(demo_core, limits):
    for i in range(7):  # 7 failures from 3 addresses: under the ceiling of 8
        assert not login("admin", "wrong", f"10.0.{i % 3}.9")[1]
    assert login("admin", PW, "10.9.9.9")[1], "7 < ceiling 8"
    assert not login("admin", "wrong", "10.0.5.9")[1]  # the 8th failure (the success gave its try back)
    r, ok = login("admin", PW, "10.9.9.8")
    assert not ok and "登录失败次数过多" in r.content.decode(), "ceiling reached: locked from every address"
    # The window passes: open again.
    LoginCounter.objects.update(last="2000-01-01T00:00:00Z")
    assert login("admin", PW, "10.9.9.8")[1]


def test_spoofed_forwarded_for_is_ignored_without_trusted_proxy(demo_core, limits):
    for i in range(5):
        login("leader", "wrong", "10.1.1.1", HTTP_X_FORWARDED_FOR=f"172.16.0.{i}")
    assert not login("leader", PW, "10.1.1.1", HTTP_X_FORWARDED_FOR="172.16.9.9")[1]


def test_behind_a_trusted_proxy_each_client_has_its_own_count(demo_core, limits):
    limits.TRUSTED_PROXIES = ["10.0.0.1"]
    for _ in range(5):
        login("leader", "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert not login("leader", PW, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")[1]
    # The client cannot escape by prepending its own entry: the proxy appends the real peer on the right.
    assert not login("leader", PW, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")[1]
    assert login("leader", PW, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")[1]


@pytest.mark.parametrize("remote, xff, trusted, expected", [
    ("203.0.113.5", "1.2.3.4", [], "203.0.113.5"),                      # no proxy configured: header ignored
    ("203.0.113.5", "1.2.3.4", ["10.0.0.0/8"], "203.0.113.5"),          # peer is not a trusted proxy
    ("10.0.0.2", "1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),
    ("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.3", ["10.0.0.0/8"], "1.2.3.4"),  # two proxies, spoofed left entry
    ("10.0.0.2", "", ["10.0.0.0/8"], "10.0.0.2"),
    ("10.0.0.2", "garbage", ["10.0.0.0/8"], "10.0.0.2"),
    ("::1", "2001:db8::7", ["::1"], "2001:db8::7"),
])
def test_client_ip(settings, remote, xff, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=xff)
    assert client_ip(request) == expected


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_get_no_more_than_the_limit(limits, monkeypatch):
    """60 parallel wrong passwords: exactly LOGIN_MAX_FAILURES are checked, the rest refused unchecked."""
    from django.db import connection

    from envbureau.core.demo_core import load_core

    if connection.vendor == "sqlite":  # the in-memory test database cannot take parallel writers
        pytest.skip("needs a server database (make test runs it on PostgreSQL)")
    load_core(lambda m: None)
    limits.LOGIN_ACCOUNT_MAX_FAILURES = 1000
    checked = []
    original = ModelBackend.authenticate

    def slow_check(self, request, username=None, password=None, **kw):
        checked.append(username)
        time.sleep(0.05)  # a real password hash takes this long: the window the old check-then-count left open
        return original(self, request, username=username, password=password, **kw)

    monkeypatch.setattr(ModelBackend, "authenticate", slow_check)
    barrier = threading.Barrier(20)
    codes = []

    def guess():
        from django.db import connection

        try:
            barrier.wait()
            for _ in range(3):
                codes.append(token("admin", "wrong", "10.7.7.7").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(codes) == 60
    assert len(checked) == 5 and codes.count(400) == 5 and codes.count(429) == 55


def test_expired_counters_are_dropped(demo_core, limits, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from envbureau.core import lockout

    LoginCounter.objects.create(username="sprayed", remote_addr="10.0.0.9", failures=1,
                                last=timezone.now() - dt.timedelta(seconds=4 * 900 + 5))
    LoginCounter.objects.create(username="recent", remote_addr="10.0.0.9", failures=1,
                                last=timezone.now() - dt.timedelta(seconds=4 * 900 - 60))
    monkeypatch.setattr(lockout.secrets, "randbelow", lambda n: 0)
    assert lockout.reserve("someone", "10.0.0.8")
    assert not LoginCounter.objects.filter(username="sprayed").exists()
    assert LoginCounter.objects.filter(username="recent").exists()
