"""法典 remapping: a case cites the article in force on the day of the act; beside it, the 生态环境法典 article that
now corresponds (successor chain with effective ranges), on the case's page, a staff page, the API and
`envbureau legal_basis remap`."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from envbureau.enforcement import cases
from envbureau.enforcement.models import LegalBasis

CODE_DAY = dt.date(2026, 8, 15)  # the Code (生态环境法典) in force [1S]


@pytest.fixture
def bases(db):
    code = LegalBasis.objects.create(provision="exceed", instrument="生态环境法典", article="第一千零六十条",
                                     effective_from=CODE_DAY, fine_min=100000, fine_max=1000000)
    old = LegalBasis.objects.create(provision="exceed", instrument="大气污染防治法", article="第九十九条",
                                    effective_from=dt.date(2016, 1, 1), effective_to=CODE_DAY, successor=code,
                                    fine_min=100000, fine_max=1000000)
    orphan = LegalBasis.objects.create(provision="noise", instrument="噪声污染防治法", article="第七十五条",
                                       effective_from=dt.date(2022, 6, 5), effective_to=CODE_DAY)
    return {"code": code, "old": old, "orphan": orphan}


def _case(world, act, provision="exceed"):
    return cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="超标排放", provision=provision,
                           act_date=act, filed_on="2026-11-02", handlers=world["inspectors"][:2])


def test_act_before_the_code_cites_old_law_and_shows_the_code_article(world, bases, client_for):
    c = _case(world, "2026-08-14")  # the day before the Code
    assert c.legal_basis == bases["old"]
    cit = cases.citation(c.legal_basis, dt.date(2026, 12, 2))
    assert cit["changed"] and cit["current"] == bases["code"] and cit["cited_range"] == "2016-01-01 至 2026-08-14"
    assert cit["current_range"] == "2026-08-15 起施行"
    page = client_for("admin").get(f"/enforcement/cases/{c.pk}/").content.decode()
    assert "《大气污染防治法》第九十九条" in page and "现对应条款" in page and "《生态环境法典》第一千零六十条" in page


def test_act_on_the_code_day_cites_the_code(world, bases, client_for):
    c = _case(world, "2026-08-15")
    assert c.legal_basis == bases["code"]
    cit = cases.citation(c.legal_basis)
    assert not cit["changed"] and cit["in_force"]
    page = client_for("admin").get(f"/enforcement/cases/{c.pk}/").content.decode()
    assert "《生态环境法典》第一千零六十条" in page and "现对应条款" not in page


def test_chain_follows_to_the_version_in_force_and_stops_at_a_loop(bases):
    later = LegalBasis.objects.create(provision="exceed", instrument="生态环境法典(2030修正)", article="第一千零六十条",
                                      effective_from=dt.date(2030, 1, 1))
    bases["code"].effective_to = dt.date(2030, 1, 1)
    bases["code"].successor = later
    bases["code"].save()
    old = LegalBasis.objects.get(pk=bases["old"].pk)
    assert old.successor_chain() == [bases["code"], later]
    assert old.current(dt.date(2029, 12, 31)) == bases["code"]  # the day before the amendment
    assert old.current(dt.date(2030, 1, 1)) == later
    later.successor = old  # bad data: a loop
    later.save()
    assert old.successor_chain() == [bases["code"], later]


def test_remap_page_command_and_api(world, bases, client_for):
    _case(world, "2026-08-14")
    _case(world, "2026-07-01")
    _case(world, "2026-08-20")
    _case(world, "2026-05-01", provision="noise")
    page = client_for("admin").get("/enforcement/legal-bases/remap/").content.decode()
    assert "《大气污染防治法》第九十九条" in page and "《生态环境法典》第一千零六十条" in page
    assert "已失效,尚未填写对应新条款" in page and "现行有效,无需对应" in page
    out = StringIO()
    call_command("legal_basis", "remap", "--json", "--on", "2026-12-02", stdout=out)
    rows = {r["cited"]["instrument"]: r for r in json.loads(out.getvalue())}
    assert rows["大气污染防治法"]["cases"] == 2 and rows["大气污染防治法"]["first_act"] == "2026-07-01"
    assert rows["大气污染防治法"]["current"]["instrument"] == "生态环境法典" and rows["大气污染防治法"]["changed"]
    assert rows["生态环境法典"]["cases"] == 1 and not rows["生态环境法典"]["changed"]
    assert not rows["噪声污染防治法"]["changed"] and not rows["噪声污染防治法"]["current_in_force"]
    with pytest.raises(CommandError) as exc:
        call_command("legal_basis", "remap", "--strict", stdout=StringIO())
    assert "噪声污染防治法" in str(exc.value)
    with pytest.raises(CommandError):
        call_command("legal_basis", "remap", "--on", "2026-13-01", stdout=StringIO())
    api = client_for("admin").get("/api/v1/enforcement/legal-bases/remap/").json()
    assert {r["cited"]["instrument"] for r in api} == {"大气污染防治法", "生态环境法典", "噪声污染防治法"}
    assert client_for("admin").get(f"/api/v1/enforcement/legal-bases/{bases['old'].pk}/").json()["current"] == \
        bases["code"].pk
