"""Enforcement statistics for any period (a half, a quarter, a month, 1–N月, a pair of dates): the boundaries
(a case filed on 30 June is in H1, on 1 July in H2; a draw by its local date), 同比 against the same half of the
previous year, bad parameters as 400s naming them (page, API, CLI), the page's picker and title, the Excel title,
and the work summary's enforcement part for a half-year."""

import datetime as dt
import io
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from envbureau.enforcement import cases, stats
from envbureau.enforcement.models import Draw, LegalBasis
from envbureau.enforcement.period import Period, from_part, from_to, parse_key

from .conftest import committed_draw
from .test_stats_breakdown import records  # noqa: F401 (fixture)


def test_period_shortcuts_and_labels():
    assert parse_key("2026-H1") == Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert parse_key("2026-H2") == Period(dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert parse_key("2026-Q1") == Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert parse_key("2024-02") == Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert parse_key("2026-1-5") == Period(dt.date(2026, 1, 1), dt.date(2026, 5, 31))
    assert from_part(2026, "M5") == parse_key("2026-05") and from_part(2026, "") == Period.year(2026)
    assert from_to("2026-03-05", "2026-04-02").key == "2026-03-05..2026-04-02"
    for key in ("2026", "2026-H1", "2026-H2", "2026-Q3", "2026-05", "2026-1-5"):
        assert parse_key(key).key == key
    assert [parse_key(k).label for k in ("2026", "2026-H1", "2026-Q2", "2026-05", "2026-1-5")] == [
        "2026年", "2026年1-6月", "2026年第二季度", "2026年5月", "2026年1-5月"]
    # the same period a year earlier: whole months stay whole (February of a leap year)
    assert parse_key("2024-02").previous() == Period(dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    assert parse_key("2026-H1").previous().key == "2025-H1"


def _basis():
    LegalBasis.objects.get_or_create(provision="sign", defaults=dict(
        instrument="排污许可管理条例", article="第三十六条", effective_from=dt.date(2021, 3, 1), fine_min=20000,
        fine_max=200000))


def test_a_case_filed_on_30_june_is_in_h1_and_one_on_1_july_in_h2(world, client_for):
    _basis()
    e1, e2 = world["enterprises"][:2]
    for e, filed in ((e1, "2026-06-30"), (e2, "2026-07-01")):
        cases.open_case(None, enterprise_id=e.pk, cause="案由", provision="sign", act_date="2026-06-01",
                        filed_on=filed, handlers=world["inspectors"][:2])
    city = world["city"]
    h1, h2 = (stats.statistics(None, city, parse_key(k)) for k in ("2026-H1", "2026-H2"))
    assert h1["figures"]["cases_filed"] == 1 and h2["figures"]["cases_filed"] == 1
    c = client_for("enforcement")
    for data, ent in ((h1, e1), (h2, e2)):
        url = data["links"]["cases_filed"]
        assert "filed_from=" in url and "filed_to=" in url and "filed_year" not in url
        page = c.get(url).content.decode()
        assert "共 1 条" in page and ent.name in page, url
    assert stats.statistics(None, city, 2026)["figures"]["cases_filed"] == 2  # the year, as before


def test_a_draw_counts_by_its_local_date(world, client_for):
    """drawn_at is a datetime: 30 June 23:30 in Beijing (15:30 UTC) is H1, 1 July 00:30 (30 June 16:30 UTC) H2."""
    tz = timezone.get_default_timezone()
    late = committed_draw(world["plan"], "late-june", on=world["day"])
    early = committed_draw(world["plan"], "early-july", on=world["day"], reason="第二次抽取")
    Draw.objects.filter(pk=late.pk).update(drawn_at=dt.datetime(2026, 6, 30, 23, 30, tzinfo=tz))
    Draw.objects.filter(pk=early.pk).update(drawn_at=dt.datetime(2026, 6, 30, 16, 30, tzinfo=dt.UTC))
    city = world["city"]
    h1, h2 = (stats.statistics(None, city, parse_key(k)) for k in ("2026-H1", "2026-H2"))
    assert h1["figures"]["draws"] == 1 and h2["figures"]["draws"] == 1
    c = client_for("enforcement")
    for data in (h1, h2):
        url = data["links"]["draws"]
        assert "drawn_from=" in url
        assert "共 1 条" in c.get(url).content.decode(), url
    assert "共 1 条" in c.get("/enforcement/draws/?drawn_from=2026-07-01&drawn_to=2026-07-01").content.decode()


def test_year_on_year_against_the_same_half_of_last_year(records, client_for):  # noqa: F811
    """H1 2026: c1, c2, c3 filed (3), c1 and c3 fined 55,000 + 10,000; H1 2025: c0 filed, fined 50,000."""
    from envbureau.core.models import Jurisdiction

    city = Jurisdiction.objects.get(code="110000")
    s = stats.statistics(None, city, parse_key("2026-H1"))
    assert s["period"]["label"] == "2026年1-6月" and s["previous_period"]["key"] == "2025-H1"
    assert (s["figures"]["cases_filed"], s["previous"]["cases_filed"]) == (3, 1)
    assert s["yoy"]["cases_filed"] == 200.0 and s["yoy_fines"] == 30.0
    text = s["sentences"][0]["text"]
    assert text.startswith("2026年1-6月,北京市开展执法检查") and "立案调查环境违法案件3起" in text
    assert "罚款金额6.50万元,同比增长30.0%" in text
    assert s["sentences"][-1]["text"].startswith("与上年同期相比:")
    h2 = stats.statistics(None, city, parse_key("2026-H2"))
    assert h2["figures"]["cases_filed"] == 0 and h2["previous"]["cases_filed"] == 0
    # the API and the page say the same, the page names the period in its title and in its picker
    c = client_for("enforcement")
    api = c.get("/api/v1/enforcement/statistics/?jurisdiction=110000&period=2026-H1").json()
    assert api["figures"]["cases_filed"] == 3 and api["previous"]["cases_filed"] == 1
    assert api["period"] == {"from": "2026-01-01", "to": "2026-06-30", "key": "2026-H1", "label": "2026年1-6月"}
    same = c.get("/api/v1/enforcement/statistics/?jurisdiction=110000&from=2026-01-01&to=2026-06-30").json()
    assert same["figures"]["cases_filed"] == 3 and same["sentences"][0]["text"] == api["sentences"][0]["text"]
    page = c.get("/enforcement/statistics/?jurisdiction=110000&year=2026&part=H1").content.decode()
    assert "2026年1-6月执法统计" in page and '<option value="H1" selected>' in page
    assert "filed_from=2026-01-01&amp;filed_to=2026-06-30" in page
    c.cookies["django_language"] = "en"  # the period named apart from the title in English
    en = c.get("/enforcement/statistics/?jurisdiction=110000&year=2026&part=H1").content.decode()
    assert "Enforcement statistics, H1 2026" in en
    c.cookies["django_language"] = "zh-hans"
    r = c.get("/enforcement/statistics/?jurisdiction=110000&period=2026-H1&export=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert "2026年1-6月" in str(ws.cell(1, 1).value)
    assert [ws.cell(2, n).value for n in (2, 3)] == ["2026年1-6月", "上年同期"]
    # the CLI: the same figures for --period and for --from/--to
    for args in (["--period", "2026-H1"], ["--from", "2026-01-01", "--to", "2026-06-30"]):
        out = StringIO()
        call_command("enforcement-stats", "--jurisdiction", "110000", *args, "--json", stdout=out)
        assert json.loads(out.getvalue())["figures"]["cases_filed"] == 3


@pytest.mark.parametrize("query,name", [
    ("period=2026-H3", "period"), ("period=abc", "period"), ("from=2026-13-01&to=2026-06-30", "from"),
    ("from=2026-01-01", "to"), ("from=2026-07-01&to=2026-06-30", "from"), ("year=2026&part=Q5", "part"),
    ("year=abc", "year"), ("period=1800-H1", "period")])
def test_bad_period_parameters_are_400s_naming_them(world, client_for, query, name):
    c = client_for("enforcement")
    r = c.get(f"/api/v1/enforcement/statistics/?jurisdiction=110000&{query}")
    assert r.status_code == 400 and name in r.json()["error"]["fields"], (query, r.content)
    page = c.get(f"/enforcement/statistics/?jurisdiction=110000&{query}")
    assert page.status_code == 400


@pytest.mark.parametrize("args,name", [
    (["--period", "2026-H3"], "--period"), (["--from", "2026-01-01"], "--to"), (["--year", "2026-H1"], "--year"),
    (["--from", "2026-02-30", "--to", "2026-03-01"], "--from"), ([], "--year")])
def test_cli_names_the_bad_parameter(world, args, name):
    with pytest.raises(CommandError, match=re.escape(name)):
        call_command("enforcement-stats", "--jurisdiction", "110000", *args, stdout=StringIO())


def test_the_summary_of_a_half_year_counts_that_half(records):  # noqa: F811
    """reports.summary's enforcement part: a 2026 H2 summary counts H2 (nothing filed then), H1 counts H1."""
    from envbureau.core.models import Jurisdiction
    from envbureau.reports import summary
    from envbureau.reports.registry import Built

    city = Jurisdiction.objects.get(code="110000")
    b = Built(title="t")
    text = "\n".join(summary._enforcement(b, city, parse_key("2026-H1")))
    assert "2026年1-6月,北京市" in text and "立案调查环境违法案件3起" in text and "与上年同期相比" in text
    links = [h for kind, *rest in b.blocks if kind == "p" for _t, h in rest[0] if h]
    assert any("filed_from=2026-01-01" in h and "filed_to=2026-06-30" in h for h in links)
    h2 = "\n".join(summary._enforcement(Built(title="t"), city, parse_key("2026-H2")))
    assert "立案调查环境违法案件3起" not in h2 and "2026年7-12月" in h2 if h2 else True
