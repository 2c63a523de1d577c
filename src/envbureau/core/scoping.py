"""The one scoping mechanism: every queryset of scoped objects goes through `restrict`.

A model subclasses `ScopedModel` (the scoped manager) and declares how it reaches a
jurisdiction/enterprise with a `scope = ScopeSpec(...)` class attribute. Views, the API, importers, exporters
and the CLI then call `Model.objects.restrict(user, "view")` (or `restrict(qs, user, action)`).

Outcomes: objects outside the user's view scope answer 404; objects the user may see but
not act on answer 403 (see `get_scoped_object`). Creation is checked after the insert inside
the transaction (`check_created`), so a record placed outside one's scope is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from .permissions import grants_for, has_perm


@dataclass(frozen=True)
class ScopeSpec:
    module: str
    # Lookup from the model to a core.Jurisdiction FK; "" means the model is Jurisdiction itself;
    # None means the model has no jurisdiction (only city-wide grants reach it).
    jurisdiction: str | None = None
    # Lookup to the enterprise id (e.g. "enterprise_id", "point__outlet__enterprise_id"), or a tuple of
    # lookups when several enterprises share a record (a waste manifest: its producer and its receiver).
    enterprise: str | tuple | None = None
    # Lookup to a user FK: that user always sees the row (e.g. their own import jobs).
    owner: str | None = None
    # Rows the anonymous public may read (for /api/v1/public/ and public pages, which scope as the anonymous
    # user whoever is signed in). A signed-in user's own scope does not include them: the internal pages show
    # more than the public ones (handlers, reasons, personal data), so a published case of another district or
    # enterprise stays out of reach there.
    public: Q | None = None
    # Public lists every signed-in user also reads through their own scope (名录 such as the licensed waste
    # operators, which any enterprise may pick as a receiver).
    public_to_signed_in: bool = False
    # Rows with a NULL jurisdiction belong to the city level (visible to city-wide grants only).
    null_jurisdiction_city_wide: bool = False
    # Any signed-in bureau/jurisdiction user may view (reference lists such as departments).
    all_staff_view: bool = False
    distinct: bool = False
    # Integer columns holding another app's id without a ForeignKey, as {"enterprise_id": "sources.Enterprise"}:
    # checked on every write like foreign keys (check_references).
    references: dict = field(default_factory=dict)
    # References (FK names or `references` keys) whose object must lie in the record's own branch of the
    # jurisdiction tree, e.g. a district's ledger problem may only name an enterprise of that district.
    within: tuple = ()
    extra: dict = field(default_factory=dict)

    def jurisdiction_q(self, path: str) -> Q:
        prefix = f"{self.jurisdiction}__" if self.jurisdiction else ""
        return Q(**{f"{prefix}path__startswith": path})


def enterprise_lookups(spec: ScopeSpec) -> tuple:
    if not spec.enterprise:
        return ()
    return (spec.enterprise,) if isinstance(spec.enterprise, str) else tuple(spec.enterprise)


def spec_of(model) -> ScopeSpec:
    spec = getattr(model, "scope", None)
    if not isinstance(spec, ScopeSpec):
        raise TypeError(f"{model.__name__} declares no ScopeSpec; it cannot be scoped")
    return spec


def scope_q(model, user, action: str = "view") -> Q | None:
    """The filter for what `user` may `action` on `model`; None = unrestricted; Q(pk__in=[]) = nothing."""
    spec = spec_of(model)
    nothing = Q(pk__in=[])
    if user is None or not getattr(user, "is_authenticated", False):
        return spec.public if (action == "view" and spec.public is not None) else nothing
    perm = f"{spec.module}.{action}"
    grants = grants_for(user)
    if action == "view" and spec.all_staff_view and any(g.enterprise_id is None for g in grants):
        return None
    q = nothing
    for g in grants:
        if not g.allows(perm):
            continue
        if g.enterprise_id is not None:
            for lookup in enterprise_lookups(spec):
                q |= Q(**{lookup: g.enterprise_id})
            continue
        if g.jurisdiction_path is None:
            return None
        if spec.jurisdiction is not None:
            q |= spec.jurisdiction_q(g.jurisdiction_path)
    if spec.owner and action == "view":
        q |= Q(**{spec.owner: user})
    if spec.public is not None and spec.public_to_signed_in and action == "view":
        q |= spec.public
    return q


def may_view_module(user, model) -> bool:
    """Whether a list of `model` is open to the user at all (else 403): the module's view
    permission, or for reference lists (all_staff_view) any bureau or jurisdiction grant."""
    spec = spec_of(model)
    if has_perm(user, f"{spec.module}.view"):
        return True
    return spec.all_staff_view and any(g.enterprise_id is None for g in grants_for(user))


def restrict(qs, user, action: str = "view"):
    """Limit a queryset (or model) to what the user may `action`."""
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs._default_manager.all()
    q = scope_q(qs.model, user, action)
    if q is None:
        return qs
    qs = qs.filter(q)
    return qs.distinct() if spec_of(qs.model).distinct or _needs_distinct(q) else qs


def _needs_distinct(q: Q) -> bool:
    # Lookups across to-many relations can repeat rows; a cheap check on "__" depth is not enough,
    # so only specs that declare distinct=True get it (see ScopeSpec.distinct).
    return False


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return restrict(self, user, action)


class ScopedModel(models.Model):
    """Base of every scoped model: `objects.restrict(user, action)`. The subclass declares its
    `scope = ScopeSpec(...)` (spec_of refuses a model without one)."""

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


def can(user, obj, action: str) -> bool:
    model = type(obj)
    return restrict(model._default_manager.filter(pk=obj.pk), user, action).exists()


def get_scoped_object(qs, user, action: str = "view", **lookup):
    """404 when the object is outside the user's view scope; 403 when visible but not actionable."""
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs._default_manager.all()
    try:
        obj = restrict(qs, user, "view").get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    except qs.model.MultipleObjectsReturned:
        obj = restrict(qs, user, "view").filter(**lookup).first()
    if action != "view" and not can(user, obj, action):
        raise PermissionDenied
    return obj


