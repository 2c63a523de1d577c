"""PDF conversion benchmark: N issued-document-sized .docx files converted by a fresh `soffice --convert-to`
each (one-shot) and by the process's long-lived LibreOffice (core/documents/render.py `_Listener`), wall and
CPU seconds per document, LibreOffice's own CPU included (the children's CPU, read after they are reaped).

    .venv/bin/python bench/pdf.py [--docs 10]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10)
    opts = ap.parse_args()
    from harness import setup_django

    setup_django(Path(tempfile.mkdtemp(prefix="eb-bench-pdf-")))
    from django.conf import settings
    from docx import Document

    import envbureau
    from envbureau.core.documents import render

    template = (Path(envbureau.__file__).parent / "complaints" / "doc_templates" / "reply.docx").read_bytes()

    def doc(i: int) -> bytes:
        d = Document(io.BytesIO(template))
        d.add_paragraph(f"第 {i} 份文书")
        out = io.BytesIO()
        d.save(out)
        return out.getvalue()

    docs = [doc(i) for i in range(opts.docs)]
    print(f"{opts.docs} documents; load average {os.getloadavg()[0]:.1f}")
    for label, listener in (("one-shot soffice", False), ("long-lived LibreOffice", True)):
        settings.ENVBUREAU = {**settings.ENVBUREAU, "DOCUMENT_PDF_LISTENER": listener}
        c, w = cpu(), time.perf_counter()
        first = None
        for d in docs:
            render.to_pdf(d)
            first = first or time.perf_counter() - w
        render._listener.close()  # its LibreOffice reaped, so its CPU is counted
        c, w = cpu() - c, time.perf_counter() - w
        print(f"{label:24} {w:7.2f} s wall ({w / len(docs):.2f} s a document; the first {first:.2f} s), "
              f"{c:6.2f} s CPU ({c / len(docs):.2f} s a document)")
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
