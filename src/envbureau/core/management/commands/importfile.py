from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from envbureau.core import importing
from envbureau.core.excel import FileFormatError
from envbureau.core.humanize import import_summary


class Command(BaseCommand):
    help = "Import a file through the import framework: importfile KIND FILE [--user NAME] [--dry-run]. " \
           "Kinds: see --list. All or nothing: any error and nothing is written."

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?")
        parser.add_argument("file", nargs="?")
        parser.add_argument("--user", help="act as this user (scope and audit); default: system")
        parser.add_argument("--dry-run", action="store_true",
                            help="validate every row and try the save, then roll it back (nothing written)")
        parser.add_argument("--clear-empty", action="store_true",
                            help="on update, an empty cell clears the field (default: keep the stored value)")
        parser.add_argument("--list", action="store_true")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--lang", help="language of the messages (zh-hans, en); default: the platform's")

    def handle(self, *args, lang=None, **options):
        from django.conf import settings
        from django.utils import translation

        # Messages in the platform's language (or --lang), whatever a previous caller left active.
        with translation.override(lang or settings.LANGUAGE_CODE):
            return self._handle(*args, **options)

    def _handle(self, kind=None, file=None, user=None, dry_run=False, list=False, no_progress=False,
                clear_empty=False, **o):
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
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        bars = {}

        def progress(done, total, phase="validate"):
            if no_progress:
                return
            bar = bars.get(phase)
            if bar is None:
                desc = _("校验") if phase == "validate" else _("写入")
                bar = bars[phase] = tqdm(total=total, unit=_("行"), desc=f"{imp.label} · {desc}", file=self.stderr._out)
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            result = imp.run(path, path.name, actor, commit=not dry_run, progress=progress, source="cli",
                             clear_empty=clear_empty)
        except FileFormatError as e:
            raise CommandError(str(e)) from None
        finally:
            for bar in bars.values():
                bar.close()
        for n in result.notices:
            self.stderr.write(str(n))
        for w in result.warnings:
            self.stderr.write(_("第%(row)s行 [%(col)s] 提示:%(m)s") % {"row": w["row"], "col": w["column"], "m": w["message"]})
        if result.errors:
            for e in result.errors:
                where = _("第%(row)s行") % {"row": e["row"]} if e["row"] else _("全部")
                value = f" “{e['value']}”" if e.get("value") not in (None, "") else ""
                self.stderr.write(f"{where} [{e['column']}]{value} {e['message']}")
            raise CommandError(_("%(n)d 处错误,未写入任何数据") % {"n": len(result.errors)})
        if dry_run:
            self.stdout.write(_("%(n)d 行校验通过(未写入): %(saved)s") % {"n": result.total, "saved": import_summary(result.saved)})
        else:
            self.stdout.write(_("%(n)d 行已导入: %(saved)s") % {"n": result.total, "saved": import_summary(result.saved)})
