"""Every number of the enforcement statistics — the figures table, the reports' sentences, last year's figures and
the by-industry / by-department cells — links to a list whose count (or, for an amount, whose column sum) is that
number, for city staff and for a district officer, at the city and at a district. The test follows each link as
the user would and reads the list's own 共 N 条 (amounts: the list's Excel export), so a link that drops the year
or the area, or a list that counts differently, fails here."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from envbureau.enforcement import services
from envbureau.enforcement.models import Draw, DrawPlan, Inspection, Inspector

from .conftest import committed_draw
from .test_stats_breakdown import more, records  # noqa: F401 (fixtures)

AMOUNTS = {  # amount → the list column that adds up to it
    "fines_yuan": "罚款(元)", "daily_fines_yuan": "罚款(元)", "spared_yuan": "免除或减轻罚款(元)"}


@pytest.fixture
def draws(more, world):  # noqa: F811 (the fixture imported above)
    """Adds draws: the city plan's (2026, its inspections of 东城 e1 recorded) and a 东城 plan's (2026 and one
    moved to 2025), so the draws and 双随机 checks differ by area and by year."""
    from envbureau.core.models import Jurisdiction

    dc = Jurisdiction.objects.get(code="110101")
    city_draw = committed_draw(world["plan"], "city-2026", on=world["day"])
    local = DrawPlan.objects.create(name="东城计划", jurisdiction=dc, year=2026, ratio_key=1, ratio_general=1,
                                    ratio_special=1)
    local.items.set(world["items"])
    for n in (1, 2):
        Inspector.objects.create(name=f"东城执法{n}", badge_no=f"D{n:04d}", jurisdiction=dc)
    committed_draw(local, "dc-2026", on=world["day"])
    old = committed_draw(local, "dc-2025", on=world["day"], reason="第二次抽取")
    Draw.objects.filter(pk=old.pk).update(drawn_at=timezone.make_aware(dt.datetime(2025, 6, 1, 10)))
    for i in Inspection.objects.filter(draw=city_draw):
        services.record_inspection(None, i, checklist={str(n): ("ok", "") for n in range(len(i.checklist))},
                                   result="no_problem", party_present="王经理", inspected_on="2026-10-09")
    Inspection.objects.filter(draw=old).update(inspected_on=dt.date(2025, 6, 3))
    return more


def _count(client, url) -> int:
    r = client.get(url)
    assert r.status_code == 200, url
    m = re.search(r"共 (\d+) 条", r.content.decode())
    assert m, f"{url}: no count on the list"
    return int(m.group(1))


def _column_sum(client, url, column) -> Decimal:
    r = client.get(url + "&export=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
                .worksheets[0].iter_rows(values_only=True))
    col = rows[1].index(column)
    return sum((Decimal(str(row[col] or 0)) for row in rows[2:]), Decimal(0))


def _check(client, figures, links, where):
    for key, value in figures.items():
        url = links[key]
        assert "jurisdiction=" in url and re.search(r"year=\d{4}|positive_on=\d{4}|_from=\d{4}-\d\d-\d\d&\w+_to=\d{4}",
                                                   url), (where, key, url)
        if key in AMOUNTS:
            assert _column_sum(client, url, AMOUNTS[key]) == Decimal(str(value)), (where, key, url)
        else:
            assert _count(client, url) == value, (where, key, url)


@pytest.mark.parametrize("username,code,period", [
    ("enforcement", "110000", "year=2026"), ("enforcement", "110101", "year=2026"), ("dongcheng", "110101", "year=2026"),
    ("admin", "110105", "year=2026"),
    # a half-year: its lists by date range (filed_from/filed_to…), the same half of 2025 beside it
    ("enforcement", "110000", "period=2026-H1"), ("dongcheng", "110101", "period=2026-H1")])
def test_every_number_opens_a_list_of_exactly_that_many(draws, client_for, username, code, period):
    c = client_for(username)
    data = c.get(f"/api/v1/enforcement/statistics/?jurisdiction={code}&{period}").json()
    f = data["figures"]
    if code == "110000" and period == "year=2026":  # the data behind the test: something to count in each family
        assert f["draws"] == 2 and data["previous"]["draws"] == 1 and f["draw_inspections"] > 0
        assert f["enterprises"] > 0 and f["cases_filed"] and f["decisions"] and f["ratings_yellow"]
    if code == "110000" and period == "period=2026-H1":  # the draws and checks of October are not in H1
        assert f["draws"] == 0 and data["previous"]["draws"] == 1
        assert f["cases_filed"] == 3 and f["decisions"] and f["ratings_yellow"] and data["previous"]["cases_filed"] == 1
        assert "filed_from=2026-01-01&filed_to=2026-06-30" in data["links"]["cases_filed"]
        assert "drawn_from=2025-01-01&drawn_to=2025-06-30" in data["previous_links"]["draws"]
    _check(c, data["figures"], data["links"], (username, code, period))
    _check(c, data["previous"], data["previous_links"], (username, code, period, "previous"))
    # the sentences: each number is a figure of the year or the year before, shown as its figure, with its link
    def shown(key, value):
        return f"{Decimal(str(value)) / 10000:.2f}" if key.endswith("_yuan") else str(value)

    behind = {}  # url → the figures it lists (处罚决定 N 件 and 罚款 X 万元 open the same list)
    for links, figures in ((data["links"], data["figures"]), (data["previous_links"], data["previous"])):
        for key, url in links.items():
            behind.setdefault(url, set()).add(shown(key, figures[key]))
    numbers = [p for s in data["sentences"] for p in s["parts"] if isinstance(p, dict)]
    assert len(numbers) >= 30
    for part in numbers:
        assert part["text"] in behind[part["url"]], part
    # the tables by industry and by department
    for by in ("by_industry", "by_department"):
        for row in data[by]:
            keys = row["links"].keys()
            _check(c, {k: row[k] for k in keys}, row["links"], (username, code, by, row["label"]))
            _check(c, {k: row["previous"][k] for k in keys}, row["previous_links"], (username, code, by, "previous"))
    # the page shows the same links (draws of last year too)
    page = c.get(f"/enforcement/statistics/?jurisdiction={code}&{period}").content.decode()
    for url in (data["links"]["draws"], data["previous_links"]["draws"], data["links"]["enterprises"]):
        assert f'href="{url.replace("&", "&amp;")}"' in page


def test_draw_list_filters_by_area_and_year(draws, client_for):
    c = client_for("enforcement")
    assert _count(c, "/enforcement/draws/") == 3
    assert _count(c, "/enforcement/draws/?jurisdiction=110101&year=2026") == 1
    assert _count(c, "/enforcement/draws/?jurisdiction=110101&year=2025") == 1
    assert _count(c, "/enforcement/draws/?jurisdiction=110105") == 0
    assert _count(c, "/enforcement/draws/?year=abc") == 0  # a bad value never means "all"
    api = c.get("/api/v1/enforcement/draws/?jurisdiction=110000&year=2026").json()
    assert api["count"] == 2
