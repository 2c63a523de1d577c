"""Photos and signatures of an inspection (现场照片, 执法人员/当事人签名): bounded uploads, decoded by Pillow and
re-encoded without any metadata (core.images, shared with complaint photos), the orientation applied first so
the picture stays upright. Each is a line on the inspection's timeline with its hash.

Limits (config): photo_max_bytes, photo_max_pixels (also guards against decompression bombs),
photos_per_inspection, signature_max_bytes. Pillow is the well-kept image library here; we never parse
image bytes ourselves."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import images, texts
from envbureau.core import workflow as wf

from . import config
from .choices import EvidenceKind
from .models import Inspection, InspectionEvidence, Inspector

PHOTO_FORMATS = images.PHOTO_FORMATS
_read_bounded = images.read_bounded
OPEN_STATES = ("planned", "recorded")
SIGNATURE_WIDTH_MM = 40  # a signature's width in the 笔录


def clean_image(data: bytes, *, formats: set[str], out_format: str, field: str) -> tuple[bytes, int, int]:
    """core.images.clean_image within this module's pixel limit (config photo_max_pixels)."""
    return images.clean_image(data, formats=formats, out_format=out_format, field=field,
                              max_pixels=int(config.get("photo_max_pixels")))


def _check(user, insp: Inspection) -> Inspection:
    if user is not None and not wf.allowed_in_scope(user, insp, "enforcement.inspect"):
        raise PermissionDenied(_("您没有“执法检查”权限"))
    if insp.state not in OPEN_STATES:
        raise ValidationError({"state": _("检查%(s)s,不能再上传照片或签名") % {"s": insp.get_state_display()}})
    return insp


def _store(user, insp, kind, content, name, width, height, verb, note, **fields) -> InspectionEvidence:
    ev = InspectionEvidence(inspection=insp, kind=kind, name=name[:200], size=len(content),
                            sha256=hashlib.sha256(content).hexdigest(), width=width, height=height,
                            uploaded_by=user if getattr(user, "pk", None) else None, **fields)
    ev.file.save(name, ContentFile(content), save=False)
    try:
        ev.save()
        wf.record_event(insp, user, verb, note=note, data={"evidence_id": ev.pk}, attachments=[{
            "id": ev.pk, "name": ev.name, "size": ev.size, "sha256": ev.sha256,
            "url": reverse("enforcement:evidence", args=[ev.pk])}])
    except Exception:
        ev.file.delete(save=False)  # nothing half-written: no file without its record
        raise
    return ev


@transaction.atomic
def add_photo(user, insp: Inspection, upload, caption: str = "") -> InspectionEvidence:
    insp = _check(user, Inspection.objects.select_for_update().get(pk=insp.pk))
    if insp.evidence.filter(kind=EvidenceKind.PHOTO).count() >= config.get("photos_per_inspection"):
        raise ValidationError({"file": _("每次检查最多 %(n)s 张照片") % {"n": config.get("photos_per_inspection")}})
    data = _read_bounded(upload, int(config.get("photo_max_bytes")), "file")
    clean, w, h = clean_image(data, formats=PHOTO_FORMATS, out_format="JPEG", field="file")
    n = insp.evidence.filter(kind=EvidenceKind.PHOTO).count() + 1
    name = f"{insp.code}-照片{n}.jpg"
    return _store(user, insp, EvidenceKind.PHOTO, clean, name, w, h, "photo",
                  caption.strip() or name, caption=caption.strip()[:200])


