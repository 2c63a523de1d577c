import django_filters as df
from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction, AuditSource
from .models import AuditEntry, Jurisdiction, RoleAssignment, User


class JurisdictionFilter(df.FilterSet):
    name = df.CharFilter(label=_("名称"), lookup_expr="icontains")
    within = df.CharFilter(label=_("所属区划代码"), method="filter_within")

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
