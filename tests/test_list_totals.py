"""Every list page says how many records its filters match (issue #10: "Lists show the total count"): "共 N 条"
(or "超过 N 条" past the counting cap of a very long table), counted on the reader's scoped, filtered records.

`totals_in` is one of the authorization matrix's admin sweep checks (tests/test_authorization_matrix.py,
`page_checks`): a list page is any page named as a list (`…-list`, or in LIST_PAGES below) or showing page links
(Bootstrap's `pagination`); each must carry its total, so a list added anywhere is held to it."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.urls import resolve

from test_authorization_matrix import client_for, world  # noqa: F401  (fixture)

#: record lists whose URL names do not end in -list
LIST_PAGES = {"core:tasks", "core:notifications", "complaints:list", "quality:warnings", "quality:reviews",
              "ledger:inbox"}
TOTAL = re.compile(r"(共|超过) ?([\d,]+) ?条")
TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S)


def visible(page: str) -> str:
    return re.sub(r"\s+", " ", htmllib.unescape(TAGS.sub(" ", page)))


def is_list_page(view_name: str, page: str) -> bool:
    return view_name.endswith("-list") or view_name in LIST_PAGES or 'class="pagination' in page


def total_of(page: str) -> tuple[str, int] | None:
    m = TOTAL.search(visible(page))
    return (m.group(1), int(m.group(2).replace(",", ""))) if m else None


def totals_in(pages) -> list[str]:
    """Sweep check: every list page among the rendered pages shows its total."""
    problems, lists = [], 0
    for ep, url, page in pages:
        if ep.is_admin_site:
            continue
        name = resolve(url.split("?")[0]).view_name
        if not is_list_page(name, page) or name.endswith("-add"):
            continue
        lists += 1
        if total_of(page) is None:
            problems.append(f"{url} [{name}]: a list page without its total (共 N 条)")
    if lists < 30:
        problems.append(f"only {lists} list pages found: the list-page test has lost its pages")
    return problems


def test_checker_itself():
    ok = '<table>…</table><nav><span class="text-muted small">共 12 条</span><ul class="pagination"></ul></nav>'
    assert total_of(ok) == ("共", 12)
    assert total_of("<span>超过 10000 条</span>") == ("超过", 10000)
    bad = '<table>…</table><nav><span>合计数见“统计”页面</span><ul class="pagination"></ul></nav>'
    assert is_list_page("complaints:list", bad) and total_of(bad) is None
    assert is_list_page("x:anything", bad)  # page links make it a list
    assert total_of("<script>var s = '共 3 条';</script>") is None  # only what the reader sees


def test_the_complaints_list_counts_the_readers_filtered_records(world, db, monkeypatch):  # noqa: F811
    """The total is the reader's: all complaints for the city, the district's own for its officer, the filter's."""
    from envbureau.complaints.models import Complaint
    from envbureau.core import counting
    from envbureau.core.models import Jurisdiction

    all_n = Complaint.objects.count()
    dc = Jurisdiction.objects.get(code="110101")
    dc_n = Complaint.objects.filter(jurisdiction__path__startswith=dc.path).count()
    assert all_n > dc_n > 0 or pytest.skip("the light demo has no complaints in and outside 东城区")
    admin, _u = client_for(world, "admin")
    dongcheng, _u = client_for(world, "dongcheng")
    assert total_of(admin.get("/complaints/").content.decode()) == ("共", all_n)
    assert total_of(dongcheng.get("/complaints/").content.decode()) == ("共", dc_n)
    state = Complaint.objects.values_list("state", flat=True).first()
    n_state = Complaint.objects.filter(state=state).count()
    assert total_of(admin.get(f"/complaints/?state={state}").content.decode()) == ("共", n_state)
    # past the cap a very long list says "more than" rather than counting a million rows
    monkeypatch.setattr(counting, "COUNT_CAP", 1)
    assert total_of(admin.get("/complaints/").content.decode()) == ("超过", 1)
    monkeypatch.setattr(counting, "COUNT_CAP", 10_000)
    # a table over LAZY_FROM rows (here: any) counts in a request of its own, swapped in when the page has loaded
    # (a rare filter's count scans a million complaints: the rows must not wait for it), the same reader's total
    monkeypatch.setattr(counting, "LAZY_FROM", 0)
    page = dongcheng.get(f"/complaints/?state={state}").content.decode()
    assert total_of(page) is None
    assert f'hx-get="?state={state}&amp;part=total" hx-trigger="load"' in page
    n_dc_state = Complaint.objects.filter(jurisdiction__path__startswith=dc.path, state=state).count()
    assert total_of(dongcheng.get(f"/complaints/?state={state}&part=total").content.decode()) == ("共", n_dc_state)
    assert 'hx-get="?part=total"' in dongcheng.get("/complaints/?page=2&part=").content.decode()
    assert total_of(admin.get("/complaints/?part=total").content.decode()) == ("共", all_n)


def test_warnings_and_report_archive_show_their_totals(world, db):  # noqa: F811
    from envbureau.quality.models import Warning
    from envbureau.reports.models import Report

    admin, _u = client_for(world, "admin")
    assert total_of(admin.get("/quality/warnings/").content.decode()) == ("共", Warning.objects.count())
    assert total_of(admin.get("/reports/archive/").content.decode()) == ("共", Report.objects.count())
