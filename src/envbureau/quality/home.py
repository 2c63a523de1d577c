"""Home-page card: the latest year's good-day ratio and PM2.5 of the user's top jurisdiction."""

from django.urls import reverse


def air_card(request):
    from envbureau.core.permissions import has_perm

    from .assessment import assess_air, make_period
    from .views import air_jurisdictions, latest_date

    if not has_perm(request.user, "quality.view"):
        return None
    choices = air_jurisdictions(request.user)
    if not choices:
        return None
    j = choices[0]
    last = latest_date(j)
    period = make_period(start=last.replace(month=1, day=1), end=last)
    r = assess_air(j, period, compare=False)
    ratio = "—" if r["good_day_ratio"] is None else f"{r['good_day_ratio']:.1f}%"
    pm = "—" if r["pm25_mean"] is None else f"{r['pm25_mean']:.0f}"
    from django.utils.translation import gettext as _

    return {"title": _("%(area)s 优良天数比率(%(y)s年1—%(m)s月)") % {"area": j.name, "y": last.year, "m": last.month},
            "value": ratio,
            "note": _("PM2.5 %(pm)s 微克/立方米;数据截至 %(d)s") % {"pm": pm, "d": f"{last:%Y-%m-%d}"},
            "url": reverse("quality:headline") + f"?j={j.code}&from={period.start}&to={period.end}"}
