from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import Department, Jurisdiction, Role, RoleAssignment, User
from .permissions import all_permission_codes
from .pickers import PickerWidget


class JurisdictionForm(forms.ModelForm):
    class Meta:
        model = Jurisdiction
        fields = ["code", "name", "level", "parent", "sort_order", "boundary"]


class DepartmentForm(forms.ModelForm):
    modules = forms.MultipleChoiceField(label=_("负责模块"), required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Department
        fields = ["code", "name", "modules", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .permissions import MODULE_LABELS

        self.fields["modules"].choices = [(k, str(v)) for k, v in MODULE_LABELS.items() if k not in ("audit", "imports")]


ACTION_LABELS = {"view": _("查看"), "add": _("新增"), "change": _("修改"), "delete": _("删除"), "*": _("全部操作")}


def permission_label(code: str) -> str:
    """"quality.view" → "环境质量 · 查看 (quality.view)"."""
    from .permissions import MODULE_LABELS, MODULES

    if code == "*":
        everything = _("全部权限")
        return f"{everything} (*)"
    module, _sep, action = code.partition(".")
    mod = _("全部模块") if module == "*" else MODULE_LABELS.get(module, module)
    act = ACTION_LABELS.get(action) or MODULES.get(module, {}).get(action) or action
    if str(act) == action and action in ("view", "add", "change", "delete"):
        act = ACTION_LABELS[action]
    return f"{mod} · {act} ({code})"


class RoleForm(forms.ModelForm):
    permissions = forms.MultipleChoiceField(label=_("权限"), required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Role
        fields = ["code", "name", "kind", "permissions", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = ["*", "*.view"] + all_permission_codes()
        current = list(self.instance.permissions or []) if self.instance and self.instance.pk else []
        self.fields["permissions"].choices = [(c, permission_label(c)) for c in dict.fromkeys(codes + current)]


class UserForm(forms.ModelForm):
    password1 = forms.CharField(label=_("新密码"), required=False, widget=forms.PasswordInput,
                                help_text=_("新建用户必填;修改时留空表示不变"))

    class Meta:
        model = User
        fields = ["username", "display_name", "email", "phone", "is_active", "must_change_password"]

    def clean(self):
        data = super().clean()
        pw = data.get("password1")
        if not self.instance.pk and not pw:
            self.add_error("password1", _("新建用户必须设置密码"))
        if pw:
            try:
                password_validation.validate_password(pw, self.instance)
            except forms.ValidationError as e:
                self.add_error("password1", e)
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password1"):
            user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "jurisdiction", "departments", "enterprise_id"]
        widgets = {"departments": forms.CheckboxSelectMultiple, "enterprise_id": PickerWidget("enterprise")}


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("文件(.xlsx 或 .csv)"))
    clear_empty = forms.BooleanField(label=_("清空空白单元格"), required=False,
                                     help_text=_("更新已有记录时,空白单元格清空该字段;不勾选则保留原值"))


class AssignRoleForm(forms.ModelForm):
    """Give a user one more role on their own page: choices limited to what the actor may grant."""

    class Meta:
        model = RoleAssignment
        fields = ["role", "jurisdiction", "departments", "enterprise_id"]
        widgets = {"departments": forms.CheckboxSelectMultiple, "enterprise_id": PickerWidget("enterprise")}

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .permissions import can_grant
        from .scoping import allowed_jurisdictions, is_city_wide

        roles = [r.pk for r in Role.objects.all() if can_grant(actor, r)]
        self.fields["role"].queryset = Role.objects.filter(pk__in=roles)
        self.fields["jurisdiction"].queryset = allowed_jurisdictions(actor, "core", "add")
        if not is_city_wide(actor, "core", "add"):
            self.fields["jurisdiction"].required = True
            self.fields["jurisdiction"].help_text = ""
        for name in ("role", "jurisdiction"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["enterprise_id"].widget.attrs["class"] = "form-control"
        self.fields["enterprise_id"].widget.user = actor
        self.fields["departments"].widget.attrs["class"] = "form-check-input"


class UnitForm(forms.ModelForm):
    class Meta:
        from .models import Unit

        model = Unit
        fields = ["code", "name", "kind", "jurisdiction", "department", "enterprise_id", "contact_person", "phone",
                  "email", "members", "active"]


class CalendarDayForm(forms.ModelForm):
    class Meta:
        from .models import CalendarDay

        model = CalendarDay
        fields = ["date", "kind", "name", "source"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
