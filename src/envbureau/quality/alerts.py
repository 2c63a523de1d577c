"""Heavy-pollution weather alerts (issued acts) counted apart from the automatic data warnings:
"启动重污染天气预警N次" is a count of alerts issued, never of warnings raised by data rules."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .choices import AlertLevel, WarningKind


def _local_bounds(period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time()), tz)
    end = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time()), tz)
    return start, end


def alert_counts(jurisdiction, period, user=None) -> dict:
    """Alerts started in the period (local dates) in the jurisdiction and below, by level, with the
    distinct enterprises on their reduction lists; and, separately, the automatic data warnings first
    raised in the period, by kind."""
    from .models import HeavyPollutionAlert, Warning

    a, b = _local_bounds(period)
    qs = HeavyPollutionAlert.objects.filter(jurisdiction__path__startswith=jurisdiction.path, start__gte=a, start__lt=b)
    ws = Warning.objects.filter(jurisdiction__path__startswith=jurisdiction.path, first_time__gte=a, first_time__lt=b)
    if user is not None:
        qs, ws = qs.restrict(user, "view"), ws.restrict(user, "view")
    levels = list(qs.values_list("level", flat=True))
    kinds = list(ws.values_list("kind", flat=True))
    enterprises = set(HeavyPollutionAlert.enterprises.through.objects.filter(heavypollutionalert__in=qs)
                      .values_list("enterprise_id", flat=True))
    return {
        "issued": len(levels),
        "by_level": {str(lbl): levels.count(v) for v, lbl in AlertLevel.choices if levels.count(v)},
        "enterprises": len(enterprises),
        "automatic_warnings": len(kinds),
        "automatic_by_kind": {str(lbl): kinds.count(v) for v, lbl in WarningKind.choices if kinds.count(v)},
    }


def alert_sentence(c: dict) -> str:
    """"启动重污染天气预警3次(黄色预警2次、橙色预警1次),涉及应急减排清单企业12家;另有数据自动预警5次。\""""
    if c["issued"]:
        levels = "、".join(f"{k}{v}次" for k, v in c["by_level"].items())
        s = f"启动重污染天气预警{c['issued']}次({levels})"
        if c["enterprises"]:
            s += f",涉及应急减排清单企业{c['enterprises']}家"
    else:
        s = "未启动重污染天气预警"
    return s + f";另有监测数据自动预警{c['automatic_warnings']}次(不计入预警启动次数)。"
