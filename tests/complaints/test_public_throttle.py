"""Public lookups by code are throttled per client (429 + Retry-After), behind a proxy too; codes are 64-bit."""

import re

import pytest
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from envbureau.complaints.models import Complaint

pytestmark = pytest.mark.django_db

STATUS_API = "/api/v1/public/complaints/status/"
STATUS_PAGE = "/public/complaints/status/"
OPEN311 = "/api/v1/public/open311"


@pytest.fixture
def rate(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public_lookup": "5/min"}}
    settings.TRUSTED_PROXIES = []
    return settings


@pytest.fixture
def complaint(make_complaint):
    return make_complaint()


def _guess(url, addr="198.51.100.7", **extra):
    return Client(REMOTE_ADDR=addr, **extra).get(url)


@pytest.mark.parametrize("kind", ["api", "page", "token", "request"])
def test_lookup_throttled_per_client_at_the_limit(rate, complaint, kind):
    n = complaint.number
    url = {"api": f"{STATUS_API}?number={n}&code=%s", "page": f"{STATUS_PAGE}?number={n}&code=%s",
           "token": f"{OPEN311}/tokens/%s.json", "request": f"{OPEN311}/requests/{n}.json?query_code=%s"}[kind]
    for i in range(5):  # up to the limit: answered (a wrong code is simply not found / not shown)
        r = _guess(url % f"{i:016x}")
        assert r.status_code in (200, 404), (i, r.status_code)
    r = _guess(url % complaint.query_code)  # the 6th within the minute: refused, even with the right code
    assert r.status_code == 429
    assert 1 <= int(r["Retry-After"]) <= 60
    # Another client is not affected.
    r = _guess(url % complaint.query_code, addr="198.51.100.8")
    assert r.status_code == 200 and complaint.number in r.content.decode()


def test_window_passes(rate, complaint, monkeypatch):
    import time

    now = time.time()
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: now)
    for _ in range(5):
        _guess(f"{OPEN311}/tokens/0000000000000000.json")
    assert _guess(f"{OPEN311}/tokens/0000000000000000.json").status_code == 429
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: now + 61)
    assert _guess(f"{OPEN311}/tokens/{complaint.query_code}.json").status_code == 200


def test_request_without_code_is_not_throttled(rate, complaint):
    for _ in range(8):
        assert _guess(f"{OPEN311}/requests/{complaint.number}.json").status_code == 200


def test_forwarded_for_counts_only_from_a_trusted_proxy(rate, complaint):
    url = f"{OPEN311}/tokens/0000000000000000.json"
    # Not trusted: rotating the header does not make new clients.
    for i in range(5):
        _guess(url, addr="198.51.100.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert _guess(url, addr="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    # Behind a trusted proxy every client has its own count, and the proxy itself is never throttled as one.
    rate.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for _ in range(5):
        assert _guess(url, addr="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.50").status_code == 404
    assert _guess(url, addr="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.50").status_code == 429
    assert _guess(url, addr="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.51").status_code == 404


def test_new_codes_are_64_bit_and_old_codes_still_work(rate, make_complaint, settings):
    new = make_complaint()
    assert re.fullmatch(r"[0-9a-f]{16}", new.query_code)
    r = Client().post("/public/complaints/", {
        "category": "noise", "sub_category": "noise_construction", "title": "夜间施工", "content": "夜间施工噪声",
        "location": "东华门大街", "jurisdiction": new.jurisdiction_id, "complainant_name": "李四",
        "complainant_phone": "13900001111"}, REMOTE_ADDR="203.0.113.20")
    web = Complaint.objects.filter(channel="web").get()
    assert r.status_code == 200 and re.fullmatch(r"[0-9a-f]{16}", web.query_code)
    old = make_complaint(query_code="1a2b3c4d")  # issued before the change: 8 digits
    r = _guess(f"{STATUS_API}?number={old.number}&code=1a2b3c4d")
    assert r.status_code == 200 and r.json()["number"] == old.number
    assert _guess(f"{OPEN311}/tokens/1a2b3c4d.json").json()[0]["service_request_id"] == old.number