def decode_data_url(value: str) -> bytes:
    """The PNG bytes of a canvas's `data:image/png;base64,…` (or of plain base64)."""
    value = (value or "").strip()
    if value.startswith("data:"):
        head, _sep, value = value.partition(",")
        if head.lower() != "data:image/png;base64":
            raise ValidationError({"image": _("签名应为 PNG 图片(data:image/png;base64,…)")})
    limit = int(config.get("signature_max_bytes"))
    if not value or len(value) > limit * 4 // 3 + 4:
        raise ValidationError({"image": _("签名为空或超过 %(n)s KB") % {"n": limit // 1024}})
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"image": _("签名数据不是有效的 base64")}) from None


@transaction.atomic
def add_signature(user, insp: Inspection, *, role: str, image, signer: str = "", inspector=None) -> InspectionEvidence:
    """A signature drawn on the phone: role "inspector" (a member of the team) or "party" (the party present)."""
    insp = _check(user, Inspection.objects.select_for_update().get(pk=insp.pk))
    if role == "inspector":
        kind = EvidenceKind.SIGN_INSPECTOR
        member = None
        if inspector not in (None, ""):
            member = insp.team.filter(pk=getattr(inspector, "pk", inspector)).first() \
                if str(getattr(inspector, "pk", inspector)).isdigit() else None
        elif user is not None:
            member = insp.team.filter(user=user).first()
        if member is None:
            raise ValidationError({"inspector": _("签名的执法人员须是本次检查的执法人员")})
        signer = member.name
    elif role == "party":
        kind, member = EvidenceKind.SIGN_PARTY, None
        signer = (signer or insp.party_present or "").strip()
        if not signer:
            raise ValidationError({"signer": _("请填写签名的当事人姓名")})
    else:
        raise ValidationError({"role": _("签名人应为执法人员或当事人")})
    raw = image if isinstance(image, bytes) else (
        _read_bounded(image, int(config.get("signature_max_bytes")), "image") if hasattr(image, "read")
        else decode_data_url(str(image)))
    if len(raw) > int(config.get("signature_max_bytes")):
        raise ValidationError({"image": _("签名超过 %(n)s KB") % {"n": int(config.get("signature_max_bytes")) // 1024}})
    clean, w, h = clean_image(raw, formats={"PNG"}, out_format="PNG", field="image")
    name = f"{insp.code}-{texts.zh(EvidenceKind(kind).label)}-{signer}.png"  # stored: Chinese whoever signed
    verb = "sign"
    return _store(user, insp, kind, clean, name, w, h, verb,
                  texts.sentence(gettext_noop("%(k)s:%(s)s"), ("k",), k=texts.zh(EvidenceKind(kind).label), s=signer),
                  signer=signer[:100],
                  inspector=member if isinstance(member, Inspector) else None)


SIGNATURES = (EvidenceKind.SIGN_INSPECTOR, EvidenceKind.SIGN_PARTY)
PICTURES = (EvidenceKind.PHOTO, *SIGNATURES)


def signatures_text(insp: Inspection) -> str:
    """For the 笔录: who signed and when, as text (the pictures fill its signature table: signature_rows)."""
    from envbureau.core.timefmt import local_datetime

    rows = insp.evidence.filter(kind__in=SIGNATURES).order_by("uploaded_at", "id")
    return "\n".join(f"{e.get_kind_display()}:{e.signer}({local_datetime(e.uploaded_at)},SHA-256 {e.sha256[:12]}…)"
                     for e in rows)


def signature_rows(insp: Inspection) -> list[dict]:
    """For the 笔录's signature table: each signature drawn on the phone with its picture (docxtpl InlineImage)."""
    from envbureau.core.documents.render import Image
    from envbureau.core.timefmt import local_datetime

    rows = []
    for e in insp.evidence.filter(kind__in=SIGNATURES).order_by("uploaded_at", "id"):
        with e.file.open("rb") as fh:
            data = fh.read()
        rows.append({"role": e.get_kind_display(), "signer": e.signer, "signed_at": local_datetime(e.uploaded_at),
                     "image": Image(data, SIGNATURE_WIDTH_MM)})
    return rows


# ---- off-site inspections: online-monitoring data as evidence ------------------------------------------------

def _moment(value, name: str) -> dt.datetime:
    """A local date-time "YYYY-MM-DD HH:MM" (or "YYYY-MM-DDTHH:MM" from a form, or a datetime), aware."""
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    text = str(value or "").strip().replace("T", " ")
    try:
        return timezone.make_aware(dt.datetime.strptime(text[:16], "%Y-%m-%d %H:%M"))
    except ValueError:
        raise ValidationError({name: _("时间格式应为 YYYY-MM-DD HH:MM:%(v)s") % {"v": text[:30]}}) from None


@transaction.atomic
def capture_monitoring(user, insp: Inspection, *, start, end) -> InspectionEvidence:
    """Attach the enterprise's HJ 212 online-monitoring data of [start, end) to an inspection as evidence captured
    now: its alarms live in the period and its hourly values, read through sources.services in the user's scope
    and frozen — stored as a JSON file with its SHA-256 and in the record, never a link to data that may change
    (a later correction of an hourly value leaves the evidence as it was). For off-site checks (现场外检查,
    method offsite) above all; any open inspection may have it."""
    from django.utils import timezone

    insp = _check(user, Inspection.objects.select_for_update().get(pk=insp.pk))
    start, end = _moment(start, "start"), _moment(end, "end")
    now = timezone.now()
    if end <= start:
        raise ValidationError({"end": _("截止时间应晚于起始时间")})
    if end > now + dt.timedelta(minutes=1):
        raise ValidationError({"end": _("截止时间不能晚于现在")})
    days = int(config.get("monitoring_capture_max_days"))
    if end - start > dt.timedelta(days=days):
        raise ValidationError({"end": _("调取时段不能超过 %(n)s 天") % {"n": days}})
    from envbureau.sources.services import monitoring_snapshot

    snap = monitoring_snapshot(user, insp.enterprise_id, start, end,
                               max_rows=int(config.get("monitoring_capture_max_rows")))
    fmt = "%Y-%m-%d %H:%M"
    data = {"enterprise": insp.enterprise_name, "start": timezone.localtime(start).strftime(fmt),
            "end": timezone.localtime(end).strftime(fmt), "captured_at": timezone.localtime(now).strftime(fmt),
            "alarms": snap["alarms"], "hourly": snap["hourly"]}
    raw = json.dumps(data, ensure_ascii=False, indent=1, default=str).encode()
    n = insp.evidence.filter(kind=EvidenceKind.MONITORING).count() + 1
    name = f"{insp.code}-在线监控数据{n}.json"
    from django.utils.translation import gettext_noop

    from envbureau.core import texts

    # stored as facts, worded in each reader's language on the timeline
    note = texts.sentence(gettext_noop("调取在线监控数据 %(s)s 至 %(e)s:报警 %(a)s 条,小时值 %(h)s 个"),
                          s=data["start"], e=data["end"], a=len(data["alarms"]), h=len(data["hourly"]))
    return _store(user, insp, EvidenceKind.MONITORING, raw, name, 0, 0, "monitoring", note, data=data,
                  caption=f"{data['start']} — {data['end']}")


def monitoring_text(insp: Inspection) -> str:
    """For the 笔录: each capture of online-monitoring data with its period, its alarms and a summary of its hourly
    values (how many, per factor the highest), and the hash of the frozen file."""
    out = []
    for e in insp.evidence.filter(kind=EvidenceKind.MONITORING).order_by("uploaded_at", "id"):
        d = e.data or {}
        lines = [f"调取时间 {d.get('captured_at', '')},时段 {d.get('start', '')} 至 {d.get('end', '')}"
                 f"(SHA-256 {e.sha256[:12]}…):报警 {len(d.get('alarms', []))} 条,小时值 {len(d.get('hourly', []))} 个"]
        for a in d.get("alarms", []):
            value = "" if a.get("value") is None else f",监测值 {a['value']:g}{a.get('unit', '')}"
            limit = "" if a.get("limit_value") is None else f"(限值 {a['limit_value']:g}{a.get('unit', '')})"
            lines.append(f"  报警:{a.get('started_at', '')} {a.get('point', '')} {a.get('kind_label', '')} "
                         f"{a.get('factor_name', '')}{value}{limit}")
        peaks: dict = {}
        for h in d.get("hourly", []):
            if h.get("avg") is None:
                continue
            key = (h.get("point", ""), h.get("factor_name", ""), h.get("unit", ""))
            if key not in peaks or h["avg"] > peaks[key][0]:
                peaks[key] = (h["avg"], h.get("hour", ""))
        for (point, factor, unit), (value, hour) in sorted(peaks.items()):
            lines.append(f"  小时均值最高:{point} {factor} {value:g}{unit}({hour})")
        out.append("\n".join(lines))
    return "\n".join(out)
