"""Generic domain verbs for plain records: scoped create, update and delete in one transaction.

Domain apps keep their own verbs in their services.py; these cover registry records (stations,
enterprises, departments…) whose only rules are scope and validation.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .scoping import can, check_created, references_of


def _validate(instance):
    instance.full_clean()


@transaction.atomic
def create_object(user, instance, m2m: dict | None = None):
    _validate(instance)
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    check_created(user, instance, "add")
    return instance


@transaction.atomic
def update_object(user, instance, m2m: dict | None = None):
    before = type(instance)._default_manager.get(pk=instance.pk)
    if user is not None and not can(user, before, "change"):
        raise PermissionDenied
    _validate(instance)
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    # The record must stay inside the user's scope after the change (no moving it out), and what
    # the change points to must be inside it too.
    changed = [name for name, (attname, _m, _c) in references_of(type(instance)).items()
               if getattr(before, attname) != getattr(instance, attname)]
    check_created(user, instance, "change", fields=changed)
    return instance


@transaction.atomic
def delete_object(user, instance):
    if user is not None and not can(user, instance, "delete"):
        raise PermissionDenied
    instance.delete()
