"""The audit log: every create, update and delete of a platform record, from any path.

Signal handlers record changes of every model in the envbureau apps (unless the model sets
`audit_exempt = True`, as high-volume raw data tables do: their imports are audited per job
with `record()`). Who and from where come from a context variable set by the web middleware,
the API, the CLI, importers and the gateway (`audit_context`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

AUDITED_APPS = {"core", "quality", "sources", "ledger", "complaints", "gateway", "knox"}
NEVER = {"core.auditentry", "core.logincounter", "sessions.session", "admin.logentry", "contenttypes.contenttype"}
MASKED_FIELDS = {"password", "key", "digest", "token_key"}
# A sign-in stamps last_login; that is not a change to the record, so it alone writes no entry.
IGNORED_FIELDS = {"last_login"}


@dataclass
class AuditContext:
    source: str = "system"
    actor: object = None
    request: object = None
    request_id: str = ""
    remote_addr: str | None = None
    note: str = ""

    def resolve_actor(self):
        if self.actor is not None:
            return self.actor
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None and getattr(user, "is_authenticated", False):
                return user
        return None


_current: ContextVar[AuditContext | None] = ContextVar("envbureau_audit", default=None)


def current() -> AuditContext:
    return _current.get() or AuditContext()


@contextlib.contextmanager
def audit_context(source: str, actor=None, request=None, note: str = "", remote_addr=None):
    ctx = AuditContext(source=source, actor=actor, request=request, request_id=uuid.uuid4().hex[:16],
                       remote_addr=remote_addr, note=note)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


@functools.cache
def _platform_labels() -> frozenset:
    # Every app of the platform is audited from its first model (a new app cannot forget to join a list).
    from django.apps import apps

    return frozenset(a.label for a in apps.get_app_configs() if a.name.startswith("envbureau."))


def is_audited(model) -> bool:
    return (
        (model._meta.app_label in AUDITED_APPS or model._meta.app_label in _platform_labels())
        and _label(model) not in NEVER
        and not getattr(model, "audit_exempt", False)
        and not model._meta.proxy
    )


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, dict)):
        return value
    if isinstance(value, FieldFile):  # files (an empty one has no url)
        return value.name or ""
    return str(value)


def masked_fields(model) -> set:
    """Secrets (passwords, token digests) and the fields a model lists in `audit_masked_fields`
    (a complainant's identity, a lookup code): the log says they changed, never their value."""
    return MASKED_FIELDS | set(getattr(model, "audit_masked_fields", ()))


def snapshot(instance) -> dict:
    data = {}
    masked = masked_fields(type(instance))
    for f in instance._meta.concrete_fields:
        value = getattr(instance, f.attname)
        data[f.attname] = "***" if f.name in masked and value else _jsonable(value)
    return data


def _secret_values(instance) -> dict:
    """The raw values of the masked fields, kept on the instance (never written) to tell a change."""
    masked = masked_fields(type(instance))
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.name in masked}


def _object_id(instance) -> str:
    pk = str(getattr(instance, "pk", ""))
    if instance is not None and instance._meta.pk.name in masked_fields(type(instance)):
        return pk[:12]  # a secret used as key (a token's digest): enough to pair create and delete
    return pk


def object_label(instance) -> str:
    """str(instance) with its secrets masked (a token's digest in its __str__)."""
    text = str(instance)
    for secret in _secret_values(instance).values():
        if isinstance(secret, str) and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


# An entry about no single object (a scan, an import) names itself by a sentence: object_repr keeps its Chinese,
# changes[REPR_FACTS] its facts (core.texts), worded per reader by humanize.audit_labels.
REPR_FACTS = "repr_facts"


def record(action: str, instance=None, changes: dict | None = None, *, model_label: str = "",
           object_id: str = "", object_repr: str | dict = "", note: str = ""):
    """Write one audit entry (also used directly for bulk operations such as imports). `object_repr` may be
    the facts of a sentence (core.texts.sentence) naming what a bulk entry did."""
    from . import texts
    from .models import AuditEntry

    if isinstance(object_repr, dict):
        changes = {**(changes or {}), REPR_FACTS: object_repr}
        object_repr = texts.chinese(object_repr)
    ctx = current()
    actor = ctx.resolve_actor()
    if instance is not None and not object_repr:
        from django.utils import translation

        with translation.override("zh-hans"):  # stored in Chinese whoever acted; pages label live objects anew
            object_repr = object_label(instance)
    remote = ctx.remote_addr
    if remote is None and ctx.request is not None:
        from .clientip import client_ip

        remote = client_ip(ctx.request)
    AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=getattr(actor, "username", "") or "",
        source=ctx.source,
        action=action,
        model=model_label or _label(type(instance)),
        object_id=(object_id or _object_id(instance))[:64],
        object_repr=(object_repr or str(instance))[:200],
        changes=changes or {},
        request_id=ctx.request_id,
        remote_addr=remote,
        note=(note or ctx.note)[:500],
    )


