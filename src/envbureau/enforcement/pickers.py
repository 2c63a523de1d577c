"""Type-ahead pickers of enforcement (core/pickers.py): cases and draws by number or party, in the user's scope."""

from django.utils.translation import gettext_lazy as _

from envbureau.core.pickers import Picker, register

from .models import Case, Draw


def register_all() -> None:
    register("case", Picker(
        Case, "enforcement:pick-cases", search=("code", "party"), order=("-filed_on", "-pk"),
        label=lambda c: f"{c.code} {c.party}", hint=lambda c: c.jurisdiction.name, related=("jurisdiction",),
        noun=_("案件")))
    register("draw", Picker(
        Draw, "enforcement:pick-draws", search=("code", "plan__name"), order=("-drawn_at", "-pk"),
        label=lambda d: d.code, hint=lambda d: d.plan.name, related=("plan",), noun=_("抽取")))
