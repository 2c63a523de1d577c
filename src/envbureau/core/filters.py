import django_filters as df
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS as DRF_FILTER_DEFAULTS

from . import pickers
from .choices import AuditAction, AuditSource
from .documents.models import IssuedDocument
from .models import AuditEntry, CalendarDay, Department, Jurisdiction, Role, RoleAssignment, Unit, User


class YesNoSelect(forms.NullBooleanSelect):
    """The page's 是/否 select that also reads what API clients send (1/0, true/false in any case)."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        value = value.lower() if isinstance(value, str) else value
        return {True: True, False: False, "true": True, "false": False, "1": True, "0": False,
                "2": True, "3": False}.get(value)


_DEFAULTS = {**DRF_FILTER_DEFAULTS}
for _field in (models.BooleanField, models.NullBooleanField):
    _DEFAULTS[_field] = {"filter_class": df.BooleanFilter, "extra": lambda f: {"widget": YesNoSelect}}


class ScopedFilterSet(df.FilterSet):
    """A filterset whose bad or unknown values never mean "all"; one per model, used by its list page and
    its API viewset alike (tests/core/test_one_filterset.py).

    An invalid value (not a number, not a date…) gives an empty result and the field's message instead of
    being dropped; a picker field (enterprise, point, station, section, jurisdiction) resolves its value
    inside the user's view scope — an id, a code or a name typed without choosing — and an unknown one
    says so on the field and lists nothing. Fields generated from the model read what the API always read
    (ISO date-times; 1/0 and true/false for yes/no). `api_only` names parameters kept for API clients that
    the page has a friendlier filter for: the page carries them as hidden inputs."""

    FILTER_DEFAULTS = _DEFAULTS
    api_only: tuple[str, ...] = ()

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_eb_bound_user", False):
            pickers.bind_user(form, getattr(self.request, "user", None))
            for name in self.api_only:
                form.fields[name].widget = forms.HiddenInput()
            form._eb_bound_user = True
        return form

    @property
    def qs(self):
        if not hasattr(self, "_qs") and self.is_bound and not self.form.is_valid():
            self._qs = self.queryset.none()
        return super().qs

    def filter_queryset(self, queryset):
        user = getattr(self.request, "user", None)
        data = self.form.cleaned_data
        for name, field in list(self.form.fields.items()):
            widget = field.widget
            value = data.get(name)
            if not isinstance(widget, pickers.PickerWidget) or value in (None, ""):
                continue
            picker = pickers.get(widget.kind)
            obj = picker.resolve(user, value, trusted=self.request is None)
            if obj is None:
                self.form.add_error(name, pickers.unknown_message(widget.kind, value))
                return queryset.none()
            resolved = getattr(obj, picker.value)
            data[name] = resolved
        return super().filter_queryset(queryset)


def picker_filter(kind: str, label, **kwargs):
    """A filter chosen with the type-ahead picker of `kind`; the value is the id (or code for jurisdictions)."""
    kwargs.setdefault("widget", pickers.PickerWidget(kind))
    return df.CharFilter(label=label, **kwargs)


def within_filter(lookup: str = "jurisdiction", label=_("属地")):
    """An area chosen from the jurisdiction tree (type-ahead, in the user's scope): the records whose `lookup`
    lies in it or below. The URL keeps the area's code (?jurisdiction=110101), as statistics links write it."""

    def within(qs, name, value):
        if not value:
            return qs
        j = Jurisdiction.objects.filter(code=str(value).strip()[:100]).first()
        return qs.filter(**{f"{lookup}__path__startswith": j.path}) if j else qs.none()

    return picker_filter("jurisdiction", label, method=within)


def meta_filterset(model, fields: list[str], name: str, **declared) -> type:
    """A ScopedFilterSet over `fields` of `model` (and `declared` filters), for the lists that need nothing
    more; named for its model as a class statement would name it."""
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(name, (ScopedFilterSet,), {"Meta": meta, "__module__": __name__, **declared})


class JurisdictionFilter(ScopedFilterSet):
    name = df.CharFilter(label=_("名称或代码"), method="filter_name")
    within = picker_filter("jurisdiction", _("所属区划"), method="filter_within")
    api_only = ("parent", "code")  # the page picks an area with `within` and finds a code with `name`

    class Meta:
        model = Jurisdiction
        fields = ["level", "code", "name", "parent"]

    def filter_within(self, qs, name, value):
        j = Jurisdiction.objects.filter(code=value).first()
        return qs.filter(path__startswith=j.path) if j else qs.none()

    def filter_name(self, qs, name, value):
        return qs.filter(models.Q(name__icontains=value) | models.Q(code__startswith=value.strip()))


class UserFilter(ScopedFilterSet):
    # `username` is exact (as the API always read it); the page's search box finds part of a name.
    # The role is picked by name; the URL keeps the role's code (?role=district_officer), as before.
    role = df.ModelChoiceFilter(label=_("角色"), field_name="assignments__role", to_field_name="code",
                                queryset=Role.objects.order_by("kind", "name"), distinct=True)
    api_only = ("username",)

    class Meta:
        model = User
        fields = ["username", "is_active"]


RoleAssignmentFilter = meta_filterset(RoleAssignment, ["role", "user"], "RoleAssignmentFilter")
DepartmentFilter = meta_filterset(Department, ["code", "active"], "DepartmentFilter")
RoleFilter = meta_filterset(Role, ["code", "kind"], "RoleFilter")
UnitFilter = meta_filterset(Unit, ["kind", "code", "active"], "UnitFilter", jurisdiction=within_filter())
CalendarDayFilter = meta_filterset(CalendarDay, ["kind"], "CalendarDayFilter")


class IssuedDocumentFilter(ScopedFilterSet):
    kind = df.CharFilter(label=_("文书类型"), field_name="doc_type__code")
    api_only = ("object_model", "object_id")  # an object's page links to its documents with these

    class Meta:
        model = IssuedDocument
        fields = ["kind", "object_model", "object_id", "year"]


class AuditFilter(df.FilterSet):
    actor_name = df.CharFilter(label=_("操作人"), lookup_expr="icontains")
    model = df.CharFilter(label=_("对象类型"), lookup_expr="icontains")
    object_id = df.CharFilter(label=_("对象ID"), widget=forms.HiddenInput)  # an object's "history" link
    source = df.ChoiceFilter(label=_("来源"), choices=AuditSource.choices)
    action = df.ChoiceFilter(label=_("操作"), choices=AuditAction.choices)
    since = df.DateFilter(label=_("起始日期"), field_name="time", lookup_expr="date__gte",
                          widget=forms.DateInput(attrs={"type": "date"}))
    until = df.DateFilter(label=_("截止日期"), field_name="time", lookup_expr="date__lte",
                          widget=forms.DateInput(attrs={"type": "date"}))
    q = df.CharFilter(label=_("搜索"), method="search")

    class Meta:
        model = AuditEntry
        fields = ["actor_name", "model", "object_id", "source", "action"]

    def search(self, qs, name, value):
        from django.db.models import Q

        return qs.filter(Q(object_repr__icontains=value) | Q(actor_name__icontains=value) |
                         Q(object_id=value) | Q(request_id=value))
