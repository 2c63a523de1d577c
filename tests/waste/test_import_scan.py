"""Import of the provincial system's manifest export (all-or-nothing, row errors, idempotent by number) and
the daily scan (storage limit, licence expiry, capacity, declarations owed)."""

import datetime as dt
from decimal import Decimal

from envbureau.core.importing import get_importer
from envbureau.core.models import Task
from envbureau.waste import services
from envbureau.waste.models import Alert, Declaration, Licence, Manifest, Stock

HEADER = "联单编号,移出单位,接受单位,承运单位,废物代码,废物名称,移出量(吨),运输量(吨),接受量(吨),填报日期,运出日期,接收日期,确认日期,拒收原因\n"


def csv(*rows):
    return (HEADER + "".join(",".join(r) + "\n" for r in rows)).encode("utf-8")


def row(n, sent="5", carried="5", received="5", created="2026-11-02", shipped="2026-11-03", recv="2026-11-03",
        conf="2026-11-05", reason=""):
    return [f"202611010{n:05d}", "产废企业甲", "处置中心乙", "运输丁", "900-249-08", "废矿物油", sent, carried, received,
            created, shipped, recv, conf, reason]


def run(data, user=None, commit=True):
    return get_importer("waste.manifest").run(data, "export.csv", user, commit=commit)


def test_import_creates_states_and_flags(world):
    r = run(csv(row(1), row(2, received="4.9"), row(3, conf="", recv="2026-11-04"), row(4, shipped="", recv="",
                                                                                       conf="", received=""),
                row(5, reason="包装破损", conf="")))
    assert r.ok, r.errors
    assert r.saved == {"created": 5, "updated": 0, "unchanged": 0}
    states = dict(Manifest.objects.values_list("number", "state"))
    assert [states[f"202611010{n:05d}"] for n in range(1, 6)] == ["confirmed", "confirmed", "received", "created",
                                                                  "rejected"]
    m2 = Manifest.objects.get(number="20261101000002")
    assert m2.mismatch and m2.difference == Decimal("0.100")
    m3 = Manifest.objects.get(number="20261101000003")
    assert m3.confirm_due == dt.date(2026, 11, 11)  # received Wed 4 Nov → 5 working days
    # Waiting manifests get their kit task; finished ones none.
    assert Task.objects.filter(model="waste.manifest", object_id=str(m3.pk), is_open=True).exists()
    assert not Task.objects.filter(model="waste.manifest", object_id=str(m2.pk), is_open=True).exists()


def test_reimport_is_idempotent_and_fills_later_steps(world):
    assert run(csv(row(1, conf="", recv="", received=""))).ok
    assert Manifest.objects.get().state == "shipped"
    r = run(csv(row(1)))
    assert r.saved == {"created": 0, "updated": 1, "unchanged": 0}
    m = Manifest.objects.get()
    assert (m.state, m.received_tonnes) == ("confirmed", Decimal("5.000"))
    r = run(csv(row(1)))
    assert r.saved == {"created": 0, "updated": 0, "unchanged": 1}
    assert Manifest.objects.count() == 1


def test_all_or_nothing_with_row_errors(world):
    bad = csv(row(1), ["2026110200001"] + row(2)[1:], row(3, sent="abc"), row(4, recv="2026-11-01"),
              row(1), row(6, conf="2026-11-05", recv="", received=""))
    r = run(bad)
    assert not r.ok
    where = {(e["row"], e["column"]) for e in r.errors}
    assert (3, "联单编号") in where          # 13 digits
    assert (4, "移出量(吨)") in where        # not a number
    assert (5, "接收日期") in where          # before shipping
    assert (7, "接收日期") in where          # confirmed without a receipt date
    assert Manifest.objects.count() == 0
    r = run(csv(row(1), row(2), row(1)))
    assert [(e["row"], e["column"]) for e in r.errors] == [(4, "联单编号")]  # repeats row 2
    assert Manifest.objects.count() == 0


def test_import_is_for_bureau_users(world):
    import pytest
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):  # enterprises file manifests; the export comes in through the bureau
        run(csv(row(1)), user=world["users"]["producer"])
    r = run(csv(row(1)), user=world["users"]["staff"])
    assert r.ok, r.errors


def test_storage_alert_day_before_of_after_limit(world):
    p = world["producer"]
    p.storage_days = 365
    p.save()
    s = Stock.objects.create(producer=p, waste_code="900-249-08", tonnes=Decimal("2"), stored_on=dt.date(2025, 11, 16))
    limit = dt.date(2026, 11, 16)  # stored + 365 days
    services.scan(limit - dt.timedelta(days=1))
    services.scan(limit)
    assert not Alert.objects.filter(kind="storage").exists()
    services.scan(limit + dt.timedelta(days=1))
    a = Alert.objects.get(kind="storage")
    assert a.source_ref == f"waste.stock:{s.pk}"
    assert Task.objects.filter(model="waste.alert", object_id=str(a.pk), is_open=True, permission="waste.handle").exists()
    services.scan(limit + dt.timedelta(days=2))
    assert Alert.objects.filter(kind="storage").count() == 1  # once per stock


