from django import forms
from django.utils.translation import gettext_lazy as _

from envbureau.core.choices import JurisdictionLevel
from envbureau.core.models import Jurisdiction, Role
from envbureau.core.pickers import PickerWidget

from .choices import Verb
from .models import Problem, SignOffChain, SignOffStep


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class UnitsField(forms.CharField):
    """Responsible units typed one per line (or separated by 、,;)."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        import re

        text = super().to_python(value) or ""
        return [u.strip() for u in re.split(r"[\n、,，;；]+", text) if u.strip()]


class ProblemForm(forms.ModelForm):
    responsible_units = UnitsField(label=_("责任单位"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text=_("每行一个,第一个为牵头单位"))
    files = MultipleFileField(label=_("附件"), required=False)

    class Meta:
        model = Problem
        fields = ["source", "batch", "category", "title", "description", "location", "jurisdiction",
                  "enterprise_id", "enterprise_name", "key_problem", "responsible_units", "responsible_person",
                  "responsible_phone", "target", "measures", "received_on", "deadline", "long_term"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}), "target": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "enterprise_id": PickerWidget("enterprise"),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from envbureau.core.scoping import allowed_jurisdictions

        if user is not None:
            qs = allowed_jurisdictions(user, "ledger", "add") | allowed_jurisdictions(user, "ledger", "change")
            self.fields["jurisdiction"].queryset = qs.distinct().order_by("path")
        else:
            self.fields["jurisdiction"].queryset = Jurisdiction.objects.order_by("path")
        if self.instance.pk:
            self.fields.pop("files")
        self.fields["enterprise_id"].widget.user = user
        for f in self.fields.values():
            css = "form-check-input" if isinstance(f.widget, forms.CheckboxInput) else "form-control form-control-sm"
            if isinstance(f.widget, forms.Select):
                css = "form-select form-select-sm"
            f.widget.attrs.setdefault("class", css)


class TransitionForm(forms.Form):
    """The fields a verb may take; the view shows the ones the verb uses."""

    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("佐证材料"), required=False)
    responsible_units = UnitsField(label=_("责任单位"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    responsible_person = forms.CharField(label=_("责任人"), required=False)
    responsible_phone = forms.CharField(label=_("联系电话"), required=False)
    deadline = forms.DateField(label=_("整改时限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    public_summary = forms.CharField(label=_("公示内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    days = forms.IntegerField(label=_("公示天数"), required=False, min_value=1, max_value=90, initial=7)

    FIELDS = {
        Verb.ASSIGN: ["responsible_units", "responsible_person", "responsible_phone", "deadline", "note"],
        Verb.START: ["note"],
        Verb.PROGRESS: ["note", "files"],
        Verb.REQUEST_CLOSE: ["note", "files"],
        Verb.SIGN_OFF: ["note", "files"],
        Verb.RETURN: ["note"],
        Verb.CLOSE_OUT: ["note"],
        Verb.NOTICE: ["public_summary", "days", "note"],
        Verb.REOPEN: ["note"],
    }

    def __init__(self, *args, verb: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.FIELDS.get(verb, ["note"])
        for name in list(self.fields):
            if name not in keep:
                self.fields.pop(name)
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-control form-control-sm")

    def verb_kwargs(self, verb: str) -> dict:
        d = {k: v for k, v in self.cleaned_data.items() if k in self.FIELDS.get(verb, [])}
        kw = {"note": d.pop("note", "") or "", "files": d.pop("files", []) or []}
        if verb == Verb.ASSIGN:
            kw["responsible_units"] = d.get("responsible_units") or None
            for k in ("responsible_person", "responsible_phone", "deadline"):
                if d.get(k):
                    kw[k] = d[k]
        if verb == Verb.NOTICE:
            kw["public_summary"] = d.get("public_summary") or ""
            if d.get("days"):
                kw["days"] = d["days"]
        return kw


class SignOffChainForm(forms.ModelForm):
    class Meta:
        model = SignOffChain
        fields = ["name", "source", "active", "description"]


class SignOffStepForm(forms.ModelForm):
    level = forms.ChoiceField(label=_("签署层级"), required=False,
                              choices=[("", _("不限"))] + list(JurisdictionLevel.choices))
    role = forms.ModelChoiceField(label=_("限定角色"), required=False, queryset=Role.objects.all())

    class Meta:
        model = SignOffStep
        fields = ["chain", "order", "name", "permission", "role", "level", "evidence_required"]
