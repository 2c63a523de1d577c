from django import forms
from django.utils.translation import gettext_lazy as _

from envbureau.core.pickers import PickerWidget

from .models import CRC_DIALECT_CHOICES, Declaration, Enterprise, MonitoringPoint, Outlet, PollutantLimit

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["credit_code", "name", "industry_code", "industry_name", "jurisdiction", "address", "longitude",
                  "latitude", "legal_representative", "contact_person", "contact_phone", "key_water", "key_air",
                  "key_soil", "key_noise", "risk_source", "status", "note"]


class OutletForm(forms.ModelForm):
    class Meta:
        model = Outlet
        fields = ["enterprise", "code", "name", "kind", "longitude", "latitude", "destination"]
        widgets = {"enterprise": PickerWidget("enterprise")}


class PointForm(forms.ModelForm):
    crc_dialects = forms.MultipleChoiceField(label=_("接受的 CRC 方言"), choices=CRC_DIALECT_CHOICES[1:], required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text=_("标准 CRC 始终接受;已知厂商方言可额外勾选"))

    class Meta:
        model = MonitoringPoint
        fields = ["outlet", "mn", "name", "enabled", "commissioned_on", "crc_dialects", "lenient_length", "password",
                  "absence_minutes"]
        widgets = {"commissioned_on": forms.DateInput(attrs={"type": "date"})}


class LimitForm(forms.ModelForm):
    class Meta:
        model = PollutantLimit
        fields = ["point", "factor", "unit", "period", "limit_value", "lower_limit", "on_converted", "standard"]
        widgets = {"point": PickerWidget("point")}


class DeclarationForm(forms.ModelForm):
    class Meta:
        model = Declaration
        fields = ["enterprise", "point", "factor", "kind", "start", "end", "reason", "attachment"]
        widgets = {"start": DT, "end": DT}

    def __init__(self, *args, enterprises=None, points=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises
        if points is not None:
            self.fields["point"].queryset = points
        for f in ("start", "end"):
            self.fields[f].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class BindForm(forms.Form):
    point = forms.ModelChoiceField(label=_("绑定到已有监测点(替换其 MN)"), queryset=MonitoringPoint.objects.none(),
                                   required=False)
    outlet = forms.ModelChoiceField(label=_("或在排放口下新建监测点"), queryset=Outlet.objects.none(), required=False)
    name = forms.CharField(label=_("新监测点名称"), required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("point")) == bool(data.get("outlet")):
            raise forms.ValidationError(_("请在“已有监测点”和“排放口”中选择一项"))
        return data