def test_licence_expiry_and_capacity_alerts(world, settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "WASTE": {"licence_warn_days": 0}}
    lic = Licence.objects.get(number="L-1")
    lic.valid_to = dt.date(2026, 12, 31)  # renewal deadline 2026-11-19 (30 working days before)
    lic.save()
    services.scan(dt.date(2026, 11, 18))
    assert not Alert.objects.filter(kind="licence").exists()
    services.scan(dt.date(2026, 11, 19))
    assert Alert.objects.get(kind="licence").due == dt.date(2026, 11, 19)
    lic.capacity_tonnes = Decimal("10")
    lic.save()
    assert run(csv(row(1, sent="6", carried="6", received="6"), row(2, sent="4", carried="4", received="4"))).ok
    services.scan(dt.date(2026, 11, 20))
    assert not Alert.objects.filter(kind="capacity").exists()  # 10 t = capacity is not over it
    assert run(csv(row(3, sent="0.01", carried="0.01", received="0.01"))).ok
    services.scan(dt.date(2026, 11, 20))
    assert Alert.objects.filter(kind="capacity").count() == 1


def test_declarations_owed_per_category_with_due_dates(world):
    services.scan(dt.date(2026, 11, 20))
    p = world["producer"]  # key: monthly and yearly
    months = Declaration.objects.filter(producer=p, period="month")
    # Jan 2025 … Oct 2026 have ended by 20 Nov 2026 (22 months); November 2026 has not.
    assert months.count() == 22
    oct_ = months.get(period_start=dt.date(2026, 10, 1))
    assert oct_.due == dt.date(2026, 11, 15)
    assert Declaration.objects.filter(producer=p, period="year").count() == 1  # 2025
    assert Task.objects.filter(model="waste.declaration", object_id=str(oct_.pk), due_date=dt.date(2026, 11, 15),
                               is_open=True).exists()
    from envbureau.core import workflow as wf

    wf.apply(world["users"]["producer"], oct_, "submit", generated_tonnes="12.5", submitted_on="2026-11-16")
    oct_.refresh_from_db()
    assert (oct_.state, oct_.late) == ("submitted", True)
    services.scan(dt.date(2026, 11, 21))
    assert Declaration.objects.filter(producer=p).count() == 23


def test_reimport_closes_the_task_of_a_manifest_confirmed_since(world):
    assert run(csv(row(1, conf=""))).ok
    m = Manifest.objects.get()
    assert Task.objects.filter(model="waste.manifest", object_id=str(m.pk), is_open=True).count() == 1
    assert run(csv(row(1))).ok
    assert not Task.objects.filter(model="waste.manifest", object_id=str(m.pk), is_open=True).exists()


def test_dates_are_read_once_per_text_but_each_cell_still_checked(world):
    r = run(csv(row(1, created="2026-11-02"), row(2, created="2026-13-02"), row(3, created="2026-13-02")))
    bad = [(e["row"], e["column"]) for e in r.errors]
    assert bad == [(3, "填报日期"), (4, "填报日期")]


def test_alert_description_reads_in_the_readers_language(world, client_for):
    """A storage alert keeps its finding as data: the detail page words it in Chinese or English when shown,
    whatever language the scan ran in; the stored Chinese text (timeline, exports) is the same as before."""
    from django.utils import translation

    p = world["producer"]
    p.storage_days = 365
    p.save()
    Stock.objects.create(producer=p, waste_code="900-249-08", tonnes=Decimal("3.200"), stored_on=dt.date(2025, 11, 16))
    with translation.override("en"):  # a scan started from an English page stores the same Chinese text
        services.scan(dt.date(2026, 11, 17))
    a = Alert.objects.get(kind="storage")
    assert a.detail == "3.200 吨自 2025-11-16 起贮存,超过贮存期限 365 天"
    assert a.facts == {"msg": "storage", "args": {"t": "3.200", "d": "2025-11-16", "n": "365"}}
    with translation.override("zh-hans"):
        assert a.description == a.detail
    with translation.override("en"):
        assert "吨" not in a.description and "3.200" in a.description and "2025-11-16" in a.description
    c = client_for("admin")
    assert "3.200 吨自 2025-11-16 起贮存" in c.get(f"/waste/alerts/{a.pk}/").content.decode()
    c.cookies["django_language"] = "en"
    page = c.get(f"/waste/alerts/{a.pk}/").content.decode()
    rows = page[page.index('<table class="table table-sm w-auto'):]
    rows = rows[:rows.index("</table>")]  # the alert's own rows (the change history below shows what was stored)
    assert "吨" not in rows and "3.200" in rows and "Description" in rows, rows
    legacy = Alert.objects.create(kind="storage", key="legacy", subject="x", detail="旧的说明", raised_on=dt.date(2026, 1, 1))
    assert legacy.description == "旧的说明"  # raised before facts were kept: as stored
