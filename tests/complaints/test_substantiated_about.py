"""services.substantiated_about: what the enforcement app's credit rating reads (群众投诉, enforcement README):
the complaints about one enterprise received between two local days, both included, and found 属实 or 部分属实,
oldest first, without complainant data. Days are Beijing days: 00:00 on the first day is in, 23:59:59 on the last
day is in (15:59:59 UTC, still the last day here), the instants on either side are out."""

import datetime as dt

from django.utils import timezone

from envbureau.complaints import services
from envbureau.complaints.models import Complaint


def _local(y, m, d, h=10, mi=0, s=0):
    return timezone.make_aware(dt.datetime(y, m, d, h, mi, s))


def made(received, finding, enterprise_id=42):
    """A row as registering leaves it (only read here: no routing, deadlines or audit needed)."""
    from envbureau.core.models import Jurisdiction

    n = Complaint.objects.count() + 1
    return Complaint.objects.create(
        number=f"XF{received:%Y%m%d}{n:06d}", jurisdiction=Jurisdiction.objects.get(code="110101001000"),
        channel="hotline", category="noise", title="夜间施工噪声", content="工地夜间施工噪声扰民", complainant_name="张三丰",
        received_at=received, enterprise_id=enterprise_id, finding=finding)


def test_the_substantiated_complaints_about_an_enterprise_in_a_span_of_days(demo_core):

    last = made(_local(2025, 12, 31, 23, 59, 59), "substantiated")  # registered first: the order is by receipt
    made(_local(2024, 12, 31, 23, 59, 59), "substantiated")  # the evening before
    first = made(_local(2025, 1, 1, 0, 0, 0), "partly")
    made(_local(2025, 3, 3), "unsubstantiated")
    made(_local(2025, 3, 3), "")  # not investigated yet
    made(_local(2025, 3, 3), "substantiated", enterprise_id=43)
    made(_local(2025, 3, 3), "substantiated", enterprise_id=None)
    # two received at the same instant: in the order they were registered
    same_a = made(_local(2025, 6, 1), "substantiated")
    same_b = made(_local(2025, 6, 1), "partly")
    made(_local(2026, 1, 1, 0, 0, 0), "substantiated")  # the morning after
    got = services.substantiated_about(42, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert got == [
        {"pk": first.pk, "number": first.number, "received_on": dt.date(2025, 1, 1), "finding": "partly"},
        {"pk": same_a.pk, "number": same_a.number, "received_on": dt.date(2025, 6, 1), "finding": "substantiated"},
        {"pk": same_b.pk, "number": same_b.number, "received_on": dt.date(2025, 6, 1), "finding": "partly"},
        {"pk": last.pk, "number": last.number, "received_on": dt.date(2025, 12, 31), "finding": "substantiated"},
    ]
    # one day: from its first instant to its last
    assert [r["pk"] for r in services.substantiated_about(42, dt.date(2025, 6, 1), dt.date(2025, 6, 1))] == [
        same_a.pk, same_b.pk]
    assert services.substantiated_about(44, dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == []


def test_the_days_are_those_of_the_time_zone_in_use(demo_core):
    """Under another current time zone (UTC here) the span's bounds and the day reported are both that zone's:
    20:00 UTC on 31 Dec (already 1 Jan in Beijing) is still in the old year, on either end."""
    import zoneinfo

    utc = zoneinfo.ZoneInfo("UTC")
    made(dt.datetime(2024, 12, 31, 20, tzinfo=utc), "substantiated")
    first = made(dt.datetime(2025, 1, 1, 0, tzinfo=utc), "substantiated")
    last = made(dt.datetime(2025, 12, 31, 20, tzinfo=utc), "partly")
    made(dt.datetime(2026, 1, 1, 0, tzinfo=utc), "substantiated")
    with timezone.override(utc):
        got = services.substantiated_about(42, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert [(r["pk"], r["received_on"]) for r in got] == [(first.pk, dt.date(2025, 1, 1)),
                                                          (last.pk, dt.date(2025, 12, 31))]
