from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from envbureau.core import importing
from envbureau.core.excel import FileFormatError


class Command(BaseCommand):
    help = "Import a file through the import framework: importfile KIND FILE [--user NAME] [--dry-run]. " \
           "Kinds: see --list."

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?")
        parser.add_argument("file", nargs="?")
        parser.add_argument("--user", help="act as this user (scope and audit); default: system")
        parser.add_argument("--dry-run", action="store_true", help="validate only")
        parser.add_argument("--list", action="store_true")

    def handle(self, kind=None, file=None, user=None, dry_run=False, list=False, **o):
        if list or not kind:
            for k, cls in sorted(importing.REGISTRY.items()):
                self.stdout.write(f"{k:<28} {cls.label}")
            return
        if not file:
            raise CommandError("FILE is required")
        try:
            imp = importing.get_importer(kind)
        except KeyError as e:
            raise CommandError(str(e)) from None
        actor = None
        if user:
            from envbureau.core.models import User

            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"unknown user {user!r}")
        path = Path(file)
        bar = tqdm(total=0, unit="row", desc=str(imp.label))

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            result = imp.run(path.read_bytes(), path.name, actor, commit=not dry_run, progress=progress, source="cli")
        except FileFormatError as e:
            raise CommandError(str(e)) from None
        finally:
            bar.close()
        if result.errors:
            for e in result.errors:
                self.stderr.write(f"row {e['row']}, column {e['column']}: {e['message']}")
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported")
        self.stdout.write(f"{result.total} rows valid" + ("" if dry_run else f"; saved: {result.saved}"))
