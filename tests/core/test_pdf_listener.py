"""The long-lived LibreOffice behind to_pdf: used when it can be, restarted when it dies, killed on a
timeout, replaced by one-shot conversions when it cannot start, and leaving no soffice behind.

Real LibreOffice and Debian's python3-uno (scripts/install.sh installs both)."""

import os
import sys
import time
from pathlib import Path

import pytest

import envbureau
from envbureau.core.documents import render

TEMPLATE = Path(envbureau.__file__).parent / "complaints" / "doc_templates" / "reply.docx"


def docx(text: str) -> bytes:
    """A small document: the complaint reply template with `text` written into it."""
    import io

    from docx import Document

    d = Document(io.BytesIO(TEMPLATE.read_bytes()))
    d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def group(pgid: int) -> list[int]:
    """The live processes of a process group (the bridge, oosplash and soffice.bin of one listener)."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                pids.append(int(d.name))
    return pids


@pytest.fixture
def listener(monkeypatch, settings):
    """A listener of its own (the process-wide one is left alone), closed after the test."""
    settings.ENVBUREAU = {**settings.ENVBUREAU, "DOCUMENT_PDF_LISTENER": True, "DOCUMENT_PDF_TIMEOUT": 120}
    mine = render._Listener()
    monkeypatch.setattr(render, "_listener", mine)
    yield mine
    pgid = mine.proc.pid if mine.proc else None
    mine.close()
    if pgid:
        assert group(pgid) == [], "soffice outlived its listener"


def test_the_listener_is_installed_and_converts_document_after_document(listener):
    assert render._uno_python(), "python3-uno is missing: scripts/install.sh installs it"
    first = render.to_pdf(docx("第一份文书 甲"))
    pgid = listener.proc.pid
    t = time.perf_counter()
    second = render.to_pdf(docx("第二份文书 乙"))
    warm = time.perf_counter() - t
    assert "第一份文书" in pdf_text(first) and "第二份文书" in pdf_text(second)
    assert listener.starts == 1 and listener.done == 2 and listener.proc.pid == pgid  # one LibreOffice for both
    assert warm < 30, warm


def test_a_dead_listener_is_replaced(listener):
    import signal

    render.to_pdf(docx("之前"))
    pgid = listener.proc.pid
    os.killpg(pgid, signal.SIGKILL)
    listener.proc.wait()
    assert "之后" in pdf_text(render.to_pdf(docx("之后")))
    assert listener.starts == 2 and listener.proc.pid != pgid


def test_a_listener_killed_while_converting_leaves_that_document_to_a_one_shot(listener, monkeypatch):
    import signal

    render.to_pdf(docx("热身"))
    real_send = listener._send

    def send_and_die(obj):  # the bridge and its soffice die with the request in flight
        os.killpg(listener.proc.pid, signal.SIGKILL)
        real_send(obj)

    monkeypatch.setattr(listener, "_send", send_and_die)
    assert "照常转换" in pdf_text(render.to_pdf(docx("照常转换")))
    assert listener.proc is None  # discarded; the next conversion starts a new one


def test_a_timeout_kills_the_listener_and_the_next_conversion_starts_another(listener, settings):
    render.to_pdf(docx("热身"))
    pgid = listener.proc.pid
    settings.ENVBUREAU = {**settings.ENVBUREAU, "DOCUMENT_PDF_TIMEOUT": 0.001}
    with pytest.raises(render.ConversionError, match="超时"):
        render.to_pdf(docx("太慢"))
    assert listener.proc is None and group(pgid) == []  # bridge, oosplash and soffice.bin all gone
    settings.ENVBUREAU = {**settings.ENVBUREAU, "DOCUMENT_PDF_TIMEOUT": 120}
    assert "再来" in pdf_text(render.to_pdf(docx("再来")))
    assert listener.starts == 2


def test_without_uno_conversions_run_one_shot(listener, settings):
    # A Python without LibreOffice's uno module (the virtual environment's): the bridge cannot start.
    settings.ENVBUREAU = {**settings.ENVBUREAU, "UNO_PYTHON": sys.executable}
    assert "一次性" in pdf_text(render.to_pdf(docx("一次性转换")))
    assert listener.proc is None and listener.starts == 1
    render.to_pdf(docx("不再试"))
    assert listener.starts == 1  # not retried at every document
    settings.ENVBUREAU = {**settings.ENVBUREAU, "UNO_PYTHON": ""}  # none configured at all
    assert "没有" in pdf_text(render.to_pdf(docx("没有 uno")))


def test_switched_off_every_conversion_is_one_shot(listener, settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "DOCUMENT_PDF_LISTENER": False}
    assert "关闭" in pdf_text(render.to_pdf(docx("关闭")))
    assert listener.starts == 0


def test_a_busy_listener_lets_another_thread_convert_one_shot(listener):
    render.to_pdf(docx("热身"))
    with listener.lock:  # another thread is converting
        assert "同时" in pdf_text(render.to_pdf(docx("同时")))
    assert listener.done == 1


def test_a_document_libreoffice_cannot_read_is_refused_with_a_reason(listener):
    with pytest.raises(render.ConversionError, match="失败"):
        render.to_pdf(b"PK\x03\x04 this is no Word document")


def test_close_leaves_no_soffice(listener):
    render.to_pdf(docx("关闭前"))
    pgid = listener.proc.pid
    members = group(pgid)
    assert len(members) >= 2  # the bridge and LibreOffice
    home = Path(listener.profile.name)
    listener.close()
    assert group(pgid) == [] and not any(alive(p) for p in members) and not home.exists()


def test_when_its_parent_is_gone_the_bridge_ends_soffice_and_removes_its_profile(listener):
    # A parent killed by SIGKILL runs no cleanup: all the bridge sees is the end of its input.
    render.to_pdf(docx("父进程"))
    proc, home = listener.proc, Path(listener.profile.name)
    members = group(proc.pid)
    assert (home / "profile").is_dir()
    proc.stdin.close()
    proc.wait(timeout=60)
    assert group(proc.pid) == [] and not any(alive(p) for p in members) and not home.exists()
    listener.proc = None  # nothing left for the fixture to close
