"""Filling a Word template (docxtpl) and converting it to PDF (LibreOffice headless).

docxtpl keeps the template a plain .docx that the bureau edits in Word: placeholders are `{{ name }}`
in the text, tables and headers, and the layout, fonts and letterhead stay the bureau's own.
"""

from __future__ import annotations

import atexit
import functools
import io
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# Maps the fonts of official documents (仿宋, 黑体, 方正小标宋…) to the Noto CJK SC faces.
FONTS_CONF = Path(__file__).with_name("fonts.conf")

log = logging.getLogger(__name__)


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
    """The PDF of a .docx, made by LibreOffice headless.

    Synchronous with a timeout (ENVBUREAU["DOCUMENT_PDF_TIMEOUT"], default 60 s): the converter's whole
    process group is killed when it runs over, and ConversionError says why. A long-lived LibreOffice of
    this process (`_Listener`, driven over UNO by the system Python's python3-uno) converts in well under
    a second where a fresh `soffice --convert-to` takes seconds; when it cannot be had (no python3-uno,
    ENVBUREAU["DOCUMENT_PDF_LISTENER"] off, busy with another thread's document, or it died) the
    conversion runs one-shot as before.
    """
    binary = converter()
    if not binary:
        raise ConversionError(_("未安装 PDF 转换器(LibreOffice);请运行 scripts/install.sh"))
    timeout = timeout or float(settings.ENVBUREAU.get("DOCUMENT_PDF_TIMEOUT", 60))
    with tempfile.TemporaryDirectory(prefix="eb-pdf-") as tmp:
        src = Path(tmp) / "document.docx"
        src.write_bytes(docx)
        pdf = Path(tmp) / "document.pdf"
        deadline = time.monotonic() + timeout
        if _listener.convert(binary, src, pdf, deadline, timeout):
            return pdf.read_bytes()
        return _one_shot(binary, src, pdf, tmp, max(deadline - time.monotonic(), 0.01), timeout)


def _timed_out(timeout: float) -> ConversionError:
    return ConversionError(_("PDF 转换超时(%(s)s 秒)") % {"s": int(timeout)})


