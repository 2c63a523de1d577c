"""Filling a Word template (docxtpl) and converting it to PDF (LibreOffice headless).

docxtpl keeps the template a plain .docx that the bureau edits in Word: placeholders are `{{ name }}`
in the text, tables and headers, and the layout, fonts and letterhead stay the bureau's own.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# Maps the fonts of official documents (仿宋, 黑体, 方正小标宋…) to the Noto CJK SC faces.
FONTS_CONF = Path(__file__).with_name("fonts.conf")


class TemplateError(ValueError):
    """The uploaded file is not a usable template (message names what is wrong)."""


class ConversionError(RuntimeError):
    """The PDF rendition could not be made (converter missing, timed out or failed)."""


def template_variables(data: bytes) -> set[str]:
    """The placeholder names a template uses; raises TemplateError when it is no .docx or not valid."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError(_("不是 Word 文档(.docx)文件"))
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        return set(tpl.get_undeclared_template_variables())
    except TemplateSyntaxError as exc:
        raise TemplateError(_("模板占位符写法有误(第 %(line)s 行):%(msg)s") % {"line": exc.lineno, "msg": exc.message}) \
            from exc
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise TemplateError(_("不是有效的 Word 文档(.docx):%(e)s") % {"e": exc}) from exc


class Image:
    """A picture to place at a placeholder (a chart rendered server-side): PNG bytes and its width in mm.
    `fill` turns it into a docxtpl InlineImage, so `{{ chart }}` in the template becomes the picture."""

    def __init__(self, data: bytes, width_mm: float = 150):
        self.data, self.width_mm = data, width_mm

    def __str__(self) -> str:  # what the stored values of an issued document keep
        return "[图片]"


def fill(template: bytes, values: dict) -> bytes:
    """The filled .docx. Multi-line text keeps its line breaks; XML characters are escaped; `Image`
    values become pictures, also inside the dicts of a list of table rows."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage, Listing

    tpl = DocxTemplate(io.BytesIO(template))

    def conv(v):
        if isinstance(v, Image):
            return InlineImage(tpl, io.BytesIO(v.data), width=Mm(v.width_mm))
        if isinstance(v, list):  # table rows: a picture may sit in a cell (the signatures of a 笔录)
            return [{k: conv(x) for k, x in r.items()} if isinstance(r, dict) else conv(r) for r in v]
        return Listing(v) if isinstance(v, str) and "\n" in v else v

    ctx = {k: conv(v) for k, v in values.items()}
    tpl.render(ctx, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def converter() -> str | None:
    """The LibreOffice binary (ENVBUREAU["SOFFICE"] or soffice/libreoffice on PATH)."""
    configured = settings.ENVBUREAU.get("SOFFICE")
    if configured:
        return configured
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes, timeout: float | None = None) -> bytes:
    """Convert with LibreOffice headless in a private profile (so conversions may run side by side).

    Synchronous with a timeout (ENVBUREAU["DOCUMENT_PDF_TIMEOUT"], default 60 s): the whole process
    group is killed when it runs over, and ConversionError says why.
    """
    binary = converter()
    if not binary:
        raise ConversionError(_("未安装 PDF 转换器(LibreOffice);请运行 scripts/install.sh"))
    timeout = timeout or float(settings.ENVBUREAU.get("DOCUMENT_PDF_TIMEOUT", 60))
    with tempfile.TemporaryDirectory(prefix="eb-pdf-") as tmp:
        src = Path(tmp) / "document.docx"
        src.write_bytes(docx)
        cmd = [binary, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore", "--nolockcheck",
               "--nodefault", "--convert-to", "pdf:writer_pdf_Export", "--outdir", tmp, str(src)]
        env = {**os.environ, "HOME": tmp, "FONTCONFIG_FILE": str(FONTS_CONF)}
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ConversionError(_("PDF 转换超时(%(s)s 秒)") % {"s": int(timeout)}) from None
        pdf = Path(tmp) / "document.pdf"
        if proc.returncode != 0 or not pdf.exists():
            detail = err.decode("utf-8", "replace").strip()[-300:]
            raise ConversionError(_("PDF 转换失败:%(e)s") % {"e": detail or proc.returncode})
        return pdf.read_bytes()
