"""Type-ahead pickers of projects (core/pickers.py): projects, campaigns and grids by name or code, in scope."""

from django.utils.translation import gettext_lazy as _

from envbureau.core.pickers import Picker, register

from .models import Campaign, Grid, Project


def register_all() -> None:
    register("project", Picker(
        Project, "projects:pick-projects", search=("name", "code"), order=("-year", "name", "pk"),
        label=lambda p: p.name, hint=lambda p: f"{p.code} · {p.jurisdiction.name}", related=("jurisdiction",),
        noun=_("工程项目")))
    register("campaign", Picker(
        Campaign, "projects:pick-campaigns", search=("name", "code"), order=("-start", "name", "pk"),
        label=lambda c: c.name, hint=lambda c: f"{c.code} · {c.jurisdiction.name}", related=("jurisdiction",),
        noun=_("专项行动")))
    register("grid", Picker(
        Grid, "projects:pick-grids", search=("name", "code"), order=("code", "pk"),
        label=lambda g: g.name, hint=lambda g: f"{g.code} · {g.jurisdiction.name}", related=("jurisdiction",),
        noun=_("网格")))
