"""Derived daily values: a day without the device's own daily packet (2031) is computed from its
hourly rows once the day is over.  Rebuildable at any time from PointHourly."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Max, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import conf
from .models import MonitoringPoint, PointDaily, PointHourly


def rollup_days(now: dt.datetime | None = None, days: int = 3) -> int:
    """Upsert PointDaily (rolled_up=True) for the last `days` complete local days; daily packets win.
    Daily limits are judged only when at least SOURCES_DAILY_MIN_HOURS hourly values exist."""
    from . import alarms

    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now).date()
    first = today - dt.timedelta(days=days)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()), tz)
    end = timezone.make_aware(dt.datetime.combine(today, dt.time()), tz)
    rows = (PointHourly.objects.filter(hour__gte=start, hour__lt=end)
            .annotate(day=TruncDate("hour", tzinfo=tz)).values("point_id", "factor", "day")
            .annotate(avg_=Avg("avg"), min_=Min("min"), max_=Max("max"), cou_=Sum("cou"), zs_=Avg("zs_avg"),
                      n=Count("avg")))
    packets = set(PointDaily.objects.filter(day__gte=first, day__lt=today, rolled_up=False)
                  .values_list("point_id", "factor", "day"))
    out = []
    for r in rows:
        if (r["point_id"], r["factor"], r["day"]) in packets or r["avg_"] is None:
            continue
        out.append(PointDaily(point_id=r["point_id"], factor=r["factor"], code=r["factor"], day=r["day"], avg=r["avg_"],
                              min=r["min_"], max=r["max_"], cou=r["cou_"], zs_avg=r["zs_"], rolled_up=True,
                              samples=r["n"], received_at=now))
    if not out:
        return 0
    PointDaily.objects.bulk_create(out, update_conflicts=True, unique_fields=["point", "factor", "day"],
                                   update_fields=["avg", "min", "max", "cou", "zs_avg", "samples", "received_at"],
                                   batch_size=500)
    min_hours = int(conf.get("SOURCES_DAILY_MIN_HOURS"))
    points = MonitoringPoint.objects.in_bulk({d.point_id for d in out})
    index = alarms.ActiveIndex(points)
    limits: dict = {}
    for p in points.values():
        limits[p.pk] = [lim for lim in p.limits.all() if lim.period == "day"]
    for d in out:
        if d.samples < min_hours or not limits.get(d.point_id):
            continue
        fields = {"Avg": d.avg}
        if d.zs_avg is not None:
            fields["ZsAvg"] = d.zs_avg
        at = timezone.make_aware(dt.datetime.combine(d.day, dt.time()), tz)
        alarms.evaluate_values(points[d.point_id], at, {d.factor: fields}, "day", limits[d.point_id], index=index)
    return len(out)
