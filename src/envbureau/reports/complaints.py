"""Complaint analysis (信访/12369 分析, as bureaus publish them) for a jurisdiction and period: totals with the
change on the same period last year, then by channel, pollution type and district, and the oversight
hand-overs — `complaints.statistics.report` / `oversight` printed the way `/complaints/stats/` prints them
(its `_fmt`, `_fmt_change`, the report's decimals), so the two never disagree."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from envbureau.core.documents.render import Image
from envbureau.core.models import Jurisdiction

from . import charts
from .registry import Built

COLUMNS = (("received", "收件数", "count"), ("completed", "办结数", "count"), ("completion_rate", "办结率", "rate"),
           ("satisfaction_rate", "满意率", "rate"))


def complaint_jurisdictions(user):
    from envbureau.core.scoping import allowed_jurisdictions

    qs = Jurisdiction.objects.exclude(level__in=("community",))
    if user is not None:
        qs = qs & allowed_jurisdictions(user, "reports", "view")
    return qs.order_by("path")


def has_data(j, period) -> bool:
    from envbureau.complaints import statistics

    return statistics.summary_qs(None, start=period.start, end=period.end, jurisdiction=j).exists()


def _yoy_words(v, kind: str) -> str:
    """"，同比下降15.0%" (counts, in %) / "，同比下降4.5个百分点" (rates); "" without last year's figure."""
    if v is None:
        return "件" if kind == "count" else ""
    from . import words as W

    w = W.rate(v / 100) if kind == "count" else W.points(v)
    return ("件" if kind == "count" else "") + f"，同比{w}"


def build(user, j, kind: str, period) -> Built:
    from envbureau.complaints import statistics
    from envbureau.complaints.views import _fmt, _fmt_change, _label_for

    link = reverse("complaints:stats") + "?" + urlencode(
        {"jurisdiction": j.code, "from": f"{period.start:%Y-%m}", "to": f"{period.end:%Y-%m}"})
    title = f"{j.name}{period.label}信访投诉办理情况分析"
    b = Built(title=title)
    by = {k: statistics.report(None, start=period.start, end=period.end, jurisdiction=j, by=k)
          for k in ("channel", "category", "jurisdiction")}
    rep = by["category"]
    t, y = rep["total"], rep["yoy"]
    b.heading("一、总体情况")
    overall = b.para([
        (f"{period.label}，{j.name}共接收环境信访投诉", None), (str(t["received"]), link),
        (_yoy_words(y["received"], "count") + "；受理", None), (str(t["accepted"]), link),
        ("件，不予受理", None), (str(t["declined"]), link), ("件；已办结", None), (str(t["completed"]), link),
        ("件，办结率", None), (_fmt(t["completion_rate"], "rate"), link),
        (_yoy_words(y["completion_rate"], "rate").replace("，", "（", 1) + ("），按时办结率" if y["completion_rate"]
                                                                           is not None else "，按时办结率"), None), (_fmt(t["on_time_rate"], "rate"), link),
        ("；回访满意率", None), (_fmt(t["satisfaction_rate"], "rate"), link), ("；经调查属实", None),
        (str(t["substantiated"]), link), ("件、部分属实", None), (str(t["partly"]), link), ("件、不属实", None),
        (str(t["unsubstantiated"]), link), ("件，属实率", None), (_fmt(t["substantiated_share"], "rate"), link),
        ("；重复件", None), (str(t["repeats"]), link), ("件。", None)])
    sections = {}
    for key, heading, label in (("channel", "二、举报渠道", "渠道"), ("category", "三、污染类型", "污染类型"),
                                ("jurisdiction", "四、各区情况", "属地")):
        b.heading(heading)
        rows_doc, rows_html = [], []
        for r in by[key]["rows"]:
            name = str(_label_for(key, r["key"]))
            share = statistics.ratio(r["cur"]["received"], t["received"])
            d = {"name": name, "received": str(r["cur"]["received"]), "share": _fmt(share, "rate"),
                 "yoy": _fmt_change(r["yoy"]["received"], "count"), "completed": str(r["cur"]["completed"]),
                 "completion_rate": _fmt(r["cur"]["completion_rate"], "rate")}
            rows_doc.append(d)
            q = {"channel": r["key"]} if key == "channel" else {"category": r["key"]} if key == "category" else {}
            lk = link + ("&" + urlencode(q) if q else "") + f"&by={key}"
            rows_html.append([(name, None), (d["received"], lk), (d["share"], None), (d["yoy"], None),
                              (d["completed"], lk), (d["completion_rate"], lk)])
        b.table([label, "收件数", "占比", "同比", "办结数", "办结率"], rows_html)
        sections[key] = rows_doc
    cats = sections["category"]
    png = charts.bars([d["name"] for d in cats], [int(d["received"]) for d in cats], f"{period.label}信访投诉污染类型",
                      "件数", colour="#C0504D")
    b.image("污染类型", png)
    ov = statistics.oversight(None, start=period.start, end=period.end, jurisdiction=j)
    b.heading("五、督察交办信访件")
    oversight = b.para([(statistics.oversight_sentence(ov), link + "#oversight")])
    notes = ["1. 办结率＝办结数÷受理数；满意率＝（满意＋基本满意）÷回访到的件数；属实率＝（属实＋部分属实）÷已调查件数。",
             "2. 件数的同比变化以%计，比率的同比变化以百分点计；占比＝该类收件数÷收件总数。",
             "3. 数据来源：本平台信访投诉登记（按收件时间统计，状态为生成报告时的状态）。"]
    b.heading("说明")
    for n in notes:
        b.para([(n, None)])
    b.values = {"title": title, "jurisdiction": j.name, "period_label": period.label, "overall": overall,
                "by_channel": sections["channel"], "by_category": cats, "by_district": sections["jurisdiction"],
                "chart_categories": Image(png, 140), "oversight": oversight, "notes": "\n".join(notes)}
    b.figures = {"jurisdiction": {"code": j.code, "name": j.name},
                 "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
                 "total": {k: t[k] for k in ("received", "accepted", "declined", "completed", "repeats")},
                 "rates": {k: _fmt(t[k], "rate") for k in ("completion_rate", "satisfaction_rate", "on_time_rate",
                                                            "substantiated_share")},
                 "by_channel": sections["channel"], "by_category": cats, "by_district": sections["jurisdiction"]}
    return b
