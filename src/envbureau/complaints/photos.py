"""Photos a citizen attaches to a complaint (public form): at most COMPLAINT_PHOTOS["max_count"] files of at
most "max_bytes" each, JPEG/PNG/WebP, re-encoded without metadata by core.images (the EXIF GPS position,
camera and owner never reach the bureau's disk). All are checked before anything is saved, so a bad file
refuses the whole submission with a message naming the file; nothing is half-written."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from envbureau.core import images

DEFAULTS = {"max_count": 5, "max_bytes": 8 * 1024 * 1024, "max_pixels": 40_000_000}


def limits() -> dict:
    return {**DEFAULTS, **settings.ENVBUREAU.get("COMPLAINT_PHOTOS", {})}


def clean_uploads(files) -> list[tuple[bytes, int, int, str]]:
    """(clean JPEG bytes, width, height, original name) per upload; ValidationError on `photos` naming the file."""
    lim = limits()
    files = [f for f in files if f]
    if len(files) > lim["max_count"]:
        raise ValidationError({"photos": _("最多上传 %(n)s 张照片(选择了 %(k)s 张)") % {"n": lim["max_count"],
                                                                                "k": len(files)}})
    out = []
    for f in files:
        name = str(getattr(f, "name", "") or "")[:200]
        try:
            data = images.read_bounded(f, lim["max_bytes"], "photos")
            clean, w, h = images.clean_image(data, formats=images.PHOTO_FORMATS, out_format="JPEG", field="photos",
                                             max_pixels=lim["max_pixels"])
        except ValidationError as e:
            raise ValidationError({"photos": [_("照片“%(f)s”:%(e)s") % {"f": name, "e": m}
                                              for m in e.message_dict.get("photos", e.messages)]}) from None
        out.append((clean, w, h, name))
    return out


def attach(complaint, cleaned) -> list:
    """Store the cleaned photos of a complaint (inside the caller's transaction; files removed if it fails)."""
    from .models import ComplaintPhoto

    saved = []
    try:
        for i, (data, w, h, original) in enumerate(cleaned, 1):
            p = ComplaintPhoto(complaint=complaint, name=f"{complaint.number}-照片{i}.jpg", original_name=original,
                               size=len(data), sha256=hashlib.sha256(data).hexdigest(), width=w, height=h)
            p.file.save(p.name, ContentFile(data), save=False)
            saved.append(p)
            p.save()
    except Exception:
        for p in saved:
            p.file.delete(save=False)  # no file without its record
        raise
    return saved
