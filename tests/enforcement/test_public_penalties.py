"""The public penalties API (/api/v1/public/enforcement/penalties/, no login): the published penalty decisions of the
public page, within their publication period only (NDRC Order No. 58, at most 3 years [2S]: shown until `publish_until`, taken down
the day after), without personal data, paginated 50 a page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from envbureau.enforcement.models import Case, LegalBasis

URL = "/api/v1/public/enforcement/penalties/"


@pytest.fixture
def basis(db):
    return LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                                     effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)


def _case(world, basis, n, *, published_on, publish_until, published=True, party_type="org", party="测试企业1",
          facts="现场发现"):
    ent = world["enterprises"][0]
    return Case.objects.create(code=f"AJ2026-9{n:04d}", enterprise_id=ent.pk, party=party, party_type=party_type,
                               credit_code="110101199001011234" if party_type == "person" else ent.credit_code,
                               address="东城区某路1号", jurisdiction=ent.jurisdiction, cause="未按证设置排污口标志",
                               facts=facts, act_date=dt.date(2026, 6, 1), provision="sign", legal_basis=basis,
                               filed_on=dt.date(2026, 6, 5), state="served", outcome="punish",
                               fine=Decimal("30000.00"), decided_on=dt.date(2026, 7, 1), published=published,
                               published_on=published_on, publish_until=publish_until)


def test_only_within_the_publication_period(world, basis):
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    ended = _case(world, basis, 1, published_on=today - 3 * 365 * day, publish_until=today - day)  # day before
    last = _case(world, basis, 2, published_on=today - 3 * 365 * day, publish_until=today)  # its last day: shown
    running = _case(world, basis, 3, published_on=today - day, publish_until=today + day)
    future = _case(world, basis, 4, published_on=today + day, publish_until=today + 3 * 365 * day)  # not yet
    unpublished = _case(world, basis, 5, published_on=None, publish_until=None, published=False)
    anon = Client()
    resp = anon.get(URL)
    assert resp.status_code == 200
    body = resp.json()
    assert sorted(r["code"] for r in body["results"]) == sorted([last.code, running.code]) and body["count"] == 2
    for c, status in ((ended, 404), (last, 200), (running, 200), (future, 404), (unpublished, 404)):
        assert anon.get(f"{URL}{c.pk}/").status_code == status, c.code
    # the public page shows the same rows
    page = anon.get("/public/enforcement/penalties/").content.decode()
    assert last.code in page and running.code in page and ended.code not in page and future.code not in page


def test_no_personal_data(world, basis):
    today = timezone.localdate()
    c = _case(world, basis, 1, published_on=today, publish_until=today + dt.timedelta(days=30), party_type="person",
              party="张三丰", facts="张三丰私设暗管")
    org = _case(world, basis, 2, published_on=today, publish_until=today + dt.timedelta(days=30))
    rows = {r["code"]: r for r in Client().get(URL).json()["results"]}
    person = rows[c.code]
    assert person["party"] == "张某" and person["credit_code"] == ""
    text = str(person)
    assert "张三丰" not in text and "110101199001011234" not in text and "东城区某路1号" not in text
    assert not {"facts", "address", "handlers", "discretion_text", "statement"} & set(person)
    assert rows[org.code]["credit_code"] == world["enterprises"][0].credit_code
    assert (person["fine"], person["legal_basis"], person["outcome_label"]) == ("30000.00", "《排污许可管理条例》第三十六条",
                                                                               "给予处罚")


def test_paginated(world, basis):
    today = timezone.localdate()
    for n in range(51):
        _case(world, basis, n, published_on=today, publish_until=today + dt.timedelta(days=1))
    anon = Client()
    first = anon.get(URL).json()
    assert first["count"] == 51 and len(first["results"]) == 50 and first["next"]
    second = anon.get(URL, {"page": 2}).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert anon.get(URL, {"page": 3}).status_code == 404
