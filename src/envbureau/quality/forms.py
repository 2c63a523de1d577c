from django import forms
from django.utils.translation import gettext_lazy as _

from envbureau.core.pickers import PickerMultipleWidget, PickerWidget

from .choices import POLLUTANT_LABELS, POLLUTANTS
from .models import (
    AirStation,
    AirThreshold,
    DrinkingWaterSource,
    HeavyPollutionAlert,
    NoiseStation,
    PeerFigure,
    SensorCorrection,
    StationNetwork,
    Target,
    WaterSection,
)

SITE_FIELDS = ["code", "name", "jurisdiction", "longitude", "latitude", "commissioned_on", "active", "note"]


class AirStationForm(forms.ModelForm):
    class Meta:
        model = AirStation
        fields = ["code", "name", "name_en", "control_level", "jurisdiction", "longitude", "latitude", "commissioned_on", "active", "note"]


class WaterSectionForm(forms.ModelForm):
    class Meta:
        model = WaterSection
        fields = ["code", "name", "water_body_type", "river", "control_level", "target_class", "automatic",
                  "jurisdiction", "longitude", "latitude", "commissioned_on", "active", "synthetic", "note"]


class DrinkingWaterSourceForm(forms.ModelForm):
    class Meta:
        model = DrinkingWaterSource
        fields = ["code", "name", "source_type", "level", "section", "jurisdiction", "longitude", "latitude", "commissioned_on", "active",
                  "note"]
        widgets = {"section": PickerWidget("section")}


class NoiseStationForm(forms.ModelForm):
    class Meta:
        model = NoiseStation
        fields = ["code", "name", "zone", "jurisdiction", "longitude", "latitude", "commissioned_on", "active", "synthetic", "note"]


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["jurisdiction", "year", "indicator", "section_scope", "basis", "value", "issued_by", "note"]


class AirThresholdForm(forms.ModelForm):
    class Meta:
        model = AirThreshold
        fields = ["pollutant", "hourly_limit", "jurisdiction", "active"]


class ReviewForm(forms.Form):
    station = forms.ModelChoiceField(label=_("站点"), queryset=AirStation.objects.all(), widget=PickerWidget("station"))
    start = forms.DateTimeField(label=_("开始时间(含,时段开始)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(label=_("结束时间(含)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    pollutants = forms.MultipleChoiceField(label=_("污染物"), choices=[(p, POLLUTANT_LABELS[p]) for p in POLLUTANTS],
                                           widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class WarningActionForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HeavyPollutionAlertForm(forms.ModelForm):
    class Meta:
        model = HeavyPollutionAlert
        fields = ["jurisdiction", "level", "start", "end", "document_no", "issued_by", "measures", "enterprises", "note"]
        widgets = {"start": forms.DateTimeInput(attrs={"type": "datetime-local"}),
                   "end": forms.DateTimeInput(attrs={"type": "datetime-local"})}


class PeerFigureForm(forms.ModelForm):
    class Meta:
        model = PeerFigure
        fields = ["jurisdiction", "group", "name", "start", "end", "indicator", "value", "source"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}), "end": forms.DateInput(attrs={"type": "date"})}


class StationNetworkForm(forms.ModelForm):
    class Meta:
        model = StationNetwork
        fields = ["purpose", "name", "version", "valid_from", "valid_to", "basis", "rank_by", "stations", "note"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}), "valid_to": forms.DateInput(attrs={"type": "date"}),
                   "stations": PickerMultipleWidget("station")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # hundreds of stations: picked by name or code with the scoped type-ahead (core.pickers), never a select of
        # every station; the chosen ones are listed with their district and level, in one query
        f = self.fields["stations"]
        f.help_text = _("输入站点名称或编码搜索,选中即加入,点 × 移除;保存后按网络重算相关区划的日评价")
        f.error_messages["invalid_choice"] = _("未找到站点“%(value)s”,或不在您的权限范围内;请从列表中选择")
        f.error_messages["invalid_pk_value"] = _("未找到站点“%(pk)s”,或不在您的权限范围内;请从列表中选择")


class SensorCorrectionForm(forms.ModelForm):
    class Meta:
        model = SensorCorrection
        fields = ["station", "pollutant", "start", "end", "factor", "reason"]
        widgets = {"station": PickerWidget("station"), "start": forms.DateInput(attrs={"type": "date"}),
                   "end": forms.DateInput(attrs={"type": "date"}), "reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # picked by name (type-ahead, 500+ stations); factors are for micro stations only
        self.fields["station"].queryset = AirStation.objects.filter(control_level="micro")
        self.fields["station"].error_messages["invalid_choice"] = _("请选择一个微站")
