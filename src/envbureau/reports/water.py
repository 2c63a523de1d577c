"""Surface-water report (地表水环境质量月报, laid out as provincial monthly reports) of a jurisdiction and period.

Every number is quality's water assessment (`quality.water.assess_water`, the page `/quality/water/` and
`envbureau assess water --json`): class counts and shares, the target rate, CWQI, each section's class, its
class a year before and the change in words, and the drinking-water sources per sampling event."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from envbureau.core.documents.render import Image
from envbureau.core.models import Jurisdiction
from envbureau.quality.water import assess_water

from . import charts
from .registry import Built

CLASSES = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")


def water_jurisdictions(user):
    """Jurisdictions above some water section, within the user's reports scope."""
    from envbureau.core.scoping import allowed_jurisdictions
    from envbureau.quality.models import WaterSection

    paths = set(WaterSection.objects.values_list("jurisdiction__path", flat=True))
    codes = {c for p in paths for c in p.split("/") if c}
    qs = Jurisdiction.objects.filter(code__in=codes)
    if user is not None:
        qs = qs & allowed_jurisdictions(user, "reports", "view")
    return qs.order_by("path")


def default_period() -> str:
    from envbureau.quality.models import WaterSample

    last = WaterSample.objects.order_by("-time").values_list("time", flat=True).first()
    return f"{last.year}-{last.month:02d}" if last else ""


def has_data(j, period) -> bool:
    from envbureau.quality.models import WaterSample

    return WaterSample.objects.filter(section__jurisdiction__path__startswith=j.path, time__date__gte=period.start,
                                      time__date__lte=period.end).exists()


def link(j, period, **extra) -> str:
    return reverse("quality:water-dashboard") + "?" + urlencode(
        {"j": j.code, "from": period.start.isoformat(), "to": period.end.isoformat(), **extra})


