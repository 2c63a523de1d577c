#!/usr/bin/env python
"""`make screenshots`: the pictures in docs/screenshots/, taken from the demo in Debian's Chromium.

Loads the demo into a fresh data folder (or uses --data), serves it with `envbureau serve` on a free port,
signs in as each page's demo user, and saves each page at desktop (1440×900) and phone (390×844) size in
Chinese and in English (the language chosen in the app, as a user does: the language cookie). It also
reports any page wider than the phone screen. The README shows these pictures; re-run after a UI change.

Usage: scripts/screenshots.py [--data DIR] [--only NAME ...] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EB = str(ROOT / ".venv" / "bin" / "envbureau")
PASSWORD = "Demo@2026"  # the demo accounts' password (core/demo_core.py)

# name, demo user, path: one page per everyday journey.
PAGES = [
    ("home", "admin", "/"),
    ("tasks", "dongcheng", "/tasks/"),
    ("air-headline", "air_staff", "/quality/headline/"),
    ("online-board", "enforcement", "/sources/board/"),
    ("ledger", "oversight", "/ledger/"),
    ("complaints-stats", "petition", "/complaints/stats/"),
    ("enforcement-stats", "enforcement", "/enforcement/statistics/"),
    ("approvals-stats", "approvals", "/approvals/statistics/"),
    ("waste-reconciliation", "waste_staff", "/waste/reconciliation/"),
    ("reports", "leader", "/reports/"),
    ("enterprise-home", "enterprise_demo", "/"),
    ("portal", None, "/public/"),
]
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
LANGS = {"zh": "zh-hans", "en": "en"}


def small_png(data: bytes, path: Path) -> None:
    """A screenshot as a 128-colour palette PNG (a third of the size; pages are flat colours and text)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        im.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT,
                                   dither=Image.Dither.NONE).save(path, optimize=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, seconds: int = 60) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not answer within {seconds} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="a data folder with the demo already loaded (default: a fresh one)")
    ap.add_argument("--only", nargs="*", help="page names to take (default: all)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    a = ap.parse_args()
    data = a.data or tempfile.mkdtemp(prefix="envbureau-shots-")
    env = {**os.environ, "ENVBUREAU_DATA_DIR": data, "DEBUG": "0", "SECURE_COOKIES": "0",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "screenshots-only-not-for-production")}
    if not a.data:
        subprocess.run([EB, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run([EB, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([EB, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    problems = []
    try:
        wait_up(base)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            for lang, code in LANGS.items():
                for size, (w, h) in SIZES.items():
                    sessions = {}
                    for name, user, path in PAGES:
                        if a.only and name not in a.only:
                            continue
                        if user not in sessions:
                            ctx = browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=1)
                            ctx.add_cookies([{"name": "django_language", "value": code, "url": base}])
                            page = ctx.new_page()
                            if user:
                                page.goto(base + "/accounts/login/")
                                page.fill("#id_username", user)
                                page.fill("#id_password", PASSWORD)
                                page.click("button[type=submit]")
                                page.wait_for_load_state()
                            sessions[user] = page
                        page = sessions[user]
                        r = page.goto(base + path)
                        page.wait_for_load_state("networkidle")
                        status = r.status if r else 0
                        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
                        if status != 200 or (size == "phone" and wide):
                            problems.append(f"{name} {lang} {size}: status {status}{', wider than the screen' if wide else ''}")
                        small_png(page.screenshot(), out / f"{name}-{lang}-{size}.png")
                        print(f"{name:22} {lang} {size:7} {status}")
                    for pg in sessions.values():
                        pg.context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    for line in problems:
        print("PROBLEM", line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
