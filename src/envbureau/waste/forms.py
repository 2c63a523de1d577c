from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    CollectionPlatform,
    CrossProvinceApplication,
    CrossProvinceApproval,
    IndustrialWaste,
    Licence,
    ManagementPlan,
    NormCheck,
    NormRound,
    Operator,
    Producer,
    Stock,
    Transporter,
    ZeroWasteCell,
)

DATE = forms.DateInput(attrs={"type": "date"})


class ProducerForm(forms.ModelForm):
    class Meta:
        model = Producer
        fields = ["enterprise_id", "name", "credit_code", "jurisdiction", "category", "annual_tonnes", "own_facility",
                  "small_quantity", "storage_days", "waste_codes"]


class PlanForm(forms.ModelForm):
    class Meta:
        model = ManagementPlan
        fields = ["producer", "year", "filing_no", "filed_on", "planned_tonnes"]
        widgets = {"filed_on": DATE}


class OperatorForm(forms.ModelForm):
    class Meta:
        model = Operator
        fields = ["enterprise_id", "name", "credit_code", "jurisdiction", "province"]


class LicenceForm(forms.ModelForm):
    class Meta:
        model = Licence
        fields = ["operator", "number", "kind", "categories", "codes", "capacity_tonnes", "valid_from", "valid_to"]
        widgets = {"valid_from": DATE, "valid_to": DATE}


class TransporterForm(forms.ModelForm):
    class Meta:
        model = Transporter
        fields = ["name", "credit_code", "permit_no", "jurisdiction", "enterprise_id"]


class ApprovalForm(forms.ModelForm):
    class Meta:
        model = CrossProvinceApproval
        fields = ["number", "producer", "receiver", "waste_code", "tonnes", "approved_on", "valid_until"]
        widgets = {"approved_on": DATE, "valid_until": DATE}


class StockForm(forms.ModelForm):
    class Meta:
        model = Stock
        fields = ["producer", "waste_code", "tonnes", "stored_on", "cleared_on"]
        widgets = {"stored_on": DATE, "cleared_on": DATE}


class ManifestForm(forms.Form):
    """The producer fills in a manifest; its number is issued by the platform."""

    producer = forms.ModelChoiceField(label=_("移出单位"), queryset=Producer.objects.none())
    receiver = forms.ModelChoiceField(label=_("接受单位"), queryset=Operator.objects.none())
    transporter = forms.ModelChoiceField(label=_("承运单位"), queryset=Transporter.objects.none(), required=False)
    waste_code = forms.RegexField(label=_("废物代码"), regex=r"^\d{3}-\d{3}-\d{2}$", max_length=12,
                                  help_text=_("国家危险废物名录代码,如 900-249-08"),
                                  error_messages={"invalid": _("废物代码格式应为 900-249-08")})
    waste_name = forms.CharField(label=_("废物名称"), max_length=100)
    hazard = forms.CharField(label=_("危险特性"), max_length=30, required=False)
    sent_tonnes = forms.DecimalField(label=_("移出量(吨)"), min_value=0.001, max_digits=12, decimal_places=3)
    created_on = forms.DateField(label=_("填报日期"), widget=DATE, required=False)


class ApplicationForm(forms.ModelForm):
    """The producer's cross-province transfer application (the bureau receives it on the platform)."""

    class Meta:
        model = CrossProvinceApplication
        fields = ["producer", "receiver", "waste_code", "waste_name", "tonnes", "method", "period_from", "period_to"]
        widgets = {"period_from": DATE, "period_to": DATE}


class NormRoundForm(forms.ModelForm):
    class Meta:
        model = NormRound
        fields = ["name", "year", "jurisdiction", "pass_mark"]


class NormCheckForm(forms.ModelForm):
    class Meta:
        model = NormCheck
        fields = ["round", "producer", "checked_on", "score", "findings"]
        widgets = {"checked_on": DATE}


class PlatformForm(forms.ModelForm):
    class Meta:
        model = CollectionPlatform
        fields = ["name", "operator", "jurisdiction", "started_on", "members"]
        widgets = {"started_on": DATE}


class IndustrialWasteForm(forms.ModelForm):
    class Meta:
        model = IndustrialWaste
        fields = ["enterprise_id", "name", "jurisdiction", "year", "kind", "generated", "utilised", "disposed", "stored"]


class CellForm(forms.ModelForm):
    class Meta:
        model = ZeroWasteCell
        fields = ["name", "kind", "status", "jurisdiction", "accepted_on"]
        widgets = {"accepted_on": DATE}
