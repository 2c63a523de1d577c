"""API building blocks shared by every app: scoped viewsets (pagination and error bodies: core.drf)."""

from __future__ import annotations

from django.db import transaction
from rest_framework import permissions, viewsets
from rest_framework.response import Response

from .drf import Pagination, exception_handler  # noqa: F401  (re-exported)
from .permissions import has_perm
from .scoping import check_created, get_scoped_object, may_view_module, restrict, spec_of


class ScopedPermission(permissions.BasePermission):
    """Module permission from the model's ScopeSpec: view for reads, add/change/delete for writes."""

    action_map = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add",
                  "PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        action = self.action_map.get(request.method, "change")
        spec = spec_of(view.get_queryset().model) if hasattr(view, "get_queryset") else None
        if spec is None:
            return True
        if action == "view" and may_view_module(request.user, view.get_queryset().model):
            return True
        if has_perm(request.user, f"{spec.module}.{action}") or (action == "view" and bool(spec.owner)):
            return True
        # On one object, a user who can read the module gets the object check instead (get_object):
        # 404 when the object is outside their scope, 403 when visible but the action is not theirs.
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
        return lookup in getattr(view, "kwargs", {}) and has_perm(request.user, f"{spec.module}.view")


class ScopedModelViewSet(viewsets.ModelViewSet):
    """CRUD over a scoped model. Lists only what the user may view; out of scope → 404; no right → 403.

    Subclasses set `queryset`, `serializer_class` and `filterset_class`: the FilterSet of the app's filters.py that
    the model's list page uses too (never `filterset_fields`; tests/core/test_one_filterset.py).
    Writes run in one transaction and are re-checked against scope after the save.
    """

    permission_classes = [ScopedPermission]

    def dispatch(self, request, *args, **kwargs):
        # The router's ".json" suffix routes pass format=… to every handler; custom @action
        # methods rarely accept it, so keep it for content negotiation only.
        self._format_suffix = kwargs.pop("format", None)
        return super().dispatch(request, *args, **kwargs)

    def get_format_suffix(self, **kwargs):
        return getattr(self, "_format_suffix", None)

    def get_queryset(self):
        qs = restrict(super().get_queryset(), self.request.user, "view")
        return qs if qs.ordered else qs.order_by("pk")  # stable pages

    def get_serializer(self, *args, **kwargs):
        ser = super().get_serializer(*args, **kwargs)
        limit_related_fields(ser, self.request.user)
        return ser

    def get_object(self):
        action = {"GET": "view", "HEAD": "view", "PUT": "change", "PATCH": "change",
                  "DELETE": "delete"}.get(self.request.method, "change")
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        obj = get_scoped_object(super().get_queryset(), self.request.user, action, **lookup)
        self.check_object_permissions(self.request, obj)
        return obj

    @transaction.atomic
    def perform_create(self, serializer):
        obj = serializer.save()
        check_created(self.request.user, obj, "add")

    @transaction.atomic
    def perform_update(self, serializer):
        obj = serializer.save()
        # References are checked where the request set them (validated_data is keyed by model field).
        check_created(self.request.user, obj, "change", fields=list(serializer.validated_data))

    @transaction.atomic
    def perform_destroy(self, instance):
        instance.delete()


def limit_related_fields(serializer, user) -> None:
    """Writable related fields accept only objects inside the user's scope (the form rule of
    core.generic.Crud.limit_form): anything else is "does not exist", naming the field (400)."""
    fields = getattr(serializer, "fields", None)
    if fields is None or user is None or not getattr(user, "is_authenticated", False):
        return
    for f in fields.values():
        rel = getattr(f, "child_relation", f)  # many=True wraps the related field
        qs = getattr(rel, "queryset", None)
        if f.read_only or qs is None:
            continue
        # A jurisdiction places the record itself: outside the user's scope that is check_created's 403.
        if qs.model._meta.label_lower != "core.jurisdiction" and hasattr(qs.model, "scope"):
            rel.queryset = restrict(qs, user, "view")


class ScopedReadOnlyViewSet(ScopedModelViewSet):
    http_method_names = ["get", "head", "options"]


class PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Anonymous reads of what the model's ScopeSpec.public marks as published."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    def get_queryset(self):
        return restrict(super().get_queryset(), None, "view")


def ok(data, status=200):
    return Response(data, status=status)
