"""The State Council's annual holiday arrangements (国务院办公厅关于部分节假日安排的通知).

Loaded into complaints.Holiday by migration 0002; admins add next year's notice in the UI when it
is published (usually in November). "off" are days off (incl. weekends inside a holiday run),
"work" are make-up working days (weekends worked, 调休上班).
"""

import datetime as dt

NOTICES = {
    2024: ("国办发明电〔2023〕7号", [
        ("元旦", ("2024-01-01", "2024-01-01"), []),
        ("春节", ("2024-02-10", "2024-02-17"), ["2024-02-04", "2024-02-18"]),
        ("清明节", ("2024-04-04", "2024-04-06"), ["2024-04-07"]),
        ("劳动节", ("2024-05-01", "2024-05-05"), ["2024-04-28", "2024-05-11"]),
        ("端午节", ("2024-06-10", "2024-06-10"), []),
        ("中秋节", ("2024-09-15", "2024-09-17"), ["2024-09-14"]),
        ("国庆节", ("2024-10-01", "2024-10-07"), ["2024-09-29", "2024-10-12"]),
    ]),
    2025: ("国办发明电〔2024〕12号", [
        ("元旦", ("2025-01-01", "2025-01-01"), []),
        ("春节", ("2025-01-28", "2025-02-04"), ["2025-01-26", "2025-02-08"]),
        ("清明节", ("2025-04-04", "2025-04-06"), []),
        ("劳动节", ("2025-05-01", "2025-05-05"), ["2025-04-27"]),
        ("端午节", ("2025-05-31", "2025-06-02"), []),
        ("国庆节、中秋节", ("2025-10-01", "2025-10-08"), ["2025-09-28", "2025-10-11"]),
    ]),
    2026: ("国办发明电〔2025〕7号", [
        ("元旦", ("2026-01-01", "2026-01-03"), ["2026-01-04"]),
        ("春节", ("2026-02-15", "2026-02-23"), ["2026-02-14", "2026-02-28"]),
        ("清明节", ("2026-04-04", "2026-04-06"), []),
        ("劳动节", ("2026-05-01", "2026-05-05"), ["2026-05-09"]),
        ("端午节", ("2026-06-19", "2026-06-21"), []),
        ("中秋节", ("2026-09-25", "2026-09-27"), []),
        ("国庆节", ("2026-10-01", "2026-10-07"), ["2026-09-20", "2026-10-10"]),
    ]),
}


def rows():
    """[(date, kind, name, source)] for every notice above."""
    out = []
    for year, (doc, festivals) in NOTICES.items():
        source = f"国务院办公厅关于{year}年部分节假日安排的通知({doc})"
        for name, (start, end), work in festivals:
            d = dt.date.fromisoformat(start)
            last = dt.date.fromisoformat(end)
            while d <= last:
                out.append((d, "holiday", name, source))
                d += dt.timedelta(days=1)
            for w in work:
                out.append((dt.date.fromisoformat(w), "workday", name, source))
    return out


def load(Holiday=None):
    """Insert the notices (idempotent); returns the number of new rows."""
    if Holiday is None:
        from .models import Holiday
    existing = set(Holiday.objects.values_list("date", flat=True))
    new = [Holiday(date=d, kind=k, name=n, source=s) for d, k, n, s in rows() if d not in existing]
    Holiday.objects.bulk_create(new)
    return len(new)