def check_created(user, obj, action: str = "add", fields=None) -> None:
    """Call inside the creating transaction: a row outside the user's scope is refused (and rolled back).

    Its references are checked too (check_references): on "add" every one; on a change the ones in
    `fields` (what the user set), every one when `fields` is None."""
    if user is None:
        return  # system/CLI paths without a user are trusted callers
    if not can(user, obj, action):
        raise PermissionDenied("outside your scope")
    check_references(user, obj, None if action == "add" else fields)
    # Models with rules beyond scope (who may grant which role…) check them here, on every path.
    hook = getattr(obj, "authorize_write", None)
    if hook is not None:
        hook(user, action)


def allowed_jurisdictions(user, module: str, action: str = "add"):
    """Jurisdictions in which the user may `action` in `module` (for form choices)."""
    from .models import Jurisdiction

    qs = Jurisdiction.objects.all()
    perm = f"{module}.{action}"
    q = Q(pk__in=[])
    for g in grants_for(user):
        if not g.allows(perm) or g.enterprise_id is not None:
            continue
        if g.jurisdiction_path is None:
            return qs
        q |= Q(path__startswith=g.jurisdiction_path)
    return qs.filter(q)


def is_city_wide(user, module: str, action: str = "view") -> bool:
    """Whether the user may `action` in `module` everywhere (a grant without a jurisdiction limit)."""
    perm = f"{module}.{action}"
    return any(g.allows(perm) and g.jurisdiction_path is None and g.enterprise_id is None
               for g in grants_for(user))


def references_of(model) -> dict:
    """{name: (attname, target model, target column)} for every foreign key (one-to-one included) and declared
    id reference."""
    from django.apps import apps

    out = {}
    for f in model._meta.concrete_fields:
        if f.is_relation:  # a concrete relation is a foreign key, one-to-one included (many-to-many are not concrete)
            out[f.name] = (f.attname, f.related_model, f.target_field.attname)
    spec = getattr(model, "scope", None)
    for name, label in (spec.references.items() if isinstance(spec, ScopeSpec) else ()):
        try:
            out[name] = (name, apps.get_model(label), "pk")
        except LookupError:  # the app is not installed here
            continue
    return out


def _jurisdiction_of(obj):
    """The record's own jurisdiction (following its ScopeSpec lookup on the unsaved instance), or None."""
    spec = getattr(type(obj), "scope", None)
    if not isinstance(spec, ScopeSpec) or spec.jurisdiction is None:
        return None
    value = obj
    for part in filter(None, spec.jurisdiction.split("__")):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def check_references(user, obj, fields=None) -> None:
    """Every reference the user set must name an existing object inside the user's view scope and,
    for the references the model lists in `ScopeSpec.within`, inside the record's own jurisdiction.

    `fields`: the names the user set (None: every reference with a value). A reference to the acting
    user is always allowed. The caller checks the record's own scope (check_created does). Raises ValidationError naming the field (400), the same message whether
    the object is missing or out of scope so ids of other districts cannot be probed.
    """
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if user is None:
        return
    refs = references_of(type(obj))
    spec = getattr(type(obj), "scope", None)
    within = set(spec.within) if isinstance(spec, ScopeSpec) else set()
    names = set(refs) if fields is None else {n for n in fields if n in refs}
    # The reference that places the record (its jurisdiction, or the enterprise an outlet hangs on) is
    # the record's own scope, which the caller checks (check_created: `can`); what it names is checked here.
    placing = spec.jurisdiction.split("__")[0] if isinstance(spec, ScopeSpec) and spec.jurisdiction else None
    if placing in names:
        names.discard(placing)
        names |= within & set(refs)  # the record moved: what it names must still be inside it
    errors = {}
    own = None
    for name in sorted(names):
        attname, target, column = refs[name]
        value = getattr(obj, attname, None)
        if value is None or value == "":
            continue
        if target._meta.label == settings.AUTH_USER_MODEL and value == getattr(user, "pk", None):
            continue
        qs = target._default_manager.filter(**{column: value})
        if isinstance(getattr(target, "scope", None), ScopeSpec):
            qs = restrict(qs, user, "view")
        found = qs.first()
        if found is None:
            errors[name] = _("所选对象不存在或不在您的权限范围内(%(v)s)") % {"v": value}
            continue
        if name in within:
            own = own or _jurisdiction_of(obj)
            theirs = _jurisdiction_of(found)
            # Same branch of the tree: inside the record's jurisdiction, or the unit that contains it
            # (a street's problem may name an enterprise registered with its district), never beside it.
            if own is not None and (theirs is None or not (theirs.path.startswith(own.path)
                                                           or own.path.startswith(theirs.path))):
                errors[name] = _("所选对象不在本记录的属地(%(j)s)范围内") % {"j": own.name}
    if errors:
        raise ValidationError(errors)
