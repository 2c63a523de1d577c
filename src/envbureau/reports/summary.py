"""The figures section of a work summary (工作总结/工作报告的数据部分, as bureaus' summaries print figures): every quantified
sentence the report needs, from each module's own figures, in the bureau reports' style:
air and water — the headline page's sentences (`quality.views.headline_sentences`, `water_sentences`);
noise — `quality.water.noise_compliance`; the ledger — `ledger.stats.sentence`; complaints —
`complaints.statistics.report`; online monitoring — the alarm list (`sources.filters.AlarmFilter`);
enforcement — `enforcement.stats.statistics` (the report's period)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from envbureau.core.models import Jurisdiction

from . import rectify
from . import words as W
from .registry import Built


def summary_jurisdictions(user):
    from envbureau.core.scoping import allowed_jurisdictions

    qs = Jurisdiction.objects.filter(level__in=("city", "district"))
    if user is not None:
        qs = qs & allowed_jurisdictions(user, "reports", "view")
    return qs.order_by("path")


def _air(b, j, period) -> list[str]:
    from envbureau.quality import assessment as A
    from envbureau.quality.models import CityDaily
    from envbureau.quality.views import headline_sentences, water_sentences

    out = []
    b.heading("一、环境质量")
    if CityDaily.objects.filter(jurisdiction=j, date__gte=period.start, date__lte=period.end).exists():
        r = A.assess_air(j, period)
        link = reverse("quality:assessment") + "?" + urlencode(
            {"j": j.code, "from": period.start.isoformat(), "to": period.end.isoformat()})
        with translation.override(settings.LANGUAGE_CODE):  # the summary is a Chinese document in any UI language
            sentences = headline_sentences(j, period, r, link)
        for s in sentences:
            out.append(b.para([(text, href) for text, href, _how in s]))
    with translation.override(settings.LANGUAGE_CODE):
        sentences = water_sentences(j, period, None)
    for s in sentences:
        out.append(b.para([(text, href) for text, href, _how in s]))
    return out


def _noise(b, j, period) -> list[str]:
    from envbureau.quality.water import noise_compliance

    rows = [r for r in noise_compliance(j, period) if r["day"]["n"] or r["night"]["n"]]
    if not rows:
        return []
    link = reverse("quality:noise-dashboard") + "?" + urlencode({"j": j.code, "year": period.start.year})
    parts = []
    for r in rows:
        d, n = r["day"], r["night"]
        parts.append(f"{r['zone']}类区{r['n_stations']}个点位昼间达标率{_p(d['rate'])}、夜间达标率{_p(n['rate'])}")
    return [b.para([(f"{period.label}，{j.name}功能区声环境质量：", None), ("；".join(parts), link), ("。", None)])]


def _p(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


def _monitoring(b, j, period) -> list[str]:
    from envbureau.sources.choices import AlarmKind
    from envbureau.sources.filters import AlarmFilter
    from envbureau.sources.models import Alarm

    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(period.end, dt.time.max, tzinfo=tz)
    q = {"jurisdiction": j.code, "since": since.isoformat(), "until": until.isoformat()}
    f = AlarmFilter(q, queryset=Alarm.objects.all())
    f.is_valid()
    qs = f.qs
    total = qs.count()
    if not total:
        return []
    base = reverse("sources:alarm-list") + "?" + urlencode(q)
    kinds = [(str(label), qs.filter(kind=value).count(), value) for value, label in AlarmKind.choices]
    closed = qs.filter(status="closed").count()
    frags = [(f"{period.label}，重点排污单位自动监控共产生报警", None), (str(total), base), ("条，其中", None)]
    first = True
    for label, n, value in kinds:
        if n:
            frags += [("" if first else "、", None), (f"{label}", None), (str(n), base + "&" + urlencode({"kind": value})),
                      ("条", None)]
            first = False
    frags += [("；已处理关闭", None), (str(closed), base + "&status=closed"), ("条。", None)]
    return [b.para(frags)]


def _ledger(b, j, period) -> list[str]:
    day = rectify.as_of(period)
    s = rectify.figures(j, None, period.end, day)
    if not s["total"]:
        return []
    link = reverse("ledger:statistics") + "?" + urlencode({"jurisdiction": j.code, "until": period.end.isoformat()})
    return [b.para([(f"督察整改：截至{day.year}年{day.month}月{day.day}日，", None), (s["sentence"], link)])]


def _complaints(b, j, period) -> list[str]:
    from envbureau.complaints import statistics
    from envbureau.complaints.views import _fmt

    rep = statistics.report(None, start=period.start, end=period.end, jurisdiction=j)
    t, y = rep["total"], rep["yoy"]
    if not t["received"]:
        return []
    link = reverse("complaints:stats") + "?" + urlencode(
        {"jurisdiction": j.code, "from": f"{period.start:%Y-%m}", "to": f"{period.end:%Y-%m}"})
    chg = f"，同比{W.rate(y['received'] / 100)}" if y["received"] is not None else ""
    return [b.para([(f"信访投诉：{period.label}，共受理各类环境信访举报投诉", None), (str(t["received"]), link),
                    (f"件{chg}，办结率", None), (_fmt(t["completion_rate"], "rate"), link), ("，满意率", None),
                    (_fmt(t["satisfaction_rate"], "rate"), link), ("。", None)])]


def _enforcement(b, j, period) -> list[str]:
    from envbureau.enforcement import stats
    from envbureau.enforcement.period import Period

    p = Period(period.start, period.end)  # the report's own period: a half-year summary counts that half
    s = stats.statistics(None, j, p)
    if not any(s["figures"][k] for k in ("inspections", "cases_filed", "decisions")):
        return []
    link = reverse("enforcement:statistics") + "?" + urlencode({"jurisdiction": j.code, "period": p.key})
    out = []
    for i, sent in enumerate(s.get("sentences") or [{"text": s["sentence"]}]):
        parts = sent.get("parts") or [{"text": sent["text"], "url": link}]  # numbers link to their records
        out.append(b.para([("执法监管：" if i == 0 else "", None)] + [
            (p, None) if isinstance(p, str) else (p["text"], p.get("url")) for p in parts]))
    return out


def build(user, j, kind: str, period) -> Built:
    title = f"{j.name}{period.label}生态环境保护工作总结（数据部分）"
    b = Built(title=title)
    sections = {"air": _air(b, j, period), "noise": _noise(b, j, period)}
    b.heading("二、污染源监管与执法")
    sections["monitoring"] = _monitoring(b, j, period)
    sections["enforcement"] = _enforcement(b, j, period)
    b.heading("三、督察整改与信访")
    sections["ledger"] = _ledger(b, j, period)
    sections["complaints"] = _complaints(b, j, period)
    note = ("说明：各数字取自本平台相应模块的统计（环境质量评价、水环境、噪声、自动监控报警、执法统计、问题台账、信访统计），"
            "执法数字按自然年统计。")
    b.heading("说明")
    b.para([(note, None)])
    b.values = {"title": title, "jurisdiction": j.name, "period_label": period.label,
                "quality": "\n".join(sections["air"] + sections["noise"]),
                "enforcement": "\n".join(sections["monitoring"] + sections["enforcement"]),
                "loops": "\n".join(sections["ledger"] + sections["complaints"]), "notes": note}
    b.figures = {"jurisdiction": {"code": j.code, "name": j.name},
                 "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
                 "sentences": sections}
    return b
