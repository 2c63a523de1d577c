"""envbureau boundaries [FILE] [--parent CODE]: set the boundaries of the parent's districts (or streets) from
a GeoJSON FeatureCollection, matched by code or name; default the bundled Beijing districts."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "导入行政区边界(GeoJSON)/ import district boundaries from a GeoJSON file"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="GeoJSON FeatureCollection (default: the bundled districts)")
        parser.add_argument("--parent", help="the jurisdiction whose children the features are (default: the city)")

    def handle(self, *args, file=None, parent=None, **o):
        from envbureau.core.audit import audit_context
        from envbureau.core.boundaries import default_file, import_file
        from envbureau.core.models import Jurisdiction

        p = Jurisdiction.objects.filter(code=parent).first() if parent else \
            Jurisdiction.objects.filter(parent__isnull=True).order_by("path").first()
        if p is None:
            raise CommandError(f"--parent: no jurisdiction {parent or '(none yet)'}")
        path = file or default_file()
        try:
            with audit_context("cli"):
                done, unmatched = import_file(path, p)
        except ValueError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"{p.name}: {len(done)} boundaries set ({'、'.join(done)})")
        if unmatched:
            self.stdout.write(f"no jurisdiction named: {'、'.join(unmatched)}")