def build(user, j, kind: str, period) -> Built:
    w = assess_water(j, period, None, compare=True)
    y = w.get("yoy") or {}
    noun = "月报" if kind == "month" else "状况"
    title = f"{j.name}{period.label}地表水环境质量{noun}"
    b = Built(title=title)
    here = link(j, period)

    def yo(key):
        t = (y.get(key) or {}).get("text") or ""
        return f"，{t}" if t else ""

    b.heading("一、监测情况")
    levels: dict = {}
    for s in w["sections"]:
        levels[s["control_level"]] = levels.get(s["control_level"], 0) + 1
    lv = "、".join(f"{k}{v}个" for k, v in levels.items())
    monitoring = b.para([(f"{period.label}，{j.name}共监测地表水断面", None), (str(w["n_sections_listed"]), here),
                         (f"个（{lv}），有评价结果的断面", None), (str(w["n_sections"]), here),
                         (f"个。评价依据：{w['rules']}。", None)])
    b.heading("二、总体状况")
    cc = w["class_counts"]
    frags = [(f"{j.name}{w['n_sections']}个断面中：Ⅰ～Ⅲ类水质断面", None), (str(w["n_class_1_3"]), here),
             ("个，占比", None), (_num(w["class_1_3_share"]), here), ("%" + yo("class_1_3_share") + "，其中Ⅰ～Ⅱ类", None),
             (str(w["n_class_1_2"]), here), ("个，占比", None), (_num(w["class_1_2_share"]), here),
             ("%" + yo("class_1_2_share") + "；Ⅳ类", None), (str(cc.get("Ⅳ", 0)), here), ("个；Ⅴ类", None),
             (str(cc.get("Ⅴ", 0)), here), ("个；劣Ⅴ类", None), (str(w["n_worse_v"]), here), ("个，占比", None),
             (_num(w["worse_v_share"]), here), ("%" + yo("worse_v_share") + "。断面达标率", None),
             (_num(w["meeting_target_rate"]), here), ("%" + yo("meeting_target_rate"), None)]
    if w["cwqi"] is not None:
        frags += [("；城市水质指数（CWQI）为", None), (f"{w['cwqi']:.2f}", here)]
    if w.get("grade"):
        frags.append((f"，水质状况为{w['grade']}", None))
    frags.append(("。", None))
    overall = b.para(frags)
    bad = [s for s in w["sections"] if s["class_number"] and not s["meets_target"]]
    if bad:
        parts = []
        for s in bad:
            ex = "、".join(f"{k}（{v:.1f}）" for k, v in s["target_exceedance"].items())
            parts.append(f"{s['name']}（{s['class']}类，目标{s['target']}类" + (f"，超标项目{ex}" if ex else "") + "）")
        failing = b.para([("未达到水质目标的断面：" + "；".join(parts) + "。", here)])
    else:
        failing = b.para([("各断面均达到水质目标要求。" if w["n_sections"] else "本期无评价结果。", None)])

    b.heading("三、各断面水质")
    rows_doc, rows_html = [], []
    for s in w["sections"]:
        d = {"name": s["name"], "river": s["river"], "level": s["control_level"], "target": f"{s['target']}类",
             "class": f"{s['class']}类" if s["class"] else "—", "last_year": f"{s['class_last_year']}类"
             if s.get("class_last_year") else "—", "change": s.get("class_change") or "—",
             "meets": "是" if s["meets_target"] else ("否" if s["class"] else "—"),
             "pollutants": s["deciding"] if s["class_number"] and s["class_number"] > 3 else "—"}
        rows_doc.append(d)
        sec_link = reverse("quality:sections-list") + "?" + urlencode({"q": s["code"]})
        rows_html.append([(d["name"], sec_link), (d["river"], None), (d["level"], None), (d["target"], None),
                          (d["class"], here), (d["last_year"], None), (d["change"], None), (d["meets"], None),
                          (d["pollutants"], None)])
    b.table(["断面名称", "所属河流", "断面级别", "水质目标", "实测水质类别", "上年同期类别", "同比水质变化", "是否达标",
             "主要污染指标"], rows_html)
    png = charts.bars(list(CLASSES), [cc.get(c, 0) for c in CLASSES], f"{period.label}断面水质类别", "断面数",
                      colour="#2F8FCE")
    b.image("断面水质类别", png)

    d = w["drinking"]
    drinking = ""
    if d["n_events"]:
        b.heading("四、集中式饮用水水源地")
        drinking = b.para([(f"{j.name}集中式饮用水水源地", None), (str(d["n_sources"]), here), ("个，水质达标率", None),
                           (_num(d["event_rate"]), here),
                           (f"%（{d['event_rate_basis']}）。", None)])
    notes = [f"1. 评价依据：{w['rules']}；水质类别按本期各次监测的均值评价。",
             "2. Ⅰ～Ⅲ类、劣Ⅴ类比例和达标率的同比变化以百分点计；断面达标率＝达到水质目标的断面数÷有评价结果的断面数。"]
    if w.get("synthetic"):
        notes.append("3. 本报告含演示(合成)断面数据，不代表真实水质。")
    b.heading("说明")
    for n in notes:
        b.para([(n, None)])
    b.values = {"title": title, "jurisdiction": j.name, "period_label": period.label, "monitoring": monitoring,
                "overall": overall, "failing": failing, "rows": rows_doc, "chart_classes": Image(png, 140),
                "drinking": drinking, "notes": "\n".join(notes)}
    b.figures = {"jurisdiction": {"code": j.code, "name": j.name}, "period": w["period"],
                 "assessment": {k: w[k] for k in ("n_sections", "n_class_1_2", "class_1_2_share", "n_class_1_3",
                                                  "class_1_3_share", "n_worse_v", "worse_v_share",
                                                  "meeting_target_rate", "class_counts", "cwqi", "grade")},
                 "yoy": y, "sections": rows_doc, "drinking": {k: d[k] for k in ("n_sources", "event_rate")}}
    return b


def _num(v) -> str:
    return "—" if v is None else f"{v:.1f}"
