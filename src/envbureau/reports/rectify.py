"""Progress report on inspection rectification (督察整改进展情况, laid out as bureaus publish them) for a jurisdiction, as of
the end of the period: the ledger's own statistics (`ledger.stats.overview` over `ledger.filters.StatsFilter`,
exactly what `/ledger/statistics/` and `envbureau ledger_stats --json` give) for every problem handed over
up to the period end, and for those handed over within the period. States are the current ones."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from envbureau.core.documents.render import Image
from envbureau.core.models import Jurisdiction

from . import charts
from .registry import Built


def as_of(period):
    return min(period.end, timezone.localdate())


def figures(j, since, until, today) -> dict:
    from envbureau.ledger import stats
    from envbureau.ledger.filters import StatsFilter
    from envbureau.ledger.models import Problem

    query = {"jurisdiction": j.code, "until": until.isoformat()}
    if since:
        query["since"] = since.isoformat()
    f = StatsFilter(query, queryset=Problem.objects.all())
    f.is_valid()
    ov = stats.overview(f.qs, today)
    s = ov.pop("summary")
    return {**s, "sentence": stats.sentence(s, j.name), **ov}


def ledger_jurisdictions(user):
    from envbureau.core.scoping import allowed_jurisdictions

    qs = Jurisdiction.objects.exclude(level__in=("community",))
    if user is not None:
        qs = qs & allowed_jurisdictions(user, "reports", "view")
    return qs.order_by("path")


def has_data(j, period) -> bool:
    from envbureau.ledger.models import Problem

    return Problem.objects.filter(jurisdiction__path__startswith=j.path, received_on__lte=period.end).exists()


def _link(**q) -> str:
    return reverse("ledger:problem-list") + "?" + urlencode({k: v for k, v in q.items() if v not in (None, "")})


def build(user, j, kind: str, period) -> Built:
    day = as_of(period)
    allp = figures(j, None, period.end, day)
    new = figures(j, period.start, period.end, day)
    title = f"{j.name}督察整改工作进展情况（{period.label}）"
    b = Built(title=title)
    base = {"jurisdiction": j.code, "until": period.end.isoformat()}
    b.heading("一、总体情况")
    s = allp
    frags = [(f"截至{day.year}年{day.month}月{day.day}日，{j.name}累计交办问题", None), (str(s["total"]), _link(**base)),
             ("个，完成整改", None), (str(s["done"]), _link(**base)), ("个，完成率", None), (s["done_rate"], None),
             ("%；已销号", None), (str(s["closed"]), _link(**base)), ("个，销号率", None), (s["closure_rate"], None),
             ("%；正在整改", None), (str(s["in_progress"]), _link(**base)), ("个", None)]
    if s["long_term"]:
        frags += [("，其中需长期坚持", None), (str(s["long_term"]), _link(**base)), ("个", None)]
    if s["overdue"]:
        frags += [("，逾期未完成", None), (str(s["overdue"]), _link(**base, overdue="true")), ("个", None)]
    if s.get("enterprises"):
        frags += [("；涉及企业", None), (str(s["enterprises"]), None), ("家，", None), (str(s["enterprises_done"]), None),
                  ("家企业完成整改", None)]
    frags.append(("。", None))
    overall = b.para(frags)
    sch = s.get("schedule") or {}
    schedule = ""
    if sch.get("available"):
        schedule = b.para([("按整改时限，时间进度", None), (sch["time_share"], None), ("%，任务完成", None),
                           (sch["done_share"], None), (f"%，{sch['verdict']}。", None)])
    period_q = {**base, "since": period.start.isoformat()}
    this_period = b.para([(f"{period.label}新交办问题", None), (str(new["total"]), _link(**period_q)),
                          ("个，已完成整改", None), (str(new["done"]), _link(**period_q)), ("个。", None)])

    def rows_of(items, label_key):
        out_doc, out_html = [], []
        for r in items:
            d = {"name": str(r.get("label") or r.get(label_key) or ""), "total": str(r["total"]), "done": str(r["done"]),
                 "done_rate": r["done_rate"], "closed": str(r["closed"]), "closure_rate": r["closure_rate"],
                 "overdue": str(r["overdue"])}
            out_doc.append(d)
            q = dict(base)
            if label_key == "code":
                q["jurisdiction"] = r["code"]
            else:
                q[label_key] = r[label_key]
            out_html.append([(d["name"], None)] + [(d[k], _link(**q) if k in ("total", "done", "closed") else None)
                                                    for k in ("total", "done", "done_rate", "closed", "closure_rate",
                                                              "overdue")])
        return out_doc, out_html

    header = ["问题数", "完成整改", "完成率(%)", "已销号", "销号率(%)", "逾期"]
    b.heading("二、按问题来源")
    src_doc, src_html = rows_of(allp["by_source"], "source")
    b.table(["问题来源", *header], src_html)
    b.heading("三、各区进展")
    dis_doc, dis_html = rows_of(allp["by_district"], "code")
    b.table(["属地", *header], dis_html)
    b.heading("四、督察批次")
    bat_doc, bat_html = rows_of(allp["by_batch"], "batch")
    b.table(["批次", *header], bat_html)
    png = charts.bars([d["name"] for d in dis_doc], [float(d["done_rate"]) if d["done_rate"] != "—" else None
                                                      for d in dis_doc], "各区问题完成整改率", "完成率(%)")
    b.image("各区完成率", png)
    notes = ["1. 完成整改：已验收、已销号或已公示；完成率＝完成整改数÷问题数；销号率＝已销号数÷问题数。",
             f"2. 逾期：未完成整改且已超过整改时限（截至{day.year}年{day.month}月{day.day}日）；问题状态为生成报告时的状态。",
             "3. 数据来源：本平台督察整改问题台账。"]
    b.heading("说明")
    for n in notes:
        b.para([(n, None)])
    b.values = {"title": title, "jurisdiction": j.name, "period_label": period.label, "overall": overall,
                "schedule": schedule, "this_period": this_period, "by_source": src_doc, "by_district": dis_doc,
                "by_batch": bat_doc, "chart_districts": Image(png, 140), "notes": "\n".join(notes)}
    b.figures = {"jurisdiction": {"code": j.code, "name": j.name}, "as_of": day.isoformat(),
                 "summary": {k: allp[k] for k in ("total", "done", "done_rate", "closed", "closure_rate", "in_progress",
                                                   "long_term", "overdue")},
                 "period": {k: new[k] for k in ("total", "done")}, "by_source": src_doc, "by_district": dis_doc,
                 "by_batch": bat_doc}
    return b
