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


def test_the_substantiated_complaints_about_an_enterprise_in_a_span_of_days(demo_core):
    from envbureau.core.models import Jurisdiction

    street = Jurisdiction.objects.get(code="110101001000")

    def made(received, finding, enterprise_id=42):
        # rows as registering leaves them (what is read here only): no routing, deadlines or audit needed
        n = Complaint.objects.count() + 1
        return Complaint.objects.create(
            number=f"XF{received:%Y%m%d}{n:06d}", jurisdiction=street, channel="hotline", category="noise",
            title="夜间施工噪声", content="工地夜间施工噪声扰民", complainant_name="张三丰", received_at=received,
            enterprise_id=enterprise_id, finding=finding)

    made(_local(2024, 12, 31, 23, 59, 59), "substantiated")  # the evening before
    first = made(_local(2025, 1, 1, 0, 0, 0), "partly")
    made(_local(2025, 3, 3), "unsubstantiated")
    made(_local(2025, 3, 3), "")  # not investigated yet
    made(_local(2025, 3, 3), "substantiated", enterprise_id=43)
    made(_local(2025, 3, 3), "substantiated", enterprise_id=None)
    # two received at the same instant: in the order they were registered
    same_a = made(_local(2025, 6, 1), "substantiated")
    same_b = made(_local(2025, 6, 1), "partly")
    last = made(_local(2025, 12, 31, 23, 59, 59), "substantiated")
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
