import getpass
import os

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from envbureau.core.audit import audit_context


class Command(BaseCommand):
    help = "Create a platform administrator (password from --password, $ENVBUREAU_ADMIN_PASSWORD or a prompt)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password")
        parser.add_argument("--email", default="")

    def handle(self, username, password=None, email="", **opts):
        from envbureau.core.models import Role, RoleAssignment, User
        from envbureau.core.roles import ensure_defaults

        password = password or os.environ.get("ENVBUREAU_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username!r} already exists")
        u = User(username=username, email=email, is_superuser=True, is_staff=True)
        try:  # the same validators as every other path (length, common, numeric, like the name)
            password_validation.validate_password(password, u)
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from None
        with audit_context("cli"):
            ensure_defaults()
            u.set_password(password)
            u.save()
            RoleAssignment.objects.create(user=u, role=Role.objects.get(code="admin"))
        self.stdout.write(f"created administrator {username}")
