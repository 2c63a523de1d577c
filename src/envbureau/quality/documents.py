"""Documents the quality app issues through the kit (core.documents): the street ranking notice."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core.documents import DocumentKind, Field, register

TEMPLATES = Path(__file__).with_name("doc_templates")


def _fmt(v, by) -> str:
    if v is None:
        return "—"
    return f"{v:.2f}" if by == "composite_index" else f"{v:.0f}"


def ranking_context(n) -> dict:
    from django.utils import translation

    with translation.override("zh-hans"):  # a Chinese document in any UI language
        return _ranking_context(n)


def _ranking_context(n) -> dict:
    from .street_rankings import sentences

    d = n.data
    s = sentences(d)
    by = d["by"]
    c = d["callouts"]
    improved = next((x for x in s if x.startswith("与")), "")
    callout = []
    if c["worst"]:
        callout.append(f"请排名后{d['top']}位的街道（乡镇）分析原因、制定措施，加快改善空气质量。")
    if c["worst_twice"]:
        callout.append(f"对连续两期排名后{d['top']}位的{'、'.join(c['worst_twice'])}予以通报。")
    return {
        "city": d["city"]["name"], "period": d["period"]["label"], "by_label": d["by_label"],
        "basis": (f"根据本市街道（乡镇）环境空气质量排名办法，按{d['by_label']}对全市{d['n_streets']}个街道（乡镇）"
                  f"{d['period']['label']}（{d['period']['start']}至{d['period']['end']}）环境空气质量进行排名，现将有关情况通报如下："),
        "ranking_text": "".join(x for x in s if not x.startswith("与")),
        "change_text": improved or f"与{d['yoy_period']['label']}相比，无可比数值。",
        "callout_text": "".join(callout) or "请各街道（乡镇）持续做好大气污染防治工作。",
        "network": d["network"]["text"],
        "rows": [{"rank": "" if r["rank"] is None else f"{r['rank']}{'(并列)' if r['tied'] else ''}",
                  "street": r["street"], "district": r["district"], "value": _fmt(r["value"], by),
                  "change": r["rank_change_text"] or r["why"],
                  "yoy": "—" if r["yoy_rate"] is None else f"{r['yoy_rate']:+.1f}",
                  "change_rank": r["change_rank"] or "—"} for r in d["rows"]],
    }


STREET_RANKING = register(DocumentKind(
    code="quality.street_ranking", label=_("街道空气质量排名通报"), model="quality.streetrankingnotice",
    permission="quality.change",
    fields=(Field("city", _("区划"), True), Field("period", _("时段"), True), Field("by_label", _("排名指标"), True),
            Field("basis", _("通报依据"), True), Field("ranking_text", _("排名情况"), True),
            Field("change_text", _("变化程度排名")), Field("callout_text", _("有关要求")),
            Field("network", _("排名网络"), True), Field("rows", _("排名表"), True)),
    context=ranking_context, template=TEMPLATES / "street_ranking.docx", number_prefix="环气排",
    detail_url=lambda n: reverse("quality:ranking-notices-detail", args=[n.pk]),
    description=_("全市街道(乡镇)空气质量排名通报,附排名表"),
))
