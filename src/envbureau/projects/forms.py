from django import forms
from django.utils.translation import gettext_lazy as _

from envbureau.core.pickers import PickerWidget

from .models import (
    BasinMilestone,
    Campaign,
    CampaignTarget,
    Card,
    Fund,
    Grid,
    GridTraining,
    Milestone,
    Outfall,
    Project,
)


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


def _kind_choices():
    from . import config

    return [(k, _(v.get("label", k))) for k, v in config.get("campaign_kinds").items()]


def _class_choices():
    from . import config

    out = {}
    for kind in config.get("campaign_kinds").values():
        for code, (label, _checks) in kind.get("classes", {}).items():
            out.setdefault(code, _(label))
    return list(out.items())


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["code", "name", "kind", "jurisdiction", "start", "deadline", "category", "description"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}), "deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        from envbureau.ledger.services import Category

        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(label=_("行动类型"), choices=_kind_choices())
        self.fields["category"] = forms.ChoiceField(label=_("问题类型"), choices=Category.choices)


class TargetForm(forms.ModelForm):
    class Meta:
        model = CampaignTarget
        fields = ["campaign", "name", "credit_code", "enterprise_id", "address", "jurisdiction", "industry", "flags",
                  "target_class", "due", "lead_unit"]
        widgets = {"due": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_class"] = forms.ChoiceField(label=_("整治类型"), choices=_class_choices())


class OutfallForm(forms.ModelForm):
    class Meta:
        model = Outfall
        fields = ["code", "name", "type1", "type2", "type3", "jurisdiction", "longitude", "latitude", "basin",
                  "receiving_water",
                  "section_id", "target_class", "responsible_unit", "enterprise_id", "permit_status", "permit_no",
                  "survey_batch"]

    def __init__(self, *args, **kwargs):
        from . import config

        super().__init__(*args, **kwargs)
        types = [("", "—")] + [(t, _(t)) for ts in config.get("outfall_types").values() for t in ts]
        self.fields["type2"] = forms.ChoiceField(label=_("二级类型"), choices=types, required=False)
        level3 = [("", "—")] + [(t, _(t)) for ts in config.get("outfall_types_level3").values() for t in ts]
        self.fields["type3"] = forms.ChoiceField(label=_("三级类型"), choices=level3, required=False,
                                                 help_text=_("工矿企业排污口、工矿企业雨洪排口下分 工业企业 / 矿山 / 尾矿库"))


class BasinMilestoneForm(forms.ModelForm):
    class Meta:
        model = BasinMilestone
        fields = ["basin", "jurisdiction", "due", "traced_share", "rectified_share", "note"]
        widgets = {"due": forms.DateInput(attrs={"type": "date"})}


class GridTrainingForm(forms.ModelForm):
    class Meta:
        model = GridTraining
        fields = ["jurisdiction", "held_on", "topic", "trainees", "organiser", "note"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}


class GridForm(forms.ModelForm):
    class Meta:
        model = Grid
        fields = ["code", "name", "level", "parent", "jurisdiction", "head", "officers", "frequency_days", "objects_note"]

    def __init__(self, *args, **kwargs):
        from . import config

        super().__init__(*args, **kwargs)
        # the levels of the grid's area when it has one, else every configured one (the model checks the area's)
        where = self.instance.jurisdiction if self.instance.jurisdiction_id else None
        levels = config.get("grid_levels", where) if where is not None else config.every("grid_levels")
        self.fields["level"] = forms.TypedChoiceField(label=_("网格层级"), coerce=int, choices=sorted(
            (int(k), _(v)) for k, v in levels.items()))


def _criterion_choices():
    from . import config

    return [(k, _(v[0])) for k, v in config.get("card_criteria").items()]


class CardForm(forms.ModelForm):
    criterion = forms.ChoiceField(label=_("警示情形"), choices=_criterion_choices)

    class Meta:
        model = Card
        fields = ["enterprise_id", "colour", "criterion", "reason"]
        widgets = {"enterprise_id": PickerWidget("enterprise")}
        labels = {"enterprise_id": _("企业")}

