"""Pictures for demo data: a small JPEG drawn at run time (no binary files in the repository), so a demo photo opens
as a photo, not as a text file."""

from __future__ import annotations

import io


def jpeg(name: str, size=(640, 480), background=(120, 150, 170), box=(250, 180, 390, 300), fill=(90, 90, 90)):
    """An uploaded-file object holding a JPEG: a plain background with one filled rectangle (a stand-in scene)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    im = Image.new("RGB", size, background)
    ImageDraw.Draw(im).rectangle(box, fill=fill)
    buf = io.BytesIO()
    im.save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), "image/jpeg")
