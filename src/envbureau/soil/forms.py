from django import forms

from .choices import FARMLAND_ITEM_FIELDS
from .models import FarmlandSample, FarmlandUnit, KeyUnit, Plot, Sample

DATE = forms.DateInput(attrs={"type": "date"})


class PlotForm(forms.ModelForm):
    class Meta:
        model = Plot
        fields = ["code", "name", "address", "area_m2", "jurisdiction", "enterprise_id", "holder", "former_industry",
                  "planned_use", "developed", "longitude", "latitude"]


class SampleForm(forms.ModelForm):
    class Meta:
        model = Sample
        fields = ["plot", "point", "depth_m", "pollutant", "value", "sampled_on"]
        widgets = {"sampled_on": DATE}


class KeyUnitForm(forms.ModelForm):
    class Meta:
        model = KeyUnit
        fields = ["enterprise_id", "name", "jurisdiction", "list_year", "listed_on", "removed_on"]
        widgets = {"listed_on": DATE, "removed_on": DATE}


class FarmlandForm(forms.ModelForm):
    class Meta:
        model = FarmlandUnit
        fields = ["name", "jurisdiction", "year", "area_hm2", "level", "measures", "produce_ok"]


class FarmlandSampleForm(forms.ModelForm):
    class Meta:
        model = FarmlandSample
        fields = ["unit", "point", "sampled_on", "land", "ph", *(f for _c, f in FARMLAND_ITEM_FIELDS)]
        widgets = {"sampled_on": DATE}
