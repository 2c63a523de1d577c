"""Type-ahead pickers of the quality app (core/pickers.py): air stations and water sections by name, in scope."""

from django.utils.translation import gettext_lazy as _

from envbureau.core.pickers import Picker, register

from .models import AirStation, WaterSection


def register_all() -> None:
    register("station", Picker(
        AirStation, "quality:pick-stations", search=("name", "code"), order=("jurisdiction__path", "name"),
        hint=lambda s: f"{s.jurisdiction.name} · {s.get_control_level_display()}", related=("jurisdiction",),
        noun=_("站点")))
    register("section", Picker(
        WaterSection, "quality:pick-sections", search=("name", "code", "river"), order=("river", "name"),
        hint=lambda s: f"{s.river} · {s.jurisdiction.name}", related=("jurisdiction",), noun=_("断面")))
