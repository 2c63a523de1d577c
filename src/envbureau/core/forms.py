from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import Department, Jurisdiction, Role, RoleAssignment, User
from .permissions import all_permission_codes


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


class RoleForm(forms.ModelForm):
    permissions = forms.MultipleChoiceField(label=_("权限"), required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Role
        fields = ["code", "name", "kind", "permissions", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = ["*", "*.view"] + all_permission_codes()
        current = list(self.instance.permissions or []) if self.instance and self.instance.pk else []
        self.fields["permissions"].choices = [(c, c) for c in dict.fromkeys(codes + current)]


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
        widgets = {"departments": forms.CheckboxSelectMultiple}


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("文件(.xlsx 或 .csv)"))
