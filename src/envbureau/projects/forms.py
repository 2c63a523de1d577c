from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Fund, Milestone, Project


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "battle", "task", "year", "jurisdiction", "owner_unit", "enterprise_id", "location",
                  "description", "planned_start", "planned_finish", "investment_planned"]
        widgets = {"planned_start": forms.DateInput(attrs={"type": "date"}),
                   "planned_finish": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"enterprise_id": _("一企一档中的企业ID,无企业可留空")}


class FundForm(forms.ModelForm):
    class Meta:
        model = Fund
        fields = ["project", "level", "name", "reserve_batch", "requested"]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["project", "name", "due", "done_on"]
        widgets = {"due": forms.DateInput(attrs={"type": "date"}), "done_on": forms.DateInput(attrs={"type": "date"})}