def _one_shot(binary: str, src: Path, pdf: Path, tmp: str, left: float, timeout: float) -> bytes:
    """A fresh `soffice --convert-to` in a private profile (so conversions may run side by side)."""
    cmd = [binary, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore", "--nolockcheck",
           "--nodefault", "--convert-to", "pdf:writer_pdf_Export", "--outdir", tmp, str(src)]
    env = {**os.environ, "HOME": tmp, "FONTCONFIG_FILE": str(FONTS_CONF)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        _out, err = proc.communicate(timeout=left)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise _timed_out(timeout) from None
    if proc.returncode != 0 or not pdf.exists():
        detail = err.decode("utf-8", "replace").strip()[-300:]
        raise ConversionError(_("PDF 转换失败:%(e)s") % {"e": detail or proc.returncode})
    return pdf.read_bytes()


class _Listener:
    """One long-lived LibreOffice per process, behind `uno_bridge.py` run by the system Python.

    Bounded: one per process, used by one thread at a time (others convert one-shot meanwhile), recycled
    after RECYCLE_AFTER documents. Robust: a timeout kills its process group (bridge and soffice) and raises;
    a dead or unstartable listener makes that conversion one-shot, and a start that failed is not retried
    for RETRY_AFTER seconds. Clean: closed at exit (and the bridge ends soffice when its input closes, so a
    killed parent leaves no soffice behind).
    """

    RECYCLE_AFTER = 200
    RETRY_AFTER = 300.0

    def __init__(self):
        self.lock = threading.Lock()
        self.proc: subprocess.Popen | None = None
        self.pid = 0  # the process that started it (a forked child must not share its pipes)
        self.binary = ""
        self.profile: tempfile.TemporaryDirectory | None = None
        self.buf = b""
        self.done = 0
        self.failed_at = -1e9
        self.starts = 0  # how many listeners this process started (tests read it)

    # -- public -------------------------------------------------------------------------------------

    def convert(self, binary: str, src: Path, pdf: Path, deadline: float, timeout: float) -> bool:
        """True when the PDF was made; False to convert one-shot instead; ConversionError on a timeout."""
        if not self.enabled() or not self.lock.acquire(blocking=False):
            return False
        try:
            if self.proc is not None and (self.pid != os.getpid() or self.binary != binary
                                          or self.proc.poll() is not None or self.done >= self.RECYCLE_AFTER):
                self.close()
            if self.proc is None:
                if time.monotonic() - self.failed_at < self.RETRY_AFTER:
                    return False
                if not self._start(binary, deadline, timeout):
                    return False
            self._send({"in": str(src), "out": str(pdf)})
            answer = self._receive(deadline, timeout)
            if answer is None:  # died while converting: this one one-shot, the next on a new listener
                self.close()
                return False
            self.done += 1
            if answer.get("ok") and pdf.exists():
                return True
            # The one-shot converter has the last word (and names the failure); a fresh listener next time.
            log.warning("PDF listener failed (%s); converting one-shot", answer.get("error"))
            self.close()
            return False
        finally:
            self.lock.release()

    def close(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and self.pid == os.getpid():
            try:
                proc.stdin.close()  # the bridge terminates soffice and exits
                proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self._kill(proc)
            proc.stdout.close()
        if self.profile is not None and self.pid == os.getpid():
            self.profile.cleanup()
        self.profile, self.buf, self.done = None, b"", 0

    @staticmethod
    def enabled() -> bool:
        return bool(settings.ENVBUREAU.get("DOCUMENT_PDF_LISTENER", True)) and bool(_uno_python())

    # -- inside -------------------------------------------------------------------------------------

    def _start(self, binary: str, deadline: float, timeout: float) -> bool:
        # The bridge removes it when it ends (also when this process was killed); cleanup tolerates that.
        self.profile = tempfile.TemporaryDirectory(prefix="eb-soffice-", ignore_cleanup_errors=True)
        home = self.profile.name
        env = {**os.environ, "HOME": home, "FONTCONFIG_FILE": str(FONTS_CONF)}
        env.pop("PYTHONPATH", None)  # the system Python must not see the venv's packages
        env.pop("PYTHONHOME", None)
        try:
            self.proc = subprocess.Popen([_uno_python(), str(BRIDGE), binary, home],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         env=env, start_new_session=True)
        except OSError:
            self.proc = None
            self.failed_at = time.monotonic()
            return False
        self.pid, self.binary, self.buf, self.done = os.getpid(), binary, b"", 0
        self.starts += 1
        answer = self._receive(deadline, timeout)
        if not answer or not answer.get("ready"):
            log.warning("PDF listener did not start (%s); converting one-shot", (answer or {}).get("error"))
            self.close()
            self.failed_at = time.monotonic()
            return False
        return True

    def _send(self, obj) -> None:
        try:
            self.proc.stdin.write((json.dumps(obj) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            pass  # a dead bridge: _receive sees the end of its output

    def _receive(self, deadline: float, timeout: float) -> dict | None:
        """The bridge's next answer; None when it ended; kills it and raises on the deadline."""
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self._kill(self.proc)
                self.close()
                raise _timed_out(timeout)
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return None

    @staticmethod
    def _kill(proc: subprocess.Popen) -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()


BRIDGE = Path(__file__).with_name("uno_bridge.py")


def _uno_python() -> str:
    """The Python that has LibreOffice's `uno` module (ENVBUREAU["UNO_PYTHON"]; Debian: /usr/bin/python3
    with python3-uno). Empty when there is none: conversions then run one-shot."""
    configured = settings.ENVBUREAU.get("UNO_PYTHON")
    if configured is not None:
        return configured
    return _system_uno_python()


@functools.cache
def _system_uno_python() -> str:
    # Debian's python3-uno puts uno.py beside the system Python; LibreOffice's own builds bundle a Python.
    for python, module in (("/usr/bin/python3", "/usr/lib/python3/dist-packages/uno.py"),
                           ("/usr/lib/libreoffice/program/python", "/usr/lib/libreoffice/program/uno.py"),
                           ("/opt/libreoffice/program/python", "/opt/libreoffice/program/uno.py")):
        if os.access(python, os.X_OK) and os.path.exists(module):
            return python
    return ""


_listener = _Listener()
atexit.register(_listener.close)
