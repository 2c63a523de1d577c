"""A long-lived LibreOffice for PDF conversions, driven over UNO (run by the system Python, not the venv's).

    /usr/bin/python3 uno_bridge.py SOFFICE HOME_DIR

`envbureau.core.documents.render` starts this once per process (Debian's python3-uno gives the system
Python the `uno` module; the platform's virtual environment has none). It starts `SOFFICE --headless
--accept=pipe,…` with the private profile HOME_DIR/profile in its own process group (the caller kills the
group on a timeout, so soffice never outlives it), connects, prints `{"ready": true}` and then answers
one JSON line per JSON line on standard input:

    {"in": "/tmp/…/document.docx", "out": "/tmp/…/document.pdf"}  →  {"ok": true} | {"error": "…"}

End of input (the caller exited or closed the pipe) terminates LibreOffice and this process, which then
removes HOME_DIR (so a caller killed by SIGKILL leaves neither a soffice nor its profile behind). This file
imports nothing of envbureau and no Django: it runs outside the virtual environment.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid


def _reply(obj) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def _prop(name, value):
    from com.sun.star.beans import PropertyValue

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(proc, pipe_name, limit=60.0):
    import uno
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + limit
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if proc.poll() is not None:
                raise RuntimeError(f"soffice exited with {proc.returncode} before accepting") from None
            if time.monotonic() > deadline:
                raise RuntimeError("soffice did not accept a connection in time") from None
            time.sleep(0.05)


def _convert(desktop, src: str, dst: str) -> None:
    import uno

    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                       (_prop("Hidden", True), _prop("ReadOnly", True)))
    if doc is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        doc.storeToURL(uno.systemPathToFileUrl(dst), (_prop("FilterName", "writer_pdf_Export"),))
    finally:
        doc.close(True)


def main() -> int:
    soffice, home = sys.argv[1], sys.argv[2]
    profile = os.path.join(home, "profile")
    pipe_name = f"envbureau-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    # Same process group as this bridge: the caller's killpg on a timeout ends soffice too.
    proc = subprocess.Popen(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--invisible", "--norestore",
         "--nolockcheck", "--nodefault", "--nologo", f"--accept=pipe,name={pipe_name};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(*_args):
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 — it may be dead already
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(home, ignore_errors=True)

    desktop = None
    try:
        desktop = _connect(proc, pipe_name)
    except Exception as exc:  # noqa: BLE001 — the caller falls back to one-shot conversions
        _reply({"error": f"{type(exc).__name__}: {exc}"})
        proc.kill()
        proc.wait()
        shutil.rmtree(home, ignore_errors=True)
        return 1
    signal.signal(signal.SIGTERM, lambda *_a: sys.exit(0))
    try:  # however this loop ends (end of input, a closed pipe, SIGTERM), LibreOffice ends with it
        _reply({"ready": True})
        for line in sys.stdin:
            try:
                req = json.loads(line)
                _convert(desktop, req["in"], req["out"])
                answer = {"ok": True}
            except Exception as exc:  # noqa: BLE001 — every failure is answered; a dead soffice ends the loop
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            _reply(answer)
            if proc.poll() is not None:
                return 1
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
