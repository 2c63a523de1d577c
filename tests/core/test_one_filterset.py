"""One FilterSet per model serves both its list page and its API viewset (issue 11, "One base for scoped
models"): the same parameters filter the same way on the page, in its Excel export and in the API.

Viewsets and pages are discovered from the URL conf, not listed: a viewset is any DRF view routed there; a
page is a generic Crud list (its `filterset_class`), a class-based view with a `filterset_class`, or a
function view whose code (or a helper of its own module it calls, or a default argument) names a
FilterSet class."""

from __future__ import annotations

import importlib
import inspect
import types

import django_filters as df
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

PUBLIC_API = "api/v1/public/"  # the public API shows less than the staff pages: not paired with them


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def _viewsets():
    """(route, viewset class) of every DRF view with a queryset, once per class."""
    seen = {}
    for route, cb in _walk(get_resolver().url_patterns):
        cls = getattr(cb, "cls", None)
        if cls is not None and getattr(cls, "queryset", None) is not None and cls not in seen:
            seen[cls] = route
    return [(route, cls) for cls, route in seen.items()]


def _is_filterset(obj) -> bool:
    return isinstance(obj, type) and issubclass(obj, df.FilterSet) and obj._meta.model is not None


def _filtersets_named_by(func, depth=2) -> set:
    """FilterSet classes a function view names in its code, its defaults, or one of its module's helpers."""
    func = inspect.unwrap(func)
    code, glb = getattr(func, "__code__", None), getattr(func, "__globals__", {})
    if code is None:
        return set()
    found = {d for d in (func.__defaults__ or ()) if _is_filterset(d)}
    try:  # a view that imports its filterset inside the function (`from .filters import X`)
        local = importlib.import_module(func.__module__.rsplit(".", 1)[0] + ".filters")
    except ImportError:
        local = None
    for name in code.co_names:
        obj = glb.get(name, getattr(local, name, None))
        if _is_filterset(obj):
            found.add(obj)
        elif depth and isinstance(obj, types.FunctionType) and obj.__module__ == func.__module__:
            found |= _filtersets_named_by(obj, depth - 1)
    return found


def _pages():
    """(route, model, FilterSet) of every page that filters a list with a FilterSet."""
    out = []
    for route, cb in _walk(get_resolver().url_patterns):
        if route.startswith("api/") or getattr(cb, "cls", None) is not None:
            continue
        crud = (getattr(cb, "view_initkwargs", None) or {}).get("crud")
        if crud is not None:
            if route.endswith(crud.url_prefix + "/"):
                out.append((route, crud.model, crud.filterset_class))
            continue
        view_class = getattr(cb, "view_class", None)
        if view_class is not None:
            fs = getattr(view_class, "filterset_class", None)
            if _is_filterset(fs):
                out.append((route, fs._meta.model, fs))
            continue
        for fs in _filtersets_named_by(cb):
            out.append((route, fs._meta.model, fs))
    return out


def test_no_viewset_builds_its_filters_from_filterset_fields():
    offenders = [f"{route} {cls.__module__}.{cls.__name__}" for route, cls in _viewsets()
                 if getattr(cls, "filterset_fields", None)]
    assert offenders == [], "use a FilterSet in the app's filters.py (filterset_class) instead: " + ", ".join(offenders)


def test_the_discovery_sees_pages_of_each_kind():
    """Guards the test below: a generic list, a function view and a helper-called filterset are all found."""
    from envbureau.ledger.filters import ProblemFilter
    from envbureau.quality.filters import AirStationFilter, WarningFilter

    found = {(route, fs) for route, _m, fs in _pages()}
    assert ("quality/stations/", AirStationFilter) in found
    assert ("quality/warnings/", WarningFilter) in found  # a function view
    assert ("ledger/problems/", ProblemFilter) in found  # through a helper with a default argument
    assert len(_viewsets()) > 80


def test_a_list_page_and_the_api_of_one_model_share_one_filterset():
    api = {}
    for route, cls in _viewsets():
        if not route.startswith(PUBLIC_API):
            api.setdefault(cls.queryset.model, []).append((route, cls))
    wrong = []
    for route, model, page_fs in _pages():
        for api_route, cls in api.get(model, []):
            api_fs = getattr(cls, "filterset_class", None)
            if page_fs is None and api_fs is None:
                continue
            # A statistics page may read the list's parameters and a few more (a subclass of the list's).
            if page_fs is None or api_fs is None or not issubclass(page_fs, api_fs):
                wrong.append(f"{model._meta.label}: page /{route} {getattr(page_fs, '__name__', None)} "
                             f"≠ /{api_route} {getattr(api_fs, '__name__', None)}")
    assert wrong == [], "\n".join(wrong)


def test_api_only_names_parameters_the_filterset_has():
    """`api_only` hides parameters on the page; a name the FilterSet lacks would break its page (KeyError)."""
    from envbureau.core.filters import ScopedFilterSet

    classes = {fs for _r, _m, fs in _pages() if fs} | {cls.filterset_class for _r, cls in _viewsets()
                                                       if getattr(cls, "filterset_class", None)}
    wrong = [f"{fs.__name__}: {n}" for fs in classes if issubclass(fs, ScopedFilterSet)
             for n in fs.api_only if n not in fs.base_filters]
    assert wrong == []
