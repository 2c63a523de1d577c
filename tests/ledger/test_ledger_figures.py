"""Work-report figures of the ledger (issue 18): distinct enterprises, 主办/协办 units counted apart, rates
with the report's decimals — the same on the statistics page, its export, the API and `ledger_stats`.

Hand-built year 2026 (jurisdiction 110101001000 unless said; units listed lead first):
  p1 2026-03-01 [A局, B街道]  enterprise 7      closed_out
  p2 2026-03-01 [A局]         enterprise 7      in_rectification
  p3 2026-03-01 [B街道, A局]  "乙厂" (no id)     verified
  p4 2026-03-01 [C局]         none              registered
  p5 2026-03-01 [A局, C局]    enterprise 9      noticed
  p6 2026-03-01 [B街道]       enterprise 9      closed_out   (jurisdiction 110102)
  p8 2026-01-01 [C局, B街道]  enterprise 11     verified     (first day of the year)
  p9 2026-12-31 [A局]         enterprise 13     registered   (last day of the year)
  outside: 2025-12-31 and 2027-01-01 (A局, enterprise 21), both closed_out.
In 2026: 8 problems, done 5 (p1 p3 p5 p6 p8) → 62.5 %, closed out 3 (p1 p5 p6) → 37.5 %;
enterprises 5 (7, 乙厂, 9, 11, 13), all problems done for 3 (乙厂, 9, 11; 7 still has p2 open).
Units — A局: leads 4 (done 2, closed 2), assists 1 (done 1, closed 0);
B街道: leads 2 (done 2, closed 1), assists 2 (done 2, closed 1); C局: leads 2 (done 1, closed 0), assists 1 (1, 1).
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from envbureau.ledger import stats
from envbureau.ledger.choices import State
from envbureau.ledger.models import Problem

UNITS = {
    "A局": {"lead": 4, "lead_done": 2, "lead_closed": 2, "assist": 1, "assist_done": 1, "assist_closed": 0},
    "B街道": {"lead": 2, "lead_done": 2, "lead_closed": 1, "assist": 2, "assist_done": 2, "assist_closed": 1},
    "C局": {"lead": 2, "lead_done": 1, "lead_closed": 0, "assist": 1, "assist_done": 1, "assist_closed": 1},
}
YEAR = {"since": "2026-01-01", "until": "2026-12-31"}


@pytest.fixture
def year_2026(make_problem):
    rows = [
        ("2026-03-01", ["A局", "B街道"], 7, "", State.CLOSED_OUT, "110101001000"),
        ("2026-03-01", ["A局"], 7, "", State.IN_RECTIFICATION, "110101001000"),
        ("2026-03-01", ["B街道", "A局"], None, "乙厂", State.VERIFIED, "110101001000"),
        ("2026-03-01", ["C局"], None, "", State.REGISTERED, "110101001000"),
        ("2026-03-01", ["A局", "C局"], 9, "", State.NOTICED, "110101001000"),
        ("2026-03-01", ["B街道"], 9, "", State.CLOSED_OUT, "110102"),
        ("2026-01-01", ["C局", "B街道"], 11, "", State.VERIFIED, "110101001000"),
        ("2026-12-31", ["A局"], 13, "", State.REGISTERED, "110101001000"),
        ("2025-12-31", ["A局"], 21, "", State.CLOSED_OUT, "110101001000"),
        ("2027-01-01", ["A局"], 21, "", State.CLOSED_OUT, "110101001000"),
    ]
    for day, units, eid, ename, state, jcode in rows:
        p = make_problem(jurisdiction=jcode, responsible_units=units, enterprise_id=eid, deadline=dt.date(2027, 6, 30))
        Problem.objects.filter(pk=p.pk).update(received_on=dt.date.fromisoformat(day), state=state,
                                               enterprise_name=ename)


def _in_2026():
    return Problem.objects.filter(received_on__gte=dt.date(2026, 1, 1), received_on__lte=dt.date(2026, 12, 31))


def test_enterprises_units_and_decimals_from_the_library(year_2026):
    s = stats.overview(_in_2026(), dt.date(2026, 7, 1), places=2)["summary"]
    assert (s["total"], s["done"], s["closed"]) == (8, 5, 3)
    assert s["done_rate"] == "62.50" and s["closure_rate"] == "37.50"
    assert (s["enterprises"], s["enterprises_done"]) == (5, 3)
    # 62.5 rounds half up with no decimals; one decimal is the default.
    assert stats.summary(_in_2026(), dt.date(2026, 7, 1), places=0)["done_rate"] == "63"
    assert stats.summary(_in_2026(), dt.date(2026, 7, 1))["done_rate"] == "62.5"
    units = {r["unit"]: {k: r[k] for k in UNITS["A局"]} for r in stats.by_unit(_in_2026())}
    assert units == UNITS
    sentence = stats.sentence(s)
    assert "完成整改5个,完成率62.50%" in sentence and "涉及企业5家,3家企业完成整改" in sentence


def test_statistics_page_api_export_and_cli_agree(actors, year_2026):
    c = Client()
    c.force_login(actors["mgr"])
    page = c.get("/ledger/statistics/", {**YEAR, "decimals": "2"}).content.decode()
    assert 'id="stat-total">8<' in page and 'id="stat-rate">37.50%<' in page
    assert "完成率62.50%" in page
    assert "part=unit" in page  # the unit table loads after the page
    units = c.get("/ledger/statistics/", {**YEAR, "part": "unit"}).content.decode()
    assert "涉及企业 5 家,其中 3 家企业的问题全部完成整改;完成率 62.50%" not in units  # decimals not asked here
    assert "涉及企业 5 家,其中 3 家企业的问题全部完成整改;完成率 62.5%" in units
    assert 'id="stat-units"' in units and "<th>A局</th><td>4</td><td>2</td><td>2</td><td>1</td><td>1</td><td>0</td>" in units

    api = c.get("/api/v1/ledger/problems/statistics/", {**YEAR, "decimals": "2"}).json()
    assert (api["total"], api["done_rate"], api["enterprises"], api["enterprises_done"]) == (8, "62.50", 5, 3)
    assert {r["unit"]: {k: r[k] for k in UNITS["A局"]} for r in api["by_unit"]} == UNITS
    # The jurisdiction filter: only p6 is in 110102.
    one = c.get("/api/v1/ledger/problems/statistics/", {**YEAR, "jurisdiction": "110102"}).json()
    assert (one["total"], one["enterprises"], one["enterprises_done"]) == (1, 1, 1)
    assert one["by_unit"][0]["unit"] == "B街道" and one["by_unit"][0]["lead"] == 1
    # A bad decimals answers 400 naming it.
    bad = c.get("/api/v1/ledger/problems/statistics/", {"decimals": "9"})
    assert bad.status_code == 400 and "decimals" in bad.content.decode()
    assert c.get("/ledger/statistics/", {"decimals": "x"}).status_code == 400

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(c.get("/ledger/statistics/", {**YEAR, "decimals": "2", "export": "xlsx"}).content))
    total = [cell.value for cell in wb.worksheets[0][3]]  # row 1 the title, row 2 the header
    assert total[1:5] == [8, 5, 3, "37.50"]
    unit_rows = {r[0]: r[1:] for r in wb.worksheets[-1].iter_rows(min_row=3, values_only=True)}
    assert unit_rows["C局"] == (2, 1, 0, "0.00", 1, 1, 1, "100.00")

    out = io.StringIO()
    call_command("ledger_stats", "--year", "2026", "--decimals", "2", "--json", stdout=out)
    cli = json.loads(out.getvalue())
    assert (cli["total"], cli["done_rate"], cli["enterprises_done"]) == (8, "62.50", 3)
    assert {r["unit"]: {k: r[k] for k in UNITS["A局"]} for r in cli["by_unit"]} == UNITS
    out = io.StringIO()
    call_command("ledger_stats", "--jurisdiction", "110102", "--year", "2026", stdout=out)
    assert "共有问题1个" in out.getvalue() and "B街道\t1\t1\t1\t0\t0\t0" in out.getvalue()
    # The day before and after the year are outside it; a whole range including them counts 10.
    out = io.StringIO()
    call_command("ledger_stats", "--from", "2025-12-31", "--to", "2027-01-01", "--json", stdout=out)
    assert json.loads(out.getvalue())["total"] == 10


def test_problem_api_names_lead_and_assisting_units(actors, year_2026):
    c = Client()
    c.force_login(actors["mgr"])
    p = Problem.objects.get(received_on=dt.date(2026, 1, 1))
    data = c.get(f"/api/v1/ledger/problems/{p.pk}/").json()
    assert data["lead_unit"] == "C局" and data["assisting_units"] == ["B街道"]
