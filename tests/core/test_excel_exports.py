"""Formula injection: user text reaches every Excel export as text, never as a live formula.

Every text column of the demo data is prefixed with a formula; each exporter is downloaded and its
cells read back with openpyxl: no cell is a formula, the poisoned text is there as typed (quote
prefix, so editing the cell in Excel keeps it text), and numbers are still numbers. The first rows' times are marked
as well (tests/test_times.py), and each export's date-times must read as the local instant, written one way: one
download of each export serves both checks.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Left
from django.test import Client
from openpyxl import load_workbook

import test_authorization_matrix as matrix
import test_times
from envbureau.core.excel import is_formula_like, workbook_bytes

world = matrix.world  # the module-scoped light demo of every app

POISON = "=HYPERLINK(\"http://evil\",\"x\")&"
OUR_APPS = ("core", "quality", "sources", "ledger", "complaints")
# Columns other code looks rows up by, or whose value the pages parse: left alone.
KEEP = {"path", "password", "username", "code", "mn", "number", "query_code", "kind", "key", "source_model",
        "source_pk", "model", "object_id", "request_id", "pollutant", "factor", "sha256", "file", "uscc",
        "credit_code", "unit", "level", "batch", "category", "sub_category", "state", "track", "channel"}

# The exporters that are not a generic Crud list (those are discovered from the URL conf below).
CUSTOM_EXPORTS = [
    "/quality/?export=all",
    "/quality/assessment/?export=1",
    "/quality/rankings/?export=1",
    "/quality/warnings/?export=xlsx",
    "/quality/water/?export=all",
    "/quality/noise/?export=all",
    "/ledger/problems/?export=xlsx",
    "/ledger/problems/?export=tasks",
    "/ledger/problems/?export=closure",
    "/ledger/statistics/?export=xlsx",
    "/sources/board/?export=xlsx",
    "/sources/alarms/?export=xlsx",
    "/sources/declarations/?export=xlsx",
    "/sources/unknown-mns/?export=xlsx",
    "/complaints/?export=xlsx",
    "/complaints/?export=oversight",
    "/complaints/stats/?export=xlsx",
    "/audit/?export=xlsx",
    "/enforcement/statistics/?export=xlsx",
    "/approvals/statistics/?export=xlsx",
    "/approvals/risk-map/?export=xlsx",
    "/projects/statistics/?export=xlsx",
    "/projects/campaigns/{campaign}/statistics/?export=xlsx",
    "/projects/outfalls/statistics/?export=xlsx",
    "/projects/grids/statistics/?export=xlsx",
]
# Exporters the light demo gives no rows to (no street daily results, no micro-station pairs, no manifest
# mismatches): the test builds their rows itself (rows_for_the_rest below) and sweeps them the same way.
BUILT_ROWS_EXPORTS = [
    "/quality/street-rankings/?export=1&j=110000&year=2016&month=1",
    "/quality/micro-check/?export=1&year=2016&month=3",
    "/waste/reconciliation/?export=xlsx&year={manifest_year}",
]
# Call sites of xlsx_response/workbook_bytes in src (besides core/excel.py itself); a new one fails
# test_every_exporter_is_listed until it is added to CUSTOM_EXPORTS.
EXPECTED_CALL_SITES = 28


_DATED: dict[str, int] = {}  # url -> date-time cells the time check saw in its export


def _poison_text_columns():
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField)) and not f.choices
                  and f.name not in KEEP and not f.primary_key]
        if fields:
            model._base_manager.update(**{
                f.name: Left(Concat(Value(POISON), f.name), f.max_length) if f.max_length else Concat(Value(POISON), f.name)
                for f in fields})


def crud_exports() -> list[str]:
    out = []
    for ep in matrix.endpoints():
        crud = (getattr(ep.callback, "view_initkwargs", None) or {}).get("crud")
        if crud is not None and ep.name.endswith("-list"):
            out.append(ep.build() + "?export=xlsx")
    return out


def _cells(data: bytes):
    wb = load_workbook(io.BytesIO(data))  # not data_only: formulas would come back as formulas
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_every_exporter_is_listed():
    src = Path(__file__).resolve().parents[2] / "src" / "envbureau"
    sites = []
    for p in src.rglob("*.py"):
        if p.name == "excel.py" and p.parent.name == "core":
            continue
        sites += [f"{p.relative_to(src)}:{m.start()}" for m in
                  re.finditer(r"\b(xlsx_response|workbook_bytes)\(", p.read_text(encoding="utf-8"))]
    assert len(sites) == EXPECTED_CALL_SITES, (
        f"{len(sites)} Excel export call sites ({sites}); add new exporters to CUSTOM_EXPORTS")


@pytest.fixture
def poisoned(world, db):
    """Every text column poisoned, and the first rows' times marked (tests/test_times.py): each export is then
    checked for text written as text and for times written as local date-times, downloaded once for both."""
    _poison_text_columns()
    assert test_times.mark_every_time() > 20
    from envbureau.sources.models import UnknownMN

    # An MN is whatever a device on the network sends: untrusted text too.
    UnknownMN.objects.create(mn=POISON + "88888880000001", peer="203.0.113.9")
    from envbureau.core.models import User

    c = Client()
    c.force_login(User.objects.get(username="admin"))
    return c


def _check_export(client, url):
    r = client.get(url)
    assert r.status_code == 200, f"{url}: {r.status_code}"
    assert r["Content-Type"].startswith("application/vnd.openxmlformats"), url
    cells = list(_cells(r.content))
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert not formulas, f"{url}: live formulas {formulas[:5]}"
    hit = [c for c in cells if isinstance(c.value, str) and POISON in c.value]
    bare = [(c.coordinate, c.value) for c in cells if is_formula_like(c.value) and not c.quotePrefix]
    assert not bare, f"{url}: formula-like text without the quote prefix {bare[:5]}"
    wrong, dated = test_times.export_time_problems(cells, url)
    assert not wrong, "\n".join(wrong[:20])
    _DATED[url] = dated
    return hit, cells


@pytest.mark.parametrize("url", CUSTOM_EXPORTS)
def test_custom_exporter_writes_text_as_text(poisoned, url):
    if "{campaign}" in url:
        from envbureau.projects.models import Campaign

        url = url.format(campaign=Campaign.objects.order_by("pk").values_list("pk", flat=True).first())
    hit, _cells_ = _check_export(poisoned, url)
    # The quality pages export computed figures (names come from the jurisdiction tree): the rest
    # must carry the user text through, or the test is not testing anything.
    if not url.startswith(("/quality/?", "/quality/water/", "/quality/noise/", "/quality/assessment/",
                           "/quality/rankings/", "/ledger/statistics/", "/complaints/stats/")):
        assert hit, f"{url}: no user text reached the export; pick a field that does"


@pytest.fixture
def rows_for_the_rest(poisoned):
    """Street days, a micro station beside a reference station and a manifest whose quantities disagree,
    each carrying poisoned text (the sweep's poisoning ran before they existed)."""
    import datetime as dt
    import zoneinfo

    import numpy as np

    from envbureau.core.models import Jurisdiction
    from envbureau.quality.derived import rebuild, rebuild_period_stats
    from envbureau.quality.models import AirHourly, AirStation, CityDaily
    from envbureau.waste.models import Manifest

    epoch = dt.date(1970, 1, 1)
    jan = [dt.date(2016, 1, 1) + dt.timedelta(days=i) for i in range(31)]
    streets = [Jurisdiction.objects.create(code=f"1101018{70 + i}000", name=f"{POISON}街道{i}", level="street",
                                           parent=Jurisdiction.objects.get(code="110101")) for i in range(2)]
    CityDaily.objects.bulk_create([
        CityDaily(jurisdiction=j, date=d, pm25=30 + 10 * i, so2=10, no2=40, pm10=70, co=1.0, o3_8h=80, valid=True,
                  rules="2012", n_stations=1) for i, j in enumerate(streets) for d in jan])
    rebuild_period_stats([j.pk for j in streets], (jan[0] - epoch).days, (jan[-1] - epoch).days)

    dc = Jurisdiction.objects.get(code="110101")
    ref = AirStation.objects.create(code="XREF", name="参比站", control_level="national", jurisdiction=dc,
                                    longitude=116.40, latitude=39.90)
    micro = AirStation.objects.create(code="XMIC", name=f"{POISON}微站", control_level="micro", jurisdiction=dc,
                                      longitude=116.41, latitude=39.90)
    tz = zoneinfo.ZoneInfo("Asia/Shanghai")
    start = dt.date(2016, 3, 1)
    AirHourly.objects.bulk_create([
        AirHourly(station=s, time=dt.datetime(2016, 3, 1 + day, h, tzinfo=tz), pm25=pm25, pm10=120)
        for s, pm25 in ((ref, 50), (micro, 75)) for day in range(7) for h in range(24)])
    d0 = (start - epoch).days
    rebuild({s.pk: np.arange(d0, d0 + 7) for s in (ref, micro)})

    m = Manifest.objects.order_by("pk").first()
    assert m is not None, "the light demo has hazardous-waste manifests"
    Manifest.objects.filter(pk=m.pk).update(mismatch=True, difference=1.5, waste_name=POISON + "废矿物油")
    return {"manifest_year": m.created_on.year}


@pytest.mark.parametrize("url", BUILT_ROWS_EXPORTS)
def test_exporters_on_built_rows_write_text_as_text(rows_for_the_rest, poisoned, url):
    hit, cells = _check_export(poisoned, url.format(**rows_for_the_rest))
    assert hit, f"{url}: the built rows did not reach the export"
    assert any(isinstance(c.value, (int, float)) and not isinstance(c.value, bool) for c in cells), \
        f"{url}: no number reached the export"


def test_crud_exporters_write_text_as_text(poisoned):
    urls = crud_exports()
    assert len(urls) >= 15
    reached = 0
    for url in urls:
        hit, _c = _check_export(poisoned, url)
        reached += bool(hit)
    assert reached >= len(urls) // 2
    # the time check saw date-times (the marked instant reaches the lists' exports)
    assert sum(_DATED[u] for u in urls) > 0


def test_workbook_keeps_numbers_and_marks_only_dangerous_text():
    rows = [["=1+1", "+86 10 1234", "-", "@SUM(A1)", "\tx", "\rx", "普通文本", "a=b", 3, -2.5, 0, None]]
    cells = list(_cells(workbook_bytes([("s", [f"h{i}" for i in range(12)], rows)])))[12:]
    assert [c.value for c in cells[:8]] == rows[0][:8]  # text exactly as typed (tab/CR too)
    assert [c.data_type for c in cells[:8]] == ["s"] * 8
    assert [c.quotePrefix for c in cells[:8]] == [True] * 6 + [False, False]
    assert [c.value for c in cells[8:11]] == [3, -2.5, 0]
    assert [c.data_type for c in cells[8:11]] == ["n"] * 3
    assert not any(c.quotePrefix for c in cells[8:11])
