from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("quality/_station_recent.html")
def station_recent(station, days: int = 31):
    """The station's latest daily results (AQI chart and table) for its detail page."""
    from ..models import AirDaily
    from ..views import _primary_text

    rows = list(AirDaily.objects.filter(station=station).order_by("-date")
                .values("date", "aqi", "level", "primary", "pm25", "pm10", "o3_8h", "rules")[:days])[::-1]
    option = {"title": {"text": _("逐日AQI"), "left": "center", "textStyle": {"fontSize": 13}},
              "tooltip": {"trigger": "axis"},
              "xAxis": {"type": "category", "data": [r["date"].isoformat() for r in rows], "name": _("日期")},
              "yAxis": {"type": "value", "name": "AQI"}, "grid": {"left": 40, "right": 20, "top": 30, "bottom": 30},
              "series": [{"type": "bar", "name": "AQI", "data": [r["aqi"] for r in rows]}]}
    table = [[r["date"], r["aqi"], _primary_text(r["primary"]), None if r["pm25"] is None else round(r["pm25"]),
              None if r["pm10"] is None else round(r["pm10"]), None if r["o3_8h"] is None else round(r["o3_8h"]), r["rules"]]
             for r in rows]
    return {"station": station, "option": option, "table": table}


@register.simple_tag(takes_context=True)
def table_cells(context, row):
    """``<td>`` of every value of a row, exactly as ``{% for v in row %}<td>{{ v|default_if_none:"—" }}</td>{% endfor %}``
    renders them (the same localisation and escaping, render_value_in_context), without a template node per cell:
    the micro-station check has 528 rows of 10 cells."""
    from django.template.base import render_value_in_context
    from django.utils.safestring import mark_safe

    return mark_safe("".join(f"<td>{render_value_in_context('—' if v is None else v, context)}</td>" for v in row))


@register.simple_tag(takes_context=True)
def table_rows(context, rows):
    """``<tr>`` of every row, each as ``table_cells`` renders it, rendering each distinct value once: a page of 528
    rows × 10 cells repeats its districts, reference stations, day counts and ratios (the micro-station check spent
    a third of its CPU localising and escaping cells one by one). Only exact str, int and float values are reused
    (floats by repr, so 0.0 and -0.0 stay apart); anything else is rendered cell by cell."""
    from django.template.base import render_value_in_context
    from django.utils.safestring import mark_safe

    memo: dict = {}
    out = []
    for row in rows:
        out.append("<tr>")
        for v in row:
            if v is None:
                v = "—"
            t = type(v)
            if t is str or t is int:
                key = (t, v)
            elif t is float:
                key = (t, repr(v))
            else:
                out.append(f"<td>{render_value_in_context(v, context)}</td>")
                continue
            cell = memo.get(key)
            if cell is None:
                cell = memo[key] = f"<td>{render_value_in_context(v, context)}</td>"
            out.append(cell)
        out.append("</tr>")
    return mark_safe("".join(out))
