"""Uploaded photos, bounded and cleaned: read no further than a byte limit, decoded by Pillow and re-encoded
without any metadata (EXIF with GPS position, camera, time; PNG text chunks), the camera's orientation applied
first so the picture stays upright. Inspection photos (enforcement) and citizens' complaint photos use it;
Pillow is the well-kept image library here, we never parse image bytes ourselves."""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # MPO: multi-picture JPEGs some phones write


def read_bounded(f, limit: int, field: str) -> bytes:
    """The upload's bytes, refused as soon as it passes `limit` (never read whole into memory beyond it)."""
    if hasattr(f, "seek"):
        f.seek(0)
    chunks, size = [], 0
    for chunk in (f.chunks() if hasattr(f, "chunks") else [f.read()]):
        size += len(chunk)
        if size > limit:
            if limit < 1024 * 1024:  # a small cap in KB (not "0.0 MB")
                raise ValidationError({field: _("文件超过 %(n)s KB 上限") % {"n": round(limit / 1024)}})
            raise ValidationError({field: _("文件超过 %(n)s MB 上限") % {"n": round(limit / 1024 / 1024, 1)}})
        chunks.append(chunk)
    if size == 0:
        raise ValidationError({field: _("文件为空")})
    return b"".join(chunks)


def clean_image(data: bytes, *, formats: set[str], out_format: str, field: str, max_pixels: int
                ) -> tuple[bytes, int, int]:
    """Decode and re-encode: (bytes without metadata, width, height); ValidationError naming `field`."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            if im.format not in formats:
                raise ValidationError({field: _("不支持的图片格式 %(f)s(可用:%(ok)s)") % {
                    "f": im.format or "?", "ok": "、".join(sorted(formats - {"MPO"}))}})
            w, h = im.size
            if w * h > max_pixels:
                raise ValidationError({field: _("图片 %(w)s×%(h)s 像素,超过上限 %(m)s 像素") % {
                    "w": w, "h": h, "m": f"{max_pixels:,}"}})
            im.load()
            im = ImageOps.exif_transpose(im)  # apply the camera's orientation before the tag goes
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError):
        raise ValidationError({field: _("不是可识别的图片文件")}) from None
    im.info = {}
    if out_format == "JPEG":
        im = im.convert("RGB")
        kwargs = {"quality": 90, "optimize": True}
    else:
        if im.mode not in ("RGBA", "LA", "L", "RGB", "P"):
            im = im.convert("RGBA")
        kwargs = {"optimize": True}
    out = io.BytesIO()
    im.save(out, out_format, **kwargs)  # no exif=, no pnginfo=: nothing but the pixels is written
    return out.getvalue(), im.size[0], im.size[1]


def strip_metadata(data: bytes, *, field: str, max_pixels: int, formats: set[str] = PHOTO_FORMATS
                   ) -> tuple[bytes, bool]:
    """Evidence that may be a photo or a document: a photo in `formats` comes back through clean_image in its
    own format (an MPO as JPEG) without its metadata, and True; a file Pillow does not read as one of them (a
    PDF, a report) comes back unchanged, and False. A photo over `max_pixels` is refused (naming `field`)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt = im.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return data, False
    if fmt not in formats:
        return data, False
    clean, _w, _h = clean_image(data, formats=formats, out_format="JPEG" if fmt == "MPO" else fmt, field=field,
                                max_pixels=max_pixels)
    return clean, True
