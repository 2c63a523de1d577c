"""Every time shown or exported is local (Asia/Shanghai) and written one way: "2030-05-07 02:37".

Every date-time column of the first rows of every table is set to one instant, 2030-05-06 18:37 UTC = 2030-05-07 02:37 in
Beijing (later than any demo time, so newest-first lists show it); then every page of the URL conf is rendered as the
platform admin (by the authorization matrix's admin sweep, which marks the times first and runs `local_times_in` on
its pages), and every Excel export is downloaded (by tests/core/test_excel_exports.py, which marks them too and runs
`export_time_problems` on each). The UTC clock "18:37" must never show, and
each time of that instant must read exactly "2030-05-07 02:37" (not "2030年5月7日 02:37", "May 7, 2030,
2:37 a.m.", "02:37:00" or an ISO string).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from test_authorization_matrix import world  # noqa: F401  (fixture)

MARK = dt.datetime(2030, 5, 6, 18, 37, tzinfo=dt.timezone.utc)
LOCAL = "2030-05-07 02:37"
LOCAL_NAIVE = dt.datetime(2030, 5, 7, 2, 37)
OWN_APPS = {"core", "quality", "sources", "ledger", "complaints", "enforcement", "reports", "projects", "waste", "soil", "approvals", "knox"}

# Any other way of writing the marked instant (local or UTC).
WRONG = [
    (re.compile(r"(?<![\d:])18:37(?![\d])"), "UTC clock (8 hours off)"),
    (re.compile(r"2030-05-06[T ]18"), "UTC date-time"),
    (re.compile(r"2030-05-07T02:37"), "ISO date-time in text"),
    (re.compile(r"2030\s*年\s*0?5\s*月\s*0?7\s*日"), "Chinese long date"),
    (re.compile(r"May\.? 7,? 2030|7 May 2030"), "English long date"),
    (re.compile(r"0?5/0?7/2030|2030/0?5/0?7"), "slashed date"),
    (re.compile(r"(?<![\d-])0?2:37\s*[ap]\.?m"), "12-hour clock"),
]


def mark_every_time():
    from django.db import IntegrityError, transaction

    n = 0
    for model in apps.get_models():
        if model._meta.app_label not in OWN_APPS or model._meta.proxy:
            continue
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]
        if not fields:
            continue
        for pk in models.QuerySet(model).order_by("pk").values_list("pk", flat=True)[:5]:
            try:  # a plain QuerySet: no signals, and the audit log's refusal of updates is bypassed on purpose
                with transaction.atomic():
                    n += models.QuerySet(model).filter(pk=pk).update(**{f: MARK for f in fields})
            except IntegrityError:  # a unique (station, time): one marked row of that kind is enough
                pass
    return n


def _visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def _problems_in_text(text: str, where: str) -> list[str]:
    out = []
    for rx, what in WRONG:
        for m in rx.finditer(text):
            before = text[max(m.start() - 11, 0):m.start()]
            if what.startswith("UTC clock") and re.fullmatch(r"\d{4}-\d\d-\d\d ", before) and before != "2030-05-06 ":
                continue  # another instant whose local clock reads 18:37, written the right way
            out.append(f"{where}: {what}: …{text[max(m.start() - 40, 0):m.end() + 20]!r}…")
    # A clock reading 02:37 must follow a full date: the marked instant as LOCAL, or another instant that
    # happens to share the minute (demo times are relative to now) written the same way.
    for m in re.finditer(r"(?<![\d:])0?2:37(?::\d\d)?", text):
        before, token = text[max(m.start() - 11, 0):m.start()], m.group(0)
        if not re.fullmatch(r"\d{4}-\d\d-\d\d ", before) or token != "02:37":
            out.append(f"{where}: not written {LOCAL!r}: …{text[max(m.start() - 30, 0):m.end() + 10]!r}…")
    return out


@pytest.fixture(scope="module")
def marked(world, django_db_blocker):  # noqa: F811
    with django_db_blocker.unblock():
        assert mark_every_time() > 20
    return world


def _admin():
    from envbureau.core.models import User

    c = Client()
    c.force_login(User.objects.get(username="admin"))
    return c


def local_times_in(pages) -> list[str]:
    """Sweep check, on pages rendered after `mark_every_time()` (the admin's sweep of the authorization matrix,
    tests/test_authorization_matrix.py, renders every page once for all its checks): every time shown is LOCAL,
    written one way, and the marked time shows on many pages. The admin site's pages count too."""
    problems, shown = [], 0
    for ep, url, html in pages:
        text = _visible_text(html)
        shown += LOCAL in text
        problems += _problems_in_text(text, f"{url} [{ep.name}]")
    if shown <= 10:
        problems.append(f"local times: the marked time shows on {shown} pages (more than 10 expected)")
    return problems


def test_declaration_detail_and_alarm_list_agree(marked, db):
    from envbureau.sources.models import Alarm, Declaration

    alarm = Alarm.objects.order_by("pk").first()
    decl = Declaration.objects.order_by("pk").first()
    if alarm is None or decl is None:
        pytest.skip("the light demo has no alarm or declaration")
    decl.alarms.add(alarm)
    client = _admin()
    listing = _visible_text(client.get("/sources/alarms/").content.decode())
    detail = _visible_text(client.get(f"/sources/declarations/{decl.pk}/").content.decode())
    assert LOCAL in listing and LOCAL in detail
    assert not _problems_in_text(listing, "alarm list") and not _problems_in_text(detail, "declaration detail")


def export_time_problems(cells, where: str) -> tuple[list[str], int]:
    """An export's cells (openpyxl's, the workbook read once by the caller) after `mark_every_time()`: every date-time
    below the title row and the header is the marked instant as a local date-time ("yyyy-mm-dd hh:mm"), never UTC, and
    no text writes it another way. (problems, date-time cells seen). tests/core/test_excel_exports.py downloads every
    export, with the times marked and the text poisoned, and runs this on each."""
    problems, dated = [], 0
    for cell in cells:
        if cell.row < 3:
            continue
        v, at = cell.value, f"{where} {cell.coordinate}"
        if isinstance(v, dt.datetime):
            dated += 1
            if v != LOCAL_NAIVE:
                if v.replace(tzinfo=None) == MARK.replace(tzinfo=None):
                    problems.append(f"{at}: UTC time {v}")
                continue  # another instant (e.g. computed): only the format is checked
            if cell.number_format != "yyyy-mm-dd hh:mm":
                problems.append(f"{at}: number format {cell.number_format!r}, expected 'yyyy-mm-dd hh:mm'")
        elif isinstance(v, str):
            problems += _problems_in_text(v, at)
    return problems, dated
