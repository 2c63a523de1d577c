"""Whose figures the approvals statistics count (core.params.statistics_scope): an area for readers with one (by
default their own), the reader's own enterprise for an enterprise account — named as the enterprise, never as
北京市/全市 — and a ?jurisdiction= given by an enterprise account is not applied (200 with a note), never widened.

Hand-built 2026 records (registration forms are filed on the day they are submitted; permits issued on a day):
  东城热电 (东城区, the enterprise user's)   2 registration forms, 1 permit
  东城化工 (东城区, a neighbour)             1 registration form,  1 permit
  西城印刷 (西城区)                          1 registration form,  1 permit
so the enterprise user counts 2 / 1, the 东城区 officer 3 / 2, the city-wide approvals officer 4 / 3.
"""

import io

import pytest
from django.test import Client

from envbureau.approvals import eia, permits
from pagecheck import XLSX


def _client(user, lang=None):
    c = Client()
    c.force_login(user)
    if lang:
        c.cookies["django_language"] = lang
    return c


@pytest.fixture
def filed(world):
    from envbureau.sources.models import Enterprise

    e3 = Enterprise.objects.create(credit_code="91110101MA01CCCC3X", name="东城化工", jurisdiction=world["dc"],
                                   industry_name="化工")
    for ent, n in ((world["e1"], 2), (e3, 1), (world["e2"], 1)):
        for i in range(n):
            eia.submit(None, enterprise_id=ent.pk, project_name=f"{ent.name}登记{i + 1}", category="registration",
                       submitted_on="2026-03-02")
        permits.issue(None, enterprise_id=ent.pk, number=f"P-{ent.pk}", category="registration",
                      issued_on="2026-02-01")
    return {**world, "e3": e3}


def _figures(c, query=""):
    r = c.get("/api/v1/approvals/statistics/?year=2026" + query)
    assert r.status_code == 200, r.content[:300]
    d = r.json()
    return d, (d["figures"]["filed"], d["figures"]["permits_issued"])


def test_each_reader_counts_its_own_scope(filed):
    from envbureau.core.models import User

    assert _figures(_client(filed["officer"]))[1] == (4, 3)
    assert _figures(_client(User.objects.get(username="dongcheng")))[1] == (3, 2)
    d, got = _figures(_client(filed["ent_user"]))
    assert got == (2, 1)
    assert (d["scope"], d["scope_name"], d["jurisdiction"], d["jurisdiction_name"], d["note"]) == \
        ("enterprise", "东城热电", "", "", "")
    assert d["enterprise_ids"] == [filed["e1"].pk]
    assert d["sentence"] == "2026年,东城热电环评审批0件(报告书0件、报告表0件)、登记备案表2件;核发排污许可证1本。" \
                            "完成建设项目环评审批登记备案2件。"


@pytest.mark.parametrize("code", ["110000", "110102", "999999"])
def test_an_enterprise_given_an_area_keeps_its_own_figures_and_is_told(filed, code):
    c = _client(filed["ent_user"])
    d, got = _figures(c, f"&jurisdiction={code}")
    assert got == (2, 1) and d["scope"] == "enterprise"
    assert d["note"] == f"企业账号的统计只含本企业的记录,未按区划“{code}”统计"
    page = c.get(f"/approvals/statistics/?jurisdiction={code}&year=2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert "本企业:东城热电" in html and d["note"] in html
    assert "北京市" not in html.split("<main", 1)[1] and "全市" not in html.split("<main", 1)[1]
    assert 'name="jurisdiction"' not in html  # no area picker for an enterprise


def test_enterprise_figures_link_to_lists_of_the_same_records_and_excel_names_it(filed):
    import openpyxl

    c = _client(filed["ent_user"])
    d, _got = _figures(c)
    assert "jurisdiction=" not in d["links"]["filed"] and "jurisdiction=" not in d["links"]["permits_issued"]
    listed = c.get(d["links"]["filed"]).content.decode()
    assert "东城热电登记1" in listed and "东城热电登记2" in listed and "东城化工登记1" not in listed
    x = c.get("/approvals/statistics/?jurisdiction=110000&year=2026&export=xlsx")
    assert x.status_code == 200 and x.content.startswith(XLSX)
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).worksheets[0]
    assert ws.cell(1, 1).value.startswith("审批统计 · 东城热电 · 2026年")
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert ["登记表备案(件)", 2, 0, None] in values and ["核发排污许可证(本)", 1, 0, None] in values
    assert ["企业账号的统计只含本企业的记录,未按区划“110000”统计", None, None, None] in values


def test_an_account_of_two_enterprises_counts_both_and_names_both(filed):
    from envbureau.core.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=filed["ent_user"], role=Role.objects.get(code="enterprise"),
                                  enterprise_id=filed["e3"].pk)
    d, got = _figures(_client(filed["ent_user"]))
    assert got == (3, 2) and d["scope_name"] == "东城热电、东城化工"
    assert sorted(d["enterprise_ids"]) == sorted([filed["e1"].pk, filed["e3"].pk])


def test_officers_keep_their_area_and_an_area_outside_it_is_refused(filed):
    from envbureau.core.models import User

    c = _client(User.objects.get(username="dongcheng"))
    d, _got = _figures(c)
    assert (d["scope"], d["jurisdiction"], d["scope_name"]) == ("area", "110101", "东城区")
    assert c.get("/approvals/statistics/?jurisdiction=110000&year=2026").status_code == 400
    assert c.get("/api/v1/approvals/statistics/?jurisdiction=110102&year=2026").status_code == 400
    # an account with neither an area nor an enterprise in approvals reads no statistics
    nobody = User.objects.create(username="nobody")
    assert _client(nobody).get("/approvals/statistics/").status_code == 403
    assert _client(nobody).get("/api/v1/approvals/statistics/").status_code == 403


def test_english_sentence_ends_in_english(filed):
    d = _client(filed["ent_user"], "en").get("/api/v1/approvals/statistics/?year=2026").json()
    assert d["sentence"].endswith(".") and "。" not in d["sentence"]
