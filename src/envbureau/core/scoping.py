"""The one scoping mechanism: every queryset of scoped objects goes through `restrict`.

A model declares how it reaches a jurisdiction/enterprise with a `scope = ScopeSpec(...)`
class attribute and uses `ScopedQuerySet.as_manager()`. Views, the API, importers, exporters
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
    # Lookup to the enterprise id (e.g. "enterprise_id", "point__outlet__enterprise_id").
    enterprise: str | None = None
    # Lookup to a user FK: that user always sees the row (e.g. their own import jobs).
    owner: str | None = None
    # Rows the anonymous public may read (for /api/v1/public/ and public pages).
    public: Q | None = None
    # Rows with a NULL jurisdiction belong to the city level (visible to city-wide grants only).
    null_jurisdiction_city_wide: bool = False
    # Any signed-in bureau/jurisdiction user may view (reference lists such as departments).
    all_staff_view: bool = False
    distinct: bool = False
    extra: dict = field(default_factory=dict)

    def jurisdiction_q(self, path: str) -> Q:
        prefix = f"{self.jurisdiction}__" if self.jurisdiction else ""
        return Q(**{f"{prefix}path__startswith": path})


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
            if spec.enterprise:
                q |= Q(**{spec.enterprise: g.enterprise_id})
            continue
        if g.jurisdiction_path is None:
            return None
        if spec.jurisdiction is not None:
            q |= spec.jurisdiction_q(g.jurisdiction_path)
    if spec.owner and action == "view":
        q |= Q(**{spec.owner: user})
    if spec.public is not None and action == "view":
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


def check_created(user, obj, action: str = "add") -> None:
    """Call inside the creating transaction: a row outside the user's scope is refused (and rolled back)."""
    if user is None:
        return  # system/CLI paths without a user are trusted callers
    if not can(user, obj, action):
        raise PermissionDenied("outside your scope")
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
