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


class Cleaned(list):
    """The cleaned photos, with the EXIF GPS position each carried (never stored with the file)."""

    def __init__(self):
        super().__init__()
        self.gps: list = []


def limits() -> dict:
    return {**DEFAULTS, **settings.ENVBUREAU.get("COMPLAINT_PHOTOS", {})}


def gps_of(data: bytes) -> tuple[float, float] | None:
    """(lon, lat) of the photo's EXIF GPS position, read before the metadata is dropped; None without one."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            gps = im.getexif().get_ifd(0x8825)
        if not gps or 2 not in gps or 4 not in gps:
            return None

        def deg(v) -> float:
            d, m, sec = (float(x) for x in v)
            return d + m / 60 + sec / 3600

        lat, lon = deg(gps[2]), deg(gps[4])
        lat, lon = (-lat if gps.get(1) == "S" else lat), (-lon if gps.get(3) == "W" else lon)
        return (round(lon, 6), round(lat, 6)) if -180 <= lon <= 180 and -90 <= lat <= 90 else None
    except Exception:  # a photo's odd EXIF never refuses the complaint: it only lacks a position
        return None


def clean_uploads(files) -> list[tuple[bytes, int, int, str]]:
    """(clean JPEG bytes, width, height, original name) per upload; ValidationError on `photos` naming the file.
    The list's `gps` attribute holds each photo's EXIF position (or None), for a citizen who agrees to use it."""
    lim = limits()
    files = [f for f in files if f]
    if len(files) > lim["max_count"]:
        raise ValidationError({"photos": _("最多上传 %(n)s 张照片(选择了 %(k)s 张)") % {"n": lim["max_count"],
                                                                                "k": len(files)}})
    out = Cleaned()
    for f in files:
        name = str(getattr(f, "name", "") or "")[:200]
        try:
            data = images.read_bounded(f, lim["max_bytes"], "photos")
            out.gps.append(gps_of(data))
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
