import django_filters as df
from django import forms
from django.utils.translation import gettext_lazy as _

from . import pickers
from .choices import AuditAction, AuditSource
from .models import AuditEntry, Jurisdiction, RoleAssignment, User


class ScopedFilterSet(df.FilterSet):
    """A filterset whose bad or unknown values never mean "all".

    An invalid value (not a number, not a date…) gives an empty result and the field's message instead of
    being dropped; a picker field (enterprise, point, station, section, jurisdiction) resolves its value
    inside the user's view scope — an id, a code or a name typed without choosing — and an unknown one
    says so on the field and lists nothing."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_eb_bound_user", False):
            pickers.bind_user(form, getattr(self.request, "user", None))
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


class JurisdictionFilter(ScopedFilterSet):
    name = df.CharFilter(label=_("名称"), lookup_expr="icontains")
    within = picker_filter("jurisdiction", _("所属区划"), method="filter_within")

    class Meta:
        model = Jurisdiction
        fields = ["level", "code", "name"]

    def filter_within(self, qs, name, value):
        j = Jurisdiction.objects.filter(code=value).first()
        return qs.filter(path__startswith=j.path) if j else qs.none()


class UserFilter(df.FilterSet):
    username = df.CharFilter(label=_("用户名"), lookup_expr="icontains")
    role = df.CharFilter(label=_("角色代码"), field_name="assignments__role__code")

    class Meta:
        model = User
        fields = ["username", "is_active"]


class RoleAssignmentFilter(df.FilterSet):
    class Meta:
        model = RoleAssignment
        fields = ["role", "user"]


class AuditFilter(df.FilterSet):
    actor_name = df.CharFilter(label=_("操作人"), lookup_expr="icontains")
    model = df.CharFilter(label=_("对象类型"), lookup_expr="icontains")
    object_id = df.CharFilter(label=_("对象ID"))
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
