"""Documents the projects app issues (core.documents): the 一口一档 dossier of one river outfall — its record, the
samples of 测, the tracing result of 溯, the rectification of 治, every step of its timeline and its photos — as a
numbered Word file (and PDF) the bureau files and prints; the template is the bureau's to edit (文书模板)."""

from __future__ import annotations

import io
from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from envbureau.core.documents import DocumentKind, Field, register

TEMPLATES = Path(__file__).with_name("doc_templates")
MAX_PHOTOS = 12      # a dossier, not an album: the latest photos
PHOTO_MM = 75        # width in the Word table
PHOTO_PX = 1200      # longest side of a photo put into the document


def _cn_date(d) -> str:
    from envbureau.core.documents.services import cn_date

    return cn_date(d) if d else ""


def _values(values: dict) -> str:
    from envbureau.standards.water import ITEMS

    out = []
    for code, v in (values or {}).items():
        name, unit = (ITEMS[code][0], ITEMS[code][1]) if code in ITEMS else (code, "")
        if isinstance(v, int | float):
            v = f"{v:g}"  # 45.0 → 45, as measured values are written
        out.append(f"{name} {v} {unit}".strip())
    return "、".join(out)


def _exceeding(exceeding: dict) -> str:
    from envbureau.standards.water import ITEMS

    return "、".join(_("%(n)s 超标%(m)s倍") % {"n": ITEMS[k][0] if k in ITEMS else k, "m": v}
                    for k, v in (exceeding or {}).items())


def _photo(ev):
    """The evidence file as a picture for the document (JPEG, at most PHOTO_PX), or None when it is no image."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    from envbureau.core.documents.render import Image

    try:
        with ev.file.open("rb") as f, PILImage.open(f) as im:
            im = im.convert("RGB")
            im.thumbnail((PHOTO_PX, PHOTO_PX))
            buf = io.BytesIO()
            im.save(buf, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, ValueError):
        return None  # a PDF or a file gone from storage: listed on the page, not pictured here
    return Image(buf.getvalue(), PHOTO_MM)


def dossier_context(o) -> dict:
    from envbureau.core import workflow as wf
    from envbureau.core.timefmt import local_datetime
    from envbureau.standards.water import class_name

    from .models import Evidence

    samples = [{"sampled_on": s.sampled_on.isoformat(), "dry_weather": _("是") if s.dry_weather else _("否"),
                "measured": _values(s.values), "water_class": _("%(c)s类") % {"c": class_name(s.water_class)} if s.water_class else "—",
                "compliant": "—" if s.compliant is None else (_("是") if s.compliant else _("否")),
                "exceeding": _exceeding(s.exceeding) or "—"}
               for s in o.samples.order_by("sampled_on", "pk")]
    timeline = wf.timeline(o)
    steps = [{"time": local_datetime(e["time"]), "step": e["verb_label"] + (f" · {e['step']}" if e["step"] else "")
              + (f"({e['from_label'] or '—'} → {e['to_label']})" if e["changed"] else ""),
              "actor": e["actor"] + (f"({e['unit']})" if e["unit"] else ""), "note": e["note"]} for e in timeline]
    verbs = {e["id"]: e["verb_label"] for e in timeline}
    photos = []
    for ev in Evidence.objects.filter(model="projects.outfall", object_id=str(o.pk)).order_by("-uploaded_at",
                                                                                                "-pk"):
        if len(photos) >= MAX_PHOTOS:
            break
        picture = _photo(ev)
        if picture is not None:
            photos.append({"image": picture, "caption": f"{verbs.get(ev.event_id, '')} {ev.name} "
                                                        f"{local_datetime(ev.uploaded_at)}".strip()})
    position = f"{o.longitude:.6f}, {o.latitude:.6f}" if o.longitude is not None and o.latitude is not None else ""
    permit = o.get_permit_status_display() + (f" {o.permit_no}" if o.permit_no else "")
    return {
        "code": o.code, "name": o.name, "outfall_type": o.type_path,
        "jurisdiction": o.jurisdiction.name, "position": position, "basin": o.basin,
        "receiving_water": o.receiving_water, "section": o.section_name,
        "target_class": _("%(c)s类") % {"c": class_name(o.target_class)} if o.target_class else "", "responsible_unit": o.responsible_unit,
        "permit": permit, "survey_batch": o.survey_batch, "state": o.get_state_display(),
        "step_due": _cn_date(o.step_due), "trace_result": o.trace_result,
        "outcome": o.get_outcome_display() if o.outcome else "", "merged_into": o.merged_into, "measures": o.measures,
        "closed_out_on": _cn_date(o.closed_out_on), "sample_rows": samples, "step_rows": steps, "photo_rows": photos,
    }


OUTFALL_DOSSIER = register(DocumentKind(
    code="projects.outfall_dossier", label=gettext_lazy("入河排污口“一口一档”"), model="projects.outfall",
    permission="projects.change",
    fields=(Field("code", gettext_lazy("排口编码"), True), Field("name", gettext_lazy("排口名称"), True),
            Field("outfall_type", gettext_lazy("排口类型"), True), Field("jurisdiction", gettext_lazy("属地"), True),
            Field("position", gettext_lazy("位置(经度, 纬度)")), Field("basin", gettext_lazy("流域")),
            Field("receiving_water", gettext_lazy("受纳水体"), True), Field("section", gettext_lazy("对应断面")),
            Field("target_class", gettext_lazy("受纳水体目标类别")), Field("responsible_unit", gettext_lazy("责任主体")),
            Field("permit", gettext_lazy("设置手续")), Field("survey_batch", gettext_lazy("排查批次")),
            Field("state", gettext_lazy("当前状态"), True), Field("step_due", gettext_lazy("本步时限")),
            Field("trace_result", gettext_lazy("溯源结果")), Field("outcome", gettext_lazy("整治方式")),
            Field("merged_into", gettext_lazy("合并至排口")), Field("measures", gettext_lazy("整治措施")),
            Field("closed_out_on", gettext_lazy("销号日期")), Field("sample_rows", gettext_lazy("监测记录")),
            Field("step_rows", gettext_lazy("办理记录")), Field("photo_rows", gettext_lazy("现场照片"))),
    context=dossier_context, template=TEMPLATES / "outfall_dossier.docx", number_prefix="排口档",
    detail_url=lambda o: reverse("projects:outfalls-detail", args=[o.pk]),
    description=gettext_lazy("一个入河排污口的档案:基本信息、监测、溯源、整治、办理记录和现场照片"),
))
