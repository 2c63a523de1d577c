"""The `envbureau` command: friendly commands plus every Django management command.

    envbureau serve [--host H] [--port N]     production server (gunicorn + whitenoise static files)
    envbureau demo                             load demo data (idempotent)
    envbureau createadmin / createuser …       scripted setups
    envbureau calc aqi|water …                 standards calculator (no database needed)
    envbureau gateway / gateway-stats / hj212-sim   HJ 212 online-monitoring gateway
    envbureau <any manage.py command>          e.g. migrate, import, assess
"""

from __future__ import annotations

import os
import sys

PURE_COMMANDS = {
    "calc": "envbureau.standards.cli",
}
GATEWAY_COMMANDS = {"gateway", "gateway-stats", "gateway-rejected", "gateway-compact", "hj212-sim"}


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envbureau.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        if argv:
            return 0
        argv = ["help"]
    cmd = argv[0]
    if cmd in PURE_COMMANDS:
        from importlib import import_module

        return import_module(PURE_COMMANDS[cmd]).main(argv[1:]) or 0
    if cmd in GATEWAY_COMMANDS:
        from importlib import import_module

        return import_module("envbureau.gateway.cli").main(argv) or 0
    if cmd == "serve":
        return _serve(argv[1:])
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["envbureau", *argv])
    return 0


def _serve(args: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="envbureau serve", description="Serve the platform with gunicorn.")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "3")))
    opts = p.parse_args(args)
    _setup_django()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"envbureau: serving on http://{opts.host}:{opts.port}/  (Ctrl+C to stop)", flush=True)
    from gunicorn.app.base import BaseApplication

    from envbureau.wsgi import application

    class App(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{opts.host}:{opts.port}")
            self.cfg.set("workers", opts.workers)
            self.cfg.set("threads", 4)
            self.cfg.set("timeout", 120)
            self.cfg.set("accesslog", os.environ.get("ACCESS_LOG", "-"))

        def load(self):
            return application

    App().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
