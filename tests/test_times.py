"""Every time shown or exported is local (Asia/Shanghai) and written one way: "2030-05-07 02:37".

Every date-time column of the first rows of every table is set to one instant, 2030-05-06 18:37 UTC = 2030-05-07 02:37 in
Beijing (later than any demo time, so newest-first lists show it); then every page of the URL conf (found like the authorization matrix does) is rendered as the
platform admin, and every list's Excel export is downloaded. The UTC clock "18:37" must never show, and
each time of that instant must read exactly "2030-05-07 02:37" (not "2030年5月7日 02:37", "May 7, 2030,
2:37 a.m.", "02:37:00" or an ISO string).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from openpyxl import load_workbook

from test_authorization_matrix import HEAVY_PUBLIC, endpoints, world  # noqa: F401  (fixture)

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


def _mark_every_time():
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
        assert _mark_every_time() > 20
    return world


def _admin():
    from envbureau.core.models import User

    c = Client()
    c.force_login(User.objects.get(username="admin"))
    return c


def _page_urls():
    out = []
    for ep in endpoints():
        if ep.is_api or ep.pattern.startswith(HEAVY_PUBLIC) or "format" in ep.kwargs:
            continue
        pk = None
        if ep.object_kwarg and ep.model is not None:
            pk = ep.model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        url = ep.build({ep.object_kwarg: pk} if pk is not None else None)
        if url is not None:
            out.append((ep, url))
    return out


def test_every_page_shows_local_time_one_way(marked, db):
    client = _admin()
    problems, shown = [], 0
    for ep, url in _page_urls():
        r = client.get(url)
        if r.status_code != 200 or "html" not in r.get("Content-Type", ""):
            continue
        text = _visible_text(r.content.decode())
        shown += LOCAL in text
        problems += _problems_in_text(text, f"{url} [{ep.name}]")
    assert shown > 10, "the marked time should appear on many pages"
    assert not problems, "\n".join(problems)


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


def _cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=3):  # below the title row and the header
            yield from row


def test_every_excel_export_writes_local_time_one_way(marked, db):
    client = _admin()
    problems, exports, dated = [], 0, 0
    for ep, url in _page_urls():
        if ep.object_kwarg:
            continue
        r = client.get(url + ("&" if "?" in url else "?") + "export=xlsx")
        if r.status_code != 200 or "spreadsheetml" not in r.get("Content-Type", ""):
            continue
        exports += 1
        for cell in _cells(r.content):
            v, where = cell.value, f"{url}?export=xlsx [{ep.name}] {cell.coordinate}"
            if isinstance(v, dt.datetime):
                dated += 1
                if v != LOCAL_NAIVE:
                    if v.replace(tzinfo=None) == MARK.replace(tzinfo=None):
                        problems.append(f"{where}: UTC time {v}")
                    continue  # another instant (e.g. computed): only the format is checked
                if cell.number_format != "yyyy-mm-dd hh:mm":
                    problems.append(f"{where}: number format {cell.number_format!r}, expected 'yyyy-mm-dd hh:mm'")
            elif isinstance(v, str):
                problems += _problems_in_text(v, where)
    assert exports >= 5 and dated > 0
    assert not problems, "\n".join(problems[:60])
