"""Type-ahead pickers of the sources app (core/pickers.py): enterprises and monitoring points by name, in scope."""

from django.utils.translation import gettext_lazy as _

from envbureau.core.pickers import Picker, register

from .models import Enterprise, MonitoringPoint


def register_all() -> None:
    register("enterprise", Picker(
        Enterprise, "sources:pick-enterprises", search=("name", "credit_code"), order=("name", "pk"),
        hint=lambda e: e.jurisdiction.name, related=("jurisdiction",), noun=_("企业")))
    register("point", Picker(
        MonitoringPoint, "sources:pick-points", search=("name", "mn", "enterprise__name"),
        order=("enterprise__name", "name", "pk"), label=lambda p: f"{p.enterprise.name} · {p.name}",
        hint=lambda p: p.mn, related=("enterprise",), noun=_("监测点")))
