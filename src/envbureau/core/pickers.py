"""Scoped type-ahead pickers: choose an enterprise, a monitoring point, a station, a section or a
jurisdiction by name instead of typing its id or code.

One picker per model is registered by its app (`register("enterprise", Picker(...))` in AppConfig.ready).
Its JSON endpoint (`picker_view`) answers `?q=` with the objects *in the user's view scope* whose name or
code matches, so a district officer never sees names outside the district and an enterprise user only
itself. The same picker resolves a submitted value (an id, a code, or a name typed without choosing)
inside the same scope: `ScopedFilterSet` turns an unknown value into a message on the field and an empty
list, never the whole list. `PickerWidget` renders a text box with the object's name (looked up in scope,
so a URL cannot reveal a name) and the hidden value; static/envbureau/picker.js does the type-ahead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .scoping import restrict

LIMIT = 20


@dataclass
class Picker:
    model: type
    url_name: str                      # the endpoint's URL name, e.g. "sources:pick-enterprises"
    search: tuple = ("name",)          # fields matched (icontains) by the typed text
    value: str = "pk"                  # what the filter or form receives ("pk", or "code" for jurisdictions)
    order: tuple = ("name",)
    label: Callable = str              # the text shown for an object
    hint: Callable | None = None       # a second, quieter line (district, MN…)
    related: tuple = ()                # select_related for label/hint
    noun: str = ""                     # for messages: 企业, 监测点…
    queryset: Callable | None = None   # (user) -> scoped queryset; default restrict(model, user, "view")
    resolvable: Callable | None = None  # (user) -> what a submitted value may name; default the same
    extra: dict = field(default_factory=dict)

    def scoped(self, user):
        qs = self.queryset(user) if self.queryset else restrict(self.model._default_manager.all(), user, "view")
        return qs.select_related(*self.related) if self.related else qs

    def find(self, user, text: str, limit: int = LIMIT) -> tuple[list, bool]:
        qs = self.scoped(user)
        text = (text or "").strip()
        if text:
            cond = Q()
            for f in self.search:
                cond |= Q(**{f"{f}__icontains": text})
            qs = qs.filter(cond)
        rows = list(qs.order_by(*self.order)[:limit + 1])
        return rows[:limit], len(rows) > limit

    def item(self, obj) -> dict:
        out = {"value": str(getattr(obj, self.value)), "label": str(self.label(obj))}
        if self.hint:
            out["hint"] = str(self.hint(obj) or "")
        if "depth" in self.extra:
            out["depth"] = self.extra["depth"](obj)
        return out

    def resolve(self, user, raw, trusted: bool = False):
        """The object a submitted value names inside the user's scope, or None.

        The value (id or code) first; else a name typed without choosing, when exactly one object in
        scope has that name (two of the same name are ambiguous: the user must choose). `trusted`: a
        command-line caller without a user (the CLI is trusted, as everywhere) resolves in the whole table."""
        raw = str(raw).strip()
        if not raw or "\x00" in raw:
            return None
        if trusted:
            qs = self.model._default_manager.all()
        else:
            qs = self.resolvable(user) if self.resolvable else self.scoped(user)
        if self.value == "pk":
            if raw.isdigit() and len(raw) < 12:
                obj = qs.filter(pk=int(raw)).first()
                if obj is not None:
                    return obj
        else:
            obj = qs.filter(**{self.value: raw[:100]}).first()
            if obj is not None:
                return obj
        named = list(qs.filter(**{f"{self.search[0]}": raw[:200]})[:2])
        return named[0] if len(named) == 1 else None

    def url(self) -> str:
        return reverse(self.url_name)


PICKERS: dict[str, Picker] = {}


def register(kind: str, picker: Picker) -> None:
    PICKERS[kind] = picker


def get(kind: str) -> Picker:
    return PICKERS[kind]


def unknown_message(kind: str, raw) -> str:
    noun = str(PICKERS[kind].noun) if kind in PICKERS else ""
    return _("未找到%(noun)s“%(v)s”,或不在您的权限范围内;请从列表中选择") % {"noun": noun, "v": str(raw)[:60]}


def picker_view(kind: str):
    """The JSON endpoint of one picker: {"results": [{value, label, hint}], "more": bool}."""

    @login_required
    def view(request):
        picker = PICKERS.get(kind)
        if picker is None:
            raise Http404
        rows, more = picker.find(request.user, request.GET.get("q", "")[:100])
        return JsonResponse({"results": [picker.item(o) for o in rows], "more": more})

    view.picker_kind = kind
    return view


class PickerWidget(forms.Widget):
    """A text box for the name with a hidden input for the value; the name shown for a value is looked up
    in the user's scope (the filterset or form sets `widget.user`)."""

    template_name = "core/_picker.html"

    def __init__(self, kind: str, attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.user = None

    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        if raw in (None, "") or self.user is None or self.kind not in PICKERS:
            return raw
        picker = PICKERS[self.kind]
        if picker.value == "pk" and str(raw).strip().isdigit():
            return raw
        obj = picker.resolve(self.user, raw)  # a name typed without choosing from the list
        return str(getattr(obj, picker.value)) if obj is not None else raw

    def get_context(self, name, value, attrs):
        ctx = super().get_context(name, value, attrs)
        picker = PICKERS.get(self.kind)
        text, known = "", True
        if value not in (None, "", [], ()):
            obj = picker.resolve(self.user, value) if picker is not None and self.user is not None else None
            text = picker.label(obj) if obj is not None else str(value)
            known = obj is not None
            if obj is not None:
                value = getattr(obj, picker.value)
        w = ctx["widget"]
        w["value"] = "" if value is None else str(value)
        w["text"] = text
        w["known"] = known
        w["url"] = picker.url() if picker is not None else ""
        css = w["attrs"].get("class", "")
        w["attrs"]["class"] = css.replace("is-invalid", "").strip() or "form-control form-control-sm"
        w["invalid"] = "is-invalid" in css or not known
        return ctx


class PickerMultipleWidget(PickerWidget):
    """Several objects picked by name, for sets too big for a select (the 600 stations of a network): the chosen
    objects are listed, each with a remove button and its own hidden input, and the type-ahead box adds more.
    The names of the chosen values are looked up in the user's scope in one query."""

    template_name = "core/_picker_multiple.html"
    allow_multiple_selected = True

    def format_value(self, value):
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            value = [value]
        return [str(v) for v in value if v not in (None, "")]

    def value_from_datadict(self, data, files, name):
        raws = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if raws in (None, ""):
            return []
        picker = PICKERS.get(self.kind)
        out = []
        for raw in ([raws] if isinstance(raws, str) else raws):
            raw = str(raw).strip()
            if not raw or raw in out:
                continue
            if picker is None or self.user is None or (picker.value == "pk" and raw.isdigit()):
                out.append(raw)
                continue
            obj = picker.resolve(self.user, raw) or self._by_other_field(picker, raw)  # typed without choosing
            out.append(str(getattr(obj, picker.value)) if obj is not None else raw)
        return out

    def _by_other_field(self, picker, raw: str):
        """A code pasted into the box (the other searched fields, exactly, one object in scope)."""
        qs = picker.resolvable(self.user) if picker.resolvable else picker.scoped(self.user)
        for f in picker.search[1:]:
            found = list(qs.filter(**{f: raw[:200]})[:2])
            if len(found) == 1:
                return found[0]
        return None

    def value_omitted_from_data(self, data, files, name):
        return False  # nothing chosen is an empty list, not a missing field

    def get_context(self, name, value, attrs):
        ctx = forms.Widget.get_context(self, name, value, attrs)
        picker = PICKERS.get(self.kind)
        values = ctx["widget"]["value"]
        found = {}
        if picker is not None and self.user is not None and values:
            keys = [v for v in values if v.isdigit() and len(v) < 12] if picker.value == "pk" else values
            for obj in picker.scoped(self.user).filter(**{f"{picker.value}__in": keys}).order_by(*picker.order):
                found[str(getattr(obj, picker.value))] = obj
        items = [{"value": v, "label": str(picker.label(o)), "hint": str(picker.hint(o) or "") if picker.hint else "",
                  "known": True} for v, o in found.items()]
        items += [{"value": v, "label": v, "hint": "", "known": False} for v in values if v not in found]
        w = ctx["widget"]
        w["items"] = items
        w["url"] = picker.url() if picker is not None else ""
        css = w["attrs"].get("class", "")
        w["attrs"]["class"] = css.replace("is-invalid", "").strip() or "form-control form-control-sm"
        w["invalid"] = "is-invalid" in css or any(not it["known"] for it in items)
        return ctx


def bind_user(form, user) -> None:
    """Give every picker widget of a form the user whose scope it looks names up in."""
    for f in form.fields.values():
        if isinstance(f.widget, PickerWidget):
            f.widget.user = user


def _depth(j) -> int:
    return max(j.path.count("/") - 2, 0)


def _visible_jurisdictions(user):
    return restrict(_jurisdiction_model().objects.all(), user, "view")


def _resolvable_jurisdictions(user):
    """In scope, plus the areas above the user's own (a district officer may name the city: the lists
    are limited to the district by scope anyway, and the name of one's own city is no secret)."""
    from .permissions import grants_for

    above = {p for g in grants_for(user) if g.jurisdiction_path and g.enterprise_id is None
             for p in _prefixes(g.jurisdiction_path)}
    model = _jurisdiction_model()
    return model.objects.filter(Q(pk__in=_visible_jurisdictions(user).values("pk")) | Q(path__in=above))


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def _jurisdiction_model():
    from .models import Jurisdiction

    return Jurisdiction


def register_core() -> None:
    from django.utils.translation import gettext_lazy

    register("jurisdiction", Picker(
        _jurisdiction_model(), "core:pick-jurisdictions", search=("name", "code"), value="code", order=("path",),
        hint=lambda j: j.parent.name if j.parent_id else "", related=("parent",),
        noun=gettext_lazy("区划"), queryset=_visible_jurisdictions, resolvable=_resolvable_jurisdictions,
        extra={"depth": _depth}))
    register("unit", Picker(
        _unit_model(), "core:pick-units", search=("name", "code"), order=("name", "pk"),
        hint=lambda u: u.jurisdiction.name if u.jurisdiction_id else "", related=("jurisdiction",),
        noun=gettext_lazy("单位")))


def _unit_model():
    from .models import Unit

    return Unit
