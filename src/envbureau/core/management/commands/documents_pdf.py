"""Make the PDF renditions still missing (a conversion that failed or timed out when the document was issued)."""

from django.core.management.base import BaseCommand

from envbureau.core.audit import audit_context


class Command(BaseCommand):
    help = "Convert issued documents without a PDF (LibreOffice headless); a scheduled job."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50)

    def handle(self, *args, limit, **options):
        from envbureau.core.documents.models import IssuedDocument
        from envbureau.core.documents.services import make_pdf

        done = failed = 0
        with audit_context("system"):
            for doc in IssuedDocument.objects.filter(pdf="").order_by("issued_at")[:limit]:
                if make_pdf(doc):
                    done += 1
                else:
                    failed += 1
        self.stdout.write(f"PDF: {done} made, {failed} failed")
