import os

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from envbureau.core.audit import audit_context


class Command(BaseCommand):
    help = "Create a user with a role, e.g. createuser dc1 --role officer --jurisdiction 110101 --password …"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help="role code (admin, leader, staff, officer, enterprise …)")
        parser.add_argument("--jurisdiction", help="jurisdiction code (blank = city-wide)")
        parser.add_argument("--department", action="append", default=[], help="department code (repeatable)")
        parser.add_argument("--enterprise", type=int, help="enterprise id (enterprise users)")
        parser.add_argument("--password", help="or $ENVBUREAU_USER_PASSWORD")
        parser.add_argument("--display-name", default="")

    def handle(self, username, **o):
        from envbureau.core.models import Department, Jurisdiction, Role, RoleAssignment, User
        from envbureau.core.roles import ensure_defaults

        password = o["password"] or os.environ.get("ENVBUREAU_USER_PASSWORD")
        if not password:
            raise CommandError("--password is required (or set ENVBUREAU_USER_PASSWORD)")
        ensure_defaults()
        role = Role.objects.filter(code=o["role"]).first()
        if role is None:
            raise CommandError(f"unknown role {o['role']!r}; known: {', '.join(Role.objects.values_list('code', flat=True))}")
        jur = None
        if o["jurisdiction"]:
            jur = Jurisdiction.objects.filter(code=o["jurisdiction"]).first()
            if jur is None:
                raise CommandError(f"unknown jurisdiction {o['jurisdiction']!r}")
        depts = list(Department.objects.filter(code__in=o["department"]))
        missing = set(o["department"]) - {d.code for d in depts}
        if missing:
            raise CommandError(f"unknown department(s): {', '.join(sorted(missing))}")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username!r} already exists")
        user = User(username=username, display_name=o["display_name"])
        try:
            password_validation.validate_password(password, user)
            a = RoleAssignment(role=role, jurisdiction=jur, enterprise_id=o["enterprise"])
            a.clean()
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from None
        with audit_context("cli"), transaction.atomic():
            user.set_password(password)
            user.save()
            a.user = user
            a.save()
            a.departments.set(depts)
        self.stdout.write(f"created {username} ({role.code}{' @ ' + jur.code if jur else ', city-wide'})")
