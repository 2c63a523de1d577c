from django.core.management.base import BaseCommand

from envbureau.core import demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--light", action="store_true",
                            help="a little of everything (a few days of bulk data): for tests and quick looks")

    def handle(self, *args, light=False, **opts):
        demo.run_all(log=lambda m: self.stdout.write(m), light=light)
        from envbureau.core.demo_core import DEMO_USERS

        self.stdout.write("\n演示账号 / demo logins (password for all: %s):" % DEMO_USERS[0][1])
        for username, _pw, desc in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {desc}")
        import os

        host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
        self.stdout.write(f"\n平台地址 / URL: http://{host}:{port}/  (make run serves it; or: envbureau serve)")