def record_batch(action: str, model, pks, changes: dict, note: str = "") -> None:
    """One entry for a queryset .update() or bulk_create() on an audited model (they send no signals).
    `changes` says what was set ({field: [old, new]} or {field: new}); the ids written go with it. One row:
    the entry carries that row's id, so the object's history shows it."""
    ids = sorted(str(pk) for pk in pks)
    if not ids:
        return
    label = model if isinstance(model, str) else _label(model)
    one = len(ids) == 1
    record(action, model_label=label, object_id=ids[0] if one else f"{len(ids)} rows",
           object_repr=_batch_repr(label, ids),
           changes={k: _jsonable(v) if not isinstance(v, list) else [_jsonable(x) for x in v]
                    for k, v in changes.items()} | ({} if one else {"ids": ids[:1000]}), note=note)


def _batch_repr(label: str, ids: list[str]) -> str:
    """What a batch entry names, as the audit log reads it: the object itself for one row ("DEMO-1-01 渣土…"),
    else the kind and the count ("问题台账 × 12"); never a model label with an id ("ledger.problem #2")."""
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return f"{label} × {len(ids)}"
    kind = str(model._meta.verbose_name)
    if len(ids) > 1:
        return f"{kind} × {len(ids)}"
    obj = model._default_manager.filter(pk=ids[0]).first()
    return str(obj) if obj is not None else f"{kind} {ids[0]}"


@receiver(pre_save, dispatch_uid="envbureau_audit_pre_save")
def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or not is_audited(sender):
        return
    before = secrets = None
    if instance.pk is not None and not instance._state.adding:
        row = sender._base_manager.filter(pk=instance.pk).first()
        if row is not None:
            before, secrets = snapshot(row), _secret_values(row)
    instance._eb_audit_before = before
    instance._eb_audit_secrets = secrets


@receiver(post_save, dispatch_uid="envbureau_audit_post_save")
def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw or not is_audited(sender):
        return
    after = snapshot(instance)
    before = getattr(instance, "_eb_audit_before", None)
    if created or before is None:
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}
        record("create", instance, changes)
    else:
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        # A new password (or code) masks to "***" on both sides: compare the raw values instead.
        old_secrets = getattr(instance, "_eb_audit_secrets", None) or {}
        for k, v in _secret_values(instance).items():
            if k in old_secrets and old_secrets[k] != v:
                changes[k] = [before.get(k), after.get(k)]
        if changes and not set(changes) <= IGNORED_FIELDS:
            record("update", instance, changes)
    instance._eb_audit_before = after
    instance._eb_audit_secrets = _secret_values(instance)


@receiver(post_delete, dispatch_uid="envbureau_audit_post_delete")
def _post_delete(sender, instance, **kwargs):
    if not is_audited(sender):
        return
    record("delete", instance, {k: [v, None] for k, v in snapshot(instance).items()})


def _m2m_side(instance, sender, reverse: bool):
    """(name, manager) of the relation behind `sender` (the through model) as seen from `instance`."""
    if not reverse:
        for f in instance._meta.many_to_many:
            if f.remote_field.through is sender:
                return f.name, getattr(instance, f.name)
    for rel in instance._meta.related_objects:
        if rel.many_to_many and rel.through is sender:
            return rel.get_accessor_name(), getattr(instance, rel.get_accessor_name())
    return sender.__name__, None


@receiver(m2m_changed, dispatch_uid="envbureau_audit_m2m")
def _m2m(sender, instance, action, model, pk_set, reverse=False, **kwargs):
    if action not in {"pre_clear", "pre_remove", "post_add", "post_remove", "post_clear"} \
            or not is_audited(type(instance)):
        return
    name, manager = _m2m_side(instance, sender, reverse)
    if action == "pre_remove":
        # remove() reports the ids asked for, linked or not: keep only those really linked.
        linked = set(manager.filter(pk__in=pk_set).values_list("pk", flat=True)) if manager is not None else pk_set
        instance._eb_audit_removing = sorted(linked)
        return
    if action == "post_remove":
        pks, instance._eb_audit_removing = getattr(instance, "_eb_audit_removing", []), []
        if pks:
            record("update", instance, {name: {"removed": pks}})
        return
    if action == "pre_clear":
        # clear() tells no ids afterwards: note them now so the entry says what was removed.
        instance._eb_audit_cleared = sorted(manager.values_list("pk", flat=True)) if manager is not None else []
        return
    if action == "post_clear":
        pks = getattr(instance, "_eb_audit_cleared", [])
        instance._eb_audit_cleared = []
        if not pks:
            return  # nothing was linked: nothing changed
        record("update", instance, {name: {"removed": pks}}, note="cleared")
        return
    if pk_set:  # add() leaves out links that already exist
        record("update", instance, {name: {"added": sorted(pk_set)}})


def history(obj) -> models.QuerySet:
    from .models import AuditEntry

    return AuditEntry.objects.filter(model=_label(type(obj)), object_id=str(obj.pk))
